"""Vendor pages: the directory, the profile with its published contacts, the editor."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from marketplace.accounts.models import Organization
from marketplace.catalog.models import VendorProfile
from marketplace.core.database import utcnow
from marketplace.extensions import db
from tests import factories


@pytest.fixture
def logo_dir(app, web_app, tmp_path):
    """Point both app instances at an upload folder of this test's own."""
    for application in (app, web_app):
        application.config["UPLOAD_FOLDER"] = str(tmp_path / "uploads")
    return tmp_path / "uploads"


def _profile_form(**overrides) -> dict:
    data = {
        "about": "Chi nhánh **Hải Dương** phục vụ doanh nghiệp từ 2010.",
        "hotline": "0220 3852 123",
        "sales_email": "KinhDoanh@Example.vn",
        "zalo_url": "https://zalo.me/viettelhaiduong",
        "website": "https://example.vn",
        "localities": ["all", "10525"],
    }
    data.update(overrides)
    return data


def test_a_new_vendor_gets_a_stable_slug_from_its_name(app):
    org = factories.make_org("vendor", name="Viettel Hải Dương")
    twin = factories.make_org("vendor", name="Viettel Hải Dương")
    assert org.slug == "viettel-hai-duong"
    assert twin.slug == "viettel-hai-duong-2"
    org.name = "Viettel Hải Phòng"
    db.session.commit()
    assert org.slug == "viettel-hai-duong"  # a renaming keeps the address
    assert factories.make_org("enterprise").slug is None
    assert factories.make_org("vendor", name="Công ty TNHH Phần mềm Hồng Hà").slug == (
        "phan-mem-hong-ha"
    )


def test_the_editor_saves_and_the_public_page_shows_what_was_published(
    client_for, vendor, make_client
):
    factories.make_solution(vendor, name="Hóa đơn Sông Hồng")
    c = client_for(vendor)
    response = c.post("/vendor/profile", data=_profile_form())
    assert response.status_code == 302
    profile = db.session.get(VendorProfile, vendor.organization_id)
    assert profile.sales_email == "kinhdoanh@example.vn"
    assert profile.hotline == "02203852123"
    page = make_client().get(f"/vendors/{vendor.organization.slug}").get_data(as_text=True)
    assert "<strong>Hải Dương</strong>" in page
    assert "tel:02203852123" in page
    assert "mailto:kinhdoanh@example.vn" in page
    assert "zalo.me/viettelhaiduong" in page
    assert "Phường Hải Dương" in page and "Thành phố Hải Phòng" in page
    assert "Hóa đơn Sông Hồng" in page


def test_unpublished_channels_stay_hidden(client_for, vendor, make_client):
    factories.make_solution(vendor)
    client_for(vendor).post(
        "/vendor/profile", data=_profile_form(hotline="", sales_email="", zalo_url="")
    )
    page = make_client().get(f"/vendors/{vendor.organization.slug}").get_data(as_text=True)
    assert "tel:" not in page and "mailto:" not in page and "zalo.me" not in page


def test_bad_profile_fields_are_field_errors(client_for, vendor):
    c = client_for(vendor)
    for field, value in [
        ("zalo_url", "https://evil.example/zalo.me/x"),
        ("zalo_url", "javascript:alert(1)"),
        ("sales_email", "không phải email"),
        ("hotline", "12"),
        ("website", "javascript:alert(1)"),
        ("localities", ["99999"]),
        ("about", "x" * 7000),
    ]:
        response = c.post("/vendor/profile", data=_profile_form(**{field: value}))
        assert response.status_code == 400, field
        assert "invalid-feedback" in response.get_data(as_text=True)
    assert db.session.get(VendorProfile, vendor.organization_id) is None


def test_hostile_markdown_in_about_renders_harmless(client_for, vendor, make_client):
    factories.make_solution(vendor)
    hostile = '<script>alert(1)</script>[x](javascript:alert(2))<img src=x onerror="alert(3)">'
    assert (
        client_for(vendor).post("/vendor/profile", data=_profile_form(about=hostile)).status_code
        == 302
    )
    page = make_client().get(f"/vendors/{vendor.organization.slug}").get_data(as_text=True)
    assert "<script>alert(1)" not in page
    assert "javascript:alert" not in page
    assert "onerror" not in page


def test_unknown_or_inactive_vendors_are_404(make_client, vendor):
    c = make_client()
    assert c.get("/vendors/khong-co").status_code == 404
    vendor.organization.active = False
    db.session.commit()
    assert c.get(f"/vendors/{vendor.organization.slug}").status_code == 404


def test_the_directory_searches_folded_names_and_filters(make_client, vendor, other_vendor):
    vendor.organization.name = "Viễn thông Đông Triều"
    vendor.organization.verified_at = utcnow()
    db.session.commit()
    factories.make_solution(vendor, name="Kế toán A")
    factories.make_solution(other_vendor, name="Kế toán B")
    c = make_client()
    page = c.get("/vendors?q=dong+trieu").get_data(as_text=True)
    assert "Viễn thông Đông Triều" in page and other_vendor.organization.name not in page
    page = c.get("/vendors?verified=1").get_data(as_text=True)
    assert "Viễn thông Đông Triều" in page and other_vendor.organization.name not in page
    assert c.get("/vendors?category=khong-co").status_code == 200
    page = c.get("/vendors?category=hoa-don-dien-tu").get_data(as_text=True)
    assert "Viễn thông Đông Triều" in page and other_vendor.organization.name in page


