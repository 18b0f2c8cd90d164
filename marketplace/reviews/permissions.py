"""Who may review a solution, vote, reply, report and moderate reviews.

`can_review` is the one eligibility rule: real use of the solution here. A trial that has
been active for at least REVIEW_MIN_TRIAL_DAYS days (7), or ended, or was converted; or a
paid purchase (`paid_purchase`, the one place that asks billing). `review_use` says which,
and the review's badge says it ("Đã dùng thử 14 ngày", "Khách hàng đã mua").
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import bindparam, select

from marketplace.accounts.models import Role, User
from marketplace.accounts.roles import ActionRefused, EmailNotVerified, allows, require_action
from marketplace.billing import queries as billing_queries
from marketplace.catalog.models import Solution, SolutionStatus
from marketplace.core.clock import local_today
from marketplace.core.formatting import format_date
from marketplace.core.permissions import deny, require
from marketplace.extensions import db
from marketplace.reviews import standing
from marketplace.reviews.models import Review, UseKind
from marketplace.trials.models import TrialRequest, TrialStatus


def signed_in(user: User | None) -> bool:
    return bool(user is not None and getattr(user, "is_authenticated", False))


@dataclass(frozen=True)
class Use:
    """What makes an organisation's review mean use: a trial of `days` days, or a purchase."""

    kind: str  # UseKind.TRIAL or UseKind.PURCHASE
    days: int | None = None


def min_trial_days() -> int:
    return int(current_app.config.get("REVIEW_MIN_TRIAL_DAYS", 7))


def _trials(
    org_id: int, solution_id: int
) -> list[tuple[str, dt.date | None, dt.date | None, dt.datetime]]:
    """Return (status, start, end, updated) of the organisation's trials of the solution:
    as read with the user (reviews/standing.py), else one statement."""
    kept = standing.kept_trials(org_id, solution_id)
    if kept is not standing.MISSING:
        return kept
    return list(db.session.execute(_TRIALS, {"org_id": org_id, "solution_id": solution_id}))


_TRIALS = select(*standing.TRIAL_COLUMNS).where(
    TrialRequest.organization_id == bindparam("org_id"),
    TrialRequest.solution_id == bindparam("solution_id"),
)


def trial_days_used(
    status: str,
    start: dt.date | None,
    end: dt.date | None,
    updated: dt.datetime | None,
    today: dt.date,
) -> int | None:
    """Return the days a trial was used by `today` (None when it never ran)."""
    if start is None or status not in (
        TrialStatus.ACTIVE,
        TrialStatus.ENDED,
        TrialStatus.CONVERTED,
    ):
        return None
    last = today
    if status != TrialStatus.ACTIVE and updated is not None:
        last = local_today(updated)
    if end is not None:
        last = min(last, end)
    return max(0, (last - start).days)


def paid_purchase(org_id: int, solution_id: int) -> bool:
    """The one place that asks whether the organisation paid for the solution here.

    Today: a subscription that is or was live, or a paid one-time payment (billing's
    `has_bought_solution`), or a paid order (bank transfer or card).
    """
    return billing_queries.has_bought_solution(org_id, solution_id)


def review_use(
    org_id: int,
    solution_id: int,
    today: dt.date | None = None,
    trials: list[tuple[str, dt.date | None, dt.date | None, dt.datetime]] | None = None,
) -> Use | None:
    """Return the use that lets the organisation review the solution, or None.

    A paid purchase first; else the longest trial that ended, was converted, or has been
    active for at least REVIEW_MIN_TRIAL_DAYS days. Requested and accepted trials, and
    trials active for fewer days, do not count. `trials`: the organisation's trials of the
    solution when the caller has read them (`_trials`).
    """
    if paid_purchase(org_id, solution_id):
        return Use(UseKind.PURCHASE)
    today = today or local_today()
    best: Use | None = None
    if trials is None:
        trials = _trials(org_id, solution_id)
    for status, start, end, updated in trials:
        days = trial_days_used(status, start, end, updated, today)
        finished = status in (TrialStatus.ENDED, TrialStatus.CONVERTED)
        counts = finished or (days is not None and days >= min_trial_days())
        if counts and (best is None or (days or 0) > (best.days or 0)):
            best = Use(UseKind.TRIAL, days)
    return best


def use_sentence(use: Use) -> str:
    """The badge a review written after this use carries."""
    if use.kind == UseKind.PURCHASE:
        return _("Khách hàng đã mua")
    if use.days:
        return _("Đã dùng thử %(days)d ngày", days=use.days)
    return _("Đã dùng thử")


