"""A hidden-name need never shows the enterprise's name or tax code to vendors before the
award: not in pages, e-mails, the CSV or the API (each channel searched for both)."""

from __future__ import annotations

from flask import current_app
from sqlalchemy import select

from marketplace.extensions import db
from marketplace.needs import services
from marketplace.notifications.models import EmailOutbox, Notification
from tests.needs.conftest import SECRET_NAME, make_need, pass_deadline, propose


def _secrets(enterprise) -> tuple[str, str]:
    return SECRET_NAME, enterprise.organization.tax_code


def _assert_hidden(text: str, enterprise) -> None:
    name, tax_code = _secrets(enterprise)
    assert name not in text
    assert tax_code not in text


def test_pages_csv_api_and_emails_never_name_a_hidden_enterprise(
    hidden_enterprise, vendor, vendor_solution, second_vendor, client, client_for
):
    need = make_need(hidden_enterprise)
    propose(vendor, need, solution_ids=[vendor_solution.id])
    seller = client_for(vendor)
    seller.post(f"/needs/{need.id}/questions", data={"body": "Bao nhiêu kho?"})
    buyer = client_for(hidden_enterprise)
    buyer.post(
        f"/needs/{need.id}/answer",
        data={"question_id": need.questions[0].id, "answer": "Hai kho."},
    )
    pages = [
        seller.get("/needs"),
        seller.get(f"/needs/{need.id}"),
        seller.get(f"/needs/{need.id}/proposal"),
        seller.get("/needs/export.csv"),
        seller.get("/needs?status=open"),
        client_for(second_vendor).get(f"/needs/{need.id}"),
        client.get("/needs"),
        client.get(f"/needs/{need.id}"),
        client.get("/api/v1/needs"),
    ]
    for response in pages:
        assert response.status_code == 200
        _assert_hidden(response.get_data(as_text=True), hidden_enterprise)
    assert pages[3].mimetype == "text/csv" and need.title in pages[3].get_data(as_text=True)
    api = client.get("/api/v1/needs").get_json()
    assert api["items"][0]["id"] == need.id
    # Every e-mail and notification sent to the vendors.
    mails = db.session.scalars(
        select(EmailOutbox).where(EmailOutbox.to_email.in_([vendor.email, second_vendor.email]))
    ).all()
    assert mails, "the vendor was told of the matching need and of the answer"
    for mail in mails:
        _assert_hidden(mail.subject + mail.body_text, hidden_enterprise)

    # After the award, only the chosen vendor learns who the buyer is.
    pass_deadline(need)
    with current_app.test_request_context():
        services.award(hidden_enterprise, need, proposal_id=need.proposals[0].id)
        db.session.commit()
    assert SECRET_NAME in seller.get(f"/needs/{need.id}").get_data(as_text=True)
    _assert_hidden(
        client_for(second_vendor).get(f"/needs/{need.id}").get_data(as_text=True),
        hidden_enterprise,
    )
    _assert_hidden(client.get(f"/needs/{need.id}").get_data(as_text=True), hidden_enterprise)


def test_a_shown_name_is_shown(enterprise, vendor, client_for):
    need = make_need(enterprise, show_name=True)
    page = client_for(vendor).get(f"/needs/{need.id}").get_data(as_text=True)
    assert enterprise.organization.name in page


def test_the_api_lists_published_needs_only_with_paging_etag_and_errors(hidden_enterprise, client):
    open_need = make_need(hidden_enterprise)
    make_need(hidden_enterprise, status="pending", title="Bài toán chưa duyệt không được lộ")
    response = client.get("/api/v1/needs")
    body = response.get_json()
    assert [i["id"] for i in body["items"]] == [open_need.id]
    assert body["total"] == 1 and body["page"] == 1
    assert "budget_band" in body["items"][0]
    again = client.get("/api/v1/needs", headers={"If-None-Match": response.headers["ETag"]})
    assert again.status_code == 304
    bad = client.get("/api/v1/needs?budget=huge")
    assert bad.status_code == 400
    assert bad.get_json()["error"]["code"]


def _messages_to(org_id: int) -> tuple[list, list]:
    """Return the in-app notifications and e-mails of an organisation's members."""
    from marketplace.accounts.models import User

    users = db.session.scalars(select(User).where(User.organization_id == org_id)).all()
    notes = db.session.scalars(
        select(Notification).where(Notification.user_id.in_([u.id for u in users]))
    ).all()
    mails = db.session.scalars(
        select(EmailOutbox).where(EmailOutbox.to_email.in_([u.email for u in users]))
    ).all()
    return notes, mails


def test_notifications_and_thank_you_emails_never_name_a_hidden_enterprise(
    hidden_enterprise, vendor, vendor_solution, second_vendor, client_for
):
    need = make_need(hidden_enterprise)
    propose(vendor, need, solution_ids=[vendor_solution.id])
    propose(second_vendor, need)
    client_for(second_vendor).post(f"/needs/{need.id}/questions", data={"body": "Mấy kho?"})
    client_for(hidden_enterprise).post(
        f"/needs/{need.id}/answer", data={"question_id": need.questions[0].id, "answer": "Hai."}
    )
    pass_deadline(need)
    with current_app.test_request_context():
        services.award(hidden_enterprise, need, proposal_id=need.proposals[0].id)
        db.session.commit()
    closed = make_need(hidden_enterprise)
    propose(second_vendor, closed)
    client_for(hidden_enterprise).post(
        f"/needs/{closed.id}/close", data={"close-reason": "Đã tự làm nội bộ"}
    )

    # The vendor not chosen: every notification and e-mail, the thank-you ones included.
    notes, mails = _messages_to(second_vendor.organization_id)
    kinds = [n.kind for n in notes]
    assert kinds.count("need.closed") == 2 and "need.answer" in kinds
    thanks = [m for m in mails if m.subject.startswith("Cảm ơn bạn đã gửi đề xuất")]
    assert len(thanks) == 2
    for note in notes:
        _assert_hidden(note.title + note.body, hidden_enterprise)
    for mail in mails:
        _assert_hidden(mail.subject + mail.body_text, hidden_enterprise)
    # The chosen vendor: the needs board's own messages, the award's included (the order,
    # not the message, tells it who the buyer is).
    notes, mails = _messages_to(vendor.organization_id)
    board = [n for n in notes if n.kind.startswith("need.")]
    assert {n.kind for n in board} >= {"need.match", "need.answer", "need.awarded"}
    for note in board:
        _assert_hidden(note.title + note.body, hidden_enterprise)
    for mail in mails:
        if any(mail.subject == n.title for n in board):
            _assert_hidden(mail.subject + mail.body_text, hidden_enterprise)
