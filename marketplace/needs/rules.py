"""The rules of the needs board: limits, the checks of a need and of a proposal, the price
normalisation, the labels of the statuses and the domain's errors.

The life of a need:

    pending → open (a moderator approves; matching vendors are alerted once) | rejected
    open → awarded (the enterprise chooses one proposal, once)
         | not_awarded (the enterprise closes it without choosing, with a reason)
         | expired (the daily job: no proposal at the deadline, or nobody chosen within
           AWARD_WINDOW_DAYS after it)

Visibility (sealed proposals): a vendor sees only its own proposal; the enterprise sees the
number of proposals before the deadline and their contents only after it (the day after the
deadline, Asia/Ho_Chi_Minh). Proposals are made and edited through the deadline day.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from marketplace.catalog.models import ONE_TIME_RANK_OFFSET, BillingPeriod, monthly_cost
from marketplace.core.errors import DomainError
from marketplace.core.formatting import format_number, format_vnd
from marketplace.needs.models import NeedStatus, ProposalStatus
from marketplace.quotes.vat import VAT_TREATMENTS, line_vat

MAX_TITLE = 160
MIN_TITLE = 10
MAX_PROBLEM = 4000
MIN_PROBLEM = 30
MAX_USERS = 100_000
MAX_MUST_HAVES = 10
MAX_MUST_HAVE = 120
MAX_BUDGET = 100_000_000_000  # 100 tỷ đồng: beyond it a typo is likelier
MAX_DEADLINE_DAYS = 90
MIN_DEADLINE_DAYS = 1  # at least tomorrow: vendors need a day to answer
MAX_QUESTION = 1000
MAX_ANSWER = 2000
MAX_QUESTIONS_PER_VENDOR = 10
MAX_NOTE = 2000
MAX_LINES = 10
MAX_QUANTITY = 100_000
MAX_UNIT_PRICE = 10_000_000_000
MAX_TOTAL = 100_000_000_000
MAX_IMPLEMENTATION_DAYS = 730
MAX_SOLUTIONS = 5
AWARD_WINDOW_DAYS = 30

STATUS_LABELS = {
    NeedStatus.PENDING: _l("Chờ duyệt"),
    NeedStatus.REJECTED: _l("Bị từ chối"),
    NeedStatus.OPEN: _l("Đang nhận đề xuất"),
    NeedStatus.AWARDED: _l("Đã chọn đề xuất"),
    NeedStatus.NOT_AWARDED: _l("Đóng, không chọn"),
    NeedStatus.EXPIRED: _l("Hết hạn"),
}
STATUS_CLASSES = {
    NeedStatus.PENDING: "text-bg-warning",
    NeedStatus.REJECTED: "text-bg-danger",
    NeedStatus.OPEN: "text-bg-primary",
    NeedStatus.AWARDED: "text-bg-success",
    NeedStatus.NOT_AWARDED: "text-bg-secondary",
    NeedStatus.EXPIRED: "text-bg-secondary",
}
PROPOSAL_LABELS = {
    ProposalStatus.SUBMITTED: _l("Đã gửi"),
    ProposalStatus.WITHDRAWN: _l("Đã rút"),
    ProposalStatus.AWARDED: _l("Được chọn"),
    ProposalStatus.NOT_SELECTED: _l("Không được chọn"),
}
PERIOD_LABELS = {
    BillingPeriod.MONTH: _l("/tháng"),
    BillingPeriod.YEAR: _l("/năm"),
    BillingPeriod.ONCE: _l("một lần"),
}
# The public budget bands (what anonymous visitors see instead of the exact range).
BUDGET_BANDS: list[tuple[int, object]] = [
    (10_000_000, _l("Dưới 10 triệu đồng")),
    (50_000_000, _l("10 – 50 triệu đồng")),
    (200_000_000, _l("50 – 200 triệu đồng")),
    (1_000_000_000, _l("200 triệu – 1 tỷ đồng")),
]
TOP_BAND = _l("Trên 1 tỷ đồng")


def budget_band(max_vnd: int) -> str:
    """Return the public band of a budget, by its upper end."""
    for limit, label in BUDGET_BANDS:
        if max_vnd <= limit:
            return str(label)
    return str(TOP_BAND)


class NeedError(DomainError):
    """A rule was broken; `field` names the form field the message belongs to (or None)."""


class NeedValidationError(NeedError):
    """The details are not acceptable; `errors` maps each field to its message."""

    def __init__(self, errors: dict[str, str]) -> None:
        first_field, first = next(iter(errors.items()))
        super().__init__(first, first_field)
        self.errors = errors


@dataclass
class NeedInput:
    title: str
    problem: str
    category_id: int | None
    users_count: int | None
    must_haves: list[str]
    budget_min_vnd: int | None
    budget_max_vnd: int | None
    deadline: dt.date | None
    commune_code: str | None
    show_name: bool


@dataclass
class LineInput:
    description: str
    quantity: int | None
    unit_price_vnd: int | None
    vat: str
    period: str


@dataclass
class ProposalInput:
    solution_ids: list[int]
    lines: list[LineInput]
    implementation_days: int | None
    trial_offered: bool
    covers: list[int]
    note: str = ""


@dataclass
class PricedLine:
    description: str
    quantity: int
    unit_price_vnd: int
    vat: str
    period: str
    amount_vnd: int
    vat_vnd: int


@dataclass
class PricedProposal:
    lines: list[PricedLine] = field(default_factory=list)
    subtotal_vnd: int = 0
    vat_vnd: int = 0
    total_vnd: int = 0
    first_year_vnd: int = 0


@dataclass(frozen=True)
class ProposalPrices:
    """How a proposal's price is compared (every figure with VAT).

    `monthly_vnd` is the recurring cost per month (monthly lines, plus the yearly lines ÷ 12
    by the catalogue's `monthly_cost`), None when nothing recurs; `one_time_vnd` the one-time
    lines, None when there are none; `first_year_vnd` the first year's total (information:
    monthly × 12 + yearly + one-time).
    """

    monthly_vnd: int | None
    one_time_vnd: int | None
    first_year_vnd: int

    @property
    def sort_key(self) -> tuple[int, int]:
        """The price order, as the catalogue's `price_rank`: recurring proposals by their
        monthly cost (then their one-time part), one-time-only proposals after them."""
        if self.monthly_vnd is not None:
            return (self.monthly_vnd, self.one_time_vnd or 0)
        return (ONE_TIME_RANK_OFFSET + (self.one_time_vnd or 0), 0)


def proposal_prices(lines) -> ProposalPrices:
    """Return the compared prices of a proposal's lines (each with `period`, `amount_vnd`
    and `vat_vnd`: a PricedLine or a stored ProposalLine)."""
    gross: dict[str, int] = {}
    for line in lines:
        gross[line.period] = gross.get(line.period, 0) + line.amount_vnd + line.vat_vnd
    month, year, once = (
        gross.get(p) for p in (BillingPeriod.MONTH, BillingPeriod.YEAR, BillingPeriod.ONCE)
    )
    monthly = None
    if month is not None or year is not None:
        monthly = (month or 0) + (monthly_cost(year, BillingPeriod.YEAR) if year else 0)
    return ProposalPrices(
        monthly_vnd=monthly,
        one_time_vnd=once,
        first_year_vnd=12 * (month or 0) + (year or 0) + (once or 0),
    )


def proposals_visible_to_buyer(deadline: dt.date, today: dt.date) -> bool:
    """Tell whether the enterprise may read the proposals' contents (after the deadline)."""
    return today > deadline


