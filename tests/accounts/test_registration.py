"""Sign-up as an enterprise or a vendor: validation, uniqueness, what gets created."""

from __future__ import annotations

import pytest
from bs4 import BeautifulSoup
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from marketplace.accounts.models import Organization, User
from marketplace.extensions import db
from tests import factories


def valid_form(**overrides) -> dict:
    data = {
        "kind": "enterprise",
        "name": "Nguyễn Văn An",
        "email": "an.nguyen@banhgai.vn",
        "password": "mat-khau-rat-manh-2026",
        "confirm": "mat-khau-rat-manh-2026",
        "org_name": "Hộ kinh doanh Bánh Gai Bà Hiền",
        "tax_code": "0801111223",
        "commune_code": "11074",
        "industry": "manufacturing",
        "size_band": "household",
        "phone": "0912 345 678",
        "website": "",
        "accept_terms": "y",
    }
    data.update(overrides)
    return data


def field_errors(response, field_id: str) -> list[str]:
    soup = BeautifulSoup(response.get_data(as_text=True), "html.parser")
    help_block = soup.find(id=f"{field_id}-help")
    if help_block is None:  # checkboxes and radios put errors beside the input
        field = soup.find(id=field_id)
        container = field.find_parent("div") if field else None
        help_block = container
    if help_block is None:
        return []
    return [el.get_text(strip=True) for el in help_block.select(".invalid-feedback")]


def input_value(response, field_id: str) -> str | None:
    soup = BeautifulSoup(response.get_data(as_text=True), "html.parser")
    el = soup.find(id=field_id)
    if el is None:
        return None
    if el.name == "select":
        opt = el.find("option", selected=True)
        return opt["value"] if opt else None
    return el.get("value")


def user_count() -> int:
    return db.session.scalar(select(func.count(User.id)))


def test_register_page_shows_both_kinds(client):
    response = client.get("/auth/register")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "Doanh nghiệp" in html and "Nhà cung cấp" in html
    assert "Xã Tứ Kỳ" in html and "Khu vực Hải Dương cũ" in html  # communes by former area
    assert "Huyện Tứ Kỳ" not in html  # districts no longer exist
    vendor_page = client.get("/auth/register?kind=vendor")
    assert input_value(vendor_page, "kind-1") == "vendor"
    soup = BeautifulSoup(vendor_page.get_data(as_text=True), "html.parser")
    assert soup.find(id="kind-1").has_attr("checked")


def test_enterprise_registration_creates_org_and_user_and_signs_in(client):
    response = client.post("/auth/register", data=valid_form(email="An.Nguyen@BanhGai.vn"))
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/account/")
    user = db.session.scalar(select(User).where(User.email == "an.nguyen@banhgai.vn"))
    assert user is not None and user.role == "enterprise"
    org = user.organization
    assert org.kind == "enterprise" and org.tax_code == "0801111223"
    assert (org.province_code, org.commune_code) == ("31", "11074")
    assert org.size_band == "household"
    assert org.phone == "0912345678"  # normalised
    assert org.verified_at is None
    assert user.password_hash != "mat-khau-rat-manh-2026"
    page = client.get("/account/")
    assert page.status_code == 200
    assert "Hộ kinh doanh Bánh Gai Bà Hiền" in page.get_data(as_text=True)


def test_vendor_registration_starts_unverified_and_needs_no_commune(client):
    response = client.post(
        "/auth/register",
        data=valid_form(
            kind="vendor",
            email="sales@vienthong.vn",
            org_name="Công ty CP Viễn thông Đông Bắc",
            tax_code="0100123453-002",
            commune_code="",
            size_band="",
            industry="ict",
            website="https://vienthongdongbac.vn",
            phone="+84 24 3999 8888",
        ),
    )
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/vendor/")
    user = db.session.scalar(select(User).where(User.email == "sales@vienthong.vn"))
    assert user.role == "vendor"
    assert user.organization.kind == "vendor"
    assert user.organization.verified_at is None
    assert user.organization.tax_code == "0100123453-002"
    assert user.organization.phone == "02439998888"
    page = client.get("/vendor/")
    assert "Chưa xác thực" in page.get_data(as_text=True)


@pytest.mark.parametrize(
    "tax_code",
    [
        "",
        "123",
        "080111122",
        "08011112223",
        "0801111222-1",
        "0801111222-1234",
        "08011a1222",
        "０８０１１１１２２２",
        "0801111222_001",
        "-0801111223",
        "0801111222",
    ],
)
def test_bad_tax_code_is_refused_with_field_error_and_typed_values_kept(client, tax_code):
    before = user_count()
    response = client.post("/auth/register", data=valid_form(tax_code=tax_code))
    assert response.status_code == 400
    assert field_errors(response, "tax_code"), "the error must be shown next to the field"
    assert user_count() == before
    # What the user typed is kept (the password is not echoed back).
    assert input_value(response, "name") == "Nguyễn Văn An"
    assert input_value(response, "email") == "an.nguyen@banhgai.vn"
    assert input_value(response, "org_name") == "Hộ kinh doanh Bánh Gai Bà Hiền"
    assert input_value(response, "commune_code") == "11074"
    assert input_value(response, "password") in (None, "")


def test_trailing_spaces_in_tax_code_are_trimmed(client):
    response = client.post("/auth/register", data=valid_form(tax_code="  0801111223  "))
    assert response.status_code == 302


