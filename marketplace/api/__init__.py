"""JSON API v1 (read-only, public data) and its OpenAPI document."""

from __future__ import annotations

from flask import Blueprint, Flask, g, request
from flask.wrappers import Response
from werkzeug.exceptions import MethodNotAllowed

bp = Blueprint("api", __name__, url_prefix="/api/v1")
# The browsable documentation lives beside the versioned API, at /api/docs.
docs_bp = Blueprint("api_docs", __name__, url_prefix="/api")

CORS_HEADERS = {
    "Access-Control-Allow-Origin": "*",
    "Access-Control-Expose-Headers": (
        "ETag, Retry-After, X-RateLimit-Limit, X-RateLimit-Remaining, X-RateLimit-Reset"
    ),
}
PREFLIGHT_HEADERS = {
    "Access-Control-Allow-Methods": "GET, HEAD, OPTIONS",
    "Access-Control-Allow-Headers": "Accept, Accept-Language, If-None-Match",
    "Access-Control-Max-Age": "600",
}


def _api_headers(response: Response) -> Response:
    """Open every /api/v1 answer (errors too) to any origin, add the rate-limit headers."""
    if request.path != bp.url_prefix and not request.path.startswith(bp.url_prefix + "/"):
        return response
    from marketplace.api import ratelimit

    # Answers are the same whoever asks: shared caches may keep them (no Vary: Cookie).
    g.cookie_independent = True
    response.headers.update(CORS_HEADERS)
    if request.method == "OPTIONS":
        response.headers.update(PREFLIGHT_HEADERS)
    if response.status_code == 405 and "Allow" not in response.headers:
        # The app-wide error page drops werkzeug's Allow header; RFC 9110 requires it.
        response.headers["Allow"] = ", ".join(allowed_methods())
    return ratelimit.add_headers(response)


def allowed_methods() -> list[str]:
    """Return the methods the requested /api/v1 address answers (for `Allow`)."""
    error = request.routing_exception
    if isinstance(error, MethodNotAllowed) and error.valid_methods:
        return sorted(error.valid_methods)
    return ["GET", "HEAD", "OPTIONS"]


def init_app(app: Flask) -> None:
    from marketplace.api import ratelimit, views  # noqa: F401
    from marketplace.extensions import csrf

    # Read-only and cookie-free: nothing to protect from cross-site forgery.
    csrf.exempt(bp)
    # Vietnamese names stay readable UTF-8 in every JSON answer.
    app.json.ensure_ascii = False
    app.register_blueprint(bp)
    app.register_blueprint(docs_bp)
    ratelimit.init_limiter(app, bp)
    app.after_request(_api_headers)
