"""A person's rights over their data (Law 91/2025/QH15): export it all, or erase it.

**Export** is a list of sections. Accounts gives the profile, the organisation(s), the
consents and the audit entries the person made; every other domain that holds something
about the person contributes its own section in its `init_app` through
`core.panels.contribute(app, panels.PERSONAL_DATA, name, provider)`, where
`provider(user=...)` returns JSON-ready data. Another section is one function.

**Erasure** replaces the person's name and e-mail with placeholders, makes the password
unusable, deactivates the account and ends its sessions; the row stays (pseudonymous) because
trials, orders, reviews and the audit log point at it. The person's memberships end (so the
remaining owners are the organisation's owners), and the invitations to their address and
their join requests keep the placeholders instead of their name, address, password hash and
message. Every domain then clears what it
holds about the person through the `account_erased` event, in the same transaction.
Consents are kept: they name no one once the account is pseudonymous, and they are the
record that consent was given (which the law asks the controller to be able to show).
"""

from __future__ import annotations

import datetime as dt
import json
import unicodedata
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import delete, or_, select, update
from werkzeug.security import check_password_hash

from marketplace.accounts import membership as memberships
from marketplace.accounts import roles
from marketplace.accounts.models import (
    Consent,
    Invitation,
    JoinRequest,
    JoinRequestStatus,
    Membership,
    User,
)
from marketplace.accounts.services import AccountError, end_all_sessions
from marketplace.core import events, panels
from marketplace.core.audit import AuditLog, record_audit
from marketplace.core.database import utcnow
from marketplace.extensions import db

ERASED_NAME = "Người dùng đã xoá"
ERASED_DOMAIN = "deleted.invalid"  # RFC 2606: never a real mailbox
# Typed by the person to confirm; "XÓA" and "XOÁ" are both correct Vietnamese spellings.
CONFIRMATION_WORDS = ("XOÁ TÀI KHOẢN", "XÓA TÀI KHOẢN")
FORMAT_VERSION = 1


def iso(value: dt.datetime | dt.date | None) -> str | None:
    """Write a time (UTC) or a date for the export."""
    return value.isoformat() if value is not None else None


# ---------------------------------------------------------------- export


def profile_section(user: User) -> dict[str, Any]:
    """Return the person's own account: who they are, and the times of their account's life."""
    return {
        "id": user.id,
        "email": user.email,
        "name": user.name,
        "role": user.role,
        "locale": user.locale,
        "active": bool(user.active),
        "created_at": iso(user.created_at),
        "last_login_at": iso(user.last_login_at),
        "email_verified_at": iso(user.email_verified_at),
    }


def organizations_section(user: User) -> list[dict[str, Any]]:
    """Return every organisation the person belongs to, with their role in each."""
    return [
        {
            "id": row.organization.id,
            "kind": row.organization.kind,
            "name": row.organization.name,
            "tax_code": row.organization.tax_code,
            "role": row.role,
            "member_since": iso(row.created_at),
            "acting_for": row.organization_id == user.organization_id,
        }
        for row in memberships.memberships_of(user)
    ]


def consents_section(user: User) -> list[dict[str, Any]]:
    """Return every version of the terms and privacy policy the person accepted, and when."""
    rows = db.session.scalars(
        select(Consent).where(Consent.user_id == user.id).order_by(Consent.accepted_at, Consent.id)
    )
    return [
        {"document": c.document, "version": c.version, "accepted_at": iso(c.accepted_at)}
        for c in rows
    ]


def audit_section(user: User) -> list[dict[str, Any]]:
    """Return what the audit log recorded the person doing (password resets included)."""
    rows = db.session.scalars(
        select(AuditLog).where(AuditLog.actor_id == user.id).order_by(AuditLog.id)
    )
    return [
        {
            "action": a.action,
            "object_type": a.object_type,
            "object_id": a.object_id,
            "object_label": a.object_label,
            "reason": a.reason,
            "created_at": iso(a.created_at),
        }
        for a in rows
    ]


def contribute_own_sections(app) -> None:
    """Register the sections accounts holds (called by accounts' `init_app`, first)."""
    for name, section in (
        ("profile", profile_section),
        ("organizations", organizations_section),
        ("consents", consents_section),
        ("audit_log", audit_section),
    ):
        panels.contribute(app, panels.PERSONAL_DATA, name, lambda user, _f=section: _f(user))


