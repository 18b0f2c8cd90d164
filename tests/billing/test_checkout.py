"""Buying a plan: Stripe customer once per organisation, Checkout Session with the database's
price in VND, idempotency keys, tampered ids, roles, and the app without Stripe keys."""

from __future__ import annotations

from bs4 import BeautifulSoup
from sqlalchemy import select

from marketplace.billing.models import Payment, StripeCustomer
from marketplace.core.audit import AuditLog
from marketplace.extensions import db
from tests import factories
from tests.billing.conftest import count, plan_named


def _session_id(response) -> str:
    assert response.status_code == 303, response.get_data(as_text=True)[:500]
    return response.headers["Location"].rsplit("/", 1)[1]


def test_checkout_sends_the_database_price_in_vnd_and_links_org_plan_and_trial(
    stripe_on, checkout, solution, enterprise
):
    plan = plan_named(solution, "Tháng")
    # A tampered price in the form is ignored: the amount comes from the plan row.
    response = checkout(plan, amount="1000", price_vnd="1000", unit_amount="1")
    session_id = _session_id(response)
    assert response.headers["Location"] == f"https://checkout.stripe.com/c/pay/{session_id}"

    (call,) = stripe_on.calls("POST", "/v1/checkout/sessions")
    params = call.params
    assert params["mode"] == "subscription"
    item = params["line_items"][0]
    assert item["quantity"] == "1"
    assert item["price_data"]["currency"] == "vnd"
    assert item["price_data"]["unit_amount"] == "150000"  # zero-decimal: 150.000 ₫
    assert item["price_data"]["recurring"] == {"interval": "month"}
    assert solution.name in item["price_data"]["product_data"]["name"]
    payment = db.session.scalar(select(Payment))
    metadata = {
        "organization_id": str(enterprise.organization_id),
        "plan_id": str(plan.id),
        "trial_id": "",
        "payment_id": str(payment.id),
    }
    assert params["metadata"] == metadata
    assert params["subscription_data"]["metadata"] == metadata
    assert params["client_reference_id"] == str(payment.id)
    assert params["success_url"] == (
        "http://marketplace.test/billing/success?session_id={CHECKOUT_SESSION_ID}"
    )
    assert params["cancel_url"] == f"http://marketplace.test/billing/cancelled?payment={payment.id}"
    customer = db.session.scalar(select(StripeCustomer))
    assert params["customer"] == customer.stripe_customer_id
    assert call.idempotency_key and str(payment.attempt_key) in call.idempotency_key

    assert payment.status == "pending"
    assert payment.amount_vnd == 150_000
    assert payment.checkout_session_id == session_id
    assert payment.mode == "subscription"
    assert count(AuditLog, AuditLog.action == "payment.checkout") == 1


def test_one_time_plan_opens_a_payment_mode_session(stripe_on, checkout, solution):
    plan = plan_named(solution, "Trọn đời")
    _session_id(checkout(plan))
    (call,) = stripe_on.calls("POST", "/v1/checkout/sessions")
    assert call.params["mode"] == "payment"
    assert "recurring" not in call.params["line_items"][0]["price_data"]
    assert call.params["line_items"][0]["price_data"]["unit_amount"] == "9000000"
    assert call.params["payment_intent_data"]["metadata"]["plan_id"] == str(plan.id)
    assert "subscription_data" not in call.params


def test_one_stripe_customer_per_organisation(
    stripe_on, checkout, solution, enterprise, client_for, app
):
    colleague = factories.make_user("enterprise", org=enterprise.organization)
    _session_id(checkout(plan_named(solution, "Tháng")))
    _session_id(checkout(plan_named(solution, "Năm"), client=client_for(colleague)))
    (create,) = stripe_on.calls("POST", "/v1/customers")
    assert create.idempotency_key
    assert create.params["metadata"]["organization_id"] == str(enterprise.organization_id)
    assert count(StripeCustomer) == 1
    sessions = stripe_on.calls("POST", "/v1/checkout/sessions")
    assert len(sessions) == 2
    assert {s.params["customer"] for s in sessions} == {create_id(stripe_on)}


def create_id(fake) -> str:
    (customer_id,) = fake.customers
    return customer_id


def test_a_double_submit_reuses_the_same_session(stripe_on, checkout, solution):
    plan = plan_named(solution, "Năm")
    first = checkout(plan)
    second = checkout(plan)
    assert first.headers["Location"] == second.headers["Location"]
    assert len(stripe_on.calls("POST", "/v1/checkout/sessions")) == 1
    assert count(Payment) == 1


