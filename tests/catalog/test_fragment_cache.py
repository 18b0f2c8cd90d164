"""Parts of signed-in pages kept for everyone (core/fragments.py): they never carry one
user's name, organisation, tray, form token or owned plan to another, every change to what
they show is seen on the next render, and a kept part costs less than rendering it."""

from __future__ import annotations

import re

import pytest
from bs4 import BeautifulSoup
from flask import render_template_string
from sqlalchemy import select

from marketplace.accounts.models import Organization
from marketplace.catalog.content import PlanInput, refresh_plan_summary
from marketplace.catalog.models import Category, Plan, Solution
from marketplace.core import fragments
from marketplace.core.database import utcnow
from marketplace.extensions import db
from marketplace.reviews import services as review_services
from marketplace.reviews.models import Review, ReviewVote
from tests import factories

SAME_ORIGIN = {"Sec-Fetch-Site": "same-origin"}


@pytest.fixture
def stamp_path(tmp_path):
    return str(tmp_path / "content.stamp")


@pytest.fixture
def kept(app_factory, stamp_path):
    """Apps that keep fragments (and nothing else), sharing one host's content stamp."""

    def build(**extra):
        return app_factory(FRAGMENT_CACHE_SECONDS=60, PAGE_CACHE_STAMP=stamp_path, **extra)

    return build


@pytest.fixture
def listings(app, vendor):
    a = factories.make_solution(
        vendor,
        name="Hóa đơn điện tử Sao Mai",
        plans=[PlanInput(name="Gói Năm", price_vnd=1_200_000, period="year", trial_days=14)],
    )
    b = factories.make_solution(vendor, name="Kế toán Bạch Đằng", category_id=a.category_id)
    vendor.organization.name = "Công ty Viễn thông Sao Mai"
    db.session.commit()
    return a, b


def _soup(response) -> BeautifulSoup:
    assert response.status_code == 200
    return BeautifulSoup(response.get_data(as_text=True), "html.parser")


def _tokens(html: str) -> set[str]:
    soup = BeautifulSoup(html, "html.parser")
    return {field["value"] for field in soup.select('input[name="csrf_token"]')}


def _tokenless(html: str) -> str:
    """The page without its form tokens (signed anew each second)."""
    return re.sub(r'(name="csrf_token" value=")[^"]*', r"\1", html)


def _without(node, selector: str) -> str:
    """The markup of `node` without the per-visitor elements `selector` picks."""
    node = BeautifulSoup(str(node), "html.parser")
    for personal in node.select(selector):
        personal.decompose()
    return str(node)


def _kept_parts(catalogue: BeautifulSoup, page: BeautifulSoup) -> list[str]:
    """The kept parts of a catalogue and a solution page, per-visitor slots taken out."""
    parts = [
        str(catalogue.select_one("aside.col-lg-3")),
        _without(catalogue.select_one("section.col-lg-9"), "form.compare-form"),
        str(page.select_one("h1").parent.parent),
        str(page.select_one(".listing-description")),
        _without(
            page.select_one("#plans table"),
            "td.text-end .badge, td.text-end button, th .d-sm-none .badge, th .d-sm-none button",
        ),
        str(page.select_one(".review-summary")),
        _without(page.select_one(".review-list"), ".review-actions"),
        str(page.select_one("#vendor")),
    ]
    return [re.sub(r"\s+", " ", part) for part in parts]


