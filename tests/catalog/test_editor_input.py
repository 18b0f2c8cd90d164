"""The listing editor under hostile input: repeated and malformed ids in its list fields."""

from __future__ import annotations

import pytest
from bs4 import BeautifulSoup
from sqlalchemy import func, select

from marketplace.catalog import decisions, rules, services
from marketplace.catalog.content import PlanInput, content_of
from marketplace.catalog.models import Plan, Solution, SolutionRevision, Upload
from marketplace.extensions import db
from tests import factories
from tests.catalog.test_listing_editor import editor_form


def make_upload(org_id: int, name: str) -> Upload:
    upload = Upload(
        org_id=org_id, filename=name, content_type="image/png", size_bytes=1, width=1, height=1
    )
    db.session.add(upload)
    db.session.commit()
    return upload


def reload(solution) -> Solution:
    db.session.expire_all()
    return db.session.get(Solution, solution.id)


def test_a_plan_id_given_twice_is_a_field_error_and_nothing_changes(client_for, vendor):
    solution = factories.make_solution(vendor, status="draft")
    plan = solution.plans[0]
    response = client_for(vendor).post(
        f"/vendor/solutions/{solution.id}/edit",
        data=editor_form(
            **{
                "plans-0-id": str(plan.id),
                "plans-0-name": "Cơ bản",
                "plans-0-price_vnd": "500.000",
                "plans-0-trial_days": "0",
                "plans-1-id": str(plan.id),
                "plans-1-name": "Rẻ bất ngờ",
                "plans-1-price_vnd": "1.000",
                "plans-1-period": "month",
                "plans-1-trial_days": "90",
            }
        ),
    )
    assert response.status_code == 400
    soup = BeautifulSoup(response.get_data(as_text=True), "html.parser")
    row = soup.select("table.plans-table tbody tr")[1]
    assert "trùng với một gói khác" in row.get_text()
    assert soup.find(id="plans-1-name")["value"] == "Rẻ bất ngờ"  # typed text kept
    solution = reload(solution)
    assert (solution.min_price_vnd, solution.max_trial_days) == (1_200_000, 14)
    assert [(p.name, p.price_vnd) for p in solution.active_plans] == [("Cơ bản", 1_200_000)]


def test_cached_price_and_trial_come_from_the_stored_plans(app, vendor):
    """Content with a repeated plan id (not from the form) stores two plans, cache agrees."""
    solution = factories.make_solution(vendor, status="draft")
    plan_id = solution.plans[0].id
    content = content_of(solution)
    content.plans = [
        PlanInput(id=plan_id, name="Cơ bản", price_vnd=500_000, period="month"),
        PlanInput(id=plan_id, name="Mồi", price_vnd=1_000, period="month", trial_days=90),
    ]
    from marketplace.catalog.content import apply_content

    apply_content(solution, content)
    db.session.commit()
    solution = reload(solution)
    plans = solution.active_plans
    assert solution.min_price_vnd == min(p.price_vnd for p in plans)
    assert solution.max_trial_days == max(p.trial_days for p in plans)
    assert db.session.get(Plan, plan_id).price_vnd == 500_000  # the first row keeps the id
    # The service refuses such content outright.
    with app.test_request_context(), pytest.raises(rules.ListingError) as err:
        services.save_solution(vendor, solution, content)
    assert err.value.field == "plans"


BAD_IDS = ["²", "1²", "٣", "-1", "0", "+5", "1.0", "0x10", str(2**63), str(10**20)]
MESSAGES = ("Lựa chọn không hợp lệ.", "Ảnh không hợp lệ.", "Gói không hợp lệ")


@pytest.mark.parametrize("raw", BAD_IDS)
def test_malformed_ids_are_field_errors_never_500(client_for, vendor, raw):
    c = client_for(vendor)
    for field in ("category_id", "logo_id", "screenshot_ids", "plans-0-id"):
        response = c.post("/vendor/solutions/new", data=editor_form(**{field: raw}))
        assert response.status_code == 400, (field, response.status_code)
        html = response.get_data(as_text=True)
        assert "Phát hành hóa đơn điện tử trong 5 phút" in html  # typed text kept
        assert any(m in html for m in MESSAGES), field
    assert db.session.scalar(select(func.count(Solution.id))) == 0


