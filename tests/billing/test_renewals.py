"""Plans paid by bank transfer: their service period (calendar arithmetic), the renewal
order issued once RENEWAL_NOTICE_DAYS before the end (the clock is passed in), the next
period starting at the previous end, the buyer's switch, what the pages show."""

from __future__ import annotations

import datetime as dt
import threading

import pytest
from flask import current_app
from sqlalchemy import select

from marketplace.billing import order_status, orders, periods, renewals
from marketplace.billing.models import Order, OrderSource, ServicePeriod
from marketplace.catalog.content import PlanInput
from marketplace.core.audit import AuditLog
from marketplace.core.clock import TIMEZONE, local_today
from marketplace.extensions import db
from marketplace.notifications.models import Notification
from tests import factories
from tests.billing.conftest import count, plan_named


@pytest.fixture
def account(vendor):
    return factories.confirm_bank_account(vendor)


def pay(order: Order, paid_on: dt.date) -> Order:
    """Mark a transfer order paid on `paid_on` (as the bank webhook would)."""
    with current_app.test_request_context():
        assert order_status.mark_paid(
            None, order, reference=f"FT{order.id}", paid_on=paid_on, via="bank"
        )
        db.session.commit()
    return order


def bought(enterprise, plan, paid_on: dt.date) -> ServicePeriod:
    order = pay(factories.make_transfer_order(enterprise, plan), paid_on)
    period = periods.period_of_order(order.id)
    assert period is not None
    return period


def at(day: dt.date, hour: int = 9) -> dt.datetime:
    """An instant of a local day (Asia/Ho_Chi_Minh)."""
    return dt.datetime.combine(day, dt.time(hour), tzinfo=TIMEZONE)


def renewal_orders() -> list[Order]:
    db.session.expire_all()
    return list(db.session.scalars(select(Order).where(Order.source == OrderSource.RENEWAL)))


@pytest.mark.parametrize(
    ("start", "period", "end"),
    [
        (dt.date(2026, 1, 15), "month", dt.date(2026, 2, 15)),
        (dt.date(2026, 1, 31), "month", dt.date(2026, 2, 28)),
        (dt.date(2028, 1, 31), "month", dt.date(2028, 2, 29)),  # leap year
        (dt.date(2026, 3, 31), "month", dt.date(2026, 4, 30)),
        (dt.date(2026, 12, 31), "month", dt.date(2027, 1, 31)),
        (dt.date(2026, 2, 28), "month", dt.date(2026, 3, 28)),
        (dt.date(2026, 5, 10), "year", dt.date(2027, 5, 10)),
        (dt.date(2028, 2, 29), "year", dt.date(2029, 2, 28)),
        (dt.date(2027, 3, 1), "year", dt.date(2028, 3, 1)),
    ],
)
def test_period_arithmetic(start, period, end):
    assert periods.add_period(start, period) == end


def test_a_one_time_period_has_no_end():
    with pytest.raises(ValueError):
        periods.add_period(dt.date(2026, 1, 1), "once")


def test_a_paid_transfer_order_of_a_monthly_plan_runs_from_its_payment_date(
    app, enterprise, solution, account
):
    paid_on = local_today() - dt.timedelta(days=3)
    period = bought(enterprise, plan_named(solution, "Tháng"), paid_on)
    assert (period.starts_on, period.ends_on) == (paid_on, periods.add_period(paid_on, "month"))
    assert period.auto_renew and period.organization_id == enterprise.organization_id
    # A one-time plan buys no period.
    once = pay(factories.make_transfer_order(enterprise, plan_named(solution, "Trọn đời")), paid_on)
    assert periods.period_of_order(once.id) is None


def test_renewal_is_issued_once_notice_days_before_the_end(
    app, enterprise, vendor, solution, account
):
    app.config["RENEWAL_NOTICE_DAYS"] = 7
    period = bought(enterprise, plan_named(solution, "Tháng"), dt.date(2026, 1, 31))
    assert period.ends_on == dt.date(2026, 2, 28)
    assert renewals.renew_due(at(dt.date(2026, 2, 20))).created == 0
    assert renewal_orders() == []
    run = renewals.renew_due(at(dt.date(2026, 2, 21)))
    db.session.commit()
    assert run.created == 1
    # Running again (the same day, later days) creates nothing more.
    for day in (dt.date(2026, 2, 21), dt.date(2026, 2, 25), dt.date(2026, 2, 28)):
        assert renewals.renew_due(at(day)).created == 0
    db.session.commit()
    (renewal,) = renewal_orders()
    assert renewal.source_id == period.order_id and renewal.status == "awaiting_payment"
    assert renewal.organization_id == enterprise.organization_id and renewal.user_id is None
    assert renewal.total_vnd == 150_000 and renewal.lines[0].period == "month"
    # Payable until the period's last day at least.
    assert renewal.expires_at >= at(dt.date(2026, 3, 1), 0)
    db.session.refresh(period)
    assert period.renewal_order_id == renewal.id
    kinds = set(db.session.scalars(select(Notification.kind)))
    assert {"billing.renewal_order", "billing.renewal_sale"} <= kinds


