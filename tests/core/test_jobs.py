"""Scheduled work (core/jobs.py): each due task runs once whatever the number of runners,
on its schedule; failures are counted and retried with back-off."""

from __future__ import annotations

import datetime as dt
import os
import shutil
import signal
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from prometheus_client import REGISTRY
from sqlalchemy import select, update

from marketplace.core import jobs
from marketplace.core.jobs import JobLease
from marketplace.extensions import db

NOW = dt.datetime(2026, 12, 2, 8, 0, tzinfo=dt.UTC)
MINUTE = dt.timedelta(minutes=1)


def _lease(name: str) -> JobLease:
    db.session.remove()
    return db.session.scalars(select(JobLease).where(JobLease.name == name)).one()


def test_every_periodic_task_of_the_domains_is_registered(app):
    assert {"outbox.send", "trials.tick", "uploads.purge", "insights.purge"} <= set(
        jobs.registered(app)
    )


def test_registration_refuses_a_task_without_a_period(app):
    with pytest.raises(ValueError):
        jobs.register(app, "x", every=dt.timedelta(0), func=lambda: None)


@pytest.mark.parametrize("rounds", [6])
def test_two_runners_on_one_database_run_each_due_task_once(app_factory, app, rounds):
    """Two hosts (two apps, two threads, two connections) race for the same tasks."""
    hosts = [app_factory(), app_factory()]
    calls: list[tuple[str, int]] = []
    lock = threading.Lock()
    names = [f"test.task{i}" for i in range(3)]

    def task(name: str, host: int):
        def run():
            with lock:
                calls.append((name, host))

        return run

    for host, host_app in enumerate(hosts):
        for name in names:
            jobs.register(host_app, name, every=dt.timedelta(hours=1), func=task(name, host))

    errors: list[BaseException] = []
    for round_ in range(rounds):
        now = NOW + dt.timedelta(hours=round_)
        barrier = threading.Barrier(2)

        def runner(host_app, now=now, barrier=barrier):
            try:
                with host_app.app_context():
                    barrier.wait(timeout=10)
                    jobs.run_due(now=now, only=names)
            except BaseException as err:  # reported below, not lost in the thread
                errors.append(err)

        threads = [threading.Thread(target=runner, args=(h,)) for h in hosts]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=30)
        assert not errors, errors
        ran = sorted(name for name, _host in calls)
        assert ran == sorted(names * (round_ + 1)), calls
    # The same moment again: nothing is due any more.
    with hosts[0].app_context():
        assert jobs.run_due(now=NOW + dt.timedelta(hours=rounds - 1), only=names).ran == []


def test_a_task_runs_again_only_when_its_period_has_passed(app):
    calls = []
    jobs.register(app, "test.every", every=dt.timedelta(minutes=10), func=lambda: calls.append(1))
    assert jobs.run_due(now=NOW, only=["test.every"]).ran == ["test.every"]
    assert jobs.run_due(now=NOW + dt.timedelta(minutes=9), only=["test.every"]).ran == []
    assert jobs.run_due(now=NOW + dt.timedelta(minutes=10), only=["test.every"]).ran == [
        "test.every"
    ]
    assert len(calls) == 2
    lease = _lease("test.every")
    assert lease.last_run_at == NOW + dt.timedelta(minutes=10)
    assert lease.leased_until == NOW + dt.timedelta(minutes=20)
    assert lease.failures == 0


