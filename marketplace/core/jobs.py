"""Scheduled work: every periodic task of every domain, run by `flask jobs run`.

A domain registers its tasks from its `init_app`, in one line:

    jobs.register(app, "trials.tick", every=timedelta(hours=1), func=reminders.run_tick)

`func` takes no argument and runs inside an application context; what it leaves in the
session is committed after it returns (rolled back if it raises).

Safe on several hosts: each task has a row in `job_leases`. Its `leased_until` is the
moment before which nobody may start the task: while it runs, the end of its lease
(`timeout`); once it ran, its next due time (`every` later, or the back-off after a
failure). A runner takes a task with one atomic statement,

    UPDATE job_leases SET leased_until = now + timeout, holder = me
    WHERE name = :name AND (leased_until IS NULL OR leased_until <= now)

and runs it only if that statement changed the row: of two runners, on two hosts or two
threads, exactly one wins (PostgreSQL re-checks the condition after the first committer's
row lock; SQLite serialises the writers). A runner that dies mid-task leaves its lease to
expire after `timeout`, and another host takes the task then.

A failure is logged, counted (`failures`, reset by the next success; and the Prometheus
counter), kept in `last_error`, and retried after a back-off that doubles from
`BACKOFF_FIRST` up to `BACKOFF_MAX` (never later than the task's own period).
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import secrets
import signal
import socket
import threading
import traceback
from collections.abc import Callable
from dataclasses import dataclass, field

import click
from flask import Flask, current_app
from flask.cli import AppGroup
from sqlalchemy import Integer, String, Text, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Mapped, mapped_column

from marketplace.core import metrics
from marketplace.core.database import UTCDateTime, utcnow
from marketplace.extensions import db

log = logging.getLogger(__name__)

EXTENSION_KEY = "jobs"
BACKOFF_FIRST = dt.timedelta(seconds=30)
BACKOFF_MAX = dt.timedelta(hours=1)
DEFAULT_TIMEOUT = dt.timedelta(minutes=15)
# The loop sleeps at most this long between looks at the schedule.
MAX_SLEEP_SECONDS = 30.0


class JobLease(db.Model):
    """One row per task: who holds it until when, and how its last runs went."""

    __tablename__ = "job_leases"

    name: Mapped[str] = mapped_column(String(80), primary_key=True)
    leased_until: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    holder: Mapped[str | None] = mapped_column(String(120))
    last_run_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    last_error: Mapped[str | None] = mapped_column(Text)
    failures: Mapped[int] = mapped_column(Integer, default=0, server_default="0")


@dataclass(frozen=True)
class Job:
    name: str
    every: dt.timedelta
    func: Callable[[], object]
    timeout: dt.timedelta = DEFAULT_TIMEOUT


@dataclass
class RunResult:
    """What one pass of a runner did."""

    ran: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)


def register(
    app: Flask,
    name: str,
    *,
    every: dt.timedelta,
    func: Callable[[], object],
    timeout: dt.timedelta = DEFAULT_TIMEOUT,
) -> None:
    """Add a periodic task to the app's schedule (call it from a domain's init_app)."""
    if len(name) > 80:
        raise ValueError(f"task name too long: {name!r}")
    if every <= dt.timedelta(0):
        raise ValueError(f"task {name!r} needs a positive period")
    registry = app.extensions.setdefault(EXTENSION_KEY, {})
    registry[name] = Job(name, every, func, timeout)


def registered(app: Flask | None = None) -> dict[str, Job]:
    """Return the app's tasks by name."""
    app = app or current_app
    return app.extensions.get(EXTENSION_KEY, {})


def new_holder() -> str:
    """Name a runner: host, process and a random part (two runners in one process differ)."""
    return f"{socket.gethostname()[:60]}:{os.getpid()}:{secrets.token_hex(4)}"


def backoff(failures: int, every: dt.timedelta) -> dt.timedelta:
    """Wait before retrying a task that failed `failures` times in a row."""
    delay = BACKOFF_FIRST * (2 ** max(0, min(failures - 1, 16)))
    return min(delay, BACKOFF_MAX, max(every, BACKOFF_FIRST))


def _ensure_rows(names: list[str]) -> None:
    """Create the missing lease rows (due at once); a row another runner creates is fine."""
    existing = set(db.session.scalars(select(JobLease.name).where(JobLease.name.in_(names))))
    for name in names:
        if name in existing:
            continue
        try:
            with db.session.begin_nested():
                db.session.add(JobLease(name=name, failures=0))
        except IntegrityError:
            pass  # created by another runner meanwhile
    db.session.commit()


def _acquire(job: Job, holder: str, now: dt.datetime) -> bool:
    """Take the task's lease if it is due; True when this runner holds it now."""
    result = db.session.execute(
        update(JobLease)
        .where(
            JobLease.name == job.name,
            or_(JobLease.leased_until.is_(None), JobLease.leased_until <= now),
        )
        .values(leased_until=now + job.timeout, holder=holder)
        .execution_options(synchronize_session=False)
    )
    db.session.commit()
    return result.rowcount == 1


def _release(job: Job, holder: str, *, started: dt.datetime, error: str | None) -> None:
    lease = db.session.get(JobLease, job.name, populate_existing=True)
    if lease is None or lease.holder != holder:
        return  # the lease expired and another runner took the task: leave it its row
    lease.last_run_at = started
    if error is None:
        lease.failures = 0
        lease.last_error = None
        lease.leased_until = started + job.every
    else:
        lease.failures = (lease.failures or 0) + 1
        lease.last_error = error[-4000:]
        lease.leased_until = started + backoff(lease.failures, job.every)
    db.session.commit()


