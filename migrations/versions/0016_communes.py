"""Organisations' addresses in the 2025 two-tier units: street address + commune.

The district level was abolished on 1 July 2025 (Resolution 202/2025/QH15), so the old
`locality` (one of the former Hải Dương's 12 districts) cannot be turned into a commune
without guessing. It is kept as `former_district`; `commune_code` stays empty until the owner
chooses the ward/commune, and the dashboard counts such organisations under "chưa cập nhật địa
chỉ". Organisations that had a district were in the former Hải Dương, now Thành phố Hải Phòng
(31), which becomes their `province_code`.

Downgrade restores `locality` from `former_district` (communes chosen after the upgrade have
no district to go back to and are dropped).

Revision ID: 0016_communes
Revises: 0015_view_mark_address
Create Date: 2026-12-02 08:00:00

"""

import sqlalchemy as sa
from alembic import op

revision = "0016_communes"
down_revision = "0015_view_mark_address"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("organizations", schema=None) as batch_op:
        batch_op.add_column(sa.Column("street_address", sa.String(length=255), nullable=True))
        batch_op.add_column(sa.Column("province_code", sa.String(length=2), nullable=True))
        batch_op.add_column(sa.Column("commune_code", sa.String(length=5), nullable=True))
        batch_op.add_column(sa.Column("former_district", sa.String(length=40), nullable=True))
    op.execute(
        "UPDATE organizations SET former_district = locality, province_code = '31' "
        "WHERE locality IS NOT NULL AND locality <> ''"
    )
    with op.batch_alter_table("organizations", schema=None) as batch_op:
        batch_op.drop_index("ix_organizations_locality")
        batch_op.drop_column("locality")
        batch_op.create_index("ix_organizations_commune_code", ["commune_code"], unique=False)


def downgrade():
    with op.batch_alter_table("organizations", schema=None) as batch_op:
        batch_op.add_column(sa.Column("locality", sa.String(length=40), nullable=True))
    op.execute("UPDATE organizations SET locality = former_district")
    with op.batch_alter_table("organizations", schema=None) as batch_op:
        batch_op.drop_index("ix_organizations_commune_code")
        batch_op.drop_column("former_district")
        batch_op.drop_column("commune_code")
        batch_op.drop_column("province_code")
        batch_op.drop_column("street_address")
        batch_op.create_index("ix_organizations_locality", ["locality"], unique=False)
