"""Work a request leaves for after its response has been sent."""

from __future__ import annotations

from collections.abc import Callable

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
