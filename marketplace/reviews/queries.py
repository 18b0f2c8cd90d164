"""Reads of reviews: rating summaries, a solution's review pages, votes, reports and the
moderation list.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from sqlalchemy import Select, bindparam, func, select, union
from sqlalchemy.orm import aliased, joinedload, selectinload

from marketplace.accounts.models import Organization
from marketplace.catalog.models import Solution
from marketplace.core.audit import AuditLog
from marketplace.core.params import page_arg
from marketplace.extensions import db
from marketplace.reviews import standing
from marketplace.reviews.models import (
    ASPECTS,
    ReportStatus,
    Review,
    ReviewReport,
    ReviewStatus,
    ReviewVote,
)
from marketplace.reviews.rules import parse_score

PER_PAGE = 10


SORTS = ("helpful", "newest", "highest", "lowest")
DEFAULT_SORT = "helpful"


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

    def breakdown(self) -> dict[str, dict[str, int]]:
        """Return what the solution's row keeps of this summary (`Solution.rating_breakdown`)."""
        return {"stars": self.distribution(), "aspects": dict(self.aspect_totals)}

    @classmethod
    def from_breakdown(cls, kept: Mapping) -> RatingSummary:
        """Rebuild the summary a solution's row keeps (see `breakdown`)."""
        summary = cls()
        for stars, count in (kept.get("stars") or {}).items():
            summary.histogram[int(stars)] = int(count)
            summary.count += int(count)
            summary.total += int(stars) * int(count)
        for aspect in ASPECTS:
            summary.aspect_totals[aspect] = int((kept.get("aspects") or {}).get(aspect, 0))
        return summary


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


def summaries_of(solutions: Iterable[Solution]) -> dict[int, RatingSummary]:
    """Return the rating summary of each loaded solution from the figures its row keeps
    (`Solution.rating_breakdown`, written with `rating_count` by every change of what is
    published): no query. A row whose breakdown was never written is counted from the
    reviews (one query for all of them); one without any review needs none."""
    result: dict[int, RatingSummary] = {}
    unknown = []
    for solution in solutions:
        if solution.rating_breakdown is not None:
            result[solution.id] = RatingSummary.from_breakdown(solution.rating_breakdown)
        elif not solution.rating_count:
            result[solution.id] = RatingSummary()
        else:
            unknown.append(solution.id)
    return result | summaries(unknown)


def summary_of(solution: Solution) -> RatingSummary:
    """The summary a solution page shows (see `summaries_of`)."""
    return summaries_of([solution])[solution.id]


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


# Built once: asked on every signed-in user's first showing of a solution page.
_OWN_REVIEW = (
    select(Review)
    .where(
        Review.organization_id == bindparam("org_id"),
        Review.solution_id == bindparam("solution_id"),
    )
    .options(selectinload(Review.revisions))
)


def own_review(org_id: int | None, solution_id: int) -> Review | None:
    """Return the organisation's review of the solution (published or hidden), if any."""
    if org_id is None:
        return None
    return db.session.scalar(_OWN_REVIEW, {"org_id": org_id, "solution_id": solution_id})


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
    """Return which of these reviews the user found helpful: as read with the user
    (reviews/standing.py), else one query."""
    ids = list(review_ids)
    if user_id is None or not ids:
        return set()
    kept = standing.kept_votes(user_id)
    if kept is not standing.MISSING:
        return kept.intersection(ids)
    return set(db.session.scalars(_VOTED, {"user_id": user_id, "ids": ids}))


_VOTED = select(ReviewVote.review_id).where(
    ReviewVote.user_id == bindparam("user_id"),
    ReviewVote.review_id.in_(bindparam("ids", expanding=True)),
)


def open_report_for(user_id: int, review_id: int) -> ReviewReport | None:
    return db.session.scalar(
        select(ReviewReport).where(
            ReviewReport.review_id == review_id,
            ReviewReport.reporter_id == user_id,
            ReviewReport.status == ReportStatus.OPEN,
        )
    )


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


@dataclass
class ModerationFilters:
    status: str = ""
    reported: bool = False
    q: str = ""


def moderation_query(filters: ModerationFilters) -> Select:
    """List reviews for moderators: by status, only reported ones, or by solution/organisation."""
    query = select(Review).options(
        joinedload(Review.solution),
        joinedload(Review.organization),
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
        # The listings and organisations named, then their reviews: joining every review to
        # both names to search them took 0.7 s on PostgreSQL and 2.5 s on SQLite at 500,000
        # reviews, and an OR of the two made PostgreSQL walk every review (0.5 s); without
        # a search the reviews are not joined (counting them through the joins took 65 and
        # 195 ms).
        like = f"%{filters.q.strip()[:100]}%"
        named = aliased(Review)  # the reviews of what is named, each read by its own index
        query = query.where(
            Review.id.in_(
                union(
                    select(named.id).where(
                        named.solution_id.in_(select(Solution.id).where(Solution.name.ilike(like)))
                    ),
                    select(named.id).where(
                        named.organization_id.in_(
                            select(Organization.id).where(Organization.name.ilike(like))
                        )
                    ),
                )
            )
        )
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
