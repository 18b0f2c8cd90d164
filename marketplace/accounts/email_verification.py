"""E-mail verification and e-mail changes: signed links that die with the address they prove.

A verification link carries the user's id and the address it was sent to, signed with the
app's key and a salt of its own (itsdangerous), valid for 3 days. Opening it marks that
address verified; a link for an address the account no longer has (the e-mail changed)
is refused, and opening a link again once verified changes nothing.

Changing one's e-mail (password confirmed) sends a link to the new address and changes
nothing yet: the new address becomes the account's, verified, when that link is opened,
so a typo never locks anyone out. The link carries a fingerprint of the current e-mail
and password hash, so it works once and dies if either changes first. The old address is
then told of the change. Nothing is stored; every link is sent through an event that the
notifications domain turns into an e-mail.
"""

from __future__ import annotations

import hashlib
import hmac

from flask import current_app
from flask_babel import gettext as _
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from sqlalchemy.exc import IntegrityError
from werkzeug.security import check_password_hash

from marketplace.accounts.models import User
from marketplace.accounts.roles import email_verified
from marketplace.accounts.services import AccountError, email_taken, normalise_email
from marketplace.core import events
from marketplace.core.audit import record_audit
from marketplace.core.database import utcnow
from marketplace.core.urls import path_for
from marketplace.extensions import db

VERIFY_SALT = "email-verification"
CHANGE_SALT = "email-change"
MAX_AGE_SECONDS = 3 * 24 * 3600


def _serializer(salt: str) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=salt)


def _fingerprint(user: User) -> str:
    material = f"{user.id}\x00{user.email}\x00{user.password_hash}".encode()
    return hashlib.sha256(material).hexdigest()[:32]


# ---------------------------------------------------------------- verifying the address


def verification_token(user: User) -> str:
    """Sign a verification token for the user's current address."""
    return _serializer(VERIFY_SALT).dumps([user.id, user.email])


def send_verification(user: User) -> None:
    """E-mail the user a link that verifies their current address (after the commit)."""
    path = path_for("auth.verify_email", token=verification_token(user))
    events.email_verification_requested.send(user, path=path, email=user.email, change=False)


def _invalid_link(message: str | None = None) -> AccountError:
    return AccountError(
        message
        or _(
            "Liên kết xác thực không hợp lệ hoặc không còn hiệu lực. "
            "Hãy đăng nhập và bấm “Gửi lại e-mail xác thực”."
        )
    )


def verify_email(token: str) -> tuple[User, bool]:
    """Mark the address a valid token was sent to verified; return (user, newly verified)."""
    try:
        user_id, email = _serializer(VERIFY_SALT).loads(token, max_age=MAX_AGE_SECONDS)
    except SignatureExpired as err:
        raise _invalid_link(
            _(
                "Liên kết xác thực đã hết hạn (sau 3 ngày). "
                "Hãy đăng nhập và bấm “Gửi lại e-mail xác thực”."
            )
        ) from err
    except (BadSignature, ValueError, TypeError) as err:
        raise _invalid_link() from err
    user = db.session.get(User, user_id) if isinstance(user_id, int) and user_id > 0 else None
    if (
        user is None
        or not user.is_active
        or not isinstance(email, str)
        or not hmac.compare_digest(email.encode(), user.email.encode())
    ):
        # Also a link for an address the account has since left.
        raise _invalid_link()
    if user.email_verified_at is not None:
        return user, False
    user.email_verified_at = utcnow()
    record_audit(user, "user.email_verified", user, label=f"user #{user.id}")
    db.session.flush()
    return user, True


# ---------------------------------------------------------------- changing the address


def request_email_change(actor: User, *, new_email: str, password: str) -> str:
    """Check the password and the new address, then e-mail it a confirmation link.

    Returns the normalised new address. Nothing changes until the link is opened.
    """
    if not check_password_hash(actor.password_hash, password or ""):
        raise AccountError(_("Mật khẩu hiện tại không đúng."), "current_password")
    email = normalise_email(new_email)
    if len(email) > 254 or "@" not in email:
        raise AccountError(_("Địa chỉ e-mail không hợp lệ."), "email")
    if email == actor.email:
        raise AccountError(_("Đây đã là địa chỉ e-mail của tài khoản."), "email")
    if email_taken(email):
        raise AccountError(_("E-mail này đã được dùng cho một tài khoản khác."), "email")
    token = _serializer(CHANGE_SALT).dumps([actor.id, email, _fingerprint(actor)])
    path = path_for("auth.confirm_email_change", token=token)
    events.email_verification_requested.send(actor, path=path, email=email, change=True)
    return email


def confirm_email_change(token: str) -> tuple[User, str]:
    """Move the account to the new address of a valid link, verified; return (user, old)."""
    try:
        user_id, email, fingerprint = _serializer(CHANGE_SALT).loads(token, max_age=MAX_AGE_SECONDS)
    except SignatureExpired as err:
        raise _invalid_link(
            _("Liên kết xác nhận đổi e-mail đã hết hạn (sau 3 ngày). Vui lòng yêu cầu lại.")
        ) from err
    except (BadSignature, ValueError, TypeError) as err:
        raise _invalid_link(_("Liên kết xác nhận đổi e-mail không hợp lệ.")) from err
    user = db.session.get(User, user_id) if isinstance(user_id, int) and user_id > 0 else None
    if (
        user is None
        or not user.is_active
        or not isinstance(email, str)
        or not isinstance(fingerprint, str)
        or not hmac.compare_digest(fingerprint, _fingerprint(user))
    ):
        raise _invalid_link(
            _(
                "Liên kết xác nhận đổi e-mail đã được dùng hoặc không còn hiệu lực "
                "(e-mail hoặc mật khẩu đã đổi sau khi liên kết được gửi)."
            )
        )
    if email_taken(email):
        raise AccountError(_("E-mail này đã được dùng cho một tài khoản khác."), "email")
    old = user.email
    user.email = email
    user.email_verified_at = utcnow()
    try:
        with db.session.begin_nested():
            db.session.flush()
    except IntegrityError as exc:
        # Another account took the address between the check and the write.
        raise AccountError(_("E-mail này đã được dùng cho một tài khoản khác."), "email") from exc
    record_audit(user, "user.email_changed", user, label=f"user #{user.id}")
    events.email_changed.send(user, old_email=old)
    return user, old


def needs_verification(user) -> bool:
    """Tell whether a signed-in user still has to verify their address (for the banner)."""
    return bool(getattr(user, "is_authenticated", False)) and not email_verified(user)
