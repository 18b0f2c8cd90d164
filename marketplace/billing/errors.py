"""Billing's errors, and the one place that tells whether online payment is on and hands out the
Stripe gateway.
"""

from __future__ import annotations

import logging

from flask_babel import gettext as _

from marketplace.billing import stripe_gateway
from marketplace.billing.models import (
    SubscriptionStatus,
)
from marketplace.billing.stripe_gateway import StripeGateway, StripeGatewayError
from marketplace.core.errors import DomainError

log = logging.getLogger(__name__)


S = SubscriptionStatus


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


def gateway() -> StripeGateway:
    gw = stripe_gateway.gateway()
    if gw is None:
        raise BillingDisabled()
    return gw


def unavailable(err: StripeGatewayError) -> PaymentUnavailable:
    log.warning("Stripe call failed: %s (status %s, code %s)", err, err.status, err.code)
    return PaymentUnavailable(
        _("Không kết nối được với cổng thanh toán Stripe. Vui lòng thử lại sau ít phút.")
    )
