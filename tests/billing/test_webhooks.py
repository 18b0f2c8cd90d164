"""The Stripe webhook: signatures, one handling per event id, any order, trial conversion."""

from __future__ import annotations

import time

from sqlalchemy import select

from marketplace.billing.models import Payment, Subscription, WebhookEvent
from marketplace.core.audit import AuditLog
from marketplace.core.clock import local_today
from marketplace.extensions import db
from marketplace.notifications.models import Notification
from marketplace.trials import rules as trials_rules
from marketplace.trials import services as trials
from marketplace.trials.models import TrialRequest
from tests.billing.conftest import count, event_payload, plan_named


def _start(checkout, plan) -> str:
    response = checkout(plan)
    assert response.status_code == 303, response.get_data(as_text=True)[:500]
    return response.headers["Location"].rsplit("/", 1)[1]


def _payment(session_id: str) -> Payment:
    db.session.expire_all()
    return db.session.scalar(select(Payment).where(Payment.checkout_session_id == session_id))


# ---------------------------------------------------------------- verification


def test_bad_signatures_old_timestamps_and_bad_bodies_get_400(stripe_on, client, send_event):
    obj = {"id": "cs_test_x", "object": "checkout.session"}
    assert send_event("checkout.session.completed", obj, secret="whsec_wrong").status_code == 400
    old = int(time.time()) - 301 - 60
    assert send_event("checkout.session.completed", obj, timestamp=old).status_code == 400
    assert send_event("x", {}, payload="not json").status_code == 400
    assert send_event("x", {}, payload="[1, 2]").status_code == 400
    unsigned = client.post(
        "/billing/webhook",
        data=event_payload("checkout.session.completed", obj),
        headers={"Content-Type": "application/json"},
    )
    assert unsigned.status_code == 400
    garbage = client.post(
        "/billing/webhook",
        data=event_payload("checkout.session.completed", obj),
        headers={"Content-Type": "application/json", "Stripe-Signature": "t=abc,v1=zz"},
    )
    assert garbage.status_code == 400
    assert count(WebhookEvent) == 0
    # A recent timestamp inside the tolerance is accepted.
    recent = int(time.time()) - 200
    assert send_event("ping.unknown", obj, timestamp=recent).status_code == 200


def test_without_a_webhook_secret_every_event_is_refused(app, web_app, send_event):
    for application in (app, web_app):
        application.config["STRIPE_WEBHOOK_SECRET"] = ""
    assert send_event("invoice.paid", {"id": "in_x"}).status_code == 400


def test_unknown_events_are_acknowledged_and_ignored(stripe_on, send_event):
    response = send_event("customer.created", {"id": "cus_x", "object": "customer"})
    assert response.status_code == 200
    assert response.get_json()["outcome"] == "ignored"
    assert count(WebhookEvent) == 1


# ---------------------------------------------------------------- once per event


def test_the_same_event_three_times_changes_state_once(stripe_on, checkout, send_event, solution):
    session_id = _start(checkout, plan_named(solution, "Trọn đời"))
    session = stripe_on.complete_session(session_id)
    outcomes = [
        send_event("checkout.session.completed", session, event_id="evt_same").get_json()["outcome"]
        for _ in range(3)
    ]
    assert outcomes == ["processed", "duplicate", "duplicate"]
    payment = _payment(session_id)
    assert payment.status == "paid" and payment.paid_at is not None
    assert payment.stripe_payment_intent_id == session["payment_intent"]
    assert count(WebhookEvent) == 1
    assert count(AuditLog, AuditLog.action == "payment.paid") == 1
    assert count(Notification, Notification.kind == "billing.paid") == 1
    assert count(Notification, Notification.kind == "billing.sale") == 1
    # The session was re-fetched once, for the first delivery only.
    assert len(stripe_on.calls("GET", f"/v1/checkout/sessions/{session_id}")) == 1


def test_another_event_about_the_same_payment_changes_nothing(
    stripe_on, checkout, send_event, solution
):
    session_id = _start(checkout, plan_named(solution, "Trọn đời"))
    session = stripe_on.complete_session(session_id)
    send_event("checkout.session.completed", session)
    send_event("checkout.session.async_payment_succeeded", session)
    assert count(AuditLog, AuditLog.action == "payment.paid") == 1
    assert count(WebhookEvent) == 2


