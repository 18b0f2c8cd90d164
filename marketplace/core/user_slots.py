"""Slots of kept pages whose HTML is kept per user (core/fragments.py `register_slot(…,
per_user=True)`).

Such a slot's HTML depends only on its arguments, the user (or being anonymous), the locale
and stored data: it is kept per process for each user under the accounts stamp, the content
stamp in its key, for at most ACCOUNT_CACHE_SECONDS (and only while fragments are kept). A
form token it renders is kept as a marker and the request's own token is put back on each
showing. Every table such a slot reads must renew one of the two stamps when written
(core/pagecache.py `WATCHED_TABLES`, `ACCOUNT_TABLES`).

A slot that names what of the visitor it shows (`shared_by`, e.g. a review's actions: voted,
may vote, reply, report) is rendered once for all the visitors who stand alike, and each
user's first showing costs only working out that standing.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable, Hashable
from typing import Any

from flask import current_app, g, request
from flask_babel import get_locale
from flask_login import current_user
from markupsafe import Markup, escape

from marketplace.core import cache, stamps

EXTENSION_KEY = "personal_slots"
MAX_ENTRIES = 20_000
MAX_CHARS = 16 * 1024 * 1024  # per process, all users together
# What a per-user slot holds where the request's form token goes (put back per request).
TOKEN_MARKER = f"token-{secrets.token_hex(12)}"
_RENDERING = "_fragment_rendering_per_user"
_TOKEN = "_user_slots_token"
_VISITOR = "_user_slots_visitor"


def rendering() -> bool:
    """Is a slot to be kept per user being rendered (its form token is then the marker)?"""
    return bool(g.get(_RENDERING))


def csrf_token() -> str:
    """The request's form token (asked once per request: a page has about ten forms)."""
    token = g.get(_TOKEN)
    if token is None:
        from flask_wtf.csrf import generate_csrf

        token = generate_csrf()
        setattr(g, _TOKEN, token)
    return token


def _visitor() -> tuple[int | None, str, str]:
    """Who asks, and where (the user's id or None, the host, the script root): read once
    per request, as each of a page's slots asks."""
    known = g.get(_VISITOR)
    if known is None:
        user = current_user._get_current_object()
        who = user.id if user.is_authenticated else None
        known = (who, request.host, request.script_root)
        setattr(g, _VISITOR, known)
    return known


def _kept() -> stamps.VersionedCache | None:
    app = current_app._get_current_object()
    kept = app.extensions.get(EXTENSION_KEY)
    if kept is None:
        store = cache.LocalStore(
            stamps.account_seconds(app), max_entries=MAX_ENTRIES, max_weight=MAX_CHARS, weigh=len
        )
        kept = app.extensions[EXTENSION_KEY] = stamps.VersionedCache(
            app, store, name="personal_slots", stamp="accounts"
        )
    from marketplace.core.fragments import fragment_seconds  # it imports this module

    return kept if kept.seconds > 0 and fragment_seconds(app) > 0 else None


def kept_per_user(
    name: str,
    render: Callable[..., Any],
    shared_by: Callable[..., Hashable] | None = None,
) -> Callable[..., Markup]:
    """Keep what `render` gives each user (or every anonymous visitor) for the same
    arguments, under the accounts stamp and the content stamp (part of the key).

    `shared_by(*args)`, when given, names everything of the visitor that `render` shows for
    these arguments (e.g. "may vote, has voted"): users it names alike share one rendering,
    so a user's first showing of a page costs that standing, not the rendering.
    """

    def run(*args: Any) -> Markup:
        kept = _kept()
        if kept is None:
            return escape(render(*args))
        content = stamps.request_content_stamp(current_app._get_current_object())
        who, host, root = _visitor()
        where = (str(get_locale()), host, root, name, args)
        key = (content, who, *where)
        stamp, html = kept.lookup(key)
        if html is stamps.MISSING:
            html = _render(args) if shared_by is None else _shared(kept, content, where, args)
            kept.put(stamp, key, html)
        if TOKEN_MARKER in html:
            html = html.replace(TOKEN_MARKER, csrf_token())
        return Markup(html)

    def _render(args: tuple) -> str:
        setattr(g, _RENDERING, True)
        try:
            return str(escape(render(*args)))
        finally:
            g.pop(_RENDERING, None)

    def _shared(kept: stamps.VersionedCache, content: Any, where: tuple, args: tuple) -> str:
        key = (content, ("shared", shared_by(*args)), *where)
        stamp, html = kept.lookup(key)
        if html is stamps.MISSING:
            html = _render(args)
            kept.put(stamp, key, html)
        return html

    run.__name__ = f"per_user:{name}"
    return run
