"""Rendered public pages, kept for anonymous visitors, and the stamp that expires them.

A visitor who has no session and no remember-me cookie sees exactly what every other such
visitor sees on the home page, the catalogue (with any search and filters) and the
comparison page: no name, no tray, no flashed message, no form token. Those pages are
rendered once per worker process and served from memory to the next such visitor, before
Flask runs at all (a WSGI middleware), for at most PAGE_CACHE_SECONDS (default 30; 0 turns
it off, as the test suite does unless a test asks for it).

Freshness does not rest on the timer alone. Every commit that changes what those pages
show (listings, plans, vendors, categories, features, screenshots, reviews) renews the
content stamp; each request compares the stamp with the one a page was rendered under, so
every worker drops its pages, and the catalogue's cached counts, as soon as the change is
committed. Without `REDIS_URL` the stamp is a small file in the instance folder (one `stat`
per request) and pages are kept per worker: one host. With `REDIS_URL` the stamp is a Redis
counter (one GET per request) and the pages themselves live in Redis, so a change committed
on any host is seen by every host's next request. Figures that change without such a commit
(a vendor's response time, the counts of trials) may lag by the timer.

A page is only kept when its view asked for it (`cache_page`), the answer is a 200 HTML
page, and it sets no cookie; a request with a remember-me cookie, or any method but GET,
always goes to the application.

A visitor whose session holds nothing of their own — a language and a form token, as every
returning visitor's does once a page has given them a form — shares the pages too, one
copy per language: the page is rendered with a marker where the form token goes, and each
answer carries that visitor's own freshly signed token in its place (`core/security.py`).
A session holding anything else (a sign-in, a comparison tray, a flashed message, a
dismissed banner) makes the page the visitor's own: it is always rendered.

A view whose every showing is counted (a solution's page) says so with `announce_view`;
a page served from memory announces it again, with the visitor's address and browser,
once the answer has been sent.
"""

from __future__ import annotations

import functools
import secrets
import time
from collections.abc import Callable, Iterable
from typing import Any

from flask import Flask, current_app, g, has_app_context, has_request_context, request
from flask_login import current_user
from sqlalchemy import event
from sqlalchemy.orm import Session
from werkzeug.http import parse_cookie
from werkzeug.wsgi import ClosingIterator

from marketplace.core import cache, events, metrics, user_reads
from marketplace.core.security import (
    READ_SESSION_ENVIRON,
    read_session_cookie,
    signed_csrf_token,
)
from marketplace.core.stamps import (
    ContentStamp,
    RedisStamp,
    account_seconds,
    forget_request_stamp,
    stamp_for,
)

ENVIRON_FLAG = "marketplace.page_cache"
# Set by the middleware: the marker a kept page carries where the visitor's form token goes.
TOKEN_MARKER_FLAG = "marketplace.page_cache.token_marker"
# Set by a view: the events to announce again whenever the kept page is served.
VIEWS_FLAG = "marketplace.page_cache.views"
# What a session may hold and still share the kept pages (the language is in the key).
# Flask-Login marks any session without a sign-in `_fresh: False` (session protection).
SHARED_SESSION_KEYS = frozenset({"lang", "csrf_token", "_fresh", "_permanent"})
EXTENSION_KEY = "page_cache"
DEFAULT_MAX_ENTRIES = 256
DEFAULT_MAX_BYTES = 32 * 1024 * 1024  # per process, all pages together
MAX_PAGE_BYTES = 1024 * 1024
# Tables whose rows appear on the cached pages (and in the catalogue's cached counts).
WATCHED_TABLES = frozenset(
    {
        "solutions",
        "plans",
        "organizations",
        "categories",
        "feature_definitions",
        "solution_features",
        "screenshots",
        "uploads",
        "reviews",
        "review_replies",
        "site_settings",
        # "Chuyển khoản" on a solution page follows the vendor's confirmed account.
        "vendor_bank_accounts",
        # The programme's support beside a price ("Có thể được hỗ trợ đến …"): its rules
        # and the plans it takes. Applications are not watched: they change often and only
        # move the budget left, which a kept page may show late by the timer.
        "programmes",
        "programme_versions",
        "programme_plan_opt_ins",
    }
)

