"""What other domains read of a user, read with the user's row (core/user_reads.py): the
plans their organisation holds and the listings it bought (billing), its trials and its
reviews, and the user's votes (reviews). Each answer read with the user is the answer of the
domain's own statement; a write in the request, or in any process, is seen at once; a
value too large to keep is asked per page."""

from __future__ import annotations

import datetime as dt

import pytest
from bs4 import BeautifulSoup
from flask import current_app
from sqlalchemy import select

from marketplace.accounts import membership
from marketplace.accounts.models import User
from marketplace.billing import order_status, periods
from marketplace.billing import queries as billing_queries
from marketplace.catalog.content import PlanInput
from marketplace.catalog.models import Plan
from marketplace.core import stamps, user_reads
from marketplace.core.clock import local_today
from marketplace.extensions import db
from marketplace.reviews import permissions as review_permissions
from marketplace.reviews import queries as review_queries
from marketplace.reviews import standing as review_standing
from marketplace.reviews.models import ReviewVote
from marketplace.trials.models import TrialRequest
from tests import factories
from tests.catalog.test_fragment_cache import _review


def _trial(user: User, solution, status: str, *, start=None, end=None) -> TrialRequest:
    return factories.make_trial(
        user.organization_id, user, solution, status, start_date=start, end_date=end
    )


def _pay_by_transfer(user: User, plan) -> None:
    order = factories.make_transfer_order(user, plan)
    with current_app.test_request_context():
        assert order_status.mark_paid(
            None, order, reference=f"FT{order.id}", paid_on=local_today(), via="bank"
        )
        db.session.commit()
    assert periods.period_of_order(order.id) is not None


@pytest.fixture
def world(app, vendor):
    """An organisation that stands every way towards some listing, and one that does not."""
    factories.confirm_bank_account(vendor)
    once = [PlanInput(name="Trọn gói", price_vnd=3_000_000, period="once", trial_days=0)]
    names = ["Kế toán", "Hóa đơn", "Chữ ký số", "Bán hàng", "Nhân sự", "Kho", "Thuế", "CRM"]
    listings = [
        factories.make_solution(
            vendor, name=f"{name} Sao Mai", **({"plans": once} if i in (4, 7) else {})
        )
        for i, name in enumerate(names)
    ]
    lan = factories.make_user("enterprise", name="Nguyễn Thị Lan", org_role="owner")
    other = factories.make_user("enterprise", name="Trần Văn Tuấn", org_role="owner")
    db.session.commit()
    plan = {s.id: s.plans[0] for s in listings}
    k, h, c, b, n, kho, thue, crm = listings
    factories.make_subscription(lan.organization_id, plan[k.id], stripe_id="sub_live")
    factories.make_subscription(
        lan.organization_id, plan[c.id], stripe_id="sub_gone", status="canceled"
    )
    _pay_by_transfer(lan, plan[h.id])  # a paid order and its period, running today
    factories.make_payment(lan.organization, plan[n.id])  # a one-time card payment
    today = local_today()
    _trial(lan, b, "active", start=today - dt.timedelta(days=10))
    _trial(lan, kho, "requested")
    _trial(
        lan, thue, "ended", start=today - dt.timedelta(days=30), end=today - dt.timedelta(days=16)
    )
    _review(k, lan.organization, status="published")
    _review(crm, lan.organization, status="hidden", hidden_reason="Chứa số điện thoại riêng")
    third = factories.make_org(name="Hộ kinh doanh Thứ Ba")
    read = [_review(s, third, status="published") for s in (k, h)]
    db.session.add(ReviewVote(review_id=read[0].id, user_id=lan.id))
    db.session.commit()
    return {"listings": listings, "lan": lan, "other": other, "reviews": read}


