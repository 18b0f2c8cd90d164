"""Serve an app from a real server (werkzeug's, as `make run` does) on 127.0.0.1, in a
thread, for the length of a test: the browser journeys and the tests of what a real
connection does."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager

from werkzeug.serving import WSGIRequestHandler, make_server


class QuietHandler(WSGIRequestHandler):
    """Keep the access log out of the test output."""

    def log_request(self, *args, **kwargs) -> None:
        pass


@contextmanager
def serving(app) -> Iterator[str]:
    """Serve `app` on a free port; yield its base URL, then stop the server."""
    server = make_server("127.0.0.1", 0, app, threaded=True, request_handler=QuietHandler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        thread.join(timeout=5)
