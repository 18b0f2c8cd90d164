"""Who may request, see and act on trials."""

from __future__ import annotations

from marketplace.accounts.models import Role, User
from marketplace.accounts.roles import allows, require_action
from marketplace.core.permissions import deny, require
from marketplace.trials.models import TrialRequest


def _signed_in(user: User | None) -> bool:
    return bool(user is not None and getattr(user, "is_authenticated", False))


def may_respond(user: User | None) -> bool:
    """Tell whether the vendor user's organisation role lets them act on trials (buttons)."""
    return allows(user, "trial.respond")


def can_request_trial(user: User | None) -> bool:
    """Only enterprise users (with their organisation) request trials."""
    return bool(
        _signed_in(user) and user.role == Role.ENTERPRISE and user.organization_id is not None
    )


def is_requester_member(user: User | None, trial: TrialRequest) -> bool:
    """Tell whether the user acts for the enterprise that asked for the trial."""
    return bool(
        _signed_in(user)
        and user.role == Role.ENTERPRISE
        and user.organization_id == trial.organization_id
    )


def is_vendor_member(user: User | None, trial: TrialRequest) -> bool:
    """Tell whether the user acts for the vendor of the trial's solution."""
    return bool(
        _signed_in(user) and user.role == Role.VENDOR and user.organization_id == trial.vendor_id
    )


def can_view_trial(user: User | None, trial: TrialRequest) -> bool:
    """Both parties see the trial, and staff may read it; nobody else knows it exists."""
    return bool(
        is_requester_member(user, trial)
        or is_vendor_member(user, trial)
        or (_signed_in(user) and user.is_staff)
    )


def require_view_trial(user: User | None, trial: TrialRequest) -> None:
    require(can_view_trial(user, trial), hide=True)


def require_request_trial(user: User | None) -> None:
    """Let enterprise users whose organisation role allows it ask for a trial."""
    require(can_request_trial(user))
    require_action(user, "trial.request")


def require_vendor_member(user: User | None, trial: TrialRequest) -> None:
    """Let the owning vendor's members see the trial: 403 to those who may see it, else 404."""
    if not is_vendor_member(user, trial):
        deny(hide=not can_view_trial(user, trial))


def require_vendor_action(user: User | None, trial: TrialRequest) -> None:
    """Let only the owning vendor act: 403 to those who may see it, 404 to the rest."""
    if is_vendor_member(user, trial):
        require_action(user, "trial.respond")
        return
    deny(hide=not can_view_trial(user, trial))


def require_requester_action(user: User | None, trial: TrialRequest) -> None:
    """Let only the requesting enterprise act: 403 to those who may see it, 404 to the rest."""
    if is_requester_member(user, trial):
        require_action(user, "trial.request")
        return
    deny(hide=not can_view_trial(user, trial))