def test_a_retry_after_a_stripe_failure_sends_the_same_idempotency_keys(
    stripe_on, checkout, solution
):
    plan = plan_named(solution, "Năm")
    stripe_on.fail("POST", "/v1/checkout/sessions", status=500)
    failed = checkout(plan)
    assert failed.status_code == 503
    assert "Không kết nối được với cổng thanh toán Stripe" in failed.get_data(as_text=True)
    retried = checkout(plan)
    _session_id(retried)
    attempts = stripe_on.calls("POST", "/v1/checkout/sessions")
    assert len(attempts) == 2
    assert attempts[0].idempotency_key == attempts[1].idempotency_key
    assert attempts[0].params == attempts[1].params
    # The customer was kept after the first try: created once, never again.
    assert len(stripe_on.calls("POST", "/v1/customers")) == 1
    assert count(Payment) == 1


def test_an_old_attempt_is_replaced_by_a_new_session(stripe_on, checkout, solution, app):
    import datetime as dt

    plan = plan_named(solution, "Năm")
    _session_id(checkout(plan))
    payment = db.session.scalar(select(Payment))
    payment.created_at = payment.created_at - dt.timedelta(hours=30)
    db.session.commit()
    _session_id(checkout(plan))
    keys = [c.idempotency_key for c in stripe_on.calls("POST", "/v1/checkout/sessions")]
    assert len(set(keys)) == 2
    statuses = sorted(db.session.scalars(select(Payment.status)))
    assert statuses == ["expired", "pending"]


def test_tampered_plan_ids_get_a_clear_error_and_no_stripe_call(
    stripe_on, buyer, solution, other_solution, vendor, enterprise, other_enterprise, app
):
    from marketplace.trials.models import TrialRequest

    inactive = plan_named(solution, "Năm")
    inactive.active = False
    draft = factories.make_solution(vendor, status="draft", name="Bản nháp")
    other_trial = TrialRequest(
        organization_id=other_enterprise.organization_id,
        solution_id=solution.id,
        plan_id=plan_named(solution, "Tháng").id,
        vendor_id=solution.vendor_id,
        contact_name="A",
        contact_phone="0912345678",
        preferred_start=solution.created_at.date(),
        status="active",
        trial_days=14,
    )
    db.session.add(other_trial)
    db.session.commit()
    monthly = plan_named(solution, "Tháng")
    cases = [
        ({"plan_id": "999999"}, "không tồn tại hoặc không còn được bán"),
        ({"plan_id": str(inactive.id)}, "không tồn tại hoặc không còn được bán"),
        ({"plan_id": str(draft.plans[0].id)}, "không tồn tại hoặc không còn được bán"),
        ({"plan_id": "abc"}, "Vui lòng chọn gói dịch vụ"),
        ({}, "Vui lòng chọn gói dịch vụ"),
        (
            {"plan_id": str(other_solution.plans[0].id), "solution_id": str(solution.id)},
            "không thuộc giải pháp đang chọn",
        ),
        ({"plan_id": str(monthly.id), "trial_id": str(other_trial.id)}, "Yêu cầu dùng thử"),
        ({"plan_id": str(plan_named(solution, "Miễn phí").id)}, "miễn phí"),
    ]
    for data, message in cases:
        response = buyer.post("/billing/checkout", data=data)
        assert response.status_code == 400, (data, response.status_code)
        assert message in response.get_data(as_text=True), data
    assert stripe_on.requests == []
    assert count(Payment) == 0


def test_a_live_subscription_is_not_bought_twice(paid_subscription, checkout, solution, stripe_on):
    paid_subscription("Tháng")
    before = len(stripe_on.calls("POST", "/v1/checkout/sessions"))
    response = checkout(plan_named(solution, "Tháng"))
    assert response.status_code == 400
    assert "đang sử dụng gói này" in response.get_data(as_text=True)
    assert len(stripe_on.calls("POST", "/v1/checkout/sessions")) == before


def test_only_enterprise_users_buy(
    stripe_on, client, client_for, solution, vendor, moderator, admin
):
    plan = plan_named(solution, "Tháng")
    data = {"plan_id": str(plan.id)}
    anonymous = client.post("/billing/checkout", data=data)
    assert anonymous.status_code == 302 and "/auth/login" in anonymous.headers["Location"]
    assert client.get(f"/billing/checkout?plan_id={plan.id}").status_code == 302
    for user in (vendor, moderator, admin):
        signed_in = client_for(user)
        assert signed_in.post("/billing/checkout", data=data).status_code == 403
        assert signed_in.get(f"/billing/checkout?plan_id={plan.id}").status_code == 403
    assert stripe_on.requests == []
    assert count(Payment) == 0


