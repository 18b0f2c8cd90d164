"""Domains announce changes through core.events; each event's receivers run, and only them.

For every event: a real action emits it, a recorder sees it, the receiving domain's effect
happens, and with the receiver disconnected the effect disappears (so the effect comes
through the event, not through a direct call left behind).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import weakref

import pytest
from sqlalchemy import func, select, text

from marketplace.accounts.models import Organization, VerificationRequest
from marketplace.billing import payments as billing_payments
from marketplace.billing.models import PaymentStatus
from marketplace.catalog import decisions as catalog_decisions
from marketplace.catalog import search, search_index
from marketplace.catalog import services as catalog
from marketplace.catalog.models import Upload
from marketplace.core import events
from marketplace.extensions import db
from marketplace.insights import receivers as insights
from marketplace.needs import alerts as need_alerts
from marketplace.notifications import personal_data as notification_data
from marketplace.notifications import receivers as notices
from marketplace.notifications.models import Notification
from marketplace.trials import personal_data as trial_data
from marketplace.trials import rules as trials_rules
from marketplace.trials import services as trials
from tests import factories
from tests.conftest import IS_POSTGRES
from tests.insights.conftest import add_payment, counter

TODAY = dt.date(2026, 3, 10)


@pytest.fixture(autouse=True)
def _empty_search_index(app):
    """Empty the PostgreSQL index after each test: it is not in the truncated metadata."""
    yield
    if IS_POSTGRES:
        db.session.rollback()
        db.session.execute(text("DELETE FROM solution_search"))
        db.session.commit()


@contextlib.contextmanager
def recorded(signal):
    """Collect (sender, details) of every send of `signal` inside the block."""
    seen: list[tuple[object, dict]] = []

    def record(sender, **details):
        seen.append((sender, details))

    with signal.connected_to(record):
        yield seen


def connected(signal) -> list:
    """Return the receivers connected to `signal` (blinker keeps weak references)."""
    return [r() if isinstance(r, weakref.ref) else r for r in signal.receivers.values()]


@contextlib.contextmanager
def disconnected(signal, receiver):
    """Take `receiver` off `signal` for the block, then put it back."""
    assert receiver in connected(signal)
    signal.disconnect(receiver)
    try:
        yield
    finally:
        signal.connect(receiver)


def found(word: str) -> set[int]:
    return set(db.session.scalars(search.match_ids(search.parse_query(word))))


def notes_for(user) -> int:
    return db.session.scalar(
        select(func.count(Notification.id)).where(Notification.user_id == user.id)
    )


def test_each_domain_connects_its_receivers_at_app_creation(app):
    receivers = {
        events.solution_changed: catalog.reindex_solution,
        events.vendor_changed: catalog.reindex_vendor,
        events.verification_requested: notices.tell_staff_of_verification,
        events.verification_decided: notices.tell_vendor_of_verification,
        events.organization_change_requested: notices.tell_staff_of_organization_change,
        events.organization_change_decided: notices.tell_requester_of_organization_change,
        events.password_reset_requested: notices.email_reset_link,
        events.email_verification_requested: notices.email_verification_link,
        events.email_changed: notices.tell_old_address,
        events.account_erased: (notification_data.forget_person, trial_data.forget_requester),
        events.member_invited: notices.email_invitation,
        events.staff_invited: notices.email_staff_invitation,
        events.member_joined: notices.tell_owners_of_new_member,
        events.membership_changed: notices.tell_member_of_role,
        events.member_removed: notices.tell_removed_member,
        events.join_requested: notices.tell_owners_of_join_request,
        events.join_request_decided: notices.email_join_decision,
        events.join_request_disputed: notices.tell_staff_of_dispute,
        events.trial_moved: insights.count_trial_move,
        events.quote_moved: insights.count_quote_move,
        events.offer_accepted: insights.count_offer_accepted,
        events.order_paid: insights.count_purchase,
        events.solution_viewed: insights.count_view,
        events.solution_compared: insights.count_compare_add,
        events.programme_changed: notices.tell_of_programme_change,
        events.need_published: need_alerts.alert_vendors,
    }
    assert set(receivers) == set(events.ALL)
    for signal, expected in receivers.items():
        for receiver in expected if isinstance(expected, tuple) else (expected,):
            assert receiver in connected(signal), signal.name


# ---------------------------------------------------------------- solution_changed


def test_approving_a_listing_reindexes_it_through_the_event(app, vendor, moderator):
    solution = factories.make_solution(vendor, status="pending", name="Kế toán Thanh Hà")
    with recorded(events.solution_changed) as seen:
        catalog_decisions.approve_solution(moderator, solution)
    db.session.commit()
    assert seen == [(solution, {})]
    assert solution.id in found("thanh ha")


def test_without_the_catalogue_receiver_approval_does_not_reindex(app, vendor, moderator):
    solution = factories.make_solution(vendor, status="pending", name="Kế toán Thanh Hà")
    with disconnected(events.solution_changed, catalog.reindex_solution):
        catalog_decisions.approve_solution(moderator, solution)
    db.session.commit()
    assert solution.status == "published"
    assert solution.id not in found("thanh ha")


def test_suspending_a_listing_takes_it_out_of_the_index_through_the_event(app, vendor, moderator):
    solution = factories.make_solution(vendor, status="pending", name="Kế toán Thanh Hà")
    catalog_decisions.approve_solution(moderator, solution)
    with recorded(events.solution_changed) as seen:
        catalog_decisions.suspend_solution(moderator, solution, "Vi phạm điều khoản")
    db.session.commit()
    assert [sender for sender, _ in seen] == [solution]
    assert solution.id not in found("thanh ha")


# ---------------------------------------------------------------- vendor_changed


def _pending_verification(vendor_user, legal_name: str) -> VerificationRequest:
    org = vendor_user.organization
    request = VerificationRequest(
        organization_id=org.id,
        submitted_by_id=vendor_user.id,
        legal_name=legal_name,
        tax_code=org.tax_code,
        address="12 Trần Hưng Đạo",
        representative="Nguyễn Văn Tâm",
        business_license_no="0801234567",
    )
    db.session.add(request)
    db.session.flush()
    return request


def test_verifying_a_vendor_reindexes_its_listings_under_the_new_name(app, vendor, moderator):
    from marketplace.accounts import services as accounts

    solution = factories.make_solution(vendor, name="Hóa đơn điện tử")
    search_index.sync_solution(solution)
    request = _pending_verification(vendor, "Công ty Cổ phần Phượng Hoàng")
    with recorded(events.vendor_changed) as seen:
        accounts.decide_verification(moderator, request, approve=True, reason=None)
    db.session.commit()
    assert seen == [(vendor.organization, {})]
    assert solution.id in found("phuong hoang")


def test_without_the_catalogue_receiver_the_vendor_name_is_not_reindexed(app, vendor, moderator):
    from marketplace.accounts import services as accounts

    solution = factories.make_solution(vendor, name="Hóa đơn điện tử")
    search_index.sync_solution(solution)
    request = _pending_verification(vendor, "Công ty Cổ phần Phượng Hoàng")
    with disconnected(events.vendor_changed, catalog.reindex_vendor):
        accounts.decide_verification(moderator, request, approve=True, reason=None)
    db.session.commit()
    assert db.session.get(Organization, vendor.organization_id).name.endswith("Phượng Hoàng")
    assert solution.id not in found("phuong hoang")


# ---------------------------------------------------------------- verification notices


def _document(vendor_user) -> int:
    """Store an upload of the vendor's organisation (not yet verified) and return its id."""
    vendor_user.organization.verified_at = None
    upload = Upload(
        org_id=vendor_user.organization_id,
        filename="gcn-dkkd.png",
        content_type="image/png",
        size_bytes=1,
        width=1,
        height=1,
    )
    db.session.add(upload)
    db.session.flush()
    return upload.id


