"""Where the demo seed may write: never a production configuration, never real data.

The seed creates accounts with a published password (`admin@demo.vn` among them), so it
must not run against a production database by mistake. Demo data is recognised by what
the seed itself creates: organisations by their kind and tax code (every demo
organisation has a fictional one listed in the seed modules), users without an
organisation (staff) by the demo e-mail addresses. Anything else is somebody's data.
"""

from __future__ import annotations

import os

from flask import current_app
from sqlalchemy import select, tuple_

from marketplace.accounts.models import Organization, User
from marketplace.accounts.services import normalise_email
from marketplace.demo import catalog_data, console_seed, insights_seed, legacy, seed
from marketplace.extensions import db

# Variables a deployment may use to say it is production (Flask's old FLASK_ENV among them).
ENVIRONMENT_VARIABLES = ("ENV", "FLASK_ENV", "APP_ENV")
PRODUCTION_VALUES = {"production", "prod"}
# How many unknown records the refusal names.
SHOWN = 5


def demo_organization_keys() -> set[tuple[str, str]]:
    """Return the (kind, tax code) of every organisation the demo seed creates."""
    keys = {(spec.kind, spec.tax_code) for spec in seed.demo_orgs()}
    keys |= {(org.kind, org.tax_code) for org in catalog_data.catalogue().organisations()}
    keys |= {
        ("enterprise", insights_seed.history_tax_code(i)) for i in range(insights_seed.ORG_COUNT)
    }
    keys |= console_seed.demo_keys()
    # A database seeded before check digits holds the old codes: still demo data.
    keys |= {
        (kind, legacy.RENAMED_TAX_CODES[code])
        for kind, code in list(keys)
        if code in legacy.RENAMED_TAX_CODES
    }
    keys |= {("enterprise", legacy.old_history_tax_code(i)) for i in range(insights_seed.ORG_COUNT)}
    return keys


def demo_staff_emails() -> set[str]:
    """Return the e-mails of the demo users that belong to no organisation."""
    return {normalise_email(spec.email) for spec in seed.DEMO_USERS if not spec.org_tax_code}


def production_setting() -> str | None:
    """Return the setting that says this is production (e.g. "FLASK_ENV=production"), or None."""
    for name in ENVIRONMENT_VARIABLES:
        value = str(current_app.config.get(name) or os.environ.get(name) or "").strip()
        if value.lower() in PRODUCTION_VALUES:
            return f"{name}={value}"
    return None


def foreign_records() -> list[str]:
    """Describe (a few of) the organisations and staff users the demo seed did not create."""
    known = demo_organization_keys()
    orgs = db.session.execute(
        select(Organization.kind, Organization.tax_code, Organization.name)
        .where(tuple_(Organization.kind, Organization.tax_code).not_in(list(known)))
        .order_by(Organization.id)
        .limit(SHOWN)
    ).all()
    found = [
        f"organisation “{name}” ({kind}, tax code {tax_code})" for kind, tax_code, name in orgs
    ]
    staff = db.session.scalars(
        select(User.email)
        .where(User.organization_id.is_(None), User.email.not_in(sorted(demo_staff_emails())))
        .order_by(User.id)
        .limit(SHOWN)
    ).all()
    found += [f"user {email} (no organisation)" for email in staff]
    return found


def refusal() -> str | None:
    """Return why the demo seed must not run here, or None when it may."""
    setting = production_setting()
    if setting:
        return (
            f"Refusing to seed demo data: the configuration says production ({setting}). "
            "The demo accounts have a published password."
        )
    found = foreign_records()
    if found:
        return (
            "Refusing to seed demo data: the database holds data the demo seed did not "
            "create: " + "; ".join(found) + ". The demo accounts have a published password."
        )
    return None
