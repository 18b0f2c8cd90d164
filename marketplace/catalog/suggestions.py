"""Suggestions as the buyer types: listings, categories and vendors whose names hold the
typed words in order, the last one as a prefix (`/api/v1/suggest`).

Works on the folded syllables of `search_words` (`hoa don d` → `Hóa đơn điện tử …`).
"""

from __future__ import annotations

import bisect
import functools
import heapq
from dataclasses import dataclass

import sqlalchemy as sa
from flask import current_app

from marketplace.accounts.models import Organization
from marketplace.catalog.models import Solution, SolutionStatus
from marketplace.catalog.search_words import Phrase, category_rows, phrase
from marketplace.core import stamps
from marketplace.core.database import dialect_name
from marketplace.extensions import db

SUGGEST_LIMIT = 8
SUGGEST_CANDIDATES = 200
SUGGEST_MIN_CHARS = 2
_SUGGEST_SECONDS = 60


@dataclass(frozen=True)
class Suggestion:
    kind: str  # "solution", "category" or "vendor"
    label: str
    slug: str | None  # the solution's or the category's slug; None for a vendor


def starts_phrase(name: tuple[str, ...], typed: tuple[str, ...]) -> int:
    """Return where the typed words start in a name (the last one as a prefix), or -1."""
    for i in range(len(name) - len(typed) + 1):
        if _phrase_at(name, i, typed):
            return i
    return -1


@dataclass(frozen=True)
class _VendorWords:
    """The vendors' names by word: each folded word → its occurrences (position in the
    name, name, the name's folded words), sorted, and every word sorted for prefixes."""

    by_word: dict[str, list[tuple[int, str, Phrase]]]
    sorted_words: list[str]

    def matches(self, typed: Phrase, limit: int) -> list[tuple[int, str]]:
        """The first `limit` vendors whose name holds the typed words (the last one as a
        prefix), as (where it starts, name), in that order: one merge of sorted lists, not
        a pass over every vendor."""
        first = typed[0]
        if len(typed) == 1:
            at = bisect.bisect_left(self.sorted_words, first)
            keys = []
            for word in self.sorted_words[at:]:
                if not word.startswith(first):
                    break
                keys.append(word)
        else:
            keys = [first] if first in self.by_word else []
        found: list[tuple[int, str]] = []
        seen: set[str] = set()
        for at, name, folded in heapq.merge(*(self.by_word[k] for k in keys)):
            if name in seen or not _phrase_at(folded, at, typed):
                continue
            seen.add(name)
            found.append((at, name))
            if len(found) >= limit:
                break
        return found


def _phrase_at(name: Phrase, at: int, typed: Phrase) -> bool:
    """Tell whether the typed words start at `at` in a name (the last one as a prefix)."""
    *whole, last = typed
    end = at + len(whole)
    return end < len(name) and name[at:end] == tuple(whole) and name[end].startswith(last)


def _vendor_names() -> _VendorWords:
    """The active vendors with a published solution, by word (kept per process until the
    content stamp changes, a minute at most)."""
    app = current_app._get_current_object()
    # A listing suspended or a vendor deactivated on any host renews the stamp: the next
    # suggestion no longer names a vendor with nothing left to show.
    return stamps.process_value(
        app,
        "search_vendor_names",
        stamps.stamp_for(app).current(),
        _read_vendor_names,
        max_age=_SUGGEST_SECONDS,
    )


def _read_vendor_names() -> _VendorWords:
    names = db.session.scalars(
        sa.select(Organization.name)
        .where(
            Organization.kind == "vendor",
            Organization.active.is_(True),
            Organization.id.in_(
                sa.select(Solution.vendor_id).where(Solution.status == SolutionStatus.PUBLISHED)
            ),
        )
        .order_by(Organization.name)
    ).all()
    by_word: dict[str, list[tuple[int, str, Phrase]]] = {}
    for name in names:
        folded = phrase(name)
        for i, word in enumerate(folded):
            by_word.setdefault(word, []).append((i, name, folded))
    for occurrences in by_word.values():
        occurrences.sort()
    return _VendorWords(by_word, sorted(by_word))


