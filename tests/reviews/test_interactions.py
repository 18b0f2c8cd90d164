"""Helpful votes, vendor replies, abuse reports and moderation: who may do what."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from marketplace.core.audit import AuditLog
from marketplace.extensions import db
from marketplace.notifications.models import Notification
from marketplace.reviews import services
from marketplace.reviews.models import Review, ReviewReply, ReviewReport, ReviewVote
from tests import factories
from tests.reviews.conftest import soup


def _votes() -> int:
    return db.session.scalar(select(func.count(ReviewVote.id)))


def _fresh(review) -> Review:
    db.session.expire_all()
    return db.session.get(Review, review.id)


# ---------------------------------------------------------------- helpful votes


def test_a_vote_counts_once_and_can_be_taken_back(client_for, solution, review, other_enterprise):
    c = client_for(other_enterprise)
    url = f"/reviews/{review.id}/helpful"
    back = f"/solutions/{solution.slug}?sort=newest#review-{review.id}"
    response = c.post(url, data={"helpful": "1", "next": back})
    assert response.status_code == 302 and response.headers["Location"].endswith(back)
    assert c.post(url, data={"helpful": "1"}).status_code == 302  # a double click
    assert _votes() == 1 and _fresh(review).helpful_count == 1
    page = soup(c.get(f"/solutions/{solution.slug}"))
    button = page.find(id=f"review-{review.id}").select_one(".review-actions button")
    assert button["aria-pressed"] == "true" and "1" in button.get_text()
    assert c.post(url, data={"helpful": "0"}).status_code == 302
    assert _votes() == 0 and _fresh(review).helpful_count == 0


def test_votes_of_several_users_add_up(client_for, solution, review, other_enterprise, moderator):
    for user in (other_enterprise, moderator, factories.make_user("vendor")):
        assert client_for(user).post(f"/reviews/{review.id}/helpful").status_code == 302
    assert _fresh(review).helpful_count == 3
    html = client_for(other_enterprise).get(f"/solutions/{solution.slug}").get_data(as_text=True)
    assert "Hữu ích" in html


@pytest.mark.parametrize(
    ("who", "expected"),
    [
        ("anonymous", "login"),
        ("author", 403),
        ("colleague", 403),
        ("vendor", 403),
        ("other_vendor", 302),
        ("other_enterprise", 302),
        ("moderator", 302),
    ],
)
def test_who_may_vote(request, client, client_for, review, reviewer, who, expected):
    users = {
        "author": reviewer,
        "colleague": factories.make_user("enterprise", org=reviewer.organization),
    }
    user = None if who == "anonymous" else users.get(who) or request.getfixturevalue(who)
    c = client if user is None else client_for(user)
    response = c.post(f"/reviews/{review.id}/helpful", data={"helpful": "1"})
    if expected == "login":
        assert response.status_code == 302 and "/auth/login" in response.headers["Location"]
        assert _votes() == 0
    else:
        assert response.status_code == expected
        assert _votes() == (1 if expected == 302 else 0)


def test_the_page_offers_no_vote_button_to_the_author_or_the_vendor(
    client_for, solution, review, reviewer, vendor, other_enterprise
):
    services.vote_helpful(other_enterprise, review)
    db.session.commit()
    for user in (reviewer, vendor):
        card = soup(client_for(user).get(f"/solutions/{solution.slug}")).find(
            id=f"review-{review.id}"
        )
        assert not card.select(f'form[action="/reviews/{review.id}/helpful"]')
        assert "1 người thấy hữu ích" in card.get_text()


# ---------------------------------------------------------------- vendor replies


def test_the_vendor_replies_edits_and_the_organisation_is_told(
    client_for, solution, review, vendor, reviewer
):
    c = client_for(vendor)
    url = f"/reviews/{review.id}/reply"
    assert c.get(url).status_code == 200
    response = c.post(url, data={"body": "Cảm ơn anh chị đã tin dùng."})
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"#review-{review.id}")
    note = db.session.scalar(
        select(Notification).where(
            Notification.user_id == reviewer.id, Notification.kind == "review.reply"
        )
    )
    assert note is not None and solution.name in note.title
    # Editing keeps one reply.
    page = soup(c.get(url))
    assert page.find(id="body").get_text().strip() == "Cảm ơn anh chị đã tin dùng."
    assert c.post(url, data={"body": "Bản phản hồi đã sửa."}).status_code == 302
    replies = db.session.scalars(select(ReviewReply)).all()
    assert [r.body for r in replies] == ["Bản phản hồi đã sửa."]
    html = client_for(reviewer).get(f"/solutions/{solution.slug}").get_data(as_text=True)
    assert "Bản phản hồi đã sửa." in html


def test_reply_errors_are_shown_next_to_the_field(client_for, review, vendor):
    c = client_for(vendor)
    response = c.post(f"/reviews/{review.id}/reply", data={"body": "   "})
    assert response.status_code == 400
    errors = soup(response).find(id="body-help").select(".invalid-feedback")
    assert errors[0].get_text(strip=True) == "Vui lòng nhập nội dung phản hồi."
    response = c.post(f"/reviews/{review.id}/reply", data={"body": "x" * 3001})
    assert response.status_code == 400
    assert soup(response).find(id="body").get_text().strip() == "x" * 3001


@pytest.mark.parametrize(
    ("who", "expected"),
    [
        ("anonymous", "login"),
        ("reviewer", 403),
        ("other_enterprise", 403),
        ("other_vendor", 403),
        ("moderator", 403),
        ("admin", 403),
        ("colleague", 200),
    ],
)
def test_who_may_reply(request, client, client_for, review, vendor, who, expected):
    if who == "anonymous":
        c = client
    elif who == "colleague":  # another member of the owning vendor
        c = client_for(factories.make_user("vendor", org=vendor.organization))
    else:
        c = client_for(request.getfixturevalue(who))
    for method in ("get", "post"):
        response = getattr(c, method)(f"/reviews/{review.id}/reply", data={"body": "Cảm ơn."})
        if expected == "login":
            assert response.status_code == 302 and "/auth/login" in response.headers["Location"]
        elif method == "post" and expected == 200:
            assert response.status_code == 302
        else:
            assert response.status_code == expected
    assert db.session.scalar(select(func.count(ReviewReply.id))) == (1 if expected == 200 else 0)


# ---------------------------------------------------------------- reports and moderation


def test_report_requires_a_reason_and_one_open_report_per_user(
    client_for, solution, review, other_enterprise, moderator
):
    c = client_for(other_enterprise)
    url = f"/reviews/{review.id}/report"
    response = c.post(url, data={"reason": ""})
    assert response.status_code == 400
    assert "Vui lòng nhập lý do." in soup(response).find(id="reason-help").get_text()
    response = c.post(url, data={"reason": "x" * 1001})
    assert response.status_code == 400
    assert soup(response).find(id="reason").get_text().strip() == "x" * 1001
    assert c.post(url, data={"reason": "Nội dung quảng cáo cho đối thủ."}).status_code == 302
    assert c.post(url, data={"reason": "Lần nữa"}).status_code == 302  # told it is pending
    assert db.session.scalar(select(func.count(ReviewReport.id))) == 1
    assert "đã báo cáo nhận xét này" in c.get(url).get_data(as_text=True)
    # The moderators see it in their queue, and are told in the app.
    queue = client_for(moderator).get("/moderation/").get_data(as_text=True)
    assert "Báo cáo vi phạm về nhận xét" in queue and "Nội dung quảng cáo cho đối thủ." in queue
    assert f"/moderation/reviews/{review.id}" in queue
    assert db.session.scalar(
        select(func.count(Notification.id)).where(Notification.kind == "review.reported")
    )


@pytest.mark.parametrize(
    ("who", "expected"),
    [
        ("anonymous", "login"),
        ("reviewer", 403),
        ("colleague", 403),
        ("other_enterprise", 200),
        ("vendor", 200),
        ("other_vendor", 200),
        ("moderator", 200),
    ],
)
def test_who_may_report(request, client, client_for, review, reviewer, who, expected):
    if who == "anonymous":
        c = client
    elif who == "colleague":
        c = client_for(factories.make_user("enterprise", org=reviewer.organization))
    else:
        c = client_for(request.getfixturevalue(who))
    response = c.get(f"/reviews/{review.id}/report")
    if expected == "login":
        assert response.status_code == 302 and "/auth/login" in response.headers["Location"]
        return
    assert response.status_code == expected
    posted = c.post(f"/reviews/{review.id}/report", data={"reason": "Sai sự thật."})
    assert posted.status_code == (302 if expected == 200 else expected)


def _report(user, review, reason="Ngôn từ xúc phạm nhân viên hỗ trợ.") -> ReviewReport:
    report = services.report_review(user, review, reason)
    db.session.commit()
    return report


def test_hide_needs_a_reason_closes_reports_and_is_audited(
    client_for, client, solution, review, reviewer, other_enterprise, moderator
):
    report = _report(other_enterprise, review)
    c = client_for(moderator)
    page = c.get(f"/moderation/reviews/{review.id}")
    assert page.status_code == 200 and report.reason in page.get_data(as_text=True)
    response = c.post(f"/moderation/reviews/{review.id}/hide", data={"hide-reason": ""})
    assert response.status_code == 400
    assert "Vui lòng nhập lý do." in soup(response).find(id="hide-reason-help").get_text()
    assert _fresh(review).status == "published"
    response = c.post(
        f"/moderation/reviews/{review.id}/hide", data={"hide-reason": "Ngôn từ xúc phạm."}
    )
    assert response.status_code == 302
    hidden = _fresh(review)
    assert (hidden.status, hidden.hidden_reason, hidden.hidden_by_id) == (
        "hidden",
        "Ngôn từ xúc phạm.",
        moderator.id,
    )
    assert db.session.get(ReviewReport, report.id).status == "upheld"
    entry = db.session.scalar(select(AuditLog).where(AuditLog.action == "review.hide"))
    assert (entry.actor_id, entry.object_id, entry.reason) == (
        moderator.id,
        review.id,
        "Ngôn từ xúc phạm.",
    )
    assert "Ẩn nhận xét" in c.get("/moderation/audit").get_data(as_text=True)
    # Gone from the page, the queue and every figure; the organisation is told and sees why.
    assert f'id="review-{review.id}"' not in client.get(f"/solutions/{solution.slug}").get_data(
        as_text=True
    )
    assert "Ngôn từ xúc phạm nhân viên" not in c.get("/moderation/").get_data(as_text=True)
    api = client.get(f"/api/v1/solutions/{solution.slug}").get_json()["rating"]
    assert api == {
        "average": None,
        "count": 0,
        "distribution": {"1": 0, "2": 0, "3": 0, "4": 0, "5": 0},
    }
    assert db.session.scalar(
        select(Notification).where(
            Notification.user_id == reviewer.id, Notification.kind == "review.hidden"
        )
    )
    own = client_for(reviewer).get(f"/solutions/{solution.slug}").get_data(as_text=True)
    assert "đang bị kiểm duyệt viên ẩn" in own and "Ngôn từ xúc phạm." in own
    # Acting on a hidden review is not possible for anyone but staff.
    assert client_for(other_enterprise).post(f"/reviews/{review.id}/helpful").status_code == 404
    assert client_for(other_enterprise).get(f"/reviews/{review.id}/report").status_code == 404


def test_restore_needs_a_reason_and_brings_the_review_back(
    client_for, client, solution, review, moderator
):
    services.hide_review(moderator, review, "Nghi ngờ giả mạo")
    db.session.commit()
    c = client_for(moderator)
    assert (
        c.post(f"/moderation/reviews/{review.id}/restore", data={"restore-reason": ""}).status_code
        == 400
    )
    response = c.post(
        f"/moderation/reviews/{review.id}/restore",
        data={"restore-reason": "Doanh nghiệp đã xác minh."},
    )
    assert response.status_code == 302
    assert _fresh(review).status == "published"
    assert db.session.scalar(select(AuditLog).where(AuditLog.action == "review.restore"))
    api = client.get(f"/api/v1/solutions/{solution.slug}").get_json()["rating"]
    assert api["count"] == 1 and api["distribution"]["4"] == 1
    # Hiding twice or restoring a published review is refused politely.
    assert (
        c.post(
            f"/moderation/reviews/{review.id}/restore", data={"restore-reason": "Lần nữa"}
        ).status_code
        == 302
    )
    assert (
        db.session.scalar(
            select(func.count(AuditLog.id)).where(AuditLog.action == "review.restore")
        )
        == 1
    )


def test_dismissing_reports_keeps_the_review(client_for, review, other_enterprise, moderator):
    report = _report(other_enterprise, review)
    c = client_for(moderator)
    response = c.post(f"/moderation/reviews/{review.id}/dismiss", data={"dismiss-reason": ""})
    assert response.status_code == 302
    assert db.session.get(ReviewReport, report.id).status == "dismissed"
    assert _fresh(review).status == "published"
    assert db.session.scalar(select(AuditLog).where(AuditLog.action == "review.dismiss_reports"))
    # Nothing left to dismiss: told so, nothing recorded.
    c.post(f"/moderation/reviews/{review.id}/dismiss")
    assert (
        db.session.scalar(
            select(func.count(AuditLog.id)).where(AuditLog.action == "review.dismiss_reports")
        )
        == 1
    )
    # A closed report lets the same user report again.
    assert _report(other_enterprise, review, "Vẫn sai sự thật.").status == "open"


@pytest.mark.parametrize(
    "who", ["anonymous", "reviewer", "other_enterprise", "vendor", "other_vendor"]
)
def test_only_staff_moderate_reviews(request, client, client_for, review, who):
    c = client if who == "anonymous" else client_for(request.getfixturevalue(who))
    for method, path in [
        ("get", "/moderation/reviews"),
        ("get", f"/moderation/reviews/{review.id}"),
        ("post", f"/moderation/reviews/{review.id}/hide"),
        ("post", f"/moderation/reviews/{review.id}/restore"),
        ("post", f"/moderation/reviews/{review.id}/dismiss"),
    ]:
        response = getattr(c, method)(path, data={"hide-reason": "x", "restore-reason": "x"})
        if who == "anonymous":
            assert response.status_code == 302 and "/auth/login" in response.headers["Location"]
        else:
            assert response.status_code == 403, (who, path)
    assert _fresh(review).status == "published"


def test_services_refuse_the_wrong_people(review, reviewer, vendor, other_vendor, other_enterprise):
    from werkzeug.exceptions import Forbidden

    with pytest.raises(Forbidden):
        services.vote_helpful(reviewer, review)
    with pytest.raises(Forbidden):
        services.save_reply(other_vendor, review, "Tôi không phải nhà cung cấp.")
    with pytest.raises(Forbidden):
        services.report_review(reviewer, review, "Tự báo cáo mình")
    with pytest.raises(Forbidden):
        services.hide_review(vendor, review, "Không thích nhận xét này")
    with pytest.raises(Forbidden):
        services.dismiss_reports(other_enterprise, review)


def test_moderation_list_filters(client_for, solution, review, other_enterprise, moderator):
    _report(other_enterprise, review)
    c = client_for(moderator)
    html = c.get("/moderation/reviews?reported=1").get_data(as_text=True)
    assert review.title in html and "1 báo cáo" in html
    assert review.title not in c.get("/moderation/reviews?status=hidden").get_data(as_text=True)
    assert review.title in c.get(
        "/moderation/reviews", query_string={"q": solution.name[:8]}
    ).get_data(as_text=True)


def test_moderation_search_finds_reviews_by_listing_or_organisation_name(
    client_for, solution, other_solution, moderator
):
    """The queue's search names a listing or an organisation (its reviews, whichever
    listing they are of), with the status filter, and counts what it found."""
    from tests.reviews.conftest import quick_reviews

    mine = quick_reviews(solution, [5, 4])
    theirs = quick_reviews(other_solution, [3], status="hidden")
    c = client_for(moderator)

    def titles(**query) -> set[str]:
        html = c.get("/moderation/reviews", query_string=query).get_data(as_text=True)
        return {r.title for r in [*mine, *theirs] if r.title in html}

    every = {r.title for r in [*mine, *theirs]}
    assert titles() == every
    assert titles(q="sông hồng") == {r.title for r in mine}  # "Hóa đơn điện tử Sông Hồng"
    assert titles(q="Bạch Đằng") == {theirs[0].title}
    assert titles(q="Hóa đơn") == every
    assert titles(q="Bạch Đằng", status="published") == set()
    # An organisation's name finds its reviews.
    org_name = db.session.get(type(mine[0].organization), mine[1].organization_id).name
    assert titles(q=org_name) == {mine[1].title}
    assert titles(q="không có tên này") == set()
