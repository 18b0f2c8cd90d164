"""Slow down password guessing: failed sign-ins are counted per account and per address.

Counters live in `RATELIMIT_STORAGE_URI` (memory per process by default; Redis to share
them between processes and hosts).
"""

from __future__ import annotations

from flask import current_app
from limits import parse
from limits.storage import storage_from_string
from limits.strategies import FixedWindowRateLimiter

EXTENSION_KEY = "login_throttle"


def _limiter() -> FixedWindowRateLimiter:
    limiter = current_app.extensions.get(EXTENSION_KEY)
    if limiter is None:
        storage = storage_from_string(current_app.config.get("RATELIMIT_STORAGE_URI", "memory://"))
        limiter = current_app.extensions[EXTENSION_KEY] = FixedWindowRateLimiter(storage)
    return limiter


def _limits():
    config = current_app.config
    return (
        ("account", parse(config.get("LOGIN_ACCOUNT_LIMIT", "5 per 15 minutes"))),
        ("address", parse(config.get("LOGIN_ADDRESS_LIMIT", "30 per 15 minutes"))),
    )


def _keys(email: str, address: str) -> dict[str, str]:
    return {"account": (email or "").strip().lower()[:254], "address": address or "unknown"}


def is_blocked(email: str, address: str) -> bool:
    """Tell whether this account or this address has failed too often lately."""
    limiter, keys = _limiter(), _keys(email, address)
    return any(not limiter.test(limit, "login", kind, keys[kind]) for kind, limit in _limits())


def record_failure(email: str, address: str) -> None:
    limiter, keys = _limiter(), _keys(email, address)
    for kind, limit in _limits():
        limiter.hit(limit, "login", kind, keys[kind])


def clear_account(email: str) -> None:
    """Forget an account's failures after it signs in successfully."""
    limiter = _limiter()
    kind, limit = _limits()[0]
    limiter.clear(limit, "login", kind, _keys(email, "")[kind])
