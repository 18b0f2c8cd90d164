"""E-mail addresses in their one normalised form.

Sign-up and sign-in now fold an address with NFKC (full-width `ｄｅｍｏ.ｖｎ` is `demo.vn`),
lower-case it and keep an internationalised domain in IDNA (`xn--…`) form, so that Unicode
variants of an address cannot make a second account. This rewrites the stored addresses the
same way. The addresses it changes are kept in `user_email_originals`, so that downgrade puts
them back exactly.

When two accounts fold to one address (a variant was registered beside the real one), the
account already in normal form, else the oldest, gets the address; the others keep the text
they had, which no sign-in can reach any more, and their ids are printed for an
administrator to review.

Revision ID: 0014_email_normalised
Revises: 0013_upload_hygiene
Create Date: 2026-12-02 07:00:00

"""

import logging
import unicodedata

import sqlalchemy as sa
from alembic import op
from email_validator import EmailNotValidError, validate_email

revision = "0014_email_normalised"
down_revision = "0013_upload_hygiene"
branch_labels = None
depends_on = None

BACKUP = "user_email_originals"


def normalise(email: str) -> str:
    """Fold an address as marketplace.accounts.services.normalise_email did on 2026-12-02."""
    text = unicodedata.normalize("NFKC", (email or "").strip()).lower()
    try:
        checked = validate_email(text, check_deliverability=False)
    except (EmailNotValidError, UnicodeError, ValueError):
        return text
    return f"{checked.local_part}@{checked.ascii_domain}".lower()


def upgrade():
    backup = op.create_table(
        BACKUP,
        sa.Column("user_id", sa.Integer(), primary_key=True),
        sa.Column("original_email", sa.String(length=254), nullable=False),
    )
    conn = op.get_bind()
    users = sa.table("users", sa.column("id", sa.Integer), sa.column("email", sa.String))
    rows = conn.execute(sa.select(users.c.id, users.c.email).order_by(users.c.id)).all()
    targets = {row.id: normalise(row.email) for row in rows}
    claimed = {row.email for row in rows if targets[row.id] == row.email}
    left_alone = []
    for row in rows:
        target = targets[row.id]
        if target == row.email:
            continue
        if target in claimed or len(target) > 254:
            left_alone.append(row.id)
            continue
        claimed.add(target)
        conn.execute(backup.insert().values(user_id=row.id, original_email=row.email))
        conn.execute(users.update().where(users.c.id == row.id).values(email=target))
    if left_alone:
        logging.getLogger("alembic.runtime.migration").warning(
            "0014_email_normalised: the e-mails of users %s fold to another account's "
            "address and were left as they were; review them",
            left_alone,
        )


def downgrade():
    conn = op.get_bind()
    backup = sa.table(
        BACKUP, sa.column("user_id", sa.Integer), sa.column("original_email", sa.String)
    )
    users = sa.table("users", sa.column("id", sa.Integer), sa.column("email", sa.String))
    for user_id, original in conn.execute(sa.select(backup.c.user_id, backup.c.original_email)):
        conn.execute(users.update().where(users.c.id == user_id).values(email=original))
    op.drop_table(BACKUP)
