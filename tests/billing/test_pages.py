"""The enterprise's billing page, cancelling at period end, and the vendor's sales page."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select

from marketplace.billing.models import Payment, Subscription
from marketplace.core.audit import AuditLog
from marketplace.core.database import utcnow
from marketplace.extensions import db
from tests import factories
from tests.billing.conftest import count, plan_named


def _local(ts: dt.datetime) -> str:
    from zoneinfo import ZoneInfo

    return ts.astimezone(ZoneInfo("Asia/Ho_Chi_Minh")).strftime("%d/%m/%Y")


def test_the_billing_page_lists_subscriptions_and_payments(paid_subscription, buyer, stripe_on):
    _payment, subscription, _session = paid_subscription("Tháng")
    paid_subscription("Trọn đời")
    html = buyer.get("/billing/").get_data(as_text=True)
    assert "Đang hoạt động" in html
    assert "150.000 ₫" in html and "9.000.000 ₫" in html
    assert "Kỳ thanh toán tiếp theo" in html
    assert _local(subscription.current_period_end) in html
    assert "Hủy gia hạn" in html
    assert "Lịch sử thanh toán" in html and "Đã thanh toán" in html
    assert "Mua một lần" in html and "Đăng ký gói" in html


def test_cancel_at_period_end(paid_subscription, buyer, stripe_on, enterprise):
    _payment, subscription, session = paid_subscription("Tháng")
    response = buyer.post(f"/billing/subscriptions/{subscription.id}/cancel")
    assert response.status_code == 302
    (call,) = stripe_on.calls("POST", f"/v1/subscriptions/{session['subscription']}")
    assert call.params == {"cancel_at_period_end": "true"}
    assert call.idempotency_key
    db.session.expire_all()
    subscription = db.session.get(Subscription, subscription.id)
    assert subscription.cancel_at_period_end is True
    assert subscription.status == "active"
    entry = db.session.scalar(
        select(AuditLog).where(AuditLog.action == "subscription.cancel_at_period_end")
    )
    assert entry.actor_id == enterprise.id
    html = buyer.get("/billing/").get_data(as_text=True)
    assert "Đã hẹn hủy" in html and "Kết thúc vào" in html
    # Asking again changes nothing and calls Stripe no more.
    buyer.post(f"/billing/subscriptions/{subscription.id}/cancel")
    assert len(stripe_on.calls("POST", "/v1/subscriptions/")) == 1


def test_another_organisations_subscription_cannot_be_cancelled(
    paid_subscription, client_for, other_enterprise, vendor, stripe_on
):
    _payment, subscription, _session = paid_subscription("Tháng")
    other = client_for(other_enterprise)
    assert other.post(f"/billing/subscriptions/{subscription.id}/cancel").status_code == 404
    assert other.post("/billing/subscriptions/999999/cancel").status_code == 404
    assert (
        client_for(vendor).post(f"/billing/subscriptions/{subscription.id}/cancel").status_code
        == 403
    )
    assert stripe_on.calls("POST", "/v1/subscriptions/") == []
    db.session.expire_all()
    assert db.session.get(Subscription, subscription.id).cancel_at_period_end is False
    assert "150.000 ₫" not in other.get("/billing/").get_data(as_text=True)


def test_cancel_when_stripe_is_down_keeps_the_subscription(paid_subscription, buyer, stripe_on):
    _payment, subscription, _session = paid_subscription("Tháng")
    stripe_on.fail("POST", "/v1/subscriptions/", status=500)
    page = buyer.post(f"/billing/subscriptions/{subscription.id}/cancel", follow_redirects=True)
    assert "Không kết nối được với cổng thanh toán Stripe" in page.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Subscription, subscription.id).cancel_at_period_end is False


def _sale(buyer_org, plan, *, amount=None, status="paid", days_ago=0) -> Payment:
    return factories.make_payment(buyer_org, plan, amount=amount, status=status, days_ago=days_ago)


def _subscription(buyer_org, plan, n: int, status="active") -> Subscription:
    return factories.make_subscription(
        buyer_org.id,
        plan,
        stripe_id=f"sub_page_{n}",
        status=status,
        current_period_end=utcnow() + dt.timedelta(days=n),
    )


def test_vendor_sales_show_only_its_own_plans(
    client_for, vendor, other_vendor, enterprise, other_enterprise, solution, other_solution
):
    _sale(enterprise.organization, plan_named(solution, "Năm"))
    _sale(other_enterprise.organization, plan_named(solution, "Trọn đời"))
    _sale(enterprise.organization, plan_named(solution, "Tháng"), status="failed")
    _sale(enterprise.organization, other_solution.plans[0], amount=777_000)
    _subscription(enterprise.organization, plan_named(solution, "Tháng"), 1)
    _subscription(
        other_enterprise.organization, plan_named(solution, "Tháng"), 2, status="canceled"
    )
    _subscription(enterprise.organization, other_solution.plans[0], 3)

    html = client_for(vendor).get("/vendor/sales").get_data(as_text=True)
    assert "10.500.000 ₫" in html  # 1.500.000 + 9.000.000, paid only
    assert enterprise.organization.name in html and other_enterprise.organization.name in html
    assert "777.000 ₫" not in html and other_solution.name not in html
    assert "Thuê bao đang hoạt động" in html

    other_html = client_for(other_vendor).get("/vendor/sales").get_data(as_text=True)
    assert "777.000 ₫" in other_html
    assert solution.name not in other_html and "10.500.000 ₫" not in other_html


def test_vendor_sales_are_paginated(client_for, vendor, enterprise, solution):
    plan = plan_named(solution, "Trọn đời")
    for n in range(25):
        _sale(enterprise.organization, plan, amount=100_000 + n, days_ago=n)
    client = client_for(vendor)
    first = client.get("/vendor/sales").get_data(as_text=True)
    second = client.get("/vendor/sales?page=2").get_data(as_text=True)
    assert "100.000 ₫" in first and "100.024 ₫" not in first
    assert "100.024 ₫" in second
    assert "2.500.300 ₫" in first  # the total covers every page


def test_only_vendors_see_sales_and_only_enterprises_see_billing(
    client, client_for, vendor, enterprise, moderator
):
    assert client.get("/vendor/sales").status_code == 302
    assert client.get("/billing/").status_code == 302
    assert client_for(enterprise).get("/vendor/sales").status_code == 403
    assert client_for(moderator).get("/vendor/sales").status_code == 403
    assert client_for(vendor).get("/billing/").status_code == 403
    assert client_for(moderator).get("/billing/").status_code == 403


def test_links_to_the_billing_and_sales_pages(client_for, vendor, enterprise):
    assert "/billing/" in client_for(enterprise).get("/account/").get_data(as_text=True)
    assert "/vendor/sales" in client_for(vendor).get("/vendor/").get_data(as_text=True)


def test_the_pages_run_a_constant_number_of_queries(
    client_for, enterprise, vendor, solution, other_enterprise, count_queries
):
    buyer = client_for(enterprise)
    seller = client_for(vendor)
    plan = plan_named(solution, "Tháng")

    def measure(client, url) -> int:
        with count_queries() as q:
            assert client.get(url).status_code == 200
        return q.count

    _subscription(enterprise.organization, plan, 1)
    _sale(enterprise.organization, plan)
    few = measure(buyer, "/billing/"), measure(seller, "/vendor/sales")
    for n in range(2, 8):
        other = factories.make_solution(vendor, name=f"Giải pháp {n}", plans=[solution_plan(n)])
        _subscription(enterprise.organization, other.plans[0], n)
        _sale(enterprise.organization, other.plans[0])
        _sale(other_enterprise.organization, other.plans[0])
    many = measure(buyer, "/billing/"), measure(seller, "/vendor/sales")
    assert many == few
    assert count(Subscription) == 7


def solution_plan(n: int):
    from marketplace.catalog.content import PlanInput

    return PlanInput(name=f"Gói {n}", price_vnd=100_000 * n, period="month")


def test_buying_makes_an_organisation_eligible_to_review(enterprise, other_enterprise, solution):
    from marketplace.reviews.permissions import can_review

    assert not can_review(enterprise, solution)[0]
    sub = _subscription(
        enterprise.organization, plan_named(solution, "Tháng"), 1, status="incomplete"
    )
    assert not can_review(enterprise, solution)[0]
    for status in ("active", "past_due", "canceled"):
        sub.status = status
        db.session.commit()
        allowed, reason = can_review(enterprise, solution)
        assert allowed and "đã mua gói" in reason, status
    assert not can_review(other_enterprise, solution)[0]
    _sale(other_enterprise.organization, plan_named(solution, "Trọn đời"), status="failed")
    assert not can_review(other_enterprise, solution)[0]
    _sale(other_enterprise.organization, plan_named(solution, "Trọn đời"))
    assert can_review(other_enterprise, solution)[0]