def run_job(job: Job, holder: str, now: dt.datetime) -> bool | None:
    """Run `job` if its lease can be taken; True/False for its outcome, None if not run."""
    if not _acquire(job, holder, now):
        return None
    error = None
    try:
        summary = job.func()
        db.session.commit()
        if summary:
            log.info("Task %s: %s", job.name, summary)
    except Exception:
        db.session.rollback()
        error = traceback.format_exc()
        log.exception("Task %s failed", job.name)
    metrics.job_run(job.name, error is None)
    try:
        _release(job, holder, started=now, error=error)
    except Exception:
        db.session.rollback()
        log.exception("Task %s: could not record its run", job.name)
    return error is None


def run_due(
    *, holder: str | None = None, now: dt.datetime | None = None, only: list[str] | None = None
) -> RunResult:
    """Run every registered task that is due (each at most once, across every runner)."""
    holder = holder or new_holder()
    jobs = registered()
    names = sorted(jobs) if only is None else [n for n in sorted(jobs) if n in only]
    result = RunResult()
    if not names:
        return result
    _ensure_rows(names)
    for name in names:
        outcome = run_job(jobs[name], holder, now or utcnow())
        if outcome is True:
            result.ran.append(name)
        elif outcome is False:
            result.failed.append(name)
    db.session.remove()
    return result


def seconds_until_next(now: dt.datetime | None = None) -> float:
    """Return how long a runner may sleep before a task is due (at most MAX_SLEEP_SECONDS)."""
    now = now or utcnow()
    names = list(registered())
    if not names:
        return MAX_SLEEP_SECONDS
    leases = db.session.scalars(select(JobLease.leased_until).where(JobLease.name.in_(names)))
    waits = [(until - now).total_seconds() if until else 0.0 for until in leases]
    db.session.remove()
    if len(waits) < len(names):
        return 0.0
    return max(0.5, min(MAX_SLEEP_SECONDS, min(waits, default=MAX_SLEEP_SECONDS)))


# ---------------------------------------------------------------- command line

jobs_cli = AppGroup("jobs", help="Scheduled tasks: run them, see their state.")


@jobs_cli.command("run")
@click.option(
    "--once", is_flag=True, help="Run the tasks that are due now, then exit (cron, tests)."
)
@click.option("--only", multiple=True, help="Run only this task (repeatable).")
def run_command(once: bool, only: tuple[str, ...]) -> None:
    """Run every periodic task on its schedule, until stopped (safe on several hosts).

    SIGTERM (systemd's stop) lets the task under way finish, then the runner exits; the
    database being unreachable is logged and tried again after a pause.
    """
    holder = new_holder()
    unknown = sorted(set(only) - set(registered()))
    if unknown:
        raise click.UsageError(f"unknown task(s): {', '.join(unknown)}")
    selected = list(only) or None
    click.echo(f"Job runner {holder}: {', '.join(sorted(registered()))}")
    if once:
        result = run_due(holder=holder, only=selected)
        _echo(result)
        if result.failed:
            raise SystemExit(1)
        return
    stop = threading.Event()
    if threading.current_thread() is threading.main_thread():
        signal.signal(signal.SIGTERM, lambda *_: stop.set())
    while not stop.is_set():
        try:
            _echo(run_due(holder=holder, only=selected))
            pause = seconds_until_next()
        except Exception:
            db.session.remove()
            log.exception("Job runner: the schedule could not be read; trying again")
            pause = MAX_SLEEP_SECONDS
        try:
            stop.wait(pause)
        except KeyboardInterrupt:
            return
    click.echo(f"Job runner {holder} stopped")


def _echo(result: RunResult) -> None:
    for name in result.ran:
        click.echo(f"ran {name}")
    for name in result.failed:
        click.echo(f"FAILED {name}", err=True)


@jobs_cli.command("list")
def list_command() -> None:
    """Show every task: period, next due time, last run, failures in a row, last error."""
    jobs = registered()
    leases = {lease.name: lease for lease in db.session.scalars(select(JobLease))}
    for name in sorted(jobs):
        lease = leases.get(name)
        due = lease.leased_until if lease else None
        last = lease.last_run_at if lease else None
        failures = lease.failures if lease else 0
        click.echo(
            f"{name:<24} every {jobs[name].every}  due {due or 'now'}  last run {last or '-'}"
            f"  failures {failures}"
        )
        if lease and lease.last_error:
            click.echo("    " + lease.last_error.strip().splitlines()[-1])


def _failures_in_a_row() -> dict[str, int]:
    return dict(db.session.execute(select(JobLease.name, JobLease.failures)).all())


def _last_runs() -> dict[str, float]:
    rows = db.session.execute(select(JobLease.name, JobLease.last_run_at)).all()
    return {name: last.timestamp() for name, last in rows if last is not None}


def init_app(app: Flask) -> None:
    app.extensions.setdefault(EXTENSION_KEY, {})
    app.cli.add_command(jobs_cli)
    # From the lease table, so any web host shows what the runners (other processes) did.
    metrics.add_gauge(
        app,
        "marketplace_job_failures_in_a_row",
        "Failures of each scheduled task since its last success.",
        "job",
        _failures_in_a_row,
    )
    metrics.add_gauge(
        app,
        "marketplace_job_last_run_timestamp_seconds",
        "When each scheduled task last ran (Unix time).",
        "job",
        _last_runs,
    )
