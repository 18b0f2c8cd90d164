"""Billing rules: checkout, Stripe webhook events, subscriptions, the billing and sales pages.

Money flows through Stripe Checkout:

    prepare_checkout  a pending Payment (the attempt) for a plan sold on a published listing;
                      the amount is the plan's price in the database, never the request's
    open_checkout     one Stripe customer per organisation, then a Checkout Session
                      (`subscription` for month/year plans, `payment` for one-time plans),
                      every creating call with an idempotency key derived from the attempt
    receive_event     each webhook event once (WebhookEvent.stripe_event_id is unique); the
                      session and subscription are re-fetched from the API, so events in any
                      order end in the state Stripe holds

Payments move pending → paid | failed | expired, and failed | expired → paid when money
arrives late. Subscriptions mirror Stripe's status; `canceled` and `incomplete_expired` are
final. Every change writes the audit log (actor None: the system, from a webhook).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from flask import current_app, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from sqlalchemy import Select, func, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload

from marketplace.accounts.models import Organization, User
from marketplace.billing import permissions, stripe_gateway
from marketplace.billing.models import (
    FINAL_SUBSCRIPTION_STATUSES,
    LIVE_SUBSCRIPTION_STATUSES,
    CheckoutMode,
    Payment,
    PaymentStatus,
    StripeCustomer,
    Subscription,
    SubscriptionStatus,
    WebhookEvent,
)
from marketplace.billing.stripe_gateway import StripeGateway, StripeGatewayError
from marketplace.catalog.models import BillingPeriod, Plan, SolutionStatus
from marketplace.core import events
from marketplace.core.audit import record_audit
from marketplace.core.database import utcnow
from marketplace.core.errors import DomainError
from marketplace.core.formatting import format_date, format_vnd
from marketplace.core.urls import path_for
from marketplace.extensions import db
from marketplace.notifications import services as notifications
from marketplace.trials import services as trials
from marketplace.trials.models import TrialRequest, TrialStatus

log = logging.getLogger(__name__)

CURRENCY = "vnd"  # zero-decimal: unit_amount 150000 is 150.000 ₫
# Stripe keeps a Checkout Session (and an idempotency key) for 24 hours: reuse an attempt
# for a little less, then start a new one.
ATTEMPT_LIFETIME = dt.timedelta(hours=23)
# A trial in these statuses is linked to the purchase (a payment converts active or ended).
LINKABLE_TRIAL_STATUSES = (TrialStatus.ACCEPTED, TrialStatus.ACTIVE, TrialStatus.ENDED)
CONVERTIBLE_TRIAL_STATUSES = (TrialStatus.ACTIVE, TrialStatus.ENDED)

S = SubscriptionStatus
P = PaymentStatus


class BillingError(DomainError):
    """A rule was broken or payment is not possible now; `message` is shown to the user."""


class BillingDisabled(BillingError):
    """Online payment is not configured (no Stripe secret key)."""

    status = 200

    def __init__(self) -> None:
        super().__init__(disabled_message())


class PaymentUnavailable(BillingError):
    """Stripe could not be reached or refused the call: try again later."""

    status = 503


def disabled_message() -> str:
    return _(
        "Thanh toán trực tuyến chưa được bật trên Chợ Giải Pháp Số. Vui lòng liên hệ nhà cung "
        "cấp để mua gói, hoặc quay lại sau."
    )


def payments_enabled() -> bool:
    """Tell whether online payment is configured (the buy buttons depend on it)."""
    return stripe_gateway.is_configured()


def _gateway() -> StripeGateway:
    gw = stripe_gateway.gateway()
    if gw is None:
        raise BillingDisabled()
    return gw


def _unavailable(err: StripeGatewayError) -> PaymentUnavailable:
    log.warning("Stripe call failed: %s (status %s, code %s)", err, err.status, err.code)
    return PaymentUnavailable(
        _("Không kết nối được với cổng thanh toán Stripe. Vui lòng thử lại sau ít phút.")
    )


# ---------------------------------------------------------------- labels


def subscription_status_label(status: str) -> str:
    """Return the Vietnamese word of a subscription status."""
    return {
        S.ACTIVE: _("Đang hoạt động"),
        S.TRIALING: _("Đang dùng thử"),
        S.PAST_DUE: _("Quá hạn thanh toán"),
        S.CANCELED: _("Đã hủy"),
        S.INCOMPLETE: _("Chờ hoàn tất thanh toán"),
        S.INCOMPLETE_EXPIRED: _("Hết hạn thanh toán"),
        S.UNPAID: _("Chưa thanh toán"),
        S.PAUSED: _("Tạm dừng"),
    }.get(status, status)


def payment_status_label(status: str) -> str:
    """Return the Vietnamese word of a payment status."""
    return {
        P.PENDING: _("Chờ thanh toán"),
        P.PAID: _("Đã thanh toán"),
        P.FAILED: _("Thanh toán không thành công"),
        P.EXPIRED: _("Đã hết hạn"),
    }.get(status, status)


def payment_kind_label(payment: Payment) -> str:
    """Say what a payment was for: a one-time purchase, a new subscription or a renewal."""
    if payment.mode == CheckoutMode.PAYMENT:
        return _("Mua một lần")
    if payment.is_renewal:
        return _("Gia hạn")
    return _("Đăng ký gói")


def buy_label(plan: Plan) -> str:
    """Return the buy button's word: "Mua" for one-time plans, "Đăng ký gói" for the others."""
    return _("Mua") if plan.period == BillingPeriod.ONCE else _("Đăng ký gói")


