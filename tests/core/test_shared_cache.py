"""One truth across hosts: with REDIS_URL the content stamp, the kept pages, the catalogue's
counts and the rate limits live in Redis. Two app instances, each with its own in-process
caches and its own stamp file, stand for two hosts on one database; at the end, two real
server processes do."""

from __future__ import annotations

import os
import secrets
import socket

import pytest

from marketplace.catalog import params, queries
from marketplace.extensions import db
from tests import factories
from tests.core.hosts import Host
from tests.moderation.decisions import decide

REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/0")


def _redis_reachable() -> bool:
    try:
        with socket.create_connection(("127.0.0.1", 6379), timeout=0.5):
            return True
    except OSError:
        return False


needs_redis = pytest.mark.skipif(
    not _redis_reachable() and "TEST_REDIS_URL" not in os.environ,
    reason="no Redis on 127.0.0.1:6379 (set TEST_REDIS_URL to use another)",
)


@pytest.fixture
def prefix():
    value = f"test-{secrets.token_hex(6)}:"
    yield value
    if _redis_reachable():
        import redis

        client = redis.Redis.from_url(REDIS_URL)
        keys = list(client.scan_iter(match=value + "*"))
        if keys:
            client.delete(*keys)


@pytest.fixture
def hosts(app_factory, prefix):
    """Build two hosts; each has its own stamp file (TestConfig) and in-process caches."""

    def build(redis: bool):
        settings = {"PAGE_CACHE_SECONDS": 60, "CATALOG_CACHE_SECONDS": 60}
        if redis:
            settings.update(REDIS_URL=REDIS_URL, CACHE_KEY_PREFIX=prefix)
        return app_factory(**settings), app_factory(**settings)

    return build


@pytest.fixture
def listing(app, vendor):
    factories.make_solution(vendor, name="Hóa đơn điện tử Sao Mai")
    solution = factories.make_solution(vendor, name="Kế toán Trường Giang")
    db.session.commit()
    return solution


def _suspend_through(host, moderator, login, solution) -> None:
    client = login(host.test_client(), moderator)
    response = decide(
        client, f"/moderation/solutions/{solution.id}/suspend", "Khiếu nại về bản quyền"
    )
    assert response.status_code == 302, response.get_data(as_text=True)[:300]


@needs_redis
def test_a_suspension_on_host_a_hides_the_listing_on_host_b_at_its_next_request(
    hosts, listing, moderator, login
):
    host_a, host_b = hosts(redis=True)
    visitor = host_b.test_client()
    for expected in ("MISS", "HIT"):
        page = visitor.get("/solutions")
        assert page.headers["X-Cache"] == expected
        assert "Kế toán Trường Giang" in page.get_data(as_text=True)
    # Host A serves the page host B rendered: the kept pages are shared.
    assert host_a.test_client().get("/solutions").headers["X-Cache"] == "HIT"

    _suspend_through(host_a, moderator, login, listing)

    page = visitor.get("/solutions")
    assert page.headers["X-Cache"] == "MISS"
    assert "Kế toán Trường Giang" not in page.get_data(as_text=True)
    assert "Hóa đơn điện tử Sao Mai" in page.get_data(as_text=True)
    # The catalogue's cached counts follow the same stamp.
    with host_b.app_context():
        assert queries.run_catalog(params.parse_params({})).total == 1
        db.session.remove()


def test_without_redis_each_host_keeps_its_own_pages_until_the_timer(
    hosts, listing, moderator, login
):
    """The embedded default: a change on host A reaches host B's kept page only by the timer
    (what the shared stamp fixes)."""
    host_a, host_b = hosts(redis=False)
    visitor = host_b.test_client()
    visitor.get("/solutions")
    _suspend_through(host_a, moderator, login, listing)
    page = visitor.get("/solutions")
    assert page.headers["X-Cache"] == "HIT"
    assert "Kế toán Trường Giang" in page.get_data(as_text=True)


@needs_redis
def test_the_catalogue_counts_are_shared_between_hosts(hosts, listing, count_queries):
    host_a, host_b = hosts(redis=True)
    with host_a.app_context():
        total = queries.run_catalog(params.parse_params({"q": "ke toan"})).total
        db.session.remove()
    with host_b.app_context(), count_queries() as counted:
        assert queries.run_catalog(params.parse_params({"q": "ke toan"})).total == total
        db.session.remove()
    # Host B computed neither the counts nor the ranked ids: only the page's rows were read.
    assert not any("count(" in q.lower() for q in counted.statements), counted.statements


def test_a_redis_that_is_down_never_fails_a_page(app_factory, listing):
    host = app_factory(
        PAGE_CACHE_SECONDS=60, CATALOG_CACHE_SECONDS=60, REDIS_URL="redis://127.0.0.1:1/0"
    )
    client = host.test_client()
    for _ in range(2):
        page = client.get("/solutions")
        assert page.status_code == 200
        assert page.headers["X-Cache"] == "MISS"  # nothing is served while the truth is unknown
        assert "Kế toán Trường Giang" in page.get_data(as_text=True)


@needs_redis
def test_readyz_asks_the_configured_redis(app_factory):
    response = app_factory(REDIS_URL=REDIS_URL).test_client().get("/readyz")
    assert response.status_code == 200
    assert response.get_json()["redis"] == "ok"


