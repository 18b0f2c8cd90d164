"""Checks and normalisers for Vietnamese tax codes, phone numbers and passwords."""

from __future__ import annotations

import re

TAX_CODE_RE = re.compile(r"^[0-9]{10}(-[0-9]{3})?$")

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


def is_valid_tax_code(value: str) -> bool:
    """Tell whether `value` is a 10-digit tax code, or 10 digits + `-` + 3 for a branch."""
    return bool(TAX_CODE_RE.match(value))


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
