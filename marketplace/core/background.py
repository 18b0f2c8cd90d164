"""Work a request leaves for after its response has been sent.

`after_response` hangs the work on the response's `close()`, which PEP 3333 has the server
call once it is done. Werkzeug's development server (`make run`, the browser tests) skips
that call when the client resets the connection while the server drains the socket, as a
browser may do after reading a redirect's head: the work (an e-mail, a counted view) was
silently lost. `CloseWhenSent` therefore closes each body as soon as the server has taken
its last chunk, on every server; the server's own `close()` then does nothing. A body the
server gives up on half-way (the visitor left while a long page was written) is closed by
the server or not at all, as before: an e-mail left queued then goes out with the outbox's
next scheduled delivery (`flask jobs run`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from typing import Any

from flask import Response, current_app, g

from marketplace.extensions import db


def after_response(response: Response, work: Callable[[], None]) -> None:
    """Run `work` in an app context of its own once the server has sent `response`.

    The context is marked (`g.after_response`), so what `work` commits is handled as the
    end of a request would be (its e-mails are sent when the context ends). An exception is
    logged: the visitor already has their answer.
    """
    app = current_app._get_current_object()

    def run() -> None:
        with app.app_context():
            g.after_response = True
            try:
                work()
            except Exception:
                db.session.rollback()
                app.logger.exception("Work after the response failed")

    response.call_on_close(run)


class _Body:
    """A response body closed once: when its last chunk has been taken, or by the server."""

    __slots__ = ("_body", "_closed")

    def __init__(self, body: Iterable[bytes]) -> None:
        self._body = body
        self._closed = False

    def __iter__(self) -> Iterator[bytes]:
        # A plain loop, not `yield from`, which would close the inner body when this
        # generator is merely dropped (a test client's unread answer, say).
        for chunk in self._body:  # noqa: UP028 - see above
            yield chunk
        self.close()  # the server has written the last chunk

    def close(self) -> None:
        if self._closed:
            return
        self._closed = True
        close = getattr(self._body, "close", None)
        if close is not None:
            close()


class CloseWhenSent:
    """WSGI middleware: close every response body once the server has taken all of it."""

    def __init__(self, wsgi_app: Callable[..., Any]) -> None:
        self.wsgi_app = wsgi_app

    def __call__(self, environ: dict, start_response: Callable) -> Iterable[bytes]:
        body = self.wsgi_app(environ, start_response)
        file_wrapper = environ.get("wsgi.file_wrapper")
        if not hasattr(body, "close") or (
            isinstance(file_wrapper, type) and isinstance(body, file_wrapper)
        ):
            return body  # nothing to run after it, or a file the server may send itself
        return _Body(body)
