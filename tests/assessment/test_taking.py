"""Taking the assessment: steps, resume, result, history, who may, bad input, replays,
a questionnaire version change, and the anonymous visitor's result saved by signing up."""

from __future__ import annotations

import shutil

import pytest
import yaml
from sqlalchemy import func, select

from marketplace.accounts.models import User
from marketplace.assessment import drafts, queries, questionnaire
from marketplace.assessment.models import Assessment
from marketplace.extensions import db
from tests import factories
from tests.accounts.test_registration import valid_form
from tests.assessment.conftest import step_data, take


def _count(**where) -> int:
    query = select(func.count(Assessment.id))
    for key, value in where.items():
        query = query.where(getattr(Assessment, key) == value)
    return db.session.scalar(query)


def test_an_enterprise_takes_it_step_by_step_and_sees_its_result(client_for, enterprise):
    c = client_for(enterprise)
    assert "Bắt đầu đánh giá" in c.get("/assessment").get_data(as_text=True)
    start = c.post("/assessment/start")
    assert start.status_code == 302 and start.headers["Location"].endswith("/assessment/step/1")
    page = c.get("/assessment/step/1").get_data(as_text=True)
    assert "Bước 1/6: Trải nghiệm khách hàng" in page
    assert 'type="radio"' in page and 'aria-valuenow="0"' in page
    last = take(c, {**dict.fromkeys(_all_ids(), 2), "customer_channels": 5})
    assert "/assessment/results/" in last.headers["Location"]
    row = db.session.scalar(select(Assessment))
    assert (
        row.completed
        and row.version == "2026.1"
        and row.organization_id == (enterprise.organization_id)
    )
    # customer: (2·5 + 2 + 2)/4 = 3.5; the others 2; overall (3.5 + 5·2)/6 = 2.25
    assert row.pillar_scores["customer"] == 350 and row.overall_score == 225
    assert queries.has_completed_assessment(enterprise.organization_id)
    result = c.get(last.headers["Location"]).get_data(as_text=True)
    assert "Mức 2" in result and "Bắt đầu" in result and "Trụ cột cần ưu tiên" in result
    assert 'role="img"' in result and "<table" in result  # chart with its data table
    assert "Đăng ký doanh nghiệp để lưu" not in result


def _all_ids():
    return questionnaire.load("2026.1").question_ids()


def test_answers_are_saved_after_each_step_and_the_draft_resumes(client_for, enterprise):
    c = client_for(enterprise)
    take(c, 4, steps=2)
    assert _count(status="draft") == 1
    # Another browser of the same person: the intro offers to continue at step 3.
    other = client_for(enterprise)
    assert "Đã xong 2/6 bước." in other.get("/assessment").get_data(as_text=True)
    again = other.post("/assessment/start")
    assert again.headers["Location"].endswith("/assessment/step/3")
    assert _count() == 1  # resumed, not a second draft
    # Earlier answers are shown checked; skipping ahead goes back to the next open step.
    page = other.get("/assessment/step/1").get_data(as_text=True)
    assert 'checked class="form-check-input mt-1 flex-shrink-0" id="customer_channels-4"' in page
    assert other.get("/assessment/step/5").headers["Location"].endswith("/assessment/step/3")
    # Restart throws the draft away.
    other.post("/assessment/start", data={"restart": "1"})
    assert db.session.scalar(select(Assessment.step)) == 0


def test_a_retake_keeps_history_and_history_shows_progress(client_for, enterprise):
    c = client_for(enterprise)
    take(c, 1)
    take(c, 3)
    assert _count(status="completed") == 2
    page = c.get("/assessment/history").get_data(as_text=True)
    assert "chart-history" in page and "1,00" in page and "3,00" in page
    member = factories.make_user("enterprise", org=enterprise.organization, org_role="member")
    assert client_for(member).get("/assessment/history").status_code == 200


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"customer_channels": ""}, "Vui lòng chọn một câu trả lời."),
        ({"customer_channels": "6"}, "Câu trả lời phải là một mức từ 0 đến 5."),
        ({"customer_channels": "-1"}, "Câu trả lời phải là một mức từ 0 đến 5."),
        ({"customer_channels": "99999999999999999999"}, "Câu trả lời phải là một mức từ 0 đến 5."),
        ({"customer_channels": "2.5"}, "Câu trả lời phải là một mức từ 0 đến 5."),
    ],
)
def test_bad_answers_are_refused_by_the_question(client_for, enterprise, change, message):
    c = client_for(enterprise)
    c.post("/assessment/start")
    response = c.post("/assessment/step/1", data={**step_data(1, 3), **change})
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert message in page and 'id="customer_channels-error"' in page
    # What was chosen for the other questions is kept.
    assert db.session.scalar(select(Assessment.step)) == 0