def test_a_failing_task_is_retried_with_back_off_and_counted(app):
    outcomes = iter([RuntimeError("SMTP từ chối"), RuntimeError("vẫn lỗi"), None])

    def flaky():
        error = next(outcomes)
        if error:
            raise error

    def failed_runs() -> float:
        labels = {"job": "test.flaky", "outcome": "failed"}
        return REGISTRY.get_sample_value("marketplace_job_runs_total", labels) or 0

    before = failed_runs()
    jobs.register(app, "test.flaky", every=dt.timedelta(hours=1), func=flaky)
    result = jobs.run_due(now=NOW, only=["test.flaky"])
    assert result.failed == ["test.flaky"] and result.ran == []
    lease = _lease("test.flaky")
    assert lease.failures == 1
    assert "SMTP từ chối" in lease.last_error
    assert lease.leased_until == NOW + jobs.BACKOFF_FIRST
    # Not before the back-off; then a second failure doubles it.
    assert jobs.run_due(now=NOW + dt.timedelta(seconds=29), only=["test.flaky"]).failed == []
    later = NOW + dt.timedelta(seconds=30)
    assert jobs.run_due(now=later, only=["test.flaky"]).failed == ["test.flaky"]
    lease = _lease("test.flaky")
    assert lease.failures == 2
    assert lease.leased_until == later + 2 * jobs.BACKOFF_FIRST
    # Success clears the count and the error, and goes back to the schedule.
    last = later + 2 * jobs.BACKOFF_FIRST
    assert jobs.run_due(now=last, only=["test.flaky"]).ran == ["test.flaky"]
    lease = _lease("test.flaky")
    assert (lease.failures, lease.last_error) == (0, None)
    assert lease.leased_until == last + dt.timedelta(hours=1)
    assert failed_runs() - before == 2


def test_back_off_doubles_up_to_a_bound():
    hour = dt.timedelta(hours=1)
    assert [jobs.backoff(n, dt.timedelta(days=1)).total_seconds() for n in (1, 2, 3)] == [
        30,
        60,
        120,
    ]
    assert jobs.backoff(30, dt.timedelta(days=1)) == jobs.BACKOFF_MAX
    assert jobs.backoff(30, hour / 2) == hour / 2  # never later than the task's own period


def test_a_failed_task_leaves_no_half_written_rows(app):
    from marketplace.accounts.models import Organization

    def half():
        db.session.add(Organization(name="Nửa chừng", kind="vendor"))
        db.session.flush()
        raise RuntimeError("boom")

    jobs.register(app, "test.half", every=MINUTE, func=half)
    assert jobs.run_due(now=NOW, only=["test.half"]).failed == ["test.half"]
    db.session.remove()
    assert db.session.scalar(select(Organization).where(Organization.name == "Nửa chừng")) is None


def test_a_lease_left_by_a_dead_runner_is_taken_after_its_timeout(app):
    calls = []
    jobs.register(
        app, "test.orphan", every=MINUTE, func=lambda: calls.append(1), timeout=MINUTE * 5
    )
    jobs.run_due(now=NOW, only=["test.orphan"])
    # A runner took the task at NOW + 1 min and died while running it.
    db.session.execute(
        update(JobLease)
        .where(JobLease.name == "test.orphan")
        .values(leased_until=NOW + MINUTE * 6, holder="host-b:1:dead")
    )
    db.session.commit()
    assert jobs.run_due(now=NOW + MINUTE * 5, only=["test.orphan"]).ran == []
    assert jobs.run_due(now=NOW + MINUTE * 6, only=["test.orphan"]).ran == ["test.orphan"]
    assert len(calls) == 2


def test_the_runner_sleeps_until_the_next_due_task(app):
    app.extensions[jobs.EXTENSION_KEY] = {}
    jobs.register(app, "test.sleep", every=dt.timedelta(seconds=20), func=lambda: None)
    assert jobs.seconds_until_next(NOW) == 0.0  # never run: due at once
    jobs.run_due(now=NOW)
    assert jobs.seconds_until_next(NOW + dt.timedelta(seconds=5)) == 15.0


def test_jobs_run_once_runs_the_domains_tasks_and_list_shows_them(app):
    runner = app.test_cli_runner()
    result = runner.invoke(args=["jobs", "run", "--once"])
    assert result.exit_code == 0, result.output
    for name in TASKS:
        assert f"ran {name}" in result.output
    again = runner.invoke(args=["jobs", "run", "--once"])
    assert "ran " not in again.output  # nothing due until each period has passed
    listing = runner.invoke(args=["jobs", "list"])
    assert listing.exit_code == 0 and "trials.tick" in listing.output
    unknown = runner.invoke(args=["jobs", "run", "--once", "--only", "khong-co"])
    assert unknown.exit_code != 0 and "khong-co" in unknown.output


