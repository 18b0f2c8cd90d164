"""Orders by bank transfer: the buyer's order page (account, amount, code, VietQR), VAT on
the order, who may confirm a transfer, the e-invoice, cancelling, expiry and reminders, the
vendor's orders with date filters and CSV."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from bs4 import BeautifulSoup
from sqlalchemy import select

from marketplace.accounts import roles
from marketplace.billing import tasks, vietqr
from marketplace.billing.models import Order
from marketplace.catalog.content import PlanInput
from marketplace.core.audit import AuditLog
from marketplace.core.clock import local_today
from marketplace.core.database import utcnow
from marketplace.extensions import db
from marketplace.insights.models import Metric
from marketplace.trials.models import TrialStatus
from tests import factories
from tests.billing.conftest import count, plan_named
from tests.insights.conftest import counter


@pytest.fixture
def account(vendor):
    return factories.confirm_bank_account(vendor)


def _order_from(response) -> Order:
    assert response.status_code == 303, response.get_data(as_text=True)[:800]
    order_id = int(response.headers["Location"].rsplit("/", 1)[1])
    db.session.expire_all()
    return db.session.get(Order, order_id)


def test_an_enterprise_orders_by_transfer_and_sees_account_amount_code_and_qr(
    buyer, solution, account, enterprise
):
    plan = plan_named(solution, "Năm")
    page = buyer.get(f"/billing/checkout?plan_id={plan.id}&solution_id={solution.id}")
    html = page.get_data(as_text=True)
    # Without Stripe keys, transfer is the only method; invoice details are prefilled.
    assert 'value="bank_transfer" checked' in html and 'value="card"' not in html
    assert enterprise.organization.tax_code in html

    response = buyer.post(
        "/billing/checkout",
        data={
            "plan_id": str(plan.id),
            "solution_id": str(solution.id),
            "payment_method": "bank_transfer",
            "invoice_legal_name": "Công ty TNHH Bánh Đa Cua",
            "invoice_tax_code": enterprise.organization.tax_code,
            "invoice_address": "Số 5 Lạch Tray, Phường Ngô Quyền, Hải Phòng",
            "invoice_email": "ketoan@banhdacua.vn",
            "price_vnd": "1",  # tampering is ignored
        },
    )
    order = _order_from(response)
    assert order.status == "awaiting_payment" and order.payment_method == "bank_transfer"
    assert re.fullmatch(r"CGP[2-9A-HJKMNP-Z]{7}", order.number)
    assert order.total_vnd == 1_500_000 and order.organization_id == enterprise.organization_id
    assert order.invoice_legal_name == "Công ty TNHH Bánh Đa Cua"
    assert order.bank_account_number == account.account_number
    assert order.expires_at - order.created_at == dt.timedelta(days=7)
    assert count(AuditLog, AuditLog.action == "order.created") == 1

    html = buyer.get(f"/orders/{order.id}").get_data(as_text=True)
    assert order.number in html and "0011001234567" in html and "1.500.000 ₫" in html
    assert "CONG TY TNHH GIAI PHAP SO" in html and "Vietcombank" in html
    # The QR on the page encodes this order: its payload is the one billing.vietqr builds for
    # the vendor's account, the total and the order code, and the image draws that payload.
    figure = BeautifulSoup(html, "html.parser").select_one("figure#vietqr")
    payload = vietqr.build_payload(
        bank_bin="970436",
        account_number="0011001234567",
        amount_vnd=1_500_000,
        description=order.number,
    )
    assert figure["data-payload"] == payload
    transfer = vietqr.parse_payload(figure["data-payload"])
    assert transfer == vietqr.Transfer("970436", "0011001234567", 1_500_000, order.number, True)
    drawn = BeautifulSoup(vietqr.qr_svg(payload, title="QR"), "html.parser").select_one("path")
    assert figure.select_one("svg.vietqr path")["d"] == drawn["d"]
    # Another order's payload would draw another image.
    other = vietqr.build_payload(
        bank_bin="970436", account_number="0011001234567", amount_vnd=1_500_001, description="X"
    )
    assert BeautifulSoup(vietqr.qr_svg(other, title="QR"), "html.parser").path["d"] != drawn["d"]
    # The buyer's list shows it.
    assert order.number in buyer.get("/billing/").get_data(as_text=True)


def test_invoice_details_are_checked_next_to_their_field_and_kept(buyer, solution, account):
    plan = plan_named(solution, "Tháng")
    response = buyer.post(
        "/billing/checkout",
        data={
            "plan_id": str(plan.id),
            "payment_method": "bank_transfer",
            "invoice_legal_name": "Công ty Hoa Phượng Đỏ",
            "invoice_tax_code": "",
            "invoice_email": "không-phải-email",
        },
    )
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert "Công ty Hoa Phượng Đỏ" in html and "Địa chỉ e-mail không hợp lệ." in html
    assert count(Order) == 0


def test_transfer_needs_a_confirmed_account(buyer, solution, vendor):
    plan = plan_named(solution, "Tháng")
    response = buyer.post(
        "/billing/checkout", data={"plan_id": str(plan.id), "payment_method": "bank_transfer"}
    )
    assert response.status_code in (200, 400)
    assert count(Order) == 0
    # A pending (unconfirmed) account does not count either.
    from marketplace.billing.models import VendorBankAccount

    db.session.add(
        VendorBankAccount(
            organization_id=vendor.organization_id,
            pending_bank_bin="970436",
            pending_account_number="123456789",
            pending_account_holder="A B",
        )
    )
    db.session.commit()
    buyer.post(
        "/billing/checkout", data={"plan_id": str(plan.id), "payment_method": "bank_transfer"}
    )
    assert count(Order) == 0


def test_with_stripe_keys_the_buyer_chooses_card_or_transfer(stripe_on, buyer, solution, account):
    plan = plan_named(solution, "Tháng")
    html = buyer.get(f"/billing/checkout?plan_id={plan.id}").get_data(as_text=True)
    assert 'value="bank_transfer" checked' in html and 'value="card"' in html
    response = buyer.post(
        "/billing/checkout", data={"plan_id": str(plan.id), "payment_method": "card"}
    )
    assert response.status_code == 303
    assert response.headers["Location"].startswith("https://checkout.stripe.com/")
    # The card payment pays an order too.
    order = db.session.scalar(select(Order))
    assert order.payment_method == "card" and order.payment_id is not None


def test_vat_on_the_order_is_per_line_and_exact(buyer, vendor, account, enterprise):
    solution = factories.make_solution(
        vendor,
        name="Máy chủ đám mây Cát Bà",
        plans=[
            PlanInput(
                name="VPS 2",
                price_vnd=333_335,
                period="month",
                vat_treatment="10",
                price_includes_vat=False,
            )
        ],
    )
    order = factories.make_transfer_order(enterprise, solution.plans[0])
    # 333.335 × 10 % = 33.333,5 → 33.334 (half up).
    assert (order.subtotal_vnd, order.vat_vnd, order.total_vnd) == (333_335, 33_334, 366_669)
    line = order.lines[0]
    assert (line.vat_rate, line.net_vnd, line.vat_vnd, line.total_vnd) == (
        10,
        333_335,
        33_334,
        366_669,
    )
    html = buyer.get(f"/orders/{order.id}").get_data(as_text=True)
    assert "333.335 ₫" in html and "33.334 ₫" in html and "366.669 ₫" in html


# ---------------------------------------------------------------- confirming a transfer


def test_the_vendor_confirms_a_transfer_with_reference_and_date_audited(
    client_for, vendor, enterprise, solution, account
):
    order = factories.make_transfer_order(enterprise, plan_named(solution, "Tháng"))
    seller = client_for(vendor)
    today = local_today()
    bad = seller.post(
        f"/orders/{order.id}/confirm-payment",
        data={"reference": "FT123", "paid_on": (today + dt.timedelta(days=2)).strftime("%d/%m/%Y")},
    )
    assert bad.status_code == 400 and "FT123" in bad.get_data(as_text=True)
    response = seller.post(
        f"/orders/{order.id}/confirm-payment",
        data={"reference": "FT26336123456", "paid_on": today.strftime("%d/%m/%Y")},
    )
    assert response.status_code == 302
    db.session.expire_all()
    assert order.status == "paid" and order.payment_reference == "FT26336123456"
    assert order.payment_date == today and order.confirmed_by_id == vendor.id
    entry = db.session.scalar(select(AuditLog).where(AuditLog.action == "order.paid"))
    assert entry.actor_id == vendor.id and entry.data["via"] == "vendor"
    assert entry.data["total_vnd"] == order.total_vnd
    # Paid orders count as purchases (insights) through the event.
    assert counter(solution.id, Metric.PURCHASE) == 1


def test_only_the_vendor_with_the_role_or_a_moderator_may_mark_paid(
    client_for, monkeypatch, vendor, other_vendor, enterprise, moderator, solution, account
):
    order = factories.make_transfer_order(enterprise, plan_named(solution, "Tháng"))
    data = {"reference": "FT1", "paid_on": local_today().strftime("%d/%m/%Y")}
    url = f"/orders/{order.id}/confirm-payment"
    assert client_for(other_vendor).post(url, data=data).status_code == 404
    assert client_for(enterprise).post(url, data=data).status_code == 403
    # A member of the vendor without order.confirm_payment (the accounts issue's roles).
    seller = client_for(vendor)
    monkeypatch.setattr(roles, "org_role", lambda user: roles.OrgRole.MEMBER)
    refused = seller.post(url, data=data)
    assert refused.status_code in (302, 403)
    db.session.expire_all()
    assert order.status == "awaiting_payment"
    assert count(AuditLog, AuditLog.action == "order.paid") == 0
    monkeypatch.undo()
    assert client_for(moderator).post(url, data=data).status_code == 302
    db.session.expire_all()
    assert order.status == "paid"
    entry = db.session.scalar(select(AuditLog).where(AuditLog.action == "order.paid"))
    assert entry.actor_id == moderator.id and entry.data["via"] == "moderator"


def test_another_organisation_cannot_see_the_order(
    client_for, other_enterprise, enterprise, solution, account
):
    order = factories.make_transfer_order(enterprise, plan_named(solution, "Tháng"))
    assert client_for(other_enterprise).get(f"/orders/{order.id}").status_code == 404
    assert client_for(other_enterprise).post(f"/orders/{order.id}/cancel").status_code == 404


def test_a_paid_order_of_a_trials_plan_converts_the_trial(
    app, client_for, vendor, enterprise, solution, account
):
    from marketplace.trials import rules as trials_rules
    from marketplace.trials import services as trials

    plan = plan_named(solution, "Tháng")
    with app.test_request_context():
        trial = trials.request_trial(
            enterprise,
            solution,
            trials_rules.TrialInput(
                plan_id=plan.id,
                contact_name="Trần Văn Nam",
                contact_phone="0912345678",
                preferred_start=local_today(),
                users_count=3,
            ),
            today=local_today(),
        )
        db.session.commit()
    factories.advance_trial(
        trial, "active", vendor_user=vendor, enterprise_user=enterprise, today=local_today()
    )
    order = factories.make_transfer_order(enterprise, plan)
    assert order.trial_id == trial.id
    client_for(vendor).post(
        f"/orders/{order.id}/confirm-payment",
        data={"reference": "FT9", "paid_on": local_today().strftime("%d/%m/%Y")},
    )
    db.session.expire_all()
    assert order.status == "paid" and trial.status == TrialStatus.CONVERTED


# ---------------------------------------------------------------- e-invoice


def _pay(order, vendor_client):
    vendor_client.post(
        f"/orders/{order.id}/confirm-payment",
        data={"reference": "FT42", "paid_on": local_today().strftime("%d/%m/%Y")},
    )
    db.session.expire_all()


def test_the_vendor_records_the_einvoice_and_the_buyer_sees_it(
    buyer, client_for, vendor, other_vendor, enterprise, solution, account
):
    order = factories.make_transfer_order(enterprise, plan_named(solution, "Tháng"))
    seller = client_for(vendor)
    data = {
        "number": "123",
        "symbol": "1C26TAA",
        "issued_on": local_today().strftime("%d/%m/%Y"),
        "lookup_code": "AB12CD34",
        "lookup_url": "https://tracuu.example.vn/hoadon",
    }
    # Not before payment.
    assert seller.post(f"/orders/{order.id}/einvoice", data=data).status_code == 302
    db.session.expire_all()
    assert order.einvoice_number is None
    _pay(order, seller)
    bad = seller.post(
        f"/orders/{order.id}/einvoice", data={**data, "lookup_url": "http://tracuu.example.vn"}
    )
    assert bad.status_code == 400
    assert "https://" in bad.get_data(as_text=True) and "1C26TAA" in bad.get_data(as_text=True)
    assert (
        client_for(other_vendor).post(f"/orders/{order.id}/einvoice", data=data).status_code == 404
    )
    assert buyer.post(f"/orders/{order.id}/einvoice", data=data).status_code == 403
    assert seller.post(f"/orders/{order.id}/einvoice", data=data).status_code == 302
    db.session.expire_all()
    assert (order.einvoice_number, order.einvoice_symbol) == ("123", "1C26TAA")
    assert count(AuditLog, AuditLog.action == "order.einvoice_recorded") == 1
    html = buyer.get(f"/orders/{order.id}").get_data(as_text=True)
    assert "1C26TAA" in html and "AB12CD34" in html and "https://tracuu.example.vn/hoadon" in html


def test_reminder_three_days_after_payment_without_invoice_once(
    app, client_for, vendor, moderator, enterprise, solution, account
):
    from marketplace.notifications.models import Notification

    order = factories.make_transfer_order(enterprise, plan_named(solution, "Tháng"))
    _pay(order, client_for(vendor))
    now = utcnow()
    with app.test_request_context():
        assert tasks.remind_missing_invoices(now + dt.timedelta(days=2)) == 0
        assert tasks.remind_missing_invoices(now + dt.timedelta(days=3, minutes=1)) == 1
        assert tasks.remind_missing_invoices(now + dt.timedelta(days=4)) == 0
        db.session.commit()
    reminders = count(Notification, Notification.kind == "billing.einvoice_missing")
    assert reminders == 1
    order.paid_at = now - dt.timedelta(days=4)
    db.session.commit()
    page = client_for(moderator).get("/moderation/billing/orders-without-invoice")
    assert order.number in page.get_data(as_text=True)


def test_orders_expire_after_the_configured_days_and_the_command_is_idempotent(
    app, enterprise, solution, account
):
    app.config["ORDER_EXPIRY_DAYS"] = 3
    order = factories.make_transfer_order(enterprise, plan_named(solution, "Tháng"))
    assert order.expires_at - order.created_at == dt.timedelta(days=3)
    with app.test_request_context():
        assert tasks.expire_orders(order.created_at + dt.timedelta(days=2)) == 0
        assert tasks.expire_orders(order.created_at + dt.timedelta(days=3)) == 1
        assert tasks.expire_orders(order.created_at + dt.timedelta(days=4)) == 0
        db.session.commit()
    db.session.expire_all()
    assert order.status == "expired"
    assert count(AuditLog, AuditLog.action == "order.expired") == 1
    result = app.test_cli_runner().invoke(args=["billing", "remind"])
    assert result.exit_code == 0 and "expired 0 order(s)" in result.output


def test_the_buyer_cancels_an_order_awaiting_payment(buyer, enterprise, solution, account):
    order = factories.make_transfer_order(enterprise, plan_named(solution, "Tháng"))
    assert buyer.post(f"/orders/{order.id}/cancel").status_code == 302
    db.session.expire_all()
    assert order.status == "cancelled"
    assert count(AuditLog, AuditLog.action == "order.cancelled") == 1


# ---------------------------------------------------------------- the vendor's orders


def test_the_vendor_sees_its_orders_with_date_filters_and_csv(
    client_for, vendor, enterprise, solution, account
):
    recent = factories.make_transfer_order(enterprise, plan_named(solution, "Tháng"))
    old = factories.make_transfer_order(enterprise, plan_named(solution, "Năm"))
    old.created_at = utcnow() - dt.timedelta(days=40)
    db.session.commit()
    seller = client_for(vendor)
    html = seller.get("/vendor/sales").get_data(as_text=True)
    assert recent.number in html and old.number in html
    start = (local_today() - dt.timedelta(days=7)).strftime("%d/%m/%Y")
    html = seller.get(f"/vendor/sales?start={start}").get_data(as_text=True)
    assert recent.number in html and old.number not in html
    bad = seller.get("/vendor/sales?start=31/02/2026")
    assert bad.status_code == 200 and "không có trên lịch" in bad.get_data(as_text=True)
    csv = seller.get(f"/vendor/sales/orders.csv?start={start}")
    assert csv.status_code == 200 and csv.mimetype == "text/csv"
    text = csv.get_data(as_text=True)
    assert text.startswith("\ufeffMã đơn hàng") and recent.number in text and old.number not in text


def test_sales_totals_count_paid_transfers_and_card_payments_once(
    client_for, vendor, enterprise, other_enterprise, solution, account
):
    from marketplace.billing import queries
    from marketplace.billing.models import Payment

    paid = factories.make_transfer_order(enterprise, plan_named(solution, "Tháng"))
    waiting = factories.make_transfer_order(other_enterprise, plan_named(solution, "Năm"))
    seller = client_for(vendor)
    _pay(paid, seller)
    assert paid.status == "paid" and waiting.status == "awaiting_payment"
    totals = queries.sales_totals(vendor.organization_id)
    assert (totals.revenue_vnd, totals.paid_count, totals.customers) == (paid.total_vnd, 1, 1)

    # A card payment behind a paid order counts once (as the order); a renewal, alone.
    plan = plan_named(solution, "Năm")
    behind = factories.make_payment(other_enterprise.organization, plan, amount=1_000)
    renewal = factories.make_payment(other_enterprise.organization, plan, amount=2_000)
    waiting.payment_id, waiting.status = behind.id, "paid"
    db.session.commit()
    totals = queries.sales_totals(vendor.organization_id)
    assert totals.revenue_vnd == paid.total_vnd + waiting.total_vnd + renewal.amount_vnd
    assert (totals.paid_count, totals.customers) == (3, 2)
    assert db.session.get(Payment, behind.id).status == "paid"
    html = seller.get("/vendor/sales").get_data(as_text=True)
    assert "Doanh thu đã thu" in html


# ---------------------------------------------------------------- card orders


def test_a_card_order_follows_its_stripe_payment_paid_then_refunded(
    stripe_on, checkout, send_event, solution
):
    from marketplace.billing.models import Payment

    plan = plan_named(solution, "Trọn đời")
    response = checkout(plan)
    session_id = response.headers["Location"].rsplit("/", 1)[1]
    order = db.session.scalar(select(Order))
    assert order.payment_method == "card" and order.status == "awaiting_payment"
    session = stripe_on.complete_session(session_id)
    assert send_event("checkout.session.completed", session).status_code == 200
    db.session.expire_all()
    order = db.session.get(Order, order.id)
    payment = db.session.scalar(select(Payment))
    assert payment.status == "paid" and order.status == "paid"
    # Counted once, through the Payment.
    assert counter(solution.id, Metric.PURCHASE) == 1
    charge = {
        "id": "ch_test_1",
        "object": "charge",
        "payment_intent": payment.stripe_payment_intent_id,
        "refunded": True,
    }
    assert send_event("charge.refunded", charge).status_code == 200
    db.session.expire_all()
    assert db.session.get(Order, order.id).status == "refunded"
    assert count(AuditLog, AuditLog.action == "order.refunded") == 1
