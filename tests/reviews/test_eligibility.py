"""Who may review: enterprises whose organisation really tried the solution here."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from marketplace.extensions import db
from marketplace.reviews import rules, services
from marketplace.reviews.models import Review
from marketplace.reviews.permissions import can_review
from tests import factories
from tests.reviews.conftest import eligible_user, form_data, make_trial, review_input, soup


def _count() -> int:
    return db.session.scalar(select(func.count(Review.id)))


@pytest.mark.parametrize(
    ("status", "allowed"),
    [
        ("requested", False),
        ("accepted", False),  # let in but not used yet
        ("active", True),  # started on 10/03/2026: long enough by now
        ("ended", True),
        ("converted", True),
        ("declined", False),
        ("cancelled", False),
    ],
)
def test_every_trial_status(client_for, solution, status, allowed):
    user = eligible_user(solution, status)
    ok, reason = can_review(user, solution)
    assert ok is allowed and reason
    response = client_for(user).get(f"/solutions/{solution.slug}/review")
    assert response.status_code == (200 if allowed else 403)
    html = response.get_data(as_text=True)
    assert reason in html
    if status == "requested":
        assert "đang chờ nhà cung cấp chấp nhận" in reason
    # Posting is refused the same way, and nothing is written.
    posted = client_for(user).post(f"/solutions/{solution.slug}/review", data=form_data())
    assert posted.status_code == (302 if allowed else 403)
    assert _count() == (1 if allowed else 0)


def test_a_trial_of_another_solution_does_not_count(
    client_for, enterprise, solution, other_solution
):
    make_trial(enterprise, other_solution, "ended")
    allowed, reason = can_review(enterprise, solution)
    assert not allowed
    assert "Hãy đăng ký dùng thử trước" in reason
    response = client_for(enterprise).get(f"/solutions/{solution.slug}/review")
    assert response.status_code == 403 and reason in response.get_data(as_text=True)


def test_every_member_of_an_eligible_organisation_may_review(solution, reviewer):
    colleague = factories.make_user("enterprise", org=reviewer.organization)
    assert can_review(colleague, solution)[0]


@pytest.mark.parametrize("who", ["vendor", "other_vendor", "moderator", "admin"])
def test_vendors_and_staff_are_refused_with_the_reason_shown(request, client_for, solution, who):
    user = request.getfixturevalue(who)
    allowed, reason = can_review(user, solution)
    assert not allowed
    if who == "vendor":
        assert reason == "Nhà cung cấp không thể đánh giá giải pháp của chính mình."
    response = client_for(user).get(f"/solutions/{solution.slug}/review")
    assert response.status_code == 403
    assert reason in response.get_data(as_text=True)
    # The solution page says why too, and offers no "write" button.
    page = client_for(user).get(f"/solutions/{solution.slug}")
    assert reason in page.get_data(as_text=True)
    assert not soup(page).select(f'a[href="/solutions/{solution.slug}/review"]')
    with pytest.raises(rules.ReviewError):
        services.record_review(user, solution, review_input())
    db.session.rollback()
    assert _count() == 0


def test_vendor_cannot_review_own_solution_even_with_a_trial_row(client_for, vendor, solution):
    # A vendor user has no enterprise organisation; the rule holds whatever the data says.
    assert can_review(vendor, solution) == (
        False,
        "Nhà cung cấp không thể đánh giá giải pháp của chính mình.",
    )
    response = client_for(vendor).post(f"/solutions/{solution.slug}/review", data=form_data())
    assert response.status_code == 403
    assert _count() == 0


def test_anonymous_is_sent_to_sign_in_and_the_page_says_who_may_review(client, solution):
    response = client.get(f"/solutions/{solution.slug}/review")
    assert response.status_code == 302 and "/auth/login" in response.headers["Location"]
    response = client.post(f"/solutions/{solution.slug}/review", data=form_data())
    assert response.status_code == 302 and "/auth/login" in response.headers["Location"]
    page = client.get(f"/solutions/{solution.slug}").get_data(as_text=True)
    assert "Đăng nhập bằng tài khoản doanh nghiệp để đánh giá" in page


def test_eligible_enterprise_sees_the_write_button(client_for, solution, reviewer):
    page = client_for(reviewer).get(f"/solutions/{solution.slug}")
    links = soup(page).select(f'a[href="/solutions/{solution.slug}/review"]')
    assert links and "Viết đánh giá" in links[0].get_text()


def test_unpublished_solutions_cannot_be_reviewed(client_for, vendor, reviewer, solution):
    solution.status = "suspended"
    db.session.commit()
    assert not can_review(reviewer, solution)[0]
    assert client_for(reviewer).get(f"/solutions/{solution.slug}/review").status_code == 404
