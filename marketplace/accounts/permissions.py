"""Who may act on accounts and organisations."""

from __future__ import annotations

from marketplace.accounts.models import Organization, User
from marketplace.accounts.roles import require_action
from marketplace.core.permissions import require


def can_edit_organization(user: User, org: Organization) -> bool:
    """Members edit their own organisation's profile; nobody else does."""
    return (
        user.is_authenticated
        and user.organization_id is not None
        and user.organization_id == org.id
    )


def require_edit_organization(user: User, org: Organization) -> None:
    """Outsiders get a 404; members whose role does not edit the profile are told why (403)."""
    require(can_edit_organization(user, org), hide=True)
    require_action(user, "org.edit_profile")
