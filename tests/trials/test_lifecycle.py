"""The trial's states: every legal move, every illegal one refused, who may act, the records."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select, update
from werkzeug.exceptions import Forbidden, NotFound

from marketplace.core.audit import AuditLog
from marketplace.extensions import db
from marketplace.notifications.models import Notification
from marketplace.trials import presenters, queries, rules, services
from marketplace.trials.models import TrialEvent, TrialRequest
from tests import factories
from tests.trials.conftest import TODAY

STATES = ["requested", "accepted", "active", "ended", "converted", "declined", "cancelled"]

# action → (who acts, the status it leads to)
ACTIONS = {
    "accept": ("vendor", "accepted"),
    "decline": ("vendor", "declined"),
    "start": ("vendor", "active"),
    "end": ("vendor", "ended"),
    "convert": ("vendor", "converted"),
    "cancel": ("enterprise", "cancelled"),
}
LEGAL = {
    ("requested", "accept"),
    ("requested", "decline"),
    ("requested", "cancel"),
    ("accepted", "start"),
    ("accepted", "cancel"),
    ("active", "end"),
    ("active", "convert"),
}


def _perform(action: str, trial, vendor, enterprise) -> None:
    if action == "accept":
        services.accept_trial(vendor, trial, instructions="Tài khoản: demo / mật khẩu gửi qua Zalo")
    elif action == "decline":
        services.decline_trial(vendor, trial, reason="Không phù hợp quy mô")
    elif action == "start":
        services.start_trial(vendor, trial, today=TODAY)
    elif action == "end":
        services.end_trial(vendor, trial, note="Doanh nghiệp báo đã thử xong")
    elif action == "convert":
        services.convert_trial(vendor, trial)
    elif action == "cancel":
        services.cancel_trial(enterprise, trial, reason="Đổi kế hoạch")


@pytest.mark.parametrize("state", STATES)
@pytest.mark.parametrize("action", list(ACTIONS))
def test_transition_table(app, make_trial, vendor, enterprise, state, action):
    trial = make_trial(state)
    events_before = len(trial.events)
    audits_before = db.session.scalar(select(db.func.count(AuditLog.id)))
    if (state, action) in LEGAL:
        _perform(action, trial, vendor, enterprise)
        db.session.commit()
        assert trial.status == ACTIONS[action][1]
        event = trial.events[-1]
        assert (event.from_status, event.to_status) == (state, ACTIONS[action][1])
        assert event.actor_id == (vendor.id if ACTIONS[action][0] == "vendor" else enterprise.id)
        audit = db.session.scalar(select(AuditLog).order_by(AuditLog.id.desc()).limit(1))
        assert audit.action == f"trial.{action}" and audit.object_id == trial.id
        assert audit.data == {"from": state, "to": ACTIONS[action][1]}
    else:
        with pytest.raises(rules.TrialError) as info:
            _perform(action, trial, vendor, enterprise)
        assert "Không thể" in info.value.message
        db.session.rollback()
        db.session.expire_all()
        assert db.session.get(TrialRequest, trial.id).status == state
        assert len(db.session.get(TrialRequest, trial.id).events) == events_before
        assert db.session.scalar(select(db.func.count(AuditLog.id))) == audits_before


def test_allowed_actions_follow_the_table(app, make_trial):
    for state in STATES:
        trial = make_trial(state)
        expected = {action for (src, action) in LEGAL if src == state}
        assert presenters.allowed_actions(trial) == expected
        db.session.delete(trial)
        db.session.commit()


def test_a_move_on_a_stale_copy_is_refused(app, make_trial, vendor):
    trial = make_trial("requested")
    # Someone else declined it meanwhile; this copy still says "requested".
    db.session.execute(
        update(TrialRequest)
        .where(TrialRequest.id == trial.id)
        .values(status="declined")
        .execution_options(synchronize_session=False)
    )
    assert trial.status == "requested"
    with pytest.raises(rules.TrialError) as info:
        services.accept_trial(vendor, trial, instructions="Vào demo.vn")
    assert "vừa được người khác xử lý" in info.value.message
    db.session.rollback()
    db.session.expire_all()
    assert db.session.get(TrialRequest, trial.id).status == "requested"


def test_start_sets_the_dates_from_the_trial_days(app, make_trial, vendor):
    trial = make_trial("accepted")
    services.start_trial(vendor, trial, today=dt.date(2026, 3, 28))
    assert trial.start_date == dt.date(2026, 3, 28)
    assert trial.end_date == dt.date(2026, 4, 11)  # + 14 days
    assert trial.days_left(dt.date(2026, 4, 8)) == 3
    assert trial.days_left(dt.date(2026, 4, 11)) == 0
    assert trial.days_left(dt.date(2026, 4, 20)) == 0


def test_trial_days_are_those_offered_when_requested(app, make_trial, vendor, solution):
    trial = make_trial("accepted")
    trial.plan.trial_days = 7  # the vendor shortened the trial afterwards
    services.start_trial(vendor, trial, today=TODAY)
    assert trial.end_date - trial.start_date == dt.timedelta(days=14)


def test_first_response_is_the_first_answer_only(app, make_trial, vendor):
    trial = make_trial("requested")
    assert trial.first_response_at is None
    services.accept_trial(vendor, trial, instructions="Vào demo.vn")
    answered = trial.first_response_at
    assert answered is not None
    services.start_trial(vendor, trial, today=TODAY)
    assert trial.first_response_at == answered
    declined = make_trial("declined", user=factories.make_user("enterprise"))
    assert declined.first_response_at is not None
    cancelled = make_trial("cancelled", user=factories.make_user("enterprise"))
    assert cancelled.first_response_at is None


def test_decline_needs_a_reason_and_accept_needs_instructions(app, make_trial, vendor):
    trial = make_trial("requested")
    for reason in (None, "", "   "):
        with pytest.raises(rules.TrialError) as info:
            services.decline_trial(vendor, trial, reason=reason)
        assert info.value.field == "reason"
    with pytest.raises(rules.TrialError) as info:
        services.accept_trial(vendor, trial, instructions="  ")
    assert info.value.field == "instructions"
    assert trial.status == "requested" and trial.events[-1].to_status == "requested"
    services.decline_trial(vendor, trial, reason="Chỉ phục vụ doanh nghiệp có từ 10 lao động")
    assert trial.reason == "Chỉ phục vụ doanh nghiệp có từ 10 lao động"
    assert trial.events[-1].note == trial.reason


def test_payment_converts_an_active_or_ended_trial_without_a_vendor(
    app, make_trial, enterprise, vendor
):
    active = make_trial("active")
    services.convert_trial(None, active, via="payment")
    assert active.status == "converted" and active.events[-1].actor_id is None
    other = factories.make_user("enterprise")
    ended = make_trial("ended", user=other)
    with pytest.raises(rules.TrialError):
        services.convert_trial(vendor, ended)  # the vendor cannot convert an ended trial
    services.convert_trial(other, ended, via="payment")
    assert ended.status == "converted"
    third = factories.make_user("enterprise")
    requested = make_trial("requested", user=third)
    with pytest.raises(rules.TrialError):
        services.convert_trial(None, requested, via="payment")
    with pytest.raises(ValueError):
        services.convert_trial(vendor, requested, via="cash")


def test_only_the_owning_vendor_and_the_requesting_enterprise_act(
    app, make_trial, other_vendor, other_enterprise, enterprise, vendor, moderator
):
    trial = make_trial("requested")
    with pytest.raises(NotFound):
        services.accept_trial(other_vendor, trial, instructions="x")
    with pytest.raises(NotFound):
        services.cancel_trial(other_enterprise, trial)
    with pytest.raises(Forbidden):  # a party, but not the one who may do this
        services.accept_trial(enterprise, trial, instructions="x")
    with pytest.raises(Forbidden):
        services.cancel_trial(vendor, trial)
    with pytest.raises(Forbidden):
        services.decline_trial(moderator, trial, reason="x")
    colleague = factories.make_user("vendor", org=vendor.organization)
    services.accept_trial(colleague, trial, instructions="Vào demo.vn")
    assert trial.status == "accepted"


def test_notifications_go_both_ways(app, make_trial, vendor, enterprise):
    def kinds(user):
        return [
            n.kind
            for n in db.session.scalars(
                select(Notification)
                .where(Notification.user_id == user.id)
                .order_by(Notification.id)
            )
        ]

    make_trial("converted")
    assert kinds(vendor) == ["trial.requested"]
    assert kinds(enterprise) == ["trial.accepted", "trial.started", "trial.converted"]
    other = factories.make_user("enterprise")
    make_trial("cancelled", user=other)
    assert kinds(vendor)[-1] == "trial.cancelled"
    declined_by = factories.make_user("enterprise")
    make_trial("declined", user=declined_by)
    assert kinds(declined_by) == ["trial.declined"]
    ended_by = factories.make_user("enterprise")
    make_trial("ended", user=ended_by)
    assert kinds(ended_by)[-1] == "trial.ended"


def test_org_has_used_solution(app, make_trial, enterprise, solution):
    org_id = enterprise.organization_id
    assert not queries.org_has_used_solution(org_id, solution.id)
    trial = make_trial("requested")
    assert not queries.org_has_used_solution(org_id, solution.id)
    services.cancel_trial(enterprise, trial)
    db.session.commit()
    assert not queries.org_has_used_solution(org_id, solution.id)
    make_trial("accepted")
    assert queries.org_has_used_solution(org_id, solution.id)
    assert not queries.org_has_used_solution(org_id + 999, solution.id)


# ---------------------------------------------------------------- through the pages


def test_vendor_accepts_starts_and_converts_through_the_inbox(
    client_for, make_trial, vendor, enterprise
):
    trial = make_trial("requested")
    c = client_for(vendor)
    page = c.get(f"/vendor/trials/{trial.id}").get_data(as_text=True)
    assert "Chấp nhận yêu cầu" in page and "Từ chối yêu cầu" in page
    response = c.post(
        f"/vendor/trials/{trial.id}/accept", data={"instructions": "Vào https://demo.vn"}
    )
    assert response.status_code == 302
    assert c.post(f"/vendor/trials/{trial.id}/start").status_code == 302
    assert (
        c.post(
            f"/vendor/trials/{trial.id}/convert", data={"convert-note": "Ký hợp đồng"}
        ).status_code
        == 302
    )
    db.session.expire_all()
    trial = db.session.get(TrialRequest, trial.id)
    assert trial.status == "converted"
    assert trial.end_date == trial.start_date + dt.timedelta(days=14)
    assert [e.to_status for e in trial.events] == ["requested", "accepted", "active", "converted"]
    assert trial.events[-1].note == "Ký hợp đồng"
    mine = client_for(enterprise).get(f"/account/trials/{trial.id}").get_data(as_text=True)
    assert "Vào https://demo.vn" not in mine  # instructions are hidden once converted
    assert "Đã chuyển sang trả phí" in mine


def test_accept_without_instructions_shows_the_error_next_to_the_field(
    client_for, make_trial, vendor
):
    trial = make_trial("requested")
    response = client_for(vendor).post(
        f"/vendor/trials/{trial.id}/accept", data={"instructions": ""}
    )
    assert response.status_code == 400
    assert "Vui lòng nhập hướng dẫn truy cập" in response.get_data(as_text=True)
    response = client_for(vendor).post(f"/vendor/trials/{trial.id}/decline", data={"reason": ""})
    assert response.status_code == 400
    assert "Vui lòng nêu lý do từ chối" in response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(TrialRequest, trial.id).status == "requested"


def test_illegal_move_through_the_page_is_flashed_and_changes_nothing(
    client_for, make_trial, vendor
):
    trial = make_trial("declined")
    c = client_for(vendor)
    response = c.post(
        f"/vendor/trials/{trial.id}/accept", data={"instructions": "x"}, follow_redirects=True
    )
    assert response.status_code == 200
    assert (
        "Không thể chấp nhận yêu cầu dùng thử đang ở trạng thái “Bị từ chối”"
        in response.get_data(as_text=True)
    )
    db.session.expire_all()
    assert db.session.get(TrialRequest, trial.id).status == "declined"


@pytest.mark.parametrize("action", ["accept", "decline", "start", "end", "convert"])
def test_other_vendors_get_404_and_enterprises_403_on_vendor_actions(
    client_for, make_trial, other_vendor, enterprise, action
):
    trial = make_trial("requested")
    data = {"instructions": "x", "reason": "x"}
    assert (
        client_for(other_vendor).post(f"/vendor/trials/{trial.id}/{action}", data=data).status_code
        == 404
    )
    assert client_for(other_vendor).get(f"/vendor/trials/{trial.id}").status_code == 404
    assert (
        client_for(enterprise).post(f"/vendor/trials/{trial.id}/{action}", data=data).status_code
        == 403
    )
    db.session.expire_all()
    assert db.session.get(TrialRequest, trial.id).status == "requested"


def test_another_enterprise_cannot_see_or_cancel(client_for, make_trial, other_enterprise):
    trial = make_trial("requested")
    c = client_for(other_enterprise)
    assert c.get(f"/account/trials/{trial.id}").status_code == 404
    assert c.post(f"/account/trials/{trial.id}/cancel").status_code == 404
    assert "Hóa đơn điện tử Sông Hồng" not in c.get("/account/trials").get_data(as_text=True)
    assert c.get("/account/trials/999999").status_code == 404


def test_enterprise_cancels_with_an_optional_reason(client_for, make_trial, enterprise, vendor):
    trial = make_trial("accepted")
    c = client_for(enterprise)
    assert "Hủy yêu cầu" in c.get("/account/trials").get_data(as_text=True)
    response = c.post(
        f"/account/trials/{trial.id}/cancel", data={"reason": "Chưa sắp xếp được người"}
    )
    assert response.status_code == 302
    db.session.expire_all()
    trial = db.session.get(TrialRequest, trial.id)
    assert trial.status == "cancelled" and trial.reason == "Chưa sắp xếp được người"
    again = c.post(f"/account/trials/{trial.id}/cancel", follow_redirects=True)
    assert "Không thể hủy" in again.get_data(as_text=True)
    note = db.session.scalar(
        select(Notification).where(
            Notification.user_id == vendor.id, Notification.kind == "trial.cancelled"
        )
    )
    assert note is not None


def test_moderators_may_read_a_trial(client_for, make_trial, moderator, enterprise):
    trial = make_trial("active")
    page = client_for(moderator).get(f"/moderation/trials/{trial.id}")
    assert page.status_code == 200 and "Chế độ chỉ xem" in page.get_data(as_text=True)
    assert client_for(enterprise).get(f"/moderation/trials/{trial.id}").status_code == 403


def test_timeline_and_instructions_on_my_trials(client_for, make_trial, enterprise):
    trial = make_trial("active")
    html = client_for(enterprise).get("/account/trials").get_data(as_text=True)
    assert "Đăng nhập tại demo.vn" in html
    assert "Đang dùng thử" in html and "Đã chấp nhận" in html and "Đã gửi yêu cầu" in html
    assert f"/account/trials/{trial.id}" in html
    audit = db.session.scalars(
        select(AuditLog.action).where(AuditLog.object_type == "trial_requests")
    ).all()
    assert audit == ["trial.request", "trial.accept", "trial.start"]
    assert db.session.scalar(select(db.func.count(TrialEvent.id))) == 3


def test_the_way_to_buy_appears_once_billing_offers_it(client_for, make_trial, enterprise, web_app):
    trial = make_trial("active")
    requested = make_trial(
        "requested", sol=factories.make_solution(trial.solution.vendor.members[0], name="Khác")
    )
    html = client_for(enterprise).get("/account/trials").get_data(as_text=True)
    link = f"plan_id={trial.plan_id}&amp;trial_id={trial.id}"
    if "billing.checkout" in web_app.view_functions:
        assert link in html and "Mua gói" in html
        assert f"trial_id={requested.id}" not in html
    else:
        assert "Mua gói" not in html


def test_a_refused_cancel_reason_comes_back_open_with_its_error(client_for, make_trial, enterprise):
    from bs4 import BeautifulSoup

    from marketplace.core.text import MAX_REASON

    trial = make_trial("requested")
    typed = "Lý do <i>rất</i> dài. " * (MAX_REASON // 10)
    response = client_for(enterprise).post(
        f"/account/trials/{trial.id}/cancel", data={"reason": typed}
    )
    assert response.status_code == 400
    soup = BeautifulSoup(response.get_data(as_text=True), "html.parser")
    box = soup.find("textarea", id=f"reason-{trial.id}")
    assert box.get_text() == typed.strip()
    assert box["aria-invalid"] == "true"
    assert "không được dài quá" in soup.find(id=box["aria-describedby"]).get_text()
    assert box.find_parent("details").has_attr("open")
    db.session.expire_all()
    assert db.session.get(TrialRequest, trial.id).status == "requested"
