"""Review state changes: writing and rewriting, aggregates, votes, vendor replies, reports,
moderation (the checks are in `rules`, the reads in `queries`).

The solution's rating figures (rating_count, rating_avg, rating_score) count published
reviews only. Every change of what is published (a new review, a rewrite, hiding,
restoring) recomputes them from the reviews inside the same transaction, after locking
the solution's row (`SELECT … FOR UPDATE`; SQLite serialises writers anyway), so two
concurrent writers cannot lose each other's review.

`rating_score` is a Bayesian average: (C·m + Σ stars) / (C + n) with C = 5 and m = 3.5,
so a lone 5★ review (≈ 3.75) does not outrank 4.8★ from 200 reviews (≈ 4.77).
"""

from __future__ import annotations

from flask_babel import gettext as _
from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.attributes import set_committed_value

from marketplace.accounts import roles
from marketplace.accounts.models import User
from marketplace.catalog.models import Solution
from marketplace.core.audit import record_audit
from marketplace.core.database import utcnow
from marketplace.core.text import clean_reason
from marketplace.core.urls import path_for
from marketplace.extensions import db
from marketplace.notifications import services as notifications
from marketplace.reviews import permissions, queries
from marketplace.reviews.models import (
    ReportStatus,
    Review,
    ReviewReply,
    ReviewReport,
    ReviewRevision,
    ReviewStatus,
    ReviewVote,
)
from marketplace.reviews.presenters import form_link, moderation_link, public_link, review_label
from marketplace.reviews.queries import open_report_for
from marketplace.reviews.rules import (
    DuplicateReportError,
    ReviewError,
    ReviewInput,
    ReviewValidationError,
    check_reason,
    check_reply,
    normalise_lines,
    validate_review,
)

# The Bayesian prior: as if every solution started with C reviews of m stars.
PRIOR_WEIGHT = 5
PRIOR_MEAN = 3.5


def bayesian_score(total: float, count: int) -> float:
    """Return the Bayesian average of `count` reviews summing `total` stars (0 without any)."""
    if count <= 0:
        return 0.0
    return (PRIOR_WEIGHT * PRIOR_MEAN + total) / (PRIOR_WEIGHT + count)


def lock_solution(solution_id: int) -> None:
    """Lock the solution's row until the transaction ends (no-op on SQLite)."""
    db.session.execute(select(Solution.id).where(Solution.id == solution_id).with_for_update())


def refresh_aggregates(solution_id: int) -> tuple[int, float, float]:
    """Recompute the solution's rating figures from its published reviews: the count,
    average and score, and the summary its page shows (per star, the sub-ratings' sums).

    The caller holds the solution's lock (see lock_solution). Returns (count, avg, score).
    """
    summary = queries.summary(solution_id)
    count, total = summary.count, summary.total
    average = round(total / count, 4) if count else 0.0
    score = round(bayesian_score(total, count), 4)
    figures = {
        "rating_count": count,
        "rating_avg": average,
        "rating_score": score,
        "rating_breakdown": summary.breakdown(),
    }
    db.session.execute(
        update(Solution)
        .where(Solution.id == solution_id)
        .values(**figures)
        .execution_options(synchronize_session=False)
    )
    solution = db.session.identity_map.get(db.session.identity_key(Solution, solution_id))
    if solution is not None:
        # Keep the loaded object in step without another query.
        for name, value in figures.items():
            set_committed_value(solution, name, value)
    return count, average, score


def record_review(actor: User, solution: Solution, data: ReviewInput) -> Review:
    """Write the organisation's review of the solution, or rewrite it.

    One review per organisation and solution: writing again keeps the previous version
    as a ReviewRevision. Raises ReviewValidationError for bad input. If a concurrent
    first review of the same organisation wins the race for the unique row, the session
    is rolled back (so nothing else may be pending in it) and this one updates that row.
    """
    allowed, reason = permissions.can_review(actor, solution)
    if not allowed:
        raise ReviewError(reason)
    roles.require_action(actor, "review.write")
    errors = validate_review(data)
    if errors:
        raise ReviewValidationError(errors)
    use = permissions.review_use(actor.organization_id, solution.id)
    try:
        return _write(actor, solution, data, use=use)
    except IntegrityError:
        db.session.rollback()
        return _write(actor, solution, data, use=use)