def test_duplicate_email_in_other_case_is_refused(client, app):
    factories.make_user("enterprise", email="chu.cuahang@gmail.com")
    before = user_count()
    response = client.post("/auth/register", data=valid_form(email="Chu.CuaHang@Gmail.COM"))
    assert response.status_code == 400
    errors = field_errors(response, "email")
    assert any("đã được dùng" in e for e in errors)
    assert user_count() == before
    assert input_value(response, "email") == "chu.cuahang@gmail.com"


def test_duplicate_tax_code_of_same_kind_is_refused(client):
    factories.make_org("enterprise", tax_code="0801111223")
    response = client.post("/auth/register", data=valid_form())
    assert response.status_code == 400
    assert any("đã được đăng ký" in e for e in field_errors(response, "tax_code"))


def test_missing_fields_each_get_an_error_and_keep_the_rest(client):
    response = client.post(
        "/auth/register",
        data={"kind": "enterprise", "name": "Trần Thị Bình", "org_name": "Cửa hàng Bình An"},
    )
    assert response.status_code == 400
    for field_id in (
        "email",
        "password",
        "tax_code",
        "phone",
        "commune_code",
        "size_band",
        "industry",
    ):
        assert field_errors(response, field_id), f"{field_id} should show an error"
    assert input_value(response, "name") == "Trần Thị Bình"
    assert input_value(response, "org_name") == "Cửa hàng Bình An"
    assert "Bạn cần đồng ý" in response.get_data(as_text=True)


@pytest.mark.parametrize(
    ("overrides", "field_id"),
    [
        ({"phone": "12345"}, "phone"),
        ({"phone": "0112345678"}, "phone"),
        ({"email": "not-an-email"}, "email"),
        ({"password": "short", "confirm": "short"}, "password"),
        ({"password": "1234567890", "confirm": "1234567890"}, "password"),
        ({"confirm": "khac-mat-khau-2026"}, "confirm"),
        ({"website": "javascript:alert(1)"}, "website"),
        ({"website": "ftp://example.vn"}, "website"),
        ({"commune_code": "quan-1-tphcm"}, "commune_code"),
        ({"size_band": "giant"}, "size_band"),
        ({"industry": "<script>"}, "industry"),
        ({"name": "A" * 121}, "name"),
        ({"org_name": "Đ" * 201}, "org_name"),
    ],
)
def test_invalid_values_are_refused_next_to_their_field(client, overrides, field_id):
    response = client.post("/auth/register", data=valid_form(**overrides))
    assert response.status_code == 400
    assert field_errors(response, field_id)
    assert user_count() == 0


@pytest.mark.parametrize(
    "phone",
    [
        "0912345678",
        "091.234.5678",
        "+84912345678",
        "0084 912 345 678",
        "0220 3852 123",
        "1900 1234",
        "(0220) 3852-123",
    ],
)
def test_vietnamese_phone_formats_are_accepted(client, phone):
    response = client.post("/auth/register", data=valid_form(phone=phone))
    assert response.status_code == 302


@pytest.mark.parametrize("kind", ["moderator", "admin", "staff"])
def test_public_sign_up_can_never_create_staff(client, kind):
    response = client.post("/auth/register", data=valid_form(kind=kind, role="admin"))
    assert response.status_code == 400
    assert user_count() == 0


def test_extra_role_field_is_ignored(client):
    response = client.post(
        "/auth/register", data=valid_form(role="admin", verified_at="2026-01-01")
    )
    assert response.status_code == 302
    user = db.session.scalar(select(User))
    assert user.role == "enterprise"


def test_vendor_role_field_cannot_verify_itself(client):
    client.post(
        "/auth/register",
        data=valid_form(kind="vendor", verified="1", verified_at="2026-01-01", commune_code=""),
    )
    org = db.session.scalar(select(Organization))
    assert org.verified_at is None


def test_signed_in_user_visiting_register_is_sent_to_their_page(client_for, enterprise):
    c = client_for(enterprise)
    response = c.get("/auth/register")
    assert response.status_code == 302 and response.headers["Location"].endswith("/account/")


def test_html_in_names_is_stored_as_text_and_escaped(client):
    hostile = '<img src=x onerror="alert(1)">Công ty <b>Độc</b>'
    response = client.post(
        "/auth/register", data=valid_form(org_name=hostile), follow_redirects=True
    )
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "<img src=x" not in html
    assert "&lt;img src=x" in html
    org = db.session.scalar(select(Organization))
    assert org.name == hostile


def test_unicode_nfd_and_emoji_names_are_kept(client):
    nfd = "Nguyê\u0303n Thi\u0323 Ha\u0300 🌾"
    response = client.post("/auth/register", data=valid_form(name=nfd))
    assert response.status_code == 302
    assert db.session.scalar(select(User)).name == nfd


_text = st.one_of(
    st.text(max_size=40),
    st.sampled_from(
        [
            "",
            " ",
            "<script>alert(1)</script>",
            "' OR 1=1 --",
            "\x00",
            "Đà Nẵng",
            "A" * 5000,
            "0801111222",
            "-1",
            "[]",
            "%00",
            "\u202e",
        ]
    ),
)


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(data=st.fixed_dictionaries(dict.fromkeys(valid_form(), _text)))
def test_no_input_to_the_registration_form_causes_a_server_error(client, data):
    response = client.post("/auth/register", data=data)
    assert response.status_code in (302, 400), response.status_code