def test_two_users_share_the_kept_parts_and_never_each_others_own(
    kept, listings, vendor, login, count_queries
):
    a, b = listings
    web = kept()
    # A review from a third organisation: the solution page has a summary and a list to keep.
    third = _review(a, factories.make_org(name="Hộ kinh doanh Thứ Ba"), status="published")
    # Tuấn's organisation has a tray and a review hidden by a moderator; Lan's owns the plan.
    tuan = factories.make_user("enterprise", name="Trần Văn Tuấn")
    lan = factories.make_user("enterprise", name="Nguyễn Thị Lan")
    tuan_org, lan_org = tuan.organization, lan.organization
    tuan_org.name, lan_org.name = "Công ty Tuấn Phát", "Hợp tác xã Lan Anh"
    db.session.commit()
    _review(a, tuan_org, status="hidden", hidden_reason="Lý do riêng của Tuấn Phát")
    plan = db.session.scalars(select(Plan).where(Plan.solution_id == a.id)).one()
    factories.make_subscription(lan.organization_id, plan, stripe_id="sub_lan")
    db.session.add(ReviewVote(review_id=third.id, user_id=lan.id))  # Lan found it helpful
    db.session.commit()

    tuan_client = login(web.test_client(), tuan)
    assert tuan_client.post(
        "/compare/add", data={"slug": a.slug, "next": "/solutions"}, headers=SAME_ORIGIN
    ).status_code in (302, 303)
    lan_client = login(web.test_client(), lan)

    pages = {}
    # Tuấn fills the catalogue's parts and Lan gets them kept; the solution page the other
    # way round; then each asks again (every part kept).
    order = [
        (tuan_client, "/solutions"),
        (lan_client, "/solutions"),
        (lan_client, f"/solutions/{a.slug}"),
        (tuan_client, f"/solutions/{a.slug}"),
        (lan_client, f"/compare?s={a.slug},{b.slug}"),
        (tuan_client, f"/compare?s={a.slug},{b.slug}"),
    ]
    for client, path in order + order:
        response = client.get(path)
        pages[(client, path)] = response.get_data(as_text=True)
    # The catalogue and the solution page are kept whole (one entry each, their parts inside
    # them); the comparison keeps its parts.
    kept_keys = [key for _stamp, key in web.extensions[fragments.EXTENSION_KEY].store.kept_keys()]
    assert sum(key[0] == "page" for key in kept_keys) == 2
    assert len(kept_keys) == 3

    tuan_html = pages[(tuan_client, "/solutions")] + pages[(tuan_client, f"/solutions/{a.slug}")]
    lan_html = pages[(lan_client, "/solutions")] + pages[(lan_client, f"/solutions/{a.slug}")]
    # Each user's own parts are on their pages only.
    for own, _other, html, other_html in [
        (tuan, lan, tuan_html, lan_html),
        (lan, tuan, lan_html, tuan_html),
    ]:
        assert own.name in html and own.name not in other_html
        assert own.organization.name not in other_html
    assert "Lý do riêng của Tuấn Phát" in tuan_html and "Tuấn Phát" not in lan_html
    assert "Đang sử dụng" in lan_html and "Đang sử dụng" not in tuan_html
    votes = [
        _soup_of(pages[(client, f"/solutions/{a.slug}")]).select_one(
            f"#review-{third.id} .review-actions button"
        )
        for client in (lan_client, tuan_client)
    ]
    assert [vote["aria-pressed"] for vote in votes] == ["true", "false"]
    # The tray: Tuấn's card of A says it is in his tray, Lan's does not.
    tuan_card = _soup_of(pages[(tuan_client, "/solutions")]).select_one(f"#card-{a.slug} button")
    lan_card = _soup_of(pages[(lan_client, "/solutions")]).select_one(f"#card-{a.slug} button")
    assert tuan_card.has_attr("disabled") and "Đã thêm vào so sánh" in tuan_card.text
    assert not lan_card.has_attr("disabled") and "Thêm vào so sánh" in lan_card.text
    assert "Khay so sánh" in tuan_html and "Khay so sánh" not in lan_html
    # Form tokens: each page carries its own session's, in every card's form too.
    tuan_tokens, lan_tokens = _tokens(tuan_html), _tokens(lan_html)
    assert tuan_tokens and lan_tokens and not tuan_tokens & lan_tokens
    cards = _soup_of(pages[(lan_client, "/solutions")]).select("form.compare-form")
    assert len(cards) == 2
    assert all(_tokens(str(form)) <= lan_tokens and _tokens(str(form)) for form in cards)

    # What is kept is the same markup for both.
    tuan_parts = _kept_parts(
        _soup_of(pages[(tuan_client, "/solutions")]),
        _soup_of(pages[(tuan_client, f"/solutions/{a.slug}")]),
    )
    lan_parts = _kept_parts(
        _soup_of(pages[(lan_client, "/solutions")]),
        _soup_of(pages[(lan_client, f"/solutions/{a.slug}")]),
    )
    assert tuan_parts == lan_parts
    rows = [
        str(_soup_of(pages[(client, f"/compare?s={a.slug},{b.slug}")]).select_one("tbody"))
        for client in (tuan_client, lan_client)
    ]
    assert rows[0] == rows[1] and "Nhà cung cấp" in rows[0]
    assert b.name in tuan_parts[1] and "review-summary" in tuan_parts[5]
    assert "Hộ kinh doanh Thứ Ba" in tuan_parts[6]