# ---------------------------------------------------------------- checkout


@dataclass
class CheckoutOffer:
    """What the enterprise is about to buy, checked against the database."""

    plan: Plan
    trial: TrialRequest | None

    @property
    def solution(self):
        return self.plan.solution

    @property
    def mode(self) -> str:
        return (
            CheckoutMode.PAYMENT
            if self.plan.period == BillingPeriod.ONCE
            else CheckoutMode.SUBSCRIPTION
        )


def _plan_unavailable() -> BillingError:
    return BillingError(
        _(
            "Gói dịch vụ bạn chọn không tồn tại hoặc không còn được bán. Vui lòng chọn lại gói "
            "trên trang giải pháp."
        )
    )


def buyable_plan(plan_id: int | None, *, solution_id: int | None = None) -> Plan:
    """Return the plan if it is on sale: active, priced, on a published listing of an active vendor."""
    if plan_id is None:
        raise BillingError(_("Vui lòng chọn gói dịch vụ muốn mua."))
    plan = db.session.get(Plan, plan_id)
    if plan is None or not plan.active:
        raise _plan_unavailable()
    solution = plan.solution
    if solution.status != SolutionStatus.PUBLISHED or not solution.vendor.active:
        raise _plan_unavailable()
    if solution_id is not None and solution.id != solution_id:
        raise BillingError(_("Gói dịch vụ này không thuộc giải pháp đang chọn."))
    if plan.period not in (BillingPeriod.MONTH, BillingPeriod.YEAR, BillingPeriod.ONCE):
        raise _plan_unavailable()
    if plan.price_vnd <= 0:
        raise BillingError(_("Gói này miễn phí nên không cần thanh toán trực tuyến."))
    return plan


def _linked_trial(actor: User, plan: Plan, trial_id: int | None) -> TrialRequest | None:
    """Return the organisation's trial this purchase converts: the one named, else its own."""
    if trial_id is None:
        return trials.active_trial_for(actor.organization_id, plan.solution_id)
    trial = db.session.get(TrialRequest, trial_id)
    if (
        trial is None
        or trial.organization_id != actor.organization_id
        or trial.solution_id != plan.solution_id
    ):
        raise BillingError(_("Yêu cầu dùng thử không khớp với gói dịch vụ đang mua."))
    return trial if trial.status in LINKABLE_TRIAL_STATUSES else None


