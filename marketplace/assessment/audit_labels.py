"""What the audit log calls the self-assessment's actions and objects (core/audit.py)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from marketplace.core.audit import AuditKind

ACTIONS = {
    "assessment.complete": _l("Hoàn thành tự đánh giá mức độ sẵn sàng"),
    "assessment.attach": _l("Gắn bài tự đánh giá vào tài khoản"),
}

OBJECTS = {
    "assessments": AuditKind(_l("Bài tự đánh giá"), numbered=True),
}
