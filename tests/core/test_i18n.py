"""Vietnamese by default, English on request; money and dates as the glossary fixes them."""

from __future__ import annotations

import datetime as dt

import pytest

from marketplace.core.formatting import format_date, format_datetime, format_vnd
from marketplace.extensions import db


def test_interface_is_vietnamese_by_default(client):
    html = client.get("/").get_data(as_text=True)
    assert '<html lang="vi">' in html
    assert "Đăng nhập" in html and "Chợ Giải Pháp Số" in html


def test_language_switch_is_kept_in_the_session(client):
    response = client.post("/lang", data={"lang": "en", "next": "/auth/login"})
    assert response.status_code == 302 and response.headers["Location"].endswith("/auth/login")
    html = client.get("/auth/login").get_data(as_text=True)
    assert '<html lang="en">' in html
    assert "Sign in" in html and "Digital Solutions Marketplace" in html
    client.post("/lang", data={"lang": "vi"})
    assert "Đăng nhập" in client.get("/auth/login").get_data(as_text=True)


def test_unknown_language_and_offsite_next_are_ignored(client):
    response = client.post("/lang", data={"lang": "fr", "next": "https://evil.example"})
    assert response.headers["Location"].endswith("/")
    assert '<html lang="vi">' in client.get("/").get_data(as_text=True)


def test_language_is_kept_per_user(client_for, enterprise, make_client, login):
    c = client_for(enterprise)
    c.post("/lang", data={"lang": "en"})
    db.session.refresh(enterprise)
    assert enterprise.locale == "en"
    other_browser = login(make_client(), enterprise)
    assert '<html lang="en">' in other_browser.get("/account/").get_data(as_text=True)


def test_error_pages_exist_in_both_languages(client):
    assert "Không tìm thấy trang" in client.get("/missing").get_data(as_text=True)
    client.post("/lang", data={"lang": "en"})
    assert "Page not found" in client.get("/missing").get_data(as_text=True)


@pytest.mark.parametrize(
    ("amount", "shown"),
    [
        (0, "0 ₫"),
        (1200000, "1.200.000 ₫"),
        (999, "999 ₫"),
        (150000, "150.000 ₫"),
        (12345678901, "12.345.678.901 ₫"),
        (-50000, "-50.000 ₫"),
        (None, ""),
    ],
)
def test_money_is_shown_in_vnd(amount, shown):
    assert format_vnd(amount) == shown


def test_dates_are_shown_in_ho_chi_minh_time(app):
    with app.test_request_context("/"):
        late_utc = dt.datetime(2026, 3, 25, 20, 30, tzinfo=dt.UTC)  # 03:30 on the 26th in Hà Nội
        assert format_date(late_utc) == "26/03/2026"
        assert format_datetime(late_utc) == "26/03/2026 03:30"
        assert format_date(dt.date(2026, 1, 5)) == "05/01/2026"


def test_words_shared_in_vietnamese_are_told_apart_in_english(web_app):
    from flask_babel import force_locale

    from marketplace.trials.presenters import status_label

    with web_app.test_request_context("/"):
        with force_locale("en"):
            assert status_label("declined") == "Declined"
            render = web_app.jinja_env.from_string
            assert render('{{ _("Bị từ chối") }}').render() == "Rejected"
            plural = '{{ ngettext("%(num)d quyết định", "%(num)d quyết định", n) }}'
            assert render(plural).render(n=1) == "1 decision"
            assert render(plural).render(n=3) == "3 decisions"
        assert status_label("declined") == "Bị từ chối"
        assert web_app.jinja_env.from_string(plural).render(n=3) == "3 quyết định"