def _answers(user_id: int, listings, review_ids, *, read_with_the_user: bool) -> dict:
    """Every answer the solution pages ask of a user, in a request of their own."""
    with current_app.test_request_context():
        user = db.session.get(User, user_id)
        if read_with_the_user:
            loaded = membership.user_with_membership(user_id)
            assert loaded is not None
        org = user.organization_id
        plan_ids = [plan.id for s in listings for plan in s.plans]
        answers = {
            "held": billing_queries.owned_plan_ids(user, plan_ids),
            "votes": review_queries.voted_ids(user_id, review_ids),
        }
        for s in listings:
            answers[s.id] = (
                billing_queries.has_bought_solution(org, s.id),
                sorted(review_permissions._trials(org, s.id)),
                review_standing.own_review(org, s.id),
                review_permissions.can_review(user, s),
            )
        read_here = user_reads.recall(("billing_standing", org)) is not user_reads.MISSING
        db.session.rollback()
        return answers, read_here


def test_what_is_read_with_the_user_answers_as_each_rule_does(world):
    review_ids = [r.id for r in world["reviews"]]
    for user in (world["lan"], world["other"]):
        asked, read_here = _answers(
            user.id, world["listings"], review_ids, read_with_the_user=False
        )
        assert not read_here  # nothing was read with the user: each rule asked its statement
        kept, read_here = _answers(user.id, world["listings"], review_ids, read_with_the_user=True)
        assert read_here
        assert kept == asked
    # And the answers are the world's (the rules' own tests say why each one holds).
    lan, _ = _answers(world["lan"].id, world["listings"], review_ids, read_with_the_user=True)
    k, h, c, b, n, kho, thue, crm = world["listings"]
    assert lan["held"] == {k.plans[0].id, h.plans[0].id}
    assert [lan[s.id][0] for s in world["listings"]] == [1, 1, 1, 0, 1, 0, 0, 0]
    assert [s[0] for s in lan[b.id][1]] == ["active"] and lan[kho.id][1][0][0] == "requested"
    assert lan[thue.id][1][0][1:3] == (local_today() - dt.timedelta(days=30),
                                        local_today() - dt.timedelta(days=16))  # fmt: skip
    assert lan[k.id][2].status == "published" and lan[h.id][2] is None
    assert lan[crm.id][2].hidden_reason == "Chứa số điện thoại riêng"
    assert lan["votes"] == {world["reviews"][0].id}
    assert [lan[s.id][3][0] for s in (k, b, thue, kho)] == [True, True, True, False]


def test_a_write_in_the_request_is_seen_by_its_next_read(world):
    lan = world["lan"]
    review = world["reviews"][1]
    with current_app.test_request_context():
        membership.user_with_membership(lan.id)
        assert review_queries.voted_ids(lan.id, [review.id]) == set()
        db.session.add(ReviewVote(review_id=review.id, user_id=lan.id))
        db.session.flush()  # written, not yet committed: the request's reads forget
        assert review_queries.voted_ids(lan.id, [review.id]) == {review.id}
        db.session.rollback()


def test_too_many_rows_are_asked_per_page(app_factory, world, monkeypatch):
    """A value with more rows than MAX_ROWS is not kept: each page asks its statement."""
    monkeypatch.setattr(user_reads, "MAX_ROWS", 1)
    small = app_factory()  # its user statement is built with the smaller bound
    lan = world["lan"]
    review_ids = [r.id for r in world["reviews"]]
    db.session.add(ReviewVote(review_id=review_ids[1], user_id=lan.id))
    db.session.commit()
    with small.test_request_context():
        membership.user_with_membership(lan.id)
        assert review_standing.kept_votes(lan.id) is user_reads.MISSING
        assert user_reads.recall(("billing_standing", lan.organization_id)) is user_reads.MISSING
        assert review_queries.voted_ids(lan.id, review_ids) == set(review_ids)
        assert billing_queries.has_bought_solution(lan.organization_id, world["listings"][0].id)
        db.session.rollback()


@pytest.fixture
def web(app_factory, tmp_path):
    """A process that keeps pages, per-user slots, users and public values, as production
    does (the suite keeps none)."""
    return app_factory(
        FRAGMENT_CACHE_SECONDS=60,
        ACCOUNT_CACHE_SECONDS=60,
        CATALOG_CACHE_SECONDS=60,
        PAGE_CACHE_STAMP=str(tmp_path / "s"),
    )


