"""The banks a vendor's receiving account can be at: the NAPAS 24/7 members with their BIN.

The list is data (`data/napas_banks.csv`), checked against NAPAS's list of member banks
and their BINs (the bank identification number a VietQR code carries); add a bank there.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import cache
from pathlib import Path

DATA_FILE = Path(__file__).parent / "data" / "napas_banks.csv"


@dataclass(frozen=True)
class Bank:
    bin: str
    short_name: str
    name: str

    @property
    def label(self) -> str:
        return f"{self.short_name} — {self.name}"


@cache
def banks() -> tuple[Bank, ...]:
    """Return the banks, in the file's order."""
    with DATA_FILE.open(encoding="utf-8") as fh:
        return tuple(Bank(r["bin"], r["short_name"], r["name"]) for r in csv.DictReader(fh))


def bank_by_bin(bin_: str | None) -> Bank | None:
    return next((b for b in banks() if b.bin == bin_), None)
