"""Insights: the counters' write path, the vendor's figures, the province dashboard.

Write path: one UPSERT per event on `daily_counters` (solution, day, metric), so there is
no row per page view and concurrent increments stay exact on SQLite and PostgreSQL.
A view counts once per visitor and day: `view_marks` takes (day, solution, visitor hash)
with ON CONFLICT DO NOTHING, and the counter moves only when that row was new.

Read path: views and comparison adds come from the counters (they have no other record);
trials, purchases, response times and ratings come from their own records, so the
dashboard's totals equal the rows they describe. Days and months are Asia/Ho_Chi_Minh.

Small cells: a breakdown cell (or a category's rating) backed by fewer than
SMALL_CELL organisations is shown as "<5" and never exported as a number.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import ipaddress
import logging
import statistics
from collections.abc import Callable, MutableMapping
from dataclasses import dataclass, field
from typing import Any

from flask import Response, current_app
from flask_babel import gettext as _
from sqlalchemy import ColumnElement, Select, delete, func, literal_column, select, union
from sqlalchemy.exc import SQLAlchemyError

from marketplace.accounts.choices import INDUSTRIES, SIZE_BANDS, label
from marketplace.accounts.models import Organization, OrgKind, Role, User
from marketplace.billing.models import Payment, PaymentStatus
from marketplace.catalog import queries
from marketplace.catalog.models import (
    Category,
    RevisionStatus,
    Solution,
    SolutionRevision,
    SolutionStatus,
)
from marketplace.core import geography
from marketplace.core.audit import AuditLog
from marketplace.core.cache import TTLCache
from marketplace.core.clock import local_midnight, local_today
from marketplace.core.csv_export import csv_writer, safe_cell
from marketplace.core.database import utcnow
from marketplace.core.params import date_args, parse_id
from marketplace.core.permissions import deny
from marketplace.extensions import db
from marketplace.insights.models import DailyCounter, Metric, ViewMark
from marketplace.reviews.models import Review, ReviewStatus
from marketplace.trials.models import TrialRequest

log = logging.getLogger(__name__)

SMALL_CELL = 5
SUPPRESSED = "<5"
DASHBOARD_MONTHS = 12
DEFAULT_RANGE_DAYS = 90
MAX_RANGE_DAYS = 731
MODERATION_WINDOW_DAYS = 90
RESPONSE_SAMPLE = 5000
# Vietnam keeps UTC+7 all year (no daylight saving since 1975), so SQL may shift by it.
LOCAL_OFFSET_HOURS = 7


# TIMEZONE, local_today and local_midnight come from core.clock (imported above).


# ---------------------------------------------------------------- write path


def _insert(model: type) -> Any:
    """Return the dialect's INSERT construct (it has the ON CONFLICT clauses)."""
    if db.session.get_bind().dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert
    return insert(model)


def increment_counter(
    solution_id: int, metric: str, *, day: dt.date | None = None, by: int = 1
) -> None:
    """Add `by` to a solution's counter of `metric` for `day` (today) in one UPSERT."""
    stmt = _insert(DailyCounter).values(
        solution_id=solution_id, day=day or local_today(), metric=Metric(metric).value, count=by
    )
    stmt = stmt.on_conflict_do_update(
        index_elements=["solution_id", "day", "metric"],
        set_={"count": DailyCounter.count + stmt.excluded.count},
    )
    db.session.execute(stmt)


def visitor_key(user: User | None, address: str | None, user_agent: str | None) -> str:
    """Name the visitor: a signed-in user by id, anyone else by address and browser.

    Nothing is stored in the visitor's browser for this (no cookie, so public pages stay
    shareable between visitors), and a client that keeps no cookies — a crawler — counts
    once a day, not once a request. People behind one address with the same browser count
    as one; the key is only ever kept hashed with the day (`_visitor_hash`). A client
    making up a new browser name for each request is held by the address cap
    (`record_view`).
    """
    if user is not None and getattr(user, "is_authenticated", False):
        return f"u:{user.id}"
    return f"a:{address or ''}|{(user_agent or '')[:300]}"