# Tables a signed-in request's user depends on (its row, its unread count, what other domains
# read with it: core/user_reads.py): kept per process under a stamp of their own
# (`account_value`), renewed by every commit that writes them. Also what the per-user slots
# of kept pages show (core/fragments.py `per_user`): the role in the organisation, the plans
# it holds, its trials, orders and payments (the right to review), its reviews and votes,
# its applications to the programme (the cap left).
ACCOUNT_TABLES = frozenset(
    {
        "users",
        "notifications",
        "memberships",
        "subscriptions",
        "orders",
        "payments",
        "reviews",
        "service_periods",
        "trial_requests",
        "review_votes",
        "programme_applications",
    }
)


def content_changed() -> None:
    """Expire every cached page and count on this host (call after committing)."""
    if not has_app_context():
        return
    app = current_app._get_current_object()
    stamp_for(app).renew()
    pages = app.extensions.get(EXTENSION_KEY)
    if pages is not None:
        pages.clear()
    if has_request_context():
        forget_request_stamp("content")  # read again by what this request renders next


# ---------------------------------------------------------------- watching commits

_SESSION_FLAG = "public_content_changed"
_ACCOUNTS_FLAG = "account_tables_changed"


def _tables_of(objects: Iterable[Any]) -> set[str]:
    names = set()
    for obj in objects:
        table = getattr(type(obj), "__tablename__", None)
        if table:
            names.add(table)
    return names


def _after_flush(session: Session, _context) -> None:
    touched = _tables_of(session.new) | _tables_of(session.dirty) | _tables_of(session.deleted)
    if touched & WATCHED_TABLES:
        session.info[_SESSION_FLAG] = True
    if touched & ACCOUNT_TABLES:
        session.info[_ACCOUNTS_FLAG] = True
        user_reads.forget_request()  # what was read with the user may have changed


def _on_execute(state) -> None:
    if not (state.is_update or state.is_delete or state.is_insert):
        return
    name = getattr(getattr(state.statement, "table", None), "name", None)
    if name in WATCHED_TABLES:
        state.session.info[_SESSION_FLAG] = True
    if name in ACCOUNT_TABLES:
        state.session.info[_ACCOUNTS_FLAG] = True
        user_reads.forget_request()


def _after_commit(session: Session) -> None:
    changed = session.info.pop(_SESSION_FLAG, False)
    accounts = session.info.pop(_ACCOUNTS_FLAG, False)
    if not has_app_context():
        return
    if changed and _caching_enabled(current_app):
        content_changed()
    if accounts and account_seconds(current_app) > 0:
        stamp_for(current_app._get_current_object(), "accounts").renew()
        if has_request_context():
            forget_request_stamp("accounts")  # read again by what this request shows next


def _after_rollback(session: Session, _previous_transaction) -> None:
    session.info.pop(_SESSION_FLAG, None)
    session.info.pop(_ACCOUNTS_FLAG, None)


_LISTENERS = (
    ("after_flush", _after_flush),
    ("do_orm_execute", _on_execute),
    ("after_commit", _after_commit),
    ("after_soft_rollback", _after_rollback),
)


def _listen() -> None:
    """Install the session listeners once per process (they serve every app)."""
    for name, listener in _LISTENERS:
        if not event.contains(Session, name, listener):
            event.listen(Session, name, listener)


def _caching_enabled(app: Flask) -> bool:
    """Does this app keep pages, catalogue counts, fragments or a search index (config.py)?"""
    return (
        app.config["PAGE_CACHE_SECONDS"] > 0
        or app.config["CATALOG_CACHE_SECONDS"] > 0
        or float(app.config.get("FRAGMENT_CACHE_SECONDS") or 0) > 0
        or app.config.get("SEARCH_ENGINE", "database") != "database"  # its index's stamp
    )


# ---------------------------------------------------------------- views


def cache_page(view: Callable) -> Callable:
    """Let the middleware keep this view's page for anonymous visitors."""

    @functools.wraps(view)
    def wrapped(*args, **kwargs):
        request.environ[ENVIRON_FLAG] = True
        marker = request.environ.get(TOKEN_MARKER_FLAG)
        if marker:
            # Every form token of this page is the marker; the middleware signs the
            # visitor's own token into its place (Flask-WTF keeps the token on `g`).
            setattr(g, current_app.config.get("WTF_CSRF_FIELD_NAME", "csrf_token"), marker)
        return view(*args, **kwargs)

    return wrapped


