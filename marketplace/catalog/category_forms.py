"""The console's forms for the category tree and the feature vocabularies."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional, ValidationError

from marketplace.catalog.models import FeatureKind
from marketplace.core.forms import REQUIRED, ChoiceField, Form, strip
from marketplace.core.params import parse_id, parse_int

FILTERS = [strip]


class CategoryForm(Form):
    name_vi = StringField(
        _l("Tên tiếng Việt"),
        validators=[DataRequired(message=REQUIRED), Length(max=120)],
        filters=FILTERS,
    )
    name_en = StringField(
        _l("Tên tiếng Anh"), validators=[Optional(), Length(max=120)], filters=FILTERS
    )
    slug = StringField(
        _l("Đường dẫn (slug)"),
        validators=[DataRequired(message=REQUIRED), Length(max=80)],
        filters=FILTERS,
        description=_l("Chữ thường không dấu, số và dấu gạch ngang, ví dụ: hoa-don-dien-tu."),
    )
    parent_id = ChoiceField(_l("Danh mục cha"), choices=[])
    position = StringField(
        _l("Thứ tự"), validators=[Optional()], filters=FILTERS, render_kw={"inputmode": "numeric"}
    )
    description_vi = TextAreaField(
        _l("Mô tả tiếng Việt"), validators=[Optional(), Length(max=1000)], filters=FILTERS
    )
    description_en = TextAreaField(
        _l("Mô tả tiếng Anh"), validators=[Optional(), Length(max=1000)], filters=FILTERS
    )

    def validate_position(self, field) -> None:
        if field.data and parse_int(field.data, low=0, high=10_000) is None:
            raise ValidationError(_l("Thứ tự là số nguyên từ 0 đến 10.000."))

    def values(self) -> dict:
        return {
            "name_vi": self.name_vi.data,
            "name_en": self.name_en.data,
            "slug": self.slug.data,
            "description_vi": (self.description_vi.data or "").replace("\r\n", "\n"),
            "description_en": (self.description_en.data or "").replace("\r\n", "\n"),
            "parent_id": parse_id(self.parent_id.data),
            "position": parse_int(self.position.data, low=0, high=10_000)
            if self.position.data
            else None,
        }


KIND_CHOICES = [(FeatureKind.BOOL.value, _l("Có / Không")), (FeatureKind.TEXT.value, _l("Giá trị"))]


class FeatureForm(Form):
    key = StringField(
        _l("Mã tính năng"),
        validators=[Optional(), Length(max=60)],
        filters=FILTERS,
        description=_l("Không đổi được sau khi tạo. Ví dụ: mobile_app."),
    )
    label_vi = StringField(
        _l("Tên tính năng (tiếng Việt)"),
        validators=[DataRequired(message=REQUIRED), Length(max=120)],
        filters=FILTERS,
    )
    label_en = StringField(
        _l("Tên tính năng (tiếng Anh)"), validators=[Optional(), Length(max=120)], filters=FILTERS
    )
    kind = ChoiceField(_l("Kiểu giá trị"), choices=KIND_CHOICES, default=FeatureKind.BOOL.value)

    def values(self) -> dict:
        return {
            "key": self.key.data,
            "label_vi": self.label_vi.data,
            "label_en": self.label_en.data,
            "kind": self.kind.data,
        }


class RetireForm(Form):
    target_id = ChoiceField(_l("Chuyển các giải pháp sang"), choices=[])


class MoveForm(Form):
    direction = ChoiceField(choices=[("up", _l("Lên")), ("down", _l("Xuống"))])
