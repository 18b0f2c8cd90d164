"""Parts of a signed-in page that are the same for everyone, rendered once and kept.

The page cache (core/pagecache.py) serves whole pages, but only to visitors without a
session. A signed-in user's page is rendered every time; most of it (the result cards and
facets of the catalogue, the public sections of a solution page) is still the same for
every user. A template marks such a part:

    {% call cached_fragment("catalog-results", key, slots={"compare": compare_form}) %}
      … {{ slot("compare", s.slug) }} …
    {% endcall %}

The part is rendered on the first request and kept under (name, locale, host, key) and the
content stamp, in the store every cache of public data uses (`make_store`: per process, or
Redis with `REDIS_URL`), for at most FRAGMENT_CACHE_SECONDS (default CATALOG_CACHE_SECONDS;
0 turns it off). Every commit that changes public content renews the stamp, so a kept part
is never shown after the change it depends on; figures that change without such a commit
(a vendor's response time) may lag by the timer, as on the anonymous pages.

What differs per user inside such a part (the "in your tray" mark and the form token of a
card, the owned plan and buy button of a plan row) is a `slot`: the kept HTML holds only
its name and public arguments, and each request renders it again with its own renderer
(a macro given in `slots`). Rendering a CSRF token while a part is being kept is an error.

A view hands the template what only kept parts read as `Deferred(compute)`: computed on
first use, so a page whose parts are kept skips those queries. The test suite keeps
fragments off (FRAGMENT_CACHE_SECONDS=0) unless a test asks for them.
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from flask import Flask, current_app, g, request
from flask_babel import get_locale
from markupsafe import Markup

from marketplace.core import cache, pagecache

EXTENSION_KEY = "fragment_cache"
DEFAULT_MAX_ENTRIES = 2048
DEFAULT_MAX_BYTES = 16 * 1024 * 1024  # per process, all fragments together
MAX_FRAGMENT_BYTES = 512 * 1024
_FRAMES = "_fragment_frames"

# A kept fragment: text pieces and, between them, the slots to render per request as
# (name, args) pairs.
Pieces = tuple[str | tuple[str, tuple], ...]


@dataclass
class _Frame:
    """A fragment being rendered: its slot renderers and, when it is to be kept, the slots
    met so far (each left as a marker only this rendering knows)."""

    slots: dict[str, Callable[..., Any]]
    keeping: bool
    nonce: str = ""
    calls: list[tuple[str, tuple]] = field(default_factory=list)


class PersonalValueInFragment(RuntimeError):
    """A per-user value was rendered inside a fragment that is kept for everyone."""


class Deferred:
    """A value a view computes only when a template first uses it: a part kept for
    everyone that shows it does not cost its queries while it is kept."""

    def __init__(self, compute: Callable[[], Any]) -> None:
        self._compute = compute
        self._done = False
        self._value: Any = None

    @property
    def value(self) -> Any:
        if not self._done:
            self._value, self._done = self._compute(), True
        return self._value

    def __getattr__(self, name: str) -> Any:
        if name.startswith("_"):
            raise AttributeError(name)
        return getattr(self.value, name)

    def __iter__(self):
        return iter(self.value)

    def __len__(self) -> int:
        return len(self.value)

    def __bool__(self) -> bool:
        return bool(self.value)


def _cache() -> pagecache.VersionedCache | None:
    app = current_app._get_current_object()
    kept = app.extensions.get(EXTENSION_KEY)
    if kept is None:
        seconds = fragment_seconds(app)
        store = cache.make_store(
            app,
            "fragments",
            seconds,
            max_entries=int(app.config.get("FRAGMENT_CACHE_MAX_ENTRIES", DEFAULT_MAX_ENTRIES)),
            # Fragments weigh their size in characters.
            max_weight=int(app.config.get("FRAGMENT_CACHE_MAX_BYTES", DEFAULT_MAX_BYTES)),
            weigh=_weight,
            max_bytes=MAX_FRAGMENT_BYTES,
        )
        kept = app.extensions[EXTENSION_KEY] = pagecache.VersionedCache(
            app, store, name="fragments"
        )
    return kept if kept.seconds > 0 else None


def fragment_seconds(app: Flask) -> float:
    """Return how long a fragment is kept (FRAGMENT_CACHE_SECONDS; 0: not kept)."""
    return float(app.config.get("FRAGMENT_CACHE_SECONDS") or 0)


def _weight(pieces: Pieces) -> int:
    return sum(len(piece) for piece in pieces if isinstance(piece, str))


def _frames() -> list[_Frame]:
    frames = g.get(_FRAMES)
    if frames is None:
        frames = []
        setattr(g, _FRAMES, frames)
    return frames


def keeping() -> bool:
    """Is a fragment that will be kept for everyone being rendered right now?"""
    frames = g.get(_FRAMES)
    return bool(frames) and frames[-1].keeping


def cached_fragment(
    name: str,
    *key: Any,
    slots: dict[str, Callable[..., Any]] | None = None,
    caller: Callable[[], str],
) -> Markup:
    """Return the part of a page between `{% call cached_fragment(name, *key) %}` and
    `{% endcall %}`, rendered once per content stamp, locale and key; its slots are
    rendered for this request. `key` must name every public input the part shows beyond
    what the page's URL path says (the request's parameters)."""
    slots = slots or {}
    frames = _frames()
    if frames:
        raise RuntimeError("cached fragments do not nest")
    kept = _cache()
    if kept is None:
        frames.append(_Frame(slots, keeping=False))
        try:
            return Markup(caller())
        finally:
            frames.pop()
    full_key = (name, str(get_locale()), request.host, request.script_root, key)
    pieces = kept.get_or_compute(full_key, lambda: _render_pieces(caller, slots))
    return _fill(pieces, slots)


def slot(name: str, *args: Any, default: Callable[..., Any] | None = None) -> Markup:
    """Render the per-user part `name` with `args` (public values, e.g. a slug).

    Outside a fragment, or when fragments are not kept, it is rendered in place (by the
    fragment's renderer of that name, else `default`); inside a fragment being kept, a
    marker stands for it and it is rendered for each request that shows the fragment.
    """
    frames = g.get(_FRAMES)
    if not frames:
        if default is None:
            raise KeyError(f"slot {name!r} has no renderer outside a fragment")
        return Markup(default(*args))
    frame = frames[-1]
    render = frame.slots.get(name, default)
    if not frame.keeping:
        if render is None:
            raise KeyError(f"slot {name!r} has no renderer")
        return Markup(render(*args))
    if name not in frame.slots:
        # A hit renders slots from the fragment's own renderers only.
        raise KeyError(f"slot {name!r} must be given to cached_fragment(slots=…)")
    frame.calls.append((name, tuple(args)))
    return Markup(f"<!--slot-{frame.nonce}-{len(frame.calls) - 1}-->")


def _render_pieces(caller: Callable[[], str], slots: dict[str, Callable[..., Any]]) -> Pieces:
    # The marker's nonce is new for every rendering: no text of a listing can forge one.
    frame = _Frame(slots, keeping=True, nonce=secrets.token_hex(8))
    frames = _frames()
    frames.append(frame)
    try:
        html = str(caller())
    finally:
        frames.pop()
    if not frame.calls:
        return (html,)
    parts = re.split(f"<!--slot-{frame.nonce}-([0-9]+)-->", html)
    return tuple(frame.calls[int(part)] if index % 2 else part for index, part in enumerate(parts))


def _fill(pieces: Pieces, slots: dict[str, Callable[..., Any]]) -> Markup:
    if len(pieces) == 1 and isinstance(pieces[0], str):
        return Markup(pieces[0])
    out = []
    for piece in pieces:
        if isinstance(piece, str):
            out.append(piece)
        else:
            name, args = piece
            out.append(str(slots[name](*args)))
    return Markup("".join(out))


def clear() -> None:
    """Forget the fragments kept by this process."""
    kept = current_app.extensions.get(EXTENSION_KEY)
    if kept is not None:
        kept.clear()


def _guarded(render: Callable[..., Any], what: str) -> Callable[..., Any]:
    def guarded(*args: Any, **kwargs: Any) -> Any:
        if keeping():
            raise PersonalValueInFragment(f"{what} inside a kept fragment: make it a slot")
        return render(*args, **kwargs)

    guarded.__name__ = getattr(render, "__name__", what)
    guarded.__doc__ = render.__doc__
    return guarded


def init_app(app: Flask) -> None:
    """Give templates `cached_fragment` and `slot`; refuse form tokens in kept fragments."""
    app.jinja_env.globals["cached_fragment"] = cached_fragment
    app.jinja_env.globals["slot"] = slot
    guarded = {
        name: _guarded(app.jinja_env.globals[name], name)
        for name in ("csrf_token", "preference_csrf_field")
        if name in app.jinja_env.globals
    }
    app.jinja_env.globals.update(guarded)
    # Flask-WTF also gives `csrf_token` to every template through a context processor.
    app.context_processor(lambda: guarded)
