"""What the audit log calls the trials' actions and objects (see core/audit.py)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from marketplace.core.audit import AuditKind

ACTIONS = {
    "trial.request": _l("Đăng ký dùng thử"),
    "trial.accept": _l("Chấp nhận yêu cầu dùng thử"),
    "trial.decline": _l("Từ chối yêu cầu dùng thử"),
    "trial.start": _l("Bắt đầu dùng thử"),
    "trial.end": _l("Kết thúc dùng thử"),
    "trial.convert": _l("Chuyển sang trả phí"),
    "trial.cancel": _l("Hủy yêu cầu dùng thử"),
}

OBJECTS = {
    "trial_requests": AuditKind(
        _l("Yêu cầu dùng thử"), "trials.staff_trial", "trial_id", numbered=True
    ),
}
