"""Quote requests, the vendor's offers with their lines, the messages and the timeline."""

from __future__ import annotations

import datetime as dt
from enum import StrEnum

from sqlalchemy import (
    BigInteger,
    CheckConstraint,
    Date,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from marketplace.accounts.models import Organization, User
from marketplace.catalog.models import Plan, Solution
from marketplace.core.database import UTCDateTime, utcnow
from marketplace.extensions import db


class QuoteStatus(StrEnum):
    REQUESTED = "requested"
    OFFERED = "offered"
    ACCEPTED = "accepted"
    DECLINED = "declined"
    EXPIRED = "expired"
    WITHDRAWN = "withdrawn"
    CLOSED = "closed"


class OfferStatus(StrEnum):
    CURRENT = "current"  # the offer the enterprise may accept
    REPLACED = "replaced"  # a newer offer took its place
    RETRACTED = "retracted"  # the vendor took it back (the quote waits for a new one)
    ACCEPTED = "accepted"
    DECLINED = "declined"
    EXPIRED = "expired"


# At most one of these per organisation and solution (a partial unique index).
OPEN_STATUSES = (QuoteStatus.REQUESTED, QuoteStatus.OFFERED)
_OPEN_SQL = "status IN ('requested', 'offered')"
_STATUS_SQL = (
    "status IN ('requested', 'offered', 'accepted', 'declined', 'expired', 'withdrawn', 'closed')"
)
_OFFER_STATUS_SQL = (
    "status IN ('current', 'replaced', 'retracted', 'accepted', 'declined', 'expired')"
)
VAT_SQL = "vat IN ('exempt', '0', '5', '8', '10')"


class QuoteRequest(db.Model):
    """An enterprise's request for a price for its needs, answered by the vendor's offers."""

    __tablename__ = "quote_requests"
    __table_args__ = (
        CheckConstraint(_STATUS_SQL, name="status"),
        CheckConstraint("users_count >= 1 AND users_count <= 100000", name="users_count"),
        Index(
            "uq_quote_requests_open",
            "organization_id",
            "solution_id",
            unique=True,
            sqlite_where=text(_OPEN_SQL),
            postgresql_where=text(_OPEN_SQL),
        ),
        Index("ix_quote_requests_vendor_status", "vendor_id", "status", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    organization_id: Mapped[int] = mapped_column(
        ForeignKey("organizations.id", ondelete="RESTRICT"), index=True
    )
    requested_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    solution_id: Mapped[int] = mapped_column(
        ForeignKey("solutions.id", ondelete="RESTRICT"), index=True
    )
    # None: a custom package ("Theo nhu cầu").
    plan_id: Mapped[int | None] = mapped_column(ForeignKey("plans.id", ondelete="SET NULL"))
    # The solution's vendor, copied so the inbox and response times need no join.
    vendor_id: Mapped[int] = mapped_column(ForeignKey("organizations.id", ondelete="RESTRICT"))
    # The vendor's member who owns the request (a branch's salesperson), if assigned.
    assigned_to_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    users_count: Mapped[int] = mapped_column(Integer)
    needs: Mapped[str] = mapped_column(Text, default="")
    desired_start: Mapped[dt.date | None] = mapped_column(Date)
    budget: Mapped[str | None] = mapped_column(String(20))
    message: Mapped[str] = mapped_column(Text, default="")
    # What the enterprise agreed to share with the vendor when it sent the request.
    contact_name: Mapped[str] = mapped_column(String(120))
    contact_email: Mapped[str] = mapped_column(String(254))
    contact_phone: Mapped[str] = mapped_column(String(20))
    status: Mapped[str] = mapped_column(String(20), default=QuoteStatus.REQUESTED)
    # Why the vendor closed it or the enterprise withdrew or declined.
    reason: Mapped[str | None] = mapped_column(Text)
    first_response_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow, index=True)
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)

    organization: Mapped[Organization] = relationship(foreign_keys=[organization_id])
    vendor: Mapped[Organization] = relationship(foreign_keys=[vendor_id])
    requested_by: Mapped[User | None] = relationship(foreign_keys=[requested_by_id])
    assigned_to: Mapped[User | None] = relationship(foreign_keys=[assigned_to_id])
    solution: Mapped[Solution] = relationship()
    plan: Mapped[Plan | None] = relationship()
    events: Mapped[list[QuoteEvent]] = relationship(
        back_populates="quote",
        order_by="[QuoteEvent.created_at, QuoteEvent.id]",
        cascade="all, delete-orphan",
    )
    offers: Mapped[list[Offer]] = relationship(
        back_populates="quote", order_by="Offer.number.desc()", cascade="all, delete-orphan"
    )
    messages: Mapped[list[QuoteMessage]] = relationship(
        back_populates="quote",
        order_by="[QuoteMessage.created_at, QuoteMessage.id]",
        cascade="all, delete-orphan",
    )

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    @property
    def current_offer(self) -> Offer | None:
        """Return the newest offer (the one accepted, declined or still standing)."""
        return self.offers[0] if self.offers else None

    def __repr__(self) -> str:
        return f"<QuoteRequest {self.id} {self.status} org={self.organization_id}>"


class QuoteEvent(db.Model):
    """One step on a quote's timeline: who moved it from which status to which, and why."""

    __tablename__ = "quote_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    quote_id: Mapped[int] = mapped_column(
        ForeignKey("quote_requests.id", ondelete="CASCADE"), index=True
    )
    # None when the system acted (`flask quotes tick`).
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    from_status: Mapped[str | None] = mapped_column(String(20))
    to_status: Mapped[str] = mapped_column(String(20))
    note: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow)

    quote: Mapped[QuoteRequest] = relationship(back_populates="events")
    actor: Mapped[User | None] = relationship()


