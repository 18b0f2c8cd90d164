"""What trials hold about a person: the trials they asked for (export, erasure)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select, update

from marketplace.accounts.models import User
from marketplace.extensions import db
from marketplace.trials.models import TrialRequest


def export_section(user: User) -> list[dict[str, Any]]:
    """Return the trials the person requested, with the contact details they gave."""
    rows = db.session.scalars(
        select(TrialRequest)
        .where(TrialRequest.requested_by_id == user.id)
        .order_by(TrialRequest.created_at, TrialRequest.id)
    )
    return [
        {
            "id": t.id,
            "solution": t.solution.name,
            "plan": t.plan.name,
            "status": t.status,
            "contact_name": t.contact_name,
            "contact_phone": t.contact_phone,
            "message": t.message,
            "users_count": t.users_count,
            "preferred_start": t.preferred_start.isoformat() if t.preferred_start else None,
            "start_date": t.start_date.isoformat() if t.start_date else None,
            "end_date": t.end_date.isoformat() if t.end_date else None,
            "created_at": t.created_at.isoformat() if t.created_at else None,
        }
        for t in rows
    ]


def forget_requester(user: User, **_details) -> None:
    """Clear the contact name and phone of the trials the erased person asked for.

    The trials stay: they are the organisation's business record with the vendor.
    """
    db.session.execute(
        update(TrialRequest)
        .where(TrialRequest.requested_by_id == user.id)
        .values(contact_name="", contact_phone="")
        .execution_options(synchronize_session="fetch")
    )
