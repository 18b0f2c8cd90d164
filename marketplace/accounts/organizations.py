"""Organisation profile rules: editing the profile and moderated identity changes.

An organisation's identity is its name and its tax code. What the marketplace shows
next to a verified badge, and what reviews are signed with, must not change behind a
moderator's back:

- a tax-code change always waits for a moderator (the tax code is who the organisation
  is, verified or not), and must be free among organisations of its kind;
- a verified organisation's new name waits for a moderator; until then the old name stays
  live, with the badge;
- an unverified organisation's new name applies at once, and is audited.

One pending change per organisation: the owner withdraws it before asking for another.
Every identity change is audited (requested, approved, rejected, withdrawn, direct).
"""

from __future__ import annotations

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload

from marketplace.accounts import permissions
from marketplace.accounts.models import (
    ChangeStatus,
    Organization,
    OrganizationChange,
    User,
)
from marketplace.accounts.services import (
    AccountError,
    OrgDetails,
    check_address,
    check_org_unique,
    checked_tax_code,
    is_household,
)
from marketplace.accounts.validation import normalise_phone, normalise_tax_code
from marketplace.core import events
from marketplace.core.audit import record_audit
from marketplace.core.database import utcnow
from marketplace.core.permissions import require
from marketplace.core.text import clean_reason
from marketplace.extensions import db


def pending_change(org: Organization | None) -> OrganizationChange | None:
    """Return the organisation's change waiting for a moderator, if any."""
    if org is None:
        return None
    return db.session.scalar(
        select(OrganizationChange).where(
            OrganizationChange.organization_id == org.id,
            OrganizationChange.status == ChangeStatus.PENDING,
        )
    )


def pending_changes(limit: int = 100) -> list[OrganizationChange]:
    """Return the changes waiting for a moderator, oldest first."""
    return list(
        db.session.scalars(
            select(OrganizationChange)
            .options(joinedload(OrganizationChange.organization))
            .where(OrganizationChange.status == ChangeStatus.PENDING)
            .order_by(OrganizationChange.created_at.asc(), OrganizationChange.id.asc())
            .limit(limit)
        )
    )


def _identity_data(change: OrganizationChange) -> dict[str, str | int | None]:
    return {
        "change_id": change.id,
        "old_name": change.old_name,
        "new_name": change.new_name,
        "old_tax_code": change.old_tax_code,
        "new_tax_code": change.new_tax_code,
    }


def update_organization(
    actor: User, org: Organization, details: OrgDetails
) -> OrganizationChange | None:
    """Save the organisation's profile; return the identity change left for a moderator.

    Contact and profile fields apply at once. A new name or tax code follows the rules in
    this module's docstring; nothing is saved when any part is refused.
    """
    permissions.require_edit_organization(actor, org)
    phone = normalise_phone(details.phone)
    if phone is None:
        raise AccountError(_("Số điện thoại không hợp lệ."), "phone")
    check_address(org.kind, details)
    change = _identity_change(
        actor,
        org,
        name=details.name,
        tax_code=details.tax_code,
        household=is_household(org.kind, details.size_band or None),
    )
    org.street_address = details.street_address
    org.province_code = details.province_code
    org.commune_code = details.commune_code
    org.industry = details.industry or None
    org.size_band = details.size_band or None
    org.website = details.website or None
    org.phone = phone
    db.session.flush()
    return change


def _identity_change(
    actor: User, org: Organization, *, name: str, tax_code: str, household: bool = False
) -> OrganizationChange | None:
    new_name = name if name != org.name else None
    tax_code = normalise_tax_code(tax_code)
    new_tax_code = tax_code if tax_code != org.tax_code else None
    if new_tax_code is not None:
        new_tax_code = checked_tax_code(new_tax_code, household=household)
        check_org_unique(org.kind, new_tax_code, exclude_id=org.id)
    direct_name = new_name if new_name is not None and not org.is_verified else None
    moderated_name = new_name if direct_name is None else None
    change = None
    if moderated_name is not None or new_tax_code is not None:
        change = _request_change(actor, org, name=moderated_name, tax_code=new_tax_code)
    if direct_name is not None:
        old_name = org.name
        org.name = direct_name
        db.session.flush()
        record_audit(
            actor, "organization.rename", org, data={"old_name": old_name, "new_name": org.name}
        )
        if org.is_vendor:
            events.vendor_changed.send(org)
    return change


