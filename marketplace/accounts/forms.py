"""Sign-up, sign-in, profile and password forms."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField
from markupsafe import Markup
from wtforms import BooleanField, PasswordField, RadioField, SelectField, StringField
from wtforms.validators import URL, DataRequired, Email, EqualTo, Length, Optional, ValidationError
from wtforms.widgets import Select

from marketplace.accounts import choices
from marketplace.accounts.models import OrgKind
from marketplace.accounts.services import AccountError, OrgDetails, check_address
from marketplace.accounts.validation import (
    HOUSEHOLD,
    normalise_phone,
    normalise_tax_code,
    password_problem,
    tax_code_problem,
)
from marketplace.core import geography
from marketplace.core.forms import REQUIRED, ChoiceField, Form, lower, strip


def person_name_field() -> StringField:
    """A person's full name, as every sign-up form asks it."""
    return StringField(
        _l("Họ và tên"), filters=[strip], validators=[DataRequired(REQUIRED), Length(max=120)]
    )


def email_field(label) -> StringField:
    """An e-mail address, lower-cased and checked for its form (not its deliverability)."""
    return StringField(
        label,
        filters=[lower],
        validators=[
            DataRequired(REQUIRED),
            Length(max=254),
            Email(message=_l("Địa chỉ e-mail không hợp lệ."), check_deliverability=False),
        ],
    )


def terms_field() -> BooleanField:
    """The consent to the terms of use and the privacy policy (recorded with its version)."""
    return BooleanField(
        _l("Tôi đồng ý với điều khoản sử dụng và chính sách bảo vệ dữ liệu cá nhân"),
        validators=[DataRequired(_l("Bạn cần đồng ý với điều khoản để tiếp tục."))],
    )


class _GroupedSelect(Select):
    """A select of option groups with an empty "— Chọn —" option first."""

    def __call__(self, field, **kwargs):
        html = super().__call__(field, **kwargs)
        blank = self.render_option("", _l("— Chọn —"), not field.data)
        text = str(html)
        cut = text.index(">") + 1
        return Markup(text[:cut] + str(blank) + text[cut:])


class CommuneField(SelectField):
    """A select of the served province's communes grouped by former area.

    A native select: it works without JavaScript, and typing a name's first letters jumps to
    it. Whether the value is a unit of the province is checked by the form (`check_address`),
    which names the exact problem.
    """

    widget = _GroupedSelect()

    def pre_validate(self, form) -> None:
        return None


class NewPasswordMixin:
    """A new password typed twice, checked against the password policy."""

    password = PasswordField(
        _l("Mật khẩu"),
        validators=[DataRequired(REQUIRED)],
        description=_l("Ít nhất 10 ký tự; tránh mật khẩu phổ biến."),
    )
    confirm = PasswordField(
        _l("Nhập lại mật khẩu"),
        validators=[
            DataRequired(REQUIRED),
            EqualTo("password", message=_l("Hai mật khẩu không khớp nhau.")),
        ],
    )

    def validate_password(self, field) -> None:
        email = getattr(getattr(self, "email", None), "data", "") or ""
        problem = password_problem(field.data or "", email=email)
        if problem:
            raise ValidationError(problem)