def checkout_offer(
    actor: User,
    plan_id: int | None,
    *,
    trial_id: int | None = None,
    solution_id: int | None = None,
) -> CheckoutOffer:
    """Check what an enterprise user asks to buy; raise BillingError with the reason if refused."""
    permissions.require_buyer(actor)
    plan = buyable_plan(plan_id, solution_id=solution_id)
    trial = _linked_trial(actor, plan, trial_id)
    if plan.period != BillingPeriod.ONCE and live_subscription(actor.organization_id, plan.id):
        raise BillingError(
            _(
                "Doanh nghiệp của bạn đang sử dụng gói này. Bạn có thể quản lý gói trong mục "
                "“Thanh toán”."
            )
        )
    return CheckoutOffer(plan=plan, trial=trial)


def live_subscription(org_id: int, plan_id: int) -> Subscription | None:
    return db.session.scalar(
        select(Subscription)
        .where(
            Subscription.organization_id == org_id,
            Subscription.plan_id == plan_id,
            Subscription.status.in_(LIVE_SUBSCRIPTION_STATUSES),
        )
        .limit(1)
    )


def _pending_payment(org_id: int, plan_id: int) -> Payment | None:
    return db.session.scalar(
        select(Payment).where(
            Payment.organization_id == org_id,
            Payment.plan_id == plan_id,
            Payment.status == P.PENDING,
        )
    )


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
    offer = checkout_offer(actor, plan_id, trial_id=trial_id, solution_id=solution_id)
    plan = offer.plan
    now = now or utcnow()
    org_id = actor.organization_id
    trial_ref = offer.trial.id if offer.trial else None
    pending = _pending_payment(org_id, plan.id)
    if pending is not None:
        if (
            now - pending.created_at < ATTEMPT_LIFETIME
            and pending.trial_id == trial_ref
            and pending.amount_vnd == plan.price_vnd
            and pending.mode == offer.mode
        ):
            return pending
        # Stale or for other terms: close it; its session can still be paid (late payment).
        _set_payment_status(pending, P.EXPIRED, only_from=(P.PENDING,), actor=actor)
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
        pending = _pending_payment(org_id, plan.id)
        if pending is None:
            raise BillingError(_("Vui lòng thử lại.")) from None
        return pending
    return payment


def _idempotency_key(*parts: object) -> str:
    return ":".join(str(p) for p in parts)


