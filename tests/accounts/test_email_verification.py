"""E-mail verification: the link after sign-up, what an unverified user may not do (with the
resend button, never a 500), the throttled resend, and changing one's address."""

from __future__ import annotations

import datetime as dt
import re
import time

import pytest
from bs4 import BeautifulSoup
from sqlalchemy import select

from marketplace.accounts import email_verification, roles
from marketplace.accounts.models import User
from marketplace.extensions import db
from marketplace.notifications.models import EmailOutbox
from tests import factories
from tests.accounts.test_registration import valid_form

RESEND = "Gửi lại e-mail xác thực"


def _mails(to: str) -> list[EmailOutbox]:
    db.session.expire_all()
    return db.session.scalars(
        select(EmailOutbox).where(EmailOutbox.to_email == to).order_by(EmailOutbox.id)
    ).all()


def _link(to: str, kind: str = "verify") -> str:
    body = _mails(to)[-1].body_text
    prefix = "/auth/verify/" if kind == "verify" else "/auth/email-change/"
    return re.search(r"https?://\S+?(" + re.escape(prefix) + r"\S+)", body).group(1)


def _user(user_id: int) -> User:
    db.session.expire_all()
    return db.session.get(User, user_id)


def _text(response) -> str:
    return response.get_data(as_text=True)


def _resend_form_present(response) -> bool:
    soup = BeautifulSoup(_text(response), "html.parser")
    form = soup.find("form", action="/auth/verify/resend")
    return form is not None and RESEND in form.get_text()


@pytest.fixture
def unverified(app):
    return factories.make_user("enterprise", email_verified=False)


# ---------------------------------------------------------------- the link


def test_sign_up_e_mails_a_link_that_verifies_the_new_account(client):
    response = client.post("/auth/register", data=valid_form())
    assert response.status_code == 302
    user = db.session.scalar(select(User).where(User.email == "an.nguyen@banhgai.vn"))
    assert user.email_verified_at is None and not roles.email_verified(user)
    [mail] = _mails(user.email)
    assert "Xác thực" in mail.subject
    page = client.get("/account/")
    assert _resend_form_present(page)  # the banner on every page until verified

    opened = client.get(_link(user.email))
    assert opened.status_code == 200
    assert "đã được xác thực" in _text(opened)
    assert opened.headers["Referrer-Policy"] == "no-referrer"
    assert _user(user.id).email_verified_at is not None
    assert not _resend_form_present(client.get("/account/"))
    # Opening it again changes nothing and says so.
    again = client.get(_link(user.email))
    assert again.status_code == 200 and "từ trước" in _text(again)


def test_a_tampered_or_expired_link_is_refused(client, unverified, monkeypatch):
    with client.application.app_context():
        token = email_verification.verification_token(unverified)
    assert client.get(f"/auth/verify/{token[:-2]}xx").status_code == 400
    assert client.get("/auth/verify/resend").status_code == 400  # a GET is just a bad token
    real = time.time
    monkeypatch.setattr(time, "time", lambda: real() + email_verification.MAX_AGE_SECONDS + 5)
    expired = client.get(f"/auth/verify/{token}")
    assert expired.status_code == 400 and "hết hạn" in _text(expired)
    assert _user(unverified.id).email_verified_at is None


def test_a_link_dies_when_the_address_changes(client, unverified):
    with client.application.app_context():
        token = email_verification.verification_token(unverified)
    unverified.email = "dia-chi-moi@example.vn"
    db.session.commit()
    assert client.get(f"/auth/verify/{token}").status_code == 400
    assert _user(unverified.id).email_verified_at is None


def test_staff_count_as_verified_and_new_accounts_do_not(app, unverified):
    assert roles.email_verified(factories.make_user("moderator", email_verified=False))
    assert not roles.email_verified(unverified)
    assert roles.email_verified(factories.make_user("enterprise"))


# ---------------------------------------------------------------- what waits for it


def test_the_trial_form_shows_the_refusal_with_the_resend_button(client, login, vendor, unverified):
    from marketplace.trials.models import TrialRequest

    solution = factories.make_solution(vendor)
    login(client, unverified)
    page = client.get(f"/solutions/{solution.slug}/trial")
    assert page.status_code == 200
    assert _resend_form_present(page)
    assert "trước khi đăng ký dùng thử" in _text(page)
    assert 'name="contact_phone"' not in _text(page)
    sent = client.post(
        f"/solutions/{solution.slug}/trial",
        data={
            "plan": str(solution.plans[0].id),
            "contact_name": "Nguyễn Văn An",
            "contact_phone": "0912345678",
            "preferred_start": "2026-12-10",
            "users_count": "2",
        },
    )
    assert sent.status_code == 403 and _resend_form_present(sent)
    assert db.session.scalar(select(TrialRequest.id)) is None