def accepts_proposals(deadline: dt.date, today: dt.date) -> bool:
    """Tell whether proposals may still be made or edited (through the deadline day)."""
    return today <= deadline


def clean_must_haves(items: list[str]) -> list[str]:
    """Trim, drop blanks and repeats (case-insensitive), keep the order typed."""
    seen: set[str] = set()
    kept = []
    for item in items:
        text = " ".join((item or "").split())
        if text and text.casefold() not in seen:
            seen.add(text.casefold())
            kept.append(text)
    return kept


def validate_need(data: NeedInput, *, today: dt.date, category_ids: set[int]) -> dict[str, str]:
    """Return field → message for every problem of a need (empty when fine)."""
    errors: dict[str, str] = {}
    title = (data.title or "").strip()
    if len(title) < MIN_TITLE:
        errors["title"] = _("Tiêu đề cần ít nhất %(n)d ký tự.", n=MIN_TITLE)
    elif len(title) > MAX_TITLE:
        errors["title"] = _("Nội dung không được dài quá %(n)d ký tự.", n=MAX_TITLE)
    problem = (data.problem or "").strip()
    if len(problem) < MIN_PROBLEM:
        errors["problem"] = _(
            "Hãy mô tả bài toán bằng lời của bạn (ít nhất %(n)d ký tự).", n=MIN_PROBLEM
        )
    elif len(problem) > MAX_PROBLEM:
        errors["problem"] = _("Nội dung không được dài quá %(n)d ký tự.", n=MAX_PROBLEM)
    if data.category_id is not None and data.category_id not in category_ids:
        errors["category"] = _("Lựa chọn không hợp lệ.")
    if data.users_count is None or not 1 <= data.users_count <= MAX_USERS:
        errors["users_count"] = _("Số người dùng phải từ 1 đến %(n)s.", n=format_number(MAX_USERS))
    if len(data.must_haves) > MAX_MUST_HAVES:
        errors["must_haves_other"] = _("Tối đa %(n)d tính năng bắt buộc.", n=MAX_MUST_HAVES)
    elif any(len(item) > MAX_MUST_HAVE for item in data.must_haves):
        errors["must_haves_other"] = _(
            "Mỗi tính năng không được dài quá %(n)d ký tự.", n=MAX_MUST_HAVE
        )
    low, high = data.budget_min_vnd, data.budget_max_vnd
    if low is None or not 0 <= low <= MAX_BUDGET:
        errors["budget_min"] = _(
            "Ngân sách là số nguyên từ 0 đến %(max)s.", max=format_vnd(MAX_BUDGET)
        )
    if high is None or not 1 <= high <= MAX_BUDGET:
        errors["budget_max"] = _(
            "Ngân sách là số nguyên từ 1 đến %(max)s.", max=format_vnd(MAX_BUDGET)
        )
    elif low is not None and low > high:
        errors["budget_max"] = _("Mức tối đa phải lớn hơn hoặc bằng mức tối thiểu.")
    if data.deadline is None:
        errors["deadline"] = _("Vui lòng nhập hạn nhận đề xuất.")
    elif not (
        today + dt.timedelta(days=MIN_DEADLINE_DAYS)
        <= data.deadline
        <= today + dt.timedelta(days=MAX_DEADLINE_DAYS)
    ):
        errors["deadline"] = _(
            "Hạn nhận đề xuất phải từ ngày mai đến trong vòng %(n)d ngày tới.",
            n=MAX_DEADLINE_DAYS,
        )
    return errors