def _request_change(
    actor: User, org: Organization, *, name: str | None, tax_code: str | None
) -> OrganizationChange:
    pending = pending_change(org)
    if pending is not None:
        if (pending.new_name, pending.new_tax_code) == (name, tax_code):
            return pending  # the same request sent again: nothing new to review
        raise AccountError(
            _(
                "Tổ chức đang có một thay đổi tên hoặc mã số thuế chờ kiểm duyệt. "
                "Hãy rút lại thay đổi đó trước khi gửi thay đổi khác."
            ),
            "org_name" if name is not None else "tax_code",
        )
    change = OrganizationChange(
        organization_id=org.id,
        requested_by_id=actor.id,
        old_name=org.name,
        old_tax_code=org.tax_code,
        new_name=name,
        new_tax_code=tax_code,
        status=ChangeStatus.PENDING,
    )
    db.session.add(change)
    try:
        with db.session.begin_nested():
            db.session.flush()
    except IntegrityError as exc:
        # A colleague's concurrent request became the pending one first.
        raise AccountError(
            _("Tổ chức đang có một thay đổi tên hoặc mã số thuế chờ kiểm duyệt."),
            "org_name" if name is not None else "tax_code",
        ) from exc
    record_audit(actor, "organization_change.request", org, data=_identity_data(change))
    events.organization_change_requested.send(change)
    return change


def get_own_change(actor: User, change_id: int) -> OrganizationChange:
    """Return one of the actor's organisation's changes; 404 for anyone else's."""
    change = db.session.get(OrganizationChange, change_id)
    require(
        change is not None and permissions.can_edit_organization(actor, change.organization),
        hide=True,
    )
    return change


def _lock(change: OrganizationChange) -> None:
    # Two people deciding at once: the second one reads the first one's decision.
    db.session.execute(
        select(OrganizationChange.id).where(OrganizationChange.id == change.id).with_for_update()
    )
    db.session.refresh(change)


def withdraw_change(actor: User, change: OrganizationChange) -> None:
    """Take back the organisation's pending change before a moderator decides."""
    permissions.require_edit_organization(actor, change.organization)
    _lock(change)
    if not change.is_pending:
        raise AccountError(_("Thay đổi này đã được xử lý."), "form")
    change.status = ChangeStatus.WITHDRAWN
    change.decided_at = utcnow()
    change.decided_by_id = actor.id
    db.session.flush()
    record_audit(
        actor, "organization_change.withdraw", change.organization, data=_identity_data(change)
    )


def decide_change(
    moderator: User, change: OrganizationChange, *, approve: bool, reason: str | None
) -> None:
    """Apply the change, or reject it with a reason; the requester is told either way."""
    require(moderator.is_authenticated and moderator.is_staff)
    reason = clean_reason(reason, required=not approve, error=AccountError)
    _lock(change)
    if not change.is_pending:
        raise AccountError(_("Yêu cầu này đã được xử lý."), "form")
    org = change.organization
    if approve:
        if change.new_tax_code is not None:
            # Another organisation may have taken the code since the request.
            check_org_unique(org.kind, change.new_tax_code, exclude_id=org.id)
            org.tax_code = change.new_tax_code
        if change.new_name is not None:
            org.name = change.new_name
    change.status = ChangeStatus.APPROVED if approve else ChangeStatus.REJECTED
    change.reason = reason
    change.decided_at = utcnow()
    change.decided_by_id = moderator.id
    try:
        with db.session.begin_nested():
            db.session.flush()
    except IntegrityError as exc:
        # A concurrent sign-up or approval took the tax code between the check and now.
        raise AccountError(_("Mã số thuế này đã được đăng ký trên Chợ."), "form") from exc
    if approve and org.is_vendor:
        events.vendor_changed.send(org)
    record_audit(
        moderator,
        "organization_change.approve" if approve else "organization_change.reject",
        org,
        reason=reason,
        data=_identity_data(change),
    )
    events.organization_change_decided.send(change, approve=approve, reason=reason)
