"""Requesting a trial: the form's rules, who may ask, and one open trial per organisation."""

from __future__ import annotations

import datetime as dt
import threading

import pytest
from bs4 import BeautifulSoup
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from marketplace.core.audit import AuditLog
from marketplace.core.clock import local_today
from marketplace.extensions import db
from marketplace.notifications.models import EmailOutbox, Notification
from marketplace.trials import rules, services
from marketplace.trials.models import TrialEvent, TrialRequest
from tests import factories
from tests.trials.conftest import count_trials, form_data, plan_named, trial_input


def _url(solution, **args) -> str:
    query = "&".join(f"{k}={v}" for k, v in args.items())
    return f"/solutions/{solution.slug}/trial" + (f"?{query}" if query else "")


def _field_errors(html: str, field: str) -> list[str]:
    soup = BeautifulSoup(html, "html.parser")
    box = soup.find(id=f"{field}-help")
    assert box is not None, f"no help block for {field}"
    return [e.get_text(strip=True) for e in box.select(".invalid-feedback")]


def test_form_shows_only_plans_with_a_trial_and_preselects_one(client_for, enterprise, solution):
    chosen = plan_named(solution, "Nâng cao")
    html = client_for(enterprise).get(_url(solution, plan=chosen.id)).get_data(as_text=True)
    soup = BeautifulSoup(html, "html.parser")
    options = {o["value"]: o for o in soup.select("select#plan option")}
    assert set(options) == {str(plan_named(solution, "Cơ bản").id), str(chosen.id)}
    assert options[str(chosen.id)].has_attr("selected")
    assert "Đăng ký dùng thử" in html
    # The contact details start from the user's profile.
    assert soup.find(id="contact_name")["value"] == enterprise.name


def test_a_valid_request_is_recorded_with_its_event_audit_and_vendor_notification(
    client_for, enterprise, vendor, solution
):
    response = client_for(enterprise).post(_url(solution), data=form_data(solution))
    assert response.status_code == 302
    db.session.expire_all()
    trial = db.session.scalar(select(TrialRequest))
    assert response.headers["Location"].endswith(f"/account/trials/{trial.id}")
    assert (trial.status, trial.contact_phone, trial.users_count) == ("requested", "0912345678", 5)
    assert (trial.organization_id, trial.vendor_id) == (
        enterprise.organization_id,
        vendor.organization_id,
    )
    assert trial.trial_days == 14 and trial.start_date is None
    event = db.session.scalar(select(TrialEvent))
    assert (event.actor_id, event.from_status, event.to_status) == (
        enterprise.id,
        None,
        "requested",
    )
    audit = db.session.scalar(select(AuditLog).where(AuditLog.action == "trial.request"))
    assert audit.object_id == trial.id and audit.actor_id == enterprise.id
    note = db.session.scalar(select(Notification).where(Notification.user_id == vendor.id))
    assert note.kind == "trial.requested" and note.link == f"/vendor/trials/{trial.id}"
    assert db.session.scalar(select(EmailOutbox.to_email)) == vendor.email


BAD_INPUT = [
    ("contact_phone", {"contact_phone": "12345"}, "Số điện thoại không hợp lệ"),
    ("contact_phone", {"contact_phone": ""}, "Vui lòng nhập số điện thoại"),
    ("preferred_start", {"preferred_start": "2020-01-01"}, "từ hôm nay"),
    ("preferred_start", {"preferred_start": "31/02/2026"}, "không có trên lịch"),
    ("preferred_start", {"preferred_start": "2026/13/45"}, "Ngày không hợp lệ"),
    ("preferred_start", {"preferred_start": ""}, "Vui lòng chọn ngày"),
    ("users_count", {"users_count": "0"}, "từ 1 đến 10.000"),
    ("users_count", {"users_count": "10001"}, "từ 1 đến 10.000"),
    ("users_count", {"users_count": "năm"}, "từ 1 đến 10.000"),
    ("message", {"message": "x" * 2001}, "2000 ký tự"),
    ("contact_name", {"contact_name": "   "}, "tên người liên hệ"),
    ("plan", {"plan": ""}, "chọn gói"),
    ("plan", {"plan": "abc"}, "chọn gói"),
]


