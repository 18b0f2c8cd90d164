"""Catalogue indexes for 100,000 listings (found with the benchmark, `make bench`).

- ix_solutions_catalog_facets covers every column the grouped facet counts read, so
  counting the catalogue scans a narrow index instead of the wide rows (descriptions);
- ix_solutions_catalog_rating follows the default sort (rating score, count, date, id),
  so page 1 stops after 20 entries and a deep page skips inside the index;
- ix_solutions_catalog_trial serves the home page's "free trial" list;
- ix_organizations_inactive, a partial index of the (few) inactive organisations, lists
  the vendors that public lists leave out without reading every organisation. Partial, so
  that it holds only those rows and the planner never uses it to join active ones.

The models declare the same indexes (marketplace/catalog/queries.py attaches them to
the solutions table, next to the queries they serve).

Revision ID: 0009_bench_indexes
Revises: 0008_billing
Create Date: 2026-11-26 07:00:00

"""

import sqlalchemy as sa
from alembic import op

revision = "0009_bench_indexes"
down_revision = "0008_billing"
branch_labels = None
depends_on = None

INDEXES = {
    "ix_solutions_catalog_facets": [
        "status", "category_id", "deployment", "max_trial_days", "min_price_vnd",
        "rating_count", "rating_avg", "vendor_id",
    ],
    "ix_solutions_catalog_rating": [
        "status", sa.text("rating_score DESC"), sa.text("rating_count DESC"),
        sa.text("published_at DESC"), "id", "vendor_id",
    ],
    "ix_solutions_catalog_trial": ["status", "max_trial_days", "published_at"],
}  # fmt: skip


def upgrade():
    with op.batch_alter_table("solutions", schema=None) as batch_op:
        for name, columns in INDEXES.items():
            batch_op.create_index(name, columns, unique=False)
    with op.batch_alter_table("organizations", schema=None) as batch_op:
        batch_op.create_index(
            "ix_organizations_inactive",
            ["active"],
            unique=False,
            sqlite_where=sa.text("active IS 0"),
            postgresql_where=sa.text("active IS false"),
        )


def downgrade():
    with op.batch_alter_table("organizations", schema=None) as batch_op:
        batch_op.drop_index("ix_organizations_inactive")
    with op.batch_alter_table("solutions", schema=None) as batch_op:
        for name in INDEXES:
            batch_op.drop_index(name)
