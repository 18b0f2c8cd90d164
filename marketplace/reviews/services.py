"""Review rules: writing and rewriting, aggregates, votes, vendor replies, reports, moderation.

The solution's rating figures (rating_count, rating_avg, rating_score) count published
reviews only. Every change of what is published (a new review, a rewrite, hiding,
restoring) recomputes them from the reviews inside the same transaction, after locking
the solution's row (`SELECT … FOR UPDATE`; SQLite serialises writers anyway), so two
concurrent writers cannot lose each other's review.

`rating_score` is a Bayesian average: (C·m + Σ stars) / (C + n) with C = 5 and m = 3.5,
so a lone 5★ review (≈ 3.75) does not outrank 4.8★ from 200 reviews (≈ 4.77).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import Select, func, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload, selectinload
from sqlalchemy.orm.attributes import set_committed_value

from marketplace.accounts.models import Organization, User
from marketplace.catalog.models import Solution
from marketplace.core.audit import AuditLog, record_audit
from marketplace.core.database import utcnow
from marketplace.core.errors import DomainError
from marketplace.core.params import page_arg
from marketplace.core.text import clean_reason, reason_problem
from marketplace.core.urls import path_for
from marketplace.extensions import db
from marketplace.notifications import services as notifications
from marketplace.reviews import permissions
from marketplace.reviews.models import (
    ASPECTS,
    ReportStatus,
    Review,
    ReviewReply,
    ReviewReport,
    ReviewRevision,
    ReviewStatus,
    ReviewVote,
)

MAX_TITLE = 120
MIN_BODY = 20
MAX_BODY = 5000
MAX_REPLY = 3000
PER_PAGE = 10
# The Bayesian prior: as if every solution started with C reviews of m stars.
PRIOR_WEIGHT = 5
PRIOR_MEAN = 3.5

SORTS = ("helpful", "newest", "highest", "lowest")
DEFAULT_SORT = "helpful"

SORT_LABELS = {
    "helpful": _l("Hữu ích nhất"),
    "newest": _l("Mới nhất"),
    "highest": _l("Điểm cao nhất"),
    "lowest": _l("Điểm thấp nhất"),
}
ASPECT_LABELS = {
    "ease_of_use": _l("Dễ sử dụng"),
    "features": _l("Tính năng"),
    "support": _l("Hỗ trợ"),
    "value": _l("Đáng giá tiền"),
}
SCORE_FIELDS = ("overall", *ASPECTS)


class ReviewError(DomainError):
    """A rule was broken; `field` names the form field the message belongs to (or None)."""


class ReviewValidationError(ReviewError):
    """What was typed is not acceptable; `errors` maps each field to its message."""

    def __init__(self, errors: dict[str, str]) -> None:
        first_field, first = next(iter(errors.items()))
        super().__init__(first, first_field)
        self.errors = errors


class DuplicateReportError(ReviewError):
    def __init__(self) -> None:
        super().__init__(
            _("Bạn đã báo cáo nhận xét này. Kiểm duyệt viên đang xem xét báo cáo của bạn.")
        )


@dataclass
class ReviewInput:
    """What the enterprise typed in the review form (scores None when missing or odd)."""

    overall: int | None
    ease_of_use: int | None
    features: int | None
    support: int | None
    value: int | None
    title: str
    body: str

    def scores(self) -> dict[str, int | None]:
        return {name: getattr(self, name) for name in SCORE_FIELDS}


# ---------------------------------------------------------------- field rules


def parse_score(raw: object) -> int | None:
    """Read a star value 1–5 from a form value; None for anything else."""
    text = str(raw if raw is not None else "").strip()
    if len(text) == 1 and text in "12345":
        return int(text)
    return None


def check_score(value: int | None, name: str) -> str | None:
    """Return why a star value is refused, or None."""
    if value is None or not 1 <= value <= 5:
        if name == "overall":
            return _("Vui lòng chọn số sao đánh giá chung (từ 1 đến 5).")
        return _("Vui lòng chọn số sao cho “%(aspect)s” (từ 1 đến 5).", aspect=ASPECT_LABELS[name])
    return None


def check_title(value: str | None) -> str | None:
    value = " ".join((value or "").split())
    if not value:
        return _("Vui lòng nhập tiêu đề nhận xét.")
    if len(value) > MAX_TITLE:
        return _("Tiêu đề không được dài quá %(n)d ký tự.", n=MAX_TITLE)
    return None


def check_body(value: str | None) -> str | None:
    value = _normalise(value or "")
    if not value:
        return _("Vui lòng viết nội dung nhận xét.")
    if len(value) < MIN_BODY:
        return _(
            "Nội dung nhận xét cần ít nhất %(n)d ký tự (hiện có %(m)d).", n=MIN_BODY, m=len(value)
        )
    if len(value) > MAX_BODY:
        return _("Nội dung nhận xét không được dài quá %(n)d ký tự.", n=MAX_BODY)
    return None


def check_reply(value: str | None) -> str | None:
    value = _normalise(value or "")
    if not value:
        return _("Vui lòng nhập nội dung phản hồi.")
    if len(value) > MAX_REPLY:
        return _("Phản hồi không được dài quá %(n)d ký tự.", n=MAX_REPLY)
    return None


def check_reason(value: str | None, *, required: bool = True) -> str | None:
    return reason_problem(value, required=required)


def validate_review(data: ReviewInput) -> dict[str, str]:
    """Return the problems of a review, by form field (empty when it is acceptable)."""
    checks = {name: check_score(value, name) for name, value in data.scores().items()}
    checks["title"] = check_title(data.title)
    checks["body"] = check_body(data.body)
    return {name: message for name, message in checks.items() if message}


def _normalise(text: str) -> str:
    # One kind of line break, no trailing spaces at line ends, at most one blank line in a row.
    lines = [line.rstrip() for line in text.replace("\r\n", "\n").replace("\r", "\n").split("\n")]
    out: list[str] = []
    for line in lines:
        if line == "" and out and out[-1] == "":
            continue
        out.append(line)
    return "\n".join(out).strip()


# ---------------------------------------------------------------- aggregates


def bayesian_score(total: float, count: int) -> float:
    """Return the Bayesian average of `count` reviews summing `total` stars (0 without any)."""
    if count <= 0:
        return 0.0
    return (PRIOR_WEIGHT * PRIOR_MEAN + total) / (PRIOR_WEIGHT + count)


def lock_solution(solution_id: int) -> None:
    """Lock the solution's row until the transaction ends (no-op on SQLite)."""
    db.session.execute(select(Solution.id).where(Solution.id == solution_id).with_for_update())


