"""Billing: Stripe Checkout, webhooks, subscriptions, the enterprise's payments, vendor sales."""

from __future__ import annotations

import datetime as dt

from flask import Blueprint, Flask

from marketplace.core import jobs, panels

# Its pages live under /billing, and the vendor's sales under /vendor/sales.
bp = Blueprint("billing", __name__)


def init_app(app: Flask) -> None:
    from marketplace.billing import audit_labels
    from marketplace.core import audit

    audit.describe(app, audit_labels.ACTIONS, audit_labels.OBJECTS)

    from marketplace.billing import (  # noqa: F401
        cli,
        models,
        order_views,
        periods,
        personal_data,
        presenters,
        slots,
        views,
    )

    app.register_blueprint(bp)
    app.cli.add_command(cli.billing_cli)
    jobs.register(app, "billing.expire_orders", every=dt.timedelta(hours=1), func=cli.expire_task)
    jobs.register(app, "billing.remind_invoices", every=dt.timedelta(hours=6), func=cli.remind_task)
    jobs.register(
        app, "billing.renew_transfer_plans", every=dt.timedelta(days=1), func=cli.renew_task
    )
    panels.contribute(app, panels.PERSONAL_DATA, "payments", personal_data.export_section)
    panels.contribute(app, panels.SOLUTION, "buy", views.buy_panel)
    from marketplace.billing import queries
    from marketplace.core import user_reads

    # The plans the organisation holds and the listings it bought, read with the user.
    user_reads.contribute(app, "billing", queries.standing_of, queries.keep_standing)
    from marketplace.billing import console

    panels.contribute(app, panels.ADMIN_OVERVIEW, "billing", console.overview_figures)
    app.jinja_env.globals.update(
        billing_buy_label=presenters.buy_label,
        subscription_status_label=presenters.subscription_status_label,
        payment_status_label=presenters.payment_status_label,
        payment_kind_label=presenters.payment_kind_label,
        order_status_label=presenters.order_status_label,
        payment_method_label=presenters.payment_method_label,
        notification_status_label=presenters.notification_status_label,
        service_period_note=periods.period_note,
    )
