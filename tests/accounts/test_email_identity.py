"""One account per e-mail address, whatever Unicode variant of it is typed."""

from __future__ import annotations

import pytest
from flask_migrate import downgrade, upgrade
from sqlalchemy import func, select, text

from marketplace.accounts.models import User
from marketplace.accounts.services import normalise_email
from marketplace.extensions import db
from tests import factories
from tests.accounts.test_registration import field_errors, valid_form
from tests.core.test_migrations import _fresh_app


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("enterprise@demo.vn", "enterprise@demo.vn"),
        (" Enterprise@Demo.VN ", "enterprise@demo.vn"),
        ("enterprise@ｄｅｍｏ.ｖｎ", "enterprise@demo.vn"),  # full-width letters
        ("ＥＮＴＥＲＰＲＩＳＥ@demo.vn", "enterprise@demo.vn"),
        ("an@Hà-Nội.VN", "an@xn--h-ni-0na4517b.vn"),  # internationalised domain: IDNA
        ("an@ha\u0300-no\u0323\u0302i.vn", "an@xn--h-ni-0na4517b.vn"),  # decomposed marks
        ("nguyễn@demo.vn", "nguyễn@demo.vn"),
        ("not an address", "not an address"),
    ],
)
def test_e_mail_addresses_have_one_normalised_form(app, typed, stored):
    assert normalise_email(typed) == stored


def test_a_full_width_variant_cannot_register_beside_the_real_account(client):
    factories.make_user("enterprise", email="enterprise@demo.vn")
    response = client.post("/auth/register", data=valid_form(email="enterprise@ｄｅｍｏ.ｖｎ"))
    assert response.status_code == 400
    assert "E-mail này đã được dùng cho một tài khoản khác." in field_errors(response, "email")
    assert 'value="enterprise@ｄｅｍｏ.ｖｎ"' in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count(User.id))) == 1


def test_signing_in_with_a_variant_finds_the_same_account(client):
    user = factories.make_user("enterprise", email="enterprise@demo.vn")
    response = client.post(
        "/auth/login", data={"email": "ENTERPRISE@ｄｅｍｏ.ｖｎ", "password": factories.PASSWORD}
    )
    assert response.status_code == 302
    with client.session_transaction() as sess:
        assert sess["_user_id"].startswith(f"{user.id}:")


def test_an_internationalised_domain_is_stored_in_idna_form(client):
    response = client.post("/auth/register", data=valid_form(email="An@Hà-Nội.vn"))
    assert response.status_code == 302
    assert db.session.scalar(select(User.email)) == "an@xn--h-ni-0na4517b.vn"
    client.post("/auth/logout")
    again = client.post(
        "/auth/login", data={"email": "an@hà-nội.vn", "password": "mat-khau-rat-manh-2026"}
    )
    assert again.status_code == 302


def test_the_migration_normalises_stored_addresses_and_downgrade_restores_them(tmp_path):
    app = _fresh_app(tmp_path)
    rows = {
        1: "enterprise@demo.vn",  # already normal
        2: "enterprise@ｄｅｍｏ.ｖｎ",  # a variant registered beside it: left for review
        3: "an@hà-nội.vn",
        4: "ｂｉｎｈ@example.vn",
    }
    with app.app_context():
        upgrade(revision="0011_review_order_index")
        with db.engine.begin() as conn:
            conn.execute(
                text(
                    "INSERT INTO organizations (id, kind, name, tax_code, created_at, active) "
                    "VALUES (1, 'enterprise', 'Công ty Thử', '0100000001', CURRENT_TIMESTAMP, "
                    "TRUE)"
                )
            )
            for user_id, email in rows.items():
                conn.execute(
                    text(
                        "INSERT INTO users (id, email, name, password_hash, role, "
                        "organization_id, locale, active, session_version, created_at) VALUES "
                        "(:id, :email, 'A', 'x', 'enterprise', 1, 'vi', TRUE, 1, "
                        "CURRENT_TIMESTAMP)"
                    ),
                    {"id": user_id, "email": email},
                )
        upgrade(revision="0014_email_normalised")
        with db.engine.connect() as conn:
            stored = dict(conn.execute(text("SELECT id, email FROM users")).all())
        assert stored == {
            1: "enterprise@demo.vn",
            2: "enterprise@ｄｅｍｏ.ｖｎ",
            3: "an@xn--h-ni-0na4517b.vn",
            4: "binh@example.vn",
        }
        downgrade(revision="0011_review_order_index")
        with db.engine.connect() as conn:
            assert dict(conn.execute(text("SELECT id, email FROM users")).all()) == rows
        db.engine.dispose()
