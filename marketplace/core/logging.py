"""Logs an operator can follow: a request id on every line, JSON on demand, error reports.

- Every request gets an id: the incoming `X-Request-ID` when it is safe (1–64 letters,
  digits, `-`, `_`, `.`; a proxy or a load balancer may set it), else a new random one. It is
  echoed in the `X-Request-ID` response header, added to every log line written while the
  request runs (a logging filter; `-` outside requests) and shown on the error pages, so a
  user can quote it.
- `LOG_FORMAT=json` writes one JSON object per line (time, level, logger, message,
  request_id, exception); otherwise plain text. `LOG_LEVEL` (default INFO) sets the level.
- `SENTRY_DSN` turns on error reporting with sentry-sdk (its Flask integration; no personal
  data is sent, `SENTRY_TRACES_SAMPLE_RATE` defaults to 0); without it nothing is reported.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import re
import sys
import uuid

from flask import Flask, g, has_request_context, request
from flask.logging import default_handler
from flask.wrappers import Response

HEADER = "X-Request-ID"
SAFE_ID = re.compile(r"[A-Za-z0-9._-]{1,64}")
TEXT_FORMAT = "%(asctime)s %(levelname)s [%(request_id)s] %(name)s: %(message)s"
_HANDLER_FLAG = "_marketplace_handler"


def current_request_id() -> str | None:
    """Return the id of the request being answered, or None outside a request."""
    if not has_request_context():
        return None
    return g.get("request_id")


class RequestIdFilter(logging.Filter):
    """Give every record a `request_id` attribute (the current request's, else "-")."""

    def filter(self, record: logging.LogRecord) -> bool:
        if not hasattr(record, "request_id"):
            record.request_id = current_request_id() or "-"
        return True


class JsonFormatter(logging.Formatter):
    """One JSON object per line, for log collectors."""

    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": dt.datetime.fromtimestamp(record.created, dt.UTC).isoformat(
                timespec="milliseconds"
            ),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "request_id": getattr(record, "request_id", "-"),
        }
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False)


class StderrHandler(logging.StreamHandler):
    """Write to whatever `sys.stderr` is at the time (a test runner replaces it)."""

    @property
    def stream(self):
        return sys.stderr

    @stream.setter
    def stream(self, _value) -> None:
        pass


def configure_logging(app: Flask) -> None:
    """Send every logger's records to stderr through one handler with the request id."""
    root = logging.getLogger()
    handler = next((h for h in root.handlers if getattr(h, _HANDLER_FLAG, False)), None)
    if handler is None:
        handler = StderrHandler()
        setattr(handler, _HANDLER_FLAG, True)
        handler.addFilter(RequestIdFilter())
        root.addHandler(handler)
        level = app.config.get("LOG_LEVEL") or "INFO"
        if root.level == logging.WARNING or root.level == logging.NOTSET:
            root.setLevel(level)
    if (app.config.get("LOG_FORMAT") or "").lower() == "json":
        handler.setFormatter(JsonFormatter())
    else:
        handler.setFormatter(logging.Formatter(TEXT_FORMAT))
    # The app's records reach the root handler; Flask's own handler would print them twice.
    app.logger.removeHandler(default_handler)


def _assign_request_id() -> None:
    incoming = request.headers.get(HEADER, "")
    g.request_id = incoming if SAFE_ID.fullmatch(incoming) else uuid.uuid4().hex
    if _sentry_enabled():
        import sentry_sdk

        sentry_sdk.set_tag("request_id", g.request_id)


def _echo_request_id(response: Response) -> Response:
    request_id = g.get("request_id")
    if request_id:
        response.headers[HEADER] = request_id
    return response


# ---------------------------------------------------------------- error reporting

_sentry = {"enabled": False}


def _sentry_enabled() -> bool:
    return _sentry["enabled"]


def init_sentry(app: Flask) -> bool:
    """Start sentry-sdk when `SENTRY_DSN` is set; return whether it is on."""
    dsn = app.config.get("SENTRY_DSN") or ""
    if not dsn:
        return False
    import sentry_sdk
    from sentry_sdk.integrations.flask import FlaskIntegration

    sentry_sdk.init(
        dsn=dsn,
        integrations=[FlaskIntegration()],
        send_default_pii=False,
        traces_sample_rate=float(app.config.get("SENTRY_TRACES_SAMPLE_RATE") or 0),
        environment=app.config.get("SENTRY_ENVIRONMENT") or "production",
    )
    _sentry["enabled"] = True
    return True


def report_exception(err: BaseException) -> None:
    """Send an error the app handled itself (its 500 page) to Sentry, when reporting is on."""
    if _sentry_enabled():
        import sentry_sdk

        sentry_sdk.capture_exception(err)


def init_app(app: Flask) -> None:
    """Request ids, log format and error reporting."""
    configure_logging(app)
    init_sentry(app)
    # First of all hooks, so that every later one logs with the id.
    app.before_request_funcs.setdefault(None, []).insert(0, _assign_request_id)
    app.after_request(_echo_request_id)
