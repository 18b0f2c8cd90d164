"""Demo tax codes from before check digits were enforced, mapped to the valid ones.

A development database seeded earlier holds the old codes: the seed recognises them as demo
data and moves each organisation to its new code (once), so `flask seed-demo` stays
idempotent across the change.
"""

from __future__ import annotations

# new code → old code
RENAMED_TAX_CODES: dict[str, str] = {
    "0801234560": "0801234567",
    "0109876532": "0109876543",
    "0107654326": "0107654321",
    "0801122338": "0801122334",
    "0801987652": "0801987650",
    "0801357925": "0801357924",
    "0801100214": "0801100102",
    "0801100327": "0801100103",
    "0801100415": "0801100104",
    "0801100510": "0801100105",
    "0801100616": "0801100106",
    "0801100711": "0801100107",
    "0801100817": "0801100108",
    "0801100912": "0801100109",
}


def old_history_tax_code(i: int) -> str:
    """Return the code the i-th history enterprise had before check digits (0-based)."""
    return f"0802{i + 1:06d}"
