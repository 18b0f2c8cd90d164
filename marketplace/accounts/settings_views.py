"""The console's site settings page (/admin/settings): the operating centre's contact details,
the announcement banner and the versions of the terms and the privacy policy.

The settings live in core (`core/site_settings.py`: every page reads the banner); accounts owns
the pages they feed (/contact, /terms, /privacy and the consent asked again).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from flask import Blueprint, make_response, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from wtforms import StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from marketplace.accounts.legal import current_versions
from marketplace.core import site_settings
from marketplace.core.actions import perform
from marketplace.core.forms import REQUIRED, ChoiceField, DayField, Form, strip
from marketplace.core.permissions import admin_required

bp = Blueprint("site_settings", __name__, url_prefix="/admin/settings")

FILTERS = [strip]


class ContactForm(Form):
    contact_name = StringField(
        _l("Tên đơn vị vận hành"), validators=[Optional(), Length(max=200)], filters=FILTERS
    )
    contact_address = StringField(
        _l("Địa chỉ"), validators=[Optional(), Length(max=300)], filters=FILTERS
    )
    contact_phone = StringField(
        _l("Điện thoại"), validators=[Optional(), Length(max=30)], filters=FILTERS
    )
    contact_email = StringField(
        _l("E-mail"), validators=[Optional(), Length(max=254)], filters=FILTERS
    )
    contact_hours = StringField(
        _l("Giờ làm việc"), validators=[Optional(), Length(max=200)], filters=FILTERS
    )


class BannerForm(Form):
    banner_vi = TextAreaField(
        _l("Nội dung (tiếng Việt)"),
        validators=[Optional(), Length(max=500)],
        filters=FILTERS,
    )
    banner_en = TextAreaField(
        _l("Nội dung (tiếng Anh)"),
        validators=[Optional(), Length(max=500)],
        filters=FILTERS,
    )
    banner_level = ChoiceField(
        _l("Mức độ"),
        choices=[("info", _l("Thông tin")), ("warning", _l("Cảnh báo"))],
        default="info",
    )
    banner_ends_on = DayField(_l("Hiển thị đến hết ngày (để trống: đến khi gỡ)"))


class VersionForm(Form):
    document = ChoiceField(
        _l("Văn bản"),
        choices=[("terms", _l("Điều khoản sử dụng")), ("privacy", _l("Chính sách bảo vệ dữ liệu"))],
    )
    effective = DayField(
        _l("Ngày có hiệu lực của phiên bản mới"), validators=[DataRequired(message=REQUIRED)]
    )


def _forms(settings: site_settings.Settings):
    contact = ContactForm(
        prefix="contact", data={f: getattr(settings, f) for f in site_settings.CONTACT_FIELDS}
    )
    banner = BannerForm(
        prefix="banner", data={f: getattr(settings, f) for f in site_settings.BANNER_FIELDS}
    )
    return {"contact": contact, "banner": banner, "version": VersionForm(prefix="version")}


def _page(status: int = 200, **override):
    settings = site_settings.current()
    forms = _forms(settings)
    forms.update(override)
    body = render_template(
        "admin/settings.html",
        settings=settings,
        versions={doc: dt.date.fromisoformat(v) for doc, v in current_versions().items()},
        **{f"{name}_form": form for name, form in forms.items()},
    )
    return make_response(body, status)


@bp.get("/")
@admin_required
def index():
    return _page()


def _save(form: Form, act: Callable[[], None], *, name: str, success: str):
    """Run `act` for the posted `form` (shown again as `name` when invalid); once the page
    redirects, the settings every page reads are read afresh."""
    response = perform(
        act,
        form=form,
        rerender=lambda: _page(400, **{name: form}),
        success=success,
        next_url=url_for("site_settings.index"),
    )
    if response.status_code == 302:
        site_settings.changed()
    return response


@bp.post("/contact")
@admin_required
def contact():
    form = ContactForm(prefix="contact")

    def act():
        site_settings.update_contact(
            current_user, {f: form[f].data for f in site_settings.CONTACT_FIELDS}
        )

    return _save(form, act, name="contact", success=_("Đã lưu thông tin liên hệ."))


@bp.post("/banner")
@admin_required
def banner():
    form = BannerForm(prefix="banner")

    def act():
        site_settings.update_banner(
            current_user,
            text_vi=form.banner_vi.data,
            text_en=form.banner_en.data,
            level=form.banner_level.data or "info",
            ends_on=form.banner_ends_on.data,
        )

    return _save(form, act, name="banner", success=_("Đã lưu thông báo."))


@bp.post("/versions")
@admin_required
def versions():
    form = VersionForm(prefix="version")

    def act():
        document = form.document.data
        site_settings.publish_document_version(
            current_user, document, form.effective.data, current_versions().get(document, "")
        )

    return _save(
        form,
        act,
        name="version",
        success=_("Đã công bố phiên bản mới. Người dùng sẽ được hỏi đồng ý lại."),
    )
