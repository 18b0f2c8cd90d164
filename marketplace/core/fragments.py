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

**Whole pages** (`keep_page`): a view so marked is kept whole, layout included, for the
requests the page cache does not serve (a signed-in user, a session holding a tray or a
message), under (endpoint, path and query, locale, host) and the content stamp. The
layout's personal parts are slots too: the user's name, the unread count and the form
tokens of the account menu (`user_name`, `unread_badge`, `csrf_token`), the banner, the
e-mail to verify and the flashed messages (`notices`), the comparison tray (`tray`) and the
language form's token (`preference_csrf`); the menu itself differs only by the kind of
visitor (`Viewer`: signed in, role, organisation or not), which is part of the key. A kept
fragment inside the page becomes part of it, its slots the page's. A hit runs no view: it renders those slots and
nothing else. Their renderers are registered by name (`register_slot`) so that a hit can
call them; while a page is being kept, the template sees no personal value at all (the
user, the tray, the unread count, the session raise `PersonalValueInFragment`, as do form
tokens and the helpers that read the user), and a page that reads one is rendered as usual
instead, and not kept again by this process.

**Slots kept per user** (`register_slot(…, per_user=True)`, core/user_slots.py): the
solution page's buying, programme support and review controls; a signed-in user's second
view of a kept page runs no SQL.
"""

from __future__ import annotations

import functools
import logging
import secrets
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from flask import Flask, current_app, g, make_response, request, session
from flask_babel import get_locale
from flask_login import current_user
from markupsafe import Markup, escape

from marketplace.core import cache, stamps, user_slots

EXTENSION_KEY = "fragment_cache"
DEFAULT_MAX_ENTRIES = 2048
DEFAULT_MAX_BYTES = 16 * 1024 * 1024  # per process, all fragments together
MAX_FRAGMENT_BYTES = 512 * 1024
_FRAMES = "_fragment_frames"
_PAGE_CONTEXT = "_fragment_page_context"
_UNKEPT_ENDPOINTS = "fragment_unkept_endpoints"
_LOGIN_USER = "_login_user"  # where Flask-Login keeps the request's user
_REAL_USER = "_fragment_real_user"
log = logging.getLogger(__name__)

# Renderers of the slots a kept page may hold, by name: a hit has no template to take
# them from. Each takes the slot's public arguments and returns HTML for this request.
_SLOT_RENDERERS: dict[str, Callable[..., Any]] = {}
_REGISTERED: dict[str, Callable[..., Any]] = {}  # as given to `register_slot`

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
    page: bool = False  # a whole page (keep_page), with the layout's slots
    views: list[tuple[str, Any]] = field(default_factory=list)  # showings to announce


@dataclass(frozen=True)
class _KeptPage:
    """A page kept whole: its pieces, and the showings to announce whenever it is served
    (`pagecache.announce_view`: plain values, e.g. a solution's id)."""

    pieces: Pieces
    views: tuple[tuple[str, Any], ...] = ()


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


def _cache() -> stamps.VersionedCache | None:
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
        kept = app.extensions[EXTENSION_KEY] = stamps.VersionedCache(app, store, name="fragments")
    return kept if kept.seconds > 0 else None


def fragment_seconds(app: Flask) -> float:
    """Return how long a fragment is kept (FRAGMENT_CACHE_SECONDS; 0: not kept)."""
    return float(app.config.get("FRAGMENT_CACHE_SECONDS") or 0)


def _weight(pieces: Pieces | _KeptPage) -> int:
    if isinstance(pieces, _KeptPage):
        pieces = pieces.pieces
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
    # A fragment may hold the slots registered for kept pages as well as its own.
    slots = {**_SLOT_RENDERERS, **slots} if slots else _SLOT_RENDERERS
    frames = _frames()
    if frames and frames[-1].page:
        # Inside a page being kept: this part is kept with it, its slots become the page's
        # (a hit renders them by their registered renderers).
        unknown = sorted(set(slots) - set(_SLOT_RENDERERS))
        if unknown:
            raise PersonalValueInFragment(f"slots {unknown} have no registered renderer")
        return Markup(caller())
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
    What a renderer returns is escaped unless it is markup (a name is text).
    """
    frames = g.get(_FRAMES)
    if not frames:
        render = default or _SLOT_RENDERERS.get(name)
        if render is None:
            raise KeyError(f"slot {name!r} has no renderer outside a fragment")
        return escape(render(*args))
    frame = frames[-1]
    render = frame.slots.get(name, default) or _SLOT_RENDERERS.get(name)
    if not frame.keeping:
        if render is None:
            raise KeyError(f"slot {name!r} has no renderer")
        return escape(render(*args))
    if name not in frame.slots:
        # A hit renders slots from the fragment's renderers (its own and the registered).
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
    return _pieces(html, frame)


def _pieces(html: str, frame: _Frame) -> Pieces:
    """Split what a keeping frame rendered into its text and its slots."""
    if not frame.calls:
        return (html,)
    # Split on the marker's text (a pattern with the new nonce would be compiled each time).
    first, *marked = html.split(f"<!--slot-{frame.nonce}-")
    out: list[Any] = [first]
    for part in marked:
        index, _end, text = part.partition("-->")
        out += (frame.calls[int(index)], text)
    return tuple(out)


def _fill(pieces: Pieces, slots: dict[str, Callable[..., Any]]) -> Markup:
    if len(pieces) == 1 and isinstance(pieces[0], str):
        return Markup(pieces[0])
    # The slots kept per user are filled together (one lookup for all of them).
    per_user = [
        (slots[piece[0]], piece[1])
        for piece in pieces
        if not isinstance(piece, str) and isinstance(slots[piece[0]], user_slots.PerUserSlot)
    ]
    filled = iter(user_slots.fill(per_user) if per_user else ())
    out = []
    for piece in pieces:
        if isinstance(piece, str):
            out.append(piece)
            continue
        name, args = piece
        render = slots[name]
        if isinstance(render, user_slots.PerUserSlot):
            out.append(next(filled))
        else:
            out.append(str(escape(render(*args))))
    return Markup("".join(out))


# ---------------------------------------------------------------- whole pages


def register_slot(
    name: str,
    render: Callable[..., Any],
    *,
    per_user: bool = False,
    shared_by: Callable[..., Any] | None = None,
) -> None:
    """Name the renderer of a slot that kept pages may hold (one renderer per name).

    `per_user`: what it renders depends only on its arguments, the signed-in user (or
    being anonymous), the locale and stored data whose commits renew the content or the
    accounts stamp (core/pagecache.py `ACCOUNT_TABLES`): it is then kept per user under
    both stamps (core/user_slots.py). A form token it renders is put back per request.
    `shared_by`: with `per_user`, what of the visitor the rendering shows; visitors alike
    share it (`user_slots.kept_per_user`).
    """
    if _REGISTERED.get(name, render) is not render:
        raise ValueError(f"slot {name!r} already has a renderer")
    _REGISTERED[name] = render
    _SLOT_RENDERERS[name] = (
        user_slots.kept_per_user(name, render, shared_by) if per_user else render
    )


def page_kept() -> bool:
    """Is the page being rendered to be kept whole? (The layout then writes its slots.)"""
    frames = g.get(_FRAMES)
    return bool(frames) and frames[0].page


def note_view(signal_name: str, sender: Any) -> bool:
    """Hold a showing announced while a page is being kept: `keep_page` announces it with
    the request's user once the page is rendered, and again on every hit. False when no
    page is being kept (announce it now)."""
    frames = g.get(_FRAMES)
    if not frames or not frames[0].page:
        return False
    frames[0].views.append((signal_name, sender))
    return True


def _announce(views: Any, response) -> None:
    from marketplace.core.pagecache import announce_view

    for signal_name, sender in views:
        announce_view(signal_name, sender, response)


def page_context() -> dict[str, Any]:
    """The template context of this request (context processors run once), for slots."""
    context = g.get(_PAGE_CONTEXT)
    if context is None:
        context = {}
        current_app.update_template_context(context)
        setattr(g, _PAGE_CONTEXT, context)
    return context


def template_slot(template: str) -> Callable[[], Markup]:
    """A slot renderer that renders `template` with this request's context."""

    def render() -> Markup:
        return Markup(current_app.jinja_env.get_template(template).render(page_context()))

    render.__name__ = f"slot:{template}"
    return render


class _Personal:
    """What a template sees instead of a personal value while a page is being kept."""

    def __init__(self, name: str) -> None:
        self._name = name

    def _refuse(self, *_args: Any, **_kwargs: Any) -> Any:
        raise PersonalValueInFragment(f"{self._name} read in a page kept for everyone")

    __getattr__ = __bool__ = __iter__ = __len__ = __str__ = __html__ = __call__ = _refuse
    __eq__ = __ne__ = __lt__ = __le__ = __gt__ = __ge__ = __contains__ = __getitem__ = _refuse
    __hash__ = None  # type: ignore[assignment]


# The context values (Flask's, Flask-Login's and the domains' processors) that are personal.
# (`g` cannot be hidden: Flask gives it again per blueprint; no template reads it.)
PERSONAL_CONTEXT = ("current_user", "session", "compare_tray", "unread_notifications")


def _personal_context() -> dict[str, Any]:
    if not page_kept():
        return {"viewer": viewer()}
    return {"viewer": viewer(), **{name: _Personal(name) for name in PERSONAL_CONTEXT}}


@dataclass(frozen=True)
class Viewer:
    """The kind of visitor, which the layout shows differently (the menu of an enterprise,
    a vendor, a moderator; the links of an organisation's member): public, and part of a
    kept page's key. Anything more personal is a slot."""

    signed_in: bool = False
    role: str | None = None
    has_organization: bool = False


ANONYMOUS = Viewer()


def viewer() -> Viewer:
    """The kind of the visitor of this request."""
    user = current_user
    if not getattr(user, "is_authenticated", False):
        return ANONYMOUS
    return Viewer(True, user.role, user.organization_id is not None)


def _page_key() -> tuple:
    return (
        "page",
        request.endpoint,
        request.full_path,
        str(get_locale()),
        request.host,
        request.script_root,
        viewer(),
    )


def _keepable(response) -> bool:
    extra = {name.lower() for name, _value in response.headers.items()} - {
        "content-type",
        "content-length",
    }
    return (
        response.status_code == 200
        and response.mimetype == "text/html"
        and not response.direct_passthrough
        and not extra
    )


def keep_page(view: Callable) -> Callable:
    """Keep this view's page whole for the requests the page cache does not serve.

    For GET requests only, when fragments are kept. On a hit the view does not run. A page
    whose rendering reads a personal value outside a slot is rendered as usual, and this
    process stops trying to keep it (logged once).
    """

    @functools.wraps(view)
    def wrapped(*args: Any, **kwargs: Any) -> Any:
        kept = _cache()
        app = current_app._get_current_object()
        unkept = app.extensions.setdefault(_UNKEPT_ENDPOINTS, set())
        if kept is None or request.method != "GET" or g.get(_FRAMES) or request.endpoint in unkept:
            return view(*args, **kwargs)
        key = _page_key()
        stamp, page = kept.lookup(key)
        if page is not stamps.MISSING:
            response = make_response(_fill(page.pieces, _SLOT_RENDERERS))
            _announce(page.views, response)
            return response
        frame = _Frame(_SLOT_RENDERERS, keeping=True, nonce=secrets.token_hex(8), page=True)
        frames = _frames()
        frames.append(frame)
        # The view's own code cannot read the user either (Flask-Login keeps it on `g`).
        user = current_user._get_current_object()  # loaded now if it was not yet
        setattr(g, _REAL_USER, user)
        setattr(g, _LOGIN_USER, _Personal("current_user"))
        refused: PersonalValueInFragment | None = None
        try:
            response = make_response(view(*args, **kwargs))
            html = response.get_data(as_text=True) if _keepable(response) else None
        except PersonalValueInFragment as error:
            refused = error
        finally:
            frames.remove(frame)
            g.pop(_REAL_USER, None)
            setattr(g, _LOGIN_USER, user)
        if refused is not None:
            unkept.add(request.endpoint)
            log.warning("page %s is not kept whole: %s", request.endpoint, refused)
            return view(*args, **kwargs)
        _announce(frame.views, response)
        if html is None:
            # Not a page to keep (a redirect, an error): only its markers, if any, are filled.
            if not frame.calls or response.direct_passthrough:
                return response
            pieces = _pieces(response.get_data(as_text=True), frame)
        else:
            pieces = _pieces(html, frame)
            kept.put(stamp, key, _KeptPage(pieces, tuple(frame.views)))
        response.set_data(str(_fill(pieces, _SLOT_RENDERERS)))
        return response

    return wrapped


def clear() -> None:
    """Forget the fragments, pages and per-user slots kept by this process."""
    for key in (EXTENSION_KEY, user_slots.EXTENSION_KEY):
        kept = current_app.extensions.get(key)
        if kept is not None:
            kept.clear()


def _guarded(render: Callable[..., Any], what: str) -> Callable[..., Any]:
    def guarded(*args: Any, **kwargs: Any) -> Any:
        if what == "csrf_token" and user_slots.rendering():
            return user_slots.TOKEN_MARKER  # kept per user: the token is put back per request
        if keeping():
            raise PersonalValueInFragment(f"{what} inside a kept fragment: make it a slot")
        return render(*args, **kwargs)

    guarded.__name__ = getattr(render, "__name__", what)
    guarded.__doc__ = render.__doc__
    return guarded


# Template helpers that read the visitor (their session, their user, their token): calling
# one while a part is kept for everyone is an error.
GUARDED_GLOBALS = (
    "csrf_token",
    "preference_csrf_field",
    "site_banner",
    "needs_verification",
    "can_act",
    "get_flashed_messages",
)


def init_app(app: Flask) -> None:
    """Give templates `cached_fragment`, `slot` and `page_kept`."""
    app.jinja_env.globals["cached_fragment"] = cached_fragment
    app.jinja_env.globals["slot"] = slot
    app.jinja_env.globals["page_kept"] = page_kept


def finish_app(app: Flask) -> None:
    """Once every domain has given templates its helpers: refuse the personal ones inside
    kept parts, and hide the personal context values from a page being kept."""
    guarded = {
        name: _guarded(app.jinja_env.globals[name], name)
        for name in GUARDED_GLOBALS
        if name in app.jinja_env.globals
    }
    app.jinja_env.globals.update(guarded)
    # Flask-WTF also gives `csrf_token` to every template through a context processor.
    app.context_processor(lambda: guarded)
    # Last: it overrides what the earlier processors give.
    app.context_processor(_personal_context)
    # The processors read the user (their values are hidden by the last one).
    for processors in app.template_context_processors.values():
        processors[:] = [_with_real_user(processor) for processor in processors]


def _with_real_user(processor: Callable[[], dict]) -> Callable[[], dict]:
    """Run a context processor with the request's user even while a page is kept."""

    @functools.wraps(processor)
    def run() -> dict:
        real = g.get(_REAL_USER)
        if real is None:
            return processor()
        hidden = g.get(_LOGIN_USER)
        setattr(g, _LOGIN_USER, real)
        try:
            return processor()
        finally:
            setattr(g, _LOGIN_USER, hidden)

    return run


def _preference_csrf() -> Markup:
    from marketplace.core.security import preference_csrf_field

    return preference_csrf_field()


def _user_name() -> str:
    # Plain text: `slot` escapes what is not markup.
    return current_user.name


def _notices() -> Markup:
    """The banner, the e-mail to verify and the flashed messages; most pages have none.

    The template reads the user and the request, the rest through template helpers: it
    needs no context processor.
    """
    helpers = current_app.jinja_env.globals
    user = current_user._get_current_object()
    if session.get("_flashes") or helpers["site_banner"]() or helpers["needs_verification"](user):
        template = current_app.jinja_env.get_template("core/_notices.html")
        return Markup(template.render(current_user=user, request=request))
    return Markup("")


# The layout's personal parts (templates/base.html, core/_account_nav.html).
register_slot("notices", _notices)
register_slot("preference_csrf", _preference_csrf)
register_slot("csrf_token", user_slots.csrf_token)
register_slot("user_name", _user_name)