def ensure_customer(actor: User) -> str:
    """Return the Stripe customer id of the actor's organisation, creating the customer once.

    The idempotency key is the organisation (and its name, which is sent): a second
    creation within Stripe's 24 hours returns the same customer; the unique column keeps
    one row per organisation. A concurrent insert rolls the session back (nothing else
    may be pending in it) and the other request's row is returned. The caller commits.
    """
    permissions.require_buyer(actor)
    org = actor.organization
    gw = _gateway()
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
            idempotency_key=_idempotency_key("customer", "org", org.id, name_digest),
        )
    except StripeGatewayError as err:
        raise _unavailable(err) from err
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
    gw = _gateway()
    params = checkout_session_params(payment, customer_id)
    # Stripe refuses a key reused with other parameters: the page language is one of them.
    key = _idempotency_key(
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
        raise _unavailable(err) from err
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


def payment_for_return(actor: User, payment_id: int | None) -> Payment | None:
    """Return the organisation's payment a Checkout return URL names, or None."""
    if payment_id is None or not permissions.can_view_billing(actor):
        return None
    payment = db.session.get(Payment, payment_id)
    if payment is None or payment.organization_id != actor.organization_id:
        return None
    return payment


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
        _apply_session(payment, session, "return")
    except StripeGatewayError as err:
        raise _unavailable(err) from err
    return payment


# ---------------------------------------------------------------- webhook events


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
            raise _unavailable(err) from err
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


def _fetch(
    fetch: Callable[[StripeGateway], dict[str, Any]], fallback: dict[str, Any]
) -> dict[str, Any]:
    """Ask the API for the object's current state (order-proof), else use the event's copy."""
    gw = stripe_gateway.gateway()
    return fetch(gw) if gw is not None else fallback


def _id_of(value: Any) -> str | None:
    """Return the id of an expandable field (an id string or an expanded object)."""
    if isinstance(value, dict):
        value = value.get("id")
    return str(value) if value else None


def _int(value: Any) -> int | None:
    try:
        number = int(str(value))
    except (TypeError, ValueError):
        return None
    return number if 0 < number < 2**62 else None


def _timestamp(value: Any) -> dt.datetime | None:
    number = _int(value)
    return dt.datetime.fromtimestamp(number, dt.UTC) if number else None


def _payment_from_metadata(metadata: dict[str, Any] | None) -> Payment | None:
    """Return our payment a Stripe object's metadata names, if the organisation matches."""
    metadata = metadata or {}
    payment_id = _int(metadata.get("payment_id"))
    if payment_id is None:
        return None
    payment = db.session.get(Payment, payment_id)
    if payment is None or str(payment.organization_id) != str(metadata.get("organization_id")):
        return None
    return payment


def _on_checkout_session(obj: dict[str, Any], event_type: str) -> None:
    session = _fetch(lambda gw: gw.retrieve_checkout_session(obj["id"]), obj)
    payment = db.session.scalar(
        select(Payment).where(Payment.checkout_session_id == session["id"]).with_for_update()
    )
    if payment is None:
        payment = _payment_from_metadata(session.get("metadata"))
        if payment is None or payment.checkout_session_id not in (None, session["id"]):
            log.info("checkout session %s is not one of ours", session["id"])
            return
        payment.checkout_session_id = session["id"]
    _apply_session(payment, session, event_type)


def _apply_session(payment: Payment, session: dict[str, Any], event_type: str) -> None:
    """Move a checkout payment to what its (freshly fetched) session says."""
    if session.get("status") == "expired":
        _set_payment_status(payment, P.EXPIRED, only_from=(P.PENDING,))
        return
    if session.get("status") != "complete":
        return
    if session.get("payment_status") in ("paid", "no_payment_required"):
        payment.stripe_payment_intent_id = (
            _id_of(session.get("payment_intent")) or payment.stripe_payment_intent_id
        )
        invoice_id = _id_of(session.get("invoice"))
        if invoice_id and not payment.stripe_invoice_id and not _invoice_taken(invoice_id):
            payment.stripe_invoice_id = invoice_id
        subscription_id = _id_of(session.get("subscription"))
        if payment.mode == CheckoutMode.SUBSCRIPTION and subscription_id:
            subscription = sync_subscription(subscription_id, payment=payment)
            if subscription is not None:
                payment.subscription_id = subscription.id
        db.session.flush()
        _set_payment_status(payment, P.PAID)
    elif event_type == "checkout.session.async_payment_failed":
        _set_payment_status(payment, P.FAILED, only_from=(P.PENDING,))


def _invoice_taken(invoice_id: str) -> bool:
    return bool(
        db.session.scalar(select(Payment.id).where(Payment.stripe_invoice_id == invoice_id))
    )


def _invoice_subscription(invoice: dict[str, Any]) -> tuple[str | None, dict[str, Any]]:
    """Return the invoice's subscription id and its metadata (current and older API shapes)."""
    parent = invoice.get("parent") or {}
    details = parent.get("subscription_details") or invoice.get("subscription_details") or {}
    subscription_id = _id_of(details.get("subscription")) or _id_of(invoice.get("subscription"))
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
        candidate = _payment_from_metadata(metadata)
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
            amount_vnd=_int(invoice.get("amount_paid" if paid else "amount_due")) or 0,
            currency=str(invoice.get("currency") or CURRENCY)[:3],
            stripe_invoice_id=invoice["id"],
            paid_at=utcnow() if paid else None,
        )
        db.session.add(payment)
        db.session.flush()
        _audit_payment(payment, None, payment.status)
        if paid:
            _tell_paid(payment)
        else:
            _tell_failed(payment)
        return
    if payment.subscription_id is None:
        payment.subscription_id = subscription.id
    db.session.flush()
    if paid:
        _set_payment_status(payment, P.PAID)
    else:
        _set_payment_status(payment, P.FAILED, only_from=(P.PENDING,))


def _on_subscription(obj: dict[str, Any], event_type: str) -> None:
    sync_subscription(obj["id"], fallback=obj)


