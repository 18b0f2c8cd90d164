"""Reads of billing: buyable plans, the organisation's subscriptions and payments, the vendor's
sales.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from flask import g, has_request_context
from flask_babel import gettext as _
from sqlalchemy import (
    ColumnElement,
    Select,
    bindparam,
    func,
    literal,
    null,
    or_,
    select,
    union,
    union_all,
)
from sqlalchemy.orm import joinedload

from marketplace.accounts.models import User
from marketplace.billing import periods, permissions
from marketplace.billing.errors import BillingError, payments_enabled
from marketplace.billing.models import (
    LIVE_SUBSCRIPTION_STATUSES,
    NEEDS_REVIEW,
    BankNotification,
    CheckoutMode,
    Order,
    OrderStatus,
    Payment,
    PaymentStatus,
    Subscription,
    SubscriptionStatus,
    VendorBankAccount,
)
from marketplace.billing.presenters import CheckoutOffer, PaymentMethods
from marketplace.catalog.models import BillingPeriod, Plan, SolutionStatus
from marketplace.core import database, stamps, user_reads
from marketplace.core.clock import local_midnight, local_today
from marketplace.core.database import json_rows_of
from marketplace.extensions import db
from marketplace.trials import queries as trials_queries
from marketplace.trials.models import TrialRequest, TrialStatus

S = SubscriptionStatus
P = PaymentStatus


# A trial in these statuses is linked to the purchase (a payment converts active or ended).
LINKABLE_TRIAL_STATUSES = (TrialStatus.ACCEPTED, TrialStatus.ACTIVE, TrialStatus.ENDED)


def _plan_unavailable() -> BillingError:
    return BillingError(
        _(
            "Gói dịch vụ bạn chọn không tồn tại hoặc không còn được bán. Vui lòng chọn lại gói "
            "trên trang giải pháp."
        )
    )


def buyable_plan(plan_id: int | None, *, solution_id: int | None = None) -> Plan:
    """Return the plan if it is on sale: active, priced, on a published listing of an active vendor."""
    if plan_id is None:
        raise BillingError(_("Vui lòng chọn gói dịch vụ muốn mua."))
    plan = db.session.get(Plan, plan_id)
    if plan is None or not plan.active:
        raise _plan_unavailable()
    solution = plan.solution
    if solution.status != SolutionStatus.PUBLISHED or not solution.vendor.active:
        raise _plan_unavailable()
    if solution_id is not None and solution.id != solution_id:
        raise BillingError(_("Gói dịch vụ này không thuộc giải pháp đang chọn."))
    if plan.period not in (BillingPeriod.MONTH, BillingPeriod.YEAR, BillingPeriod.ONCE):
        raise _plan_unavailable()
    if plan.price_vnd <= 0:
        raise BillingError(_("Gói này miễn phí nên không cần thanh toán trực tuyến."))
    return plan


def _linked_trial(actor: User, plan: Plan, trial_id: int | None) -> TrialRequest | None:
    """Return the organisation's trial this purchase converts: the one named, else its own."""
    if trial_id is None:
        return trials_queries.active_trial_for(actor.organization_id, plan.solution_id)
    trial = db.session.get(TrialRequest, trial_id)
    if (
        trial is None
        or trial.organization_id != actor.organization_id
        or trial.solution_id != plan.solution_id
    ):
        raise BillingError(_("Yêu cầu dùng thử không khớp với gói dịch vụ đang mua."))
    return trial if trial.status in LINKABLE_TRIAL_STATUSES else None


def checkout_offer(
    actor: User,
    plan_id: int | None,
    *,
    trial_id: int | None = None,
    solution_id: int | None = None,
) -> CheckoutOffer:
    """Check what an enterprise user asks to buy; raise BillingError with the reason if refused."""
    permissions.require_buyer(actor)
    plan = buyable_plan(plan_id, solution_id=solution_id)
    trial = _linked_trial(actor, plan, trial_id)
    if plan.period != BillingPeriod.ONCE and live_subscription(actor.organization_id, plan.id):
        raise BillingError(
            _(
                "Doanh nghiệp của bạn đang sử dụng gói này. Bạn có thể quản lý gói trong mục "
                "“Thanh toán”."
            )
        )
    return CheckoutOffer(plan=plan, trial=trial)


def live_subscription(org_id: int, plan_id: int) -> Subscription | None:
    return db.session.scalar(
        select(Subscription)
        .where(
            Subscription.organization_id == org_id,
            Subscription.plan_id == plan_id,
            Subscription.status.in_(LIVE_SUBSCRIPTION_STATUSES),
        )
        .limit(1)
    )


