"""Join requests: a person who registered with a taken tax code asks to join, the owners
answer, and a dispute goes to the moderators (accounts.teams holds members and invitations).

Like every team rule, each function takes the acting user, checks the role, changes the
models, flushes, writes the audit log and announces the change through `core.events`.
"""

from __future__ import annotations

import datetime as dt

from flask import current_app
from flask_babel import gettext as _
from itsdangerous import BadSignature, URLSafeSerializer
from sqlalchemy import select

from marketplace.accounts import email_verification
from marketplace.accounts import membership as memberships
from marketplace.accounts.legal import record_consents
from marketplace.accounts.models import (
    JoinRequest,
    JoinRequestStatus,
    Membership,
    Organization,
    Role,
    User,
)
from marketplace.accounts.roles import OrgRole, require_action
from marketplace.accounts.services import (
    AccountError,
    email_taken,
    hash_password,
    normalise_email,
)
from marketplace.accounts.teams import JOIN_REQUEST_DAYS, _check_role
from marketplace.accounts.validation import password_problem
from marketplace.core import events
from marketplace.core.audit import record_audit
from marketplace.core.database import as_utc, utcnow
from marketplace.core.media import upload_owner_id
from marketplace.core.permissions import deny, require
from marketplace.core.text import clean_reason
from marketplace.core.urls import path_for
from marketplace.extensions import db

# ---------------------------------------------------------------- join requests


def pending_join_requests(org_id: int) -> list[JoinRequest]:
    """Return the organisation's join requests waiting for an answer, oldest first."""
    return list(
        db.session.scalars(
            select(JoinRequest)
            .where(
                JoinRequest.organization_id == org_id,
                JoinRequest.status == JoinRequestStatus.PENDING,
            )
            .order_by(JoinRequest.created_at, JoinRequest.id)
        )
    )


def request_to_join(
    org: Organization,
    *,
    email: str,
    name: str,
    password: str,
    message: str = "",
    locale: str = "vi",
) -> JoinRequest:
    """Ask to join an organisation already on the marketplace (from the sign-up page).

    No account is made yet: the request keeps the name, e-mail and password hash, and the
    account is created when an owner accepts.
    """
    address = normalise_email(email)
    if len(address) > 254 or "@" not in address:
        raise AccountError(_("Địa chỉ e-mail không hợp lệ."), "email")
    if email_taken(address):
        raise AccountError(_("E-mail này đã được dùng cho một tài khoản khác."), "email")
    problem = password_problem(password, email=address)
    if problem:
        raise AccountError(problem, "password")
    name = " ".join((name or "").split())[:120]
    if not name:
        raise AccountError(_("Vui lòng nhập họ và tên."), "name")
    pending = db.session.scalar(
        select(JoinRequest.id).where(
            JoinRequest.organization_id == org.id,
            JoinRequest.email == address,
            JoinRequest.status == JoinRequestStatus.PENDING,
        )
    )
    if pending is not None:
        raise AccountError(
            _("Bạn đã gửi yêu cầu tham gia tổ chức này; vui lòng chờ chủ sở hữu trả lời."), "email"
        )
    join = JoinRequest(
        organization_id=org.id,
        email=address,
        name=name,
        password_hash=hash_password(password),
        locale=locale if locale in ("vi", "en") else "vi",
        message=(message or "").strip()[:1000] or None,
    )
    db.session.add(join)
    db.session.flush()
    record_audit(None, "member.join_request", org, data={"join_request_id": join.id})
    events.join_requested.send(join, dispute_path=dispute_path(join))
    return join


# ---------------------------------------------------------------- disputes


DISPUTE_SALT = "join-request-dispute"
DISPUTE_CLAIMS = ("registered_by_other", "unanswered")


def _dispute_serializer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt=DISPUTE_SALT)


def dispute_path(join: JoinRequest) -> str:
    """Return the requester's private link to take their request to the moderators."""
    token = _dispute_serializer().dumps([join.id, join.email])
    return path_for("moderation.dispute_join_request", token=token)


def join_request_for_dispute(token: str) -> JoinRequest:
    """Return the join request a dispute link is for; raise AccountError if the link is bad."""
    try:
        join_id, email = _dispute_serializer().loads(token)
    except (BadSignature, ValueError, TypeError) as err:
        raise AccountError(_("Liên kết không hợp lệ.")) from err
    join = db.session.get(JoinRequest, join_id) if isinstance(join_id, int) else None
    if join is None or join.email != email:
        raise AccountError(_("Liên kết không hợp lệ."))
    return join


def may_say_unanswered(join: JoinRequest, now: dt.datetime | None = None) -> bool:
    """Tell whether the request waited long enough to go to the moderators for no answer."""
    waited = (now or utcnow()) - as_utc(join.created_at)
    return join.is_pending and waited >= dt.timedelta(days=JOIN_REQUEST_DAYS)