def _write(
    actor: User, solution: Solution, data: ReviewInput, *, use: permissions.Use | None
) -> Review:
    verified = use is not None
    badge = {"use_kind": use.kind if use else None, "use_days": use.days if use else None}
    lock_solution(solution.id)
    review = db.session.scalar(
        select(Review).where(
            Review.solution_id == solution.id, Review.organization_id == actor.organization_id
        )
    )
    title = " ".join(data.title.split())
    body = normalise_lines(data.body)
    now = utcnow()
    values = {**data.scores(), "title": title, "body": body}
    # Who signs the review: the organisation's name as it is now, kept past a rename.
    signed_as = actor.organization.name
    if review is None:
        review = Review(
            solution_id=solution.id,
            organization_id=actor.organization_id,
            organization_name=signed_as,
            author_id=actor.id,
            verified=verified,
            **badge,
            status=ReviewStatus.PUBLISHED,
            helpful_count=0,
            created_at=now,
            updated_at=now,
            **values,
        )
        db.session.add(review)
        db.session.flush()
        refresh_aggregates(solution.id)
        _tell_vendor(review, solution, created=True)
        return review
    if all(getattr(review, name) == value for name, value in values.items()):
        if verified:
            review.verified = True
            review.use_kind, review.use_days = badge["use_kind"], badge["use_days"]
        return review  # nothing changed: no new version
    db.session.add(
        ReviewRevision(
            review_id=review.id,
            author_id=review.author_id,
            written_at=review.updated_at,
            created_at=now,
            **{name: getattr(review, name) for name in values},
        )
    )
    for name, value in values.items():
        setattr(review, name, value)
    review.author_id = actor.id
    review.organization_name = signed_as
    review.verified = verified
    review.use_kind, review.use_days = badge["use_kind"], badge["use_days"]
    review.updated_at = now
    db.session.flush()
    refresh_aggregates(solution.id)
    _tell_vendor(review, solution, created=False)
    return review


def _tell_vendor(review: Review, solution: Solution, *, created: bool) -> None:
    """Tell the vendor about a new review (once) or a rewrite (every rewrite).

    A rewrite rewrites the vendor's unread "updated" notification of that review rather
    than adding another, so a busy reviewer cannot flood the vendor's notification list.
    """
    if not review.is_published:
        return
    link = path_for("catalog.solution", slug=solution.slug, _anchor=f"review-{review.id}")
    if created:
        title = _(
            "Nhận xét mới về “%(name)s”: %(stars)d/5 sao", name=solution.name, stars=review.overall
        )
        notifications.notify_organization(
            solution.vendor,
            kind="review.created",
            title=title,
            body=review.title,
            link=link,
            dedupe_key=f"review:{review.id}:created",
        )
        return
    title = _(
        "Nhận xét về “%(name)s” vừa được cập nhật: %(stars)d/5 sao",
        name=solution.name,
        stars=review.overall,
    )
    notifications.notify_organization(
        solution.vendor,
        kind="review.updated",
        title=title,
        body=review.title,
        link=link,
        email=False,
        replace_unread=True,
    )


def vote_helpful(actor: User, review: Review, *, helpful: bool = True) -> bool:
    """Mark the review helpful for the user (or take the mark back); return the new state.

    One vote per user and review (a unique constraint); the review's helpful_count is
    recounted under the review's row lock.
    """
    permissions.require_vote(actor, review)
    db.session.execute(select(Review.id).where(Review.id == review.id).with_for_update())
    existing = db.session.scalar(
        select(ReviewVote).where(ReviewVote.review_id == review.id, ReviewVote.user_id == actor.id)
    )
    if helpful and existing is None:
        db.session.add(ReviewVote(review_id=review.id, user_id=actor.id))
        try:
            db.session.flush()
        except IntegrityError:
            # The same user's concurrent click already counted.
            db.session.rollback()
            return True
    elif not helpful and existing is not None:
        db.session.delete(existing)
        db.session.flush()
    recount_votes(review)
    return helpful


def recount_votes(review: Review) -> None:
    """Store a review's count of helpful votes from its votes (also used by the demo data)."""
    count = (
        select(func.count(ReviewVote.id)).where(ReviewVote.review_id == review.id).scalar_subquery()
    )
    db.session.execute(
        update(Review)
        .where(Review.id == review.id)
        .values(helpful_count=count)
        .execution_options(synchronize_session=False)
    )
    db.session.expire(review, ["helpful_count"])


def save_reply(actor: User, review: Review, body: str | None) -> ReviewReply:
    """Write or edit the vendor's public reply to a review; tell the review's organisation."""
    permissions.require_reply(actor, review)
    problem = check_reply(body)
    if problem:
        raise ReviewValidationError({"body": problem})
    text = normalise_lines(body or "")
    now = utcnow()
    reply = review.reply
    created = reply is None
    if reply is None:
        reply = ReviewReply(
            review_id=review.id, author_id=actor.id, body=text, created_at=now, updated_at=now
        )
        db.session.add(reply)
        review.reply = reply
    elif reply.body == text:
        return reply
    else:
        reply.body = text
        reply.author_id = actor.id
        reply.updated_at = now
    db.session.flush()
    _tell_reviewers(review, text, created=created)
    return reply


