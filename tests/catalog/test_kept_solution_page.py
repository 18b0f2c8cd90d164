"""The solution page kept whole (core/fragments.py `keep_page`) around each visitor's slots:
may they buy, the plans their organisation holds, the programme's support for them, may
they review, their votes. Those slots are kept per user (`per_user`) under the content and
accounts stamps: what a user does shows on their next page, and never on another's."""

from __future__ import annotations

import pytest
from bs4 import BeautifulSoup
from sqlalchemy import select

from marketplace.accounts.models import Membership
from marketplace.catalog import public_queries
from marketplace.catalog.models import Plan
from marketplace.core import events, user_reads
from marketplace.extensions import db
from marketplace.reviews.models import ReviewVote
from tests import factories
from tests.catalog.test_fragment_cache import _review

SAME_ORIGIN = {"Sec-Fetch-Site": "same-origin"}


@pytest.fixture
def web(app_factory, tmp_path):
    """An app that keeps pages and per-user slots (the suite keeps neither by default)."""
    return app_factory(
        FRAGMENT_CACHE_SECONDS=60,
        ACCOUNT_CACHE_SECONDS=60,
        PAGE_CACHE_STAMP=str(tmp_path / "stamp"),
    )


@pytest.fixture
def page(app, vendor):
    """A listing with a paid plan and a published review by a third organisation."""
    solution = factories.make_solution(vendor, name="Hóa đơn điện tử Sao Mai")
    db.session.commit()
    review = _review(solution, factories.make_org(name="Hộ kinh doanh Thứ Ba"), status="published")
    plan = db.session.scalars(select(Plan).where(Plan.solution_id == solution.id)).one()
    return solution, plan, review


@pytest.fixture
def views(monkeypatch):
    """How many times the solution page's view read its listing."""
    calls = []
    real = public_queries.public_solution
    monkeypatch.setattr(
        public_queries, "public_solution", lambda *a, **k: calls.append(1) or real(*a, **k)
    )
    return calls


def _commit_in(web, change) -> None:
    """Make a change and commit it in the site's process (its commits renew its stamps)."""
    with web.app_context():
        change()
        db.session.commit()
        db.session.remove()


def _soup(response) -> BeautifulSoup:
    assert response.status_code == 200
    return BeautifulSoup(response.get_data(as_text=True), "html.parser")


def _vote(soup: BeautifulSoup, review) -> str:
    return soup.select_one(f"#review-{review.id} .review-actions button")["aria-pressed"]


def _buy_buttons(soup: BeautifulSoup) -> list:
    """The plan's buy buttons (disabled here: the vendor takes no payment through the site)."""
    return soup.select('#plans [aria-describedby="billing-off"]')


def _tokens(soup: BeautifulSoup) -> set[str]:
    return {field["value"] for field in soup.select('input[name="csrf_token"]')}


def _tokenless(soup: BeautifulSoup) -> str:
    """The page without its form tokens' values (signed anew each second)."""
    copy = BeautifulSoup(str(soup), "html.parser")
    for field in copy.select('input[name="csrf_token"]'):
        field["value"] = ""
    return str(copy)


