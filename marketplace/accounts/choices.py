"""The fixed vocabularies of the organisation profile, with translated labels."""

from __future__ import annotations

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from marketplace.core import geography

SIZE_BANDS = [
    ("household", _l("Hộ kinh doanh")),
    ("micro", _l("Siêu nhỏ (dưới 10 lao động)")),
    ("small", _l("Nhỏ (dưới 50 lao động)")),
    ("medium", _l("Vừa (dưới 200 lao động)")),
    ("large", _l("Lớn (từ 200 lao động)")),
]

INDUSTRIES = [
    ("agriculture", _l("Nông nghiệp, lâm nghiệp, thủy sản")),
    ("manufacturing", _l("Công nghiệp chế biến, chế tạo")),
    ("construction", _l("Xây dựng")),
    ("retail", _l("Thương mại, bán buôn, bán lẻ")),
    ("logistics", _l("Vận tải, kho bãi, logistics")),
    ("hospitality", _l("Du lịch, lưu trú, ăn uống")),
    ("ict", _l("Công nghệ thông tin, viễn thông")),
    ("finance", _l("Tài chính, ngân hàng, bảo hiểm")),
    ("education", _l("Giáo dục, đào tạo")),
    ("health", _l("Y tế, chăm sóc sức khỏe")),
    ("services", _l("Dịch vụ chuyên môn, tư vấn")),
    ("other", _l("Ngành khác")),
]

ORG_KINDS = [
    ("enterprise", _l("Doanh nghiệp")),
    ("vendor", _l("Nhà cung cấp")),
]

ROLE_LABELS = {
    "enterprise": _l("Doanh nghiệp"),
    "vendor": _l("Nhà cung cấp"),
    "moderator": _l("Kiểm duyệt viên"),
    "admin": _l("Quản trị viên"),
}


# The former Hải Dương's 12 district-level units, abolished on 1 July 2025: organisations that
# chose one before keep it as `former_district` until they choose their ward/commune.
FORMER_DISTRICTS: list[tuple[str, str]] = [
    ("tp-hai-duong", "Thành phố Hải Dương"),
    ("tp-chi-linh", "Thành phố Chí Linh"),
    ("tx-kinh-mon", "Thị xã Kinh Môn"),
    ("binh-giang", "Huyện Bình Giang"),
    ("cam-giang", "Huyện Cẩm Giàng"),
    ("gia-loc", "Huyện Gia Lộc"),
    ("kim-thanh", "Huyện Kim Thành"),
    ("nam-sach", "Huyện Nam Sách"),
    ("ninh-giang", "Huyện Ninh Giang"),
    ("thanh-ha", "Huyện Thanh Hà"),
    ("thanh-mien", "Huyện Thanh Miện"),
    ("tu-ky", "Huyện Tứ Kỳ"),
]


def label(choices, code: str | None) -> str:
    """Return the display label of `code` in a choice list, or the code itself."""
    for key, text in choices:
        if key == code:
            return str(text)
    return code or ""


def former_district_label(code: str | None) -> str:
    """Return the name of a pre-2025 district code."""
    return label(FORMER_DISTRICTS, code)


def address_label(org) -> str:
    """Return where an organisation is: its commune, else its province, else its old district."""
    commune = geography.commune(org.commune_code)
    if commune is not None:
        return commune.name
    if org.province_code and org.province_code != geography.served_province_code():
        found = geography.province(org.province_code)
        return found.full_name if found else ""
    if org.former_district:
        return _("%(name)s (trước 2025)", name=former_district_label(org.former_district))
    return ""


def org_address(org) -> str:
    """Return an organisation's full address on one line: street, commune, province."""
    parts = [org.street_address or "", address_label(org)]
    commune = geography.commune(org.commune_code)
    if commune is not None:
        found = geography.province(commune.province_code)
        parts.append(found.full_name if found else "")
    return ", ".join(p for p in parts if p)
