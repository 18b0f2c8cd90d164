"""Alerts of new needs to the vendors whose listings match (a receiver of need_published).

A vendor matches when it has a published listing in the need's category (or in a child of
it). Each vendor is told once per need, in the app and by e-mail (the notification's
dedupe key), unless it opted out. The alert never names the enterprise: a hidden-name need
must not leak it, and a shown name is on the page anyway.
"""

from __future__ import annotations

from flask_babel import gettext as _
from sqlalchemy import or_, select

from marketplace.accounts.models import Organization
from marketplace.catalog.models import Category, Solution, SolutionStatus
from marketplace.core.formatting import format_date
from marketplace.extensions import db
from marketplace.needs import rules
from marketplace.needs.models import Need, NeedAlertOptOut
from marketplace.notifications import services as notifications


def matching_vendors(need: Need) -> list[Organization]:
    """Return the verified, active vendors with a published listing in the need's category."""
    if need.category_id is None:
        return []
    children = select(Category.id).where(Category.parent_id == need.category_id)
    opted_out = select(NeedAlertOptOut.organization_id)
    vendor_ids = (
        select(Solution.vendor_id)
        .where(
            Solution.status == SolutionStatus.PUBLISHED,
            or_(Solution.category_id == need.category_id, Solution.category_id.in_(children)),
        )
        .distinct()
    )
    return list(
        db.session.scalars(
            select(Organization)
            .where(
                Organization.id.in_(vendor_ids),
                Organization.id.not_in(opted_out),
                Organization.active.is_(True),
                Organization.verified_at.is_not(None),
            )
            .order_by(Organization.id)
        )
    )


def alert_vendors(need: Need, **_details) -> None:
    """Tell each matching vendor of a newly published need, once."""
    for vendor in matching_vendors(need):
        notifications.notify_organization(
            vendor,
            kind="need.match",
            title=_("Bài toán mới phù hợp với bạn: %(title)s", title=need.title),
            body=_(
                "Danh mục: %(category)s. Ngân sách: %(budget)s. Hạn nhận đề xuất: %(date)s.",
                category=need.category.name if need.category else "—",
                budget=rules.budget_band(need.budget_max_vnd),
                date=format_date(need.deadline),
            ),
            link=f"/needs/{need.id}",
            dedupe_key=f"need:{need.id}:match",
        )