def test_another_versions_questions_are_refused(client_for, enterprise):
    c = client_for(enterprise)
    c.post("/assessment/start")
    response = c.post(
        "/assessment/step/1", data={"version": "2025.9", "cust_old_question": "3", "x": "1"}
    )
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "đã đổi phiên bản" in page and "Vui lòng chọn một câu trả lời." in page
    # Right question ids but another version: still refused, nothing saved.
    response = c.post("/assessment/step/1", data={**step_data(1, 3), "version": "2025.9"})
    assert response.status_code == 400 and "đã đổi phiên bản" in response.get_data(as_text=True)
    assert db.session.scalar(select(Assessment.answers)) == {}


def test_a_replayed_last_step_changes_nothing(client_for, enterprise):
    c = client_for(enterprise)
    last = take(c, 2)
    again = c.post("/assessment/step/6", data=step_data(6, 5))
    assert again.status_code == 303 and again.headers["Location"] == last.headers["Location"]
    assert _count() == 1 and db.session.scalar(select(Assessment.overall_score)) == 200
    # A step number out of range or not yet open is no 500.
    c.post("/assessment/start")
    assert c.get("/assessment/step/7").status_code == 404
    assert c.post("/assessment/step/3", data=step_data(3, 2)).status_code == 302


def test_another_organisations_result_is_not_found(client_for, enterprise, other_enterprise):
    take(client_for(enterprise), 3)
    row = db.session.scalar(select(Assessment))
    assert client_for(other_enterprise).get(f"/assessment/results/{row.id}").status_code == 404
    assert client_for(enterprise).get(f"/assessment/results/{row.id}").status_code == 200


def test_vendors_and_staff_may_only_read_the_intro(client_for, vendor, moderator):
    for user in (vendor, moderator):
        c = client_for(user)
        assert c.get("/assessment").status_code == 200
        assert "Dành cho doanh nghiệp" in c.get("/assessment").get_data(as_text=True)
        assert c.post("/assessment/start").status_code == 403
        assert c.get("/assessment/step/1").status_code == 403
        assert c.post("/assessment/step/1", data=step_data(1)).status_code == 403
    assert _count() == 0


def test_an_anonymous_visitor_takes_it_and_saves_it_by_signing_up(client, make_client):
    last = take(client, 3)
    result_url = last.headers["Location"]
    page = client.get(result_url).get_data(as_text=True)
    assert "Đăng ký doanh nghiệp để lưu" in page
    row = db.session.scalar(select(Assessment))
    assert row.organization_id is None and row.draft_key and row.completed
    # The database keeps only a hash of the cookie's token.
    assert client.get_cookie(drafts.COOKIE).value not in row.draft_key
    # Another browser cannot see it.
    assert make_client().get(result_url).status_code == 404
    response = client.post("/auth/register", data=valid_form())
    assert response.status_code == 302
    db.session.expire_all()
    row = db.session.scalar(select(Assessment))
    user = db.session.scalar(select(User).where(User.email == "an.nguyen@banhgai.vn"))
    assert row.organization_id == user.organization_id and row.user_id == user.id
    assert row.draft_key is None
    assert client.get_cookie(drafts.COOKIE) is None
    assert "Kết quả tự đánh giá của bạn đã được lưu vào tổ chức." in client.get(
        "/account/"
    ).get_data(as_text=True)
    assert "/assessment/results/" in client.get("/assessment/history").get_data(as_text=True)
    assert client.get(result_url).status_code == 200


def test_an_anonymous_draft_attaches_on_sign_in_and_resumes(client, login, enterprise):
    take(client, 2, steps=3)
    login(client, enterprise)
    db.session.expire_all()
    row = db.session.scalar(select(Assessment))
    assert row.organization_id == enterprise.organization_id and row.status == "draft"
    assert client.post("/assessment/start").headers["Location"].endswith("/assessment/step/4")


def test_a_vendor_signing_in_does_not_take_the_anonymous_result(client, login, vendor):
    take(client, 2)
    login(client, vendor)
    db.session.expire_all()
    assert db.session.scalar(select(Assessment.organization_id)) is None


