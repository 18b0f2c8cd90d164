"""The console's overview: each domain's figures, with links, in a constant number of
queries; the audit log's filter knows the console's actions."""

from __future__ import annotations

from tests import factories


def test_overview_shows_each_domains_figures(client_for, admin):
    factories.make_user("enterprise", email_verified=False)
    page = client_for(admin).get("/admin/").get_data(as_text=True)
    for label in (
        "Đăng ký mới trong 7 ngày",
        "Tài khoản chưa xác thực e-mail",
        "Doanh nghiệp chưa chọn phường/xã",
        "Giải pháp chờ duyệt",
        "Báo cáo vi phạm chờ xử lý",
        "Đơn hàng chờ hóa đơn điện tử",
        "E-mail gửi thất bại",
    ):
        assert label in page, label
    assert "/admin/users?status=unverified" in page


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
