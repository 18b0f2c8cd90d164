"""Reads of the programme: the rules in force, eligible plans, what is committed."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field

from flask import g, has_request_context
from sqlalchemy import func, select

from marketplace.accounts.models import Organization
from marketplace.assessment import queries as assessment_queries
from marketplace.catalog.models import Category, Plan, Solution
from marketplace.core.clock import local_today
from marketplace.extensions import db
from marketplace.programme.models import (
    BANDS,
    COMMITTED,
    Application,
    ApplicationStatus,
    OptInStatus,
    PlanOptIn,
    Programme,
    ProgrammeVersion,
)


def current_programme() -> Programme | None:
    """Return the programme (the first one; the marketplace runs one at a time)."""
    return db.session.scalar(select(Programme).order_by(Programme.id).limit(1))


def version_at(programme_id: int, day: dt.date) -> ProgrammeVersion | None:
    """Return the rules in force on `day`: the latest version effective on or before it."""
    return db.session.scalar(
        select(ProgrammeVersion)
        .where(
            ProgrammeVersion.programme_id == programme_id,
            ProgrammeVersion.effective_from <= day,
        )
        .order_by(ProgrammeVersion.effective_from.desc())
        .limit(1)
    )


def versions(programme_id: int) -> list[ProgrammeVersion]:
    """Return every version of the rules, newest first."""
    return list(
        db.session.scalars(
            select(ProgrammeVersion)
            .where(ProgrammeVersion.programme_id == programme_id)
            .order_by(ProgrammeVersion.effective_from.desc())
        )
    )


def committed_total(programme_id: int) -> int:
    """Return the support approved (disbursed or not) in the programme, in VND."""
    total = db.session.scalar(
        select(func.coalesce(func.sum(Application.amount_vnd), 0)).where(
            Application.programme_id == programme_id, Application.status.in_(COMMITTED)
        )
    )
    return int(total or 0)


def committed_for(organization_id: int, year: int, programme_id: int) -> int:
    """Return the support approved for an organisation on orders of `year`, in VND."""
    total = db.session.scalar(
        select(func.coalesce(func.sum(Application.amount_vnd), 0)).where(
            Application.programme_id == programme_id,
            Application.organization_id == organization_id,
            Application.support_year == year,
            Application.status.in_(COMMITTED),
        )
    )
    return int(total or 0)


def approved_plan_ids(programme_id: int, plan_ids: Iterable[int] | None = None) -> set[int]:
    """Return the ids of plans whose opt-in was approved (among `plan_ids` when given)."""
    query = select(PlanOptIn.plan_id).where(
        PlanOptIn.programme_id == programme_id, PlanOptIn.status == OptInStatus.APPROVED
    )
    if plan_ids is not None:
        wanted = list(set(plan_ids))
        if not wanted:
            return set()
        query = query.where(PlanOptIn.plan_id.in_(wanted))
    return set(db.session.scalars(query))


def category_parents() -> dict[int, int | None]:
    """Return every category's parent id (the tree is small: one query)."""
    rows = db.session.execute(select(Category.id, Category.parent_id)).all()
    return {row[0]: row[1] for row in rows}


def category_eligible(
    version: ProgrammeVersion, category_id: int | None, parents: dict[int, int | None]
) -> bool:
    """Tell whether a category (or one of its ancestors) is eligible under `version`."""
    allowed = {int(c) for c in (version.category_ids or [])}
    seen: set[int] = set()
    while category_id is not None and category_id not in seen:
        if category_id in allowed:
            return True
        seen.add(category_id)
        category_id = parents.get(category_id)
    return False


def plan_eligible(version: ProgrammeVersion, plan: Plan, *, approved: set[int], parents) -> bool:
    """Tell whether a plan counts: opted in and approved, paid, in an eligible category."""
    return (
        plan.id in approved
        and plan.price_vnd > 0
        and category_eligible(version, plan.solution.category_id, parents)
    )


def organization_refusal(version: ProgrammeVersion, org: Organization | None) -> str | None:
    """Return why an organisation cannot be supported under `version`, or None."""
    from flask_babel import gettext as _

    from marketplace.programme.rules import BAND_REFUSALS

    if org is None or org.kind != "enterprise":
        return _("Chỉ doanh nghiệp, hộ kinh doanh mới được hỗ trợ.")
    band = org.size_band
    if band not in BANDS:
        return str(BAND_REFUSALS.get(band) or BAND_REFUSALS[None])
    if version.rate(band) <= 0:
        return _("Quy mô của tổ chức không được hỗ trợ theo quy định hiện hành.")
    if version.assessment_required and not assessment_queries.has_completed_assessment(org.id):
        return _("Chương trình yêu cầu hoàn thành bài tự đánh giá mức độ chuyển đổi số trước.")
    return None


