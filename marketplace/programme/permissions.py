"""Who may see and act on the programme's objects (organisation roles: accounts.roles)."""

from __future__ import annotations

from marketplace.accounts.models import Role
from marketplace.core.permissions import require


def _signed_in(user) -> bool:
    return bool(user is not None and getattr(user, "is_authenticated", False))


def can_edit_rules(user) -> bool:
    """Only the operator's administrators change the rules."""
    return _signed_in(user) and user.role == Role.ADMIN


def can_review(user) -> bool:
    """The programme's staff: moderators and administrators."""
    return _signed_in(user) and bool(user.is_staff)


def is_buyer(user, order) -> bool:
    """Tell whether the user acts for the enterprise that placed the order."""
    return (
        _signed_in(user)
        and user.role == Role.ENTERPRISE
        and user.organization_id is not None
        and user.organization_id == order.organization_id
    )


def owns_plan(user, plan) -> bool:
    return (
        _signed_in(user)
        and user.role == Role.VENDOR
        and user.organization_id is not None
        and user.organization_id == plan.solution.vendor_id
    )


def is_own_organization(user, application) -> bool:
    """Tell whether a reviewer belongs to the organisation that applied."""
    return user.organization_id is not None and user.organization_id == application.organization_id


def can_view_application(user, application) -> bool:
    """The applying organisation's members; staff reviewing. Nobody else learns it exists."""
    if not _signed_in(user):
        return False
    if user.is_staff:
        return True
    return user.role == Role.ENTERPRISE and user.organization_id == application.organization_id


def require_view_application(user, application) -> None:
    require(can_view_application(user, application), hide=True)