def test_a_users_first_showing_reads_one_statement_of_their_own(web, world, login, count_queries):
    k = world["listings"][0]
    path = f"/solutions/{k.slug}"
    other = login(web.test_client(), world["other"])
    other.get(path)  # the page is rendered and kept
    client = login(web.test_client(), world["lan"])
    client.get("/")
    with web.app_context():
        stamps.forget_account_values()  # the process forgot its users: Lan's next is a first
    with count_queries() as q:
        html = client.get(path).get_data(as_text=True)
    reads = [s for s in q.statements if s.lstrip().startswith("SELECT")]  # not the view's count
    assert len(reads) == 1, q.statements
    assert "FROM users" in reads[0] and "review_votes" in reads[0]
    soup = BeautifulSoup(html, "html.parser")
    assert "Đang sử dụng" in html and "Sửa nhận xét của bạn" in html
    review = world["reviews"][0]
    button = soup.select_one(f"#review-{review.id} .review-actions button")
    assert button["aria-pressed"] == "true"
    # Another listing: nothing more is read.
    with count_queries() as q:
        client.get(f"/solutions/{world['listings'][3].slug}")
    own = [s for s in q.statements if "FROM users" in s or "trial_requests" in s]
    assert own == [], q.statements


def test_what_the_organisation_does_elsewhere_shows_on_the_next_page(web, world, login):
    """A payment (a table the accounts stamp now watches) and a review written in another
    process show on the user's next page although their standing was kept."""
    n, crm = world["listings"][4], world["listings"][7]
    lan = world["lan"]
    client = login(web.test_client(), lan)
    client.get("/")
    path = f"/solutions/{crm.slug}"
    assert "Viết đánh giá" not in client.get(path).get_data(as_text=True)
    plan = db.session.scalars(select(Plan).where(Plan.solution_id == crm.id)).one()
    with web.app_context():
        factories.make_payment(db.session.get(User, lan.id).organization, plan)
        db.session.remove()
    html = client.get(path).get_data(as_text=True)
    assert "Sửa nhận xét của bạn" in html  # bought: may rewrite the hidden review
    # The organisation's review of another listing, written elsewhere.
    path = f"/solutions/{n.slug}"
    assert "Viết đánh giá" in client.get(path).get_data(as_text=True)
    with web.app_context():
        _review(n, db.session.get(User, lan.id).organization, status="published")
        db.session.remove()
    assert "Sửa nhận xét của bạn" in client.get(path).get_data(as_text=True)


def _partially_indexed_columns() -> set[str]:
    """`table.column` of every column a partial index's condition names."""
    named = set()
    for table in db.metadata.tables.values():
        for index in table.indexes:
            where = index.dialect_options["sqlite"].get("where")
            if where is None:
                continue
            text = str(where)
            named |= {f"{table.name}.{c.name}" for c in table.columns if c.name in text}
    return named


def test_the_users_statement_binds_no_value_a_partial_index_filters_on(app):
    """SQLite prepares a statement again at every execution when it compares such a column
    with a bound parameter (to see whether the index applies): the user's statement, asked
    at each user's first request, writes those values into its SQL."""
    partial = _partially_indexed_columns()
    assert {"payments.status", "trial_requests.status"} <= partial
    statement = user_reads.statement(membership._USER_WITH_CURRENT, User)
    from sqlalchemy.dialects import sqlite

    sql = " ".join(str(statement.compile(dialect=sqlite.dialect())).split())
    for column in partial:
        assert f"{column} = ?" not in sql and f"{column} IN (__[POSTCOMPILE" not in sql, column
    assert "payments.status = 'paid'" in sql
    assert "subscriptions.status IN ('trialing', 'active', 'past_due')" in sql
    assert "[POSTCOMPILE" not in sql  # no list of values rendered again at each execution


@pytest.mark.parametrize("values", [(), ("Paid",), ("paid'; DROP TABLE users; --",), ("",)])
def test_only_the_codes_constants_are_written_into_sql(values):
    from marketplace.billing.models import Payment
    from marketplace.core.database import written

    with pytest.raises(ValueError):
        written(Payment.status, *values)