def pending_payment(org_id: int, plan_id: int) -> Payment | None:
    return db.session.scalar(
        select(Payment).where(
            Payment.organization_id == org_id,
            Payment.plan_id == plan_id,
            Payment.status == P.PENDING,
        )
    )


def payment_for_return(actor: User, payment_id: int | None) -> Payment | None:
    """Return the organisation's payment a Checkout return URL names, or None."""
    if payment_id is None or not permissions.can_view_billing(actor):
        return None
    payment = db.session.get(Payment, payment_id)
    if payment is None or payment.organization_id != actor.organization_id:
        return None
    return payment


def invoice_taken(invoice_id: str) -> bool:
    return bool(
        db.session.scalar(select(Payment.id).where(Payment.stripe_invoice_id == invoice_id))
    )


def get_subscription(subscription_id: int) -> Subscription | None:
    return db.session.get(Subscription, subscription_id)


def organization_subscriptions(org_id: int) -> list[Subscription]:
    """Return the organisation's subscriptions, live ones first, with plan and solution."""
    live_first = Subscription.status.in_(LIVE_SUBSCRIPTION_STATUSES).desc()
    return list(
        db.session.scalars(
            select(Subscription)
            .where(Subscription.organization_id == org_id)
            .options(
                joinedload(Subscription.plan),
                joinedload(Subscription.solution),
                joinedload(Subscription.vendor),
            )
            .order_by(live_first, Subscription.created_at.desc(), Subscription.id.desc())
        )
    )


def organization_payments_query(org_id: int) -> Select:
    """Return the organisation's payment history (paid and failed), newest first."""
    return (
        select(Payment)
        .where(Payment.organization_id == org_id, Payment.status.in_((P.PAID, P.FAILED)))
        .options(joinedload(Payment.plan), joinedload(Payment.solution))
        .order_by(func.coalesce(Payment.paid_at, Payment.created_at).desc(), Payment.id.desc())
    )


@dataclass
class SalesTotals:
    revenue_vnd: int
    paid_count: int
    live_subscriptions: int
    customers: int


def sales_totals(vendor_id: int) -> SalesTotals:
    """Sum what the vendor has been paid and count its live subscriptions (two queries).

    Paid orders count whatever their method (bank transfer or card, VAT included); card
    payments that belong to no order (a subscription's renewals, purchases made before
    orders existed) count as they were charged. A card payment behind a paid order counts
    once, as the order.
    """
    ordered = select(Order.total_vnd.label("amount"), Order.organization_id.label("buyer")).where(
        Order.vendor_id == vendor_id, Order.status == OrderStatus.PAID
    )
    behind_an_order = select(Order.id).where(Order.payment_id == Payment.id).exists()
    charged = select(
        Payment.amount_vnd.label("amount"), Payment.organization_id.label("buyer")
    ).where(Payment.vendor_id == vendor_id, Payment.status == P.PAID, ~behind_an_order)
    paid = ordered.union_all(charged).subquery()
    revenue, paid_count, customers = db.session.execute(
        select(
            func.coalesce(func.sum(paid.c.amount), 0),
            func.count(),
            func.count(func.distinct(paid.c.buyer)),
        ).select_from(paid)
    ).one()
    live = db.session.scalar(
        select(func.count(Subscription.id)).where(
            Subscription.vendor_id == vendor_id,
            Subscription.status.in_(LIVE_SUBSCRIPTION_STATUSES),
        )
    )
    return SalesTotals(int(revenue or 0), int(paid_count or 0), int(live or 0), int(customers or 0))


def sales_query(vendor_id: int) -> Select:
    """Return the vendor's paid payments, newest first, with buyer, plan and solution."""
    return (
        select(Payment)
        .where(Payment.vendor_id == vendor_id, Payment.status == P.PAID)
        .options(
            joinedload(Payment.organization),
            joinedload(Payment.plan),
            joinedload(Payment.solution),
        )
        .order_by(Payment.paid_at.desc(), Payment.id.desc())
    )


def live_subscriptions_query(vendor_id: int) -> Select:
    """Return the vendor's live subscriptions, next renewal first."""
    return (
        select(Subscription)
        .where(
            Subscription.vendor_id == vendor_id,
            Subscription.status.in_(LIVE_SUBSCRIPTION_STATUSES),
        )
        .options(
            joinedload(Subscription.organization),
            joinedload(Subscription.plan),
            joinedload(Subscription.solution),
        )
        .order_by(Subscription.current_period_end.asc(), Subscription.id.asc())
    )


