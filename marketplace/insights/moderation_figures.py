"""The moderation desk's figures: queues and decision times."""

from __future__ import annotations

import datetime as dt
import statistics
from dataclasses import dataclass

from sqlalchemy import func, select

from marketplace.catalog.models import (
    RevisionStatus,
    Solution,
    SolutionRevision,
    SolutionStatus,
)
from marketplace.core.audit import AuditLog
from marketplace.core.database import utcnow
from marketplace.extensions import db
from marketplace.insights.periods import MODERATION_WINDOW_DAYS


@dataclass
class ModerationFigures:
    pending_solutions: int
    pending_revisions: int
    median_decision: dt.timedelta | None
    decisions: int
    window_days: int = MODERATION_WINDOW_DAYS

    @property
    def queue_length(self) -> int:
        return self.pending_solutions + self.pending_revisions


def moderation_figures(*, now: dt.datetime | None = None) -> ModerationFigures:
    """Queue length and the median time from submission to decision over 90 days.

    A decision (solution.approve / solution.reject) pairs with the latest submission of
    the same solution before it.
    """
    now = now or utcnow()
    since = now - dt.timedelta(days=MODERATION_WINDOW_DAYS)
    pending_solutions, pending_revisions = db.session.execute(
        select(
            select(func.count(Solution.id))
            .where(Solution.status == SolutionStatus.PENDING)
            .scalar_subquery(),
            select(func.count(SolutionRevision.id))
            .where(SolutionRevision.status == RevisionStatus.PENDING)
            .scalar_subquery(),
        )
    ).one()
    decided = select(AuditLog.object_id).where(
        AuditLog.object_type == "solutions",
        AuditLog.action.in_(("solution.approve", "solution.reject")),
        AuditLog.created_at >= since,
    )
    rows = db.session.execute(
        select(AuditLog.object_id, AuditLog.action, AuditLog.created_at)
        .where(
            AuditLog.object_type == "solutions",
            AuditLog.action.in_(("solution.submit", "solution.approve", "solution.reject")),
            AuditLog.object_id.in_(decided),
        )
        .order_by(AuditLog.object_id, AuditLog.created_at, AuditLog.id)
    ).all()
    waits: list[float] = []
    submitted: dict[int, dt.datetime] = {}
    for object_id, action, created_at in rows:
        if action == "solution.submit":
            submitted[object_id] = created_at
        elif object_id in submitted:
            start = submitted.pop(object_id)
            if created_at >= since:
                waits.append(max(0.0, (created_at - start).total_seconds()))
    return ModerationFigures(
        pending_solutions=int(pending_solutions or 0),
        pending_revisions=int(pending_revisions or 0),
        median_decision=dt.timedelta(seconds=round(statistics.median(waits))) if waits else None,
        decisions=len(waits),
    )
