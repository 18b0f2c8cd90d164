"""`flask billing remind`: expire unpaid transfer orders and remind vendors of missing
e-invoices (run it from cron; a jobs runner may call billing.tasks directly)."""

from __future__ import annotations

import click
from flask.cli import AppGroup

from marketplace.billing import renewals, tasks
from marketplace.core.database import utcnow
from marketplace.extensions import db

billing_cli = AppGroup("billing", help="Orders: expiry and e-invoice reminders.")


@billing_cli.command("remind")
def remind_command() -> None:
    """Expire orders past their payment date; remind vendors 3 days after payment without an
    e-invoice (once per order)."""
    now = utcnow()
    expired = tasks.expire_orders(now)
    reminded = tasks.remind_missing_invoices(now)
    db.session.commit()
    click.echo(f"expired {expired} order(s), reminded {reminded} missing e-invoice(s)")


def expire_task() -> str:
    """The scheduled expiry of unpaid transfer orders (core/jobs.py)."""
    expired = tasks.expire_orders(utcnow())
    return f"expired {expired}" if expired else ""


def remind_task() -> str:
    """The scheduled reminder of e-invoices still missing 3 days after payment (core/jobs.py)."""
    reminded = tasks.remind_missing_invoices(utcnow())
    return f"reminded {reminded}" if reminded else ""


@billing_cli.command("renew")
def renew_command() -> None:
    """Issue the renewal orders of transfer-paid plans ending within RENEWAL_NOTICE_DAYS
    (once per period; safe to run again)."""
    run = renewals.renew_due(utcnow())
    db.session.commit()
    click.echo(
        f"issued {run.created} renewal order(s); {run.skipped_off} turned off, "
        f"{run.not_renewable} buyer(s) told the plan cannot be renewed"
    )


def renew_task() -> str:
    """The daily renewal of plans paid by bank transfer (core/jobs.py)."""
    run = renewals.renew_due(utcnow())
    return f"issued {run.created} renewal order(s)" if run.created else ""
