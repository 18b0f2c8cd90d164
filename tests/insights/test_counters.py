"""The write path: exact counters under concurrency, views once per visitor and day, events."""

from __future__ import annotations

import datetime as dt
import threading

from sqlalchemy import func, select

from marketplace.extensions import db
from marketplace.insights import services
from marketplace.insights.models import Metric, ViewMark
from tests import factories
from tests.insights.conftest import counter

DAY = dt.date(2026, 3, 10)


def test_increment_creates_then_adds(app, solution):
    services.increment_counter(solution.id, Metric.COMPARE_ADD, day=DAY)
    services.increment_counter(solution.id, Metric.COMPARE_ADD, day=DAY, by=3)
    services.increment_counter(solution.id, Metric.COMPARE_ADD, day=DAY + dt.timedelta(days=1))
    db.session.commit()
    assert counter(solution.id, "compare_add", DAY) == 4
    assert counter(solution.id, "compare_add") == 5


def test_counters_are_exact_under_concurrent_increments(app_factory, app, solution):
    """Threads, each with its own connection, increment one row (and a new one) at once."""
    # One app (engine, sessions) per thread, and plain ids: nothing shared but the database.
    solution_id = solution.id
    apps = [app_factory() for _ in range(8)]
    threads_n, per_thread = len(apps), 25
    barrier = threading.Barrier(threads_n)
    errors: list[BaseException] = []

    def work(web) -> None:
        try:
            with web.app_context():
                barrier.wait(timeout=10)
                for _ in range(per_thread):
                    services.increment_counter(solution_id, Metric.VIEW, day=DAY)
                    db.session.commit()
                db.session.remove()
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(a,)) for a in apps]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert not errors, errors
    db.session.expire_all()
    assert counter(solution.id, "view", DAY) == threads_n * per_thread


def test_concurrent_views_of_one_visitor_count_once(app_factory, app, solution):
    solution_id = solution.id
    # Every worker of a deployment shares the secret key (the visitor hash is keyed by it).
    apps = [app_factory(SECRET_KEY="shared") for _ in range(6)]
    barrier = threading.Barrier(len(apps))
    counted: list[bool] = []
    errors: list[BaseException] = []

    def work(web) -> None:
        try:
            with web.app_context():
                barrier.wait(timeout=10)
                counted.append(services.record_view(solution_id, "u:42", day=DAY))
                db.session.commit()
                db.session.remove()
        except BaseException as exc:  # noqa: BLE001
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(a,)) for a in apps]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert not errors, errors
    assert counted.count(True) == 1
    assert counter(solution.id, "view", DAY) == 1


def test_a_view_counts_once_per_visitor_and_day(app, solution):
    assert services.record_view(solution.id, "u:1", day=DAY) is True
    assert services.record_view(solution.id, "u:1", day=DAY) is False
    assert services.record_view(solution.id, "s:abc", day=DAY) is True
    assert services.record_view(solution.id, "u:1", day=DAY + dt.timedelta(days=1)) is True
    db.session.commit()
    assert counter(solution.id, "view", DAY) == 2
    assert counter(solution.id, "view") == 3
    # The marks keep no visitor key in clear.
    hashes = db.session.scalars(select(ViewMark.visitor_hash)).all()
    assert all("u:1" not in h and len(h) == 32 for h in hashes)


def test_solution_page_counts_a_view_after_the_response(client, make_client, solution):
    url = f"/solutions/{solution.slug}"
    for _ in range(3):
        response = client.get(url)
        assert response.status_code == 200
        assert "Set-Cookie" not in response.headers  # counting stores nothing in the browser
        response.close()  # the WSGI server closes it once sent; the count happens then
    # Another address, or another browser at the same address, is another visitor.
    make_client().get(url, environ_base={"REMOTE_ADDR": "203.0.113.9"}).close()
    make_client().get(url, headers={"User-Agent": "Mozilla/5.0 (Android 14)"}).close()
    db.session.expire_all()
    assert counter(solution.id, "view") == 3


def test_a_client_without_cookies_counts_once_a_day(make_client, solution):
    url = f"/solutions/{solution.slug}"
    for _ in range(4):  # a crawler: a new client, no cookies, each time
        make_client().get(url, headers={"User-Agent": "Googlebot/2.1"}).close()
    db.session.expire_all()
    assert counter(solution.id, "view") == 1


