"""Tax identifiers as Vietnam uses them: check digit, branches, household businesses."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from marketplace.accounts.models import Organization, User
from marketplace.accounts.validation import (
    normalise_tax_code,
    tax_code_problem,
    tax_code_with_check_digit,
)
from marketplace.demo import catalog_data, insights_seed, seed
from marketplace.extensions import db
from tests import factories
from tests.accounts.test_registration import field_errors, input_value, valid_form

HOUSEHOLD_ID = "034190001234"  # a 12-digit personal identification number


@pytest.mark.parametrize(
    ("value", "household", "expected"),
    [
        ("0100233488", False, None),
        ("0314409058-002", False, None),
        ("0314 409 058 - 002", False, None),
        ("0100233480", False, "chữ số thứ 10 (chữ số kiểm tra) không khớp"),
        ("0314409058-000", False, "000 không phải mã chi nhánh"),
        ("0314409050-002", False, "chữ số kiểm tra"),
        (HOUSEHOLD_ID, True, None),
        (HOUSEHOLD_ID, False, "chỉ hộ kinh doanh được dùng số này"),
        ("0100000003", False, "không thể đều là 0"),
        ("01002334", False, "gồm 10 chữ số"),
        ("01002334", True, "số định danh cá nhân 12 chữ số"),
        ("0100233488-02", False, "chỉ gồm chữ số"),
        ("-0100233488", False, "chỉ gồm chữ số"),
        ("０１００２３３４８８", False, "chỉ gồm chữ số"),
        ("01OO233488", False, "chỉ gồm chữ số"),
    ],
)
def test_each_rule_has_its_own_message(app, value, household, expected):
    problem = tax_code_problem(value, household=household)
    if expected is None:
        assert problem is None
    else:
        assert problem is not None and expected in problem


def test_codes_are_stored_in_one_form():
    assert normalise_tax_code(" 0314 409 058-002 ") == "0314409058-002"
    assert normalise_tax_code("0314409058002") == "0314409058-002"
    assert normalise_tax_code("0100.233.488") == "0100233488"
    assert normalise_tax_code("034 190 001 234") == HOUSEHOLD_ID


def test_the_check_digit_helper_agrees_with_the_vectors():
    assert tax_code_with_check_digit("010023348") == "0100233488"
    assert tax_code_with_check_digit("031440905") == "0314409058"


def _register(client, **overrides):
    return client.post("/auth/register", data=valid_form(**overrides))


def _org(tax_code: str) -> Organization | None:
    return db.session.scalar(select(Organization).where(Organization.tax_code == tax_code))


def test_a_branch_registers_with_its_suffix(client):
    assert _register(client, tax_code="0314 409 058 - 002", size_band="small").status_code == 302
    assert _org("0314409058-002") is not None


def test_a_household_business_registers_with_the_owners_personal_number(client):
    assert _register(client, tax_code=HOUSEHOLD_ID, size_band="household").status_code == 302
    org = _org(HOUSEHOLD_ID)
    assert org is not None and org.size_band == "household"


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"tax_code": HOUSEHOLD_ID, "size_band": "small"}, "chỉ hộ kinh doanh"),
        ({"tax_code": "0100233480"}, "chữ số kiểm tra"),
        ({"tax_code": "0314409058-000"}, "000 không phải mã chi nhánh"),
        ({"tax_code": HOUSEHOLD_ID, "kind": "vendor"}, "chỉ hộ kinh doanh"),
    ],
)
def test_a_refused_code_says_which_rule_and_keeps_what_was_typed(client, overrides, message):
    response = _register(client, **overrides)
    assert response.status_code == 400
    assert any(message in error for error in field_errors(response, "tax_code"))
    assert input_value(response, "tax_code") == overrides["tax_code"]
    assert db.session.scalar(select(User).where(User.email == "an.nguyen@banhgai.vn")) is None


def test_the_service_refuses_a_bad_code_whatever_the_form(app):
    from marketplace.accounts import services

    details = services.OrgDetails(
        name="Công ty Thử", tax_code="0100233480", phone="0912345678", size_band="small"
    )
    with pytest.raises(services.AccountError) as caught:
        services.register_account(
            kind="enterprise",
            email="thu@example.vn",
            name="Thử",
            password="mat-khau-rat-manh-2026",
            org=details,
        )
    assert caught.value.field == "tax_code"


def _profile(code: str, size_band: str = "small") -> dict:
    return {
        "org_name": "Công ty TNHH Gốm Chu Đậu",
        "tax_code": code,
        "commune_code": "10606",
        "industry": "manufacturing",
        "size_band": size_band,
        "phone": "0220 3700 111",
    }


def test_an_organisation_with_an_older_code_can_still_save_its_profile(client_for):
    org = factories.make_org("enterprise", tax_code="0801111222")  # wrong check digit
    user = factories.make_user("enterprise", org=org)
    c = client_for(user)
    assert c.post("/account/organization", data=_profile("0801111222")).status_code == 302
    # A new code must follow the rules.
    refused = c.post("/account/organization", data=_profile("0100233480"))
    assert refused.status_code == 400
    assert any("chữ số kiểm tra" in e for e in field_errors(refused, "tax_code"))


def test_every_demo_organisation_has_a_valid_code():
    codes = [spec.tax_code for spec in seed.demo_orgs()]
    codes += [org.tax_code for org in catalog_data.catalogue().organisations()]
    codes += [insights_seed.history_tax_code(i) for i in range(insights_seed.ORG_COUNT)]
    from stdnum.vn import mst

    assert [code for code in codes if not mst.is_valid(code)] == []
