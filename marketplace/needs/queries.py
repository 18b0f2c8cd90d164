"""Reads of the needs board: the lists and their filters, the categories and features a need
names, the category suggestion, the comparison's figures, the order of an award and the
dashboard's numbers."""

from __future__ import annotations

import datetime as dt
import statistics
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field

from flask_babel import gettext as _
from sqlalchemy import Select, func, select

from marketplace.billing.models import Order, OrderSource
from marketplace.catalog import queries as catalog_queries
from marketplace.catalog import search
from marketplace.catalog.models import Category, FeatureDefinition, FeatureKind, Solution
from marketplace.core import geography
from marketplace.core.clock import local_today
from marketplace.core.formatting import current_locale
from marketplace.extensions import db
from marketplace.needs.models import (
    Need,
    NeedAlertOptOut,
    NeedQuestion,
    NeedStatus,
    Proposal,
    ProposalStatus,
)
from marketplace.needs.permissions import PUBLISHED
from marketplace.quotes import queries as quote_queries
from marketplace.reviews import queries as review_queries

S = NeedStatus
# Budget filter keys → the largest upper end of the need's budget they keep.
BUDGET_FILTERS: dict[str, tuple[int, int]] = {
    "lt10m": (0, 10_000_000),
    "10m-50m": (10_000_001, 50_000_000),
    "50m-200m": (50_000_001, 200_000_000),
    "200m-1b": (200_000_001, 1_000_000_000),
    "gt1b": (1_000_000_001, 10**15),
}
DEADLINE_FILTERS = (7, 30, 90)


def get_need(need_id: int) -> Need | None:
    return db.session.get(Need, need_id)


@dataclass
class NeedFilters:
    category: str = ""
    area: str = ""
    budget: str = ""
    within: int | None = None
    status: str = "open"

    @classmethod
    def from_args(cls, args: Mapping[str, str]) -> NeedFilters:
        """Read the list's filters leniently: an unknown value is ignored, never an error."""
        areas = dict(geography.former_areas(geography.served_province_code()))
        within = str(args.get("within", "")).strip()
        status = str(args.get("status", "open"))
        return cls(
            category=str(args.get("category", ""))[:80],
            area=str(args.get("area", "")) if args.get("area") in areas else "",
            budget=str(args.get("budget", "")) if args.get("budget") in BUDGET_FILTERS else "",
            within=int(within) if within in {str(d) for d in DEADLINE_FILTERS} else None,
            status=status if status in ("open", "closed") else "open",
        )


def published_query(filters: NeedFilters, *, today: dt.date | None = None) -> Select:
    """Return the published needs passing the filters, the soonest deadline first."""
    today = today or local_today()
    query = select(Need)
    if filters.status == "open":
        query = query.where(Need.status == S.OPEN).order_by(Need.deadline, Need.id)
    else:
        closed = [s for s in PUBLISHED if s != S.OPEN]
        query = query.where(Need.status.in_(closed)).order_by(Need.closed_at.desc(), Need.id)
    if filters.category:
        ids = catalog_queries.category_ids(filters.category)
        query = query.where(Need.category_id.in_(ids or [-1]))
    if filters.area:
        query = query.where(Need.area_code == filters.area)
    if filters.budget:
        low, high = BUDGET_FILTERS[filters.budget]
        query = query.where(Need.budget_max_vnd.between(low, high))
    if filters.within:
        query = query.where(Need.deadline <= today + dt.timedelta(days=filters.within))
    return query


def my_needs_query(org_id: int) -> Select:
    return select(Need).where(Need.organization_id == org_id).order_by(Need.created_at.desc())


def pending_needs() -> list[Need]:
    return list(
        db.session.scalars(
            select(Need).where(Need.status == S.PENDING).order_by(Need.created_at, Need.id)
        )
    )


def moderation_query(status: str) -> Select:
    query = select(Need).order_by(Need.created_at.desc(), Need.id.desc())
    if status in {s.value for s in NeedStatus}:
        query = query.where(Need.status == status)
    return query