def refresh_aggregates(solution_id: int) -> tuple[int, float, float]:
    """Recompute the solution's rating figures from its published reviews.

    The caller holds the solution's lock (see lock_solution). Returns (count, avg, score).
    """
    count, total = db.session.execute(
        select(func.count(Review.id), func.coalesce(func.sum(Review.overall), 0)).where(
            Review.solution_id == solution_id, Review.status == ReviewStatus.PUBLISHED
        )
    ).one()
    count = int(count or 0)
    total = int(total or 0)
    average = round(total / count, 4) if count else 0.0
    score = round(bayesian_score(total, count), 4)
    db.session.execute(
        update(Solution)
        .where(Solution.id == solution_id)
        .values(rating_count=count, rating_avg=average, rating_score=score)
        .execution_options(synchronize_session=False)
    )
    solution = db.session.identity_map.get(db.session.identity_key(Solution, solution_id))
    if solution is not None:
        # Keep the loaded object in step without another query.
        set_committed_value(solution, "rating_count", count)
        set_committed_value(solution, "rating_avg", average)
        set_committed_value(solution, "rating_score", score)
    return count, average, score


@dataclass
class RatingSummary:
    """What the published reviews of one solution add up to."""

    count: int = 0
    total: int = 0
    histogram: dict[int, int] = field(default_factory=lambda: dict.fromkeys(range(5, 0, -1), 0))
    aspect_totals: dict[str, int] = field(default_factory=lambda: dict.fromkeys(ASPECTS, 0))

    @property
    def average(self) -> float:
        return self.total / self.count if self.count else 0.0

    @property
    def aspects(self) -> dict[str, float]:
        """Return each sub-rating's average (0 without reviews)."""
        return {a: (self.aspect_totals[a] / self.count if self.count else 0.0) for a in ASPECTS}

    def share(self, stars: int) -> int:
        """Return the percentage of reviews with this many stars (rounded)."""
        return round(100 * self.histogram.get(stars, 0) / self.count) if self.count else 0

    def distribution(self) -> dict[str, int]:
        """Return the count per star, "1" to "5" (the API's shape)."""
        return {str(stars): self.histogram.get(stars, 0) for stars in range(1, 6)}


