"""Site settings the operator changes without a deploy: the operating centre's contact
details (/contact), the announcement banner shown on every page, and the current versions
of the terms of use and the privacy policy.

One row (id 1) in `site_settings`, made on the first change; until then every value has its
default (the contact page falls back to the configuration, the documents to the versions in
`accounts/legal.py`). Every page reads the settings, so they are kept per process under the
content stamp (`core/pagecache.py`): a change renews the stamp, which also expires the pages
kept for anonymous visitors, so the new banner or contact shows on the next request of every
host.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from typing import Any

from flask import current_app, has_app_context
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import CheckConstraint, Date, Integer, String
from sqlalchemy.exc import IntegrityError, SQLAlchemyError
from sqlalchemy.orm import Mapped, mapped_column

from marketplace.core import pagecache, stamps
from marketplace.core.audit import AuditKind, record_audit
from marketplace.core.clock import local_today
from marketplace.core.database import UTCDateTime, utcnow
from marketplace.core.errors import DomainError
from marketplace.extensions import db

ROW_ID = 1
BANNER_LEVELS = ("info", "warning")
_PHONE_RE = re.compile(r"^\+?[0-9 .()-]{6,30}$")
_EMAIL_RE = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_CACHE_KEY = "site_settings"

# What the audit log calls these changes (core/audit.py); the page is the console's.
AUDIT_ACTIONS = {
    "settings.contact": _l("Sửa thông tin liên hệ"),
    "settings.banner": _l("Sửa thông báo trên toàn trang"),
    "settings.terms_version": _l("Công bố phiên bản điều khoản"),
    "settings.privacy_version": _l("Công bố phiên bản chính sách dữ liệu"),
}
AUDIT_OBJECTS = {
    "site_settings": AuditKind(_l("Cài đặt trang"), "site_settings.index", roles=("admin",)),
}


class SiteSettings(db.Model):
    """The one row of site settings (id 1)."""

    __tablename__ = "site_settings"
    __table_args__ = (CheckConstraint("banner_level IN ('info', 'warning')", name="banner_level"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    contact_name: Mapped[str] = mapped_column(String(200), default="", server_default="")
    contact_address: Mapped[str] = mapped_column(String(300), default="", server_default="")
    contact_phone: Mapped[str] = mapped_column(String(30), default="", server_default="")
    contact_email: Mapped[str] = mapped_column(String(254), default="", server_default="")
    contact_hours: Mapped[str] = mapped_column(String(200), default="", server_default="")
    banner_vi: Mapped[str] = mapped_column(String(500), default="", server_default="")
    banner_en: Mapped[str] = mapped_column(String(500), default="", server_default="")
    banner_level: Mapped[str] = mapped_column(String(10), default="info", server_default="info")
    # The last day (Asia/Ho_Chi_Minh) the banner shows; none: until it is cleared.
    banner_ends_on: Mapped[dt.date | None] = mapped_column(Date)
    # Grows whenever the banner's text changes: a visitor's dismissal names the revision.
    banner_revision: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    # ISO dates (the document's effective date); none: the version in accounts/legal.py.
    terms_version: Mapped[str | None] = mapped_column(String(10))
    privacy_version: Mapped[str | None] = mapped_column(String(10))
    updated_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())

    name = "Cài đặt trang"  # the audit log's object label


@dataclasses.dataclass(frozen=True)
class Settings:
    """A read-only copy of the settings, safe to keep between requests."""

    contact_name: str = ""
    contact_address: str = ""
    contact_phone: str = ""
    contact_email: str = ""
    contact_hours: str = ""
    banner_vi: str = ""
    banner_en: str = ""
    banner_level: str = "info"
    banner_ends_on: dt.date | None = None
    banner_revision: int = 0
    terms_version: str | None = None
    privacy_version: str | None = None

    def banner_text(self, locale: str) -> str:
        return (self.banner_en if locale == "en" and self.banner_en else self.banner_vi).strip()

    def banner_showing(self, today: dt.date | None = None) -> bool:
        """Tell whether the banner is set and not past its last day."""
        if not self.banner_vi.strip():
            return False
        return self.banner_ends_on is None or (today or local_today()) <= self.banner_ends_on


FIELDS = [f.name for f in dataclasses.fields(Settings)]
CONTACT_FIELDS = [
    "contact_name",
    "contact_address",
    "contact_phone",
    "contact_email",
    "contact_hours",
]
BANNER_FIELDS = ["banner_vi", "banner_en", "banner_level", "banner_ends_on"]


def _snapshot(row: SiteSettings | None) -> Settings:
    if row is None:
        return Settings()
    return Settings(**{name: getattr(row, name) for name in FIELDS})


def current() -> Settings:
    """Return the settings in force (kept per process until the content stamp changes).

    Every change made here is followed by `changed()` (the console's views call it after the
    commit), which renews the stamp even when pages are not cached.
    """
    if not has_app_context():
        return Settings()
    app = current_app._get_current_object()
    stamp = stamps.stamp_for(app).current()
    kept = app.extensions.get(_CACHE_KEY)
    if kept is not None and kept[0] == stamp:
        return kept[1]
    settings = _snapshot(db.session.get(SiteSettings, ROW_ID))
    app.extensions[_CACHE_KEY] = (stamp, settings)
    return settings


def _row() -> SiteSettings:
    row = db.session.get(SiteSettings, ROW_ID, with_for_update=True)
    if row is None:
        try:
            with db.session.begin_nested():
                db.session.add(SiteSettings(id=ROW_ID))
                db.session.flush()
        except IntegrityError:
            pass  # another administrator's first change made the row at the same moment
        row = db.session.get(SiteSettings, ROW_ID, with_for_update=True, populate_existing=True)
    return row


def _shown(value: Any) -> Any:
    return value.isoformat() if isinstance(value, dt.date) else value


def _apply(actor: Any, action: str, row: SiteSettings, values: dict[str, Any]) -> bool:
    """Write the changed values and audit them (before/after); False when nothing changed."""
    changed = {k: v for k, v in values.items() if getattr(row, k) != v}
    if not changed:
        return False
    before = {k: _shown(getattr(row, k)) for k in changed}
    for key, value in changed.items():
        setattr(row, key, value)
    row.updated_at = utcnow()
    record_audit(
        actor,
        action,
        row,
        data={"before": before, "after": {k: _shown(v) for k, v in changed.items()}},
    )
    db.session.flush()
    return True


def _text(value: str | None, limit: int, field: str) -> str:
    value = (value or "").strip()
    if len(value) > limit:
        raise DomainError(_("Tối đa %(n)d ký tự.", n=limit), field)
    return value


def update_contact(actor: Any, values: dict[str, str | None]) -> bool:
    """Change the operating centre's contact details shown on /contact."""
    cleaned = {
        "contact_name": _text(values.get("contact_name"), 200, "contact_name"),
        "contact_address": _text(values.get("contact_address"), 300, "contact_address"),
        "contact_phone": _text(values.get("contact_phone"), 30, "contact_phone"),
        "contact_email": _text(values.get("contact_email"), 254, "contact_email").lower(),
        "contact_hours": _text(values.get("contact_hours"), 200, "contact_hours"),
    }
    if cleaned["contact_phone"] and not _PHONE_RE.match(cleaned["contact_phone"]):
        raise DomainError(_("Số điện thoại không hợp lệ."), "contact_phone")
    if cleaned["contact_email"] and not _EMAIL_RE.match(cleaned["contact_email"]):
        raise DomainError(_("Địa chỉ e-mail không hợp lệ."), "contact_email")
    return _apply(actor, "settings.contact", _row(), cleaned)


