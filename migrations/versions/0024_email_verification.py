"""E-mail verification and account erasure.

`users.email_verified_at`: when the user opened the link sent to their current address.
Every user that exists when this migration runs is marked verified at the time of the
upgrade: they signed up before verification was asked for (and the demo accounts are
among them), so locking them out of trials, reviews and purchases would punish them for
a rule that did not exist. Only accounts created afterwards must verify.

`users.deleted_at`: when the person erased their account (`/account/delete`); the row is
kept, pseudonymous, because trials, orders, reviews and the audit log point at it.

Revision ID: 0024_email_verification
Revises: 0023_jobs
Create Date: 2026-12-02 14:30:00

"""

import sqlalchemy as sa
from alembic import op

revision = "0024_email_verification"
down_revision = "0023_jobs"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("users") as batch:
        batch.add_column(sa.Column("email_verified_at", sa.DateTime(), nullable=True))
        batch.add_column(sa.Column("deleted_at", sa.DateTime(), nullable=True))
    # Accounts that predate the rule count as verified (see the docstring). Times are naive
    # UTC on every backend; PostgreSQL's CURRENT_TIMESTAMP would follow the session's zone.
    now = (
        "timezone('utc', now())"
        if op.get_bind().dialect.name == "postgresql"
        else "CURRENT_TIMESTAMP"
    )
    op.execute(f"UPDATE users SET email_verified_at = {now} WHERE email_verified_at IS NULL")


def downgrade():
    with op.batch_alter_table("users") as batch:
        batch.drop_column("deleted_at")
        batch.drop_column("email_verified_at")