HANDLERS: dict[str, Callable[[dict[str, Any], str], None]] = {
    "checkout.session.completed": _on_checkout_session,
    "checkout.session.async_payment_succeeded": _on_checkout_session,
    "checkout.session.async_payment_failed": _on_checkout_session,
    "checkout.session.expired": _on_checkout_session,
    "invoice.paid": _on_invoice,
    "invoice.payment_failed": _on_invoice,
    "customer.subscription.created": _on_subscription,
    "customer.subscription.updated": _on_subscription,
    "customer.subscription.deleted": _on_subscription,
}
# The events to select when registering the webhook endpoint (README).
WEBHOOK_EVENTS = tuple(HANDLERS)


# ---------------------------------------------------------------- payments


def _set_payment_status(
    payment: Payment,
    target: str,
    *,
    only_from: tuple[str, ...] | None = None,
    actor: User | None = None,
) -> bool:
    """Move a payment to `target` unless it is there (or not in `only_from`); audit and tell.

    A conditional UPDATE settles two deliveries racing on the same payment: one moves it.
    """
    allowed = only_from or tuple(s for s in PaymentStatus if s != target)
    source = payment.status
    if source == target or source not in allowed:
        return False
    now = utcnow()
    values: dict[str, Any] = {"status": target, "updated_at": now}
    if target == P.PAID:
        values["paid_at"] = now
    moved = db.session.execute(
        update(Payment)
        .where(Payment.id == payment.id, Payment.status == source)
        .values(**values)
        .execution_options(synchronize_session=False)
    )
    if moved.rowcount != 1:
        return False
    db.session.refresh(payment)
    _audit_payment(payment, source, target, actor=actor)
    if target == P.PAID:
        events.order_paid.send(payment)
        _tell_paid(payment)
        _convert_trial(payment)
    elif target == P.FAILED:
        _tell_failed(payment)
    return True


def _audit_payment(
    payment: Payment, source: str | None, target: str, *, actor: User | None = None
) -> None:
    record_audit(
        actor,
        f"payment.{target}",
        payment,
        label=payment.name,
        data={
            "from": source,
            "to": target,
            "amount_vnd": payment.amount_vnd,
            "plan_id": payment.plan_id,
            "mode": payment.mode,
            "checkout_session_id": payment.checkout_session_id,
            "invoice_id": payment.stripe_invoice_id,
        },
    )


def _convert_trial(payment: Payment) -> None:
    """Mark the purchase's trial converted, if it can be (active, or ended)."""
    trial = payment.trial
    if trial is None or trial.status not in CONVERTIBLE_TRIAL_STATUSES:
        return
    try:
        trials.convert_trial(
            None,
            trial,
            via="payment",
            note=_("Đã thanh toán gói %(plan)s.", plan=payment.plan.name),
        )
    except trials.TrialError as err:
        # Someone moved the trial meanwhile: the payment stands regardless.
        log.info("trial %s not converted after payment %s: %s", trial.id, payment.id, err)


def _tell_paid(payment: Payment) -> None:
    amount = format_vnd(payment.amount_vnd)
    notifications.notify_organization(
        payment.organization,
        kind="billing.paid",
        title=_("Đã nhận thanh toán %(amount)s cho “%(name)s”", amount=amount, name=payment.name),
        body=_("Cảm ơn bạn. Chi tiết có trong mục “Thanh toán”."),
        link=path_for("billing.index"),
        dedupe_key=f"payment:{payment.id}:paid",
    )
    notifications.notify_organization(
        payment.vendor,
        kind="billing.sale",
        title=(
            _(
                "%(org)s đã gia hạn “%(name)s” (%(amount)s)",
                org=payment.organization.name,
                name=payment.name,
                amount=amount,
            )
            if payment.is_renewal
            else _(
                "%(org)s đã mua “%(name)s” (%(amount)s)",
                org=payment.organization.name,
                name=payment.name,
                amount=amount,
            )
        ),
        link=path_for("billing.vendor_sales"),
        email=not payment.is_renewal,
        dedupe_key=f"payment:{payment.id}:paid:vendor",
    )


def _tell_failed(payment: Payment) -> None:
    notifications.notify_organization(
        payment.organization,
        kind="billing.failed",
        title=_("Thanh toán cho “%(name)s” không thành công", name=payment.name),
        body=_(
            "Stripe chưa thu được %(amount)s. Vui lòng kiểm tra phương thức thanh toán; "
            "Stripe sẽ tự thử lại.",
            amount=format_vnd(payment.amount_vnd),
        ),
        link=path_for("billing.index"),
        dedupe_key=f"payment:{payment.id}:failed",
    )