def _soup_of(html: str) -> BeautifulSoup:
    return BeautifulSoup(html, "html.parser")


def _review(solution, org, *, status: str, **fields) -> Review:
    now = utcnow()
    review = Review(
        solution_id=solution.id,
        organization_id=org.id,
        overall=4,
        ease_of_use=4,
        features=4,
        support=4,
        value=4,
        title=f"Nhận xét của {org.name}",
        body="Dùng ổn định, hỗ trợ nhanh, giá hợp lý cho doanh nghiệp nhỏ.",
        verified=True,
        status=status,
        helpful_count=0,
        created_at=now,
        updated_at=now,
        **fields,
    )
    db.session.add(review)
    db.session.flush()
    review_services.lock_solution(solution.id)
    review_services.refresh_aggregates(solution.id)
    db.session.commit()
    return review


def test_the_locale_and_the_parameters_are_part_of_the_key(kept, listings, login):
    a, b = listings
    web = kept()
    english = factories.make_user("enterprise", locale="en")
    vietnamese = factories.make_user("enterprise")
    en_client, vi_client = login(web.test_client(), english), login(web.test_client(), vietnamese)
    assert "Add to comparison" in en_client.get("/solutions").get_data(as_text=True)
    assert "Free trial" in en_client.get(f"/solutions/{a.slug}").get_data(as_text=True)
    catalogue = _soup(vi_client.get("/solutions"))
    assert "Điện toán đám mây" in str(catalogue.select_one("aside.col-lg-3"))
    assert "Add to comparison" not in str(catalogue)
    page = _soup(vi_client.get(f"/solutions/{a.slug}"))
    assert "Dùng thử miễn phí" in str(page.select_one("#plans")) and "Free trial" not in str(page)
    found = _soup(vi_client.get("/solutions?q=bach+dang")).select_one("section.col-lg-9")
    assert b.name in str(found) and a.name not in str(found)
    assert _soup(vi_client.get("/solutions?page=2")).select_one("section.col-lg-9 article") is None


def _rename_listing(solution):
    solution.name = "Hóa đơn điện tử Sao Kim"
    return "Hóa đơn điện tử Sao Mai", "Hóa đơn điện tử Sao Kim"


def _reprice_plan(solution):
    plan = db.session.scalars(select(Plan).where(Plan.solution_id == solution.id)).one()
    plan.price_vnd = 1_500_000
    refresh_plan_summary(solution)
    return "1.200.000", "1.500.000"


def _publish_review(solution):
    review = db.session.scalars(select(Review).where(Review.solution_id == solution.id)).one()
    review.status = "published"
    db.session.flush()
    review_services.refresh_aggregates(solution.id)
    return "Chưa có đánh giá", "(1)"


def _rename_vendor(solution):
    vendor = db.session.get(Organization, solution.vendor_id)
    old, vendor.name = vendor.name, "Công ty Viễn thông Sao Kim"
    return old, "Công ty Viễn thông Sao Kim"


def _rename_category(solution):
    category = db.session.get(Category, solution.category_id)
    old, category.name_vi = category.name_vi, "Hóa đơn và chứng từ điện tử"
    return old, "Hóa đơn và chứng từ điện tử"


