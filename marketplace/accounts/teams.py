"""Team rules: switching organisation, members and their roles, invitations (join
requests and their disputes: accounts.join_requests).

Every function takes the acting user, checks `roles.require_action`, changes the models,
flushes, writes the audit log and announces the change through `core.events` (the
notifications domain e-mails and notifies; accounts never imports it).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import secrets

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from marketplace.accounts import membership as memberships
from marketplace.accounts.legal import record_consents
from marketplace.accounts.models import (
    Invitation,
    Membership,
    Organization,
    Role,
    User,
)
from marketplace.accounts.roles import ROLE_LABELS, OrgRole, require_action
from marketplace.accounts.services import (
    AccountError,
    email_taken,
    end_all_sessions,
    hash_password,
    normalise_email,
)
from marketplace.accounts.validation import password_problem
from marketplace.core import events
from marketplace.core.audit import record_audit
from marketplace.core.database import as_utc, utcnow
from marketplace.core.permissions import deny
from marketplace.core.urls import path_for
from marketplace.extensions import db

INVITATION_DAYS = 7
# Unanswered join requests may go to the moderators after this many days.
JOIN_REQUEST_DAYS = 7
ROLES = tuple(OrgRole)


def _check_role(role: str) -> OrgRole:
    if role not in ROLES:
        raise AccountError(_("Vai trò không hợp lệ."), "role")
    return OrgRole(role)


def _act_for(user: User, org: Organization) -> None:
    """Make `org` the organisation the user acts for (their account kind follows it)."""
    user.organization_id = org.id
    user.role = Role.VENDOR if org.is_vendor else Role.ENTERPRISE
    memberships.forget_memberships()


def own_membership(actor: User, membership_id: int) -> Membership:
    """Return a membership of the actor's organisation; 404 for anyone else's."""
    row = db.session.get(Membership, membership_id)
    if row is None or actor.organization_id is None or row.organization_id != actor.organization_id:
        deny(hide=True)
    return row


def _role_label(role: str) -> str:
    label = ROLE_LABELS.get(role)
    return str(label) if label is not None else role


# ---------------------------------------------------------------- acting organisation


def switch_organization(actor: User, org_id: int) -> Organization:
    """Act for another organisation the actor belongs to; anyone else's is a 404."""
    row = memberships.membership_of(actor, org_id)
    if row is None:
        deny(hide=True)
    _act_for(actor, row.organization)
    db.session.flush()
    return row.organization


def _leave_organization_of(user: User, org_id: int) -> None:
    """After the user's membership of `org_id` ended, act for another of theirs if any."""
    if user.organization_id != org_id:
        return
    others = [m for m in memberships.memberships_of(user) if m.organization_id != org_id]
    if others:
        _act_for(user, others[0].organization)
    memberships.forget_memberships()


# ---------------------------------------------------------------- members


def change_role(actor: User, membership_id: int, role: str) -> Membership:
    """Give a member another role; the last owner keeps theirs."""
    row = own_membership(actor, membership_id)
    require_action(actor, "members.manage")
    new = _check_role(role)
    if row.role == new:
        return row
    if row.role == OrgRole.OWNER and memberships.owner_count(row.organization_id) <= 1:
        raise AccountError(
            _("Tổ chức cần ít nhất một chủ sở hữu: hãy chuyển quyền sở hữu trước."), "role"
        )
    old = row.role
    row.role = new
    db.session.flush()
    memberships.forget_memberships()
    record_audit(
        actor,
        "member.role_change",
        row.organization,
        data={"user_id": row.user_id, "from": old, "to": new},
    )
    events.membership_changed.send(row, change="role", actor=actor)
    return row


def remove_member(actor: User, membership_id: int) -> None:
    """Take a member out of the organisation; their open sessions end at once."""
    row = own_membership(actor, membership_id)
    require_action(actor, "members.manage")
    if row.user_id == actor.id:
        raise AccountError(_("Để rời tổ chức, hãy dùng nút “Rời tổ chức”."))
    if row.role == OrgRole.OWNER and memberships.owner_count(row.organization_id) <= 1:
        raise AccountError(_("Không thể xóa chủ sở hữu cuối cùng của tổ chức."))
    user, org = row.user, row.organization
    db.session.delete(row)
    db.session.flush()
    _leave_organization_of(user, org.id)
    end_all_sessions(user)
    record_audit(actor, "member.remove", org, data={"user_id": user.id, "role": row.role})
    events.member_removed.send(org, user=user, actor=actor)