class Offer(db.Model):
    """A private offer: priced lines, a validity date and terms. A new one replaces the last."""

    __tablename__ = "offers"
    __table_args__ = (
        CheckConstraint(_OFFER_STATUS_SQL, name="status"),
        UniqueConstraint("quote_id", "number"),
        CheckConstraint("total_vnd >= 0", name="total"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    quote_id: Mapped[int] = mapped_column(ForeignKey("quote_requests.id", ondelete="CASCADE"))
    number: Mapped[int] = mapped_column(Integer)  # 1, 2, … within the quote
    status: Mapped[str] = mapped_column(String(20), default=OfferStatus.CURRENT)
    valid_until: Mapped[dt.date] = mapped_column(Date)
    terms: Mapped[str] = mapped_column(Text, default="")
    subtotal_vnd: Mapped[int] = mapped_column(BigInteger)
    vat_vnd: Mapped[int] = mapped_column(BigInteger)
    total_vnd: Mapped[int] = mapped_column(BigInteger)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow)
    decided_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())

    quote: Mapped[QuoteRequest] = relationship(back_populates="offers")
    created_by: Mapped[User | None] = relationship()
    lines: Mapped[list[OfferLine]] = relationship(
        back_populates="offer", order_by="OfferLine.position", cascade="all, delete-orphan"
    )

    def is_valid_on(self, today: dt.date) -> bool:
        """Tell whether the offer may still be accepted on `today` (its last day included)."""
        return self.status == OfferStatus.CURRENT and today <= self.valid_until


class OfferLine(db.Model):
    """One priced line of an offer: a plan of the solution or a custom item."""

    __tablename__ = "offer_lines"
    __table_args__ = (
        CheckConstraint("quantity >= 1", name="quantity"),
        CheckConstraint("unit_price_vnd >= 1", name="unit_price"),
        CheckConstraint(VAT_SQL, name="vat"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    offer_id: Mapped[int] = mapped_column(ForeignKey("offers.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    plan_id: Mapped[int | None] = mapped_column(ForeignKey("plans.id", ondelete="SET NULL"))
    description: Mapped[str] = mapped_column(String(200))
    quantity: Mapped[int] = mapped_column(Integer)
    unit_price_vnd: Mapped[int] = mapped_column(BigInteger)
    vat: Mapped[str] = mapped_column(String(10))
    amount_vnd: Mapped[int] = mapped_column(BigInteger)  # quantity × unit price, before VAT
    vat_vnd: Mapped[int] = mapped_column(BigInteger)

    offer: Mapped[Offer] = relationship(back_populates="lines")
    plan: Mapped[Plan | None] = relationship()


class QuoteMessage(db.Model):
    """A short message on a quote's thread, from the enterprise or the vendor."""

    __tablename__ = "quote_messages"
    __table_args__ = (CheckConstraint("side IN ('enterprise', 'vendor')", name="side"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    quote_id: Mapped[int] = mapped_column(
        ForeignKey("quote_requests.id", ondelete="CASCADE"), index=True
    )
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    side: Mapped[str] = mapped_column(String(20))
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow)

    quote: Mapped[QuoteRequest] = relationship(back_populates="messages")
    author: Mapped[User | None] = relationship()
