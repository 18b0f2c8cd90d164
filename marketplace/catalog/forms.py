"""The listing editor and the moderators' reason forms."""

from __future__ import annotations

import re

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField, MultipleFileField
from wtforms import (
    FieldList,
    Form,
    FormField,
    HiddenField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.validators import URL, DataRequired, Length, Optional, ValidationError

from marketplace.catalog.content import FeatureInput, ListingContent, PlanInput
from marketplace.catalog.models import FeatureDefinition
from marketplace.core import vat
from marketplace.core.formatting import format_number
from marketplace.core.forms import REQUIRED, ChoiceField, strip
from marketplace.core.forms import Form as PageForm
from marketplace.core.ids import MAX_ROW_ID
from marketplace.core.ids import parse_id as _parse_any_id
from marketplace.core.ids import parse_id_list as _parse_any_id_list
from marketplace.core.snippets import DEPLOYMENT_NAMES

DEPLOYMENTS = [(value, _l(name)) for value, name in DEPLOYMENT_NAMES.items()]
PERIODS = [("month", _l("mỗi tháng")), ("year", _l("mỗi năm")), ("once", _l("một lần"))]
VAT_INCLUDED = [("1", _l("Đã gồm VAT")), ("0", _l("Chưa gồm VAT"))]

_PRICE_RE = re.compile(r"^(?:[0-9]{1,3}(?:[.,\s][0-9]{3})+|[0-9]+)$")


def parse_vnd(raw: str | None) -> int | None:
    """Read a VND amount typed as `1.200.000`, `1 200 000` or `1200000`; None if not one."""
    raw = (raw or "").strip().removesuffix("₫").removesuffix("đ").strip()
    if not _PRICE_RE.match(raw):
        return None
    value = int(re.sub(r"[.,\s]", "", raw))
    return value if value <= 10_000_000_000 else None


def _parse_int(raw: str | None) -> int | None:
    raw = (raw or "").strip()
    return int(raw) if raw.isascii() and raw.isdigit() and len(raw) <= 6 else None


def parse_id(raw: object) -> int | None:
    """Read the id of a row (category, upload, plan): ids past the INTEGER range are none."""
    return _parse_any_id(raw, maximum=MAX_ROW_ID)


def parse_id_list(raw: str | None) -> list[int] | None:
    return _parse_any_id_list(raw, maximum=MAX_ROW_ID)


def feature_field_name(definition: FeatureDefinition) -> str:
    """Name a feature input; keys repeat across categories, so the category is part of it."""
    return f"feature-{definition.category_id}-{definition.key}"


class PlanForm(Form):
    """One row of the plans table; a blank row is ignored."""

    id = HiddenField()
    name = StringField(_l("Tên gói"), filters=[strip], validators=[Length(max=80)])
    price_vnd = StringField(_l("Giá (₫)"), filters=[strip], validators=[Length(max=20)])
    period = ChoiceField(_l("Chu kỳ"), choices=PERIODS, default="month")
    trial_days = StringField(_l("Số ngày dùng thử"), filters=[strip], default="0")
    limits = StringField(_l("Giới hạn"), filters=[strip], validators=[Length(max=500)])
    vat_treatment = ChoiceField(
        _l("Thuế GTGT"), choices=list(vat.TREATMENT_LABELS.items()), default="exempt"
    )
    price_includes_vat = ChoiceField(_l("Giá đã gồm VAT?"), choices=VAT_INCLUDED, default="1")

    def is_blank(self) -> bool:
        return not (self.name.data or self.price_vnd.data or self.limits.data)

    def validate_name(self, field) -> None:
        if not self.is_blank() and not field.data:
            raise ValidationError(_l("Vui lòng nhập tên gói."))

    def validate_price_vnd(self, field) -> None:
        if self.is_blank():
            return
        if parse_vnd(field.data) is None:
            raise ValidationError(_l("Giá là số nguyên đồng, ví dụ 1.200.000 (0 nếu miễn phí)."))

    def validate_trial_days(self, field) -> None:
        if self.is_blank():
            return
        days = _parse_int(field.data or "0")
        if days is None or days > 90:
            raise ValidationError(_l("Số ngày dùng thử từ 0 đến 90."))

    def validate_id(self, field) -> None:
        if field.data and parse_id(field.data) is None:
            raise ValidationError(_l("Gói không hợp lệ, vui lòng tải lại trang."))

    def to_input(self) -> PlanInput:
        return PlanInput(
            id=parse_id(self.id.data),
            name=self.name.data,
            price_vnd=parse_vnd(self.price_vnd.data) or 0,
            period=self.period.data,
            trial_days=_parse_int(self.trial_days.data or "0") or 0,
            limits=self.limits.data or "",
            vat_treatment=self.vat_treatment.data or "exempt",
            price_includes_vat=self.price_includes_vat.data != "0",
        )


class ExtraFeatureForm(Form):
    label = StringField(_l("Tính năng"), filters=[strip], validators=[Length(max=120)])
    value = StringField(_l("Giá trị"), filters=[strip], validators=[Length(max=200)])

    def validate_label(self, field) -> None:
        if self.value.data and not field.data:
            raise ValidationError(_l("Vui lòng nhập tên tính năng."))


class SolutionForm(PageForm):
    name = StringField(
        _l("Tên giải pháp"), filters=[strip], validators=[DataRequired(REQUIRED), Length(max=120)]
    )
    tagline = StringField(
        _l("Khẩu hiệu"),
        filters=[strip],
        validators=[Length(max=200)],
        description=_l("Một câu ngắn nói giải pháp giúp doanh nghiệp điều gì."),
    )
    description = TextAreaField(
        _l("Mô tả"),
        filters=[strip],
        validators=[Length(max=20000)],
        description=_l(
            "Định dạng Markdown: ## tiêu đề, **đậm**, - danh sách, [liên kết](https://…)."
        ),
    )
    category_id = ChoiceField(_l("Danh mục"), choices=[])
    deployment = ChoiceField(_l("Hình thức triển khai"), choices=DEPLOYMENTS, default="cloud")
    website = StringField(
        _l("Trang giới thiệu sản phẩm"),
        filters=[strip],
        validators=[
            Optional(),
            Length(max=255),
            URL(require_tld=True, message=_l("Địa chỉ trang web không hợp lệ.")),
        ],
    )
    logo = FileField(_l("Logo"), description=_l("PNG, JPEG hoặc WebP, tối đa 5 MB."))
    screenshots = MultipleFileField(
        _l("Thêm ảnh chụp màn hình"), description=_l("Tối đa 6 ảnh; PNG, JPEG hoặc WebP.")
    )
    logo_id = HiddenField()
    screenshot_ids = HiddenField()
    plans = FieldList(FormField(PlanForm), min_entries=5, max_entries=5)
    extras = FieldList(FormField(ExtraFeatureForm), min_entries=3, max_entries=3)

    def __init__(self, *args, categories=(), **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.category_id.choices = [("", _l("— Chọn danh mục —"))] + [
            (str(c.id), c.full_name) for c in categories
        ]
        self.feature_errors: dict[str, str] = {}
        self.feature_values: dict[str, str] = {}

    def validate(self, extra_validators=None) -> bool:
        """Validate the fields, then the rows taken together (plans, extra features)."""
        valid = super().validate(extra_validators)
        return self._check_plan_ids() and self._check_extra_labels() and valid

    def _check_plan_ids(self) -> bool:
        # Two rows with one plan id would write one plan while the cached price came
        # from the other: refuse rather than guess which row the vendor meant.
        seen: set[int] = set()
        ok = True
        for entry in self.plans.entries:
            plan_id = parse_id(entry.form.id.data)
            if entry.form.is_blank() or plan_id is None:
                continue
            if plan_id in seen:
                entry.form.id.errors = [
                    *list(entry.form.id.errors),
                    _l("Gói này trùng với một gói khác trong bảng, vui lòng tải lại trang."),
                ]
                ok = False
            seen.add(plan_id)
        return ok

    def _check_extra_labels(self) -> bool:
        seen: set[str] = set()
        ok = True
        for entry in self.extras.entries:
            label = (entry.form.label.data or "").casefold()
            if not label or not entry.form.value.data:
                continue
            if label in seen:
                entry.form.label.errors = [
                    *list(entry.form.label.errors),
                    _l("Tính năng bổ sung bị trùng tên."),
                ]
                ok = False
            seen.add(label)
        return ok

    def validate_logo_id(self, field) -> None:
        if field.data and parse_id(field.data) is None:
            raise ValidationError(_l("Ảnh không hợp lệ."))

    def validate_screenshot_ids(self, field) -> None:
        if parse_id_list(field.data) is None:
            raise ValidationError(_l("Ảnh không hợp lệ."))

    def validate_website(self, field) -> None:
        if field.data and not field.data.lower().startswith(("http://", "https://")):
            raise ValidationError(_l("Địa chỉ trang web cần bắt đầu bằng http:// hoặc https://."))

    def read_features(self, formdata, definitions: list[FeatureDefinition]) -> None:
        """Take the vocabulary features of the chosen category from the posted form."""
        self.feature_values = {}
        for definition in definitions:
            raw = strip(formdata.get(feature_field_name(definition), "")) or ""
            if not raw:
                continue
            if definition.kind == "bool" and raw not in ("yes", "no"):
                self.feature_errors[definition.key] = str(_l("Chọn Có hoặc Không."))
            elif len(raw) > 200:
                self.feature_errors[definition.key] = str(_l("Tối đa 200 ký tự."))
            self.feature_values[definition.key] = raw[:200]

    def id_list(self) -> list[int]:
        """Return the screenshot ids in order, each once (a repeat is dropped, not refused)."""
        return parse_id_list(self.screenshot_ids.data) or []

    def chosen_category_id(self) -> int | None:
        """Return the chosen category's id, or None when the value is not one of the choices."""
        raw = str(self.category_id.data or "")
        if not any(value and str(value) == raw for value, _label in self.category_id.choices):
            return None
        return parse_id(raw)

    def to_content(self) -> ListingContent:
        features = [FeatureInput(key=k, value=v) for k, v in self.feature_values.items()]
        for n, extra in enumerate(self.extras.entries):
            if extra.form.label.data and extra.form.value.data:
                features.append(
                    FeatureInput(
                        key=f"x-{n + 1}", label=extra.form.label.data, value=extra.form.value.data
                    )
                )
        return ListingContent(
            name=self.name.data or "",
            tagline=self.tagline.data or "",
            description=(self.description.data or "").replace("\r\n", "\n"),
            category_id=self.chosen_category_id(),
            deployment=self.deployment.data or "cloud",
            website=self.website.data or None,
            logo_id=parse_id(self.logo_id.data),
            screenshot_ids=self.id_list(),
            features=features,
            plans=[e.form.to_input() for e in self.plans.entries if not e.form.is_blank()],
        )

    def fill_from(self, content: ListingContent) -> None:
        """Show saved content in the form."""
        self.name.data = content.name
        self.tagline.data = content.tagline
        self.description.data = content.description
        self.category_id.data = str(content.category_id) if content.category_id else ""
        self.deployment.data = content.deployment
        self.website.data = content.website
        self.logo_id.data = str(content.logo_id) if content.logo_id else ""
        self.screenshot_ids.data = ",".join(str(i) for i in content.screenshot_ids)
        for entry, plan in zip(self.plans.entries, content.plans, strict=False):
            entry.form.id.data = str(plan.id) if plan.id else ""
            entry.form.name.data = plan.name
            entry.form.price_vnd.data = format_number(plan.price_vnd)
            entry.form.period.data = plan.period
            entry.form.trial_days.data = str(plan.trial_days)
            entry.form.limits.data = plan.limits
            entry.form.vat_treatment.data = plan.vat_treatment
            entry.form.price_includes_vat.data = "1" if plan.price_includes_vat else "0"
        extras = [f for f in content.features if f.is_extra]
        for entry, feature in zip(self.extras.entries, extras, strict=False):
            entry.form.label.data = feature.label
            entry.form.value.data = feature.value
        self.feature_values = {f.key: f.value for f in content.features if not f.is_extra}


class ReasonForm(PageForm):
    reason = TextAreaField(
        _l("Lý do"),
        filters=[strip],
        validators=[Length(max=1000)],
    )


class RequiredReasonForm(PageForm):
    reason = TextAreaField(
        _l("Lý do"),
        filters=[strip],
        validators=[DataRequired(_l("Vui lòng nhập lý do.")), Length(max=1000)],
    )


class DecisionForm(ReasonForm):
    """A moderator's decision on a listing or revision, with the content version it saw."""

    # No id: a page shows two decision forms, and ids must be unique in a document.
    version = HiddenField(validators=[DataRequired()], render_kw={"id": False})


class RequiredDecisionForm(RequiredReasonForm):
    """A decision that needs a reason, with the content version the moderator saw."""

    # No id: a page shows two decision forms, and ids must be unique in a document.
    version = HiddenField(validators=[DataRequired()], render_kw={"id": False})


class VendorProfileForm(PageForm):
    """The vendor's public page: about, the contact channels it publishes, localities, logo."""

    about = TextAreaField(
        _l("Giới thiệu"),
        filters=[strip],
        description=_l("Markdown: **đậm**, *nghiêng*, danh sách, liên kết. Tối đa 6.000 ký tự."),
    )
    hotline = StringField(_l("Đường dây nóng"), filters=[strip])
    sales_email = StringField(_l("E-mail kinh doanh"), filters=[strip])
    zalo_url = StringField(
        _l("Zalo OA"), filters=[strip], description=_l("Ví dụ: https://zalo.me/viettelhaiphong")
    )
    website = StringField(_l("Trang web"), filters=[strip])
    localities = SelectMultipleField(
        _l("Địa bàn phục vụ"),
        validate_choice=False,
        description=_l("Giữ Ctrl (hoặc ⌘) để chọn nhiều địa bàn."),
    )
    logo = FileField(_l("Logo"), description=_l("PNG, JPEG hoặc WebP, tối đa 5 MB."))
    logo_id = HiddenField()

    def logo_upload_id(self) -> int | None:
        return _parse_any_id(self.logo_id.data, maximum=MAX_ROW_ID)
