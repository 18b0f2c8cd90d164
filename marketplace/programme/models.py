"""The SME support programme: its rules (versioned), the plans vendors opt in, the
enterprises' applications for support and what was disbursed."""

from __future__ import annotations

import datetime as dt
from enum import StrEnum
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    CheckConstraint,
    Date,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from marketplace.accounts.models import Organization, User
from marketplace.billing.models import Order
from marketplace.catalog.models import Plan
from marketplace.core.database import UTCDateTime, utcnow
from marketplace.extensions import db

# The size bands the programme supports (`Organization.size_band`); "large" never is.
BANDS = ("household", "micro", "small", "medium")


class Programme(db.Model):
    """The programme itself: the row approvals lock while they check the budget."""

    __tablename__ = "programmes"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow)

    versions: Mapped[list[ProgrammeVersion]] = relationship(
        back_populates="programme", order_by="ProgrammeVersion.effective_from"
    )


class ProgrammeVersion(db.Model):
    """The rules in force from `effective_from` until the next version's date.

    Rates are whole percents, caps VND per organisation and calendar year; a band whose
    rate is 0 is not supported. Versions are never edited: a change is a new version.
    """

    __tablename__ = "programme_versions"
    __table_args__ = (
        UniqueConstraint("programme_id", "effective_from"),
        CheckConstraint(
            "rate_household BETWEEN 0 AND 100 AND rate_micro BETWEEN 0 AND 100 "
            "AND rate_small BETWEEN 0 AND 100 AND rate_medium BETWEEN 0 AND 100",
            name="rates",
        ),
        CheckConstraint(
            "cap_household >= 0 AND cap_micro >= 0 AND cap_small >= 0 AND cap_medium >= 0 "
            "AND budget_vnd >= 0",
            name="amounts",
        ),
        CheckConstraint("period_end >= period_start", name="period"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    programme_id: Mapped[int] = mapped_column(
        ForeignKey("programmes.id", ondelete="CASCADE"), index=True
    )
    effective_from: Mapped[dt.date] = mapped_column(Date)
    period_start: Mapped[dt.date] = mapped_column(Date)
    period_end: Mapped[dt.date] = mapped_column(Date)
    budget_vnd: Mapped[int] = mapped_column(BigInteger)
    assessment_required: Mapped[bool] = mapped_column(Boolean, default=False)
    rate_household: Mapped[int] = mapped_column(Integer, default=0)
    cap_household: Mapped[int] = mapped_column(BigInteger, default=0)
    rate_micro: Mapped[int] = mapped_column(Integer, default=0)
    cap_micro: Mapped[int] = mapped_column(BigInteger, default=0)
    rate_small: Mapped[int] = mapped_column(Integer, default=0)
    cap_small: Mapped[int] = mapped_column(BigInteger, default=0)
    rate_medium: Mapped[int] = mapped_column(Integer, default=0)
    cap_medium: Mapped[int] = mapped_column(BigInteger, default=0)
    # Ids of the eligible categories (a category's children are eligible with it).
    category_ids: Mapped[list[Any]] = mapped_column(JSON, default=list)
    note: Mapped[str] = mapped_column(Text, default="")
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow)

    programme: Mapped[Programme] = relationship(back_populates="versions")
    created_by: Mapped[User | None] = relationship()

    def rate(self, band: str | None) -> int:
        """Return the support rate (percent) of a size band; 0 when it is not supported."""
        return int(getattr(self, f"rate_{band}", 0) or 0) if band in BANDS else 0

    def cap(self, band: str | None) -> int:
        """Return the yearly cap (VND) of a size band; 0 when it is not supported."""
        return int(getattr(self, f"cap_{band}", 0) or 0) if band in BANDS else 0

    @property
    def max_rate(self) -> int:
        return max(self.rate(band) for band in BANDS)


class OptInStatus(StrEnum):
    PENDING = "pending"
    APPROVED = "approved"
    REJECTED = "rejected"


class PlanOptIn(db.Model):
    """A vendor's request that one of its plans count for the programme, and its decision."""

    __tablename__ = "programme_plan_opt_ins"
    __table_args__ = (
        UniqueConstraint("programme_id", "plan_id"),
        CheckConstraint("status IN ('pending', 'approved', 'rejected')", name="status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    programme_id: Mapped[int] = mapped_column(ForeignKey("programmes.id", ondelete="CASCADE"))
    plan_id: Mapped[int] = mapped_column(ForeignKey("plans.id", ondelete="CASCADE"), index=True)
    vendor_id: Mapped[int] = mapped_column(
        ForeignKey("organizations.id", ondelete="CASCADE"), index=True
    )
    status: Mapped[str] = mapped_column(String(20), default=OptInStatus.PENDING, index=True)
    requested_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    requested_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow)
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    decided_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    reason: Mapped[str | None] = mapped_column(Text)

    plan: Mapped[Plan] = relationship()
    vendor: Mapped[Organization] = relationship()


class ApplicationStatus(StrEnum):
    SUBMITTED = "submitted"
    APPROVED = "approved"
    REJECTED = "rejected"
    DISBURSED = "disbursed"


# Statuses whose amount is committed against the yearly cap and the budget.
COMMITTED = (ApplicationStatus.APPROVED, ApplicationStatus.DISBURSED)


class Application(db.Model):
    """An enterprise's application for support on one paid, invoiced order.

    On approval the amounts computed under the rules in force at the order's date are
    stored here; later rule changes never touch them.
    """

    __tablename__ = "programme_applications"
    __table_args__ = (
        CheckConstraint(
            "status IN ('submitted', 'approved', 'rejected', 'disbursed')", name="status"
        ),
        CheckConstraint("amount_vnd IS NULL OR amount_vnd >= 0", name="amount"),
        Index("ix_programme_applications_status", "programme_id", "status"),
        Index("ix_programme_applications_org_year", "organization_id", "support_year"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    programme_id: Mapped[int] = mapped_column(ForeignKey("programmes.id", ondelete="RESTRICT"))
    # One application per order.
    order_id: Mapped[int] = mapped_column(ForeignKey("orders.id", ondelete="RESTRICT"), unique=True)
    organization_id: Mapped[int] = mapped_column(
        ForeignKey("organizations.id", ondelete="RESTRICT")
    )
    status: Mapped[str] = mapped_column(String(20), default=ApplicationStatus.SUBMITTED)
    submitted_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    submitted_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow, index=True)
    note: Mapped[str] = mapped_column(Text, default="")
    invoice_upload_id: Mapped[int | None] = mapped_column(
        ForeignKey("uploads.id", ondelete="SET NULL")
    )
    payment_upload_id: Mapped[int | None] = mapped_column(
        ForeignKey("uploads.id", ondelete="SET NULL")
    )
    # The order's local date and its calendar year (the year whose cap it counts in).
    order_date: Mapped[dt.date] = mapped_column(Date)
    support_year: Mapped[int] = mapped_column(Integer)
    order_amount_vnd: Mapped[int] = mapped_column(BigInteger)
    # Fixed at the decision.
    version_id: Mapped[int | None] = mapped_column(
        ForeignKey("programme_versions.id", ondelete="RESTRICT")
    )
    size_band: Mapped[str | None] = mapped_column(String(20))
    rate_percent: Mapped[int | None] = mapped_column(Integer)
    cap_vnd: Mapped[int | None] = mapped_column(BigInteger)
    computed_vnd: Mapped[int | None] = mapped_column(BigInteger)
    amount_vnd: Mapped[int | None] = mapped_column(BigInteger)
    reviewer_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    decided_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime(), index=True)
    reason: Mapped[str | None] = mapped_column(Text)
    disbursed_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime(), index=True)
    disbursed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    disbursement_reference: Mapped[str | None] = mapped_column(String(100))
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)

    programme: Mapped[Programme] = relationship()
    order: Mapped[Order] = relationship()
    organization: Mapped[Organization] = relationship()
    version: Mapped[ProgrammeVersion | None] = relationship()
    reviewer: Mapped[User | None] = relationship(foreign_keys=[reviewer_id])
    submitted_by: Mapped[User | None] = relationship(foreign_keys=[submitted_by_id])

    @property
    def name(self) -> str:
        return self.order.name
