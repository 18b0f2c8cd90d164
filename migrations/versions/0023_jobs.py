"""Scheduled tasks: one lease row per periodic task (core/jobs.py), so that runners on
several hosts never run a task twice and its failures are counted.

Revision ID: 0023_jobs
Revises: 0022_review_use
Create Date: 2026-12-02 14:30:00

"""

import sqlalchemy as sa
from alembic import op

revision = "0023_jobs"
down_revision = "0022_review_use"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "job_leases",
        sa.Column("name", sa.String(length=80), nullable=False),
        sa.Column("leased_until", sa.DateTime(), nullable=True),
        sa.Column("holder", sa.String(length=120), nullable=True),
        sa.Column("last_run_at", sa.DateTime(), nullable=True),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column("failures", sa.Integer(), server_default="0", nullable=False),
        sa.PrimaryKeyConstraint("name", name=op.f("pk_job_leases")),
    )


def downgrade():
    op.drop_table("job_leases")
