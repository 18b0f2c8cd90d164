"""The province dashboard: totals, months, breakdowns by organisation and category ratings,
small cells suppressed.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import Select, func, select, union

from marketplace.accounts.choices import INDUSTRIES, SIZE_BANDS, label
from marketplace.accounts.models import Organization, OrgKind
from marketplace.billing.models import Payment
from marketplace.catalog import queries
from marketplace.catalog.models import (
    Category,
    Solution,
)
from marketplace.core import cache, geography, stamps
from marketplace.core.clock import local_today
from marketplace.core.database import utcnow
from marketplace.core.i18n import locale_name
from marketplace.extensions import db
from marketplace.insights.models import DailyCounter, Metric
from marketplace.insights.periods import (
    DASHBOARD_MONTHS,
    SMALL_CELL,
    SUPPRESSED,
    local_month,
    month_key,
    month_label,
    month_starts,
    paid_purchase,
    utc_start,
)
from marketplace.reviews.models import Review, ReviewStatus
from marketplace.trials.models import TrialRequest


@dataclass
class Totals:
    solutions: int
    vendors: int
    enterprises: int


@dataclass
class MonthPoint:
    month: dt.date
    trials: int
    purchases: int
    quotes: int = 0

    @property
    def label(self) -> str:
        return month_label(self.month)


@dataclass
class Cell:
    """One breakdown cell: `orgs` is None when suppressed (under SMALL_CELL organisations)."""

    label: str
    orgs: int | None

    @property
    def display(self) -> str:
        return SUPPRESSED if self.orgs is None else str(self.orgs)


@dataclass
class CategoryRating:
    label: str
    average: float | None  # None when suppressed
    reviews: int | None


@dataclass
class Breakdown:
    key: str
    title: str
    cells: list[Cell]


@dataclass
class Dashboard:
    totals: Totals
    trials_total: int
    purchases_total: int
    months: list[MonthPoint]
    funnel: dict[str, int]
    breakdowns: list[Breakdown]
    ratings: list[CategoryRating]
    generated_on: dt.date = field(default_factory=local_today)
    # The former area the commune and unit-type breakdowns are narrowed to (None: all).
    area: str | None = None
    # When the figures were counted (UTC): a kept dashboard says how old it is.
    generated_at: dt.datetime = field(default_factory=utcnow)


def marketplace_totals() -> Totals:
    """Count public solutions, their vendors and the active enterprises (two queries), kept
    under the content stamp (solutions and organisations renew it): the API's /stats."""
    return stamps.public_value(("marketplace-totals",), _count_totals)


def _count_totals() -> Totals:
    public = queries.solutions_with_vendor().where(*queries.visible())
    solutions, vendors = db.session.execute(
        public.with_only_columns(func.count(Solution.id), func.count(Solution.vendor_id.distinct()))
    ).one()
    enterprises = db.session.scalar(
        select(func.count(Organization.id)).where(
            Organization.kind == OrgKind.ENTERPRISE, Organization.active.is_(True)
        )
    )
    return Totals(int(solutions or 0), int(vendors or 0), int(enterprises or 0))


def _suppress(count: int) -> int | None:
    return count if count >= SMALL_CELL else None


def _monthly(query: Select, column: Any, since: dt.datetime) -> dict[str, int]:
    month = local_month(column).label("month")
    rows = db.session.execute(
        query.where(column >= since).with_only_columns(month, func.count()).group_by(month)
    ).all()
    return {str(m): int(n) for m, n in rows}


def _quote_requests_by_month(first_day: dt.date) -> dict[str, int]:
    """Return the quote requests per local month, from the daily counters (one query)."""
    rows = db.session.execute(
        select(DailyCounter.day, func.sum(DailyCounter.count))
        .where(DailyCounter.metric == Metric.QUOTE_REQUEST, DailyCounter.day >= first_day)
        .group_by(DailyCounter.day)
    ).all()
    result: dict[str, int] = {}
    for day, count in rows:
        result[month_key(day)] = result.get(month_key(day), 0) + int(count or 0)
    return result


def _activity() -> Any:
    """(organisation, solution) pairs of enterprises that requested a trial or bought."""
    return union(
        select(TrialRequest.organization_id.label("org_id"), TrialRequest.solution_id),
        select(Payment.organization_id.label("org_id"), Payment.solution_id).where(
            *paid_purchase()
        ),
    ).subquery()


