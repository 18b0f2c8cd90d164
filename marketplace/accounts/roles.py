"""What each role inside an organisation may do: one table, one check.

Every domain asks `allows(user, action)` (a yes/no for showing a button) or
`require_action(user, action)` (raises a `DomainError` the view turns into a message) before
acting for an organisation. The actions are named `<thing>.<verb>`; the table below is the
only place that says which organisation roles may perform them, and the README repeats it.

Actions marked as needing a verified e-mail are refused to a user who has not yet confirmed
their address, whatever their role.
"""

from __future__ import annotations

from enum import StrEnum

from flask_babel import lazy_gettext as _l

from marketplace.accounts.membership import current_membership
from marketplace.core.errors import DomainError


class OrgRole(StrEnum):
    OWNER = "owner"
    MANAGER = "manager"
    MEMBER = "member"


ROLE_LABELS = {
    OrgRole.OWNER: _l("Chủ sở hữu"),
    OrgRole.MANAGER: _l("Quản lý"),
    OrgRole.MEMBER: _l("Thành viên"),
}

_ALL = frozenset(OrgRole)
_LEADS = frozenset({OrgRole.OWNER, OrgRole.MANAGER})
_OWNER = frozenset({OrgRole.OWNER})

# action → organisation roles allowed to perform it.
ACTIONS: dict[str, frozenset[OrgRole]] = {
    # Organisation and people
    "org.edit_profile": _LEADS,
    "org.request_verification": _LEADS,
    "members.view": _ALL,
    "members.invite": _LEADS,
    "members.manage": _OWNER,  # change roles, remove, transfer ownership, answer join requests
    # Vendor: listings
    "listing.edit": _ALL,  # drafts and proposed edits of live listings
    "listing.submit": _LEADS,  # submit for moderation, withdraw, archive
    # Vendor: customers
    "trial.respond": _LEADS,  # accept, decline, start, end, convert
    "review.reply": _LEADS,
    "quote.respond": _ALL,  # a salesperson answers the requests assigned to them
    "quote.assign": _LEADS,
    "sales.view": _LEADS,
    "order.confirm_payment": _LEADS,  # mark a transfer received, record the e-invoice
    "bank_account.manage": _OWNER,
    "need.propose": _LEADS,
    "programme.opt_in": _LEADS,  # put a plan forward for the SME support programme
    # Enterprise: buying
    "trial.request": _ALL,
    "review.write": _ALL,
    "quote.request": _ALL,
    "quote.accept": _LEADS,
    "order.create": _LEADS,
    "billing.manage": _OWNER,  # cancel subscriptions, payment details
    "need.post": _LEADS,
    "need.award": _LEADS,
    "programme.apply": _LEADS,
    "assessment.take": _ALL,  # readiness self-assessment (enterprises only)
    "assessment.view": _ALL,  # the organisation's results and history
}

# Actions that also need the user's e-mail address to be verified.
NEEDS_VERIFIED_EMAIL: frozenset[str] = frozenset(
    {
        "org.request_verification",
        "members.invite",
        "listing.submit",
        "trial.request",
        "review.write",
        "quote.request",
        "quote.accept",
        "order.create",
        "need.post",
        "need.propose",
        "programme.apply",
    }
)


class ActionRefused(DomainError):
    """The user's organisation role does not allow the action."""

    status = 403


class EmailNotVerified(ActionRefused):
    """The action waits for the user to confirm their e-mail address."""


def org_role(user) -> OrgRole | None:
    """Return the user's role in the organisation they act for, or None.

    The membership is read once per request (`membership.current_membership`).
    """
    membership = current_membership(user)
    return OrgRole(membership.role) if membership is not None else None


def email_verified(user) -> bool:
    """Tell whether the user has confirmed their e-mail address (staff always count as such).

    Accounts that existed before verification was asked for were marked verified by
    migration 0024; new accounts are verified when their link is opened.
    """
    if not getattr(user, "is_authenticated", False):
        return False
    if getattr(user, "is_staff", False):
        return True
    return getattr(user, "email_verified_at", None) is not None


def allows(user, action: str) -> bool:
    """Tell whether the user may perform `action` for their organisation now."""
    role = org_role(user)
    if role is None or role not in ACTIONS[action]:
        return False
    return action not in NEEDS_VERIFIED_EMAIL or email_verified(user)


def waits_for_email(user, action: str) -> bool:
    """Tell whether only an unverified e-mail keeps the user from `action` (their role may)."""
    role = org_role(user)
    return (
        role is not None
        and role in ACTIONS[action]
        and action in NEEDS_VERIFIED_EMAIL
        and not email_verified(user)
    )


def require_action(user, action: str) -> None:
    """Raise `ActionRefused` (or `EmailNotVerified`) unless the user may perform `action`."""
    role = org_role(user)
    if role is None or role not in ACTIONS[action]:
        message = str(_l("Vai trò của bạn trong tổ chức không cho phép thao tác này."))
        if role is not None:
            allowed = ", ".join(str(ROLE_LABELS[r]) for r in OrgRole if r in ACTIONS[action])
            message += " " + str(
                _l("Thao tác này dành cho: %(roles)s. Hãy nhờ họ thực hiện.", roles=allowed)
            )
        raise ActionRefused(message)
    if action in NEEDS_VERIFIED_EMAIL and not email_verified(user):
        raise EmailNotVerified(
            str(_l("Vui lòng xác thực địa chỉ e-mail trước khi thực hiện thao tác này."))
        )
