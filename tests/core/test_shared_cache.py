"""One truth across hosts: with REDIS_URL the content stamp, the kept pages, the catalogue's
counts and the rate limits live in Redis. Two app instances, each with its own in-process
caches and its own stamp file, stand for two hosts on one database."""

from __future__ import annotations

import http.cookiejar
import os
import secrets
import select
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from marketplace.catalog import params, queries
from marketplace.extensions import db
from tests import factories
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
# Two server processes (werkzeug's server around `wsgi:app`, the production configuration),
# each with its own instance folder (its own stamp file, secret-key file, mail folder) and its
# own in-process caches, on one database (a SQLite file, or TEST_DATABASE_URL's) and, with
# REDIS_URL, one Redis: what two hosts behind a load balancer are.

_SERVE = """
from werkzeug.serving import make_server
from wsgi import app
server = make_server("127.0.0.1", 0, app, threaded=True)
print(server.port, flush=True)
server.serve_forever()
"""
# Settings of the environment that would change what the hosts do; each test sets its own.
_HOST_SETTINGS = (
    "DATABASE_URL",
    "REDIS_URL",
    "CACHE_KEY_PREFIX",
    "RATELIMIT_STORAGE_URI",
    "PAGE_CACHE_SECONDS",
    "CATALOG_CACHE_SECONDS",
    "SITE_URL",
    "SESSION_COOKIE_SECURE",
    "TRUSTED_PROXIES",
    "FLASK_DEBUG",
    "PROMETHEUS_MULTIPROC_DIR",
    "MAIL_SERVER",
)


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None  # the 302 itself is the answer a test looks at


class Browser:
    """An HTTP client with its own cookies (a browser) talking to one real host."""

    def __init__(self, base: str) -> None:
        self.base = base
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()), _NoRedirect()
        )

    def request(
        self, path: str, data: dict | None = None, headers: dict | None = None
    ) -> tuple[int, dict, str]:
        body = urllib.parse.urlencode(data).encode() if data is not None else None
        sent = urllib.request.Request(self.base + path, data=body, headers=headers or {})
        try:
            with self.opener.open(sent, timeout=30) as response:
                status, headers, raw = response.status, response.headers, response.read()
        except urllib.error.HTTPError as answer:  # 3xx (not followed), 4xx, 5xx
            status, headers, raw = answer.code, answer.headers, answer.read()
        return status, dict(headers.items()), raw.decode("utf-8", "replace")

    def form_fields(self, path: str, action_suffix: str) -> dict[str, str]:
        """Open a page and return the hidden fields of its form posting to `…action_suffix`."""
        status, _headers, page = self.request(path)
        assert status == 200, (path, status, page[:300])
        forms = BeautifulSoup(page, "html.parser").find_all("form", attrs={"method": "post"})
        # A form without an action posts to its own page.
        form = next(f for f in forms if (f.get("action") or path).endswith(action_suffix))
        return {
            field["name"]: field.get("value", "")
            for field in form.find_all("input", attrs={"type": "hidden"})
            if field.get("name")
        }


class _Host:
    def __init__(self, process: subprocess.Popen, log: Path) -> None:
        self.process = process
        self.log = log
        self.base = ""

    def browser(self) -> Browser:
        return Browser(self.base)


def _read_port(host: _Host, deadline: float) -> None:
    stdout = host.process.stdout
    while True:
        left = deadline - time.monotonic()
        ready, _, _ = select.select([stdout], [], [], max(0.0, left))
        if ready:
            line = stdout.readline()
            if line.strip().isdigit():
                host.base = f"http://127.0.0.1:{int(line)}"
                return
            if not line:  # the process ended before serving
                break
        elif left <= 0:
            break
    raise AssertionError(f"the host did not start:\n{host.log.read_text()[-3000:]}")


@pytest.fixture
def start_hosts(app, database_url, tmp_path):
    """Start two hosts on this test's database with `settings` (environment variables)."""
    started: list[_Host] = []

    def start(**settings: str) -> tuple[_Host, _Host]:
        env = {k: v for k, v in os.environ.items() if k not in _HOST_SETTINGS}
        env.update(
            DATABASE_URL=database_url,
            SECRET_KEY="khoa-chung-cua-hai-may",  # the same on every host, as in production
            PYTHONUNBUFFERED="1",
            **settings,
        )
        pair = []
        for name in ("a", "b"):
            folder = tmp_path / f"host-{name}"
            folder.mkdir()
            log = folder / "server.log"
            with log.open("w") as stderr:
                process = subprocess.Popen(
                    [sys.executable, "-c", _SERVE],
                    cwd=Path(__file__).resolve().parents[2],
                    env={**env, "INSTANCE_PATH": str(folder)},
                    stdout=subprocess.PIPE,
                    stderr=stderr,
                    text=True,
                )
            host = _Host(process, log)
            started.append(host)
            pair.append(host)
        deadline = time.monotonic() + 60
        for host in pair:
            _read_port(host, deadline)
        return pair[0], pair[1]

    yield start
    for host in started:
        host.process.terminate()
    for host in started:
        try:
            host.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            host.process.kill()
            host.process.wait()
        host.process.stdout.close()


def _suspend_over_http(host: _Host, moderator, solution) -> None:
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


def _catalogue(host: _Host) -> tuple[str, str]:
    """GET the catalogue as a visitor without a session: (X-Cache, page)."""
    status, headers, page = host.browser().request("/solutions", headers=PUBLIC_HOST)
    assert status == 200, page[:300]
    return headers.get("X-Cache", ""), page


@needs_redis
def test_two_host_processes_sharing_redis_see_a_suspension_at_their_next_request(
    start_hosts, listing, moderator, prefix
):
    host_a, host_b = start_hosts(
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
        assert not (host.log.parent / "content.stamp").exists()


def test_two_host_processes_without_redis_keep_their_own_pages_until_the_timer(
    start_hosts, listing, moderator
):
    """The embedded default, and the control of the test above: without Redis, host B
    serves the page it kept although host A has suspended the listing."""
    host_a, host_b = start_hosts(PAGE_CACHE_SECONDS="30", CATALOG_CACHE_SECONDS="30")
    assert _catalogue(host_b)[0] == "MISS"
    assert _catalogue(host_b)[0] == "HIT"

    _suspend_over_http(host_a, moderator, listing)

    cached, page = _catalogue(host_b)
    assert cached == "HIT" and "Kế toán Trường Giang" in page
    # The suspension did happen: host A, which renewed its own stamp, no longer shows it.
    cached, page = _catalogue(host_a)
    assert cached == "MISS" and "Kế toán Trường Giang" not in page
    assert (host_a.log.parent / "content.stamp").exists()
    assert not (host_b.log.parent / "content.stamp").exists()
