"""What billing holds about a person: the purchases they started (export)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from marketplace.accounts.models import User
from marketplace.billing.models import Payment
from marketplace.extensions import db


def export_section(user: User) -> list[dict[str, Any]]:
    """Return the payments the person started (no payment-provider secrets or links)."""
    rows = db.session.scalars(
        select(Payment).where(Payment.user_id == user.id).order_by(Payment.id)
    )
    return [
        {
            "id": p.id,
            "solution": p.solution.name,
            "plan": p.plan.name,
            "amount_vnd": p.amount_vnd,
            "status": p.status,
            "created_at": p.created_at.isoformat(),
            "paid_at": p.paid_at.isoformat() if p.paid_at else None,
        }
        for p in rows
    ]
