"""The quote pages: asking, the notice of what is shared, the inbox, offers and acceptance
through the forms, who sees what, and bad input."""

from __future__ import annotations

import datetime as dt
import threading

import pytest
from sqlalchemy import select

from marketplace.billing.models import Order, OrderSource
from marketplace.core.clock import local_today
from marketplace.extensions import db
from marketplace.quotes import rules, services
from marketplace.quotes.models import Offer, QuoteRequest, QuoteStatus
from tests import factories
from tests.quotes.conftest import count_quotes, offer_input, plan_named, quote_input, request_form


def test_the_form_says_what_is_shared_before_sending(client_for, enterprise, solution):
    page = client_for(enterprise).get(f"/solutions/{solution.slug}/quote").get_data(as_text=True)
    assert "Thông tin được chia sẻ với nhà cung cấp" in page
    assert enterprise.email in page
    assert enterprise.organization.name in page


def test_a_request_is_sent_once_even_when_submitted_twice(client_for, enterprise, solution, vendor):
    c = client_for(enterprise)
    first = c.post(f"/solutions/{solution.slug}/quote", data=request_form(solution))
    second = c.post(f"/solutions/{solution.slug}/quote", data=request_form(solution))
    assert first.status_code == second.status_code == 302
    assert count_quotes() == 1
    quote = db.session.scalar(select(QuoteRequest))
    assert first.headers["Location"].endswith(f"/account/quotes/{quote.id}")
    assert second.headers["Location"] == first.headers["Location"]
    assert quote.contact_email == enterprise.email and quote.contact_phone == "0912345678"
    assert quote.plan_id == plan_named(solution, "Doanh nghiệp").id


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("users_count", "0"),
        ("users_count", "-4"),
        ("users_count", "mười"),
        ("users_count", "999999999999999999999"),
        ("plan", "999999"),
        ("plan", "abc"),
        ("contact_phone", "12"),
        ("desired_start", "31/02/2026"),
        ("budget", "vô hạn"),
    ],
)
def test_bad_request_details_are_field_errors_with_the_text_kept(
    client_for, enterprise, solution, field, value
):
    response = client_for(enterprise).post(
        f"/solutions/{solution.slug}/quote", data=request_form(solution, **{field: value})
    )
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "invalid-feedback" in page
    assert "Kế toán, kho, 3 chi nhánh" in page  # what was typed stays
    assert count_quotes() == 0


def test_concurrent_submits_create_exactly_one_quote(app_factory, app, enterprise, solution):
    """Two threads, each with its own app context and session, submit at the same moment."""
    user_id, solution_id = enterprise.id, solution.id
    data = quote_input(solution)
    apps = [app_factory(), app_factory()]
    barrier = threading.Barrier(2)
    outcomes: list[str] = []
    lock = threading.Lock()
    real_check = services.open_quote_for

    def check_then_wait(org_id, sol_id):
        found = real_check(org_id, sol_id)
        barrier.wait(timeout=10)  # both have checked: neither saw the other
        return found

    def submit(application) -> None:
        from marketplace.accounts.models import User
        from marketplace.catalog.models import Solution

        with application.app_context(), application.test_request_context():
            try:
                user = db.session.get(User, user_id)
                sol = db.session.get(Solution, solution_id)
                services.request_quote(user, sol, data)
                db.session.commit()
                result = "created"
            except rules.DuplicateQuoteError:
                db.session.rollback()
                result = "duplicate"
            except Exception as err:  # reported below
                db.session.rollback()
                result = f"error: {type(err).__name__}: {err}"
            finally:
                db.session.remove()
        with lock:
            outcomes.append(result)

    services.open_quote_for = check_then_wait
    try:
        threads = [threading.Thread(target=submit, args=(a,)) for a in apps]
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=30)
    finally:
        services.open_quote_for = real_check
    assert sorted(outcomes) == ["created", "duplicate"], outcomes
    db.session.expire_all()
    assert count_quotes() == 1


