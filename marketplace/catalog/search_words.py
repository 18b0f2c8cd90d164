"""The words search knows: reviewed synonyms and abbreviations, the phrases that name a
category and the indexed vocabulary (for "did you mean"). Suggestions as the buyer types
are in `suggestions.py`.

Everything here works on folded syllables (`HĐĐT` → `hddt`, `Hóa đơn` → `hoa don`), the same
tokens the index holds. The synonyms are data, in `data/synonyms.yaml`, reviewed by hand.
"""

from __future__ import annotations

import functools
import itertools
import math
import re
import unicodedata
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import sqlalchemy as sa
import yaml
from flask import current_app

from marketplace.accounts.models import Organization
from marketplace.catalog.models import Category, FeatureDefinition, Solution, SolutionStatus
from marketplace.core import stamps
from marketplace.core.text import fold
from marketplace.extensions import db

SYNONYMS_FILE = Path(__file__).parent / "data" / "synonyms.yaml"
_WORD_RE = re.compile(r"[^\W_]+")
_PUNCTUATION_RE = re.compile(r"[.,;:!?()\[\]{}–—/&|\"“”…]+")

Phrase = tuple[str, ...]


def words(text: str | None) -> list[str]:
    """Return the accent-preserved lower-case words of a text (letters and digits runs)."""
    return _WORD_RE.findall(unicodedata.normalize("NFC", (text or "").lower()))


_fold_word = functools.lru_cache(maxsize=65536)(fold)


def phrase(text: str | None) -> Phrase:
    """Return the folded syllables of a text: `Chữ ký số` → ("chu", "ky", "so")."""
    return tuple(f for f in map(_fold_word, words(text)) if f)


def find_phrase(tokens: tuple[str, ...], needle: Phrase) -> int:
    """Return where `needle` occurs in `tokens` as consecutive whole words, or -1."""
    n = len(needle)
    if not n:
        return -1
    for i in range(len(tokens) - n + 1):
        if tokens[i : i + n] == needle:
            return i
    return -1


# ---------------------------------------------------------------- the reviewed data


@dataclass(frozen=True)
class Lexicon:
    groups: tuple[tuple[Phrase, ...], ...]
    category_aliases: dict[str, tuple[tuple[str, ...], ...]]  # accented phrases
    generic: frozenset[Phrase]


@functools.lru_cache(maxsize=1)
def lexicon() -> Lexicon:
    """Read the reviewed synonyms file (once per process)."""
    data = yaml.safe_load(SYNONYMS_FILE.read_text(encoding="utf-8")) or {}
    groups = tuple(
        tuple(dict.fromkeys(p for p in (phrase(str(x)) for x in group) if p))
        for group in data.get("groups") or []
    )
    aliases = {
        slug: tuple(p for p in (tuple(words(str(x))) for x in items) if p)
        for slug, items in (data.get("categories") or {}).items()
    }
    generic = frozenset(p for p in (phrase(str(x)) for x in data.get("generic") or []) if p)
    return Lexicon(groups=groups, category_aliases=aliases, generic=generic)


MAX_VARIANTS = 8


def variants(tokens: tuple[str, ...]) -> list[tuple[str, ...]]:
    """Return the query's synonym variants (the literal query excluded), longest phrases first.

    "hddt may tinh tien" → [("hoa", "don", "dien", "tu", "may", "tinh", "tien"), …].
    """
    found: list[tuple[str, ...]] = []
    taken: set[int] = set()
    for source, group in _candidates_in(_synonym_sources(lexicon()), tokens):
        at = find_phrase(tokens, source)
        span = set(range(at, at + len(source)))
        if at < 0 or span & taken:
            continue  # "ký số" inside "chữ ký số" is not replaced on its own
        taken |= span
        for target in group:
            if target == source:
                continue
            variant = tokens[:at] + target + tokens[at + len(source) :]
            if variant != tokens and variant not in found:
                found.append(variant)
            if len(found) >= MAX_VARIANTS:
                return found
    return found


Indexed = dict[str, list[tuple[int, Any]]]
# What the words of queries are looked up in, prepared once (see its users).
_PREPARED: dict[str, Any] = {}


