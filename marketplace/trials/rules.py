"""The rules of trials: the moves between statuses, the limits and checks of a request, and the
domain's errors.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from flask_babel import gettext as _

from marketplace.accounts.validation import normalise_phone
from marketplace.catalog.models import Plan, Solution
from marketplace.core.clock import local_today
from marketplace.core.errors import DomainError
from marketplace.core.formatting import format_date, format_number
from marketplace.extensions import db
from marketplace.trials.models import (
    TrialRequest,
    TrialStatus,
)

S = TrialStatus


MAX_START_AHEAD_DAYS = 90
MAX_USERS = 10_000
MAX_MESSAGE = 2000
MAX_CONTACT_NAME = 120
MAX_INSTRUCTIONS = 4000


# (from, to) → the audit action of the move.
TRANSITIONS: dict[tuple[str, str], str] = {
    (S.REQUESTED, S.ACCEPTED): "trial.accept",
    (S.REQUESTED, S.DECLINED): "trial.decline",
    (S.REQUESTED, S.CANCELLED): "trial.cancel",
    (S.ACCEPTED, S.ACTIVE): "trial.start",
    (S.ACCEPTED, S.CANCELLED): "trial.cancel",
    (S.ACTIVE, S.ENDED): "trial.end",
    (S.ACTIVE, S.CONVERTED): "trial.convert",
}
# Moves only a payment makes: buying after the trial ended still counts as a conversion.
PAYMENT_TRANSITIONS: dict[tuple[str, str], str] = {(S.ENDED, S.CONVERTED): "trial.convert"}


class TrialError(DomainError):
    """A rule was broken; `field` names the form field the message belongs to (or None)."""


class TrialValidationError(TrialError):
    """The request's details are not acceptable; `errors` maps each field to its message."""

    def __init__(self, errors: dict[str, str]) -> None:
        first_field, first = next(iter(errors.items()))
        super().__init__(first, first_field)
        self.errors = errors


class DuplicateTrialError(TrialError):
    """The organisation already has an open trial of this solution."""

    def __init__(self, existing: TrialRequest | None = None) -> None:
        super().__init__(
            _(
                "Doanh nghiệp của bạn đã có một yêu cầu dùng thử đang mở cho giải pháp này. "
                "Bạn có thể theo dõi yêu cầu trong mục “Dùng thử của tôi”."
            )
        )
        self.existing = existing


@dataclass
class TrialInput:
    """What the enterprise typed in the request form."""

    plan_id: int | None
    contact_name: str
    contact_phone: str
    preferred_start: dt.date | None
    users_count: int | None
    message: str = ""


def check_contact_name(value: str | None) -> str | None:
    """Return why the contact name is refused, or None."""
    value = (value or "").strip()
    if not value:
        return _("Vui lòng nhập tên người liên hệ.")
    if len(value) > MAX_CONTACT_NAME:
        return _("Tên người liên hệ không được dài quá %(n)d ký tự.", n=MAX_CONTACT_NAME)
    return None


def check_phone(value: str | None) -> str | None:
    """Return why the phone number is refused, or None."""
    if not (value or "").strip():
        return _("Vui lòng nhập số điện thoại liên hệ.")
    if normalise_phone(value or "") is None:
        return _("Số điện thoại không hợp lệ.")
    return None


def check_preferred_start(value: dt.date | None, today: dt.date) -> str | None:
    """Return why the preferred start date is refused, or None."""
    if value is None:
        return _("Vui lòng chọn ngày muốn bắt đầu dùng thử.")
    if value < today:
        return _("Ngày bắt đầu phải từ hôm nay (%(d)s) trở đi.", d=format_date(today))
    latest = today + dt.timedelta(days=MAX_START_AHEAD_DAYS)
    if value > latest:
        return _(
            "Ngày bắt đầu phải trong vòng %(n)d ngày tới (chậm nhất %(d)s).",
            n=MAX_START_AHEAD_DAYS,
            d=format_date(latest),
        )
    return None


def check_users_count(value: int | None) -> str | None:
    """Return why the number of users is refused, or None."""
    if value is None or not 1 <= value <= MAX_USERS:
        return _("Số người dùng là số nguyên từ 1 đến %(n)s.", n=format_number(MAX_USERS))
    return None


def check_message(value: str | None) -> str | None:
    """Return why the message is refused, or None."""
    if len(value or "") > MAX_MESSAGE:
        return _("Lời nhắn không được dài quá %(n)d ký tự.", n=MAX_MESSAGE)
    return None


def trial_plans(solution: Solution) -> list[Plan]:
    """Return the solution's plans that can be tried now: active, with trial days."""
    return [p for p in solution.plans if p.active and p.trial_days > 0]


def plan_problem(solution: Solution, plan_id: int | None) -> str | None:
    """Return why this plan cannot be tried on this solution, or None."""
    if plan_id is None:
        return _("Vui lòng chọn gói dịch vụ muốn dùng thử.")
    plan = db.session.get(Plan, plan_id)
    if plan is None or plan.solution_id != solution.id:
        return _("Gói dịch vụ này không thuộc giải pháp đang chọn.")
    if not plan.active:
        return _("Gói dịch vụ này không còn được cung cấp.")
    if plan.trial_days <= 0:
        return _("Gói dịch vụ này không có dùng thử miễn phí.")
    return None


def validate_request(
    solution: Solution, data: TrialInput, *, today: dt.date | None = None
) -> dict[str, str]:
    """Return the problems of a trial request, by form field (empty when it is acceptable)."""
    today = today or local_today()
    checks = {
        "plan": plan_problem(solution, data.plan_id),
        "contact_name": check_contact_name(data.contact_name),
        "contact_phone": check_phone(data.contact_phone),
        "preferred_start": check_preferred_start(data.preferred_start, today),
        "users_count": check_users_count(data.users_count),
        "message": check_message(data.message),
    }
    return {name: message for name, message in checks.items() if message}
