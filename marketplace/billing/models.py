"""Billing records: the organisation's Stripe customer, subscriptions, payments, webhook events.

Stripe is the source of truth for money; these rows mirror what its webhooks (and the
objects re-fetched from its API) say, so pages and sales figures need no API call.
"""

from __future__ import annotations

import datetime as dt
from enum import StrEnum

from sqlalchemy import (
    BigInteger,
    Boolean,
    CheckConstraint,
    ForeignKey,
    Index,
    String,
    Text,
    false,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from marketplace.accounts.models import Organization, User
from marketplace.catalog.models import Plan, Solution
from marketplace.core.database import UTCDateTime, utcnow
from marketplace.extensions import db
from marketplace.trials.models import TrialRequest


class PaymentStatus(StrEnum):
    PENDING = "pending"  # a checkout session is open (or being opened)
    PAID = "paid"
    FAILED = "failed"
    EXPIRED = "expired"  # the checkout session expired, or was replaced by a new attempt


class CheckoutMode(StrEnum):
    PAYMENT = "payment"  # a one-time plan
    SUBSCRIPTION = "subscription"  # a monthly or yearly plan


class SubscriptionStatus(StrEnum):
    """Stripe's subscription statuses, kept as Stripe names them."""

    INCOMPLETE = "incomplete"
    INCOMPLETE_EXPIRED = "incomplete_expired"
    TRIALING = "trialing"
    ACTIVE = "active"
    PAST_DUE = "past_due"
    CANCELED = "canceled"
    UNPAID = "unpaid"
    PAUSED = "paused"


# The organisation has the service (or is being asked to pay for it): it may cancel.
LIVE_SUBSCRIPTION_STATUSES = (
    SubscriptionStatus.TRIALING,
    SubscriptionStatus.ACTIVE,
    SubscriptionStatus.PAST_DUE,
)
# Statuses Stripe never leaves: a late event must not bring the subscription back.
FINAL_SUBSCRIPTION_STATUSES = (
    SubscriptionStatus.CANCELED,
    SubscriptionStatus.INCOMPLETE_EXPIRED,
)

_PAYMENT_STATUS_SQL = "status IN ('pending', 'paid', 'failed', 'expired')"
_MODE_SQL = "mode IN ('payment', 'subscription')"
_PENDING_SQL = "status = 'pending'"


class StripeCustomer(db.Model):
    """The Stripe customer of an organisation: exactly one per organisation."""

    __tablename__ = "stripe_customers"

    id: Mapped[int] = mapped_column(primary_key=True)
    organization_id: Mapped[int] = mapped_column(
        ForeignKey("organizations.id", ondelete="RESTRICT"), unique=True
    )
    stripe_customer_id: Mapped[str] = mapped_column(String(255), unique=True)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow)

    organization: Mapped[Organization] = relationship()


class Subscription(db.Model):
    """An organisation's subscription to a monthly or yearly plan, mirrored from Stripe."""

    __tablename__ = "subscriptions"
    __table_args__ = (
        Index("ix_subscriptions_vendor_status", "vendor_id", "status"),
        Index("ix_subscriptions_org_solution", "organization_id", "solution_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    organization_id: Mapped[int] = mapped_column(
        ForeignKey("organizations.id", ondelete="RESTRICT"), index=True
    )
    # The solution's vendor, copied so sales pages need no join.
    vendor_id: Mapped[int] = mapped_column(ForeignKey("organizations.id", ondelete="RESTRICT"))
    solution_id: Mapped[int] = mapped_column(ForeignKey("solutions.id", ondelete="RESTRICT"))
    plan_id: Mapped[int] = mapped_column(ForeignKey("plans.id", ondelete="RESTRICT"), index=True)
    trial_id: Mapped[int | None] = mapped_column(
        ForeignKey("trial_requests.id", ondelete="SET NULL")
    )
    stripe_subscription_id: Mapped[str] = mapped_column(String(255), unique=True)
    stripe_customer_id: Mapped[str | None] = mapped_column(String(255))
    status: Mapped[str] = mapped_column(String(30), default=SubscriptionStatus.INCOMPLETE)
    # What one period costs, in đồng, as sold (the plan's price may change later).
    amount_vnd: Mapped[int] = mapped_column(BigInteger)
    period: Mapped[str] = mapped_column(String(10))
    current_period_end: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    cancel_at_period_end: Mapped[bool] = mapped_column(
        Boolean, default=False, server_default=false()
    )
    canceled_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)

    organization: Mapped[Organization] = relationship(foreign_keys=[organization_id])
    vendor: Mapped[Organization] = relationship(foreign_keys=[vendor_id])
    solution: Mapped[Solution] = relationship()
    plan: Mapped[Plan] = relationship()
    trial: Mapped[TrialRequest | None] = relationship()

    @property
    def is_live(self) -> bool:
        return self.status in LIVE_SUBSCRIPTION_STATUSES

    @property
    def name(self) -> str:
        return f"{self.solution.name} — {self.plan.name}"

    def __repr__(self) -> str:
        return f"<Subscription {self.id} {self.status} org={self.organization_id}>"