def in_period(version: ProgrammeVersion, day: dt.date) -> bool:
    return version.period_start <= day <= version.period_end


# ---------------------------------------------------------------- the page's support context


@dataclass
class PageSupport:
    """What one request needs to show support beside plans: loaded once, a few queries."""

    programme: Programme | None = None
    version: ProgrammeVersion | None = None
    today: dt.date | None = None
    approved: set[int] = field(default_factory=set)
    parents: dict[int, int | None] = field(default_factory=dict)
    budget_left: int = 0
    org: Organization | None = None
    org_refusal: str | None = None
    cap_left: int = 0


def page_support(user) -> PageSupport:
    """Return the request's support context (built at the first call, kept in `g`)."""
    if has_request_context():
        cached = g.get("_programme_support")
        if cached is not None:
            return cached
    ctx = _build_page_support(user)
    if has_request_context():
        g._programme_support = ctx
    return ctx


def _build_page_support(user) -> PageSupport:
    ctx = PageSupport(today=local_today())
    ctx.programme = current_programme()
    if ctx.programme is None:
        return ctx
    version = version_at(ctx.programme.id, ctx.today)
    if version is None or not in_period(version, ctx.today):
        return ctx
    ctx.version = version
    ctx.approved = approved_plan_ids(ctx.programme.id)
    ctx.parents = category_parents()
    ctx.budget_left = max(0, version.budget_vnd - committed_total(ctx.programme.id))
    if getattr(user, "is_authenticated", False) and getattr(user, "is_enterprise", False):
        ctx.org = user.organization
        ctx.org_refusal = organization_refusal(version, ctx.org)
        if ctx.org_refusal is None:
            used = committed_for(ctx.org.id, ctx.today.year, ctx.programme.id)
            ctx.cap_left = max(0, version.cap(ctx.org.size_band) - used)
    return ctx


# ---------------------------------------------------------------- applications


def get_application(application_id: int) -> Application | None:
    return db.session.get(Application, application_id)


def application_for_order(order_id: int) -> Application | None:
    return db.session.scalar(select(Application).where(Application.order_id == order_id))


def organization_applications(organization_id: int) -> list[Application]:
    return list(
        db.session.scalars(
            select(Application)
            .where(Application.organization_id == organization_id)
            .order_by(Application.submitted_at.desc())
        )
    )


def review_queue(status: str | None = None) -> list[Application]:
    """Return applications for the staff, the submitted ones first and oldest first."""
    query = select(Application).order_by(Application.submitted_at)
    if status:
        query = query.where(Application.status == status)
    return list(db.session.scalars(query.limit(500)))


def submitted_count() -> int:
    return int(
        db.session.scalar(
            select(func.count(Application.id)).where(
                Application.status == ApplicationStatus.SUBMITTED
            )
        )
        or 0
    )


def pending_opt_ins() -> list[PlanOptIn]:
    return list(
        db.session.scalars(
            select(PlanOptIn)
            .where(PlanOptIn.status == OptInStatus.PENDING)
            .order_by(PlanOptIn.requested_at)
        )
    )


def vendor_opt_ins(vendor_id: int) -> dict[int, PlanOptIn]:
    """Return the vendor's opt-ins by plan id."""
    return {
        o.plan_id: o
        for o in db.session.scalars(select(PlanOptIn).where(PlanOptIn.vendor_id == vendor_id))
    }


def vendor_plans(vendor_id: int) -> list[Plan]:
    return list(
        db.session.scalars(
            select(Plan)
            .join(Solution, Solution.id == Plan.solution_id)
            .where(Solution.vendor_id == vendor_id, Plan.active.is_(True), Plan.price_vnd > 0)
            .order_by(Solution.name, Plan.position, Plan.id)
        )
    )


def referenced_uploads(ids: set[int]) -> set[int]:
    """Return those of `ids` attached to an application (kept by the uploads' clean-up)."""
    if not ids:
        return set()
    found = set(
        db.session.scalars(
            select(Application.invoice_upload_id).where(Application.invoice_upload_id.in_(ids))
        )
    )
    found |= set(
        db.session.scalars(
            select(Application.payment_upload_id).where(Application.payment_upload_id.in_(ids))
        )
    )
    return found
