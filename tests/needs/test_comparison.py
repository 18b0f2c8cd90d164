"""The comparison of proposals: the price rule (a monthly cost for what recurs, one-time costs
apart, the catalogue's "lowest" rule), the vendors' figures, shortlisting, trials from a
proposal, and withdrawn proposals kept out of it."""

from __future__ import annotations

import datetime as dt
import html
import re

import pytest
from flask import current_app
from sqlalchemy import func, select

from marketplace.catalog.models import monthly_cost
from marketplace.core.clock import local_today
from marketplace.core.database import utcnow
from marketplace.extensions import db
from marketplace.needs import comparison, queries, rules, services
from marketplace.needs.models import Proposal, ProposalLine, ProposalStatus
from marketplace.quotes.models import QuoteRequest
from marketplace.reviews.models import Review
from marketplace.trials.models import TrialRequest
from tests import factories
from tests.needs.conftest import make_need, pass_deadline, propose

MONTHLY = [rules.LineInput("Thuê bao 12 người dùng", 1, 1_500_000, "exempt", "month")]
PACK = [rules.LineInput("Bản quyền vĩnh viễn", 1, 15_000_000, "exempt", "once")]


def _line(period: str, amount: int, vat: int = 0) -> rules.PricedLine:
    return rules.PricedLine("Hạng mục", 1, amount, "exempt", period, amount, vat)


def _prices(monthly, one_time, first_year=0) -> rules.ProposalPrices:
    return rules.ProposalPrices(monthly, one_time, first_year)


def test_prices_give_a_monthly_cost_and_the_one_time_cost_apart():
    prices = rules.proposal_prices(
        [
            _line("month", 1_000_000, 100_000),
            _line("year", 12_000_000),
            _line("once", 5_000_000, 500_000),
        ]
    )
    assert prices.monthly_vnd == 1_100_000 + 1_000_000  # a yearly line ÷ 12
    assert prices.one_time_vnd == 5_500_000
    assert prices.first_year_vnd == 12 * 1_100_000 + 12_000_000 + 5_500_000
    yearly = rules.proposal_prices([_line("year", 1_000_000)])
    # The catalogue's rounding (half up), not a formula of the needs board's own.
    assert yearly.monthly_vnd == monthly_cost(1_000_000, "year") == 83_333
    assert yearly.one_time_vnd is None
    pack = rules.proposal_prices([_line("once", 30_000_000)])
    assert pack.monthly_vnd is None and pack.one_time_vnd == 30_000_000
    assert pack.sort_key > yearly.sort_key  # one-time-only after every recurring proposal


def test_the_cheapest_mark_never_ranks_a_one_time_pack_against_a_recurring_plan():
    dear = _prices(2_000_000, 5_500_000, 29_500_000)
    cheap = _prices(1_500_000, None, 18_000_000)
    pack = _prices(None, 15_000_000, 15_000_000)  # the lowest first year, but one-time
    assert comparison.cheapest({1: dear, 2: cheap, 3: pack}) == {2: "monthly"}
    assert comparison.cheapest({3: pack, 4: _prices(None, 25_000_000)}) == {3: "one_time"}
    # A recurring proposal alone: nothing comparable to mark (the pack is not).
    assert comparison.cheapest({1: dear, 3: pack}) == {}
    assert comparison.cheapest({1: dear, 5: _prices(2_000_000, None)}) == {
        1: "monthly",
        5: "monthly",
    }


def _proposal(id_, *lines, status=ProposalStatus.SUBMITTED, shortlisted=False) -> Proposal:
    """A proposal in memory only: its stored lines give (period, amount, VAT)."""
    return Proposal(
        id=id_,
        status=status,
        shortlisted=shortlisted,
        lines=[ProposalLine(period=p, amount_vnd=a, vat_vnd=v) for p, a, v in lines],
    )


def test_the_comparison_orders_by_monthly_cost_with_vat_and_marks_the_lowest():
    dear = _proposal(1, ("month", 1_000_000, 100_000), ("once", 5_000_000, 500_000))
    cheap = _proposal(2, ("month", 1_000_000, 0))  # lower than 1 (VAT counts), equal to 4
    pack = _proposal(3, ("once", 3_000_000, 0))  # the lowest first year, but one-time
    twin = _proposal(4, ("year", 12_000_000, 0))  # 12.000.000 a year = 1.000.000 a month
    gone = _proposal(5, ("month", 1, 0), status=ProposalStatus.WITHDRAWN)
    result = comparison.compare_proposals([dear, cheap, pack, twin, gone], sealed=False)
    assert [p.id for p in result.proposals] == [2, 4, 1, 3]
    assert result.prices[1].monthly_vnd == 1_100_000
    assert result.prices[1].one_time_vnd == 5_500_000
    assert result.prices[3].monthly_vnd is None and result.prices[3].one_time_vnd == 3_000_000
    assert 5 not in result.prices
    assert result.cheapest == {2: "monthly", 4: "monthly"}


