"""What the audit log calls the needs board's actions and objects (see core/audit.py)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from marketplace.core.audit import AuditKind

ACTIONS = {
    "need.post": _l("Đăng bài toán"),
    # services._move writes "need.<status>" for each status a need moves to.
    "need.open": _l("Duyệt và công bố bài toán"),
    "need.rejected": _l("Từ chối bài toán"),
    "need.awarded": _l("Chọn đề xuất thắng"),
    "need.not_awarded": _l("Đóng bài toán không chọn đề xuất"),
    "need.expired": _l("Bài toán hết hạn"),
    "need.ask": _l("Hỏi về bài toán"),
    "need.answer": _l("Trả lời câu hỏi về bài toán"),
    "need.propose": _l("Gửi đề xuất"),
    "need.edit_proposal": _l("Sửa đề xuất"),
    "need.withdraw_proposal": _l("Rút đề xuất"),
    "need.shortlist": _l("Đưa vào / bỏ khỏi danh sách rút gọn"),
    "need.trial": _l("Yêu cầu dùng thử từ đề xuất"),
    "need.alerts": _l("Bật / tắt thông báo bài toán mới"),
}

OBJECTS = {
    # Their labels already carry the need's number ("#12 Phần mềm kế toán …").
    "needs": AuditKind(_l("Bài toán"), "needs.moderation_need", "need_id"),
    "proposals": AuditKind(_l("Đề xuất cho bài toán")),
}
