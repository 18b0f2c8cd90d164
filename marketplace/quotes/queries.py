"""Reads of quotes: one quote with everything on its page, the organisation's quotes, the
vendor's inbox and its counts, response times."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import Select, func, select
from sqlalchemy.orm import joinedload, selectinload

from marketplace.accounts.models import Role, User
from marketplace.billing.models import Order, OrderSource
from marketplace.catalog.models import Solution
from marketplace.core import response_times
from marketplace.core.params import id_arg
from marketplace.core.response_times import median_response_times
from marketplace.extensions import db
from marketplace.quotes.models import (
    OPEN_STATUSES,
    Offer,
    QuoteEvent,
    QuoteMessage,
    QuoteRequest,
    QuoteStatus,
)

S = QuoteStatus

# Median response time: the vendor's latest answered requests, at most this many.
RESPONSE_SAMPLE = 200


def open_quote_for(org_id: int, solution_id: int) -> QuoteRequest | None:
    """Return the organisation's open (requested or offered) quote request for a solution."""
    return db.session.scalar(
        select(QuoteRequest).where(
            QuoteRequest.organization_id == org_id,
            QuoteRequest.solution_id == solution_id,
            QuoteRequest.status.in_(OPEN_STATUSES),
        )
    )


def with_details(query: Select) -> Select:
    return query.options(
        joinedload(QuoteRequest.organization),
        joinedload(QuoteRequest.solution),
        joinedload(QuoteRequest.plan),
        joinedload(QuoteRequest.vendor),
        joinedload(QuoteRequest.assigned_to),
    )


def get_quote(quote_id: int, *, full: bool = True) -> QuoteRequest | None:
    """Load a quote with its parties and (optionally) its offers, thread and timeline."""
    query = with_details(select(QuoteRequest).where(QuoteRequest.id == quote_id))
    if full:
        query = query.options(
            selectinload(QuoteRequest.events).joinedload(QuoteEvent.actor),
            selectinload(QuoteRequest.offers).selectinload(Offer.lines),
            selectinload(QuoteRequest.messages).joinedload(QuoteMessage.author),
            joinedload(QuoteRequest.requested_by),
        )
    return db.session.scalar(query)


@dataclass
class InboxFilters:
    status: str | None = None
    solution_id: int | None = None
    mine: bool = False

    def to_args(self) -> dict[str, str | int]:
        args: dict[str, str | int] = {}
        if self.status:
            args["status"] = self.status
        if self.solution_id:
            args["solution"] = self.solution_id
        if self.mine:
            args["mine"] = 1
        return args


def parse_inbox_filters(args, vendor_id: int) -> InboxFilters:
    """Read `status`, `solution` and `mine` from the query string; unknown values are ignored.

    A solution filter only keeps the vendor's own solutions; one that is not an id is a 400.
    """
    filters = InboxFilters()
    status = (args.get("status") or "").strip()
    if status in set(QuoteStatus):
        filters.status = status
    wanted = id_arg("solution", args=args)
    if wanted is not None:
        filters.solution_id = db.session.scalar(
            select(Solution.id).where(Solution.id == wanted, Solution.vendor_id == vendor_id)
        )
    filters.mine = args.get("mine") == "1"
    return filters


def inbox_query(vendor_id: int, filters: InboxFilters | None = None, *, user_id=None) -> Select:
    """Return the vendor's quote requests under the filters, newest first, with details."""
    filters = filters or InboxFilters()
    query = select(QuoteRequest).where(QuoteRequest.vendor_id == vendor_id)
    if filters.status:
        query = query.where(QuoteRequest.status == filters.status)
    if filters.solution_id:
        query = query.where(QuoteRequest.solution_id == filters.solution_id)
    if filters.mine and user_id is not None:
        query = query.where(QuoteRequest.assigned_to_id == user_id)
    return with_details(query).order_by(QuoteRequest.created_at.desc(), QuoteRequest.id.desc())