def test_the_shortlisted_come_first_and_a_sealed_comparison_is_empty():
    dear = _proposal(1, ("month", 2_000_000, 0), shortlisted=True)
    cheap = _proposal(2, ("month", 1_000_000, 0))
    result = comparison.compare_proposals([cheap, dear], sealed=False)
    assert [p.id for p in result.proposals] == [1, 2]
    assert result.cheapest == {2: "monthly"}  # the mark follows the price, not the order
    sealed = comparison.compare_proposals([cheap, dear], sealed=True)
    assert sealed.proposals == [] and sealed.prices == {} and sealed.cheapest == {}


def test_the_lowest_mark_needs_two_comparable_figures():
    monthly = _proposal(1, ("month", 1_000_000, 80_000))
    pack = _proposal(2, ("once", 500_000, 0))
    assert comparison.compare_proposals([monthly, pack], sealed=False).cheapest == {}
    assert comparison.compare_proposals([pack], sealed=False).cheapest == {}
    other_pack = _proposal(3, ("once", 400_000, 40_000))
    assert comparison.compare_proposals([pack, other_pack], sealed=False).cheapest == {
        3: "one_time"
    }


def _row(page: str, label: str) -> list[str]:
    """Return the cells of the comparison row headed `label`, as text."""
    match = re.search(
        r'<th scope="row" class="sticky-col small">' + re.escape(label) + r"</th>(.*?)</tr>",
        page,
        re.S,
    )
    assert match, f"no row {label!r}"
    cells = re.findall(r"<td[^>]*>(.*?)</td>", match.group(1), re.S)
    return [" ".join(html.unescape(re.sub(r"<[^>]+>", " ", c)).split()) for c in cells]


def _best(page: str, label: str) -> list[str]:
    match = re.search(
        r'<th scope="row" class="sticky-col small">' + re.escape(label) + r"</th>(.*?)</tr>",
        page,
        re.S,
    )
    return re.findall(r'<td class="best">\s*<strong>([^<]+)</strong>', match.group(1))


def _vendor_order(page: str, vendors) -> list[int]:
    positions = {v.organization_id: page.index(_heading(v)) for v in vendors}
    return sorted(positions, key=positions.get)


def _heading(vendor) -> str:
    return f'<span class="fw-semibold d-block">{vendor.organization.name}</span>'


@pytest.fixture
def third_vendor(app):
    return factories.make_user("vendor", verified=True)


def test_the_comparison_shows_monthly_one_time_and_first_year_and_marks_comparable_figures(
    enterprise, vendor, vendor_solution, second_vendor, third_vendor, client_for
):
    need = make_need(enterprise)
    propose(vendor, need)  # 2.000.000/month + 5.000.000 + 10 % once
    propose(second_vendor, need, lines=MONTHLY)
    propose(third_vendor, need, lines=PACK)
    pass_deadline(need)
    page = client_for(enterprise).get(f"/needs/{need.id}/compare").get_data(as_text=True)
    # Recurring proposals by their monthly cost, the one-time pack after them.
    assert _vendor_order(page, [vendor, second_vendor, third_vendor]) == [
        second_vendor.organization_id,
        vendor.organization_id,
        third_vendor.organization_id,
    ]
    assert _row(page, "Định kỳ mỗi tháng (gồm VAT)") == [
        "1.500.000 ₫ /tháng (thấp nhất)",
        "2.000.000 ₫ /tháng",
        "—",
    ]
    assert _row(page, "Một lần (gồm VAT)") == ["—", "5.500.000 ₫", "15.000.000 ₫"]
    assert _row(page, "Tổng năm đầu (tham khảo)") == [
        "18.000.000 ₫",
        "29.500.000 ₫",
        "15.000.000 ₫",
    ]
    # Only the lowest monthly cost is marked: the pack's lower first year is not a rival.
    assert _best(page, "Định kỳ mỗi tháng (gồm VAT)") == ["1.500.000 ₫"]
    assert _best(page, "Một lần (gồm VAT)") == []
    assert page.count('class="best"') == 1