def export_data(user: User) -> dict[str, Any]:
    """Return everything the app holds about `user`, by section (never hashes or tokens)."""
    return {
        "format_version": FORMAT_VERSION,
        "exported_at": iso(utcnow()),
        **panels.collect(panels.PERSONAL_DATA, user=user),
    }


def export_json(user: User) -> str:
    """Return the export as UTF-8-ready JSON text (Vietnamese kept readable)."""
    return json.dumps(export_data(user), ensure_ascii=False, indent=2, default=str)


# ---------------------------------------------------------------- erasure


def can_delete_account(user: User) -> tuple[bool, str | None]:
    """Tell whether the person may erase their account now, and if not, why.

    Every organisation must keep an owner: the only owner of an organisation that has other
    members transfers ownership first (`/account/members`). Staff accounts are closed by an
    administrator.
    """
    if user.is_staff:
        return False, _(
            "Tài khoản kiểm duyệt viên và quản trị viên do quản trị viên hệ thống đóng, "
            "không tự xóa được."
        )
    for row in memberships.memberships_of(user):
        if row.role != roles.OrgRole.OWNER:
            continue
        others = [m for m in memberships.member_ids(row.organization_id) if m != user.id]
        if others and memberships.owner_count(row.organization_id) < 2:
            return False, _(
                "Bạn là chủ sở hữu duy nhất của %(org)s. Hãy chuyển quyền chủ sở hữu cho một "
                "thành viên khác trước khi xóa tài khoản.",
                org=row.organization.name,
            )
    return True, None


def _confirmed(text: str) -> bool:
    folded = " ".join(unicodedata.normalize("NFC", text or "").upper().split())
    return folded in CONFIRMATION_WORDS


def _forget_team_records(actor: User, old_email: str) -> None:
    """End the erased person's memberships; blank their invitations and join requests.

    The rows stay (the audit log points at them) with the pseudonymous name and address; an
    invitation still open is revoked, and a join request still waiting is closed.
    """
    now = utcnow()
    db.session.execute(
        delete(Membership)
        .where(Membership.user_id == actor.id)
        .execution_options(synchronize_session="fetch")
    )
    memberships.forget_memberships()
    for invitation in db.session.scalars(
        select(Invitation).where(
            or_(Invitation.email == old_email, Invitation.accepted_by_id == actor.id)
        )
    ):
        invitation.email = actor.email
        if invitation.is_open:
            invitation.revoked_at = now
    closed = _("Người gửi yêu cầu đã xoá tài khoản.")
    for join in db.session.scalars(
        select(JoinRequest).where(
            or_(JoinRequest.email == old_email, JoinRequest.user_id == actor.id)
        )
    ):
        join.name, join.email, join.password_hash = ERASED_NAME, actor.email, actor.password_hash
        join.message = join.dispute_reason = None
        if join.status in (JoinRequestStatus.PENDING, JoinRequestStatus.DISPUTED):
            join.status = (
                JoinRequestStatus.REFUSED
                if join.status == JoinRequestStatus.PENDING
                else JoinRequestStatus.DISMISSED
            )
            join.reason, join.decided_at = closed, now


def erase_account(actor: User, *, password: str, confirmation: str) -> None:
    """Erase the actor's personal data and close the account; business records stay."""
    if not check_password_hash(actor.password_hash, password or ""):
        raise AccountError(_("Mật khẩu hiện tại không đúng."), "current_password")
    if not _confirmed(confirmation):
        raise AccountError(_("Vui lòng gõ đúng “XOÁ TÀI KHOẢN” để xác nhận."), "confirmation")
    allowed, reason = can_delete_account(actor)
    if not allowed:
        raise AccountError(reason or "", "form", status=409)
    old_email, old_name = actor.email, actor.name
    pseudonym = f"user #{actor.id} (đã xoá)"
    actor.name = ERASED_NAME
    actor.email = f"deleted-{actor.id}@{ERASED_DOMAIN}"
    actor.password_hash = "!erased"  # no "$": werkzeug never matches it
    actor.active = False
    actor.deleted_at = utcnow()
    actor.email_verified_at = None
    actor.last_login_at = None
    end_all_sessions(actor)
    _forget_team_records(actor, old_email)
    # Entries about this account were labelled with it: keep them, pseudonymous.
    db.session.execute(
        update(AuditLog)
        .where(AuditLog.object_type == User.__tablename__, AuditLog.object_id == actor.id)
        .values(object_label=pseudonym)
    )
    record_audit(actor, "user.erased", actor, label=pseudonym)
    events.account_erased.send(actor, old_email=old_email, old_name=old_name)
    db.session.flush()
