"""Stripe Checkout: the pending payment of an attempt, the organisation's Stripe customer, the
Checkout Session and the buyer's return.

    prepare_checkout  a pending Payment (the attempt) for a plan sold on a published listing;
                      the amount is the plan's price in the database, never the request's
    open_checkout     one Stripe customer per organisation, then a Checkout Session
                      (`subscription` for month/year plans, `payment` for one-time plans),
                      every creating call with an idempotency key derived from the attempt

Payments move pending → paid | failed | expired, and failed | expired → paid when money
arrives late. Every change writes the audit log (actor None: the system, from a webhook).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from typing import Any

from flask import current_app, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError

from marketplace.accounts import roles
from marketplace.accounts.models import User
from marketplace.billing import permissions, stripe_gateway
from marketplace.billing.errors import (
    BillingDisabled,
    BillingError,
    gateway,
    payments_enabled,
    unavailable,
)
from marketplace.billing.models import (
    CheckoutMode,
    Payment,
    PaymentStatus,
    StripeCustomer,
)
from marketplace.billing.payments import set_payment_status
from marketplace.billing.queries import checkout_offer, invoice_taken, pending_payment
from marketplace.billing.stripe_data import CURRENCY, id_of, idempotency_key
from marketplace.billing.stripe_gateway import StripeGatewayError
from marketplace.billing.subscriptions import sync_subscription
from marketplace.core.audit import record_audit
from marketplace.core.database import utcnow
from marketplace.extensions import db

P = PaymentStatus


# Stripe keeps a Checkout Session (and an idempotency key) for 24 hours: reuse an attempt
# for a little less, then start a new one.
ATTEMPT_LIFETIME = dt.timedelta(hours=23)


def prepare_checkout(
    actor: User,
    plan_id: int | None,
    *,
    trial_id: int | None = None,
    solution_id: int | None = None,
    now: dt.datetime | None = None,
) -> Payment:
    """Return the pending payment (the checkout attempt) for a plan, creating it if needed.

    A recent attempt for the same plan, trial and price is reused, so a double submit
    opens the same Checkout Session. Concurrent submits meet at the partial unique index
    on pending payments: the loser's transaction is rolled back (nothing else may be
    pending in the session) and it gets the winner's attempt. The caller commits.
    """
    if not payments_enabled():
        raise BillingDisabled()
    roles.require_action(actor, "order.create")
    offer = checkout_offer(actor, plan_id, trial_id=trial_id, solution_id=solution_id)
    plan = offer.plan
    now = now or utcnow()
    org_id = actor.organization_id
    trial_ref = offer.trial.id if offer.trial else None
    pending = pending_payment(org_id, plan.id)
    if pending is not None:
        if (
            now - pending.created_at < ATTEMPT_LIFETIME
            and pending.trial_id == trial_ref
            and pending.amount_vnd == plan.price_vnd
            and pending.mode == offer.mode
        ):
            return pending
        # Stale or for other terms: close it; its session can still be paid (late payment).
        set_payment_status(pending, P.EXPIRED, only_from=(P.PENDING,), actor=actor)
    payment = Payment(
        organization_id=org_id,
        vendor_id=plan.solution.vendor_id,
        solution_id=plan.solution_id,
        plan_id=plan.id,
        trial_id=trial_ref,
        user_id=actor.id,
        mode=offer.mode,
        status=P.PENDING,
        amount_vnd=plan.price_vnd,
        currency=CURRENCY,
        attempt_key=secrets.token_hex(16),
        created_at=now,
    )
    db.session.add(payment)
    try:
        db.session.flush()
    except IntegrityError:
        # A concurrent submit created the attempt first: share it.
        db.session.rollback()
        pending = pending_payment(org_id, plan.id)
        if pending is None:
            raise BillingError(_("Vui lòng thử lại.")) from None
        return pending
    return payment


def ensure_customer(actor: User) -> str:
    """Return the Stripe customer id of the actor's organisation, creating the customer once.

    The idempotency key is the organisation (and its name, which is sent): a second
    creation within Stripe's 24 hours returns the same customer; the unique column keeps
    one row per organisation. A concurrent insert rolls the session back (nothing else
    may be pending in it) and the other request's row is returned. The caller commits.
    """
    permissions.require_buyer(actor)
    org = actor.organization
    gw = gateway()
    existing = db.session.scalar(
        select(StripeCustomer.stripe_customer_id).where(StripeCustomer.organization_id == org.id)
    )
    if existing:
        return existing
    name_digest = hashlib.sha256(org.name.encode("utf-8")).hexdigest()[:12]
    try:
        customer = gw.create_customer(
            {
                "name": org.name,
                "metadata": {"organization_id": str(org.id), "tax_code": org.tax_code},
            },
            idempotency_key=idempotency_key("customer", "org", org.id, name_digest),
        )
    except StripeGatewayError as err:
        raise unavailable(err) from err
    org_id = org.id
    db.session.add(StripeCustomer(organization_id=org_id, stripe_customer_id=customer["id"]))
    try:
        db.session.flush()
    except IntegrityError:
        db.session.rollback()
        existing = db.session.scalar(
            select(StripeCustomer.stripe_customer_id).where(
                StripeCustomer.organization_id == org_id
            )
        )
        if existing is None:
            raise
        return existing
    return customer["id"]


def _site_url(endpoint: str, **values: Any) -> str:
    return current_app.config["SITE_URL"].rstrip("/") + url_for(endpoint, **values)


def checkout_session_params(payment: Payment, customer_id: str) -> dict[str, Any]:
    """Build the Checkout Session: the amount is the payment's (the plan's price in the database)."""
    plan = payment.plan
    metadata = {
        "organization_id": str(payment.organization_id),
        "plan_id": str(payment.plan_id),
        "trial_id": str(payment.trial_id or ""),
        "payment_id": str(payment.id),
    }
    price_data: dict[str, Any] = {
        "currency": CURRENCY,
        "unit_amount": payment.amount_vnd,
        "product_data": {
            "name": f"{payment.solution.name} — {plan.name}"[:250],
            "metadata": {"plan_id": str(plan.id), "solution_id": str(payment.solution_id)},
        },
    }
    if payment.mode == CheckoutMode.SUBSCRIPTION:
        price_data["recurring"] = {"interval": plan.period}
    params: dict[str, Any] = {
        "mode": payment.mode,
        "customer": customer_id,
        "client_reference_id": str(payment.id),
        "line_items": [{"quantity": 1, "price_data": price_data}],
        "metadata": metadata,
        "locale": "en" if str(get_locale() or "vi") == "en" else "vi",
        # Stripe puts the session id in place of the placeholder.
        "success_url": _site_url("billing.checkout_success") + "?session_id={CHECKOUT_SESSION_ID}",
        "cancel_url": _site_url("billing.checkout_cancelled", payment=payment.id),
    }
    if payment.mode == CheckoutMode.SUBSCRIPTION:
        params["subscription_data"] = {"metadata": metadata}
    else:
        params["payment_intent_data"] = {"metadata": metadata}
    return params


def open_checkout(actor: User, payment: Payment, customer_id: str) -> str:
    """Return the Checkout Session URL of a pending attempt, creating the session once.

    The idempotency key comes from the organisation, plan, trial and the attempt's own
    key, so a retry of the same attempt gets the same session from Stripe. The caller
    commits.
    """
    permissions.require_buyer(actor)
    if payment.organization_id != actor.organization_id or payment.status != P.PENDING:
        raise BillingError(_("Phiên thanh toán này không còn hiệu lực. Vui lòng thử lại."))
    if payment.checkout_session_id and payment.checkout_url:
        return payment.checkout_url
    gw = gateway()
    params = checkout_session_params(payment, customer_id)
    # Stripe refuses a key reused with other parameters: the page language is one of them.
    key = idempotency_key(
        "checkout",
        payment.organization_id,
        payment.plan_id,
        payment.trial_id or 0,
        payment.attempt_key,
        params["locale"],
    )
    try:
        session = gw.create_checkout_session(params, idempotency_key=key)
    except StripeGatewayError as err:
        raise unavailable(err) from err
    stored = db.session.execute(
        update(Payment)
        .where(Payment.id == payment.id, Payment.checkout_session_id.is_(None))
        .values(checkout_session_id=session["id"], checkout_url=session["url"], updated_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    db.session.refresh(payment)
    if stored.rowcount == 1:
        record_audit(
            actor,
            "payment.checkout",
            payment,
            label=payment.name,
            data={
                "amount_vnd": payment.amount_vnd,
                "plan_id": payment.plan_id,
                "trial_id": payment.trial_id,
                "mode": payment.mode,
                "checkout_session_id": session["id"],
            },
        )
    return payment.checkout_url or session["url"]


def confirm_return(actor: User, session_id: str | None) -> Payment | None:
    """Bring a payment up to date when the buyer comes back from Checkout.

    The webhook is what confirms payments; this only asks Stripe early (same rules,
    same idempotent moves), so the page can say "paid" when the webhook is late.
    Returns the organisation's payment of that session, or None. The caller commits.
    """
    if not session_id or not permissions.can_view_billing(actor):
        return None
    payment = db.session.scalar(
        select(Payment).where(
            Payment.checkout_session_id == session_id[:255],
            Payment.organization_id == actor.organization_id,
        )
    )
    if payment is None or payment.status == P.PAID:
        return payment
    gw = stripe_gateway.gateway()
    if gw is None:
        return payment
    try:
        session = gw.retrieve_checkout_session(payment.checkout_session_id)
        apply_session(payment, session, "return")
    except StripeGatewayError as err:
        raise unavailable(err) from err
    return payment


def apply_session(payment: Payment, session: dict[str, Any], event_type: str) -> None:
    """Move a checkout payment to what its (freshly fetched) session says."""
    if session.get("status") == "expired":
        set_payment_status(payment, P.EXPIRED, only_from=(P.PENDING,))
        return
    if session.get("status") != "complete":
        return
    if session.get("payment_status") in ("paid", "no_payment_required"):
        payment.stripe_payment_intent_id = (
            id_of(session.get("payment_intent")) or payment.stripe_payment_intent_id
        )
        invoice_id = id_of(session.get("invoice"))
        if invoice_id and not payment.stripe_invoice_id and not invoice_taken(invoice_id):
            payment.stripe_invoice_id = invoice_id
        subscription_id = id_of(session.get("subscription"))
        if payment.mode == CheckoutMode.SUBSCRIPTION and subscription_id:
            subscription = sync_subscription(subscription_id, payment=payment)
            if subscription is not None:
                payment.subscription_id = subscription.id
        db.session.flush()
        set_payment_status(payment, P.PAID)
    elif event_type == "checkout.session.async_payment_failed":
        set_payment_status(payment, P.FAILED, only_from=(P.PENDING,))
