"""`flask seed-demo`."""

from __future__ import annotations

import click
from flask.cli import with_appcontext

from marketplace.accounts.models import User
from marketplace.accounts.services import hash_password
from marketplace.demo import seed
from marketplace.demo.catalog_seed import seed_catalog
from marketplace.demo.insights_seed import seed_insights
from marketplace.demo.reviews_seed import seed_reviews
from marketplace.demo.trials_seed import seed_trials
from marketplace.extensions import db


def seed_demo() -> list[User]:
    """Seed every domain's demo data; each step skips what already exists."""
    password_hash = hash_password(seed.DEMO_PASSWORD)
    users = seed.seed_accounts(password_hash)
    seed_catalog(password_hash)
    seed_trials(password_hash)
    seed_reviews(password_hash)
    seed_insights(password_hash)  # last: it derives counters from the other seeds' records
    return users


@click.command("seed-demo")
@click.option("--if-empty", is_flag=True, help="Seed only when the database has no users yet.")
@with_appcontext
def seed_demo_command(if_empty: bool) -> None:
    """Create the demo data (idempotent) and print the demo accounts."""
    if if_empty and not seed.database_is_empty():
        click.echo("Database already has data; demo seed skipped.")
    else:
        seed_demo()
        db.session.commit()
    click.echo(f"Demo accounts (password: {seed.DEMO_PASSWORD}):")
    for spec in seed.DEMO_USERS:
        click.echo(f"  {spec.role:<11} {spec.email}")
