"""The buying parts of a solution page that differ per visitor (core/fragments.py slots):
shown to whoever may buy (anonymous visitors too: buying asks them to sign in), and a plan
the visitor's organisation already holds marked as such instead of its buy button.

Both are kept per user (`per_user`): the role in the organisation and the plans it holds
are in tables whose commits renew the accounts stamp.
"""

from __future__ import annotations

from flask import g
from flask_babel import gettext as _
from flask_login import current_user
from markupsafe import Markup

from marketplace.billing import permissions, queries
from marketplace.core import fragments


def _may_buy() -> bool:
    """May the visitor buy (anonymous visitors are asked to sign in)? Once per request."""
    may = g.get("_billing_may_buy")
    if may is None:
        user = current_user._get_current_object()
        may = g._billing_may_buy = not user.is_authenticated or permissions.can_buy(user)
    return may


def for_buyers(html: Markup) -> Markup:
    """`html` (buying, rendered for everyone) if this visitor may buy, else nothing."""
    return Markup(html) if _may_buy() else Markup("")


def plan_action(plan_ids: tuple[int, ...], plan_id: int, html: Markup) -> Markup:
    """The buy button `html` of a plan, "Đang sử dụng" when the visitor's organisation holds
    the plan, or nothing when the visitor may not buy. `plan_ids`: the page's plans (their
    ownership is read once)."""
    if not _may_buy():
        return Markup("")
    if plan_id in _owned(plan_ids):
        return Markup('<span class="badge text-bg-success">{}</span>').format(_("Đang sử dụng"))
    return Markup(html)


def _owned(plan_ids: tuple[int, ...]) -> set[int]:
    """The plans of the page the visitor's organisation holds (one query per request)."""
    user = current_user._get_current_object()
    if not user.is_authenticated:
        return set()
    owned = g.setdefault("_billing_owned", {})
    if plan_ids not in owned:
        owned[plan_ids] = queries.owned_plan_ids(user, list(plan_ids))
    return owned[plan_ids]


fragments.register_slot("for_buyers", for_buyers, per_user=True)
fragments.register_slot("plan_action", plan_action, per_user=True)