def test_the_directory_keeps_its_rows_until_the_content_changes(
    app_factory, vendor, other_vendor, count_queries, tmp_path
):
    """The directory groups every published listing by vendor: kept under the content
    stamp, and read again after a change to a vendor or a listing."""
    factories.make_solution(vendor, name="Kế toán A")
    factories.make_solution(other_vendor, name="Kế toán B")
    vendor_id, vendor_name = vendor.organization_id, vendor.organization.name
    other_name = other_vendor.organization.name
    # One host: a web worker keeping public values, another committing the changes.
    settings = {"CATALOG_CACHE_SECONDS": 30, "PAGE_CACHE_STAMP": str(tmp_path / "stamp")}
    c = app_factory(**settings).test_client()
    worker = app_factory(**settings)

    def grouped(url: str) -> tuple[str, bool]:
        with count_queries() as q:
            page = c.get(url).get_data(as_text=True)
        return page, any("GROUP BY solutions.vendor_id" in s for s in q.statements)

    page, counted = grouped("/vendors")
    assert counted and vendor_name in page
    page, counted = grouped("/vendors?q=" + other_name.split()[-1])
    assert not counted  # searched, filtered and paged over the kept rows
    assert other_name in page
    assert "Viễn thông Đông Triều" not in grouped("/vendors?verified=1")[0]
    with worker.app_context():
        org = db.session.get(Organization, vendor_id)
        org.name = "Viễn thông Đông Triều"
        org.verified_at = utcnow()
        db.session.commit()
        db.session.remove()
    page, counted = grouped("/vendors?verified=1")
    assert counted and "Viễn thông Đông Triều" in page
    assert other_name not in page
    with worker.app_context():
        third = factories.make_org("vendor", name="Công nghệ Kinh Môn")
        factories.make_solution(factories.make_user("vendor", org=third), name="Kho Kinh Môn")
        db.session.remove()
    page, counted = grouped("/vendors")
    assert counted and "Công nghệ Kinh Môn" in page
    assert "(1)" not in grouped("/vendors?q=kinh+mon")[0]
    with worker.app_context():  # a published review: the vendor's rating count
        from marketplace.catalog.models import Solution
        from marketplace.reviews import services as review_services
        from tests.catalog.test_fragment_cache import _review

        listing = db.session.scalars(select(Solution).where(Solution.name == "Kho Kinh Môn")).one()
        _review(listing, factories.make_org(name="Hộ kinh doanh Đánh Giá"), status="published")
        review_services.refresh_aggregates(listing.id)
        db.session.commit()
        db.session.remove()
    page, counted = grouped("/vendors?q=kinh+mon")
    assert counted and "(1)" in page


def test_solution_pages_and_cards_link_to_the_vendor(make_client, vendor):
    solution = factories.make_solution(vendor)
    c = make_client()
    link = f"/vendors/{vendor.organization.slug}"
    assert link in c.get(f"/solutions/{solution.slug}").get_data(as_text=True)
    assert link in c.get("/solutions").get_data(as_text=True)


def test_the_profile_runs_a_constant_number_of_queries(make_client, vendor, count_queries, app):
    factories.make_solution(vendor, name="Giải pháp 0")
    c = make_client()
    url = f"/vendors/{vendor.organization.slug}"
    with count_queries() as q:
        assert c.get(url).status_code == 200
    small = q.count
    for n in range(1, 16):
        factories.make_solution(vendor, name=f"Giải pháp {n}")
    with count_queries() as q:
        assert c.get(url).status_code == 200
    assert q.count == small
    with count_queries() as q:
        assert c.get(url + "?page=2").status_code == 200
    assert q.count == small


def test_the_migration_gave_every_vendor_a_slug(app):
    missing = db.session.scalars(
        select(Organization).where(Organization.kind == "vendor", Organization.slug.is_(None))
    ).all()
    assert missing == []


def test_a_profile_logo_is_uploaded_public_and_kept(client_for, vendor, make_client, logo_dir):
    import io

    from marketplace.catalog.models import Upload
    from marketplace.catalog.uploads import referenced_upload_ids
    from tests.catalog.test_uploads import image_bytes

    factories.make_solution(vendor)
    data = _profile_form()
    data["logo"] = (io.BytesIO(image_bytes()), "logo.png", "image/png")
    response = client_for(vendor).post(
        "/vendor/profile", data=data, content_type="multipart/form-data"
    )
    assert response.status_code == 302
    profile = db.session.get(VendorProfile, vendor.organization_id)
    logo = db.session.get(Upload, profile.logo_id)
    assert logo is not None and logo.org_id == vendor.organization_id
    assert referenced_upload_ids([logo.id]) == {logo.id}
    page = make_client().get(f"/vendors/{vendor.organization.slug}").get_data(as_text=True)
    assert f"/media/{logo.filename}" in page
    assert make_client().get(f"/media/{logo.filename}").status_code == 200