def visitor_of(
    user: User | None, address: str | None, user_agent: str | None
) -> tuple[str, str | None]:
    """Return a visitor's key, and its address when the cap applies.

    Signed-in users count once each; only anonymous visitors are capped by address.
    """
    key = visitor_key(user, address, user_agent)
    return key, None if key.startswith("u:") else (address or "")


def _visitor_hash(visitor: str, day: dt.date) -> str:
    # Salted with the secret key and the day: a mark says nothing about who or when else.
    key = str(current_app.config["SECRET_KEY"]).encode()
    return hmac.new(key, f"{day.isoformat()}|{visitor}".encode(), hashlib.sha256).hexdigest()[:32]


def address_group(address: str | None) -> str | None:
    """Return what the address cap counts by: an IPv4 address, or an IPv6 address's /64.

    One subscriber usually holds a whole IPv6 /64, so its addresses are one group.
    """
    if not address:
        return None
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return address[:64]
    if isinstance(ip, ipaddress.IPv6Address):
        if ip.ipv4_mapped is not None:
            return str(ip.ipv4_mapped)
        return str(ipaddress.ip_network(f"{ip}/64", strict=False))
    return str(ip)


def _recent_marks() -> TTLCache:
    """The view marks this process wrote lately: a repeated view costs no database write.

    Only an optimisation: the unique mark in the database decides what counts. Marks name
    their day, so a day and a bit is long enough to keep them.
    """
    return current_app.extensions.setdefault(
        "recent_view_marks", TTLCache(26 * 3600, max_entries=20_000, max_weight=20_000)
    )


def _mark_once(
    solution_id: int, metric: str, visitor: str, *, address: str | None, day: dt.date
) -> bool:
    """Mark that the visitor did `metric` to the solution on `day`; True if the mark is new.

    An anonymous visitor (`address` given) is refused once COUNTER_ADDRESS_CAP visitors of
    its address group are marked for this solution, metric and day; the refused one leaves
    no row, so made-up User-Agents cannot grow the table either. Two requests at the same
    moment may both pass the count: the overshoot is bounded by the concurrency.
    """
    # Views keep the original hash; other metrics are salted apart from them.
    salt = "" if metric == Metric.VIEW else f"{Metric(metric).value}|"
    address_hash = None
    group = address_group(address)
    if group is not None:
        address_hash = _visitor_hash(f"{salt}address|{group}", day)
        cap = int(current_app.config["COUNTER_ADDRESS_CAP"])
        marked = (
            select(ViewMark.visitor_hash)
            .where(
                ViewMark.day == day,
                ViewMark.solution_id == solution_id,
                ViewMark.address_hash == address_hash,
            )
            .limit(cap)
            .subquery()
        )
        if db.session.scalar(select(func.count()).select_from(marked)) >= cap:
            return False
    mark = (
        _insert(ViewMark)
        .values(
            day=day,
            solution_id=solution_id,
            visitor_hash=_visitor_hash(salt + visitor, day),
            address_hash=address_hash,
        )
        .on_conflict_do_nothing(index_elements=["day", "solution_id", "visitor_hash"])
        .returning(ViewMark.day)
    )
    # RETURNING says whether the row was new (rowcount is not reliable on every driver).
    return db.session.execute(mark).first() is not None


def record_view(
    solution_id: int, visitor: str, *, day: dt.date | None = None, address: str | None = None
) -> bool:
    """Count a view of the solution unless this visitor was counted today; True if counted.

    Pass `address` for an anonymous visitor: its address then counts at most
    COUNTER_ADDRESS_CAP visitors per solution and day.
    """
    day = day or local_today()
    if not _mark_once(solution_id, Metric.VIEW, visitor, address=address, day=day):
        return False
    increment_counter(solution_id, Metric.VIEW, day=day)
    return True


def record_view_after_response(
    response: Response, solution_id: int, visitor: str, *, address: str | None = None
) -> None:
    """Count the view once the response has been sent.

    The page itself runs no extra query and its latency does not include the write; a
    failed write is logged and forgotten (a lost view must never break a page).
    """
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    day = local_today()

    def write() -> None:
        with app.app_context():
            seen = (day, solution_id, _visitor_hash(visitor, day))
            if _recent_marks().get(seen):
                return
            try:
                record_view(solution_id, visitor, day=day, address=address)
                db.session.commit()
                _recent_marks().put(seen, True)
            except SQLAlchemyError:
                db.session.rollback()
                log.warning("view of solution %s not counted", solution_id, exc_info=True)

    response.call_on_close(write)


