"""Needs ("chợ bài toán"): an enterprise's problem, the vendors' public questions, their
sealed proposals with priced lines, and the vendors that asked not to be alerted."""

from __future__ import annotations

import datetime as dt
import json
from enum import StrEnum

from sqlalchemy import (
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
from marketplace.catalog.models import Category, Solution
from marketplace.core.database import UTCDateTime, utcnow
from marketplace.extensions import db


class NeedStatus(StrEnum):
    PENDING = "pending"  # waiting for a moderator; only the enterprise and staff see it
    REJECTED = "rejected"
    OPEN = "open"  # vendors see it, ask and propose until the deadline
    AWARDED = "awarded"
    NOT_AWARDED = "not_awarded"  # the enterprise closed it without choosing, with a reason
    EXPIRED = "expired"  # nobody was chosen in time (the daily job)


class ProposalStatus(StrEnum):
    SUBMITTED = "submitted"
    WITHDRAWN = "withdrawn"
    AWARDED = "awarded"
    NOT_SELECTED = "not_selected"


CLOSED_STATUSES = (NeedStatus.AWARDED, NeedStatus.NOT_AWARDED, NeedStatus.EXPIRED)
_NEED_STATUS_SQL = "status IN ('pending', 'rejected', 'open', 'awarded', 'not_awarded', 'expired')"
_PROPOSAL_STATUS_SQL = "status IN ('submitted', 'withdrawn', 'awarded', 'not_selected')"


class Need(db.Model):
    """A problem an enterprise posts for vendors to propose solutions to."""

    __tablename__ = "needs"
    __table_args__ = (
        CheckConstraint(_NEED_STATUS_SQL, name="status"),
        CheckConstraint("users_count >= 1 AND users_count <= 100000", name="users_count"),
        CheckConstraint("budget_min_vnd >= 0 AND budget_max_vnd >= budget_min_vnd", name="budget"),
        Index("ix_needs_status_deadline", "status", "deadline"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    organization_id: Mapped[int] = mapped_column(
        ForeignKey("organizations.id", ondelete="RESTRICT"), index=True
    )
    posted_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    title: Mapped[str] = mapped_column(String(160))
    problem: Mapped[str] = mapped_column(Text)
    category_id: Mapped[int | None] = mapped_column(
        ForeignKey("categories.id", ondelete="SET NULL"), index=True
    )
    users_count: Mapped[int] = mapped_column(Integer)
    # A JSON list of short texts: the features a proposal must cover.
    must_haves_json: Mapped[str] = mapped_column(Text, default="[]")
    budget_min_vnd: Mapped[int] = mapped_column(BigInteger)
    budget_max_vnd: Mapped[int] = mapped_column(BigInteger)
    deadline: Mapped[dt.date] = mapped_column(Date)  # proposals accepted through this day
    commune_code: Mapped[str | None] = mapped_column(String(5))
    # The former province of the commune (copied: the dashboard groups by it).
    area_code: Mapped[str | None] = mapped_column(String(3), index=True)
    show_name: Mapped[bool] = mapped_column(Boolean, default=False)
    status: Mapped[str] = mapped_column(String(20), default=NeedStatus.PENDING)
    moderation_reason: Mapped[str | None] = mapped_column(Text)
    close_reason: Mapped[str | None] = mapped_column(Text)
    moderated_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    published_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    closed_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow, index=True)
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)

    organization: Mapped[Organization] = relationship()
    posted_by: Mapped[User | None] = relationship(foreign_keys=[posted_by_id])
    category: Mapped[Category | None] = relationship()
    questions: Mapped[list[NeedQuestion]] = relationship(
        back_populates="need",
        order_by="[NeedQuestion.created_at, NeedQuestion.id]",
        cascade="all, delete-orphan",
    )
    proposals: Mapped[list[Proposal]] = relationship(
        back_populates="need", order_by="Proposal.id", cascade="all, delete-orphan"
    )

    @property
    def must_haves(self) -> list[str]:
        try:
            items = json.loads(self.must_haves_json or "[]")
        except ValueError:
            return []
        return [str(i) for i in items] if isinstance(items, list) else []

    @must_haves.setter
    def must_haves(self, items: list[str]) -> None:
        self.must_haves_json = json.dumps(list(items), ensure_ascii=False)

    @property
    def is_closed(self) -> bool:
        return self.status in CLOSED_STATUSES

    def __repr__(self) -> str:
        return f"<Need {self.id} {self.status} org={self.organization_id}>"


class NeedQuestion(db.Model):
    """A vendor's clarification question; once answered, every vendor who sees the need
    reads it (without the asking vendor's name)."""

    __tablename__ = "need_questions"

    id: Mapped[int] = mapped_column(primary_key=True)
    need_id: Mapped[int] = mapped_column(ForeignKey("needs.id", ondelete="CASCADE"), index=True)
    vendor_id: Mapped[int] = mapped_column(ForeignKey("organizations.id", ondelete="CASCADE"))
    asked_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    body: Mapped[str] = mapped_column(Text)
    answer: Mapped[str | None] = mapped_column(Text)
    answered_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    answered_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow)

    need: Mapped[Need] = relationship(back_populates="questions")


