"""Fixtures for the billing tests: the fake Stripe API, Stripe settings, plans, signed events."""

from __future__ import annotations

import itertools
import json
import time

import pytest
import stripe
from sqlalchemy import func, select

from marketplace.catalog.content import PlanInput
from marketplace.extensions import db
from tests import factories
from tests.billing.fake_stripe import FakeStripe

WEBHOOK_SECRET = "whsec_test_secret"
SECRET_KEY = "sk_test_fake"

PLANS = [
    PlanInput(name="Tháng", price_vnd=150_000, period="month", trial_days=14),
    PlanInput(name="Năm", price_vnd=1_500_000, period="year", trial_days=0),
    PlanInput(name="Trọn đời", price_vnd=9_000_000, period="once", trial_days=0),
    PlanInput(name="Miễn phí", price_vnd=0, period="month", trial_days=0),
]

_event_ids = itertools.count(1)


def plan_named(solution, name: str):
    return next(p for p in solution.plans if p.name == name)


def count(model, *where) -> int:
    return db.session.scalar(select(func.count()).select_from(model).where(*where))


@pytest.fixture
def fake_stripe():
    fake = FakeStripe().start()
    yield fake
    fake.stop()


@pytest.fixture
def stripe_on(app, web_app, fake_stripe):
    """Turn online payment on, pointed at the fake API, for both app instances."""
    for application in (app, web_app):
        application.config.update(
            STRIPE_SECRET_KEY=SECRET_KEY,
            STRIPE_PUBLISHABLE_KEY="pk_test_fake",
            STRIPE_WEBHOOK_SECRET=WEBHOOK_SECRET,
            STRIPE_API_BASE=fake_stripe.url,
            STRIPE_MAX_NETWORK_RETRIES=0,
            SITE_URL="http://marketplace.test",
        )
    return fake_stripe


@pytest.fixture
def solution(vendor):
    return factories.make_solution(vendor, plans=list(PLANS))


@pytest.fixture
def other_solution(other_vendor):
    return factories.make_solution(
        other_vendor,
        name="Kế toán Bạch Đằng",
        plans=[PlanInput(name="Tháng", price_vnd=200_000, period="month")],
    )


@pytest.fixture
def buyer(client_for, enterprise):
    return client_for(enterprise)


def sign(payload: str, *, secret: str = WEBHOOK_SECRET, timestamp: int | None = None) -> str:
    """Sign a body the way Stripe does, with the library's own helper."""
    return stripe.WebhookSignature.generate_signature_header(
        payload, secret=secret, timestamp=timestamp if timestamp is not None else int(time.time())
    )


def event_payload(event_type: str, obj: dict, *, event_id: str | None = None) -> str:
    return json.dumps(
        {
            "id": event_id or f"evt_test_{next(_event_ids):06d}",
            "object": "event",
            "api_version": "2026-10-28.endive",
            "created": int(time.time()),
            "livemode": False,
            "type": event_type,
            "data": {"object": obj},
        }
    )


@pytest.fixture
def send_event(client):
    """Post a signed event to the webhook as Stripe would; return the response."""

    def send(
        event_type: str,
        obj: dict,
        *,
        event_id: str | None = None,
        secret: str = WEBHOOK_SECRET,
        timestamp: int | None = None,
        payload: str | None = None,
    ):
        body = payload if payload is not None else event_payload(event_type, obj, event_id=event_id)
        return client.post(
            "/billing/webhook",
            data=body.encode("utf-8"),
            headers={
                "Stripe-Signature": sign(body, secret=secret, timestamp=timestamp),
                "Content-Type": "application/json; charset=utf-8",
            },
        )

    return send


@pytest.fixture
def checkout(buyer):
    """Buy a plan through the real form; return the response."""

    def do(plan, *, client=None, **extra):
        data = {"plan_id": str(plan.id), "solution_id": str(plan.solution_id), **extra}
        return (client or buyer).post("/billing/checkout", data=data)

    return do


@pytest.fixture
def paid_subscription(stripe_on, checkout, send_event, solution):
    """Buy the monthly plan and deliver checkout.session.completed: a live subscription."""
    from marketplace.billing.models import Payment, Subscription

    def make(plan_name: str = "Tháng", *, client=None):
        plan = plan_named(solution, plan_name)
        response = checkout(plan, client=client)
        assert response.status_code == 303, response.get_data(as_text=True)[:400]
        session_id = response.headers["Location"].rsplit("/", 1)[1]
        session = stripe_on.complete_session(session_id)
        assert send_event("checkout.session.completed", session).status_code == 200
        db.session.expire_all()
        payment = db.session.scalar(
            select(Payment).where(Payment.checkout_session_id == session_id)
        )
        subscription = db.session.scalar(
            select(Subscription).where(
                Subscription.stripe_subscription_id == session["subscription"]
            )
        )
        return payment, subscription, session

    return make
