"""The sign-in throttle: per (account, address) locks, per-account slow-down, exact limits
under concurrency (memory and Redis), the start-up warning, and the sign-up limit."""

from __future__ import annotations

import os
import secrets
import socket
import threading

import pytest

from marketplace.accounts import throttle
from tests import factories
from tests.accounts.test_registration import valid_form

REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/0")
WRONG = "sai-mat-khau-1"


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
def redis_settings():
    """Settings that keep this test's counters in Redis under a prefix of its own."""
    import redis

    prefix = f"test-throttle-{secrets.token_hex(6)}:"
    yield {"RATELIMIT_STORAGE_URI": REDIS_URL, "LOGIN_THROTTLE_PREFIX": prefix}
    connection = redis.Redis.from_url(REDIS_URL)
    keys = list(connection.scan_iter(match=prefix + "*"))
    if keys:
        connection.delete(*keys)


def _post(client, email: str, password: str, address: str):
    return client.post(
        "/auth/login",
        data={"email": email, "password": password},
        environ_base={"REMOTE_ADDR": address},
    )


def test_thirty_failures_from_one_address_leave_other_accounts_open(app_factory, app):
    # A shared NAT (or every client behind a mis-set proxy) has one address.
    c = app_factory().test_client()
    for n in range(30):
        assert _post(c, f"khach{n}@example.vn", WRONG, "192.0.2.10").status_code == 400
    for _ in range(5):
        assert _post(c, "khach0@example.vn", WRONG, "192.0.2.10").status_code in (400, 429)
    owner = factories.make_user("enterprise")
    assert _post(c, owner.email, factories.PASSWORD, "192.0.2.10").status_code == 302


def test_a_strangers_failures_do_not_lock_the_owner_out(app_factory, app):
    owner = factories.make_user("enterprise")
    web = app_factory()
    stranger, me = web.test_client(), web.test_client()
    for _ in range(5):
        assert _post(stranger, owner.email, WRONG, "203.0.113.66").status_code == 400
    blocked = _post(stranger, owner.email, factories.PASSWORD, "203.0.113.66")
    assert blocked.status_code == 429
    assert int(blocked.headers["Retry-After"]) > 60
    html = blocked.get_data(as_text=True)
    assert "quá nhiều lần" in html and "Quên mật khẩu?" in html and "/auth/forgot" in html
    assert _post(me, owner.email, factories.PASSWORD, "198.51.100.7").status_code == 302


def test_failures_on_e_mail_variants_count_for_one_account(app_factory, app):
    owner = factories.make_user("enterprise", email="chu@demo.vn")
    c = app_factory().test_client()
    for variant in (
        "chu@demo.vn",
        "CHU@DEMO.VN",
        "chu@ｄｅｍｏ.ｖｎ",
        " Chu@Demo.vn",
        "ｃhu@demo.vn",
    ):
        assert _post(c, variant, WRONG, "192.0.2.20").status_code == 400
    assert _post(c, owner.email, factories.PASSWORD, "192.0.2.20").status_code == 429


def test_many_failures_on_one_account_slow_it_down_without_locking_it(
    app_factory, app, monkeypatch
):
    now = [1000.0]
    monkeypatch.setattr(throttle, "_now", lambda: now[0])
    owner = factories.make_user("enterprise")
    web = app_factory(LOGIN_ACCOUNT_LIMIT="3 per 15 minutes", LOGIN_SLOWDOWN_SECONDS=10)
    c = web.test_client()
    for n in range(3):  # from three addresses: no pair is locked
        assert _post(c, owner.email, WRONG, f"203.0.113.{n}").status_code == 400
    # Beyond the account's limit, one attempt per 10 seconds from anywhere.
    assert _post(c, owner.email, WRONG, "203.0.113.50").status_code == 400
    slowed = _post(c, owner.email, factories.PASSWORD, "198.51.100.7")
    assert slowed.status_code == 429
    assert 1 <= int(slowed.headers["Retry-After"]) <= 10
    html = slowed.get_data(as_text=True)
    assert (
        "đang bị thử mật khẩu nhiều lần" in html
        and "Quên mật khẩu?" in html
        and "/auth/forgot" in html
    )
    now[0] += 10.5
    assert _post(c, owner.email, factories.PASSWORD, "198.51.100.7").status_code == 302


def test_an_address_the_owner_signed_in_from_is_not_slowed(app_factory, app):
    owner = factories.make_user("enterprise")
    c = app_factory(LOGIN_ACCOUNT_LIMIT="3 per 15 minutes").test_client()
    assert _post(c, owner.email, factories.PASSWORD, "198.51.100.7").status_code == 302
    c.post("/auth/logout")
    statuses = [_post(c, owner.email, WRONG, f"203.0.113.{n}").status_code for n in range(6)]
    assert statuses == [400] * 4 + [429] * 2  # attackers elsewhere are slowed
    assert _post(c, owner.email, factories.PASSWORD, "198.51.100.7").status_code == 302


