"""The webhook under attack and under failure: empty secrets, objects gone, Stripe down."""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import socket
import time

import pytest
import stripe
from sqlalchemy import select

from marketplace.billing.models import Payment, Subscription, WebhookEvent
from marketplace.core.audit import AuditLog
from marketplace.extensions import db
from tests.billing.conftest import count, event_payload, plan_named, sign


def _accept_any_key(cls, payload, header, secret, tolerance=None):
    """Verify a header the way stripe 11–15 did: the HMAC is checked even with an empty key."""
    if isinstance(payload, bytes | bytearray):
        payload = payload.decode("utf-8")
    pairs = [part.split("=", 1) for part in (header or "").split(",") if "=" in part]
    timestamp = int(next(v for k, v in pairs if k == "t"))
    signed = f"{timestamp}.{payload}".encode()
    expected = hmac.new((secret or "").encode(), signed, hashlib.sha256).hexdigest()
    if not any(k == "v1" and hmac.compare_digest(expected, v) for k, v in pairs):
        raise stripe.SignatureVerificationError("no match", header, payload)
    return True


@pytest.fixture
def lenient_library(monkeypatch):
    """Make the installed library as lenient as the versions the old range allowed."""
    monkeypatch.setattr(stripe.WebhookSignature, "verify_header", classmethod(_accept_any_key))


def _forged_subscription(enterprise, plan) -> dict:
    return {
        "id": "sub_forged",
        "object": "subscription",
        "status": "active",
        "customer": "cus_forged",
        "metadata": {"organization_id": str(enterprise.organization_id), "plan_id": str(plan.id)},
    }


@pytest.mark.parametrize("configured", ["", "   "])
def test_an_event_signed_with_the_empty_key_is_refused_without_a_secret(
    app, web_app, client, solution, enterprise, lenient_library, monkeypatch, caplog, configured
):
    """No STRIPE_SECRET_KEY (the body would be trusted) and no webhook secret: 400, no change."""
    for application in (app, web_app):
        application.config.update(STRIPE_SECRET_KEY="", STRIPE_WEBHOOK_SECRET=configured)
    calls = []
    real = stripe.Webhook.construct_event
    monkeypatch.setattr(
        stripe.Webhook, "construct_event", lambda *a, **k: calls.append(a) or real(*a, **k)
    )
    audit_before = count(AuditLog)
    body = event_payload(
        "customer.subscription.created",
        _forged_subscription(enterprise, plan_named(solution, "Tháng")),
    )
    with caplog.at_level(logging.WARNING):
        response = client.post(
            "/billing/webhook",
            data=body.encode(),
            headers={"Stripe-Signature": sign(body, secret=""), "Content-Type": "application/json"},
        )
    assert response.status_code == 400
    assert calls == []  # refused before the library is asked
    assert count(Subscription) == 0 and count(WebhookEvent) == 0
    assert count(AuditLog) == audit_before
    assert "STRIPE_WEBHOOK_SECRET" in caplog.text


def test_the_lenient_library_would_have_accepted_the_forgery(lenient_library):
    """The forgery the test above refuses is one the library itself lets through."""
    body = event_payload("customer.subscription.created", {"id": "sub_x"})
    assert stripe.Webhook.construct_event(body, sign(body, secret=""), "").id


def test_a_configured_secret_still_refuses_the_empty_key(stripe_on, send_event, solution):
    obj = {"id": "sub_forged", "object": "subscription", "status": "active"}
    assert send_event("customer.subscription.created", obj, secret="").status_code == 400
    assert count(Subscription) == 0 and count(WebhookEvent) == 0


def test_the_declared_stripe_range_is_the_tested_one():
    """pyproject's floor is the major version the suite runs with."""
    from pathlib import Path

    text = (Path(__file__).resolve().parents[2] / "pyproject.toml").read_text(encoding="utf-8")
    major = int(stripe.VERSION.split(".")[0])
    assert f'"stripe>={major},<{major + 1}"' in text


