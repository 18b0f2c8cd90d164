"""One place for permission plumbing: role gates for views and the deny helper."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import NoReturn, TypeVar

from flask import abort
from flask_login import current_user

from marketplace.extensions import login_manager

F = TypeVar("F", bound=Callable)


def deny(*, hide: bool = False) -> NoReturn:
    """Stop the request: 404 when the object's existence must not leak, else 403."""
    abort(404 if hide else 403)


def require(allowed: bool, *, hide: bool = False) -> None:
    """Deny the request unless an object-level check passed."""
    if not allowed:
        deny(hide=hide)


def require_admin(actor: object) -> None:
    """Refuse (403) anyone but a signed-in administrator (the console's services)."""
    require(
        bool(getattr(actor, "is_authenticated", False)) and getattr(actor, "role", None) == "admin"
    )


def role_required(*roles: str) -> Callable[[F], F]:
    """Let only signed-in users with one of `roles` into the view."""

    def decorator(view: F) -> F:
        @wraps(view)
        def wrapped(*args, **kwargs):
            if not current_user.is_authenticated:
                return login_manager.unauthorized()
            if current_user.role not in roles:
                deny()
            return view(*args, **kwargs)

        return wrapped  # type: ignore[return-value]

    return decorator


def admin_required(view: F) -> F:
    """Let only the operator's administrators in (the console at /admin/)."""
    return role_required("admin")(view)
