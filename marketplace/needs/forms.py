"""The needs board's forms: posting a need, a proposal, questions and the decisions.
The checks live in needs.rules and needs.services; these only read what was typed."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import (
    BooleanField,
    FieldList,
    FormField,
    HiddenField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms import Form as PlainForm

from marketplace.catalog.models import Category
from marketplace.core import geography
from marketplace.core.forms import DayField, Form, strip
from marketplace.needs import rules
from marketplace.needs.models import Proposal
from marketplace.quotes.forms import parse_int
from marketplace.quotes.vat import VAT_LABELS


class NeedForm(Form):
    title = StringField(
        _l("Tiêu đề"),
        filters=[strip],
        description=_l("Ví dụ: Quản lý kho cho xưởng may 40 công nhân, dùng trên điện thoại"),
        render_kw={"maxlength": rules.MAX_TITLE},
    )
    problem = TextAreaField(
        _l("Bài toán của bạn"),
        filters=[strip],
        description=_l(
            "Kể bằng lời của bạn: đang làm thế nào, vướng ở đâu, muốn đạt được gì. "
            "Không cần biết tên loại phần mềm."
        ),
    )
    category = SelectField(_l("Danh mục (không bắt buộc)"), validate_choice=False)
    users_count = StringField(_l("Số người dùng"), filters=[strip], default="1")
    features = SelectMultipleField(_l("Tính năng thường gặp"), validate_choice=False)
    must_haves_other = TextAreaField(
        _l("Tính năng bắt buộc khác"),
        filters=[strip],
        description=_l("Mỗi dòng một tính năng, tối đa 10 tính năng tất cả."),
        render_kw={"rows": 3},
    )
    budget_min = StringField(_l("Ngân sách từ (₫)"), filters=[strip], default="0")
    budget_max = StringField(_l("Ngân sách đến (₫)"), filters=[strip])
    deadline = DayField(
        _l("Hạn nhận đề xuất"), description=_l("Từ ngày mai đến trong vòng 90 ngày, dd/mm/yyyy.")
    )
    commune_code = SelectField(_l("Địa bàn (phường/xã/đặc khu)"), validate_choice=False)
    show_name = BooleanField(_l("Cho nhà cung cấp thấy tên doanh nghiệp trước khi chọn"))

    def __init__(self, *args, categories: list[Category], vocabulary=(), **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.category.choices = [("", str(_l("Chưa chọn — để hệ thống gợi ý")))] + [
            (str(c.id), c.full_name) for c in categories
        ]
        self.features.choices = [(f.label, f.label) for f in vocabulary]
        self.commune_code.choices = {"": [("", str(_l("Không nêu")))]} | dict(
            geography.commune_choices()
        )
        for name in ("title", "problem", "users_count", "budget_max", "deadline"):
            getattr(self, name).flags.required = True

    def category_id(self) -> int | None:
        raw = (self.category.data or "").strip()
        if not raw:
            return None
        return parse_int(raw, digits=9) or -1

    def to_input(self) -> rules.NeedInput:
        must = [str(f) for f in (self.features.data or [])]
        must += (self.must_haves_other.data or "").splitlines()
        return rules.NeedInput(
            title=self.title.data or "",
            problem=self.problem.data or "",
            category_id=self.category_id(),
            users_count=parse_int(self.users_count.data, digits=6),
            must_haves=must,
            budget_min_vnd=parse_int(self.budget_min.data or "0", digits=15),
            budget_max_vnd=parse_int(self.budget_max.data, digits=15),
            deadline=self.deadline.data,
            commune_code=(self.commune_code.data or "").strip() or None,
            show_name=bool(self.show_name.data),
        )


class LineForm(PlainForm):
    """One price line of a proposal (a sub-form: the outer form carries the CSRF token)."""

    description = StringField(_l("Hạng mục"), filters=[strip])
    quantity = StringField(_l("Số lượng"), filters=[strip])
    unit_price = StringField(_l("Đơn giá (₫, chưa VAT)"), filters=[strip])
    vat = SelectField(
        _l("Thuế GTGT"),
        choices=[(k, str(v)) for k, v in VAT_LABELS.items()],
        default="exempt",
        validate_choice=False,
    )
    period = SelectField(
        _l("Kỳ thanh toán"),
        choices=[(k, str(v)) for k, v in rules.PERIOD_LABELS.items()],
        default="year",
        validate_choice=False,
    )

    def is_blank(self) -> bool:
        return not any(
            (self.description.data or "", self.quantity.data or "", self.unit_price.data or "")
        )


class ProposalForm(Form):
    solutions = SelectMultipleField(_l("Giải pháp đề xuất"), validate_choice=False)
    lines = FieldList(FormField(LineForm), min_entries=3, max_entries=rules.MAX_LINES)
    implementation_days = StringField(_l("Thời gian triển khai (ngày)"), filters=[strip])
    trial_offered = BooleanField(_l("Có dùng thử miễn phí"))
    covers = SelectMultipleField(_l("Tính năng bắt buộc đáp ứng"), validate_choice=False)
    note = TextAreaField(
        _l("Ghi chú"),
        filters=[strip],
        description=_l("Cách triển khai, đào tạo, hỗ trợ, điều kiện thanh toán…"),
        render_kw={"rows": 4},
    )

    def __init__(self, *args, solutions=(), must_haves=(), **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.solutions.choices = [(str(s.id), s.name) for s in solutions]
        self.covers.choices = [(str(i), label) for i, label in enumerate(must_haves)]
        self.implementation_days.flags.required = True

    @classmethod
    def editing(cls, proposal: Proposal, *, solutions=(), must_haves=()) -> ProposalForm:
        """Return the form filled with a saved proposal, with at least three price lines."""
        form = cls(
            formdata=None,
            solutions=solutions,
            must_haves=must_haves,
            data={
                "solutions": [str(s.id) for s in proposal.solutions],
                "implementation_days": str(proposal.implementation_days),
                "trial_offered": proposal.trial_offered,
                "covers": [str(i) for i in sorted(proposal.covers)],
                "note": proposal.note,
                "lines": [
                    {
                        "description": line.description,
                        "quantity": str(line.quantity),
                        "unit_price": str(line.unit_price_vnd),
                        "vat": line.vat,
                        "period": line.period,
                    }
                    for line in proposal.lines
                ],
            },
        )
        while len(form.lines) < 3:
            form.lines.append_entry()
        return form

    def to_input(self) -> rules.ProposalInput:
        lines = [
            rules.LineInput(
                description=e.form.description.data or "",
                quantity=parse_int(e.form.quantity.data, digits=7),
                unit_price_vnd=parse_int(e.form.unit_price.data, digits=13),
                vat=e.form.vat.data or "",
                period=e.form.period.data or "",
            )
            for e in self.lines
            if not e.form.is_blank()
        ]
        return rules.ProposalInput(
            solution_ids=[parse_int(v, digits=9) or -1 for v in (self.solutions.data or [])],
            lines=lines,
            implementation_days=parse_int(self.implementation_days.data, digits=4),
            trial_offered=bool(self.trial_offered.data),
            covers=[
                i for i in (parse_int(v, digits=2) for v in self.covers.data or []) if i is not None
            ],
            note=self.note.data or "",
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


class QuestionForm(Form):
    body = TextAreaField(
        _l("Câu hỏi làm rõ"),
        filters=[strip],
        description=_l(
            "Câu hỏi và câu trả lời được công khai cho mọi nhà cung cấp, không kèm tên bạn."
        ),
        render_kw={"rows": 3},
    )


class AnswerForm(Form):
    question_id = HiddenField()
    answer = TextAreaField(_l("Câu trả lời"), filters=[strip], render_kw={"rows": 2})

    def question(self) -> int | None:
        return parse_int(self.question_id.data, digits=9)


class ProposalActionForm(Form):
    """Shortlist, award: the proposal the enterprise saw (its id, never its price)."""

    proposal_id = HiddenField()
    on = HiddenField()

    def proposal(self) -> int | None:
        return parse_int(self.proposal_id.data, digits=9)


class TrialFromProposalForm(Form):
    """A trial of one of the proposal's listings: `plan` is "<solution id>:<plan id>"."""

    proposal_id = HiddenField()
    plan = SelectField(_l("Gói dùng thử"), validate_choice=False)
    contact_phone = StringField(_l("Số điện thoại liên hệ"), filters=[strip])
    preferred_start = DayField(_l("Ngày muốn bắt đầu"))

    def proposal(self) -> int | None:
        return parse_int(self.proposal_id.data, digits=9)

    def solution_and_plan(self) -> tuple[int | None, int | None]:
        solution, _sep, plan = (self.plan.data or "").partition(":")
        return parse_int(solution, digits=9), parse_int(plan, digits=9)


class ReasonForm(Form):
    reason = TextAreaField(_l("Lý do"), filters=[strip], render_kw={"rows": 2})


class AlertsForm(Form):
    enabled = HiddenField()