def _tell_reviewers(review: Review, text: str, *, created: bool) -> None:
    """Tell the review's organisation about the vendor's reply, and again on each edit.

    The first reply is also e-mailed; an edit rewrites the organisation's unread reply
    notification of that review (or adds one once it was read), never piling them up.
    """
    solution = review.solution
    args = {"vendor": solution.vendor.name, "name": solution.name}
    if created:
        title = _("%(vendor)s đã phản hồi nhận xét của bạn về “%(name)s”", **args)
    else:
        title = _("%(vendor)s đã sửa phản hồi nhận xét của bạn về “%(name)s”", **args)
    notifications.notify_organization(
        review.organization,
        kind="review.reply",
        title=title,
        body=text[:500],
        link=public_link(review),
        email=created,
        replace_unread=True,
    )


def report_review(actor: User, review: Review, reason: str | None) -> ReviewReport:
    """Report a review as abusive; one open report per user and review."""
    permissions.require_report(actor, review)
    problem = check_reason(reason)
    if problem:
        raise ReviewValidationError({"reason": problem})
    if open_report_for(actor.id, review.id) is not None:
        raise DuplicateReportError()
    report = ReviewReport(
        review_id=review.id,
        reporter_id=actor.id,
        reason=normalise_lines(reason or ""),
        status=ReportStatus.OPEN,
    )
    db.session.add(report)
    try:
        db.session.flush()
    except IntegrityError as exc:
        db.session.rollback()
        raise DuplicateReportError() from exc
    notifications.notify_staff(
        kind="review.reported",
        title=_("Báo cáo vi phạm: nhận xét về “%(name)s”", name=review.solution.name),
        body=report.reason[:500],
        link=moderation_link(review),
        email=False,
        dedupe_key=f"review-report:{report.id}",
    )
    return report


def _close_reports(review: Review, actor: User, status: str, note: str | None) -> int:
    result = db.session.execute(
        update(ReviewReport)
        .where(ReviewReport.review_id == review.id, ReviewReport.status == ReportStatus.OPEN)
        .values(status=status, resolved_at=utcnow(), resolved_by_id=actor.id, resolution=note)
        .execution_options(synchronize_session=False)
    )
    return int(result.rowcount or 0)


def _moderation_reason(reason: str | None, *, required: bool) -> str | None:
    return clean_reason(reason, required=required, error=ReviewError)


def hide_review(actor: User, review: Review, reason: str | None) -> None:
    """Hide a review from every page and figure (moderator); upholds its open reports."""
    permissions.require_moderate(actor)
    text = _moderation_reason(reason, required=True)
    lock_solution(review.solution_id)
    db.session.refresh(review, ["status"])
    if review.status == ReviewStatus.HIDDEN:
        raise ReviewError(_("Nhận xét này đã bị ẩn."))
    review.status = ReviewStatus.HIDDEN
    review.hidden_reason = text
    review.hidden_at = utcnow()
    review.hidden_by_id = actor.id
    db.session.flush()
    closed = _close_reports(review, actor, ReportStatus.UPHELD, text)
    refresh_aggregates(review.solution_id)
    record_audit(
        actor,
        "review.hide",
        review,
        reason=text,
        label=review_label(review),
        data={"reports_closed": closed},
    )
    notifications.notify_organization(
        review.organization,
        kind="review.hidden",
        title=_("Nhận xét của bạn về “%(name)s” đã bị ẩn", name=review.solution.name),
        body=_("Lý do: %(reason)s", reason=text),
        link=form_link(review),
        dedupe_key=f"review:{review.id}:hidden:{review.hidden_at.timestamp():.0f}",
    )


def restore_review(actor: User, review: Review, reason: str | None) -> None:
    """Publish a hidden review again (moderator)."""
    permissions.require_moderate(actor)
    text = _moderation_reason(reason, required=True)
    lock_solution(review.solution_id)
    db.session.refresh(review, ["status"])
    if review.status != ReviewStatus.HIDDEN:
        raise ReviewError(_("Nhận xét này đang hiển thị, không cần khôi phục."))
    review.status = ReviewStatus.PUBLISHED
    review.hidden_reason = None
    review.hidden_at = None
    review.hidden_by_id = None
    db.session.flush()
    refresh_aggregates(review.solution_id)
    entry = record_audit(actor, "review.restore", review, reason=text, label=review_label(review))
    notifications.notify_organization(
        review.organization,
        kind="review.restored",
        title=_("Nhận xét của bạn về “%(name)s” đã được hiển thị lại", name=review.solution.name),
        body=_("Lý do: %(reason)s", reason=text),
        link=public_link(review),
        dedupe_key=f"review:{review.id}:restored:{entry.id}",
    )


def dismiss_reports(actor: User, review: Review, reason: str | None = None) -> int:
    """Close the review's open reports and keep the review as it is (moderator)."""
    permissions.require_moderate(actor)
    text = _moderation_reason(reason, required=False)
    closed = _close_reports(review, actor, ReportStatus.DISMISSED, text)
    if not closed:
        raise ReviewError(_("Nhận xét này không có báo cáo nào đang chờ xử lý."))
    record_audit(
        actor,
        "review.dismiss_reports",
        review,
        reason=text,
        label=review_label(review),
        data={"reports_closed": closed},
    )
    return closed