def test_jobs_run_once_fails_when_a_task_fails(app):
    def broken():
        raise RuntimeError("hỏng")

    jobs.register(app, "test.broken", every=MINUTE, func=broken)
    result = app.test_cli_runner().invoke(args=["jobs", "run", "--once", "--only", "test.broken"])
    assert result.exit_code == 1


def test_the_metrics_page_shows_each_task_from_the_lease_table(app, client):
    def broken():
        raise RuntimeError("hỏng")

    jobs.register(app, "test.metric", every=MINUTE, func=broken)
    jobs.run_due(now=NOW, only=["test.metric"])
    body = client.get("/metrics").get_data(as_text=True)
    assert 'marketplace_job_failures_in_a_row{job="test.metric"} 1.0' in body
    line = next(
        row
        for row in body.splitlines()
        if row.startswith('marketplace_job_last_run_timestamp_seconds{job="test.metric"}')
    )
    assert float(line.rsplit(" ", 1)[1]) == NOW.timestamp()


# ---------------------------------------------------------------- real processes

TASKS = (
    "assessment.purge_anonymous",
    "billing.expire_orders",
    "billing.remind_invoices",
    "billing.renew_transfer_plans",
    "insights.purge",
    "needs.expire",
    "outbox.send",
    "quotes.expire_offers",
    "trials.tick",
    "uploads.purge",
)


def _runner(database_url: str, tmp_path, *args: str) -> subprocess.Popen:
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "INSTANCE_PATH": str(tmp_path),
        "SECRET_KEY": "khoa-thu-nghiem",
        "PYTHONUNBUFFERED": "1",
    }
    return subprocess.Popen(
        [sys.executable, "-m", "flask", "--app", "wsgi", "jobs", "run", *args],
        cwd=Path(__file__).resolve().parents[2],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )


def test_two_runner_processes_on_one_database_run_each_due_task_once(app, database_url, tmp_path):
    first = _runner(database_url, tmp_path, "--once")
    second = _runner(database_url, tmp_path, "--once")
    outputs = [process.communicate(timeout=120)[0] for process in (first, second)]
    assert first.returncode == 0 and second.returncode == 0, outputs
    ran = sorted(
        line.split()[1] for out in outputs for line in out.splitlines() if line.startswith("ran ")
    )
    assert ran == sorted(TASKS), outputs


def test_the_runner_loop_stops_cleanly_on_sigterm(app, database_url, tmp_path):
    process = _runner(database_url, tmp_path)
    seen = []
    try:
        for line in process.stdout:
            seen.append(line.strip())
            if line.startswith("ran uploads.purge"):
                break
        process.send_signal(signal.SIGTERM)
        rest = process.communicate(timeout=60)[0]
    finally:
        if process.poll() is None:
            process.kill()
    assert process.returncode == 0, (seen, rest)
    assert "stopped" in rest
    assert [line.split()[1] for line in seen if line.startswith("ran ")] == list(TASKS)


@pytest.mark.skipif(shutil.which("make") is None, reason="make is not installed")
def test_make_run_starts_the_job_runner_beside_the_web_server():
    """`make run` behaves like production: the runner in the background, stopped with the
    server (read from make's dry run: nothing is executed)."""
    dry = subprocess.run(
        ["make", "--no-print-directory", "-n", "run"],
        cwd=Path(__file__).resolve().parents[2],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert dry.returncode == 0, dry.stderr
    recipe = dry.stdout[dry.stdout.index("FLASK_RUN_PORT") :]
    assert "flask --app wsgi jobs run &" in recipe, recipe
    assert "trap 'kill $runner" in recipe, recipe
    assert recipe.rstrip().endswith("flask --app wsgi run"), recipe
