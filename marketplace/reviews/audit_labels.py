"""What the audit log calls the reviews' actions and objects (see core/audit.py)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from marketplace.core.audit import AuditKind

ACTIONS = {
    "review.hide": _l("Ẩn nhận xét"),
    "review.restore": _l("Hiển thị lại nhận xét"),
    "review.dismiss_reports": _l("Bỏ qua báo cáo vi phạm"),
}

OBJECTS = {
    "reviews": AuditKind(_l("Nhận xét"), "reviews.moderation_review", "review_id"),
    "review_reports": AuditKind(_l("Báo cáo nhận xét"), numbered=True),
}
