"""Catalogue settings and site settings the operator edits in the console.

`categories` gain a description in both languages (until now sentences in code,
`catalog/category_texts.py`, moved here with their English translations), an `active` flag
(a retired category leaves the catalogue) and `merged_into_id` (where its listings went).
`feature_definitions` gain `retired_at`: a feature taken out of a vocabulary is retired,
never deleted, so listings that hold a value for it stay valid.
`site_settings` is one row: the operating centre's contact details, the announcement
banner and the current versions of the terms and the privacy policy.

Revision ID: 0025_catsettings
Revises: 0024_email_verification
Create Date: 2026-12-02 17:40:00

"""

import sqlalchemy as sa
from alembic import op

revision = "0025_catsettings"
down_revision = "0024_email_verification"
branch_labels = None
depends_on = None

# slug → (Vietnamese, English): the sentences `catalog/category_texts.py` held.
DESCRIPTIONS = {
    "quan-tri-doanh-nghiep": (
        "Phần mềm quản trị cho doanh nghiệp và hộ kinh doanh: kế toán, hóa đơn, nhân sự, "
        "khách hàng và bán hàng.",
        "Management software for businesses and household businesses: accounting, "
        "invoicing, HR, customers and sales.",
    ),
    "ke-toan": (
        "Phần mềm kế toán theo Thông tư 133 và 200, kết nối hóa đơn điện tử, ngân hàng và "
        "nộp tờ khai thuế điện tử.",
        "Accounting software under Circulars 133 and 200, linked to e-invoicing, banks and "
        "electronic tax filing.",
    ),
    "hoa-don-dien-tu": (
        "Hóa đơn điện tử theo Nghị định 123/2020/NĐ-CP: lập, ký số, gửi cơ quan thuế và "
        "khách hàng.",
        "E-invoices under Decree 123/2020/NĐ-CP: issue, sign digitally, send to the tax "
        "authority and to customers.",
    ),
    "nhan-su-tien-luong": (
        "Quản lý hồ sơ nhân sự, chấm công, tính lương, bảo hiểm và quyết toán thuế thu nhập "
        "cá nhân.",
        "Staff records, timekeeping, payroll, social insurance and personal income tax settlement.",
    ),
    "crm": (
        "Quản lý khách hàng, cơ hội bán hàng và chăm sóc khách hàng qua Zalo, điện thoại, e-mail.",
        "Customers, sales opportunities and customer care over Zalo, phone and e-mail.",
    ),
    "ban-hang": (
        "Bán hàng tại quầy và trực tuyến, quản lý kho, chi nhánh và khách hàng thân thiết.",
        "Point-of-sale and online selling, stock, branches and loyal customers.",
    ),
    "ha-tang-so": (
        "Máy chủ và lưu trữ đám mây đặt tại Việt Nam cho website và phần mềm của bạn.",
        "Cloud servers and storage in Vietnam for your website and software.",
    ),
    "may-chu-dam-may": (
        "Máy chủ ảo (VPS, cloud server) theo tháng: chọn vCPU, RAM, ổ SSD và cam kết SLA.",
        "Virtual servers (VPS, cloud servers) by the month: choose vCPUs, RAM, SSD and SLA.",
    ),
    "luu-tru-dam-may": (
        "Lưu trữ, chia sẻ và sao lưu tệp trên đám mây, có mã hóa và lưu phiên bản.",
        "Store, share and back up files in the cloud, encrypted and versioned.",
    ),
    "an-toan-thong-tin": (
        "Diệt virus, tường lửa, phát hiện và phản hồi tấn công cho máy tính và mạng của "
        "doanh nghiệp.",
        "Antivirus, firewalls, and attack detection and response for your computers and network.",
    ),
    "hop-dong-dien-tu": (
        "Ký hợp đồng điện tử và chữ ký số có giá trị pháp lý, không cần in và gửi giấy.",
        "Legally valid e-contracts and digital signatures, without printing or posting paper.",
    ),
    "iot-nong-nghiep": (
        "Cảm biến, tưới tự động và truy xuất nguồn gốc cho trang trại, vườn và ao nuôi.",
        "Sensors, automatic irrigation and traceability for farms, orchards and ponds.",
    ),
    "thuong-mai-dien-tu": (
        "Website bán hàng, kết nối vận chuyển và sàn thương mại điện tử cho cửa hàng của bạn.",
        "Online shops, delivery links and marketplaces for your store.",
    ),
}


def upgrade():
    with op.batch_alter_table("categories") as batch:
        batch.add_column(sa.Column("description_vi", sa.Text(), nullable=False, server_default=""))
        batch.add_column(sa.Column("description_en", sa.Text(), nullable=False, server_default=""))
        batch.add_column(
            sa.Column("active", sa.Boolean(), nullable=False, server_default=sa.true())
        )
        batch.add_column(sa.Column("merged_into_id", sa.Integer(), nullable=True))
        batch.create_foreign_key(
            "fk_categories_merged_into_id_categories",
            "categories",
            ["merged_into_id"],
            ["id"],
            ondelete="SET NULL",
        )
    with op.batch_alter_table("feature_definitions") as batch:
        batch.add_column(sa.Column("retired_at", sa.DateTime(), nullable=True))

    # The sentences move from code into the rows (only where the category still exists).
    categories = sa.table(
        "categories",
        sa.column("slug", sa.String),
        sa.column("description_vi", sa.Text),
        sa.column("description_en", sa.Text),
    )
    conn = op.get_bind()
    for slug, (vi, en) in DESCRIPTIONS.items():
        conn.execute(
            categories.update()
            .where(categories.c.slug == slug)
            .values(description_vi=vi, description_en=en)
        )

    op.create_table(
        "site_settings",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("contact_name", sa.String(200), nullable=False, server_default=""),
        sa.Column("contact_address", sa.String(300), nullable=False, server_default=""),
        sa.Column("contact_phone", sa.String(30), nullable=False, server_default=""),
        sa.Column("contact_email", sa.String(254), nullable=False, server_default=""),
        sa.Column("contact_hours", sa.String(200), nullable=False, server_default=""),
        sa.Column("banner_vi", sa.String(500), nullable=False, server_default=""),
        sa.Column("banner_en", sa.String(500), nullable=False, server_default=""),
        sa.Column("banner_level", sa.String(10), nullable=False, server_default="info"),
        sa.Column("banner_ends_on", sa.Date(), nullable=True),
        sa.Column("banner_revision", sa.Integer(), nullable=False, server_default="0"),
        sa.Column("terms_version", sa.String(10), nullable=True),
        sa.Column("privacy_version", sa.String(10), nullable=True),
        sa.Column("updated_at", sa.DateTime(), nullable=True),
        sa.CheckConstraint(
            "banner_level IN ('info', 'warning')", name=op.f("ck_site_settings_banner_level")
        ),
    )


def downgrade():
    op.drop_table("site_settings")
    with op.batch_alter_table("feature_definitions") as batch:
        batch.drop_column("retired_at")
    with op.batch_alter_table("categories") as batch:
        batch.drop_constraint("fk_categories_merged_into_id_categories", type_="foreignkey")
        batch.drop_column("merged_into_id")
        batch.drop_column("active")
        batch.drop_column("description_en")
        batch.drop_column("description_vi")