def test_the_page_is_kept_once_and_each_user_gets_their_own_parts(
    web, page, login, views, count_queries
):
    solution, plan, review = page
    tuan = factories.make_user("enterprise", name="Trần Văn Tuấn")
    lan = factories.make_user("enterprise", name="Nguyễn Thị Lan")
    db.session.commit()
    _review(solution, tuan.organization, status="hidden", hidden_reason="Lý do riêng của Tuấn")
    factories.make_subscription(lan.organization_id, plan, stripe_id="sub_lan")
    db.session.add(ReviewVote(review_id=review.id, user_id=lan.id))
    db.session.commit()
    tuan_client, lan_client = login(web.test_client(), tuan), login(web.test_client(), lan)
    lan_elsewhere = login(web.test_client(), lan)  # the same user in another browser
    for client in (tuan_client, lan_client, lan_elsewhere):
        client.get("/")  # the welcome message is shown and gone
    path = f"/solutions/{solution.slug}"

    tuan_page = _soup(tuan_client.get(path))
    lan_page = _soup(lan_client.get(path))
    assert len(views) == 1  # Lan's page came from the kept one: the view did not run
    with count_queries() as again:
        lan_again = _soup(lan_client.get(path))
    assert again.count == 0, again.statements  # her user and her parts are kept too

    tuan_html, lan_html = str(tuan_page), str(lan_page)
    assert "Đang sử dụng" in lan_html and "Đang sử dụng" not in tuan_html
    assert "Lý do riêng của Tuấn" in tuan_html and "Lý do riêng của Tuấn" not in lan_html
    assert [_vote(p, review) for p in (lan_page, tuan_page)] == ["true", "false"]
    assert tuan.name in tuan_html and tuan.name not in lan_html
    # Every form holds its own session's token, the kept vote forms too.
    assert not _tokens(tuan_page) & _tokens(lan_page)
    # The same page again; its tokens are signed anew each second, for the same session.
    assert _tokenless(lan_again) == _tokenless(lan_page)
    assert {t.split(".")[0] for t in _tokens(lan_again)} == {
        t.split(".")[0] for t in _tokens(lan_page)
    }

    # The same user in another browser: the same kept parts, that session's token.
    with count_queries() as elsewhere:
        other = _soup(lan_elsewhere.get(path))
    assert elsewhere.count == 0  # the same kept parts
    vote_tokens = {
        form.select_one('input[name="csrf_token"]')["value"]
        for form in (
            p.select_one(f"#review-{review.id} .review-actions form") for p in (lan_page, other)
        )
    }
    assert len(vote_tokens) == 2
    assert vote_tokens <= _tokens(lan_page) | _tokens(other)
    assert _vote(other, review) == "true"


def test_what_a_user_does_shows_on_their_next_kept_page(web, page, login, views):
    solution, plan, review = page
    tuan = factories.make_user("enterprise", name="Trần Văn Tuấn", org_role="owner")
    db.session.commit()
    client = login(web.test_client(), tuan)
    client.get("/")
    path = f"/solutions/{solution.slug}"
    first = _soup(client.get(path))
    assert _vote(first, review) == "false" and "Đang sử dụng" not in str(first)
    assert _buy_buttons(first)

    # A vote (through the page's own form).
    form = first.select_one(f"#review-{review.id} .review-actions form")
    fields = {field["name"]: field["value"] for field in form.select("input")}
    assert client.post(form["action"], data=fields, headers=SAME_ORIGIN).status_code in (302, 303)
    assert _vote(_soup(client.get(path)), review) == "true"

    # The organisation buys the plan (as the payment's webhook would, in the site's process).
    org_id, plan_id, user_id = tuan.organization_id, plan.id, tuan.id
    _commit_in(
        web,
        lambda: factories.make_subscription(org_id, db.session.get(Plan, plan_id), stripe_id="s1"),
    )
    assert "Đang sử dụng" in str(_soup(client.get(path)))

    # Made a plain member: buying is for the owner and managers.
    def demote():
        query = select(Membership).where(Membership.user_id == user_id)
        db.session.scalars(query).one().role = "member"

    _commit_in(web, demote)
    member_page = _soup(client.get(path))
    assert "Đang sử dụng" not in str(member_page)
    assert not _buy_buttons(member_page)
    # Rendered twice: first, and after the vote (the review's count is public); the purchase
    # and the new role only renewed the accounts stamp: the page stayed kept.
    assert len(views) == 2


def test_a_change_to_the_listing_renders_the_page_again(web, page, login, views):
    solution, plan, _review_row = page
    client = login(web.test_client(), factories.make_user("enterprise"))
    path = f"/solutions/{solution.slug}"
    client.get(path)
    plan_id = plan.id
    _commit_in(web, lambda: setattr(db.session.get(Plan, plan_id), "price_vnd", 2_400_000))
    assert "2.400.000" in client.get(path).get_data(as_text=True)
    assert len(views) == 2


