"""Terms, privacy, about and contact pages; the consent recorded at sign-up."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from marketplace.accounts.legal import PRIVACY_VERSION, TERMS_VERSION
from marketplace.accounts.models import Consent, User
from marketplace.core.database import utcnow
from marketplace.extensions import db
from tests import factories
from tests.accounts.test_registration import valid_form

PAGES = {
    "/terms": ("Điều khoản sử dụng", "Terms of use"),
    "/privacy": ("Chính sách bảo vệ dữ liệu cá nhân", "Privacy policy"),
    "/about": ("Giới thiệu", "About"),
    "/contact": ("Liên hệ", "Contact"),
}


@pytest.mark.parametrize("path", list(PAGES))
def test_each_page_is_public_in_vietnamese_and_english(client, path):
    vi_title, en_title = PAGES[path]
    vi = client.get(path)
    assert vi.status_code == 200 and f'<h1 class="h3">{vi_title}</h1>' in vi.text
    client.post("/lang", data={"lang": "en", "next": path})
    en = client.get(path)
    assert en.status_code == 200 and f'<h1 class="h3">{en_title}</h1>' in en.text


@pytest.mark.parametrize(
    ("path", "version"), [("/terms", TERMS_VERSION), ("/privacy", PRIVACY_VERSION)]
)
def test_the_documents_show_their_version_as_a_date(client, path, version):
    shown = dt.date.fromisoformat(version).strftime("%d/%m/%Y")
    assert f"Phiên bản có hiệu lực từ {shown}" in client.get(path).text


def test_the_footer_links_all_four_pages(client):
    html = client.get("/auth/login").text
    for path in PAGES:
        assert f'href="{path}"' in html


def test_sign_up_records_the_versions_and_time_of_consent(client):
    before = utcnow()
    assert client.post("/auth/register", data=valid_form()).status_code == 302
    user = db.session.scalar(select(User).where(User.email == "an.nguyen@banhgai.vn"))
    consents = db.session.scalars(select(Consent).where(Consent.user_id == user.id)).all()
    assert {(c.document, c.version) for c in consents} == {
        ("terms", TERMS_VERSION),
        ("privacy", PRIVACY_VERSION),
    }
    assert all(before - dt.timedelta(seconds=1) <= c.accepted_at <= utcnow() for c in consents)


def test_no_consent_is_recorded_without_the_checkbox(client):
    form = valid_form()
    del form["accept_terms"]
    assert client.post("/auth/register", data=form).status_code == 400
    assert db.session.scalar(select(Consent)) is None


def _consent(user, version: str) -> None:
    for document in ("terms", "privacy"):
        db.session.add(Consent(user_id=user.id, document=document, version=version))
    db.session.commit()


def test_a_user_who_accepted_an_older_version_is_asked_again_at_sign_in(client):
    user = factories.make_user("enterprise")
    _consent(user, "2025-01-01")
    response = client.post(
        "/auth/login", data={"email": user.email, "password": factories.PASSWORD}
    )
    assert response.status_code == 302 and "/account/consent" in response.headers["Location"]
    page = client.get(response.headers["Location"])
    assert page.status_code == 200 and 'href="/terms"' in page.text
    assert client.post("/account/consent", data={}).status_code == 400  # the box must be ticked
    done = client.post("/account/consent", data={"accept": "y", "next": "/account/"})
    assert done.status_code == 302 and done.headers["Location"].endswith("/account/")
    versions = db.session.scalars(
        select(Consent.version).where(Consent.user_id == user.id, Consent.document == "terms")
    ).all()
    assert TERMS_VERSION in versions
    client.post("/auth/logout")
    again = client.post("/auth/login", data={"email": user.email, "password": factories.PASSWORD})
    assert again.headers["Location"].endswith("/account/")


def test_a_user_on_the_current_version_is_not_asked(client):
    user = factories.make_user("enterprise")
    _consent(user, TERMS_VERSION)
    response = client.post(
        "/auth/login", data={"email": user.email, "password": factories.PASSWORD}
    )
    assert response.headers["Location"].endswith("/account/")


def test_the_consent_page_never_redirects_off_site(client_for):
    user = factories.make_user("enterprise")
    c = client_for(user)
    done = c.post("/account/consent", data={"accept": "y", "next": "https://evil.example/"})
    assert done.status_code == 302 and "evil.example" not in done.headers["Location"]
