"""Listing figures for filtering and sorting without joins, and active organisations.

Revision ID: 0004_listing_stats
Revises: 0003_categories
Create Date: 2026-11-26 05:19:59.246413

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0004_listing_stats"
down_revision = "0003_categories"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("organizations", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("active", sa.Boolean(), server_default=sa.true(), nullable=False)
        )

    with op.batch_alter_table("solutions", schema=None) as batch_op:
        batch_op.add_column(sa.Column("min_price_vnd", sa.BigInteger(), nullable=True))
        batch_op.add_column(
            sa.Column("max_trial_days", sa.Integer(), server_default="0", nullable=False)
        )
        batch_op.add_column(
            sa.Column("rating_count", sa.Integer(), server_default="0", nullable=False)
        )
        batch_op.add_column(sa.Column("rating_avg", sa.Float(), server_default="0", nullable=False))
        batch_op.add_column(
            sa.Column("rating_score", sa.Float(), server_default="0", nullable=False)
        )
        batch_op.create_index(
            "ix_solutions_status_min_price", ["status", "min_price_vnd"], unique=False
        )
        batch_op.create_index(
            "ix_solutions_status_rating_score", ["status", "rating_score"], unique=False
        )

    # Existing listings: derive the figures from their active plans.
    op.execute(
        "UPDATE solutions SET "
        "min_price_vnd = (SELECT MIN(price_vnd) FROM plans "
        "WHERE plans.solution_id = solutions.id AND plans.active), "
        "max_trial_days = COALESCE((SELECT MAX(trial_days) FROM plans "
        "WHERE plans.solution_id = solutions.id AND plans.active), 0)"
    )


def downgrade():
    with op.batch_alter_table("solutions", schema=None) as batch_op:
        batch_op.drop_index("ix_solutions_status_rating_score")
        batch_op.drop_index("ix_solutions_status_min_price")
        batch_op.drop_column("rating_score")
        batch_op.drop_column("rating_avg")
        batch_op.drop_column("rating_count")
        batch_op.drop_column("max_trial_days")
        batch_op.drop_column("min_price_vnd")

    with op.batch_alter_table("organizations", schema=None) as batch_op:
        batch_op.drop_column("active")
