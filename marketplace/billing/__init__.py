"""Billing: Stripe Checkout, webhooks, subscriptions, the enterprise's payments, vendor sales."""

from __future__ import annotations

from flask import Blueprint, Flask

from marketplace.core import panels

# Its pages live under /billing, and the vendor's sales under /vendor/sales.
bp = Blueprint("billing", __name__)


def init_app(app: Flask) -> None:
    from marketplace.billing import models, services, views  # noqa: F401

    app.register_blueprint(bp)
    panels.contribute(app, panels.SOLUTION, "buy", views.buy_panel)
    app.jinja_env.globals.update(
        billing_buy_label=services.buy_label,
        subscription_status_label=services.subscription_status_label,
        payment_status_label=services.payment_status_label,
        payment_kind_label=services.payment_kind_label,
    )
