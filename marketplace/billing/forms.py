"""The checkout and cancel forms: ids only (the price never comes from the request)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import (
    BooleanField,
    EmailField,
    HiddenField,
    RadioField,
    StringField,
    TextAreaField,
)
from wtforms.validators import AnyOf, DataRequired, Email, Length

from marketplace.core.forms import REQUIRED, ChoiceField, DayField, Form, day_required, strip
from marketplace.core.params import parse_id as core_parse_id


def parse_id(value: object) -> int | None:
    """Return an id (1..2³¹−1) from a form or query value, or None for anything else."""
    return core_parse_id(value) if isinstance(value, str) else None


class CheckoutForm(Form):
    """Buy a plan: which plan, the listing it was shown on and the trial it converts."""

    plan_id = HiddenField(filters=[strip])
    solution_id = HiddenField(filters=[strip])
    trial_id = HiddenField(filters=[strip])

    @property
    def ids(self) -> tuple[int | None, int | None, int | None]:
        return (
            parse_id(self.plan_id.data),
            parse_id(self.solution_id.data),
            parse_id(self.trial_id.data),
        )


class CancelSubscriptionForm(Form):
    """Cancel at the end of the paid period (only the CSRF token)."""


class AutoRenewForm(Form):
    """Turn the renewal of a transfer-paid plan on ("1") or off ("0")."""

    auto_renew = HiddenField(validators=[AnyOf(("0", "1"))])


# ---------------------------------------------------------------- orders


class OrderForm(CheckoutForm):
    """Buy a plan: the payment method and the buyer's invoice details (prefilled)."""

    payment_method = RadioField(
        _l("Hình thức thanh toán"),
        choices=[
            ("bank_transfer", _l("Chuyển khoản ngân hàng (VietQR)")),
            ("card", _l("Thẻ quốc tế (Stripe)")),
        ],
        default="bank_transfer",
        validate_choice=True,
    )
    invoice_legal_name = StringField(
        _l("Tên đơn vị trên hóa đơn"),
        filters=[strip],
        validators=[DataRequired(REQUIRED), Length(max=200)],
    )
    invoice_tax_code = StringField(
        _l("Mã số thuế"), filters=[strip], validators=[DataRequired(REQUIRED), Length(max=20)]
    )
    invoice_address = StringField(_l("Địa chỉ"), filters=[strip], validators=[Length(max=300)])
    invoice_email = EmailField(
        _l("E-mail nhận hóa đơn"),
        filters=[strip],
        validators=[
            DataRequired(REQUIRED),
            Length(max=254),
            Email(_l("Địa chỉ e-mail không hợp lệ.")),
        ],
    )


class ConfirmPaymentForm(Form):
    reference = StringField(
        _l("Mã giao dịch ngân hàng"),
        filters=[strip],
        validators=[DataRequired(REQUIRED), Length(max=100)],
    )
    paid_on = DayField(_l("Ngày nhận tiền (dd/mm/yyyy)"), validators=[day_required])

    @property
    def paid_on_date(self):
        return self.paid_on.data


class EInvoiceForm(Form):
    number = StringField(
        _l("Số hóa đơn"), filters=[strip], validators=[DataRequired(REQUIRED), Length(max=8)]
    )
    symbol = StringField(
        _l("Ký hiệu"), filters=[strip], validators=[DataRequired(REQUIRED), Length(max=7)]
    )
    issued_on = DayField(_l("Ngày lập (dd/mm/yyyy)"), validators=[day_required])
    lookup_code = StringField(_l("Mã tra cứu"), filters=[strip], validators=[Length(max=60)])
    lookup_url = StringField(
        _l("Trang tra cứu (https://…)"), filters=[strip], validators=[Length(max=500)]
    )

    @property
    def issued_on_date(self):
        return self.issued_on.data


class CancelOrderForm(Form):
    """Cancel an order awaiting payment (only the CSRF token)."""


class BankAccountForm(Form):
    bank_bin = ChoiceField(_l("Ngân hàng"), validators=[DataRequired(REQUIRED)])
    account_number = StringField(
        _l("Số tài khoản"), filters=[strip], validators=[DataRequired(REQUIRED), Length(max=30)]
    )
    account_holder = StringField(
        _l("Chủ tài khoản"), filters=[strip], validators=[DataRequired(REQUIRED), Length(max=100)]
    )


class ReasonForm(Form):
    reason = TextAreaField(_l("Lý do"), filters=[strip], validators=[Length(max=1000)])


class ResolveNotificationForm(Form):
    note = TextAreaField(_l("Cách xử lý"), filters=[strip], validators=[Length(max=2000)])
    pay_order = BooleanField(_l("Xác nhận đơn hàng gắn với giao dịch này đã thanh toán"))


class SalesFilterForm(Form):
    """The date filters of the vendor's sales (GET, no CSRF)."""

    class Meta(Form.Meta):
        csrf = False

    start = DayField(_l("Từ ngày"))
    end = DayField(_l("Đến ngày"))
