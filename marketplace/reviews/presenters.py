"""Labels and links of reviews: sorts, aspects, statuses and each page's link."""

from __future__ import annotations

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from marketplace.core.urls import path_for
from marketplace.reviews.models import (
    ReportStatus,
    Review,
    ReviewStatus,
)

SORT_LABELS = {
    "helpful": _l("Hữu ích nhất"),
    "newest": _l("Mới nhất"),
    "highest": _l("Điểm cao nhất"),
    "lowest": _l("Điểm thấp nhất"),
}
ASPECT_LABELS = {
    "ease_of_use": _l("Dễ sử dụng"),
    "features": _l("Tính năng"),
    "support": _l("Hỗ trợ"),
    "value": _l("Đáng giá tiền"),
}


def public_link(review: Review) -> str:
    return path_for("catalog.solution", slug=review.solution.slug, _anchor=f"review-{review.id}")


def form_link(review: Review) -> str:
    return path_for("reviews.write", slug=review.solution.slug)


def moderation_link(review: Review) -> str:
    return path_for("reviews.moderation_review", review_id=review.id)


def review_label(review: Review) -> str:
    return f"{review.solution.name} — {review.organization.name}"[:200]


def status_label(status: str) -> str:
    return {
        ReviewStatus.PUBLISHED: _("Đang hiển thị"),
        ReviewStatus.HIDDEN: _("Đã ẩn"),
    }.get(status, status)


def report_status_label(status: str) -> str:
    return {
        ReportStatus.OPEN: _("Chờ xử lý"),
        ReportStatus.DISMISSED: _("Đã bỏ qua"),
        ReportStatus.UPHELD: _("Đã ẩn nhận xét"),
    }.get(status, status)