@pytest.mark.parametrize(("field", "change", "message"), BAD_INPUT)
def test_bad_input_is_refused_next_to_its_field_keeping_the_values(
    client_for, enterprise, solution, field, change, message
):
    data = form_data(solution, **change)
    response = client_for(enterprise).post(_url(solution), data=data)
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    errors = _field_errors(html, field)
    assert any(message in e for e in errors), errors
    soup = BeautifulSoup(html, "html.parser")
    # What was typed is still there.
    assert (
        soup.find(id="contact_name")["value"] == data["contact_name"].strip()
        or field == "contact_name"
    )
    if field != "message":
        assert soup.find(id="message").get_text().strip() == data["message"]
    assert count_trials() == 0


def test_start_date_must_be_within_90_days(client_for, enterprise, solution):
    late = (local_today() + dt.timedelta(days=91)).isoformat()
    response = client_for(enterprise).post(
        _url(solution), data=form_data(solution, preferred_start=late)
    )
    assert response.status_code == 400
    assert any(
        "90 ngày" in e for e in _field_errors(response.get_data(as_text=True), "preferred_start")
    )
    ok = (local_today() + dt.timedelta(days=90)).strftime("%d/%m/%Y")
    response = client_for(enterprise).post(
        _url(solution), data=form_data(solution, preferred_start=ok)
    )
    assert response.status_code == 302


def test_plan_without_trial_inactive_or_of_another_solution_is_refused(
    client_for, enterprise, solution, other_solution
):
    c = client_for(enterprise)
    cases = [
        (plan_named(solution, "Doanh nghiệp").id, "không có dùng thử"),
        (other_solution.plans[0].id, "không thuộc giải pháp"),
    ]
    retired = plan_named(solution, "Nâng cao")
    retired.active = False
    db.session.commit()
    cases.append((retired.id, "không còn được cung cấp"))
    for plan_id, message in cases:
        response = c.post(_url(solution), data=form_data(solution, plan=str(plan_id)))
        assert response.status_code == 400
        assert any(message in e for e in _field_errors(response.get_data(as_text=True), "plan"))
    assert count_trials() == 0


def test_the_service_applies_the_same_rules(app, enterprise, solution, other_solution):
    bad = trial_input(
        solution,
        plan_id=other_solution.plans[0].id,
        contact_phone="0123",
        users_count=0,
        message="x" * 2001,
        preferred_start=dt.date(2026, 3, 9),
    )
    with pytest.raises(rules.TrialValidationError) as info:
        services.request_trial(enterprise, solution, bad, today=dt.date(2026, 3, 10))
    assert set(info.value.errors) == {
        "plan",
        "contact_phone",
        "users_count",
        "message",
        "preferred_start",
    }


def test_anonymous_visitors_are_sent_to_sign_in_and_back(client, solution):
    url = _url(solution, plan=solution.plans[0].id)
    response = client.get(url)
    assert response.status_code == 302
    location = response.headers["Location"]
    assert "/auth/login" in location and "next=" in location and solution.slug in location
    assert client.post(_url(solution), data={}).status_code == 302
    assert count_trials() == 0


@pytest.mark.parametrize("role", ["vendor", "other_vendor", "moderator", "admin"])
def test_only_enterprises_request_trials(client_for, request, solution, role):
    user = request.getfixturevalue(role)
    c = client_for(user)
    response = c.get(_url(solution))
    assert response.status_code == 403
    assert "Chỉ doanh nghiệp mới đăng ký dùng thử được" in response.get_data(as_text=True)
    assert c.post(_url(solution), data=form_data(solution)).status_code == 403
    assert count_trials() == 0


def test_the_service_refuses_non_enterprises(app, vendor, moderator, solution):
    from werkzeug.exceptions import Forbidden

    for user in (vendor, moderator):
        with pytest.raises(Forbidden):
            services.request_trial(
                user, solution, trial_input(solution), today=dt.date(2026, 3, 10)
            )


def test_unpublished_or_unknown_listings_are_not_found(client_for, enterprise, vendor):
    draft = factories.make_solution(vendor, status="draft", name="Bản nháp chưa duyệt")
    c = client_for(enterprise)
    assert c.get(f"/solutions/{draft.slug}/trial").status_code == 404
    assert c.get("/solutions/khong-co/trial").status_code == 404


def test_listing_without_trial_plans_says_so(client_for, enterprise, vendor):
    from marketplace.catalog.content import PlanInput

    paid = factories.make_solution(
        vendor, name="Máy chủ riêng", plans=[PlanInput("Riêng", 5_000_000, "month", 0)]
    )
    html = client_for(enterprise).get(f"/solutions/{paid.slug}/trial").get_data(as_text=True)
    assert "không có gói nào cho dùng thử" in html and 'name="plan"' not in html


