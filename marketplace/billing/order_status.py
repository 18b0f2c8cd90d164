"""What happens to an order once placed.

    confirm_payment     the vendor (order.confirm_payment) or a moderator marks a transfer
                        received, with the bank reference and date
    mark_paid           the one move to `paid` (the bank webhook, the confirmations, a
                        card payment), audited, telling both sides, converting the trial
    cancel_order        the buyer cancels an order awaiting payment
    expire_order        the daily job closes an order not paid in time
    record_einvoice     the vendor records the e-invoice it issued for a paid order

Statuses: awaiting_payment → paid | expired | cancelled; a card-paid order → refunded when
Stripe refunds it; an expired transfer order may still be confirmed paid when the money
arrives late. Every move is a conditional UPDATE, so two confirmations racing move it once.
"""

from __future__ import annotations

import datetime as dt
import logging
import re
from dataclasses import dataclass
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import select, update

from marketplace.accounts import roles
from marketplace.accounts.models import Role, User
from marketplace.billing import periods, permissions
from marketplace.billing.errors import BillingError
from marketplace.billing.models import (
    Order,
    OrderStatus,
    Payment,
    PaymentMethod,
)
from marketplace.catalog.models import Plan
from marketplace.core import events
from marketplace.core.audit import record_audit
from marketplace.core.clock import local_today
from marketplace.core.database import utcnow
from marketplace.core.formatting import format_vnd
from marketplace.core.urls import path_for
from marketplace.extensions import db
from marketplace.notifications import services as notifications
from marketplace.trials import rules as trials_rules
from marketplace.trials import services as trials
from marketplace.trials.models import TrialRequest, TrialStatus

log = logging.getLogger(__name__)

O = OrderStatus  # noqa: E741

CONVERTIBLE_TRIAL_STATUSES = (TrialStatus.ACTIVE, TrialStatus.ENDED)
INVOICE_REMINDER_DAYS = 3


def _move(
    order: Order, target: str, sources: tuple[str, ...], values: dict[str, Any] | None = None
) -> str | None:
    """Move the order to `target` if it is in one of `sources`; return the old status."""
    source = order.status
    if source not in sources:
        return None
    now = utcnow()
    moved = db.session.execute(
        update(Order)
        .where(Order.id == order.id, Order.status == source)
        .values(status=target, updated_at=now, **(values or {}))
        .execution_options(synchronize_session=False)
    )
    if moved.rowcount != 1:
        return None
    db.session.refresh(order)
    return source


def mark_paid(
    actor: User | None,
    order: Order,
    *,
    reference: str | None,
    paid_on: dt.date | None = None,
    via: str,
    sources: tuple[str, ...] = (O.AWAITING_PAYMENT,),
) -> bool:
    """Move an order to `paid` (once), audit it, tell both sides and convert its trial.

    `via` says how the money was confirmed: "bank" (the webhook), "vendor", "moderator"
    or "card". Permission checks are the callers' (see `confirm_payment`).
    """
    now = utcnow()
    source = _move(
        order,
        O.PAID,
        sources,
        {
            "paid_at": now,
            "payment_reference": (reference or None) and reference[:100],
            "payment_date": paid_on or local_today(now),
            "confirmed_by_id": getattr(actor, "id", None),
        },
    )
    if source is None:
        return False
    record_audit(
        actor,
        "order.paid",
        order,
        label=order.number,
        data={
            "from": source,
            "to": O.PAID,
            "via": via,
            "reference": order.payment_reference,
            "payment_date": order.payment_date.isoformat() if order.payment_date else None,
            "total_vnd": order.total_vnd,
        },
    )
    if order.payment_method == PaymentMethod.BANK_TRANSFER:
        # Card orders are counted through their Payment (payments.set_payment_status).
        events.order_paid.send(order)
        convert_trial(order.trial, order.plan)
        # A monthly or yearly plan paid by transfer runs for a period (renewals.py).
        periods.start_period(order)
    _tell_paid(order)
    return True


