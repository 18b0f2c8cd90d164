"""The vendor's listing editor: drafts, validation, uploads, submission, who may do it."""

from __future__ import annotations

import io

import pytest
from PIL import Image
from sqlalchemy import func, select

from marketplace.catalog.models import Plan, Solution, SolutionFeature
from marketplace.core.audit import AuditLog
from marketplace.extensions import db
from tests import factories


def editor_form(**overrides) -> dict:
    cat = factories.category()
    data = {
        "name": "Hóa đơn điện tử Sông Hồng",
        "tagline": "Phát hành hóa đơn điện tử trong 5 phút",
        "description": "Giải pháp **hóa đơn điện tử** theo Nghị định 123/2020/NĐ-CP cho hộ kinh doanh.",
        "category_id": str(cat.id),
        "deployment": "cloud",
        "website": "https://songhong.vn",
        f"feature-{cat.id}-decree_123": "yes",
        f"feature-{cat.id}-invoices_included": "300 hóa đơn",
        "plans-0-name": "Cơ bản",
        "plans-0-price_vnd": "1.200.000",
        "plans-0-period": "year",
        "plans-0-trial_days": "14",
        "plans-0-limits": "300 hóa đơn/năm",
        "extras-0-label": "Đào tạo tại chỗ",
        "extras-0-value": "Miễn phí 2 buổi",
        "action": "save",
    }
    data.update(overrides)
    return data


def png_bytes(size=(64, 64)) -> bytes:
    buf = io.BytesIO()
    Image.new("RGB", size, (200, 30, 30)).save(buf, "PNG")
    return buf.getvalue()


def test_vendor_creates_a_draft_with_plans_and_features(client_for, vendor):
    c = client_for(vendor)
    assert c.get("/vendor/solutions/new").status_code == 200
    response = c.post("/vendor/solutions/new", data=editor_form())
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    solution = db.session.scalar(select(Solution))
    assert solution.status == "draft"
    assert solution.vendor_id == vendor.organization_id
    assert solution.slug == "hoa-don-dien-tu-song-hong"
    plan = solution.plans[0]
    assert (plan.name, plan.price_vnd, plan.period, plan.trial_days) == (
        "Cơ bản",
        1_200_000,
        "year",
        14,
    )
    features = {f.key: (f.label, f.value) for f in solution.features}
    assert features["decree_123"] == (None, "yes")
    assert features["x-1"] == ("Đào tạo tại chỗ", "Miễn phí 2 buổi")
    assert db.session.scalar(select(AuditLog.action)) == "solution.create"


def test_same_name_gets_a_distinct_slug(client_for, vendor):
    c = client_for(vendor)
    c.post("/vendor/solutions/new", data=editor_form())
    c.post("/vendor/solutions/new", data=editor_form())
    slugs = sorted(db.session.scalars(select(Solution.slug)))
    assert slugs == ["hoa-don-dien-tu-song-hong", "hoa-don-dien-tu-song-hong-2"]


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"name": ""}, "Vui lòng nhập thông tin này."),
        ({"plans-0-price_vnd": "abc"}, "Giá là số nguyên đồng"),
        ({"plans-0-price_vnd": "-5"}, "Giá là số nguyên đồng"),
        ({"plans-0-price_vnd": "1.5"}, "Giá là số nguyên đồng"),
        ({"plans-0-trial_days": "91"}, "Số ngày dùng thử từ 0 đến 90."),
        ({"plans-0-trial_days": "-1"}, "Số ngày dùng thử từ 0 đến 90."),
        ({"plans-0-name": ""}, "Vui lòng nhập tên gói."),
        ({"plans-0-period": "weekly"}, "Lựa chọn không hợp lệ."),
        ({"category_id": "99999"}, "Lựa chọn không hợp lệ."),
        ({"deployment": "mainframe"}, "Lựa chọn không hợp lệ."),
        ({"website": "javascript:alert(1)"}, "Địa chỉ trang web"),
        ({"extras-0-label": ""}, "Vui lòng nhập tên tính năng."),
    ],
)
def test_invalid_input_is_refused_next_to_the_field_and_kept(
    client_for, vendor, overrides, message
):
    response = client_for(vendor).post("/vendor/solutions/new", data=editor_form(**overrides))
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert message in html
    assert "Phát hành hóa đơn điện tử trong 5 phút" in html  # typed values kept
    assert db.session.scalar(select(func.count(Solution.id))) == 0


