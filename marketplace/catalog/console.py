"""What the catalogue gives the operator's overview (/admin/)."""

from __future__ import annotations

from flask import url_for
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from marketplace.catalog.models import RevisionStatus, Solution, SolutionRevision, SolutionStatus
from marketplace.core.panels import Figure
from marketplace.extensions import db


def overview_figures() -> list[Figure]:
    """The listings and proposed edits waiting for a moderator (one query)."""
    waiting = db.session.scalar(
        select(
            select(func.count(Solution.id))
            .where(Solution.status == SolutionStatus.PENDING)
            .scalar_subquery()
            + select(func.count(SolutionRevision.id))
            .where(SolutionRevision.status == RevisionStatus.PENDING)
            .scalar_subquery()
        )
    )
    return [Figure(_l("Giải pháp chờ duyệt"), waiting or 0, url_for("moderation.index"), 40)]
