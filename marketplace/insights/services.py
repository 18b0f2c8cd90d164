"""Insights' write path: the event counters, view marks and their purge.

One UPSERT per event on `daily_counters` (solution, day, metric), so there is no row per
page view and concurrent increments stay exact on SQLite and PostgreSQL. A view counts once
per visitor and day: `view_marks` takes (day, solution, visitor hash) with ON CONFLICT DO
NOTHING, and the counter moves only when that row was new. A worker writes the views of a
moment together (`view_queue`, `record_views`): one INSERT of their marks, one UPSERT of
the counters they moved.

The reads are in `dashboard` (the province), `vendor_figures` and `moderation_figures`;
their shared helpers in `periods`, the CSV files in `exports`.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import ipaddress
import logging
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from flask import current_app
from sqlalchemy import delete, func, select, text
from sqlalchemy.exc import SQLAlchemyError

from marketplace.accounts.models import User
from marketplace.billing.models import Payment
from marketplace.core.cache import LocalStore
from marketplace.core.clock import local_today
from marketplace.core.database import dialect_name
from marketplace.extensions import db
from marketplace.insights import view_queue
from marketplace.insights.models import DailyCounter, Metric, ViewMark

log = logging.getLogger(__name__)


def _insert(model: type) -> Any:
    """Return the dialect's INSERT construct (it has the ON CONFLICT clauses)."""
    if dialect_name() == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert
    return insert(model)


def increment_counter(
    solution_id: int, metric: str, *, day: dt.date | None = None, by: int = 1
) -> None:
    """Add `by` to a solution's counter of `metric` for `day` (today) in one UPSERT."""
    _add_to_counters(
        [
            {
                "solution_id": solution_id,
                "day": day or local_today(),
                "metric": Metric(metric).value,
                "count": by,
            }
        ]
    )


def _add_to_counters(rows: list[dict[str, Any]]) -> None:
    """Add each row's count to its (solution, day, metric) counter: one UPSERT for all (a
    key appears once: PostgreSQL refuses to update a row twice in one statement)."""
    stmt = _insert(DailyCounter).values(rows)
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