def _synonym_sources(lexicon_now: Lexicon) -> Indexed:
    """Every synonym phrase with its group, longest first, indexed by the phrase's first
    word (a query asks only the phrases that can start at one of its words); prepared once
    per lexicon."""
    if _PREPARED.get("synonyms_of") is not lexicon_now:
        ordered = sorted(
            ((p, group) for group in lexicon_now.groups for p in group), key=lambda x: -len(x[0])
        )
        indexed = _by_first_word(ordered, lambda entry: entry[0])
        _PREPARED.update(synonyms_of=lexicon_now, synonyms=indexed)
    return _PREPARED["synonyms"]


def _by_first_word(entries, phrase_of) -> Indexed:
    index: Indexed = {}
    for position, entry in enumerate(entries):
        phrase_ = phrase_of(entry)
        if phrase_:
            index.setdefault(phrase_[0], []).append((position, entry))
    return index


def _candidates_in(index: Indexed, tokens: tuple[str, ...]) -> list:
    """The entries of `index` whose phrase starts with one of `tokens`, in their order."""
    found = [hit for token in set(tokens) for hit in index.get(token, ())]
    found.sort(key=lambda hit: hit[0])
    return [entry for _position, entry in found]


def without_generic(tokens: tuple[str, ...]) -> tuple[str, ...]:
    """Drop the generic words and phrases ("phần mềm", "cho", "doanh nghiệp")."""
    out = list(tokens)
    for p in sorted(lexicon().generic, key=len, reverse=True):
        while (at := find_phrase(tuple(out), p)) >= 0:
            del out[at : at + len(p)]
    return tuple(out)


# ---------------------------------------------------------------- category intent


@dataclass(frozen=True)
class Intent:
    """A category the query names: its id, its whole subtree and the words that named it."""

    category_id: int
    covered_ids: tuple[int, ...]
    phrase: Phrase
    at: int


def category_rows() -> list[tuple[int, int | None, str, str, str]]:
    """The categories (id, parent, slug, names), read again after a content change."""
    app = current_app._get_current_object()

    def read() -> list[tuple[int, int | None, str, str, str]]:
        query = (
            sa.select(
                Category.id, Category.parent_id, Category.slug, Category.name_vi, Category.name_en
            )
            .where(Category.active.is_(True))
            .order_by(Category.id)
        )
        return [tuple(row) for row in db.session.execute(query)]

    return stamps.process_value(app, "search_categories", stamps.request_content_stamp(app), read)


def _name_phrases(name: str) -> list[tuple[str, ...]]:
    # "Hợp đồng điện tử & chữ ký số" names two things; "Quản lý khách hàng (CRM)" too.
    parts = re.split(r"[&–—(),/]| and | và ", name)
    return [p for p in (tuple(words(part)) for part in [name, *parts]) if p]


def _category_phrases() -> Indexed:
    """Each phrase naming an active category, as (id, ids it covers, accented phrase,
    folded phrase), in the categories' order, indexed by the folded phrase's first word:
    prepared once per list of categories, not for every query."""
    rows = category_rows()
    lexicon_now = lexicon()
    if _PREPARED.get("rows") is rows and _PREPARED.get("lexicon") is lexicon_now:
        return _PREPARED["phrases"]
    aliases = lexicon_now.category_aliases
    prepared = []
    for cid, _parent, slug, name_vi, name_en in rows:
        covered = (cid, *(i for i, parent, *_ in rows if parent == cid))
        names = [*_name_phrases(name_vi), *_name_phrases(name_en), *aliases.get(slug, ())]
        prepared += [(cid, covered, named, tuple(fold(w) for w in named)) for named in names]
    indexed = _by_first_word(prepared, lambda entry: entry[3])
    _PREPARED.update(rows=rows, lexicon=lexicon_now, phrases=indexed)
    return indexed


def _same_marks(typed: tuple[str, ...], named: tuple[str, ...]) -> bool:
    """Tell whether words typed with marks keep the category's marks ("bạn hàng" ≠ "bán hàng")."""

    def marks(word: str) -> str:
        return word.replace("đ", "d")  # "dơn" for "đơn" is a slip of the keyboard, not a word

    return all(
        t == fold(t) or n == fold(n) or marks(t) == marks(n)
        for t, n in zip(typed, named, strict=True)
    )


