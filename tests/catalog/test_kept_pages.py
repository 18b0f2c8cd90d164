"""Whole pages kept for the requests the page cache does not serve (core/fragments.py
`keep_page`): a signed-in user, a visitor whose session holds a tray or a message. The
layout's personal parts are slots: each user gets their own menu, notices, tray and form
tokens around the page kept for everyone, and a page that reads a personal value outside a
slot is rendered as usual instead."""

from __future__ import annotations

import re

import pytest
from bs4 import BeautifulSoup
from flask import render_template_string

from marketplace.catalog import queries
from marketplace.core import fragments
from marketplace.extensions import db
from tests import factories

SAME_ORIGIN = {"Sec-Fetch-Site": "same-origin"}


@pytest.fixture
def web(app_factory, tmp_path):
    return app_factory(FRAGMENT_CACHE_SECONDS=60, PAGE_CACHE_STAMP=str(tmp_path / "stamp"))


@pytest.fixture
def listing(app, vendor):
    solution = factories.make_solution(vendor, name="Hóa đơn điện tử Sao Mai")
    db.session.commit()
    return solution


@pytest.fixture
def runs(monkeypatch):
    """How many times the catalogue's view ran its query."""
    calls = []
    real = queries.run_catalog
    monkeypatch.setattr(queries, "run_catalog", lambda *a, **k: calls.append(1) or real(*a, **k))
    return calls


def _page_keys(web, endpoint: str | None = None) -> list:
    """The pages kept whole (of `endpoint` only, when given)."""
    store = web.extensions[fragments.EXTENSION_KEY].store
    return [
        key for _stamp, key in store.kept_keys() if key[0] == "page" and endpoint in (None, key[1])
    ]


def _soup(response) -> BeautifulSoup:
    assert response.status_code == 200
    return BeautifulSoup(response.get_data(as_text=True), "html.parser")


def _tokens(soup: BeautifulSoup) -> set[str]:
    return {field["value"] for field in soup.select('input[name="csrf_token"]')}


def test_a_kept_catalogue_runs_no_view_and_gives_each_user_their_own_layout(
    web, listing, login, runs, count_queries
):
    tuan = factories.make_user("enterprise", name="Trần Văn Tuấn")
    lan = factories.make_user("enterprise", name="Nguyễn Thị Lan")
    minh = factories.make_user("vendor", name="Phạm Văn Minh")
    db.session.commit()
    clients = {user.name: login(web.test_client(), user) for user in (tuan, lan, minh)}
    for client in clients.values():
        client.get("/")  # the welcome message is shown and gone

    tuan_page = _soup(clients[tuan.name].get("/solutions"))
    assert len(runs) == 1 and len(_page_keys(web, "catalog.index")) == 1
    with count_queries() as hit:
        lan_page = _soup(clients[lan.name].get("/solutions"))
    assert len(runs) == 1  # Lan's page came from the kept one: the view did not run
    # The user, their unread count: whatever the catalogue's size.
    assert hit.count <= 3, hit.statements
    # A vendor's menu differs: another kind of visitor, another kept page.
    minh_page = _soup(clients[minh.name].get("/solutions"))
    assert len(runs) == 2 and len(_page_keys(web, "catalog.index")) == 2

    pages = {tuan.name: str(tuan_page), lan.name: str(lan_page), minh.name: str(minh_page)}
    for name, html in pages.items():
        assert all((other in html) == (other == name) for other in pages)
    assert "Doanh nghiệp của tôi" in pages[lan.name] and "Kênh nhà cung cấp" not in pages[lan.name]
    assert "Kênh nhà cung cấp" in pages[minh.name]
    assert "Doanh nghiệp của tôi" not in pages[minh.name]
    # Every form carries its own session's token: the logout, the language, each card's.
    tuan_tokens, lan_tokens = _tokens(tuan_page), _tokens(lan_page)
    assert tuan_tokens and lan_tokens and not tuan_tokens & lan_tokens
    for page, tokens in ((tuan_page, tuan_tokens), (lan_page, lan_tokens)):
        forms = page.select("form.compare-form, footer form, form[action='/auth/logout']")
        assert len(forms) == 3
        assert all(_tokens(form) and _tokens(form) <= tokens for form in forms)
    # The rest is the same page.
    assert _cardless(tuan_page) == _cardless(lan_page)
    # Signed out: the sign-in links (the page cache is off here), not Tuấn's menu.
    clients[tuan.name].post("/auth/logout")
    signed_out = str(_soup(clients[tuan.name].get("/solutions")))
    assert "Đăng nhập" in signed_out and "Trần Văn Tuấn" not in signed_out
    assert len(runs) == 3


def _cardless(page: BeautifulSoup) -> str:
    main = BeautifulSoup(str(page.select_one("#main")), "html.parser")
    for form in main.select("form.compare-form"):
        form.decompose()
    return re.sub(r"\s+", " ", str(main))


def test_a_name_is_text_in_the_kept_page_and_in_a_fresh_one(web, app_factory, listing, login):
    odd = factories.make_user("enterprise", name='<b>Lan & "Co"</b>')
    other = factories.make_user("enterprise")
    db.session.commit()
    fresh = app_factory()  # fragments off: the slot rendered in place
    for application in (web, web, fresh):
        for user in (other, odd):
            html = login(application.test_client(), user).get("/solutions").get_data(as_text=True)
            if user is odd:
                assert "<b>Lan" not in html
                assert "&lt;b&gt;Lan &amp; &#34;Co&#34;&lt;/b&gt;" in html