def test_renewal_takes_todays_price_and_vat(app, enterprise, solution, account):
    plan = plan_named(solution, "Tháng")
    period = bought(enterprise, plan, local_today() - dt.timedelta(days=27))
    plan.price_vnd = 180_000
    plan.vat_treatment = "10"
    plan.price_includes_vat = False
    db.session.commit()
    assert renewals.renew_due(at(local_today())).created == 1
    db.session.commit()
    (renewal,) = renewal_orders()
    line = renewal.lines[0]
    assert (line.unit_price_vnd, line.vat_rate) == (180_000, 10)
    assert (renewal.subtotal_vnd, renewal.vat_vnd, renewal.total_vnd) == (180_000, 18_000, 198_000)
    assert period.ends_on > local_today()


@pytest.mark.parametrize("days_late", [-5, 0, 9])
def test_a_paid_renewal_starts_at_the_previous_end_whenever_it_is_paid(
    app, enterprise, solution, account, days_late
):
    period = bought(enterprise, plan_named(solution, "Năm"), dt.date(2025, 12, 31))
    assert period.ends_on == dt.date(2026, 12, 31)
    renewals.renew_due(at(dt.date(2026, 12, 26)))
    db.session.commit()
    (renewal,) = renewal_orders()
    pay(renewal, dt.date(2026, 12, 31) + dt.timedelta(days=days_late))
    following = periods.period_of_order(renewal.id)
    assert (following.starts_on, following.ends_on) == (
        dt.date(2026, 12, 31),
        dt.date(2027, 12, 31),
    )
    # The next renewal follows the new period, not the old one.
    assert renewals.renew_due(at(dt.date(2027, 12, 24))).created == 1
    db.session.commit()
    assert [o.source_id for o in renewal_orders()] == [period.order_id, renewal.id]


def test_a_renewal_is_not_a_new_purchase(app, enterprise, solution, account):
    period = bought(
        enterprise, plan_named(solution, "Tháng"), local_today() - dt.timedelta(days=25)
    )
    renewals.renew_due(at(local_today()))
    db.session.commit()
    (renewal,) = renewal_orders()
    assert period.order.is_new_purchase and not renewal.is_new_purchase


def test_turned_off_no_renewal(app, client_for, enterprise, solution, account):
    period = bought(
        enterprise, plan_named(solution, "Tháng"), local_today() - dt.timedelta(days=25)
    )
    buyer = client_for(enterprise)
    response = buyer.post(f"/billing/plans/{period.id}/auto-renew", data={"auto_renew": "0"})
    assert response.status_code == 302
    db.session.expire_all()
    assert not db.session.get(ServicePeriod, period.id).auto_renew
    assert count(AuditLog, AuditLog.action == "service_period.auto_renew") == 1
    run = renewals.renew_due(at(local_today()))
    assert (run.created, run.skipped_off) == (0, 1)
    assert renewal_orders() == []
    html = buyer.get("/billing/").get_data(as_text=True)
    assert "Không gia hạn" in html and "Gia hạn tự động" in html
    # Turned back on before the end: the renewal comes.
    buyer.post(f"/billing/plans/{period.id}/auto-renew", data={"auto_renew": "1"})
    db.session.expire_all()
    assert renewals.renew_due(at(local_today())).created == 1


def test_withdrawn_plan_no_renewal_and_the_buyer_is_told_once(
    app, client_for, enterprise, solution, account
):
    plan = plan_named(solution, "Tháng")
    bought(enterprise, plan, local_today() - dt.timedelta(days=25))
    plan.active = False
    db.session.commit()
    assert renewals.renew_due(at(local_today())).not_renewable == 1
    assert renewals.renew_due(at(local_today())).not_renewable == 0
    db.session.commit()
    assert renewal_orders() == []
    told = count(Notification, Notification.kind == "billing.renewal_unavailable")
    assert told == 1
    html = client_for(enterprise).get("/billing/").get_data(as_text=True)
    assert "không thể gia hạn" in html


