"""The console's forms; the organisation form is the one organisations fill in themselves."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import HiddenField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length

from marketplace.accounts.forms import (
    NewPasswordMixin,
    OrganizationForm,
    email_field,
    person_name_field,
)
from marketplace.core.forms import REQUIRED, ChoiceField, Form, strip

STAFF_ROLE_CHOICES = [("moderator", _l("Kiểm duyệt viên")), ("admin", _l("Quản trị viên"))]


def reason_field() -> TextAreaField:
    return TextAreaField(
        _l("Lý do"),
        filters=[strip],
        validators=[DataRequired(_l("Vui lòng nhập lý do.")), Length(max=1000)],
        description=_l("Được ghi vào nhật ký kiểm duyệt."),
    )


class ReasonForm(Form):
    """A state change with its reason (deactivate, reactivate)."""

    reason = reason_field()


class ActionForm(Form):
    """A button without fields (send a reset link…): the CSRF token only."""


class StaffRoleForm(Form):
    role = ChoiceField(
        _l("Vai trò"), choices=STAFF_ROLE_CHOICES, validators=[DataRequired(REQUIRED)]
    )


class StaffInviteForm(Form):
    name = person_name_field()
    email = email_field(_l("E-mail"))
    role = ChoiceField(
        _l("Vai trò"), choices=STAFF_ROLE_CHOICES, validators=[DataRequired(REQUIRED)]
    )


class StaffPasswordForm(NewPasswordMixin, Form):
    """The invited staff member chooses their password."""


class AdminOrganizationForm(OrganizationForm):
    """The organisation's own profile form, with the reason the correction is made."""

    reason = reason_field()


class MergeForm(Form):
    target_id = StringField(
        _l("Mã số (ID) hoặc mã số thuế của tổ chức được giữ lại"),
        filters=[strip],
        validators=[DataRequired(REQUIRED), Length(max=25)],
    )
    reason = reason_field()
    # Set by the confirmation page: the merge runs only after the plan was shown.
    confirm = HiddenField()
