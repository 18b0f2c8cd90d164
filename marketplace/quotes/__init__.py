"""Quotes: an enterprise asks a vendor for a price, the vendor answers with private offers."""

from __future__ import annotations

import datetime as dt

from flask import Blueprint, Flask

from marketplace.core import jobs, panels, response_times
from marketplace.core.text import render_markdown

# Its pages live under the areas they belong to (/solutions, /account, /vendor, /moderation).
bp = Blueprint("quotes", __name__)


def init_app(app: Flask) -> None:
    from marketplace.core import audit
    from marketplace.quotes import audit_labels

    audit.describe(app, audit_labels.ACTIONS, audit_labels.OBJECTS)

    from marketplace.quotes import cli, models, presenters, queries, views  # noqa: F401

    app.register_blueprint(bp)
    response_times.register(app, "quotes", models.QuoteRequest, sample=queries.RESPONSE_SAMPLE)
    app.cli.add_command(cli.quotes_cli)
    jobs.register(app, "quotes.expire_offers", every=dt.timedelta(hours=1), func=cli.expire_task)
    # Messages are Markdown, sanitised like listing descriptions.
    app.jinja_env.filters["quote_markdown"] = render_markdown
    app.jinja_env.globals.update(
        quote_status_label=presenters.status_label,
        quote_status_class=presenters.status_class,
        offer_status_label=presenters.offer_status_label,
        quote_budget_label=presenters.budget_label,
        quote_vat_label=presenters.vat_label,
        quote_plan_label=presenters.plan_or_custom,
    )
    # The solution page's "Yêu cầu báo giá" (every published solution takes requests).
    panels.contribute(app, panels.SOLUTION, "quote", lambda solution: True)
    panels.contribute(
        app,
        panels.SOLUTION,
        "quote_response_time",
        lambda solution: queries.vendor_response_time(solution.vendor_id),
    )
    panels.contribute(
        app,
        panels.VENDOR_HOME,
        "new_quotes",
        lambda organization: queries.new_request_count(organization.id),
    )
    panels.contribute(
        app,
        panels.VENDOR_PROFILE,
        "quote_response_time",
        lambda organization: queries.vendor_response_time(organization.id),
    )
