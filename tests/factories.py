"""Small factories for test data, built through the same models the app uses."""

from __future__ import annotations

import itertools

from marketplace.accounts.models import Membership, Organization, User
from marketplace.accounts.services import hash_password
from marketplace.core.database import utcnow
from marketplace.extensions import db

PASSWORD = "correct-horse-battery-9"
_seq = itertools.count(1)


def next_tax_code() -> str:
    """Return a fresh tax code whose check digit is right (a few bases have none)."""
    from marketplace.accounts.validation import tax_code_with_check_digit

    while True:
        code = tax_code_with_check_digit(f"09{next(_seq):07d}")
        if code is not None:
            return code


def make_org(kind: str = "enterprise", *, verified: bool = False, **fields) -> Organization:
    n = next(_seq)
    values = {
        "kind": kind,
        "name": f"Công ty Thử nghiệm {n}",
        "tax_code": next_tax_code(),
        "phone": "0912345678",
        "industry": "retail",
        # Phường Hải Dương, Thành phố Hải Phòng (the former Hải Dương's centre).
        "province_code": "31" if kind == "enterprise" else None,
        "commune_code": "10525" if kind == "enterprise" else None,
        "size_band": "small" if kind == "enterprise" else None,
        "verified_at": utcnow() if verified else None,
    }
    values.update(fields)
    org = Organization(**values)
    db.session.add(org)
    db.session.commit()
    return org


def make_user(
    role: str = "enterprise",
    *,
    org: Organization | None = None,
    email: str | None = None,
    password: str = PASSWORD,
    verified: bool = False,
    email_verified: bool = True,
    org_role: str = "owner",
    **fields,
) -> User:
    """Create a user (and an organisation for enterprise and vendor users).

    `verified` is the organisation's verification; `email_verified` the user's e-mail
    (verified unless asked otherwise, as every account made before 0024 is).
    """
    n = next(_seq)
    fields.setdefault("email_verified_at", utcnow() if email_verified else None)
    if role in ("enterprise", "vendor") and org is None:
        org = make_org(role, verified=verified)
    user = User(
        email=(email or f"user{n}@example.vn").lower(),
        name=fields.pop("name", f"Người dùng {n}"),
        role=role,
        organization=org,
        password_hash=hash_password(password),
        **fields,
    )
    db.session.add(user)
    db.session.flush()
    if org is not None:
        db.session.add(Membership(user_id=user.id, organization_id=org.id, role=org_role))
    db.session.commit()
    return user


def category(slug: str = "hoa-don-dien-tu"):
    """Return a category seeded by the migrations."""
    from sqlalchemy import select

    from marketplace.catalog.models import Category

    return db.session.scalar(select(Category).where(Category.slug == slug))


def listing_content(**overrides):
    """Return complete listing content, ready to submit."""
    from marketplace.catalog.content import FeatureInput, ListingContent, PlanInput

    values = {
        "name": "Hóa đơn điện tử Sông Hồng",
        "tagline": "Phát hành hóa đơn điện tử đúng Nghị định 123 trong 5 phút",
        "description": (
            "Giải pháp **hóa đơn điện tử** cho doanh nghiệp nhỏ.\n\n"
            "## Tính năng nổi bật\n\n- Phát hành hàng loạt\n- Ký số từ xa\n"
        ),
        "category_id": category().id,
        "deployment": "cloud",
        "features": [
            FeatureInput(key="decree_123", value="yes"),
            FeatureInput(key="invoices_included", value="500 hóa đơn"),
        ],
        "plans": [PlanInput(name="Cơ bản", price_vnd=1_200_000, period="year", trial_days=14)],
    }
    values.update(overrides)
    return ListingContent(**values)


def make_solution(vendor_user: User, *, status: str = "published", **overrides):
    """Create a listing through the services, then move it to `status`."""
    from marketplace.catalog import search_index, services
    from marketplace.catalog.models import SolutionStatus

    solution = services.create_solution(vendor_user, listing_content(**overrides))
    if status != SolutionStatus.DRAFT:
        solution.status = status
        solution.submitted_at = utcnow()
        if status in (SolutionStatus.PUBLISHED, SolutionStatus.SUSPENDED, SolutionStatus.ARCHIVED):
            solution.published_at = utcnow()
    db.session.flush()
    search_index.sync_solution(solution)
    db.session.commit()
    return solution


