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

import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

import click
import sqlalchemy as sa
from flask.cli import AppGroup
from sqlalchemy.orm import selectinload

from marketplace.accounts.models import Organization
from marketplace.catalog.models import Category, Solution, SolutionStatus
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

_REINDEX_BATCH = 200


# ---------------------------------------------------------------- text


def _token_char(ch: str) -> bool:
    # Combining marks stay inside a token: an accent without a precomposed form must not
    # split the word in two.
    return ch.isalnum() or unicodedata.category(ch).startswith("M")


def tokenize(text: str | None) -> list[tuple[str, str]]:
    """Split text into (accent-preserved lower-case, folded) token pairs, in order."""
    normalised = unicodedata.normalize("NFC", unicodedata.normalize("NFC", text or "").lower())
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
    params: dict[str, object] = {"id": solution.id}
    for field, (accented, folded) in document(solution).items():
        params[f"a_{field}"] = accented
        params[f"f_{field}"] = folded
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


def _published_batches() -> Iterator[list[Solution]]:
    ids = list(
        db.session.scalars(
            sa.select(Solution.id)
            .where(Solution.status == SolutionStatus.PUBLISHED)
            .order_by(Solution.id)
        )
    )
    for start in range(0, len(ids), _REINDEX_BATCH):
        yield list(
            db.session.scalars(
                sa.select(Solution)
                .options(
                    selectinload(Solution.features),
                    selectinload(Solution.vendor),
                    selectinload(Solution.category).options(
                        selectinload(Category.parent), selectinload(Category.features)
                    ),
                )
                .where(Solution.id.in_(ids[start : start + _REINDEX_BATCH]))
                .order_by(Solution.id)
            )
        )


def reindex_all() -> int:
    """Rebuild the whole index from the published solutions; return how many were indexed."""
    db.session.flush()
    db.session.execute(sa.text("DELETE FROM solution_search"))
    count = 0
    for batch in _published_batches():
        for solution in batch:
            _write_row(solution)
            count += 1
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
