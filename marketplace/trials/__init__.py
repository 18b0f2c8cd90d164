"""Trials: free trials from the enterprise's request to its end or conversion."""

from __future__ import annotations

import datetime as dt

from flask import Blueprint, Flask
from flask_babel import ngettext

from marketplace.core import panels, response_times

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
    from marketplace.core import audit
    from marketplace.trials import audit_labels

    audit.describe(app, audit_labels.ACTIONS, audit_labels.OBJECTS)

    from marketplace.core import events, jobs
    from marketplace.trials import cli, models, personal_data, presenters, queries, views  # noqa: F401

    panels.contribute(app, panels.PERSONAL_DATA, "trials", personal_data.export_section)
    events.account_erased.connect(personal_data.forget_requester)

    jobs.register(app, "trials.tick", every=dt.timedelta(hours=1), func=cli.tick_task)

    app.register_blueprint(bp)
    response_times.register(app, "trials", models.TrialRequest, sample=queries.RESPONSE_SAMPLE)
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