def summaries(solution_ids: Iterable[int]) -> dict[int, RatingSummary]:
    """Return the rating summary of each solution's published reviews, in one query."""
    ids = sorted({int(i) for i in solution_ids if i is not None})
    result = {i: RatingSummary() for i in ids}
    if not ids:
        return result
    rows = db.session.execute(
        select(
            Review.solution_id,
            Review.overall,
            func.count(Review.id),
            *(func.sum(getattr(Review, a)) for a in ASPECTS),
        )
        .where(Review.solution_id.in_(ids), Review.status == ReviewStatus.PUBLISHED)
        .group_by(Review.solution_id, Review.overall)
    ).all()
    for solution_id, overall, count, *sums in rows:
        summary = result[solution_id]
        summary.count += count
        summary.total += overall * count
        summary.histogram[overall] = summary.histogram.get(overall, 0) + count
        for aspect, value in zip(ASPECTS, sums, strict=True):
            summary.aspect_totals[aspect] += int(value or 0)
    return result


def summary(solution_id: int) -> RatingSummary:
    return summaries([solution_id])[solution_id]


def distributions(solution_ids: Iterable[int]) -> dict[int, dict[str, int]]:
    """Return the count of published reviews per star for each solution (one query)."""
    return {i: s.distribution() for i, s in summaries(solution_ids).items()}


# ---------------------------------------------------------------- reading


def get_review(review_id: int) -> Review | None:
    """Load a review with its solution (and vendor), organisation and reply."""
    return db.session.scalar(
        select(Review)
        .where(Review.id == review_id)
        .options(
            joinedload(Review.solution).joinedload(Solution.vendor),
            joinedload(Review.organization),
            joinedload(Review.reply),
        )
    )


def own_review(org_id: int | None, solution_id: int) -> Review | None:
    """Return the organisation's review of the solution (published or hidden), if any."""
    if org_id is None:
        return None
    return db.session.scalar(
        select(Review)
        .where(Review.organization_id == org_id, Review.solution_id == solution_id)
        .options(selectinload(Review.revisions))
    )


@dataclass
class ListParams:
    sort: str = DEFAULT_SORT
    stars: int | None = None
    page: int = 1

    def to_args(self, **changes) -> dict[str, str | int]:
        """Return the query-string arguments of this state (with `changes`), for links."""
        values = {"sort": self.sort, "stars": self.stars, "page": self.page, **changes}
        args: dict[str, str | int] = {}
        if values["sort"] and values["sort"] != DEFAULT_SORT:
            args["sort"] = values["sort"]
        if values["stars"]:
            args["stars"] = values["stars"]
        if values["page"] and values["page"] > 1:
            args["page"] = values["page"]
        return args


def parse_list_params(args: Mapping[str, str]) -> ListParams:
    """Read `sort`, `stars` and `page` leniently: what cannot be used is ignored."""
    params = ListParams()
    sort = (args.get("sort") or "").strip()
    if sort in SORTS:
        params.sort = sort
    params.stars = parse_score(args.get("stars"))
    params.page = page_arg(args=args)
    return params


