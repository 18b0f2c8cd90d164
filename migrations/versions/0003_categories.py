"""Reference data: the category tree and each category's comparable features.

Revision ID: 0003_categories
Revises: 0002_catalog
Create Date: 2026-11-26 05:30:00

"""

import sqlalchemy as sa
from alembic import op

revision = "0003_categories"
down_revision = "0002_catalog"
branch_labels = None
depends_on = None

# (slug, parent slug, Vietnamese name, English name)
CATEGORIES = [
    ("quan-tri-doanh-nghiep", None, "Quản trị doanh nghiệp", "Business management"),
    ("ke-toan", "quan-tri-doanh-nghiep", "Kế toán", "Accounting"),
    ("hoa-don-dien-tu", "quan-tri-doanh-nghiep", "Hóa đơn điện tử", "E-invoicing"),
    ("nhan-su-tien-luong", "quan-tri-doanh-nghiep", "Nhân sự – tiền lương", "HR and payroll"),
    ("crm", "quan-tri-doanh-nghiep", "Quản lý khách hàng (CRM)", "CRM"),
    ("ban-hang", "quan-tri-doanh-nghiep", "Quản lý bán hàng", "Sales management"),
    ("ha-tang-so", None, "Hạ tầng số", "Digital infrastructure"),
    ("may-chu-dam-may", "ha-tang-so", "Máy chủ đám mây", "Cloud servers"),
    ("luu-tru-dam-may", "ha-tang-so", "Lưu trữ đám mây", "Cloud storage"),
    ("an-toan-thong-tin", None, "An toàn thông tin", "Cybersecurity"),
    ("hop-dong-dien-tu", None, "Hợp đồng điện tử & chữ ký số", "E-contracts & digital signatures"),
    ("iot-nong-nghiep", None, "IoT – nông nghiệp thông minh", "IoT – smart agriculture"),
    ("thuong-mai-dien-tu", None, "Thương mại điện tử", "E-commerce"),
]

# category slug → [(key, kind, Vietnamese label, English label)]
FEATURES = {
    "ke-toan": [
        ("tt133", "bool", "Theo Thông tư 133/2016/TT-BTC", "Circular 133/2016 compliant"),
        ("tt200", "bool", "Theo Thông tư 200/2014/TT-BTC", "Circular 200/2014 compliant"),
        ("e_invoice_link", "bool", "Kết nối hóa đơn điện tử", "E-invoice integration"),
        ("bank_link", "bool", "Kết nối ngân hàng", "Bank integration"),
        ("tax_filing", "bool", "Nộp tờ khai thuế điện tử", "Electronic tax filing"),
        ("inventory", "bool", "Quản lý kho", "Inventory"),
        ("mobile_app", "bool", "Ứng dụng di động", "Mobile app"),
        ("users_included", "text", "Số người dùng", "Users included"),
    ],
    "hoa-don-dien-tu": [
        ("decree_123", "bool", "Theo Nghị định 123/2020/NĐ-CP", "Decree 123/2020 compliant"),
        (
            "tax_authority_code",
            "bool",
            "Hóa đơn có mã của cơ quan thuế",
            "Tax-authority-coded invoices",
        ),
        ("cash_register", "bool", "Hóa đơn khởi tạo từ máy tính tiền", "Cash-register invoices"),
        ("api", "bool", "API tích hợp", "Integration API"),
        ("bulk_issue", "bool", "Phát hành hàng loạt", "Bulk issuing"),
        ("invoices_included", "text", "Số hóa đơn", "Invoices included"),
        ("storage_years", "text", "Thời gian lưu trữ", "Storage period"),
        ("mobile_app", "bool", "Ứng dụng di động", "Mobile app"),
    ],
    "nhan-su-tien-luong": [
        ("timekeeping", "bool", "Chấm công", "Time and attendance"),
        ("payroll", "bool", "Tính lương", "Payroll"),
        ("social_insurance", "bool", "Báo cáo bảo hiểm xã hội", "Social insurance reports"),
        ("pit", "bool", "Quyết toán thuế TNCN", "Personal income tax settlement"),
        ("self_service", "bool", "Cổng nhân viên tự phục vụ", "Employee self-service"),
        ("mobile_app", "bool", "Ứng dụng di động", "Mobile app"),
        ("employees_max", "text", "Số nhân sự tối đa", "Maximum employees"),
    ],
    "crm": [
        ("pipeline", "bool", "Quản lý cơ hội bán hàng", "Sales pipeline"),
        ("zalo", "bool", "Tích hợp Zalo OA", "Zalo OA integration"),
        ("call_center", "bool", "Tổng đài tích hợp", "Built-in call centre"),
        ("email_marketing", "bool", "E-mail marketing", "E-mail marketing"),
        ("mobile_app", "bool", "Ứng dụng di động", "Mobile app"),
        ("users_included", "text", "Số người dùng", "Users included"),
    ],
    "ban-hang": [
        ("pos", "bool", "Bán hàng tại quầy (POS)", "Point of sale"),
        ("marketplace_sync", "bool", "Đồng bộ sàn thương mại điện tử", "Marketplace sync"),
        ("inventory", "bool", "Quản lý kho", "Inventory"),
        ("e_invoice_link", "bool", "Kết nối hóa đơn điện tử", "E-invoice integration"),
        ("loyalty", "bool", "Khách hàng thân thiết", "Loyalty programme"),
        ("branches", "text", "Số chi nhánh", "Branches"),
    ],
    "may-chu-dam-may": [
        ("vcpu", "text", "vCPU", "vCPU"),
        ("ram", "text", "RAM", "RAM"),
        ("ssd", "text", "Ổ SSD", "SSD storage"),
        ("bandwidth", "text", "Băng thông", "Bandwidth"),
        ("static_ip", "bool", "IP tĩnh", "Static IP"),
        ("auto_backup", "bool", "Sao lưu tự động", "Automatic backup"),
        ("sla", "text", "Cam kết SLA", "SLA"),
        ("dc_vietnam", "bool", "Trung tâm dữ liệu tại Việt Nam", "Data centre in Vietnam"),
    ],
    "luu-tru-dam-may": [
        ("capacity", "text", "Dung lượng", "Capacity"),
        ("s3_api", "bool", "Tương thích S3", "S3-compatible"),
        ("versioning", "bool", "Lưu phiên bản tệp", "File versioning"),
        ("encryption", "bool", "Mã hóa dữ liệu", "Encryption"),
        ("sharing", "bool", "Chia sẻ tệp", "File sharing"),
        ("dc_vietnam", "bool", "Trung tâm dữ liệu tại Việt Nam", "Data centre in Vietnam"),
    ],
    "an-toan-thong-tin": [
        ("antivirus", "bool", "Diệt virus", "Antivirus"),
        ("edr", "bool", "Phát hiện và phản hồi (EDR)", "Endpoint detection and response"),
        ("firewall", "bool", "Tường lửa", "Firewall"),
        ("monitoring_247", "bool", "Giám sát 24/7", "24/7 monitoring"),
        ("devices", "text", "Số thiết bị", "Devices"),
        ("compliance_level", "text", "Đáp ứng cấp độ an toàn", "Compliance level"),
    ],
    "hop-dong-dien-tu": [
        ("ca_signature", "bool", "Chữ ký số CA", "CA digital signature"),
        ("remote_signing", "bool", "Ký số từ xa", "Remote signing"),
        ("ekyc_signing", "bool", "Ký bằng OTP/eKYC", "OTP/eKYC signing"),
        ("templates", "bool", "Mẫu hợp đồng", "Contract templates"),
        ("api", "bool", "API tích hợp", "Integration API"),
        ("contracts_included", "text", "Số hợp đồng", "Contracts included"),
    ],
    "iot-nong-nghiep": [
        ("sensors", "text", "Cảm biến", "Sensors"),
        ("auto_irrigation", "bool", "Tưới tự động", "Automatic irrigation"),
        ("weather_alerts", "bool", "Cảnh báo thời tiết", "Weather alerts"),
        ("traceability", "bool", "Truy xuất nguồn gốc", "Traceability"),
        ("mobile_app", "bool", "Ứng dụng di động", "Mobile app"),
        ("offline_mode", "bool", "Hoạt động khi mất mạng", "Works offline"),
    ],
    "thuong-mai-dien-tu": [
        ("storefront", "bool", "Website bán hàng", "Online store"),
        ("payment_gateway", "bool", "Cổng thanh toán", "Payment gateway"),
        ("shipping", "bool", "Kết nối vận chuyển", "Shipping integration"),
        ("marketplace_sync", "bool", "Đồng bộ sàn thương mại điện tử", "Marketplace sync"),
        ("seo", "bool", "Tối ưu SEO", "SEO tools"),
        ("products_max", "text", "Số sản phẩm", "Products"),
    ],
}


