"""What a request keeps for itself (core/request_memo.py) is its own: one app context may
serve several requests (a test, a command), and nothing kept by one reaches the next."""

from __future__ import annotations

from marketplace.catalog import params as catalog_params
from marketplace.catalog.presenters import catalog_url
from marketplace.core import request_memo, stamps


def test_a_memo_belongs_to_its_request(app):
    with app.app_context():
        with app.test_request_context("/"):
            request_memo.memo("x")["kept"] = 1
            assert request_memo.memo("x") == {"kept": 1}
            request_memo.forget("x", "kept")
            assert request_memo.memo("x") == {}
            request_memo.memo("x")["kept"] = 2
        with app.test_request_context("/"):  # the same app context, a new request
            assert request_memo.memo("x") == {}
    # Outside a request nothing is kept.
    request_memo.memo("x")["kept"] = 3
    assert request_memo.memo("x") == {}
    request_memo.forget("x", "kept")  # and forgetting is harmless


def test_a_stamp_read_by_one_request_is_read_again_by_the_next(app):
    stamp = stamps.stamp_for(app)
    with app.app_context():
        with app.test_request_context("/"):
            first = stamps.request_content_stamp(app)
            stamp.renew()  # another worker's change: this request keeps what it read
            assert stamps.request_content_stamp(app) == first
            stamps.forget_request_stamp("content")  # as after this request's own commit
            second = stamps.request_content_stamp(app)
            assert second != first
            stamp.renew()
        with app.test_request_context("/"):
            assert stamps.request_content_stamp(app) not in (first, second)


def test_the_catalogues_links_follow_each_requests_script_root(app):
    params = catalog_params.parse_params({"q": "kế toán"})
    with app.app_context():
        with app.test_request_context("/", base_url="http://localhost/cho"):
            assert catalog_url(params).startswith("/cho/solutions?q=")
        with app.test_request_context("/"):
            assert catalog_url(params).startswith("/solutions?q=")


def test_a_search_plan_and_the_categories_are_kept_for_one_request(app):
    from marketplace.catalog import listed, search

    query = search.parse_query("kế toán")
    with app.app_context():
        with app.test_request_context("/"):
            search.remember_plan(query, search.Plan(stage="none", variants=(("x",),)))
            assert search.plan(query).variants == (("x",),)
            first = listed.shown_categories()
            assert listed.shown_categories() is first  # read once per request
        with app.test_request_context("/"):
            assert search.plan(query).variants != (("x",),)  # decided again for this request
            assert request_memo.memo("shown_categories") == {}