def test_the_event_payload_is_not_trusted_over_the_api(stripe_on, checkout, send_event, solution):
    """A completed event whose session Stripe still reports unpaid confirms nothing."""
    session_id = _start(checkout, plan_named(solution, "Trọn đời"))
    forged = dict(stripe_on.sessions[session_id], status="complete", payment_status="paid")
    forged.pop("_params")
    assert send_event("checkout.session.completed", forged).status_code == 200
    assert _payment(session_id).status == "pending"


# ---------------------------------------------------------------- subscriptions


def test_a_paid_subscription_checkout(paid_subscription, send_event, stripe_on):
    payment, subscription, session = paid_subscription("Tháng")
    assert payment.status == "paid"
    assert payment.subscription_id == subscription.id
    assert payment.stripe_invoice_id == session["invoice"]
    assert subscription.status == "active"
    assert subscription.amount_vnd == 150_000
    expected_end = stripe_on.subscriptions[session["subscription"]]["items"]["data"][0][
        "current_period_end"
    ]
    assert int(subscription.current_period_end.timestamp()) == expected_end
    # The first invoice's own event adds no second payment.
    invoice = stripe_on.invoices[session["invoice"]]
    assert send_event("invoice.paid", invoice).status_code == 200
    db.session.expire_all()
    assert count(Payment, Payment.status == "paid") == 1
    assert count(AuditLog, AuditLog.action == "payment.paid") == 1


def test_subscription_updated_before_checkout_completed(
    stripe_on, checkout, send_event, solution, enterprise
):
    session_id = _start(checkout, plan_named(solution, "Năm"))
    session = stripe_on.complete_session(session_id)
    sub = stripe_on.subscriptions[session["subscription"]]
    stale = dict(sub, status="incomplete")  # the event's copy is older than the API's
    assert send_event("customer.subscription.updated", stale).status_code == 200
    db.session.expire_all()
    subscription = db.session.scalar(select(Subscription))
    assert subscription.status == "active"
    assert subscription.organization_id == enterprise.organization_id
    assert subscription.period == "year"
    assert send_event("checkout.session.completed", session).status_code == 200
    payment = _payment(session_id)
    assert payment.status == "paid"
    assert payment.subscription_id == subscription.id
    assert count(Subscription) == 1


def test_first_invoice_paid_before_the_subscription_is_known(
    stripe_on, checkout, send_event, solution
):
    session_id = _start(checkout, plan_named(solution, "Tháng"))
    session = stripe_on.complete_session(session_id)
    invoice = stripe_on.invoices[session["invoice"]]
    assert send_event("invoice.paid", invoice).status_code == 200
    payment = _payment(session_id)
    assert payment.status == "paid"
    assert payment.stripe_invoice_id == invoice["id"]
    subscription = db.session.scalar(select(Subscription))
    assert subscription.status == "active"
    assert send_event("checkout.session.completed", session).status_code == 200
    assert (
        send_event(
            "customer.subscription.created", stripe_on.subscriptions[session["subscription"]]
        ).status_code
        == 200
    )
    db.session.expire_all()
    assert count(Payment) == 1
    assert count(Subscription) == 1
    assert count(AuditLog, AuditLog.action == "payment.paid") == 1


def test_deleted_before_updated_ends_canceled(paid_subscription, send_event, stripe_on):
    _payment_row, subscription, session = paid_subscription("Tháng")
    sub_id = session["subscription"]
    stale_update = dict(stripe_on.subscriptions[sub_id], cancel_at_period_end=True)
    deleted = dict(stripe_on.cancel_now(sub_id))
    assert send_event("customer.subscription.deleted", deleted).status_code == 200
    assert send_event("customer.subscription.updated", stale_update).status_code == 200
    db.session.expire_all()
    subscription = db.session.get(Subscription, subscription.id)
    assert subscription.status == "canceled"
    assert subscription.canceled_at is not None
    assert count(Notification, Notification.kind == "billing.canceled") == 2  # buyer and vendor


