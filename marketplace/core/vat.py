"""VAT (thuế GTGT) of plans and order lines: the treatments, their rates as data, the sums.

Rates live in `core/data/vat_rates.csv` with the dates they apply (the 8 % rate is a temporary
reduction of 10 %: after its last day a plan marked 8 % is charged its `then` rate). The
rounding rule, written once here and tested: VAT is computed per line, on the line's
amount (quantity × unit price), and rounded half up to a whole đồng (VND has no minor
unit). For a price that includes VAT, the net amount is total × 100 / (100 + rate) rounded
half up, and the VAT is the difference, so net + VAT always equals the price shown. An
order's subtotal, VAT and total are the sums of its lines.
"""

from __future__ import annotations

import csv
import datetime as dt
from dataclasses import dataclass
from enum import StrEnum
from functools import cache
from pathlib import Path

from flask_babel import LazyString, gettext
from flask_babel import lazy_gettext as _l

from marketplace.core.formatting import format_percent_points

DATA_FILE = Path(__file__).parent / "data" / "vat_rates.csv"


class VatTreatment(StrEnum):
    EXEMPT = "exempt"  # không chịu thuế GTGT (e.g. software products)
    ZERO = "0"
    FIVE = "5"
    EIGHT = "8"
    TEN = "10"


TREATMENTS = tuple(VatTreatment)


def _rate_label(treatment: VatTreatment) -> LazyString:
    """ "Thuế GTGT 10%", the rate written in the page's language when the label is shown."""
    return LazyString(
        lambda: gettext("Thuế GTGT %(rate)s", rate=format_percent_points(treatment.value))
    )


TREATMENT_LABELS = {
    VatTreatment.EXEMPT: _l("Không chịu thuế GTGT"),
    **{treatment: _rate_label(treatment) for treatment in TREATMENTS if treatment.value.isdigit()},
}


@dataclass(frozen=True)
class RateRow:
    treatment: str
    rate_percent: int
    valid_from: dt.date
    valid_until: dt.date | None
    then: str | None


@cache
def rate_rows() -> tuple[RateRow, ...]:
    """Read the rates file once."""
    with DATA_FILE.open(encoding="utf-8") as fh:
        return tuple(
            RateRow(
                treatment=row["treatment"],
                rate_percent=int(row["rate_percent"]),
                valid_from=dt.date.fromisoformat(row["valid_from"]),
                valid_until=dt.date.fromisoformat(row["valid_until"])
                if row["valid_until"]
                else None,
                then=row["then"] or None,
            )
            for row in csv.DictReader(fh)
        )


def rate_for(treatment: str, day: dt.date) -> int:
    """Return the VAT rate in percent of a treatment on a day (0 for `exempt`)."""
    rows = [r for r in rate_rows() if r.treatment == treatment]
    if not rows:
        raise ValueError(f"unknown VAT treatment {treatment!r}")
    for row in rows:
        if row.valid_from <= day and (row.valid_until is None or day <= row.valid_until):
            return row.rate_percent
    ended = [r for r in rows if r.valid_until is not None and r.valid_until < day and r.then]
    if ended:
        return rate_for(max(ended, key=lambda r: r.valid_until).then, day)
    # Before the first row: the rate the first row replaced, or the row itself.
    first = min(rows, key=lambda r: r.valid_from)
    return rate_for(first.then, day) if first.then else first.rate_percent


def round_half_up(numerator: int, denominator: int) -> int:
    """Divide two non-negative integers, rounding half up (exact, no floats)."""
    return (2 * numerator + denominator) // (2 * denominator)


@dataclass(frozen=True)
class LineAmounts:
    net_vnd: int
    vat_vnd: int
    total_vnd: int


def line_amounts(amount_vnd: int, rate_percent: int, *, includes_vat: bool) -> LineAmounts:
    """Split a line's amount into net, VAT and total by the rule in this module's docstring."""
    if amount_vnd < 0:
        raise ValueError("amount must not be negative")
    if rate_percent == 0:
        return LineAmounts(amount_vnd, 0, amount_vnd)
    if includes_vat:
        net = round_half_up(amount_vnd * 100, 100 + rate_percent)
        return LineAmounts(net, amount_vnd - net, amount_vnd)
    vat = round_half_up(amount_vnd * rate_percent, 100)
    return LineAmounts(amount_vnd, vat, amount_vnd + vat)
