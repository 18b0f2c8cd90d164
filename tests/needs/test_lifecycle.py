"""The needs board's rules: moderation, alerts, sealed proposals, the deadline, the award
(once, by the right role, one winner in a race), closing and expiry."""

from __future__ import annotations

import datetime as dt

import pytest
from flask import current_app
from sqlalchemy import func, select
from sqlalchemy.orm.attributes import set_committed_value

from marketplace.billing.models import Order, OrderSource
from marketplace.core.clock import local_today
from marketplace.extensions import db
from marketplace.needs import rules, services
from marketplace.needs.models import NeedAlertOptOut, Proposal
from marketplace.notifications.models import EmailOutbox, Notification
from tests import factories
from tests.needs.conftest import make_need, need_input, pass_deadline, propose


def _notified(org_id: int, kind: str) -> int:
    from marketplace.accounts.models import User

    return db.session.scalar(
        select(func.count(Notification.id))
        .join(User, User.id == Notification.user_id)
        .where(User.organization_id == org_id, Notification.kind == kind)
    )


def test_post_waits_for_moderation_then_alerts_matching_vendors_once(
    enterprise, vendor, vendor_solution, second_vendor, client, client_for
):
    factories.make_solution(second_vendor, name="Kho Hải Phòng")
    db.session.add(NeedAlertOptOut(organization_id=second_vendor.organization_id))
    db.session.commit()
    need = make_need(enterprise, status="pending")
    assert need.status == "pending"
    assert client.get(f"/needs/{need.id}").status_code == 404
    assert client_for(vendor).get(f"/needs/{need.id}").status_code == 404
    assert client_for(enterprise).get(f"/needs/{need.id}").status_code == 200
    moderator = factories.make_user("moderator")
    with current_app.test_request_context():
        services.moderate_need(moderator, need, approve=True, reason=None)
        db.session.commit()
    assert need.status == "open"
    assert _notified(vendor.organization_id, "need.match") == 1
    assert _notified(second_vendor.organization_id, "need.match") == 0  # opted out
    assert (
        db.session.scalar(
            select(func.count(EmailOutbox.id)).where(EmailOutbox.to_email == vendor.email)
        )
        >= 1
    )
    # Published again (it cannot be), or the receiver run twice: still once.
    from marketplace.needs import alerts

    with current_app.test_request_context():
        alerts.alert_vendors(need)
        db.session.commit()
    assert _notified(vendor.organization_id, "need.match") == 1
    assert client.get(f"/needs/{need.id}").status_code == 200


def test_reject_needs_a_reason_and_tells_the_enterprise(enterprise, moderator, client_for):
    need = make_need(enterprise, status="pending")
    staff = client_for(moderator)
    response = staff.post(f"/moderation/needs/{need.id}/reject", data={"reject-reason": ""})
    assert response.status_code == 400
    assert "Vui lòng nhập lý do" in response.get_data(as_text=True)
    response = staff.post(
        f"/moderation/needs/{need.id}/reject", data={"reject-reason": "Thiếu mô tả rõ ràng"}
    )
    assert response.status_code == 302
    db.session.refresh(need)
    assert need.status == "rejected"
    assert _notified(enterprise.organization_id, "need.moderated") == 1


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"budget_min_vnd": 50_000_000, "budget_max_vnd": 10_000_000}, "budget_max"),
        ({"budget_max_vnd": 10**14}, "budget_max"),
        # Days from today, counted when the test runs (collection may be the day before).
        ({"deadline": 0}, "deadline"),
        ({"deadline": 91}, "deadline"),
        ({"users_count": 0}, "users_count"),
        ({"title": "ngắn"}, "title"),
        ({"category_id": 999_999}, "category"),
        ({"must_haves": [f"Tính năng {i}" for i in range(11)]}, "must_haves_other"),
    ],
)
def test_bad_needs_are_refused_by_the_field(enterprise, overrides, field):
    if "deadline" in overrides:
        overrides = {"deadline": local_today() + dt.timedelta(days=overrides["deadline"])}
    with current_app.test_request_context(), pytest.raises(rules.NeedValidationError) as err:
        services.post_need(enterprise, need_input(**overrides))
    assert field in err.value.errors


def test_form_keeps_what_was_typed_and_shows_the_error(enterprise, client_for):
    client = client_for(enterprise)
    response = client.post(
        "/needs/new",
        data={
            "title": "Phần mềm bán hàng cho chuỗi 3 cửa hàng",
            "problem": "Chúng tôi cần quản lý bán hàng và tồn kho của ba cửa hàng cùng lúc.",
            "users_count": "8",
            "budget_min": "99999999999999999999",
            "budget_max": "20.000.000",
            "deadline": "31/02/2027",
        },
    )
    body = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "Phần mềm bán hàng cho chuỗi 3 cửa hàng" in body
    assert "31/02/2027" in body


