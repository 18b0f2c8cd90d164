"""What the reviews read of a signed-in user towards every listing, read with the user's row
(core/user_reads.py): their organisation's trials (the right to review), its reviews (the
write button says "Sửa nhận xét của bạn"; a hidden one is explained) and the user's helpful
votes. Each read asks its own statement when nothing was kept (`MISSING`)."""

from __future__ import annotations

import datetime as dt
from typing import Any, NamedTuple

from sqlalchemy import bindparam, select

from marketplace.core import user_reads
from marketplace.core.database import as_utc, json_rows_of
from marketplace.extensions import db
from marketplace.reviews.models import Review, ReviewStatus, ReviewVote
from marketplace.trials.models import TrialRequest

MISSING = user_reads.MISSING
_TRIALS, _OWN, _VOTES = "review_trials", "review_own", "review_votes"

Trial = tuple[str, dt.date | None, dt.date | None, dt.datetime | None]


class OwnReview(NamedTuple):
    """The organisation's review of a listing, as the reviews section shows it."""

    id: int
    status: str
    hidden_reason: str | None  # read only for a hidden review (its page explains why)


def _date(value: Any) -> dt.date | None:
    return value if value is None or isinstance(value, dt.date) else dt.date.fromisoformat(value)


# ---------------------------------------------------------------- trials of the organisation


# What the right to review reads of each trial (`Trial`; reviews/permissions.py `_trials`).
TRIAL_COLUMNS = (
    TrialRequest.status,
    TrialRequest.start_date,
    TrialRequest.end_date,
    TrialRequest.updated_at,
)


def trials_of(users: Any) -> Any:
    """The organisation's trials as a column of the statement that loads a user."""
    query = select(TrialRequest.solution_id, *TRIAL_COLUMNS).where(
        TrialRequest.organization_id == users.organization_id
    )
    return json_rows_of(query.correlate(users), user_reads.MAX_ROWS)


def keep_trials(user: Any, rows: list | None) -> None:
    if user.organization_id is None or not user_reads.complete(rows):
        return
    by_solution: dict[int, list[Trial]] = {}
    for solution_id, status, start, end, updated in rows or ():
        trial = (status, _date(start), _date(end), as_utc(updated) if updated else None)
        by_solution.setdefault(int(solution_id), []).append(trial)
    user_reads.remember((_TRIALS, user.organization_id), by_solution)


def kept_trials(org_id: int, solution_id: int) -> list[Trial] | Any:
    """(status, start, end, updated) of the organisation's trials of the solution, as read
    with the user; `MISSING` when they were not."""
    kept = user_reads.recall((_TRIALS, org_id))
    return kept if kept is MISSING else kept.get(solution_id, [])


# ---------------------------------------------------------------- the organisation's reviews


def own_reviews_of(users: Any) -> Any:
    """The organisation's reviews as a column of the statement that loads a user (read from
    the index `ix_reviews_organization_standing` alone)."""
    query = select(Review.solution_id, Review.id, Review.status).where(
        Review.organization_id == users.organization_id
    )
    return json_rows_of(query.correlate(users), user_reads.MAX_ROWS)


def keep_own_reviews(user: Any, rows: list | None) -> None:
    if user.organization_id is None or not user_reads.complete(rows):
        return
    own = {int(solution_id): (int(id_), status) for solution_id, id_, status in rows or ()}
    user_reads.remember((_OWN, user.organization_id), own)


_OWN_REVIEW = select(Review.id, Review.status, Review.hidden_reason).where(
    Review.organization_id == bindparam("org_id"),
    Review.solution_id == bindparam("solution_id"),
)
_HIDDEN_REASON = select(Review.hidden_reason).where(Review.id == bindparam("id"))


def own_review(org_id: int | None, solution_id: int) -> OwnReview | None:
    """The organisation's review of the solution (published or hidden), if any: as read
    with the user (and a hidden one's reason), else one statement."""
    if org_id is None:
        return None
    kept = user_reads.recall((_OWN, org_id))
    if kept is MISSING:
        row = db.session.execute(_OWN_REVIEW, {"org_id": org_id, "solution_id": solution_id})
        found = row.first()
        return None if found is None else OwnReview(*found)
    if solution_id not in kept:
        return None
    id_, status = kept[solution_id]
    reason = None
    if status == ReviewStatus.HIDDEN:
        reason = db.session.scalar(_HIDDEN_REASON, {"id": id_})
    return OwnReview(id_, status, reason)


# ---------------------------------------------------------------- the user's votes


def votes_of(users: Any) -> Any:
    """The reviews the user found helpful, as a column of the statement that loads them."""
    query = select(ReviewVote.review_id).where(ReviewVote.user_id == users.id)
    return json_rows_of(query.correlate(users), user_reads.MAX_ROWS)


def keep_votes(user: Any, rows: list | None) -> None:
    if user_reads.complete(rows):
        user_reads.remember((_VOTES, user.id), frozenset(int(row[0]) for row in rows or ()))


def kept_votes(user_id: int) -> frozenset[int] | Any:
    """The reviews the user found helpful, as read with them; `MISSING` when they were not."""
    return user_reads.recall((_VOTES, user_id))