def record_compare_add(
    solution_id: int,
    *,
    already_in_tray: bool,
    visitor: str,
    address: str | None = None,
    day: dt.date | None = None,
) -> bool:
    """Count an addition to the comparison tray once per visitor and day; True if counted.

    A repeated click on one already in the tray never counts; an anonymous visitor's
    `address` counts at most COUNTER_ADDRESS_CAP visitors per solution and day (a client
    without cookies has an empty tray on every request).
    """
    if already_in_tray:
        return False
    day = day or local_today()
    if not _mark_once(solution_id, Metric.COMPARE_ADD, visitor, address=address, day=day):
        return False
    increment_counter(solution_id, Metric.COMPARE_ADD, day=day)
    return True


def record_purchase(payment: Payment) -> None:
    """Count a paid checkout as a purchase; renewals (no checkout attempt) are not new ones."""
    if payment.attempt_key is not None:
        increment_counter(payment.solution_id, Metric.PURCHASE)


def purge_view_marks(days: int = 2, *, today: dt.date | None = None) -> int:
    """Keep the view marks of the last `days` days (today included); return how many went."""
    cutoff = (today or local_today()) - dt.timedelta(days=max(1, days) - 1)
    result = db.session.execute(delete(ViewMark).where(ViewMark.day < cutoff))
    return int(result.rowcount or 0)


# ---------------------------------------------------------------- shared helpers


def _dialect() -> str:
    return db.session.get_bind().dialect.name


def _local_month(column: Any) -> ColumnElement:
    """SQL for the local month ('YYYY-MM') of a UTC timestamp column."""
    if _dialect() == "postgresql":
        shifted = column + literal_column(f"interval '{LOCAL_OFFSET_HOURS} hours'")
        return func.to_char(shifted, "YYYY-MM")
    return func.strftime("%Y-%m", column, f"+{LOCAL_OFFSET_HOURS} hours")


def _month_key(day: dt.date) -> str:
    return f"{day.year:04d}-{day.month:02d}"


