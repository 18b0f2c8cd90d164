"""People in the operator's console: finding accounts, (de)activating them, their e-mails
and the staff (moderators and administrators), who are invited by e-mail.

Every function takes the acting administrator, checks the gate, changes the models,
flushes and writes the audit log; the view commits once. An administrator cannot
deactivate or demote themselves, nor the last active administrator.

Deactivating ends the person's sessions at once (their session version is bumped, as when a
member is removed from an organisation), and an inactive account is refused at sign-in and by
the session loader, so its forms and API calls answer as to a stranger.

A staff invitation creates the account with a random password nobody knows and e-mails a
link (signed, 7 days) bound to that password's hash: choosing a password changes the hash,
so the link works once. Nothing else is stored.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass

from flask import current_app
from flask_babel import gettext as _
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from marketplace.accounts import email_verification, reset, throttle
from marketplace.accounts.models import STAFF_ROLES, Membership, Organization, Role, User
from marketplace.accounts.services import (
    email_taken,
    end_all_sessions,
    hash_password,
    normalise_email,
)
from marketplace.accounts.validation import password_problem
from marketplace.admin.rules import (
    PER_PAGE,
    ConsoleError,
    ListPage,
    changed_fields,
    page_of_ids,
    quick_fold,
)
from marketplace.core import events
from marketplace.core.audit import record_audit
from marketplace.core.database import utcnow
from marketplace.core.permissions import deny, require_admin
from marketplace.core.text import clean_reason, fold
from marketplace.core.urls import path_for
from marketplace.extensions import db

INVITATION_SALT = "staff-invitation"
INVITATION_DAYS = 7
ROLES = ("enterprise", "vendor", "moderator", "admin")
STATUSES = ("active", "inactive", "unverified")


# ---------------------------------------------------------------- finding people


@dataclass
class PeopleFilter:
    q: str = ""
    role: str = ""
    status: str = ""


def _conditions(filters: PeopleFilter) -> list:
    conditions = [User.deleted_at.is_(None)]
    if filters.role in ROLES:
        conditions.append(User.role == filters.role)
    if filters.status == "active":
        conditions.append(User.active.is_(True))
    elif filters.status == "inactive":
        conditions.append(User.active.is_(False))
    elif filters.status == "unverified":
        conditions += [User.email_verified_at.is_(None), User.role.not_in(STAFF_ROLES)]
    return conditions


def search_people(filters: PeopleFilter, page: int, per_page: int = PER_PAGE) -> ListPage:
    """Find accounts by name, e-mail or organisation name, newest first (three queries).

    The words are folded (`nguyen van an` finds `Nguyễn Văn An`, `cam giang` finds `Cẩm
    Giàng`) in Python over the narrow (id, name, e-mail) rows, as the vendors' directory
    does, so the search behaves the same on SQLite and PostgreSQL; only the page's rows are
    loaded whole.
    """
    conditions = _conditions(filters)
    words = fold(filters.q).split()[:8]
    if words:
        rows = db.session.execute(
            select(User.id, User.name, User.email).where(*conditions).order_by(User.id.desc())
        ).all()
        orgs: dict[int, list[str]] = {}
        for user_id, org_name, tax_code in db.session.execute(
            select(Membership.user_id, Organization.name, Organization.tax_code).join(
                Organization, Organization.id == Membership.organization_id
            )
        ):
            orgs.setdefault(user_id, []).append(f"{org_name} {tax_code}")
        ids = []
        for user_id, name, email in rows:
            text = quick_fold(" ".join([name, email, *orgs.get(user_id, ())]))
            if all(w in text for w in words):
                ids.append(user_id)
        total = len(ids)
        page_ids, page = page_of_ids(ids, page, per_page)
    else:
        total = db.session.scalar(select(func.count(User.id)).where(*conditions)) or 0
        pages = max(1, -(-total // per_page))
        page = min(max(1, page), pages)
        page_ids = list(
            db.session.scalars(
                select(User.id)
                .where(*conditions)
                .order_by(User.id.desc())
                .limit(per_page)
                .offset((page - 1) * per_page)
            )
        )
    users = {
        u.id: u
        for u in db.session.scalars(
            select(User).where(User.id.in_(page_ids)).options(selectinload(User.organization))
        )
    }
    return ListPage([users[i] for i in page_ids if i in users], page, per_page, total)


def get_person(user_id: int) -> User:
    """Return the account `user_id` (404 when there is none or it was erased)."""
    user = db.session.get(User, user_id)
    if user is None or user.deleted_at is not None:
        deny(hide=True)
    return user


@dataclass
class PersonFacts:
    memberships: list[Membership]
    throttle: throttle.AccountState
    invitation_pending: bool


def person_facts(user: User) -> PersonFacts:
    """What the person's page shows beyond the account itself."""
    rows = list(
        db.session.scalars(
            select(Membership)
            .join(Organization, Organization.id == Membership.organization_id)
            .where(Membership.user_id == user.id)
            .options(selectinload(Membership.organization))
            .order_by(Organization.name, Organization.id)
        )
    )
    return PersonFacts(rows, throttle.account_state(user.email), invitation_pending(user))


