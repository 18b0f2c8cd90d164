"""The demo quotes: every state, offers priced by the rules, vendor pages; a second run adds
nothing."""

from __future__ import annotations

from sqlalchemy import func, select

from marketplace.catalog.models import VendorProfile
from marketplace.demo.cli import seed_demo
from marketplace.extensions import db
from marketplace.quotes.models import Offer, QuoteMessage, QuoteRequest, QuoteStatus


def _counts():
    return (
        db.session.scalar(select(func.count(QuoteRequest.id))),
        db.session.scalar(select(func.count(Offer.id))),
        db.session.scalar(select(func.count(QuoteMessage.id))),
        db.session.scalar(select(func.count()).select_from(VendorProfile)),
    )


def test_the_demo_has_quotes_in_every_state_and_vendor_pages(app):
    seed_demo()
    db.session.commit()
    states = set(db.session.scalars(select(QuoteRequest.status)))
    assert states == set(QuoteStatus)
    for offer in db.session.scalars(select(Offer)):
        assert offer.total_vnd == sum(line.amount_vnd + line.vat_vnd for line in offer.lines)
    first = _counts()
    assert first[2] > 0 and first[3] >= 6
    seed_demo()
    db.session.commit()
    assert _counts() == first
