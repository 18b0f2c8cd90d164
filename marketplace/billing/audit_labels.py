"""What the audit log calls billing's actions and objects (see core/audit.py)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_babel import lazy_pgettext

from marketplace.core.audit import AuditKind

ACTIONS = {
    "payment.checkout": _l("Tạo phiên thanh toán"),
    # payments.audit_payment writes "payment.<status>" for every PaymentStatus.
    "payment.pending": _l("Ghi nhận thanh toán đang chờ"),
    "payment.paid": _l("Thanh toán thành công"),
    "payment.failed": _l("Thanh toán thất bại"),
    "payment.expired": _l("Phiên thanh toán hết hạn"),
    "subscription.create": _l("Tạo gói đăng ký"),
    "subscription.update": _l("Cập nhật gói đăng ký"),
    "subscription.cancel_at_period_end": _l("Hủy gói khi hết kỳ"),
    "order.created": _l("Đặt đơn hàng"),
    "order.paid": _l("Đơn hàng đã thanh toán"),
    "order.cancelled": _l("Hủy đơn hàng"),
    "order.expired": _l("Đơn hàng hết hạn thanh toán"),
    "order.refunded": _l("Hoàn tiền đơn hàng"),
    "order.einvoice_recorded": _l("Ghi nhận hóa đơn điện tử"),
    "service_period.auto_renew": _l("Bật / tắt tự động gia hạn"),
    "bank_account.change_requested": _l("Yêu cầu đổi tài khoản nhận chuyển khoản"),
    "bank_account.confirmed": _l("Xác nhận tài khoản nhận chuyển khoản"),
    "bank_account.rejected": _l("Từ chối tài khoản nhận chuyển khoản"),
    "bank_notification.received": _l("Nhận báo có từ ngân hàng"),
    "bank_notification.resolved": _l("Xử lý báo có từ ngân hàng"),
}

OBJECTS = {
    "payments": AuditKind(_l("Thanh toán"), numbered=True),
    "subscriptions": AuditKind(_l("Gói thuê bao"), numbered=True),
    "orders": AuditKind(lazy_pgettext("audit object", "Đơn hàng"), "billing.order", "order_id"),
    "service_periods": AuditKind(_l("Kỳ sử dụng dịch vụ")),
    "vendor_bank_accounts": AuditKind(
        _l("Tài khoản nhận chuyển khoản"), "billing.moderation_bank_accounts"
    ),
    "bank_notifications": AuditKind(
        _l("Báo có ngân hàng"), "billing.moderation_notifications", numbered=True
    ),
}
