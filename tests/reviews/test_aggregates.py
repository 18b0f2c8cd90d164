"""Rating figures: only published reviews count, a Bayesian score orders "top rated",
and concurrent writers never lose a review."""

from __future__ import annotations

import threading

import pytest
from bs4 import BeautifulSoup
from sqlalchemy import func, select, update

from marketplace.catalog.models import Solution
from marketplace.extensions import db
from marketplace.reviews import queries, rules, services
from marketplace.reviews.models import Review
from tests import factories
from tests.reviews.conftest import eligible_user, quick_reviews, write


def _figures(solution) -> tuple[int, float, float]:
    db.session.expire_all()
    s = db.session.get(Solution, solution.id)
    return s.rating_count, round(s.rating_avg, 4), round(s.rating_score, 4)


def test_bayesian_score():
    assert services.bayesian_score(0, 0) == 0.0
    assert services.bayesian_score(5, 1) == pytest.approx(3.75)
    assert services.bayesian_score(4.8 * 200, 200) == pytest.approx(4.7683, abs=1e-4)
    assert services.bayesian_score(5, 1) < services.bayesian_score(4.8 * 200, 200)
    # Many reviews pull the score to their own average, few pull it to 3.5.
    assert services.bayesian_score(1, 1) == pytest.approx(18.5 / 6)
    assert services.bayesian_score(5 * 1000, 1000) == pytest.approx(4.9925, abs=1e-4)


def test_figures_follow_create_update_hide_and_restore(solution, moderator):
    a = eligible_user(solution)
    b = eligible_user(solution, "converted")
    first = write(a, solution, overall=5)
    assert _figures(solution) == (1, 5.0, 3.75)
    write(b, solution, overall=2)
    assert _figures(solution) == (2, 3.5, round((17.5 + 7) / 7, 4))
    write(a, solution, overall=3)  # a rewrite replaces the stars, it does not add a review
    assert _figures(solution) == (2, 2.5, round((17.5 + 5) / 7, 4))
    services.hide_review(moderator, db.session.get(Review, first.id), "Nội dung quảng cáo")
    db.session.commit()
    assert _figures(solution) == (1, 2.0, round((17.5 + 2) / 6, 4))
    services.restore_review(moderator, db.session.get(Review, first.id), "Đã xác minh lại")
    db.session.commit()
    assert _figures(solution) == (2, 2.5, round((17.5 + 5) / 7, 4))


def _kept(solution) -> queries.RatingSummary:
    """The summary the solution's row keeps, read with no query of the reviews."""
    db.session.expire_all()
    return queries.summary_of(db.session.get(Solution, solution.id))


def _counted(solution) -> queries.RatingSummary:
    return queries.summary(solution.id)


def test_the_kept_summary_follows_create_update_hide_and_restore(solution, moderator):
    """Every change of what is published rewrites the row's summary: per star and the
    sub-ratings' sums equal those counted from the reviews after each step."""
    a = eligible_user(solution)
    b = eligible_user(solution, "converted")
    steps = []
    first = write(a, solution, overall=5)
    steps.append(("write", _kept(solution), _counted(solution)))
    write(b, solution, overall=2)
    steps.append(("second", _kept(solution), _counted(solution)))
    write(a, solution, overall=3)
    steps.append(("rewrite", _kept(solution), _counted(solution)))
    services.hide_review(moderator, db.session.get(Review, first.id), "Nội dung quảng cáo")
    db.session.commit()
    steps.append(("hide", _kept(solution), _counted(solution)))
    services.restore_review(moderator, db.session.get(Review, first.id), "Đã xác minh lại")
    db.session.commit()
    steps.append(("restore", _kept(solution), _counted(solution)))
    for name, kept, counted in steps:
        assert kept == counted, name
    assert steps[2][1].histogram[3] == 1 and steps[2][1].histogram[5] == 0
    assert steps[3][1].count == 1 and steps[3][1].histogram == {5: 0, 4: 0, 3: 0, 2: 1, 1: 0}


def test_a_solution_page_reads_its_summary_from_the_listing(client, solution, count_queries):
    quick_reviews(solution, [5, 4, 4])
    quick_reviews(solution, [1], status="hidden")
    with count_queries() as q:
        html = client.get(f"/solutions/{solution.slug}").get_data(as_text=True)
    assert not [s for s in q.statements if "sum(reviews.ease_of_use)" in s]
    summary = BeautifulSoup(html, "html.parser").select_one(".review-summary")
    assert summary is not None and "4,3" in summary.get_text(" ", strip=True)


def test_a_row_never_counted_is_counted_from_the_reviews(solution, vendor, count_queries):
    """A listing whose breakdown was never written (rows loaded in bulk) but whose count
    says it has reviews is counted from the rows; one with no review needs no query."""
    quick_reviews(solution, [5, 2])
    db.session.execute(
        update(Solution).where(Solution.id == solution.id).values(rating_breakdown=None)
    )
    db.session.commit()
    db.session.expire_all()
    loaded = db.session.get(Solution, solution.id)
    with count_queries() as q:
        summary = queries.summary_of(loaded)
    assert (summary.count, summary.total, q.count) == (2, 7, 1)
    empty = factories.make_solution(vendor, name="Chưa có nhận xét")
    db.session.execute(
        update(Solution).where(Solution.id == empty.id).values(rating_breakdown=None)
    )
    db.session.commit()
    empty = db.session.get(Solution, empty.id)
    assert empty.rating_breakdown is None and empty.rating_count == 0
    with count_queries() as q:
        assert queries.summary_of(empty) == queries.RatingSummary()
    assert q.count == 0


