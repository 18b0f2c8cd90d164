"""Approvals racing for the last of the budget: N at once against a budget that fits N−1."""

from __future__ import annotations

import threading

from sqlalchemy import func, select

from marketplace.accounts.models import User
from marketplace.core.errors import DomainError
from marketplace.extensions import db
from marketplace.programme import services
from marketplace.programme.models import Application, ApplicationStatus
from tests import factories
from tests.programme import support

N = 4


def test_n_concurrent_approvals_against_a_budget_for_n_minus_one(app_factory, app, plan, moderator):
    # Each application is worth 600 000 ₫ (50 % of 1 200 000 ₫); the budget fits three.
    programme = support.make_programme(
        budget=(N - 1) * 600_000, category_ids=[plan.solution.category_id]
    )
    support.approve_plan(programme, plan)
    ids = []
    for _ in range(N):
        buyer = factories.make_user("enterprise")
        ids.append(support.make_application(support.paid_order(buyer, plan)).id)
    reviewer_id = moderator.id
    apps = [app_factory() for _ in range(N)]
    barrier = threading.Barrier(N)
    outcomes: list[str] = []
    lock = threading.Lock()

    def approve(application, application_id: int) -> None:
        with application.app_context():
            try:
                reviewer = db.session.get(User, reviewer_id)
                found = db.session.get(Application, application_id)
                barrier.wait(timeout=10)
                services.approve_application(reviewer, found)
                db.session.commit()
                result = "approved"
            except DomainError as err:
                db.session.rollback()
                result = f"refused: {err.message}"
            except BaseException as err:  # noqa: BLE001 - reported below
                db.session.rollback()
                result = f"error: {err!r}"
            finally:
                db.session.remove()
            with lock:
                outcomes.append(result)

    threads = [
        threading.Thread(target=approve, args=(a, i)) for a, i in zip(apps, ids, strict=True)
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert sorted(outcomes)[: N - 1] == ["approved"] * (N - 1), outcomes
    assert outcomes.count("approved") == N - 1, outcomes
    assert [o for o in outcomes if o != "approved"][0].startswith("refused"), outcomes
    db.session.expire_all()
    approved = db.session.scalar(
        select(func.count(Application.id)).where(Application.status == ApplicationStatus.APPROVED)
    )
    committed = db.session.scalar(select(func.sum(Application.amount_vnd)))
    assert approved == N - 1
    assert committed == (N - 1) * 600_000
