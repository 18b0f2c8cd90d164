"""Organisations in the operator's console: finding them, what they hold, correcting their
profile (with a reason, audited before/after) and (de)activating them.

An administrator corrects the name and the tax code directly (they are the authority the
moderated identity change of `accounts.organizations` waits for); the same rules apply as
everywhere: the tax code's check digit and its uniqueness among organisations of the kind,
the 2025 address units, the phone number.

A deactivated organisation's listings leave the catalogue and its search (the catalogue
reads `Organization.active`), and nobody acts for it: `membership.current_membership`
ignores it, so every role check refuses and its members are sent to choose another one.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import case, func, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from marketplace.accounts.models import Membership, Organization, OrgKind, User
from marketplace.accounts.services import (
    AccountError,
    OrgDetails,
    check_address,
    check_org_unique,
    checked_tax_code,
    is_household,
)
from marketplace.accounts.validation import normalise_phone, normalise_tax_code
from marketplace.admin.rules import (
    PER_PAGE,
    ConsoleError,
    ListPage,
    changed_fields,
    page_of_ids,
    quick_fold,
)
from marketplace.billing.models import Order
from marketplace.catalog.models import Solution
from marketplace.core import events, geography
from marketplace.core.audit import record_audit
from marketplace.core.permissions import deny, require_admin
from marketplace.core.text import clean_reason, fold
from marketplace.extensions import db
from marketplace.reviews.models import Review
from marketplace.trials.models import TrialRequest

PROFILE_FIELDS = (
    "name",
    "tax_code",
    "street_address",
    "province_code",
    "commune_code",
    "industry",
    "size_band",
    "website",
    "phone",
)
LIST_LIMIT = 20
# Owners first, then managers, then members.
_ROLE_ORDER = case((Membership.role == "owner", 0), (Membership.role == "manager", 1), else_=2)


@dataclass
class OrgFilter:
    q: str = ""
    kind: str = ""
    verified: str = ""  # "yes" | "no"
    area: str = ""  # a commune code, "former:<province code>" or "none" (no commune)
    size_band: str = ""
    industry: str = ""
    status: str = ""  # "active" | "inactive"


def _area_condition(area: str) -> Any | None:
    if area == "none":
        return Organization.commune_code.is_(None)
    if area.startswith("former:"):
        code = area.removeprefix("former:")
        codes = [
            c.code
            for c in geography.communes(geography.served_province_code())
            if c.former_province_code == code
        ]
        return Organization.commune_code.in_(codes) if codes else None
    if geography.commune(area) is not None:
        return Organization.commune_code == area
    return None


def _conditions(filters: OrgFilter) -> list:
    conditions: list = []
    if filters.kind in (OrgKind.VENDOR, OrgKind.ENTERPRISE):
        conditions.append(Organization.kind == filters.kind)
    if filters.verified == "yes":
        conditions.append(Organization.verified_at.is_not(None))
    elif filters.verified == "no":
        conditions.append(Organization.verified_at.is_(None))
    area = _area_condition(filters.area) if filters.area else None
    if area is not None:
        conditions.append(area)
    if filters.size_band:
        conditions.append(Organization.size_band == filters.size_band[:20])
    if filters.industry:
        conditions.append(Organization.industry == filters.industry[:40])
    if filters.status == "active":
        conditions.append(Organization.active.is_(True))
    elif filters.status == "inactive":
        conditions.append(Organization.active.is_(False))
    return conditions


def search_organizations(filters: OrgFilter, page: int, per_page: int = PER_PAGE) -> ListPage:
    """Find organisations by name or tax code (folded, as `people.search_people`), by name."""
    conditions = _conditions(filters)
    words = fold(filters.q).split()[:8]
    rows = db.session.execute(
        select(Organization.id, Organization.name, Organization.tax_code).where(*conditions)
    ).all()
    folded = [(quick_fold(f"{r.name} {r.tax_code}"), r.id) for r in rows]
    folded.sort()
    ids = [org_id for text, org_id in folded if all(w in text for w in words)]
    page_ids, page = page_of_ids(ids, page, per_page)
    orgs = {
        o.id: o
        for o in db.session.scalars(select(Organization).where(Organization.id.in_(page_ids)))
    }
    members = dict(
        db.session.execute(
            select(Membership.organization_id, func.count(Membership.id))
            .where(Membership.organization_id.in_(page_ids))
            .group_by(Membership.organization_id)
        ).all()
    )
    items = [(orgs[i], members.get(i, 0)) for i in page_ids if i in orgs]
    return ListPage(items, page, per_page, len(ids))


def get_organization(org_id: int) -> Organization:
    org = db.session.get(Organization, org_id)
    if org is None:
        deny(hide=True)
    return org


@dataclass
class Holdings:
    """What an organisation holds, counted and listed (the latest LIST_LIMIT of each)."""

    members: list[Membership] = field(default_factory=list)
    listings: list[Solution] = field(default_factory=list)
    trials: list[TrialRequest] = field(default_factory=list)
    orders: list[Order] = field(default_factory=list)
    reviews: list[Review] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)


def _side(model: Any, org: Organization) -> Any:
    """The condition naming `org` on a model that has a buyer and maybe a vendor side."""
    vendor = getattr(model, "vendor_id", None)
    if vendor is not None:
        return or_(model.organization_id == org.id, vendor == org.id)
    return model.organization_id == org.id


def holdings(org: Organization) -> Holdings:
    """Count and list the organisation's members, listings, trials, orders and reviews.

    A fixed number of queries whatever the organisation holds: one count query for all,
    one list query for each kind.
    """
    review_of = or_(
        Review.organization_id == org.id,
        Review.solution_id.in_(select(Solution.id).where(Solution.vendor_id == org.id)),
    )
    counts_row = db.session.execute(
        select(
            select(func.count(Membership.id))
            .where(Membership.organization_id == org.id)
            .scalar_subquery(),
            select(func.count(Solution.id)).where(Solution.vendor_id == org.id).scalar_subquery(),
            select(func.count(TrialRequest.id)).where(_side(TrialRequest, org)).scalar_subquery(),
            select(func.count(Order.id)).where(_side(Order, org)).scalar_subquery(),
            select(func.count(Review.id)).where(review_of).scalar_subquery(),
        )
    ).one()
    names = ("members", "listings", "trials", "orders", "reviews")
    result = Holdings(counts=dict(zip(names, (int(n or 0) for n in counts_row), strict=True)))
    result.members = list(
        db.session.scalars(
            select(Membership)
            .join(User, User.id == Membership.user_id)
            .where(Membership.organization_id == org.id)
            .options(selectinload(Membership.user))
            .order_by(_ROLE_ORDER, User.name, User.id)
            .limit(LIST_LIMIT)
        )
    )
    result.listings = list(
        db.session.scalars(
            select(Solution)
            .where(Solution.vendor_id == org.id)
            .order_by(Solution.id.desc())
            .limit(LIST_LIMIT)
        )
    )
    result.trials = list(
        db.session.scalars(
            select(TrialRequest)
            .where(_side(TrialRequest, org))
            .options(selectinload(TrialRequest.solution))
            .order_by(TrialRequest.id.desc())
            .limit(LIST_LIMIT)
        )
    )
    result.orders = list(
        db.session.scalars(
            select(Order).where(_side(Order, org)).order_by(Order.id.desc()).limit(LIST_LIMIT)
        )
    )
    result.reviews = list(
        db.session.scalars(
            select(Review)
            .where(review_of)
            .options(selectinload(Review.solution))
            .order_by(Review.id.desc())
            .limit(LIST_LIMIT)
        )
    )
    return result


# ---------------------------------------------------------------- changes


def _profile(org: Organization) -> dict[str, Any]:
    return {name: getattr(org, name) for name in PROFILE_FIELDS}


def update_profile(actor: User, org: Organization, details: OrgDetails, reason: str | None):
    """Correct the organisation's profile at once, name and tax code included; audited."""
    require_admin(actor)
    reason = clean_reason(reason, required=True, error=ConsoleError)
    name = " ".join((details.name or "").split())[:200]
    if not name:
        raise ConsoleError(_("Vui lòng nhập thông tin này."), "org_name")
    phone = normalise_phone(details.phone)
    if phone is None:
        raise ConsoleError(_("Số điện thoại không hợp lệ."), "phone")
    try:
        check_address(org.kind, details)
        tax_code = normalise_tax_code(details.tax_code)
        if tax_code != org.tax_code:
            household = is_household(org.kind, details.size_band or None)
            tax_code = checked_tax_code(tax_code, household=household)
            check_org_unique(org.kind, tax_code, exclude_id=org.id)
    except AccountError as err:
        raise ConsoleError(err.message, err.field) from err
    before = _profile(org)
    org.name = name
    org.tax_code = tax_code
    org.street_address = details.street_address
    org.province_code = details.province_code
    org.commune_code = details.commune_code
    if org.commune_code:
        org.former_district = None  # the old district is replaced by the chosen commune
    org.industry = details.industry or None
    org.size_band = details.size_band or None
    org.website = details.website or None
    org.phone = phone
    diff = changed_fields(before, _profile(org))
    if not diff["after"]:
        return None
    try:
        with db.session.begin_nested():
            db.session.flush()
    except IntegrityError as exc:
        raise ConsoleError(_("Mã số thuế này đã được đăng ký trên Chợ."), "tax_code") from exc
    record_audit(actor, "admin.organization_edit", org, reason=reason, data=diff)
    if org.is_vendor and ("name" in diff["after"]):
        events.vendor_changed.send(org)
    return diff


def set_organization_active(actor: User, org: Organization, active: bool, reason: str | None):
    """Deactivate an organisation (its listings leave the catalogue, nobody acts for it), or
    reactivate it."""
    require_admin(actor)
    reason = clean_reason(reason, required=True, error=ConsoleError)
    if org.active == active:
        message = (
            _("Tổ chức này đang hoạt động.") if active else _("Tổ chức này đã bị ngừng hoạt động.")
        )
        raise ConsoleError(message, "form")
    org.active = active
    db.session.flush()
    record_audit(
        actor,
        "admin.organization_reactivate" if active else "admin.organization_deactivate",
        org,
        reason=reason,
        data={"before": {"active": not active}, "after": {"active": active}},
    )
    if org.is_vendor:
        events.vendor_changed.send(org)
