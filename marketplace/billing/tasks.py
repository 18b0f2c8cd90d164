"""Billing's scheduled work, as plain idempotent functions of the time (a jobs runner or
`flask billing remind` calls them; running one twice does nothing more)."""

from __future__ import annotations

import datetime as dt

from flask_babel import gettext as _
from sqlalchemy import select

from marketplace.billing import order_status
from marketplace.billing.models import Order, OrderStatus, PaymentMethod
from marketplace.core.urls import path_for
from marketplace.extensions import db
from marketplace.notifications import services as notifications

INVOICE_REMINDER_AFTER = dt.timedelta(days=order_status.INVOICE_REMINDER_DAYS)


def expire_orders(now: dt.datetime) -> int:
    """Expire bank-transfer orders still awaiting payment after their date; return how many."""
    due = db.session.scalars(
        select(Order).where(
            Order.status == OrderStatus.AWAITING_PAYMENT,
            Order.payment_method == PaymentMethod.BANK_TRANSFER,
            Order.expires_at <= now,
        )
    ).all()
    count = sum(1 for order in due if order_status.expire_order(order))
    db.session.flush()
    return count


def orders_missing_invoice(now: dt.datetime):
    """The query of orders paid more than 3 days before `now` without a recorded e-invoice."""
    return (
        select(Order)
        .where(
            Order.status == OrderStatus.PAID,
            Order.einvoice_number.is_(None),
            Order.paid_at <= now - INVOICE_REMINDER_AFTER,
        )
        .order_by(Order.paid_at, Order.id)
    )


def remind_missing_invoices(now: dt.datetime) -> int:
    """Remind each vendor once per order still without an e-invoice 3 days after payment."""
    due = db.session.scalars(
        orders_missing_invoice(now).where(Order.invoice_reminded_at.is_(None))
    ).all()
    for order in due:
        order.invoice_reminded_at = now
        notifications.notify_organization(
            order.vendor,
            kind="billing.einvoice_missing",
            title=_(
                "Đơn hàng %(number)s đã thanh toán nhưng chưa có hóa đơn điện tử",
                number=order.number,
            ),
            body=_(
                "Theo Nghị định 123/2020/NĐ-CP, người bán lập hóa đơn điện tử cho người mua. "
                "Vui lòng ghi nhận hóa đơn đã xuất trên trang đơn hàng."
            ),
            link=path_for("billing.order", order_id=order.id),
            dedupe_key=f"order:{order.id}:einvoice-reminder",
        )
    db.session.flush()
    return len(due)
