"""What reviews give the operator's overview (/admin/)."""

from __future__ import annotations

from flask import url_for
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from marketplace.core.panels import Figure
from marketplace.extensions import db
from marketplace.reviews.models import ReportStatus, ReviewReport


def overview_figures() -> list[Figure]:
    """The abuse reports waiting for a moderator (one query)."""
    waiting = db.session.scalar(
        select(func.count(ReviewReport.id)).where(ReviewReport.status == ReportStatus.OPEN)
    )
    return [
        Figure(
            _l("Báo cáo vi phạm chờ xử lý"), waiting or 0, url_for("reviews.moderation_list"), 50
        )
    ]
