"""Write and read the audit log."""

from __future__ import annotations

from typing import Any

from marketplace.accounts.models import User
from marketplace.extensions import db
from marketplace.moderation.models import AuditLog


def record_audit(
    actor: User | None,
    action: str,
    obj: Any,
    *,
    reason: str | None = None,
    label: str | None = None,
    data: dict[str, Any] | None = None,
) -> AuditLog:
    """Record that `actor` did `action` to `obj` (any model with an id), with the reason."""
    entry = AuditLog(
        actor_id=getattr(actor, "id", None),
        action=action,
        object_type=obj.__tablename__,
        object_id=obj.id,
        object_label=(label or getattr(obj, "name", "") or "")[:200],
        reason=reason,
        data=data,
    )
    db.session.add(entry)
    db.session.flush()
    return entry
