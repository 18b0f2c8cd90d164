"""Reviews: verified ratings, vendor replies, helpful votes and abuse moderation."""

from __future__ import annotations

from flask import Blueprint, Flask

from marketplace.core import panels

# Its pages live under the areas they belong to (/solutions, /reviews, /moderation).
bp = Blueprint("reviews", __name__)


def init_app(app: Flask) -> None:
    from marketplace.core import audit
    from marketplace.reviews import audit_labels

    audit.describe(app, audit_labels.ACTIONS, audit_labels.OBJECTS)

    from marketplace.reviews import models, personal_data, presenters, slots, views  # noqa: F401

    app.register_blueprint(bp)
    panels.contribute(app, panels.PERSONAL_DATA, "reviews", personal_data.export_section)
    panels.contribute(app, panels.SOLUTION, "reviews", views.review_panel)
    from marketplace.reviews import console

    panels.contribute(app, panels.ADMIN_OVERVIEW, "reviews", console.overview_figures)
    from marketplace.core import user_reads
    from marketplace.reviews import standing

    # The organisation's trials and reviews and the user's votes, read with the user.
    user_reads.contribute(app, "review_trials", standing.trials_of, standing.keep_trials)
    user_reads.contribute(app, "review_own", standing.own_reviews_of, standing.keep_own_reviews)
    user_reads.contribute(app, "review_votes", standing.votes_of, standing.keep_votes)
    app.jinja_env.globals.update(
        review_aspect_labels=presenters.ASPECT_LABELS,
        review_sort_labels=presenters.SORT_LABELS,
        review_status_label=presenters.status_label,
        review_report_status_label=presenters.report_status_label,
    )
