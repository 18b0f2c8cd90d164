"""What lists of listings show (the catalogue's cards, the API's list, the readiness
assessment's suggestions): plain values read in one statement, with the categories kept
for everyone.

A page of twenty cards built as rows of the session cost about 1.8 ms to load (the
listing, its vendor, category and logo, every column); these read only what a card shows,
in about 0.8 ms.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass

from sqlalchemy import bindparam, select

from marketplace.accounts.models import Organization
from marketplace.catalog.models import Category, CategoryWording, Solution, Upload
from marketplace.catalog.queries import visible_without_join
from marketplace.core import request_memo, stamps
from marketplace.extensions import db


@dataclass(frozen=True)
class ShownCategory(CategoryWording):
    """An active category as the public pages show it: read once per content change and kept
    for everyone (a public value, shared through Redis when it is set), so it holds plain
    values, not a row of a session."""

    id: int
    parent_id: int | None
    slug: str
    name_vi: str
    name_en: str
    description_vi: str
    description_en: str
    parent: ShownCategory | None = None


def _shown_categories() -> tuple[ShownCategory, ...]:
    rows = db.session.execute(
        select(
            Category.id,
            Category.parent_id,
            Category.slug,
            Category.name_vi,
            Category.name_en,
            Category.description_vi,
            Category.description_en,
        )
        .where(Category.active.is_(True))
        .order_by(Category.position, Category.id)
    ).all()
    tops = {row.id: ShownCategory(*row) for row in rows if row.parent_id is None}
    return tuple(
        tops[row.id] if row.id in tops else ShownCategory(*row, parent=tops.get(row.parent_id))
        for row in rows
    )


def shown_categories() -> tuple[ShownCategory, ...]:
    """The active categories in their order, kept under the content stamp (and read once
    per request when public values are not kept)."""
    kept = request_memo.memo("shown_categories")
    shown = kept.get("all")
    if shown is None:
        shown = kept["all"] = stamps.public_value(("shown categories",), _shown_categories)
    return shown


@dataclass(frozen=True, slots=True)
class ListedVendor:
    id: int
    slug: str | None
    name: str
    verified_at: dt.datetime | None


@dataclass(frozen=True, slots=True)
class ListedLogo:
    filename: str


@dataclass(frozen=True, slots=True)
class ListedSolution:
    """A public listing as a list shows it (the attributes of `Solution` a card reads)."""

    id: int
    slug: str
    name: str
    tagline: str
    deployment: str
    max_trial_days: int
    rating_count: int
    rating_avg: float
    min_price_vnd: int | None
    min_price_period: str | None
    min_price_vat_included: bool
    category: ShownCategory | None
    vendor: ListedVendor
    logo: ListedLogo | None

    @property
    def has_trial(self) -> bool:
        return self.max_trial_days > 0


# A `ListedSolution`'s own fields, then its vendor's, in the order of the dataclasses.
# The search engine keeps them in its entries (`stored_rows`): a change to the listing's
# own columns renews its `updated_at`, and its vendor's columns are read from `VENDOR` by
# `search_engine._listing_rows`; both are in the digest that has an entry indexed again.
_OWN = (
    Solution.id,
    Solution.slug,
    Solution.name,
    Solution.tagline,
    Solution.deployment,
    Solution.max_trial_days,
    Solution.rating_count,
    Solution.rating_avg,
    Solution.min_price_vnd,
    Solution.min_price_period,
    Solution.min_price_vat_included,
)
VENDOR = (Organization.id, Organization.slug, Organization.name, Organization.verified_at)

# Built once (bound parameters): every catalogue and search page loads its cards with it.
_LOAD = (
    select(*_OWN, *VENDOR, Solution.category_id, Upload.filename)
    .join(Organization, Organization.id == Solution.vendor_id)
    .outerjoin(Upload, Upload.id == Solution.logo_id)
    .where(*visible_without_join(), Solution.id.in_(bindparam("ids", expanding=True)))
)


def load(ids: list[int]) -> list[ListedSolution]:
    """The listings of `ids` as lists show them, in that order; still public ones only."""
    if not ids:
        return []
    categories = _categories()
    by_id = {
        row[0]: _listed(row, categories) for row in db.session.execute(_LOAD, {"ids": list(ids)})
    }
    return [by_id[i] for i in ids if i in by_id]


def _categories() -> dict[int, ShownCategory]:
    return {c.id: c for c in shown_categories()}


_OWN_END = len(_OWN)
_VENDOR_END = len(_OWN) + len(VENDOR)
_VERIFIED_AT = _VENDOR_END - 1  # the vendor's verification time in a row of `_LOAD`


def _listed(row, categories: dict[int, ShownCategory]) -> ListedSolution:
    """A row of `_LOAD` (or one read back by `from_stored`) as a `ListedSolution`."""
    category_id, filename = row[-2], row[-1]
    return ListedSolution(
        *row[:_OWN_END],
        category=categories.get(category_id),
        vendor=ListedVendor(*row[_OWN_END:_VENDOR_END]),
        logo=ListedLogo(filename) if filename else None,
    )


# The search engine keeps each listing's row with its entry, so that a search's page shows
# its cards from the index it ranked them with, without a statement (search_engine.Built.
# cards). The row is the one `load` reads, written as JSON; the category is looked up again
# when read, as in `load`.


def stored_rows(ids: list[int]) -> dict[int, bytes]:
    """The rows of `load` for the public listings of `ids`, each as the bytes an index
    keeps (`from_stored` reads them back)."""
    if not ids:
        return {}
    out = {}
    for row in db.session.execute(_LOAD, {"ids": list(ids)}):
        values = list(row)
        verified_at = values[_VERIFIED_AT]
        values[_VERIFIED_AT] = verified_at.isoformat() if verified_at is not None else None
        out[row[0]] = json.dumps(values, ensure_ascii=False, separators=(",", ":")).encode()
    return out


def from_stored(rows: list[bytes]) -> list[ListedSolution]:
    """The `ListedSolution`s of rows written by `stored_rows`."""
    categories = _categories()
    out = []
    for values in json.loads(b"[" + b",".join(rows) + b"]"):
        verified_at = values[_VERIFIED_AT]
        if verified_at is not None:
            values[_VERIFIED_AT] = dt.datetime.fromisoformat(verified_at)
        out.append(_listed(values, categories))
    return out
