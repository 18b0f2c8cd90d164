"""Reviews that mean use: who may review after which use, and the badge that says it."""

from __future__ import annotations

import datetime as dt

import pytest
from flask_migrate import downgrade, upgrade
from sqlalchemy import text

from marketplace.core.clock import local_today
from marketplace.extensions import db
from marketplace.reviews.models import Review
from marketplace.reviews.permissions import can_review, review_use
from marketplace.trials import rules as trials_rules
from marketplace.trials import services as trials
from tests import factories
from tests.reviews.conftest import PLANS, form_data, soup, write


def _trial(user, solution, status: str, start: dt.date):
    """A trial of the solution for the user's organisation, started on `start`."""
    plan = next(p for p in solution.plans if p.trial_days > 0)
    vendor_user = next(u for u in solution.vendor.members if u.role == "vendor")
    trial = trials.request_trial(
        user,
        solution,
        trials_rules.TrialInput(
            plan_id=plan.id,
            contact_name="Nguyễn Thị Hương",
            contact_phone="0912345678",
            preferred_start=start,
            users_count=3,
        ),
        today=start,
    )
    return factories.advance_trial(
        trial, status, vendor_user=vendor_user, enterprise_user=user, today=start
    )


START = dt.date(2026, 3, 10)


@pytest.mark.parametrize(
    ("status", "days_later", "allowed", "words"),
    [
        ("requested", 30, False, "đang chờ nhà cung cấp chấp nhận"),
        ("accepted", 30, False, "chưa mở quyền dùng"),
        ("active", 0, False, "mới dùng thử 0 ngày"),
        ("active", 6, False, "từ ngày 17/03/2026"),
        ("active", 7, True, "Đã dùng thử 7 ngày"),
        ("active", 30, True, "Đã dùng thử 14 ngày"),  # the plan's 14 days, not more
        ("ended", 1, True, "Đã dùng thử"),
        ("converted", 1, True, "Đã dùng thử"),
        ("declined", 30, False, "Hãy đăng ký dùng thử trước"),
        ("cancelled", 30, False, "Hãy đăng ký dùng thử trước"),
    ],
)
def test_eligibility_table(solution, status, days_later, allowed, words):
    user = factories.make_user("enterprise")
    _trial(user, solution, status, START)
    ok, reason = can_review(user, solution, today=START + dt.timedelta(days=days_later))
    assert ok is allowed
    assert words in reason


def test_a_paid_purchase_allows_and_says_so(solution, enterprise):
    assert not can_review(enterprise, solution)[0]
    factories.make_subscription(
        enterprise.organization_id, solution.plans[0], stripe_id="sub_use_1", status="active"
    )
    ok, reason = can_review(enterprise, solution)
    assert ok and "Khách hàng đã mua" in reason
    review = write(enterprise, solution)
    assert review.verified and review.use_kind == "purchase"
    assert review.use_badge == "Khách hàng đã mua"


def test_an_unpaid_subscription_does_not_count(solution, enterprise):
    factories.make_subscription(
        enterprise.organization_id, solution.plans[0], stripe_id="sub_use_2", status="incomplete"
    )
    assert not can_review(enterprise, solution)[0]


def test_another_organisations_trial_never_counts(solution, other_solution):
    user = factories.make_user("enterprise")
    _trial(user, solution, "ended", START)
    stranger = factories.make_user("enterprise")
    assert not can_review(stranger, solution)[0]
    # Nor does the same organisation's trial of another solution.
    assert not can_review(user, other_solution)[0]
    assert review_use(stranger.organization_id, solution.id) is None


def test_a_young_trial_is_refused_on_the_page_with_the_date(client_for, solution):
    user = factories.make_user("enterprise")
    today = local_today()
    _trial(user, solution, "active", today - dt.timedelta(days=2))
    page = client_for(user).get(f"/solutions/{solution.slug}/review")
    assert page.status_code == 403
    ready = (today + dt.timedelta(days=5)).strftime("%d/%m/%Y")
    assert ready in page.get_data(as_text=True)
    posted = client_for(user).post(f"/solutions/{solution.slug}/review", data=form_data())
    assert posted.status_code == 403
    assert db.session.query(Review).count() == 0


