"""The clock: the marketplace's time zone and local dates (Asia/Ho_Chi_Minh)."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from marketplace.core.database import utcnow

TIMEZONE = ZoneInfo("Asia/Ho_Chi_Minh")


def local_today(now: dt.datetime | None = None) -> dt.date:
    """Return today's date in Asia/Ho_Chi_Minh (of `now`, else of the current time)."""
    return (now or utcnow()).astimezone(TIMEZONE).date()


def local_midnight(day: dt.date) -> dt.datetime:
    """Return the start of `day` in Asia/Ho_Chi_Minh, as an aware datetime."""
    return dt.datetime.combine(day, dt.time.min, tzinfo=TIMEZONE)
