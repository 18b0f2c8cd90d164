"""Views written together: one INSERT of the marks and one UPSERT of the counters for a
batch, the same rules as one by one, and a worker's queue that writes them a moment later
(on its timer, when full, or when asked)."""

from __future__ import annotations

import datetime as dt
import threading

import pytest

from marketplace.extensions import db
from marketplace.insights import services, view_queue
from marketplace.insights.services import PendingView
from tests import factories
from tests.insights.conftest import counter

DAY = dt.date(2026, 3, 10)


def test_a_batch_of_signed_in_views_is_two_statements(app, solution, other_solution, count_queries):
    views = [PendingView(DAY, solution.id, f"u:{n}") for n in range(30)]
    views += [PendingView(DAY, other_solution.id, f"u:{n}") for n in range(5)]
    views += [PendingView(DAY, solution.id, "u:3")]  # the same visitor again: once
    views += [PendingView(DAY + dt.timedelta(days=1), solution.id, "u:3")]  # another day
    with count_queries() as q:
        assert services.record_views(views) == 36
    db.session.commit()
    assert len(q.statements) == 2
    assert counter(solution.id, "view", DAY) == 30
    assert counter(other_solution.id, "view", DAY) == 5
    assert counter(solution.id, "view", DAY + dt.timedelta(days=1)) == 1
    # Written again (another worker's batch): nothing counts twice.
    assert services.record_views(views) == 0
    db.session.commit()
    db.session.expire_all()
    assert counter(solution.id, "view") == 31


def test_a_batch_keeps_the_address_cap(app, solution):
    cap = app.config["COUNTER_ADDRESS_CAP"]
    views = [
        PendingView(DAY, solution.id, f"a:198.51.100.7|B{n}", "198.51.100.7")
        for n in range(cap + 10)
    ]
    views.append(PendingView(DAY, solution.id, "u:7"))  # signed in: never capped
    assert services.record_views(views) == cap + 1
    db.session.commit()
    assert counter(solution.id, "view", DAY) == cap + 1


@pytest.fixture
def queued(app_factory, solution):
    """A worker whose views wait a minute in its queue (unless a test flushes it)."""
    worker = app_factory(VIEW_COUNT_DELAY_SECONDS=60)
    yield worker, view_queue.of(worker)
    view_queue.of(worker).flush()


def test_a_worker_writes_its_views_together_when_its_queue_is_flushed(
    queued, solution, other_solution, count_queries
):
    worker, queue = queued
    users = [factories.make_user("enterprise") for _ in range(3)]
    db.session.commit()
    for user in users:
        for item in (solution, other_solution):
            with worker.test_request_context():
                services.record_view_after_response(
                    lambda work: work(), item.id, f"u:{user.id}", address=None
                )
    assert queue.pending() == 6
    db.session.expire_all()
    assert counter(solution.id, "view") == 0  # not yet written
    with count_queries() as q:
        assert queue.flush() == 6
    written = [s for s in q.statements if "view_marks" in s or "daily_counters" in s]
    assert len(written) == 2
    db.session.expire_all()
    assert counter(solution.id, "view") == 3 and counter(other_solution.id, "view") == 3
    assert queue.pending() == 0 and queue.flush() == 0


def test_the_solution_page_queues_its_view(queued, solution, login):
    worker, queue = queued
    user = factories.make_user("enterprise")
    db.session.commit()
    browser = login(worker.test_client(), user)
    url = f"/solutions/{solution.slug}"
    for _ in range(2):
        response = browser.get(url)
        assert response.status_code == 200
        response.close()
    assert queue.pending() == 2
    queue.flush()
    db.session.expire_all()
    assert counter(solution.id, "view") == 1
    # The process remembers the mark: the next showing queues a view that writes nothing.
    browser.get(url).close()
    queue.flush()
    db.session.expire_all()
    assert counter(solution.id, "view") == 1


def test_the_queue_writes_on_its_timer(app_factory, solution, monkeypatch):
    worker = app_factory(VIEW_COUNT_DELAY_SECONDS=0.01)
    queue = view_queue.of(worker)
    written = threading.Event()
    real = services.write_views

    def noting(views):
        real(views)
        written.set()

    monkeypatch.setattr(services, "write_views", noting)
    with worker.app_context():
        queue.add(PendingView(DAY, solution.id, "u:1"))
    assert written.wait(timeout=10)
    assert queue.pending() == 0
    db.session.expire_all()
    assert counter(solution.id, "view", DAY) == 1


def test_a_full_queue_is_written_at_once(queued, solution, monkeypatch):
    worker, queue = queued
    monkeypatch.setattr(view_queue, "VIEW_QUEUE_LIMIT", 3)
    with worker.app_context():
        for n in range(3):
            queue.add(PendingView(DAY, solution.id, f"u:{n}"))
    assert queue.pending() == 0
    db.session.expire_all()
    assert counter(solution.id, "view", DAY) == 3


def test_a_failed_batch_is_logged_and_forgotten(queued, solution, monkeypatch, caplog):
    worker, queue = queued

    def broken(views):
        raise RuntimeError("disk full")

    monkeypatch.setattr(services, "record_views", broken)
    with worker.app_context():
        queue.add(PendingView(DAY, solution.id, "u:1"))
    assert queue.flush() == 1
    assert "views not counted" in caplog.text
    assert queue.pending() == 0
