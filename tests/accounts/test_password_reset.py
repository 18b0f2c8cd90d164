"""Password reset: same answer for every address, single-use links bound to the password,
throttled requests, sessions ended and the sign-in throttle cleared."""

from __future__ import annotations

import re
import statistics
import time

import pytest
from sqlalchemy import select

from marketplace.accounts import reset, throttle
from marketplace.extensions import db
from marketplace.notifications.models import EmailOutbox
from tests import factories

NEW = "mat-khau-moi-2026"
WRONG = "sai-mat-khau-1"


def _forgot(client, email: str, address: str = "192.0.2.1"):
    response = client.post(
        "/auth/forgot", data={"email": email}, environ_base={"REMOTE_ADDR": address}
    )
    # The server closes the response once sent: that is when the request is handled.
    response.close()
    return response


def _mails(to: str) -> list[EmailOutbox]:
    db.session.expire_all()
    return db.session.scalars(
        select(EmailOutbox).where(EmailOutbox.to_email == to).order_by(EmailOutbox.id)
    ).all()


def _link(to: str) -> str:
    body = _mails(to)[-1].body_text
    return re.search(r"https?://\S+(/auth/reset/\S+)", body).group(1)


def _token(client, user) -> str:
    # Signed with the key of the app that serves the client (each test app has its own).
    with client.application.app_context():
        return reset.make_token(user)


def _page(response) -> str:
    # The page without the typed address, which is echoed back as typed.
    return response.get_data(as_text=True)


def test_sign_in_page_links_to_forgot(client):
    assert 'href="/auth/forgot"' in client.get("/auth/login").get_data(as_text=True)
    assert "Quên mật khẩu?" in client.get("/auth/forgot").get_data(as_text=True)


def test_same_page_and_status_for_known_and_unknown_emails(client, enterprise):
    known = _forgot(client, enterprise.email)
    unknown = _forgot(client, "khong-ton-tai@example.vn", address="192.0.2.2")
    assert known.status_code == unknown.status_code == 200
    assert _page(known).replace(enterprise.email, "@") == _page(unknown).replace(
        "khong-ton-tai@example.vn", "@"
    )
    assert sorted(dict(known.headers)) == sorted(dict(unknown.headers))
    assert len(_mails(enterprise.email)) == 1
    assert _mails("khong-ton-tai@example.vn") == []
    assert "/auth/reset/" in _mails(enterprise.email)[0].body_text


def test_unknown_emails_take_no_longer_to_answer(client, enterprise):
    # The lookup and the e-mail happen after the answer: both answers do the same work.
    def timed(email: str, address: str) -> float:
        start = time.perf_counter()
        response = client.post(
            "/auth/forgot", data={"email": email}, environ_base={"REMOTE_ADDR": address}
        )
        elapsed = time.perf_counter() - start
        response.close()
        return elapsed

    app_config = client.application.config
    app_config.update(RESET_ACCOUNT_LIMIT="100 per hour", RESET_ADDRESS_LIMIT="100 per hour")
    known = [timed(enterprise.email, f"198.51.100.{n}") for n in range(8)]
    unknown = [timed(f"ai{n}@example.vn", f"203.0.113.{n}") for n in range(8)]
    # Generous bound: what matters is that no database write happens before the answer.
    assert statistics.median(known) < statistics.median(unknown) * 3 + 0.01


def test_a_link_resets_once_ends_other_sessions_and_signs_in(web_app, client, make_client, login):
    user = factories.make_user("enterprise")
    other_browser = login(make_client(), user)
    assert other_browser.get("/account/").status_code == 200

    _forgot(client, user.email)
    link = _link(user.email)
    assert client.get(link).status_code == 200
    done = client.post(link, data={"password": NEW, "confirm": NEW})
    assert done.status_code == 302
    assert client.get("/account/").status_code == 200  # signed in with the new password
    assert other_browser.get("/account/").status_code == 302  # the other session ended

    again = make_client().post(link, data={"password": "mat-khau-khac-2026", "confirm": "x"})
    assert again.status_code == 400
    assert "đã được dùng" in again.get_data(as_text=True)
    fresh = make_client()
    assert login_status(fresh, user.email, NEW) == 302


def login_status(client, email: str, password: str, address: str = "198.51.100.9") -> int:
    return client.post(
        "/auth/login",
        data={"email": email, "password": password},
        environ_base={"REMOTE_ADDR": address},
    ).status_code


def test_an_older_link_fails_after_a_newer_reset(client, make_client, enterprise):
    _forgot(client, enterprise.email)
    first = _link(enterprise.email)
    _forgot(client, enterprise.email)
    second = _link(enterprise.email)
    assert make_client().post(second, data={"password": NEW, "confirm": NEW}).status_code == 302
    old = make_client().post(first, data={"password": NEW + "x", "confirm": NEW + "x"})
    assert old.status_code == 400
    assert "không còn hiệu lực" in old.get_data(as_text=True)


def test_a_password_change_kills_an_open_link(client, enterprise, login, make_client):
    _forgot(client, enterprise.email)
    link = _link(enterprise.email)
    me = login(make_client(), enterprise)
    me.post(
        "/account/password",
        data={"current_password": factories.PASSWORD, "password": NEW, "confirm": NEW},
    )
    assert make_client().get(link).status_code == 400