def test_the_trial_service_refuses_an_unverified_user(app, vendor, unverified):
    from marketplace.trials import rules, services

    solution = factories.make_solution(vendor)
    with pytest.raises(roles.EmailNotVerified):
        services.request_trial(
            unverified,
            solution,
            rules.TrialInput(
                plan_id=solution.plans[0].id,
                contact_name="An",
                contact_phone="0912345678",
                preferred_start=dt.date(2026, 12, 10),
                users_count=1,
            ),
            today=dt.date(2026, 12, 10),
        )


def _tried(enterprise, vendor):
    """Give the enterprise a used trial of a listing, so it may review it once verified."""
    from marketplace.trials.models import TrialRequest

    solution = factories.make_solution(vendor)
    trial = TrialRequest(
        organization_id=enterprise.organization_id,
        requested_by_id=enterprise.id,
        solution_id=solution.id,
        plan_id=solution.plans[0].id,
        vendor_id=solution.vendor_id,
        contact_name="An",
        contact_phone="0912345678",
        preferred_start=dt.date(2026, 11, 1),
        users_count=1,
        status="ended",
        trial_days=14,
    )
    db.session.add(trial)
    db.session.commit()
    return solution


def test_writing_a_review_is_refused_with_the_resend_button(client, login, vendor, unverified):
    from marketplace.reviews.models import Review

    solution = _tried(unverified, vendor)
    login(client, unverified)
    page = client.get(f"/solutions/{solution.slug}/review")
    assert page.status_code == 200 and _resend_form_present(page)
    sent = client.post(
        f"/solutions/{solution.slug}/review",
        data={"overall": "5", "title": "Rất tốt", "body": "Dùng thử hai tuần, hài lòng."},
    )
    assert sent.status_code == 403 and _resend_form_present(sent)
    assert db.session.scalar(select(Review.id)) is None


def test_buying_is_refused_with_the_resend_button(client, login, vendor, unverified):
    solution = factories.make_solution(vendor)
    login(client, unverified)
    plan_id = solution.plans[0].id
    page = client.get(f"/billing/checkout?plan_id={plan_id}")
    assert page.status_code == 200 and _resend_form_present(page)
    sent = client.post("/billing/checkout", data={"plan_id": str(plan_id)})
    assert sent.status_code == 403 and _resend_form_present(sent)


def test_submitting_a_listing_is_refused_with_the_resend_button(client, login):
    from marketplace.catalog.models import Solution

    vendor = factories.make_user("vendor", verified=True, email_verified=False)
    solution = factories.make_solution(vendor, status="draft")
    login(client, vendor)
    sent = client.post(f"/vendor/solutions/{solution.id}/submit")
    assert sent.status_code == 403 and _resend_form_present(sent)
    assert "xác thực địa chỉ e-mail" in _text(sent)
    db.session.expire_all()
    assert db.session.get(Solution, solution.id).status == "draft"


def test_asking_for_vendor_verification_is_refused_with_the_resend_button(client, login):
    vendor = factories.make_user("vendor", email_verified=False)
    login(client, vendor)
    page = client.get("/vendor/verification")
    assert page.status_code == 200 and _resend_form_present(page)
    sent = client.post("/vendor/verification", data={"legal_name": "X"})
    assert sent.status_code == 403 and _resend_form_present(sent)


def test_an_unverified_user_still_browses_and_edits_the_profile(client, login, unverified):
    login(client, unverified)
    for path in ("/", "/solutions", "/account/", "/account/organization", "/account/profile"):
        assert client.get(path).status_code == 200, path
    saved = client.post("/account/profile", data={"name": "Tên mới", "locale": "vi"})
    assert saved.status_code == 302
    assert _user(unverified.id).name == "Tên mới"