def upgrade():
    conn = op.get_bind()
    categories = sa.table(
        "categories",
        sa.column("id", sa.Integer),
        sa.column("parent_id", sa.Integer),
        sa.column("slug", sa.String),
        sa.column("name_vi", sa.String),
        sa.column("name_en", sa.String),
        sa.column("position", sa.Integer),
    )
    features = sa.table(
        "feature_definitions",
        sa.column("category_id", sa.Integer),
        sa.column("key", sa.String),
        sa.column("label_vi", sa.String),
        sa.column("label_en", sa.String),
        sa.column("kind", sa.String),
        sa.column("position", sa.Integer),
    )
    ids = {}
    for position, (slug, parent, name_vi, name_en) in enumerate(CATEGORIES):
        result = conn.execute(
            categories.insert()
            .values(
                parent_id=ids.get(parent),
                slug=slug,
                name_vi=name_vi,
                name_en=name_en,
                position=position,
            )
            .returning(categories.c.id)
        )
        ids[slug] = result.scalar_one()
    rows = [
        {
            "category_id": ids[slug],
            "key": key,
            "kind": kind,
            "label_vi": label_vi,
            "label_en": label_en,
            "position": position,
        }
        for slug, items in FEATURES.items()
        for position, (key, kind, label_vi, label_en) in enumerate(items)
    ]
    op.bulk_insert(features, rows)


def downgrade():
    conn = op.get_bind()
    children = [slug for slug, parent, *_ in CATEGORIES if parent]
    top = [slug for slug, parent, *_ in CATEGORIES if not parent]
    all_slugs = children + top
    params = {f"s{i}": slug for i, slug in enumerate(all_slugs)}
    in_all = ", ".join(f":s{i}" for i in range(len(all_slugs)))
    conn.execute(
        sa.text(
            "DELETE FROM feature_definitions WHERE category_id IN "
            f"(SELECT id FROM categories WHERE slug IN ({in_all}))"
        ),
        params,
    )
    # Children first: the parent reference is RESTRICT.
    for group in (children, top):
        group_params = {f"g{i}": slug for i, slug in enumerate(group)}
        in_group = ", ".join(f":g{i}" for i in range(len(group)))
        conn.execute(sa.text(f"DELETE FROM categories WHERE slug IN ({in_group})"), group_params)
