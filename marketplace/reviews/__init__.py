"""Reviews: verified ratings, vendor replies, helpful votes and abuse moderation."""

from __future__ import annotations

from flask import Blueprint, Flask

from marketplace.core import panels

# Its pages live under the areas they belong to (/solutions, /reviews, /moderation).
bp = Blueprint("reviews", __name__)


def init_app(app: Flask) -> None:
    from marketplace.reviews import models, services, views  # noqa: F401

    app.register_blueprint(bp)
    panels.contribute(app, panels.SOLUTION, "reviews", views.review_panel)
    app.jinja_env.globals.update(
        review_aspect_labels=services.ASPECT_LABELS,
        review_sort_labels=services.SORT_LABELS,
        review_status_label=services.status_label,
        review_report_status_label=services.report_status_label,
    )
