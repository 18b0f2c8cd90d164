"""Every action that waits for a verified e-mail (`roles.NEEDS_VERIFIED_EMAIL`) refuses an
unverified user whose organisation role allows it: a 403 (or the page's own refusal) that says
why, with the "Gửi lại e-mail xác thực" form, never a 500, and nothing done."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import pytest
from bs4 import BeautifulSoup
from sqlalchemy import func, select

from marketplace.accounts import roles
from marketplace.extensions import db
from tests import factories

RESEND = "Gửi lại e-mail xác thực"
REASON = "xác thực địa chỉ e-mail"


def _count(model) -> Callable[[], int]:
    return lambda: db.session.scalar(select(func.count()).select_from(model))


@dataclass
class Attempt:
    user: object
    url: str
    state: Callable[[], object]  # what the action would change
    data: dict = field(default_factory=dict)


def _request_verification(vendor, enterprise) -> Attempt:
    from marketplace.accounts.models import VerificationRequest

    unverified_org = factories.make_user("vendor")
    data = {"legal_name": "Công ty TNHH Giải pháp Số Hạ Long"}
    return Attempt(unverified_org, "/vendor/verification", _count(VerificationRequest), data)


def _invite(vendor, enterprise) -> Attempt:
    from marketplace.accounts.models import Invitation

    data = {"email": "dong.nghiep@example.vn", "role": "member"}
    return Attempt(enterprise, "/account/members/invite", _count(Invitation), data)


def _submit_listing(vendor, enterprise) -> Attempt:
    from marketplace.catalog.models import Solution

    solution_id = factories.make_solution(vendor, status="draft").id
    return Attempt(
        vendor,
        f"/vendor/solutions/{solution_id}/submit",
        lambda: db.session.get(Solution, solution_id).status,
    )


def _request_trial(vendor, enterprise) -> Attempt:
    from marketplace.trials.models import TrialRequest

    solution = factories.make_solution(vendor)
    data = {
        "plan": str(solution.plans[0].id),
        "contact_name": "Nguyễn Văn An",
        "contact_phone": "0912345678",
        "preferred_start": "2026-12-10",
        "users_count": "2",
    }
    return Attempt(enterprise, f"/solutions/{solution.slug}/trial", _count(TrialRequest), data)


def _write_review(vendor, enterprise) -> Attempt:
    from marketplace.reviews.models import Review
    from tests.accounts.test_email_verification import _tried

    solution = _tried(enterprise, vendor)
    data = {"overall": "5", "title": "Rất tốt", "body": "Dùng thử hai tuần, hài lòng."}
    return Attempt(enterprise, f"/solutions/{solution.slug}/review", _count(Review), data)


def _request_quote(vendor, enterprise) -> Attempt:
    from marketplace.quotes.models import QuoteRequest
    from tests.quotes.conftest import PLANS, request_form

    solution = factories.make_solution(vendor, plans=list(PLANS))
    return Attempt(
        enterprise,
        f"/solutions/{solution.slug}/quote",
        _count(QuoteRequest),
        request_form(solution),
    )


def _accept_quote(vendor, enterprise) -> Attempt:
    from marketplace.billing.models import Order
    from marketplace.quotes import services
    from tests.quotes.conftest import PLANS, offer_input, quote_input

    factories.confirm_bank_account(vendor)
    solution = factories.make_solution(vendor, plans=list(PLANS))
    quote = services.request_quote(enterprise, solution, quote_input(solution))
    offer = services.send_offer(vendor, quote, offer_input(solution))
    db.session.commit()
    return Attempt(
        enterprise,
        f"/account/quotes/{quote.id}/accept",
        _count(Order),
        {"accept-offer_id": str(offer.id)},
    )


def _create_order(vendor, enterprise) -> Attempt:
    from marketplace.billing.models import Order

    plan_id = factories.make_solution(vendor).plans[0].id
    return Attempt(enterprise, "/billing/checkout", _count(Order), {"plan_id": str(plan_id)})


def _post_need(vendor, enterprise) -> Attempt:
    from marketplace.needs.models import Need

    return Attempt(enterprise, "/needs/new", _count(Need))


def _propose(vendor, enterprise) -> Attempt:
    from marketplace.needs.models import Proposal
    from tests.needs.conftest import make_need

    need = make_need(enterprise)
    return Attempt(vendor, f"/needs/{need.id}/proposal", _count(Proposal))


def _apply_for_support(vendor, enterprise) -> Attempt:
    from marketplace.programme.models import Application
    from tests.programme import support

    plan = factories.make_solution(vendor).plans[0]
    _programme, order = support.world(enterprise, plan)
    return Attempt(
        enterprise, f"/orders/{order.id}/support", _count(Application), {"note": "Hồ sơ."}
    )


SCENARIOS: dict[str, Callable[..., Attempt]] = {
    "org.request_verification": _request_verification,
    "members.invite": _invite,
    "listing.submit": _submit_listing,
    "trial.request": _request_trial,
    "review.write": _write_review,
    "quote.request": _request_quote,
    "quote.accept": _accept_quote,
    "order.create": _create_order,
    "need.post": _post_need,
    "need.propose": _propose,
    "programme.apply": _apply_for_support,
}


def test_every_action_waiting_for_a_verified_e_mail_is_tried_here():
    assert set(SCENARIOS) == set(roles.NEEDS_VERIFIED_EMAIL)


def _page(response) -> tuple[BeautifulSoup, str]:
    """Return the page, and the text of its main part without the banner every page shows."""
    soup = BeautifulSoup(response.get_data(as_text=True), "html.parser")
    main = BeautifulSoup(str(soup.find("main")), "html.parser")
    for banner in main.select(".verify-banner"):
        banner.decompose()
    return soup, " ".join(main.get_text().split())


@pytest.mark.parametrize("action", sorted(SCENARIOS))
def test_an_unverified_user_is_told_why_with_the_resend_form(action, client, login):
    vendor = factories.make_user("vendor", verified=True)
    enterprise = factories.make_user("enterprise")
    attempt = SCENARIOS[action](vendor, enterprise)
    user = attempt.user
    assert roles.allows(user, action)  # the role may: only the e-mail stands in the way
    user.email_verified_at = None
    db.session.commit()
    before = attempt.state()
    login(client, user)

    response = client.post(attempt.url, data=attempt.data)
    if response.status_code == 302:  # the page's refusal: back to the page, with the reason
        response = client.get(response.headers["Location"])
        assert response.status_code == 200, action
    else:
        assert response.status_code == 403, action
    soup, text = _page(response)
    assert REASON in text, (action, text[:300])
    resend = soup.find("form", action="/auth/verify/resend")
    assert resend is not None and RESEND in resend.get_text(), action
    db.session.expire_all()
    assert attempt.state() == before, action


def _members_page(client) -> BeautifulSoup:
    response = client.get("/account/members")
    assert response.status_code == 200
    return BeautifulSoup(response.get_data(as_text=True), "html.parser")


def test_an_unverified_owner_sees_the_resend_form_in_place_of_the_invite_form(
    client, login, make_client
):
    owner = factories.make_user("enterprise", email_verified=False)
    login(client, owner)
    page = _members_page(client)
    assert page.find("form", action="/account/members/invite") is None
    [notice] = page.select(".verify-notice")
    assert "trước khi mời đồng nghiệp" in notice.get_text()
    resend = notice.find("form", action="/auth/verify/resend")
    assert resend is not None and RESEND in resend.get_text()
    assert page.select(".verify-banner") == []  # said once, where the form would be
    # A member would not invite even once verified: no notice for them.
    member = factories.make_user(
        "enterprise", org=owner.organization, org_role="member", email_verified=False
    )
    browser = make_client()
    login(browser, member)
    assert _members_page(browser).select(".verify-notice") == []
    # Verified, the owner gets the invite form and no notice.
    owner.email_verified_at = member.created_at
    db.session.commit()
    page = _members_page(client)
    assert page.find("form", action="/account/members/invite") is not None
    assert page.select(".verify-notice") == []
