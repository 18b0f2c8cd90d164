"""The anonymous visitor's handle on their assessment: a random token in a signed cookie.

The token itself never reaches the database: rows keep its SHA-256 (`Assessment.draft_key`),
so a copy of the database cannot be turned into cookies. The cookie is separate from the
session, which signing in clears, so it survives until the visitor signs in and the
assessment is attached to their organisation.
"""

from __future__ import annotations

import hashlib
import secrets

from flask import current_app, g, request
from itsdangerous import BadSignature, URLSafeSerializer

COOKIE = "assessment_draft"
MAX_AGE_DAYS = 30
_SALT = "assessment-draft"


def _serializer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.secret_key, salt=_SALT)


def key_of(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def new_token() -> str:
    token = secrets.token_urlsafe(24)
    g.assessment_new_token = token  # written on the response (`write_cookie`)
    return token


def current_token() -> str | None:
    """The token of this request: a new one, or the one the signed cookie carries, or None."""
    if getattr(g, "assessment_new_token", None):
        return g.assessment_new_token
    raw = request.cookies.get(COOKIE)
    if not raw or len(raw) > 200:
        return None
    try:
        token = _serializer().loads(raw)
    except BadSignature:
        return None
    return token if isinstance(token, str) and 20 <= len(token) <= 64 else None


def current_key() -> str | None:
    token = current_token()
    return key_of(token) if token else None


def forget() -> None:
    g.assessment_forget_cookie = True


def write_cookie(response):
    """After each request: set the cookie of a new draft, or delete an attached one's."""
    if getattr(g, "assessment_forget_cookie", False):
        response.delete_cookie(COOKIE, path="/")
    elif getattr(g, "assessment_new_token", None):
        response.set_cookie(
            COOKIE,
            _serializer().dumps(g.assessment_new_token),
            max_age=MAX_AGE_DAYS * 86400,
            path="/",
            httponly=True,
            samesite="Lax",
            secure=bool(current_app.config.get("SESSION_COOKIE_SECURE")),
        )
    return response