class OrganizationFieldsMixin:
    """The organisation profile: name, tax code, address, industry, size, contact."""

    org_name = StringField(
        _l("Tên doanh nghiệp / tổ chức"),
        filters=[strip],
        validators=[DataRequired(REQUIRED), Length(max=200)],
    )
    tax_code = StringField(
        _l("Mã số thuế"),
        filters=[strip],
        # Room for the spaces and dots people type; the stored form has at most 14.
        validators=[DataRequired(REQUIRED), Length(max=25)],
        description=_l(
            "10 chữ số, hoặc XXXXXXXXXX-YYY đối với chi nhánh; hộ kinh doanh có thể dùng số "
            "định danh cá nhân 12 chữ số của chủ hộ."
        ),
    )
    street_address = StringField(
        _l("Số nhà, đường / thôn, xóm"),
        filters=[strip],
        validators=[Optional(), Length(max=255)],
    )
    province_code = ChoiceField(_l("Tỉnh/thành phố của trụ sở"), choices=[])
    commune_code = CommuneField(
        _l("Phường/xã/đặc khu"),
        description=_l("Gõ vài chữ đầu của tên để tìm nhanh trong danh sách."),
    )
    industry = ChoiceField(
        _l("Ngành nghề"), validators=[DataRequired(REQUIRED)], choices=choices.INDUSTRIES
    )
    size_band = ChoiceField(_l("Quy mô doanh nghiệp"), choices=[])
    phone = StringField(
        _l("Số điện thoại liên hệ"),
        filters=[strip],
        validators=[DataRequired(REQUIRED), Length(max=25)],
        description=_l("Ví dụ: 0912 345 678 hoặc 0220 3852 123."),
    )
    website = StringField(
        _l("Trang web"),
        filters=[strip],
        validators=[
            Optional(),
            Length(max=255),
            URL(
                require_tld=True,
                message=_l(
                    "Địa chỉ trang web không hợp lệ (cần bắt đầu bằng http:// hoặc https://)."
                ),
            ),
        ],
    )

    def setup_org_choices(self) -> None:
        blank = [("", _l("— Chọn —"))]
        self.province_code.choices = geography.province_choices()
        if not self.province_code.data:
            self.province_code.data = geography.served_province_code()
        self.commune_code.choices = dict(geography.commune_choices())
        self.street_address.description = _l(
            "Trụ sở ngoài %(province)s: ghi cả phường/xã vào đây.",
            province=geography.served_province().full_name,
        )
        self.size_band.choices = blank + choices.SIZE_BANDS
        self.industry.choices = blank + choices.INDUSTRIES

    # The organisation's stored code: kept as it is, even if older rules let it in.
    current_tax_code: str | None = None

    def validate_tax_code(self, field) -> None:
        normalised = normalise_tax_code(field.data or "")
        if self.current_tax_code is not None and normalised == self.current_tax_code:
            field.data = normalised
            return
        household = self.org_is_enterprise() and self.size_band.data == HOUSEHOLD
        problem = tax_code_problem(field.data or "", household=household)
        if problem:
            raise ValidationError(problem)
        field.data = normalised

    def validate_phone(self, field) -> None:
        normalised = normalise_phone(field.data or "")
        if normalised is None:
            raise ValidationError(
                _l("Số điện thoại không hợp lệ. Ví dụ: 0912 345 678 hoặc +84 912 345 678.")
            )

    def validate_website(self, field) -> None:
        if field.data and not field.data.lower().startswith(("http://", "https://")):
            raise ValidationError(_l("Địa chỉ trang web cần bắt đầu bằng http:// hoặc https://."))

    def org_is_enterprise(self) -> bool:
        return True

    def validate_commune_code(self, field) -> None:
        details = OrgDetails(
            name="",
            tax_code="",
            phone="",
            province_code=self.province_code.data,
            commune_code=field.data,
        )
        kind = OrgKind.ENTERPRISE if self.org_is_enterprise() else OrgKind.VENDOR
        try:
            check_address(kind, details)
        except AccountError as err:
            if err.field == "commune_code":
                raise ValidationError(err.message) from err
            self.province_code.errors = [*self.province_code.errors, err.message]

    def validate_size_band(self, field) -> None:
        if self.org_is_enterprise() and not field.data:
            raise ValidationError(_l("Vui lòng chọn quy mô doanh nghiệp."))


class RegisterForm(NewPasswordMixin, OrganizationFieldsMixin, Form):
    kind = RadioField(
        _l("Bạn đăng ký với tư cách"),
        choices=choices.ORG_KINDS,
        default="enterprise",
        validators=[DataRequired(REQUIRED)],
    )
    name = person_name_field()
    email = email_field(_l("E-mail"))
    accept_terms = terms_field()

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.setup_org_choices()

    def org_is_enterprise(self) -> bool:
        return self.kind.data != "vendor"


class LoginForm(Form):
    email = StringField(
        _l("E-mail"), filters=[lower], validators=[DataRequired(REQUIRED), Length(max=254)]
    )
    password = PasswordField(_l("Mật khẩu"), validators=[DataRequired(REQUIRED), Length(max=128)])
    remember = BooleanField(_l("Ghi nhớ đăng nhập"))


class ConsentForm(Form):
    accept = BooleanField(
        _l(
            "Tôi đồng ý với phiên bản mới của điều khoản sử dụng và chính sách bảo vệ dữ liệu cá nhân"
        ),
        validators=[DataRequired(_l("Bạn cần đồng ý với điều khoản để tiếp tục."))],
    )


class ForgotPasswordForm(Form):
    email = email_field(_l("E-mail"))


class ResetPasswordForm(NewPasswordMixin, Form):
    pass


class ProfileForm(Form):
    name = person_name_field()
    locale = ChoiceField(
        _l("Ngôn ngữ giao diện"), choices=[("vi", "Tiếng Việt"), ("en", "English")]
    )


class OrganizationForm(OrganizationFieldsMixin, Form):
    def __init__(
        self, *args, enterprise: bool = True, current_tax_code: str | None = None, **kwargs
    ) -> None:
        self._enterprise = enterprise
        self.current_tax_code = current_tax_code
        super().__init__(*args, **kwargs)
        self.setup_org_choices()

    def org_is_enterprise(self) -> bool:
        return self._enterprise