def announce_view(signal_name: str, sender: Any, response) -> None:
    """Announce a showing of this page now, and on every showing the page cache serves.

    Sends `signal_name` (core.events) with `after_response` (registers a callable to run
    once the answer is sent), `user`, `address` and `user_agent`. The sender must be a plain
    value (an id): kept pages may be shared through Redis.
    """
    from marketplace.core import fragments

    if fragments.note_view(signal_name, sender):
        return  # announced by keep_page, with the user, once the page is rendered
    _send_view(
        signal_name,
        sender,
        after_response=response.call_on_close,
        user=current_user,
        environ=request.environ,
    )
    request.environ.setdefault(VIEWS_FLAG, []).append((signal_name, sender))


def _send_view(signal_name: str, sender: Any, *, after_response, user, environ: dict) -> None:
    events.by_name(signal_name).send(
        sender,
        after_response=after_response,
        user=user,
        address=environ.get("REMOTE_ADDR"),
        user_agent=environ.get("HTTP_USER_AGENT"),
    )


# ---------------------------------------------------------------- the middleware


class _Entry:
    __slots__ = ("body", "headers", "marker", "stamp", "status", "stored", "views")

    def __init__(self, status, headers, body, stamp, stored, marker=None, views=()) -> None:
        self.status = status
        self.headers = headers
        self.body = body
        self.stamp = stamp  # the content stamp the page was rendered under
        self.stored = stored
        self.marker = marker  # bytes standing for the visitor's form token, if any
        self.views = tuple(views)  # (signal name, sender) to announce on each showing


class _Visitor:
    """Who asks, as far as a kept page is concerned: nobody in particular, or a visitor
    whose session holds only a language and a form token."""

    __slots__ = ("raw_token", "variant")

    def __init__(self, variant: tuple = (), raw_token: str | None = None) -> None:
        self.variant = variant
        self.raw_token = raw_token


