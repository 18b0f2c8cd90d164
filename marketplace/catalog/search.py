"""Vietnamese full-text search: the index of published solutions and the match query.

Each published solution has one row in `solution_search`, written in the caller's
transaction by `sync_solution`. Text is tokenised here, in Python, into runs of letters
and digits, twice: folded (`Đà Nẵng` → `da nang`) for matching, and accent-preserved
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

import click
import sqlalchemy as sa
from flask.cli import AppGroup
from sqlalchemy.orm import aliased

from marketplace.accounts.models import Organization
from marketplace.catalog.models import (
    Category,
    FeatureDefinition,
    Solution,
    SolutionFeature,
    SolutionStatus,
)
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

_REINDEX_BATCH = 2000


# ---------------------------------------------------------------- text


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


def _joined(texts: Iterable[str | None]) -> tuple[str, str]:
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


# ---------------------------------------------------------------- documents


def _feature_texts(solution: Solution, category: Category | None) -> list[str]:
    definitions = {d.key: d for d in category.features} if category is not None else {}
    texts: list[str] = []
    for feature in solution.features:
        if feature.value == "no":
            continue  # "API: no" must not make the solution match "API"
        definition = definitions.get(feature.key)
        if definition is not None:
            texts += [definition.label_vi, definition.label_en]
        elif feature.label:
            texts.append(feature.label)
        if feature.value != "yes":
            texts.append(feature.value)
    return texts


def document(solution: Solution) -> dict[str, tuple[str, str]]:
    """Return the indexed text of a solution: field → (accented tokens, folded tokens)."""
    # Read the category by id: after apply_content() changed category_id, a relationship
    # loaded earlier would still hold the old category.
    category = db.session.get(Category, solution.category_id) if solution.category_id else None
    vendor = db.session.get(Organization, solution.vendor_id)
    taxonomy: list[str | None] = []
    if category is not None:
        taxonomy += [category.name_vi, category.name_en]
        if category.parent is not None:
            taxonomy += [category.parent.name_vi, category.parent.name_en]
    taxonomy.append(vendor.name if vendor is not None else None)
    taxonomy += _feature_texts(solution, category)
    return {
        "name": _joined([solution.name]),
        "tagline": _joined([solution.tagline]),
        "taxonomy": _joined(taxonomy),
        "body": _joined([solution.description]),
    }


def _is_postgres() -> bool:
    return db.session.get_bind().dialect.name == "postgresql"


def _delete_row(solution_id: int) -> None:
    if _is_postgres():
        db.session.execute(
            sa.text("DELETE FROM solution_search WHERE solution_id = :id"), {"id": solution_id}
        )
    else:
        db.session.execute(
            sa.text("DELETE FROM solution_search WHERE rowid = :id"), {"id": solution_id}
        )


_SQLITE_INSERT = sa.text(
    "INSERT INTO solution_search (rowid, name, tagline, taxonomy, body, name_accented, "
    "tagline_accented, taxonomy_accented, body_accented) VALUES (:id, :f_name, :f_tagline, "
    ":f_taxonomy, :f_body, :a_name, :a_tagline, :a_taxonomy, :a_body)"
)


def _tsvector_sql(prefix: str) -> str:
    return " || ".join(
        f"setweight(to_tsvector('simple', :{prefix}_{field}), '{weight}')"
        for field, weight in zip(FIELDS, "ABCD", strict=True)
    )


_POSTGRES_UPSERT = sa.text(
    "INSERT INTO solution_search (solution_id, folded, accented) "
    f"VALUES (:id, {_tsvector_sql('f')}, {_tsvector_sql('a')}) "
    "ON CONFLICT (solution_id) DO UPDATE "
    "SET folded = EXCLUDED.folded, accented = EXCLUDED.accented"
)


def _write_row(solution: Solution) -> None:
    params = _row_params(solution.id, document(solution))
    if _is_postgres():
        # An upsert, not delete + insert: two transactions may sync the same solution.
        db.session.execute(_POSTGRES_UPSERT, params)
    else:
        _delete_row(solution.id)
        db.session.execute(_SQLITE_INSERT, params)


def sync_solution(solution: Solution) -> None:
    """Index a published solution (replacing its row), or drop it from the index otherwise.

    Runs in the caller's transaction and does not commit.
    """
    db.session.flush()  # the solution needs its id (and, on PostgreSQL, its row for the FK)
    if solution.status == SolutionStatus.PUBLISHED:
        _write_row(solution)
    else:
        _delete_row(solution.id)


def _flat_documents(after_id: int, limit: int) -> list[tuple[int, dict[str, tuple[str, str]]]]:
    """Return the documents of up to `limit` published solutions with ids above `after_id`.

    Two flat queries per batch instead of loading ORM objects; the texts are the same as
    `document()` gives (category and parent names, vendor name, feature labels and values).
    """
    category, parent = aliased(Category), aliased(Category)
    rows = db.session.execute(
        sa.select(
            Solution.id,
            Solution.name,
            Solution.tagline,
            Solution.description,
            category.name_vi,
            category.name_en,
            parent.name_vi,
            parent.name_en,
            Organization.name,
        )
        .join(Organization, Organization.id == Solution.vendor_id)
        .outerjoin(category, category.id == Solution.category_id)
        .outerjoin(parent, parent.id == category.parent_id)
        .where(Solution.status == SolutionStatus.PUBLISHED, Solution.id > after_id)
        .order_by(Solution.id)
        .limit(limit)
    ).all()
    if not rows:
        return []
    features: dict[int, list[str | None]] = {}
    feature_rows = db.session.execute(
        sa.select(
            SolutionFeature.solution_id,
            SolutionFeature.label,
            SolutionFeature.value,
            FeatureDefinition.label_vi,
            FeatureDefinition.label_en,
        )
        .join(Solution, Solution.id == SolutionFeature.solution_id)
        .outerjoin(
            FeatureDefinition,
            (FeatureDefinition.category_id == Solution.category_id)
            & (FeatureDefinition.key == SolutionFeature.key),
        )
        .where(
            SolutionFeature.solution_id.between(rows[0][0], rows[-1][0]),
            Solution.status == SolutionStatus.PUBLISHED,
        )
        .order_by(SolutionFeature.solution_id, SolutionFeature.position, SolutionFeature.id)
    )
    for solution_id, label, value, label_vi, label_en in feature_rows:
        if value == "no":
            continue  # as in _feature_texts
        texts = features.setdefault(solution_id, [])
        texts += [label_vi, label_en] if label_vi is not None else [label]
        if value != "yes":
            texts.append(value)
    cache: dict[str, list[tuple[str, str]]] = {}
    return [
        (
            sid,
            {
                "name": _joined_cached([name], cache),
                "tagline": _joined_cached([tagline], cache),
                "taxonomy": _joined_cached([*taxonomy, *features.get(sid, [])], cache),
                "body": _joined_cached([description], cache),
            },
        )
        for sid, name, tagline, description, *taxonomy in rows
    ]


def _joined_cached(
    texts: Iterable[str | None], cache: dict[str, list[tuple[str, str]]]
) -> tuple[str, str]:
    """Like `_joined`, tokenising line by line with a cache (names and labels repeat).

    A newline never belongs to a token, so tokenising each line gives the same tokens.
    """
    accented: list[str] = []
    folded: list[str] = []
    for text in texts:
        for line in (text or "").split("\n"):
            pairs = cache.get(line)
            if pairs is None:
                pairs = cache[line] = tokenize(line)
            accented += [a for a, _ in pairs]
            folded += [f for _, f in pairs]
    return " ".join(accented), " ".join(folded)


def _row_params(solution_id: int, doc: dict[str, tuple[str, str]]) -> dict[str, object]:
    params: dict[str, object] = {"id": solution_id}
    for field, (accented, folded) in doc.items():
        params[f"a_{field}"] = accented
        params[f"f_{field}"] = folded
    return params


_LOAD_COLUMNS = ["id", *(f"{kind}_{field}" for kind in ("f", "a") for field in FIELDS)]


def _postgres_loader():
    """Return (write(rows), finish()) that COPY the documents into a temporary table, then
    turn them into tsvectors in one INSERT … SELECT (far faster than a statement per row).
    """
    connection = db.session.connection().connection.driver_connection
    cursor = connection.cursor()
    cursor.execute(
        "CREATE TEMP TABLE IF NOT EXISTS solution_search_load ("
        + ", ".join(f"{c} {'integer' if c == 'id' else 'text'}" for c in _LOAD_COLUMNS)
        + ") ON COMMIT DROP"
    )
    cursor.execute("TRUNCATE solution_search_load")

    def write(rows: list[dict[str, object]]) -> None:
        with cursor.copy(
            f"COPY solution_search_load ({', '.join(_LOAD_COLUMNS)}) FROM STDIN"
        ) as copy:
            for row in rows:
                copy.write_row([row[c] for c in _LOAD_COLUMNS])

    def vector(prefix: str) -> str:
        return " || ".join(
            f"setweight(to_tsvector('simple', {prefix}_{field}), '{weight}')"
            for field, weight in zip(FIELDS, "ABCD", strict=True)
        )

    def finish() -> None:
        cursor.execute(
            "INSERT INTO solution_search (solution_id, folded, accented) "
            f"SELECT id, {vector('f')}, {vector('a')} FROM solution_search_load "
            "ON CONFLICT (solution_id) DO UPDATE "
            "SET folded = EXCLUDED.folded, accented = EXCLUDED.accented"
        )
        cursor.execute("TRUNCATE solution_search_load")
        cursor.close()

    return write, finish


def reindex_all(*, batch_size: int = _REINDEX_BATCH, progress=None) -> int:
    """Rebuild the whole index from the published solutions; return how many were indexed.

    Reads the texts with flat queries, in batches, and writes them in bulk (executemany
    into FTS5; COPY and one INSERT … SELECT on PostgreSQL), so a catalogue of 100,000
    listings reindexes in about a minute. `progress(n)` is called after each batch.
    Runs in the caller's transaction and does not commit.
    """
    db.session.flush()
    db.session.execute(sa.text("DELETE FROM solution_search"))
    if _is_postgres():
        write, finish = _postgres_loader()
    else:

        def write(rows: list[dict[str, object]]) -> None:
            db.session.execute(_SQLITE_INSERT, rows)

        def finish() -> None:
            pass

    count, last = 0, 0
    while True:
        docs = _flat_documents(last, batch_size)
        if not docs:
            break
        write([_row_params(sid, doc) for sid, doc in docs])
        count += len(docs)
        last = docs[-1][0]
        if progress is not None:
            progress(count)
    finish()
    return count


# ---------------------------------------------------------------- matching


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
    if _is_postgres():
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
    if _is_postgres():
        return _postgres_match(query)
    return _sqlite_match(query)


# ---------------------------------------------------------------- CLI

search_cli = AppGroup("search", help="Maintain the search index.")


@search_cli.command("reindex")
def reindex_command() -> None:
    """Rebuild the search index of published solutions."""
    count = reindex_all()
    db.session.commit()
    click.echo(f"Indexed {count} published solutions.")
