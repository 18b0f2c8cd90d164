"""Readiness self-assessment: `assessments`, one row per attempt (a draft until completed).

Answers are kept with the questionnaire version they were given for; scores are computed at
completion and stored (pillar scores as JSON, the overall score in hundredths), so a later
questionnaire version never changes an old result. Anonymous visitors' rows carry a
`draft_key` instead of an organisation until they sign in as an enterprise.

Revision ID: 0025_assessment
Revises: 0024_email_verification
Create Date: 2026-12-02 17:45:00

"""

import sqlalchemy as sa
from alembic import op

revision = "0025_assessment"
down_revision = "0025_catsettings"
branch_labels = None
depends_on = None

DRAFT = sa.text("status = 'draft'")


def upgrade():
    op.create_table(
        "assessments",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("organization_id", sa.Integer(), nullable=True),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("draft_key", sa.String(length=64), nullable=True),
        sa.Column("version", sa.String(length=20), nullable=False),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("step", sa.Integer(), nullable=False),
        sa.Column("answers", sa.JSON(), nullable=False),
        sa.Column("pillar_scores", sa.JSON(), nullable=True),
        sa.Column("overall_score", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.Column("completed_at", sa.DateTime(), nullable=True),
        sa.CheckConstraint("status IN ('draft', 'completed')", name=op.f("ck_assessments_status")),
        sa.CheckConstraint(
            "overall_score IS NULL OR overall_score BETWEEN 0 AND 500",
            name=op.f("ck_assessments_overall"),
        ),
        sa.CheckConstraint("step >= 0 AND step <= 20", name=op.f("ck_assessments_step")),
        sa.CheckConstraint(
            "organization_id IS NOT NULL OR draft_key IS NOT NULL",
            name=op.f("ck_assessments_owner"),
        ),
        sa.ForeignKeyConstraint(
            ["organization_id"],
            ["organizations.id"],
            name=op.f("fk_assessments_organization_id_organizations"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_assessments_user_id_users"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_assessments")),
        sa.UniqueConstraint("draft_key", name=op.f("uq_assessments_draft_key")),
    )
    op.create_index(
        "uq_assessments_open_draft",
        "assessments",
        ["organization_id", "user_id"],
        unique=True,
        sqlite_where=DRAFT,
        postgresql_where=DRAFT,
    )
    op.create_index(
        "ix_assessments_org_status",
        "assessments",
        ["organization_id", "status", "completed_at"],
    )
    op.create_index(op.f("ix_assessments_updated_at"), "assessments", ["updated_at"])


def downgrade():
    op.drop_index(op.f("ix_assessments_updated_at"), table_name="assessments")
    op.drop_index("ix_assessments_org_status", table_name="assessments")
    op.drop_index("uq_assessments_open_draft", table_name="assessments")
    op.drop_table("assessments")
