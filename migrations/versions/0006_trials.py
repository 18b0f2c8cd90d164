"""Free trials: trial requests (one open trial per organisation and solution, enforced by a
partial unique index) and the events on their timeline.

Revision ID: 0006_trials
Revises: 0005_search
Create Date: 2026-11-28 09:00:00

"""

import sqlalchemy as sa
from alembic import op

revision = "0006_trials"
down_revision = "0005_search"
branch_labels = None
depends_on = None

OPEN = sa.text("status IN ('requested', 'accepted', 'active')")


def upgrade():
    op.create_table(
        "trial_requests",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("organization_id", sa.Integer(), nullable=False),
        sa.Column("requested_by_id", sa.Integer(), nullable=True),
        sa.Column("solution_id", sa.Integer(), nullable=False),
        sa.Column("plan_id", sa.Integer(), nullable=False),
        sa.Column("vendor_id", sa.Integer(), nullable=False),
        sa.Column("contact_name", sa.String(length=120), nullable=False),
        sa.Column("contact_phone", sa.String(length=20), nullable=False),
        sa.Column("preferred_start", sa.Date(), nullable=False),
        sa.Column("users_count", sa.Integer(), nullable=False),
        sa.Column("message", sa.Text(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("access_instructions", sa.Text(), nullable=True),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("start_date", sa.Date(), nullable=True),
        sa.Column("end_date", sa.Date(), nullable=True),
        sa.Column("trial_days", sa.Integer(), nullable=False),
        sa.Column("first_response_at", sa.DateTime(), nullable=True),
        sa.Column("reminder_sent_at", sa.DateTime(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.CheckConstraint(
            "status IN ('requested', 'accepted', 'active', 'ended', 'converted', 'declined', "
            "'cancelled')",
            name=op.f("ck_trial_requests_status"),
        ),
        sa.CheckConstraint(
            "start_date IS NULL OR end_date IS NULL OR end_date >= start_date",
            name=op.f("ck_trial_requests_dates"),
        ),
        sa.CheckConstraint(
            "users_count >= 1 AND users_count <= 10000", name=op.f("ck_trial_requests_users_count")
        ),
        sa.ForeignKeyConstraint(
            ["organization_id"],
            ["organizations.id"],
            name=op.f("fk_trial_requests_organization_id_organizations"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["plan_id"],
            ["plans.id"],
            name=op.f("fk_trial_requests_plan_id_plans"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["requested_by_id"],
            ["users.id"],
            name=op.f("fk_trial_requests_requested_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["solution_id"],
            ["solutions.id"],
            name=op.f("fk_trial_requests_solution_id_solutions"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["vendor_id"],
            ["organizations.id"],
            name=op.f("fk_trial_requests_vendor_id_organizations"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_trial_requests")),
    )
    with op.batch_alter_table("trial_requests", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_trial_requests_created_at"), ["created_at"])
        batch_op.create_index(batch_op.f("ix_trial_requests_organization_id"), ["organization_id"])
        batch_op.create_index(batch_op.f("ix_trial_requests_plan_id"), ["plan_id"])
        batch_op.create_index(batch_op.f("ix_trial_requests_solution_id"), ["solution_id"])
        batch_op.create_index("ix_trial_requests_status_end_date", ["status", "end_date"])
        batch_op.create_index("ix_trial_requests_vendor_status", ["vendor_id", "status"])
        # At most one open trial per organisation and solution: settles concurrent submits.
        batch_op.create_index(
            "uq_trial_requests_open",
            ["organization_id", "solution_id"],
            unique=True,
            sqlite_where=OPEN,
            postgresql_where=OPEN,
        )

    op.create_table(
        "trial_events",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("trial_id", sa.Integer(), nullable=False),
        sa.Column("actor_id", sa.Integer(), nullable=True),
        sa.Column("from_status", sa.String(length=20), nullable=True),
        sa.Column("to_status", sa.String(length=20), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["actor_id"],
            ["users.id"],
            name=op.f("fk_trial_events_actor_id_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["trial_id"],
            ["trial_requests.id"],
            name=op.f("fk_trial_events_trial_id_trial_requests"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_trial_events")),
    )
    with op.batch_alter_table("trial_events", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_trial_events_trial_id"), ["trial_id"])


def downgrade():
    with op.batch_alter_table("trial_events", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_trial_events_trial_id"))
    op.drop_table("trial_events")

    with op.batch_alter_table("trial_requests", schema=None) as batch_op:
        batch_op.drop_index("uq_trial_requests_open", sqlite_where=OPEN, postgresql_where=OPEN)
        batch_op.drop_index("ix_trial_requests_vendor_status")
        batch_op.drop_index("ix_trial_requests_status_end_date")
        batch_op.drop_index(batch_op.f("ix_trial_requests_solution_id"))
        batch_op.drop_index(batch_op.f("ix_trial_requests_plan_id"))
        batch_op.drop_index(batch_op.f("ix_trial_requests_organization_id"))
        batch_op.drop_index(batch_op.f("ix_trial_requests_created_at"))
    op.drop_table("trial_requests")