def intents(tokens: tuple[str, ...], accented: tuple[str, ...] = ()) -> list[Intent]:
    """Return the categories the query names, the longest phrase first.

    Matched on folded words; words the buyer typed with marks must carry the same marks.
    """
    found: dict[int, Intent] = {}
    for cid, covered, named, p in _candidates_in(_category_phrases(), tokens):
        at = find_phrase(tokens, p)
        if at < 0 or (accented and not _same_marks(accented[at : at + len(p)], named)):
            continue
        if cid not in found or len(p) > len(found[cid].phrase):
            found[cid] = Intent(cid, covered, p, at)
    ordered = sorted(found.values(), key=lambda i: (-len(i.phrase), len(i.covered_ids), i.at))
    if not ordered:
        return []
    # Only the categories named by the longest phrases: "máy chủ ảo" is not also "máy chủ".
    longest = len(ordered[0].phrase)
    return [i for i in ordered if len(i.phrase) == longest]


def rest_after(tokens: tuple[str, ...], intent: Intent) -> tuple[str, ...]:
    """The query without the words naming the category and without the generic words."""
    rest = tokens[: intent.at] + tokens[intent.at + len(intent.phrase) :]
    return without_generic(rest)


# ---------------------------------------------------------------- the vocabulary

VOCABULARY_SECONDS = 300
VOCABULARY_SAMPLE = 5_000


@dataclass
class Vocabulary:
    counts: dict[str, int]  # folded syllable → how many texts hold it
    pair_counts: dict[str, int]  # "a b" folded pair → how many texts hold it
    display: dict[str, str]  # folded syllable → its most frequent accented form
    pair_display: dict[str, tuple[str, str]]  # "a b" → its most frequent accented form

    def knows(self, token: str) -> bool:
        return token in self.counts or token.isdigit()


def _texts() -> list[str]:
    """The texts the vocabulary comes from: names, taglines, categories, vendors, features.

    Descriptions stay out: a "did you mean" must point at words that name things. At most
    VOCABULARY_SAMPLE solutions (the newest) are read, so it stays quick at any size.
    """
    texts: list[str] = []
    rows = db.session.execute(
        sa.select(Solution.name, Solution.tagline)
        .where(Solution.status == SolutionStatus.PUBLISHED)
        .order_by(Solution.id.desc())
        .limit(VOCABULARY_SAMPLE)
    )
    for name, tagline in rows:
        texts += [name, tagline or ""]
    for *_ids, name_vi, name_en in category_rows():
        texts += [name_vi, name_en]
    texts += db.session.scalars(
        sa.select(Organization.name).where(
            Organization.kind == "vendor", Organization.active.is_(True)
        )
    )
    texts += db.session.scalars(
        sa.select(FeatureDefinition.label_vi)
        .where(FeatureDefinition.retired_at.is_(None))
        .distinct()
    )
    return texts


def build_vocabulary(texts: list[str]) -> Vocabulary:
    # Each word folded once through the kept folds (a few thousand distinct words in hundreds
    # of thousands of occurrences), and everything counted at the end in Counter's C loop.
    occurrences: list[tuple[str, str]] = []  # (folded, accented) of every word
    pairs: list[tuple[str, tuple[str, str]]] = []  # ("a b", accented pair) of every pair
    # A pair never spans punctuation: "… bán hàng. Đồng bộ …" holds no "hàng đồng".
    for text in texts:
        for piece in _PUNCTUATION_RE.split(text or ""):
            kept = [(f, w) for w in words(piece) if (f := _fold_word(w))]
            occurrences += kept
            pairs += [(f"{a} {b}", (x, y)) for (a, x), (b, y) in itertools.pairwise(kept)]
    counts = Counter(f for f, _w in occurrences)
    pair_counts = Counter(key for key, _pair in pairs)
    form_counts = Counter(occurrences)
    pair_form_counts = Counter(pairs)
    forms: dict[str, dict[str, int]] = {}
    for (f, a), n in form_counts.items():
        forms.setdefault(f, {})[a] = n
    pair_forms: dict[str, dict[tuple[str, str], int]] = {}
    for (key, pair), n in pair_form_counts.items():
        pair_forms.setdefault(key, {})[pair] = n

    def best(options: dict) -> object:
        # The most frequent form; among equals, one with marks (a listing's "Hóa đơn" over
        # a product name's "HoaDon").
        return max(options.items(), key=lambda kv: (kv[1], str(kv[0]) != fold(str(kv[0]))))[0]

    return Vocabulary(
        counts=dict(counts),
        pair_counts=dict(pair_counts),
        display={f: best(o) for f, o in forms.items()},
        pair_display={k: best(o) for k, o in pair_forms.items()},
    )


