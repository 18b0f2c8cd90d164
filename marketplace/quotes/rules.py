"""The rules of quotes: the moves between statuses, the limits and checks of a request and
of an offer, and the domain's errors.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from marketplace.accounts.validation import normalise_phone
from marketplace.catalog.models import Plan, Solution
from marketplace.core.errors import DomainError
from marketplace.core.formatting import format_number, format_vnd
from marketplace.quotes.models import QuoteRequest, QuoteStatus
from marketplace.quotes.vat import VAT_TREATMENTS, line_vat

S = QuoteStatus

MAX_USERS = 100_000
MAX_TEXT = 2000
MAX_MESSAGE = 2000
MAX_TERMS = 4000
MAX_DESCRIPTION = 200
MAX_START_AHEAD_DAYS = 366
MAX_LINES = 10
MAX_QUANTITY = 100_000
# The largest price of one unit, and of one line or offer: beyond these a typo is likelier.
MAX_UNIT_PRICE = 10_000_000_000  # 10 tỷ đồng
MAX_TOTAL = 100_000_000_000  # 100 tỷ đồng
MAX_VALIDITY_DAYS = 180
MAX_MESSAGES = 200  # per quote: a thread, not a chat

BUDGETS: dict[str, object] = {
    "lt10m": _l("Dưới 10 triệu đồng"),
    "10m-50m": _l("10 – 50 triệu đồng"),
    "50m-200m": _l("50 – 200 triệu đồng"),
    "200m-1b": _l("200 triệu – 1 tỷ đồng"),
    "gt1b": _l("Trên 1 tỷ đồng"),
}

# (from, to) → the audit action of the move.
TRANSITIONS: dict[tuple[str, str], str] = {
    (S.REQUESTED, S.OFFERED): "quote.offer",
    (S.OFFERED, S.OFFERED): "quote.offer",  # a new offer replaces the standing one
    (S.OFFERED, S.REQUESTED): "quote.retract",  # the vendor takes its offer back
    (S.OFFERED, S.ACCEPTED): "quote.accept",
    (S.OFFERED, S.DECLINED): "quote.decline",
    (S.OFFERED, S.EXPIRED): "quote.expire",
    (S.REQUESTED, S.WITHDRAWN): "quote.withdraw",
    (S.REQUESTED, S.CLOSED): "quote.close",
}


class QuoteError(DomainError):
    """A rule was broken; `field` names the form field the message belongs to (or None)."""


class QuoteValidationError(QuoteError):
    """The details are not acceptable; `errors` maps each field to its message."""

    def __init__(self, errors: dict[str, str]) -> None:
        first_field, first = next(iter(errors.items()))
        super().__init__(first, first_field)
        self.errors = errors


class DuplicateQuoteError(QuoteError):
    """The organisation already has an open quote request for this solution."""

    def __init__(self, existing: QuoteRequest | None = None) -> None:
        super().__init__(
            _(
                "Doanh nghiệp của bạn đã có một yêu cầu báo giá đang mở cho giải pháp này. "
                "Bạn có thể theo dõi trong mục “Báo giá của tôi”."
            )
        )
        self.existing = existing


@dataclass
class QuoteInput:
    """What the enterprise typed in the request form."""

    plan_id: int | None  # None: a custom package
    users_count: int | None
    needs: str = ""
    desired_start: dt.date | None = None
    budget: str | None = None
    message: str = ""
    contact_name: str = ""
    contact_phone: str = ""


@dataclass
class LineInput:
    """One line the vendor typed: a plan (by id) or a custom item."""

    plan_id: int | None
    description: str
    quantity: int | None
    unit_price_vnd: int | None
    vat: str


@dataclass
class OfferInput:
    lines: list[LineInput]
    valid_until: dt.date | None
    terms: str = ""


@dataclass
class PricedLine:
    plan_id: int | None
    description: str
    quantity: int
    unit_price_vnd: int
    vat: str
    amount_vnd: int
    vat_vnd: int


@dataclass
class PricedOffer:
    lines: list[PricedLine] = field(default_factory=list)
    subtotal_vnd: int = 0
    vat_vnd: int = 0
    total_vnd: int = 0


def quote_plans(solution: Solution) -> list[Plan]:
    """Return the plans a quote may name: the solution's active ones."""
    return [p for p in solution.plans if p.active]