def test_one_time_packs_compete_with_each_other_when_nothing_recurs(
    enterprise, vendor, second_vendor, client_for
):
    need = make_need(enterprise)
    propose(vendor, need, lines=PACK)
    cheaper = [rules.LineInput("Bản quyền vĩnh viễn", 1, 12_000_000, "8", "once")]
    propose(second_vendor, need, lines=cheaper)
    pass_deadline(need)
    page = client_for(enterprise).get(f"/needs/{need.id}/compare").get_data(as_text=True)
    assert _row(page, "Định kỳ mỗi tháng (gồm VAT)") == ["—", "—"]
    assert _best(page, "Một lần (gồm VAT)") == ["12.960.000 ₫"]


def test_the_rows_show_rating_response_time_verification_and_trial(
    enterprise, vendor, vendor_solution, second_vendor, client_for
):
    need = make_need(enterprise)
    first = propose(vendor, need, solution_ids=[vendor_solution.id])
    second = propose(second_vendor, need, lines=MONTHLY, trial_offered=False)
    for score in (4, 5):
        reviewer = factories.make_user("enterprise")
        db.session.add(
            Review(
                solution_id=vendor_solution.id,
                organization_id=reviewer.organization_id,
                author_id=reviewer.id,
                overall=score,
                ease_of_use=score,
                features=score,
                support=score,
                value=score,
                title="Dùng ổn định",
                body="Đội ngũ hỗ trợ nhanh.",
            )
        )
    asked = utcnow() - dt.timedelta(hours=10)
    db.session.add(
        QuoteRequest(
            organization_id=enterprise.organization_id,
            requested_by_id=enterprise.id,
            solution_id=vendor_solution.id,
            vendor_id=vendor.organization_id,
            users_count=5,
            contact_name="Nguyễn Thị Hương",
            contact_email=enterprise.email,
            contact_phone="0912345678",
            created_at=asked,
            first_response_at=asked + dt.timedelta(hours=3),
        )
    )
    # The second vendor lost its verification after proposing.
    second_vendor.organization.verified_at = None
    db.session.commit()

    figures = queries.vendor_figures([first, second])
    assert figures[first.id].rating == 4.5 and figures[first.id].reviews == 2
    assert figures[first.id].response_time == dt.timedelta(hours=3)
    assert figures[first.id].verified is True
    assert figures[second.id].rating is None and figures[second.id].reviews == 0
    assert figures[second.id].response_time is None
    assert figures[second.id].verified is False

    pass_deadline(need)
    page = client_for(enterprise).get(f"/needs/{need.id}/compare").get_data(as_text=True)
    # The second (1.500.000/month) comes first.
    assert _row(page, "Đánh giá")[1].endswith("4,5 (2)")
    assert _row(page, "Đánh giá")[0] == "—"
    assert _row(page, "Thời gian phản hồi báo giá") == ["—", "3 giờ"]
    assert _row(page, "Xác thực") == ["Chưa xác thực", "✓ Đã xác thực"]
    assert _row(page, "Dùng thử") == ["Không", "Có"]


def test_shortlisting_sets_the_flag_and_sorts_first_after_the_deadline_only(
    enterprise, vendor, second_vendor, client_for
):
    need = make_need(enterprise)
    dear = propose(vendor, need)
    cheap = propose(second_vendor, need, lines=MONTHLY)
    with current_app.test_request_context(), pytest.raises(rules.NeedError):
        services.shortlist(enterprise, need, proposal_id=dear.id, on=True)  # still sealed
    db.session.rollback()
    pass_deadline(need)
    buyer = client_for(enterprise)
    member = factories.make_user("enterprise", org=enterprise.organization, org_role="member")
    client_for(member).post(f"/needs/{need.id}/shortlist", data={"proposal_id": dear.id, "on": "1"})
    db.session.expire_all()
    assert db.session.get(Proposal, dear.id).shortlisted is False  # the role may not decide
    response = buyer.post(f"/needs/{need.id}/shortlist", data={"proposal_id": dear.id, "on": "1"})
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(Proposal, dear.id).shortlisted is True
    assert db.session.get(Proposal, cheap.id).shortlisted is False
    page = buyer.get(f"/needs/{need.id}/compare").get_data(as_text=True)
    assert _vendor_order(page, [vendor, second_vendor]) == [
        vendor.organization_id,
        second_vendor.organization_id,
    ]
    assert "Bỏ khỏi danh sách rút gọn" in page
    buyer.post(f"/needs/{need.id}/shortlist", data={"proposal_id": dear.id, "on": "0"})
    db.session.expire_all()
    assert db.session.get(Proposal, dear.id).shortlisted is False
    # Once closed, nothing is shortlisted any more.
    buyer.post(f"/needs/{need.id}/close", data={"close-reason": "Đã tự xây dựng nội bộ"})
    db.session.expire_all()
    need = db.session.get(type(need), need.id)
    assert need.status == "not_awarded"
    with current_app.test_request_context(), pytest.raises(rules.NeedError):
        services.shortlist(enterprise, need, proposal_id=cheap.id, on=True)
    db.session.rollback()
    assert db.session.get(Proposal, cheap.id).shortlisted is False


