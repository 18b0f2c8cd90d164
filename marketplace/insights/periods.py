"""What the insights' reads share: limits, months in local time (SQL and Python), rates and
the paid-purchase condition.

Views and comparison adds come from the counters (they have no other record); trials,
purchases, response times and ratings come from their own records, so the dashboard's
totals equal the rows they describe. Days and months are Asia/Ho_Chi_Minh.

Small cells: a breakdown cell (or a category's rating) backed by fewer than SMALL_CELL
organisations is shown as "<5" and never exported as a number.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import ColumnElement, func, literal_column

from marketplace.billing.models import Payment, PaymentStatus
from marketplace.core.clock import local_midnight, local_today
from marketplace.core.database import dialect_name

SMALL_CELL = 5
SUPPRESSED = "<5"
DASHBOARD_MONTHS = 12
DEFAULT_RANGE_DAYS = 90
MAX_RANGE_DAYS = 731
MODERATION_WINDOW_DAYS = 90
RESPONSE_SAMPLE = 5000
# Vietnam keeps UTC+7 all year (no daylight saving since 1975), so SQL may shift by it.
LOCAL_OFFSET_HOURS = 7


def local_month(column: Any) -> ColumnElement:
    """SQL for the local month ('YYYY-MM') of a UTC timestamp column."""
    if dialect_name() == "postgresql":
        shifted = column + literal_column(f"interval '{LOCAL_OFFSET_HOURS} hours'")
        return func.to_char(shifted, "YYYY-MM")
    return func.strftime("%Y-%m", column, f"+{LOCAL_OFFSET_HOURS} hours")


def month_key(day: dt.date) -> str:
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


def utc_start(day: dt.date) -> dt.datetime:
    return local_midnight(day).astimezone(dt.UTC)


def rate(part: int, whole: int) -> float | None:
    """Return part/whole as a percentage, or None when there is nothing to divide."""
    return round(100.0 * part / whole, 1) if whole else None


def paid_purchase() -> list:
    # A purchase is a paid checkout; renewals (no checkout attempt) are not new purchases.
    return [Payment.status == PaymentStatus.PAID, Payment.attempt_key.is_not(None)]
