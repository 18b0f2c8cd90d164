"""What the audit log calls the operator's console actions (see core/audit.py); its objects
(people, organisations) are the accounts' tables, described there."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

ACTIONS = {
    "admin.user_deactivate": _l("Khóa tài khoản"),
    "admin.user_reactivate": _l("Mở khóa tài khoản"),
    "admin.user_password_reset": _l("Gửi e-mail đặt lại mật khẩu"),
    "admin.user_resend_verification": _l("Gửi lại e-mail xác thực"),
    "admin.user_throttle_clear": _l("Xóa bộ đếm đăng nhập sai"),
    "admin.staff_role_change": _l("Đổi vai trò vận hành"),
    "admin.staff_invite": _l("Mời kiểm duyệt viên / quản trị viên"),
    "admin.staff_invite_resend": _l("Gửi lại lời mời vận hành"),
    "admin.staff_invite_accept": _l("Nhận lời mời vận hành"),
    "admin.organization_edit": _l("Sửa hồ sơ tổ chức (quản trị)"),
    "admin.organization_deactivate": _l("Ngừng hoạt động tổ chức"),
    "admin.organization_reactivate": _l("Cho tổ chức hoạt động trở lại"),
    "admin.organization_merge": _l("Gộp tổ chức trùng lặp"),
}
