"""What the assessment holds about a person: the self-assessments they answered (export).

An assessment is the organisation's record (its answers describe the business, not the
person); erasure keeps it, and `user_id` only says who answered.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from marketplace.assessment.models import Assessment
from marketplace.extensions import db


def export_section(user) -> list[dict[str, Any]]:
    """Return the self-assessments the person answered, for their organisations."""
    rows = db.session.scalars(
        select(Assessment)
        .where(Assessment.user_id == user.id)
        .order_by(Assessment.created_at, Assessment.id)
    )
    return [
        {
            "id": a.id,
            "organization_id": a.organization_id,
            "version": a.version,
            "status": a.status,
            "overall_score": None if a.overall_score is None else a.overall_score / 100,
            "created_at": a.created_at.isoformat() if a.created_at else None,
            "completed_at": a.completed_at.isoformat() if a.completed_at else None,
        }
        for a in rows
    ]