def test_a_repeated_view_costs_no_write(client, solution, count_queries):
    url = f"/solutions/{solution.slug}"
    client.get(url).close()
    with count_queries() as q:
        client.get(url).close()
    assert not any("view_marks" in s or "daily_counters" in s for s in q.statements)
    db.session.expire_all()
    assert counter(solution.id, "view") == 1


def test_the_marks_decide_when_the_process_has_forgotten(app_factory, solution):
    url = f"/solutions/{solution.slug}"
    # Two workers of one deployment (same secret key): the second one knows nothing of
    # the first one's view, and the database still counts it once.
    for worker in (app_factory(SECRET_KEY="shared"), app_factory(SECRET_KEY="shared")):
        worker.test_client().get(url).close()
    db.session.expire_all()
    assert counter(solution.id, "view") == 1


def test_signed_in_visitor_is_one_visitor_across_browsers(client_for, enterprise, solution):
    url = f"/solutions/{solution.slug}"
    client_for(enterprise).get(url).close()
    client_for(enterprise).get(url).close()
    db.session.expire_all()
    assert counter(solution.id, "view") == 1


def test_the_solution_page_runs_no_query_for_counting(client, solution, count_queries):
    url = f"/solutions/{solution.slug}"
    client.get(url).close()
    with count_queries() as q:
        response = client.get(url)
    assert not any("view_marks" in s or "daily_counters" in s for s in q.statements)
    response.close()


def test_comparison_adds_count_once_per_tray_entry(client, solution):
    client.post("/compare/add", data={"slug": solution.slug})
    client.post("/compare/add", data={"slug": solution.slug})  # already there
    client.post("/compare/add", data={"slug": "khong-ton-tai"})
    db.session.expire_all()
    assert counter(solution.id, "compare_add") == 1


def test_trial_lifecycle_and_purchase_move_their_counters(app, enterprise, vendor, solution):
    from marketplace.core.clock import local_today
    from marketplace.trials import rules as trials_rules
    from marketplace.trials import services as trials

    trial = trials.request_trial(
        enterprise,
        solution,
        trials_rules.TrialInput(
            plan_id=solution.plans[0].id,
            contact_name="Nguyễn Thị Hương",
            contact_phone="0912345678",
            preferred_start=local_today(),
            users_count=2,
            message="",
        ),
    )
    trials.accept_trial(vendor, trial, instructions="Đăng nhập tại demo.vn")
    trials.start_trial(vendor, trial)
    trials.convert_trial(vendor, trial)
    db.session.commit()
    assert counter(solution.id, "trial_request") == 1
    assert counter(solution.id, "trial_accept") == 1
    assert counter(solution.id, "trial_convert") == 1


def test_paid_checkout_counts_a_purchase(app, enterprise, solution):
    from marketplace.billing import payments as billing_payments
    from marketplace.billing.models import PaymentStatus
    from tests.insights.conftest import add_payment

    payment = add_payment(enterprise.organization, solution, status=PaymentStatus.PENDING)
    db.session.commit()
    assert billing_payments.set_payment_status(payment, PaymentStatus.PAID)
    assert not billing_payments.set_payment_status(
        payment, PaymentStatus.PAID
    )  # a repeat does nothing
    db.session.commit()
    assert counter(solution.id, "purchase") == 1


def test_purge_removes_old_marks(app, solution):
    for offset in range(5):
        services.record_view(solution.id, "u:9", day=DAY - dt.timedelta(days=offset))
    db.session.commit()
    assert services.purge_view_marks(2, today=DAY) == 3
    db.session.commit()
    assert db.session.scalar(select(func.count()).select_from(ViewMark)) == 2
    assert counter(solution.id, "view") == 5  # the counts stay


def test_purge_command(app, solution):
    services.record_view(solution.id, "u:9", day=DAY - dt.timedelta(days=30))
    db.session.commit()
    result = app.test_cli_runner().invoke(args=["insights", "purge", "--days", "2"])
    assert result.exit_code == 0, result.output
    assert "1" in result.output


def test_counters_of_another_solution_are_separate(app, solution, other_vendor):
    other = factories.make_solution(other_vendor, name="Khác")
    services.increment_counter(solution.id, Metric.VIEW, day=DAY)
    db.session.commit()
    assert counter(other.id, "view") == 0
