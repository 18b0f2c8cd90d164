"""The programme through its pages: support beside plans, applying, reviewing, the rules."""

from __future__ import annotations

import io

from PIL import Image
from sqlalchemy import func, select

from marketplace.catalog.content import PlanInput
from marketplace.core.clock import local_today
from marketplace.extensions import db
from marketplace.notifications.models import Notification
from marketplace.programme.models import (
    Application,
    ApplicationStatus,
    OptInStatus,
    PlanOptIn,
    ProgrammeVersion,
)
from tests import factories
from tests.programme import support


def _png(color="red") -> io.BytesIO:
    buf = io.BytesIO()
    Image.new("RGB", (64, 64), color).save(buf, "PNG")
    buf.seek(0)
    return buf


def test_anonymous_visitors_see_up_to_the_best_rate_with_a_link(client, programme, solution):
    page = client.get(f"/solutions/{solution.slug}").get_data(as_text=True)
    assert "Có thể được hỗ trợ đến 100%" in page
    assert 'href="/programme"' in page
    assert "Giá sau hỗ trợ" not in page


def test_an_eligible_enterprise_sees_its_price_after_support(
    client_for, programme, solution, enterprise
):
    page = client_for(enterprise).get(f"/solutions/{solution.slug}").get_data(as_text=True)
    year = local_today().year
    assert "Giá sau hỗ trợ:" in page
    assert "600.000 ₫/năm" in page
    assert f"hỗ trợ 50%, còn 50.000.000 ₫ hạn mức năm {year}" in page


def test_vendors_see_only_that_a_plan_is_eligible(client_for, programme, solution, vendor):
    page = client_for(vendor).get(f"/solutions/{solution.slug}").get_data(as_text=True)
    assert "Thuộc chương trình hỗ trợ" in page
    assert "Giá sau hỗ trợ" not in page


def test_a_plan_not_approved_shows_no_support(client_for, vendor, enterprise, plan):
    support.make_programme(category_ids=[plan.solution.category_id])
    page = client_for(enterprise).get(f"/solutions/{plan.solution.slug}").get_data(as_text=True)
    assert "Giá sau hỗ trợ" not in page
    assert "Có thể được hỗ trợ" not in page


def test_the_comparison_and_the_checkout_show_the_support(
    client_for, programme, solution, vendor, other_vendor, enterprise
):
    other = factories.make_solution(other_vendor, name="Kế toán Hạ Long")
    browser = client_for(enterprise)
    page = browser.get(f"/compare?s={solution.slug},{other.slug}").get_data(as_text=True)
    assert page.count("Giá sau hỗ trợ:") == 1
    factories.confirm_bank_account(vendor)  # a way to pay: the checkout opens
    checkout = browser.get(f"/billing/checkout?plan_id={solution.plans[0].id}")
    assert checkout.status_code == 200
    assert "Giá sau hỗ trợ:" in checkout.get_data(as_text=True)


def test_the_support_costs_the_same_queries_for_one_plan_or_many(
    client_for, count_queries, vendor, enterprise
):
    one = factories.make_solution(vendor, name="Một gói")
    many = factories.make_solution(
        vendor,
        name="Nhiều gói",
        plans=[
            PlanInput(name=f"Gói {i}", price_vnd=100_000 * (i + 1), period="month", trial_days=0)
            for i in range(5)
        ],
    )
    programme = support.make_programme(category_ids=[one.category_id])
    for plan in [*one.plans, *many.plans]:
        support.approve_plan(programme, plan)
    browser = client_for(enterprise)
    browser.get(f"/solutions/{one.slug}")  # warm the caches
    browser.get(f"/solutions/{many.slug}")
    with count_queries() as first:
        assert "Giá sau hỗ trợ" in browser.get(f"/solutions/{one.slug}").get_data(as_text=True)
    with count_queries() as second:
        page = browser.get(f"/solutions/{many.slug}").get_data(as_text=True)
    assert page.count("Giá sau hỗ trợ:") == 5
    programme_queries = [s for s in second.statements if "programme" in s]
    assert len(programme_queries) == len([s for s in first.statements if "programme" in s])
    assert len(programme_queries) <= 5


