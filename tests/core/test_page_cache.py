"""Pages kept for anonymous visitors, the content stamp that expires them, and the
same-origin protection of the forms on those pages."""

from __future__ import annotations

import re
import secrets

import pytest
from sqlalchemy import update

from marketplace.catalog import decisions, params, queries
from marketplace.catalog.models import Solution
from marketplace.core.stamps import ContentStamp
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
    assert client.get(f"/vendors/{listings[0].vendor.slug}").status_code in (200, 404)
    assert client.get("/solutions?page=abc").status_code in (200, 400)
    assert client.get("/solutions/khong-co-giai-phap-nay").status_code == 404
    assert client.get("/solutions/khong-co-giai-phap-nay").headers["X-Cache"] == "MISS"
    assert client.get("/khong-co-trang-nay").headers["X-Cache"] == "MISS"
    assert client.get("/khong-co-trang-nay").headers["X-Cache"] == "MISS"
    assert client.head("/solutions").status_code == 200
    assert len(web.extensions["page_cache"]) == 1  # only /solutions?page=abc


# ---------------------------------------------------------------- returning visitors


def _token(page: str) -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)


def _returning_visitor(web, **session_values):
    """A browser whose session holds a form token (and what else is given), and nothing else."""
    client = web.test_client()
    with client.session_transaction() as session:
        session["csrf_token"] = secrets.token_hex(20)
        session["_fresh"] = False  # what Flask-Login writes into a session without a sign-in
        session.update(session_values)
    return client


@pytest.mark.parametrize("page", ["/solutions", "/solutions/{a}", "/compare?s={a},{b}"])
def test_returning_visitors_share_a_kept_page_each_with_their_own_token(
    cached, listings, count_queries, page
):
    from flask_wtf.csrf import validate_csrf
    from wtforms import ValidationError

    a, b = listings
    path = page.format(a=a.slug, b=b.slug)
    web = cached(WTF_CSRF_ENABLED=True)
    first, second = _returning_visitor(web), _returning_visitor(web)
    one = first.get(path)
    assert one.headers["X-Cache"] == "MISS"
    with count_queries() as q:
        two = second.get(path)
    assert two.headers["X-Cache"] == "HIT" and q.count == 0
    assert "Set-Cookie" not in two.headers
    assert int(two.headers["Content-Length"]) == len(two.get_data())
    mine, theirs = _token(one.get_data(as_text=True)), _token(two.get_data(as_text=True))
    assert mine != theirs
    assert "page-token-" not in one.get_data(as_text=True) + two.get_data(as_text=True)
    # Each page's token is its visitor's own: it works for them and for nobody else.
    for client, token, other in ((first, mine, theirs), (second, theirs, mine)):
        with client.session_transaction() as session:
            raw = session["csrf_token"]
        with web.test_request_context():
            from flask import session as request_session

            request_session["csrf_token"] = raw
            validate_csrf(token)
            with pytest.raises(ValidationError):
                validate_csrf(other)
    # The page's form takes the token without the browser's origin headers.
    response = second.post("/compare/add", data={"slug": a.slug, "next": "/", "csrf_token": theirs})
    assert response.status_code == 302
    # Now the tray is theirs: their pages are theirs too.
    assert "X-Cache" not in second.get(path).headers


def test_a_visitor_who_chose_a_language_gets_kept_pages_through_the_real_flow(cached, listings):
    web = cached(WTF_CSRF_ENABLED=True)
    client = web.test_client()
    slug = listings[0].slug
    assert client.get(f"/solutions/{slug}").headers["X-Cache"] == "MISS"
    chosen = client.post(
        "/lang", data={"lang": "en", "next": "/"}, headers={"Sec-Fetch-Site": "same-origin"}
    )
    assert chosen.status_code == 302 and "Set-Cookie" in chosen.headers
    # The first page with a session settles it (Flask-Login marks it, a token is drawn).
    client.get(f"/solutions/{slug}")
    answers = [client.get(f"/solutions/{slug}") for _ in range(2)]
    assert [a.headers.get("X-Cache") for a in answers] == ["MISS", "HIT"]
    page = answers[1].get_data(as_text=True)
    assert 'lang="en"' in page and 'name="csrf_token"' in page
    assert "Set-Cookie" not in answers[1].headers


