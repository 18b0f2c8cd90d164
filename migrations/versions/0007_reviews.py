"""Reviews: ratings, votes, reports, vendor replies, history.

One review per organisation and solution (a unique constraint), its earlier versions,
the vendor's reply (one per review), helpful votes (one per user and review) and abuse
reports (one open report per user and review, a partial unique index).

Revision ID: 0007_reviews
Revises: 0006_trials
Create Date: 2026-11-26 06:00:00

"""

import sqlalchemy as sa
from alembic import op

revision = "0007_reviews"
down_revision = "0006_trials"
branch_labels = None
depends_on = None

ASPECTS = ("ease_of_use", "features", "support", "value")
OPEN_REPORT = sa.text("status = 'open'")


def _scores() -> list[sa.Column]:
    return [sa.Column(name, sa.Integer(), nullable=False) for name in ("overall", *ASPECTS)]


def upgrade():
    op.create_table(
        "reviews",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("solution_id", sa.Integer(), nullable=False),
        sa.Column("organization_id", sa.Integer(), nullable=False),
        sa.Column("author_id", sa.Integer(), nullable=True),
        *_scores(),
        sa.Column("title", sa.String(length=120), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("verified", sa.Boolean(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("helpful_count", sa.Integer(), server_default="0", nullable=False),
        sa.Column("hidden_reason", sa.Text(), nullable=True),
        sa.Column("hidden_at", sa.DateTime(), nullable=True),
        sa.Column("hidden_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.CheckConstraint("status IN ('published', 'hidden')", name=op.f("ck_reviews_status")),
        sa.CheckConstraint("overall >= 1 AND overall <= 5", name=op.f("ck_reviews_overall")),
        *(
            sa.CheckConstraint(f"{a} >= 1 AND {a} <= 5", name=op.f(f"ck_reviews_{a}"))
            for a in ASPECTS
        ),
        sa.CheckConstraint("helpful_count >= 0", name=op.f("ck_reviews_helpful_count")),
        sa.ForeignKeyConstraint(
            ["solution_id"],
            ["solutions.id"],
            name=op.f("fk_reviews_solution_id_solutions"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["organization_id"],
            ["organizations.id"],
            name=op.f("fk_reviews_organization_id_organizations"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["author_id"],
            ["users.id"],
            name=op.f("fk_reviews_author_id_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["hidden_by_id"],
            ["users.id"],
            name=op.f("fk_reviews_hidden_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_reviews")),
        # One review per organisation and solution: settles concurrent first reviews.
        sa.UniqueConstraint(
            "solution_id",
            "organization_id",
            name=op.f("uq_reviews_solution_id_organization_id"),
        ),
    )
    with op.batch_alter_table("reviews", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_reviews_organization_id"), ["organization_id"])
        batch_op.create_index(batch_op.f("ix_reviews_created_at"), ["created_at"])
        batch_op.create_index("ix_reviews_solution_status", ["solution_id", "status"])

    op.create_table(
        "review_revisions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("review_id", sa.Integer(), nullable=False),
        sa.Column("author_id", sa.Integer(), nullable=True),
        *_scores(),
        sa.Column("title", sa.String(length=120), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("written_at", sa.DateTime(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["review_id"],
            ["reviews.id"],
            name=op.f("fk_review_revisions_review_id_reviews"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["author_id"],
            ["users.id"],
            name=op.f("fk_review_revisions_author_id_users"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_review_revisions")),
    )
    with op.batch_alter_table("review_revisions", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_review_revisions_review_id"), ["review_id"])

    op.create_table(
        "review_replies",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("review_id", sa.Integer(), nullable=False),
        sa.Column("author_id", sa.Integer(), nullable=True),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["review_id"],
            ["reviews.id"],
            name=op.f("fk_review_replies_review_id_reviews"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["author_id"],
            ["users.id"],
            name=op.f("fk_review_replies_author_id_users"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_review_replies")),
        # One public reply per review.
        sa.UniqueConstraint("review_id", name=op.f("uq_review_replies_review_id")),
    )

    op.create_table(
        "review_votes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("review_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["review_id"],
            ["reviews.id"],
            name=op.f("fk_review_votes_review_id_reviews"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_review_votes_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_review_votes")),
        # One helpful vote per user and review.
        sa.UniqueConstraint("review_id", "user_id", name=op.f("uq_review_votes_review_id_user_id")),
    )
    with op.batch_alter_table("review_votes", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_review_votes_user_id"), ["user_id"])

    op.create_table(
        "review_reports",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("review_id", sa.Integer(), nullable=False),
        sa.Column("reporter_id", sa.Integer(), nullable=True),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("resolved_at", sa.DateTime(), nullable=True),
        sa.Column("resolved_by_id", sa.Integer(), nullable=True),
        sa.Column("resolution", sa.Text(), nullable=True),
        sa.CheckConstraint(
            "status IN ('open', 'dismissed', 'upheld')", name=op.f("ck_review_reports_status")
        ),
        sa.ForeignKeyConstraint(
            ["review_id"],
            ["reviews.id"],
            name=op.f("fk_review_reports_review_id_reviews"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["reporter_id"],
            ["users.id"],
            name=op.f("fk_review_reports_reporter_id_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["resolved_by_id"],
            ["users.id"],
            name=op.f("fk_review_reports_resolved_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_review_reports")),
    )
    with op.batch_alter_table("review_reports", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_review_reports_review_id"), ["review_id"])
        batch_op.create_index("ix_review_reports_status_created_at", ["status", "created_at"])
        # One open report per user and review.
        batch_op.create_index(
            "uq_review_reports_open",
            ["review_id", "reporter_id"],
            unique=True,
            sqlite_where=OPEN_REPORT,
            postgresql_where=OPEN_REPORT,
        )


def downgrade():
    with op.batch_alter_table("review_reports", schema=None) as batch_op:
        batch_op.drop_index(
            "uq_review_reports_open", sqlite_where=OPEN_REPORT, postgresql_where=OPEN_REPORT
        )
        batch_op.drop_index("ix_review_reports_status_created_at")
        batch_op.drop_index(batch_op.f("ix_review_reports_review_id"))
    op.drop_table("review_reports")

    with op.batch_alter_table("review_votes", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_review_votes_user_id"))
    op.drop_table("review_votes")

    op.drop_table("review_replies")

    with op.batch_alter_table("review_revisions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_review_revisions_review_id"))
    op.drop_table("review_revisions")

    with op.batch_alter_table("reviews", schema=None) as batch_op:
        batch_op.drop_index("ix_reviews_solution_status")
        batch_op.drop_index(batch_op.f("ix_reviews_created_at"))
        batch_op.drop_index(batch_op.f("ix_reviews_organization_id"))
    op.drop_table("reviews")
