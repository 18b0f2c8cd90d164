"""Vietnamese full-text search: the tokens and the match query.

Each published solution has one row in `solution_search`, written in the caller's
transaction by `search_index.sync_solution`. Text is tokenised here, in Python, into runs
of letters and digits, twice: folded (`Đà Nẵng` → `da nang`) for matching, and accent-preserved
lower case for ranking the exactly-accented matches first (`bán` ≠ `bạn`). The database
then only sees space-separated tokens:

- SQLite: an FTS5 table (rowid = solution id) with the folded and the accented columns;
- PostgreSQL: two weighted tsvectors (A name, B tagline, C taxonomy, D body) built with
  the `simple` configuration, each with a GIN index.

The table is created by migration 0005_search and is not part of the ORM metadata.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

import sqlalchemy as sa

from marketplace.catalog import search_words
from marketplace.catalog.models import Solution, SolutionStatus
from marketplace.core import request_memo
from marketplace.core.database import dialect_name
from marketplace.core.text import fold
from marketplace.extensions import db

MAX_QUERY_CHARS = 200
MAX_QUERY_TOKENS = 12
FIELDS = ("name", "tagline", "taxonomy", "body")

# SQLite: per-column bm25 scores are summed with these factors. One bm25 call with column
# weights saturates on the weighted term frequency, so a word repeated in a long
# description could outrank the same word once in the name; separate calls do not.
SQLITE_FIELD_FACTORS = {"name": 1000.0, "tagline": 100.0, "taxonomy": 10.0, "body": 1.0}
# PostgreSQL: ts_rank weights for {D, C, B, A} = body, taxonomy, tagline, name.
POSTGRES_WEIGHTS = "{0.05, 0.2, 0.4, 1.0}"


def _token_char(ch: str) -> bool:
    # Combining marks stay inside a token: an accent without a precomposed form must not
    # split the word in two.
    return ch.isalnum() or unicodedata.category(ch).startswith("M")


# `[^\W_]` is exactly str.isalnum(); runs of anything else separate tokens.
_WORD_RE = re.compile(r"[^\W_]+")
_SEPARATOR_RE = re.compile(r"[\W_]+")
_fold_token = functools.lru_cache(maxsize=65536)(fold)


def _has_combining_separator(text: str) -> bool:
    # ASCII holds no combining mark, so only the rare non-ASCII separator runs are looked at.
    return any(
        not run.isascii() and any(unicodedata.category(ch).startswith("M") for ch in run)
        for run in _SEPARATOR_RE.findall(text)
    )


def _tokenize_slow(normalised: str) -> list[tuple[str, str]]:
    pairs: list[tuple[str, str]] = []
    current: list[str] = []
    for ch in [*normalised, " "]:
        if _token_char(ch):
            current.append(ch)
            continue
        if current:
            accented = "".join(current)
            folded = fold(accented)
            if folded:
                pairs.append((accented, folded))
            current = []
    return pairs


def tokenize(text: str | None) -> list[tuple[str, str]]:
    """Split text into (accent-preserved lower-case, folded) token pairs, in order."""
    normalised = unicodedata.normalize("NFC", unicodedata.normalize("NFC", text or "").lower())
    if _has_combining_separator(normalised):
        # A combining mark the regular expression would treat as a separator.
        return _tokenize_slow(normalised)
    # Same tokens as the character loop above, found by the regex engine (bulk indexing
    # tokenises every listing, so this is the hot path of a reindex).
    pairs = []
    for accented in _WORD_RE.findall(normalised):
        folded = _fold_token(accented)
        if folded:
            pairs.append((accented, folded))
    return pairs


# Adjacent syllables are also indexed as one token, joined by this digit: "hóa đơn" adds
# "hóa0đơn" (and "hoa0don" folded). A digit is a word character for FTS5's unicode61 and
# for PostgreSQL's parser alike, and no Vietnamese syllable holds one, so a pair never
# collides with a syllable.
PAIR_JOINER = "0"


def pairs(tokens: list[str] | tuple[str, ...]) -> list[str]:
    """Return the adjacent-syllable pairs of these tokens: [hóa, đơn, điện] → [hóa0đơn, đơn0điện]."""
    return [f"{a}{PAIR_JOINER}{b}" for a, b in zip(tokens, tokens[1:], strict=False)]


def joined(texts: Iterable[str | None]) -> tuple[str, str]:
    """Return the accented and the folded tokens of these texts, each space-separated.

    The tokens of each line come first, then that line's adjacent-syllable pairs.
    """
    accented: list[str] = []
    folded: list[str] = []
    for text in texts:
        for line in (text or "").split("\n"):
            line_pairs = tokenize(line)
            a = [x for x, _ in line_pairs]
            f = [y for _, y in line_pairs]
            accented += a + pairs(a)
            folded += f + pairs(f)
    return " ".join(accented), " ".join(folded)


@dataclass(frozen=True)
class SearchQuery:
    """A parsed query: its tokens folded and accent-preserved, in the same order."""

    folded: tuple[str, ...]
    accented: tuple[str, ...]

    @property
    def has_diacritics(self) -> bool:
        """Tell whether any token was typed with marks (or đ) that folding removes."""
        return any(a != f for a, f in zip(self.accented, self.folded, strict=True))

    def marked_tokens(self) -> list[tuple[str, bool]]:
        """Return the tokens typed with diacritics, each with whether it is the last one."""
        last = len(self.accented) - 1
        return [
            (a, i == last)
            for i, (a, f) in enumerate(zip(self.accented, self.folded, strict=True))
            if a != f
        ]


def parse_query(raw: str | None) -> SearchQuery | None:
    """Parse what the user typed into a query, or None when it holds no word at all."""
    if not isinstance(raw, str):
        return None
    # Bound the work before normalising: NFD text is at most a few times longer than NFC.
    text = unicodedata.normalize("NFC", raw[: MAX_QUERY_CHARS * 4])[:MAX_QUERY_CHARS]
    pairs = tokenize(text)[:MAX_QUERY_TOKENS]
    if not pairs:
        return None
    return SearchQuery(folded=tuple(f for _, f in pairs), accented=tuple(a for a, _ in pairs))


def is_postgres() -> bool:
    return dialect_name() == "postgresql"


# ---------------------------------------------------------------- the plan of a search


@dataclass(frozen=True)
class Plan:
    """How a query is matched, decided once per query (see `plan`).

    The first `literal` variants are the query as typed (or as corrected), and without its
    generic words ("phần mềm", "cho"); the others come from synonyms.
    Every variant matches with all its syllables; `prefix` makes the last syllable a prefix. `intent` are the ids of the categories the query names;
    `whole_intent` adds every solution of them even when the text does not match.
    """

    stage: str  # "exact", "prefix", "corrected", "relaxed" or "none"
    variants: tuple[tuple[str, ...], ...]
    literal: int = 1
    marked: tuple[tuple[str, bool], ...] = ()
    prefix: bool = False
    intent: tuple[int, ...] = ()
    named: tuple[int, ...] = ()  # the categories named themselves (intent adds subtrees)
    correction: str | None = None


def _plan_for(
    folded: tuple[str, ...], marked, stage: str, accented: tuple[str, ...] = (), **options
) -> Plan:
    tokens = folded
    found_intents = search_words.intents(tokens, accented)
    intent_ids = tuple(sorted({i for it in found_intents for i in it.covered_ids}))
    literal = [tokens]
    if not options.get("prefix"):
        stripped = search_words.without_generic(tokens)
        if stripped and stripped != tokens:
            literal.append(stripped)
    # Synonyms for whole words only: a prefix is still being typed.
    synonyms = [] if options.get("prefix") else search_words.variants(tokens)
    synonyms = [v for v in synonyms if v not in literal]
    return Plan(
        stage=stage,
        variants=(*literal, *synonyms),
        literal=len(literal),
        marked=tuple(marked),
        intent=intent_ids,
        named=tuple(it.category_id for it in found_intents),
        **options,
    )


def plan(query: SearchQuery) -> Plan:
    """Decide how to match a query: exact words first, then the fallbacks in order.

    1. exact: whole syllables (and synonyms, and the named category);
    2. prefix: the last syllable as a prefix (the buyer stopped mid-word);
    3. corrected: the closest known words ("ke tona" → "kế toán", "hoadon" → "hóa đơn");
    4. relaxed: the words that are not generic ("phần mềm", "cho") all found.
    Each fallback is tried only when the previous one finds nothing.
    """
    cache = _plan_cache()
    if query in cache:
        return cache[query]
    chosen: Plan | None = None
    for candidate in _typed_candidates(query):  # each made only when the one before fails
        if _finds_any(candidate):
            chosen = candidate
            break
    if chosen is None:
        correction = search_words.correct(query.folded)
        if correction is not None:
            corrected = _plan_for(correction.folded, (), "corrected", correction=correction.text)
            if _finds_any(corrected):
                chosen = corrected
    if chosen is None:
        rest = search_words.without_generic(query.folded)
        if rest and rest != query.folded:
            relaxed = _plan_for(rest, (), "relaxed")
            chosen = relaxed if _finds_any(relaxed) else None
    if chosen is None:
        chosen = Plan(stage="none", variants=(query.folded,))
    cache[query] = chosen
    return chosen


def _typed_candidates(query: SearchQuery) -> Iterator[Plan]:
    """The plans of the query as typed: whole syllables, then the last one as a prefix."""
    marked = tuple((a, False) for a, _last in query.marked_tokens())
    yield _plan_for(query.folded, marked, "exact", query.accented)
    if not query.folded[-1].isdigit():
        yield _plan_for(
            query.folded,
            tuple((a, last) for a, last in query.marked_tokens()),
            "prefix",
            query.accented,
            prefix=True,
        )


def remember_plan(query: SearchQuery, decided: Plan) -> None:
    """Use a plan decided earlier (kept by the caller's cache) for this request's matches."""
    _plan_cache()[query] = decided


def _plan_cache() -> dict:
    # Per request: the page's count, facets and ranking all use the same plan.
    return request_memo.memo("search_plans")


def _finds_any(p: Plan) -> bool:
    # By the text alone: a named category adds its solutions to what the words find, but a
    # query whose words find nothing goes on to the next stage.
    from marketplace.catalog import search_engine

    return search_engine.answer(
        lambda engine: engine.finds_any(p),
        lambda: db.session.execute(_text_ids(p).limit(1)).first() is not None,
    )


# ---------------------------------------------------------------- the expressions


def _variant_terms(p: Plan, variant: tuple[str, ...]) -> list[tuple[str, bool]]:
    last = len(variant) - 1
    return [(t, p.prefix and i == last and variant is p.variants[0]) for i, t in enumerate(variant)]


def _variant_pairs(p: Plan, variant: tuple[str, ...]) -> list[str]:
    # A pair never holds the prefix syllable: "hoa d…" cannot ask for "hoa0d…".
    usable = variant[:-1] if p.prefix and variant is p.variants[0] else variant
    return pairs(usable)


def _fts_term(token: str, prefix: bool = False) -> str:
    # Tokens hold only letters, digits and combining marks, so quoting them is enough to
    # keep FTS5 operators (AND, OR, NEAR, -, *, :, ^) out of the expression.
    return f'"{token}"' + ("*" if prefix else "")


def _fts_all(terms: list[tuple[str, bool]]) -> str:
    return "(" + " AND ".join(_fts_term(t, pre) for t, pre in terms) + ")"


def _fts_any(terms: list[str]) -> str:
    return "(" + " OR ".join(_fts_term(t) for t in terms) + ")"


def _ts_term(token: str, prefix: bool = False) -> str:
    return f"'{token}'" + (":*" if prefix else "")


def _ts_all(terms: list[tuple[str, bool]]) -> str:
    return "(" + " & ".join(_ts_term(t, pre) for t, pre in terms) + ")"


def _ts_any(terms: list[str]) -> str:
    return "(" + " | ".join(_ts_term(t) for t in terms) + ")"


@dataclass(frozen=True)
class _Expressions:
    """One plan written for one database: what matches, what ranks, and the tiers' tests."""

    matches: str  # the solutions found by their text
    ranked: str  # the same solutions, with every syllable and pair as a scored phrase
    literal: str | None  # found without a synonym (None: every text match is literal)
    phrase: str | None  # every pair of a variant adjacent (None: no pairs to ask for)
    accented: str | None  # the words typed with marks, accent for accent


def _expressions(p: Plan, postgres: bool) -> _Expressions:
    every = _ts_all if postgres else _fts_all
    join_or = " | " if postgres else " OR "
    literal_terms = _variant_terms(p, p.variants[0])
    matches = "(" + join_or.join(every(_variant_terms(p, v)) for v in p.variants) + ")"
    phrase_parts = [every([(x, False) for x in _variant_pairs(p, v)]) for v in p.variants]
    phrase_parts = [
        x for x, v in zip(phrase_parts, p.variants, strict=True) if _variant_pairs(p, v)
    ]
    all_pairs = list(dict.fromkeys(x for v in p.variants for x in _variant_pairs(p, v)))
    scored_terms = list(dict.fromkeys([t for v in p.variants for t in v]))
    if postgres:
        ranked = _ts_any(scored_terms + all_pairs) if not p.prefix else None
        if ranked is None:
            ranked = "(" + " | ".join(_ts_term(t, pre) for t, pre in literal_terms) + ")"
            if all_pairs:
                ranked = f"({ranked} | {_ts_any(all_pairs)})"
    else:
        ranked = f"({matches} AND ({_fts_any(all_pairs)} OR {matches}))" if all_pairs else matches
    literal = None
    if len(p.variants) > p.literal:  # else every text match is a literal one
        literal = (
            "(" + join_or.join(every(_variant_terms(p, v)) for v in p.variants[: p.literal]) + ")"
        )
    phrase = "(" + join_or.join(phrase_parts) + ")" if phrase_parts else None
    accented = None
    if p.marked:
        accented = every(list(p.marked))
    return _Expressions(matches, ranked, literal, phrase, accented)


def _columns(accented: bool = False) -> str:
    names = [f"{f}_accented" if accented else f for f in FIELDS]
    return "{" + " ".join(names) + "}"


def _literal_ids(ids: tuple[int, ...]) -> list:
    # Written into the statement (they are integers from the database): a plan stays one
    # plain statement, cached and explained like the others.
    return [sa.literal_column(str(int(i)), sa.Integer) for i in ids]


def _in_categories(ids: tuple[int, ...]) -> sa.Select:
    return sa.select(Solution.id).where(Solution.category_id.in_(_literal_ids(ids)))


def _intent_rows(p: Plan, text_ids: sa.Select) -> sa.Select | None:
    """The solutions of the named categories that the text did not find."""
    if not p.intent:
        return None
    return sa.select(Solution.id).where(
        Solution.category_id.in_(_literal_ids(p.intent)),
        Solution.status == SolutionStatus.PUBLISHED,
        Solution.id.not_in(text_ids),
    )


# Tier weights: the named category first, then the literal words before synonyms, then
# then the phrase, then the accents as typed.
TIER_INTENT = 1000
TIER_LITERAL = 500
TIER_PHRASE = 10
TIER_ACCENT = 1


def _sqlite_parts(p: Plan):
    fts = sa.table("solution_search", sa.column("rowid", sa.Integer))
    fts_match = sa.literal_column("solution_search").op("MATCH")
    e = _expressions(p, postgres=False)

    def ids(expression: str, accented: bool = False) -> sa.Select:
        return (
            sa.select(fts.c.rowid)
            .where(
                fts_match(
                    sa.bindparam("search", f"{_columns(accented)} : {expression}", unique=True)
                )
            )
            .correlate(None)
        )

    return fts, fts_match, e, ids


def _text_ids(p: Plan) -> sa.Select:
    if is_postgres():
        table = _pg_table()
        return sa.select(table.c.solution_id).where(
            table.c.folded.bool_op("@@")(_tsquery(_expressions(p, True).matches))
        )
    _fts, _m, e, ids = _sqlite_parts(p)
    return ids(e.matches)


def match_ids_for(p: Plan) -> sa.Select:
    """Return a select of the ids a plan finds, unranked (for counting and facets)."""
    text_ids = _text_ids(p)
    extra = _intent_rows(p, text_ids)
    return text_ids if extra is None else sa.union_all(text_ids, extra).subquery().select()


def _sqlite_match(p: Plan) -> sa.Subquery:
    fts, fts_match, e, ids = _sqlite_parts(p)
    tier: sa.ColumnElement = sa.literal_column("0", sa.Integer)

    def bit(condition_ids: sa.Select, weight: int) -> sa.ColumnElement:
        return sa.case((fts.c.rowid.in_(condition_ids), weight), else_=0)

    if p.intent:
        in_intent = _in_categories(p.intent)
        tier = tier + bit(in_intent, TIER_INTENT)
    # Without synonyms every text match is a literal one.
    tier = tier + (bit(ids(e.literal), TIER_LITERAL) if e.literal is not None else TIER_LITERAL)
    if e.phrase is not None:
        tier = tier + bit(ids(e.phrase), TIER_PHRASE)
    if e.accented is not None:
        tier = tier + bit(ids(e.accented, accented=True), TIER_ACCENT)
    n_columns = 2 * len(FIELDS)
    rank = sa.literal_column("0.0", sa.Float)
    for i, field in enumerate(FIELDS):
        weights = [sa.literal_column("1.0" if j == i else "0.0") for j in range(n_columns)]
        bm25 = sa.func.bm25(sa.literal_column("solution_search"), *weights, type_=sa.Float)
        # bm25() is lower for better matches: negate it so that higher ranks first.
        rank = rank - sa.literal_column(repr(SQLITE_FIELD_FACTORS[field]), sa.Float) * bm25
    text_rows = sa.select(
        fts.c.rowid.label("solution_id"), tier.label("exact"), rank.label("rank")
    ).where(fts_match(sa.bindparam("search_ranked", f"{_columns()} : {e.ranked}", unique=True)))
    extra = _intent_rows(p, ids(e.matches))
    if extra is None:
        return text_rows.subquery()
    intent_only = extra.with_only_columns(
        Solution.id.label("solution_id"),
        sa.literal_column(str(TIER_INTENT), sa.Integer).label("exact"),
        sa.literal_column("0.0", sa.Float).label("rank"),
    )
    return sa.union_all(text_rows, intent_only).subquery()


def _pg_table():
    from sqlalchemy.dialects.postgresql import TSVECTOR

    return sa.table(
        "solution_search",
        sa.column("solution_id", sa.Integer),
        sa.column("folded", TSVECTOR),
        sa.column("accented", TSVECTOR),
    )


def _tsquery(expression: str) -> sa.ColumnElement:
    return sa.func.to_tsquery(
        sa.literal_column("'simple'"), sa.bindparam("search", expression, unique=True)
    )


def _postgres_match(p: Plan) -> sa.Subquery:
    table = _pg_table()
    e = _expressions(p, postgres=True)
    tier: sa.ColumnElement = sa.literal_column("0", sa.Integer)

    def bit(expression: str, weight: int, column=None) -> sa.ColumnElement:
        column = table.c.folded if column is None else column
        return sa.case((column.bool_op("@@")(_tsquery(expression)), weight), else_=0)

    if p.intent:
        in_intent = _in_categories(p.intent)
        tier = tier + sa.case((table.c.solution_id.in_(in_intent), TIER_INTENT), else_=0)
    # Without synonyms every text match is a literal one.
    tier = tier + (bit(e.literal, TIER_LITERAL) if e.literal is not None else TIER_LITERAL)
    if e.phrase is not None:
        tier = tier + bit(e.phrase, TIER_PHRASE)
    if e.accented is not None:
        tier = tier + bit(e.accented, TIER_ACCENT, table.c.accented)
    # Rank with the words OR-ed: ts_rank then scores each word (and pair) by the best field
    # it occurs in, whereas with AND it would score how close the words are to each other.
    rank = sa.func.ts_rank(
        sa.literal_column(f"'{POSTGRES_WEIGHTS}'::float4[]"),
        table.c.folded,
        _tsquery(e.ranked),
        type_=sa.Float,
    )
    matches = table.c.folded.bool_op("@@")(_tsquery(e.matches))
    text_rows = sa.select(
        table.c.solution_id, sa.cast(tier, sa.Integer).label("exact"), rank.label("rank")
    ).where(matches)
    extra = _intent_rows(p, sa.select(table.c.solution_id).where(matches))
    if extra is None:
        return text_rows.subquery()
    intent_only = extra.with_only_columns(
        Solution.id.label("solution_id"),
        sa.literal_column(str(TIER_INTENT), sa.Integer).label("exact"),
        sa.cast(sa.literal_column("0.0"), sa.Float).label("rank"),
    )
    return sa.union_all(text_rows, intent_only).subquery()


def match_ids(query: SearchQuery) -> sa.Select:
    """Return a select of the ids of the solutions a query finds, unranked.

    For counting: it skips the ranking work of `match()` entirely.
    """
    return match_ids_for(plan(query))


def match(query: SearchQuery) -> sa.Subquery:
    """Return the solutions a query finds, with `exact` (the tier) and `rank` columns.

    Join it with `Solution.id == m.c.solution_id` and order by `m.c.exact.desc(),
    m.c.rank.desc()`. `exact` orders the tiers: the named category, literal words before
    synonyms, adjacent syllables (a phrase) before scattered ones, the accents as typed.
    `rank` orders within a tier: bm25 / ts_rank per field, pairs counted as phrases.
    """
    p = plan(query)
    if is_postgres():
        return _postgres_match(p)
    return _sqlite_match(p)