def test_bool_feature_with_a_bad_value_is_refused(client_for, vendor):
    cat = factories.category()
    response = client_for(vendor).post(
        "/vendor/solutions/new", data=editor_form(**{f"feature-{cat.id}-decree_123": "maybe"})
    )
    assert response.status_code == 400
    assert "Chọn Có hoặc Không." in response.get_data(as_text=True)


def test_features_of_other_categories_are_ignored(client_for, vendor):
    other = factories.category("may-chu-dam-may")
    client_for(vendor).post(
        "/vendor/solutions/new", data=editor_form(**{f"feature-{other.id}-vcpu": "8"})
    )
    keys = set(db.session.scalars(select(SolutionFeature.key)))
    assert "vcpu" not in keys and "decree_123" in keys


def test_top_level_category_with_children_is_refused(client_for, vendor):
    parent = factories.category("quan-tri-doanh-nghiep")
    response = client_for(vendor).post(
        "/vendor/solutions/new", data=editor_form(category_id=str(parent.id))
    )
    assert response.status_code == 400


def test_markdown_preview_renders_sanitised_html(client_for, vendor):
    response = client_for(vendor).post(
        "/vendor/solutions/new",
        data=editor_form(
            action="preview", description="## Tiêu đề\n<script>alert(1)</script>**đậm**"
        ),
    )
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "<h2>Tiêu đề</h2>" in html and "<strong>đậm</strong>" in html
    assert "<script>alert(1)</script>" not in html
    assert db.session.scalar(select(func.count(Solution.id))) == 0


def test_submit_needs_complete_content_and_saves_the_draft(client_for, vendor):
    c = client_for(vendor)
    response = c.post(
        "/vendor/solutions/new",
        data=editor_form(
            action="submit", **{"plans-0-name": "", "plans-0-price_vnd": "", "plans-0-limits": ""}
        ),
    )
    assert response.status_code == 400
    assert "Cần ít nhất một gói dịch vụ" in response.get_data(as_text=True)
    solution = db.session.scalar(select(Solution))
    assert solution.status == "draft"  # the draft was kept


def test_submit_moves_to_pending_and_tells_the_moderators(client_for, vendor, moderator):
    from marketplace.notifications.models import Notification

    response = client_for(vendor).post("/vendor/solutions/new", data=editor_form(action="submit"))
    assert response.status_code == 302
    solution = db.session.scalar(select(Solution))
    assert solution.status == "pending" and solution.submitted_at is not None
    assert (
        db.session.scalar(
            select(func.count(Notification.id)).where(Notification.user_id == moderator.id)
        )
        == 1
    )


def test_logo_and_screenshots_upload_and_survive_a_failed_form(client_for, vendor):
    c = client_for(vendor)
    data = editor_form(name="")
    data["logo"] = (io.BytesIO(png_bytes()), "logo.png")
    data["screenshots"] = [
        (io.BytesIO(png_bytes((320, 200))), "a.png"),
        (io.BytesIO(png_bytes((320, 200))), "b.png"),
    ]
    response = c.post("/vendor/solutions/new", data=data, content_type="multipart/form-data")
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert "/media/" in html  # the uploaded images are shown again
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(html, "html.parser")
    logo_id = soup.find(id="logo_id")["value"]
    shot_ids = soup.find(id="screenshot_ids")["value"]
    assert logo_id and len(shot_ids.split(",")) == 2
    response = c.post(
        "/vendor/solutions/new", data=editor_form(logo_id=logo_id, screenshot_ids=shot_ids)
    )
    assert response.status_code == 302
    solution = db.session.scalar(select(Solution))
    assert solution.logo_id == int(logo_id)
    assert [s.upload_id for s in solution.screenshots] == [int(i) for i in shot_ids.split(",")]


