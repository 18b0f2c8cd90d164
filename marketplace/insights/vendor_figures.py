"""The vendor's figures: a date range, each solution's views, trials, purchases, response times
and ratings.
"""

from __future__ import annotations

import datetime as dt
import statistics
from collections.abc import MutableMapping
from dataclasses import dataclass, field
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import func, select

from marketplace.accounts.models import Role, User
from marketplace.catalog import queries
from marketplace.catalog.models import (
    Solution,
)
from marketplace.core.clock import local_today
from marketplace.core.database import as_utc
from marketplace.core.params import date_args, parse_id
from marketplace.core.permissions import deny
from marketplace.extensions import db
from marketplace.insights.models import DailyCounter, Metric
from marketplace.insights.periods import (
    DEFAULT_RANGE_DAYS,
    MAX_RANGE_DAYS,
    RESPONSE_SAMPLE,
    local_month,
    month_label,
    rate,
    utc_start,
)
from marketplace.reviews.models import Review, ReviewStatus
from marketplace.trials.models import TrialRequest


@dataclass
class DateRange:
    start: dt.date
    end: dt.date
    # By param name: why a typed date was not used, and the text as typed.
    errors: dict[str, str] = field(default_factory=dict)
    raw: dict[str, str] = field(default_factory=dict)

    @property
    def days(self) -> list[dt.date]:
        return [self.start + dt.timedelta(days=i) for i in range((self.end - self.start).days + 1)]


@dataclass
class SolutionFigures:
    solution_id: int | None
    name: str
    views: int = 0
    compare_adds: int = 0
    trial_requests: int = 0
    accepts: int = 0
    converts: int = 0
    purchases: int = 0
    quote_requests: int = 0
    quote_offers: int = 0
    quote_accepts: int = 0
    response: dt.timedelta | None = None

    @property
    def quote_to_order_rate(self) -> float | None:
        """Accepted offers (each becomes an order) per quote request."""
        return rate(self.quote_accepts, self.quote_requests)

    @property
    def acceptance_rate(self) -> float | None:
        return rate(self.accepts, self.trial_requests)

    @property
    def conversion_rate(self) -> float | None:
        return rate(self.converts, self.accepts)

    def add(self, metric: str, count: int) -> None:
        attr = {
            Metric.VIEW: "views",
            Metric.COMPARE_ADD: "compare_adds",
            Metric.TRIAL_REQUEST: "trial_requests",
            Metric.TRIAL_ACCEPT: "accepts",
            Metric.TRIAL_CONVERT: "converts",
            Metric.PURCHASE: "purchases",
            Metric.QUOTE_REQUEST: "quote_requests",
            Metric.QUOTE_OFFER: "quote_offers",
            Metric.QUOTE_ACCEPT: "quote_accepts",
        }.get(metric)
        if attr:
            setattr(self, attr, getattr(self, attr) + count)


@dataclass
class SeriesPoint:
    label: str
    views: int = 0
    compare_adds: int = 0
    trial_requests: int = 0


@dataclass
class RatingPoint:
    month: dt.date
    average: float
    count: int

    @property
    def label(self) -> str:
        return month_label(self.month)


@dataclass
class VendorInsights:
    period: DateRange
    solutions: list[Solution]
    selected: Solution | None
    rows: list[SolutionFigures]
    total: SolutionFigures
    series: list[SeriesPoint]
    series_unit: str  # "day" or "week"
    ratings: list[RatingPoint]


def can_view_vendor_insights(user: User | None) -> bool:
    """Only members of a vendor organisation see its figures."""
    return bool(
        user is not None
        and getattr(user, "is_authenticated", False)
        and user.role == Role.VENDOR
        and user.organization_id is not None
    )


def parse_range(args: MutableMapping, *, today: dt.date | None = None) -> DateRange:
    """Read `from` and `to` (yyyy-mm-dd or dd/mm/yyyy); default to the last 90 days.

    A date that is not one, or lies outside the supported years, is replaced by its default
    and named in `errors` for the page to show by its field.
    """
    today = today or local_today()
    dates, errors = date_args("from", "to", args=args)
    end = dates["to"] or today
    start = dates["from"] or end - dt.timedelta(days=DEFAULT_RANGE_DAYS - 1)
    if start > end:
        start, end = end, start
    if (end - start).days >= MAX_RANGE_DAYS:
        start = end - dt.timedelta(days=MAX_RANGE_DAYS - 1)
    raw = {name: str(args.get(name) or "")[:40] for name in errors}
    return DateRange(start, end, errors=errors, raw=raw)


def _selected(solutions: list[Solution], raw: Any) -> Solution | None:
    """Return the chosen solution; 404 for an id that is not one of the vendor's."""
    if raw in (None, ""):
        return None
    wanted = parse_id(raw)
    if wanted is None:
        deny(hide=True)
    for solution in solutions:
        if solution.id == wanted:
            return solution
    deny(hide=True)