def invitation_pending(user: User) -> bool:
    """Tell whether a staff account was invited and never opened its link (nor signed in)."""
    return user.is_staff and user.last_login_at is None and user.email_verified_at is None


# ---------------------------------------------------------------- the last administrator


def _other_active_admins(user: User) -> int:
    """Count the active administrators other than `user`, locking their rows (PostgreSQL)."""
    ids = db.session.scalars(
        select(User.id)
        .where(User.role == Role.ADMIN, User.active.is_(True), User.id != user.id)
        .with_for_update()
    ).all()
    return len(ids)


def _not_self(actor: User, user: User, message: str) -> None:
    if actor.id == user.id:
        raise ConsoleError(message, "form")


def _keep_an_admin(user: User) -> None:
    if user.role == Role.ADMIN and user.active and _other_active_admins(user) == 0:
        raise ConsoleError(_("Đây là quản trị viên đang hoạt động cuối cùng."), "form")


# ---------------------------------------------------------------- actions on an account


def deactivate_user(actor: User, user: User, reason: str | None) -> None:
    """Close an account: its sessions end now and it can no longer sign in."""
    require_admin(actor)
    reason = clean_reason(reason, required=True, error=ConsoleError)
    _not_self(actor, user, _("Bạn không thể tự khóa tài khoản của mình."))
    if not user.active:
        raise ConsoleError(_("Tài khoản này đã bị khóa."), "form")
    _keep_an_admin(user)
    user.active = False
    end_all_sessions(user)
    record_audit(
        actor,
        "admin.user_deactivate",
        user,
        reason=reason,
        label=f"user #{user.id}",
        data={"before": {"active": True}, "after": {"active": False}},
    )


def reactivate_user(actor: User, user: User, reason: str | None) -> None:
    """Open a closed account again: the person signs in as before."""
    require_admin(actor)
    reason = clean_reason(reason, required=True, error=ConsoleError)
    if user.active:
        raise ConsoleError(_("Tài khoản này đang hoạt động."), "form")
    user.active = True
    db.session.flush()
    record_audit(
        actor,
        "admin.user_reactivate",
        user,
        reason=reason,
        label=f"user #{user.id}",
        data={"before": {"active": False}, "after": {"active": True}},
    )


def send_password_reset(actor: User, user: User) -> None:
    """E-mail the person a password-reset link (the same link `/auth/forgot` sends)."""
    require_admin(actor)
    if not user.active:
        raise ConsoleError(_("Tài khoản đang bị khóa: hãy mở khóa trước."), "form")
    reset.request_reset(user.email)
    record_audit(actor, "admin.user_password_reset", user, label=f"user #{user.id}")


def resend_verification(actor: User, user: User) -> None:
    """E-mail the person a new link that verifies their address."""
    require_admin(actor)
    if user.is_staff or user.email_verified_at is not None:
        raise ConsoleError(_("Địa chỉ e-mail này đã được xác thực."), "form")
    if not user.active:
        raise ConsoleError(_("Tài khoản đang bị khóa: hãy mở khóa trước."), "form")
    email_verification.send_verification(user)
    record_audit(actor, "admin.user_resend_verification", user, label=f"user #{user.id}")


def clear_sign_in_throttle(actor: User, user: User) -> None:
    """Forget the account's failed sign-ins (after the person proved who they are)."""
    require_admin(actor)
    throttle.clear_account(user.email)
    record_audit(actor, "admin.user_throttle_clear", user, label=f"user #{user.id}")


def change_staff_role(actor: User, user: User, role: str) -> None:
    """Make a moderator an administrator, or an administrator a moderator."""
    require_admin(actor)
    if role not in STAFF_ROLES:
        raise ConsoleError(_("Vai trò không hợp lệ."), "role")
    if not user.is_staff:
        raise ConsoleError(_("Chỉ đổi được vai trò của kiểm duyệt viên và quản trị viên."), "role")
    if user.role == role:
        return
    _not_self(actor, user, _("Bạn không thể tự đổi vai trò của mình."))
    if user.role == Role.ADMIN:
        _keep_an_admin(user)
    before = user.role
    user.role = role
    db.session.flush()
    record_audit(
        actor,
        "admin.staff_role_change",
        user,
        label=f"user #{user.id}",
        data=changed_fields({"role": before}, {"role": role}),
    )