def test_template_translations_are_the_same_kept_or_not(app):
    """`_()` in templates keeps each translated string without variables per catalogue:
    the same text as Jinja's own gettext, per language, escaped where the template escapes,
    "%%" read as "%", and variables escaped and put in on every call."""
    from flask_babel import force_locale

    page = app.jinja_env.from_string(
        "{{ _('Kết hợp') }}|{{ _('100%% miễn phí') }}|{{ _('Kết quả cho “%(q)s”', q=q) }}"
    )
    text = app.jinja_env.from_string("{% autoescape false %}{{ _('Kết hợp') }}{% endautoescape %}")
    with app.test_request_context("/"):
        for _ in range(2):  # the second time from what is kept
            assert page.render(q="<b>") == "Kết hợp|100% miễn phí|Kết quả cho “&lt;b&gt;”"
            with force_locale("en"):
                assert page.render(q="a&b").startswith("Hybrid|100% miễn phí|")
                assert "a&amp;b" in page.render(q="a&b")
            assert page.render(q="x").startswith("Kết hợp|")
            assert text.render() == "Kết hợp"


def test_template_translations_take_no_copy_of_the_context(app):
    """`_()` and `ngettext()` in a block or loop that sets a variable: the same text, and
    Jinja is not asked to copy the template's context for each call (`Context.derived`,
    which it does for a function that takes the whole context)."""
    from jinja2.runtime import Context
    from jinja2.utils import _PassArg

    for name in ("_", "gettext", "ngettext"):
        assert _PassArg.from_obj(app.jinja_env.globals[name]) is _PassArg.eval_context
    page = app.jinja_env.from_string(
        "{% for n in [1, 2] %}{% set shown = '<' ~ n %}"
        "{{ _('Kết quả cho “%(q)s”', q=shown) }};"
        "{{ ngettext('%(num)d giải pháp', '%(num)d giải pháp', n) }};{% endfor %}"
        "{% autoescape false %}{% set raw = '<i>' %}{{ _('Kết quả cho “%(q)s”', q=raw) }}"
        "{% endautoescape %}"
    )
    copies = []
    original = Context.derived

    def counted(self, *args, **kwargs):
        copies.append(1)
        return original(self, *args, **kwargs)

    with app.test_request_context("/"):
        Context.derived = counted
        try:
            html = page.render()
        finally:
            Context.derived = original
    assert html == (
        "Kết quả cho “&lt;1”;1 giải pháp;Kết quả cho “&lt;2”;2 giải pháp;Kết quả cho “<i>”"
    )
    assert copies == []


def test_kept_number_formats_follow_the_language(app):
    from flask_babel import force_locale

    from marketplace.core.formatting import format_rating

    with app.test_request_context("/"):
        assert (format_vnd(1200000), format_rating(4.25)) == ("1.200.000 ₫", "4,2")
        with force_locale("en"):
            assert (format_vnd(1200000), format_rating(4.25)) == ("1,200,000 ₫", "4.2")
        assert format_vnd(1200000) == "1.200.000 ₫"


def test_the_page_language_is_written_once_per_locale_and_follows_a_forced_one(app):
    """`locale_name` (numbers, category names): the request's language, then a forced one
    and back; outside an app context (another thread here), the default."""
    import threading

    from flask import session
    from flask_babel import force_locale

    from marketplace.catalog.models import CategoryWording
    from marketplace.core.i18n import locale_name

    class Wording(CategoryWording):
        name_vi, name_en, parent = "Kế toán", "Accounting", None
        description_vi = description_en = ""

    # Each request its own app context, as when served (Flask-Babel keeps the locale on `g`).
    with app.app_context(), app.test_request_context("/"):
        session["lang"] = "en"
        assert (locale_name(), Wording().name) == ("en", "Accounting")
        with force_locale("vi"):
            assert (locale_name(), Wording().name) == ("vi", "Kế toán")
        assert locale_name() == "en"
    with app.app_context(), app.test_request_context("/"):
        assert (locale_name(), Wording().name) == ("vi", "Kế toán")
    seen = []
    thread = threading.Thread(target=lambda: seen.append((locale_name("xx"), Wording().name)))
    thread.start()
    thread.join()
    assert seen == [("xx", "Kế toán")]