def proposal_counts(need_ids: list[int]) -> dict[int, int]:
    """Return the number of standing (not withdrawn) proposals per need."""
    if not need_ids:
        return {}
    rows = db.session.execute(
        select(Proposal.need_id, func.count(Proposal.id))
        .where(Proposal.need_id.in_(need_ids), Proposal.status != ProposalStatus.WITHDRAWN)
        .group_by(Proposal.need_id)
    ).all()
    return {need_id: int(n) for need_id, n in rows}


def visible_questions(need: Need, *, vendor_id: int | None, owner: bool) -> list[NeedQuestion]:
    """The questions a viewer reads: answered ones for all; the owner and staff see the
    unanswered too, a vendor also its own unanswered ones."""
    return [
        q for q in need.questions if q.answer or owner or (vendor_id and q.vendor_id == vendor_id)
    ]


def alerts_enabled(vendor_id: int) -> bool:
    return db.session.get(NeedAlertOptOut, vendor_id) is None


def order_of(need: Need) -> Order | None:
    """Return the order placed when the need was awarded, if any."""
    if need.status != S.AWARDED:
        return None
    return db.session.scalar(
        select(Order)
        .where(Order.source == OrderSource.NEED, Order.source_id == need.id)
        .order_by(Order.id.desc())
        .limit(1)
    )


# ---------------------------------------------------------------- posting's choices


def categories() -> list[Category]:
    """Return the categories a need may name: parents first, each followed by its children."""
    rows = db.session.scalars(select(Category).order_by(Category.position, Category.id)).all()
    top = [c for c in rows if c.parent_id is None]
    return [item for parent in top for item in [parent, *parent.children]]


def feature_vocabulary(category_id: int | None) -> list[FeatureDefinition]:
    """Return the category's current yes/no features: the must-haves a proposal covers (✓/✗)."""
    if not category_id or category_id < 0:
        return []
    return list(
        db.session.scalars(
            select(FeatureDefinition)
            .where(
                FeatureDefinition.category_id == category_id,
                FeatureDefinition.retired_at.is_(None),
                FeatureDefinition.kind == FeatureKind.BOOL,
            )
            .order_by(FeatureDefinition.position)
        )
    )


# ---------------------------------------------------------------- category suggestion

SUGGEST_TOP = 10


def _top_categories(text: str) -> Counter:
    parsed = search.parse_query(text)
    if parsed is None:
        return Counter()
    match = search.match(parsed)
    rows = db.session.execute(
        catalog_queries.solutions_with_vendor()
        .join(match, Solution.id == match.c.solution_id)
        .where(*catalog_queries.visible(), Solution.category_id.is_not(None))
        .with_only_columns(Solution.category_id)
        .order_by(match.c.exact.desc(), match.c.rank.desc(), Solution.id)
        .limit(SUGGEST_TOP)
    ).all()
    return Counter(r[0] for r in rows)


def suggest_category(title: str, problem: str = "") -> Category | None:
    """Suggest a category from the need's words: the most frequent one among the search
    index's best matches (the title first; then word pairs of the title and the problem,
    since the search wants every word of a query)."""
    counts = _top_categories(title)
    if not counts:
        words = (title + " " + problem).split()[:40]
        for i in range(0, max(len(words) - 1, 0)):
            counts.update(_top_categories(" ".join(words[i : i + 2])))
            if sum(counts.values()) >= SUGGEST_TOP * 3:
                break
    if not counts:
        return None
    best = max(counts.items(), key=lambda item: (item[1], -item[0]))[0]
    return db.session.get(Category, best)


# ---------------------------------------------------------------- comparison figures


@dataclass
class VendorFigures:
    rating: float | None
    reviews: int
    response_time: dt.timedelta | None
    verified: bool


