"""A review keeps the name it was written under; edited replies and rewritten reviews notify.

Before: a renamed organisation's reviews silently showed the new name, and after the first
notification an edited vendor reply or a rewritten review told nobody.
"""

from __future__ import annotations

from sqlalchemy import select

from marketplace.accounts import organizations
from marketplace.extensions import db
from marketplace.notifications import services as notifications
from marketplace.notifications.models import Notification
from marketplace.reviews.models import Review
from tests.reviews.conftest import soup, write


def _rename(user, name: str) -> None:
    """Rename the user's (unverified) organisation through the profile rules."""
    org = user.organization
    organizations.update_organization(
        user,
        org,
        organizations.OrgDetails(
            name=name, tax_code=org.tax_code, phone=org.phone, commune_code=org.commune_code
        ),
    )
    db.session.commit()


def _card(client, solution, review):
    return soup(client.get(f"/solutions/{solution.slug}")).find(id=f"review-{review.id}")


# ---------------------------------------------------------------- the name at the time


def test_review_shows_the_name_it_was_written_under_after_a_rename(app, client, solution, reviewer):
    old = reviewer.organization.name
    review = write(reviewer, solution)
    assert review.organization_name == old
    with app.test_request_context():
        _rename(reviewer, "Công ty TNHH XYZ Hải Phòng")
    card = _card(client, solution, review)
    assert card.select_one(".review-org").get_text(strip=True) == old
    assert card.select_one(".review-org-now").get_text(strip=True) == (
        "(nay là Công ty TNHH XYZ Hải Phòng)"
    )
    # Rewriting the review signs it with today's name: nothing to explain any more.
    write(reviewer, solution, title="Viết lại sau khi đổi tên công ty")
    db.session.expire_all()
    assert db.session.get(Review, review.id).organization_name == "Công ty TNHH XYZ Hải Phòng"
    card = _card(client, solution, review)
    assert card.select_one(".review-org").get_text(strip=True) == "Công ty TNHH XYZ Hải Phòng"
    assert card.select_one(".review-org-now") is None


def test_an_unchanged_name_is_shown_once(client, solution, reviewer):
    review = write(reviewer, solution)
    card = _card(client, solution, review)
    assert card.select_one(".review-org-now") is None
    assert card.get_text().count(reviewer.organization.name) == 1


# ---------------------------------------------------------------- notifying again


def _notes(user, kind: str) -> list[Notification]:
    db.session.expire_all()
    return list(
        db.session.scalars(
            select(Notification)
            .where(Notification.user_id == user.id, Notification.kind == kind)
            .order_by(Notification.id)
        )
    )


def test_edited_reply_notifies_the_review_author_without_piling_up(
    client_for, review, vendor, reviewer
):
    c = client_for(vendor)
    url = f"/reviews/{review.id}/reply"
    assert c.post(url, data={"body": "Cảm ơn anh chị đã tin dùng."}).status_code == 302
    [first] = _notes(reviewer, "review.reply")
    assert "đã phản hồi" in first.title

    # An edit while the first is unread rewrites it: one unread notification per reply.
    assert c.post(url, data={"body": "Chúng tôi đã sửa lỗi xuất hóa đơn."}).status_code == 302
    [note] = _notes(reviewer, "review.reply")
    assert note.id == first.id and note.read_at is None
    assert "đã sửa phản hồi" in note.title and note.body == "Chúng tôi đã sửa lỗi xuất hóa đơn."

    # Once read, the next edit notifies afresh.
    notifications.mark_read(reviewer, note.id)
    db.session.commit()
    assert c.post(url, data={"body": "Bản cập nhật thứ ba của phản hồi."}).status_code == 302
    notes = _notes(reviewer, "review.reply")
    assert len(notes) == 2 and notes[-1].read_at is None
    assert notes[-1].body == "Bản cập nhật thứ ba của phản hồi."

    # Saving the same text again is not a change.
    stamp = notes[-1].created_at
    assert c.post(url, data={"body": "Bản cập nhật thứ ba của phản hồi."}).status_code == 302
    notes = _notes(reviewer, "review.reply")
    assert len(notes) == 2 and notes[-1].created_at == stamp


def test_updated_review_notifies_the_vendor_every_time_but_once_unread(solution, reviewer, vendor):
    review = write(reviewer, solution, overall=3)
    assert len(_notes(vendor, "review.created")) == 1
    write(reviewer, solution, overall=2, title="Lần sửa thứ nhất")
    [first] = _notes(vendor, "review.updated")
    assert "2/5" in first.title and first.body == "Lần sửa thứ nhất"

    write(reviewer, solution, overall=5, title="Lần sửa thứ hai")
    [again] = _notes(vendor, "review.updated")
    assert again.id == first.id and "5/5" in again.title and again.body == "Lần sửa thứ hai"

    notifications.mark_read(vendor, again.id)
    db.session.commit()
    write(reviewer, solution, overall=4, title="Lần sửa thứ ba")
    notes = _notes(vendor, "review.updated")
    assert len(notes) == 2 and notes[-1].read_at is None and "4/5" in notes[-1].title

    # A save that changes nothing notifies nobody.
    write(reviewer, solution, overall=4, title="Lần sửa thứ ba")
    assert len(_notes(vendor, "review.updated")) == 2
    assert notes[-1].link.endswith(f"#review-{review.id}")