def test_a_verification_request_and_its_decision_notify_through_events(app, vendor, moderator):
    from marketplace.accounts import services as accounts

    details = accounts.VerificationDetails(
        legal_name="Công ty Cổ phần Phượng Hoàng",
        tax_code=vendor.organization.tax_code,
        address="12 Trần Hưng Đạo",
        representative="Nguyễn Văn Tâm",
        document_id=_document(vendor),
    )
    with recorded(events.verification_requested) as seen:
        request = accounts.request_verification(vendor, details)
    assert seen == [(request, {})]
    assert notes_for(moderator) == 1
    with disconnected(events.verification_requested, notices.tell_staff_of_verification):
        db.session.delete(request)
        accounts.request_verification(vendor, details)
    assert notes_for(moderator) == 1
    request = db.session.scalar(select(VerificationRequest))
    with recorded(events.verification_decided) as seen:
        accounts.decide_verification(moderator, request, approve=False, reason="Ảnh mờ")
    assert seen == [(request, {"approve": False, "reason": "Ảnh mờ"})]
    note = db.session.scalar(select(Notification).where(Notification.user_id == vendor.id))
    assert "bị từ chối" in note.title and note.body == "Lý do: Ảnh mờ"
    assert note.link == "/vendor/verification"


def test_organisation_changes_reach_moderators_and_requester_through_events(app, vendor, moderator):
    from marketplace.accounts import organizations

    org = vendor.organization
    assert org.is_verified
    details = organizations.OrgDetails(
        name="Tập đoàn Bưu chính Viễn thông Việt Nam (VNPT)",
        tax_code=org.tax_code,
        province_code=org.province_code,
        commune_code=org.commune_code,
        industry=org.industry,
        size_band=org.size_band,
        website=org.website,
        phone=org.phone or "0912345678",
    )
    with disconnected(
        events.organization_change_requested, notices.tell_staff_of_organization_change
    ):
        organizations.update_organization(vendor, org, details)
    assert notes_for(moderator) == 0
    change = organizations.pending_change(org)
    organizations.withdraw_change(vendor, change)
    with recorded(events.organization_change_requested) as seen:
        organizations.update_organization(vendor, org, details)
    change = organizations.pending_change(org)
    assert seen == [(change, {})]
    assert notes_for(moderator) == 1
    with recorded(events.organization_change_decided) as seen:
        organizations.decide_change(moderator, change, approve=False, reason="Không khớp giấy phép")
    assert seen == [(change, {"approve": False, "reason": "Không khớp giấy phép"})]
    note = db.session.scalar(select(Notification).where(Notification.user_id == vendor.id))
    assert "bị từ chối" in note.title and note.link == "/account/organization"


