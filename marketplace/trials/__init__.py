"""Trials: free trials from the enterprise's request to its end or conversion."""

from __future__ import annotations

import datetime as dt

from flask import Blueprint, Flask
from flask_babel import ngettext

from marketplace.core import panels

# Its pages live under the areas they belong to (/solutions, /account, /vendor, /moderation).
bp = Blueprint("trials", __name__)


def format_response_time(value: dt.timedelta | None) -> str:
    """Say a response time the way people do: `3 giờ`, `2 ngày` (at least 1 giờ)."""
    if value is None:
        return ""
    hours = max(1, round(value.total_seconds() / 3600))
    if hours < 24:
        return ngettext("%(num)d giờ", "%(num)d giờ", hours)
    days = max(1, round(value.total_seconds() / 86400))
    return ngettext("%(num)d ngày", "%(num)d ngày", days)


def init_app(app: Flask) -> None:
    from marketplace.trials import cli, models, presenters, queries, views  # noqa: F401

    app.register_blueprint(bp)
    app.cli.add_command(cli.trials_cli)
    app.jinja_env.filters["response_time"] = format_response_time
    app.jinja_env.globals.update(trial_status_label=presenters.status_label)
    panels.contribute(
        app,
        panels.SOLUTION,
        "response_time",
        lambda solution: queries.vendor_response_time(solution.vendor_id),
    )
    panels.contribute(
        app,
        panels.VENDOR_PROFILE,
        "response_time",
        lambda organization: queries.vendor_response_time(organization.id),
    )
    panels.contribute(
        app,
        panels.VENDOR_HOME,
        "new_trials",
        lambda organization: queries.new_request_count(organization.id),
    )
