"""Checks and normalisers for Vietnamese tax codes, phone numbers and passwords."""

from __future__ import annotations

import re

from stdnum.exceptions import InvalidChecksum, ValidationError
from stdnum.vn import mst

# A household business registers under its owner's 12-digit personal identification number.
PERSONAL_ID_LENGTH = 12
HOUSEHOLD = "household"

# Mobile 03x/05x/07x/08x/09x (10 digits), landline 02xx (11 digits), hotlines 1800/1900.
_MOBILE_RE = re.compile(r"^0[35789][0-9]{8}$")
_LANDLINE_RE = re.compile(r"^02[0-9]{9}$")
_HOTLINE_RE = re.compile(r"^1[89]00[0-9]{4,6}$")

MIN_PASSWORD_LENGTH = 10
COMMON_PASSWORDS = frozenset(
    {
        "1234567890",
        "12345678910",
        "0123456789",
        "1111111111",
        "0000000000",
        "123456789a",
        "1234567890a",
        "password123",
        "password1234",
        "passwordpassword",
        "qwertyuiop",
        "qwerty12345",
        "abc1234567",
        "abcd123456",
        "matkhau123",
        "matkhau1234",
        "iloveyou123",
        "admin12345",
        "administrator",
        "anhyeuem123",
        "vietnam123",
        "vietnam1234",
        "123123123123",
        "1q2w3e4r5t",
        "zaq12wsxcde",
    }
)


def _compact_tax_code(value: str) -> str:
    # Spaces and dots as people type them go; a dash only where a branch suffix starts.
    compact = re.sub(r"[\s.]", "", value or "")
    if re.fullmatch(r"[0-9]{10}-[0-9]{3}", compact):
        compact = compact.replace("-", "")
    return compact


def normalise_tax_code(value: str) -> str:
    """Return a tax identifier in its stored form: `0100233488`, `0314409058-002`, 12 digits.

    Spaces and dots (`0314 409 058 - 002`) are dropped; text that is not a tax identifier
    is returned stripped, for the validation message to refuse.
    """
    compact = _compact_tax_code(value)
    if re.fullmatch(r"[0-9]{13}", compact):
        return f"{compact[:10]}-{compact[10:]}"
    if re.fullmatch(r"[0-9]{10}|[0-9]{12}", compact):
        return compact
    return (value or "").strip()


def tax_code_problem(value: str, *, household: bool = False) -> str | None:
    """Return which rule a tax identifier breaks, in the interface language, or None.

    Enterprises: 10 digits whose tenth is the check digit of the first nine (the official
    weights, through python-stdnum's `vn.mst`), or 13 as `XXXXXXXXXX-YYY` for a branch whose
    suffix is 001–999. A household business (`household`) may give instead the owner's
    12-digit personal identification number. The first digits are never read as a place:
    an organisation keeps its code when it moves.
    """
    from flask_babel import gettext as _

    compact = _compact_tax_code(value)
    if not compact:
        return _("Vui lòng nhập mã số thuế.")
    if not re.fullmatch(r"[0-9]+", compact):
        return _(
            "Mã số thuế chỉ gồm chữ số (chi nhánh: 10 chữ số, dấu “-” rồi 3 chữ số), "
            "không có chữ cái hay ký hiệu khác."
        )
    if len(compact) == PERSONAL_ID_LENGTH:
        if household:
            return None
        return _(
            "Số 12 chữ số là số định danh cá nhân: chỉ hộ kinh doanh được dùng số này "
            "(chọn quy mô “Hộ kinh doanh”). Doanh nghiệp nhập mã số thuế 10 chữ số."
        )
    if len(compact) not in (10, 13):
        if household:
            return _(
                "Mã số thuế gồm 10 chữ số, hoặc 13 chữ số dạng XXXXXXXXXX-YYY cho chi "
                "nhánh; hộ kinh doanh có thể dùng số định danh cá nhân 12 chữ số của chủ hộ."
            )
        return _("Mã số thuế gồm 10 chữ số, hoặc 13 chữ số dạng XXXXXXXXXX-YYY cho chi nhánh.")
    if compact[2:9] == "0000000":
        return _("Mã số thuế không hợp lệ: 7 chữ số thứ 3 đến thứ 9 không thể đều là 0.")
    if len(compact) == 13 and compact[10:] == "000":
        return _(
            "Mã chi nhánh (3 chữ số sau dấu “-”) phải từ 001 đến 999; 000 không phải mã chi nhánh."
        )
    try:
        mst.validate(compact)
    except InvalidChecksum:
        return _(
            "Mã số thuế không đúng: chữ số thứ 10 (chữ số kiểm tra) không khớp với 9 chữ số "
            "đầu. Vui lòng kiểm tra lại từng chữ số."
        )
    except ValidationError:
        return _("Mã số thuế không hợp lệ.")
    return None


def is_valid_tax_code(value: str, *, household: bool = False) -> bool:
    """Tell whether `value` is a valid tax identifier (see `tax_code_problem`)."""
    return tax_code_problem(value, household=household) is None


def tax_code_with_check_digit(first_nine: str) -> str | None:
    """Complete nine digits into a valid tax code, or None if no check digit fits them."""
    digit = mst.calc_check_digit(first_nine)
    return first_nine + digit if len(digit) == 1 else None


def normalise_phone(value: str) -> str | None:
    """Return the phone number in national form (`0912345678`), or None if it is not one."""
    compact = re.sub(r"[\s.\-()]", "", value or "")
    if compact.startswith("+84"):
        compact = "0" + compact[3:]
    elif compact.startswith("0084"):
        compact = "0" + compact[4:]
    elif compact.startswith("84") and len(compact) in (11, 12):
        compact = "0" + compact[2:]
    if _MOBILE_RE.match(compact) or _LANDLINE_RE.match(compact) or _HOTLINE_RE.match(compact):
        return compact
    return None


def password_problem(password: str, *, email: str = "") -> str | None:
    """Return why a new password is refused, or None if it is acceptable."""
    from flask_babel import gettext as _

    if len(password) < MIN_PASSWORD_LENGTH:
        return _("Mật khẩu phải có ít nhất %(n)d ký tự.", n=MIN_PASSWORD_LENGTH)
    if len(password) > 128:
        return _("Mật khẩu không được dài quá 128 ký tự.")
    lowered = password.lower()
    if lowered in COMMON_PASSWORDS or len(set(lowered)) <= 2:
        return _("Mật khẩu này quá phổ biến, dễ bị đoán. Vui lòng chọn mật khẩu khác.")
    if email and lowered == email.lower():
        return _("Mật khẩu không được trùng với địa chỉ e-mail.")
    return None
