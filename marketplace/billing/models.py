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
    true,
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
    def is_new_purchase(self) -> bool:
        """A checkout (not a renewal, which has no attempt) counts as a purchase (insights)."""
        return self.attempt_key is not None

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


# ---------------------------------------------------------------- orders and bank transfers


class OrderStatus(StrEnum):
    AWAITING_PAYMENT = "awaiting_payment"
    PAID = "paid"
    EXPIRED = "expired"
    CANCELLED = "cancelled"
    REFUNDED = "refunded"  # Stripe refunded the card payment


class PaymentMethod(StrEnum):
    BANK_TRANSFER = "bank_transfer"
    CARD = "card"  # Stripe Checkout


class OrderSource(StrEnum):
    PLAN = "plan"  # the buy button of a plan
    QUOTE = "quote"  # an accepted offer (quotes)
    NEED = "need"  # an awarded proposal (needs board)
    RENEWAL = "renewal"  # the next period of a plan paid by transfer (source_id: the last order)


_ORDER_STATUS_SQL = "status IN ('awaiting_payment', 'paid', 'expired', 'cancelled', 'refunded')"
_METHOD_SQL = "payment_method IN ('bank_transfer', 'card')"
_RENEWAL_SQL = "source = 'renewal'"


class Order(db.Model):
    """A purchase, whatever the payment method: lines at an agreed price, VAT, the buyer's
    invoice details, how it was paid and the e-invoice the vendor issued.

    `number` is the order code the buyer writes in the transfer description. The bank
    account is copied when the order is placed, so its QR code never changes afterwards.
    """

    __tablename__ = "orders"
    __table_args__ = (
        CheckConstraint(_ORDER_STATUS_SQL, name="status"),
        CheckConstraint(_METHOD_SQL, name="payment_method"),
        CheckConstraint("total_vnd >= 0 AND subtotal_vnd >= 0 AND vat_vnd >= 0", name="amounts"),
        Index("ix_orders_vendor_created", "vendor_id", "created_at"),
        Index("ix_orders_org_created", "organization_id", "created_at"),
        Index("ix_orders_status_expires", "status", "expires_at"),
        # One renewal order per renewed order: two job runners at once create one.
        Index(
            "uq_orders_renewal_of",
            "source_id",
            unique=True,
            sqlite_where=text(_RENEWAL_SQL),
            postgresql_where=text(_RENEWAL_SQL),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(String(16), unique=True)
    organization_id: Mapped[int] = mapped_column(
        ForeignKey("organizations.id", ondelete="RESTRICT")
    )
    vendor_id: Mapped[int] = mapped_column(ForeignKey("organizations.id", ondelete="RESTRICT"))
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    source: Mapped[str] = mapped_column(String(20), default=OrderSource.PLAN)
    source_id: Mapped[int | None] = mapped_column()
    solution_id: Mapped[int | None] = mapped_column(
        ForeignKey("solutions.id", ondelete="RESTRICT"), index=True
    )
    plan_id: Mapped[int | None] = mapped_column(ForeignKey("plans.id", ondelete="RESTRICT"))
    trial_id: Mapped[int | None] = mapped_column(
        ForeignKey("trial_requests.id", ondelete="SET NULL")
    )
    status: Mapped[str] = mapped_column(String(20), default=OrderStatus.AWAITING_PAYMENT)
    payment_method: Mapped[str] = mapped_column(String(20), default=PaymentMethod.BANK_TRANSFER)
    subtotal_vnd: Mapped[int] = mapped_column(BigInteger, default=0)
    vat_vnd: Mapped[int] = mapped_column(BigInteger, default=0)
    total_vnd: Mapped[int] = mapped_column(BigInteger, default=0)
    # The receiving account at order time (bank transfers).
    bank_bin: Mapped[str | None] = mapped_column(String(8))
    bank_account_number: Mapped[str | None] = mapped_column(String(30))
    bank_account_holder: Mapped[str | None] = mapped_column(String(100))
    # The card payment (Stripe Checkout) that pays it.
    payment_id: Mapped[int | None] = mapped_column(
        ForeignKey("payments.id", ondelete="SET NULL"), unique=True
    )
    # The buyer's invoice details (prefilled from the organisation, editable).
    invoice_legal_name: Mapped[str] = mapped_column(String(200), default="")
    invoice_tax_code: Mapped[str] = mapped_column(String(20), default="")
    invoice_address: Mapped[str] = mapped_column(String(300), default="")
    invoice_email: Mapped[str] = mapped_column(String(254), default="")
    # How it was paid.
    payment_reference: Mapped[str | None] = mapped_column(String(100))
    payment_date: Mapped[dt.date | None] = mapped_column()
    confirmed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    # The e-invoice the vendor issued (Nghị định 123/2020/NĐ-CP).
    einvoice_number: Mapped[str | None] = mapped_column(String(20))
    einvoice_symbol: Mapped[str | None] = mapped_column(String(20))
    einvoice_date: Mapped[dt.date | None] = mapped_column()
    einvoice_lookup_code: Mapped[str | None] = mapped_column(String(60))
    einvoice_lookup_url: Mapped[str | None] = mapped_column(String(500))
    einvoice_recorded_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    invoice_reminded_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    expires_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    paid_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    closed_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)

    organization: Mapped[Organization] = relationship(foreign_keys=[organization_id])
    vendor: Mapped[Organization] = relationship(foreign_keys=[vendor_id])
    user: Mapped[User | None] = relationship(foreign_keys=[user_id])
    confirmed_by: Mapped[User | None] = relationship(foreign_keys=[confirmed_by_id])
    solution: Mapped[Solution | None] = relationship()
    plan: Mapped[Plan | None] = relationship()
    trial: Mapped[TrialRequest | None] = relationship()
    payment: Mapped[Payment | None] = relationship()
    lines: Mapped[list[OrderLine]] = relationship(
        back_populates="order", order_by="OrderLine.position", cascade="all, delete-orphan"
    )

    @property
    def name(self) -> str:
        if self.solution is not None and self.plan is not None:
            return f"{self.solution.name} — {self.plan.name}"
        return self.lines[0].description if self.lines else self.number

    @property
    def has_einvoice(self) -> bool:
        return self.einvoice_number is not None

    @property
    def is_new_purchase(self) -> bool:
        """A paid order counts as a purchase of its solution (insights); a renewal does not."""
        return self.solution_id is not None and self.source != OrderSource.RENEWAL

    @property
    def is_renewal(self) -> bool:
        return self.source == OrderSource.RENEWAL

    def __repr__(self) -> str:
        return f"<Order {self.number} {self.status} {self.total_vnd}>"


class OrderLine(db.Model):
    """One line of an order: what, how many, at what unit price, its VAT and its amounts."""

    __tablename__ = "order_lines"
    __table_args__ = (
        CheckConstraint("quantity > 0", name="quantity"),
        CheckConstraint("unit_price_vnd >= 0", name="unit_price"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("orders.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(default=0)
    description: Mapped[str] = mapped_column(String(300))
    plan_id: Mapped[int | None] = mapped_column(ForeignKey("plans.id", ondelete="SET NULL"))
    period: Mapped[str | None] = mapped_column(String(10))
    quantity: Mapped[int] = mapped_column(default=1)
    unit_price_vnd: Mapped[int] = mapped_column(BigInteger)
    price_includes_vat: Mapped[bool] = mapped_column(default=True)
    vat_treatment: Mapped[str] = mapped_column(String(10), default="exempt")
    vat_rate: Mapped[int] = mapped_column(default=0)  # percent, on the order's date
    net_vnd: Mapped[int] = mapped_column(BigInteger)
    vat_vnd: Mapped[int] = mapped_column(BigInteger)
    total_vnd: Mapped[int] = mapped_column(BigInteger)

    order: Mapped[Order] = relationship(back_populates="lines")


class ServicePeriod(db.Model):
    """The time a paid transfer order of a monthly or yearly plan buys: one per order.

    The service runs from `starts_on` to the end of `ends_on` (local dates,
    Asia/Ho_Chi_Minh); a renewal's period starts on the previous `ends_on`, whenever the
    renewal was paid. `renewal_order_id` is the order issued for the next period (once:
    `renewal_claimed_at` is set by one conditional UPDATE before the order is created);
    `auto_renew` is the buyer's switch, carried over to the next period.
    """

    __tablename__ = "service_periods"
    __table_args__ = (
        CheckConstraint("period IN ('month', 'year')", name="period"),
        CheckConstraint("ends_on > starts_on", name="dates"),
        Index("ix_service_periods_org_plan", "organization_id", "plan_id", "ends_on"),
        Index("ix_service_periods_vendor_ends", "vendor_id", "ends_on"),
        Index("ix_service_periods_ends", "ends_on"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("orders.id", ondelete="CASCADE"), unique=True)
    organization_id: Mapped[int] = mapped_column(
        ForeignKey("organizations.id", ondelete="RESTRICT")
    )
    vendor_id: Mapped[int] = mapped_column(ForeignKey("organizations.id", ondelete="RESTRICT"))
    solution_id: Mapped[int | None] = mapped_column(ForeignKey("solutions.id", ondelete="RESTRICT"))
    plan_id: Mapped[int | None] = mapped_column(ForeignKey("plans.id", ondelete="SET NULL"))
    period: Mapped[str] = mapped_column(String(10))
    starts_on: Mapped[dt.date] = mapped_column()
    ends_on: Mapped[dt.date] = mapped_column()
    auto_renew: Mapped[bool] = mapped_column(Boolean, default=True, server_default=true())
    renewal_claimed_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    renewal_order_id: Mapped[int | None] = mapped_column(
        ForeignKey("orders.id", ondelete="SET NULL")
    )
    # When the buyer was told the plan can no longer be renewed (withdrawn from sale).
    not_renewable_notified_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow)

    order: Mapped[Order] = relationship(foreign_keys=[order_id])
    renewal_order: Mapped[Order | None] = relationship(foreign_keys=[renewal_order_id])
    organization: Mapped[Organization] = relationship(foreign_keys=[organization_id])
    vendor: Mapped[Organization] = relationship(foreign_keys=[vendor_id])
    solution: Mapped[Solution | None] = relationship()
    plan: Mapped[Plan | None] = relationship()

    @property
    def name(self) -> str:
        return self.order.name

    def runs_on(self, day: dt.date) -> bool:
        return self.starts_on <= day <= self.ends_on

    def __repr__(self) -> str:
        return f"<ServicePeriod {self.id} {self.starts_on}..{self.ends_on} order={self.order_id}>"


class VendorBankAccount(db.Model):
    """The account a vendor's customers transfer to; a change waits for a moderator.

    The confirmed account (`bank_bin`, `account_number`, `account_holder`, `confirmed_at`)
    is the one orders use; a requested change sits in the `pending_*` columns until a
    moderator confirms it (it becomes the account) or rejects it (it is cleared).
    """

    __tablename__ = "vendor_bank_accounts"

    id: Mapped[int] = mapped_column(primary_key=True)
    organization_id: Mapped[int] = mapped_column(
        ForeignKey("organizations.id", ondelete="CASCADE"), unique=True
    )
    bank_bin: Mapped[str | None] = mapped_column(String(8))
    account_number: Mapped[str | None] = mapped_column(String(30))
    account_holder: Mapped[str | None] = mapped_column(String(100))
    confirmed_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    confirmed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    pending_bank_bin: Mapped[str | None] = mapped_column(String(8))
    pending_account_number: Mapped[str | None] = mapped_column(String(30))
    pending_account_holder: Mapped[str | None] = mapped_column(String(100))
    requested_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime(), index=True)
    requested_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    rejection_reason: Mapped[str | None] = mapped_column(Text)
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)

    organization: Mapped[Organization] = relationship()
    requested_by: Mapped[User | None] = relationship(foreign_keys=[requested_by_id])

    @property
    def is_confirmed(self) -> bool:
        return self.confirmed_at is not None and self.account_number is not None

    @property
    def has_pending_change(self) -> bool:
        return self.pending_account_number is not None

    @property
    def name(self) -> str:
        return self.organization.name


class NotificationStatus(StrEnum):
    MATCHED = "matched"  # paid an order
    WRONG_AMOUNT = "wrong_amount"
    UNKNOWN_CODE = "unknown_code"
    WRONG_ACCOUNT = "wrong_account"
    NOT_PAYABLE = "not_payable"  # the order was not awaiting payment
    RESOLVED = "resolved"  # a moderator settled it


NEEDS_REVIEW = (
    NotificationStatus.WRONG_AMOUNT,
    NotificationStatus.UNKNOWN_CODE,
    NotificationStatus.WRONG_ACCOUNT,
    NotificationStatus.NOT_PAYABLE,
)


class BankNotification(db.Model):
    """A credit the bank hub told us about, kept once per bank reference."""

    __tablename__ = "bank_notifications"

    id: Mapped[int] = mapped_column(primary_key=True)
    reference: Mapped[str] = mapped_column(String(100), unique=True)
    amount_vnd: Mapped[int] = mapped_column(BigInteger)
    description: Mapped[str] = mapped_column(String(500), default="")
    account_number: Mapped[str] = mapped_column(String(30), default="")
    transaction_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    status: Mapped[str] = mapped_column(String(20), index=True)
    order_id: Mapped[int | None] = mapped_column(
        ForeignKey("orders.id", ondelete="SET NULL"), index=True
    )
    received_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow)
    resolved_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    resolved_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    resolution_note: Mapped[str | None] = mapped_column(Text)

    order: Mapped[Order | None] = relationship()

    @property
    def name(self) -> str:
        return self.reference
