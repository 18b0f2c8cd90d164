"""What reviews hold about a person: reviews written, helpful votes, reports (export)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from marketplace.accounts.models import User
from marketplace.extensions import db
from marketplace.reviews.models import Review, ReviewReport, ReviewVote


def export_section(user: User) -> dict[str, list[dict[str, Any]]]:
    """Return the reviews the person wrote, the reviews they found helpful and reported."""
    reviews = db.session.scalars(
        select(Review).where(Review.author_id == user.id).order_by(Review.id)
    )
    votes = db.session.scalars(
        select(ReviewVote).where(ReviewVote.user_id == user.id).order_by(ReviewVote.id)
    )
    reports = db.session.scalars(
        select(ReviewReport).where(ReviewReport.reporter_id == user.id).order_by(ReviewReport.id)
    )
    return {
        "written": [
            {
                "id": r.id,
                "solution": r.solution.name,
                "organization": r.organization_name,
                "overall": r.overall,
                "ease_of_use": r.ease_of_use,
                "features": r.features,
                "support": r.support,
                "value": r.value,
                "title": r.title,
                "body": r.body,
                "status": r.status,
                "created_at": r.created_at.isoformat(),
                "updated_at": r.updated_at.isoformat() if r.updated_at else None,
            }
            for r in reviews
        ],
        "helpful_votes": [
            {"review_id": v.review_id, "created_at": v.created_at.isoformat()} for v in votes
        ],
        "reports": [
            {
                "review_id": p.review_id,
                "reason": p.reason,
                "status": p.status,
                "created_at": p.created_at.isoformat(),
            }
            for p in reports
        ],
    }