def test_the_minimum_is_configurable(app, solution):
    user = factories.make_user("enterprise")
    _trial(user, solution, "active", START)
    app.config["REVIEW_MIN_TRIAL_DAYS"] = 3
    try:
        assert can_review(user, solution, today=START + dt.timedelta(days=3))[0]
    finally:
        app.config["REVIEW_MIN_TRIAL_DAYS"] = 7


def test_the_badge_says_how_long_the_trial_lasted(client, solution):
    user = factories.make_user("enterprise")
    _trial(user, solution, "ended", START)
    review = write(user, solution)
    assert review.use_kind == "trial"
    # Ended by the vendor on the day it was ended (today): the plan's 14 days at most.
    assert review.use_days == PLANS[0].trial_days
    page = client.get(f"/solutions/{solution.slug}")
    badges = [b.get_text(" ", strip=True) for b in soup(page).select(".review-use")]
    assert badges == ["✓ Đã dùng thử 14 ngày"]
    assert "Người dùng đã xác thực" not in page.get_data(as_text=True)


def test_migration_removes_the_badge_from_reviews_without_use(app, solution):
    """0022_review_use: the old badge (any accepted trial) is kept only where the rule holds."""
    today = local_today()
    cases = {
        "accepted": ("accepted", today),
        "young": ("active", today - dt.timedelta(days=3)),
        "week": ("active", today - dt.timedelta(days=10)),
        "ended": ("ended", today - dt.timedelta(days=30)),
    }
    reviews = {}
    for name, (status, start) in cases.items():
        user = factories.make_user("enterprise")
        _trial(user, solution, status, start)
        reviews[name] = Review(
            solution_id=solution.id,
            organization_id=user.organization_id,
            overall=4,
            ease_of_use=4,
            features=4,
            support=4,
            value=4,
            title=f"Nhận xét {name}",
            body="Nội dung nhận xét đủ dài để được đăng lên trang.",
            verified=True,
        )
        db.session.add(reviews[name])
    buyer = factories.make_user("enterprise")
    factories.make_subscription(
        buyer.organization_id, solution.plans[0], stripe_id="sub_mig", status="canceled"
    )
    reviews["bought"] = Review(
        solution_id=solution.id,
        organization_id=buyer.organization_id,
        overall=5,
        ease_of_use=5,
        features=5,
        support=5,
        value=5,
        title="Nhận xét bought",
        body="Nội dung nhận xét đủ dài để được đăng lên trang.",
        verified=True,
    )
    db.session.add(reviews["bought"])
    db.session.commit()
    ids = {name: r.id for name, r in reviews.items()}
    db.session.remove()

    def rows():
        with db.engine.connect() as conn:
            found = conn.execute(text("SELECT id, verified, use_kind, use_days FROM reviews")).all()
        by_id = {r[0]: tuple(r[1:]) for r in found}
        return {name: by_id[i] for name, i in ids.items()}

    try:
        _check_migration(ids, rows)
    finally:
        upgrade()


def _check_migration(ids, rows):
    downgrade(revision="0021_quotes")
    with db.engine.connect() as conn:
        old = dict(conn.execute(text("SELECT id, verified FROM reviews")).all())
    assert all(old[i] for i in ids.values())  # the old rule: every one had the badge
    upgrade(revision="0022_review_use")
    after = rows()
    assert after["accepted"] == (False, None, None)
    assert after["young"] == (False, None, None)
    assert after["week"] == (True, "trial", 10)
    assert after["ended"] == (True, "trial", 14)
    assert after["bought"] == (True, "purchase", None)
    # The reviews themselves stay.
    assert len(after) == 5
    # Downgrade gives the old badge back.
    downgrade(revision="0021_quotes")
    with db.engine.connect() as conn:
        old = dict(conn.execute(text("SELECT id, verified FROM reviews")).all())
    assert all(old[i] for i in ids.values())
