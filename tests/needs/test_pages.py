"""The needs board's pages and reads: the category suggestion, filters, the dashboard
section, trials from a proposal, staff reading, and ids of other needs."""

from __future__ import annotations

import datetime as dt

import pytest
from flask import current_app
from sqlalchemy import func, select

from marketplace.core.clock import local_today
from marketplace.extensions import db
from marketplace.needs import queries, rules, services
from marketplace.trials.models import TrialRequest
from marketplace.trials.rules import TrialInput
from tests import factories
from tests.needs.conftest import make_need, pass_deadline, propose


def test_the_category_is_suggested_from_the_search_index(vendor, enterprise, client_for):
    factories.make_solution(vendor)  # an e-invoice listing ("Hóa đơn điện tử Sông Hồng")
    with current_app.test_request_context():
        found = queries.suggest_category("Cần phần mềm xuất hóa đơn điện tử cho cửa hàng")
    assert found is not None and found.slug == "hoa-don-dien-tu"
    client = client_for(enterprise)
    page = client.post(
        "/needs/new",
        data={
            "title": "Xuất hóa đơn điện tử cho cửa hàng",
            "problem": "Cửa hàng bán lẻ cần xuất hóa đơn điện tử cho khách ngay tại quầy.",
            "suggest": "1",
        },
    ).get_data(as_text=True)
    assert f'<option selected value="{found.id}">' in page
    assert "Gợi ý: " in page


def test_filters_by_category_area_budget_and_deadline(enterprise, client):
    near = make_need(
        enterprise, commune_code="10525", deadline=local_today() + dt.timedelta(days=5)
    )
    far = make_need(
        enterprise,
        title="Lưu trữ đám mây cho văn phòng luật",
        budget_min_vnd=300_000_000,
        budget_max_vnd=500_000_000,
        deadline=local_today() + dt.timedelta(days=60),
        category_id=factories.category("luu-tru-dam-may").id,
    )

    def ids(query: str) -> set[int]:
        body = client.get("/needs" + query).get_data(as_text=True)
        return {n.id for n in (near, far) if f'/needs/{n.id}"' in body}

    assert ids("") == {near.id, far.id}
    assert ids("?category=luu-tru-dam-may") == {far.id}
    assert ids("?area=30") == {near.id}
    assert ids("?budget=200m-1b") == {far.id}
    assert ids("?within=7") == {near.id}
    assert client.get("/needs?budget=<script>&within=x&page=abc").status_code == 200


def test_the_dashboard_shows_the_needs_section_with_small_cells_hidden(
    enterprise, vendor, vendor_solution, client
):
    needs = [make_need(enterprise) for _ in range(5)]
    propose(vendor, needs[0])
    page = client.get("/dashboard").get_data(as_text=True)
    assert "Chợ bài toán: nhu cầu của doanh nghiệp" in page
    figures = queries.dashboard()
    assert figures.published == 5
    assert figures.by_category == [("Hóa đơn điện tử", 5)]
    assert figures.median_proposals == 0.0
    one_more = make_need(enterprise, category_id=factories.category("ke-toan").id)
    assert one_more.id
    assert ("Kế toán", None) in queries.dashboard().by_category  # one need: "<5"
    assert "&lt;5" in client.get("/dashboard").get_data(as_text=True)


def test_a_trial_is_requested_from_a_proposal(enterprise, vendor, vendor_solution):
    need = make_need(enterprise)
    proposal = propose(vendor, need, solution_ids=[vendor_solution.id])
    pass_deadline(need)
    plan = vendor_solution.plans[0]
    with current_app.test_request_context():
        trial = services.request_trial(
            enterprise,
            need,
            proposal_id=proposal.id,
            solution_id=vendor_solution.id,
            data=TrialInput(
                plan_id=plan.id,
                contact_name="Nguyễn Thị Hương",
                contact_phone="0912345678",
                preferred_start=local_today() + dt.timedelta(days=2),
                users_count=12,
            ),
        )
        db.session.commit()
    assert trial.solution_id == vendor_solution.id
    assert db.session.scalar(select(func.count(TrialRequest.id))) == 1


def test_ids_of_another_need_are_refused(enterprise, other_enterprise, vendor, vendor_solution):
    mine = make_need(enterprise)
    theirs = make_need(other_enterprise)
    foreign = propose(vendor, theirs)
    pass_deadline(mine)
    with current_app.test_request_context(), pytest.raises(rules.NeedError):
        services.award(enterprise, mine, proposal_id=foreign.id)
    db.session.rollback()
    factories_vendor = factories.make_user("vendor", verified=True)
    with current_app.test_request_context():
        question = services.ask_question(factories_vendor, theirs, body="Có mấy kho?")
        db.session.commit()
        with pytest.raises(rules.NeedError):
            services.answer_question(enterprise, mine, question_id=question.id, answer="Hai")
    db.session.rollback()
    assert db.session.get(type(question), question.id).answer is None


def test_staff_read_the_comparison_and_cannot_approve_a_late_need(
    enterprise, moderator, client_for
):
    need = make_need(enterprise, status="pending")
    pass_deadline(need)
    staff = client_for(moderator)
    assert staff.get(f"/needs/{need.id}/compare").status_code == 200
    staff.post(f"/moderation/needs/{need.id}/approve", data={})
    db.session.refresh(need)
    assert need.status == "pending"


def test_the_enterprise_lists_its_needs_and_others_do_not_see_pending_ones(
    enterprise, other_enterprise, client_for
):
    need = make_need(enterprise, status="pending", title="Bài toán riêng chờ duyệt")
    assert need.title in client_for(enterprise).get("/account/needs").get_data(as_text=True)
    other = client_for(other_enterprise)
    assert need.title not in other.get("/account/needs").get_data(as_text=True)
    assert other.get(f"/needs/{need.id}").status_code == 404
    assert "Bài toán riêng chờ duyệt" not in other.get("/api/v1/needs").get_data(as_text=True)


def test_the_personal_data_export_holds_the_needs_posted(enterprise, client_for):
    need = make_need(enterprise, status="pending")
    data = client_for(enterprise).get("/account/export").get_json()
    assert [n["id"] for n in data["needs"]["posted"]] == [need.id]


def test_the_moderation_desk_lists_pending_needs(enterprise, moderator, admin, client_for):
    need = make_need(enterprise, status="pending", title="Bài toán mới trên bàn kiểm duyệt")
    desk = client_for(moderator).get("/moderation/").get_data(as_text=True)
    assert need.title in desk and f"/moderation/needs/{need.id}" in desk
    queue = client_for(moderator).get("/moderation/needs").get_data(as_text=True)
    assert need.title in queue
    overview = client_for(admin).get("/admin/").get_data(as_text=True)
    assert "Bài toán chờ duyệt" in overview
