"""`flask seed-demo`."""

from __future__ import annotations

import click
from flask.cli import with_appcontext
from sqlalchemy import select

from marketplace.accounts.models import User
from marketplace.accounts.services import hash_password
from marketplace.catalog.models import RevisionStatus, Solution, SolutionRevision, SolutionStatus
from marketplace.core.database import utcnow
from marketplace.demo import catalog_data, guard, seed
from marketplace.demo.assessment_seed import seed_assessments
from marketplace.demo.billing_seed import seed_billing
from marketplace.demo.catalog_seed import seed_catalog
from marketplace.demo.console_seed import seed_console
from marketplace.demo.images_seed import seed_vendor_logos
from marketplace.demo.insights_seed import seed_insights
from marketplace.demo.needs_seed import seed_needs
from marketplace.demo.programme_seed import seed_programme
from marketplace.demo.quotes_seed import seed_quote_orders, seed_quotes
from marketplace.demo.renewals_seed import seed_renewals
from marketplace.demo.reviews_seed import seed_reviews
from marketplace.demo.settings_seed import seed_settings
from marketplace.demo.trials_seed import seed_trials
from marketplace.extensions import db
from marketplace.notifications.models import Notification


def seed_demo() -> list[User]:
    """Seed every domain's demo data; each step skips what already exists."""
    started = utcnow()
    password_hash = hash_password(seed.DEMO_PASSWORD)
    users = seed.seed_accounts(password_hash)
    seed.seed_teams(password_hash)
    seed_catalog(password_hash, images=True)
    seed_trials(password_hash)
    seed_quotes(password_hash)
    seed_vendor_logos()  # the vendors' public pages are written with the quotes
    seed_reviews(password_hash)
    seed_billing()
    seed_quote_orders()  # after the bank accounts: accepting an offer places an order
    seed_console(password_hash)
    seed_settings()
    seed_assessments()
    seed_programme()
    seed_needs()
    seed_renewals()  # transfer-paid plans: one with its renewal order waiting
    seed_insights(password_hash)  # last: it derives counters from the other seeds' records
    settle_notifications(since=started)
    return users


def settle_notifications(*, since) -> int:
    """Mark read what this seed run notified about its own made-up history.

    The seeded submissions, approvals and decisions happened "in the past": their notices
    would greet every demo user with dozens of unread items. Only the moderators' notices
    of listings that still wait in the queue stay unread. Notices from before this run
    (a demo database in use) are never touched. Returns how many were marked read.
    """
    waiting = set(
        db.session.scalars(select(Solution.name).where(Solution.status == SolutionStatus.PENDING))
    )
    waiting |= set(
        db.session.scalars(
            select(Solution.name)
            .join(SolutionRevision, SolutionRevision.solution_id == Solution.id)
            .where(SolutionRevision.status == RevisionStatus.PENDING)
        )
    )
    fresh = db.session.scalars(
        select(Notification).where(Notification.created_at >= since, Notification.read_at.is_(None))
    ).all()
    settled = 0
    now = utcnow()
    for notice in fresh:
        if notice.kind == "moderation.queue" and any(notice.title.endswith(n) for n in waiting):
            continue
        notice.read_at = now
        settled += 1
    return settled


@click.command("seed-demo")
@click.option("--if-empty", is_flag=True, help="Seed only when the database has no users yet.")
@click.option(
    "--force",
    is_flag=True,
    help="Seed even in a production configuration or beside data the seed did not create.",
)
@click.option(
    "--skip-refused",
    is_flag=True,
    help="When the seed refuses, say why and leave the data as it is (exit status 0).",
)
@with_appcontext
def seed_demo_command(if_empty: bool, force: bool, skip_refused: bool) -> None:
    """Create the demo data (idempotent) and print the demo accounts.

    Refuses (exit status 1) when the configuration says production or the database holds
    organisations or staff the demo seed did not create, unless --force is given;
    with --skip-refused (what `make run` uses) it says why and leaves the data alone.
    """
    if if_empty and not seed.database_is_empty():
        click.echo("Database already has data; demo seed skipped.")
    else:
        try:
            catalog_data.catalogue()  # a broken data file stops the seed before any write
        except catalog_data.DemoDataError as error:
            raise click.ClickException(f"Demo data file is broken: {error}") from None
        reason = None if force else guard.refusal()
        if reason and skip_refused:
            click.echo(reason + " Demo data left as it is (--force seeds anyway).")
        elif reason:
            raise click.ClickException(reason + " Run with --force to seed anyway.")
        else:
            try:
                seed_demo()
            except catalog_data.DemoDataError as error:
                db.session.rollback()
                raise click.ClickException(f"Demo data file is broken: {error}") from None
            db.session.commit()
    click.echo(f"Demo accounts (password: {seed.DEMO_PASSWORD}):")
    for spec in seed.DEMO_USERS:
        team_role = f" ({spec.org_role})" if spec.org_tax_code else ""
        click.echo(f"  {spec.role:<11} {spec.email}{team_role}")