def test_applying_reviewing_and_disbursing(
    client_for, order, enterprise, other_enterprise, vendor, moderator
):
    browser = client_for(enterprise)
    order_page = browser.get(f"/orders/{order.id}").get_data(as_text=True)
    assert "Đề nghị hỗ trợ cho đơn này" in order_page
    response = browser.post(
        f"/orders/{order.id}/support",
        data={
            "invoice": (_png(), "hoadon.png"),
            "payment": (_png("blue"), "unc.png"),
            "note": "Xin hỗ trợ",
        },
        content_type="multipart/form-data",
    )
    assert response.status_code == 302
    application = db.session.scalar(select(Application))
    assert application.status == ApplicationStatus.SUBMITTED
    assert application.invoice_upload_id and application.payment_upload_id
    assert response.headers["Location"].endswith(f"/programme/applications/{application.id}")
    # Only the applying organisation (and the staff) see it.
    assert browser.get(f"/programme/applications/{application.id}").status_code == 200
    assert (
        client_for(other_enterprise).get(f"/programme/applications/{application.id}").status_code
        == 404
    )
    assert client_for(vendor).get(f"/programme/applications/{application.id}").status_code == 403
    # Applying again goes to the application: one per order.
    again = browser.post(f"/orders/{order.id}/support", data={}, content_type="multipart/form-data")
    assert again.status_code == 302
    assert db.session.scalar(select(func.count(Application.id))) == 1
    # The staff are told; the moderator approves, then records the payment.
    staff = client_for(moderator)
    assert (
        db.session.scalar(
            select(func.count(Notification.id)).where(Notification.user_id == moderator.id)
        )
        >= 1
    )
    queue = staff.get("/moderation/programme").get_data(as_text=True)
    assert order.number in queue
    assert staff.post(f"/moderation/programme/{application.id}/approve").status_code == 302
    db.session.expire_all()
    application = db.session.get(Application, application.id)
    assert application.status == ApplicationStatus.APPROVED
    assert application.amount_vnd == order.total_vnd // 2
    staff.post(f"/moderation/programme/{application.id}/disburse", data={"reference": ""})
    db.session.expire_all()
    assert db.session.get(Application, application.id).status == ApplicationStatus.APPROVED
    staff.post(f"/moderation/programme/{application.id}/disburse", data={"reference": "UNC-0042"})
    db.session.expire_all()
    application = db.session.get(Application, application.id)
    assert application.status == ApplicationStatus.DISBURSED
    assert application.disbursement_reference == "UNC-0042"
    titles = db.session.scalars(
        select(Notification.title).where(Notification.user_id == enterprise.id)
    ).all()
    assert any("phê duyệt" in t for t in titles) and any("giải ngân" in t for t in titles)


def test_my_applications_lists_only_my_organisations_and_the_cap_left_drops(
    client_for, programme, plan, enterprise, other_enterprise, moderator
):
    mine = support.make_application(support.paid_order(enterprise, plan))
    theirs = support.make_application(support.paid_order(other_enterprise, plan))
    browser = client_for(enterprise)
    page = browser.get("/account/programme").get_data(as_text=True)
    year = local_today().year
    assert mine.order.number in page and theirs.order.number not in page
    assert f"/programme/applications/{mine.id}" in page
    assert f"/programme/applications/{theirs.id}" not in page
    assert f"Còn 50.000.000 ₫ hạn mức năm {year}." in page
    client_for(moderator).post(f"/moderation/programme/{mine.id}/approve")
    db.session.expire_all()
    assert db.session.get(Application, mine.id).amount_vnd == 600_000
    page = browser.get("/account/programme").get_data(as_text=True)
    assert f"Còn 49.400.000 ₫ hạn mức năm {year}." in page
    assert "Đã phê duyệt" in page and "600.000 ₫" in page
    # The other organisation's cap is its own: untouched by our approval.
    other_page = client_for(other_enterprise).get("/account/programme").get_data(as_text=True)
    assert f"Còn 50.000.000 ₫ hạn mức năm {year}." in other_page
    assert mine.order.number not in other_page and theirs.order.number in other_page


