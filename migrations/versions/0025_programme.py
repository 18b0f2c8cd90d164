"""The SME support programme: versioned rules, plans opted in, applications for support.

`programmes` is the row an approval locks while it checks the budget; `programme_versions`
hold the rules (rates and yearly caps per size band, eligible categories, budget, period,
whether a readiness assessment is needed), each from its `effective_from`;
`programme_plan_opt_ins` the plans vendors put forward and the moderators' decisions;
`programme_applications` one per order, with the amounts fixed when it is approved.
No data moves: the tables start empty.

Revision ID: 0025_programme
Revises: 0024_email_verification
Create Date: 2026-12-02 17:26:11.469102

"""

import sqlalchemy as sa
from alembic import op

revision = "0025_programme"
down_revision = "0025_assessment"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "programmes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_programmes")),
    )
    op.create_table(
        "programme_versions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("programme_id", sa.Integer(), nullable=False),
        sa.Column("effective_from", sa.Date(), nullable=False),
        sa.Column("period_start", sa.Date(), nullable=False),
        sa.Column("period_end", sa.Date(), nullable=False),
        sa.Column("budget_vnd", sa.BigInteger(), nullable=False),
        sa.Column("assessment_required", sa.Boolean(), nullable=False),
        sa.Column("rate_household", sa.Integer(), nullable=False),
        sa.Column("cap_household", sa.BigInteger(), nullable=False),
        sa.Column("rate_micro", sa.Integer(), nullable=False),
        sa.Column("cap_micro", sa.BigInteger(), nullable=False),
        sa.Column("rate_small", sa.Integer(), nullable=False),
        sa.Column("cap_small", sa.BigInteger(), nullable=False),
        sa.Column("rate_medium", sa.Integer(), nullable=False),
        sa.Column("cap_medium", sa.BigInteger(), nullable=False),
        sa.Column("category_ids", sa.JSON(), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.CheckConstraint(
            "cap_household >= 0 AND cap_micro >= 0 AND cap_small >= 0 AND cap_medium >= 0 AND budget_vnd >= 0",
            name=op.f("ck_programme_versions_amounts"),
        ),
        sa.CheckConstraint("period_end >= period_start", name=op.f("ck_programme_versions_period")),
        sa.CheckConstraint(
            "rate_household BETWEEN 0 AND 100 AND rate_micro BETWEEN 0 AND 100 AND rate_small BETWEEN 0 AND 100 AND rate_medium BETWEEN 0 AND 100",
            name=op.f("ck_programme_versions_rates"),
        ),
        sa.ForeignKeyConstraint(
            ["created_by_id"],
            ["users.id"],
            name=op.f("fk_programme_versions_created_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["programme_id"],
            ["programmes.id"],
            name=op.f("fk_programme_versions_programme_id_programmes"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_programme_versions")),
        sa.UniqueConstraint(
            "programme_id",
            "effective_from",
            name=op.f("uq_programme_versions_programme_id_effective_from"),
        ),
    )
    with op.batch_alter_table("programme_versions", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_programme_versions_programme_id"), ["programme_id"], unique=False
        )

    op.create_table(
        "programme_plan_opt_ins",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("programme_id", sa.Integer(), nullable=False),
        sa.Column("plan_id", sa.Integer(), nullable=False),
        sa.Column("vendor_id", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("requested_by_id", sa.Integer(), nullable=True),
        sa.Column("requested_at", sa.DateTime(), nullable=False),
        sa.Column("decided_by_id", sa.Integer(), nullable=True),
        sa.Column("decided_at", sa.DateTime(), nullable=True),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.CheckConstraint(
            "status IN ('pending', 'approved', 'rejected')",
            name=op.f("ck_programme_plan_opt_ins_status"),
        ),
        sa.ForeignKeyConstraint(
            ["decided_by_id"],
            ["users.id"],
            name=op.f("fk_programme_plan_opt_ins_decided_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["plan_id"],
            ["plans.id"],
            name=op.f("fk_programme_plan_opt_ins_plan_id_plans"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["programme_id"],
            ["programmes.id"],
            name=op.f("fk_programme_plan_opt_ins_programme_id_programmes"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["requested_by_id"],
            ["users.id"],
            name=op.f("fk_programme_plan_opt_ins_requested_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["vendor_id"],
            ["organizations.id"],
            name=op.f("fk_programme_plan_opt_ins_vendor_id_organizations"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_programme_plan_opt_ins")),
        sa.UniqueConstraint(
            "programme_id", "plan_id", name=op.f("uq_programme_plan_opt_ins_programme_id_plan_id")
        ),
    )
    with op.batch_alter_table("programme_plan_opt_ins", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_programme_plan_opt_ins_plan_id"), ["plan_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_programme_plan_opt_ins_status"), ["status"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_programme_plan_opt_ins_vendor_id"), ["vendor_id"], unique=False
        )

    op.create_table(
        "programme_applications",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("programme_id", sa.Integer(), nullable=False),
        sa.Column("order_id", sa.Integer(), nullable=False),
        sa.Column("organization_id", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("submitted_by_id", sa.Integer(), nullable=True),
        sa.Column("submitted_at", sa.DateTime(), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("invoice_upload_id", sa.Integer(), nullable=True),
        sa.Column("payment_upload_id", sa.Integer(), nullable=True),
        sa.Column("order_date", sa.Date(), nullable=False),
        sa.Column("support_year", sa.Integer(), nullable=False),
        sa.Column("order_amount_vnd", sa.BigInteger(), nullable=False),
        sa.Column("version_id", sa.Integer(), nullable=True),
        sa.Column("size_band", sa.String(length=20), nullable=True),
        sa.Column("rate_percent", sa.Integer(), nullable=True),
        sa.Column("cap_vnd", sa.BigInteger(), nullable=True),
        sa.Column("computed_vnd", sa.BigInteger(), nullable=True),
        sa.Column("amount_vnd", sa.BigInteger(), nullable=True),
        sa.Column("reviewer_id", sa.Integer(), nullable=True),
        sa.Column("decided_at", sa.DateTime(), nullable=True),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("disbursed_at", sa.DateTime(), nullable=True),
        sa.Column("disbursed_by_id", sa.Integer(), nullable=True),
        sa.Column("disbursement_reference", sa.String(length=100), nullable=True),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.CheckConstraint(
            "status IN ('submitted', 'approved', 'rejected', 'disbursed')",
            name=op.f("ck_programme_applications_status"),
        ),
        sa.CheckConstraint(
            "amount_vnd IS NULL OR amount_vnd >= 0", name=op.f("ck_programme_applications_amount")
        ),
        sa.ForeignKeyConstraint(
            ["disbursed_by_id"],
            ["users.id"],
            name=op.f("fk_programme_applications_disbursed_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["invoice_upload_id"],
            ["uploads.id"],
            name=op.f("fk_programme_applications_invoice_upload_id_uploads"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["order_id"],
            ["orders.id"],
            name=op.f("fk_programme_applications_order_id_orders"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["organization_id"],
            ["organizations.id"],
            name=op.f("fk_programme_applications_organization_id_organizations"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["payment_upload_id"],
            ["uploads.id"],
            name=op.f("fk_programme_applications_payment_upload_id_uploads"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["programme_id"],
            ["programmes.id"],
            name=op.f("fk_programme_applications_programme_id_programmes"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["reviewer_id"],
            ["users.id"],
            name=op.f("fk_programme_applications_reviewer_id_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["submitted_by_id"],
            ["users.id"],
            name=op.f("fk_programme_applications_submitted_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["version_id"],
            ["programme_versions.id"],
            name=op.f("fk_programme_applications_version_id_programme_versions"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_programme_applications")),
        sa.UniqueConstraint("order_id", name=op.f("uq_programme_applications_order_id")),
    )
    with op.batch_alter_table("programme_applications", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_programme_applications_decided_at"), ["decided_at"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_programme_applications_disbursed_at"), ["disbursed_at"], unique=False
        )
        batch_op.create_index(
            "ix_programme_applications_org_year", ["organization_id", "support_year"], unique=False
        )
        batch_op.create_index(
            "ix_programme_applications_status", ["programme_id", "status"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_programme_applications_submitted_at"), ["submitted_at"], unique=False
        )


def downgrade():
    with op.batch_alter_table("programme_applications", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_programme_applications_submitted_at"))
        batch_op.drop_index("ix_programme_applications_status")
        batch_op.drop_index("ix_programme_applications_org_year")
        batch_op.drop_index(batch_op.f("ix_programme_applications_disbursed_at"))
        batch_op.drop_index(batch_op.f("ix_programme_applications_decided_at"))

    op.drop_table("programme_applications")
    with op.batch_alter_table("programme_plan_opt_ins", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_programme_plan_opt_ins_vendor_id"))
        batch_op.drop_index(batch_op.f("ix_programme_plan_opt_ins_status"))
        batch_op.drop_index(batch_op.f("ix_programme_plan_opt_ins_plan_id"))

    op.drop_table("programme_plan_opt_ins")
    with op.batch_alter_table("programme_versions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_programme_versions_programme_id"))

    op.drop_table("programme_versions")
    op.drop_table("programmes")