def test_a_vendor_cannot_use_another_organisations_upload_as_its_document(
    app, vendor, other_vendor
):
    from marketplace.accounts import services as accounts

    vendor.organization.verified_at = None
    details = accounts.VerificationDetails(
        legal_name="Công ty Cổ phần Phượng Hoàng",
        tax_code=vendor.organization.tax_code,
        address="12 Trần Hưng Đạo",
        representative="Nguyễn Văn Tâm",
        document_id=_document(other_vendor),
    )
    with pytest.raises(accounts.AccountError) as info:
        accounts.request_verification(vendor, details)
    assert info.value.field == "document"
    with pytest.raises(accounts.AccountError, match="Tài liệu không hợp lệ"):
        accounts.request_verification(
            vendor, accounts.VerificationDetails(**{**details.__dict__, "document_id": 987654})
        )


def test_without_the_notifications_receiver_nobody_is_told(app, vendor, moderator):
    from marketplace.accounts import services as accounts

    request = _pending_verification(vendor, "Công ty Cổ phần Phượng Hoàng")
    with disconnected(events.verification_decided, notices.tell_vendor_of_verification):
        accounts.decide_verification(moderator, request, approve=True, reason=None)
    assert notes_for(vendor) == 0


# ---------------------------------------------------------------- trial_moved


def _request_trial(enterprise, solution):
    plan = next(p for p in solution.plans if p.trial_days)
    data = trials_rules.TrialInput(
        plan_id=plan.id,
        contact_name="Nguyễn Thị Hương",
        contact_phone="0912345678",
        preferred_start=TODAY,
        users_count=5,
    )
    return trials.request_trial(enterprise, solution, data, today=TODAY)


def test_trial_moves_feed_the_funnel_counters_through_the_event(app, enterprise, vendor):
    solution = factories.make_solution(vendor)
    with recorded(events.trial_moved) as seen:
        trial = _request_trial(enterprise, solution)
        trials.accept_trial(vendor, trial, instructions="Đăng nhập tại demo.vn")
    db.session.commit()
    assert [(sender, details["status"]) for sender, details in seen] == [
        (trial, "requested"),
        (trial, "accepted"),
    ]
    assert counter(solution.id, "trial_request") == 1
    assert counter(solution.id, "trial_accept") == 1


def test_without_the_insights_receiver_trials_are_not_counted(app, enterprise, vendor):
    solution = factories.make_solution(vendor)
    with disconnected(events.trial_moved, insights.count_trial_move):
        trial = _request_trial(enterprise, solution)
        trials.accept_trial(vendor, trial, instructions="Đăng nhập tại demo.vn")
    db.session.commit()
    assert counter(solution.id, "trial_request") == 0
    assert counter(solution.id, "trial_accept") == 0


