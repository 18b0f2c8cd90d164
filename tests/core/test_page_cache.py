"""Pages kept for anonymous visitors, the content stamp that expires them, and the
same-origin protection of the forms on those pages."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import update

from marketplace.catalog import decisions, params, queries
from marketplace.catalog.models import Solution
from marketplace.core.pagecache import ContentStamp
from marketplace.extensions import db
from tests import factories

PAGES = ["/", "/solutions", "/solutions?q=hoa+don", "/compare?s={a},{b}"]


@pytest.fixture
def stamp_path(tmp_path):
    return str(tmp_path / "content.stamp")


@pytest.fixture
def cached(app_factory, stamp_path):
    """Two apps sharing one host's stamp: one serves pages, the other commits changes."""

    def build(**extra):
        settings = {
            "PAGE_CACHE_SECONDS": 60,
            "CATALOG_CACHE_SECONDS": 60,
            "PAGE_CACHE_STAMP": stamp_path,
        }
        settings.update(extra)
        return app_factory(**settings)

    return build


@pytest.fixture
def listings(app, vendor):
    a = factories.make_solution(vendor, name="Hóa đơn điện tử Sao Mai")
    b = factories.make_solution(vendor, name="Hóa đơn điện tử Bạch Đằng")
    return a, b


def _pages(listings):
    a, b = listings
    return [p.format(a=a.slug, b=b.slug) for p in PAGES]


def test_anonymous_pages_are_served_from_memory_without_sql(cached, listings, count_queries):
    web = cached()
    client = web.test_client()
    for path in _pages(listings):
        first = client.get(path)
        assert first.status_code == 200, path
        assert first.headers["X-Cache"] == "MISS"
        assert "Set-Cookie" not in first.headers, path
        assert 'name="csrf_token"' not in first.get_data(as_text=True), path
        with count_queries() as q:
            second = client.get(path)
        assert second.headers["X-Cache"] == "HIT", path
        assert q.count == 0, path
        assert second.get_data() == first.get_data()
        assert second.headers["Content-Security-Policy"] == first.headers["Content-Security-Policy"]
        assert "Cookie" in second.headers["Vary"]
        assert int(second.headers["Age"]) >= 0


def test_the_query_string_is_part_of_the_key(cached, listings):
    client = cached().test_client()
    assert client.get("/solutions?q=sao+mai").headers["X-Cache"] == "MISS"
    other = client.get("/solutions?q=bach+dang")
    assert other.headers["X-Cache"] == "MISS"
    assert "Bạch Đằng" in other.get_data(as_text=True)
    assert "Sao Mai" not in other.get_data(as_text=True)


def test_visitors_with_a_session_or_a_sign_in_never_get_a_kept_page(
    cached, listings, enterprise, login
):
    web = cached()
    anonymous = web.test_client()
    anonymous.get("/solutions")
    assert anonymous.get("/solutions").headers["X-Cache"] == "HIT"

    signed_in = login(web.test_client(), enterprise)
    page = signed_in.get("/solutions")
    assert "X-Cache" not in page.headers
    assert enterprise.name in page.get_data(as_text=True)

    with_tray = web.test_client()
    response = with_tray.post(
        "/compare/add",
        data={"slug": listings[0].slug, "next": "/solutions"},
        headers={"Sec-Fetch-Site": "same-origin"},
    )
    assert response.status_code == 302
    page = with_tray.get("/solutions")
    assert "X-Cache" not in page.headers
    assert "Khay so sánh" in page.get_data(as_text=True)
    # Their pages carry the token again: they already have a session.
    assert 'name="csrf_token"' in page.get_data(as_text=True)


def test_only_views_that_ask_and_only_plain_200_pages_are_kept(cached, listings):
    web = cached()
    client = web.test_client()
    solution_page = client.get(f"/solutions/{listings[0].slug}")
    assert solution_page.status_code == 200 and "X-Cache" in solution_page.headers
    client.delete_cookie("session")
    assert client.get(f"/solutions/{listings[0].slug}").headers["X-Cache"] == "MISS"
    client.delete_cookie("session")
    assert client.get("/solutions?page=abc").status_code in (200, 400)
    assert client.get("/khong-co-trang-nay").headers["X-Cache"] == "MISS"
    assert client.get("/khong-co-trang-nay").headers["X-Cache"] == "MISS"
    assert client.head("/solutions").status_code == 200
    assert len(web.extensions["page_cache"]) == 1  # only /solutions?page=abc


def test_a_committed_change_expires_pages_on_every_worker_at_once(
    cached, listings, moderator, count_queries
):
    web = cached()
    writer = cached()
    client = web.test_client()
    a, _b = listings
    assert a.name in client.get("/solutions").get_data(as_text=True)
    assert client.get("/solutions").headers["X-Cache"] == "HIT"

    with writer.app_context():
        decisions.suspend_solution(
            db.session.get(type(moderator), moderator.id),
            db.session.get(Solution, a.id),
            "Nội dung cần kiểm tra lại",
        )
        db.session.commit()
        db.session.remove()

    fresh = client.get("/solutions")
    assert fresh.headers["X-Cache"] == "MISS"
    assert a.name not in fresh.get_data(as_text=True)
    assert client.get("/solutions").headers["X-Cache"] == "HIT"


def test_a_bulk_update_of_a_listing_expires_pages_too(cached, listings):
    web = cached()
    writer = cached()
    client = web.test_client()
    client.get("/solutions?q=sao+mai")
    assert client.get("/solutions?q=sao+mai").headers["X-Cache"] == "HIT"
    with writer.app_context():
        db.session.execute(
            update(Solution).where(Solution.id == listings[0].id).values(rating_count=3)
        )
        db.session.commit()
        db.session.remove()
    assert client.get("/solutions?q=sao+mai").headers["X-Cache"] == "MISS"


