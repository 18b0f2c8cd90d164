"""What the audit log calls the quotes' actions and objects (see core/audit.py)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from marketplace.core.audit import AuditKind

ACTIONS = {
    "quote.request": _l("Gửi yêu cầu báo giá"),
    "quote.offer": _l("Gửi báo giá"),
    "quote.retract": _l("Rút báo giá"),
    "quote.accept": _l("Chấp nhận báo giá"),
    "quote.decline": _l("Từ chối báo giá"),
    "quote.expire": _l("Báo giá hết hạn"),
    "quote.withdraw": _l("Rút yêu cầu báo giá"),
    "quote.close": _l("Đóng yêu cầu báo giá"),
    "quote.assign": _l("Giao yêu cầu báo giá cho người phụ trách"),
}

OBJECTS = {
    "quote_requests": AuditKind(
        _l("Yêu cầu báo giá"), "quotes.staff_quote", "quote_id", numbered=True
    ),
}
