"""VAT on offer lines, in one small place so billing's own rules can replace it.

A line's VAT treatment is one of VAT_TREATMENTS: `exempt` (không chịu thuế, no VAT), or a
rate of 0, 5, 8 or 10 per cent. The VAT of a line is its amount times the rate, rounded to
the nearest đồng (halves up); the offer's VAT is the sum of its lines'. Integers only.
"""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

VAT_TREATMENTS: dict[str, int] = {"exempt": 0, "0": 0, "5": 5, "8": 8, "10": 10}

VAT_LABELS = {
    "exempt": _l("Không chịu thuế"),
    "0": _l("VAT 0%"),
    "5": _l("VAT 5%"),
    "8": _l("VAT 8%"),
    "10": _l("VAT 10%"),
}


def line_vat(amount_vnd: int, treatment: str) -> int:
    """Return the VAT in đồng on `amount_vnd` under `treatment` (exact integer arithmetic)."""
    rate = VAT_TREATMENTS[treatment]
    return (amount_vnd * rate * 2 + 100) // 200
