"""What the audit log calls the support programme's actions and objects (core/audit.py)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from marketplace.core.audit import AuditKind

ACTIONS = {
    "programme.version_added": _l("Thêm phiên bản quy định hỗ trợ"),
    "programme.opt_in_requested": _l("Đăng ký đưa gói vào chương trình hỗ trợ"),
    "programme.opt_in_approved": _l("Chấp nhận gói vào chương trình hỗ trợ"),
    "programme.opt_in_rejected": _l("Từ chối gói vào chương trình hỗ trợ"),
    "programme.applied": _l("Nộp hồ sơ đề nghị hỗ trợ"),
    "programme.application_approved": _l("Duyệt hồ sơ đề nghị hỗ trợ"),
    "programme.application_rejected": _l("Từ chối hồ sơ đề nghị hỗ trợ"),
    "programme.disbursed": _l("Ghi nhận đã chi hỗ trợ"),
}

OBJECTS = {
    "programme_versions": AuditKind(
        _l("Phiên bản quy định hỗ trợ"), "programme.rules", roles=("admin",)
    ),
    "programme_plan_opt_ins": AuditKind(_l("Gói tham gia chương trình hỗ trợ"), "programme.queue"),
    # Their labels are the order's number.
    "programme_applications": AuditKind(
        _l("Hồ sơ đề nghị hỗ trợ"), "programme.application", "application_id", numbered=True
    ),
}
