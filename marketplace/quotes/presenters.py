"""Labels and links of quotes: statuses, the actions a quote allows, each party's link."""

from __future__ import annotations

from flask_babel import gettext as _
from flask_babel import pgettext

from marketplace.core.urls import path_for
from marketplace.quotes.models import OfferStatus, QuoteRequest, QuoteStatus
from marketplace.quotes.rules import BUDGETS
from marketplace.quotes.vat import VAT_LABELS

S = QuoteStatus


def enterprise_link(quote: QuoteRequest) -> str:
    return path_for("quotes.my_quote", quote_id=quote.id)


def vendor_link(quote: QuoteRequest) -> str:
    return path_for("quotes.vendor_quote", quote_id=quote.id)


def quote_label(quote: QuoteRequest) -> str:
    return f"{quote.solution.name} — {quote.organization.name}"[:200]


def status_label(status: str) -> str:
    """Return the glossary word of a quote status."""
    return {
        S.REQUESTED: _("Chờ báo giá"),
        S.OFFERED: _("Đã gửi báo giá"),
        S.ACCEPTED: _("Đã chấp nhận"),
        S.DECLINED: pgettext("quote status", "Bị từ chối"),
        S.EXPIRED: _("Hết hiệu lực"),
        S.WITHDRAWN: _("Đã rút yêu cầu"),
        S.CLOSED: _("Đã đóng"),
    }.get(status, status)


def status_class(status: str) -> str:
    return {
        S.REQUESTED: "text-bg-warning",
        S.OFFERED: "text-bg-primary",
        S.ACCEPTED: "text-bg-success",
    }.get(status, "text-bg-secondary")


def offer_status_label(status: str) -> str:
    return {
        OfferStatus.CURRENT: _("Đang có hiệu lực"),
        OfferStatus.REPLACED: _("Đã được thay thế"),
        OfferStatus.RETRACTED: _("Nhà cung cấp đã rút"),
        OfferStatus.ACCEPTED: _("Đã chấp nhận"),
        OfferStatus.DECLINED: pgettext("quote status", "Bị từ chối"),
        OfferStatus.EXPIRED: _("Hết hiệu lực"),
    }.get(status, status)


def budget_label(budget: str | None) -> str:
    return str(BUDGETS.get(budget, "")) if budget else ""


def vat_label(vat: str) -> str:
    return str(VAT_LABELS.get(vat, vat))


def plan_or_custom(quote: QuoteRequest) -> str:
    return quote.plan.name if quote.plan is not None else _("Theo nhu cầu")
