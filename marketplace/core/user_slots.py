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


def _chars(value: str | tuple[str, ...]) -> int:
    """What a kept value weighs: its characters (a page's slots: all of theirs)."""
    return len(value) if isinstance(value, str) else sum(len(html) for html in value)


def _kept() -> stamps.VersionedCache | None:
    app = current_app._get_current_object()
    kept = app.extensions.get(EXTENSION_KEY)
    if kept is None:
        store = cache.LocalStore(
            stamps.account_seconds(app), max_entries=MAX_ENTRIES, max_weight=MAX_CHARS, weigh=_chars
        )
        kept = app.extensions[EXTENSION_KEY] = stamps.VersionedCache(
            app, store, name="personal_slots", stamp="accounts"
        )
    from marketplace.core.fragments import fragment_seconds  # it imports this module

    return kept if kept.seconds > 0 and fragment_seconds(app) > 0 else None


class PerUserSlot:
    """A slot whose HTML is kept per user (`kept_per_user`): called alone, or with the
    page's other such slots through `fill`."""

    def __init__(
        self, name: str, render: Callable[..., Any], shared_by: Callable[..., Hashable] | None
    ) -> None:
        self.name, self.render, self.shared_by = name, render, shared_by
        self.__name__ = f"per_user:{name}"

    def __call__(self, *args: Any) -> Markup:
        return Markup(fill([(self, args)])[0])

    def _fresh(self, kept: stamps.VersionedCache, content: Any, where: tuple, args: tuple) -> str:
        """This visitor's HTML, rendered, or shared with the visitors who stand alike."""
        if self.shared_by is None:
            return self._render(args)
        # Who asks is not in the key: the standing `shared_by` names is.
        key = (content, ("shared", self.shared_by(*args)), *where[1:], self.name, args)
        stamp, html = kept.lookup(key)
        if html is stamps.MISSING:
            html = self._render(args)
            kept.put(stamp, key, html)
        return html

    def _render(self, args: tuple) -> str:
        setattr(g, _RENDERING, True)
        try:
            return str(escape(self.render(*args)))
        finally:
            g.pop(_RENDERING, None)


def _where() -> tuple:
    """Who asks and where: the user's id or None, the locale, the host, the script root."""
    who, host, root = _visitor()
    return (who, str(get_locale()), host, root)


def _with_token(html: str) -> str:
    return html.replace(TOKEN_MARKER, csrf_token()) if TOKEN_MARKER in html else html


def fill(calls: list[tuple[PerUserSlot, tuple]]) -> list[str]:
    """The HTML of a kept page's per-user slots for this visitor (`calls`: each slot with
    its arguments, in the page's order; a slot called alone is a page of one), kept
    together: a page the user was shown already
    costs one lookup whatever its number of slots (a solution page has about seventeen),
    and their first showing one write."""
    kept = _kept()
    if kept is None:
        return [str(escape(slot.render(*args))) for slot, args in calls]
    content = stamps.request_content_stamp(current_app._get_current_object())
    where = _where()
    key = (content, *where, "page", tuple((slot.name, args) for slot, args in calls))
    stamp, htmls = kept.lookup(key)
    if htmls is stamps.MISSING:
        htmls = tuple(slot._fresh(kept, content, where, args) for slot, args in calls)
        kept.put(stamp, key, htmls)
    return [_with_token(html) for html in htmls]


def kept_per_user(
    name: str,
    render: Callable[..., Any],
    shared_by: Callable[..., Hashable] | None = None,
) -> PerUserSlot:
    """Keep what `render` gives each user (or every anonymous visitor) for the same
    arguments, under the accounts stamp and the content stamp (part of the key).

    `shared_by(*args)`, when given, names everything of the visitor that `render` shows for
    these arguments (e.g. "may vote, has voted"): users it names alike share one rendering,
    so a user's first showing of a page costs that standing, not the rendering.
    """
    return PerUserSlot(name, render, shared_by)
