"""A kept page's slots kept per user (core/user_slots.py), filled together: a page the user
was shown already costs one lookup for all of them, their first showing one write; each
slot's HTML is the one it renders alone, the request's form token put back."""

from __future__ import annotations

import pytest
from flask_login import login_user
from markupsafe import Markup

from marketplace.core import fragments, stamps, user_slots
from marketplace.extensions import db
from tests import factories


@pytest.fixture
def kept_app(app_factory, tmp_path):
    return app_factory(
        FRAGMENT_CACHE_SECONDS=60, ACCOUNT_CACHE_SECONDS=60, PAGE_CACHE_STAMP=str(tmp_path / "s")
    )


@pytest.fixture
def slots():
    """Two slots kept per user and how often each rendered."""
    rendered: list[str] = []

    def greeting(n):
        rendered.append(f"greeting {n}")
        return Markup(f"<b>{n}</b><input value='{user_slots.TOKEN_MARKER}'>")

    def standing(n):
        rendered.append(f"standing {n}")
        return Markup("<i>{}</i>").format(f"{n} & co")  # the text escaped, as a template does

    return (
        user_slots.kept_per_user("test_greeting", greeting),
        user_slots.kept_per_user("test_standing", standing),
        rendered,
    )


def _lookups(monkeypatch) -> list[tuple]:
    asked: list[tuple] = []
    real = stamps.VersionedCache.lookup
    monkeypatch.setattr(
        stamps.VersionedCache, "lookup", lambda self, key: asked.append(key) or real(self, key)
    )
    return asked


def _as(app, user, do):
    with app.test_request_context("/"):
        login_user(user)
        return do()


def _user():
    """A user made in the test's own app (its session stays open for the test)."""
    user = factories.make_user("enterprise")
    db.session.commit()
    return user


def test_a_pages_slots_are_filled_with_one_lookup_once_shown(app, kept_app, slots, monkeypatch):
    greeting, standing, rendered = slots
    user = _user()
    calls = [(greeting, (1,)), (standing, (2,)), (greeting, (3,))]
    first = _as(kept_app, user, lambda: (user_slots.fill(calls), user_slots.csrf_token()))
    html, token = first
    assert html == [
        f"<b>1</b><input value='{token}'>",
        "<i>2 &amp; co</i>",
        f"<b>3</b><input value='{token}'>",
    ]
    assert rendered == ["greeting 1", "standing 2", "greeting 3"]
    asked = _lookups(monkeypatch)
    again, token = _as(kept_app, user, lambda: (user_slots.fill(calls), user_slots.csrf_token()))
    assert rendered == ["greeting 1", "standing 2", "greeting 3"]  # nothing rendered again
    assert len(asked) == 1
    assert again[0] == f"<b>1</b><input value='{token}'>"  # the request's own token
    # Each slot alone gives what it gave in the page.
    alone = _as(kept_app, user, lambda: str(standing(2)))
    assert alone == "<i>2 &amp; co</i>"


def test_another_user_gets_their_own_filling(app, kept_app, slots):
    greeting, standing, rendered = slots
    first, second = _user(), _user()
    calls = [(greeting, (1,)), (standing, (2,))]
    _as(kept_app, first, lambda: user_slots.fill(calls))
    _as(kept_app, second, lambda: user_slots.fill(calls))
    assert rendered == ["greeting 1", "standing 2"] * 2


def test_a_kept_page_fills_its_slots_in_their_places(app, kept_app, slots):
    """Slots kept per user and others interleaved keep their order in the page."""
    greeting, standing, _rendered = slots
    pieces = ("a", ("g", (1,)), "b", ("plain", ()), "c", ("s", (2,)), "d")
    renderers = {"g": greeting, "s": standing, "plain": lambda: "<p>x</p>"}
    user = _user()
    html = _as(kept_app, user, lambda: str(fragments._fill(pieces, renderers)))
    assert html.startswith("a<b>1</b><input value='") and "'>b&lt;p&gt;x&lt;/p&gt;c<i>2" in html
    assert html.endswith("<i>2 &amp; co</i>d")
