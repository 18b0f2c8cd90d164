"""Subscriptions: mirror Stripe's status (`canceled` and `incomplete_expired` are final), tell
the buyer, cancel at the end of the period.
"""

from __future__ import annotations

import datetime as dt
import logging
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import select

from marketplace.accounts.models import Organization, User
from marketplace.billing import permissions
from marketplace.billing.errors import BillingError, gateway, unavailable
from marketplace.billing.models import (
    FINAL_SUBSCRIPTION_STATUSES,
    Payment,
    Subscription,
    SubscriptionStatus,
)
from marketplace.billing.stripe_data import (
    fetch_current,
    id_of,
    idempotency_key,
    int_or_none,
    payment_from_metadata,
    to_datetime,
)
from marketplace.billing.stripe_gateway import StripeGatewayError
from marketplace.catalog.models import Plan
from marketplace.core.audit import record_audit
from marketplace.core.formatting import format_date
from marketplace.core.urls import path_for
from marketplace.extensions import db
from marketplace.notifications import services as notifications

log = logging.getLogger(__name__)


S = SubscriptionStatus


def _period_end(data: dict[str, Any]) -> dt.datetime | None:
    """Return the end of the current period (on the items since API 2025-03-31, else top level)."""
    ends = [
        item.get("current_period_end")
        for item in ((data.get("items") or {}).get("data") or [])
        if isinstance(item, dict) and item.get("current_period_end")
    ]
    if data.get("current_period_end"):
        ends.append(data["current_period_end"])
    stamps = [t for t in (to_datetime(e) for e in ends) if t is not None]
    return max(stamps) if stamps else None


def _new_subscription(
    stripe_id: str, data: dict[str, Any], payment: Payment | None
) -> Subscription | None:
    """Create our row for a Stripe subscription we sold (linked through its metadata)."""
    metadata = data.get("metadata") or {}
    payment = payment or payment_from_metadata(metadata)
    if payment is not None:
        org_id, plan = payment.organization_id, payment.plan
        trial_id, amount = payment.trial_id, payment.amount_vnd
    else:
        org_id, plan_id = (
            int_or_none(metadata.get("organization_id")),
            int_or_none(metadata.get("plan_id")),
        )
        plan = db.session.get(Plan, plan_id) if plan_id else None
        if org_id is None or plan is None or db.session.get(Organization, org_id) is None:
            return None
        trial_id, amount = int_or_none(metadata.get("trial_id")), plan.price_vnd
    subscription = Subscription(
        organization_id=org_id,
        vendor_id=plan.solution.vendor_id,
        solution_id=plan.solution_id,
        plan_id=plan.id,
        trial_id=trial_id,
        stripe_subscription_id=stripe_id,
        stripe_customer_id=id_of(data.get("customer")),
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
    data = fetch_current(
        lambda gw: gw.retrieve_subscription(stripe_id), fallback or {"id": stripe_id}
    )
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
    canceled_at = to_datetime(data.get("ended_at")) or to_datetime(data.get("canceled_at"))
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


def cancel_subscription(actor: User, subscription: Subscription) -> None:
    """Ask Stripe to end the subscription at the end of the paid period (enterprise)."""
    permissions.require_manage_subscription(actor, subscription)
    if not subscription.is_live:
        raise BillingError(_("Gói này không còn hiệu lực nên không cần hủy."))
    if subscription.cancel_at_period_end:
        raise BillingError(_("Gói này đã được hẹn hủy vào cuối kỳ."))
    gw = gateway()
    period = (
        int(subscription.current_period_end.timestamp()) if subscription.current_period_end else 0
    )
    try:
        data = gw.update_subscription(
            subscription.stripe_subscription_id,
            {"cancel_at_period_end": True},
            idempotency_key=idempotency_key("cancel", subscription.id, period),
        )
    except StripeGatewayError as err:
        raise unavailable(err) from err
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