def _org_breakdown(activity: Any, column: Any, *, join_solution: bool = False) -> dict[Any, int]:
    """Count distinct enterprises with activity per value of `column` (one query)."""
    query = (
        select(column, func.count(activity.c.org_id.distinct()))
        .select_from(activity)
        .join(Organization, Organization.id == activity.c.org_id)
    )
    if join_solution:
        query = query.join(Solution, Solution.id == activity.c.solution_id)
    rows = db.session.execute(
        query.where(Organization.kind == OrgKind.ENTERPRISE).group_by(column)
    ).all()
    return {key: int(n) for key, n in rows}


def _category_names() -> dict[int, str]:
    """Every category's name in the current language (a small reference table)."""
    return {c.id: c.name for c in db.session.scalars(select(Category))}


def _cells(
    counts: dict[Any, int], labeller: Callable[[Any], str], order: list[Any] | None = None
) -> list[Cell]:
    keys = list(counts)
    if order is not None:
        keys.sort(key=lambda k: (order.index(k) if k in order else len(order), str(k)))
    else:
        keys.sort(key=lambda k: (-counts[k], str(k)))
    return [Cell(labeller(k), _suppress(counts[k])) for k in keys if counts[k] > 0]


def _unset(text: Callable[[Any], str]) -> Callable[[Any], str]:
    return lambda code: text(code) if code else _("Chưa khai báo")


def enterprises_by_commune() -> dict[str | None, int]:
    """Count the organisations with a trial or a purchase by commune code (exact figures)."""
    return _org_breakdown(_activity(), Organization.commune_code)


def dashboard_area(value: object) -> str | None:
    """Return the former area asked for (`?area=30`) if the served province has it, else None."""
    text = str(value or "").strip()
    areas = dict(geography.former_areas(geography.served_province_code()))
    return text if text in areas and len(areas) > 1 else None


def place_counts(
    by_commune: dict[str | None, int], area: str | None = None
) -> tuple[dict[str | None, int], dict[str | None, int], dict[str | None, int]]:
    """Sum exact counts by commune, former area and unit type of the served province.

    Each map adds up to the same total. Organisations with no commune of the served province
    (an old district not yet replaced) are under the key None ("chưa cập nhật địa chỉ")
    rather than being guessed into a unit. With `area`, only that former area's communes
    count (the organisations without a commune are left out, their area being unknown).
    """
    units = {c.code: c for c in geography.served_communes()}
    communes: dict[str | None, int] = {}
    areas: dict[str | None, int] = {}
    kinds: dict[str | None, int] = {}
    for code, count in by_commune.items():
        unit = units.get(code or "")
        if area is not None and (unit is None or unit.former_province_code != area):
            continue
        key = unit.code if unit else None
        communes[key] = communes.get(key, 0) + count
        former = unit.former_province_code if unit else None
        areas[former] = areas.get(former, 0) + count
        kind = unit.kind if unit else None
        kinds[kind] = kinds.get(kind, 0) + count
    return communes, areas, kinds


def _place_breakdowns(by_commune: dict[str | None, int], area: str | None) -> list[Breakdown]:
    """Break organisations down by commune, former area and unit type of the served province.

    The area and type cells are sums of the exact commune counts; small cells are suppressed
    afterwards, in `_cells`, so an area of many small communes still shows its figure.
    """
    pending = _("Chưa cập nhật địa chỉ")
    units = {c.code: c for c in geography.served_communes()}
    communes, areas, kinds = place_counts(by_commune, area)
    area_labels = dict(geography.former_areas(geography.served_province_code()))
    kind_order = [code for code, _label in geography.COMMUNE_KINDS]
    return [
        Breakdown(
            "commune",
            _("Phường/xã"),
            _cells(
                communes,
                lambda c: units[c].name if c else pending,
                sorted(units, key=lambda c: geography.fold(units[c].name)),
            ),
        ),
        Breakdown(
            "former_area",
            _("Khu vực cũ"),
            _cells(areas, lambda a: area_labels.get(a, a) if a else pending, list(area_labels)),
        ),
        Breakdown(
            "unit_type",
            _("Loại đơn vị"),
            _cells(
                kinds,
                lambda k: geography.commune_kind_label(k) if k else pending,
                kind_order,
            ),
        ),
    ]


STORE_KEY = "insights.dashboard"


