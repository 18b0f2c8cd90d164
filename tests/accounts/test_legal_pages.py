"""Terms, privacy, about and contact pages; the consent recorded at sign-up."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from marketplace.accounts.legal import PRIVACY_VERSION, TERMS_VERSION
from marketplace.accounts.models import Consent, User
from marketplace.core.database import utcnow
from marketplace.extensions import db
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