def test_a_member_may_not_post(enterprise, client_for):
    member = factories.make_user("enterprise", org=enterprise.organization, org_role="member")
    from marketplace.accounts.roles import ActionRefused

    with current_app.test_request_context(), pytest.raises(ActionRefused):
        services.post_need(member, need_input())


def test_one_proposal_per_vendor_edited_until_the_deadline(enterprise, vendor, vendor_solution):
    need = make_need(enterprise)
    first = propose(vendor, need, solution_ids=[vendor_solution.id])
    # 2.000.000/month × 12 + 5.000.000 + 10 % VAT once.
    assert first.first_year_vnd == 24_000_000 + 5_500_000
    again = propose(vendor, need, implementation_days=30)
    assert again.id == first.id
    assert db.session.scalar(select(func.count(Proposal.id))) == 1
    pass_deadline(need)
    with current_app.test_request_context(), pytest.raises(rules.NeedError):
        services.save_proposal(vendor, need, _input())
    db.session.rollback()


def _input():
    from tests.needs.conftest import proposal_input

    return proposal_input()


def test_an_unverified_vendor_or_another_vendors_listing_is_refused(
    enterprise, vendor, other_vendor
):
    need = make_need(enterprise)
    other = factories.make_solution(other_vendor, name="Giải pháp của người khác")
    from werkzeug.exceptions import Forbidden

    with current_app.test_request_context(), pytest.raises(Forbidden):
        services.save_proposal(other_vendor, need, _input())
    with current_app.test_request_context(), pytest.raises(rules.NeedValidationError) as err:
        services.save_proposal(vendor, need, _with_solution(other.id))
    assert "solutions" in err.value.errors


def _with_solution(solution_id):
    from tests.needs.conftest import proposal_input

    return proposal_input(solution_ids=[solution_id])


def test_vendors_see_only_their_own_price_and_the_buyer_only_after_the_deadline(
    enterprise, vendor, vendor_solution, second_vendor, client_for
):
    need = make_need(enterprise)
    from tests.needs.conftest import proposal_input

    propose(vendor, need)
    lines = [rules.LineInput("Gói riêng", 1, 7_777_777, "exempt", "year")]
    with current_app.test_request_context():
        services.save_proposal(second_vendor, need, proposal_input(lines=lines))
        db.session.commit()
    first_page = client_for(vendor).get(f"/needs/{need.id}").get_data(as_text=True)
    first_form = client_for(vendor).get(f"/needs/{need.id}/proposal").get_data(as_text=True)
    assert "7.777.777" not in first_page + first_form
    assert "7777777" not in first_form
    buyer = client_for(enterprise)
    sealed = buyer.get(f"/needs/{need.id}/compare").get_data(as_text=True)
    assert "7.777.777" not in sealed and "2 đề xuất" in sealed
    with current_app.test_request_context(), pytest.raises(rules.NeedError):
        services.award(enterprise, need, proposal_id=need.proposals[0].id)
    db.session.rollback()
    pass_deadline(need)
    opened = buyer.get(f"/needs/{need.id}/compare").get_data(as_text=True)
    assert "7.777.777" in opened and "29.500.000" in opened
    assert "✓" in opened


def test_questions_are_answered_in_public(enterprise, vendor, second_vendor, client_for):
    need = make_need(enterprise)
    asker = client_for(vendor)
    response = asker.post(f"/needs/{need.id}/questions", data={"body": "Có cần in mã vạch không?"})
    assert response.status_code == 302
    other = client_for(second_vendor)
    assert "in mã vạch" not in other.get(f"/needs/{need.id}").get_data(as_text=True)
    question = need.questions[0]
    buyer = client_for(enterprise)
    empty = buyer.post(f"/needs/{need.id}/answer", data={"question_id": question.id, "answer": ""})
    assert empty.status_code == 400
    buyer.post(
        f"/needs/{need.id}/answer", data={"question_id": question.id, "answer": "Có, mã QR."}
    )
    page = other.get(f"/needs/{need.id}").get_data(as_text=True)
    assert "in mã vạch" in page and "Có, mã QR." in page
    # Another enterprise cannot answer (the need is not theirs: 403 as they may see it? no: 404).
    stranger = client_for(factories.make_user("enterprise"))
    assert (
        stranger.post(f"/needs/{need.id}/answer", data={"question_id": question.id}).status_code
        == 404
    )