def price_proposal(data: ProposalInput) -> PricedProposal:
    """Check a proposal's lines and compute its amounts, or raise NeedValidationError.

    Errors are keyed like the form's fields (`lines-<i>-quantity`, …). Amounts are integers:
    amount = quantity × unit price before VAT, VAT per line (quotes.vat), totals the exact
    sums. The first-year cost with VAT (stored, shown as information) counts a monthly line
    twelve times, a yearly or one-time line once; comparisons use `proposal_prices`.
    """
    errors: dict[str, str] = {}
    priced = PricedProposal()
    for i, line in enumerate(data.lines):
        key = f"lines-{i}-"
        description = " ".join((line.description or "").split())
        if not description:
            errors[key + "description"] = _("Vui lòng mô tả hạng mục.")
        elif len(description) > 200:
            errors[key + "description"] = _("Nội dung không được dài quá %(n)d ký tự.", n=200)
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
        if line.period not in PERIOD_LABELS:
            errors[key + "period"] = _("Vui lòng chọn kỳ thanh toán.")
        if any(k.startswith(key) for k in errors):
            continue
        amount = line.quantity * line.unit_price_vnd
        if amount > MAX_TOTAL:
            errors[key + "quantity"] = _(
                "Thành tiền của dòng vượt quá %(max)s.", max=format_vnd(MAX_TOTAL)
            )
            continue
        vat = line_vat(amount, line.vat)
        priced.lines.append(
            PricedLine(
                description, line.quantity, line.unit_price_vnd, line.vat, line.period, amount, vat
            )
        )
    if not data.lines:
        errors["lines-0-description"] = _("Đề xuất cần ít nhất một dòng giá.")
    elif len(data.lines) > MAX_LINES:
        errors["lines-0-description"] = _("Đề xuất có tối đa %(n)d dòng.", n=MAX_LINES)
    days = data.implementation_days
    if days is None or not 1 <= days <= MAX_IMPLEMENTATION_DAYS:
        errors["implementation_days"] = _(
            "Thời gian triển khai là số ngày từ 1 đến %(n)d.", n=MAX_IMPLEMENTATION_DAYS
        )
    if len(data.note or "") > MAX_NOTE:
        errors["note"] = _("Nội dung không được dài quá %(n)d ký tự.", n=MAX_NOTE)
    priced.subtotal_vnd = sum(line.amount_vnd for line in priced.lines)
    priced.vat_vnd = sum(line.vat_vnd for line in priced.lines)
    priced.total_vnd = priced.subtotal_vnd + priced.vat_vnd
    priced.first_year_vnd = proposal_prices(priced.lines).first_year_vnd
    if not errors and priced.first_year_vnd > MAX_TOTAL:
        errors["lines-0-quantity"] = _("Tổng đề xuất vượt quá %(max)s.", max=format_vnd(MAX_TOTAL))
    if errors:
        raise NeedValidationError(errors)
    return priced