def owned_plan_ids(user: User | None, plan_ids: list[int]) -> set[int]:
    """Return which of these plans the user's organisation holds: a live subscription, or
    a period paid by bank transfer that runs today.

    No statement when the organisation's standing was read with the user (`standing_of`).
    Else one statement, which also tells whether the organisation bought the plans' solution
    (`has_bought_solution`, the review rule), kept for the request: a solution page's buy
    buttons and its right to review read one statement between them."""
    if not plan_ids or not permissions.can_view_billing(user):
        return set()
    org_id = user.organization_id
    standing = user_reads.recall((_STANDING_KEY, org_id))
    if standing is not user_reads.MISSING:
        return set(plan_ids) & standing.held
    values = {"org_id": org_id, "plan_ids": list(plan_ids), "today": local_today()}
    held: set[int] = set()
    for kind, value, bought in db.session.execute(_STANDING, values):
        if kind == _HELD:
            held.add(value)
        elif value is not None:
            _bought_memo()[(org_id, value)] = bool(bought)
    return held


def has_bought_solution(org_id: int, solution_id: int) -> bool:
    """Tell whether the organisation bought the solution here (the review rule).

    A subscription that is or was live (active, past due, or canceled after running),
    a paid one-time purchase, or a paid order (bank transfer or card). One query, or none
    when the organisation's standing was read with the user (`standing_of`) or the request
    read the organisation's plans of that solution (`owned_plan_ids`).
    """
    memo = _bought_memo()
    key = (org_id, solution_id)
    if key not in memo:
        standing = user_reads.recall((_STANDING_KEY, org_id))
        if standing is not user_reads.MISSING:
            memo[key] = solution_id in standing.bought
        else:
            values = {"org_id": org_id, "solution_id": solution_id}
            memo[key] = bool(db.session.scalar(_BOUGHT, values))
    return memo[key]


def _bought_memo() -> dict[tuple[int, int], bool]:
    """The request's answers of `has_bought_solution` (per organisation and solution)."""
    if not has_request_context():
        return {}
    return g.setdefault("_billing_bought", {})


def _holdings(org_id, today, plan_ids=None) -> tuple[Select, Select]:
    """The ways an organisation holds a plan `today`, each a select of the plan's id: a
    live subscription, or a period paid by bank transfer that runs (of `plan_ids` when
    given; any argument may be a bound parameter or a column)."""
    live = select(Subscription.plan_id).where(
        Subscription.organization_id == org_id,
        database.written(Subscription.status, *LIVE_SUBSCRIPTION_STATUSES),
    )
    if plan_ids is not None:
        live = live.where(Subscription.plan_id.in_(plan_ids))
    return live, periods.running_plans_query(org_id, plan_ids, today)


def _purchases(org_id) -> tuple[Select, ...]:
    """The ways an organisation bought a solution here, each a select of the solution's id:
    a subscription that is or was live (active, past due, or canceled after running), a
    paid one-time payment, a paid order (bank transfer or card)."""
    return (
        select(Subscription.solution_id).where(
            Subscription.organization_id == org_id,
            database.written(Subscription.status, S.ACTIVE, S.PAST_DUE, S.CANCELED),
        ),
        select(Payment.solution_id).where(
            Payment.organization_id == org_id,
            database.written(Payment.mode, CheckoutMode.PAYMENT),
            database.written(Payment.status, P.PAID),  # a partial index filters on it
        ),
        select(Order.solution_id).where(
            Order.organization_id == org_id, database.written(Order.status, "paid")
        ),
    )


def _bought(org_id, solution_id) -> ColumnElement[bool]:
    """Whether `org_id` bought `solution_id` here (either may be a bound parameter or a
    column)."""
    return or_(
        *(way.where(way.selected_columns[0] == solution_id).exists() for way in _purchases(org_id))
    )


# Built once (bound parameters): asked with each right to review.
_BOUGHT = select(_bought(bindparam("org_id"), bindparam("solution_id")))