def test_unpublished_solution_no_renewal(app, enterprise, solution, account):
    bought(enterprise, plan_named(solution, "Tháng"), local_today() - dt.timedelta(days=25))
    solution.status = "suspended"
    db.session.commit()
    assert renewals.renew_due(at(local_today())).created == 0
    assert renewal_orders() == []


def test_inactive_organisation_no_renewal(app, enterprise, solution, account):
    bought(enterprise, plan_named(solution, "Tháng"), local_today() - dt.timedelta(days=25))
    enterprise.organization.active = False
    db.session.commit()
    assert renewals.renew_due(at(local_today())).created == 0


def test_another_organisation_cannot_toggle_and_a_member_is_refused(
    app, client_for, enterprise, other_enterprise, solution, account
):
    period = bought(enterprise, plan_named(solution, "Tháng"), local_today())
    url = f"/billing/plans/{period.id}/auto-renew"
    assert client_for(other_enterprise).post(url, data={"auto_renew": "0"}).status_code == 404
    assert client_for(other_enterprise).post("/billing/plans/999999/auto-renew").status_code == 404
    member = factories.make_user("enterprise", org=enterprise.organization, org_role="member")
    manager = factories.make_user("enterprise", org=enterprise.organization, org_role="manager")
    assert client_for(member).post(url, data={"auto_renew": "0"}).status_code == 403
    assert client_for(manager).post(url, data={"auto_renew": "0"}).status_code == 403
    assert client_for(enterprise).post(url, data={"auto_renew": "maybe"}).status_code == 400
    db.session.expire_all()
    assert db.session.get(ServicePeriod, period.id).auto_renew
    assert count(AuditLog, AuditLog.action == "service_period.auto_renew") == 0


def test_two_runners_at_once_issue_one_renewal(app_factory, app, enterprise, solution, account):
    bought(enterprise, plan_named(solution, "Tháng"), local_today() - dt.timedelta(days=25))
    db.session.remove()
    apps = [app_factory(), app_factory()]
    barrier = threading.Barrier(2)
    outcomes: list[object] = []
    lock = threading.Lock()

    def run(application) -> None:
        with application.app_context():
            try:
                due = periods.due_for_renewal(local_today(), 7)
                barrier.wait(timeout=20)  # both saw the period before either claimed it
                assert due
                result = renewals.renew_due(at(local_today())).created
                db.session.commit()
            except Exception as err:  # SQLite may refuse the loser's write: no order either
                db.session.rollback()
                result = type(err).__name__
            with lock:
                outcomes.append(result)

    threads = [threading.Thread(target=run, args=(a,)) for a in apps]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert len(renewal_orders()) == 1, outcomes
    assert 1 in outcomes and 2 not in outcomes


def test_the_unique_index_refuses_a_second_renewal_of_one_order(app, enterprise, solution, account):
    period = bought(
        enterprise, plan_named(solution, "Tháng"), local_today() - dt.timedelta(days=25)
    )
    renewals.renew_due(at(local_today()))
    db.session.commit()
    # A runner that skipped the claim (say, its own reading) still cannot issue a second.
    with current_app.test_request_context():
        lines = renewals._renewal_lines(period)
        assert renewals._issue(period, lines, at(local_today())) is False
    db.session.commit()
    assert len(renewal_orders()) == 1


def test_pages_show_the_period_the_pending_renewal_and_the_vendor_upcoming(
    app, client_for, enterprise, vendor, solution, account
):
    period = bought(
        enterprise, plan_named(solution, "Tháng"), local_today() - dt.timedelta(days=26)
    )
    renewals.renew_due(at(local_today()))
    db.session.commit()
    (renewal,) = renewal_orders()
    html = client_for(enterprise).get("/billing/").get_data(as_text=True)
    ends = period.ends_on.strftime("%d/%m/%Y")
    assert "Hiệu lực đến" in html and ends in html
    assert renewal.number in html and f"/orders/{renewal.id}" in html
    # The renewal order's page says which period it buys.
    order_page = client_for(enterprise).get(f"/orders/{renewal.id}").get_data(as_text=True)
    following = periods.add_period(period.ends_on, "month").strftime("%d/%m/%Y")
    assert f"{ends} – {following}" in order_page
    sales = client_for(vendor).get("/vendor/sales").get_data(as_text=True)
    assert "Gia hạn sắp tới" in sales and renewal.number in sales and ends in sales
    # The owner sees the plan "Đang sử dụng" on the solution page and may review it.
    page = client_for(enterprise).get(f"/solutions/{solution.slug}").get_data(as_text=True)
    assert "Đang sử dụng" in page


