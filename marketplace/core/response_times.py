"""How fast a vendor answers: the median time from a request to its first answer.

Trial requests and quote requests share the rule (each domain passes its own model, whose
rows have `vendor_id`, `created_at`, `first_response_at` and `id`).
"""

from __future__ import annotations

import datetime as dt
import statistics
from collections.abc import Iterable
from typing import Any

from sqlalchemy import func, select

from marketplace.core.database import as_utc
from marketplace.extensions import db


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
    ranked = (
        select(
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
    rows = db.session.execute(
        select(ranked.c.vendor_id, ranked.c.created_at, ranked.c.first_response_at).where(
            ranked.c.n <= sample
        )
    ).all()
    seconds: dict[int, list[float]] = {}
    for vendor_id, created_at, responded_at in rows:
        waited = (as_utc(responded_at) - as_utc(created_at)).total_seconds()
        seconds.setdefault(vendor_id, []).append(max(0.0, waited))
    for vendor_id, values in seconds.items():
        result[vendor_id] = dt.timedelta(seconds=round(statistics.median(values)))
    return result