def test_ids_past_the_integer_range_are_field_errors(client_for, vendor):
    """2³¹ overflows a PostgreSQL INTEGER key: it may not even be compared, so it is refused."""
    c = client_for(vendor)
    for field in ("category_id", "logo_id", "screenshot_ids", "plans-0-id"):
        response = c.post("/vendor/solutions/new", data=editor_form(**{field: str(2**31)}))
        assert response.status_code == 400, field
        assert any(m in response.get_data(as_text=True) for m in MESSAGES), field
    # The largest INTEGER id is an id: an unknown plan id becomes a new plan of this listing.
    response = c.post("/vendor/solutions/new", data=editor_form(**{"plans-0-id": str(2**31 - 1)}))
    assert response.status_code == 302
    plan = db.session.scalar(select(Plan))
    assert plan.id != 2**31 - 1 and plan.price_vnd == 1_200_000


@pytest.mark.parametrize("raw", ["²", str(2**63), str(10**20), "4,²"])
def test_malformed_ids_on_edit_of_a_live_listing_are_field_errors(client_for, vendor, raw):
    solution = factories.make_solution(vendor, status="published")
    for field in ("category_id", "logo_id", "screenshot_ids"):
        response = client_for(vendor).post(
            f"/vendor/solutions/{solution.id}/edit", data=editor_form(**{field: raw})
        )
        assert response.status_code == 400, (field, response.status_code)
    assert db.session.scalar(select(func.count(SolutionRevision.id))) == 0


def test_repeated_screenshot_ids_are_kept_once_in_order(app, client_for, vendor, moderator):
    org = vendor.organization_id
    first, second = make_upload(org, "a.png"), make_upload(org, "b.png")
    c = client_for(vendor)
    response = c.post(
        "/vendor/solutions/new",
        data=editor_form(screenshot_ids=f"{second.id},{first.id},{second.id}", action="submit"),
    )
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    solution = db.session.scalar(select(Solution))
    assert [s.upload_id for s in solution.screenshots] == [second.id, first.id]
    # A live listing's edit with repeats goes to review and is approved.
    solution.status = "published"
    solution.published_at = solution.submitted_at
    db.session.commit()
    response = c.post(
        f"/vendor/solutions/{solution.id}/edit",
        data=editor_form(screenshot_ids=f"{first.id},{first.id}", action="submit"),
    )
    assert response.status_code == 302
    revision = db.session.scalar(select(SolutionRevision))
    assert revision.content["screenshot_ids"] == [first.id]
    with app.test_request_context():
        decisions.approve_revision(moderator, revision)
    db.session.commit()
    assert [s.upload_id for s in reload(solution).screenshots] == [first.id]


def test_a_stored_revision_with_repeated_screenshots_can_be_approved(app, vendor, moderator):
    """Revisions saved before the editor de-duplicated ids carry repeats: approving works."""
    upload = make_upload(vendor.organization_id, "c.png")
    solution = factories.make_solution(vendor, status="published")
    content = content_of(solution)
    content.screenshot_ids = [upload.id, upload.id]
    revision = SolutionRevision(
        solution_id=solution.id,
        author_id=vendor.id,
        status="pending",
        content=content.to_json(),
    )
    db.session.add(revision)
    db.session.commit()
    with app.test_request_context():
        decisions.approve_revision(moderator, revision)
    db.session.commit()
    solution = reload(solution)
    assert [s.upload_id for s in solution.screenshots] == [upload.id]
    assert db.session.get(SolutionRevision, revision.id).status == "approved"


def test_repeated_extra_feature_labels_are_refused(client_for, vendor):
    response = client_for(vendor).post(
        "/vendor/solutions/new",
        data=editor_form(
            **{
                "extras-0-label": "Đào tạo",
                "extras-0-value": "2 buổi",
                "extras-1-label": "đào tạo",
                "extras-1-value": "5 buổi",
            }
        ),
    )
    assert response.status_code == 400
    assert "Tính năng bổ sung bị trùng tên." in response.get_data(as_text=True)


def test_the_service_refuses_upload_ids_no_row_can_have(app, vendor):
    content = factories.listing_content(logo_id=2**31, screenshot_ids=[2**63])
    with app.test_request_context(), pytest.raises(rules.ListingError) as err:
        services.create_solution(vendor, content)
    assert err.value.message == "Ảnh không hợp lệ."