def confirm_payment(
    actor: User, order: Order, *, reference: str, paid_on: dt.date, now: dt.datetime | None = None
) -> bool:
    """The vendor (order.confirm_payment) or a moderator marks a transfer received."""
    permissions.require_payment_confirmer(actor, order)
    if order.payment_method != PaymentMethod.BANK_TRANSFER:
        raise BillingError(_("Đơn hàng này được thanh toán bằng thẻ qua Stripe."))
    reference = (reference or "").strip()
    if not reference:
        raise BillingError(_("Vui lòng nhập mã giao dịch ngân hàng."), field="reference")
    today = local_today(now)
    if paid_on > today or paid_on < order.created_at.date() - dt.timedelta(days=1):
        raise BillingError(_("Ngày nhận tiền phải từ ngày đặt hàng đến hôm nay."), field="paid_on")
    if order.status == O.PAID:
        raise BillingError(_("Đơn hàng đã được thanh toán."))
    via = "moderator" if actor.role in (Role.MODERATOR, Role.ADMIN) else "vendor"
    if not mark_paid(
        actor,
        order,
        reference=reference,
        paid_on=paid_on,
        via=via,
        sources=(O.AWAITING_PAYMENT, O.EXPIRED),
    ):
        raise BillingError(_("Đơn hàng không còn chờ thanh toán."))
    return True


def cancel_order(actor: User, order: Order) -> None:
    """The buyer (order.create) cancels an order still awaiting payment."""
    permissions.require_order_buyer(actor, order)
    roles.require_action(actor, "order.create")
    if _move(order, O.CANCELLED, (O.AWAITING_PAYMENT,), {"closed_at": utcnow()}) is None:
        raise BillingError(_("Chỉ hủy được đơn hàng đang chờ thanh toán."))
    record_audit(
        actor,
        "order.cancelled",
        order,
        label=order.number,
        data={"from": O.AWAITING_PAYMENT, "to": O.CANCELLED, "total_vnd": order.total_vnd},
    )


def expire_order(order: Order) -> bool:
    if _move(order, O.EXPIRED, (O.AWAITING_PAYMENT,), {"closed_at": utcnow()}) is None:
        return False
    record_audit(
        None,
        "order.expired",
        order,
        label=order.number,
        data={"from": O.AWAITING_PAYMENT, "to": O.EXPIRED, "total_vnd": order.total_vnd},
    )
    return True


def payment_settled(payment: Payment) -> None:
    """A card payment was paid: its order is paid too (no second purchase count)."""
    order = db.session.scalar(select(Order).where(Order.payment_id == payment.id))
    if order is not None:
        mark_paid(
            None,
            order,
            reference=payment.stripe_payment_intent_id or payment.checkout_session_id,
            via="card",
            sources=(O.AWAITING_PAYMENT, O.EXPIRED),
        )


def payment_expired(payment: Payment) -> None:
    """A card checkout expired unpaid: its order expires too (money arriving late still pays it)."""
    order = db.session.scalar(select(Order).where(Order.payment_id == payment.id))
    if order is not None:
        expire_order(order)


def payment_refunded(payment: Payment) -> None:
    """Stripe refunded a card payment: its paid order becomes refunded (audited)."""
    order = db.session.scalar(select(Order).where(Order.payment_id == payment.id))
    if order is not None and _move(order, O.REFUNDED, (O.PAID,), {"closed_at": utcnow()}):
        record_audit(
            None,
            "order.refunded",
            order,
            label=order.number,
            data={"from": O.PAID, "to": O.REFUNDED, "total_vnd": order.total_vnd},
        )


def convert_trial(trial: TrialRequest | None, plan: Plan | None) -> None:
    """Mark the purchase's trial converted, if it can be (active, or ended)."""
    if trial is None or trial.status not in CONVERTIBLE_TRIAL_STATUSES:
        return
    try:
        trials.convert_trial(
            None,
            trial,
            via="payment",
            note=_("Đã thanh toán gói %(plan)s.", plan=plan.name if plan else ""),
        )
    except trials_rules.TrialError as err:
        # Someone moved the trial meanwhile: the payment stands regardless.
        log.info("trial %s not converted after payment: %s", trial.id, err)


