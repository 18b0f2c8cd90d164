"""What the needs board holds about a person: the needs they posted, the questions they
asked or answered, the proposals they submitted (export)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import or_, select

from marketplace.accounts.models import User
from marketplace.extensions import db
from marketplace.needs.models import Need, NeedQuestion, Proposal


def export_section(user: User) -> dict[str, list[dict[str, Any]]]:
    """Return the person's needs, questions and answers, and proposals."""
    needs = db.session.scalars(select(Need).where(Need.posted_by_id == user.id).order_by(Need.id))
    questions = db.session.scalars(
        select(NeedQuestion)
        .where(or_(NeedQuestion.asked_by_id == user.id, NeedQuestion.answered_by_id == user.id))
        .order_by(NeedQuestion.id)
    )
    proposals = db.session.scalars(
        select(Proposal).where(Proposal.submitted_by_id == user.id).order_by(Proposal.id)
    )
    return {
        "posted": [
            {
                "id": n.id,
                "title": n.title,
                "problem": n.problem,
                "status": n.status,
                "created_at": n.created_at.isoformat(),
            }
            for n in needs
        ],
        "questions": [
            {
                "need_id": q.need_id,
                "question": q.body if q.asked_by_id == user.id else None,
                "answer": q.answer if q.answered_by_id == user.id else None,
                "created_at": q.created_at.isoformat(),
            }
            for q in questions
        ],
        "proposals": [
            {"need_id": p.need_id, "status": p.status, "note": p.note} for p in proposals
        ],
    }
