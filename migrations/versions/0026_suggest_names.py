"""Suggestions on PostgreSQL read the names alone: `solution_search.names`.

The suggestions ask for the typed words in a listing's *name* (`'hoa0don':A & 'don0d':*A`
on the folded vector). The GIN index cannot tell a name's words (weight A) from the rest,
so PostgreSQL fetched and unpacked every listing whose tagline or description held them —
40,000 rows for "thien k" at 100,000 listings, 0.25–0.4 s — and with a LIMIT it often
preferred scanning the table. A stored generated column holds the name's words alone
(`ts_filter(folded, '{a}')`, small enough to stay in the row) with a GIN index of its own:
the same suggestions in 1–3 ms. Nothing writes the column: PostgreSQL computes it from
`folded`. SQLite has a field per part already (`{name} : …` in FTS5): nothing to do there.

Revision ID: 0026_suggest_names
Revises: 0025_service_periods
Create Date: 2026-12-04 23:10:00

"""

from alembic import op

revision = "0026_suggest_names"
down_revision = "0025_service_periods"
branch_labels = None
depends_on = None


def upgrade():
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute(
        "ALTER TABLE solution_search ADD COLUMN names tsvector "
        "GENERATED ALWAYS AS (ts_filter(folded, '{a}')) STORED"
    )
    op.execute("CREATE INDEX ix_solution_search_names ON solution_search USING gin (names)")


def downgrade():
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute("DROP INDEX IF EXISTS ix_solution_search_names")
    op.execute("ALTER TABLE solution_search DROP COLUMN IF EXISTS names")
