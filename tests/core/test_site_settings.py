"""Site settings in the database (/admin/settings): contact details, the announcement banner,
the terms and privacy versions (and the consent asked again), each change audited."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from marketplace.accounts.legal import TERMS_VERSION
from marketplace.accounts.models import Consent
from marketplace.core import pagecache, site_settings
from marketplace.core.audit import AuditLog
from marketplace.core.clock import local_today
from marketplace.extensions import db


def _audits(action: str) -> list[AuditLog]:
    db.session.expire_all()
    return list(db.session.scalars(select(AuditLog).where(AuditLog.action == action)))


def test_the_contact_page_shows_the_defaults_until_an_admin_sets_the_details(
    client, client_for, admin
):
    assert "Ban quản lý Chợ Giải Pháp Số" in client.get("/contact").text
    c = client_for(admin)
    response = c.post(
        "/admin/settings/contact",
        data={
            "contact-contact_name": "Trung tâm Điều hành thông minh Hải Phòng",
            "contact-contact_address": "Số 1 Đinh Tiên Hoàng, phường Hồng Bàng",
            "contact-contact_phone": "0225 3822 000",
            "contact-contact_email": "IOC@HaiPhong.gov.vn",
            "contact-contact_hours": "Thứ Hai – Thứ Sáu, 8:00–17:00",
        },
    )
    assert response.status_code == 302
    page = client.get("/contact").text
    assert "Trung tâm Điều hành thông minh Hải Phòng" in page
    assert "Số 1 Đinh Tiên Hoàng" in page and 'href="tel:02253822000"' in page
    assert "mailto:ioc@haiphong.gov.vn" in page
    [entry] = _audits("settings.contact")
    assert entry.actor_id == admin.id
    assert entry.data["before"]["contact_name"] == ""
    assert entry.data["after"]["contact_email"] == "ioc@haiphong.gov.vn"


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("contact_phone", "gọi tôi", "Số điện thoại không hợp lệ."),
        ("contact_email", "not-an-address", "Địa chỉ e-mail không hợp lệ."),
        ("contact_name", "x" * 201, "200"),
    ],
)
def test_bad_contact_details_are_refused_by_the_field_and_kept(
    client_for, admin, field, value, message
):
    response = client_for(admin).post("/admin/settings/contact", data={f"contact-{field}": value})
    assert response.status_code == 400
    assert message in response.text and (value[:50] in response.text)
    assert db.session.get(site_settings.SiteSettings, 1) is None


def test_saving_the_same_details_again_audits_nothing(client_for, admin):
    c = client_for(admin)
    data = {"contact-contact_phone": "0225 1234 567"}
    c.post("/admin/settings/contact", data=data)
    c.post("/admin/settings/contact", data=data)
    assert len(_audits("settings.contact")) == 1


def test_the_banner_shows_on_every_page_until_its_last_day_and_can_be_closed(
    client, client_for, admin, enterprise
):
    c = client_for(admin)
    assert "site-banner" not in client.get("/").text
    today = local_today()
    response = c.post(
        "/admin/settings/banner",
        data={
            "banner-banner_vi": "Hệ thống bảo trì từ 22:00 ngày 05/12/2026",
            "banner-banner_en": "Maintenance from 22:00 on 05/12/2026",
            "banner-banner_level": "warning",
            "banner-banner_ends_on": today.strftime("%d/%m/%Y"),
        },
    )
    assert response.status_code == 302
    for path in ("/", "/solutions", "/contact", "/auth/login"):
        assert "Hệ thống bảo trì từ 22:00" in client.get(path).text, path
    client.post("/lang", data={"lang": "en", "next": "/"})
    assert "Maintenance from 22:00" in client.get("/").text
    # Closing it needs no script: a plain form, remembered by the visitor's session.
    visitor = client_for(enterprise)
    assert "Hệ thống bảo trì" in visitor.get("/solutions").text
    closed = visitor.post("/banner/dismiss", data={"next": "/solutions"})
    assert closed.status_code == 302 and closed.headers["Location"].endswith("/solutions")
    assert "Hệ thống bảo trì" not in visitor.get("/solutions").text
    # A new text shows again to those who closed the old one.
    c.post(
        "/admin/settings/banner",
        data={"banner-banner_vi": "Đã bảo trì xong", "banner-banner_level": "info"},
    )
    assert "Đã bảo trì xong" in visitor.get("/solutions").text
    [first, second] = sorted(_audits("settings.banner"), key=lambda a: a.id)
    assert second.data["before"]["banner_vi"] == "Hệ thống bảo trì từ 22:00 ngày 05/12/2026"
    assert second.data["after"]["banner_ends_on"] is None


def test_a_banner_shows_through_its_last_day_and_not_after(client, web_app):
    row = site_settings.SiteSettings(id=1, banner_vi="Thông báo cũ", banner_ends_on=local_today())
    db.session.add(row)
    db.session.commit()
    with web_app.app_context():
        site_settings.changed()
    assert "Thông báo cũ" in client.get("/").text
    row.banner_ends_on = local_today() - dt.timedelta(days=1)
    db.session.commit()
    with web_app.app_context():
        site_settings.changed()
    assert "Thông báo cũ" not in client.get("/").text


@pytest.mark.parametrize(
    ("data", "field_error"),
    [
        ({"banner-banner_en": "Only English", "banner-banner_level": "info"}, "tiếng Việt"),
        ({"banner-banner_vi": "A", "banner-banner_level": "loud"}, "Lựa chọn không hợp lệ"),
        (
            {
                "banner-banner_vi": "A",
                "banner-banner_level": "info",
                "banner-banner_ends_on": "01/01/2021",
            },
            "quá khứ",
        ),
        (
            {
                "banner-banner_vi": "A",
                "banner-banner_level": "info",
                "banner-banner_ends_on": "31/02/2027",
            },
            "không có trên lịch",
        ),
    ],
)
def test_bad_banners_are_refused(client_for, admin, data, field_error):
    response = client_for(admin).post("/admin/settings/banner", data=data)
    assert response.status_code == 400 and field_error in response.text
    assert not _audits("settings.banner")


def test_anonymous_cached_pages_show_a_new_banner_at_once(app_factory, admin, login):
    cached = app_factory(PAGE_CACHE_SECONDS=300)
    anonymous = cached.test_client()
    first = anonymous.get("/")
    assert anonymous.get("/").headers.get("X-Cache") == "HIT"
    assert "Tin mới" not in first.text
    c = login(cached.test_client(), admin)
    assert (
        c.post(
            "/admin/settings/banner",
            data={"banner-banner_vi": "Tin mới", "banner-banner_level": "info"},
        ).status_code
        == 302
    )
    again = anonymous.get("/")
    assert again.headers.get("X-Cache") == "MISS" and "Tin mới" in again.text
    with cached.app_context():
        pagecache.content_changed()


def _consent(user, version: str) -> None:
    for document in ("terms", "privacy"):
        db.session.add(Consent(user_id=user.id, document=document, version=version))
    db.session.commit()


def test_a_new_terms_version_asks_signed_in_users_again(client_for, admin, enterprise):
    _consent(enterprise, TERMS_VERSION)
    visitor = client_for(enterprise)
    assert visitor.get("/account/").status_code == 200
    today = local_today()
    published = client_for(admin).post(
        "/admin/settings/versions",
        data={"version-document": "terms", "version-effective": today.strftime("%d/%m/%Y")},
    )
    assert published.status_code == 302
    db.session.expire_all()
    assert db.session.get(site_settings.SiteSettings, 1).terms_version == today.isoformat()
    # The open session is asked on its next page, and may still read the terms.
    asked = visitor.get("/account/")
    assert asked.status_code == 302 and "/account/consent" in asked.headers["Location"]
    assert visitor.get("/terms").status_code == 200
    # Who does not accept may still take their data and leave.
    assert visitor.get("/account/delete").status_code == 200
    assert visitor.get("/account/export").status_code == 200
    assert f"Phiên bản có hiệu lực từ {today.strftime('%d/%m/%Y')}" in visitor.get("/terms").text
    done = visitor.post("/account/consent", data={"accept": "y", "next": "/account/"})
    assert done.status_code == 302
    assert visitor.get("/account/").status_code == 200
    [entry] = _audits("settings.terms_version")
    assert entry.data == {
        "before": {"terms_version": None},
        "after": {"terms_version": today.isoformat()},
    }


@pytest.mark.parametrize(
    "effective",
    ["01/01/2024", "", "not a date", (local_today() + dt.timedelta(days=3)).strftime("%d/%m/%Y")],
)
def test_a_version_must_be_newer_than_the_current_and_not_in_the_future(
    client_for, admin, effective
):
    response = client_for(admin).post(
        "/admin/settings/versions",
        data={"version-document": "privacy", "version-effective": effective},
    )
    assert response.status_code == 400
    assert not _audits("settings.privacy_version")


def test_only_administrators_reach_the_settings(client, client_for, moderator, vendor):
    assert client.get("/admin/settings/").status_code == 302
    assert client_for(moderator).get("/admin/settings/").status_code == 403
    assert (
        client_for(vendor)
        .post(
            "/admin/settings/banner", data={"banner-banner_vi": "x", "banner-banner_level": "info"}
        )
        .status_code
        == 403
    )
    assert db.session.get(site_settings.SiteSettings, 1) is None


def test_the_settings_page_lists_the_forms_in_the_console(client_for, admin):
    page = client_for(admin).get("/admin/settings/")
    assert page.status_code == 200
    for text in ("Thông tin liên hệ", "Thông báo trên toàn trang", "Phiên bản điều khoản"):
        assert text in page.text
    assert 'href="/admin/settings/"' in page.text
