"""Writing a review: the form, one review per organisation (rewrites keep a history), odd input."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from marketplace.core.database import utcnow
from marketplace.extensions import db
from marketplace.notifications.models import Notification
from marketplace.reviews import rules, services
from marketplace.reviews.models import Review, ReviewRevision
from tests import factories
from tests.reviews.conftest import form_data, review_input, soup, write


def _url(solution) -> str:
    return f"/solutions/{solution.slug}/review"


def _field_errors(response, name: str) -> list[str]:
    page = soup(response)
    if name in rules.SCORE_FIELDS:
        box = page.find("fieldset", attrs={"aria-describedby": f"{name}-err"})
        assert box is not None, f"no error for {name}"
        return [e.get_text(strip=True) for e in box.select(".invalid-feedback")]
    box = page.find(id=f"{name}-help")
    return [e.get_text(strip=True) for e in box.select(".invalid-feedback")]


def test_a_review_is_posted_and_shown_on_the_solution_page(client_for, solution, reviewer, vendor):
    response = client_for(reviewer).post(_url(solution), data=form_data())
    assert response.status_code == 302
    db.session.expire_all()
    review = db.session.scalar(select(Review))
    assert response.headers["Location"].endswith(f"/solutions/{solution.slug}#review-{review.id}")
    assert (review.overall, review.ease_of_use, review.features, review.support, review.value) == (
        4,
        4,
        5,
        3,
        4,
    )
    assert review.verified and review.status == "published"
    assert review.organization_id == reviewer.organization_id and review.author_id == reviewer.id
    page = client_for(reviewer).get(f"/solutions/{solution.slug}")
    card = soup(page).find(id=f"review-{review.id}")
    assert "Xuất hóa đơn nhanh, hỗ trợ nhiệt tình" in card.get_text()
    assert "✓ Đã dùng thử 14 ngày" in card.get_text(), (
        review.verified,
        review.use_kind,
        review.use_days,
    )
    assert reviewer.organization.name in card.get_text()
    # The vendor hears about it.
    note = db.session.scalar(
        select(Notification).where(
            Notification.user_id == vendor.id, Notification.kind == "review.created"
        )
    )
    assert f"#review-{review.id}" in note.link


def test_writing_again_updates_the_one_review_and_keeps_the_previous_text(
    client_for, solution, reviewer
):
    first = write(reviewer, solution, title="Bản đầu tiên", overall=3)
    colleague = factories.make_user("enterprise", org=reviewer.organization)
    response = client_for(colleague).post(
        _url(solution), data=form_data(title="Bản sửa lại sau một tháng", overall="5")
    )
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.scalar(select(func.count(Review.id))) == 1
    review = db.session.get(Review, first.id)
    assert (review.title, review.overall, review.author_id) == (
        "Bản sửa lại sau một tháng",
        5,
        colleague.id,
    )
    assert review.updated_at > review.created_at and review.edited
    history = db.session.scalars(select(ReviewRevision)).all()
    assert [(h.title, h.overall, h.author_id) for h in history] == [
        ("Bản đầu tiên", 3, reviewer.id)
    ]
    # The form shows the current review and the history to the organisation.
    page = client_for(reviewer).get(_url(solution))
    assert soup(page).find(id="title")["value"] == "Bản sửa lại sau một tháng"
    assert "Lịch sử chỉnh sửa" in page.get_data(as_text=True)
    assert "Bản đầu tiên" in page.get_data(as_text=True)


def test_saving_the_same_text_adds_no_version(solution, reviewer):
    write(reviewer, solution)
    write(reviewer, solution)
    assert db.session.scalar(select(func.count(ReviewRevision.id))) == 0


def test_the_database_allows_one_review_per_organisation_and_solution(solution, review):
    now = utcnow()
    db.session.add(
        Review(
            solution_id=solution.id,
            organization_id=review.organization_id,
            overall=1,
            ease_of_use=1,
            features=1,
            support=1,
            value=1,
            title="Trùng",
            body="Một nhận xét thứ hai của cùng doanh nghiệp.",
            verified=True,
            status="published",
            created_at=now,
            updated_at=now,
        )
    )
    with pytest.raises(IntegrityError):
        db.session.flush()
    db.session.rollback()


def test_a_lost_race_for_the_first_review_becomes_an_update(solution, reviewer, monkeypatch):
    """The unique row was taken between the check and the insert: the write is retried."""
    from marketplace.reviews import services as module

    calls = {"n": 0}
    real = module._write

    def racing(actor, sol, data, *, use):
        calls["n"] += 1
        if calls["n"] == 1:
            # Another request of the same organisation wins meanwhile.
            real(actor, sol, review_input(title="Bản của người kia"), use=use)
            db.session.commit()
            raise IntegrityError("INSERT", {}, Exception("unique"))
        return real(actor, sol, data, use=use)

    monkeypatch.setattr(module, "_write", racing)
    review = services.record_review(reviewer, solution, review_input(title="Bản của tôi"))
    db.session.commit()
    assert db.session.scalar(select(func.count(Review.id))) == 1
    assert review.title == "Bản của tôi"
    assert [r.title for r in db.session.scalars(select(ReviewRevision))] == ["Bản của người kia"]


def test_form_errors_are_shown_next_to_fields_and_values_are_kept(client_for, solution, reviewer):
    response = client_for(reviewer).post(
        _url(solution),
        data=form_data(overall="", support="9", title="x" * 121, body="Quá ngắn"),
    )
    assert response.status_code == 400
    assert _field_errors(response, "overall") == [
        "Vui lòng chọn số sao đánh giá chung (từ 1 đến 5)."
    ]
    assert "Hỗ trợ" in _field_errors(response, "support")[0]
    assert _field_errors(response, "title") == ["Tiêu đề không được dài quá 120 ký tự."]
    assert "ít nhất 20 ký tự" in _field_errors(response, "body")[0]
    page = soup(response)
    assert page.find(id="title")["value"] == "x" * 121
    assert page.find(id="body").get_text().strip() == "Quá ngắn"
    # Stars chosen before are still chosen.
    assert page.find(id="features-5").has_attr("checked")
    assert page.find(id="ease_of_use-4").has_attr("checked")
    assert db.session.scalar(select(func.count(Review.id))) == 0


def test_body_longer_than_5000_is_refused_and_5000_accepted(client_for, solution, reviewer):
    c = client_for(reviewer)
    response = c.post(_url(solution), data=form_data(body="a" * 5001))
    assert response.status_code == 400
    assert _field_errors(response, "body") == ["Nội dung nhận xét không được dài quá 5000 ký tự."]
    assert c.post(_url(solution), data=form_data(body="a" * 5000)).status_code == 302


@pytest.mark.parametrize(
    "overrides",
    [
        {"overall": "0"},
        {"overall": "-1"},
        {"overall": "4.5"},
        {"overall": "５"},
        {"overall": "<script>"},
        {"value": "a" * 300},
        {"title": "\x00\x00"},
        {"body": "\x00" * 30},
        {"title": "   ", "body": "   "},
        {"overall": ["1", "5"]},
    ],
)
def test_odd_input_never_fails_with_500(client_for, solution, reviewer, overrides):
    response = client_for(reviewer).post(_url(solution), data=form_data(**overrides))
    assert response.status_code in (302, 400)
    if response.status_code == 302:
        review = db.session.scalar(select(Review))
        assert 1 <= review.overall <= 5 and "\x00" not in review.body + review.title


def test_missing_fields_altogether(client_for, solution, reviewer):
    response = client_for(reviewer).post(_url(solution), data={})
    assert response.status_code == 400
    assert db.session.scalar(select(func.count(Review.id))) == 0


def test_unknown_solution_is_404(client_for, reviewer):
    assert client_for(reviewer).get("/solutions/khong-co/review").status_code == 404


def test_text_is_tidied_but_line_breaks_are_kept(solution, reviewer):
    review = write(
        reviewer,
        solution,
        title="  Nhiều    khoảng   trắng ",
        body="Dòng một   \r\nDòng hai\r\n\r\n\r\n\r\nĐoạn mới sau nhiều dòng trống.",
    )
    assert review.title == "Nhiều khoảng trắng"
    assert review.body == "Dòng một\nDòng hai\n\nĐoạn mới sau nhiều dòng trống."
