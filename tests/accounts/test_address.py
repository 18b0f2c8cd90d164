"""Organisation address in the 2025 units: street + commune of the served province."""

from __future__ import annotations

import pytest

from marketplace.accounts.models import Organization
from marketplace.extensions import db
from tests import factories
from tests.accounts.test_registration import field_errors, input_value, valid_form


def _profile(org: Organization, **overrides) -> dict:
    data = {
        "org_name": org.name,
        "tax_code": org.tax_code,
        "industry": org.industry or "retail",
        "size_band": org.size_band or "",
        "phone": org.phone or "0912345678",
        "website": "",
        "street_address": "Số 5 Quang Trung",
        "commune_code": "10525",
    }
    data.update(overrides)
    return data


BAD_COMMUNES = [
    ("99999", "không có trong danh mục"),  # no such unit
    ("cam-giang", "không có trong danh mục"),  # a district code from a pre-2025 form
    ("00004", "không thuộc Thành phố Hải Phòng"),  # Phường Ba Đình, Hà Nội
    ("", "Vui lòng chọn phường/xã"),
]


@pytest.mark.parametrize(("code", "message"), BAD_COMMUNES)
def test_registration_refuses_a_commune_outside_the_province_by_the_field(client, code, message):
    response = client.post(
        "/auth/register", data=valid_form(commune_code=code, street_address="Thôn Đông")
    )
    assert response.status_code == 400
    assert any(message in e for e in field_errors(response, "commune_code"))
    assert input_value(response, "street_address") == "Thôn Đông"
    assert db.session.query(Organization).count() == 0


@pytest.mark.parametrize(("code", "message"), BAD_COMMUNES)
def test_profile_refuses_a_commune_outside_the_province_by_the_field(
    client_for, enterprise, code, message
):
    org = enterprise.organization
    response = client_for(enterprise).post(
        "/account/organization", data=_profile(org, commune_code=code)
    )
    assert response.status_code == 400
    assert any(message in e for e in field_errors(response, "commune_code"))
    db.session.expire_all()
    assert db.session.get(Organization, org.id).commune_code == "10525"


def test_enterprise_must_be_in_the_served_province(client):
    response = client.post("/auth/register", data=valid_form(province_code="01"))
    assert response.status_code == 400
    assert field_errors(response, "province_code")


def test_enterprise_registration_stores_street_and_commune(client):
    response = client.post(
        "/auth/register", data=valid_form(commune_code="11311", street_address="12 Điện Biên Phủ")
    )
    assert response.status_code == 302
    org = db.session.query(Organization).one()
    assert (org.province_code, org.commune_code, org.street_address) == (
        "31",
        "11311",
        "12 Điện Biên Phủ",
    )


def test_vendor_head_office_may_be_in_another_province(client):
    response = client.post(
        "/auth/register",
        data=valid_form(
            kind="vendor",
            province_code="01",
            commune_code="",
            street_address="57 Huỳnh Thúc Kháng, Phường Láng",
        ),
    )
    assert response.status_code == 302
    org = db.session.query(Organization).one()
    assert (org.province_code, org.commune_code) == ("01", None)


def test_vendor_in_another_province_cannot_pick_a_commune_of_the_served_one(client):
    response = client.post(
        "/auth/register", data=valid_form(kind="vendor", province_code="01", commune_code="10525")
    )
    assert response.status_code == 400
    assert field_errors(response, "commune_code")


def test_vendor_with_an_unknown_province_gets_a_field_error(client):
    response = client.post(
        "/auth/register", data=valid_form(kind="vendor", province_code="30", commune_code="")
    )
    assert response.status_code == 400
    assert field_errors(response, "province_code")


def test_owner_with_a_former_district_is_asked_to_choose_the_commune(client_for, app):
    org = factories.make_org(commune_code=None, former_district="cam-giang")
    user = factories.make_user("enterprise", org=org)
    page = client_for(user).get("/account/organization").get_data(as_text=True)
    assert "Vui lòng chọn phường/xã" in page and "Huyện Cẩm Giàng" in page
    response = client_for(user).post("/account/organization", data=_profile(org))
    assert response.status_code == 302
    db.session.expire_all()
    org = db.session.get(Organization, org.id)
    assert (org.commune_code, org.former_district) == ("10525", "cam-giang")
    page = client_for(user).get("/account/organization").get_data(as_text=True)
    assert "Vui lòng chọn phường/xã" not in page


def test_address_select_lists_the_configured_province(app_factory):
    hanoi = app_factory(PROVINCE_CODE="01")
    client = hanoi.test_client()
    html = client.get("/auth/register").get_data(as_text=True)
    assert "Phường Ba Đình" in html and "Xã Tứ Kỳ" not in html
    assert "Thành phố Hà Nội" in html
    response = client.post("/auth/register", data=valid_form(commune_code="00004"))
    assert response.status_code == 302


def test_verification_starts_from_the_profile_address(client_for, app):
    org = factories.make_org(
        "vendor", province_code="31", commune_code="11311", street_address="Số 3 Minh Khai"
    )
    user = factories.make_user("vendor", org=org)
    response = client_for(user).get("/vendor/verification")
    assert (
        input_value(response, "address") == "Số 3 Minh Khai, Phường Hồng Bàng, Thành phố Hải Phòng"
    )


def test_vendor_elsewhere_shows_its_province(client_for, app):
    from marketplace.accounts.choices import address_label, org_address

    org = factories.make_org("vendor", province_code="01", street_address="57 Huỳnh Thúc Kháng")
    with app.test_request_context():
        assert address_label(org) == "Thành phố Hà Nội"
        assert org_address(org) == "57 Huỳnh Thúc Kháng, Thành phố Hà Nội"
