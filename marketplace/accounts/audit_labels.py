"""What the audit log calls the accounts' actions and objects (see core/audit.py)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from marketplace.core.audit import AuditKind

ACTIONS = {
    "verification.request": _l("Yêu cầu xác thực"),
    "verification.approve": _l("Xác thực nhà cung cấp"),
    "verification.reject": _l("Từ chối xác thực"),
    "organization.rename": _l("Đổi tên tổ chức"),
    "organization_change.request": _l("Yêu cầu đổi tên / mã số thuế"),
    "organization_change.approve": _l("Phê duyệt đổi tên / mã số thuế"),
    "organization_change.reject": _l("Từ chối đổi tên / mã số thuế"),
    "organization_change.withdraw": _l("Rút lại yêu cầu đổi tên / mã số thuế"),
    "member.invite": _l("Mời thành viên"),
    "member.invitation_revoke": _l("Thu hồi lời mời"),
    "member.join": _l("Tham gia tổ chức"),
    "member.role_change": _l("Đổi vai trò thành viên"),
    "member.remove": _l("Xóa thành viên"),
    "member.leave": _l("Rời tổ chức"),
    "member.transfer_ownership": _l("Chuyển quyền sở hữu"),
    "member.join_request": _l("Yêu cầu tham gia tổ chức"),
    "member.join_accept": _l("Chấp nhận yêu cầu tham gia"),
    "member.join_refuse": _l("Từ chối yêu cầu tham gia"),
    "member.join_dispute": _l("Gửi tranh chấp quyền sở hữu"),
    "member.dispute_grant": _l("Trao quyền sở hữu tổ chức"),
    "member.dispute_dismiss": _l("Từ chối tranh chấp quyền sở hữu"),
    "user.email_verified": _l("Xác thực địa chỉ e-mail"),
    "user.email_changed": _l("Đổi địa chỉ e-mail"),
    "user.password_reset": _l("Đặt lại mật khẩu"),
    "user.erased": _l("Xóa tài khoản và dữ liệu cá nhân"),
}

OBJECTS = {
    # The console's pages of a person and of an organisation are the administrators'.
    "organizations": AuditKind(_l("Tổ chức"), "admin.organization", "org_id", roles=("admin",)),
    "users": AuditKind(_l("Tài khoản"), "admin.user", "user_id", roles=("admin",), numbered=True),
    "organization_changes": AuditKind(
        _l("Đổi tên / mã số thuế"), "moderation.organization_change", "change_id"
    ),
    "verification_requests": AuditKind(
        _l("Yêu cầu xác thực"), "moderation.verification", "request_id"
    ),
}
