"""What the audit log calls the catalogue's actions and objects (see core/audit.py)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from marketplace.core.audit import AuditKind

ACTIONS = {
    "solution.create": _l("Tạo bản nháp"),
    "solution.submit": _l("Gửi duyệt"),
    "solution.withdraw": _l("Rút lại"),
    "solution.approve": _l("Phê duyệt và xuất bản"),
    "solution.reject": _l("Từ chối"),
    "solution.suspend": _l("Tạm ngưng"),
    "solution.restore": _l("Khôi phục"),
    "solution.archive": _l("Lưu trữ"),
    "revision.submit": _l("Gửi duyệt bản chỉnh sửa"),
    "revision.withdraw": _l("Rút lại bản chỉnh sửa"),
    "revision.approve": _l("Phê duyệt bản chỉnh sửa"),
    "revision.reject": _l("Từ chối bản chỉnh sửa"),
    "vendor.profile": _l("Sửa hồ sơ công khai của nhà cung cấp"),
    "category.create": _l("Thêm danh mục"),
    "category.update": _l("Sửa danh mục"),
    "category.move": _l("Đổi thứ tự danh mục"),
    "category.retire": _l("Ngừng sử dụng danh mục"),
    "category.restore": _l("Khôi phục danh mục"),
    "category.delete": _l("Xóa danh mục"),
    "solution.category_move": _l("Chuyển giải pháp sang danh mục khác"),
    "feature.create": _l("Thêm tính năng so sánh"),
    "feature.update": _l("Sửa tính năng so sánh"),
    "feature.move": _l("Đổi thứ tự tính năng"),
    "feature.retire": _l("Ngừng sử dụng tính năng"),
    "feature.restore": _l("Khôi phục tính năng"),
}

OBJECTS = {
    "solutions": AuditKind(_l("Giải pháp"), "moderation.solution", "solution_id"),
    "solution_revisions": AuditKind(
        _l("Bản chỉnh sửa giải pháp"), "moderation.revision", "revision_id"
    ),
    "categories": AuditKind(_l("Danh mục"), "category_admin.edit", "category_id", roles=("admin",)),
    "feature_definitions": AuditKind(_l("Tính năng so sánh")),
}