class Proposal(db.Model):
    """A vendor's answer to a need: at most one per vendor, edited until the deadline."""

    __tablename__ = "proposals"
    __table_args__ = (
        CheckConstraint(_PROPOSAL_STATUS_SQL, name="status"),
        UniqueConstraint("need_id", "vendor_id"),
        CheckConstraint("implementation_days >= 1", name="implementation_days"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    need_id: Mapped[int] = mapped_column(ForeignKey("needs.id", ondelete="CASCADE"), index=True)
    vendor_id: Mapped[int] = mapped_column(
        ForeignKey("organizations.id", ondelete="RESTRICT"), index=True
    )
    submitted_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    status: Mapped[str] = mapped_column(String(20), default=ProposalStatus.SUBMITTED)
    shortlisted: Mapped[bool] = mapped_column(Boolean, default=False)
    implementation_days: Mapped[int] = mapped_column(Integer)
    trial_offered: Mapped[bool] = mapped_column(Boolean, default=False)
    note: Mapped[str] = mapped_column(Text, default="")
    # JSON list of the positions (0, 1, …) of the need's must-haves the proposal covers.
    covers_json: Mapped[str] = mapped_column(Text, default="[]")
    subtotal_vnd: Mapped[int] = mapped_column(BigInteger, default=0)
    vat_vnd: Mapped[int] = mapped_column(BigInteger, default=0)
    total_vnd: Mapped[int] = mapped_column(BigInteger, default=0)
    # The first year's cost with VAT: monthly lines × 12, yearly and one-time lines once.
    first_year_vnd: Mapped[int] = mapped_column(BigInteger, default=0)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow)
    decided_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())

    need: Mapped[Need] = relationship(back_populates="proposals")
    vendor: Mapped[Organization] = relationship()
    lines: Mapped[list[ProposalLine]] = relationship(
        back_populates="proposal", order_by="ProposalLine.position", cascade="all, delete-orphan"
    )
    solutions: Mapped[list[Solution]] = relationship(secondary="proposal_solutions")

    @property
    def prices(self):
        """The compared prices of the stored lines (rules.ProposalPrices)."""
        from marketplace.needs.rules import proposal_prices

        return proposal_prices(self.lines)

    @property
    def covers(self) -> set[int]:
        try:
            items = json.loads(self.covers_json or "[]")
        except ValueError:
            return set()
        return {int(i) for i in items if isinstance(i, int)} if isinstance(items, list) else set()

    @covers.setter
    def covers(self, positions) -> None:
        self.covers_json = json.dumps(sorted(set(positions)))


class ProposalSolution(db.Model):
    """A published listing of the vendor named in a proposal."""

    __tablename__ = "proposal_solutions"

    proposal_id: Mapped[int] = mapped_column(
        ForeignKey("proposals.id", ondelete="CASCADE"), primary_key=True
    )
    solution_id: Mapped[int] = mapped_column(
        ForeignKey("solutions.id", ondelete="CASCADE"), primary_key=True
    )


class ProposalLine(db.Model):
    """One priced line of a proposal: what, how many, the unit price before VAT, the VAT
    treatment (quotes.vat) and the billing period (billing's month/year/once)."""

    __tablename__ = "proposal_lines"
    __table_args__ = (
        CheckConstraint("quantity >= 1", name="quantity"),
        CheckConstraint("unit_price_vnd >= 1", name="unit_price"),
        CheckConstraint("vat IN ('exempt', '0', '5', '8', '10')", name="vat"),
        CheckConstraint("period IN ('month', 'year', 'once')", name="period"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    proposal_id: Mapped[int] = mapped_column(
        ForeignKey("proposals.id", ondelete="CASCADE"), index=True
    )
    position: Mapped[int] = mapped_column(Integer)
    description: Mapped[str] = mapped_column(String(200))
    quantity: Mapped[int] = mapped_column(Integer)
    unit_price_vnd: Mapped[int] = mapped_column(BigInteger)
    vat: Mapped[str] = mapped_column(String(10))
    period: Mapped[str] = mapped_column(String(10))
    amount_vnd: Mapped[int] = mapped_column(BigInteger)
    vat_vnd: Mapped[int] = mapped_column(BigInteger)

    proposal: Mapped[Proposal] = relationship(back_populates="lines")


class NeedAlertOptOut(db.Model):
    """A vendor that asked not to be alerted of new matching needs."""

    __tablename__ = "need_alert_optouts"

    organization_id: Mapped[int] = mapped_column(
        ForeignKey("organizations.id", ondelete="CASCADE"), primary_key=True
    )
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow)
