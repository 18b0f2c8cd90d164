"""Who may buy, see the organisation's billing and the vendor's sales."""

from __future__ import annotations

from marketplace.accounts.models import Role, User
from marketplace.accounts.roles import allows, require_action
from marketplace.billing.models import Subscription
from marketplace.core.permissions import require


def _signed_in(user: User | None) -> bool:
    return bool(user is not None and getattr(user, "is_authenticated", False))


def is_enterprise_user(user: User | None) -> bool:
    """Tell whether the user acts for an active enterprise (whatever their role in it)."""
    return bool(
        _signed_in(user)
        and user.role == Role.ENTERPRISE
        and user.organization_id is not None
        and user.organization is not None
        and user.organization.active
    )


def can_buy(user: User | None) -> bool:
    """Enterprise users whose organisation role allows ordering buy plans."""
    return is_enterprise_user(user) and allows(user, "order.create")


def can_view_billing(user: User | None) -> bool:
    """Enterprise users see their organisation's subscriptions and payments."""
    return bool(
        _signed_in(user) and user.role == Role.ENTERPRISE and user.organization_id is not None
    )


def can_view_sales(user: User | None) -> bool:
    """Vendor users see the sales of their organisation's plans."""
    return bool(_signed_in(user) and user.role == Role.VENDOR and user.organization_id is not None)


def owns_subscription(user: User | None, subscription: Subscription) -> bool:
    """Tell whether the user acts for the organisation that holds the subscription."""
    return bool(can_view_billing(user) and user.organization_id == subscription.organization_id)


def require_buyer(user: User | None) -> None:
    """Refuse non-enterprise users (403); tell a member without the role why (403)."""
    require(is_enterprise_user(user))
    require_action(user, "order.create")


def require_subscription_owner(user: User | None, subscription: Subscription) -> None:
    """Another organisation's subscription does not exist as far as this user knows."""
    require(owns_subscription(user, subscription), hide=True)


def require_manage_subscription(user: User | None, subscription: Subscription) -> None:
    """Only the holder's members whose role manages billing cancel; others learn nothing."""
    require_subscription_owner(user, subscription)
    require_action(user, "billing.manage")


def can_manage_billing(user: User | None) -> bool:
    return allows(user, "billing.manage")


def require_view_sales(user: User | None) -> None:
    require(can_view_sales(user))
    require_action(user, "sales.view")
