"""The views a worker process has yet to write: counted together, a moment later.

Each showing of a solution page counts a view once the response is sent: a mark per
visitor and day, and the day's counter. Written one by one, each view was a transaction of
its own (two statements and a commit; on PostgreSQL four round trips) in the worker that
had just answered: about 1.3 ms of a signed-in user's first showing on SQLite, a quarter
of it. The queue gathers the views of `VIEW_COUNT_DELAY_SECONDS` and writes them in one
transaction (`services.write_views`: one INSERT of the marks, one UPSERT of the counters),
from a timer thread started by the first view of a batch, or at once when
`VIEW_QUEUE_LIMIT` are waiting, and when the process exits.

What it costs: a view reaches the dashboards that many seconds later, and a worker killed
outright (SIGKILL, a power cut) loses the views it had not written yet — at most those of
the last `VIEW_COUNT_DELAY_SECONDS`. A view count is a statistic; nothing else waits here.
"""

from __future__ import annotations

import atexit
import logging
import os
import threading
from typing import TYPE_CHECKING

from flask import Flask

if TYPE_CHECKING:
    from marketplace.insights.services import PendingView

log = logging.getLogger(__name__)

# Written at once when this many wait: a batch's statements stay a handful.
VIEW_QUEUE_LIMIT = 500


class ViewQueue:
    """The views waiting in this process, and the timer that will write them."""

    def __init__(self, app: Flask, delay: float) -> None:
        self.app = app
        self.delay = delay
        self._views: list[PendingView] = []
        self._timer: threading.Timer | None = None
        self._lock = threading.Lock()
        self._writing = threading.Lock()

    def add(self, view: PendingView) -> None:
        """Queue a view; write the queue now if it is full."""
        with self._lock:
            self._views.append(view)
            full = len(self._views) >= VIEW_QUEUE_LIMIT
            if not full and self._timer is None:
                self._timer = threading.Timer(self.delay, self.flush)
                self._timer.daemon = True
                self._timer.start()
        if full:
            self.flush()

    def pending(self) -> int:
        with self._lock:
            return len(self._views)

    def flush(self) -> int:
        """Write every queued view in one transaction; return how many were taken."""
        with self._lock:
            views, self._views = self._views, []
            timer, self._timer = self._timer, None
        if timer is not None and timer is not threading.current_thread():
            timer.cancel()
        if not views:
            return 0
        from marketplace.insights.services import write_views

        # One writer at a time in a process: two batches would only wait on each other.
        with self._writing, self.app.app_context():
            try:
                write_views(views)
            except Exception:  # noqa: BLE001 - a lost view must never break anything
                log.exception("%d views not counted", len(views))
        return len(views)


def of(app: Flask) -> ViewQueue:
    """The process's queue of `app` (a forked worker makes its own)."""
    key = f"view_queue_{os.getpid()}"
    queue = app.extensions.get(key)
    if queue is None:
        with _creating:
            queue = app.extensions.get(key)
            if queue is None:
                queue = ViewQueue(app, float(app.config["VIEW_COUNT_DELAY_SECONDS"]))
                app.extensions[key] = queue
                atexit.register(queue.flush)
    return queue


_creating = threading.Lock()