def vendor_figures(proposals: list[Proposal]) -> dict[int, VendorFigures]:
    """Return each proposing vendor's rating (over the proposed listings, weighted by
    reviews), median quote response time and verification."""
    solution_ids = {s.id for p in proposals for s in p.solutions}
    summaries = review_queries.summaries(solution_ids) if solution_ids else {}
    times = quote_queries.median_response_time([p.vendor_id for p in proposals])
    figures = {}
    for p in proposals:
        count = sum(summaries[s.id].count for s in p.solutions if s.id in summaries)
        total = sum(summaries[s.id].total for s in p.solutions if s.id in summaries)
        figures[p.id] = VendorFigures(
            rating=total / count if count else None,
            reviews=count,
            response_time=times.get(p.vendor_id),
            verified=p.vendor.is_verified,
        )
    return figures


# ---------------------------------------------------------------- the province dashboard


@dataclass
class NeedsDashboard:
    months: list[tuple[str, int]] = field(default_factory=list)
    by_category: list[tuple[str, int | None]] = field(default_factory=list)
    by_area: list[tuple[str, int | None]] = field(default_factory=list)
    published: int = 0
    awarded: int = 0
    closed: int = 0
    median_proposals: float | None = None
    median_days_to_award: float | None = None

    @property
    def share_awarded(self) -> float | None:
        return self.awarded / self.closed if self.closed else None


def dashboard(*, today: dt.date | None = None, area: str | None = None) -> NeedsDashboard:
    """Return the needs board's figures for the public dashboard, in one query.

    Counts of needs by category and area are of organisations' needs: a cell under five
    needs is suppressed (None, shown "<5"), as the dashboard's other breakdowns. Months
    are local (Asia/Ho_Chi_Minh) months of the day a need was published.
    """
    from marketplace.insights.periods import (
        DASHBOARD_MONTHS,
        SMALL_CELL,
        month_key,
        month_label,
        month_starts,
    )

    months = month_starts(DASHBOARD_MONTHS, today=today)
    standing = (
        select(func.count(Proposal.id))
        .where(Proposal.need_id == Need.id, Proposal.status != ProposalStatus.WITHDRAWN)
        .correlate(Need)
        .scalar_subquery()
    )
    query = (
        select(
            Need.status,
            Need.area_code,
            Need.published_at,
            Need.closed_at,
            Category.name_vi,
            Category.name_en,
            standing,
        )
        .outerjoin(Category, Category.id == Need.category_id)
        .where(Need.status.in_(PUBLISHED), Need.published_at.is_not(None))
    )
    if area:
        query = query.where(Need.area_code == area)
    rows = db.session.execute(query).all()
    per_month = Counter(month_key(local_today(r.published_at)) for r in rows)
    result = NeedsDashboard(
        months=[(month_label(m), per_month.get(month_key(m), 0)) for m in months]
    )

    def cells(counter: Counter) -> list[tuple[str, int | None]]:
        return sorted(
            ((label, n if n >= SMALL_CELL else None) for label, n in counter.items()),
            key=lambda item: (-(item[1] or 0), item[0]),
        )

    english = current_locale() == "en"
    result.by_category = cells(
        Counter(
            ((r.name_en if english and r.name_en else r.name_vi) or _("Chưa xác định"))
            for r in rows
        )
    )
    labels = dict(geography.former_areas(geography.served_province_code()))
    result.by_area = cells(
        Counter((labels.get(r.area_code, "—") if r.area_code else _("Không nêu")) for r in rows)
    )
    result.published = len(rows)
    closed = [r for r in rows if r.status != S.OPEN]
    result.closed = len(closed)
    result.awarded = sum(1 for r in closed if r.status == S.AWARDED)
    if rows:
        result.median_proposals = float(statistics.median(int(r[-1] or 0) for r in rows))
    waits = [
        (r.closed_at - r.published_at).total_seconds() / 86400
        for r in closed
        if r.status == S.AWARDED and r.closed_at and r.published_at
    ]
    if waits:
        result.median_days_to_award = float(statistics.median(waits))
    return result
