"""Full-text search index of published solutions (SQLite FTS5, PostgreSQL tsvector + GIN).

The index is kept by marketplace.catalog.search; this migration creates it and fills it
with the solutions already published. The text preparation is copied here on purpose
(migrations never import application code); `flask search reindex` rebuilds the index
with the application's own version.

Revision ID: 0005_search
Revises: 0004_listing_stats
Create Date: 2026-11-27 09:00:00

"""

import unicodedata

import sqlalchemy as sa
from alembic import op

revision = "0005_search"
down_revision = "0004_listing_stats"
branch_labels = None
depends_on = None

FIELDS = ("name", "tagline", "taxonomy", "body")
_FOLD_EXTRA = str.maketrans({"đ": "d", "Đ": "D"})


def _fold(text):
    decomposed = unicodedata.normalize("NFD", (text or "").translate(_FOLD_EXTRA))
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return unicodedata.normalize("NFC", stripped).lower()


def _joined(texts):
    """Return the accent-preserved and the folded tokens of these texts, space-separated."""
    accented, folded = [], []
    for text in texts:
        normalised = unicodedata.normalize("NFC", unicodedata.normalize("NFC", text or "").lower())
        current = []
        for ch in [*normalised, " "]:
            if ch.isalnum() or unicodedata.category(ch).startswith("M"):
                current.append(ch)
                continue
            if current:
                token = "".join(current)
                if _fold(token):
                    accented.append(token)
                    folded.append(_fold(token))
                current = []
    return " ".join(accented), " ".join(folded)


def _documents(bind):
    """Yield (solution id, {field: (accented, folded)}) for every published solution."""
    features = {}
    rows = bind.execute(
        sa.text(
            "SELECT sf.solution_id, sf.label, sf.value, fd.label_vi, fd.label_en "
            "FROM solution_features sf JOIN solutions s ON s.id = sf.solution_id "
            "LEFT JOIN feature_definitions fd ON fd.category_id = s.category_id "
            "AND fd.key = sf.key "
            "WHERE s.status = 'published' ORDER BY sf.solution_id, sf.position"
        )
    )
    for solution_id, label, value, label_vi, label_en in rows:
        if value == "no":
            continue
        texts = features.setdefault(solution_id, [])
        texts += [label_vi, label_en] if label_vi is not None else [label]
        if value != "yes":
            texts.append(value)
    rows = bind.execute(
        sa.text(
            "SELECT s.id, s.name, s.tagline, s.description, c.name_vi, c.name_en, "
            "p.name_vi, p.name_en, o.name "
            "FROM solutions s JOIN organizations o ON o.id = s.vendor_id "
            "LEFT JOIN categories c ON c.id = s.category_id "
            "LEFT JOIN categories p ON p.id = c.parent_id "
            "WHERE s.status = 'published' ORDER BY s.id"
        )
    ).all()
    for sid, name, tagline, description, *taxonomy in rows:
        yield (
            sid,
            {
                "name": _joined([name]),
                "tagline": _joined([tagline]),
                "taxonomy": _joined([*taxonomy, *features.get(sid, [])]),
                "body": _joined([description]),
            },
        )


def _tsvector_sql(prefix):
    return " || ".join(
        f"setweight(to_tsvector('simple', :{prefix}_{field}), '{weight}')"
        for field, weight in zip(FIELDS, "ABCD", strict=True)
    )


def upgrade():
    bind = op.get_bind()
    if bind.dialect.name == "postgresql":
        op.execute(
            "CREATE TABLE solution_search ("
            "solution_id INTEGER NOT NULL, "
            "folded TSVECTOR NOT NULL, "
            "accented TSVECTOR NOT NULL, "
            "CONSTRAINT pk_solution_search PRIMARY KEY (solution_id), "
            "CONSTRAINT fk_solution_search_solution_id_solutions FOREIGN KEY (solution_id) "
            "REFERENCES solutions (id) ON DELETE CASCADE)"
        )
        op.execute("CREATE INDEX ix_solution_search_folded ON solution_search USING gin (folded)")
        op.execute(
            "CREATE INDEX ix_solution_search_accented ON solution_search USING gin (accented)"
        )
        insert = sa.text(
            "INSERT INTO solution_search (solution_id, folded, accented) "
            f"VALUES (:id, {_tsvector_sql('f')}, {_tsvector_sql('a')})"
        )
    else:
        # rowid = solution id. The *_accented columns keep the marks for the exact boost.
        op.execute(
            "CREATE VIRTUAL TABLE solution_search USING fts5("
            "name, tagline, taxonomy, body, "
            "name_accented, tagline_accented, taxonomy_accented, body_accented, "
            "tokenize = 'unicode61 remove_diacritics 0', prefix = '2 3')"
        )
        insert = sa.text(
            "INSERT INTO solution_search (rowid, name, tagline, taxonomy, body, name_accented, "
            "tagline_accented, taxonomy_accented, body_accented) VALUES (:id, :f_name, "
            ":f_tagline, :f_taxonomy, :f_body, :a_name, :a_tagline, :a_taxonomy, :a_body)"
        )
    for solution_id, doc in _documents(bind):
        params = {"id": solution_id}
        for field, (accented, folded) in doc.items():
            params[f"a_{field}"] = accented
            params[f"f_{field}"] = folded
        bind.execute(insert, params)


def downgrade():
    # On SQLite this also drops the FTS5 shadow tables (solution_search_data, …).
    op.execute("DROP TABLE IF EXISTS solution_search")