def test_award_once_by_the_right_role_and_an_order_at_the_proposal_price(
    enterprise, vendor, vendor_solution, second_vendor, client_for
):
    need = make_need(enterprise)
    winning = propose(vendor, need, solution_ids=[vendor_solution.id])
    losing = propose(second_vendor, need)
    pass_deadline(need)
    member = factories.make_user("enterprise", org=enterprise.organization, org_role="member")
    assert (
        client_for(member)
        .post(f"/needs/{need.id}/award", data={"proposal_id": winning.id})
        .status_code
        == 302
    )
    db.session.refresh(need)
    assert need.status == "open"  # refused: the member's role may not award
    stranger = client_for(factories.make_user("enterprise"))
    assert (
        stranger.post(f"/needs/{need.id}/award", data={"proposal_id": winning.id}).status_code
        == 404
    )
    buyer = client_for(enterprise)
    response = buyer.post(f"/needs/{need.id}/award", data={"proposal_id": winning.id})
    assert response.status_code == 302
    db.session.expire_all()
    assert need.status == "awarded"
    order = db.session.scalar(select(Order).where(Order.source == OrderSource.NEED))
    assert order.source_id == need.id and order.vendor_id == vendor.organization_id
    # The first payment: one period of each recurring line, plus the one-time lines.
    assert order.subtotal_vnd == 2_000_000 + 5_000_000
    assert db.session.get(Proposal, losing.id).status == "not_selected"
    assert _notified(second_vendor.organization_id, "need.closed") == 1
    again = buyer.post(f"/needs/{need.id}/award", data={"proposal_id": losing.id})
    assert again.status_code == 302
    assert db.session.scalar(select(func.count(Order.id))) == 1
    # The winner sees the order on the need's page.
    page = client_for(vendor).get(f"/needs/{need.id}").get_data(as_text=True)
    assert order.number in page
    assert order.number not in client_for(second_vendor).get(f"/needs/{need.id}").get_data(
        as_text=True
    )


def test_a_concurrent_award_loses(enterprise, vendor, vendor_solution, second_vendor):
    factories.confirm_bank_account(second_vendor)
    need = make_need(enterprise)
    first = propose(vendor, need)
    second = propose(second_vendor, need)
    pass_deadline(need)
    with current_app.test_request_context():
        services.award(enterprise, need, proposal_id=first.id)
        db.session.commit()
        # The other request read the need while it was still open.
        set_committed_value(need, "status", "open")
        set_committed_value(db.session.get(Proposal, second.id), "status", "submitted")
        with pytest.raises(rules.NeedError):
            services.award(enterprise, need, proposal_id=second.id)
        db.session.rollback()
    assert db.session.scalar(select(func.count(Order.id))) == 1


def test_award_is_refused_politely_without_a_confirmed_bank_account(enterprise, second_vendor):
    need = make_need(enterprise)
    proposal = propose(second_vendor, need)
    pass_deadline(need)
    with current_app.test_request_context(), pytest.raises(rules.NeedError) as err:
        services.award(enterprise, need, proposal_id=proposal.id)
    db.session.rollback()
    assert "tài khoản" in err.value.message
    db.session.refresh(need)
    assert need.status == "open"


def test_close_without_award_needs_a_reason_and_thanks_the_vendors(enterprise, vendor, client_for):
    need = make_need(enterprise)
    propose(vendor, need)
    buyer = client_for(enterprise)
    assert buyer.post(f"/needs/{need.id}/close", data={"close-reason": ""}).status_code == 400
    buyer.post(f"/needs/{need.id}/close", data={"close-reason": "Đã tự xây dựng nội bộ"})
    db.session.refresh(need)
    assert need.status == "not_awarded" and need.close_reason == "Đã tự xây dựng nội bộ"
    assert _notified(vendor.organization_id, "need.closed") == 1


def test_expiry_closes_needs_nobody_can_award(enterprise, vendor):
    empty = make_need(enterprise)
    waiting = make_need(enterprise)
    propose(vendor, waiting)
    pass_deadline(empty)
    pass_deadline(waiting)
    with current_app.test_request_context():
        assert services.expire_needs() == 1  # the one without proposals
        db.session.commit()
        assert empty.status == "expired" and waiting.status == "open"
        later = local_today() + dt.timedelta(days=rules.AWARD_WINDOW_DAYS + 1)
        assert services.expire_needs(today=later) == 1
        db.session.commit()
    assert waiting.status == "expired"
    assert waiting.proposals[0].status == "not_selected"


def test_vendor_alerts_opt_out(vendor, client_for):
    client = client_for(vendor)
    client.post("/vendor/needs/alerts", data={"enabled": "0"})
    assert db.session.get(NeedAlertOptOut, vendor.organization_id) is not None
    client.post("/vendor/needs/alerts", data={"enabled": "1"})
    db.session.expire_all()
    assert db.session.get(NeedAlertOptOut, vendor.organization_id) is None
