"""The review form, the vendor's reply, the abuse report and the moderator's decisions.

The rules live in reviews.services; the forms only call them, so a page and a test that
calls the services directly get the same messages.
"""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import HiddenField, RadioField, StringField, TextAreaField
from wtforms.validators import ValidationError

from marketplace.core.forms import Form, strip
from marketplace.reviews import rules
from marketplace.reviews.models import Review


class StarField(RadioField):
    """Five radio buttons "1"–"5"; odd values are left to the service check, never raised."""

    def __init__(self, label=None, **kwargs) -> None:
        kwargs.setdefault("choices", [(str(n), str(n)) for n in range(1, 6)])
        kwargs.setdefault("validate_choice", False)
        super().__init__(label, **kwargs)

    def process_formdata(self, valuelist) -> None:
        self.data = valuelist[0] if valuelist else None

    def score(self) -> int | None:
        return rules.parse_score(self.data)


def _raise(problem: str | None) -> None:
    if problem:
        raise ValidationError(problem)


class ReviewForm(Form):
    overall = StarField(_l("Đánh giá chung"))
    ease_of_use = StarField(_l("Dễ sử dụng"))
    features = StarField(_l("Tính năng"))
    support = StarField(_l("Hỗ trợ"))
    value = StarField(_l("Đáng giá tiền"))
    title = StringField(
        _l("Tiêu đề"),
        filters=[strip],
        description=_l("Tóm tắt trải nghiệm của bạn trong một câu (tối đa 120 ký tự)."),
    )
    body = TextAreaField(
        _l("Nhận xét"),
        filters=[strip],
        description=_l(
            "Điều bạn thích, điều chưa tốt, giải pháp giúp gì cho doanh nghiệp "
            "(từ 20 đến 5.000 ký tự). Nội dung hiển thị dạng văn bản thuần."
        ),
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        for name in (*rules.SCORE_FIELDS, "title", "body"):
            getattr(self, name).flags.required = True

    def star_fields(self) -> list[StarField]:
        return [getattr(self, name) for name in rules.SCORE_FIELDS]

    def validate_overall(self, field) -> None:
        _raise(rules.check_score(field.score(), "overall"))

    def validate_ease_of_use(self, field) -> None:
        _raise(rules.check_score(field.score(), "ease_of_use"))

    def validate_features(self, field) -> None:
        _raise(rules.check_score(field.score(), "features"))

    def validate_support(self, field) -> None:
        _raise(rules.check_score(field.score(), "support"))

    def validate_value(self, field) -> None:
        _raise(rules.check_score(field.score(), "value"))

    def validate_title(self, field) -> None:
        _raise(rules.check_title(field.data))

    def validate_body(self, field) -> None:
        _raise(rules.check_body(field.data))

    def fill_from(self, review: Review) -> None:
        for name in rules.SCORE_FIELDS:
            getattr(self, name).data = str(getattr(review, name))
        self.title.data = review.title
        self.body.data = review.body

    def to_input(self) -> rules.ReviewInput:
        return rules.ReviewInput(
            **{name: getattr(self, name).score() for name in rules.SCORE_FIELDS},
            title=self.title.data or "",
            body=self.body.data or "",
        )


class ReplyForm(Form):
    body = TextAreaField(
        _l("Phản hồi của nhà cung cấp"),
        filters=[strip],
        description=_l("Hiển thị công khai dưới nhận xét (tối đa 3.000 ký tự)."),
    )

    def validate_body(self, field) -> None:
        _raise(rules.check_reply(field.data))


class ReportForm(Form):
    reason = TextAreaField(
        _l("Lý do báo cáo"),
        filters=[strip],
        description=_l(
            "Ví dụ: nội dung xúc phạm, thông tin sai sự thật, quảng cáo, lộ thông tin cá nhân "
            "(tối đa 1.000 ký tự)."
        ),
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.reason.flags.required = True

    def validate_reason(self, field) -> None:
        _raise(rules.check_reason(field.data))


class VoteForm(Form):
    """Mark a review helpful (`helpful=1`) or take the mark back (`helpful=0`)."""

    helpful = HiddenField(default="1")
    next = HiddenField()

    def wants_helpful(self) -> bool:
        return (self.helpful.data or "1").strip() != "0"


class DecisionForm(Form):
    """A moderator's decision with its reason (required to hide or restore, optional to dismiss)."""

    reason = TextAreaField(_l("Lý do"), filters=[strip])

    def __init__(self, *args, required: bool = True, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.reason.flags.required = required
        if not required:
            self.reason.label.text = _l("Ghi chú (không bắt buộc)")
