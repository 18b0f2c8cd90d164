"""VietQR: the NAPAS/EMVCo payload of a bank transfer and its QR image.

The payload is EMVCo's merchant-presented QR format as NAPAS profiles it for transfers to
an account ("QRIBFTTA"): a list of ID–length–value fields, the account under ID 38 (NAPAS's
GUID A000000727, the bank's BIN and the account number), the amount in đồng under 54, the
transfer description under 62/08, and a CRC-16/CCITT-FALSE over everything before it
(ID 63). `parse_payload` reads one back (the tests check every field and the CRC). The
image is drawn by `segno` as inline SVG: no JavaScript, no request to anyone.
"""

from __future__ import annotations

from dataclasses import dataclass

import segno
from markupsafe import Markup

NAPAS_GUID = "A000000727"
SERVICE_TO_ACCOUNT = "QRIBFTTA"
CURRENCY_VND = "704"
COUNTRY = "VN"
MAX_DESCRIPTION = 25  # what most banking apps keep of a VietQR description


def _field(tag: str, value: str) -> str:
    if len(value) > 99:
        raise ValueError(f"field {tag} is longer than 99 characters")
    return f"{tag}{len(value):02d}{value}"


def crc16_ccitt_false(data: str) -> str:
    """Return the CRC-16/CCITT-FALSE (poly 0x1021, init 0xFFFF) of `data` as 4 hex digits."""
    crc = 0xFFFF
    for byte in data.encode("utf-8"):
        crc ^= byte << 8
        for _ in range(8):
            crc = ((crc << 1) ^ 0x1021) if crc & 0x8000 else crc << 1
            crc &= 0xFFFF
    return f"{crc:04X}"


def build_payload(*, bank_bin: str, account_number: str, amount_vnd: int, description: str) -> str:
    """Return the VietQR payload of a transfer of `amount_vnd` to an account, with a description."""
    if not (bank_bin.isdigit() and len(bank_bin) == 6):
        raise ValueError("a BIN has 6 digits")
    if amount_vnd <= 0:
        raise ValueError("the amount must be positive")
    beneficiary = _field("00", bank_bin) + _field("01", account_number)
    account = (
        _field("00", NAPAS_GUID) + _field("01", beneficiary) + _field("02", SERVICE_TO_ACCOUNT)
    )
    body = (
        _field("00", "01")
        + _field("01", "12")  # dynamic: the amount is fixed
        + _field("38", account)
        + _field("53", CURRENCY_VND)
        + _field("54", str(int(amount_vnd)))
        + _field("58", COUNTRY)
        + _field("62", _field("08", description[:MAX_DESCRIPTION]))
        + "6304"
    )
    return body + crc16_ccitt_false(body)


def parse_fields(data: str) -> dict[str, str]:
    """Split ID–length–value fields; raise ValueError on a malformed string."""
    fields: dict[str, str] = {}
    i = 0
    while i < len(data):
        if i + 4 > len(data):
            raise ValueError("truncated field")
        tag, length = data[i : i + 2], int(data[i + 2 : i + 4])
        value = data[i + 4 : i + 4 + length]
        if len(value) != length:
            raise ValueError("truncated value")
        fields[tag] = value
        i += 4 + length
    return fields


@dataclass(frozen=True)
class Transfer:
    bank_bin: str
    account_number: str
    amount_vnd: int
    description: str
    crc_ok: bool


def parse_payload(payload: str) -> Transfer:
    """Read back a payload built by `build_payload`, checking its CRC."""
    fields = parse_fields(payload)
    crc_ok = fields.get("63") == crc16_ccitt_false(payload[:-4])
    account = parse_fields(fields["38"])
    if account.get("00") != NAPAS_GUID or account.get("02") != SERVICE_TO_ACCOUNT:
        raise ValueError("not a NAPAS transfer-to-account payload")
    beneficiary = parse_fields(account["01"])
    return Transfer(
        bank_bin=beneficiary["00"],
        account_number=beneficiary["01"],
        amount_vnd=int(fields["54"]),
        description=parse_fields(fields.get("62", "")).get("08", ""),
        crc_ok=crc_ok,
    )


def qr_svg(payload: str, *, title: str) -> Markup:
    """Return the QR code of a payload as an inline SVG element with an accessible title."""
    code = segno.make(payload, error="m", micro=False)
    svg = code.svg_inline(scale=4, border=2, title=title, svgclass="vietqr", omitsize=False)
    return Markup(svg)