def test_a_correct_password_gives_its_count_back(app_factory, app):
    owner = factories.make_user("enterprise")
    c = app_factory().test_client()
    for _ in range(3):
        for _ in range(4):
            assert _post(c, owner.email, WRONG, "192.0.2.30").status_code == 400
        assert _post(c, owner.email, factories.PASSWORD, "192.0.2.30").status_code == 302
        c.post("/auth/logout")


def _race(web, email: str, attempts: int) -> list[int]:
    """Send `attempts` wrong passwords for one account from one address, all at once."""
    start = threading.Barrier(attempts)
    statuses: list[int] = []
    lock = threading.Lock()

    def attempt() -> None:
        c = web.test_client()
        start.wait()
        status = _post(c, email, WRONG, "192.0.2.40").status_code
        with lock:
            statuses.append(status)

    threads = [threading.Thread(target=attempt) for _ in range(attempts)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return statuses


def test_the_limit_is_exact_under_concurrency_in_memory(app_factory, app):
    owner = factories.make_user("enterprise")
    statuses = _race(app_factory(), owner.email, 30)
    assert sorted(statuses) == [400] * 5 + [429] * 25


@needs_redis
def test_the_limit_is_exact_under_concurrency_with_redis(app_factory, app, redis_settings):
    owner = factories.make_user("enterprise")
    # Two apps stand for two workers sharing one Redis.
    first, second = app_factory(**redis_settings), app_factory(**redis_settings)
    statuses = _race(first, owner.email, 15) + _race(second, owner.email, 15)
    assert sorted(statuses) == [400] * 5 + [429] * 25


@needs_redis
def test_redis_counters_expire(app, redis_settings):
    import redis

    counters = throttle.RedisCounters(REDIS_URL, redis_settings["LOGIN_THROTTLE_PREFIX"])
    assert counters.incr("k", 60)[0] == 1
    count, left = counters.incr("k", 60)
    assert count == 2 and 0 < left <= 60
    assert counters.incr("k", 60, amount=-5)[0] == 0
    ttl = redis.Redis.from_url(REDIS_URL).pttl(redis_settings["LOGIN_THROTTLE_PREFIX"] + "k")
    assert 0 < ttl <= 60_000


def test_workers_are_read_from_the_environment_and_gunicorns_options():
    assert throttle.configured_workers({}, ["flask"]) == 1
    assert throttle.configured_workers({"WEB_CONCURRENCY": "4"}, ["flask"]) == 4
    assert throttle.configured_workers({"GUNICORN_CMD_ARGS": "--workers=3"}, ["x"]) == 3
    assert throttle.configured_workers({}, ["/venv/bin/gunicorn", "-w", "5", "wsgi:app"]) == 5
    assert throttle.configured_workers({}, ["/venv/bin/gunicorn", "-w2", "wsgi:app"]) == 2


def test_per_process_counters_with_several_workers_are_warned_about(
    app_factory, monkeypatch, caplog
):
    monkeypatch.setenv("WEB_CONCURRENCY", "4")
    with caplog.at_level("WARNING"):
        app_factory(RATELIMIT_STORAGE_URI="memory://")
    assert any("per process but 4 workers" in r.getMessage() for r in caplog.records)
    caplog.clear()
    with caplog.at_level("WARNING"):
        app_factory(RATELIMIT_STORAGE_URI="redis://127.0.0.1:6379/0")
    assert not any("per process" in r.getMessage() for r in caplog.records)


# ---------------------------------------------------------------------------- sign-up


def _register(c, n: int, address: str, **overrides):
    data = valid_form(email=f"moi{n}@example.vn", tax_code=factories.next_tax_code(), **overrides)
    return c.post("/auth/register", data=data, environ_base={"REMOTE_ADDR": address})


def test_sign_ups_are_limited_per_address(app_factory, app):
    from marketplace.accounts.models import User
    from marketplace.extensions import db

    web = app_factory()
    # Forms sent back with a mistake create nothing and do not count.
    for n in range(3):
        assert _register(web.test_client(), 90 + n, "192.0.2.50", phone="12").status_code == 400
    for n in range(5):
        assert _register(web.test_client(), n, "192.0.2.50").status_code == 302
    refused = _register(web.test_client(), 5, "192.0.2.50")
    assert refused.status_code == 429
    assert 0 < int(refused.headers["Retry-After"]) <= 3600
    html = refused.get_data(as_text=True)
    assert "quá nhiều tài khoản được tạo từ địa chỉ mạng của bạn" in html
    assert 'value="moi5@example.vn"' in html  # what was typed is kept
    assert db.session.query(User).filter_by(email="moi5@example.vn").first() is None
    assert _register(web.test_client(), 6, "192.0.2.51").status_code == 302
