"""With `RATELIMIT_STORAGE_URI` pointing at Redis, the sign-in throttle and the API limit
count across processes: two app instances stand for two gunicorn workers (or hosts)."""

from __future__ import annotations

import os
import secrets
import socket

import pytest

REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/0")


def _redis_reachable() -> bool:
    try:
        with socket.create_connection(("127.0.0.1", 6379), timeout=0.5):
            return True
    except OSError:
        return False


pytestmark = pytest.mark.skipif(
    not _redis_reachable() and "TEST_REDIS_URL" not in os.environ,
    reason="no Redis on 127.0.0.1:6379 (set TEST_REDIS_URL to use another)",
)


def _address() -> str:
    # A fresh documentation address per test: counters of other runs never interfere.
    return f"198.51.{secrets.randbelow(256)}.{secrets.randbelow(254) + 1}"


def _fail(app, email: str, address: str) -> int:
    return (
        app.test_client()
        .post(
            "/auth/login",
            data={"email": email, "password": "sai-mat-khau-1"},
            environ_base={"REMOTE_ADDR": address},
        )
        .status_code
    )


@pytest.mark.parametrize("storage, shared", [(REDIS_URL, True), ("memory://", False)])
def test_sign_in_failures_count_across_workers_only_with_shared_storage(
    app_factory, storage, shared
):
    settings = {"RATELIMIT_STORAGE_URI": storage, "LOGIN_PAIR_LIMIT": "3 per 15 minutes"}
    first, second = app_factory(**settings), app_factory(**settings)
    email, address = f"khach-{secrets.token_hex(6)}@example.vn", _address()
    for _ in range(3):
        assert _fail(first, email, address) != 429
    assert _fail(first, email, address) == 429
    # The other worker sees the same counter only when they share the storage.
    assert (_fail(second, email, address) == 429) is shared


def test_the_api_limit_counts_across_workers_with_redis(app_factory):
    settings = {"RATELIMIT_STORAGE_URI": REDIS_URL, "API_RATE_LIMIT": "3 per minute"}
    first, second = app_factory(**settings), app_factory(**settings)
    address = _address()
    for _ in range(3):
        response = first.test_client().get(
            "/api/v1/categories", environ_base={"REMOTE_ADDR": address}
        )
        assert response.status_code == 200
    blocked = second.test_client().get("/api/v1/categories", environ_base={"REMOTE_ADDR": address})
    assert blocked.status_code == 429
    assert int(blocked.headers["Retry-After"]) >= 1
    other = second.test_client().get("/api/v1/categories", environ_base={"REMOTE_ADDR": _address()})
    assert other.status_code == 200
