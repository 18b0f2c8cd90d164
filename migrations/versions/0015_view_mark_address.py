"""The address group of an anonymous visitor's mark, to cap what one address can count.

A cookie-less client could count a view or a comparison add once per User-Agent it made
up. Each mark of an anonymous visitor now carries a salted hash of its address group
(IPv4 address, IPv6 /64), and at most COUNTER_ADDRESS_CAP visitors of one address group
count per solution, metric and day; ix_view_marks_address finds them. Marks are daily and
purged after two days, so existing rows keep an empty address (signed-in users' marks
never have one).

Revision ID: 0015_view_mark_address
Revises: 0014_email_normalised
Create Date: 2026-12-02 07:00:00

"""

import sqlalchemy as sa
from alembic import op

revision = "0015_view_mark_address"
down_revision = "0014_email_normalised"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("view_marks", schema=None) as batch_op:
        batch_op.add_column(sa.Column("address_hash", sa.String(length=32), nullable=True))
        batch_op.create_index(
            "ix_view_marks_address", ["day", "solution_id", "address_hash"], unique=False
        )


def downgrade():
    with op.batch_alter_table("view_marks", schema=None) as batch_op:
        batch_op.drop_index("ix_view_marks_address")
        batch_op.drop_column("address_hash")