# ---------------------------------------------------------------- staff invitations


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=INVITATION_SALT)


def _fingerprint(user: User) -> str:
    material = f"{user.id}\x00{user.email}\x00{user.password_hash}".encode()
    return hashlib.sha256(material).hexdigest()[:32]


def _send_invitation(actor: User, user: User) -> None:
    token = _serializer().dumps([user.id, _fingerprint(user)])
    events.staff_invited.send(
        user,
        path=path_for("staff_invitation.accept", token=token),
        actor=actor,
        days=INVITATION_DAYS,
    )


def invite_staff(actor: User, *, email: str, name: str, role: str) -> User:
    """Create a moderator's or administrator's account and e-mail them their link."""
    require_admin(actor)
    if role not in STAFF_ROLES:
        raise ConsoleError(_("Vai trò không hợp lệ."), "role")
    name = " ".join((name or "").split())[:120]
    if not name:
        raise ConsoleError(_("Vui lòng nhập họ và tên."), "name")
    address = normalise_email(email)
    if not address or len(address) > 254 or "@" not in address:
        raise ConsoleError(_("Địa chỉ e-mail không hợp lệ."), "email")
    if email_taken(address):
        raise ConsoleError(_("Địa chỉ này đã có tài khoản."), "email")
    user = User(
        email=address,
        name=name,
        role=role,
        # A password nobody knows: the person chooses theirs from the link.
        password_hash=hash_password(secrets.token_urlsafe(32)),
        locale="vi",
    )
    db.session.add(user)
    try:
        with db.session.begin_nested():
            db.session.flush()
    except IntegrityError as exc:
        raise ConsoleError(_("Địa chỉ này đã có tài khoản."), "email") from exc
    record_audit(
        actor,
        "admin.staff_invite",
        user,
        label=f"user #{user.id}",
        data={"after": {"role": role}},
    )
    _send_invitation(actor, user)
    return user


def resend_staff_invitation(actor: User, user: User) -> None:
    """Send a staff member who never opened their invitation a new link."""
    require_admin(actor)
    if not invitation_pending(user) or not user.active:
        raise ConsoleError(_("Người này đã nhận lời mời."), "form")
    record_audit(actor, "admin.staff_invite_resend", user, label=f"user #{user.id}")
    _send_invitation(actor, user)


def invited_user(token: str) -> User:
    """Return the staff account a valid invitation link is for; raise ConsoleError if none."""
    try:
        user_id, fingerprint = _serializer().loads(token, max_age=INVITATION_DAYS * 24 * 3600)
    except SignatureExpired as err:
        raise ConsoleError(
            _(
                "Lời mời đã hết hạn (sau %(days)d ngày). Hãy đề nghị quản trị viên gửi lại.",
                days=INVITATION_DAYS,
            )
        ) from err
    except (BadSignature, ValueError, TypeError) as err:
        raise ConsoleError(_("Liên kết mời không hợp lệ.")) from err
    user = db.session.get(User, user_id) if isinstance(user_id, int) and user_id > 0 else None
    if (
        user is None
        or not user.active
        or not user.is_staff
        or not isinstance(fingerprint, str)
        or not hmac.compare_digest(fingerprint, _fingerprint(user))
    ):
        raise ConsoleError(_("Lời mời này đã được sử dụng hoặc không còn hiệu lực."))
    return user


def accept_staff_invitation(token: str, password: str) -> User:
    """Set the invited person's own password; the link stops working and the address counts
    as verified (the link reached it)."""
    user = invited_user(token)
    problem = password_problem(password, email=user.email)
    if problem:
        raise ConsoleError(problem, "password")
    user.password_hash = hash_password(password)
    if user.email_verified_at is None:
        user.email_verified_at = utcnow()
    end_all_sessions(user)
    record_audit(user, "admin.staff_invite_accept", user, label=f"user #{user.id}")
    return user


def staff_accounts() -> list[User]:
    """Return the moderators and administrators, administrators first."""
    return list(
        db.session.scalars(
            select(User)
            .where(User.role.in_(STAFF_ROLES), User.deleted_at.is_(None))
            .order_by(User.role, User.name, User.id)
        )
    )