# ---------------------------------------------------------------- subscriptions


def _period_end(data: dict[str, Any]) -> dt.datetime | None:
    """Return the end of the current period (on the items since API 2025-03-31, else top level)."""
    ends = [
        item.get("current_period_end")
        for item in ((data.get("items") or {}).get("data") or [])
        if isinstance(item, dict) and item.get("current_period_end")
    ]
    if data.get("current_period_end"):
        ends.append(data["current_period_end"])
    stamps = [t for t in (_timestamp(e) for e in ends) if t is not None]
    return max(stamps) if stamps else None


def _new_subscription(
    stripe_id: str, data: dict[str, Any], payment: Payment | None
) -> Subscription | None:
    """Create our row for a Stripe subscription we sold (linked through its metadata)."""
    metadata = data.get("metadata") or {}
    payment = payment or _payment_from_metadata(metadata)
    if payment is not None:
        org_id, plan = payment.organization_id, payment.plan
        trial_id, amount = payment.trial_id, payment.amount_vnd
    else:
        org_id, plan_id = _int(metadata.get("organization_id")), _int(metadata.get("plan_id"))
        plan = db.session.get(Plan, plan_id) if plan_id else None
        if org_id is None or plan is None or db.session.get(Organization, org_id) is None:
            return None
        trial_id, amount = _int(metadata.get("trial_id")), plan.price_vnd
    subscription = Subscription(
        organization_id=org_id,
        vendor_id=plan.solution.vendor_id,
        solution_id=plan.solution_id,
        plan_id=plan.id,
        trial_id=trial_id,
        stripe_subscription_id=stripe_id,
        stripe_customer_id=_id_of(data.get("customer")),
        status=S.INCOMPLETE,
        amount_vnd=amount,
        period=plan.period,
    )
    db.session.add(subscription)
    db.session.flush()
    record_audit(
        None,
        "subscription.create",
        subscription,
        label=subscription.name,
        data={"stripe_subscription_id": stripe_id, "plan_id": plan.id, "amount_vnd": amount},
    )
    if payment is not None and payment.subscription_id is None:
        payment.subscription_id = subscription.id
    return subscription


def sync_subscription(
    stripe_id: str,
    *,
    payment: Payment | None = None,
    fallback: dict[str, Any] | None = None,
) -> Subscription | None:
    """Bring our subscription row to the state Stripe holds now (created if unknown).

    Re-fetching makes the order of events irrelevant: whichever arrives, the row ends
    as Stripe says. The row is locked while it is updated (PostgreSQL), so two
    deliveries do not write an older state over a newer one.
    """
    data = _fetch(lambda gw: gw.retrieve_subscription(stripe_id), fallback or {"id": stripe_id})
    subscription = db.session.scalar(
        select(Subscription)
        .where(Subscription.stripe_subscription_id == stripe_id)
        .with_for_update()
    )
    if subscription is None:
        subscription = _new_subscription(stripe_id, data, payment)
        if subscription is None:
            return None
    apply_subscription_state(subscription, data)
    return subscription


def apply_subscription_state(
    subscription: Subscription,
    data: dict[str, Any],
    *,
    actor: User | None = None,
    action: str = "subscription.update",
) -> bool:
    """Copy Stripe's status, period end and cancellation flag; audit and tell what changed."""
    changes: dict[str, Any] = {}
    status = data.get("status")
    if status and status != subscription.status:
        if subscription.status in FINAL_SUBSCRIPTION_STATUSES:
            log.info(
                "subscription %s stays %s (Stripe says %s)",
                subscription.id,
                subscription.status,
                status,
            )
            return False
        changes["status"] = (subscription.status, status)
    period_end = _period_end(data)
    if period_end is not None and period_end != subscription.current_period_end:
        changes["current_period_end"] = (subscription.current_period_end, period_end)
    if "cancel_at_period_end" in data:
        flag = bool(data.get("cancel_at_period_end"))
        if flag != subscription.cancel_at_period_end:
            changes["cancel_at_period_end"] = (subscription.cancel_at_period_end, flag)
    canceled_at = _timestamp(data.get("ended_at")) or _timestamp(data.get("canceled_at"))
    if status == S.CANCELED and canceled_at and subscription.canceled_at is None:
        changes["canceled_at"] = (None, canceled_at)
    if not changes:
        return False
    for name, (_old, new) in changes.items():
        setattr(subscription, name, new)
    db.session.flush()
    record_audit(
        actor,
        action,
        subscription,
        label=subscription.name,
        data={name: [_jsonable(old), _jsonable(new)] for name, (old, new) in changes.items()},
    )
    if "status" in changes:
        _tell_status(subscription, changes["status"][0])
    return True


