"""The console's overview: each domain's figures, with links, in a constant number of
queries; the audit log's filter knows the console's actions."""

from __future__ import annotations

import datetime as dt

from bs4 import BeautifulSoup

from marketplace.core.clock import local_midnight, local_today
from marketplace.core.database import utcnow
from marketplace.extensions import db
from tests import factories


def _figures(page: str) -> dict[str, tuple[str, str | None, list[list[str]]]]:
    """Each overview figure by its label: its number, its link and its series' rows."""
    out = {}
    for box in BeautifulSoup(page, "html.parser").select("#overview dl"):
        link = box.dt.a
        out[box.dt.get_text(strip=True)] = (
            box.dd.get_text(strip=True),
            link["href"] if link else None,
            [
                [cell.get_text(strip=True) for cell in row.find_all(["th", "td"])]
                for row in box.select("tr")
            ],
        )
    return out


def _seed_every_figure(vendor, enterprise):
    """Known counts for each figure; what must not count sits next to what must."""
    from marketplace.billing.models import Order
    from marketplace.notifications.models import EmailOutbox
    from marketplace.reviews.models import Review, ReviewReport

    monday = local_today() - dt.timedelta(days=local_today().weekday())
    three_weeks_ago = local_midnight(monday - dt.timedelta(weeks=3)) + dt.timedelta(days=1)
    # Sign-ups (staff never count, nor erased accounts): this week the `vendor` and
    # `enterprise` fixtures and these three; one three weeks ago; one before the 8 weeks.
    factories.make_user("enterprise")
    factories.make_user("enterprise", email_verified=False)
    closed = factories.make_user("enterprise", email_verified=False)
    closed.active = False  # a closed account is not waiting to verify its address
    factories.make_user("moderator", email_verified=False)
    erased = factories.make_user("enterprise", email_verified=False)
    erased.deleted_at = utcnow()
    older = factories.make_user("vendor")
    older.created_at = three_weeks_ago
    oldest = factories.make_user("enterprise", email_verified=False)
    oldest.created_at = local_midnight(monday - dt.timedelta(weeks=9))
    db.session.commit()
    # Enterprises without a commune: two (not the closed one, not a vendor).
    factories.make_org("enterprise", commune_code=None)
    factories.make_org("enterprise", commune_code=None)
    factories.make_org("enterprise", commune_code=None, active=False)
    factories.make_org("vendor")
    # Listings waiting: two pending, one published.
    published = factories.make_solution(vendor, name="Đã đăng")
    factories.make_solution(vendor, status="pending", name="Chờ 1")
    factories.make_solution(vendor, status="pending", name="Chờ 2")
    # Reports waiting: one open, one dismissed.
    review = Review(
        solution_id=published.id,
        organization_id=enterprise.organization_id,
        overall=4,
        ease_of_use=4,
        features=4,
        support=4,
        value=4,
        title="Dùng tốt",
        body="Phần mềm dễ dùng, hỗ trợ nhanh và đúng hẹn.",
        status="published",
        helpful_count=0,
    )
    db.session.add(review)
    db.session.flush()
    db.session.add_all(
        [
            ReviewReport(review_id=review.id, reporter_id=vendor.id, reason="Sai sự thật"),
            ReviewReport(review_id=review.id, reason="Spam", status="dismissed"),
        ]
    )
    # Orders paid 4 days ago without an e-invoice: one (a fresh paid one does not count).
    factories.confirm_bank_account(vendor)
    plan = published.plans[0]
    for days in (4, 1):
        order = factories.make_transfer_order(enterprise, plan)
        order.status, order.paid_at = "paid", utcnow() - dt.timedelta(days=days)
    # The outbox: three failures, one still queued.
    for n, status in enumerate(("failed", "failed", "failed", "queued")):
        db.session.add(
            EmailOutbox(to_email=f"x{n}@example.vn", subject="Thử", body_text=".", status=status)
        )
    db.session.commit()
    assert db.session.get(Order, order.id).status == "paid"
    return monday


def test_each_overview_figure_counts_and_links(client_for, admin, vendor, enterprise):
    monday = _seed_every_figure(vendor, enterprise)
    figures = _figures(client_for(admin).get("/admin/").get_data(as_text=True))
    assert {label: (value, link) for label, (value, link, _rows) in figures.items()} == {
        "Đăng ký mới tuần này": ("5", "/admin/users"),
        "Tài khoản chưa xác thực e-mail": ("2", "/admin/users?status=unverified"),
        "Doanh nghiệp chưa chọn phường/xã": (
            "2",
            "/admin/organizations?kind=enterprise&area=none&status=active",
        ),
        "Giải pháp chờ duyệt": ("2", "/moderation/"),
        "Bài toán chờ duyệt": ("0", "/moderation/needs"),
        "Báo cáo vi phạm chờ xử lý": ("1", "/moderation/reviews"),
        "Đơn hàng chờ hóa đơn điện tử": ("1", "/moderation/billing/orders-without-invoice"),
        "Hồ sơ hỗ trợ chờ xét": ("0", "/moderation/programme"),
        "E-mail gửi thất bại": ("3", None),
    }
    # Sign-ups per week: the last 8 weeks by their Monday, the current one last.
    weeks, counts = figures["Đăng ký mới tuần này"][2]
    mondays = [(monday - dt.timedelta(weeks=n)).strftime("%d/%m") for n in range(7, -1, -1)]
    assert weeks == ["Tuần từ", *mondays]
    assert counts == ["Số lượng", "0", "0", "0", "0", "1", "0", "0", "5"]


def test_overview_queries_do_not_grow_with_the_data(client_for, admin, vendor, count_queries):
    client = client_for(admin)
    client.get("/admin/")
    with count_queries() as few:
        client.get("/admin/")
    for n in range(5):
        factories.make_user("enterprise", email_verified=False)
        factories.make_solution(vendor, status="pending", name=f"Chờ {n}")
    with count_queries() as many:
        client.get("/admin/")
    assert many.count == few.count


def test_moderator_is_refused_and_admin_reaches_moderation(client_for, moderator, admin):
    assert client_for(moderator).get("/admin/").status_code == 403
    assert client_for(admin).get("/moderation/").status_code == 200


def test_audit_filter_lists_the_console_actions(client_for, admin, enterprise):
    client = client_for(admin)
    client.post(f"/admin/users/{enterprise.id}/deactivate", data={"deactivate-reason": "Thử"})
    page = client.get("/moderation/audit?action=admin.user_deactivate").get_data(as_text=True)
    assert 'value="admin.organization_merge"' in page
    assert "Khóa tài khoản" in page and f"#{enterprise.id}" in page
