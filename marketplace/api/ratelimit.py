"""A fixed-window rate limit per client IP on the API blueprint (Flask-Limiter).

Each application gets a limiter of its own, so apps built side by side (tests, several
workers in one process) never share counters by accident. Counters live in
`RATELIMIT_STORAGE_URI`, else `REDIS_URL`: `memory://` counts per process; give every host
the same Redis (`redis://…`) to count across processes and hosts. Behind a
proxy, the client address must be restored first (werkzeug's ProxyFix).
"""

from __future__ import annotations

import time

from flask import Blueprint, Flask, current_app
from flask.wrappers import Response
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address

EXTENSION_KEY = "api_limiter"
DEFAULT_LIMIT = "120 per minute"


def _limit() -> str:
    return current_app.config.get("API_RATE_LIMIT") or DEFAULT_LIMIT


def init_limiter(app: Flask, blueprint: Blueprint) -> Limiter:
    """Give `app` its own limiter, with one limit shared by every route of `blueprint`."""
    app.config.setdefault("API_RATE_LIMIT", DEFAULT_LIMIT)
    app.config.setdefault("RATELIMIT_STORAGE_URI", "memory://")
    # One setting for every shared counter: REDIS_URL, unless the storage is named apart.
    if app.config["RATELIMIT_STORAGE_URI"].startswith("memory") and app.config.get("REDIS_URL"):
        app.config["RATELIMIT_STORAGE_URI"] = app.config["REDIS_URL"]
    app.config.setdefault("RATELIMIT_STRATEGY", "fixed-window")
    limiter = Limiter(
        key_func=get_remote_address,
        default_limits=[],
        headers_enabled=False,  # set below, so Retry-After only goes on 429
        key_prefix="api-v1",
    )
    limiter.init_app(app)
    limiter.shared_limit(_limit, scope="api-v1", methods=["GET", "HEAD"])(blueprint)
    # The only limit is the API's: check it before the API's requests alone, not before
    # every page of the site (Flask-Limiter adds its check to the whole app).
    check = limiter._check_request_limit
    app.before_request_funcs[None].remove(check)
    app.before_request_funcs.setdefault(blueprint.name, []).append(check)
    # The limiter holds itself weakly in its limits: keep it alive with the app.
    app.extensions[EXTENSION_KEY] = limiter
    return limiter


def _current() -> Limiter | None:
    limiter = current_app.extensions.get(EXTENSION_KEY)
    return limiter if limiter is not None and limiter.enabled else None


def retry_after() -> int:
    """Return the seconds until the breached window ends (at least 1)."""
    limiter = _current()
    current = limiter.current_limit if limiter is not None else None
    if current is None:
        return 60
    return max(1, int(current.reset_at - time.time()))


def add_headers(response: Response) -> Response:
    """Tell the client its limit, what is left of it and when the window resets."""
    limiter = _current()
    current = limiter.current_limit if limiter is not None else None
    if current is None:
        return response
    response.headers["X-RateLimit-Limit"] = str(current.limit.amount)
    response.headers["X-RateLimit-Remaining"] = str(max(0, current.remaining))
    response.headers["X-RateLimit-Reset"] = str(int(current.reset_at))
    if response.status_code == 429:
        response.headers["Retry-After"] = str(retry_after())
    return response