# ---------------------------------------------------------------- quote_moved, offer_accepted


def _quote_offered_and_accepted(enterprise, vendor, solution):
    from marketplace.core.clock import local_today
    from marketplace.quotes import rules as quotes_rules
    from marketplace.quotes import services as quotes

    factories.confirm_bank_account(vendor)  # the accepted offer becomes a transfer order

    quote = quotes.request_quote(
        enterprise,
        solution,
        quotes_rules.QuoteInput(
            plan_id=None, users_count=5, contact_name="Lê An", contact_phone="0912345678"
        ),
    )
    offer = quotes.send_offer(
        vendor,
        quote,
        quotes_rules.OfferInput(
            lines=[quotes_rules.LineInput(None, "Gói riêng", 5, 200_000, "10")],
            valid_until=local_today() + dt.timedelta(days=30),
        ),
    )
    quotes.accept_offer(enterprise, quote, offer_id=offer.id)
    return quote, offer


def test_quote_moves_and_an_accepted_offer_feed_the_counters_through_events(
    app, enterprise, vendor
):
    solution = factories.make_solution(vendor)
    with recorded(events.quote_moved) as moves, recorded(events.offer_accepted) as accepted:
        quote, offer = _quote_offered_and_accepted(enterprise, vendor, solution)
    db.session.commit()
    assert [(s, d["status"], d["previous"]) for s, d in moves] == [
        (quote, "requested", None),
        (quote, "offered", "requested"),
        (quote, "accepted", "offered"),
    ]
    assert accepted == [(offer, {"user": enterprise})]
    assert counter(solution.id, "quote_request") == 1
    assert counter(solution.id, "quote_offer") == 1
    assert counter(solution.id, "quote_accept") == 1


def test_without_the_insights_receivers_quotes_are_not_counted(app, enterprise, vendor):
    solution = factories.make_solution(vendor)
    with (
        disconnected(events.quote_moved, insights.count_quote_move),
        disconnected(events.offer_accepted, insights.count_offer_accepted),
    ):
        _quote_offered_and_accepted(enterprise, vendor, solution)
    db.session.commit()
    for metric in ("quote_request", "quote_offer", "quote_accept"):
        assert counter(solution.id, metric) == 0


# ---------------------------------------------------------------- order_paid


def test_a_paid_payment_counts_a_purchase_through_the_event(app, enterprise, vendor):
    solution = factories.make_solution(vendor)
    payment = add_payment(enterprise.organization, solution, status=PaymentStatus.PENDING)
    with recorded(events.order_paid) as seen:
        # The webhook's last step (tests/billing drive the whole webhook).
        assert billing_payments.set_payment_status(payment, PaymentStatus.PAID)
    assert seen == [(payment, {})]
    assert counter(solution.id, "purchase") == 1


def test_without_the_insights_receiver_a_payment_is_not_counted(app, enterprise, vendor):
    solution = factories.make_solution(vendor)
    payment = add_payment(enterprise.organization, solution, status=PaymentStatus.PENDING)
    with disconnected(events.order_paid, insights.count_purchase):
        assert billing_payments.set_payment_status(payment, PaymentStatus.PAID)
    assert counter(solution.id, "purchase") == 0


def test_a_paid_transfer_order_counts_a_purchase_through_the_event(app, enterprise, vendor):
    from marketplace.billing import order_status

    solution = factories.make_solution(vendor)
    factories.confirm_bank_account(vendor)
    order = factories.make_transfer_order(enterprise, solution.plans[0])
    with app.test_request_context(), recorded(events.order_paid) as seen:
        assert order_status.mark_paid(None, order, reference="FT1", via="bank")
    assert seen == [(order, {})]
    assert counter(solution.id, "purchase") == 1
    with disconnected(events.order_paid, insights.count_purchase):
        other = factories.make_transfer_order(enterprise, solution.plans[0])
        with app.test_request_context():
            order_status.mark_paid(None, other, reference="FT2", via="bank")
    assert counter(solution.id, "purchase") == 1


# ---------------------------------------------------------------- solution_viewed / compared


def test_viewing_a_solution_page_counts_through_the_event(client, vendor):
    solution = factories.make_solution(vendor)
    db.session.commit()
    with recorded(events.solution_viewed) as seen:
        client.get(f"/solutions/{solution.slug}").close()
    assert [sender for sender, _ in seen] == [solution.id]
    db.session.expire_all()
    assert counter(solution.id, "view") == 1
    with disconnected(events.solution_viewed, insights.count_view):
        client.get(f"/solutions/{solution.slug}", environ_base={"REMOTE_ADDR": "203.0.113.7"})
    db.session.expire_all()
    assert counter(solution.id, "view") == 1