def test_bad_attachments_are_refused_by_their_field(client_for, order, enterprise):
    response = client_for(enterprise).post(
        f"/orders/{order.id}/support",
        data={
            "invoice": (io.BytesIO(b"%PDF-1.4 not an image"), "hoadon.pdf"),
            "payment": (_png(), "unc.png"),
        },
        content_type="multipart/form-data",
    )
    assert response.status_code == 400
    assert "Tệp không phải là ảnh hợp lệ" in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count(Application.id))) == 0
    missing = client_for(enterprise).post(
        f"/orders/{order.id}/support",
        data={"payment": (_png(), "unc.png")},
        content_type="multipart/form-data",
    )
    assert missing.status_code == 400
    assert "Hãy đính kèm ảnh hóa đơn điện tử." in missing.get_data(as_text=True)


def test_an_unpaid_order_cannot_be_applied_for(client_for, programme, enterprise, plan):
    unpaid = support.paid_order(enterprise, plan, invoiced=False)
    browser = client_for(enterprise)
    page = browser.get(f"/orders/{unpaid.id}/support").get_data(as_text=True)
    assert "hóa đơn điện tử" in page
    browser.post(
        f"/orders/{unpaid.id}/support",
        data={"invoice": (_png(), "a.png"), "payment": (_png(), "b.png")},
        content_type="multipart/form-data",
    )
    assert db.session.scalar(select(func.count(Application.id))) == 0


def test_another_organisations_order_is_not_found(client_for, order, other_enterprise):
    assert client_for(other_enterprise).get(f"/orders/{order.id}/support").status_code == 404
    assert client_for(other_enterprise).post(f"/orders/{order.id}/support").status_code == 404


def test_a_reviewer_cannot_decide_for_their_own_organisation(client_for, order, enterprise):
    insider = factories.make_user("moderator")
    insider.organization_id = enterprise.organization_id
    db.session.commit()
    application = support.make_application(order)
    staff = client_for(insider)
    staff.post(f"/moderation/programme/{application.id}/approve")
    staff.post(f"/moderation/programme/{application.id}/reject", data={"reason": "Tự duyệt"})
    db.session.expire_all()
    assert db.session.get(Application, application.id).status == ApplicationStatus.SUBMITTED


def test_a_rejection_needs_a_reason_and_tells_the_enterprise(
    client_for, order, enterprise, moderator
):
    application = support.make_application(order)
    staff = client_for(moderator)
    staff.post(f"/moderation/programme/{application.id}/reject", data={"reason": "  "})
    db.session.expire_all()
    assert db.session.get(Application, application.id).status == ApplicationStatus.SUBMITTED
    staff.post(
        f"/moderation/programme/{application.id}/reject",
        data={"reason": "Hóa đơn không khớp đơn hàng"},
    )
    db.session.expire_all()
    rejected = db.session.get(Application, application.id)
    assert (rejected.status, rejected.reason) == ("rejected", "Hóa đơn không khớp đơn hàng")
    page = (
        client_for(enterprise)
        .get(f"/programme/applications/{application.id}")
        .get_data(as_text=True)
    )
    assert "Hóa đơn không khớp đơn hàng" in page