def test_another_organisations_upload_cannot_be_a_logo(client_for, vendor, other_vendor, logo_dir):
    from tests.catalog.test_uploads import stored

    foreign = stored(other_vendor)
    response = client_for(vendor).post(
        "/vendor/profile", data=_profile_form(logo_id=str(foreign.id))
    )
    assert response.status_code == 400
    assert db.session.get(VendorProfile, vendor.organization_id) is None


def _page(client, org):
    from bs4 import BeautifulSoup

    response = client.get(f"/vendors/{org.slug}")
    assert response.status_code == 200
    return BeautifulSoup(response.get_data(as_text=True), "html.parser")


def _facts(soup) -> dict[str, str]:
    """The profile's side facts: each <dt> with the text of its <dd>."""
    return {
        term.get_text(strip=True): term.find_next_sibling("dd").get_text(" ", strip=True)
        for term in soup.select("aside dt")
    }


def test_a_verified_vendor_shows_the_badge_and_its_date_others_do_not(
    make_client, vendor, other_vendor
):
    import datetime as dt

    vendor.organization.verified_at = dt.datetime(2025, 3, 14, 3, 0, tzinfo=dt.UTC)
    db.session.commit()
    c = make_client()
    header = _page(c, vendor.organization).h1.parent.get_text(" ", strip=True)
    assert "Đã xác thực" in header and "Chưa xác thực" not in header
    assert "xác thực ngày 14/03/2025" in header
    header = _page(c, other_vendor.organization).h1.parent.get_text(" ", strip=True)
    assert "Chưa xác thực" in header and "Đã xác thực" not in header
    assert "xác thực ngày" not in header


def test_the_rating_is_across_the_vendors_published_solutions(make_client, vendor, other_vendor):
    from tests.reviews.conftest import quick_reviews

    quick_reviews(factories.make_solution(vendor, name="Hóa đơn Sông Hồng"), [5, 4])
    quick_reviews(factories.make_solution(vendor, name="Kế toán Sông Hồng"), [2])
    hidden = factories.make_solution(vendor, name="Kho Sông Hồng")
    quick_reviews(hidden, [1, 1, 1])
    hidden.status = "archived"  # a listing no longer shown does not count
    db.session.commit()
    factories.make_solution(other_vendor)
    c = make_client()
    header = _page(c, vendor.organization).h1.parent
    # (5 + 4 + 2) / 3 reviews = 3,7 — weighted by reviews, not the mean of the averages (3,3).
    assert header.select_one(".stars-meter")["aria-label"] == "3,7 trên 5 sao"
    assert "3 đánh giá trên các giải pháp" in header.get_text(" ", strip=True)
    header = _page(c, other_vendor.organization).h1.parent
    assert header.select_one(".stars-meter") is None
    assert "Chưa có đánh giá" in header.get_text(" ", strip=True)


def _answered(model, row_id: int, *, hours: float) -> None:
    """Make a request created `hours` before its first answer, both in the past."""
    import datetime as dt

    from sqlalchemy import update

    created = utcnow() - dt.timedelta(days=10)
    db.session.execute(
        update(model)
        .where(model.id == row_id)
        .values(created_at=created, first_response_at=created + dt.timedelta(hours=hours))
    )


def test_the_profile_shows_the_median_times_to_answer_trials_and_quotes(
    make_client, vendor, other_vendor
):
    from marketplace.quotes import services as quotes
    from marketplace.quotes.models import QuoteRequest
    from marketplace.trials.models import TrialRequest
    from tests.quotes.conftest import PLANS, offer_input, quote_input
    from tests.reviews.conftest import make_trial

    solution = factories.make_solution(vendor, plans=list(PLANS))
    for days in (1, 2, 3):  # trials answered after 1, 2 and 3 days: the median is 2 days
        trial = make_trial(factories.make_user("enterprise"), solution, "accepted")
        _answered(TrialRequest, trial.id, hours=24 * days)
    for hours in (2, 3, 4):  # quotes answered after 2, 3 and 4 hours: the median is 3 hours
        quote = quotes.request_quote(
            factories.make_user("enterprise"), solution, quote_input(solution)
        )
        quotes.send_offer(vendor, quote, offer_input(solution))
        db.session.flush()
        _answered(QuoteRequest, quote.id, hours=hours)
    # A request nobody answered yet does not count.
    quotes.request_quote(factories.make_user("enterprise"), solution, quote_input(solution))
    db.session.commit()
    factories.make_solution(other_vendor)
    c = make_client()
    facts = _facts(_page(c, vendor.organization))
    assert facts["Phản hồi yêu cầu dùng thử"] == "Thường phản hồi trong 2 ngày"
    assert facts["Phản hồi yêu cầu báo giá"] == "Thường phản hồi trong 3 giờ"
    facts = _facts(_page(c, other_vendor.organization))
    assert "Phản hồi yêu cầu dùng thử" not in facts
    assert "Phản hồi yêu cầu báo giá" not in facts