_name_phrase = functools.lru_cache(maxsize=65536)(phrase)


def suggest(raw: str | None, lang: str = "vi", limit: int = SUGGEST_LIMIT) -> list[Suggestion]:
    """Return up to `limit` categories, solution names and vendors for what is being typed.

    The typed words must start words of the name, in order, the last one as a prefix
    ("hoa don d" → "Hóa đơn điện tử Hồng Hà"). Solution names come from the search index
    (the name field alone), at most SUGGEST_CANDIDATES of them, so the cost stays flat at any
    catalogue size.
    """
    typed = phrase((raw or "")[:200])[:8]
    if not typed or sum(len(t) for t in typed) < SUGGEST_MIN_CHARS:
        return []
    out: list[Suggestion] = []
    categories = []
    for _cid, _parent, slug, name_vi, name_en in category_rows():
        name = name_en if lang == "en" else name_vi
        at = min(
            (i for i in (starts_phrase(phrase(n), typed) for n in (name_vi, name_en)) if i >= 0),
            default=-1,
        )
        if at >= 0:
            categories.append((at, name, slug))
    out += [Suggestion("category", name, slug) for _at, name, slug in sorted(categories)[:2]]
    vendors = _vendor_names().matches(typed, limit)
    vendor_room = 2
    names_room = limit - len(out) - min(vendor_room, len(vendors))
    rows = _name_candidates(typed)
    solutions = []
    for slug, name in rows:
        at = starts_phrase(_name_phrase(name), typed)
        if at >= 0:
            solutions.append((at, len(name), name, slug))
    out += [
        Suggestion("solution", name, slug) for *_k, name, slug in sorted(solutions)[:names_room]
    ]
    out += [Suggestion("vendor", name, None) for _at, name in sorted(vendors)[: limit - len(out)]]
    return out[:limit]


def _name_candidates(typed: tuple[str, ...]) -> list[tuple[str, str]]:
    """Return (slug, name) of up to SUGGEST_CANDIDATES public solutions whose name matches."""
    # Adjacent words as their indexed pair, the last one as a pair prefix: "hoa don d" asks
    # for "hoa0don" and "don0d…", which few terms start with (a one-letter prefix alone
    # would expand to a good part of the vocabulary).
    whole = [f"{a}0{b}" for a, b in zip(typed, typed[1:-1], strict=False)] or list(typed[:-1])
    last = f"{typed[-2]}0{typed[-1]}" if len(typed) > 1 else typed[-1]
    if dialect_name() == "postgresql":
        # `names`: the name's words alone, with an index of their own (migration 0026).
        terms = [f"'{t}'" for t in whole] + [f"'{last}':*"]
        found = sa.text(
            "SELECT solution_id FROM solution_search "
            "WHERE names @@ to_tsquery('simple', :q) LIMIT :n"
        ).bindparams(q=" & ".join(terms), n=SUGGEST_CANDIDATES)
    else:
        terms = [f'"{t}"' for t in whole] + [f'"{last}"*']
        found = sa.text(
            "SELECT rowid FROM solution_search WHERE solution_search MATCH :q LIMIT :n"
        ).bindparams(q="{name} : (" + " AND ".join(terms) + ")", n=SUGGEST_CANDIDATES)
    ids = list(db.session.scalars(found))
    if not ids:
        return []
    inactive = sa.select(Organization.id).where(Organization.active.is_(False))
    return [
        (slug, name)
        for slug, name in db.session.execute(
            sa.select(Solution.slug, Solution.name).where(
                Solution.id.in_(ids),
                Solution.status == SolutionStatus.PUBLISHED,
                Solution.vendor_id.not_in(inactive),
            )
        )
    ]