def _offer_form(solution, **overrides) -> dict:
    data = {
        "lines-0-item": str(plan_named(solution, "Doanh nghiệp").id),
        "lines-0-description": "",
        "lines-0-quantity": "2",
        "lines-0-unit_price": "8.500.000",
        "lines-0-vat": "10",
        "lines-1-item": "custom",
        "lines-1-description": "Triển khai và đào tạo",
        "lines-1-quantity": "1",
        "lines-1-unit_price": "3000000",
        "lines-1-vat": "8",
        "valid_until": (local_today() + dt.timedelta(days=20)).isoformat(),
        "terms": "Thanh toán trong 15 ngày.",
    }
    data.update(overrides)
    return data


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("lines-1-quantity", "0"),
        ("lines-1-quantity", "-1"),
        ("lines-1-quantity", "1e9"),
        ("lines-1-unit_price", "0"),
        ("lines-1-unit_price", "-3.000.000"),
        ("lines-1-unit_price", "99999999999999999999"),
        ("lines-1-vat", "12"),
        ("lines-0-item", "424242"),
        ("valid_until", "hôm qua"),
        ("valid_until", "2001-01-01"),
    ],
)
def test_bad_offers_are_refused_with_field_errors(
    client_for, vendor, make_quote, solution, field, value
):
    quote = make_quote()
    response = client_for(vendor).post(
        f"/vendor/quotes/{quote.id}/offer", data=_offer_form(solution, **{field: value})
    )
    assert response.status_code == 400
    assert "invalid-feedback" in response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(QuoteRequest, quote.id).status == QuoteStatus.REQUESTED
    assert db.session.scalar(select(Offer.id)) is None


def test_the_journey_through_the_forms(client_for, enterprise, vendor, solution):
    buyer, seller = client_for(enterprise), client_for(vendor)
    assert (
        buyer.post(f"/solutions/{solution.slug}/quote", data=request_form(solution)).status_code
        == 302
    )
    quote = db.session.scalar(select(QuoteRequest))
    inbox = seller.get("/vendor/quotes").get_data(as_text=True)
    assert enterprise.organization.name in inbox and "0912345678" in inbox
    detail = seller.get(f"/vendor/quotes/{quote.id}").get_data(as_text=True)
    assert enterprise.email in detail  # the requester's contact, on a request it received
    assert (
        seller.post(f"/vendor/quotes/{quote.id}/offer", data=_offer_form(solution)).status_code
        == 302
    )
    offer = db.session.scalar(select(Offer))
    assert offer.total_vnd == 21_940_000
    page = buyer.get(f"/account/quotes/{quote.id}").get_data(as_text=True)
    assert "21.940.000 ₫" in page
    assert (
        buyer.post(
            f"/account/quotes/{quote.id}/messages", data={"body": "Đã gồm đào tạo chưa?"}
        ).status_code
        == 302
    )
    assert (
        seller.post(
            f"/vendor/quotes/{quote.id}/messages", data={"body": "Đã gồm 2 buổi."}
        ).status_code
        == 302
    )
    # A price posted with the acceptance is ignored: the order is priced by the offer.
    response = buyer.post(
        f"/account/quotes/{quote.id}/accept",
        data={"accept-offer_id": str(offer.id), "total_vnd": "1", "accept-total_vnd": "1"},
    )
    assert response.status_code == 302
    db.session.expire_all()
    quote = db.session.get(QuoteRequest, quote.id)
    assert quote.status == QuoteStatus.ACCEPTED
    assert quote.current_offer.total_vnd == 21_940_000
    [order] = db.session.scalars(select(Order)).all()
    assert (order.source, order.source_id) == (OrderSource.QUOTE, quote.id)
    assert order.total_vnd == quote.current_offer.total_vnd == 21_940_000
    assert [(line.quantity, line.unit_price_vnd) for line in order.lines] == [
        (2, 8_500_000),
        (1, 3_000_000),
    ]
    # The order exists at once: the buyer is taken to it, told so, to pay it.
    assert response.headers["Location"].endswith(f"/orders/{order.id}")
    page = buyer.get(response.headers["Location"]).get_data(as_text=True)
    assert "Đơn hàng đã được tạo theo đúng giá đã báo" in page
    assert "đang được tạo" not in page
    assert order.number in page and "21.940.000 ₫" in page
    page = buyer.get(f"/account/quotes/{quote.id}").get_data(as_text=True)
    assert f"/orders/{order.id}" in page
    # Accepting twice does nothing more.
    buyer.post(f"/account/quotes/{quote.id}/accept", data={"accept-offer_id": str(offer.id)})
    db.session.expire_all()
    assert [e.to_status for e in db.session.get(QuoteRequest, quote.id).events].count(
        "accepted"
    ) == 1


