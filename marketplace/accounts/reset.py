"""Password reset: signed single-use links that die with the password they would replace.

A token carries the user's id and a fingerprint of the password hash and e-mail, signed with
the app's key and a salt of its own (itsdangerous), valid for one hour. Setting a password
changes the hash (a fresh salt each time), so a token works once, and every token issued
before any password change or newer reset stops working. Nothing is stored.
"""

from __future__ import annotations

import hashlib
import hmac

from flask import current_app
from flask_babel import gettext as _
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer

from marketplace.accounts.models import User
from marketplace.accounts.services import (
    AccountError,
    end_all_sessions,
    find_user_by_email,
    hash_password,
)
from marketplace.accounts.validation import password_problem
from marketplace.core import events
from marketplace.core.audit import record_audit
from marketplace.core.urls import path_for
from marketplace.extensions import db

SALT = "password-reset"
MAX_AGE_SECONDS = 3600
# A fixed stand-in so that an unknown e-mail costs the same signing work as a known one.
_NOBODY = (0, "0" * 32)


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=SALT)


def _fingerprint(user: User) -> str:
    material = f"{user.id}\x00{user.email}\x00{user.password_hash}".encode()
    return hashlib.sha256(material).hexdigest()[:32]


def make_token(user: User) -> str:
    """Sign a reset token for `user`, bound to their current password and e-mail."""
    return _serializer().dumps([user.id, _fingerprint(user)])


def request_reset(email: str) -> None:
    """Send a reset link if `email` belongs to an active account; do the same work if not.

    Staff accounts reset the same way. The caller answers the same page either way.
    """
    user = find_user_by_email(email)
    if user is None or not user.is_active:
        _serializer().dumps(list(_NOBODY))
        return
    token = make_token(user)
    events.password_reset_requested.send(user, path=path_for("auth.reset_password", token=token))


def user_for_token(token: str) -> User:
    """Return the user a valid token is for; raise AccountError saying why it is refused."""
    try:
        user_id, fingerprint = _serializer().loads(token, max_age=MAX_AGE_SECONDS)
    except SignatureExpired as err:
        raise AccountError(
            _("Liên kết đặt lại mật khẩu đã hết hạn (sau 1 giờ). Vui lòng yêu cầu liên kết mới.")
        ) from err
    except (BadSignature, ValueError, TypeError) as err:
        raise AccountError(_("Liên kết đặt lại mật khẩu không hợp lệ.")) from err
    user = db.session.get(User, user_id) if isinstance(user_id, int) and user_id > 0 else None
    if (
        user is None
        or not user.is_active
        or not isinstance(fingerprint, str)
        or not hmac.compare_digest(fingerprint, _fingerprint(user))
    ):
        raise AccountError(
            _(
                "Liên kết đặt lại mật khẩu đã được dùng hoặc không còn hiệu lực "
                "(mật khẩu đã đổi sau khi liên kết được gửi). Vui lòng yêu cầu liên kết mới."
            )
        )
    return user


def reset_password(token: str, new_password: str) -> User:
    """Set a new password from a reset link; end every session of the user."""
    user = user_for_token(token)
    problem = password_problem(new_password, email=user.email)
    if problem:
        raise AccountError(problem, "password")
    user.password_hash = hash_password(new_password)
    end_all_sessions(user)
    record_audit(user, "user.password_reset", user, label=f"user #{user.id}")
    db.session.flush()
    return user