def update_banner(
    actor: Any,
    *,
    text_vi: str | None,
    text_en: str | None,
    level: str | None,
    ends_on: dt.date | None,
) -> bool:
    """Set (or clear, with an empty text) the announcement banner every page shows."""
    text_vi = _text(text_vi, 500, "banner_vi")
    text_en = _text(text_en, 500, "banner_en")
    if text_en and not text_vi:
        raise DomainError(_("Vui lòng nhập nội dung tiếng Việt."), "banner_vi")
    if level not in BANNER_LEVELS:
        raise DomainError(_("Lựa chọn không hợp lệ."), "banner_level")
    if ends_on is not None and text_vi and ends_on < local_today():
        raise DomainError(_("Ngày kết thúc không được ở quá khứ."), "banner_ends_on")
    row = _row()
    values: dict[str, Any] = {
        "banner_vi": text_vi,
        "banner_en": text_en,
        "banner_level": level,
        "banner_ends_on": ends_on if text_vi else None,
    }
    if (text_vi, text_en) != (row.banner_vi, row.banner_en):
        # A new text: visitors who closed the previous banner see this one.
        values["banner_revision"] = (row.banner_revision or 0) + 1
    return _apply(actor, "settings.banner", row, values)


def publish_document_version(actor: Any, document: str, effective: dt.date, current: str) -> bool:
    """Publish a new version of the terms or the privacy policy, effective on `effective`.

    A version is later than the one in force and not in the future; signed-in users who
    accepted an older one are asked to accept again.
    """
    if document not in ("terms", "privacy"):
        raise DomainError(_("Lựa chọn không hợp lệ."), "document")
    if effective.isoformat() <= current:
        raise DomainError(
            _("Phiên bản mới phải sau phiên bản hiện hành (%(date)s).", date=_dmy(current)),
            "effective",
        )
    if effective > local_today():
        raise DomainError(_("Ngày hiệu lực không được ở tương lai."), "effective")
    return _apply(
        actor,
        f"settings.{document}_version",
        _row(),
        {f"{document}_version": effective.isoformat()},
    )


def _dmy(iso: str) -> str:
    try:
        return dt.date.fromisoformat(iso).strftime("%d/%m/%Y")
    except ValueError:
        return iso


def changed() -> None:
    """Expire the kept settings and pages on every host (call after committing a change)."""
    pagecache.content_changed()
    if has_app_context():
        current_app.extensions.pop(_CACHE_KEY, None)


@dataclasses.dataclass(frozen=True)
class Banner:
    text: str
    level: str
    revision: int


def banner_for_visitor() -> Banner | None:
    """Return the banner this visitor sees, or None (none set, past its day, or closed)."""
    from flask import session
    from flask_babel import get_locale

    try:
        settings = current()
    except SQLAlchemyError:
        # An error page while the database is away still renders, without the banner.
        return None
    if not settings.banner_showing():
        return None
    if session.get("banner_dismissed") == settings.banner_revision:
        return None
    locale = str(get_locale() or "vi")
    return Banner(settings.banner_text(locale), settings.banner_level, settings.banner_revision)
