"""Indexes for finding the uploads nothing uses.

`flask uploads purge` and the removal of replaced images ask, for each upload, whether a
solution's logo, a screenshot or a verification document points at it; the media route
asks the first on every image request. Screenshots were indexed by upload already; the
solution's logo and the verification document were not, so each question read the whole
table. The purge also picks old uploads by creation time.

Revision ID: 0013_upload_hygiene
Revises: 0012_identity_changes
Create Date: 2026-12-02 07:00:00

"""

from alembic import op

revision = "0013_upload_hygiene"
down_revision = "0012_identity_changes"
branch_labels = None
depends_on = None

INDEXES = [
    ("solutions", "ix_solutions_logo_id", ["logo_id"]),
    ("verification_requests", "ix_verification_requests_document_id", ["document_id"]),
    ("uploads", "ix_uploads_created_at", ["created_at"]),
]


def upgrade():
    for table, name, columns in INDEXES:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.create_index(name, columns, unique=False)


def downgrade():
    for table, name, _columns in reversed(INDEXES):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_index(name)