def _recent_marks() -> LocalStore:
    """The view marks this process wrote lately: a repeated view costs no database write.

    Only an optimisation: the unique mark in the database decides what counts. Marks name
    their day, so a day and a bit is long enough to keep them.
    """
    return current_app.extensions.setdefault(
        "recent_view_marks", LocalStore(26 * 3600, max_entries=20_000, max_weight=20_000)
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
    row = {
        "day": day,
        "solution_id": solution_id,
        "visitor_hash": _visitor_hash(salt + visitor, day),
        "address_hash": address_hash,
    }
    return bool(_new_marks([row]))


def _new_marks(rows: list[dict[str, Any]]) -> list[tuple[int, dt.date]]:
    """Write the marks that are not there yet; return the (solution, day) of each new one.

    RETURNING says which rows were new (rowcount is not reliable on every driver)."""
    mark = (
        _insert(ViewMark)
        .values(rows)
        .on_conflict_do_nothing(index_elements=["day", "solution_id", "visitor_hash"])
        .returning(ViewMark.solution_id, ViewMark.day)
    )
    return [(solution_id, day) for solution_id, day in db.session.execute(mark)]


def record_view(
    solution_id: int, visitor: str, *, day: dt.date | None = None, address: str | None = None
) -> bool:
    """Count a view of the solution unless this visitor was counted today; True if counted.

    Pass `address` for an anonymous visitor: its address then counts at most
    COUNTER_ADDRESS_CAP visitors per solution and day.
    """
    return record_views([PendingView(day or local_today(), solution_id, visitor, address)]) > 0


@dataclass(frozen=True)
class PendingView:
    """A view to count: of which solution, on which day, by which visitor (see
    `visitor_of`); `address` is given for an anonymous visitor (the cap applies)."""

    day: dt.date
    solution_id: int
    visitor: str
    address: str | None = None

    def seen(self) -> tuple[dt.date, int, str]:
        """The mark this view leaves (needs the app: the hash is salted with its key)."""
        return (self.day, self.solution_id, _visitor_hash(self.visitor, self.day))


def record_views(views: Iterable[PendingView]) -> int:
    """Count many views with the same rules as `record_view`; return how many counted.

    The views of signed-in users are marked with one INSERT for all of them and the
    counters moved with one UPSERT for all the (solution, day) pairs they counted; an
    anonymous view is marked on its own, after counting its address's marks (the cap).
    The caller commits.
    """
    counted: Counter[tuple[int, dt.date]] = Counter()
    plain: dict[tuple[dt.date, int, str], None] = {}
    capped: dict[tuple[dt.date, int, str], PendingView] = {}
    for view in views:
        if view.address is None:
            plain[view.seen()] = None
        else:
            capped[view.seen()] = view
    for view in capped.values():
        if _mark_once(
            view.solution_id, Metric.VIEW, view.visitor, address=view.address, day=view.day
        ):
            counted[(view.solution_id, view.day)] += 1
    marks = list(plain)
    for start in range(0, len(marks), _MARKS_PER_STATEMENT):
        rows = [
            {"day": day, "solution_id": solution_id, "visitor_hash": hashed, "address_hash": None}
            for day, solution_id, hashed in marks[start : start + _MARKS_PER_STATEMENT]
        ]
        counted.update(_new_marks(rows))
    if counted:
        _add_to_counters(
            [
                {"solution_id": solution_id, "day": day, "metric": Metric.VIEW.value, "count": n}
                for (solution_id, day), n in counted.items()
            ]
        )
    return sum(counted.values())


# Four parameters a mark: well under SQLite's limit of 32,766 per statement.
_MARKS_PER_STATEMENT = 500


def write_views(views: list[PendingView]) -> None:
    """Count `views` in one transaction of their own and remember their marks; a failure
    is logged and forgotten (a lost view must never break a page). In an app context."""
    fresh = [view for view in views if not _recent_marks().get(view.seen())]
    if not fresh:
        return
    try:
        _without_waiting_for_the_disk()
        record_views(fresh)
        db.session.commit()
    except SQLAlchemyError:
        db.session.rollback()
        log.warning("%d views not counted", len(fresh), exc_info=True)
        return
    for view in fresh:
        _recent_marks().put(view.seen(), True)


def record_view_after_response(
    after_response: Callable[[Callable[[], None]], Any],
    solution_id: int,
    visitor: str,
    *,
    address: str | None = None,
) -> None:
    """Count the view once the response has been sent.

    The page itself runs no extra query and its latency does not include the write. With
    `VIEW_COUNT_DELAY_SECONDS` above zero the view joins the process's queue, written with
    the others of that moment in one transaction (`view_queue`); at zero it is written at
    once, alone.
    """
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    view = PendingView(local_today(), solution_id, visitor, address)

    def write() -> None:
        if float(app.config["VIEW_COUNT_DELAY_SECONDS"]) > 0:
            view_queue.of(app).add(view)
            return
        with app.app_context():
            write_views([view])

    after_response(write)


def _without_waiting_for_the_disk() -> None:
    """On PostgreSQL, commit this transaction without waiting for its write-ahead log to
    reach the disk (`synchronous_commit` off for it alone).

    A view count is a statistic: a crash may lose the last fraction of a second of them,
    never corrupt anything. Waiting for the disk held the day's counter row of a popular
    listing for the whole flush, so the views of many signed-in users queued one behind
    another (1,000 users opening one page: 134 req/s).
    """
    if dialect_name() == "postgresql":
        db.session.execute(text("SET LOCAL synchronous_commit TO OFF"))


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
    """Count a paid checkout or a paid bank-transfer order (the event's sender) as a purchase;
    renewals (no checkout attempt) and orders of no listing are not new ones."""
    if payment.is_new_purchase:
        increment_counter(payment.solution_id, Metric.PURCHASE)


def purge_view_marks(days: int = 2, *, today: dt.date | None = None) -> int:
    """Keep the view marks of the last `days` days (today included); return how many went."""
    cutoff = (today or local_today()) - dt.timedelta(days=max(1, days) - 1)
    result = db.session.execute(delete(ViewMark).where(ViewMark.day < cutoff))
    return int(result.rowcount or 0)
