"""What templates show of the programme: the support line beside a plan, status labels."""

from __future__ import annotations

from types import SimpleNamespace

from flask import render_template
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from markupsafe import Markup

from marketplace.core import fragments
from marketplace.programme import queries
from marketplace.programme.models import ApplicationStatus, OptInStatus
from marketplace.programme.rules import support_on
from marketplace.programme.services import order_date

STATUS_LABELS = {
    ApplicationStatus.SUBMITTED: _l("Chờ xét duyệt"),
    ApplicationStatus.APPROVED: _l("Đã phê duyệt"),
    ApplicationStatus.REJECTED: _l("Bị từ chối"),
    ApplicationStatus.DISBURSED: _l("Đã giải ngân"),
}
STATUS_CLASSES = {
    ApplicationStatus.SUBMITTED: "text-bg-warning",
    ApplicationStatus.APPROVED: "text-bg-primary",
    ApplicationStatus.REJECTED: "text-bg-danger",
    ApplicationStatus.DISBURSED: "text-bg-success",
}
OPT_IN_LABELS = {
    OptInStatus.PENDING: _l("Chờ duyệt"),
    OptInStatus.APPROVED: _l("Thuộc chương trình"),
    OptInStatus.REJECTED: _l("Bị từ chối"),
}
BAND_LABELS = {
    "household": _l("Hộ kinh doanh"),
    "micro": _l("Doanh nghiệp siêu nhỏ"),
    "small": _l("Doanh nghiệp nhỏ"),
    "medium": _l("Doanh nghiệp vừa"),
}


def status_label(status: str) -> str:
    return str(STATUS_LABELS.get(status, status))


def status_class(status: str) -> str:
    return STATUS_CLASSES.get(status, "text-bg-secondary")


def _order_in_period(ctx, order) -> bool:
    return queries.version_for_day(ctx.version.programme_id, order_date(order)) is not None


def support_line(plan, order=None) -> Markup:
    """Render the support beside a plan (or an order of it); empty when it has none.

    The request's context (rules, approved plans, the organisation's cap left, the budget
    left) is read once per page, whatever the number of plans shown.
    """
    if plan is None:
        return Markup("")
    ctx = queries.page_support(current_user)
    if ctx.version is None or plan.id not in ctx.eligible:
        return Markup("")
    support = None
    if ctx.org is not None and ctx.org_refusal is None:
        amount = order.total_vnd if order is not None else plan.price_vnd
        support = support_on(
            amount, ctx.version.rate(ctx.org.size_band), ctx.cap_left, ctx.budget_left
        )
    application = queries.application_for_order(order.id) if order is not None else None
    if order is not None and application is None and not _order_in_period(ctx, order):
        return Markup("")  # an order placed outside the programme's period gets no support
    return Markup(
        render_template(
            "programme/_support_line.html",
            plan=plan,
            order=order,
            ctx=ctx,
            support=support,
            application=application,
        )
    )


def plan_support(plan_id: int, price_vnd: int, period: str) -> Markup:
    """The support beside a plan of a solution page kept for everyone (a slot: the support
    depends on the visitor's organisation), from the plan's public figures."""
    return support_line(SimpleNamespace(id=plan_id, price_vnd=price_vnd, period=period))


# The organisation's cap left follows its applications (`ACCOUNT_TABLES`), the rules and the
# plans taken follow the content stamp; the budget left may lag by the account timer.
fragments.register_slot("support", plan_support, per_user=True)
