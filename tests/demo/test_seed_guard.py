"""`flask seed-demo` writes its published-password accounts only where they belong."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from marketplace.accounts.models import Organization, User
from marketplace.demo import guard
from marketplace.extensions import db
from tests import factories


def _users() -> int:
    return db.session.scalar(select(func.count(User.id)))


def _admin_exists() -> bool:
    return db.session.scalar(select(User.id).where(User.email == "admin@demo.vn")) is not None


@pytest.fixture(autouse=True)
def _no_environment(monkeypatch):
    for name in guard.ENVIRONMENT_VARIABLES:
        monkeypatch.delenv(name, raising=False)


def test_seeds_an_empty_database_and_again_its_own_data(app):
    runner = app.test_cli_runner()
    first = runner.invoke(args=["seed-demo"])
    assert first.exit_code == 0, first.output
    assert "admin@demo.vn" in first.output and _admin_exists()
    # Everything the seed created is recognised as demo data: a second run is allowed.
    assert guard.foreign_records() == []
    users = _users()
    again = runner.invoke(args=["seed-demo"])
    assert again.exit_code == 0, again.output
    assert _users() == users


@pytest.mark.parametrize("name", guard.ENVIRONMENT_VARIABLES)
@pytest.mark.parametrize("value", ["production", "Production", "prod"])
def test_refuses_in_a_production_configuration(app, monkeypatch, name, value):
    monkeypatch.setenv(name, value)
    result = app.test_cli_runner().invoke(args=["seed-demo"])
    assert result.exit_code == 1
    assert f"production ({name}={value})" in result.output and "--force" in result.output
    assert _users() == 0


def test_refuses_when_the_production_flag_is_in_the_configuration(app):
    app.config["ENV"] = "production"
    result = app.test_cli_runner().invoke(args=["seed-demo"])
    assert result.exit_code == 1 and "ENV=production" in result.output
    assert _users() == 0


def test_development_values_do_not_refuse(app, monkeypatch):
    monkeypatch.setenv("FLASK_ENV", "development")
    assert guard.refusal() is None


def test_refuses_beside_an_organisation_it_did_not_create(app):
    factories.make_user("enterprise", org=factories.make_org(name="Công ty Thật Sự"))
    before = _users()
    result = app.test_cli_runner().invoke(args=["seed-demo"])
    assert result.exit_code == 1
    assert "Công ty Thật Sự" in result.output and "--force" in result.output
    assert _users() == before and not _admin_exists()


def test_refuses_beside_staff_it_did_not_create(app):
    factories.make_user("admin", email="quantri@tinh.gov.vn")
    result = app.test_cli_runner().invoke(args=["seed-demo"])
    assert result.exit_code == 1 and "quantri@tinh.gov.vn" in result.output
    assert not _admin_exists()


def test_a_demo_tax_code_on_another_kind_is_not_demo(app):
    """The demo vendor's tax code on an enterprise is somebody else's organisation."""
    factories.make_org("enterprise", tax_code="0109876532")
    assert guard.foreign_records() != []


def test_force_seeds_anyway_and_leaves_the_other_data_alone(app, monkeypatch):
    monkeypatch.setenv("FLASK_ENV", "production")
    org = factories.make_org(name="Công ty Thật Sự")
    result = app.test_cli_runner().invoke(args=["seed-demo", "--force"])
    assert result.exit_code == 0, result.output
    assert _admin_exists()
    db.session.expire_all()
    assert db.session.get(Organization, org.id).name == "Công ty Thật Sự"


def test_skip_refused_says_why_and_leaves_the_data_alone(app):
    """`make run` passes --skip-refused: a developer's own organisation never stops the server."""
    factories.make_org(name="Công ty Của Tôi")
    result = app.test_cli_runner().invoke(args=["seed-demo", "--skip-refused"])
    assert result.exit_code == 0, result.output
    assert "Demo data left as it is" in result.output
    assert not _admin_exists()


def test_a_database_seeded_with_the_old_tax_codes_moves_to_the_valid_ones(app):
    """Demo codes gained their check digit: an older demo database is still demo data,
    and seeding it again renames its organisations instead of adding new ones."""
    from sqlalchemy import update
    from stdnum.vn import mst

    from marketplace.demo import insights_seed, legacy

    runner = app.test_cli_runner()
    assert runner.invoke(args=["seed-demo"]).exit_code == 0
    orgs, users = db.session.scalar(select(func.count(Organization.id))), _users()
    old_codes = dict(legacy.RENAMED_TAX_CODES)
    old_codes |= {
        insights_seed.history_tax_code(i): legacy.old_history_tax_code(i)
        for i in range(insights_seed.ORG_COUNT)
    }
    for new, old in old_codes.items():
        db.session.execute(
            update(Organization).where(Organization.tax_code == new).values(tax_code=old)
        )
    db.session.commit()
    assert guard.foreign_records() == []

    again = runner.invoke(args=["seed-demo"])
    assert again.exit_code == 0, again.output
    db.session.expire_all()
    assert db.session.scalar(select(func.count(Organization.id))) == orgs
    assert _users() == users
    codes = db.session.scalars(select(Organization.tax_code)).all()
    assert [code for code in codes if not mst.is_valid(code)] == []
