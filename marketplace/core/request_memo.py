"""Values kept for one request, in the request's WSGI environ.

Not in `g`: `g` belongs to the app context, and one app context may serve several requests
(a test, a command, a request context pushed inside another's app context), so a value
kept there could outlive its request (tested). Outside a request, each call gets a new,
empty memo: nothing is kept.
"""

from __future__ import annotations

from typing import Any

from flask import has_request_context, request

_PREFIX = "marketplace."


def memo(name: str) -> dict[Any, Any]:
    """The dict `name` of this request (created empty at its first use)."""
    if not has_request_context():
        return {}
    return request.environ.setdefault(_PREFIX + name, {})


def forget(name: str, key: Any) -> None:
    """Drop `key` from this request's dict `name`, if kept (no-op outside a request)."""
    if has_request_context():
        request.environ.get(_PREFIX + name, {}).pop(key, None)
