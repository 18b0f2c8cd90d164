"""Who may buy, see the organisation's billing and the vendor's sales."""

from __future__ import annotations

from marketplace.accounts import roles
from marketplace.accounts.models import Role, User
from marketplace.accounts.roles import allows, require_action
from marketplace.billing.models import Subscription
from marketplace.core.permissions import require


def _signed_in(user: User | None) -> bool:
    return bool(user is not None and getattr(user, "is_authenticated", False))


def _enterprise_account(user: User | None) -> bool:
    """A signed-in enterprise account that belongs to an organisation."""
    return bool(
        _signed_in(user) and user.role == Role.ENTERPRISE and user.organization_id is not None
    )


def is_enterprise_user(user: User | None) -> bool:
    """Tell whether the user acts for an active enterprise (whatever their role in it)."""
    return bool(
        _enterprise_account(user) and user.organization is not None and user.organization.active
    )


def can_buy(user: User | None) -> bool:
    """Enterprise users whose organisation role allows ordering buy plans.

    The role is read from the membership of an active organisation (`roles.allows`), which
    is `is_enterprise_user`'s test of the organisation: its row is not read again.
    """
    return _enterprise_account(user) and allows(user, "order.create")


def can_view_billing(user: User | None) -> bool:
    """Enterprise users see their organisation's subscriptions and payments."""
    return _enterprise_account(user)


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


# ---------------------------------------------------------------- orders and bank accounts


def is_staff(user: User | None) -> bool:
    return bool(_signed_in(user) and user.role in (Role.MODERATOR, Role.ADMIN))


def is_order_buyer(user: User | None, order) -> bool:
    return bool(can_view_billing(user) and user.organization_id == order.organization_id)


def is_order_vendor(user: User | None, order) -> bool:
    return bool(can_view_sales(user) and user.organization_id == order.vendor_id)


def can_view_order(user: User | None, order) -> bool:
    """The buyer's and the vendor's people, and the moderators, see an order."""
    return is_order_buyer(user, order) or is_order_vendor(user, order) or is_staff(user)


def can_confirm_payment(user: User | None, order) -> bool:
    """A moderator, or the vendor's people whose role allows order.confirm_payment."""
    if is_staff(user):
        return True
    return is_order_vendor(user, order) and roles.allows(user, "order.confirm_payment")


def can_record_invoice(user: User | None, order) -> bool:
    return is_order_vendor(user, order) and roles.allows(user, "order.confirm_payment")


def can_manage_bank_account(user: User | None) -> bool:
    """Only the vendor's people whose role allows bank_account.manage (owners)."""
    return bool(can_view_sales(user) and roles.allows(user, "bank_account.manage"))


def require_order_viewer(user: User | None, order) -> None:
    """Another organisation's order does not exist as far as this user knows."""
    require(can_view_order(user, order), hide=True)


def require_order_buyer(user: User | None, order) -> None:
    require(is_order_buyer(user, order), hide=True)


def require_order_vendor(user: User | None, order) -> None:
    require(is_order_vendor(user, order), hide=True)


def require_payment_confirmer(user: User | None, order) -> None:
    """Refuse anyone but a moderator or the order's vendor with order.confirm_payment:
    another vendor or the buyer is refused (404 when they may not even see the order)."""
    require(can_view_order(user, order), hide=True)
    if not is_staff(user):
        require(is_order_vendor(user, order))
        roles.require_action(user, "order.confirm_payment")


def require_invoice_recorder(user: User | None, order) -> None:
    """Only the order's vendor, and among its people those with order.confirm_payment."""
    require(can_view_order(user, order), hide=True)
    require(is_order_vendor(user, order))
    roles.require_action(user, "order.confirm_payment")


def require_staff(user: User | None) -> None:
    require(is_staff(user))


def require_manage_subscription(user: User | None, subscription: Subscription) -> None:
    """Only the holder's members whose role manages billing cancel; others learn nothing."""
    require_subscription_owner(user, subscription)
    require_action(user, "billing.manage")


def require_manage_period(user: User | None, period) -> None:
    """A transfer-paid plan's renewal is switched by its holder's members whose role
    manages billing (403); another organisation's plan does not exist for the user (404)."""
    require(
        bool(can_view_billing(user) and user.organization_id == period.organization_id), hide=True
    )
    require_action(user, "billing.manage")


def can_manage_billing(user: User | None) -> bool:
    return allows(user, "billing.manage")


def require_view_sales(user: User | None) -> None:
    require(can_view_sales(user))
    require_action(user, "sales.view")