def test_only_the_parties_see_a_quote_and_a_moderator_only_reads(
    client_for, make_quote, other_vendor, other_enterprise, moderator, vendor, solution
):
    quote = make_quote(offered=True)
    assert client_for(other_vendor).get(f"/vendor/quotes/{quote.id}").status_code == 404
    assert (
        client_for(other_vendor)
        .post(f"/vendor/quotes/{quote.id}/offer", data=_offer_form(solution))
        .status_code
        == 404
    )
    assert client_for(other_enterprise).get(f"/account/quotes/{quote.id}").status_code == 404
    assert (
        client_for(other_enterprise)
        .post(
            f"/account/quotes/{quote.id}/accept",
            data={"accept-offer_id": str(quote.current_offer.id)},
        )
        .status_code
        == 404
    )
    assert quote.organization.name not in client_for(other_vendor).get("/vendor/quotes").get_data(
        as_text=True
    )
    mod = client_for(moderator)
    page = mod.get(f"/moderation/quotes/{quote.id}")
    assert page.status_code == 200
    assert "Gửi báo giá" not in page.get_data(as_text=True)
    assert (
        mod.post(f"/vendor/quotes/{quote.id}/offer", data=_offer_form(solution)).status_code == 403
    )
    assert mod.post(f"/vendor/quotes/{quote.id}/messages", data={"body": "x"}).status_code == 403
    db.session.expire_all()
    assert len(db.session.get(QuoteRequest, quote.id).offers) == 1


def test_hostile_markdown_in_messages_renders_harmless(client_for, enterprise, make_quote):
    quote = make_quote()
    hostile = (
        "<script>alert(1)</script> [bấm](javascript:alert(2)) "
        '<img src=x onerror="alert(3)"> **đậm**'
    )
    services.post_message(enterprise, quote, body=hostile)
    db.session.commit()
    page = client_for(enterprise).get(f"/account/quotes/{quote.id}").get_data(as_text=True)
    assert "<script>alert(1)" not in page
    assert "javascript:alert" not in page
    assert "onerror" not in page
    assert "<strong>đậm</strong>" in page


def _grow(vendor, solution, n: int) -> None:
    for _ in range(n):
        user = factories.make_user("enterprise")
        quote = services.request_quote(user, solution, quote_input(solution))
        services.send_offer(vendor, quote, offer_input(solution))
        services.post_message(user, quote, body="Câu hỏi")
    db.session.commit()


def test_inbox_runs_a_constant_number_of_queries(client_for, vendor, solution, count_queries):
    c = client_for(vendor)
    _grow(vendor, solution, 3)
    urls = ["/vendor/quotes", "/vendor/quotes?status=offered&mine=1", "/vendor/quotes.csv"]
    small = {}
    for url in urls:
        with count_queries() as q:
            assert c.get(url).status_code == 200
        small[url] = q.count
    _grow(vendor, solution, 15)
    for url in urls:
        with count_queries() as q:
            assert c.get(url).status_code == 200
        assert q.count == small[url], url


def test_the_csv_lists_the_vendors_requests_only(client_for, vendor, other_vendor, make_quote):
    make_quote(offered=True)
    body = client_for(vendor).get("/vendor/quotes.csv").get_data(as_text=True)
    assert "Nguyễn Thị Hương" in body and "21940000" in body
    assert "Nguyễn Thị Hương" not in client_for(other_vendor).get("/vendor/quotes.csv").get_data(
        as_text=True
    )


def test_vendors_answer_with_403_when_requesting(client_for, vendor, solution):
    assert client_for(vendor).get(f"/solutions/{solution.slug}/quote").status_code == 403


