"""Sign-in, sign-out, landing pages, remember-me and safe redirects."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from marketplace.extensions import db
from tests import factories


@pytest.mark.parametrize(
    ("role", "landing"),
    [
        ("enterprise", "/account/"),
        ("vendor", "/vendor/"),
        ("moderator", "/moderation/"),
        ("admin", "/admin/"),
    ],
)
def test_each_role_lands_on_its_page(client, role, landing):
    user = factories.make_user(role)
    response = client.post(
        "/auth/login", data={"email": user.email, "password": factories.PASSWORD}
    )
    assert response.status_code == 302
    assert response.headers["Location"].endswith(landing)
    assert client.get(landing).status_code == 200


def test_email_is_case_insensitive(client, enterprise):
    response = client.post(
        "/auth/login", data={"email": enterprise.email.upper(), "password": factories.PASSWORD}
    )
    assert response.status_code == 302


@pytest.mark.parametrize(
    ("email", "password"),
    [("user@example.vn", "wrong-password-123"), ("nobody@example.vn", factories.PASSWORD)],
)
def test_wrong_credentials_give_one_message_and_keep_the_email(client, enterprise, email, password):
    if email == "user@example.vn":
        email = enterprise.email
    response = client.post("/auth/login", data={"email": email, "password": password})
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert "E-mail hoặc mật khẩu không đúng." in html
    assert f'value="{email}"' in html
    assert client.get("/account/").status_code == 302  # still anonymous


def test_inactive_user_cannot_sign_in(client):
    user = factories.make_user("enterprise", active=False)
    response = client.post(
        "/auth/login", data={"email": user.email, "password": factories.PASSWORD}
    )
    assert response.status_code == 400


def test_empty_login_form_shows_field_errors(client):
    response = client.post("/auth/login", data={})
    assert response.status_code == 400
    assert response.get_data(as_text=True).count("Vui lòng nhập thông tin này.") == 2


def test_next_redirect_on_this_site_is_followed(client, enterprise):
    response = client.post(
        "/auth/login?next=/account/profile",
        data={"email": enterprise.email, "password": factories.PASSWORD},
    )
    assert response.headers["Location"].endswith("/account/profile")


@pytest.mark.parametrize(
    "target",
    [
        "https://evil.example/",
        "//evil.example/x",
        "/\\evil.example",
        "javascript:alert(1)",
        "http:/evil.example",
        " //evil.example",
        "/%0d%0aSet-Cookie:x=1",
    ],
)
def test_next_redirect_off_site_is_ignored(client, enterprise, target):
    response = client.post(
        "/auth/login",
        data={"email": enterprise.email, "password": factories.PASSWORD, "next": target},
    )
    assert response.status_code == 302
    location = response.headers["Location"]
    assert "evil" not in location and "javascript" not in location
    assert location.endswith("/account/") or location.startswith("/%0d")


def test_anonymous_user_is_sent_to_login_with_next(client):
    response = client.get("/account/profile")
    assert response.status_code == 302
    assert "/auth/login?next=/account/profile" in response.headers["Location"]


def test_logout_is_a_post_and_ends_the_session(client_for, enterprise):
    c = client_for(enterprise)
    confirm = c.get("/auth/logout")
    assert confirm.status_code == 200 and "Bạn muốn đăng xuất?" in confirm.get_data(as_text=True)
    assert c.get("/account/").status_code == 200  # GET did not sign out
    response = c.post("/auth/logout")
    assert response.status_code == 302
    assert c.get("/account/").status_code == 302


def test_remember_me_sets_a_persistent_cookie(client, enterprise):
    client.post(
        "/auth/login",
        data={"email": enterprise.email, "password": factories.PASSWORD, "remember": "y"},
    )
    cookie = client.get_cookie("remember_token")
    assert cookie is not None and cookie.http_only


def test_sign_in_starts_a_fresh_session(client, enterprise):
    with client.session_transaction() as sess:
        sess["planted"] = "by-attacker"
        sess["lang"] = "en"
    client.post("/auth/login", data={"email": enterprise.email, "password": factories.PASSWORD})
    with client.session_transaction() as sess:
        assert "planted" not in sess
        assert sess.get("lang") == "en"


def test_last_login_is_recorded(client, enterprise):
    assert enterprise.last_login_at is None
    client.post("/auth/login", data={"email": enterprise.email, "password": factories.PASSWORD})
    db.session.refresh(enterprise)
    assert enterprise.last_login_at is not None


def test_forged_session_user_id_is_refused(client, enterprise):
    with client.session_transaction() as sess:
        sess["_user_id"] = f"{enterprise.id}:999"
    assert client.get("/account/").status_code == 302
    with client.session_transaction() as sess:
        sess["_user_id"] = "not-a-number"
    assert client.get("/account/").status_code == 302


@settings(
    max_examples=50, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    email=st.one_of(st.text(max_size=300), st.just("x" * 10_000)),
    password=st.one_of(st.text(max_size=200), st.just("\x00")),
    remember=st.text(max_size=5),
    nxt=st.text(max_size=100),
)
def test_no_input_to_the_login_form_causes_a_server_error(client, email, password, remember, nxt):
    response = client.post(
        "/auth/login",
        data={"email": email, "password": password, "remember": remember, "next": nxt},
    )
    assert response.status_code in (302, 400, 429)