def test_the_order_summary_shows_the_plan_and_the_pay_button(stripe_on, buyer, solution):
    plan = plan_named(solution, "Năm")
    response = buyer.get(f"/billing/checkout?plan_id={plan.id}&solution_id={solution.id}")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "1.500.000 ₫" in html and "/năm" in html
    # Stripe is the only method (the vendor has no confirmed bank account): card, preselected.
    assert 'value="card" checked' in html and 'value="bank_transfer"' not in html
    assert "Đặt hàng" in html
    assert "checkout.stripe.com" in response.headers["Content-Security-Policy"]
    assert stripe_on.requests == []


def test_without_stripe_keys_nothing_errors(buyer, client, solution, app):
    assert not app.config["STRIPE_SECRET_KEY"]
    plan = plan_named(solution, "Tháng")
    page = client.get(f"/solutions/{solution.slug}")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    # Neither Stripe nor a confirmed bank account: the page says whom to contact.
    contact = "chưa nhận thanh toán qua Chợ Giải Pháp Số"
    assert contact in html
    assert "Đăng ký gói" in html and "Mua / Đăng ký gói" in html

    page = buyer.get(f"/solutions/{solution.slug}")
    assert contact in page.get_data(as_text=True)

    summary = buyer.get(f"/billing/checkout?plan_id={plan.id}")
    assert summary.status_code == 200
    assert contact in summary.get_data(as_text=True)

    posted = buyer.post("/billing/checkout", data={"plan_id": str(plan.id)})
    assert posted.status_code == 200
    assert "Thanh toán trực tuyến chưa được bật" in posted.get_data(as_text=True)
    assert count(Payment) == 0

    assert buyer.get("/billing/").status_code == 200


def _contact_links(html: str) -> list[tuple[str, str]]:
    note = BeautifulSoup(html, "html.parser").select_one("#billing-off")
    return [(a["href"], a.get_text(strip=True)) for a in note.find_all("a")]


def test_without_any_way_to_pay_the_note_links_the_vendors_contacts_and_profile(
    client, solution, vendor
):
    org = vendor.organization
    profile = (f"/vendors/{org.slug}", "Trang nhà cung cấp")
    org.phone, org.website = "0225 3123 456", "https://giaiphapso.example.vn"
    db.session.commit()
    html = client.get(f"/solutions/{solution.slug}").get_data(as_text=True)
    assert _contact_links(html) == [
        ("tel:02253123456", "0225 3123 456"),
        ("https://giaiphapso.example.vn", "https://giaiphapso.example.vn"),
        profile,
    ]
    # Neither phone nor website: the profile alone, with no stray separator before it.
    org.phone = org.website = None
    db.session.commit()
    html = client.get(f"/solutions/{solution.slug}").get_data(as_text=True)
    assert _contact_links(html) == [profile]
    note = BeautifulSoup(html, "html.parser").select_one("#billing-off").get_text(" ", strip=True)
    assert note.endswith("để mua gói: Trang nhà cung cấp")


def test_the_solution_page_links_each_paid_plan_to_checkout(stripe_on, buyer, solution):
    html = buyer.get(f"/solutions/{solution.slug}").get_data(as_text=True)
    for name in ("Tháng", "Năm", "Trọn đời"):
        plan = plan_named(solution, name)
        assert f"/billing/checkout?plan_id={plan.id}" in html
    free = plan_named(solution, "Miễn phí")
    assert f"/billing/checkout?plan_id={free.id}&" not in html
    assert ">Mua<" in html and ">Đăng ký gói<" in html
    assert "Thanh toán trực tuyến chưa được bật" not in html


def test_vendors_see_no_buy_buttons(stripe_on, client_for, vendor, solution):
    html = client_for(vendor).get(f"/solutions/{solution.slug}").get_data(as_text=True)
    assert "/billing/checkout" not in html


def test_coming_back_from_checkout(
    stripe_on, checkout, buyer, solution, other_enterprise, client_for
):
    plan = plan_named(solution, "Trọn đời")
    session_id = _session_id(checkout(plan))
    payment = db.session.scalar(select(Payment))
    cancelled = buyer.get(f"/billing/cancelled?payment={payment.id}")
    assert cancelled.status_code == 302
    assert f"/solutions/{solution.slug}#plans" in cancelled.headers["Location"]
    # Not paid yet: the return page says Stripe is confirming.
    back = buyer.get(f"/billing/success?session_id={session_id}", follow_redirects=True)
    assert "Stripe đang xác nhận thanh toán" in back.get_data(as_text=True)
    # Paid: the return page asks Stripe and shows it at once, even before the webhook.
    stripe_on.complete_session(session_id)
    other = client_for(other_enterprise).get(f"/billing/success?session_id={session_id}")
    assert other.status_code == 302
    db.session.expire_all()
    assert db.session.get(Payment, payment.id).status == "pending"
    back = buyer.get(f"/billing/success?session_id={session_id}", follow_redirects=True)
    assert "Thanh toán thành công" in back.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Payment, payment.id).status == "paid"
