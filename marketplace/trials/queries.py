"""Reads of trials: one organisation's trials, the vendor's inbox and its counts, response times."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import Select, func, select
from sqlalchemy.orm import joinedload, selectinload

from marketplace.catalog.models import Solution
from marketplace.core import response_times
from marketplace.core.params import id_arg
from marketplace.core.response_times import median_response_times
from marketplace.extensions import db
from marketplace.trials.models import (
    OPEN_STATUSES,
    USED_STATUSES,
    TrialEvent,
    TrialRequest,
    TrialStatus,
)

S = TrialStatus


# Median response time: the vendor's latest answered requests, at most this many.
RESPONSE_SAMPLE = 200


def open_trial_for(org_id: int, solution_id: int) -> TrialRequest | None:
    """Return the organisation's open (requested, accepted or active) trial of a solution."""
    return db.session.scalar(
        select(TrialRequest).where(
            TrialRequest.organization_id == org_id,
            TrialRequest.solution_id == solution_id,
            TrialRequest.status.in_(OPEN_STATUSES),
        )
    )


def org_has_used_solution(org_id: int, solution_id: int) -> bool:
    """Tell whether the organisation was let into a trial of the solution.

    True for a trial that is accepted, active, ended or converted: what makes a review
    "verified" on the trial side.
    """
    return bool(
        db.session.scalar(
            select(
                select(TrialRequest.id)
                .where(
                    TrialRequest.organization_id == org_id,
                    TrialRequest.solution_id == solution_id,
                    TrialRequest.status.in_(USED_STATUSES),
                )
                .exists()
            )
        )
    )


def active_trial_for(org_id: int, solution_id: int) -> TrialRequest | None:
    """Return the organisation's trial of a solution a payment would convert, if any.

    The active trial first, else the most recently ended one.
    """
    return db.session.scalar(
        select(TrialRequest)
        .where(
            TrialRequest.organization_id == org_id,
            TrialRequest.solution_id == solution_id,
            TrialRequest.status.in_([S.ACTIVE, S.ENDED]),
        )
        .order_by((TrialRequest.status == S.ACTIVE).desc(), TrialRequest.id.desc())
        .limit(1)
    )


def with_details(query: Select) -> Select:
    return query.options(
        joinedload(TrialRequest.organization),
        joinedload(TrialRequest.solution),
        joinedload(TrialRequest.plan),
        joinedload(TrialRequest.vendor),
    )


def get_trial(trial_id: int, *, with_timeline: bool = True) -> TrialRequest | None:
    """Load a trial with its parties, plan and (optionally) its timeline."""
    query = with_details(select(TrialRequest).where(TrialRequest.id == trial_id))
    if with_timeline:
        query = query.options(
            selectinload(TrialRequest.events).joinedload(TrialEvent.actor),
            joinedload(TrialRequest.requested_by),
        )
    return db.session.scalar(query)


@dataclass
class InboxFilters:
    status: str | None = None
    solution_id: int | None = None

    def to_args(self) -> dict[str, str | int]:
        args: dict[str, str | int] = {}
        if self.status:
            args["status"] = self.status
        if self.solution_id:
            args["solution"] = self.solution_id
        return args


def parse_inbox_filters(args, vendor_id: int) -> InboxFilters:
    """Read `status` and `solution` from the query string; an unknown status is ignored.

    A solution filter only keeps the vendor's own solutions; one that is not an id is a 400.
    """
    filters = InboxFilters()
    status = (args.get("status") or "").strip()
    if status in set(TrialStatus):
        filters.status = status
    wanted = id_arg("solution", args=args)
    if wanted is not None:
        owned = db.session.scalar(
            select(Solution.id).where(Solution.id == wanted, Solution.vendor_id == vendor_id)
        )
        filters.solution_id = owned
    return filters


def inbox_query(vendor_id: int, filters: InboxFilters | None = None) -> Select:
    """Return the vendor's trials under the filters, newest first, with their details."""
    filters = filters or InboxFilters()
    query = select(TrialRequest).where(TrialRequest.vendor_id == vendor_id)
    if filters.status:
        query = query.where(TrialRequest.status == filters.status)
    if filters.solution_id:
        query = query.where(TrialRequest.solution_id == filters.solution_id)
    return with_details(query).order_by(TrialRequest.created_at.desc(), TrialRequest.id.desc())


def inbox_counts(vendor_id: int, *, solution_id: int | None = None) -> dict[str, int]:
    """Count the vendor's trials per status (under the solution filter), in one query."""
    query = (
        select(TrialRequest.status, func.count())
        .where(TrialRequest.vendor_id == vendor_id)
        .group_by(TrialRequest.status)
    )
    if solution_id:
        query = query.where(TrialRequest.solution_id == solution_id)
    counts = dict.fromkeys(TrialStatus, 0)
    counts.update(dict(db.session.execute(query).all()))
    return counts


def new_request_count(vendor_id: int | None) -> int:
    """Count the vendor's requests waiting for an answer."""
    if vendor_id is None:
        return 0
    return (
        db.session.scalar(
            select(func.count(TrialRequest.id)).where(
                TrialRequest.vendor_id == vendor_id, TrialRequest.status == S.REQUESTED
            )
        )
        or 0
    )


def my_trials_query(org_id: int) -> Select:
    """Return the enterprise's trials, newest first, with their timelines."""
    return (
        with_details(select(TrialRequest).where(TrialRequest.organization_id == org_id))
        .options(selectinload(TrialRequest.events).joinedload(TrialEvent.actor))
        .order_by(TrialRequest.created_at.desc(), TrialRequest.id.desc())
    )


def median_response_time(vendor_ids: Iterable[int]) -> dict[int, dt.timedelta | None]:
    """Return each vendor's median time from a trial request to its first answer (over the
    RESPONSE_SAMPLE latest answered ones; None for a vendor that never answered one)."""
    return median_response_times(TrialRequest, vendor_ids, sample=RESPONSE_SAMPLE)


def vendor_response_time(vendor_id: int | None) -> dt.timedelta | None:
    """Return one vendor's median response time (see median_response_time); read with
    the vendor's other kinds in one statement and kept (core/response_times.py)."""
    return response_times.vendor_response_time("trials", vendor_id)