def test_a_forged_cookie_finds_nothing(client, make_client):
    take(client, 2)
    other = make_client()
    other.set_cookie(drafts.COOKIE, "not-signed")
    row = db.session.scalar(select(Assessment))
    assert other.get(f"/assessment/results/{row.id}").status_code == 404
    assert other.post("/assessment/step/1", data=step_data(1)).status_code == 302


def test_a_version_change_keeps_old_results_readable_and_comparable(
    app, app_factory, tmp_path, login, enterprise
):
    # Version 2026.1 answered, then a 2026.2 with a changed question set becomes current.
    web = app_factory(ASSESSMENT_DATA_DIR=str(tmp_path))
    app.config["ASSESSMENT_DATA_DIR"] = str(tmp_path)
    shutil.copy(questionnaire.DATA_DIR / "2026.1.yaml", tmp_path / "2026.1.yaml")
    c = login(web.test_client(), enterprise)
    take(c, 2)
    with open(tmp_path / "2026.1.yaml", encoding="utf-8") as handle:
        document = yaml.safe_load(handle)
    document["version"] = "2026.2"
    first = document["pillars"][0]["questions"][0]
    first["id"] = "customer_online_sales"
    first["text"] = "Câu hỏi mới của phiên bản 2026.2"
    first["weight"] = 3
    (tmp_path / "2026.2.yaml").write_text(yaml.safe_dump(document, allow_unicode=True))
    # The next assessment is answered with 2026.2, the highest version present.
    c.post("/assessment/start")
    for number in range(1, 7):
        level = {"customer_online_sales": 4, **dict.fromkeys(_all_ids(), 4)}
        c.post(f"/assessment/step/{number}", data=step_data(number, level, version="2026.2"))
    old, new = queries.history(enterprise.organization_id)
    assert (old.version, new.version) == ("2026.1", "2026.2")
    assert old.overall_score == 200 and new.overall_score == 400
    # The old result still shows its own questions and answers, and its stored scores.
    page = c.get(f"/assessment/results/{old.id}").get_data(as_text=True)
    assert "Khách hàng tìm hiểu và mua hàng" in page and "Câu hỏi mới" not in page
    page = c.get(f"/assessment/results/{new.id}").get_data(as_text=True)
    assert "Câu hỏi mới của phiên bản 2026.2" in page
    # History compares both, pillar by pillar.
    history = c.get("/assessment/history").get_data(as_text=True)
    assert "2026.1" in history and "2026.2" in history and "4,00" in history
    # A result whose version file is gone still shows its scores.
    (tmp_path / "2026.1.yaml").unlink()
    assert c.get(f"/assessment/results/{old.id}").status_code == 200


def test_two_starts_at_once_make_one_draft(app_factory, app, enterprise):
    """Two requests of the same person start at the same moment: one draft, both resume it."""
    import threading

    from marketplace.assessment import services

    user_id = enterprise.id
    apps = [app_factory(), app_factory()]
    barrier = threading.Barrier(2)
    waited = threading.local()
    outcomes: list[str] = []
    lock = threading.Lock()
    real_open = services.open_draft

    def open_then_wait(user):
        found = real_open(user)
        if not getattr(waited, "done", False):
            waited.done = True
            barrier.wait(timeout=10)  # both looked: neither saw a draft
        return found

    def start(application) -> None:
        with application.app_context(), application.test_request_context():
            try:
                user = db.session.get(User, user_id)
                draft = services.start_assessment(user)
                db.session.commit()
                result = f"draft {draft.id}"
            except Exception as err:  # reported below
                db.session.rollback()
                result = f"error: {type(err).__name__}: {err}"
            finally:
                db.session.remove()
        with lock:
            outcomes.append(result)

    services.open_draft = open_then_wait
    try:
        threads = [threading.Thread(target=start, args=(a,)) for a in apps]
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=30)
    finally:
        services.open_draft = real_open
    assert len(set(outcomes)) == 1 and outcomes[0].startswith("draft"), outcomes
    db.session.expire_all()
    assert _count(status="draft") == 1


def test_the_persons_data_export_lists_the_assessments_they_answered(client_for, enterprise):
    c = client_for(enterprise)
    take(c, 2)
    data = c.get("/account/export").get_json()
    assert [(a["version"], a["status"], a["overall_score"]) for a in data["assessments"]] == [
        ("2026.1", "completed", 2.0)
    ]