def _add_months(day: dt.date, months: int) -> dt.date:
    index = day.year * 12 + day.month - 1 + months
    return dt.date(index // 12, index % 12 + 1, 1)


def month_starts(count: int, *, today: dt.date | None = None) -> list[dt.date]:
    """Return the first days of the last `count` months (this one included), oldest first."""
    first = (today or local_today()).replace(day=1)
    return [_add_months(first, -i) for i in range(count - 1, -1, -1)]


def month_label(day: dt.date) -> str:
    return f"{day.month:02d}/{day.year}"


def _utc_start(day: dt.date) -> dt.datetime:
    return local_midnight(day).astimezone(dt.UTC)


def rate(part: int, whole: int) -> float | None:
    """Return part/whole as a percentage, or None when there is nothing to divide."""
    return round(100.0 * part / whole, 1) if whole else None


def _paid_purchase() -> list:
    # A purchase is a paid checkout; renewals (no checkout attempt) are not new purchases.
    return [Payment.status == PaymentStatus.PAID, Payment.attempt_key.is_not(None)]


def _percent(value: float | None) -> str:
    return "" if value is None else f"{value:.1f}".replace(".", ",")


# ---------------------------------------------------------------- the province dashboard


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


def marketplace_totals() -> Totals:
    """Count public solutions, their vendors and the active enterprises (two queries)."""
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
    month = _local_month(column).label("month")
    rows = db.session.execute(
        query.where(column >= since).with_only_columns(month, func.count()).group_by(month)
    ).all()
    return {str(m): int(n) for m, n in rows}


def _activity() -> Any:
    """(organisation, solution) pairs of enterprises that requested a trial or bought."""
    return union(
        select(TrialRequest.organization_id.label("org_id"), TrialRequest.solution_id),
        select(Payment.organization_id.label("org_id"), Payment.solution_id).where(
            *_paid_purchase()
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


def build_dashboard(*, today: dt.date | None = None, area: str | None = None) -> Dashboard:
    """Gather the province dashboard in a fixed number of queries.

    `area` (a former province code, see `dashboard_area`) narrows the place breakdowns.
    """
    today = today or local_today()
    months = month_starts(DASHBOARD_MONTHS, today=today)
    since = _utc_start(months[0])

    trials_by_month = _monthly(select(TrialRequest.id), TrialRequest.created_at, since)
    paid_by_month = _monthly(select(Payment.id).where(*_paid_purchase()), Payment.paid_at, since)
    trials_total, purchases_total = db.session.execute(
        select(
            select(func.count(TrialRequest.id)).scalar_subquery(),
            select(func.count(Payment.id)).where(*_paid_purchase()).scalar_subquery(),
        )
    ).one()
    views = db.session.scalar(
        select(func.coalesce(func.sum(DailyCounter.count), 0)).where(
            DailyCounter.metric == Metric.VIEW, DailyCounter.day >= months[0]
        )
    )
    points = [
        MonthPoint(m, trials_by_month.get(_month_key(m), 0), paid_by_month.get(_month_key(m), 0))
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


def dashboard_csv(board: Dashboard) -> str:
    """Return the dashboard as CSV: section, item, value (suppressed cells say "<5")."""
    out, writer = csv_writer()
    writer.writerow([_("Mục"), _("Chỉ tiêu"), _("Giá trị")])
    section = _("Tổng quan")
    writer.writerow([section, _("Nhà cung cấp"), board.totals.vendors])
    writer.writerow([section, _("Giải pháp"), board.totals.solutions])
    writer.writerow([section, _("Doanh nghiệp"), board.totals.enterprises])
    writer.writerow([section, _("Yêu cầu dùng thử (từ trước đến nay)"), board.trials_total])
    writer.writerow([section, _("Lượt mua (từ trước đến nay)"), board.purchases_total])
    for point in board.months:
        writer.writerow([_("Dùng thử theo tháng"), point.label, point.trials])
    for point in board.months:
        writer.writerow([_("Lượt mua theo tháng"), point.label, point.purchases])
    section = _("Phễu chuyển đổi (12 tháng)")
    writer.writerow([section, _("Lượt xem"), board.funnel["viewed"]])
    writer.writerow([section, _("Dùng thử"), board.funnel["trial"]])
    writer.writerow([section, _("Trả phí"), board.funnel["paid"]])
    for breakdown in board.breakdowns:
        title = _("Doanh nghiệp theo %(d)s", d=breakdown.title.lower())
        for cell in breakdown.cells:
            writer.writerow([title, safe_cell(cell.label), cell.display])
    for rating in board.ratings:
        value = SUPPRESSED if rating.average is None else f"{rating.average:.2f}".replace(".", ",")
        writer.writerow([_("Điểm đánh giá trung bình"), safe_cell(rating.label), value])
    return out.getvalue()


# ---------------------------------------------------------------- the vendor's figures


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
    response: dt.timedelta | None = None

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


def _aware(value: dt.datetime) -> dt.datetime:
    return value if value.tzinfo is not None else value.replace(tzinfo=dt.UTC)


def _median_responses(ids: list[int], period: DateRange) -> dict[int | None, dt.timedelta | None]:
    """Median time from request to first answer, per solution and overall (key None)."""
    rows = db.session.execute(
        select(TrialRequest.solution_id, TrialRequest.created_at, TrialRequest.first_response_at)
        .where(
            TrialRequest.solution_id.in_(ids),
            TrialRequest.first_response_at.is_not(None),
            TrialRequest.created_at >= _utc_start(period.start),
            TrialRequest.created_at < _utc_start(period.end + dt.timedelta(days=1)),
        )
        .order_by(TrialRequest.created_at.desc())
        .limit(RESPONSE_SAMPLE)
    ).all()
    seconds: dict[int | None, list[float]] = {}
    for solution_id, created, answered in rows:
        value = max(0.0, (_aware(answered) - _aware(created)).total_seconds())
        seconds.setdefault(solution_id, []).append(value)
        seconds.setdefault(None, []).append(value)
    return {k: dt.timedelta(seconds=round(statistics.median(v))) for k, v in seconds.items()}


def _rating_trend(ids: list[int], period: DateRange) -> list[RatingPoint]:
    """Average published rating by month of the review, over the range."""
    if not ids:
        return []
    month = _local_month(Review.created_at).label("month")
    rows = db.session.execute(
        select(month, func.avg(Review.overall), func.count(Review.id))
        .where(
            Review.solution_id.in_(ids),
            Review.status == ReviewStatus.PUBLISHED,
            Review.created_at >= _utc_start(period.start.replace(day=1)),
            Review.created_at < _utc_start(period.end + dt.timedelta(days=1)),
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


def vendor_csv(data: VendorInsights) -> str:
    """Return the vendor's figures per solution (and the total) as CSV."""
    out, writer = csv_writer()
    writer.writerow(
        [
            _("Giải pháp"),
            _("Từ ngày"),
            _("Đến ngày"),
            _("Lượt xem"),
            _("Lượt thêm vào so sánh"),
            _("Yêu cầu dùng thử"),
            _("Đã chấp nhận"),
            _("Chuyển sang trả phí"),
            _("Tỷ lệ chấp nhận (%)"),
            _("Tỷ lệ chuyển đổi (%)"),
            _("Thời gian phản hồi trung vị (giờ)"),
        ]
    )
    start = data.period.start.strftime("%d/%m/%Y")
    end = data.period.end.strftime("%d/%m/%Y")
    for row in [*data.rows, data.total]:
        hours = (
            ""
            if row.response is None
            else f"{row.response.total_seconds() / 3600:.1f}".replace(".", ",")
        )
        writer.writerow(
            [
                safe_cell(row.name),
                start,
                end,
                row.views,
                row.compare_adds,
                row.trial_requests,
                row.accepts,
                row.converts,
                _percent(row.acceptance_rate),
                _percent(row.conversion_rate),
                hours,
            ]
        )
    return out.getvalue()


# ---------------------------------------------------------------- moderator figures


@dataclass
class ModerationFigures:
    pending_solutions: int
    pending_revisions: int
    median_decision: dt.timedelta | None
    decisions: int
    window_days: int = MODERATION_WINDOW_DAYS

    @property
    def queue_length(self) -> int:
        return self.pending_solutions + self.pending_revisions


def moderation_figures(*, now: dt.datetime | None = None) -> ModerationFigures:
    """Queue length and the median time from submission to decision over 90 days.

    A decision (solution.approve / solution.reject) pairs with the latest submission of
    the same solution before it.
    """
    now = now or utcnow()
    since = now - dt.timedelta(days=MODERATION_WINDOW_DAYS)
    pending_solutions, pending_revisions = db.session.execute(
        select(
            select(func.count(Solution.id))
            .where(Solution.status == SolutionStatus.PENDING)
            .scalar_subquery(),
            select(func.count(SolutionRevision.id))
            .where(SolutionRevision.status == RevisionStatus.PENDING)
            .scalar_subquery(),
        )
    ).one()
    decided = select(AuditLog.object_id).where(
        AuditLog.object_type == "solutions",
        AuditLog.action.in_(("solution.approve", "solution.reject")),
        AuditLog.created_at >= since,
    )
    rows = db.session.execute(
        select(AuditLog.object_id, AuditLog.action, AuditLog.created_at)
        .where(
            AuditLog.object_type == "solutions",
            AuditLog.action.in_(("solution.submit", "solution.approve", "solution.reject")),
            AuditLog.object_id.in_(decided),
        )
        .order_by(AuditLog.object_id, AuditLog.created_at, AuditLog.id)
    ).all()
    waits: list[float] = []
    submitted: dict[int, dt.datetime] = {}
    for object_id, action, created_at in rows:
        if action == "solution.submit":
            submitted[object_id] = created_at
        elif object_id in submitted:
            start = submitted.pop(object_id)
            if created_at >= since:
                waits.append(max(0.0, (created_at - start).total_seconds()))
    return ModerationFigures(
        pending_solutions=int(pending_solutions or 0),
        pending_revisions=int(pending_revisions or 0),
        median_decision=dt.timedelta(seconds=round(statistics.median(waits))) if waits else None,
        decisions=len(waits),
    )
