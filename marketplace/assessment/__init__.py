"""Readiness self-assessment (the DBI's six pillars): questionnaire, results, history."""

from __future__ import annotations

import datetime as dt

from flask import Blueprint, Flask

from marketplace.core import jobs, panels

bp = Blueprint("assessment", __name__)


def purge_task() -> str:
    """Delete anonymous assessments whose cookie has expired (core/jobs.py)."""
    from marketplace.assessment import services

    removed = services.purge_anonymous()
    return f"deleted {removed} anonymous assessments" if removed else ""


def _dashboard_section(area: str | None = None) -> panels.Section:
    from marketplace.assessment import figures

    return panels.Section("assessment/_dashboard.html", figures.build_readiness(area), order=50)


def questionnaire_level_label(level: int) -> str:
    from marketplace.assessment import questionnaire

    return questionnaire.level_label(level)


def score_label(value: float) -> str:
    """A score for charts: two decimals in the page's language (2,25)."""
    from marketplace.core.formatting import format_number

    return format_number(value, 2)


def init_app(app: Flask) -> None:
    from marketplace.assessment import audit_labels
    from marketplace.core import audit

    audit.describe(app, audit_labels.ACTIONS, audit_labels.OBJECTS)

    from flask_login import user_logged_in

    from marketplace.assessment import drafts, models, personal_data, receivers, views  # noqa: F401

    app.register_blueprint(bp)
    app.jinja_env.globals["assessment_level"] = questionnaire_level_label
    app.jinja_env.globals["assessment_score"] = score_label
    app.after_request(drafts.write_cookie)
    jobs.register(app, "assessment.purge_anonymous", every=dt.timedelta(days=1), func=purge_task)
    # Signing in or up (accounts' own flows) attaches the anonymous assessment of the browser.
    user_logged_in.connect(receivers.attach_on_sign_in, app)
    panels.contribute(app, panels.DASHBOARD, "readiness", _dashboard_section)
    panels.contribute(app, panels.HOME, "assessment_cta", lambda: True)
    panels.contribute(app, panels.PERSONAL_DATA, "assessments", personal_data.export_section)