def test_a_canceled_subscription_never_comes_back(paid_subscription, send_event, stripe_on):
    _payment_row, subscription, session = paid_subscription("Tháng")
    sub_id = session["subscription"]
    send_event("customer.subscription.deleted", dict(stripe_on.cancel_now(sub_id)))
    stripe_on.subscriptions[sub_id]["status"] = "active"  # an impossible answer
    send_event("customer.subscription.updated", stripe_on.subscriptions[sub_id])
    db.session.expire_all()
    assert db.session.get(Subscription, subscription.id).status == "canceled"


def test_renewals_failed_then_paid(paid_subscription, send_event, stripe_on):
    _first, subscription, session = paid_subscription("Tháng")
    sub_id = session["subscription"]
    old_end = subscription.current_period_end

    failed_invoice = stripe_on.renew(sub_id, paid=False)
    assert send_event("invoice.payment_failed", failed_invoice).status_code == 200
    db.session.expire_all()
    subscription = db.session.get(Subscription, subscription.id)
    assert subscription.status == "past_due"
    renewal = db.session.scalar(
        select(Payment).where(Payment.stripe_invoice_id == failed_invoice["id"])
    )
    assert renewal.status == "failed" and renewal.is_renewal
    assert count(Notification, Notification.kind == "billing.past_due") == 1

    # Stripe's retry succeeds: the same invoice is paid; the row moves, no new row.
    stripe_on.subscriptions[sub_id]["status"] = "active"
    paid_invoice = dict(failed_invoice, status="paid", amount_paid=failed_invoice["amount_due"])
    for _ in range(2):
        assert send_event("invoice.paid", paid_invoice).status_code == 200
    db.session.expire_all()
    renewal = db.session.get(Payment, renewal.id)
    assert renewal.status == "paid" and renewal.amount_vnd == 150_000
    subscription = db.session.get(Subscription, subscription.id)
    assert subscription.status == "active"
    assert subscription.current_period_end > old_end
    assert count(Payment, Payment.status == "paid") == 2


def test_a_renewal_paid_once_is_one_payment(paid_subscription, send_event, stripe_on):
    _first, subscription, session = paid_subscription("Năm")
    invoice = stripe_on.renew(session["subscription"])
    for event_id in ("evt_r1", "evt_r2"):  # two distinct deliveries of the same fact
        send_event("invoice.paid", invoice, event_id=event_id)
    db.session.expire_all()
    renewals = db.session.scalars(
        select(Payment).where(Payment.stripe_invoice_id == invoice["id"])
    ).all()
    assert len(renewals) == 1
    assert renewals[0].amount_vnd == 1_500_000 and renewals[0].subscription_id == subscription.id
    assert count(AuditLog, AuditLog.action == "payment.paid") == 2


def test_invoices_of_unknown_subscriptions_are_ignored(stripe_on, send_event):
    invoice = {
        "id": "in_unknown",
        "object": "invoice",
        "billing_reason": "subscription_cycle",
        "amount_paid": 100,
        "parent": {"subscription_details": {"subscription": "sub_missing", "metadata": {}}},
    }
    stripe_on.subscriptions["sub_missing"] = {
        "id": "sub_missing",
        "status": "active",
        "metadata": {},
    }
    assert send_event("invoice.paid", invoice).status_code == 200
    assert count(Payment) == 0


# ---------------------------------------------------------------- failures and expiry


def test_stripe_unreachable_during_a_webhook_answers_503_and_forgets_the_event(
    stripe_on, checkout, send_event, solution
):
    session_id = _start(checkout, plan_named(solution, "Trọn đời"))
    session = stripe_on.complete_session(session_id)
    stripe_on.fail("GET", "/v1/checkout/sessions", status=500)
    assert (
        send_event("checkout.session.completed", session, event_id="evt_retry").status_code == 503
    )
    assert count(WebhookEvent) == 0
    assert _payment(session_id).status == "pending"
    # Stripe retries the same event later: it is handled in full.
    assert (
        send_event("checkout.session.completed", session, event_id="evt_retry").status_code == 200
    )
    assert _payment(session_id).status == "paid"


