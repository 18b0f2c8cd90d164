"""Trial requests and the events on their timeline."""

from __future__ import annotations

import datetime as dt
from enum import StrEnum

from sqlalchemy import CheckConstraint, Date, ForeignKey, Index, Integer, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from marketplace.accounts.models import Organization, User
from marketplace.catalog.models import Plan, Solution
from marketplace.core.database import UTCDateTime, utcnow
from marketplace.extensions import db


class TrialStatus(StrEnum):
    REQUESTED = "requested"
    ACCEPTED = "accepted"
    ACTIVE = "active"
    ENDED = "ended"
    CONVERTED = "converted"
    DECLINED = "declined"
    CANCELLED = "cancelled"


# At most one of these per organisation and solution (a partial unique index).
OPEN_STATUSES = (TrialStatus.REQUESTED, TrialStatus.ACCEPTED, TrialStatus.ACTIVE)
# The vendor let the organisation in: it has used (or is using) the solution.
USED_STATUSES = (
    TrialStatus.ACCEPTED,
    TrialStatus.ACTIVE,
    TrialStatus.ENDED,
    TrialStatus.CONVERTED,
)
_OPEN_SQL = "status IN ('requested', 'accepted', 'active')"
_STATUS_SQL = (
    "status IN ('requested', 'accepted', 'active', 'ended', 'converted', 'declined', 'cancelled')"
)


class TrialRequest(db.Model):
    """An enterprise's request to try a plan, from the request to its end or conversion."""

    __tablename__ = "trial_requests"
    __table_args__ = (
        CheckConstraint(_STATUS_SQL, name="status"),
        CheckConstraint("users_count >= 1 AND users_count <= 10000", name="users_count"),
        CheckConstraint(
            "start_date IS NULL OR end_date IS NULL OR end_date >= start_date", name="dates"
        ),
        Index(
            "uq_trial_requests_open",
            "organization_id",
            "solution_id",
            unique=True,
            sqlite_where=text(_OPEN_SQL),
            postgresql_where=text(_OPEN_SQL),
        ),
        Index("ix_trial_requests_vendor_status", "vendor_id", "status"),
        Index("ix_trial_requests_status_end_date", "status", "end_date"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    organization_id: Mapped[int] = mapped_column(
        ForeignKey("organizations.id", ondelete="RESTRICT"), index=True
    )
    requested_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    solution_id: Mapped[int] = mapped_column(
        ForeignKey("solutions.id", ondelete="RESTRICT"), index=True
    )
    plan_id: Mapped[int] = mapped_column(ForeignKey("plans.id", ondelete="RESTRICT"), index=True)
    # The solution's vendor, copied so the inbox and response times need no join.
    vendor_id: Mapped[int] = mapped_column(ForeignKey("organizations.id", ondelete="RESTRICT"))
    contact_name: Mapped[str] = mapped_column(String(120))
    contact_phone: Mapped[str] = mapped_column(String(20))
    preferred_start: Mapped[dt.date] = mapped_column(Date)
    users_count: Mapped[int] = mapped_column(Integer, default=1)
    message: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(20), default=TrialStatus.REQUESTED)
    access_instructions: Mapped[str | None] = mapped_column(Text)
    # Why the vendor declined or the enterprise cancelled.
    reason: Mapped[str | None] = mapped_column(Text)
    start_date: Mapped[dt.date | None] = mapped_column(Date)
    # The last day of the trial: start_date + the plan's trial days.
    end_date: Mapped[dt.date | None] = mapped_column(Date)
    trial_days: Mapped[int] = mapped_column(Integer)
    first_response_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    reminder_sent_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow, index=True)
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)

    organization: Mapped[Organization] = relationship(foreign_keys=[organization_id])
    vendor: Mapped[Organization] = relationship(foreign_keys=[vendor_id])
    requested_by: Mapped[User | None] = relationship(foreign_keys=[requested_by_id])
    solution: Mapped[Solution] = relationship()
    plan: Mapped[Plan] = relationship()
    events: Mapped[list[TrialEvent]] = relationship(
        back_populates="trial",
        order_by="[TrialEvent.created_at, TrialEvent.id]",
        cascade="all, delete-orphan",
    )

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    def days_left(self, today: dt.date) -> int | None:
        """Return the days left after `today` (0 on the last day), or None if not running."""
        if self.status != TrialStatus.ACTIVE or self.end_date is None:
            return None
        return max(0, (self.end_date - today).days)

    def __repr__(self) -> str:
        return f"<TrialRequest {self.id} {self.status} org={self.organization_id}>"


class TrialEvent(db.Model):
    """One step on a trial's timeline: who moved it from which status to which, and why."""

    __tablename__ = "trial_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    trial_id: Mapped[int] = mapped_column(
        ForeignKey("trial_requests.id", ondelete="CASCADE"), index=True
    )
    # None when the system acted (`flask trials tick`, a payment webhook).
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    from_status: Mapped[str | None] = mapped_column(String(20))
    to_status: Mapped[str] = mapped_column(String(20))
    note: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow)

    trial: Mapped[TrialRequest] = relationship(back_populates="events")
    actor: Mapped[User | None] = relationship()