def test_hiding_the_last_review_resets_the_figures(solution, review, moderator):
    services.hide_review(moderator, review, "Sai sự thật")
    db.session.commit()
    assert _figures(solution) == (0, 0.0, 0.0)


def test_top_rated_sort_uses_the_bayesian_score(client, vendor):
    lone = factories.make_solution(vendor, name="Một đánh giá năm sao")
    many = factories.make_solution(vendor, name="Hai trăm đánh giá")
    quick_reviews(lone, [5])
    quick_reviews(many, [5] * 160 + [4] * 40)  # 4.8★ from 200
    assert (many.rating_count, many.rating_avg) == (200, 4.8)
    assert lone.rating_avg == 5.0 and lone.rating_score < many.rating_score

    def order(sort: str) -> list[str]:
        html = client.get("/solutions", query_string={"sort": sort}).get_data(as_text=True)
        names = [
            a.get_text(strip=True) for a in BeautifulSoup(html, "html.parser").select("h2 a, h3 a")
        ]
        return [n for n in names if n in {"Một đánh giá năm sao", "Hai trăm đánh giá"}]

    assert order("rating") == ["Hai trăm đánh giá", "Một đánh giá năm sao"]
    assert order("reviews") == ["Hai trăm đánh giá", "Một đánh giá năm sao"]
    # The minimum-rating facet uses the plain average: both are above 4★.
    html = client.get("/solutions", query_string={"min_rating": 4}).get_data(as_text=True)
    assert "Một đánh giá năm sao" in html and "Hai trăm đánh giá" in html


def test_hidden_reviews_leave_the_figures_made_from_the_rows(solution):
    quick_reviews(solution, [5, 4])
    quick_reviews(solution, [1, 1, 1], status="hidden")
    assert _figures(solution)[:2] == (2, 4.5)
    summary = queries.summary(solution.id)
    assert summary.count == 2 and summary.histogram[1] == 0
    assert queries.summary_of(solution).distribution() == {
        "1": 0,
        "2": 0,
        "3": 0,
        "4": 1,
        "5": 1,
    }


def test_two_organisations_reviewing_at_the_same_moment_are_both_counted(
    app_factory, solution, monkeypatch
):
    """Two threads, each with its own app and session, write at once; neither is lost.

    The recount is slowed down so that, without the lock on the solution row, both would
    count only their own review and the last commit would leave rating_count = 1.
    """
    users = [eligible_user(solution), eligible_user(solution, "active")]
    ids = [u.id for u in users]
    solution_id = solution.id
    apps = [app_factory(), app_factory()]
    barrier = threading.Barrier(2)
    errors: list[BaseException] = []
    real_refresh = services.refresh_aggregates

    def slow_refresh(sid):
        import time

        time.sleep(0.3)
        return real_refresh(sid)

    monkeypatch.setattr(services, "refresh_aggregates", slow_refresh)

    def submit(application, user_id: int, stars: int) -> None:
        from marketplace.accounts.models import User

        with application.app_context():
            try:
                user = db.session.get(User, user_id)
                sol = db.session.get(Solution, solution_id)
                barrier.wait(timeout=10)
                services.record_review(user, sol, _input(stars))
                db.session.commit()
            except BaseException as exc:  # noqa: BLE001 - reported below
                db.session.rollback()
                errors.append(exc)
            finally:
                db.session.remove()

    threads = [
        threading.Thread(target=submit, args=(apps[0], ids[0], 5)),
        threading.Thread(target=submit, args=(apps[1], ids[1], 2)),
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    assert not errors, errors
    assert db.session.scalar(select(func.count(Review.id))) == 2
    assert _figures(solution) == (2, 3.5, round((17.5 + 7) / 7, 4))


def test_two_members_of_one_organisation_at_the_same_moment_make_one_review(app_factory, solution):
    first = eligible_user(solution)
    second = factories.make_user("enterprise", org=first.organization)
    ids = [first.id, second.id]
    solution_id = solution.id
    apps = [app_factory(), app_factory()]
    barrier = threading.Barrier(2)
    errors: list[BaseException] = []

    def submit(application, user_id: int, stars: int) -> None:
        from marketplace.accounts.models import User

        with application.app_context():
            try:
                user = db.session.get(User, user_id)
                sol = db.session.get(Solution, solution_id)
                barrier.wait(timeout=10)
                services.record_review(user, sol, _input(stars))
                db.session.commit()
            except BaseException as exc:  # noqa: BLE001 - reported below
                db.session.rollback()
                errors.append(exc)
            finally:
                db.session.remove()

    threads = [
        threading.Thread(target=submit, args=(application, user_id, stars))
        for application, user_id, stars in zip(apps, ids, (5, 3), strict=True)
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    assert not errors, errors
    assert db.session.scalar(select(func.count(Review.id))) == 1
    assert _figures(solution)[0] == 1


def _input(stars: int) -> rules.ReviewInput:
    return rules.ReviewInput(
        overall=stars,
        ease_of_use=stars,
        features=stars,
        support=stars,
        value=stars,
        title=f"Đánh giá {stars} sao",
        body="Nhận xét viết cùng lúc với một doanh nghiệp khác.",
    )