def leave_organization(actor: User) -> Organization:
    """Leave the organisation the actor acts for; the last owner must transfer ownership first."""
    row = memberships.current_membership(actor)
    if row is None:
        deny(hide=True)
    if row.role == OrgRole.OWNER and memberships.owner_count(row.organization_id) <= 1:
        raise AccountError(
            _(
                "Bạn là chủ sở hữu cuối cùng: hãy chuyển quyền sở hữu cho một thành viên khác "
                "trước khi rời tổ chức."
            )
        )
    org = row.organization
    db.session.delete(row)
    db.session.flush()
    _leave_organization_of(actor, org.id)
    record_audit(actor, "member.leave", org, data={"user_id": actor.id})
    events.member_removed.send(org, user=actor, actor=actor)
    return org


def transfer_ownership(actor: User, membership_id: int) -> Membership:
    """Make another member an owner and the actor a manager."""
    row = own_membership(actor, membership_id)
    require_action(actor, "members.manage")
    if row.user_id == actor.id:
        raise AccountError(_("Bạn đã là chủ sở hữu."))
    mine = memberships.current_membership(actor)
    row.role = OrgRole.OWNER
    mine.role = OrgRole.MANAGER
    db.session.flush()
    memberships.forget_memberships()
    record_audit(
        actor, "member.transfer_ownership", row.organization, data={"to_user_id": row.user_id}
    )
    events.membership_changed.send(row, change="ownership", actor=actor)
    return row


# ---------------------------------------------------------------- invitations


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def open_invitations(org_id: int) -> list[Invitation]:
    """Return the organisation's invitations that were neither accepted nor revoked."""
    return list(
        db.session.scalars(
            select(Invitation)
            .where(
                Invitation.organization_id == org_id,
                Invitation.accepted_at.is_(None),
                Invitation.revoked_at.is_(None),
            )
            .order_by(Invitation.created_at.desc(), Invitation.id.desc())
        )
    )


def invite(actor: User, email: str, role: str, *, now: dt.datetime | None = None) -> Invitation:
    """Invite someone by e-mail to the actor's organisation with `role`.

    Owners and managers invite; only owners may invite another owner. A new invitation to the
    same address replaces the open one (its link stops working).
    """
    require_action(actor, "members.invite")
    new_role = _check_role(role)
    if new_role == OrgRole.OWNER:
        require_action(actor, "members.manage")
    address = normalise_email(email)
    if len(address) > 254 or "@" not in address:
        raise AccountError(_("Địa chỉ e-mail không hợp lệ."), "email")
    org = actor.organization
    existing = db.session.scalar(select(User).where(User.email == address))
    if existing is not None and memberships.membership_of(existing, org.id) is not None:
        raise AccountError(_("Người này đã là thành viên của tổ chức."), "email")
    now = now or utcnow()
    for old in open_invitations(org.id):
        if old.email == address:
            old.revoked_at = now
    token = secrets.token_urlsafe(32)
    invitation = Invitation(
        organization_id=org.id,
        email=address,
        role=new_role,
        invited_by_id=actor.id,
        token_hash=_token_hash(token),
        created_at=now,
        expires_at=now + dt.timedelta(days=INVITATION_DAYS),
    )
    db.session.add(invitation)
    db.session.flush()
    record_audit(
        actor, "member.invite", org, data={"invitation_id": invitation.id, "role": new_role}
    )
    events.member_invited.send(
        invitation, path=path_for("invitations.open", token=token), actor=actor
    )
    return invitation


def revoke_invitation(actor: User, invitation_id: int) -> Invitation:
    """Withdraw an open invitation of the actor's organisation; its link stops working."""
    invitation = db.session.get(Invitation, invitation_id)
    if invitation is None or invitation.organization_id != actor.organization_id:
        deny(hide=True)
    require_action(actor, "members.invite")
    if not invitation.is_open:
        raise AccountError(_("Lời mời này đã được dùng hoặc đã bị thu hồi."))
    invitation.revoked_at = utcnow()
    db.session.flush()
    record_audit(
        actor,
        "member.invitation_revoke",
        invitation.organization,
        data={"invitation_id": invitation.id},
    )
    return invitation