class PageCache:
    """WSGI middleware: serve anonymous visitors the pages kept for them."""

    def __init__(
        self,
        wsgi_app: Callable,
        *,
        seconds: float,
        stamp: ContentStamp | RedisStamp,
        store: cache.LocalStore | cache.TieredStore,
        private_cookies: Iterable[str],
        app: Flask,
    ) -> None:
        self.wsgi_app = wsgi_app
        self.stamp = stamp
        self.private_cookies = frozenset(private_cookies)
        self._pages = store
        self.app = app
        self.session_cookie = app.config.get("SESSION_COOKIE_NAME", "session")
        # New for each process: no listing's text can know it (a kept page records its own).
        self.marker = f"page-token-{secrets.token_hex(12)}"
        self.hits = 0
        self.misses = 0

    # -- what may be cached

    def _visitor(self, environ: dict) -> _Visitor | None:
        """Return who asks, or None when the answer may be theirs alone."""
        if environ.get("REQUEST_METHOD") != "GET" or environ.get("HTTP_AUTHORIZATION"):
            return None
        cookie = environ.get("HTTP_COOKIE")
        if not cookie:
            return _Visitor()
        cookies = parse_cookie(cookie)
        private = [name for name in cookies if name in self.private_cookies]
        if not private:
            return _Visitor()
        if private != [self.session_cookie]:
            return None
        session = read_session_cookie(self.app, cookies[self.session_cookie])
        environ[READ_SESSION_ENVIRON] = (cookies[self.session_cookie], session)
        if not session or not set(session) <= SHARED_SESSION_KEYS:
            return None
        token = session.get("csrf_token")
        if not isinstance(token, str) or not token:
            return None
        lang = session.get("lang")
        return _Visitor(("session", lang if isinstance(lang, str) else ""), token)

    @staticmethod
    def _key(environ: dict) -> tuple:
        return (
            environ.get("wsgi.url_scheme", "http"),
            environ.get("HTTP_HOST") or environ.get("SERVER_NAME", ""),
            environ.get("SCRIPT_NAME", ""),
            environ.get("PATH_INFO", ""),
            environ.get("QUERY_STRING", ""),
        )

    # -- the store

    def clear(self) -> None:
        self._pages.clear()

    def __len__(self) -> int:
        return len(self._pages)

    # -- WSGI

    def __call__(self, environ: dict, start_response: Callable):
        visitor = self._visitor(environ)
        if visitor is None:
            return self.wsgi_app(environ, start_response)
        key = self._key(environ) + visitor.variant
        stamp = self.stamp.current()
        now = time.time()  # wall clock: an entry may come from another host
        entry = self._pages.get((stamp, key))
        if entry is not None and entry.stamp == stamp:
            self.hits += 1
            metrics.cache_lookup("pages", True)
            body = self._personal(entry.body, entry.marker, visitor)
            age = str(max(0, int(now - entry.stored)))
            headers = _sized([*entry.headers, ("Age", age), ("X-Cache", "HIT")], body)
            start_response(entry.status, headers)
            if entry.views:
                return ClosingIterator([body], lambda: self._announce(environ, entry.views))
            return [body]

        self.misses += 1
        metrics.cache_lookup("pages", False)
        marker = None
        if visitor.raw_token is not None:
            marker = self.marker
            environ[TOKEN_MARKER_FLAG] = marker
        captured: dict[str, Any] = {}
        held: list[Any] = []

        def capture(status, headers, exc_info=None):
            captured["status"], captured["headers"] = status, list(headers)
            if marker is not None and environ.get(ENVIRON_FLAG):
                # The body is changed below: its length is told then.
                held.append(exc_info)
                return lambda data: None  # a view of ours never writes directly
            return start_response(status, [*headers, ("X-Cache", "MISS")], exc_info)

        result = self.wsgi_app(environ, capture)
        if not environ.get(ENVIRON_FLAG):
            return result
        chunks: list[bytes] = []
        try:
            for chunk in result:
                chunks.append(chunk)
        finally:
            close = getattr(result, "close", None)
            if close is not None:
                close()
        body = b"".join(chunks)
        storable = self._storable(captured)
        if storable and len(body) <= MAX_PAGE_BYTES:
            entry = _Entry(
                captured["status"],
                captured["headers"],
                body,
                stamp,
                now,
                marker=marker.encode() if marker else None,
                views=environ.get(VIEWS_FLAG, ()),
            )
            self._pages.put((stamp, key), entry)
        if held:
            body = self._personal(body, marker.encode(), visitor)
            headers = _sized([*captured["headers"], ("X-Cache", "MISS")], body)
            start_response(captured["status"], headers, held[0])
        return [body]

    def _personal(self, body: bytes, marker: bytes | None, visitor: _Visitor) -> bytes:
        """Put the visitor's own form token where the kept page has its marker."""
        if not marker:
            return body
        token = signed_csrf_token(self.app, visitor.raw_token or "")
        return body.replace(marker, token.encode("ascii"))

    def _announce(self, environ: dict, views: Iterable[tuple[str, Any]]) -> None:
        """Announce a showing served from memory (the answer has been sent)."""
        sent: list[Callable[[], None]] = []
        try:
            with self.app.app_context():
                for name, sender in views:
                    _send_view(name, sender, after_response=sent.append, user=None, environ=environ)
            for callback in sent:
                callback()
        except Exception:  # a lost count must never break a page
            self.app.logger.warning("A showing served from memory was not announced", exc_info=True)

    @staticmethod
    def _storable(captured: dict) -> bool:
        if not captured.get("status", "").startswith("200"):
            return False
        names = {name.lower(): value for name, value in captured["headers"]}
        if "set-cookie" in names:
            return False
        if not names.get("content-type", "").startswith("text/html"):
            return False
        return "no-store" not in names.get("cache-control", "") and "private" not in names.get(
            "cache-control", ""
        )


def _sized(headers: list[tuple[str, str]], body: bytes) -> list[tuple[str, str]]:
    """Return the headers with the body's own length (a form token may change it)."""
    return [(k, str(len(body)) if k.lower() == "content-length" else v) for k, v in headers]


def init_app(app: Flask) -> None:
    """Wrap the application in the page cache (when enabled) and watch content changes
    (always: a request that writes an accounts table forgets what it read with its user,
    core/user_reads.py)."""
    _listen()
    seconds = app.config["PAGE_CACHE_SECONDS"]
    if seconds <= 0:
        return
    store = cache.make_store(
        app,
        "pages",
        seconds,
        max_entries=int(app.config.get("PAGE_CACHE_MAX_ENTRIES", DEFAULT_MAX_ENTRIES)),
        # Pages weigh their size in bytes.
        max_weight=int(app.config.get("PAGE_CACHE_MAX_BYTES", DEFAULT_MAX_BYTES)),
        weigh=lambda entry: len(entry.body),
        max_bytes=MAX_PAGE_BYTES + 64 * 1024,
    )
    pages = PageCache(
        app.wsgi_app,
        seconds=seconds,
        stamp=stamp_for(app),
        store=store,
        private_cookies={
            app.config.get("SESSION_COOKIE_NAME", "session"),
            app.config.get("REMEMBER_COOKIE_NAME", "remember_token"),
        },
        app=app,
    )
    app.extensions[EXTENSION_KEY] = pages
    app.wsgi_app = pages