def test_a_role_that_may_not_ask_is_refused_with_403(client_for, enterprise, solution, monkeypatch):
    from marketplace.accounts import roles

    monkeypatch.setattr(roles, "email_verified", lambda user: False)
    response = client_for(enterprise).post(
        f"/solutions/{solution.slug}/quote", data=request_form(solution)
    )
    assert response.status_code == 403
    assert "xác thực địa chỉ e-mail" in response.get_data(as_text=True)
    assert count_quotes() == 0


def _inbox(client, query: str = "") -> tuple[set[int], dict[str, int]]:
    """Return the quote ids listed by the inbox and the count shown on each status pill."""
    from bs4 import BeautifulSoup

    response = client.get(f"/vendor/quotes{query}")
    assert response.status_code == 200
    soup = BeautifulSoup(response.get_data(as_text=True), "html.parser")
    ids = {
        int(a["href"].rsplit("/", 1)[-1])
        for a in soup.select(".list-group a.list-group-item[href*='/vendor/quotes/']")
    }
    counts = {}
    for a in soup.select("ul.nav-pills a.nav-link"):
        badge = a.find(class_="badge")
        counts[a.get_text(" ", strip=True).removesuffix(badge.get_text(strip=True)).strip()] = int(
            badge.get_text(strip=True)
        )
    return ids, counts


def test_the_inbox_filters_and_counts_per_status(
    client_for, vendor, other_vendor, solution, make_quote
):
    from tests.quotes.conftest import PLANS

    second = factories.make_solution(vendor, name="Kho hàng Sông Lam", plans=list(PLANS))
    other_solution = factories.make_solution(other_vendor, name="Kho Bạch Đằng", plans=list(PLANS))
    colleague = factories.make_user("vendor", org=vendor.organization, name="Trần Văn Bán")
    buyers = [factories.make_user("enterprise") for _ in range(4)]
    waiting = make_quote(user=buyers[0])  # requested, nobody owns it
    offered = make_quote(user=buyers[1], offered=True)  # the vendor who offered owns it
    mine_elsewhere = make_quote(user=buyers[2], sol=second)
    services.assign_quote(vendor, mine_elsewhere, assignee_id=colleague.id)
    closed = make_quote(user=buyers[3], sol=second)
    services.close_quote(vendor, closed, reason="Chưa phục vụ địa bàn này")
    db.session.commit()
    foreign = make_quote(user=buyers[0], sol=other_solution)  # another vendor's request
    everything = {waiting.id, offered.id, mine_elsewhere.id, closed.id}
    c = client_for(vendor)

    ids, counts = _inbox(c)
    assert ids == everything and foreign.id not in ids
    assert counts == {
        "Tất cả": 4,
        "Chờ báo giá": 2,
        "Đã gửi báo giá": 1,
        "Đã chấp nhận": 0,
        "Bị từ chối": 0,
        "Hết hiệu lực": 0,
        "Đã rút yêu cầu": 0,
        "Đã đóng": 1,
    }
    assert _inbox(c, "?status=requested")[0] == {waiting.id, mine_elsewhere.id}
    assert _inbox(c, "?status=offered")[0] == {offered.id}
    assert _inbox(c, "?status=accepted")[0] == set()
    # The counts follow the solution filter, not the status one.
    ids, counts = _inbox(c, f"?solution={second.id}")
    assert ids == {mine_elsewhere.id, closed.id}
    assert (counts["Tất cả"], counts["Chờ báo giá"], counts["Đã gửi báo giá"]) == (2, 1, 0)
    assert counts["Đã đóng"] == 1
    assert _inbox(c, f"?status=requested&solution={second.id}")[1] == counts
    assert _inbox(c, f"?status=requested&solution={second.id}")[0] == {mine_elsewhere.id}
    # "Assigned to me" is the signed-in member's own requests.
    assert _inbox(c, "?mine=1")[0] == {offered.id}
    assert _inbox(client_for(colleague), "?mine=1")[0] == {mine_elsewhere.id}
    assert _inbox(client_for(colleague), "?mine=1&status=offered")[0] == set()
    # Another vendor's solution is no filter: the vendor still sees its own requests only.
    assert _inbox(c, f"?solution={other_solution.id}")[0] == everything
