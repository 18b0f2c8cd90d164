"""Insights: daily counters per solution and metric, and per-day view marks.

daily_counters has one row per (solution, day, metric), incremented with a single
INSERT … ON CONFLICT DO UPDATE; view_marks dedupes views per visitor and day
(INSERT … ON CONFLICT DO NOTHING) and is purged after two days.

Revision ID: 0010_insights
Revises: 0009_bench_indexes
Create Date: 2026-11-26 08:00:00

"""

import sqlalchemy as sa
from alembic import op

revision = "0010_insights"
down_revision = "0009_bench_indexes"
branch_labels = None
depends_on = None

METRICS = ("view", "compare_add", "trial_request", "trial_accept", "trial_convert", "purchase")


def upgrade():
    op.create_table(
        "daily_counters",
        sa.Column("solution_id", sa.Integer(), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("metric", sa.String(length=20), nullable=False),
        sa.Column("count", sa.Integer(), nullable=False),
        sa.CheckConstraint(
            "metric IN ({})".format(", ".join(f"'{m}'" for m in METRICS)),
            name=op.f("ck_daily_counters_metric"),
        ),
        sa.CheckConstraint("count >= 0", name=op.f("ck_daily_counters_count")),
        sa.ForeignKeyConstraint(
            ["solution_id"],
            ["solutions.id"],
            name=op.f("fk_daily_counters_solution_id_solutions"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("solution_id", "day", "metric", name="pk_daily_counters"),
    )
    # The province dashboard sums a metric over months across all solutions.
    op.create_index("ix_daily_counters_metric_day", "daily_counters", ["metric", "day"])
    op.create_table(
        "view_marks",
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("solution_id", sa.Integer(), nullable=False),
        sa.Column("visitor_hash", sa.String(length=32), nullable=False),
        sa.ForeignKeyConstraint(
            ["solution_id"],
            ["solutions.id"],
            name=op.f("fk_view_marks_solution_id_solutions"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("day", "solution_id", "visitor_hash", name="pk_view_marks"),
    )


def downgrade():
    op.drop_table("view_marks")
    op.drop_index("ix_daily_counters_metric_day", table_name="daily_counters")
    op.drop_table("daily_counters")