def inbox_counts(vendor_id: int, *, solution_id: int | None = None) -> dict[str, int]:
    """Count the vendor's quote requests per status (under the solution filter), one query."""
    query = (
        select(QuoteRequest.status, func.count())
        .where(QuoteRequest.vendor_id == vendor_id)
        .group_by(QuoteRequest.status)
    )
    if solution_id:
        query = query.where(QuoteRequest.solution_id == solution_id)
    counts = dict.fromkeys(QuoteStatus, 0)
    counts.update(dict(db.session.execute(query).all()))
    return counts


def current_offers(quote_ids: Iterable[int]) -> dict[int, Offer]:
    """Return the newest offer of each quote (one query), for lists."""
    ids = sorted(set(quote_ids))
    if not ids:
        return {}
    newest = (
        select(Offer.quote_id, func.max(Offer.number).label("number"))
        .where(Offer.quote_id.in_(ids))
        .group_by(Offer.quote_id)
        .subquery()
    )
    offers = db.session.scalars(
        select(Offer).join(
            newest, (Offer.quote_id == newest.c.quote_id) & (Offer.number == newest.c.number)
        )
    )
    return {o.quote_id: o for o in offers}


def new_request_count(vendor_id: int | None) -> int:
    """Count the vendor's requests waiting for an offer."""
    if vendor_id is None:
        return 0
    return (
        db.session.scalar(
            select(func.count(QuoteRequest.id)).where(
                QuoteRequest.vendor_id == vendor_id, QuoteRequest.status == S.REQUESTED
            )
        )
        or 0
    )


def vendor_members(vendor_id: int) -> list[User]:
    """Return the active members of a vendor organisation, who may own a request."""
    return list(
        db.session.scalars(
            select(User)
            .where(
                User.organization_id == vendor_id,
                User.role == Role.VENDOR,
                User.active.is_(True),
            )
            .order_by(User.name, User.id)
        )
    )


def my_quotes_query(org_id: int) -> Select:
    """Return the enterprise's quote requests, newest first."""
    return with_details(
        select(QuoteRequest).where(QuoteRequest.organization_id == org_id)
    ).order_by(QuoteRequest.created_at.desc(), QuoteRequest.id.desc())


def staff_query(status: str | None = None) -> Select:
    """Return every quote request (moderators read them), newest first."""
    query = select(QuoteRequest)
    if status in set(QuoteStatus):
        query = query.where(QuoteRequest.status == status)
    return with_details(query).order_by(QuoteRequest.created_at.desc(), QuoteRequest.id.desc())


def expired_offers(today: dt.date) -> list[QuoteRequest]:
    """Return the offered quotes whose current offer's validity ended before `today`."""
    return list(
        db.session.scalars(
            select(QuoteRequest)
            .join(Offer, Offer.quote_id == QuoteRequest.id)
            .where(
                QuoteRequest.status == S.OFFERED,
                Offer.status == "current",
                Offer.valid_until < today,
            )
            .order_by(QuoteRequest.id)
        )
    )


def median_response_time(vendor_ids: Iterable[int]) -> dict[int, dt.timedelta | None]:
    """Return each vendor's median time from a quote request to its first answer, an offer
    or a closing (over the RESPONSE_SAMPLE latest answered ones; None for a vendor that
    never answered one)."""
    return median_response_times(QuoteRequest, vendor_ids, sample=RESPONSE_SAMPLE)


def vendor_response_time(vendor_id: int | None) -> dt.timedelta | None:
    """Return one vendor's median quote response time (see median_response_time); read with
    the vendor's other kinds in one statement and kept (core/response_times.py)."""
    return response_times.vendor_response_time("quotes", vendor_id)


def order_of(quote: QuoteRequest) -> Order | None:
    """Return the order placed when the quote's offer was accepted, if any."""
    if quote.status != "accepted":
        return None
    return db.session.scalar(
        select(Order)
        .where(Order.source == OrderSource.QUOTE, Order.source_id == quote.id)
        .order_by(Order.id.desc())
        .limit(1)
    )