@pytest.mark.parametrize("mangle", ["tamper", "truncate", "garbage", "other_salt"])
def test_tampered_tokens_are_refused(app, client, enterprise, mangle):
    token = _token(client, enterprise)
    if mangle == "tamper":
        token = token[:-2] + ("AA" if not token.endswith("AA") else "BB")
    elif mangle == "truncate":
        token = token[: len(token) // 2]
    elif mangle == "garbage":
        token = "a.b.c" * 60
    else:
        from itsdangerous import URLSafeTimedSerializer

        key = client.application.config["SECRET_KEY"]
        token = URLSafeTimedSerializer(key, salt="other").dumps([enterprise.id, "0" * 32])
    response = client.post(f"/auth/reset/{token}", data={"password": NEW, "confirm": NEW})
    assert response.status_code == 400
    assert "Liên kết đặt lại mật khẩu" in response.get_data(as_text=True)
    assert login_status(client, enterprise.email, factories.PASSWORD) == 302


def test_an_expired_link_is_refused(app, client, enterprise, monkeypatch):
    token = _token(client, enterprise)
    real = time.time
    monkeypatch.setattr(time, "time", lambda: real() + reset.MAX_AGE_SECONDS + 5)
    response = client.get(f"/auth/reset/{token}")
    assert response.status_code == 400
    assert "hết hạn" in response.get_data(as_text=True)


def test_the_reset_page_keeps_its_token_private(client, enterprise):
    response = client.get(f"/auth/reset/{_token(client, enterprise)}")
    assert response.headers["Referrer-Policy"] == "no-referrer"
    assert "no-store" in response.headers["Cache-Control"]


def test_a_weak_new_password_is_refused_by_the_field(client, enterprise):
    link = f"/auth/reset/{_token(client, enterprise)}"
    response = client.post(link, data={"password": "1234567890", "confirm": "1234567890"})
    assert response.status_code == 400
    assert "quá phổ biến" in response.get_data(as_text=True)


def test_requests_are_throttled_per_typed_address(client, enterprise):
    for n in range(3):
        assert _forgot(client, enterprise.email, address=f"192.0.2.{n}").status_code == 200
    refused = _forgot(client, enterprise.email.upper(), address="192.0.2.99")
    assert refused.status_code == 429 and "Retry-After" in refused.headers
    assert "quá nhiều yêu cầu" in refused.get_data(as_text=True)
    assert len(_mails(enterprise.email)) == 3
    # An unknown address is throttled the same way: the 429 tells nothing either.
    for n in range(3):
        _forgot(client, "ai@example.vn", address=f"198.51.100.{n}")
    assert _forgot(client, "ai@example.vn", address="198.51.100.99").status_code == 429


def test_requests_are_throttled_per_client_address(client):
    for n in range(10):
        assert _forgot(client, f"ai{n}@example.vn", address="192.0.2.50").status_code == 200
    assert _forgot(client, "ai99@example.vn", address="192.0.2.50").status_code == 429
    assert _forgot(client, "ai99@example.vn", address="192.0.2.51").status_code == 200


def test_reset_works_while_throttled_and_clears_the_throttle(client, make_client, enterprise):
    for _ in range(5):
        assert login_status(client, enterprise.email, WRONG, "203.0.113.7") == 400
    assert login_status(client, enterprise.email, factories.PASSWORD, "203.0.113.7") == 429

    browser = make_client()
    _forgot(browser, enterprise.email, address="203.0.113.7")
    link = _link(enterprise.email)
    assert browser.post(link, data={"password": NEW, "confirm": NEW}).status_code == 302
    browser.post("/auth/logout")
    assert login_status(make_client(), enterprise.email, NEW, "203.0.113.7") == 302


def test_clear_account_forgets_failures_from_every_address(app):
    for address in ("203.0.113.1", "203.0.113.2"):
        for _ in range(5):
            throttle.begin_attempt("chu@example.vn", address)
        assert not throttle.begin_attempt("chu@example.vn", address).allowed
    throttle.clear_account("chu@example.vn")
    assert throttle.begin_attempt("chu@example.vn", "203.0.113.1").allowed
    assert throttle.begin_attempt("chu@example.vn", "203.0.113.2").allowed


@pytest.mark.parametrize("role", ["moderator", "admin", "vendor"])
def test_staff_and_vendors_reset_the_same_way(client, make_client, role):
    user = factories.make_user(role)
    _forgot(client, user.email)
    link = _link(user.email)
    assert make_client().post(link, data={"password": NEW, "confirm": NEW}).status_code == 302
    assert login_status(make_client(), user.email, NEW) == 302


def test_an_inactive_account_gets_no_link(client):
    user = factories.make_user("enterprise", active=False)
    assert _forgot(client, user.email).status_code == 200
    assert _mails(user.email) == []


def test_the_email_is_in_the_users_language(client):
    user = factories.make_user("enterprise", locale="en")
    _forgot(client, user.email)
    (mail,) = _mails(user.email)
    assert mail.subject == "Reset your password on the Digital Solutions Marketplace"
    assert "Reset password: http" in mail.body_text