def _jsonable(value: Any) -> Any:
    return value.isoformat() if isinstance(value, dt.datetime) else value


def _tell_status(subscription: Subscription, source: str) -> None:
    status = subscription.status
    stamp = (
        int(subscription.current_period_end.timestamp()) if subscription.current_period_end else 0
    )
    if status == S.PAST_DUE:
        notifications.notify_organization(
            subscription.organization,
            kind="billing.past_due",
            title=_("Gói “%(name)s” quá hạn thanh toán", name=subscription.name),
            body=_(
                "Stripe chưa thu được tiền gia hạn. Vui lòng cập nhật phương thức thanh toán "
                "để không bị gián đoạn dịch vụ."
            ),
            link=path_for("billing.index"),
            dedupe_key=f"subscription:{subscription.id}:past_due:{stamp}",
        )
    elif status == S.CANCELED and source != S.CANCELED:
        notifications.notify_organization(
            subscription.organization,
            kind="billing.canceled",
            title=_("Gói “%(name)s” đã kết thúc", name=subscription.name),
            link=path_for("billing.index"),
            dedupe_key=f"subscription:{subscription.id}:canceled",
        )
        notifications.notify_organization(
            subscription.vendor,
            kind="billing.canceled",
            title=_(
                "%(org)s đã ngừng gói “%(name)s”",
                org=subscription.organization.name,
                name=subscription.name,
            ),
            link=path_for("billing.vendor_sales"),
            email=False,
            dedupe_key=f"subscription:{subscription.id}:canceled:vendor",
        )


def get_subscription(subscription_id: int) -> Subscription | None:
    return db.session.get(Subscription, subscription_id)


def cancel_subscription(actor: User, subscription: Subscription) -> None:
    """Ask Stripe to end the subscription at the end of the paid period (enterprise)."""
    permissions.require_subscription_owner(actor, subscription)
    if not subscription.is_live:
        raise BillingError(_("Gói này không còn hiệu lực nên không cần hủy."))
    if subscription.cancel_at_period_end:
        raise BillingError(_("Gói này đã được hẹn hủy vào cuối kỳ."))
    gw = _gateway()
    period = (
        int(subscription.current_period_end.timestamp()) if subscription.current_period_end else 0
    )
    try:
        data = gw.update_subscription(
            subscription.stripe_subscription_id,
            {"cancel_at_period_end": True},
            idempotency_key=_idempotency_key("cancel", subscription.id, period),
        )
    except StripeGatewayError as err:
        raise _unavailable(err) from err
    apply_subscription_state(
        subscription, data, actor=actor, action="subscription.cancel_at_period_end"
    )
    notifications.notify_organization(
        subscription.vendor,
        kind="billing.cancel_scheduled",
        title=_(
            "%(org)s sẽ ngừng gia hạn gói “%(name)s”",
            org=subscription.organization.name,
            name=subscription.name,
        ),
        body=_("Gói kết thúc vào %(date)s.", date=format_date(subscription.current_period_end))
        if subscription.current_period_end
        else "",
        link=path_for("billing.vendor_sales"),
        email=False,
        dedupe_key=f"subscription:{subscription.id}:cancel_scheduled:{period}",
    )


# ---------------------------------------------------------------- pages