def test_double_submit_creates_one_request(client_for, enterprise, solution):
    c = client_for(enterprise)
    first = c.post(_url(solution), data=form_data(solution))
    second = c.post(_url(solution), data=form_data(solution))
    assert first.status_code == second.status_code == 302
    assert count_trials() == 1
    trial = db.session.scalar(select(TrialRequest))
    assert second.headers["Location"].endswith(f"/account/trials/{trial.id}")
    page = c.get(second.headers["Location"]).get_data(as_text=True)
    assert "đã có một yêu cầu dùng thử đang mở" in page


def test_another_member_of_the_same_organisation_cannot_open_a_second_one(
    client_for, enterprise, solution, make_trial
):
    make_trial("accepted")
    colleague = factories.make_user("enterprise", org=enterprise.organization)
    c = client_for(colleague)
    html = c.get(_url(solution)).get_data(as_text=True)
    assert "đã có một yêu cầu dùng thử giải pháp này" in html
    assert c.post(_url(solution), data=form_data(solution)).status_code == 302
    assert count_trials() == 1


def test_a_closed_trial_does_not_block_a_new_request(app, enterprise, solution, make_trial):
    for status in ("declined", "cancelled", "ended", "converted"):
        make_trial(status)
    again = services.request_trial(
        enterprise, solution, trial_input(solution), today=dt.date(2026, 3, 10)
    )
    assert again.status == "requested"
    assert count_trials() == 5


def test_the_database_allows_one_open_trial_per_organisation_and_solution(
    app, enterprise, solution, make_trial
):
    trial = make_trial("active")
    copy = TrialRequest(
        organization_id=trial.organization_id,
        solution_id=trial.solution_id,
        plan_id=trial.plan_id,
        vendor_id=trial.vendor_id,
        contact_name="X",
        contact_phone="0912345678",
        preferred_start=trial.preferred_start,
        users_count=1,
        message="",
        status="requested",
        trial_days=14,
    )
    db.session.add(copy)
    with pytest.raises(IntegrityError):
        db.session.flush()
    db.session.rollback()


def test_a_lost_race_gives_the_friendly_error_not_a_500(
    client_for, enterprise, solution, make_trial, monkeypatch
):
    # Both submits passed the check before either inserted: only the constraint is left.
    make_trial("requested")
    # request_trial looks the open trial up through the name services imported.
    monkeypatch.setattr(services, "open_trial_for", lambda org_id, solution_id: None)
    with pytest.raises(rules.DuplicateTrialError):
        services.request_trial(
            enterprise, solution, trial_input(solution), today=dt.date(2026, 3, 10)
        )
    assert count_trials() == 1


def test_concurrent_submits_create_exactly_one_trial(app_factory, app, enterprise, solution):
    """Two threads, each with its own app context and session, submit at the same moment."""
    user_id, solution_id = enterprise.id, solution.id
    data = trial_input(solution)
    apps = [app_factory(), app_factory()]
    barrier = threading.Barrier(2)
    outcomes: list[str] = []
    lock = threading.Lock()
    real_check = services.open_trial_for

    def check_then_wait(org_id, sol_id):
        found = real_check(org_id, sol_id)
        barrier.wait(timeout=10)  # both have checked: neither saw the other
        return found

    def submit(application) -> None:
        from marketplace.accounts.models import User
        from marketplace.catalog.models import Solution

        with application.app_context():
            try:
                user = db.session.get(User, user_id)
                sol = db.session.get(Solution, solution_id)
                services.request_trial(user, sol, data, today=dt.date(2026, 3, 10))
                db.session.commit()
                result = "created"
            except rules.DuplicateTrialError:
                db.session.rollback()
                result = "duplicate"
            except Exception as err:  # reported below
                db.session.rollback()
                result = f"error: {type(err).__name__}: {err}"
            finally:
                db.session.remove()
        with lock:
            outcomes.append(result)

    services.open_trial_for = check_then_wait
    try:
        threads = [threading.Thread(target=submit, args=(a,)) for a in apps]
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=30)
    finally:
        services.open_trial_for = real_check
    assert sorted(outcomes) == ["created", "duplicate"], outcomes
    db.session.expire_all()
    assert count_trials() == 1