# The vendor's (or enterprise's) steps that take a new trial request to each status.
TRIAL_STEPS = {
    "requested": [],
    "accepted": ["accept"],
    "active": ["accept", "start"],
    "ended": ["accept", "start", "end"],
    "converted": ["accept", "start", "convert"],
    "declined": ["decline"],
    "cancelled": ["cancel"],
}


def advance_trial(trial, status: str, *, vendor_user: User, enterprise_user: User, today):
    """Walk a requested trial to `status` through the trial services, then commit."""
    from marketplace.trials import services

    for step in TRIAL_STEPS[status]:
        if step == "accept":
            services.accept_trial(vendor_user, trial, instructions="Đăng nhập tại demo.vn")
        elif step == "start":
            services.start_trial(vendor_user, trial, today=today)
        elif step == "end":
            services.end_trial(vendor_user, trial)
        elif step == "convert":
            services.convert_trial(vendor_user, trial)
        elif step == "decline":
            services.decline_trial(vendor_user, trial, reason="Hết suất dùng thử.")
        elif step == "cancel":
            services.cancel_trial(enterprise_user, trial)
    db.session.commit()
    return trial


def make_trial(org_id: int, user: User, solution, status: str = "ended", **fields):
    """A trial request of the solution's first plan by an organisation, written as it
    stands at `status` (no service: for reads; `fields` sets its dates)."""
    import datetime as dt

    from marketplace.trials.models import TrialRequest

    trial = TrialRequest(
        organization_id=org_id,
        requested_by_id=user.id,
        solution_id=solution.id,
        plan_id=solution.plans[0].id,
        vendor_id=solution.vendor_id,
        contact_name="Vũ Thị Mai",
        contact_phone="0912345678",
        preferred_start=dt.date(2026, 1, 5),
        status=status,
        trial_days=14,
        **fields,
    )
    db.session.add(trial)
    db.session.commit()
    return trial


def make_subscription(org_id: int, plan, *, stripe_id: str, status: str = "active", **fields):
    """A subscription of `plan` by an organisation, written as the Stripe webhook writes it
    (no Stripe call). `fields` sets the rest (period end, customer id…)."""
    from marketplace.billing.models import Subscription

    row = Subscription(
        organization_id=org_id,
        vendor_id=plan.solution.vendor_id,
        solution_id=plan.solution_id,
        plan_id=plan.id,
        stripe_subscription_id=stripe_id,
        status=status,
        amount_vnd=plan.price_vnd,
        period=plan.period,
        **fields,
    )
    db.session.add(row)
    db.session.commit()
    return row


def confirm_bank_account(
    vendor_user: User,
    *,
    bank_bin: str = "970436",
    account_number: str = "0011001234567",
    holder: str = "CONG TY TNHH GIAI PHAP SO",
):
    """Give the vendor's organisation a confirmed receiving account (as a moderator would)."""
    from marketplace.billing.models import VendorBankAccount

    account = VendorBankAccount(
        organization_id=vendor_user.organization_id,
        bank_bin=bank_bin,
        account_number=account_number,
        account_holder=holder,
        confirmed_at=utcnow(),
    )
    db.session.add(account)
    db.session.commit()
    return account


def make_payment(buyer_org, plan, *, amount=None, status="paid", days_ago=0):
    """Record a card payment (as Stripe's webhook would) of `plan` by `buyer_org`."""
    import datetime as dt

    from marketplace.billing.models import Payment
    from marketplace.core.database import utcnow

    payment = Payment(
        organization_id=buyer_org.id,
        vendor_id=plan.solution.vendor_id,
        solution_id=plan.solution_id,
        plan_id=plan.id,
        mode="payment" if plan.period == "once" else "subscription",
        status=status,
        amount_vnd=amount if amount is not None else plan.price_vnd,
        paid_at=utcnow() - dt.timedelta(days=days_ago) if status == "paid" else None,
    )
    db.session.add(payment)
    db.session.commit()
    return payment


def make_transfer_order(enterprise_user: User, plan, **kwargs):
    """Place a bank-transfer order of one plan through the service, then commit."""
    from flask import current_app

    from marketplace.billing import orders

    with current_app.test_request_context():
        order = orders.create_plan_order(enterprise_user, plan.id, **kwargs)
        db.session.commit()
    return order