def invitation_for_token(token: str, *, now: dt.datetime | None = None) -> Invitation:
    """Return the open invitation of a link; raise AccountError saying why it is refused."""
    invitation = None
    if token and len(token) <= 100:
        invitation = db.session.scalar(
            select(Invitation).where(Invitation.token_hash == _token_hash(token))
        )
    if invitation is None or not hmac.compare_digest(invitation.token_hash, _token_hash(token)):
        raise AccountError(_("Liên kết mời không hợp lệ. Vui lòng kiểm tra lại địa chỉ trong thư."))
    if invitation.accepted_at is not None:
        raise AccountError(
            _("Lời mời này đã được sử dụng. Mỗi liên kết mời chỉ dùng được một lần.")
        )
    if invitation.revoked_at is not None:
        raise AccountError(_("Lời mời này đã bị tổ chức thu hồi."))
    if as_utc(invitation.expires_at) <= (now or utcnow()):
        raise AccountError(
            _(
                "Lời mời đã hết hạn (sau %(days)d ngày). Vui lòng đề nghị tổ chức gửi lời mời mới.",
                days=INVITATION_DAYS,
            )
        )
    return invitation


def _join(invitation: Invitation, user: User) -> Membership:
    row = Membership(
        user_id=user.id, organization_id=invitation.organization_id, role=invitation.role
    )
    db.session.add(row)
    # The link reached the invited address: that proves it, as a verification link would.
    if user.email_verified_at is None and normalise_email(user.email) == invitation.email:
        user.email_verified_at = utcnow()
    invitation.accepted_at = utcnow()
    invitation.accepted_by_id = user.id
    try:
        with db.session.begin_nested():
            db.session.flush()
    except IntegrityError as exc:
        raise AccountError(_("Bạn đã là thành viên của tổ chức này.")) from exc
    _act_for(user, invitation.organization)
    db.session.flush()
    record_audit(
        user,
        "member.join",
        invitation.organization,
        data={"invitation_id": invitation.id, "role": invitation.role},
    )
    events.member_joined.send(row, via="invitation")
    return row


def accept_invitation(user: User, token: str) -> Membership:
    """Join the invitation's organisation as the signed-in user with the invited e-mail."""
    invitation = invitation_for_token(token)
    if normalise_email(user.email) != invitation.email:
        raise AccountError(
            _(
                "Lời mời này được gửi tới một địa chỉ e-mail khác. Hãy đăng xuất rồi đăng nhập "
                "bằng đúng địa chỉ được mời."
            )
        )
    if user.is_staff:
        raise AccountError(_("Tài khoản kiểm duyệt viên không thể tham gia tổ chức."))
    return _join(invitation, user)


def accept_invitation_as_new_user(
    token: str, *, name: str, password: str, locale: str = "vi"
) -> User:
    """Create the invitee's account from the link (name and password) and join."""
    invitation = invitation_for_token(token)
    if email_taken(invitation.email):
        raise AccountError(
            _("Địa chỉ này đã có tài khoản: hãy đăng nhập để nhận lời mời."), "password"
        )
    problem = password_problem(password, email=invitation.email)
    if problem:
        raise AccountError(problem, "password")
    name = " ".join((name or "").split())[:120]
    if not name:
        raise AccountError(_("Vui lòng nhập họ và tên."), "name")
    org = invitation.organization
    user = User(
        email=invitation.email,
        name=name,
        password_hash=hash_password(password),
        role=Role.VENDOR if org.is_vendor else Role.ENTERPRISE,
        organization_id=org.id,
        locale=locale if locale in ("vi", "en") else "vi",
    )
    db.session.add(user)
    try:
        with db.session.begin_nested():
            db.session.flush()
    except IntegrityError as exc:
        raise AccountError(
            _("Địa chỉ này đã có tài khoản: hãy đăng nhập để nhận lời mời."), "password"
        ) from exc
    record_consents(user)
    _join(invitation, user)
    return user


def role_label(role: str) -> str:
    """Name an organisation role in the interface language."""
    return _role_label(role)
