"""Reviews in the solution page's default order, from an index.

The solution page lists a listing's published reviews "most helpful first, then newest".
With (solution_id, status) alone, a listing with thousands of reviews had them all read
and sorted for each page; ix_reviews_solution_helpful holds them in that order, so a page
is read straight from the index. It starts with the same two columns, so it replaces
ix_reviews_solution_status for every other lookup by listing and status.

Revision ID: 0011_review_order_index
Revises: 0010_insights
Create Date: 2026-11-26 09:00:00

"""

import sqlalchemy as sa
from alembic import op

revision = "0011_review_order_index"
down_revision = "0010_insights"
branch_labels = None
depends_on = None

COLUMNS = [
    "solution_id",
    "status",
    sa.text("helpful_count DESC"),
    sa.text("created_at DESC"),
    sa.text("id DESC"),
]


def upgrade():
    with op.batch_alter_table("reviews", schema=None) as batch_op:
        batch_op.create_index("ix_reviews_solution_helpful", COLUMNS, unique=False)
        batch_op.drop_index("ix_reviews_solution_status")


def downgrade():
    with op.batch_alter_table("reviews", schema=None) as batch_op:
        batch_op.create_index("ix_reviews_solution_status", ["solution_id", "status"], unique=False)
        batch_op.drop_index("ix_reviews_solution_helpful")
