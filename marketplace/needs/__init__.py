"""Needs board ("chợ bài toán"): enterprises post a need, vendors ask in public and propose,
the enterprise compares the sealed proposals after the deadline and awards one."""

from __future__ import annotations

import datetime as dt

from flask import Blueprint, Flask

from marketplace.core import events, jobs, panels

# Its pages live under /needs, /account/needs, /vendor/needs and /moderation/needs.
bp = Blueprint("needs", __name__)


def expire_task() -> str:
    """The scheduled closing of needs nobody can still award (core/jobs.py)."""
    from marketplace.needs import services

    count = services.expire_needs()
    return f"expired {count}" if count else ""


def _dashboard_section(area: str | None = None):
    from marketplace.needs import queries

    figures = queries.dashboard(area=area)
    if not figures.published:
        return None
    return panels.Section("needs/_dashboard.html", figures, order=60)


def _moderation_queue():
    from marketplace.needs import queries

    return queries.pending_needs()


def _admin_figures():
    from flask_babel import gettext as _

    from marketplace.needs import queries

    return [
        panels.Figure(
            _("Bài toán chờ duyệt"),
            len(queries.pending_needs()),
            "/moderation/needs",
            order=40,
        )
    ]


def init_app(app: Flask) -> None:
    from marketplace.core import audit
    from marketplace.needs import audit_labels

    audit.describe(app, audit_labels.ACTIONS, audit_labels.OBJECTS)

    from marketplace.needs import (  # noqa: F401
        alerts,
        cli,
        models,
        moderation_views,
        personal_data,
        presenters,
        vendor_views,
        views,
    )

    app.register_blueprint(bp)
    app.cli.add_command(cli.needs_cli)
    jobs.register(app, "needs.expire", every=dt.timedelta(hours=1), func=expire_task)
    events.need_published.connect(alerts.alert_vendors)
    app.jinja_env.globals.update(
        need_status_label=presenters.status_label,
        need_status_class=presenters.status_class,
        need_proposal_label=presenters.proposal_label,
        need_period_label=presenters.period_label,
        need_public_area=presenters.public_area,
        need_area_label=presenters.area_label,
        need_budget_band=presenters.budget_band,
        need_budget_range=presenters.budget_range,
    )
    panels.contribute(app, panels.MODERATION_DESK, "needs", _moderation_queue)
    panels.contribute(app, panels.DASHBOARD, "needs", _dashboard_section)
    panels.contribute(app, panels.ADMIN_OVERVIEW, "needs", _admin_figures)
    panels.contribute(app, panels.PERSONAL_DATA, "needs", personal_data.export_section)