class PasswordChangeForm(NewPasswordMixin, Form):
    current_password = PasswordField(
        _l("Mật khẩu hiện tại"), validators=[DataRequired(REQUIRED), Length(max=128)]
    )


class VerificationForm(Form):
    legal_name = StringField(
        _l("Tên đầy đủ theo đăng ký kinh doanh"),
        filters=[strip],
        validators=[DataRequired(REQUIRED), Length(max=200)],
    )
    tax_code = StringField(
        _l("Mã số thuế"), filters=[strip], validators=[DataRequired(REQUIRED), Length(max=25)]
    )
    business_license_no = StringField(
        _l("Số giấy chứng nhận đăng ký doanh nghiệp"),
        filters=[strip],
        validators=[Length(max=60)],
    )
    address = StringField(
        _l("Địa chỉ trụ sở"), filters=[strip], validators=[DataRequired(REQUIRED), Length(max=300)]
    )
    representative = StringField(
        _l("Người đại diện theo pháp luật"),
        filters=[strip],
        validators=[DataRequired(REQUIRED), Length(max=120)],
    )
    document = FileField(
        _l("Ảnh giấy chứng nhận đăng ký doanh nghiệp"),
        description=_l("Ảnh chụp hoặc bản quét (PNG, JPEG, WebP), tối đa 5 MB."),
    )

    def validate_tax_code(self, field) -> None:
        # Checked against the organisation's own code by the service; here only its form
        # (a household vendor's 12-digit identifier included).
        problem = tax_code_problem(field.data or "", household=True)
        if problem:
            raise ValidationError(problem)
        field.data = normalise_tax_code(field.data)


# The e-mail form shares the profile page with the profile form: its own ids and names.
EMAIL_FORM_PREFIX = "email"


class EmailChangeForm(Form):
    """A new address for the account, confirmed with the current password."""

    email = email_field(_l("E-mail mới"))
    current_password = PasswordField(
        _l("Mật khẩu hiện tại"), validators=[DataRequired(REQUIRED), Length(max=128)]
    )


class DeleteAccountForm(Form):
    """Erasing one's account: the password, and the words typed out as a last check."""

    current_password = PasswordField(
        _l("Mật khẩu hiện tại"), validators=[DataRequired(REQUIRED), Length(max=128)]
    )
    confirmation = StringField(
        _l("Gõ “XOÁ TÀI KHOẢN” để xác nhận"),
        filters=[strip],
        validators=[DataRequired(REQUIRED), Length(max=40)],
    )


ORG_ROLE_CHOICES = [
    ("member", _l("Thành viên")),
    ("manager", _l("Quản lý")),
    ("owner", _l("Chủ sở hữu")),
]


class InviteForm(Form):
    email = email_field(_l("E-mail của đồng nghiệp"))
    role = ChoiceField(_l("Vai trò"), choices=ORG_ROLE_CHOICES, default="member")


class MemberRoleForm(Form):
    role = ChoiceField(_l("Vai trò"), choices=ORG_ROLE_CHOICES)


class JoinAnswerForm(Form):
    role = ChoiceField(_l("Vai trò"), choices=ORG_ROLE_CHOICES, default="member")
    reason = StringField(_l("Lý do từ chối"), filters=[strip], validators=[Length(max=1000)])


class InvitationSignupForm(NewPasswordMixin, Form):
    name = person_name_field()
    accept_terms = terms_field()


class JoinRequestForm(NewPasswordMixin, Form):
    name = person_name_field()
    email = email_field(_l("E-mail"))
    message = StringField(
        _l("Lời nhắn cho chủ sở hữu (không bắt buộc)"),
        filters=[strip],
        validators=[Optional(), Length(max=1000)],
    )
    accept_terms = terms_field()


class JoinDisputeForm(Form):
    claim = RadioField(
        _l("Vì sao bạn gửi kiểm duyệt viên?"),
        choices=[
            (
                "registered_by_other",
                _l("Tổ chức này do người khác đăng ký, không phải tổ chức của tôi"),
            ),
            ("unanswered", _l("Không ai trả lời yêu cầu của tôi sau 7 ngày")),
        ],
        default="registered_by_other",
        validators=[DataRequired(REQUIRED)],
    )
    reason = StringField(
        _l("Giải thích cho kiểm duyệt viên"),
        filters=[strip],
        validators=[DataRequired(REQUIRED), Length(max=1000)],
    )
    document = FileField(
        _l("Ảnh giấy chứng nhận đăng ký doanh nghiệp"),
        description=_l("Ảnh chụp hoặc bản quét (PNG, JPEG, WebP), tối đa 5 MB."),
    )