class Payment(db.Model):
    """One payment: a checkout (one-time or a subscription's first invoice) or a renewal.

    A checkout row is created `pending` before Stripe is called; its `attempt_key` makes
    the idempotency keys of that attempt, so a double submit reuses the same session.
    Renewals come from `invoice.paid` / `invoice.payment_failed` and have no session.
    """

    __tablename__ = "payments"
    __table_args__ = (
        CheckConstraint(_PAYMENT_STATUS_SQL, name="status"),
        CheckConstraint(_MODE_SQL, name="mode"),
        CheckConstraint("amount_vnd >= 0", name="amount"),
        # One open checkout per organisation and plan: concurrent submits share it.
        Index(
            "uq_payments_pending",
            "organization_id",
            "plan_id",
            unique=True,
            sqlite_where=text(_PENDING_SQL),
            postgresql_where=text(_PENDING_SQL),
        ),
        Index("ix_payments_vendor_status", "vendor_id", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    organization_id: Mapped[int] = mapped_column(
        ForeignKey("organizations.id", ondelete="RESTRICT"), index=True
    )
    vendor_id: Mapped[int] = mapped_column(ForeignKey("organizations.id", ondelete="RESTRICT"))
    solution_id: Mapped[int] = mapped_column(ForeignKey("solutions.id", ondelete="RESTRICT"))
    plan_id: Mapped[int] = mapped_column(ForeignKey("plans.id", ondelete="RESTRICT"), index=True)
    trial_id: Mapped[int | None] = mapped_column(
        ForeignKey("trial_requests.id", ondelete="SET NULL")
    )
    subscription_id: Mapped[int | None] = mapped_column(
        ForeignKey("subscriptions.id", ondelete="SET NULL"), index=True
    )
    # Who started the checkout (None for renewals).
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    mode: Mapped[str] = mapped_column(String(20))
    status: Mapped[str] = mapped_column(String(20), default=PaymentStatus.PENDING)
    amount_vnd: Mapped[int] = mapped_column(BigInteger)
    currency: Mapped[str] = mapped_column(String(3), default="vnd")
    attempt_key: Mapped[str | None] = mapped_column(String(64))
    checkout_session_id: Mapped[str | None] = mapped_column(String(255), unique=True)
    checkout_url: Mapped[str | None] = mapped_column(Text)
    stripe_invoice_id: Mapped[str | None] = mapped_column(String(255), unique=True)
    stripe_payment_intent_id: Mapped[str | None] = mapped_column(String(255))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow, index=True)
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)
    paid_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())

    organization: Mapped[Organization] = relationship(foreign_keys=[organization_id])
    vendor: Mapped[Organization] = relationship(foreign_keys=[vendor_id])
    solution: Mapped[Solution] = relationship()
    plan: Mapped[Plan] = relationship()
    trial: Mapped[TrialRequest | None] = relationship()
    subscription: Mapped[Subscription | None] = relationship()
    user: Mapped[User | None] = relationship()

    @property
    def is_renewal(self) -> bool:
        return self.checkout_session_id is None and self.mode == CheckoutMode.SUBSCRIPTION

    @property
    def name(self) -> str:
        return f"{self.solution.name} — {self.plan.name}"

    def __repr__(self) -> str:
        return f"<Payment {self.id} {self.status} {self.amount_vnd} org={self.organization_id}>"


class WebhookEvent(db.Model):
    """A Stripe event received once: its id is unique, so a repeated delivery does nothing."""

    __tablename__ = "webhook_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    stripe_event_id: Mapped[str] = mapped_column(String(255), unique=True)
    type: Mapped[str] = mapped_column(String(100))
    received_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow)
    processed_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
