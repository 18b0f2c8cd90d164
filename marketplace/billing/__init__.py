"""Billing: Stripe Checkout, webhooks, subscriptions, the enterprise's payments, vendor sales."""

from __future__ import annotations

from flask import Blueprint, Flask
from flask_login import current_user

# Its pages live under /billing, and the vendor's sales under /vendor/sales.
bp = Blueprint("billing", __name__)


def init_app(app: Flask) -> None:
    from marketplace.billing import models, services, views  # noqa: F401

    app.register_blueprint(bp)

    def owned_plans(plans) -> set[int]:
        """Return the ids of these plans the current user's organisation subscribes to."""
        return services.owned_plan_ids(current_user, [p.id for p in plans])

    app.jinja_env.globals.update(
        billing_enabled=services.payments_enabled,
        billing_owned_plans=owned_plans,
        billing_buy_label=services.buy_label,
        can_buy_plans=lambda: services.permissions.can_buy(current_user),
        subscription_status_label=services.subscription_status_label,
        payment_status_label=services.payment_status_label,
        payment_kind_label=services.payment_kind_label,
    )
