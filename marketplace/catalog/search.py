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
from collections.abc import Iterable
from dataclasses import dataclass

import sqlalchemy as sa

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


def joined(texts: Iterable[str | None]) -> tuple[str, str]:
    """Return the accented and the folded tokens of these texts, each space-separated."""
    pairs = [pair for text in texts for pair in tokenize(text)]
    return " ".join(a for a, _ in pairs), " ".join(f for _, f in pairs)


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
    return db.session.get_bind().dialect.name == "postgresql"


def _fts5_expression(columns: Iterable[str], tokens: Iterable[tuple[str, bool]]) -> str:
    # Tokens hold only letters, digits and combining marks, so quoting them is enough to
    # keep FTS5 operators (AND, OR, NEAR, -, *, :, ^) out of the expression.
    terms = " AND ".join(f'"{token}"' + ("*" if prefix else "") for token, prefix in tokens)
    return f"{{{' '.join(columns)}}} : ({terms})"


def _tsquery_expression(tokens: Iterable[tuple[str, bool]], operator: str) -> str:
    return f" {operator} ".join(f"'{token}'" + (":*" if prefix else "") for token, prefix in tokens)


def _with_last_as_prefix(tokens: tuple[str, ...]) -> list[tuple[str, bool]]:
    return [(token, i == len(tokens) - 1) for i, token in enumerate(tokens)]


def _sqlite_match(query: SearchQuery) -> sa.Subquery:
    fts = sa.table("solution_search", sa.column("rowid", sa.Integer))
    fts_match = sa.literal_column("solution_search").op("MATCH")
    folded = _fts5_expression(FIELDS, _with_last_as_prefix(query.folded))
    exact: sa.ColumnElement = sa.literal_column("0", sa.Integer)
    marked = query.marked_tokens()
    if marked:
        accented = _fts5_expression([f"{f}_accented" for f in FIELDS], marked)
        exact_ids = (
            sa.select(fts.c.rowid)
            .where(fts_match(sa.bindparam("search_accented", accented, unique=True)))
            .correlate(None)
        )
        exact = sa.case((fts.c.rowid.in_(exact_ids), 1), else_=0)
    n_columns = 2 * len(FIELDS)
    rank = sa.literal_column("0.0", sa.Float)
    for i, field in enumerate(FIELDS):
        weights = [sa.literal_column("1.0" if j == i else "0.0") for j in range(n_columns)]
        bm25 = sa.func.bm25(sa.literal_column("solution_search"), *weights, type_=sa.Float)
        # bm25() is lower for better matches: negate it so that higher ranks first.
        rank = rank - sa.literal_column(repr(SQLITE_FIELD_FACTORS[field]), sa.Float) * bm25
    return (
        sa.select(fts.c.rowid.label("solution_id"), exact.label("exact"), rank.label("rank"))
        .where(fts_match(sa.bindparam("search_folded", folded, unique=True)))
        .subquery()
    )


def _postgres_match(query: SearchQuery) -> sa.Subquery:
    from sqlalchemy.dialects.postgresql import TSVECTOR

    table = sa.table(
        "solution_search",
        sa.column("solution_id", sa.Integer),
        sa.column("folded", TSVECTOR),
        sa.column("accented", TSVECTOR),
    )

    def tsquery(name: str, expression: str) -> sa.ColumnElement:
        return sa.func.to_tsquery(
            sa.literal_column("'simple'"), sa.bindparam(name, expression, unique=True)
        )

    tokens = _with_last_as_prefix(query.folded)
    exact: sa.ColumnElement = sa.literal_column("0", sa.Integer)
    marked = query.marked_tokens()
    if marked:
        accented = tsquery("search_accented", _tsquery_expression(marked, "&"))
        exact = sa.case((table.c.accented.bool_op("@@")(accented), 1), else_=0)
    # Rank with the tokens OR-ed: ts_rank then scores each token by the best field it
    # occurs in, whereas with AND it would score how close the tokens are to each other.
    rank = sa.func.ts_rank(
        sa.literal_column(f"'{POSTGRES_WEIGHTS}'::float4[]"),
        table.c.folded,
        tsquery("search_any", _tsquery_expression(tokens, "|")),
        type_=sa.Float,
    )
    matches = table.c.folded.bool_op("@@")(tsquery("search_all", _tsquery_expression(tokens, "&")))
    return (
        sa.select(table.c.solution_id, exact.label("exact"), rank.label("rank"))
        .where(matches)
        .subquery()
    )


def match_ids(query: SearchQuery) -> sa.Select:
    """Return a select of the ids of the indexed solutions matching every token, unranked.

    For counting: it skips the ranking work of `match()` entirely.
    """
    tokens = _with_last_as_prefix(query.folded)
    if is_postgres():
        from sqlalchemy.dialects.postgresql import TSVECTOR

        table = sa.table(
            "solution_search", sa.column("solution_id", sa.Integer), sa.column("folded", TSVECTOR)
        )
        expression = sa.func.to_tsquery(
            sa.literal_column("'simple'"),
            sa.bindparam("search_all", _tsquery_expression(tokens, "&"), unique=True),
        )
        return sa.select(table.c.solution_id).where(table.c.folded.bool_op("@@")(expression))
    fts = sa.table("solution_search", sa.column("rowid", sa.Integer))
    fts_match = sa.literal_column("solution_search").op("MATCH")
    folded = _fts5_expression(FIELDS, tokens)
    return sa.select(fts.c.rowid).where(
        fts_match(sa.bindparam("search_folded", folded, unique=True))
    )


def match(query: SearchQuery) -> sa.Subquery:
    """Return the indexed solutions matching every token, with `exact` and `rank` columns.

    Join it with `Solution.id == m.c.solution_id` and order by `m.c.exact.desc(),
    m.c.rank.desc()`. The last token matches as a prefix. `exact` is 1 when the tokens
    typed with diacritics also match accent for accent, else 0.
    """
    if is_postgres():
        return _postgres_match(query)
    return _sqlite_match(query)