def test_adding_to_the_comparison_counts_through_the_event(make_client, vendor):
    solution = factories.make_solution(vendor)
    db.session.commit()
    origin = {"Sec-Fetch-Site": "same-origin"}
    with recorded(events.solution_compared) as seen:
        make_client().post("/compare/add", data={"slug": solution.slug}, headers=origin)
    assert [(s.id, d["already_in_tray"]) for s, d in seen] == [(solution.id, False)]
    db.session.expire_all()
    assert counter(solution.id, "compare_add") == 1
    with disconnected(events.solution_compared, insights.count_compare_add):
        make_client().post("/compare/add", data={"slug": solution.slug}, headers=origin)
    db.session.expire_all()
    assert counter(solution.id, "compare_add") == 1


def test_a_reset_request_e_mails_the_link_through_the_event(app, enterprise):
    from marketplace.accounts import reset
    from marketplace.notifications.models import EmailOutbox

    def outbox() -> list[str]:
        return list(db.session.scalars(select(EmailOutbox.to_email)))

    with disconnected(events.password_reset_requested, notices.email_reset_link):
        reset.request_reset(enterprise.email)
    assert outbox() == []
    with recorded(events.password_reset_requested) as seen:
        reset.request_reset(enterprise.email)
    [(sender, details)] = seen
    assert sender.id == enterprise.id and details["path"].startswith("/auth/reset/")
    assert outbox() == [enterprise.email]


# ---------------------------------------------------------------- e-mail verification, erasure


def _outbox() -> list[str]:
    from marketplace.notifications.models import EmailOutbox

    return list(db.session.scalars(select(EmailOutbox.to_email).order_by(EmailOutbox.id)))


# ---------------------------------------------------------------- teams


def _outbox_to() -> list[str]:
    from marketplace.notifications.models import EmailOutbox

    return list(db.session.scalars(select(EmailOutbox.to_email).order_by(EmailOutbox.id)))


def test_a_verification_link_is_e_mailed_through_the_event(app):
    from marketplace.accounts import email_verification

    user = factories.make_user("enterprise", email_verified=False)
    with disconnected(events.email_verification_requested, notices.email_verification_link):
        email_verification.send_verification(user)
    assert _outbox() == []
    with recorded(events.email_verification_requested) as seen:
        email_verification.send_verification(user)
    [(sender, details)] = seen
    assert sender.id == user.id and details["path"].startswith("/auth/verify/")
    assert details["email"] == user.email and details["change"] is False
    assert _outbox() == [user.email]


def test_the_old_address_is_told_of_a_change_through_the_event(app):
    from marketplace.accounts import email_verification

    user = factories.make_user("enterprise")
    old = user.email
    email_verification.request_email_change(
        user, new_email="moi@example.vn", password=factories.PASSWORD
    )
    db.session.commit()
    [link_sent] = _outbox()
    assert link_sent == "moi@example.vn"
    token = _token_in_last_email()
    with disconnected(events.email_changed, notices.tell_old_address):
        email_verification.confirm_email_change(token)
    assert _outbox() == ["moi@example.vn"]
    db.session.rollback()
    with recorded(events.email_changed) as seen:
        email_verification.confirm_email_change(token)
    assert [(s.id, d["old_email"]) for s, d in seen] == [(user.id, old)]
    assert _outbox() == ["moi@example.vn", old]


def _token_in_last_email() -> str:
    from marketplace.notifications.models import EmailOutbox

    body = db.session.scalars(select(EmailOutbox.body_text).order_by(EmailOutbox.id.desc())).first()
    return body.split("/auth/email-change/")[1].split()[0]