def _tell_paid(order: Order) -> None:
    amount = format_vnd(order.total_vnd)
    link = path_for("billing.order", order_id=order.id)
    notifications.notify_organization(
        order.organization,
        kind="billing.order_paid",
        title=_(
            "Đơn hàng %(number)s đã được thanh toán (%(amount)s)",
            number=order.number,
            amount=amount,
        ),
        body=_("Nhà cung cấp sẽ gửi hóa đơn điện tử cho đơn hàng này."),
        link=link,
        dedupe_key=f"order:{order.id}:paid",
    )
    notifications.notify_organization(
        order.vendor,
        kind="billing.order_sale",
        title=_(
            "%(org)s đã thanh toán đơn hàng %(number)s (%(amount)s)",
            org=order.organization.name,
            number=order.number,
            amount=amount,
        ),
        body=_("Vui lòng xuất hóa đơn điện tử và ghi nhận trên trang đơn hàng."),
        link=link,
        dedupe_key=f"order:{order.id}:paid:vendor",
    )


# ---------------------------------------------------------------- e-invoice


@dataclass
class EInvoice:
    number: str
    symbol: str
    issued_on: dt.date
    lookup_code: str = ""
    lookup_url: str = ""


def record_einvoice(
    actor: User, order: Order, invoice: EInvoice, *, now: dt.datetime | None = None
) -> None:
    """The vendor (order.confirm_payment) records the e-invoice it issued for a paid order."""
    permissions.require_order_vendor(actor, order)
    roles.require_action(actor, "order.confirm_payment")
    if order.status != O.PAID:
        raise BillingError(_("Chỉ ghi nhận hóa đơn cho đơn hàng đã thanh toán."))
    number = invoice.number.strip()
    symbol = invoice.symbol.strip().upper()
    if not re.fullmatch(r"\d{1,8}", number):
        raise BillingError(_("Số hóa đơn gồm tối đa 8 chữ số."), field="number")
    # Ký hiệu (Thông tư 78/2021/TT-BTC): 1 digit, 2 digits of the year, 3 letters, e.g. 1C26TAA.
    if not re.fullmatch(r"[0-9][CK][0-9]{2}[A-Z]{3}", symbol):
        raise BillingError(_("Ký hiệu hóa đơn có dạng 1C26TAA (7 ký tự)."), field="symbol")
    today = local_today(now)
    if invoice.issued_on > today or (
        order.paid_at and invoice.issued_on < order.created_at.date() - dt.timedelta(days=1)
    ):
        raise BillingError(_("Ngày hóa đơn phải từ ngày đặt hàng đến hôm nay."), field="issued_on")
    url = invoice.lookup_url.strip()
    if url and not re.fullmatch(r"https://[^\s/$.?#][^\s]*", url):
        raise BillingError(_("Địa chỉ tra cứu phải bắt đầu bằng https://"), field="lookup_url")
    before = order.einvoice_number
    order.einvoice_number = number
    order.einvoice_symbol = symbol
    order.einvoice_date = invoice.issued_on
    order.einvoice_lookup_code = invoice.lookup_code.strip()[:60] or None
    order.einvoice_lookup_url = url[:500] or None
    order.einvoice_recorded_at = now or utcnow()
    db.session.flush()
    record_audit(
        actor,
        "order.einvoice_recorded",
        order,
        label=order.number,
        data={
            "number": number,
            "symbol": symbol,
            "date": invoice.issued_on.isoformat(),
            "replaced": before,
        },
    )
    notifications.notify_organization(
        order.organization,
        kind="billing.einvoice",
        title=_("Hóa đơn điện tử của đơn hàng %(number)s", number=order.number),
        body=_("Số %(n)s, ký hiệu %(s)s.", n=number, s=symbol),
        link=path_for("billing.order", order_id=order.id),
        dedupe_key=f"order:{order.id}:einvoice:{symbol}:{number}",
    )
