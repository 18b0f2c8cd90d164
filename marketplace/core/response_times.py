"""How fast a vendor answers: the median time from a request to its first answer.

Trial requests and quote requests share the rule (each domain passes its own model, whose
rows have `vendor_id`, `created_at`, `first_response_at` and `id`). Each domain registers
its kind (`register`, at app creation); a page that shows one vendor's times of every kind
(the solution page, the vendor's profile) reads them all in one statement
(`vendor_response_time`).
"""

from __future__ import annotations

import datetime as dt
import statistics
from collections.abc import Iterable
from typing import Any

from flask import Flask, current_app
from sqlalchemy import Select, func, literal, select, union_all

from marketplace.core import request_memo, stamps
from marketplace.core.database import as_utc
from marketplace.extensions import db

EXTENSION_KEY = "response_times"


def register(app: Flask, kind: str, model: Any, *, sample: int) -> None:
    """Register the requests of `kind` ("trials", "quotes"): `model`'s rows, the `sample`
    latest answered ones per vendor."""
    app.extensions.setdefault(EXTENSION_KEY, {})[kind] = (model, sample)


def _latest_answered(model: Any, ids: list[int], sample: int, kind: str = "") -> Select:
    """The `sample` latest answered requests of each of the vendors `ids` (one statement)."""
    ranked = (
        select(
            literal(kind).label("kind"),
            model.vendor_id.label("vendor_id"),
            model.created_at.label("created_at"),
            model.first_response_at.label("first_response_at"),
            func.row_number()
            .over(
                partition_by=model.vendor_id,
                order_by=(model.first_response_at.desc(), model.id.desc()),
            )
            .label("n"),
        )
        .where(model.vendor_id.in_(ids), model.first_response_at.is_not(None))
        .subquery()
    )
    return select(
        ranked.c.kind, ranked.c.vendor_id, ranked.c.created_at, ranked.c.first_response_at
    ).where(ranked.c.n <= sample)


def _medians(rows: Iterable[Any], result: dict[Any, dt.timedelta | None]) -> None:
    """Fill `result[key]` with the median wait of the rows (key, created_at, answered_at)."""
    seconds: dict[Any, list[float]] = {}
    for key, created_at, responded_at in rows:
        waited = (as_utc(responded_at) - as_utc(created_at)).total_seconds()
        seconds.setdefault(key, []).append(max(0.0, waited))
    for key, values in seconds.items():
        result[key] = dt.timedelta(seconds=round(statistics.median(values)))


def median_response_times(
    model: Any, vendor_ids: Iterable[int | None], *, sample: int
) -> dict[int, dt.timedelta | None]:
    """Return each vendor's median time from a request to its first answer.

    One query over at most the `sample` latest answered requests per vendor; None for a
    vendor that never answered one.
    """
    ids = sorted({int(v) for v in vendor_ids if v is not None})
    result: dict[int, dt.timedelta | None] = dict.fromkeys(ids)
    if not ids:
        return result
    rows = db.session.execute(_latest_answered(model, ids, sample)).all()
    _medians(((vendor_id, created, answered) for _k, vendor_id, created, answered in rows), result)
    return result


def vendor_response_time(kind: str, vendor_id: int | None) -> dt.timedelta | None:
    """Return one vendor's median response time for `kind` (None when it never answered).

    Every registered kind of the vendor is read in one statement and kept as a public value
    (the same for every visitor; it follows the timer, not commits), and for the request:
    the page's second kind costs nothing.
    """
    if vendor_id is None:
        return None
    vendor_id = int(vendor_id)
    memo = request_memo.memo("response_times")  # kept for the request
    if vendor_id not in memo:
        memo[vendor_id] = stamps.public_value(
            ("response_times", vendor_id), lambda: _every_kind(vendor_id)
        )
    return memo[vendor_id].get(kind)


def _every_kind(vendor_id: int) -> dict[str, dt.timedelta | None]:
    kinds = current_app.extensions.get(EXTENSION_KEY, {})
    result: dict[str, dt.timedelta | None] = dict.fromkeys(kinds)
    if not kinds:
        return result
    statement = union_all(
        *(
            _latest_answered(model, [vendor_id], sample, kind)
            for kind, (model, sample) in kinds.items()
        )
    )
    rows = db.session.execute(statement).all()
    _medians(((kind, created, answered) for kind, _v, created, answered in rows), result)
    return result