@dataclass
class ReviewPage:
    items: list[Review]
    params: ListParams
    total: int
    per_page: int = PER_PAGE

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))

    @property
    def page(self) -> int:
        return self.params.page

    @property
    def has_prev(self) -> bool:
        return self.page > 1

    @property
    def has_next(self) -> bool:
        return self.page < self.pages

    @property
    def first_index(self) -> int:
        return (self.page - 1) * self.per_page + 1 if self.total else 0

    @property
    def last_index(self) -> int:
        return min(self.total, self.page * self.per_page)


def _ordered(query: Select, sort: str) -> Select:
    newest = (Review.created_at.desc(), Review.id.desc())
    if sort == "newest":
        return query.order_by(*newest)
    if sort == "highest":
        return query.order_by(Review.overall.desc(), *newest)
    if sort == "lowest":
        return query.order_by(Review.overall.asc(), *newest)
    return query.order_by(Review.helpful_count.desc(), *newest)


def review_page(solution_id: int, params: ListParams, rating: RatingSummary) -> ReviewPage:
    """Return one page of the solution's published reviews, in one query.

    The total comes from the summary already loaded, so no count query is needed.
    """
    total = rating.histogram.get(params.stars, 0) if params.stars else rating.count
    pages = max(1, -(-total // PER_PAGE))
    params.page = min(params.page, pages)
    if not total:
        return ReviewPage([], params, 0)
    query = select(Review).where(
        Review.solution_id == solution_id, Review.status == ReviewStatus.PUBLISHED
    )
    if params.stars:
        query = query.where(Review.overall == params.stars)
    query = (
        _ordered(query, params.sort)
        .options(joinedload(Review.organization), joinedload(Review.reply))
        .limit(PER_PAGE)
        .offset((params.page - 1) * PER_PAGE)
    )
    return ReviewPage(list(db.session.scalars(query).unique()), params, total)


def voted_ids(user_id: int | None, review_ids: Iterable[int]) -> set[int]:
    """Return which of these reviews the user found helpful (one query)."""
    ids = list(review_ids)
    if user_id is None or not ids:
        return set()
    return set(
        db.session.scalars(
            select(ReviewVote.review_id).where(
                ReviewVote.user_id == user_id, ReviewVote.review_id.in_(ids)
            )
        )
    )


# ---------------------------------------------------------------- links


def public_link(review: Review) -> str:
    return path_for("catalog.solution", slug=review.solution.slug, _anchor=f"review-{review.id}")


def form_link(review: Review) -> str:
    return path_for("reviews.write", slug=review.solution.slug)


def moderation_link(review: Review) -> str:
    return path_for("reviews.moderation_review", review_id=review.id)


def _label(review: Review) -> str:
    return f"{review.solution.name} — {review.organization.name}"[:200]


# ---------------------------------------------------------------- writing a review


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
    errors = validate_review(data)
    if errors:
        raise ReviewValidationError(errors)
    try:
        return _write(actor, solution, data, verified=allowed)
    except IntegrityError:
        db.session.rollback()
        return _write(actor, solution, data, verified=allowed)


def _write(actor: User, solution: Solution, data: ReviewInput, *, verified: bool) -> Review:
    lock_solution(solution.id)
    review = db.session.scalar(
        select(Review).where(
            Review.solution_id == solution.id, Review.organization_id == actor.organization_id
        )
    )
    title = " ".join(data.title.split())
    body = _normalise(data.body)
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
        review.verified = review.verified or verified
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


# ---------------------------------------------------------------- helpful votes


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


# ---------------------------------------------------------------- vendor replies


def save_reply(actor: User, review: Review, body: str | None) -> ReviewReply:
    """Write or edit the vendor's public reply to a review; tell the review's organisation."""
    permissions.require_reply(actor, review)
    problem = check_reply(body)
    if problem:
        raise ReviewValidationError({"body": problem})
    text = _normalise(body or "")
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


# ---------------------------------------------------------------- abuse reports


def open_report_for(user_id: int, review_id: int) -> ReviewReport | None:
    return db.session.scalar(
        select(ReviewReport).where(
            ReviewReport.review_id == review_id,
            ReviewReport.reporter_id == user_id,
            ReviewReport.status == ReportStatus.OPEN,
        )
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
        reason=_normalise(reason or ""),
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


def open_reports(limit: int = 100) -> list[ReviewReport]:
    """Return the open reports, oldest first, with their reviews (one query)."""
    return list(
        db.session.scalars(
            select(ReviewReport)
            .where(ReviewReport.status == ReportStatus.OPEN)
            .options(
                joinedload(ReviewReport.review).joinedload(Review.solution),
                joinedload(ReviewReport.review).joinedload(Review.organization),
                joinedload(ReviewReport.reporter),
            )
            .order_by(ReviewReport.created_at.asc(), ReviewReport.id.asc())
            .limit(limit)
        )
    )


def reports_of(review_id: int) -> list[ReviewReport]:
    """Return every report of a review, newest first."""
    return list(
        db.session.scalars(
            select(ReviewReport)
            .where(ReviewReport.review_id == review_id)
            .options(joinedload(ReviewReport.reporter), joinedload(ReviewReport.resolved_by))
            .order_by(ReviewReport.created_at.desc(), ReviewReport.id.desc())
        )
    )


def audit_of(review_id: int) -> list[AuditLog]:
    return list(
        db.session.scalars(
            select(AuditLog)
            .where(AuditLog.object_type == Review.__tablename__, AuditLog.object_id == review_id)
            .options(joinedload(AuditLog.actor))
            .order_by(AuditLog.created_at.desc(), AuditLog.id.desc())
        )
    )


# ---------------------------------------------------------------- moderation


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
        label=_label(review),
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
    entry = record_audit(actor, "review.restore", review, reason=text, label=_label(review))
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
        label=_label(review),
        data={"reports_closed": closed},
    )
    return closed


@dataclass
class ModerationFilters:
    status: str = ""
    reported: bool = False
    q: str = ""


def moderation_query(filters: ModerationFilters) -> Select:
    """List reviews for moderators: by status, only reported ones, or by solution/organisation."""
    query = (
        select(Review)
        .join(Solution, Review.solution_id == Solution.id)
        .join(Organization, Review.organization_id == Organization.id)
        .options(
            joinedload(Review.solution),
            joinedload(Review.organization),
        )
    )
    if filters.status in set(ReviewStatus):
        query = query.where(Review.status == filters.status)
    if filters.reported:
        query = query.where(
            select(ReviewReport.id)
            .where(ReviewReport.review_id == Review.id, ReviewReport.status == ReportStatus.OPEN)
            .exists()
        )
    if filters.q:
        like = f"%{filters.q.strip()[:100]}%"
        query = query.where(or_(Solution.name.ilike(like), Organization.name.ilike(like)))
    return query.order_by(Review.created_at.desc(), Review.id.desc())


def open_report_counts(review_ids: Iterable[int]) -> dict[int, int]:
    """Count the open reports of each review (one query)."""
    ids = list(review_ids)
    if not ids:
        return {}
    rows = db.session.execute(
        select(ReviewReport.review_id, func.count(ReviewReport.id))
        .where(ReviewReport.review_id.in_(ids), ReviewReport.status == ReportStatus.OPEN)
        .group_by(ReviewReport.review_id)
    ).all()
    return {review_id: int(n) for review_id, n in rows}


def status_label(status: str) -> str:
    return {
        ReviewStatus.PUBLISHED: _("Đang hiển thị"),
        ReviewStatus.HIDDEN: _("Đã ẩn"),
    }.get(status, status)


def report_status_label(status: str) -> str:
    return {
        ReportStatus.OPEN: _("Chờ xử lý"),
        ReportStatus.DISMISSED: _("Đã bỏ qua"),
        ReportStatus.UPHELD: _("Đã ẩn nhận xét"),
    }.get(status, status)