def test_a_vendor_opts_a_plan_in_and_a_moderator_approves(client_for, programme, vendor, moderator):
    other = factories.make_solution(vendor, name="Quản lý bán hàng Cát Bà")
    plan = other.plans[0]
    member = factories.make_user("vendor", org=vendor.organization, org_role="member")
    assert client_for(member).post(f"/vendor/programme/plans/{plan.id}/opt-in").status_code == 403
    assert (
        client_for(factories.make_user("vendor"))
        .post(f"/vendor/programme/plans/{plan.id}/opt-in")
        .status_code
        == 404
    )
    owner = client_for(vendor)
    assert owner.post(f"/vendor/programme/plans/{plan.id}/opt-in").status_code == 302
    owner.post(f"/vendor/programme/plans/{plan.id}/opt-in")  # a second click changes nothing
    opt_in = db.session.scalar(select(PlanOptIn).where(PlanOptIn.plan_id == plan.id))
    assert opt_in.status == OptInStatus.PENDING
    page = owner.get("/vendor/programme").get_data(as_text=True)
    assert "Chờ duyệt" in page
    # Prices say their period on the vendor's list and in the moderators' queue.
    assert "1.200.000 ₫/năm" in page
    staff = client_for(moderator)
    assert "1.200.000 ₫/năm" in staff.get("/moderation/programme").get_data(as_text=True)
    staff.post(f"/moderation/programme/opt-ins/{opt_in.id}/reject", data={"reason": ""})
    db.session.expire_all()
    assert db.session.get(PlanOptIn, opt_in.id).status == OptInStatus.PENDING
    staff.post(f"/moderation/programme/opt-ins/{opt_in.id}/approve")
    db.session.expire_all()
    assert db.session.get(PlanOptIn, opt_in.id).status == OptInStatus.APPROVED


def test_the_rules_editor_refuses_bad_input_by_the_field(client_for, programme, admin):
    browser = client_for(admin)
    assert browser.get("/admin/programme").status_code == 200
    bad = {
        "effective_from": "31/02/2026",
        "period_start": "01/01/2026",
        "period_end": "31/12/2026",
        "budget_vnd": "99999999999999999999999",
        "rate_household": "101",
        "cap_household": "1e99",
        "rate_micro": "-1",
        "cap_micro": "20.000.000",
        "rate_small": "50",
        "cap_small": "50000000",
        "rate_medium": "50",
        "cap_medium": "100000000",
        "categories": ["999999"],
    }
    response = browser.post("/admin/programme", data=bad)
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "31/02/2026" in page and "1e99" in page
    assert "Tỷ lệ hỗ trợ từ 0% đến 100%." in page
    assert db.session.scalar(select(func.count(ProgrammeVersion.id))) == 1
    good = {
        **bad,
        "budget_vnd": "3.000.000.000",
        "rate_household": "100",
        "cap_household": "20000000",
        "rate_micro": "100",
        "categories": [],
    }
    tomorrow = local_today().toordinal() + 1
    import datetime as dt

    good["effective_from"] = dt.date.fromordinal(tomorrow).strftime("%d/%m/%Y")
    assert browser.post("/admin/programme", data=good).status_code == 302
    latest = db.session.scalar(
        select(ProgrammeVersion).order_by(ProgrammeVersion.effective_from.desc())
    )
    assert (latest.budget_vnd, latest.cap_micro) == (3_000_000_000, 20_000_000)
    # The same date twice: an error by the field, not a 500.
    again = browser.post("/admin/programme", data=good)
    assert again.status_code == 400
    assert "Đã có một phiên bản" in again.get_data(as_text=True)


def test_the_programme_page_and_the_dashboard_show_the_budget(client, programme):
    page = client.get("/programme").get_data(as_text=True)
    assert "2.000.000.000 ₫" in page and "Còn lại" in page
    board = client.get("/dashboard").get_data(as_text=True)
    assert "Chương trình hỗ trợ doanh nghiệp" in board
    stats = client.get("/api/v1/stats?include=dashboard").get_json()
    assert stats["programme"]["budget_vnd"] == 2_000_000_000
    assert stats["programme"]["organizations_supported"] is None  # fewer than 5