def test_after_the_end_without_payment_the_plan_shows_ended(
    app, client_for, enterprise, solution, account
):
    from marketplace.billing import queries

    plan = plan_named(solution, "Tháng")
    period = bought(enterprise, plan, local_today() - dt.timedelta(days=40))
    assert period.ends_on < local_today()
    html = client_for(enterprise).get("/billing/").get_data(as_text=True)
    assert "Đã kết thúc" in html and "Hiệu lực đến" not in html
    assert queries.owned_plan_ids(enterprise, [plan.id]) == set()
    assert queries.has_bought_solution(enterprise.organization_id, solution.id)


def test_owned_plans_count_a_running_transfer_period(app, enterprise, solution, account):
    from marketplace.billing import queries

    plan = plan_named(solution, "Năm")
    assert queries.owned_plan_ids(enterprise, [plan.id]) == set()
    bought(enterprise, plan, local_today())
    assert queries.owned_plan_ids(enterprise, [plan.id]) == {plan.id}


def test_a_second_order_of_a_running_plan_continues_from_its_end(
    app, enterprise, solution, account
):
    plan = plan_named(solution, "Tháng")
    first = bought(enterprise, plan, dt.date(2026, 1, 10))
    second = bought(enterprise, plan, dt.date(2026, 2, 1))
    assert (second.starts_on, second.ends_on) == (first.ends_on, dt.date(2026, 3, 10))


def test_quote_lines_keep_their_quantity_in_the_renewal(app, enterprise, vendor, account):
    solution = factories.make_solution(
        vendor, plans=[PlanInput(name="Máy chủ", price_vnd=400_000, period="month")]
    )
    plan = solution.plans[0]
    with current_app.test_request_context():
        order = orders.create_order(
            enterprise,
            vendor=vendor.organization,
            lines=[
                orders.LineInput(
                    "Máy chủ × 3", 350_000, quantity=3, plan_id=plan.id, period="month"
                ),
                orders.LineInput("Cài đặt", 1_000_000),
            ],
            source=OrderSource.QUOTE,
            solution_id=solution.id,
        )
        db.session.commit()
    pay(order, local_today() - dt.timedelta(days=27))
    assert renewals.renew_due(at(local_today())).created == 1
    db.session.commit()
    (renewal,) = renewal_orders()
    assert [(line.quantity, line.unit_price_vnd) for line in renewal.lines] == [(3, 400_000)]
    assert renewal.total_vnd == 1_200_000


def test_the_job_is_registered_daily(app):
    from marketplace.core import jobs

    job = jobs.registered(app)["billing.renew_transfer_plans"]
    assert job.every == dt.timedelta(days=1)


def test_the_renewal_notifies_by_email_too(app, enterprise, vendor, solution, account):
    from marketplace.notifications.models import EmailOutbox

    bought(enterprise, plan_named(solution, "Tháng"), local_today() - dt.timedelta(days=25))
    renewals.renew_due(at(local_today()))
    db.session.commit()
    (renewal,) = renewal_orders()
    recipients = set(db.session.scalars(select(EmailOutbox.to_email)))
    assert {enterprise.email, vendor.email} <= recipients
    subjects = list(db.session.scalars(select(EmailOutbox.subject)))
    assert any(renewal.number in subject for subject in subjects)


def test_the_demo_has_a_plan_ending_in_five_days_with_its_renewal_and_one_turned_off(app):
    from marketplace.accounts.models import User
    from marketplace.demo.cli import seed_demo
    from marketplace.demo.renewals_seed import seed_renewals

    seed_demo()
    db.session.commit()
    owner = db.session.scalar(select(User).where(User.email == "enterprise@demo.vn"))
    shown = periods.organization_periods(owner.organization_id)
    waiting = [p for p in shown if p.renewal_order is not None]
    assert len(waiting) == 1 and waiting[0].renewal_order.status == "awaiting_payment"
    assert 2 <= (waiting[0].ends_on - local_today()).days <= 5
    assert any(not p.auto_renew for p in shown)
    assert seed_renewals() == 0
