"""The reviews section's parts that differ per visitor (core/fragments.py slots): the write
button and the visitor's standing (may they review, and why; their own review hidden by a
moderator), and each review's actions (the helpful vote, reply, report).

Kept per user (`per_user`): the right to review follows their trials, orders and role
(tables whose commits renew the accounts stamp), their own review and each review's
counts follow the content stamp, their votes the accounts stamp. Each review's actions
are rendered once for all the users with the same standing (`actions_standing`): a user's
first showing of a page reads their votes and renders none of them again.
"""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any, NamedTuple

from flask import current_app, g, request
from flask_login import current_user
from markupsafe import Markup

from marketplace.accounts.models import Role
from marketplace.catalog.models import SolutionStatus
from marketplace.core import fragments
from marketplace.reviews import permissions
from marketplace.reviews import queries as reviews_queries
from marketplace.reviews import standing as reviews_standing


def _user():
    user = current_user._get_current_object()
    return user if user.is_authenticated else None


def _standing(solution_id: int, vendor_id: int, slug: str) -> dict:
    """May the visitor review the solution, why, and their organisation's review (once per
    request). The page is public: the solution is published."""
    kept = g.setdefault("_review_standing", {})
    if solution_id not in kept:
        user = _user()
        solution = SimpleNamespace(
            id=solution_id, vendor_id=vendor_id, slug=slug, status=SolutionStatus.PUBLISHED
        )
        allowed, reason = permissions.can_review(user, solution)
        own = None
        if user is not None and user.role == Role.ENTERPRISE:
            own = reviews_standing.own_review(user.organization_id, solution_id)
        kept[solution_id] = {
            "can_write": allowed,
            "reason": reason,
            "own": own,
            "slug": slug,
            "current_user": current_user._get_current_object(),
            "request": request,
        }
    return kept[solution_id]


def _macro(name: str):
    return getattr(current_app.jinja_env.get_template("reviews/_standing.html").module, name)


def write_button(solution_id: int, vendor_id: int, slug: str) -> Markup:
    """ "Viết đánh giá" (or "Sửa nhận xét của bạn") for a visitor who may review."""
    return Markup(_macro("write_button")(_standing(solution_id, vendor_id, slug)))


def standing(solution_id: int, vendor_id: int, slug: str) -> Markup:
    """Why the visitor may not review, or that their review is hidden."""
    return Markup(_macro("standing")(_standing(solution_id, vendor_id, slug)))


def _voted(page_ids: tuple[int, ...]) -> set[int]:
    user = _user()
    kept = g.setdefault("_review_votes", {})
    if page_ids not in kept:
        kept[page_ids] = reviews_queries.voted_ids(getattr(user, "id", None), page_ids)
    return kept[page_ids]


class ActionArgs(NamedTuple):
    """A review's public figures its actions slot is given (`ReviewPanel.action_args`)."""

    page_ids: tuple[int, ...]  # the reviews shown, whose votes are read once
    review_id: int
    organization_id: int
    vendor_id: int
    published: bool
    helpful_count: int
    has_reply: bool
    here: str

    def review(self) -> SimpleNamespace:
        return SimpleNamespace(
            id=self.review_id,
            organization_id=self.organization_id,
            is_published=self.published,
            helpful_count=self.helpful_count,
            reply=self.has_reply or None,
            solution=SimpleNamespace(vendor_id=self.vendor_id),
        )


def actions_standing(*args: Any) -> tuple[bool, bool, bool, bool]:
    """Everything of the visitor a review's actions show: (voted, may vote, may reply, may
    report). Visitors alike share the actions' rendering (`shared_by`)."""
    given = ActionArgs(*args)
    return _standing_towards(given, given.review())


def _standing_towards(given: ActionArgs, review: SimpleNamespace) -> tuple[bool, bool, bool, bool]:
    user = _user()
    return (
        given.review_id in _voted(given.page_ids),
        permissions.can_vote(user, review),
        permissions.can_reply(user, review),
        permissions.can_report(user, review),
    )


def review_actions(*args: Any) -> Markup:
    """A review's actions for the visitor, from its public figures (`ActionArgs`)."""
    given = ActionArgs(*args)
    review = given.review()
    voted, may_vote, may_reply, may_report = _standing_towards(given, review)
    panel = SimpleNamespace(
        voted={given.review_id} if voted else set(),
        can_vote=lambda _r: may_vote,
        can_reply=lambda _r: may_reply,
        can_report=lambda _r: may_report,
        here=lambda _r: given.here,
    )
    macros = current_app.jinja_env.get_template("reviews/_macros.html").module
    return Markup(macros.review_actions(review, panel))


fragments.register_slot("review_write", write_button, per_user=True)
fragments.register_slot("review_standing", standing, per_user=True)
fragments.register_slot("review_actions", review_actions, per_user=True, shared_by=actions_standing)
