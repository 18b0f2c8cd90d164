"""Who may request, see and act on quotes (object level; organisation roles are in
accounts.roles)."""

from __future__ import annotations

from marketplace.accounts.models import Role, User
from marketplace.core.permissions import deny, require
from marketplace.quotes.models import QuoteRequest


def _signed_in(user: User | None) -> bool:
    return bool(user is not None and getattr(user, "is_authenticated", False))


def can_request_quote(user: User | None) -> bool:
    """Only enterprise users (with their organisation) ask for quotes."""
    return bool(
        _signed_in(user) and user.role == Role.ENTERPRISE and user.organization_id is not None
    )


def is_requester_member(user: User | None, quote: QuoteRequest) -> bool:
    """Tell whether the user acts for the enterprise that asked for the quote."""
    return bool(
        _signed_in(user)
        and user.role == Role.ENTERPRISE
        and user.organization_id == quote.organization_id
    )


def is_vendor_member(user: User | None, quote: QuoteRequest) -> bool:
    """Tell whether the user acts for the vendor the request was sent to."""
    return bool(
        _signed_in(user) and user.role == Role.VENDOR and user.organization_id == quote.vendor_id
    )


def can_view_quote(user: User | None, quote: QuoteRequest) -> bool:
    """Both parties see the quote and staff may read it; nobody else knows it exists."""
    return bool(
        is_requester_member(user, quote)
        or is_vendor_member(user, quote)
        or (_signed_in(user) and user.is_staff)
    )


def require_view_quote(user: User | None, quote: QuoteRequest) -> None:
    require(can_view_quote(user, quote), hide=True)


def require_request_quote(user: User | None) -> None:
    require(can_request_quote(user))


def require_vendor_side(user: User | None, quote: QuoteRequest) -> None:
    """Let only the receiving vendor act: 403 to those who may see it, 404 to the rest."""
    if is_vendor_member(user, quote):
        return
    deny(hide=not can_view_quote(user, quote))


def require_requester_side(user: User | None, quote: QuoteRequest) -> None:
    """Let only the requesting enterprise act: 403 to those who may see it, 404 to the rest."""
    if is_requester_member(user, quote):
        return
    deny(hide=not can_view_quote(user, quote))


def can_be_assigned(user: User | None, quote: QuoteRequest) -> bool:
    """Tell whether `user` may own the request: an active member of the receiving vendor."""
    return bool(
        user is not None
        and user.active
        and user.role == Role.VENDOR
        and user.organization_id == quote.vendor_id
    )
