"""The fixed vocabularies of the organisation profile, with translated labels."""

from __future__ import annotations

from flask import current_app
from flask_babel import lazy_gettext as _l

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


def locality_choices() -> list[tuple[str, str]]:
    """Return the province's localities as configured."""
    return list(current_app.config["LOCALITIES"])


def label(choices, code: str | None) -> str:
    """Return the display label of `code` in a choice list, or the code itself."""
    for key, text in choices:
        if key == code:
            return str(text)
    return code or ""


def locality_label(code: str | None) -> str:
    return label(locality_choices(), code)
