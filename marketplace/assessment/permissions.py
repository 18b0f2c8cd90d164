"""Who may take the readiness self-assessment and who may see a result."""

from __future__ import annotations

from marketplace.accounts.roles import allows
from marketplace.assessment import drafts
from marketplace.assessment.models import Assessment


def can_take(user) -> bool:
    """Anonymous visitors and enterprise members (`assessment.take`); vendors and staff not."""
    if not getattr(user, "is_authenticated", False):
        return True
    return bool(user.is_enterprise) and allows(user, "assessment.take")


def can_view_history(user) -> bool:
    return (
        getattr(user, "is_authenticated", False)
        and bool(user.is_enterprise)
        and allows(user, "assessment.view")
    )


def can_view(user, assessment: Assessment) -> bool:
    """An organisation's results: its members; an anonymous result: the cookie's holder."""
    if getattr(user, "is_authenticated", False):
        return (
            assessment.organization_id is not None
            and assessment.organization_id == user.organization_id
            and can_view_history(user)
        )
    key = drafts.current_key()
    return (
        assessment.organization_id is None
        and key is not None
        and assessment.draft_key is not None
        and assessment.draft_key == key
    )