def can_review(
    user: User | None, solution: Solution, today: dt.date | None = None
) -> tuple[bool, str]:
    """Tell whether the user may write (or rewrite) a review of the solution, and why.

    Returns (allowed, reason): the reason is the sentence the page shows, whether it
    explains the refusal or which badge the review will carry.
    """
    if not signed_in(user):
        return False, _("Đăng nhập bằng tài khoản doanh nghiệp để đánh giá giải pháp này.")
    if user.role == Role.VENDOR:
        if user.organization_id == solution.vendor_id:
            return False, _("Nhà cung cấp không thể đánh giá giải pháp của chính mình.")
        return False, _(
            "Tài khoản nhà cung cấp không đánh giá được giải pháp. Chỉ doanh nghiệp đã dùng "
            "thử hoặc đã mua giải pháp trên Chợ mới được đánh giá."
        )
    if user.role != Role.ENTERPRISE:
        return False, _(
            "Kiểm duyệt viên và quản trị viên không viết đánh giá; họ kiểm duyệt các nhận xét."
        )
    if user.organization_id is None:
        return False, _("Tài khoản của bạn chưa gắn với doanh nghiệp nào.")
    try:
        require_action(user, "review.write")
    except EmailNotVerified:
        pass  # the view explains it and offers to send the link again (accounts.refusals)
    except ActionRefused as refused:
        return False, refused.message
    if solution.status != SolutionStatus.PUBLISHED:
        return False, _("Giải pháp này hiện không nhận đánh giá.")
    today = today or local_today()
    trials = _trials(user.organization_id, solution.id)  # read once for both questions
    use = review_use(user.organization_id, solution.id, today, trials)
    if use is not None and use.kind == UseKind.PURCHASE:
        return True, _(
            "Doanh nghiệp của bạn đã mua gói của giải pháp này trên Chợ: nhận xét sẽ mang "
            "nhãn “%(badge)s”.",
            badge=use_sentence(use),
        )
    if use is not None:
        return True, _(
            "Doanh nghiệp của bạn đã dùng giải pháp này trên Chợ: nhận xét sẽ mang nhãn "
            "“%(badge)s”.",
            badge=use_sentence(use),
        )
    running = [
        (start, trial_days_used(status, start, end, updated, today))
        for status, start, end, updated in trials
        if status == TrialStatus.ACTIVE
    ]
    if running:
        start, days = running[0]
        ready = (start or today) + dt.timedelta(days=min_trial_days())
        return False, _(
            "Doanh nghiệp của bạn mới dùng thử %(days)d ngày. Bạn có thể đánh giá sau %(min)d "
            "ngày dùng thử, từ ngày %(date)s, hoặc khi đã mua gói.",
            days=days or 0,
            min=min_trial_days(),
            date=format_date(ready),
        )
    statuses = {row[0] for row in trials}
    if TrialStatus.ACCEPTED in statuses:
        return False, _(
            "Nhà cung cấp đã chấp nhận yêu cầu dùng thử nhưng chưa mở quyền dùng. Bạn có thể "
            "đánh giá sau %(min)d ngày dùng thử.",
            min=min_trial_days(),
        )
    if TrialStatus.REQUESTED in statuses:
        return False, _(
            "Yêu cầu dùng thử của doanh nghiệp bạn đang chờ nhà cung cấp chấp nhận. Bạn có "
            "thể đánh giá khi đã được dùng thử."
        )
    return False, _(
        "Chỉ doanh nghiệp đã dùng thử (được nhà cung cấp chấp nhận) hoặc đã mua giải pháp "
        "này trên Chợ mới được đánh giá. Hãy đăng ký dùng thử trước."
    )


def require_review(user: User | None, solution: Solution) -> None:
    allowed, _reason = can_review(user, solution)
    require(allowed)


def is_review_org_member(user: User | None, review: Review) -> bool:
    """Tell whether the user acts for the organisation that wrote the review."""
    return bool(signed_in(user) and user.organization_id == review.organization_id)


def is_solution_vendor(user: User | None, solution: Solution) -> bool:
    """Tell whether the user acts for the vendor of the solution."""
    return bool(
        signed_in(user) and user.role == Role.VENDOR and user.organization_id == solution.vendor_id
    )


def can_vote(user: User | None, review: Review) -> bool:
    """Anyone signed in, except the review's own organisation and the solution's vendor.

    The vendor is left out too: its votes would push its favourite reviews up the
    "most helpful" order.
    """
    return bool(
        signed_in(user)
        and review.is_published
        and not is_review_org_member(user, review)
        and not is_solution_vendor(user, review.solution)
    )


def can_reply(user: User | None, review: Review) -> bool:
    """Only the members of the solution's vendor whose role allows it answer a published review."""
    return bool(
        review.is_published
        and is_solution_vendor(user, review.solution)
        and allows(user, "review.reply")
    )


def can_report(user: User | None, review: Review) -> bool:
    """Anyone signed in may report a published review, except its own organisation."""
    return bool(signed_in(user) and review.is_published and not is_review_org_member(user, review))


def can_moderate(user: User | None) -> bool:
    return bool(signed_in(user) and user.is_staff)


def require_vote(user: User | None, review: Review) -> None:
    require(can_vote(user, review))


def require_reply(user: User | None, review: Review) -> None:
    """Refuse anyone but the vendor; a vendor member without the role is told why (403)."""
    require(review.is_published and is_solution_vendor(user, review.solution))
    require_action(user, "review.reply")


def require_report(user: User | None, review: Review) -> None:
    require(can_report(user, review))


def require_moderate(user: User | None) -> None:
    if not can_moderate(user):
        deny()
