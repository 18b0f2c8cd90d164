"""Labels and view models of billing: statuses, kinds of payment, buy buttons."""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import gettext as _

from marketplace.billing.models import (
    CheckoutMode,
    Payment,
    PaymentStatus,
    SubscriptionStatus,
)
from marketplace.catalog.models import BillingPeriod, Plan
from marketplace.trials.models import TrialRequest

S = SubscriptionStatus
P = PaymentStatus


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


@dataclass(frozen=True)
class PaymentMethods:
    """How a vendor's plans can be paid: by transfer (a confirmed account), by card (Stripe)."""

    transfer: bool
    card: bool

    @property
    def any(self) -> bool:
        return self.transfer or self.card

    @property
    def default(self) -> str:
        return "bank_transfer" if self.transfer else "card"


def order_status_label(status: str) -> str:
    """Return the Vietnamese words of an order status."""
    return {
        "awaiting_payment": _("Chờ thanh toán"),
        "paid": _("Đã thanh toán"),
        "expired": _("Hết hạn"),
        "cancelled": _("Đã hủy"),
        "refunded": _("Đã hoàn tiền"),
    }.get(status, status)


def payment_method_label(method: str) -> str:
    return {
        "bank_transfer": _("Chuyển khoản ngân hàng"),
        "card": _("Thẻ (Stripe)"),
    }.get(method, method)


def notification_status_label(status: str) -> str:
    return {
        "matched": _("Đã khớp đơn hàng"),
        "wrong_amount": _("Sai số tiền"),
        "unknown_code": _("Không tìm thấy mã đơn hàng"),
        "wrong_account": _("Sai tài khoản nhận"),
        "not_payable": _("Đơn hàng không chờ thanh toán"),
        "resolved": _("Đã xử lý"),
    }.get(status, status)