def test_changes_to_other_tables_and_rolled_back_changes_keep_pages(
    cached, listings, enterprise, stamp_path
):
    writer = cached()
    stamp = ContentStamp(stamp_path)
    before = stamp.current()
    with writer.app_context():
        user = db.session.get(type(enterprise), enterprise.id)
        user.name = "Tên mới của người dùng"
        db.session.commit()
        solution = db.session.get(Solution, listings[0].id)
        solution.tagline = "Không lưu"
        db.session.flush()
        db.session.rollback()
        db.session.commit()
        db.session.remove()
    assert stamp.current() == before


def test_another_process_renewing_the_stamp_expires_pages(cached, listings, stamp_path):
    client = cached().test_client()
    client.get("/")
    assert client.get("/").headers["X-Cache"] == "HIT"
    ContentStamp(stamp_path).renew()
    assert client.get("/").headers["X-Cache"] == "MISS"


def test_the_catalogue_counts_follow_the_stamp(cached, listings, vendor):
    web = cached(PAGE_CACHE_SECONDS=0)
    with web.app_context():
        before = queries.run_catalog(params.parse_params({})).total
        db.session.remove()
    with cached(PAGE_CACHE_SECONDS=0).app_context():
        factories.make_solution(db.session.get(type(vendor), vendor.id), name="Kế toán mới")
        db.session.remove()
    with web.app_context():
        assert queries.run_catalog(params.parse_params({})).total == before + 1
        db.session.remove()


def test_pages_expire_with_time(cached, listings, monkeypatch):
    from marketplace.core import cache

    clock = [1000.0]
    monkeypatch.setattr(cache, "clock", lambda: clock[0])
    client = cached(PAGE_CACHE_SECONDS=30).test_client()
    client.get("/")
    clock[0] += 29
    assert client.get("/").headers["X-Cache"] == "HIT"
    clock[0] += 2
    assert client.get("/").headers["X-Cache"] == "MISS"


def test_the_store_is_bounded(cached, listings):
    web = cached(PAGE_CACHE_MAX_ENTRIES=2)
    client = web.test_client()
    for q in ("a", "b", "c", "d"):
        client.get(f"/solutions?q={q}")
    assert len(web.extensions["page_cache"]) == 2
    assert client.get("/solutions?q=d").headers["X-Cache"] == "HIT"
    assert client.get("/solutions?q=a").headers["X-Cache"] == "MISS"


def test_the_cache_is_off_in_the_test_configuration(web_app, client):
    assert "page_cache" not in web_app.extensions
    assert "X-Cache" not in client.get("/").headers


# ---------------------------------------------------------------- preference forms


@pytest.fixture
def strict(app_factory):
    return app_factory(WTF_CSRF_ENABLED=True)


def _tray(client) -> list[str]:
    with client.session_transaction() as session:
        return list(session.get("compare", []))


@pytest.mark.parametrize(
    "headers",
    [
        {},
        {"Sec-Fetch-Site": "cross-site"},
        {"Sec-Fetch-Site": "same-site"},
        {"Origin": "https://ke-gian.example"},
        {"Origin": "null"},
        {"Origin": "http://localhost.ke-gian.example"},
    ],
)
def test_preference_forms_refuse_other_sites_and_silent_clients_without_a_token(
    strict, listings, headers
):
    client = strict.test_client()
    response = client.post(
        "/compare/add", data={"slug": listings[0].slug, "next": "/"}, headers=headers
    )
    assert response.status_code == 400
    assert "Set-Cookie" not in response.headers or "compare" not in _tray(client)
    response = client.post("/lang", data={"lang": "en", "next": "/"}, headers=headers)
    assert response.status_code == 400
    assert "Home" not in client.get("/").get_data(as_text=True)


@pytest.mark.parametrize(
    "headers", [{"Sec-Fetch-Site": "same-origin"}, {"Origin": "http://localhost"}]
)
def test_preference_forms_accept_this_sites_pages_without_a_token(strict, listings, headers):
    client = strict.test_client()
    response = client.post(
        "/compare/add", data={"slug": listings[0].slug, "next": "/solutions"}, headers=headers
    )
    assert response.status_code == 302
    assert (
        listings[0].name
        in client.get("/solutions").get_data(as_text=True).split("Khay so sánh")[-1]
    )
    response = client.post("/lang", data={"lang": "en", "next": "/"}, headers=headers)
    assert response.status_code == 302
    assert 'lang="en"' in client.get("/").get_data(as_text=True)


def test_a_client_without_origin_headers_can_use_the_token(strict, listings):
    client = strict.test_client()
    client.post(
        "/compare/add",
        data={"slug": listings[0].slug, "next": "/"},
        headers={"Sec-Fetch-Site": "same-origin"},
    )
    page = client.get("/solutions").get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    response = client.post("/lang", data={"lang": "en", "next": "/", "csrf_token": token})
    assert response.status_code == 302
    response = client.post("/lang", data={"lang": "vi", "next": "/", "csrf_token": "sai"})
    assert response.status_code == 400


def test_other_forms_still_need_their_token(strict, listings, enterprise):
    client = strict.test_client()
    response = client.post(
        "/auth/login",
        data={"email": enterprise.email, "password": factories.PASSWORD},
        headers={"Sec-Fetch-Site": "same-origin"},
    )
    assert response.status_code == 400
