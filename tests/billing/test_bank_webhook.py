"""The bank-notification webhook: signed by HMAC-SHA256 of the raw body, each reference
once, an order paid only by its code with the exact amount to its account; the rest is kept
for a moderator."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from marketplace.billing.models import BankNotification, Order
from marketplace.core.audit import AuditLog
from marketplace.core.database import utcnow
from marketplace.extensions import db
from tests import factories
from tests.billing.conftest import count, plan_named
from tests.billing.orders_support import BANK_SECRET, notification_body, post_notification


@pytest.fixture
def bank_on(app, web_app):
    for application in (app, web_app):
        application.config["BANK_WEBHOOK_SECRET"] = BANK_SECRET
    return BANK_SECRET


@pytest.fixture
def order(vendor, enterprise, solution):
    factories.confirm_bank_account(vendor)
    return factories.make_transfer_order(enterprise, plan_named(solution, "Tháng"))


def _status(order) -> str:
    db.session.expire_all()
    return db.session.get(Order, order.id).status


@pytest.mark.parametrize(
    "case", ["unsigned", "forged", "other_secret", "stale", "future", "not_json", "bad_amount"]
)
def test_forged_stale_or_unsigned_notifications_are_refused_and_change_nothing(
    client, bank_on, order, case
):
    body = notification_body(order)
    kwargs = {}
    if case == "unsigned":
        kwargs["signature"] = False
    elif case == "forged":
        kwargs["signature"] = "0" * 64
    elif case == "other_secret":
        kwargs["secret"] = "not-the-secret"
    elif case == "stale":
        body = notification_body(order, when=utcnow() - dt.timedelta(days=4))
    elif case == "future":
        body = notification_body(order, when=utcnow() + dt.timedelta(hours=1))
    elif case == "not_json":
        body = b"reference=FT1&amount=150000"
    elif case == "bad_amount":
        body = notification_body(order, amount=0)
    response = post_notification(client, body, **kwargs)
    assert response.status_code == 400
    assert _status(order) == "awaiting_payment"
    assert count(BankNotification) == 0


def test_without_a_secret_every_notification_is_refused(client, order):
    body = notification_body(order)
    assert post_notification(client, body, secret="").status_code == 400
    assert post_notification(client, body).status_code == 400
    assert _status(order) == "awaiting_payment"


def test_the_same_notification_three_times_is_one_payment(client, bank_on, order):
    body = notification_body(order)
    outcomes = [post_notification(client, body).get_json()["outcome"] for _ in range(3)]
    assert outcomes == ["matched", "duplicate", "duplicate"]
    assert _status(order) == "paid"
    assert count(BankNotification) == 1
    assert count(AuditLog, AuditLog.action == "order.paid") == 1
    paid = db.session.get(Order, order.id)
    assert paid.payment_reference == "FT26336000001"
    entry = db.session.scalar(select(AuditLog).where(AuditLog.action == "order.paid"))
    assert entry.actor_id is None and entry.data["via"] == "bank"


def test_short_by_one_dong_is_not_paid_and_kept_for_review(
    client, client_for, bank_on, order, moderator
):
    body = notification_body(order, amount=order.total_vnd - 1)
    assert post_notification(client, body).get_json()["outcome"] == "wrong_amount"
    assert _status(order) == "awaiting_payment"
    note = db.session.scalar(select(BankNotification))
    assert note.status == "wrong_amount" and note.order_id == order.id
    page = client_for(moderator).get("/moderation/billing/notifications")
    assert note.reference in page.get_data(as_text=True)


def test_an_unknown_code_is_kept_and_pays_nothing(client, bank_on, order):
    body = notification_body(order, description="thanh toan hoa don CGPZZZZZZZ")
    assert post_notification(client, body).get_json()["outcome"] == "unknown_code"
    body = notification_body(order, reference="FT2", description="chuyen tien")
    assert post_notification(client, body).get_json()["outcome"] == "unknown_code"
    assert _status(order) == "awaiting_payment"


def test_another_organisations_code_touches_only_that_order_and_only_at_its_amount(
    client, bank_on, vendor, enterprise, other_enterprise, solution
):
    factories.confirm_bank_account(vendor)
    mine = factories.make_transfer_order(enterprise, plan_named(solution, "Tháng"))
    theirs = factories.make_transfer_order(other_enterprise, plan_named(solution, "Năm"))
    # My amount with their code: nothing is paid.
    wrong = notification_body(theirs, reference="FT-A", amount=mine.total_vnd)
    assert post_notification(client, wrong).get_json()["outcome"] == "wrong_amount"
    assert (_status(mine), _status(theirs)) == ("awaiting_payment", "awaiting_payment")
    # Their amount with their code: only their order is paid.
    right = notification_body(theirs, reference="FT-B")
    assert post_notification(client, right).get_json()["outcome"] == "matched"
    assert (_status(mine), _status(theirs)) == ("awaiting_payment", "paid")


def test_a_transfer_to_another_account_is_kept(client, bank_on, order):
    body = notification_body(order, account_number="999999999")
    assert post_notification(client, body).get_json()["outcome"] == "wrong_account"
    assert _status(order) == "awaiting_payment"


def test_codes_survive_the_banks_spacing_and_case(client, bank_on, order):
    spaced = " ".join(order.number[i : i + 3] for i in range(0, len(order.number), 3)).lower()
    body = notification_body(order, description=f"MBVCB.123.{spaced}.CT tu 0123")
    assert post_notification(client, body).get_json()["outcome"] == "matched"
    assert _status(order) == "paid"


def test_a_moderator_resolves_a_kept_notification_and_may_pay_its_order(
    client, client_for, bank_on, order, moderator, vendor
):
    post_notification(client, notification_body(order, amount=order.total_vnd - 1))
    note = db.session.scalar(select(BankNotification))
    url = f"/moderation/billing/notifications/{note.id}/resolve"
    # Only moderators.
    assert client_for(vendor).post(url, data={"note": "đã gọi"}).status_code == 403
    staff = client_for(moderator)
    staff.post(url, data={"note": "Khách chuyển thiếu 1 ₫, nhà cung cấp đồng ý", "pay_order": "y"})
    db.session.expire_all()
    note = db.session.get(BankNotification, note.id)
    assert note.status == "resolved" and note.resolved_by_id == moderator.id
    assert _status(order) == "paid"
    assert count(AuditLog, AuditLog.action == "bank_notification.resolved") == 1


def test_a_paid_transfer_order_makes_reviews_verified(client, bank_on, order, enterprise, solution):
    from marketplace.billing.queries import has_bought_solution

    assert not has_bought_solution(enterprise.organization_id, solution.id)
    post_notification(client, notification_body(order))
    assert has_bought_solution(enterprise.organization_id, solution.id)


def test_each_notification_outcome_is_counted_in_the_metrics(client, bank_on, order):
    from prometheus_client import REGISTRY

    def counted(outcome: str) -> float:
        labels = {"provider": "bank", "outcome": outcome}
        return REGISTRY.get_sample_value("marketplace_webhook_events_total", labels) or 0

    before = {o: counted(o) for o in ("refused", "matched", "duplicate")}
    body = notification_body(order)
    assert post_notification(client, body, signature=False).status_code == 400
    assert post_notification(client, body).status_code == 200
    assert post_notification(client, body).status_code == 200
    assert {o: counted(o) - before[o] for o in before} == {
        "refused": 1,
        "matched": 1,
        "duplicate": 1,
    }
