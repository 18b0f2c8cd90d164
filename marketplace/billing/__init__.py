"""Billing: Stripe Checkout, webhooks, subscriptions, the enterprise's payments, vendor sales."""

from __future__ import annotations

from flask import Blueprint, Flask

from marketplace.core import panels

# Its pages live under /billing, and the vendor's sales under /vendor/sales.
bp = Blueprint("billing", __name__)


def init_app(app: Flask) -> None:
    from marketplace.billing import cli, models, order_views, presenters, views  # noqa: F401

    app.register_blueprint(bp)
    app.cli.add_command(cli.billing_cli)
    panels.contribute(app, panels.SOLUTION, "buy", views.buy_panel)
    app.jinja_env.globals.update(
        billing_buy_label=presenters.buy_label,
        subscription_status_label=presenters.subscription_status_label,
        payment_status_label=presenters.payment_status_label,
        payment_kind_label=presenters.payment_kind_label,
        order_status_label=presenters.order_status_label,
        payment_method_label=presenters.payment_method_label,
        notification_status_label=presenters.notification_status_label,
    )