def test_non_image_upload_is_refused_with_a_clear_message(client_for, vendor):
    data = editor_form()
    data["logo"] = (io.BytesIO(b"<html><script>alert(1)</script></html>"), "logo.png")
    response = client_for(vendor).post(
        "/vendor/solutions/new", data=data, content_type="multipart/form-data"
    )
    assert response.status_code == 400
    assert "không phải là ảnh" in response.get_data(as_text=True)


def test_another_organisations_upload_cannot_be_linked(client_for, vendor, other_vendor):
    from marketplace.catalog.models import Upload

    foreign = Upload(
        org_id=other_vendor.organization_id,
        filename="x.png",
        content_type="image/png",
        size_bytes=1,
        width=1,
        height=1,
    )
    db.session.add(foreign)
    db.session.commit()
    response = client_for(vendor).post(
        "/vendor/solutions/new", data=editor_form(logo_id=str(foreign.id))
    )
    assert response.status_code == 400
    assert "Ảnh không hợp lệ." in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count(Solution.id))) == 0


def test_only_the_owning_vendor_sees_and_edits_a_draft(
    client_for, client, vendor, other_vendor, enterprise, moderator, admin
):
    solution = factories.make_solution(vendor, status="draft")
    for path in (f"/vendor/solutions/{solution.id}", f"/vendor/solutions/{solution.id}/edit"):
        assert client_for(vendor).get(path).status_code == 200
        assert client_for(other_vendor).get(path).status_code == 404
        assert client_for(enterprise).get(path).status_code == 403
        assert client_for(moderator).get(path).status_code == 403
        assert client_for(admin).get(path).status_code == 403
        assert client.get(path).status_code == 302
    # Another vendor's post changes nothing.
    response = client_for(other_vendor).post(
        f"/vendor/solutions/{solution.id}/edit", data=editor_form(name="Chiếm quyền")
    )
    assert response.status_code == 404
    for action in ("submit", "archive", "withdraw", "discard-revision"):
        assert (
            client_for(other_vendor).post(f"/vendor/solutions/{solution.id}/{action}").status_code
            == 404
        )
    db.session.expire_all()
    assert db.session.get(Solution, solution.id).name == "Hóa đơn điện tử Sông Hồng"
    assert db.session.get(Solution, solution.id).status == "draft"
    # Moderators can read it on their side.
    assert client_for(moderator).get(f"/moderation/solutions/{solution.id}").status_code == 200


def test_unknown_solution_ids_are_404(client_for, vendor):
    c = client_for(vendor)
    assert c.get("/vendor/solutions/999999").status_code == 404
    assert c.post("/vendor/solutions/999999/submit").status_code == 404


def test_vendor_workspace_lists_only_own_solutions(client_for, vendor, other_vendor):
    factories.make_solution(vendor, status="draft", name="Kế toán Đồng Xanh")
    factories.make_solution(other_vendor, status="published", name="CRM Biển Bạc")
    html = client_for(vendor).get("/vendor/").get_data(as_text=True)
    assert "Kế toán Đồng Xanh" in html and "CRM Biển Bạc" not in html


def test_hostile_description_is_harmless_in_every_view(client_for, vendor, moderator):
    hostile = (
        '<script>alert("x")</script><img src=x onerror=alert(1)>'
        '[bấm](javascript:alert(1)) <a href="https://ok.vn" onclick="steal()">ok</a>'
    )
    solution = factories.make_solution(
        vendor, status="pending", description=hostile + " " * 60 + "đủ dài"
    )
    for c, path in [
        (client_for(vendor), f"/vendor/solutions/{solution.id}"),
        (client_for(moderator), f"/moderation/solutions/{solution.id}"),
    ]:
        html = c.get(path).get_data(as_text=True)
        body = html.split('class="listing-description')[1].split("</div>")[0]
        assert "<script" not in body and "onerror" not in body and "onclick" not in body
        assert "javascript:" not in body


def test_plan_prices_accept_vietnamese_grouping(client_for, vendor):
    client_for(vendor).post(
        "/vendor/solutions/new",
        data=editor_form(
            **{
                "plans-0-price_vnd": "2 500 000",
                "plans-1-name": "Miễn phí",
                "plans-1-price_vnd": "0",
                "plans-1-period": "month",
            }
        ),
    )
    prices = sorted(db.session.scalars(select(Plan.price_vnd)))
    assert prices == [0, 2_500_000]
