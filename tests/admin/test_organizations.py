"""The console's organisations: search and filters, what an organisation holds (constant
queries), corrections with a reason (audited before/after), deactivation and back."""

from __future__ import annotations

from bs4 import BeautifulSoup
from sqlalchemy import select

from marketplace.accounts.models import Organization
from marketplace.core.audit import AuditLog
from marketplace.extensions import db
from tests import factories


def _org(org_id: int) -> Organization:
    db.session.expire_all()
    return db.session.get(Organization, org_id)


def test_moderator_gets_403(client_for, moderator, enterprise):
    client = client_for(moderator)
    assert client.get("/admin/organizations").status_code == 403
    assert client.get(f"/admin/organizations/{enterprise.organization_id}").status_code == 403


def test_search_and_filters(client_for, admin):
    factories.make_org("enterprise", name="Công ty TNHH Bánh Gai Tứ Kỳ", size_band="micro")
    factories.make_org("vendor", name="Công ty Cổ phần Phần mềm Hồng Hà", verified=True)
    factories.make_org("enterprise", name="Hộ kinh doanh Gốm Chu Đậu", commune_code=None)
    client = client_for(admin)

    def names(query: str) -> str:
        return client.get("/admin/organizations?" + query).get_data(as_text=True)

    assert "Bánh Gai" in names("q=banh+gai") and "Hồng Hà" not in names("q=banh+gai")
    page = names("kind=vendor&verified=yes")
    assert "Hồng Hà" in page and "Bánh Gai" not in page
    page = names("area=none&kind=enterprise")
    assert "Gốm Chu Đậu" in page and "Bánh Gai" not in page
    assert "Bánh Gai" in names("area=10525&size_band=micro")
    assert "Bánh Gai" in names("area=former:30")  # the former Hải Dương (GSO code 30)
    assert "Bánh Gai" not in names("area=former:31&industry=retail")
    assert client.get("/admin/organizations?area=x&page=-1&status=%E2%80%AE").status_code == 200


def test_industry_filter_matches_and_excludes_on_its_own(client_for, admin):
    factories.make_org("enterprise", name="Cơ khí Kim Thành", industry="manufacturing")
    factories.make_org("enterprise", name="Siêu thị Tứ Kỳ", industry="retail")
    client = client_for(admin)

    def listed(industry: str) -> set[str]:
        page = client.get(f"/admin/organizations?industry={industry}").get_data(as_text=True)
        return {name for name in ("Cơ khí Kim Thành", "Siêu thị Tứ Kỳ") if name in page}

    assert listed("manufacturing") == {"Cơ khí Kim Thành"}
    assert listed("retail") == {"Siêu thị Tứ Kỳ"}
    assert listed("health") == set()
    assert listed("") == {"Cơ khí Kim Thành", "Siêu thị Tứ Kỳ"}  # no filter: both


def test_organisation_page_lists_members_trials_orders_and_reviews(
    client_for, admin, vendor, enterprise
):
    from tests.admin.test_merge import _review, _trial

    org = enterprise.organization
    member = factories.make_user("enterprise", org=org, org_role="member", name="Phạm Văn Minh")
    solution = factories.make_solution(vendor, name="Kế toán Sông Hồng")
    trial = _trial(org, enterprise, solution, status="requested")
    factories.confirm_bank_account(vendor)
    order = factories.make_transfer_order(enterprise, solution.plans[0])
    _review(org, enterprise, solution, "Dễ dùng cho hộ kinh doanh")
    page = BeautifulSoup(
        client_for(admin).get(f"/admin/organizations/{org.id}").get_data(as_text=True),
        "html.parser",
    )
    counts = {
        box.dt.get_text(strip=True): box.dd.get_text(strip=True)
        for box in page.select("#counts dl")
    }
    assert counts == {
        "Thành viên": "2",
        "Giải pháp": "0",
        "Dùng thử": "1",
        "Đơn hàng": "1",
        "Nhận xét": "1",
    }

    def items(list_id: str) -> list[str]:
        return [li.get_text(" ", strip=True) for li in page.select(f"#{list_id} li")]

    members = items("members")
    assert len(members) == 2
    assert any(enterprise.email in m and "Chủ sở hữu" in m for m in members)
    assert any(member.email in m and "Thành viên" in m for m in members)
    [trial_row] = items("trials")
    assert f"#{trial.id}" in trial_row and "Kế toán Sông Hồng" in trial_row
    [order_row] = items("orders")
    assert order.number in order_row
    [review_row] = items("reviews")
    assert "Dễ dùng cho hộ kinh doanh" in review_row and "Kế toán Sông Hồng" in review_row
    assert page.select("#listings li") == []