@pytest.mark.parametrize(
    "change",
    [_rename_listing, _reprice_plan, _publish_review, _rename_vendor, _rename_category],
    ids=["listing", "plan price", "review", "vendor", "category"],
)
def test_a_change_shows_on_the_next_signed_in_render_of_every_page(
    kept, listings, enterprise, login, change
):
    a, _b = listings
    reviewer = factories.make_org(name="Hộ kinh doanh Đánh Giá")
    _review(a, reviewer, status="hidden")
    web, writer = kept(), kept()
    client = login(web.test_client(), enterprise)
    client.get("/")  # shows the welcome message
    paths = ["/solutions", f"/solutions/{a.slug}", f"/compare?s={a.slug},{_b.slug}"]
    before = {path: client.get(path).get_data(as_text=True) for path in paths}
    for path in paths:  # now served from the kept parts
        assert _tokenless(client.get(path).get_data(as_text=True)) == _tokenless(before[path])

    with writer.app_context():
        old, new = change(db.session.get(Solution, a.id))
        db.session.commit()
        db.session.remove()

    catalogue = _soup(client.get("/solutions"))
    page = client.get(f"/solutions/{a.slug}").get_data(as_text=True)
    table = _soup(client.get(paths[2])).select_one("#compare-table")
    # The listing's name heads its column; the rest is in the kept rows.
    rows = str(table if change is _rename_listing else table.select_one("tbody"))
    if change is _publish_review:
        assert "1 đánh giá" in rows and "1 đánh giá" not in before[paths[2]]
    else:
        assert new in rows and new not in before[paths[2]]
    if change is _rename_category:
        # The name is part of others ("Hóa đơn điện tử Sao Mai"): look at the labels alone.
        def labels(soup, selector):
            return [node.get_text(" ", strip=True) for node in soup.select(selector)]

        facets = labels(catalogue, f"aside .facet-link, #card-{a.slug} .badge")
        crumbs = labels(_soup_of(page), ".breadcrumb-item a")
        assert not any(old in label for label in facets + crumbs)
        assert any(new in label for label in facets) and any(new in c for c in crumbs)
        return
    card = str(catalogue.select_one(f"#card-{a.slug}"))
    assert old in before["/solutions"] and old not in card and new in card
    if change is _publish_review:
        assert "review-summary" not in before[paths[1]] and "review-summary" in page
        assert "Hộ kinh doanh Đánh Giá" in page
    else:
        assert old in before[paths[1]]
        assert old not in page and new in page


def test_a_kept_catalogue_renders_no_card_and_loads_no_listing(
    kept, listings, enterprise, login, count_queries, monkeypatch
):
    web = kept()
    client = login(web.test_client(), enterprise)
    client.get("/")  # shows the welcome message
    loads = []
    from marketplace.catalog import listed

    real_load = listed.load
    monkeypatch.setattr(listed, "load", lambda ids: loads.append(ids) or real_load(ids))
    with count_queries() as first:
        first_page = client.get("/solutions").get_data(as_text=True)
    with count_queries() as second:
        second_page = client.get("/solutions").get_data(as_text=True)
    assert len(loads) == 1  # the second render built no card: it needed no listing
    assert second.count < first.count
    assert _tokenless(second_page) == _tokenless(first_page)


def test_fragments_are_off_in_tests_and_a_form_token_cannot_be_kept(app, kept, listings):
    with app.test_request_context("/"):
        assert fragments._cache() is None
    web = kept()
    with web.test_request_context("/"):
        with pytest.raises(fragments.PersonalValueInFragment):
            render_template_string('{% call cached_fragment("t") %}{{ csrf_token() }}{% endcall %}')
        with pytest.raises(KeyError):
            render_template_string('{% call cached_fragment("u") %}{{ slot("x", 1) }}{% endcall %}')
        html = render_template_string(
            "{% macro who(n) %}[{{ n }}:{{ name }}]{% endmacro %}"
            '{% call cached_fragment("v", slots={"who": who}) %}<p>{{ slot("who", 7) }}</p>'
            "{% endcall %}",
            name="Tuấn",
        )
        assert html == "<p>[7:Tuấn]</p>"
        html = render_template_string(
            "{% macro who(n) %}[{{ n }}:{{ name }}]{% endmacro %}"
            '{% call cached_fragment("v", slots={"who": who}) %}<p>kept {{ name }}'
            '{{ slot("who", 7) }}</p>{% endcall %}',
            name="Lan",
        )
        assert html == "<p>[7:Lan]</p>"  # the kept part, the slot rendered again


def test_a_kept_solution_page_skips_the_listing_sections_queries(
    kept, listings, enterprise, login, count_queries
):
    a, _b = listings
    web = kept()
    client = login(web.test_client(), enterprise)
    client.get("/")  # shows the welcome message
    with count_queries() as first:
        first_page = client.get(f"/solutions/{a.slug}").get_data(as_text=True)
    with count_queries() as second:
        second_page = client.get(f"/solutions/{a.slug}").get_data(as_text=True)
    # Feature labels and images are read only to render the kept sections.
    assert second.count < first.count
    assert _tokenless(second_page) == _tokenless(first_page)