def test_an_expired_session_expires_the_attempt(stripe_on, checkout, send_event, solution):
    session_id = _start(checkout, plan_named(solution, "Năm"))
    stripe_on.sessions[session_id]["status"] = "expired"
    send_event("checkout.session.expired", stripe_on.sessions[session_id] | {"_params": None})
    assert _payment(session_id).status == "expired"
    assert count(AuditLog, AuditLog.action == "payment.expired") == 1


def test_a_late_payment_of_an_expired_attempt_still_counts(
    stripe_on, checkout, send_event, solution
):
    session_id = _start(checkout, plan_named(solution, "Trọn đời"))
    payment = _payment(session_id)
    payment.status = "expired"
    db.session.commit()
    session = stripe_on.complete_session(session_id)
    send_event("checkout.session.completed", session)
    assert _payment(session_id).status == "paid"


# ---------------------------------------------------------------- trials


def _trial(enterprise, vendor, solution, status: str) -> TrialRequest:
    today = local_today()
    data = trials_rules.TrialInput(
        plan_id=plan_named(solution, "Tháng").id,
        contact_name="Nguyễn Thị Hương",
        contact_phone="0912345678",
        preferred_start=today,
        users_count=3,
    )
    trial = trials.request_trial(enterprise, solution, data, today=today)
    if status in ("accepted", "active", "ended"):
        trials.accept_trial(vendor, trial, instructions="Đăng nhập tại https://demo.vn")
    if status in ("active", "ended"):
        trials.start_trial(vendor, trial, today=today)
    if status == "ended":
        trials.end_trial(vendor, trial)
    db.session.commit()
    return trial


def test_a_paid_checkout_converts_the_trial(
    stripe_on, checkout, send_event, solution, enterprise, vendor
):
    trial = _trial(enterprise, vendor, solution, "active")
    session_id = _start(checkout, plan_named(solution, "Năm"))  # another plan, same solution
    (call,) = stripe_on.calls("POST", "/v1/checkout/sessions")
    assert call.params["metadata"]["trial_id"] == str(trial.id)
    session = stripe_on.complete_session(session_id)
    for _ in range(2):
        assert send_event("checkout.session.completed", session).status_code == 200
    db.session.expire_all()
    trial = db.session.get(TrialRequest, trial.id)
    assert trial.status == "converted"
    assert trial.events[-1].to_status == "converted" and trial.events[-1].actor_id is None
    assert count(AuditLog, AuditLog.action == "trial.convert") == 1


def test_buying_from_the_trial_page_names_the_trial(
    stripe_on, buyer, send_event, solution, enterprise, vendor
):
    trial = _trial(enterprise, vendor, solution, "ended")
    page = buyer.get("/account/trials").get_data(as_text=True)
    link = f"/billing/checkout?plan_id={trial.plan_id}&amp;trial_id={trial.id}"
    assert link in page
    summary = buyer.get(link.replace("&amp;", "&"))
    assert "chuyển sang trả phí" in summary.get_data(as_text=True)
    response = buyer.post(
        "/billing/checkout", data={"plan_id": str(trial.plan_id), "trial_id": str(trial.id)}
    )
    session_id = response.headers["Location"].rsplit("/", 1)[1]
    send_event("checkout.session.completed", stripe_on.complete_session(session_id))
    db.session.expire_all()
    assert db.session.get(TrialRequest, trial.id).status == "converted"


def test_a_trial_that_cannot_be_converted_does_not_break_the_payment(
    stripe_on, buyer, send_event, solution, enterprise, vendor
):
    trial = _trial(enterprise, vendor, solution, "accepted")  # not started: not convertible
    response = buyer.post(
        "/billing/checkout",
        data={"plan_id": str(plan_named(solution, "Trọn đời").id), "trial_id": str(trial.id)},
    )
    session_id = response.headers["Location"].rsplit("/", 1)[1]
    assert _payment(session_id).trial_id == trial.id
    response = send_event("checkout.session.completed", stripe_on.complete_session(session_id))
    assert response.status_code == 200
    assert _payment(session_id).status == "paid"
    assert db.session.get(TrialRequest, trial.id).status == "accepted"
