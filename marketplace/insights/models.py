"""Daily counters per solution and metric, and the marks that count a view once a day."""

from __future__ import annotations

import datetime as dt
from enum import StrEnum

from sqlalchemy import (
    CheckConstraint,
    Date,
    ForeignKey,
    Index,
    Integer,
    PrimaryKeyConstraint,
    String,
)
from sqlalchemy.orm import Mapped, mapped_column

from marketplace.extensions import db


class Metric(StrEnum):
    VIEW = "view"
    COMPARE_ADD = "compare_add"
    TRIAL_REQUEST = "trial_request"
    TRIAL_ACCEPT = "trial_accept"
    TRIAL_CONVERT = "trial_convert"
    PURCHASE = "purchase"
    QUOTE_REQUEST = "quote_request"
    QUOTE_OFFER = "quote_offer"
    QUOTE_ACCEPT = "quote_accept"


_METRIC_SQL = "metric IN ({})".format(", ".join(f"'{m.value}'" for m in Metric))


class DailyCounter(db.Model):
    """How many times `metric` happened to a solution on a day (Asia/Ho_Chi_Minh).

    One row per (solution, day, metric), incremented by a single UPSERT, so there is no
    row per event and concurrent increments stay exact. The key leads with the solution
    so a vendor's date range reads a slice of it.
    """

    __tablename__ = "daily_counters"
    __table_args__ = (
        PrimaryKeyConstraint("solution_id", "day", "metric", name="pk_daily_counters"),
        CheckConstraint(_METRIC_SQL, name="metric"),
        CheckConstraint("count >= 0", name="count"),
        # The province dashboard sums a metric by month across all solutions.
        Index("ix_daily_counters_metric_day", "metric", "day"),
    )

    solution_id: Mapped[int] = mapped_column(ForeignKey("solutions.id", ondelete="CASCADE"))
    day: Mapped[dt.date] = mapped_column(Date)
    metric: Mapped[str] = mapped_column(String(20))
    count: Mapped[int] = mapped_column(Integer, default=0)

    def __repr__(self) -> str:
        return f"<DailyCounter {self.day} s={self.solution_id} {self.metric}={self.count}>"


class ViewMark(db.Model):
    """That a visitor (a salted hash, never the raw key) saw a solution on a day.

    Also marks additions to the comparison tray (the metric is salted into the hash). An
    anonymous visitor's mark carries its address group's hash, so that one address counts
    at most COUNTER_ADDRESS_CAP visitors. Only today's marks matter; `flask insights purge`
    deletes the older ones.
    """

    __tablename__ = "view_marks"
    __table_args__ = (
        PrimaryKeyConstraint("day", "solution_id", "visitor_hash", name="pk_view_marks"),
        Index("ix_view_marks_address", "day", "solution_id", "address_hash"),
    )

    day: Mapped[dt.date] = mapped_column(Date)
    solution_id: Mapped[int] = mapped_column(ForeignKey("solutions.id", ondelete="CASCADE"))
    visitor_hash: Mapped[str] = mapped_column(String(32))
    address_hash: Mapped[str | None] = mapped_column(String(32))
