"""An organisation's reviews read from an index alone, with the user who signs in.

The statement that loads a signed-in user reads their organisation's reviews (which
listing, which review, published or hidden: core/user_reads.py). By organisation alone the
index gave the reviews' rows, each on its own page of the table: 26–32 page reads for an
organisation of the bench's data, most of the statement's cost on SQLite. This index holds
those columns, so the rows are not visited; it replaces the index on the organisation
alone, of which it is a prefix.

Revision ID: 0029_review_standing
Revises: 0028_rating_breakdown
Create Date: 2026-12-06 22:00:00

"""

from alembic import op

revision = "0029_review_standing"
down_revision = "0028_rating_breakdown"
branch_labels = None
depends_on = None


def upgrade():
    op.create_index(
        "ix_reviews_organization_standing",
        "reviews",
        ["organization_id", "solution_id", "status", "id"],
    )
    op.drop_index("ix_reviews_organization_id", table_name="reviews")


def downgrade():
    op.create_index("ix_reviews_organization_id", "reviews", ["organization_id"])
    op.drop_index("ix_reviews_organization_standing", table_name="reviews")
