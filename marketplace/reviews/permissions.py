"""Who may review a solution, vote, reply, report and moderate reviews.

`can_review` is the one eligibility rule: a trial the vendor let the organisation into, or
a plan of the solution it bought here (billing's `has_bought_solution`).
"""

from __future__ import annotations

from flask_babel import gettext as _
from sqlalchemy import select

from marketplace.accounts.models import Role, User
from marketplace.accounts.roles import ActionRefused, allows, require_action
from marketplace.billing import queries as billing_queries
from marketplace.catalog.models import Solution, SolutionStatus
from marketplace.core.permissions import deny, require
from marketplace.extensions import db
from marketplace.reviews.models import Review
from marketplace.trials.models import USED_STATUSES, TrialRequest, TrialStatus


def signed_in(user: User | None) -> bool:
    return bool(user is not None and getattr(user, "is_authenticated", False))


def _trial_statuses(org_id: int, solution_id: int) -> set[str]:
    """Return the statuses of the organisation's trials of the solution (one query)."""
    return set(
        db.session.scalars(
            select(TrialRequest.status)
            .where(TrialRequest.organization_id == org_id, TrialRequest.solution_id == solution_id)
            .distinct()
        )
    )


def can_review(user: User | None, solution: Solution) -> tuple[bool, str]:
    """Tell whether the user may write (or rewrite) a review of the solution, and why.

    Returns (allowed, reason): the reason is the sentence the page shows, whether it
    explains the refusal or what makes the review verified.
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
    except ActionRefused as refused:
        return False, refused.message
    if solution.status != SolutionStatus.PUBLISHED:
        return False, _("Giải pháp này hiện không nhận đánh giá.")
    statuses = _trial_statuses(user.organization_id, solution.id)
    # The vendor let the organisation into a trial: accepted, active, ended or converted.
    if statuses & set(USED_STATUSES):
        return True, _(
            "Doanh nghiệp của bạn đã dùng thử giải pháp này trên Chợ: nhận xét sẽ mang nhãn "
            "“Người dùng đã xác thực”."
        )
    # A subscription that is or was live (active, past due, canceled), or a paid purchase.
    if billing_queries.has_bought_solution(user.organization_id, solution.id):
        return True, _(
            "Doanh nghiệp của bạn đã mua gói của giải pháp này trên Chợ: nhận xét sẽ mang nhãn "
            "“Người dùng đã xác thực”."
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
