"""The search index of published solutions: each solution's document, its row written in the
caller's transaction by `sync_solution`, the full rebuild (`reindex_all`) and `flask search
reindex`.

The table is created by migration 0005_search and is not part of the ORM metadata; see
`marketplace.catalog.search` for the tokens and the two databases' layouts.
"""

from __future__ import annotations

from collections.abc import Iterable

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
from marketplace.catalog.search import FIELDS, is_postgres, joined, tokenize
from marketplace.catalog.search import pairs as search_pairs
from marketplace.extensions import db

_REINDEX_BATCH = 2000


def _feature_texts(solution: Solution, category: Category | None) -> list[str]:
    definitions = (
        {d.key: d for d in category.features if not d.retired} if category is not None else {}
    )
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
        "name": joined([solution.name]),
        "tagline": joined([solution.tagline]),
        "taxonomy": joined(taxonomy),
        "body": joined([solution.description]),
    }


def _delete_row(solution_id: int) -> None:
    if is_postgres():
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
    if is_postgres():
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


def _flat_documents(
    after_id: int, limit: int, only: list[int] | None = None
) -> list[tuple[int, dict[str, tuple[str, str]]]]:
    """Return the documents of up to `limit` published solutions with ids above `after_id`
    (among `only`, when given).

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
        .where(
            Solution.status == SolutionStatus.PUBLISHED,
            Solution.id > after_id,
            *([Solution.id.in_(only)] if only is not None else []),
        )
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
            & (FeatureDefinition.key == SolutionFeature.key)
            & FeatureDefinition.retired_at.is_(None),
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
    """Like `joined` (which also works line by line), with a cache: names and labels repeat."""
    accented: list[str] = []
    folded: list[str] = []
    for text in texts:
        for line in (text or "").split("\n"):
            pairs = cache.get(line)
            if pairs is None:
                pairs = cache[line] = tokenize(line)
            a = [x for x, _ in pairs]
            f = [y for _, y in pairs]
            accented += a + search_pairs(a)
            folded += f + search_pairs(f)
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
    if is_postgres():
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


def reindex_solutions(solution_ids: Iterable[int], *, batch_size: int = 500) -> int:
    """Index again these solutions in bulk (the published ones; the others leave the index).

    The same documents as `sync_solution` writes, read with the flat queries of
    `reindex_all`: a category rename re-indexes its thousand listings in a second or two.
    Runs in the caller's transaction and does not commit.
    """
    db.session.flush()
    ids = sorted(set(solution_ids))
    count = 0
    for start in range(0, len(ids), batch_size):
        chunk = ids[start : start + batch_size]
        column = "solution_id" if is_postgres() else "rowid"
        db.session.execute(
            sa.text(f"DELETE FROM solution_search WHERE {column} IN :ids").bindparams(
                sa.bindparam("ids", expanding=True)
            ),
            {"ids": chunk},
        )
        docs = _flat_documents(0, len(chunk), only=chunk)
        if docs:
            rows = [_row_params(sid, doc) for sid, doc in docs]
            db.session.execute(_POSTGRES_UPSERT if is_postgres() else _SQLITE_INSERT, rows)
        count += len(docs)
    return count


search_cli = AppGroup("search", help="Maintain the search index.")


@search_cli.command("reindex")
def reindex_command() -> None:
    """Rebuild the search index of published solutions."""
    count = reindex_all()
    db.session.commit()
    click.echo(f"Indexed {count} published solutions.")
