"""Addresses in public answers come from SITE_URL, never from request headers; cookies are
Secure whenever the site is reached over HTTPS."""

from __future__ import annotations

import pytest

from tests import factories

SITE = "https://cho.example.vn"
FORGED = {"Host": "evil.example", "X-Forwarded-Host": "evil.example"}


@pytest.fixture
def published(app, vendor):
    solution = factories.make_solution(vendor, status="published")
    from marketplace.extensions import db

    db.session.commit()
    return solution


def test_forwarded_host_does_not_reach_the_api_urls(app_factory, published):
    c = app_factory(TRUSTED_PROXIES=1, SITE_URL=SITE).test_client()
    response = c.get(
        "/api/v1/solutions",
        headers={"X-Forwarded-Host": "evil.example", "X-Forwarded-For": "1.2.3.4"},
    )
    assert response.status_code == 200
    items = response.get_json()["items"]
    assert [item["url"] for item in items] == [f"{SITE}/solutions/{published.slug}"]
    assert b"evil.example" not in response.get_data()
    detail = c.get(f"/api/v1/solutions/{published.slug}", headers=FORGED)
    assert b"evil.example" not in detail.get_data()


def test_the_docs_page_does_not_reflect_the_host(app_factory):
    c = app_factory(TRUSTED_PROXIES=1, SITE_URL=SITE).test_client()
    html = c.get("/api/docs", headers=FORGED).get_data(as_text=True)
    assert "evil.example" not in html
    assert f"{SITE}/api/v1" in html


def test_without_site_url_the_server_name_or_a_path_is_used(app_factory, published):
    c = app_factory(SITE_URL="").test_client()
    items = c.get("/api/v1/solutions", headers=FORGED).get_json()["items"]
    assert items[0]["url"] == f"/solutions/{published.slug}"


def _sign_in(client, user, **kwargs):
    response = client.post(
        "/auth/login",
        data={"email": user.email, "password": factories.PASSWORD, "remember": "y"},
        **kwargs,
    )
    assert response.status_code == 302
    return response.headers.getlist("Set-Cookie")


def _flags(cookies: list[str]) -> dict[str, bool]:
    return {
        c.split("=", 1)[0]: any(p.strip().lower() == "secure" for p in c.split(";")[1:])
        for c in cookies
    }


def test_cookies_are_secure_when_the_request_is_https(client, enterprise):
    cookies = _sign_in(client, enterprise, environ_overrides={"wsgi.url_scheme": "https"})
    assert _flags(cookies) == {"session": True, "remember_token": True}


def test_cookies_are_secure_behind_a_trusted_proxy_that_says_https(app_factory, enterprise):
    c = app_factory(TRUSTED_PROXIES=1).test_client()
    cookies = _sign_in(c, enterprise, headers={"X-Forwarded-Proto": "https"})
    assert _flags(cookies) == {"session": True, "remember_token": True}


def test_cookies_are_secure_when_site_url_is_https(app_factory, enterprise):
    c = app_factory(SITE_URL=SITE).test_client()
    assert _flags(_sign_in(c, enterprise)) == {"session": True, "remember_token": True}


def test_plain_http_without_a_proxy_keeps_cookies_usable(client, enterprise):
    # A forged X-Forwarded-Proto is not believed without a trusted proxy.
    cookies = _sign_in(client, enterprise, headers={"X-Forwarded-Proto": "https"})
    assert _flags(cookies) == {"session": False, "remember_token": False}
