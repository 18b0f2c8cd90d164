"""Moderated identity changes of organisations; the organisation's name on each review.

organization_changes holds a requested new name and/or tax code until a moderator
approves or rejects it (one pending change per organisation, a partial unique index).
reviews.organization_name keeps the name the review was written under; existing
reviews get their organisation's current name (the best that is known).

Revision ID: 0012_identity_changes
Revises: 0011_review_order_index
Create Date: 2026-12-02 06:40:00

"""

import sqlalchemy as sa
from alembic import op

revision = "0012_identity_changes"
down_revision = "0011_review_order_index"
branch_labels = None
depends_on = None

PENDING = sa.text("status = 'pending'")


def upgrade():
    op.create_table(
        "organization_changes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("organization_id", sa.Integer(), nullable=False),
        sa.Column("requested_by_id", sa.Integer(), nullable=True),
        sa.Column("old_name", sa.String(length=200), nullable=False),
        sa.Column("old_tax_code", sa.String(length=14), nullable=False),
        sa.Column("new_name", sa.String(length=200), nullable=True),
        sa.Column("new_tax_code", sa.String(length=14), nullable=True),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("reason", sa.String(length=1000), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("decided_at", sa.DateTime(), nullable=True),
        sa.Column("decided_by_id", sa.Integer(), nullable=True),
        sa.CheckConstraint(
            "status IN ('pending', 'approved', 'rejected', 'withdrawn')",
            name=op.f("ck_organization_changes_status"),
        ),
        sa.CheckConstraint(
            "new_name IS NOT NULL OR new_tax_code IS NOT NULL",
            name=op.f("ck_organization_changes_has_change"),
        ),
        sa.ForeignKeyConstraint(
            ["organization_id"],
            ["organizations.id"],
            name=op.f("fk_organization_changes_organization_id_organizations"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["requested_by_id"],
            ["users.id"],
            name=op.f("fk_organization_changes_requested_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["decided_by_id"],
            ["users.id"],
            name=op.f("fk_organization_changes_decided_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_organization_changes")),
    )
    with op.batch_alter_table("organization_changes", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_organization_changes_organization_id"), ["organization_id"]
        )
        batch_op.create_index("ix_organization_changes_status_created", ["status", "created_at"])
        batch_op.create_index(
            "uq_organization_changes_pending",
            ["organization_id"],
            unique=True,
            sqlite_where=PENDING,
            postgresql_where=PENDING,
        )

    with op.batch_alter_table("reviews", schema=None) as batch_op:
        batch_op.add_column(sa.Column("organization_name", sa.String(length=200), nullable=True))
    op.execute(
        "UPDATE reviews SET organization_name = "
        "(SELECT organizations.name FROM organizations "
        "WHERE organizations.id = reviews.organization_id)"
    )


def downgrade():
    with op.batch_alter_table("reviews", schema=None) as batch_op:
        batch_op.drop_column("organization_name")

    with op.batch_alter_table("organization_changes", schema=None) as batch_op:
        batch_op.drop_index(
            "uq_organization_changes_pending", sqlite_where=PENDING, postgresql_where=PENDING
        )
        batch_op.drop_index("ix_organization_changes_status_created")
        batch_op.drop_index(batch_op.f("ix_organization_changes_organization_id"))
    op.drop_table("organization_changes")