def vocabulary() -> Vocabulary:
    """Return the indexed vocabulary, rebuilt after a content change or VOCABULARY_SECONDS."""
    app = current_app._get_current_object()
    return stamps.process_value(
        app,
        "search_vocabulary",
        stamps.stamp_for(app).current(),
        lambda: build_vocabulary(_texts()),
        max_age=VOCABULARY_SECONDS,
    )


# ---------------------------------------------------------------- typos


def edit_distance(a: str, b: str, limit: int) -> int:
    """Optimal string alignment distance (a swap of neighbours counts one), capped at limit+1."""
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    previous2: list[int] = []
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        current = [i] + [0] * len(b)
        for j, cb in enumerate(b, 1):
            cost = 0 if ca == cb else 1
            current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
            if i > 1 and j > 1 and ca == b[j - 2] and a[i - 2] == cb:
                current[j] = min(current[j], previous2[j - 2] + 1)
        if min(current) > limit:
            return limit + 1
        previous2, previous = previous, current
    return previous[-1]


def _max_distance(token: str) -> int:
    return 1 if len(token) <= 4 else 2


def _candidates(
    vocab: Vocabulary, token: str, before: str | None, after: str | None
) -> list[tuple[float, tuple[str, ...], bool, int]]:
    """Return (score, words, supported by a known pair, distance) for each candidate."""
    scored: list[tuple[float, tuple[str, ...], bool, int]] = []

    def context(first: str, last: str) -> float:
        bonus = 0.0
        if before and f"{before} {first}" in vocab.pair_counts:
            bonus += 6
        if after and f"{last} {after}" in vocab.pair_counts:
            bonus += 6
        return bonus

    # A joined pair of syllables: "hoadon" → "hoa don".
    for cut in range(1, len(token)):
        a, b = token[:cut], token[cut:]
        if f"{a} {b}" in vocab.pair_counts:
            score = 10 + math.log1p(vocab.pair_counts[f"{a} {b}"]) + context(a, b)
            scored.append((score, (a, b), True, 1))
    limit = _max_distance(token)
    for word, count in vocab.counts.items():
        if word.isdigit() or abs(len(word) - len(token)) > limit:
            continue
        distance = edit_distance(token, word, limit)
        if distance <= limit:
            bonus = context(word, word)
            score = 8 - 4 * distance + math.log1p(count) + bonus
            scored.append((score, (word,), bonus > 0, distance))
    return scored


@dataclass(frozen=True)
class Correction:
    folded: tuple[str, ...]
    text: str  # what to show and search: accented where the vocabulary knows the words


def correct(tokens: tuple[str, ...], typed: tuple[str, ...] | None = None) -> Correction | None:
    """Return the closest known words for a query with unknown ones, or None."""
    vocab = vocabulary()
    typed = typed or tokens
    out: list[str] = []
    changed = False
    for i, token in enumerate(tokens):
        # Two letters are too little to guess from ("or" could be "on", "so", "to"…).
        if vocab.knows(token) or len(token) < 3:
            out.append(token)
            continue
        before = out[-1] if out else None
        after = tokens[i + 1] if i + 1 < len(tokens) and vocab.knows(tokens[i + 1]) else None
        # Only a correction the context supports: a split into a known pair, or a word that
        # makes a known pair with its neighbour; or, alone, a near-miss of a long word.
        scored = [
            s
            for s in _candidates(vocab, token, before, after)
            if s[2] or (len(tokens) == 1 and len(token) >= 5 and s[3] <= 1)
        ]
        if not scored:
            out.append(token)
            continue
        best = max(scored, key=lambda s: s[0])[1]
        out += best
        changed = True
    if not changed:
        return None
    return Correction(folded=tuple(out), text=display(tuple(out), vocab))


def display(tokens: tuple[str, ...], vocab: Vocabulary | None = None) -> str:
    """Write folded tokens with their usual marks: ("ke", "toan") → "kế toán"."""
    vocab = vocab or vocabulary()
    shown = [vocab.display.get(t, t) for t in tokens]
    for i in range(len(tokens) - 1):
        pair = vocab.pair_display.get(f"{tokens[i]} {tokens[i + 1]}")
        if pair is not None:
            shown[i], shown[i + 1] = pair
    return " ".join(shown)
