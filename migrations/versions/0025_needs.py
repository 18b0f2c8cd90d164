"""Needs board ("chợ bài toán"): needs, public questions, proposals with their lines and
listings, and the vendors' opt-out of need alerts.

New tables only; no data moves. Downgrade drops them in reverse order.

Revision ID: 0025_needs
Revises: 0024_email_verification
Create Date: 2026-12-02 17:45:00

"""

import sqlalchemy as sa
from alembic import op

revision = "0025_needs"
down_revision = "0025_programme"
branch_labels = None
depends_on = None


def _fk(table: str, column: str, target: str, ondelete: str, key: str = "id"):
    return sa.ForeignKeyConstraint(
        [column],
        [f"{target}.{key}"],
        name=op.f(f"fk_{table}_{column}_{target}"),
        ondelete=ondelete,
    )


def upgrade():
    op.create_table(
        "needs",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("organization_id", sa.Integer(), nullable=False),
        sa.Column("posted_by_id", sa.Integer(), nullable=True),
        sa.Column("title", sa.String(length=160), nullable=False),
        sa.Column("problem", sa.Text(), nullable=False),
        sa.Column("category_id", sa.Integer(), nullable=True),
        sa.Column("users_count", sa.Integer(), nullable=False),
        sa.Column("must_haves_json", sa.Text(), nullable=False),
        sa.Column("budget_min_vnd", sa.BigInteger(), nullable=False),
        sa.Column("budget_max_vnd", sa.BigInteger(), nullable=False),
        sa.Column("deadline", sa.Date(), nullable=False),
        sa.Column("commune_code", sa.String(length=5), nullable=True),
        sa.Column("area_code", sa.String(length=3), nullable=True),
        sa.Column("show_name", sa.Boolean(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("moderation_reason", sa.Text(), nullable=True),
        sa.Column("close_reason", sa.Text(), nullable=True),
        sa.Column("moderated_by_id", sa.Integer(), nullable=True),
        sa.Column("published_at", sa.DateTime(), nullable=True),
        sa.Column("closed_at", sa.DateTime(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.CheckConstraint(
            "status IN ('pending', 'rejected', 'open', 'awarded', 'not_awarded', 'expired')",
            name=op.f("ck_needs_status"),
        ),
        sa.CheckConstraint(
            "users_count >= 1 AND users_count <= 100000", name=op.f("ck_needs_users_count")
        ),
        sa.CheckConstraint(
            "budget_min_vnd >= 0 AND budget_max_vnd >= budget_min_vnd",
            name=op.f("ck_needs_budget"),
        ),
        _fk("needs", "organization_id", "organizations", "RESTRICT"),
        _fk("needs", "posted_by_id", "users", "SET NULL"),
        _fk("needs", "category_id", "categories", "SET NULL"),
        _fk("needs", "moderated_by_id", "users", "SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_needs")),
    )
    with op.batch_alter_table("needs") as batch:
        batch.create_index(batch.f("ix_needs_organization_id"), ["organization_id"])
        batch.create_index(batch.f("ix_needs_category_id"), ["category_id"])
        batch.create_index(batch.f("ix_needs_area_code"), ["area_code"])
        batch.create_index(batch.f("ix_needs_created_at"), ["created_at"])
        batch.create_index("ix_needs_status_deadline", ["status", "deadline"])

    op.create_table(
        "need_questions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("need_id", sa.Integer(), nullable=False),
        sa.Column("vendor_id", sa.Integer(), nullable=False),
        sa.Column("asked_by_id", sa.Integer(), nullable=True),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("answer", sa.Text(), nullable=True),
        sa.Column("answered_by_id", sa.Integer(), nullable=True),
        sa.Column("answered_at", sa.DateTime(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        _fk("need_questions", "need_id", "needs", "CASCADE"),
        _fk("need_questions", "vendor_id", "organizations", "CASCADE"),
        _fk("need_questions", "asked_by_id", "users", "SET NULL"),
        _fk("need_questions", "answered_by_id", "users", "SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_need_questions")),
    )
    with op.batch_alter_table("need_questions") as batch:
        batch.create_index(batch.f("ix_need_questions_need_id"), ["need_id"])

    op.create_table(
        "proposals",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("need_id", sa.Integer(), nullable=False),
        sa.Column("vendor_id", sa.Integer(), nullable=False),
        sa.Column("submitted_by_id", sa.Integer(), nullable=True),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("shortlisted", sa.Boolean(), nullable=False),
        sa.Column("implementation_days", sa.Integer(), nullable=False),
        sa.Column("trial_offered", sa.Boolean(), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("covers_json", sa.Text(), nullable=False),
        sa.Column("subtotal_vnd", sa.BigInteger(), nullable=False),
        sa.Column("vat_vnd", sa.BigInteger(), nullable=False),
        sa.Column("total_vnd", sa.BigInteger(), nullable=False),
        sa.Column("first_year_vnd", sa.BigInteger(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.Column("decided_at", sa.DateTime(), nullable=True),
        sa.CheckConstraint(
            "status IN ('submitted', 'withdrawn', 'awarded', 'not_selected')",
            name=op.f("ck_proposals_status"),
        ),
        sa.CheckConstraint(
            "implementation_days >= 1", name=op.f("ck_proposals_implementation_days")
        ),
        _fk("proposals", "need_id", "needs", "CASCADE"),
        _fk("proposals", "vendor_id", "organizations", "RESTRICT"),
        _fk("proposals", "submitted_by_id", "users", "SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_proposals")),
        sa.UniqueConstraint("need_id", "vendor_id", name=op.f("uq_proposals_need_id_vendor_id")),
    )
    with op.batch_alter_table("proposals") as batch:
        batch.create_index(batch.f("ix_proposals_need_id"), ["need_id"])
        batch.create_index(batch.f("ix_proposals_vendor_id"), ["vendor_id"])

    op.create_table(
        "proposal_solutions",
        sa.Column("proposal_id", sa.Integer(), nullable=False),
        sa.Column("solution_id", sa.Integer(), nullable=False),
        _fk("proposal_solutions", "proposal_id", "proposals", "CASCADE"),
        _fk("proposal_solutions", "solution_id", "solutions", "CASCADE"),
        sa.PrimaryKeyConstraint("proposal_id", "solution_id", name=op.f("pk_proposal_solutions")),
    )

    op.create_table(
        "proposal_lines",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("proposal_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("description", sa.String(length=200), nullable=False),
        sa.Column("quantity", sa.Integer(), nullable=False),
        sa.Column("unit_price_vnd", sa.BigInteger(), nullable=False),
        sa.Column("vat", sa.String(length=10), nullable=False),
        sa.Column("period", sa.String(length=10), nullable=False),
        sa.Column("amount_vnd", sa.BigInteger(), nullable=False),
        sa.Column("vat_vnd", sa.BigInteger(), nullable=False),
        sa.CheckConstraint("quantity >= 1", name=op.f("ck_proposal_lines_quantity")),
        sa.CheckConstraint("unit_price_vnd >= 1", name=op.f("ck_proposal_lines_unit_price")),
        sa.CheckConstraint(
            "vat IN ('exempt', '0', '5', '8', '10')", name=op.f("ck_proposal_lines_vat")
        ),
        sa.CheckConstraint(
            "period IN ('month', 'year', 'once')", name=op.f("ck_proposal_lines_period")
        ),
        _fk("proposal_lines", "proposal_id", "proposals", "CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_proposal_lines")),
    )
    with op.batch_alter_table("proposal_lines") as batch:
        batch.create_index(batch.f("ix_proposal_lines_proposal_id"), ["proposal_id"])

    op.create_table(
        "need_alert_optouts",
        sa.Column("organization_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        _fk("need_alert_optouts", "organization_id", "organizations", "CASCADE"),
        sa.PrimaryKeyConstraint("organization_id", name=op.f("pk_need_alert_optouts")),
    )


def downgrade():
    op.drop_table("need_alert_optouts")
    with op.batch_alter_table("proposal_lines") as batch:
        batch.drop_index(batch.f("ix_proposal_lines_proposal_id"))
    op.drop_table("proposal_lines")
    op.drop_table("proposal_solutions")
    with op.batch_alter_table("proposals") as batch:
        batch.drop_index(batch.f("ix_proposals_vendor_id"))
        batch.drop_index(batch.f("ix_proposals_need_id"))
    op.drop_table("proposals")
    with op.batch_alter_table("need_questions") as batch:
        batch.drop_index(batch.f("ix_need_questions_need_id"))
    op.drop_table("need_questions")
    with op.batch_alter_table("needs") as batch:
        batch.drop_index("ix_needs_status_deadline")
        batch.drop_index(batch.f("ix_needs_created_at"))
        batch.drop_index(batch.f("ix_needs_area_code"))
        batch.drop_index(batch.f("ix_needs_category_id"))
        batch.drop_index(batch.f("ix_needs_organization_id"))
    op.drop_table("needs")