def kept_dashboard(*, area: str | None = None) -> Dashboard:
    """Return the dashboard counted at most DASHBOARD_CACHE_SECONDS ago, in the page's
    language (its labels are written when it is counted), for today and `area`.

    Counting it reads every review, trial and payment (0.3 s on PostgreSQL, 0.7 s on
    SQLite at 500,000 reviews), and the page is public: each visitor would start that
    work. Its figures are activity (trials, purchases, views), which renews no content
    stamp, so they are kept for a time, shared by every host with REDIS_URL, and the page
    says when they were counted. 0 counts them for each request (the tests).
    """
    app = current_app._get_current_object()
    seconds = float(app.config.get("DASHBOARD_CACHE_SECONDS") or 0)
    if seconds <= 0:
        return build_dashboard(area=area)
    store = app.extensions.get(STORE_KEY)
    if store is None:
        # A few dozen entries at most: the former areas × two languages, for today.
        store = app.extensions[STORE_KEY] = cache.make_store(
            app, "dashboard", seconds, max_entries=64, max_weight=64
        )
    key = ("dashboard", area, locale_name(), local_today().isoformat())
    return store.get_or_compute(key, lambda: build_dashboard(area=area))


def build_dashboard(*, today: dt.date | None = None, area: str | None = None) -> Dashboard:
    """Gather the province dashboard in a fixed number of queries.

    `area` (a former province code, see `dashboard_area`) narrows the place breakdowns.
    """
    today = today or local_today()
    months = month_starts(DASHBOARD_MONTHS, today=today)
    since = utc_start(months[0])

    trials_by_month = _monthly(select(TrialRequest.id), TrialRequest.created_at, since)
    paid_by_month = _monthly(select(Payment.id).where(*paid_purchase()), Payment.paid_at, since)
    trials_total, purchases_total = db.session.execute(
        select(
            select(func.count(TrialRequest.id)).scalar_subquery(),
            select(func.count(Payment.id)).where(*paid_purchase()).scalar_subquery(),
        )
    ).one()
    views = db.session.scalar(
        select(func.coalesce(func.sum(DailyCounter.count), 0)).where(
            DailyCounter.metric == Metric.VIEW, DailyCounter.day >= months[0]
        )
    )
    quotes_by_month = _quote_requests_by_month(months[0])
    points = [
        MonthPoint(
            m,
            trials_by_month.get(month_key(m), 0),
            paid_by_month.get(month_key(m), 0),
            quotes_by_month.get(month_key(m), 0),
        )
        for m in months
    ]

    activity = _activity()
    names = _category_names()
    by_category = _org_breakdown(activity, Solution.category_id, join_solution=True)

    breakdowns = [
        *_place_breakdowns(_org_breakdown(activity, Organization.commune_code), area),
        Breakdown(
            "industry",
            _("Ngành nghề"),
            _cells(
                _org_breakdown(activity, Organization.industry),
                _unset(lambda c: label(INDUSTRIES, c)),
            ),
        ),
        Breakdown(
            "size",
            _("Quy mô doanh nghiệp"),
            _cells(
                _org_breakdown(activity, Organization.size_band),
                _unset(lambda c: label(SIZE_BANDS, c)),
                [code for code, _name in SIZE_BANDS],
            ),
        ),
        Breakdown(
            "category",
            _("Danh mục"),
            _cells(by_category, lambda k: names.get(k, _("Chưa phân loại"))),
        ),
    ]
    return Dashboard(
        totals=marketplace_totals(),
        trials_total=int(trials_total or 0),
        purchases_total=int(purchases_total or 0),
        months=points,
        funnel={
            "viewed": int(views or 0),
            "trial": sum(p.trials for p in points),
            "paid": sum(p.purchases for p in points),
        },
        breakdowns=breakdowns,
        ratings=_category_ratings(names),
        generated_on=today,
        area=area,
    )


def _category_ratings(names: dict[int, str]) -> list[CategoryRating]:
    """Average published rating of public solutions by category (one query)."""
    rows = db.session.execute(
        queries.solutions_with_vendor()
        .join(Review, Review.solution_id == Solution.id)
        .where(*queries.visible(), Review.status == ReviewStatus.PUBLISHED)
        .with_only_columns(
            Solution.category_id,
            func.avg(Review.overall),
            func.count(Review.id),
            func.count(Review.organization_id.distinct()),
        )
        .group_by(Solution.category_id)
    ).all()
    result = []
    for category_id, average, reviews, orgs in rows:
        shown = orgs >= SMALL_CELL
        result.append(
            CategoryRating(
                names.get(category_id, _("Chưa phân loại")),
                round(float(average), 2) if shown else None,
                int(reviews) if shown else None,
            )
        )
    result.sort(key=lambda r: (r.average is None, -(r.average or 0), r.label))
    return result