def validate_request(solution: Solution, data: QuoteInput, *, today: dt.date) -> dict[str, str]:
    """Return field → message for every problem of a quote request (empty when fine)."""
    errors: dict[str, str] = {}
    if data.plan_id is not None and data.plan_id not in {p.id for p in quote_plans(solution)}:
        errors["plan"] = _("Vui lòng chọn một gói của giải pháp này, hoặc “Theo nhu cầu”.")
    if data.users_count is None or not 1 <= data.users_count <= MAX_USERS:
        errors["users_count"] = _("Số người dùng phải từ 1 đến %(n)s.", n=format_number(MAX_USERS))
    if len(data.needs or "") > MAX_TEXT:
        errors["needs"] = _("Nội dung không được dài quá %(n)d ký tự.", n=MAX_TEXT)
    if data.desired_start is not None and not (
        today <= data.desired_start <= today + dt.timedelta(days=MAX_START_AHEAD_DAYS)
    ):
        errors["desired_start"] = _("Ngày bắt đầu phải từ hôm nay đến trong vòng một năm.")
    if data.budget and data.budget not in BUDGETS:
        errors["budget"] = _("Lựa chọn không hợp lệ.")
    if len(data.message or "") > MAX_MESSAGE:
        errors["message"] = _("Nội dung không được dài quá %(n)d ký tự.", n=MAX_MESSAGE)
    name = (data.contact_name or "").strip()
    if not name:
        errors["contact_name"] = _("Vui lòng nhập người liên hệ.")
    elif len(name) > 120:
        errors["contact_name"] = _("Nội dung không được dài quá %(n)d ký tự.", n=120)
    if normalise_phone(data.contact_phone or "") is None:
        errors["contact_phone"] = _(
            "Số điện thoại không hợp lệ. Ví dụ: 0912 345 678 hoặc 0220 3852 123."
        )
    return errors


def price_offer(solution: Solution, data: OfferInput, *, today: dt.date) -> PricedOffer:
    """Check an offer and compute its amounts, or raise QuoteValidationError.

    Errors are keyed like the form's fields: `lines-<i>-quantity`, `valid_until`, ….
    Amounts are integers (VND has no minor unit): amount = quantity × unit price,
    VAT per line (quotes.vat), totals the exact sums.
    """
    errors: dict[str, str] = {}
    plans = {p.id: p for p in quote_plans(solution)}
    priced = PricedOffer()
    for i, line in enumerate(data.lines):
        key = f"lines-{i}-"
        if line.plan_id is not None and line.plan_id not in plans:
            errors[key + "item"] = _(
                "Vui lòng chọn một gói của giải pháp này hoặc “Hạng mục khác”."
            )
            continue
        description = (line.description or "").strip()
        if line.plan_id is None and not description:
            errors[key + "description"] = _("Vui lòng mô tả hạng mục.")
        elif len(description) > MAX_DESCRIPTION:
            errors[key + "description"] = _(
                "Nội dung không được dài quá %(n)d ký tự.", n=MAX_DESCRIPTION
            )
        if line.quantity is None or not 1 <= line.quantity <= MAX_QUANTITY:
            errors[key + "quantity"] = _(
                "Số lượng phải là số nguyên từ 1 đến %(n)s.", n=format_number(MAX_QUANTITY)
            )
        if line.unit_price_vnd is None or not 1 <= line.unit_price_vnd <= MAX_UNIT_PRICE:
            errors[key + "unit_price"] = _(
                "Đơn giá phải là số nguyên từ 1 đến %(max)s.", max=format_vnd(MAX_UNIT_PRICE)
            )
        if line.vat not in VAT_TREATMENTS:
            errors[key + "vat"] = _("Vui lòng chọn thuế GTGT.")
        if any(k.startswith(key) for k in errors):
            continue
        amount = line.quantity * line.unit_price_vnd
        if amount > MAX_TOTAL:
            errors[key + "quantity"] = _(
                "Thành tiền của dòng vượt quá %(max)s.", max=format_vnd(MAX_TOTAL)
            )
            continue
        if line.plan_id is not None and not description:
            description = plans[line.plan_id].name
        vat = line_vat(amount, line.vat)
        priced.lines.append(
            PricedLine(
                line.plan_id, description, line.quantity, line.unit_price_vnd, line.vat, amount, vat
            )
        )
    if not data.lines:
        errors["lines-0-description"] = _("Báo giá cần ít nhất một dòng.")
    elif len(data.lines) > MAX_LINES:
        errors["lines-0-description"] = _("Báo giá có tối đa %(n)d dòng.", n=MAX_LINES)
    if data.valid_until is None:
        errors["valid_until"] = _("Vui lòng nhập ngày hết hiệu lực.")
    elif not today <= data.valid_until <= today + dt.timedelta(days=MAX_VALIDITY_DAYS):
        errors["valid_until"] = _(
            "Ngày hết hiệu lực phải từ hôm nay đến %(n)d ngày tới.", n=MAX_VALIDITY_DAYS
        )
    if len(data.terms or "") > MAX_TERMS:
        errors["terms"] = _("Nội dung không được dài quá %(n)d ký tự.", n=MAX_TERMS)
    priced.subtotal_vnd = sum(line.amount_vnd for line in priced.lines)
    priced.vat_vnd = sum(line.vat_vnd for line in priced.lines)
    priced.total_vnd = priced.subtotal_vnd + priced.vat_vnd
    if not errors and priced.total_vnd > MAX_TOTAL:
        errors["lines-0-quantity"] = _("Tổng báo giá vượt quá %(max)s.", max=format_vnd(MAX_TOTAL))
    if errors:
        raise QuoteValidationError(errors)
    return priced