def test_a_kept_page_still_counts_each_showing_with_its_visitor(web, page, login):
    solution, _plan, _review_row = page
    user = factories.make_user("enterprise")
    db.session.commit()
    seen = []

    def record(solution_id, *, user, **_details):
        seen.append((solution_id, user.id if user is not None and user.is_authenticated else None))

    events.solution_viewed.connect(record)
    try:
        client = login(web.test_client(), user)
        for _ in range(3):
            client.get(f"/solutions/{solution.slug}")
    finally:
        events.solution_viewed.disconnect(record)
    assert seen == [(solution.id, user.id)] * 3


def test_users_alike_share_a_reviews_actions_and_others_get_their_own(
    web, page, vendor, login, monkeypatch
):
    """A review's actions are rendered once for the users whose standing is the same (not
    voted, may vote and report) — each with their own form token — and again for a user
    whose standing differs: the listing's vendor, who may reply and may not vote."""
    solution, _plan, review = page
    an = factories.make_user("enterprise", name="Phạm Văn An")
    binh = factories.make_user("enterprise", name="Lê Thị Bình")
    db.session.commit()
    clients = [login(web.test_client(), user) for user in (an, binh, vendor)]
    for client in clients:
        client.get("/")
    renders = []
    real = web.jinja_env.get_template

    def get_template(name, *args, **kwargs):
        if name == "reviews/_macros.html":
            renders.append(1)
        return real(name, *args, **kwargs)

    monkeypatch.setattr(web.jinja_env, "get_template", get_template)
    path = f"/solutions/{solution.slug}"
    an_page = _soup(clients[0].get(path))  # the page is rendered and kept, and An's parts
    after_an = len(renders)
    binh_page = _soup(clients[1].get(path))
    assert len(renders) == after_an  # Bình's first showing: An's rendering, Bình's token
    vendor_page = _soup(clients[2].get(path))
    assert len(renders) > after_an  # the vendor stands elsewhere: rendered for them

    an_form, binh_form = (
        p.select_one(f"#review-{review.id} .review-actions form") for p in (an_page, binh_page)
    )
    assert an_form["action"] == binh_form["action"]
    tokens = [f.select_one('input[name="csrf_token"]')["value"] for f in (an_form, binh_form)]
    assert tokens[0] != tokens[1]
    assert [_vote(p, review) for p in (an_page, binh_page)] == ["false", "false"]
    vendor_actions = vendor_page.select_one(f"#review-{review.id} .review-actions")
    assert vendor_actions.select_one("form") is None  # a vendor does not vote on its own
    assert "Phản hồi" in vendor_actions.get_text()
    assert "Phản hồi" not in an_page.select_one(f"#review-{review.id} .review-actions").get_text()


@pytest.mark.parametrize("read_with_the_user", [True, False])
def test_the_plans_held_and_the_right_to_review_read_one_billing_statement(
    web, page, login, count_queries, monkeypatch, read_with_the_user
):
    """The plans a user's organisation holds and whether it bought the listing are read with
    the user (core/user_reads.py): their showing of the page then asks no billing statement.
    Where that was not kept, one statement asks both (billing.queries.owned_plan_ids). The
    answers are those of each rule: a holder sees "Đang sử dụng" and may review (the
    purchase is its only use), another organisation sees the buy button and may not."""
    if not read_with_the_user:
        monkeypatch.setattr(user_reads, "recall", lambda key: user_reads.MISSING)
    solution, plan, _review_row = page
    lan = factories.make_user("enterprise", name="Nguyễn Thị Lan")
    tuan = factories.make_user("enterprise", name="Trần Văn Tuấn")
    db.session.commit()
    factories.make_subscription(lan.organization_id, plan, stripe_id="sub_lan_one")
    db.session.commit()
    path = f"/solutions/{solution.slug}"
    pages = {}
    for name, user in (("lan", lan), ("tuan", tuan)):
        client = login(web.test_client(), user)
        client.get("/")
        with count_queries() as q:
            pages[name] = str(_soup(client.get(path)))
        bought = [s for s in q.statements if "FROM payments" in s]
        if read_with_the_user:
            assert bought == [], q.statements
        else:
            assert len(bought) == 1 and "subscriptions.plan_id" in bought[0], q.statements
    assert "Đang sử dụng" in pages["lan"] and "Đang sử dụng" not in pages["tuan"]
    assert "Viết đánh giá" in pages["lan"] and "Viết đánh giá" not in pages["tuan"]
