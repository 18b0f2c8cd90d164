"""The audit log: every moderation decision and every state change of money or trials.

Every domain writes it, so it lives in core; the moderation pages only read it. Each
domain also says, in its `init_app`, what its actions and audited tables are called and
where staff read such an object (`describe`); the log's filter and rows show those words.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from flask import Flask, current_app
from sqlalchemy import JSON, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from marketplace.core.database import UTCDateTime, utcnow
from marketplace.extensions import db

if TYPE_CHECKING:
    from marketplace.accounts.models import User


class AuditLog(db.Model):
    __tablename__ = "audit_log"
    __table_args__ = (Index("ix_audit_log_object", "object_type", "object_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    actor_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    action: Mapped[str] = mapped_column(String(60), index=True)
    object_type: Mapped[str] = mapped_column(String(40))
    object_id: Mapped[int] = mapped_column(Integer)
    object_label: Mapped[str] = mapped_column(String(200), default="")
    reason: Mapped[str | None] = mapped_column(Text)
    data: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow, index=True)

    # By name: core must not import accounts; the registry resolves it once both are loaded.
    actor: Mapped[User | None] = relationship("User")


def record_audit(
    actor: Any,
    action: str,
    obj: Any,
    *,
    reason: str | None = None,
    label: str | None = None,
    data: dict[str, Any] | None = None,
) -> AuditLog:
    """Record that `actor` (a user or None) did `action` to `obj` (any model with an id)."""
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


# ---------------------------------------------------------------- what the entries are called

LABELS_KEY = "marketplace.audit_labels"


@dataclass(frozen=True)
class AuditKind:
    """An audited table in words, and the staff page that shows one of its rows.

    `endpoint` takes the object's id as `argument` (None: a list page without arguments);
    `roles` are the staff roles that page lets in. `numbered` objects read by their number
    first ("Yêu cầu dùng thử #107 – Công ty …"), the others by name ("Giải pháp: SaoKhuê").
    """

    label: Any
    endpoint: str | None = None
    argument: str | None = None
    roles: tuple[str, ...] = ("moderator", "admin")
    numbered: bool = False


def describe(
    app: Flask,
    actions: dict[str, Any] | None = None,
    objects: dict[str, AuditKind] | None = None,
) -> None:
    """Declare what a domain's audit actions and tables are called (at app creation)."""
    registry = app.extensions.setdefault(LABELS_KEY, {"actions": {}, "objects": {}})
    for kind, given in (("actions", actions or {}), ("objects", objects or {})):
        taken = sorted(set(given) & set(registry[kind]))
        if taken:
            raise ValueError(f"audit {kind} described twice: {', '.join(taken)}")
        registry[kind].update(given)


def _registry(kind: str) -> dict[str, Any]:
    return current_app.extensions.get(LABELS_KEY, {}).get(kind, {})


def action_labels() -> dict[str, Any]:
    """Every described action and its label, in the order the domains declared them."""
    return dict(_registry("actions"))


def object_kinds() -> dict[str, AuditKind]:
    """Every described audited table."""
    return dict(_registry("objects"))
