"""Vendor profiles: what a vendor publishes about itself on /vendors/<slug>, its checks and
its save (the editor lives in the vendor workspace, role `org.edit_profile`).

Contact channels are published only when the vendor fills them in. Localities served are
codes of the 2025 units (core/geography.py): `all` for the whole served province,
`area:<former province code>` for a former area ("Khu vực Hải Dương cũ"), or a commune's
five-digit code.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from flask_babel import gettext as _

from marketplace.accounts.models import Organization, User
from marketplace.accounts.roles import require_action
from marketplace.accounts.validation import normalise_phone
from marketplace.catalog.models import Upload, VendorProfile
from marketplace.core import geography
from marketplace.core.audit import record_audit
from marketplace.core.errors import DomainError
from marketplace.core.permissions import require
from marketplace.extensions import db

MAX_ABOUT = 6000
MAX_LOCALITIES = 60
ZALO_RE = re.compile(r"^https://zalo\.me/[A-Za-z0-9._\-/]{1,120}$")
EMAIL_RE = re.compile(r"^[^@\s<>\"']{1,64}@[A-Za-z0-9\-]+(\.[A-Za-z0-9\-]+)+$")
WEBSITE_RE = re.compile(r"^https?://[A-Za-z0-9\-.]+\.[A-Za-z]{2,}(/[^\s<>\"']*)?$")


class ProfileError(DomainError):
    """A profile field is not acceptable; `errors` maps each field to its message."""

    def __init__(self, errors: dict[str, str]) -> None:
        first_field, first = next(iter(errors.items()))
        super().__init__(first, first_field)
        self.errors = errors


@dataclass
class ProfileInput:
    about: str = ""
    hotline: str = ""
    sales_email: str = ""
    zalo_url: str = ""
    website: str = ""
    localities: list[str] = field(default_factory=list)
    logo_id: int | None = None


def locality_choices() -> list[tuple[str, list[tuple[str, str]]]]:
    """Return the served province's localities for a select with groups."""
    province = geography.served_province()
    code = geography.served_province_code()
    groups: list[tuple[str, list[tuple[str, str]]]] = [
        (
            _("Toàn tỉnh/thành phố"),
            [("all", province.full_name)]
            + [(f"area:{c}", label) for c, label in geography.former_areas(code)],
        )
    ]
    return groups + geography.commune_choices(code)


def locality_label(code: str) -> str:
    """Return the name of a locality code (see the module's docstring)."""
    if code == "all":
        return geography.served_province().full_name
    if code.startswith("area:"):
        labels = dict(geography.former_areas(geography.served_province_code()))
        return str(labels.get(code.removeprefix("area:"), code))
    return geography.commune_label(code)


def _valid_locality(code: str) -> bool:
    if code == "all":
        return True
    if code.startswith("area:"):
        areas = dict(geography.former_areas(geography.served_province_code()))
        return code.removeprefix("area:") in areas
    found = geography.commune(code)
    return found is not None and found.province_code == geography.served_province_code()


def check_profile(data: ProfileInput, org: Organization) -> dict[str, str]:
    """Return field → message for every problem (empty when the profile is fine)."""
    errors: dict[str, str] = {}
    if len(data.about or "") > MAX_ABOUT:
        errors["about"] = _("Nội dung không được dài quá %(n)d ký tự.", n=MAX_ABOUT)
    if data.hotline and normalise_phone(data.hotline) is None:
        errors["hotline"] = _("Số điện thoại không hợp lệ. Ví dụ: 1800 8098 hoặc 0225 3842 888.")
    if data.sales_email and (len(data.sales_email) > 254 or not EMAIL_RE.match(data.sales_email)):
        errors["sales_email"] = _("Địa chỉ e-mail không hợp lệ.")
    if data.zalo_url and not ZALO_RE.match(data.zalo_url):
        errors["zalo_url"] = _("Đường dẫn Zalo OA phải có dạng https://zalo.me/…")
    if data.website and (len(data.website) > 255 or not WEBSITE_RE.match(data.website)):
        errors["website"] = _("Địa chỉ trang web phải bắt đầu bằng http:// hoặc https://")
    if len(data.localities) > MAX_LOCALITIES:
        errors["localities"] = _("Chọn tối đa %(n)d địa bàn.", n=MAX_LOCALITIES)
    elif any(not _valid_locality(code) for code in data.localities):
        errors["localities"] = _("Lựa chọn không hợp lệ.")
    if data.logo_id is not None:
        upload = db.session.get(Upload, data.logo_id)
        if upload is None or upload.org_id != org.id:
            errors["logo"] = _("Ảnh không hợp lệ.")
    return errors


def profile_of(org_id: int) -> VendorProfile | None:
    return db.session.get(VendorProfile, org_id)


def save_profile(actor: User, org: Organization, data: ProfileInput) -> VendorProfile:
    """Save the vendor's public profile (role org.edit_profile); raise ProfileError."""
    require(org.is_vendor and actor.organization_id == org.id)
    require_action(actor, "org.edit_profile")
    errors = check_profile(data, org)
    if errors:
        raise ProfileError(errors)
    profile = profile_of(org.id) or VendorProfile(organization_id=org.id)
    profile.about = (data.about or "").strip()
    profile.hotline = normalise_phone(data.hotline) if data.hotline else None
    profile.sales_email = data.sales_email.strip().lower() or None
    profile.zalo_url = data.zalo_url.strip() or None
    profile.website = data.website.strip() or None
    profile.localities = list(dict.fromkeys(data.localities))
    profile.logo_id = data.logo_id
    db.session.add(profile)
    db.session.flush()
    record_audit(actor, "vendor.profile", org, label=org.name)
    return profile
