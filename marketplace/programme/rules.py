"""The programme's arithmetic, kept pure: support on an amount, capped by what is left.

Rounding: support = floor(amount × rate / 100), in whole đồng (VND has no minor unit), then
the smaller of that, the organisation's yearly cap left and the programme's budget left.
Rounding down favours the budget; the price after support is amount − support, so the two
always add up to the amount.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import lazy_gettext as _l

from marketplace.core.errors import DomainError

# The most a version accepts, to keep arithmetic far from BigInteger's limit (9.2e18).
MAX_AMOUNT_VND = 1_000_000_000_000_000  # 10^15 đồng


class ProgrammeError(DomainError):
    """A programme rule refused the action; `message` says why."""


class NotFoundError(ProgrammeError):
    status = 404


@dataclass(frozen=True)
class Support:
    """What the programme pays on an amount, and why it is not more."""

    amount_vnd: int  # the price or the order total it applies to
    rate: int  # percent
    computed_vnd: int  # floor(amount × rate / 100), before the caps
    cap_left_vnd: int  # the organisation's yearly cap not yet committed
    budget_left_vnd: int  # the programme's budget not yet committed
    support_vnd: int  # what is paid
    after_vnd: int  # what the enterprise pays itself

    @property
    def limited_by(self) -> str | None:
        """Return "cap" or "budget" when one of them cut the support, else None."""
        if self.support_vnd >= self.computed_vnd:
            return None
        return "cap" if self.cap_left_vnd <= self.budget_left_vnd else "budget"


def support_on(amount_vnd: int, rate: int, cap_left_vnd: int, budget_left_vnd: int) -> Support:
    """Return the support on `amount_vnd` at `rate` %, capped by the cap and budget left."""
    amount = max(0, int(amount_vnd))
    rate = min(100, max(0, int(rate)))
    computed = amount * rate // 100
    cap_left = max(0, int(cap_left_vnd))
    budget_left = max(0, int(budget_left_vnd))
    support = min(computed, cap_left, budget_left)
    return Support(amount, rate, computed, cap_left, budget_left, support, amount - support)


BAND_REFUSALS = {
    "large": _l("Doanh nghiệp lớn không thuộc đối tượng của chương trình."),
    None: _l("Hãy khai báo quy mô doanh nghiệp trong hồ sơ tổ chức để biết mức hỗ trợ."),
}
