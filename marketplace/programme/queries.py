"""Reads of the programme: the rules in force, eligible plans, what is committed."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field

from flask import g, has_request_context
from sqlalchemy import case, func, select
from sqlalchemy.orm import contains_eager

from marketplace.accounts.models import Organization
from marketplace.assessment import queries as assessment_queries
from marketplace.catalog.models import Category, Plan, Solution
from marketplace.core import stamps
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


def version_in_force(day: dt.date) -> ProgrammeVersion | None:
    """Return the current programme's rules in force on `day`, its programme loaded with it.

    Which version it is, or that there is none, is kept under the content stamp (the
    programme's tables renew it): a page read while no programme runs asks nothing, and
    the first page after a change finds and loads the version in one statement.
    """
    found: list[ProgrammeVersion] = []

    def find() -> int | None:
        version = db.session.scalar(_with_programme().where(ProgrammeVersion.effective_from <= day))
        if version is not None:
            found.append(version)
        return version.id if version is not None else None

    version_id = stamps.public_value(("programme-version-in-force", day), find)
    if version_id is None:
        return None
    if found and found[0].id == version_id:
        return found[0]
    return db.session.scalar(_with_programme().where(ProgrammeVersion.id == version_id))


def _with_programme():
    """Versions with their programme, the current programme's latest first."""
    return (
        select(ProgrammeVersion)
        .join(Programme, Programme.id == ProgrammeVersion.programme_id)
        .options(contains_eager(ProgrammeVersion.programme))
        .order_by(Programme.id, ProgrammeVersion.effective_from.desc())
        .limit(1)
    )


def committed_sums(programme_id: int, organization_id: int | None, year: int) -> tuple[int, int]:
    """Return (support committed in the programme, committed for the organisation in
    `year`), in VND, with one query."""
    mine = case(
        (
            (Application.organization_id == organization_id) & (Application.support_year == year),
            Application.amount_vnd,
        ),
        else_=0,
    )
    total, own = db.session.execute(
        select(
            func.coalesce(func.sum(Application.amount_vnd), 0), func.coalesce(func.sum(mine), 0)
        ).where(Application.programme_id == programme_id, Application.status.in_(COMMITTED))
    ).one()
    return int(total or 0), int(own or 0)


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


def eligible_plan_ids(version: ProgrammeVersion, plan_ids: Iterable[int] | None = None) -> set[int]:
    """Return the ids of the plans that count under `version` (among `plan_ids` if given):
    opted in and approved, paid, in an eligible category or a child of one. One query."""
    allowed = [int(c) for c in (version.category_ids or [])]
    if not allowed:
        return set()
    query = (
        select(PlanOptIn.plan_id)
        .join(Plan, Plan.id == PlanOptIn.plan_id)
        .join(Solution, Solution.id == Plan.solution_id)
        .outerjoin(Category, Category.id == Solution.category_id)
        .where(
            PlanOptIn.programme_id == version.programme_id,
            PlanOptIn.status == OptInStatus.APPROVED,
            Plan.price_vnd > 0,
            Solution.category_id.in_(allowed) | Category.parent_id.in_(allowed),
        )
    )
    if plan_ids is not None:
        wanted = list(set(plan_ids))
        if not wanted:
            return set()
        query = query.where(PlanOptIn.plan_id.in_(wanted))
    return set(db.session.scalars(query))


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


def version_for_day(programme_id: int, day: dt.date) -> ProgrammeVersion | None:
    """Return the rules in force on `day` when `day` lies in their period, else None."""
    version = version_at(programme_id, day)
    return version if version is not None and in_period(version, day) else None


# ---------------------------------------------------------------- the page's support context


@dataclass
class PageSupport:
    """What one request needs to show support beside plans: loaded once, in at most three
    queries (the rules in force, the eligible plans, the sums committed), whatever the number
    of plans on the page."""

    version: ProgrammeVersion | None = None
    today: dt.date | None = None
    eligible: set[int] = field(default_factory=set)
    budget_left: int = 0
    org: Organization | None = None
    org_refusal: str | None = None
    cap_left: int = 0

    @property
    def programme(self) -> Programme | None:
        return self.version.programme if self.version is not None else None


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
    version = version_in_force(ctx.today)
    if version is None or not in_period(version, ctx.today):
        return ctx
    ctx.version = version
    ctx.eligible = eligible_plan_ids(version)
    org = None
    if getattr(user, "is_authenticated", False) and getattr(user, "is_enterprise", False):
        org = user.organization
    total, used = committed_sums(version.programme_id, org.id if org else None, ctx.today.year)
    ctx.budget_left = max(0, version.budget_vnd - total)
    if org is not None:
        ctx.org = org
        ctx.org_refusal = organization_refusal(version, org)
        if ctx.org_refusal is None:
            ctx.cap_left = max(0, version.cap(org.size_band) - used)
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