def test_the_language_is_part_of_a_returning_visitors_key(cached, listings):
    web = cached()
    english, vietnamese = _returning_visitor(web, lang="en"), _returning_visitor(web, lang="vi")
    english.get("/solutions")
    assert vietnamese.get("/solutions").headers["X-Cache"] == "MISS"
    page = english.get("/solutions")
    assert page.headers["X-Cache"] == "HIT"
    assert 'lang="en"' in page.get_data(as_text=True)
    assert 'lang="vi"' in vietnamese.get("/solutions").get_data(as_text=True)


@pytest.mark.parametrize(
    "personal",
    [
        {"compare": ["{a}"]},
        {"banner_dismissed": 1},
        {"_flashes": [["success", "Đã lưu."]]},
        {"_user_id": "{user}"},
        {"something_new": True},
    ],
)
def test_a_session_holding_anything_of_the_visitors_own_is_never_served_a_kept_page(
    cached, listings, enterprise, personal
):
    web = cached()
    plain = _returning_visitor(web)
    plain.get("/solutions")
    assert plain.get("/solutions").headers["X-Cache"] == "HIT"
    values = {
        key: (
            [v.format(a=listings[0].slug) for v in value]
            if isinstance(value, list) and value and isinstance(value[0], str)
            else value.format(user=enterprise.id)
            if isinstance(value, str)
            else value
        )
        for key, value in personal.items()
    }
    own = _returning_visitor(web, **values)
    assert "X-Cache" not in own.get("/solutions").headers


@pytest.mark.parametrize(
    "value",
    ["", ".", "a.b.c", ".eJw.x.y", "x" * 4000, "phiên-giả", '"quoted"', "eyJfZnJlc2giOmZhbHNlfQ"],
)
def test_any_session_cookie_value_is_answered_and_never_shares_a_page(cached, listings, value):
    web = cached()
    client = web.test_client()
    client.set_cookie("session", value)
    response = client.get(f"/solutions/{listings[0].slug}")
    assert response.status_code == 200
    assert response.headers.get("X-Cache") in (None, "MISS")
    assert "page-token-" not in response.get_data(as_text=True)


def test_a_forged_or_stale_session_cookie_gets_no_kept_page(cached, listings):
    web = cached()
    plain = _returning_visitor(web)
    plain.get("/solutions")
    assert plain.get("/solutions").headers["X-Cache"] == "HIT"
    forged = web.test_client()
    forged.set_cookie("session", "eyJjc3JmX3Rva2VuIjoiYWJjIn0.ZZZZZZ.forged")
    assert "X-Cache" not in forged.get("/solutions").headers


def test_a_kept_solution_page_still_counts_each_visitor(cached, listings):
    from tests.insights.conftest import counter

    web = cached()
    slug = listings[0].slug
    browsers = [{"REMOTE_ADDR": f"203.0.113.{n}"} for n in (1, 2, 3)]
    answers = [web.test_client().get(f"/solutions/{slug}", environ_base=e) for e in browsers]
    assert [a.headers["X-Cache"] for a in answers] == ["MISS", "HIT", "HIT"]
    # The same browser again the same day counts once.
    again = web.test_client().get(f"/solutions/{slug}", environ_base=browsers[0])
    assert again.headers["X-Cache"] == "HIT"
    for answer in [*answers, again]:
        answer.close()  # the count is written once the answer has been sent
    returning = _returning_visitor(web).get(
        f"/solutions/{slug}", environ_base={"REMOTE_ADDR": "198.51.100.9"}
    )
    returning.close()
    db.session.expire_all()
    assert counter(listings[0].id, "view") == 4


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


def test_a_plan_joining_the_programme_shows_on_kept_pages_at_once(cached, listings):
    from tests.programme import support

    web = cached()
    writer = cached()
    client = web.test_client()
    a, _b = listings
    with writer.app_context():
        programme = support.make_programme(category_ids=[a.category_id])
        db.session.remove()
    path = f"/solutions/{a.slug}"
    client.get(path)
    kept = client.get(path)
    assert kept.headers["X-Cache"] == "HIT"
    assert "Có thể được hỗ trợ" not in kept.get_data(as_text=True)

    with writer.app_context():
        support.approve_plan(db.session.merge(programme), db.session.get(Solution, a.id).plans[0])
        db.session.remove()

    fresh = client.get(path)
    assert fresh.headers["X-Cache"] == "MISS"
    assert "Có thể được hỗ trợ" in fresh.get_data(as_text=True)


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
