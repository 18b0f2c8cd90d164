"""Demo data of the console's settings: the operating centre's contact details, an
announcement, a subcategory with its own vocabulary and a retired feature.

Made through the same services the console uses (so the audit log shows them), once: each
step looks first whether it was done.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select

from marketplace.accounts.models import User
from marketplace.catalog import category_admin, feature_admin
from marketplace.catalog.models import Category, FeatureDefinition
from marketplace.core import site_settings
from marketplace.core.clock import local_today
from marketplace.extensions import db

CONTACT = {
    "contact_name": "Trung tâm Giám sát, điều hành đô thị thông minh (IOC) thành phố Hải Phòng",
    "contact_address": "Số 18 Hoàng Diệu, phường Hồng Bàng, thành phố Hải Phòng",
    "contact_phone": "0225 3 842 123",
    "contact_email": "chogiaiphapso@haiphong.gov.vn",
    "contact_hours": "Thứ Hai – Thứ Sáu, 7:30–11:30 và 13:30–17:00",
}
BANNER_VI = (
    "Tuần lễ chuyển đổi số: đăng ký dùng thử miễn phí hóa đơn điện tử và kế toán đến hết tháng này."
)
BANNER_EN = "Digital transformation week: free e-invoice and accounting trials until month end."
SUBCATEGORY = {
    "name_vi": "Văn phòng điện tử",
    "name_en": "E-office",
    "slug": "van-phong-dien-tu",
    "description_vi": "Quản lý văn bản đến – đi, trình ký, giao việc và lịch họp trên di động.",
    "description_en": "Incoming and outgoing documents, approvals, tasks and meetings on mobile.",
}
SUBCATEGORY_FEATURES = [
    ("document_flow", "bool", "Luồng văn bản đến – đi", "Document flow"),
    ("digital_signing", "bool", "Ký số văn bản", "Digital signing"),
    ("task_tracking", "bool", "Giao việc và theo dõi", "Task tracking"),
    ("users_included", "text", "Số người dùng", "Users included"),
]
RETIRED = ("hoa-don-dien-tu", "storage_years")


def seed_subcategory() -> None:
    """Add the demo subcategory with its vocabulary (idempotent); before the catalogue, which
    lists a solution in it."""
    admin = db.session.scalar(select(User).where(User.email == "admin@demo.vn"))
    if admin is None:
        return
    if db.session.scalar(select(Category).where(Category.slug == SUBCATEGORY["slug"])) is None:
        parent = db.session.scalar(select(Category).where(Category.slug == "quan-tri-doanh-nghiep"))
        category = category_admin.create_category(
            admin, {**SUBCATEGORY, "parent_id": parent.id if parent else None}
        )
        for key, kind, label_vi, label_en in SUBCATEGORY_FEATURES:
            feature_admin.add_feature(
                admin,
                category,
                {"key": key, "kind": kind, "label_vi": label_vi, "label_en": label_en},
            )


def seed_settings() -> None:
    """Create the console's demo settings (idempotent)."""
    admin = db.session.scalar(select(User).where(User.email == "admin@demo.vn"))
    if admin is None:
        return
    if db.session.get(site_settings.SiteSettings, site_settings.ROW_ID) is None:
        site_settings.update_contact(admin, CONTACT)
        site_settings.update_banner(
            admin,
            text_vi=BANNER_VI,
            text_en=BANNER_EN,
            level="info",
            ends_on=local_today() + dt.timedelta(days=30),
        )
    slug, key = RETIRED
    feature = db.session.scalar(
        select(FeatureDefinition)
        .join(Category)
        .where(Category.slug == slug, FeatureDefinition.key == key)
    )
    if feature is not None and not feature.retired:
        feature_admin.retire_feature(admin, feature)
    db.session.flush()
