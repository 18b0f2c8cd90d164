"""Who may see and act on needs (object level; organisation roles are in accounts.roles).

- The posting enterprise's members see everything of their need (the proposals' contents
  after the deadline, see rules.proposals_visible_to_buyer); staff read everything.
- Members of verified vendors see published needs in full (problem, must-haves, answered
  questions) and only their own proposal and questions.
- Everyone else sees the public, anonymised summary of published needs.
- A pending or rejected need exists only for its enterprise and staff (404 to the rest).
"""

from __future__ import annotations

from marketplace.accounts.models import Role, User
from marketplace.core.permissions import deny
from marketplace.needs.models import Need, NeedStatus

PUBLISHED = (NeedStatus.OPEN, NeedStatus.AWARDED, NeedStatus.NOT_AWARDED, NeedStatus.EXPIRED)


def _signed_in(user: User | None) -> bool:
    return bool(user is not None and getattr(user, "is_authenticated", False))


def is_staff(user: User | None) -> bool:
    return bool(_signed_in(user) and user.is_staff)


def is_enterprise(user: User | None) -> bool:
    return bool(
        _signed_in(user) and user.role == Role.ENTERPRISE and user.organization_id is not None
    )


def is_owner_member(user: User | None, need: Need) -> bool:
    """Tell whether the user acts for the enterprise that posted the need."""
    return bool(is_enterprise(user) and user.organization_id == need.organization_id)


def is_verified_vendor(user: User | None) -> bool:
    """Tell whether the user acts for a verified, active vendor (who may see and propose)."""
    if not (_signed_in(user) and user.role == Role.VENDOR and user.organization is not None):
        return False
    org = user.organization
    return bool(org.is_verified and org.active)


def can_see(user: User | None, need: Need) -> bool:
    """Tell whether the need exists for the user at all (public summary included)."""
    return need.status in PUBLISHED or is_owner_member(user, need) or is_staff(user)


def can_see_full(user: User | None, need: Need) -> bool:
    """Tell whether the user may read the need's problem, must-haves and answered questions."""
    if is_owner_member(user, need) or is_staff(user):
        return True
    return need.status in PUBLISHED and is_verified_vendor(user)


def shows_name_to(user: User | None, need: Need, *, winner_id: int | None = None) -> bool:
    """Tell whether the enterprise's name may be shown to this user.

    A hidden-name need keeps the name from vendors (and the public) before the award; after
    it, only the chosen vendor learns who the buyer is (through its order).
    """
    if need.show_name or is_owner_member(user, need) or is_staff(user):
        return True
    return bool(
        need.status == NeedStatus.AWARDED
        and winner_id is not None
        and _signed_in(user)
        and user.organization_id == winner_id
    )


def require_see(user: User | None, need: Need) -> None:
    if not can_see(user, need):
        deny(hide=True)


def require_owner(user: User | None, need: Need) -> None:
    """Let only the posting enterprise act: 403 to those who may read it, 404 to the rest."""
    if is_owner_member(user, need):
        return
    deny(hide=not can_see_full(user, need))


def require_vendor(user: User | None, need: Need) -> None:
    """Let only members of verified vendors act on a published need (403 to the others)."""
    if need.status not in PUBLISHED and not is_owner_member(user, need):
        deny(hide=True)
    if not is_verified_vendor(user):
        deny()
