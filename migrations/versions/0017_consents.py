"""Consents: which version of the terms of use and of the privacy policy each user accepted,
and when (Law 91/2025/QH15 on personal data protection).

Existing users accepted the unversioned checkbox at sign-up: no row is invented for them.

Revision ID: 0017_consents
Revises: 0016_communes
Create Date: 2026-12-02 08:00:00

"""

import sqlalchemy as sa
from alembic import op

revision = "0017_consents"
down_revision = "0016_communes"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "consents",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("document", sa.String(length=20), nullable=False),
        sa.Column("version", sa.String(length=20), nullable=False),
        sa.Column("accepted_at", sa.DateTime(), nullable=False),
        sa.CheckConstraint("document IN ('terms', 'privacy')", name=op.f("ck_consents_document")),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_consents_user_id_users"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_consents")),
    )
    op.create_index("ix_consents_user_document", "consents", ["user_id", "document", "accepted_at"])


def downgrade():
    op.drop_index("ix_consents_user_document", table_name="consents")
    op.drop_table("consents")
