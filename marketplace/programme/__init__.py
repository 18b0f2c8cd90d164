"""The SME support programme: rules as data (versioned), price after support beside
eligible plans, applications for support on paid orders, the budget and its figures."""

from __future__ import annotations

from flask import Blueprint, Flask
from flask_babel import lazy_gettext as _l

from marketplace.core import panels

# Its pages live under the areas they belong to (/programme, /account, /orders, /vendor,
# /moderation, /admin).
bp = Blueprint("programme", __name__)


def _dashboard_section(area=None):
    from marketplace.programme import dashboard

    figures = dashboard.build_figures()
    if figures is None or figures.budget is None:
        return None
    return panels.Section("programme/_dashboard.html", figures, order=60)


def _desk():
    from marketplace.programme import queries

    return {
        "applications": queries.submitted_count(),
        "opt_ins": len(queries.pending_opt_ins()),
    }


def _overview():
    from flask import url_for

    from marketplace.programme import queries

    return [
        panels.Figure(
            _l("Hồ sơ hỗ trợ chờ xét"),
            queries.submitted_count(),
            url_for("programme.queue"),
            order=60,
        )
    ]


def init_app(app: Flask) -> None:
    from marketplace.core import audit
    from marketplace.programme import audit_labels

    audit.describe(app, audit_labels.ACTIONS, audit_labels.OBJECTS)

    from marketplace.catalog import uploads
    from marketplace.programme import models, presenters, queries, views  # noqa: F401

    app.register_blueprint(bp)
    app.jinja_env.globals.update(
        support_line=presenters.support_line,
        programme_status_label=presenters.status_label,
        programme_status_class=presenters.status_class,
        programme_band_labels=presenters.BAND_LABELS,
        programme_opt_in_labels=presenters.OPT_IN_LABELS,
    )
    uploads.register_reference(queries.referenced_uploads)
    panels.contribute(
        app,
        panels.ADMIN_NAV,
        "programme",
        lambda: panels.NavItem(_l("Chương trình hỗ trợ"), "programme.rules", 60),
    )
    panels.contribute(app, panels.ADMIN_OVERVIEW, "programme", _overview)
    panels.contribute(app, panels.DASHBOARD, "programme", _dashboard_section)
    panels.contribute(app, panels.MODERATION_DESK, "programme", _desk)
