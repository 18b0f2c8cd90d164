"""Payment state changes: a payment becomes paid, failed or expired, is audited, converts its
trial and tells the buyer and the vendor.
"""

from __future__ import annotations

import logging
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import update

from marketplace.accounts.models import User
from marketplace.billing import order_status
from marketplace.billing.models import (
    Payment,
    PaymentStatus,
)
from marketplace.core import events
from marketplace.core.audit import record_audit
from marketplace.core.database import utcnow
from marketplace.core.formatting import format_vnd
from marketplace.core.urls import path_for
from marketplace.extensions import db
from marketplace.notifications import services as notifications

log = logging.getLogger(__name__)


P = PaymentStatus


def set_payment_status(
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
    audit_payment(payment, source, target, actor=actor)
    if target == P.PAID:
        events.order_paid.send(payment)
        tell_paid(payment)
        order_status.convert_trial(payment.trial, payment.plan)
        order_status.payment_settled(payment)
    elif target == P.FAILED:
        tell_failed(payment)
    elif target == P.EXPIRED:
        order_status.payment_expired(payment)
    return True


def audit_payment(
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


def tell_paid(payment: Payment) -> None:
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


def tell_failed(payment: Payment) -> None:
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