def test_erasure_clears_notifications_and_trial_contacts_through_the_event(app, vendor):
    from marketplace.accounts import personal_data
    from marketplace.trials.models import TrialRequest

    solution = factories.make_solution(vendor)
    person = factories.make_user("enterprise", name="Đỗ Thị Ngọc Ánh")
    trial = trials.request_trial(
        person,
        solution,
        trials_rules.TrialInput(
            plan_id=solution.plans[0].id,
            contact_name="Đỗ Thị Ngọc Ánh",
            contact_phone="0987654321",
            preferred_start=TODAY,
            users_count=1,
        ),
        today=TODAY,
    )
    db.session.commit()
    with (
        disconnected(events.account_erased, notification_data.forget_person),
        disconnected(events.account_erased, trial_data.forget_requester),
    ):
        personal_data.erase_account(
            person, password=factories.PASSWORD, confirmation="XOÁ TÀI KHOẢN"
        )
        db.session.flush()
        assert db.session.get(TrialRequest, trial.id).contact_phone == "0987654321"
        assert notes_for(vendor) == 1
    db.session.rollback()
    person = db.session.get(type(person), person.id)
    with recorded(events.account_erased) as seen:
        personal_data.erase_account(
            person, password=factories.PASSWORD, confirmation="XOÁ TÀI KHOẢN"
        )
    db.session.commit()
    assert [d["old_name"] for _s, d in seen] == ["Đỗ Thị Ngọc Ánh"]
    trial = db.session.get(TrialRequest, trial.id)
    assert (trial.contact_name, trial.contact_phone) == ("", "")
    [note] = db.session.scalars(select(Notification).where(Notification.user_id == vendor.id))
    assert "Đỗ Thị Ngọc Ánh" not in note.body and "Người dùng đã xoá" in note.body


def test_an_invitation_is_e_mailed_through_the_event(app, enterprise):
    from marketplace.accounts import teams

    with disconnected(events.member_invited, notices.email_invitation):
        teams.invite(enterprise, "a@example.vn", "member")
    assert _outbox_to() == []
    with recorded(events.member_invited) as seen:
        teams.invite(enterprise, "b@example.vn", "member")
    [(sender, details)] = seen
    assert sender.email == "b@example.vn" and details["path"].startswith("/invitations/")
    assert _outbox_to() == ["b@example.vn"]


def test_members_joining_changing_and_leaving_notify_through_events(app, enterprise):
    from marketplace.accounts import join_requests, teams
    from marketplace.accounts.models import Membership

    org = enterprise.organization
    join = join_requests.request_to_join(
        org, email="c@example.vn", name="C", password="mat-khau-c-2026"
    )
    assert _outbox_to().count("c@example.vn") == 1  # the requester's link to the moderators
    with disconnected(events.join_requested, notices.tell_owners_of_join_request):
        join_requests.request_to_join(
            org, email="d@example.vn", name="D", password="mat-khau-d-2026"
        )
    assert notes_for(enterprise) == 1  # only the connected receiver told the owner
    with (
        disconnected(events.join_request_decided, notices.email_join_decision),
        disconnected(events.member_joined, notices.tell_owners_of_new_member),
    ):
        join_requests.answer_join_request(enterprise, join.id, accept=True, role="member")
    # Only the new account's verification link went out, not the decision or the notice.
    assert _outbox_to().count("c@example.vn") == 2 and notes_for(enterprise) == 1
    row = db.session.scalar(select(Membership).where(Membership.role == "member"))
    with recorded(events.membership_changed) as seen:
        teams.change_role(enterprise, row.id, "manager")
    assert seen and notes_for(row.user) == 1
    with disconnected(events.member_removed, notices.tell_removed_member):
        teams.remove_member(enterprise, row.id)
    assert notes_for(row.user) == 1
    other = join_requests.request_to_join(
        org, email="e@example.vn", name="E", password="mat-khau-e-2026"
    )
    join_requests.answer_join_request(enterprise, other.id, accept=False, reason="Không quen biết.")
    assert _outbox_to().count("e@example.vn") == 2  # the link, then the answer


def test_a_dispute_reaches_the_moderators_through_the_event(app, enterprise, moderator):
    from marketplace.accounts import join_requests

    org = enterprise.organization

    def disputed(email: str):
        join = join_requests.request_to_join(org, email=email, name="F", password="mat-khau-f-2026")
        document = Upload(
            org_id=org.id,
            filename=f"{email}.png",
            content_type="image/png",
            size_bytes=1,
            width=1,
            height=1,
            purpose="document",
        )
        db.session.add(document)
        db.session.flush()
        return join_requests.dispute_join_request(
            join, claim="registered_by_other", reason="Của tôi", document_id=document.id
        )

    with disconnected(events.join_request_disputed, notices.tell_staff_of_dispute):
        disputed("f@example.vn")
    assert notes_for(moderator) == 0
    with recorded(events.join_request_disputed) as seen:
        disputed("g@example.vn")
    assert len(seen) == 1 and notes_for(moderator) == 1