def test_organisation_page_counts_with_constant_queries(
    client_for, admin, vendor, enterprise, count_queries
):
    client = client_for(admin)
    url = f"/admin/organizations/{vendor.organization_id}"
    client.get(url)
    with count_queries() as few:
        client.get(url)
    for n in range(4):
        factories.make_solution(vendor, name=f"Giải pháp {n}")
        factories.make_user("vendor", org=vendor.organization, org_role="member")
    with count_queries() as many:
        page = client.get(url).get_data(as_text=True)
    assert many.count == few.count
    assert "Giải pháp 3" in page


def test_edit_profile_with_reason_is_audited(client_for, admin, enterprise):
    org = enterprise.organization
    old_name = org.name
    data = {
        "org_name": "Công ty TNHH Tên Đã Sửa",
        "tax_code": org.tax_code,
        "commune_code": "10525",
        "industry": "retail",
        "size_band": "small",
        "phone": "0912 345 678",
        "website": "",
        "reason": "Sai chính tả khi đăng ký",
    }
    response = client_for(admin).post(f"/admin/organizations/{org.id}/edit", data=data)
    assert response.status_code == 302
    assert _org(org.id).name == "Công ty TNHH Tên Đã Sửa"
    entry = db.session.scalar(select(AuditLog).where(AuditLog.action == "admin.organization_edit"))
    assert entry.reason == "Sai chính tả khi đăng ký"
    assert entry.data["after"]["name"] == "Công ty TNHH Tên Đã Sửa"
    assert entry.data["before"]["name"] == old_name
    assert "phone" not in entry.data["after"]  # only what changed


def test_edit_refuses_a_bad_or_taken_tax_code_by_the_field(client_for, admin, enterprise):
    other = factories.make_org("enterprise")
    org = enterprise.organization
    base = {
        "org_name": org.name,
        "commune_code": "10525",
        "industry": "retail",
        "size_band": "small",
        "phone": "0912345678",
        "reason": "Sửa mã số thuế",
    }
    client = client_for(admin)
    for tax_code, message in (
        ("0100000000", "Mã số thuế"),
        (other.tax_code, "đã được đăng ký"),
    ):
        response = client.post(
            f"/admin/organizations/{org.id}/edit", data={**base, "tax_code": tax_code}
        )
        assert response.status_code == 400
        page = response.get_data(as_text=True)
        assert message in page and tax_code in page
    assert _org(org.id).tax_code == org.tax_code
    no_reason = client.post(
        f"/admin/organizations/{org.id}/edit", data={**base, "tax_code": org.tax_code, "reason": ""}
    )
    assert no_reason.status_code == 400


def test_deactivated_vendor_leaves_the_catalogue_and_its_members_cannot_act(
    client_for, admin, vendor, make_client
):
    solution = factories.make_solution(vendor, name="Hóa đơn Hồng Hà")
    member = client_for(vendor)
    assert member.get("/vendor/").status_code == 200
    public = make_client()
    assert "Hóa đơn Hồng Hà" in public.get("/solutions?q=hoa+don").get_data(as_text=True)
    response = client_for(admin).post(
        f"/admin/organizations/{vendor.organization_id}/deactivate",
        data={"deactivate-reason": "Ngừng kinh doanh"},
    )
    assert response.status_code == 302
    assert _org(vendor.organization_id).active is False
    assert "Hóa đơn Hồng Hà" not in public.get("/solutions?q=hoa+don").get_data(as_text=True)
    assert public.get(f"/solutions/{solution.slug}").status_code == 404
    # Its members are sent to choose another organisation; nothing is done for this one.
    response = member.get("/vendor/")
    assert response.status_code == 302 and "/account/organizations" in response.headers["Location"]
    client_for(admin).post(
        f"/admin/organizations/{vendor.organization_id}/reactivate",
        data={"reactivate-reason": "Hoạt động lại"},
    )
    assert member.get("/vendor/").status_code == 200
    assert "Hóa đơn Hồng Hà" in public.get("/solutions?q=hoa+don").get_data(as_text=True)