def test_a_trial_is_requested_from_the_comparison_page(
    enterprise, vendor, vendor_solution, client_for
):
    need = make_need(enterprise)
    proposal = propose(vendor, need, solution_ids=[vendor_solution.id])
    pass_deadline(need)
    buyer = client_for(enterprise)
    plan = vendor_solution.plans[0]
    page = buyer.get(f"/needs/{need.id}/compare").get_data(as_text=True)
    assert f'value="{vendor_solution.id}:{plan.id}"' in page
    prefix = f"trial{proposal.id}-"
    start = (local_today() + dt.timedelta(days=3)).strftime("%d/%m/%Y")
    data = {
        prefix + "proposal_id": proposal.id,
        prefix + "plan": f"{vendor_solution.id}:{plan.id}",
        prefix + "contact_phone": "0912 345 678",
        prefix + "preferred_start": start,
    }
    assert buyer.post(f"/needs/{need.id}/trial", data={}).status_code == 400
    response = buyer.post(f"/needs/{need.id}/trial", data=data)
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/needs/{need.id}/compare")
    trial = db.session.scalar(select(TrialRequest))
    assert trial.solution_id == vendor_solution.id and trial.plan_id == plan.id
    assert trial.organization_id == enterprise.organization_id
    assert trial.contact_phone == "0912345678"
    assert trial.preferred_start == local_today() + dt.timedelta(days=3)
    assert need.title in trial.message
    # Another enterprise cannot ask through this need.
    stranger = client_for(factories.make_user("enterprise"))
    assert stranger.post(f"/needs/{need.id}/trial", data=data).status_code == 404
    assert db.session.scalar(select(func.count(TrialRequest.id))) == 1


def test_a_withdrawn_proposal_stays_in_history_out_of_counts_and_the_comparison(
    enterprise, vendor, second_vendor, client_for
):
    need = make_need(enterprise)
    withdrawn = propose(vendor, need)
    propose(second_vendor, need, lines=MONTHLY)
    seller = client_for(vendor)
    response = seller.post(f"/needs/{need.id}/proposal/withdraw", data={})
    assert response.status_code == 302
    db.session.expire_all()
    kept = db.session.get(Proposal, withdrawn.id)
    assert kept is not None and kept.status == "withdrawn"
    assert [line.description for line in kept.lines] == [
        "Phần mềm kho, 12 người dùng",
        "Triển khai và đào tạo",
    ]
    seller.get(f"/needs/{need.id}")  # shows the flash message
    page = seller.get(f"/needs/{need.id}").get_data(as_text=True)
    assert "Đã rút ·" in page and "Rút đề xuất" not in page
    # It cannot be sent again (the issue keeps it as history; the rule refuses).
    with current_app.test_request_context(), pytest.raises(rules.NeedError) as err:
        services.save_proposal(vendor, need, _input())
    db.session.rollback()
    assert "đã rút" in err.value.message
    assert db.session.get(Proposal, withdrawn.id).status == "withdrawn"
    # Counted nowhere: the list, the need's page, the dashboard's median.
    assert queries.proposal_counts([need.id]) == {need.id: 1}
    assert "1 đề xuất đã gửi" in client_for(enterprise).get(f"/needs/{need.id}").get_data(
        as_text=True
    )
    assert queries.dashboard().median_proposals == 1.0
    pass_deadline(need)
    compared = client_for(enterprise).get(f"/needs/{need.id}/compare").get_data(as_text=True)
    assert _heading(second_vendor) in compared
    assert _heading(vendor) not in compared
    assert "29.500.000" not in compared


def _input():
    from tests.needs.conftest import proposal_input

    return proposal_input()
