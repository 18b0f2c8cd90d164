"""Send the e-mails a request queued as soon as it has answered, without a command.

A session event remembers the outbox rows each transaction inserted; when the transaction
commits they are handed to the response, which sends them once the server has written it
(`call_on_close`): the visitor never waits for SMTP, and an e-mail of a request that rolled
back is never sent. Whatever fails stays queued for `flask outbox send`.
"""

from __future__ import annotations

import logging

from flask import Flask, Response, current_app, g
from sqlalchemy import event

from marketplace.extensions import db
from marketplace.notifications.models import EmailOutbox

_FLUSHED = "outbox_flushed"
_COMMITTED = "outbox_committed"


def _after_flush(session, _flush_context) -> None:
    new = [obj.id for obj in session.new if isinstance(obj, EmailOutbox)]
    if new:
        session.info.setdefault(_FLUSHED, set()).update(new)


# A savepoint (`begin_nested`) that is released or rolled back fires these events too: only
# the outermost transaction decides. A savepoint rolled back after an e-mail was queued must
# not forget that e-mail (its ids stay; rows that were rolled back are simply not found).
def _after_commit(session) -> None:
    if session.in_nested_transaction():
        return
    flushed = session.info.pop(_FLUSHED, None)
    if flushed:
        session.info.setdefault(_COMMITTED, set()).update(flushed)


def _after_rollback(session) -> None:
    if session.in_nested_transaction():
        return
    session.info.pop(_FLUSHED, None)


def _listen_once() -> None:
    for name, fn in (
        ("after_flush", _after_flush),
        ("after_commit", _after_commit),
        ("after_rollback", _after_rollback),
    ):
        if not event.contains(db.session, name, fn):
            event.listen(db.session, name, fn)


def committed_outbox_ids() -> set[int]:
    """Take the ids of the e-mails committed in this app context and not yet handed on."""
    return db.session.info.pop(_COMMITTED, set())


def send_now(app: Flask, ids: set[int]) -> None:
    """Send these queued e-mails in a fresh app context; failures stay queued."""
    from marketplace.notifications.services import send_outbox

    with app.app_context():
        try:
            send_outbox(limit=len(ids), ids=ids)
        except Exception:  # the response is already sent: log, the outbox keeps the rest
            current_app.logger.exception("Sending e-mails %s after the response failed", ids)
            db.session.rollback()


def _hand_to_response(response: Response) -> Response:
    ids = committed_outbox_ids()
    if ids and current_app.config.get("MAIL_SEND_AFTER_REQUEST", True):
        app = current_app._get_current_object()
        response.call_on_close(lambda: send_now(app, ids))
    return response


def _send_at_teardown(exc: BaseException | None) -> None:
    # Work a request left for after its response (core.background) sends what it committed
    # when its context ends. Commands do not: `seed-demo` queues e-mails to fictional
    # addresses, and cron's `flask outbox send` delivers the rest.
    if exc is not None or not g.get("after_response"):
        return
    ids = committed_outbox_ids()
    if ids and current_app.config.get("MAIL_SEND_AFTER_REQUEST", True):
        send_now(current_app._get_current_object(), ids)


def init_app(app: Flask) -> None:
    """Wire delivery after the response, and show file-mail links in the log."""
    _listen_once()
    app.after_request(_hand_to_response)
    # Registered after Flask-SQLAlchemy's, so it runs before the session is removed.
    app.teardown_appcontext(_send_at_teardown)
    if not app.config.get("MAIL_SERVER") and app.logger.level == logging.NOTSET:
        # Without a mail server the log is where `make run` users find their links.
        app.logger.setLevel(logging.INFO)
