"""The quote request form, the vendor's offer form and the small decision forms."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import FieldList, FormField, HiddenField, SelectField, StringField, TextAreaField
from wtforms import Form as PlainForm

from marketplace.catalog.models import Solution
from marketplace.core.forms import DayField, Form, strip
from marketplace.quotes import rules
from marketplace.quotes.vat import VAT_LABELS

CUSTOM = "custom"


def parse_int(raw: str | None, *, digits: int) -> int | None:
    """Read a whole number typed with or without thousands dots (`1.200.000`); None if not."""
    text = (raw or "").replace(".", "").replace(" ", "").strip()
    if not text or not text.isascii() or not text.isdigit() or len(text) > digits:
        return None
    return int(text)


class QuoteRequestForm(Form):
    """An enterprise asks for a quote. The checks live in quotes.rules."""

    plan = SelectField(_l("Gói quan tâm"), validate_choice=False)
    users_count = StringField(
        _l("Số người dùng"), filters=[strip], default="1", description=_l("Từ 1 đến 100.000.")
    )
    needs = TextAreaField(
        _l("Phân hệ, nhu cầu cần báo giá"),
        filters=[strip],
        description=_l("Ví dụ: kế toán, kho, 3 chi nhánh, tích hợp hóa đơn điện tử…"),
    )
    desired_start = DayField(_l("Ngày muốn bắt đầu (không bắt buộc)"))
    budget = SelectField(_l("Ngân sách dự kiến (không bắt buộc)"), validate_choice=False)
    message = TextAreaField(_l("Lời nhắn cho nhà cung cấp"), filters=[strip])
    contact_name = StringField(_l("Người liên hệ"), filters=[strip])
    contact_phone = StringField(
        _l("Số điện thoại liên hệ"),
        filters=[strip],
        description=_l("Di động hoặc cố định, ví dụ 0912 345 678 hoặc 0220 3852 123."),
    )

    def __init__(self, *args, solution: Solution, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.plan.choices = [(str(p.id), p.name) for p in rules.quote_plans(solution)] + [
            (CUSTOM, str(_l("Theo nhu cầu (gói riêng)")))
        ]
        self.budget.choices = [("", str(_l("Chưa xác định")))] + [
            (k, str(v)) for k, v in rules.BUDGETS.items()
        ]
        for name in ("plan", "users_count", "contact_name", "contact_phone"):
            getattr(self, name).flags.required = True

    def to_input(self) -> rules.QuoteInput:
        raw_plan = (self.plan.data or "").strip()
        plan_id = parse_int(raw_plan, digits=9) if raw_plan != CUSTOM else None
        if raw_plan not in (CUSTOM, "") and plan_id is None:
            plan_id = -1  # not a plan of the solution: the rules say so next to the field
        return rules.QuoteInput(
            plan_id=plan_id,
            users_count=parse_int(self.users_count.data, digits=6),
            needs=self.needs.data or "",
            desired_start=self.desired_start.data,
            budget=self.budget.data or None,
            message=self.message.data or "",
            contact_name=self.contact_name.data or "",
            contact_phone=self.contact_phone.data or "",
        )


class LineForm(PlainForm):
    """One line of an offer (a sub-form: the outer form carries the CSRF token)."""

    item = SelectField(_l("Hạng mục"), validate_choice=False)
    description = StringField(_l("Mô tả"), filters=[strip])
    quantity = StringField(_l("Số lượng"), filters=[strip])
    unit_price = StringField(_l("Đơn giá (₫, chưa VAT)"), filters=[strip])
    vat = SelectField(
        _l("Thuế GTGT"),
        choices=[(k, str(v)) for k, v in VAT_LABELS.items()],
        default="10",
        validate_choice=False,
    )

    def is_blank(self) -> bool:
        return not any(
            (self.description.data or "", self.quantity.data or "", self.unit_price.data or "")
        ) and self.item.data in (CUSTOM, "", None)


class OfferForm(Form):
    """The vendor's offer: up to rules.MAX_LINES lines (blank ones are skipped)."""

    lines = FieldList(FormField(LineForm), min_entries=3, max_entries=rules.MAX_LINES)
    valid_until = DayField(_l("Hiệu lực đến hết ngày"))
    terms = TextAreaField(
        _l("Điều khoản"),
        filters=[strip],
        description=_l("Thời hạn hợp đồng, thanh toán, triển khai, hỗ trợ…"),
    )

    def __init__(self, *args, solution: Solution, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        choices = [(str(p.id), p.name) for p in rules.quote_plans(solution)]
        choices.append((CUSTOM, str(_l("Hạng mục khác"))))
        for entry in self.lines:
            entry.form.item.choices = choices
        self.valid_until.flags.required = True

    def to_input(self) -> rules.OfferInput:
        lines = []
        for entry in self.lines:
            sub = entry.form
            if sub.is_blank():
                continue
            raw_item = sub.item.data or CUSTOM
            plan_id = None if raw_item == CUSTOM else (parse_int(raw_item, digits=9) or -1)
            lines.append(
                rules.LineInput(
                    plan_id=plan_id,
                    description=sub.description.data or "",
                    quantity=parse_int(sub.quantity.data, digits=7),
                    unit_price_vnd=parse_int(sub.unit_price.data, digits=13),
                    vat=sub.vat.data or "",
                )
            )
        return rules.OfferInput(
            lines=lines, valid_until=self.valid_until.data, terms=self.terms.data or ""
        )

    def attach_errors(self, errors: dict[str, str]) -> None:
        """Put `lines-<i>-<field>` errors on the i-th non-blank line's field."""
        filled = [e for e in self.lines if not e.form.is_blank()] or list(self.lines)[:1]
        for key, message in errors.items():
            if key.startswith("lines-"):
                _prefix, index, name = key.split("-", 2)
                i = int(index)
                target = filled[i] if i < len(filled) else filled[0]
                field = getattr(target.form, name)
                field.errors = [*list(field.errors), message]
            else:
                self.attach_error(key, message)


class ReasonForm(Form):
    reason = TextAreaField(_l("Lý do"), filters=[strip])


class OptionalReasonForm(Form):
    reason = TextAreaField(_l("Lý do (không bắt buộc)"), filters=[strip])


class OfferActionForm(Form):
    """Accept, decline or retract the offer the person saw (its id, never its price)."""

    offer_id = HiddenField()
    reason = TextAreaField(_l("Lý do (không bắt buộc)"), filters=[strip])

    def offer(self) -> int | None:
        return parse_int(self.offer_id.data, digits=9)


class MessageForm(Form):
    body = TextAreaField(
        _l("Tin nhắn"), filters=[strip], description=_l("Tối đa 2.000 ký tự. Hỗ trợ Markdown.")
    )


class AssignForm(Form):
    assignee = SelectField(_l("Người phụ trách"), validate_choice=False)

    def __init__(self, *args, members=(), **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.assignee.choices = [("", str(_l("Chưa giao")))] + [
            (str(u.id), u.name) for u in members
        ]

    def assignee_id(self) -> int | None:
        return parse_int(self.assignee.data, digits=9)
