"""Security headers, session handling and the sign-in throttle."""

from __future__ import annotations

from tests import factories


def test_every_page_carries_security_headers(client):
    for path in ("/", "/solutions", "/auth/login", "/khong-co", "/healthz"):
        headers = client.get(path).headers
        csp = headers["Content-Security-Policy"]
        script_src = next(part for part in csp.split(";") if part.strip().startswith("script-src"))
        assert "unsafe-inline" not in script_src and "unsafe-eval" not in script_src
        assert "frame-ancestors 'none'" in csp
        assert headers["X-Content-Type-Options"] == "nosniff"
        assert headers["Referrer-Policy"] == "strict-origin-when-cross-origin"
        assert headers["X-Frame-Options"] == "DENY"
        assert "Strict-Transport-Security" not in headers


def test_hsts_only_over_https(client):
    response = client.get("/", base_url="https://localhost")
    assert response.headers["Strict-Transport-Security"].startswith("max-age=")


def test_pages_have_no_inline_scripts(client, vendor, client_for):
    from bs4 import BeautifulSoup

    for c, path in [
        (client, "/"),
        (client, "/solutions"),
        (client_for(vendor), "/vendor/solutions/new"),
    ]:
        soup = BeautifulSoup(c.get(path).get_data(as_text=True), "html.parser")
        assert all(tag.get("src") for tag in soup.find_all("script")), path
        assert not soup.select("[onclick], [onload], [onerror], [onchange], [onsubmit]"), path


def test_session_cookie_is_httponly_and_lax(client, enterprise):
    client.post("/auth/login", data={"email": enterprise.email, "password": factories.PASSWORD})
    cookie = client.get_cookie("session")
    assert cookie.http_only and cookie.same_site == "Lax"


def test_sign_out_ends_every_other_session(client_for, enterprise):
    laptop, phone = client_for(enterprise), client_for(enterprise)
    assert phone.get("/account/").status_code == 200
    laptop.post("/auth/logout")
    assert phone.get("/account/").status_code == 302


def test_repeated_failures_on_one_account_are_throttled(client, make_client, enterprise):
    for _ in range(5):
        response = client.post(
            "/auth/login", data={"email": enterprise.email, "password": "sai-mat-khau-1"}
        )
        assert response.status_code == 400
    blocked = client.post(
        "/auth/login", data={"email": enterprise.email, "password": factories.PASSWORD}
    )
    assert blocked.status_code == 429
    assert "quá nhiều lần" in blocked.get_data(as_text=True)
    other = factories.make_user("enterprise")
    ok = client.post("/auth/login", data={"email": other.email, "password": factories.PASSWORD})
    assert ok.status_code == 302


def test_success_clears_the_account_counter(client, enterprise):
    for _ in range(4):
        client.post("/auth/login", data={"email": enterprise.email, "password": "sai-mat-khau-1"})
    assert (
        client.post(
            "/auth/login", data={"email": enterprise.email, "password": factories.PASSWORD}
        ).status_code
        == 302
    )
    client.post("/auth/logout")
    for _ in range(4):
        client.post("/auth/login", data={"email": enterprise.email, "password": "sai-mat-khau-1"})
    assert (
        client.post(
            "/auth/login", data={"email": enterprise.email, "password": factories.PASSWORD}
        ).status_code
        == 302
    )


def test_many_failures_from_one_address_slow_it_down(app_factory):
    application = app_factory(LOGIN_ADDRESS_LIMIT="3 per 15 minutes")
    c = application.test_client()
    for n in range(4):  # the limit, then one attempt per slow-down period
        c.post("/auth/login", data={"email": f"khach{n}@example.vn", "password": "sai-mat-khau-1"})
    assert (
        c.post(
            "/auth/login", data={"email": "moi@example.vn", "password": "sai-mat-khau-1"}
        ).status_code
        == 429
    )


def _fail_sign_ins(client, count: int, forwarded_for: str) -> int:
    status = 0
    for _ in range(count):
        status = client.post(
            "/auth/login",
            data={"email": "khach@example.vn", "password": "sai-mat-khau-1"},
            headers={"X-Forwarded-For": forwarded_for},
        ).status_code
    return status


def test_forwarded_addresses_are_ignored_without_a_trusted_proxy(app_factory):
    c = app_factory(LOGIN_PAIR_LIMIT="3 per 15 minutes").test_client()
    # A client cannot dodge the limit by inventing a new address each time.
    for n in range(3):
        _fail_sign_ins(c, 1, f"203.0.113.{n}")
    assert _fail_sign_ins(c, 1, "203.0.113.99") == 429


def test_behind_a_trusted_proxy_the_forwarded_address_counts(app_factory):
    application = app_factory(LOGIN_PAIR_LIMIT="3 per 15 minutes", TRUSTED_PROXIES=1)
    c = application.test_client()
    assert _fail_sign_ins(c, 4, "203.0.113.7") == 429
    # Another client behind the same proxy is not blocked by the first one's failures.
    assert _fail_sign_ins(c, 1, "203.0.113.8") != 429
    response = c.get("/", headers={"X-Forwarded-Proto": "https"})
    assert response.headers["Strict-Transport-Security"].startswith("max-age=")


def test_api_answers_do_not_vary_on_cookies_but_pages_do(client, enterprise, login):
    for c in (client, login(client.application.test_client(), enterprise)):
        for path in ("/api/v1/solutions", "/api/v1/categories", "/api/v1/khong-co"):
            response = c.get(path)
            assert "Cookie" not in response.headers.get("Vary", ""), path
            assert "Set-Cookie" not in response.headers, path
        assert "Cookie" in c.get("/solutions").headers["Vary"]


def test_form_tokens_carry_no_id_so_ids_stay_unique(app_factory, vendor, moderator):
    import re
    from collections import Counter

    pending = factories.make_solution(vendor, status="pending")
    c = app_factory(WTF_CSRF_ENABLED=True).test_client()
    page = c.get("/auth/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    response = c.post(
        "/auth/login",
        data={"email": moderator.email, "password": factories.PASSWORD, "csrf_token": token},
    )
    assert response.status_code == 302
    # The listing's page has an approve and a reject form, each with its own token.
    html = c.get(f"/moderation/solutions/{pending.id}").get_data(as_text=True)
    assert html.count('name="csrf_token"') >= 2
    assert 'id="csrf_token"' not in html
    repeated = [i for i, n in Counter(re.findall(r'\sid="([^"]+)"', html)).items() if n > 1]
    assert not repeated, repeated