# Built once: asked on a signed-in user's first showing of a page when their organisation's
# standing was not read with them. The plans held, one row each (_HELD, plan id, NULL), and
# one row for the plans' solution (_SOLUTION, its id, whether the organisation bought it).
_HELD, _SOLUTION = 0, 1
_OWNED = union(
    *_holdings(bindparam("org_id"), bindparam("today"), bindparam("plan_ids", expanding=True))
).subquery()
_PLAN_SOLUTION = (
    select(Plan.solution_id)
    .where(Plan.id.in_(bindparam("plan_ids", expanding=True)))
    .limit(1)
    .subquery()
)
_STANDING = union_all(
    select(literal(_HELD), _OWNED.c.plan_id, null()),
    select(
        literal(_SOLUTION),
        _PLAN_SOLUTION.c.solution_id,
        _bought(bindparam("org_id"), _PLAN_SOLUTION.c.solution_id),
    ),
)


# ---------------------------------------------------------------- standing, with the user

_STANDING_KEY = "billing_standing"


@dataclass(frozen=True)
class Standing:
    """What an organisation holds and bought, towards every listing (read with a user)."""

    held: frozenset[int]  # the plans held today
    bought: frozenset[int]  # the solutions bought here


def standing_of(users) -> ColumnElement:
    """The organisation's standing as a column of the statement that loads a user
    (core/user_reads.py): rows (_HELD, plan id) and (_SOLUTION, id of a solution bought),
    the same rules as `owned_plan_ids` and `has_bought_solution`."""
    org_id = users.organization_id
    rows = union_all(
        *(_tagged(_HELD, way, users) for way in _holdings(org_id, user_reads.today())),
        *(_tagged(_SOLUTION, way, users) for way in _purchases(org_id)),
    )
    return json_rows_of(rows, user_reads.MAX_ROWS)


def _tagged(kind: int, way: Select, users) -> Select:
    """`way`'s one column after the literal `kind`, correlated to the loading statement."""
    return way.with_only_columns(literal(kind), *way.selected_columns).correlate(users)


def keep_standing(user: User, rows: list | None) -> None:
    """Keep the standing read with the user (none when it may be cut short)."""
    if user.organization_id is None or not user_reads.complete(rows):
        return
    held = frozenset(int(value) for kind, value in rows or () if kind == _HELD)
    bought = frozenset(int(value) for kind, value in rows or () if kind == _SOLUTION)
    user_reads.remember((_STANDING_KEY, user.organization_id), Standing(held, bought))


# ---------------------------------------------------------------- orders


def get_order(order_id: int) -> Order | None:
    return db.session.get(Order, order_id)


def organization_orders_query(org_id: int) -> Select:
    """Return the organisation's orders, newest first."""
    return (
        select(Order)
        .where(Order.organization_id == org_id)
        .options(joinedload(Order.vendor))
        .order_by(Order.created_at.desc(), Order.id.desc())
    )


def vendor_orders_query(
    vendor_id: int, *, start: dt.date | None = None, end: dt.date | None = None
) -> Select:
    """Return the vendor's orders placed between two local dates (inclusive), newest first."""
    query = (
        select(Order)
        .where(Order.vendor_id == vendor_id)
        .options(joinedload(Order.organization))
        .order_by(Order.created_at.desc(), Order.id.desc())
    )
    if start is not None:
        query = query.where(Order.created_at >= local_midnight(start))
    if end is not None:
        query = query.where(Order.created_at < local_midnight(end + dt.timedelta(days=1)))
    return query


def pending_bank_accounts() -> list[VendorBankAccount]:
    return list(
        db.session.scalars(
            select(VendorBankAccount)
            .where(VendorBankAccount.pending_account_number.is_not(None))
            .options(joinedload(VendorBankAccount.organization))
            .order_by(VendorBankAccount.requested_at, VendorBankAccount.id)
        )
    )


def notifications_for_review() -> list[BankNotification]:
    return list(
        db.session.scalars(
            select(BankNotification)
            .where(BankNotification.status.in_(NEEDS_REVIEW))
            .options(joinedload(BankNotification.order))
            .order_by(BankNotification.received_at, BankNotification.id)
            .limit(200)
        )
    )


def confirmed_account(vendor_id: int) -> VendorBankAccount | None:
    """Return the vendor's confirmed receiving account, or None."""
    account = db.session.scalar(
        select(VendorBankAccount).where(VendorBankAccount.organization_id == vendor_id)
    )
    return account if account is not None and account.is_confirmed else None


def payment_methods(vendor_id: int) -> PaymentMethods:
    """How a vendor's plans can be paid now: transfer to its confirmed account, card (Stripe)."""
    # The same for every visitor; a change of the vendor's account renews the content stamp.
    transfer = stamps.public_value(
        ("transfer_account", vendor_id), lambda: confirmed_account(vendor_id) is not None
    )
    return PaymentMethods(transfer=transfer, card=payments_enabled())
