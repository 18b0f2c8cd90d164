"""Form pieces shared by every domain: input clean-up and a translated select."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectField, StringField
from wtforms.validators import StopValidation, ValidationError

from marketplace.core.params import DATE_PATTERN, DateError, parse_date

_CONTROL = dict.fromkeys(c for c in range(32) if c not in (9, 10, 13))


def strip(value):
    """Trim and drop control characters (a NUL would break PostgreSQL text columns)."""
    return value.translate(_CONTROL).strip() if isinstance(value, str) else value


def lower(value):
    return strip(value).lower() if isinstance(value, str) else value


REQUIRED = _l("Vui lòng nhập thông tin này.")


class Form(FlaskForm):
    """Every form's base. The CSRF field renders without an id: a page with several forms
    would otherwise repeat `id="csrf_token"` (ids must be unique in a document)."""

    class Meta(FlaskForm.Meta):
        def render_field(self, field, render_kw):
            if field.type == "CSRFTokenField":
                render_kw = {"id": False, **render_kw}
            return super().render_field(field, render_kw)

    def attach_error(self, field: str | None, message: str) -> bool:
        """Show a service's error next to its field; False when the form has no such field."""
        target = getattr(self, field, None) if field else None
        if target is None or not hasattr(target, "errors"):
            return False
        target.errors = [*list(target.errors), message]
        return True

    def attach_errors(self, errors: dict[str, str]) -> None:
        """Show each of a service's errors (field name → message) next to its field."""
        for field, message in errors.items():
            self.attach_error(field, message)


class ChoiceField(SelectField):
    """A select whose out-of-list values get a translated error."""

    def pre_validate(self, form) -> None:
        if self.data in (None, ""):
            return
        if not any(str(value) == str(self.data) for value, _label in self.iter_choices_plain()):
            raise ValidationError(_l("Lựa chọn không hợp lệ."))

    def iter_choices_plain(self):
        for choice in self.choices or []:
            yield choice[0], choice[1]


class DayField(StringField):
    """A date as people here write it: dd/mm/yyyy in a text box, whatever the browser's
    language (a native date input would show mm/dd/yyyy to an English browser).

    The box carries a pattern, a numeric keyboard, a dd/mm/yyyy hint and `data-datepicker`
    (static/js/datepicker.js adds a calendar button; typing stays possible); the server reads
    dd/mm/yyyy (and yyyy-mm-dd) with `core.params.parse_date` and says what is wrong: a
    shape it cannot read, a day that is not on the calendar (31/02/2026), a year far off.
    What was typed is shown again with the error.
    """

    def __init__(self, *args, **kwargs) -> None:
        render_kw = {
            "inputmode": "numeric",
            "pattern": DATE_PATTERN,
            "placeholder": "dd/mm/yyyy",
            "autocomplete": "off",
            "maxlength": "10",
            "data-datepicker": True,
            **(kwargs.pop("render_kw", None) or {}),
        }
        super().__init__(*args, render_kw=render_kw, **kwargs)

    def process_formdata(self, valuelist) -> None:
        if not valuelist:
            return
        self.raw_text = " ".join(valuelist).strip()
        self.data = None
        try:
            self.data = parse_date(self.raw_text)
        except DateError as err:
            raise ValueError(str(err)) from err

    def process_data(self, value) -> None:
        self.data = value

    def _value(self) -> str:
        if self.raw_data:
            return " ".join(self.raw_data)
        return self.data.strftime("%d/%m/%Y") if self.data else ""


def day_required(form, field) -> None:
    """Ask for a DayField's date when nothing was typed (a date that could not be read keeps
    its own message)."""
    if field.data is None and not field.errors:
        raise StopValidation(str(REQUIRED))


day_required.field_flags = {"required": True}