def organization_subscriptions(org_id: int) -> list[Subscription]:
    """Return the organisation's subscriptions, live ones first, with plan and solution."""
    live_first = Subscription.status.in_(LIVE_SUBSCRIPTION_STATUSES).desc()
    return list(
        db.session.scalars(
            select(Subscription)
            .where(Subscription.organization_id == org_id)
            .options(
                joinedload(Subscription.plan),
                joinedload(Subscription.solution),
                joinedload(Subscription.vendor),
            )
            .order_by(live_first, Subscription.created_at.desc(), Subscription.id.desc())
        )
    )


def organization_payments_query(org_id: int) -> Select:
    """Return the organisation's payment history (paid and failed), newest first."""
    return (
        select(Payment)
        .where(Payment.organization_id == org_id, Payment.status.in_((P.PAID, P.FAILED)))
        .options(joinedload(Payment.plan), joinedload(Payment.solution))
        .order_by(func.coalesce(Payment.paid_at, Payment.created_at).desc(), Payment.id.desc())
    )


@dataclass
class SalesTotals:
    revenue_vnd: int
    paid_count: int
    live_subscriptions: int
    customers: int


def sales_totals(vendor_id: int) -> SalesTotals:
    """Sum the vendor's paid payments and count its live subscriptions (two queries)."""
    revenue, paid_count, customers = db.session.execute(
        select(
            func.coalesce(func.sum(Payment.amount_vnd), 0),
            func.count(Payment.id),
            func.count(func.distinct(Payment.organization_id)),
        ).where(Payment.vendor_id == vendor_id, Payment.status == P.PAID)
    ).one()
    live = db.session.scalar(
        select(func.count(Subscription.id)).where(
            Subscription.vendor_id == vendor_id,
            Subscription.status.in_(LIVE_SUBSCRIPTION_STATUSES),
        )
    )
    return SalesTotals(int(revenue or 0), int(paid_count or 0), int(live or 0), int(customers or 0))


def sales_query(vendor_id: int) -> Select:
    """Return the vendor's paid payments, newest first, with buyer, plan and solution."""
    return (
        select(Payment)
        .where(Payment.vendor_id == vendor_id, Payment.status == P.PAID)
        .options(
            joinedload(Payment.organization),
            joinedload(Payment.plan),
            joinedload(Payment.solution),
        )
        .order_by(Payment.paid_at.desc(), Payment.id.desc())
    )


def live_subscriptions_query(vendor_id: int) -> Select:
    """Return the vendor's live subscriptions, next renewal first."""
    return (
        select(Subscription)
        .where(
            Subscription.vendor_id == vendor_id,
            Subscription.status.in_(LIVE_SUBSCRIPTION_STATUSES),
        )
        .options(
            joinedload(Subscription.organization),
            joinedload(Subscription.plan),
            joinedload(Subscription.solution),
        )
        .order_by(Subscription.current_period_end.asc(), Subscription.id.asc())
    )


def owned_plan_ids(user: User | None, plan_ids: list[int]) -> set[int]:
    """Return which of these plans the user's organisation holds a live subscription to."""
    if not plan_ids or not permissions.can_view_billing(user):
        return set()
    return set(
        db.session.scalars(
            select(Subscription.plan_id).where(
                Subscription.organization_id == user.organization_id,
                Subscription.plan_id.in_(plan_ids),
                Subscription.status.in_(LIVE_SUBSCRIPTION_STATUSES),
            )
        )
    )


def has_bought_solution(org_id: int, solution_id: int) -> bool:
    """Tell whether the organisation bought the solution here (the review rule).

    A subscription that is or was live (active, past due, or canceled after running),
    or a paid one-time purchase. One query.
    """
    subscribed = (
        select(Subscription.id)
        .where(
            Subscription.organization_id == org_id,
            Subscription.solution_id == solution_id,
            Subscription.status.in_((S.ACTIVE, S.PAST_DUE, S.CANCELED)),
        )
        .exists()
    )
    bought_once = (
        select(Payment.id)
        .where(
            Payment.organization_id == org_id,
            Payment.solution_id == solution_id,
            Payment.mode == CheckoutMode.PAYMENT,
            Payment.status == P.PAID,
        )
        .exists()
    )
    return bool(db.session.scalar(select(or_(subscribed, bought_once))))
