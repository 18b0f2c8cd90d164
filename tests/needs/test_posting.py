"""Posting a need and who reads what: must-haves from the category's features, the category
button, an unverified e-mail, a commune outside the province, and the anonymised public view
(visitors, another enterprise, an unverified vendor)."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from flask import current_app
from sqlalchemy import func, select

from marketplace.accounts.roles import EmailNotVerified
from marketplace.catalog.models import FeatureDefinition
from marketplace.core.clock import local_today
from marketplace.core.database import utcnow
from marketplace.extensions import db
from marketplace.needs import rules, services
from marketplace.needs.models import Need, Proposal
from tests import factories
from tests.needs.conftest import make_need, need_input, proposal_input

PROBLEM = "Xưởng ghi sổ tay từng cuộn vải nhập và hàng xuất cho khách buôn, tồn kho hay lệch."


def _form(**overrides) -> dict:
    data = {
        "title": "Quản lý kho vải cho xưởng may",
        "problem": PROBLEM,
        "users_count": "12",
        "budget_min": "10.000.000",
        "budget_max": "60.000.000",
        "deadline": (local_today() + dt.timedelta(days=10)).strftime("%d/%m/%Y"),
    }
    data.update(overrides)
    return data


def _features(slug: str) -> list[str]:
    category = factories.category(slug)
    return list(
        db.session.scalars(
            select(FeatureDefinition.label_vi)
            .where(
                FeatureDefinition.category_id == category.id,
                FeatureDefinition.kind == "bool",
                FeatureDefinition.retired_at.is_(None),
            )
            .order_by(FeatureDefinition.position)
        )
    )


def test_must_haves_are_picked_from_the_categorys_features_or_written(enterprise, client_for):
    client = client_for(enterprise)
    category = factories.category("ke-toan")
    offered = _features("ke-toan")
    assert len(offered) >= 3
    # A retired feature is not offered, nor a text one ("Số người dùng" is no must-have).
    retired = db.session.scalar(
        select(FeatureDefinition).where(
            FeatureDefinition.category_id == category.id,
            FeatureDefinition.label_vi == offered[-1],
        )
    )
    retired.retired_at = utcnow()
    db.session.commit()
    page = client.post("/needs/new", data=_form(category=str(category.id), suggest="1"))
    body = page.get_data(as_text=True)
    assert page.status_code == 200
    for label in offered[:-1]:
        assert f'name="features" id="feature-{offered.index(label) + 1}" value="{label}"' in body
    assert f'value="{offered[-1]}"' not in body
    assert 'value="Số người dùng"' not in body
    response = client.post(
        "/needs/new",
        data=_form(
            category=str(category.id),
            features=[offered[0], offered[2]],
            must_haves_other="Chạy trên điện thoại\n\nChạy trên điện thoại\nIn tem mã vạch",
        ),
    )
    assert response.status_code == 302
    need = db.session.scalar(select(Need))
    assert need.category_id == category.id
    assert need.must_haves == [offered[0], offered[2], "Chạy trên điện thoại", "In tem mã vạch"]


def test_the_category_button_suggests_one_but_keeps_a_chosen_category(
    vendor, enterprise, client_for
):
    factories.make_solution(vendor)  # an e-invoice listing: the text matches it
    client = client_for(enterprise)
    text = {
        "title": "Xuất hóa đơn điện tử cho cửa hàng",
        "problem": "Cửa hàng bán lẻ cần xuất hóa đơn điện tử cho khách ngay tại quầy.",
    }
    einvoice = factories.category("hoa-don-dien-tu")
    accounting = factories.category("ke-toan")
    suggested = client.post("/needs/new", data=_form(**text, suggest="1")).get_data(as_text=True)
    assert f'<option selected value="{einvoice.id}">' in suggested
    assert f'value="{_features("hoa-don-dien-tu")[0]}"' in suggested
    kept = client.post(
        "/needs/new", data=_form(**text, category=str(accounting.id), suggest="1")
    ).get_data(as_text=True)
    assert f'<option selected value="{accounting.id}">' in kept
    assert f'<option selected value="{einvoice.id}">' not in kept
    assert "Gợi ý: " not in kept
    assert f'value="{_features("ke-toan")[0]}"' in kept
    assert db.session.scalar(select(func.count(Need.id))) == 0  # the button never posts


def test_an_unverified_email_can_neither_post_nor_propose(enterprise, client_for):
    unconfirmed = factories.make_user("enterprise", email_verified=False)
    with current_app.test_request_context(), pytest.raises(EmailNotVerified):
        services.post_need(unconfirmed, need_input())
    db.session.rollback()
    response = client_for(unconfirmed).post("/needs/new", data=_form())
    assert response.status_code == 403
    assert db.session.scalar(select(func.count(Need.id))) == 0

    need = make_need(enterprise)
    seller = factories.make_user("vendor", verified=True, email_verified=False)
    with current_app.test_request_context(), pytest.raises(EmailNotVerified):
        services.save_proposal(seller, need, proposal_input())
    db.session.rollback()
    form = {
        "lines-0-description": "Phần mềm kho",
        "lines-0-quantity": "1",
        "lines-0-unit_price": "2.000.000",
        "lines-0-vat": "exempt",
        "lines-0-period": "month",
        "implementation_days": "14",
    }
    response = client_for(seller).post(f"/needs/{need.id}/proposal", data=form)
    assert response.status_code == 403
    assert db.session.scalar(select(func.count(Proposal.id))) == 0


def test_a_commune_outside_the_province_is_refused(enterprise, client_for):
    with current_app.test_request_context(), pytest.raises(rules.NeedValidationError) as err:
        services.post_need(enterprise, need_input(commune_code="00004"))  # Ba Đình, Hà Nội
    db.session.rollback()
    assert set(err.value.errors) == {"commune_code"}
    with current_app.test_request_context(), pytest.raises(rules.NeedValidationError):
        services.post_need(enterprise, need_input(commune_code="99999"))
    db.session.rollback()
    response = client_for(enterprise).post("/needs/new", data=_form(commune_code="00004"))
    assert response.status_code == 400
    assert db.session.scalar(select(func.count(Need.id))) == 0
    need = make_need(enterprise, commune_code="10660")  # Phường Ái Quốc, Hải Phòng
    assert need.commune_code == "10660" and need.area_code is not None


SECRETS = (
    PROBLEM,
    "In tem mã vạch cho từng cuộn",  # a must-have
    "17.000.000",  # the exact budget
    "83.000.000",
    "Ái Quốc",  # the commune
)


def test_the_public_view_is_anonymised_for_visitors_enterprises_and_unverified_vendors(
    enterprise, other_enterprise, other_vendor, vendor, client, client_for
):
    need = make_need(
        enterprise,
        title="Quản lý kho vải cho xưởng may",
        problem=PROBLEM,
        must_haves=["In tem mã vạch cho từng cuộn"],
        budget_min_vnd=17_000_000,
        budget_max_vnd=83_000_000,
        commune_code="10660",
    )
    viewers = {
        "visitor": client,
        "another enterprise": client_for(other_enterprise),
        "unverified vendor": client_for(other_vendor),
    }
    for who, viewer in viewers.items():
        for url in ("/needs", f"/needs/{need.id}", "/api/v1/needs"):
            response = viewer.get(url)
            text = response.get_data(as_text=True)
            if response.is_json:
                text = json.dumps(response.get_json(), ensure_ascii=False)
            assert response.status_code == 200, (who, url)
            assert need.title in text, (who, url)
            for secret in SECRETS:
                assert secret not in text, (who, url, secret)
        page = viewer.get(f"/needs/{need.id}").get_data(as_text=True)
        assert "50 – 200 triệu đồng" in page and "Khu vực Hải Dương cũ" in page
    # Nor through the vendor's pages: the CSV and the proposal form.
    assert client.get("/needs/export.csv").status_code == 302  # to sign in
    assert viewers["unverified vendor"].get("/needs/export.csv").status_code == 403
    assert viewers["unverified vendor"].get(f"/needs/{need.id}/proposal").status_code == 403
    assert viewers["another enterprise"].get(f"/needs/{need.id}/compare").status_code == 404
    # A verified vendor reads the problem, the must-haves and the exact budget (not the commune).
    full = client_for(vendor).get(f"/needs/{need.id}").get_data(as_text=True)
    assert PROBLEM in full and "In tem mã vạch cho từng cuộn" in full
    assert "17.000.000" in full and "83.000.000" in full
    assert "Ái Quốc" not in full
