"""The demo quotes: every state, offers priced by the rules, vendor pages; a second run adds
nothing."""

from __future__ import annotations

from sqlalchemy import func, select

from marketplace.billing.models import Order
from marketplace.catalog.models import VendorProfile
from marketplace.demo.cli import seed_demo
from marketplace.extensions import db
from marketplace.quotes import queries
from marketplace.quotes.models import Offer, QuoteMessage, QuoteRequest, QuoteStatus


def _counts():
    return (
        db.session.scalar(select(func.count(QuoteRequest.id))),
        db.session.scalar(select(func.count(Offer.id))),
        db.session.scalar(select(func.count(QuoteMessage.id))),
        db.session.scalar(select(func.count()).select_from(VendorProfile)),
        db.session.scalar(select(func.count(Order.id)).where(Order.source == "quote")),
    )


def test_the_demo_has_quotes_in_every_state_and_vendor_pages(app):
    seed_demo()
    db.session.commit()
    states = set(db.session.scalars(select(QuoteRequest.status)))
    assert states == set(QuoteStatus)
    for offer in db.session.scalars(select(Offer)):
        assert offer.total_vnd == sum(line.amount_vnd + line.vat_vnd for line in offer.lines)
    # Accepting an offer places an order: the demo's accepted offers have theirs, at the
    # offer's total.
    accepted = db.session.scalars(
        select(QuoteRequest).where(QuoteRequest.status == QuoteStatus.ACCEPTED)
    ).all()
    assert accepted
    for quote in accepted:
        order = queries.order_of(quote)
        offer = next(o for o in quote.offers if o.status == "accepted")
        assert order is not None and order.total_vnd == offer.total_vnd
    first = _counts()
    assert first[2] > 0 and first[3] >= 6 and first[4] == len(accepted)
    seed_demo()
    db.session.commit()
    assert _counts() == first