def test_a_service_refusal_reaching_the_app_is_a_403_page_not_a_500(client, login, web_app):
    vendor = factories.make_user("vendor", verified=True, email_verified=False)
    solution = factories.make_solution(vendor, status="draft")
    login(client, vendor)
    json_answer = client.post(
        f"/vendor/solutions/{solution.id}/submit", headers={"Accept": "application/json"}
    )
    assert json_answer.status_code == 403
    assert json_answer.get_json()["error"]["code"] == "forbidden"


# ---------------------------------------------------------------- resending


def test_resend_sends_a_new_link_and_is_throttled_per_account(client, login, unverified):
    login(client, unverified)
    for _ in range(3):
        sent = client.post("/auth/verify/resend", data={"next": "/account/"})
        assert sent.status_code == 302 and sent.headers["Location"].endswith("/account/")
    assert len(_mails(unverified.email)) == 3
    refused = client.post("/auth/verify/resend", data={"next": "/account/"})
    assert refused.status_code == 429
    assert int(refused.headers["Retry-After"]) > 0
    assert "quá nhiều lần" in _text(refused)
    assert len(_mails(unverified.email)) == 3


def test_resend_never_goes_to_another_site_and_does_nothing_once_verified(
    client, login, enterprise
):
    login(client, enterprise)
    answer = client.post("/auth/verify/resend", data={"next": "https://evil.example/"})
    assert answer.status_code == 302 and "evil" not in answer.headers["Location"]
    assert _mails(enterprise.email) == []


# ---------------------------------------------------------------- changing the address


def _change(client, email: str, password: str = factories.PASSWORD):
    return client.post(
        "/account/email", data={"email-email": email, "email-current_password": password}
    )


def test_changing_the_address_applies_when_the_new_one_is_confirmed(client, login, enterprise):
    old = enterprise.email
    login(client, enterprise)
    answer = _change(client, "Moi.Dia.Chi@Example.VN")
    assert answer.status_code == 302
    assert _user(enterprise.id).email == old  # nothing changes until the link is opened
    link = _link("moi.dia.chi@example.vn", kind="change")
    confirmed = client.get(link)
    assert confirmed.status_code == 200 and "moi.dia.chi@example.vn" in _text(confirmed)
    user = _user(enterprise.id)
    assert user.email == "moi.dia.chi@example.vn" and user.email_verified_at is not None
    [told] = _mails(old)
    assert "moi.dia.chi@example.vn" in told.body_text and "đã được đổi" in told.subject
    assert client.get(link).status_code == 400  # single use
    # The new address signs in.
    other = client.application.test_client()
    signed = other.post(
        "/auth/login", data={"email": "moi.dia.chi@example.vn", "password": factories.PASSWORD}
    )
    assert signed.status_code == 302


def test_changing_the_address_needs_the_password_and_a_free_address(
    client, login, enterprise, other_enterprise
):
    login(client, enterprise)
    wrong = _change(client, "moi@example.vn", password="sai-mat-khau-1")
    assert wrong.status_code == 400 and "Mật khẩu hiện tại không đúng" in _text(wrong)
    assert 'value="moi@example.vn"' in _text(wrong)  # typed text kept
    taken = _change(client, other_enterprise.email.upper())
    assert taken.status_code == 400 and "đã được dùng" in _text(taken)
    same = _change(client, enterprise.email)
    assert same.status_code == 400
    bad = _change(client, "khong-phai-email")
    assert bad.status_code == 400
    assert _mails("moi@example.vn") == []


def test_a_change_link_dies_with_a_password_change_or_a_taken_address(client, login, enterprise):
    login(client, enterprise)
    _change(client, "moi@example.vn")
    link = _link("moi@example.vn", kind="change")
    # Someone else takes the address meanwhile: a clear refusal, nothing changes.
    squatter = factories.make_user("enterprise", email="moi@example.vn")
    taken = client.get(link)
    assert taken.status_code == 400 and "đã được dùng" in _text(taken)
    db.session.delete(squatter)
    db.session.commit()
    user = _user(enterprise.id)
    from marketplace.accounts.services import hash_password

    user.password_hash = hash_password("mat-khau-moi-2026")
    db.session.commit()
    assert client.get(link).status_code == 400
    assert _user(enterprise.id).email != "moi@example.vn"


def test_change_links_are_throttled(client, login, enterprise):
    login(client, enterprise)
    for n in range(3):
        assert _change(client, f"moi{n}@example.vn").status_code == 302
    assert _change(client, "moi9@example.vn").status_code == 429