def dispute_join_request(
    join: JoinRequest,
    *,
    claim: str,
    reason: str | None,
    document_id: int | None,
    now: dt.datetime | None = None,
) -> JoinRequest:
    """Send a pending join request to the moderators with the requester's evidence.

    The requester says the organisation was registered by someone else, or nobody answered
    within 7 days; the business registration document is required either way.
    """
    if not join.is_pending:
        raise AccountError(_("Yêu cầu này đã được xử lý hoặc đang chờ kiểm duyệt viên."))
    if claim not in DISPUTE_CLAIMS:
        raise AccountError(_("Vui lòng chọn lý do."), "claim")
    if claim == "unanswered" and not may_say_unanswered(join, now):
        raise AccountError(
            _(
                "Chủ sở hữu có %(days)d ngày để trả lời; bạn có thể gửi kiểm duyệt viên sau đó, "
                "hoặc ngay bây giờ nếu tổ chức do người khác đăng ký.",
                days=JOIN_REQUEST_DAYS,
            ),
            "claim",
        )
    reason = clean_reason(reason, required=True, error=AccountError)
    if document_id is None:
        raise AccountError(_("Vui lòng tải lên giấy chứng nhận đăng ký doanh nghiệp."), "document")
    if upload_owner_id(document_id) != join.organization_id:
        raise AccountError(_("Tài liệu không hợp lệ."), "document")
    join.status = JoinRequestStatus.DISPUTED
    join.dispute_reason = f"[{claim}] {reason}"
    join.document_id = document_id
    db.session.flush()
    record_audit(
        None,
        "member.join_dispute",
        join.organization,
        reason=reason,
        data={"join_request_id": join.id, "claim": claim},
    )
    events.join_request_disputed.send(join)
    return join


def open_disputes(limit: int = 100) -> list[JoinRequest]:
    """Return the join requests waiting for a moderator, oldest first."""
    return list(
        db.session.scalars(
            select(JoinRequest)
            .where(JoinRequest.status == JoinRequestStatus.DISPUTED)
            .order_by(JoinRequest.created_at, JoinRequest.id)
            .limit(limit)
        )
    )


def decide_dispute(moderator: User, join: JoinRequest, *, grant: bool, reason: str | None) -> None:
    """Make the requester an owner (previous owners become managers), or dismiss the dispute.

    Granting creates the requester's account from the request. The previous owners stay as
    managers: the moderator cannot tell who should leave; the new owner decides.
    """
    require(moderator.is_authenticated and moderator.is_staff)
    reason = clean_reason(reason, required=not grant, error=AccountError)
    if join.status != JoinRequestStatus.DISPUTED:
        raise AccountError(_("Yêu cầu này đã được xử lý."), "form")
    org = join.organization
    demoted: list[int] = []
    if grant:
        if email_taken(join.email):
            raise AccountError(_("E-mail này đã được dùng cho một tài khoản khác."), "form")
        for row in memberships.members_of(org.id):
            if row.role == OrgRole.OWNER:
                row.role = OrgRole.MANAGER
                demoted.append(row.user_id)
        user = User(
            email=join.email,
            name=join.name,
            password_hash=join.password_hash,
            role=Role.VENDOR if org.is_vendor else Role.ENTERPRISE,
            organization_id=org.id,
            locale=join.locale,
        )
        db.session.add(user)
        db.session.flush()
        record_consents(user)
        # The address was typed by the requester, never proven: it gets a verification link.
        email_verification.send_verification(user)
        db.session.add(Membership(user_id=user.id, organization_id=org.id, role=OrgRole.OWNER))
        join.status, join.role, join.user_id = JoinRequestStatus.GRANTED, OrgRole.OWNER, user.id
    else:
        join.status = JoinRequestStatus.DISMISSED
    join.reason = reason
    join.decided_at = utcnow()
    join.decided_by_id = moderator.id
    db.session.flush()
    memberships.forget_memberships()
    record_audit(
        moderator,
        "member.dispute_grant" if grant else "member.dispute_dismiss",
        org,
        reason=reason,
        data={"join_request_id": join.id, "demoted_owner_ids": demoted},
    )
    events.join_request_decided.send(join, accept=grant)


def own_join_request(actor: User, join_id: int) -> JoinRequest:
    join = db.session.get(JoinRequest, join_id)
    if join is None or join.organization_id != actor.organization_id:
        deny(hide=True)
    return join


def answer_join_request(
    actor: User, join_id: int, *, accept: bool, role: str = "member", reason: str | None = None
) -> JoinRequest:
    """Accept a join request with a role (the account is created then) or refuse it with a reason."""
    join = own_join_request(actor, join_id)
    require_action(actor, "members.manage")
    if not join.is_pending:
        raise AccountError(_("Yêu cầu này đã được xử lý."))
    org = join.organization
    if accept:
        new_role = _check_role(role)
        if email_taken(join.email):
            raise AccountError(_("E-mail này đã được dùng cho một tài khoản khác."))
        user = User(
            email=join.email,
            name=join.name,
            password_hash=join.password_hash,
            role=Role.VENDOR if org.is_vendor else Role.ENTERPRISE,
            organization_id=org.id,
            locale=join.locale,
        )
        db.session.add(user)
        db.session.flush()
        record_consents(user)
        # The address was typed by the requester, never proven: it gets a verification link.
        email_verification.send_verification(user)
        row = Membership(user_id=user.id, organization_id=org.id, role=new_role)
        db.session.add(row)
        join.status, join.role, join.user_id = JoinRequestStatus.ACCEPTED, new_role, user.id
    else:
        reason = clean_reason(reason, required=True, error=AccountError)
        join.status, join.reason = JoinRequestStatus.REFUSED, reason
    join.decided_at = utcnow()
    join.decided_by_id = actor.id
    db.session.flush()
    record_audit(
        actor,
        "member.join_accept" if accept else "member.join_refuse",
        org,
        reason=join.reason,
        data={"join_request_id": join.id, "role": join.role},
    )
    events.join_request_decided.send(join, accept=accept)
    if accept:
        events.member_joined.send(row, via="join_request")
    return join
