"""The demo reviews follow the rules, and seeding twice adds nothing."""

from __future__ import annotations

from sqlalchemy import func, select

from marketplace.accounts.models import User
from marketplace.catalog.models import Solution
from marketplace.demo.cli import seed_demo
from marketplace.extensions import db
from marketplace.reviews import queries, rules, services
from marketplace.reviews.models import Review, ReviewReply, ReviewReport, ReviewVote
from marketplace.trials.models import USED_STATUSES, TrialRequest


def _counts() -> tuple[int, ...]:
    return tuple(
        db.session.scalar(select(func.count(model.id)))
        for model in (Review, ReviewVote, ReviewReply, ReviewReport)
    )


def test_seeded_reviews_follow_the_rules_and_seeding_is_idempotent(app):
    seed_demo()
    db.session.commit()
    first = _counts()
    reviews, votes, replies, reports = first
    assert reviews >= 15 and votes >= 10 and replies >= 2 and reports == 1
    for review in db.session.scalars(select(Review)):
        # The organisation had a trial the vendor let it into, before writing.
        trial = db.session.scalar(
            select(TrialRequest).where(
                TrialRequest.organization_id == review.organization_id,
                TrialRequest.solution_id == review.solution_id,
                TrialRequest.status.in_(USED_STATUSES),
            )
        )
        assert trial is not None and review.verified
        assert review.created_at > trial.created_at
        assert review.author.organization_id == review.organization_id
        assert review.solution.status == "published"
        assert rules.MIN_BODY <= len(review.body) <= rules.MAX_BODY
        assert len(review.title) <= rules.MAX_TITLE
        if review.reply is not None:
            assert review.reply.author.organization_id == review.solution.vendor_id
    for vote in db.session.scalars(select(ReviewVote)):
        voter = db.session.get(User, vote.user_id)
        review = db.session.get(Review, vote.review_id)
        assert voter.organization_id not in (review.organization_id, review.solution.vendor_id)
    assert {r.helpful_count for r in db.session.scalars(select(Review))} != {0}
    for review in db.session.scalars(select(Review)):
        assert review.helpful_count == db.session.scalar(
            select(func.count(ReviewVote.id)).where(ReviewVote.review_id == review.id)
        )
    report = db.session.scalar(select(ReviewReport))
    assert report.status == "open"
    assert db.session.get(User, report.reporter_id).organization_id != report.review.organization_id
    # Both positive and critical opinions.
    stars = set(db.session.scalars(select(Review.overall)))
    assert {1, 2, 5} <= stars
    # The figures match the published reviews.
    for solution in db.session.scalars(select(Solution)):
        summary = queries.summary(solution.id)
        assert solution.rating_count == summary.count
        assert round(solution.rating_avg, 3) == round(summary.average, 3)
        assert round(solution.rating_score, 3) == round(
            services.bayesian_score(summary.total, summary.count), 3
        )
    # The demo enterprise still has an eligible solution left to review.
    demo = db.session.scalar(select(User).where(User.email == "enterprise@demo.vn"))
    einvoice = db.session.scalar(select(Solution).where(Solution.slug == "saokhue-einvoice"))
    from marketplace.reviews.permissions import can_review

    assert can_review(demo, einvoice)[0]
    assert queries.own_review(demo.organization_id, einvoice.id) is None

    seed_demo()
    db.session.commit()
    assert _counts() == first
