"""The programme's forms: a new version of the rules, an application, the staff decisions."""

from __future__ import annotations

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField
from wtforms import BooleanField, IntegerField, SelectMultipleField, StringField, TextAreaField
from wtforms.validators import (
    DataRequired,
    InputRequired,
    Length,
    NumberRange,
    Optional,
    ValidationError,
)
from wtforms.widgets import CheckboxInput, ListWidget, TextInput

from marketplace.core.formatting import format_number, format_percent_points
from marketplace.core.forms import REQUIRED, DayField, Form, strip
from marketplace.programme.models import BANDS
from marketplace.programme.rules import MAX_AMOUNT_VND

NOT_A_NUMBER = _l("Hãy nhập một số nguyên (đồng), ví dụ 20.000.000.")


class AmountField(IntegerField):
    """A whole number of đồng, typed with or without thousands separators (a text box: a
    number input would refuse "20.000.000")."""

    widget = TextInput()

    def process_formdata(self, valuelist) -> None:
        if not valuelist:
            return
        text = "".join(valuelist).strip().replace(".", "").replace(",", "").replace(" ", "")
        text = text.removesuffix("₫").removesuffix("đ")
        if not text:
            self.data = None
            return
        if not text.isdigit() or len(text) > 19:
            self.data = None
            raise ValueError(str(NOT_A_NUMBER))
        self.data = int(text)

    def _value(self) -> str:
        if self.raw_data:
            return " ".join(self.raw_data)
        return format_number(self.data) if isinstance(self.data, int) else ""


class PercentRange(NumberRange):
    """A rate in percent points, its bounds written as the page's language writes percents."""

    def __call__(self, form, field) -> None:
        try:
            super().__call__(form, field)
        except ValidationError:
            raise ValidationError(
                _(
                    "Tỷ lệ hỗ trợ từ %(min)s đến %(max)s.",
                    min=format_percent_points(self.min),
                    max=format_percent_points(self.max),
                )
            ) from None


class MultiCheckboxField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


def _rate_field(label):
    return AmountField(
        label,
        validators=[
            InputRequired(message=REQUIRED),
            PercentRange(0, 100),
        ],
        render_kw={"inputmode": "numeric"},
    )


def _cap_field(label):
    return AmountField(
        label,
        validators=[
            InputRequired(message=REQUIRED),
            NumberRange(0, MAX_AMOUNT_VND, message=_l("Hạn mức không hợp lệ.")),
        ],
        render_kw={"inputmode": "numeric"},
    )


class VersionForm(Form):
    """A new version of the rules: what applies from its date."""

    effective_from = DayField(_l("Áp dụng từ ngày"), validators=[DataRequired(message=REQUIRED)])
    period_start = DayField(_l("Chương trình bắt đầu"), validators=[DataRequired(message=REQUIRED)])
    period_end = DayField(_l("Chương trình kết thúc"), validators=[DataRequired(message=REQUIRED)])
    budget_vnd = _cap_field(_l("Tổng ngân sách (đồng)"))
    assessment_required = BooleanField(_l("Yêu cầu hoàn thành bài tự đánh giá trước khi nộp hồ sơ"))
    rate_household = _rate_field(_l("Hộ kinh doanh: tỷ lệ hỗ trợ (%)"))
    cap_household = _cap_field(_l("Hộ kinh doanh: hạn mức năm (đồng)"))
    rate_micro = _rate_field(_l("Siêu nhỏ: tỷ lệ hỗ trợ (%)"))
    cap_micro = _cap_field(_l("Siêu nhỏ: hạn mức năm (đồng)"))
    rate_small = _rate_field(_l("Nhỏ: tỷ lệ hỗ trợ (%)"))
    cap_small = _cap_field(_l("Nhỏ: hạn mức năm (đồng)"))
    rate_medium = _rate_field(_l("Vừa: tỷ lệ hỗ trợ (%)"))
    cap_medium = _cap_field(_l("Vừa: hạn mức năm (đồng)"))
    categories = MultiCheckboxField(_l("Danh mục được hỗ trợ"), coerce=int)
    note = TextAreaField(_l("Căn cứ, ghi chú"), filters=[strip], validators=[Length(max=2000)])

    def band_fields(self):
        return [(getattr(self, f"rate_{b}"), getattr(self, f"cap_{b}")) for b in BANDS]


class ApplicationForm(Form):
    """Apply for support on a paid, invoiced order."""

    invoice = FileField(
        _l("Ảnh hóa đơn điện tử"),
        description=_l("PNG, JPEG hoặc WebP, tối đa 5 MB (chụp hoặc xuất ảnh từ bản PDF)."),
        render_kw={"accept": "image/png,image/jpeg,image/webp"},
    )
    payment = FileField(
        _l("Ảnh chứng từ thanh toán"),
        description=_l("Ủy nhiệm chi hoặc biên lai chuyển khoản; PNG, JPEG hoặc WebP."),
        render_kw={"accept": "image/png,image/jpeg,image/webp"},
    )
    note = TextAreaField(
        _l("Ghi chú cho cán bộ chương trình"),
        filters=[strip],
        validators=[Optional(), Length(max=2000)],
    )


class RejectForm(Form):
    reason = TextAreaField(
        _l("Lý do từ chối"),
        filters=[strip],
        validators=[DataRequired(message=REQUIRED), Length(max=1000)],
    )


class DisburseForm(Form):
    reference = StringField(
        _l("Số chứng từ chi"),
        filters=[strip],
        validators=[DataRequired(message=REQUIRED), Length(max=100)],
    )


class ApproveForm(Form):
    """Approve (the CSRF token only: the amount is computed, never typed)."""


class OptInDecisionForm(Form):
    reason = StringField(_l("Lý do (khi từ chối)"), filters=[strip], validators=[Length(max=1000)])


class OptInForm(Form):
    """Put a plan forward (the CSRF token only)."""