def build_vendor_insights(
    user: User, args: MutableMapping, *, today: dt.date | None = None
) -> VendorInsights:
    """Gather a vendor's figures for the range in `args`, scoped to its own solutions."""
    if not can_view_vendor_insights(user):
        deny()
    period = parse_range(args, today=today)
    solutions = queries.vendor_solutions(user.organization_id)
    selected = _selected(solutions, args.get("solution"))
    scope = [selected] if selected else solutions
    ids = [s.id for s in scope]
    rows = {s.id: SolutionFigures(s.id, s.name) for s in scope}
    total = SolutionFigures(None, _("Tổng cộng"))
    daily: dict[dt.date, SeriesPoint] = {}
    if ids:
        counters = db.session.execute(
            select(
                DailyCounter.solution_id, DailyCounter.day, DailyCounter.metric, DailyCounter.count
            ).where(
                DailyCounter.solution_id.in_(ids),
                DailyCounter.day >= period.start,
                DailyCounter.day <= period.end,
            )
        ).all()
        for solution_id, day, metric, count in counters:
            rows[solution_id].add(metric, count)
            total.add(metric, count)
            point = daily.setdefault(day, SeriesPoint(""))
            if metric == Metric.VIEW:
                point.views += count
            elif metric == Metric.COMPARE_ADD:
                point.compare_adds += count
            elif metric == Metric.TRIAL_REQUEST:
                point.trial_requests += count
        medians = _median_responses(ids, period)
        for solution_id, value in medians.items():
            if solution_id in rows:
                rows[solution_id].response = value
        total.response = medians.get(None)
    series, unit = _series(period, daily)
    return VendorInsights(
        period=period,
        solutions=solutions,
        selected=selected,
        rows=list(rows.values()),
        total=total,
        series=series,
        series_unit=unit,
        ratings=_rating_trend(ids, period),
    )


def _series(period: DateRange, daily: dict[dt.date, SeriesPoint]) -> tuple[list[SeriesPoint], str]:
    """Daily points for up to 62 days, else weekly sums (a readable chart either way)."""
    days = period.days
    if len(days) <= 62:
        return [
            SeriesPoint(
                day.strftime("%d/%m"),
                daily.get(day, SeriesPoint("")).views,
                daily.get(day, SeriesPoint("")).compare_adds,
                daily.get(day, SeriesPoint("")).trial_requests,
            )
            for day in days
        ], "day"
    # Weeks end on the range's last day, so the latest week is a whole one.
    weeks: list[SeriesPoint] = []
    first = len(days) % 7
    chunks = ([days[:first]] if first else []) + [
        days[i : i + 7] for i in range(first, len(days), 7)
    ]
    for chunk in chunks:
        point = SeriesPoint(chunk[0].strftime("%d/%m"))
        for day in chunk:
            found = daily.get(day)
            if found:
                point.views += found.views
                point.compare_adds += found.compare_adds
                point.trial_requests += found.trial_requests
        weeks.append(point)
    return weeks, "week"


def _median_responses(ids: list[int], period: DateRange) -> dict[int | None, dt.timedelta | None]:
    """Median time from request to first answer, per solution and overall (key None)."""
    rows = db.session.execute(
        select(TrialRequest.solution_id, TrialRequest.created_at, TrialRequest.first_response_at)
        .where(
            TrialRequest.solution_id.in_(ids),
            TrialRequest.first_response_at.is_not(None),
            TrialRequest.created_at >= utc_start(period.start),
            TrialRequest.created_at < utc_start(period.end + dt.timedelta(days=1)),
        )
        .order_by(TrialRequest.created_at.desc())
        .limit(RESPONSE_SAMPLE)
    ).all()
    seconds: dict[int | None, list[float]] = {}
    for solution_id, created, answered in rows:
        value = max(0.0, (as_utc(answered) - as_utc(created)).total_seconds())
        seconds.setdefault(solution_id, []).append(value)
        seconds.setdefault(None, []).append(value)
    return {k: dt.timedelta(seconds=round(statistics.median(v))) for k, v in seconds.items()}


def _rating_trend(ids: list[int], period: DateRange) -> list[RatingPoint]:
    """Average published rating by month of the review, over the range."""
    if not ids:
        return []
    month = local_month(Review.created_at).label("month")
    rows = db.session.execute(
        select(month, func.avg(Review.overall), func.count(Review.id))
        .where(
            Review.solution_id.in_(ids),
            Review.status == ReviewStatus.PUBLISHED,
            Review.created_at >= utc_start(period.start.replace(day=1)),
            Review.created_at < utc_start(period.end + dt.timedelta(days=1)),
        )
        .group_by(month)
        .order_by(month)
    ).all()
    points = []
    for key, average, count in rows:
        year, mon = str(key).split("-")
        points.append(
            RatingPoint(dt.date(int(year), int(mon), 1), round(float(average), 2), int(count))
        )
    return points
