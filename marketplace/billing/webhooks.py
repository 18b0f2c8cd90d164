"""Stripe webhook events: each event once (WebhookEvent.stripe_event_id is unique); the
session and subscription are re-fetched from the API, so events in any order end in the
state Stripe holds.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from marketplace.billing import order_status
from marketplace.billing.checkout import apply_session
from marketplace.billing.errors import unavailable
from marketplace.billing.models import (
    CheckoutMode,
    Payment,
    PaymentStatus,
    WebhookEvent,
)
from marketplace.billing.payments import audit_payment, set_payment_status, tell_failed, tell_paid
from marketplace.billing.stripe_data import (
    CURRENCY,
    fetch_current,
    id_of,
    int_or_none,
    payment_from_metadata,
)
from marketplace.billing.stripe_gateway import StripeGatewayError
from marketplace.billing.subscriptions import sync_subscription
from marketplace.core.database import utcnow
from marketplace.extensions import db

log = logging.getLogger(__name__)


P = PaymentStatus


def receive_event(event: dict[str, Any]) -> str:
    """Handle a verified Stripe event once; return "duplicate", "processed", "ignored" or "missing".

    The event id is stored first (unique): a repeated or concurrent delivery of the same
    event finds it and changes nothing. Raises PaymentUnavailable when Stripe cannot be
    asked: the caller rolls back (forgetting the event) and answers 503 so Stripe retries.
    When Stripe answers that the event's object no longer exists, a retry cannot help:
    whatever the handler changed is undone, the event is recorded as handled with nothing
    to do ("missing") and acknowledged. The caller commits.
    """
    event_id = str(event["id"])[:255]
    if db.session.scalar(select(WebhookEvent.id).where(WebhookEvent.stripe_event_id == event_id)):
        return "duplicate"
    row = WebhookEvent(stripe_event_id=event_id, type=str(event.get("type", ""))[:100])
    db.session.add(row)
    try:
        db.session.flush()
    except IntegrityError:
        db.session.rollback()
        return "duplicate"
    handler = HANDLERS.get(row.type)
    obj = (event.get("data") or {}).get("object") or {}
    if handler is None or not isinstance(obj, dict) or not obj.get("id"):
        row.processed_at = utcnow()
        return "ignored"
    try:
        # A savepoint: an object gone half-way through leaves no half-applied change.
        with db.session.begin_nested():
            handler(obj, row.type)
    except StripeGatewayError as err:
        if not err.is_missing:
            raise unavailable(err) from err
        log.warning(
            "Stripe event %s (%s): %s no longer exists at Stripe; nothing to do (%s)",
            event_id,
            row.type,
            obj.get("id"),
            err,
        )
        row.processed_at = utcnow()
        db.session.flush()
        return "missing"
    row.processed_at = utcnow()
    db.session.flush()
    return "processed"


def _on_checkout_session(obj: dict[str, Any], event_type: str) -> None:
    session = fetch_current(lambda gw: gw.retrieve_checkout_session(obj["id"]), obj)
    payment = db.session.scalar(
        select(Payment).where(Payment.checkout_session_id == session["id"]).with_for_update()
    )
    if payment is None:
        payment = payment_from_metadata(session.get("metadata"))
        if payment is None or payment.checkout_session_id not in (None, session["id"]):
            log.info("checkout session %s is not one of ours", session["id"])
            return
        payment.checkout_session_id = session["id"]
    apply_session(payment, session, event_type)


def _invoice_subscription(invoice: dict[str, Any]) -> tuple[str | None, dict[str, Any]]:
    """Return the invoice's subscription id and its metadata (current and older API shapes)."""
    parent = invoice.get("parent") or {}
    details = parent.get("subscription_details") or invoice.get("subscription_details") or {}
    subscription_id = id_of(details.get("subscription")) or id_of(invoice.get("subscription"))
    metadata = dict(details.get("metadata") or {})
    return subscription_id, metadata


def _on_invoice(obj: dict[str, Any], event_type: str) -> None:
    """Record an invoice's payment (or its failure) and bring its subscription up to date.

    A paid or failed invoice stays so, whatever order events arrive in, so the event's
    invoice is trusted; the subscription is re-fetched.
    """
    invoice = obj
    subscription_id, metadata = _invoice_subscription(invoice)
    if subscription_id is None:
        return  # one-time payments are confirmed by checkout.session.completed
    paid = event_type == "invoice.paid"
    payment = db.session.scalar(
        select(Payment).where(Payment.stripe_invoice_id == invoice["id"]).with_for_update()
    )
    if payment is None and invoice.get("billing_reason") == "subscription_create":
        # The first invoice belongs to the checkout that created the subscription.
        candidate = payment_from_metadata(metadata)
        if candidate is not None and candidate.stripe_invoice_id in (None, invoice["id"]):
            payment = candidate
            payment.stripe_invoice_id = invoice["id"]
    subscription = sync_subscription(subscription_id, payment=payment)
    if subscription is None:
        log.info("invoice %s: subscription %s is not one of ours", invoice["id"], subscription_id)
        return
    if payment is None:
        payment = Payment(
            organization_id=subscription.organization_id,
            vendor_id=subscription.vendor_id,
            solution_id=subscription.solution_id,
            plan_id=subscription.plan_id,
            subscription_id=subscription.id,
            mode=CheckoutMode.SUBSCRIPTION,
            status=P.PAID if paid else P.FAILED,
            amount_vnd=int_or_none(invoice.get("amount_paid" if paid else "amount_due")) or 0,
            currency=str(invoice.get("currency") or CURRENCY)[:3],
            stripe_invoice_id=invoice["id"],
            paid_at=utcnow() if paid else None,
        )
        db.session.add(payment)
        db.session.flush()
        audit_payment(payment, None, payment.status)
        if paid:
            tell_paid(payment)
        else:
            tell_failed(payment)
        return
    if payment.subscription_id is None:
        payment.subscription_id = subscription.id
    db.session.flush()
    if paid:
        set_payment_status(payment, P.PAID)
    else:
        set_payment_status(payment, P.FAILED, only_from=(P.PENDING,))


def _on_charge_refunded(obj: dict[str, Any], event_type: str) -> None:
    """A card payment refunded in full: its order becomes `refunded` (signed event's charge)."""
    if not obj.get("refunded"):
        return  # a partial refund leaves the order paid; the vendor settles it
    intent_id = id_of(obj.get("payment_intent"))
    if not intent_id:
        return
    payment = db.session.scalar(
        select(Payment).where(Payment.stripe_payment_intent_id == intent_id)
    )
    if payment is not None:
        order_status.payment_refunded(payment)


def _on_subscription(obj: dict[str, Any], event_type: str) -> None:
    sync_subscription(obj["id"], fallback=obj)


HANDLERS: dict[str, Callable[[dict[str, Any], str], None]] = {
    "checkout.session.completed": _on_checkout_session,
    "checkout.session.async_payment_succeeded": _on_checkout_session,
    "checkout.session.async_payment_failed": _on_checkout_session,
    "checkout.session.expired": _on_checkout_session,
    "invoice.paid": _on_invoice,
    "invoice.payment_failed": _on_invoice,
    "charge.refunded": _on_charge_refunded,
    "customer.subscription.created": _on_subscription,
    "customer.subscription.updated": _on_subscription,
    "customer.subscription.deleted": _on_subscription,
}
# The events to select when registering the webhook endpoint (README).
WEBHOOK_EVENTS = tuple(HANDLERS)