@needs_redis
def test_redis_url_alone_shares_the_api_limit(app_factory, prefix):
    settings = {"REDIS_URL": REDIS_URL, "API_RATE_LIMIT": "3 per minute"}
    first, second = app_factory(**settings), app_factory(**settings)
    assert first.config["RATELIMIT_STORAGE_URI"] == REDIS_URL
    address = f"198.51.{secrets.randbelow(256)}.{secrets.randbelow(254) + 1}"
    for _ in range(3):
        ok = first.test_client().get("/api/v1/categories", environ_base={"REMOTE_ADDR": address})
        assert ok.status_code == 200
    blocked = second.test_client().get("/api/v1/categories", environ_base={"REMOTE_ADDR": address})
    assert blocked.status_code == 429


@needs_redis
def test_redis_url_alone_shares_the_sign_in_throttle(app_factory, prefix):
    settings = {
        "REDIS_URL": REDIS_URL,
        "LOGIN_PAIR_LIMIT": "3 per 15 minutes",
        "LOGIN_THROTTLE_PREFIX": prefix + "throttle:",
    }
    first, second = app_factory(**settings), app_factory(**settings)
    email = f"khach-{secrets.token_hex(6)}@example.vn"
    address = f"198.51.{secrets.randbelow(256)}.{secrets.randbelow(254) + 1}"

    def fail(host) -> int:
        return (
            host.test_client()
            .post(
                "/auth/login",
                data={"email": email, "password": "sai-mat-khau-1"},
                environ_base={"REMOTE_ADDR": address},
            )
            .status_code
        )

    for _ in range(3):
        assert fail(first) != 429
    assert fail(second) == 429


# ---------------------------------------------------------------- two real hosts
#
# Two server processes (tests/core/hosts.py), each with its own instance folder (its own stamp
# file) and its own in-process caches, on one database and, with REDIS_URL, one Redis: what two
# hosts behind a load balancer are.


def _suspend_over_http(host: Host, moderator, solution) -> None:
    """Sign the moderator in on `host` and suspend the listing, as the pages do (with CSRF)."""
    browser = host.browser()
    fields = browser.form_fields("/auth/login", "/auth/login")
    fields.update(email=moderator.email, password=factories.PASSWORD)
    status, _headers, page = browser.request("/auth/login", fields)
    assert status == 302, page[:500]
    fields = browser.form_fields(f"/moderation/solutions/{solution.id}", "/suspend")
    fields["reason"] = "Khiếu nại về bản quyền"
    status, _headers, page = browser.request(f"/moderation/solutions/{solution.id}/suspend", fields)
    assert status == 302, page[:500]


# The public name both hosts answer to: a load balancer passes it on to either (a page is
# kept per scheme, host name and path).
PUBLIC_HOST = {"Host": "cho.example.vn"}


def _catalogue(host: Host) -> tuple[str, str]:
    """GET the catalogue as a visitor without a session: (X-Cache, page)."""
    status, headers, page = host.browser().request("/solutions", headers=PUBLIC_HOST)
    assert status == 200, page[:300]
    return headers.get("X-Cache", ""), page


@needs_redis
def test_two_host_processes_sharing_redis_see_a_suspension_at_their_next_request(
    real_hosts, listing, moderator, prefix
):
    host_a, host_b = real_hosts.start(
        REDIS_URL=REDIS_URL,
        CACHE_KEY_PREFIX=prefix,
        PAGE_CACHE_SECONDS="30",
        CATALOG_CACHE_SECONDS="30",
    )
    assert _catalogue(host_b)[0] == "MISS"
    cached, page = _catalogue(host_b)
    assert cached == "HIT" and "Kế toán Trường Giang" in page
    # Host A serves the page host B rendered: the kept pages live in Redis.
    assert _catalogue(host_a)[0] == "HIT"

    _suspend_over_http(host_a, moderator, listing)

    cached, page = _catalogue(host_b)
    assert cached == "MISS"
    assert "Kế toán Trường Giang" not in page
    assert "Hóa đơn điện tử Sao Mai" in page
    # No stamp file was written on either host: the stamp that moved is Redis's.
    for host in (host_a, host_b):
        assert not (host.folder / "content.stamp").exists()


def test_two_host_processes_without_redis_keep_their_own_pages_until_the_timer(
    real_hosts, listing, moderator
):
    """The embedded default, and the control of the test above: without Redis, host B
    serves the page it kept although host A has suspended the listing."""
    host_a, host_b = real_hosts.start(PAGE_CACHE_SECONDS="30", CATALOG_CACHE_SECONDS="30")
    assert _catalogue(host_b)[0] == "MISS"
    assert _catalogue(host_b)[0] == "HIT"

    _suspend_over_http(host_a, moderator, listing)

    cached, page = _catalogue(host_b)
    assert cached == "HIT" and "Kế toán Trường Giang" in page
    # The suspension did happen: host A, which renewed its own stamp, no longer shows it.
    cached, page = _catalogue(host_a)
    assert cached == "MISS" and "Kế toán Trường Giang" not in page
    assert (host_a.folder / "content.stamp").exists()
    assert not (host_b.folder / "content.stamp").exists()


def test_a_process_value_is_kept_while_its_stamp_holds_and_for_its_age(app, monkeypatch):
    from marketplace.core import stamps

    clock = [1000.0]
    monkeypatch.setattr(stamps.time, "monotonic", lambda: clock[0])
    made = []

    def make():
        made.append(1)
        return len(made)

    assert stamps.process_value(app, "test_value", "s1", make, max_age=60) == 1
    assert stamps.process_value(app, "test_value", "s1", make, max_age=60) == 1
    assert stamps.process_value(app, "test_value", "s2", make, max_age=60) == 2  # a change
    clock[0] += 61
    assert stamps.process_value(app, "test_value", "s2", make, max_age=60) == 3  # too old
    clock[0] += 10_000
    assert stamps.process_value(app, "test_value", "s2", make) == 3  # no age: stamp only
    assert stamps.process_value(app, "test_value", "s3", make) == 4
