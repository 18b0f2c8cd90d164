"""The trial request form and the vendor's and enterprise's decision forms."""

from __future__ import annotations

import datetime as dt

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from wtforms import SelectField, StringField, TextAreaField
from wtforms.validators import ValidationError

from marketplace.catalog.models import Plan, Solution
from marketplace.core.formatting import format_vnd
from marketplace.core.forms import DayField, Form, strip
from marketplace.core.text import MAX_REASON
from marketplace.trials import rules

_PERIODS = {"month": _l("mỗi tháng"), "year": _l("mỗi năm"), "once": _l("một lần")}


def plan_label(plan: Plan) -> str:
    return _(
        "%(name)s — dùng thử %(days)d ngày (sau đó %(price)s %(period)s)",
        name=plan.name,
        days=plan.trial_days,
        price=format_vnd(plan.price_vnd),
        period=_PERIODS.get(plan.period, plan.period),
    )


class TrialRequestForm(Form):
    """An enterprise asks to try a plan. The rules live in trials.rules."""

    plan = SelectField(_l("Gói dịch vụ muốn dùng thử"), validate_choice=False)
    contact_name = StringField(_l("Người liên hệ"), filters=[strip])
    contact_phone = StringField(
        _l("Số điện thoại liên hệ"),
        filters=[strip],
        description=_l("Di động hoặc cố định, ví dụ 0912 345 678 hoặc 0220 3852 123."),
    )
    preferred_start = DayField(
        _l("Ngày muốn bắt đầu"),
        description=_l("Từ hôm nay đến 90 ngày tới. Nhà cung cấp sẽ xác nhận ngày bắt đầu."),
    )
    users_count = StringField(
        _l("Số người dùng thử"), filters=[strip], default="1", description=_l("Từ 1 đến 10.000.")
    )
    message = TextAreaField(
        _l("Lời nhắn cho nhà cung cấp"),
        filters=[strip],
        description=_l("Nhu cầu, thời gian thuận tiện để liên hệ… (tối đa 2.000 ký tự)"),
    )

    def __init__(self, *args, solution: Solution, today: dt.date, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.solution = solution
        self.today = today
        self.plan.choices = [(str(p.id), plan_label(p)) for p in rules.trial_plans(solution)]
        for name in ("plan", "contact_name", "contact_phone", "preferred_start", "users_count"):
            getattr(self, name).flags.required = True

    def plan_id(self) -> int | None:
        raw = (self.plan.data or "").strip()
        return int(raw) if raw.isascii() and raw.isdigit() and len(raw) < 10 else None

    def users(self) -> int | None:
        raw = (self.users_count.data or "").replace(".", "").strip()
        return int(raw) if raw.isascii() and raw.isdigit() and len(raw) < 7 else None

    def validate_plan(self, field) -> None:
        self._raise(rules.plan_problem(self.solution, self.plan_id()))

    def validate_contact_name(self, field) -> None:
        self._raise(rules.check_contact_name(field.data))

    def validate_contact_phone(self, field) -> None:
        self._raise(rules.check_phone(field.data))

    def validate_preferred_start(self, field) -> None:
        if field.errors:  # not a date: that error is enough
            return
        self._raise(rules.check_preferred_start(field.data, self.today))

    def validate_users_count(self, field) -> None:
        self._raise(rules.check_users_count(self.users()))

    def validate_message(self, field) -> None:
        self._raise(rules.check_message(field.data))

    @staticmethod
    def _raise(problem: str | None) -> None:
        if problem:
            raise ValidationError(problem)

    def to_input(self) -> rules.TrialInput:
        return rules.TrialInput(
            plan_id=self.plan_id(),
            contact_name=self.contact_name.data or "",
            contact_phone=self.contact_phone.data or "",
            preferred_start=self.preferred_start.data,
            users_count=self.users(),
            message=self.message.data or "",
        )


class AcceptForm(Form):
    instructions = TextAreaField(
        _l("Hướng dẫn truy cập"),
        filters=[strip],
        description=_l(
            "Địa chỉ đăng nhập, tài khoản dùng thử, người hỗ trợ… Doanh nghiệp sẽ thấy nội "
            "dung này trong mục “Dùng thử của tôi”."
        ),
    )

    def validate_instructions(self, field) -> None:
        if not field.data:
            raise ValidationError(_l("Vui lòng nhập hướng dẫn truy cập cho doanh nghiệp."))
        if len(field.data) > rules.MAX_INSTRUCTIONS:
            raise ValidationError(
                _l("Nội dung không được dài quá %(n)d ký tự.", n=rules.MAX_INSTRUCTIONS)
            )


class DeclineForm(Form):
    reason = TextAreaField(_l("Lý do từ chối"), filters=[strip])

    def validate_reason(self, field) -> None:
        if not field.data:
            raise ValidationError(_l("Vui lòng nêu lý do từ chối."))
        if len(field.data) > MAX_REASON:
            raise ValidationError(_l("Nội dung không được dài quá %(n)d ký tự.", n=MAX_REASON))


class NoteForm(Form):
    """An optional note: ending early, marking converted, or the enterprise cancelling."""

    note = TextAreaField(_l("Ghi chú (không bắt buộc)"), filters=[strip])

    def validate_note(self, field) -> None:
        if field.data and len(field.data) > MAX_REASON:
            raise ValidationError(_l("Nội dung không được dài quá %(n)d ký tự.", n=MAX_REASON))


class CancelForm(Form):
    reason = TextAreaField(_l("Lý do hủy (không bắt buộc)"), filters=[strip])

    def validate_reason(self, field) -> None:
        if field.data and len(field.data) > MAX_REASON:
            raise ValidationError(_l("Nội dung không được dài quá %(n)d ký tự.", n=MAX_REASON))


class StartForm(Form):
    """Start an accepted trial today (a button; the form carries the CSRF token)."""
