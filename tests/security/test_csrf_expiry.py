"""Form tokens expire after WTF_CSRF_TIME_LIMIT (8 hours); a form sent from this site after
that gets the friendly page, and the chance to send what was typed again."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from bs4 import BeautifulSoup
from freezegun import freeze_time

from marketplace.accounts.models import User
from marketplace.extensions import db
from tests import factories

START = dt.datetime(2026, 12, 1, 1, 0, tzinfo=dt.UTC)
SAME_SITE = {"Sec-Fetch-Site": "same-origin"}


def _token(client, path: str) -> str:
    page = client.get(path).get_data(as_text=True)
    return re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)


@pytest.fixture
def signed_in(app_factory, enterprise):
    """A browser signed in at START with CSRF on; returns (client, clock)."""
    c = app_factory(WTF_CSRF_ENABLED=True).test_client()
    with freeze_time(START) as clock:
        token = _token(c, "/auth/login")
        response = c.post(
            "/auth/login",
            data={"email": enterprise.email, "password": factories.PASSWORD, "csrf_token": token},
        )
        assert response.status_code == 302
        yield c, clock


def test_tokens_expire_after_eight_hours_by_default(app):
    assert app.config["WTF_CSRF_TIME_LIMIT"] == 8 * 3600


def test_a_token_works_for_eight_hours(signed_in, enterprise):
    c, clock = signed_in
    token = _token(c, "/account/profile")
    clock.tick(dt.timedelta(hours=7, minutes=59))
    response = c.post(
        "/account/profile", data={"name": "Tên Mới", "locale": "vi", "csrf_token": token}
    )
    assert response.status_code == 302


def test_an_expired_token_gives_the_session_expired_page(signed_in, enterprise):
    c, clock = signed_in
    token = _token(c, "/account/profile")
    clock.tick(dt.timedelta(hours=8, minutes=1))
    response = c.post(
        "/account/profile", data={"name": "Tên Mới", "locale": "vi", "csrf_token": token}
    )
    assert response.status_code == 400
    assert "Phiên làm việc đã hết hạn" in response.get_data(as_text=True)
    db.session.refresh(enterprise)
    assert enterprise.name != "Tên Mới"


def test_an_expired_form_from_this_site_can_be_sent_again_with_its_text(signed_in, enterprise):
    c, clock = signed_in
    token = _token(c, "/account/profile")
    clock.tick(dt.timedelta(hours=9))
    response = c.post(
        "/account/profile",
        data={"name": "Nguyễn Thị <b>Hoa</b>", "locale": "en", "csrf_token": token},
        headers=SAME_SITE,
    )
    assert response.status_code == 400
    soup = BeautifulSoup(response.get_data(as_text=True), "html.parser")
    assert "Phiên làm việc đã hết hạn" in soup.get_text()
    form = soup.find("form", action="/account/profile")
    fields = {i["name"]: i["value"] for i in form.find_all("input")}
    assert fields["name"] == "Nguyễn Thị <b>Hoa</b>" and fields["locale"] == "en"
    assert fields["csrf_token"] != token
    again = c.post("/account/profile", data=fields, headers=SAME_SITE)
    assert again.status_code == 302
    db.session.refresh(enterprise)
    assert enterprise.name == "Nguyễn Thị <b>Hoa</b>"


def test_passwords_are_not_written_back_into_the_page(signed_in):
    c, clock = signed_in
    token = _token(c, "/account/password")
    clock.tick(dt.timedelta(hours=9))
    response = c.post(
        "/account/password",
        data={
            "current_password": factories.PASSWORD,
            "password": "mat-khau-moi-rat-dai",
            "confirm": "mat-khau-moi-rat-dai",
            "csrf_token": token,
        },
        headers=SAME_SITE,
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert factories.PASSWORD not in html and "mat-khau-moi-rat-dai" not in html
    assert "mật khẩu và tệp đính kèm không được giữ lại" in html


@pytest.mark.parametrize("headers", [{"Sec-Fetch-Site": "cross-site"}, {}])
def test_a_request_not_from_this_site_gets_no_fresh_token(signed_in, headers):
    c, clock = signed_in
    token = _token(c, "/account/profile")
    clock.tick(dt.timedelta(hours=9))
    response = c.post(
        "/account/profile",
        data={"name": "Kẻ Tấn Công", "locale": "vi", "csrf_token": token},
        headers=headers,
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "Phiên làm việc đã hết hạn" in html
    soup = BeautifulSoup(html, "html.parser")
    assert soup.find("form", action="/account/profile") is None
    assert "Kẻ Tấn Công" not in html
    assert db.session.query(User).filter_by(name="Kẻ Tấn Công").first() is None
