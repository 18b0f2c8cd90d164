"""The demo needs: every state, a hidden-name need with questions and proposals, the
awarded one with its order; a second run adds nothing."""

from __future__ import annotations

from sqlalchemy import func, select

from marketplace.billing.models import Order, OrderSource
from marketplace.demo.cli import seed_demo
from marketplace.extensions import db
from marketplace.needs.models import Need, NeedQuestion, NeedStatus, Proposal


def _counts():
    return tuple(
        db.session.scalar(select(func.count()).select_from(model))
        for model in (Need, Proposal, NeedQuestion)
    )


def test_the_demo_has_needs_in_every_state(app):
    seed_demo()
    db.session.commit()
    assert set(db.session.scalars(select(Need.status))) == set(NeedStatus)
    hidden = db.session.scalars(select(Need).where(Need.show_name.is_(False))).all()
    assert any(n.status == NeedStatus.OPEN and n.questions and n.proposals for n in hidden)
    for proposal in db.session.scalars(select(Proposal)):
        assert proposal.total_vnd == sum(line.amount_vnd + line.vat_vnd for line in proposal.lines)
    assert db.session.scalar(select(func.count(Order.id)).where(Order.source == OrderSource.NEED))
    first = _counts()
    seed_demo()
    db.session.commit()
    assert _counts() == first