# ---------------------------------------------------------------- objects Stripe no longer knows


def test_a_subscription_stripe_no_longer_knows_is_acknowledged_once(stripe_on, send_event, caplog):
    obj = {"id": "sub_gone", "object": "subscription", "status": "active", "metadata": {}}
    with caplog.at_level(logging.WARNING):
        response = send_event("customer.subscription.updated", obj, event_id="evt_gone")
    assert response.status_code == 200
    assert response.get_json()["outcome"] == "missing"
    assert "sub_gone" in caplog.text
    event = db.session.scalar(select(WebhookEvent))
    assert event.stripe_event_id == "evt_gone" and event.processed_at is not None
    assert count(Subscription) == 0
    # Stripe does not retry an acknowledged event; a repeated delivery changes nothing.
    again = send_event("customer.subscription.updated", obj, event_id="evt_gone")
    assert again.status_code == 200 and again.get_json()["outcome"] == "duplicate"
    assert len(stripe_on.calls("GET", "/v1/subscriptions/sub_gone")) == 1


def test_a_checkout_session_stripe_no_longer_knows_is_acknowledged(stripe_on, send_event):
    obj = {"id": "cs_gone", "object": "checkout.session", "status": "complete"}
    response = send_event("checkout.session.completed", obj)
    assert response.status_code == 200 and response.get_json()["outcome"] == "missing"
    assert count(WebhookEvent) == 1


def test_an_object_gone_half_way_leaves_no_half_applied_change(
    stripe_on, checkout, send_event, solution
):
    """The first invoice names our payment, but its subscription is gone at Stripe."""
    response = checkout(plan_named(solution, "Tháng"))
    session_id = response.headers["Location"].rsplit("/", 1)[1]
    session = stripe_on.complete_session(session_id)
    invoice = stripe_on.invoices[session["invoice"]]
    del stripe_on.subscriptions[session["subscription"]]
    response = send_event("invoice.paid", invoice)
    assert response.status_code == 200 and response.get_json()["outcome"] == "missing"
    db.session.expire_all()
    payment = db.session.scalar(select(Payment).where(Payment.checkout_session_id == session_id))
    assert payment.status == "pending" and payment.stripe_invoice_id is None
    assert count(Subscription) == 0


# ---------------------------------------------------------------- transient failures


@pytest.mark.parametrize("status", [500, 503, 429])
def test_stripe_errors_answer_503_and_forget_the_event(stripe_on, send_event, status):
    stripe_on.subscriptions["sub_live"] = {"id": "sub_live", "status": "active", "metadata": {}}
    stripe_on.fail("GET", "/v1/subscriptions/sub_live", status=status)
    obj = {"id": "sub_live", "object": "subscription"}
    response = send_event("customer.subscription.updated", obj, event_id="evt_flaky")
    assert response.status_code == 503
    assert count(WebhookEvent) == 0
    # Stripe's retry is handled in full.
    response = send_event("customer.subscription.updated", obj, event_id="evt_flaky")
    assert response.status_code == 200 and response.get_json()["outcome"] == "processed"


def test_stripe_unreachable_answers_503(app, web_app, stripe_on, send_event):
    with socket.socket() as sock:  # a port nobody listens on
        sock.bind(("127.0.0.1", 0))
        closed = f"http://127.0.0.1:{sock.getsockname()[1]}"
    for application in (app, web_app):
        application.config["STRIPE_API_BASE"] = closed
    obj = {"id": "sub_any", "object": "subscription"}
    assert send_event("customer.subscription.updated", obj).status_code == 503
    assert count(WebhookEvent) == 0


def test_a_recent_signed_event_body_is_json_with_an_id(stripe_on, client):
    """A signed body that is not an event object is refused, not handled."""
    body = json.dumps({"object": "event", "created": int(time.time())})
    response = client.post(
        "/billing/webhook",
        data=body.encode(),
        headers={"Stripe-Signature": sign(body), "Content-Type": "application/json"},
    )
    assert response.status_code == 400