def test_notices_and_the_tray_are_each_visitors_own_on_a_kept_page(web, listing, login, runs):
    unverified = factories.make_user(
        "enterprise", name="Lê Văn Chưa Xác Thực", email_verified=False
    )
    db.session.commit()
    first = login(web.test_client(), unverified)
    first.get("/")
    assert "verify-banner" in str(_soup(first.get("/solutions")))  # kept now
    assert len(runs) == 1

    # A visitor who is not signed in, with a tray and a message in their session.
    visitor = web.test_client()
    added = visitor.post(
        "/compare/add", data={"slug": listing.slug, "next": "/solutions"}, headers=SAME_ORIGIN
    )
    assert added.status_code in (302, 303)
    with visitor.session_transaction() as session:
        session["_flashes"] = [("message", "Tin nhắn riêng của khách")]
    page = _soup(visitor.get("/solutions"))
    assert len(runs) == 2  # a visitor who is not signed in: another kind
    assert "Tin nhắn riêng của khách" in str(page)
    assert page.select_one("#compare-tray") is not None
    card = page.select_one(f"#card-{listing.slug} form.compare-form button")
    assert card.has_attr("disabled")  # in their tray
    assert "verify-banner" not in str(page) and "Lê Văn Chưa Xác Thực" not in str(page)
    # The message is shown once; the tray stays.
    again = _soup(visitor.get("/solutions"))
    assert "Tin nhắn riêng của khách" not in str(again)
    assert again.select_one("#compare-tray") is not None
    # And the first user's page has neither.
    mine = str(_soup(first.get("/solutions")))
    assert "Tin nhắn riêng của khách" not in mine and 'id="compare-tray"' not in mine
    assert "verify-banner" in mine
    assert len(runs) == 2


def test_a_change_renders_the_kept_page_again(web, listing, vendor, login, runs):
    client = login(
        web.test_client(),
        factories.make_user("enterprise"),
    )
    client.get("/")
    assert listing.name in client.get("/solutions").get_data(as_text=True)
    with web.app_context():
        from marketplace.catalog.models import Solution

        db.session.get(Solution, listing.id).name = "Sao Mai đổi tên"
        db.session.commit()
        db.session.remove()
    html = client.get("/solutions").get_data(as_text=True)
    assert "Sao Mai đổi tên" in html and len(runs) == 2


def test_a_page_that_reads_the_user_outside_a_slot_is_rendered_not_kept(web, login):
    @web.get("/_test/greeting")
    @fragments.keep_page
    def greeting():
        return render_template_string(
            '{% extends "base.html" %}{% block content %}<p id="hi">{{ current_user.name }}'
            "</p>{% endblock %}"
        )

    @web.get("/_test/greeting-in-code")
    @fragments.keep_page
    def greeting_in_code():
        from flask_login import current_user

        name = current_user.name  # read by the view itself, not by its template
        return render_template_string(
            '{% extends "base.html" %}{% block content %}<p id="hi">{{ name }}</p>{% endblock %}',
            name=name,
        )

    tuan = factories.make_user("enterprise", name="Trần Văn Tuấn")
    lan = factories.make_user("enterprise", name="Nguyễn Thị Lan")
    db.session.commit()
    for path in ("/_test/greeting", "/_test/greeting-in-code"):
        pages = [
            _soup(login(web.test_client(), user).get(path)).select_one("#hi").text
            for user in (tuan, lan, tuan)
        ]
        assert pages == ["Trần Văn Tuấn", "Nguyễn Thị Lan", "Trần Văn Tuấn"]
    assert _page_keys(web) == []
    assert {"greeting", "greeting_in_code"} <= web.extensions[fragments._UNKEPT_ENDPOINTS]


@pytest.mark.parametrize("name", fragments.PERSONAL_CONTEXT)
def test_every_personal_value_is_refused_while_a_page_is_kept(web, name):
    with web.test_request_context("/"):
        frame = fragments._Frame({}, keeping=True, nonce="n", page=True)
        fragments._frames().append(frame)
        with pytest.raises(fragments.PersonalValueInFragment):
            render_template_string(f"{{{{ {name} }}}}{{{{ {name}.x }}}}")
        for helper in ("can_act", "needs_verification", "get_flashed_messages"):
            with pytest.raises(fragments.PersonalValueInFragment):
                render_template_string(f"{{{{ {helper}() }}}}")


def test_the_home_page_is_kept_and_greets_each_user_by_their_own_name(
    web, listing, login, count_queries
):
    tuan = factories.make_user("enterprise", name="Trần Văn Tuấn")
    lan = factories.make_user("enterprise", name="Nguyễn <b>Lan</b>")
    db.session.commit()
    clients = [login(web.test_client(), user) for user in (tuan, lan)]
    for client in clients:
        client.get("/")  # the welcome message is shown and gone

    def greeting(client) -> str:
        return _soup(client.get("/")).select_one(".border-primary h2").text

    assert greeting(clients[0]) == "Xin chào Trần Văn Tuấn"
    assert [key[1] for key in _page_keys(web)] == ["core.home"]
    with count_queries() as hit:
        assert greeting(clients[1]) == "Xin chào Nguyễn <b>Lan</b>"  # text, not markup
    assert hit.count <= 3, hit.statements  # the user and their unread count: no section
    assert "core.home" not in web.extensions.get(fragments._UNKEPT_ENDPOINTS, set())
