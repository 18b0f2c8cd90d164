"""Notifications: the in-app notification centre and the e-mail outbox."""

from __future__ import annotations

import datetime as dt

import click
from flask import Blueprint, Flask
from flask.cli import AppGroup

bp = Blueprint("notifications", __name__, url_prefix="/notifications")

outbox_cli = AppGroup("outbox", help="Deliver the e-mail outbox.")


@outbox_cli.command("send")
@click.option("--limit", default=100, show_default=True, type=click.IntRange(min=1))
def send_command(limit: int) -> None:
    """Send queued e-mails, oldest first."""
    from marketplace.notifications import services

    sent, failed = services.send_outbox(limit=limit)
    click.echo(f"Sent {sent}, failed {failed}")


def send_outbox_task() -> str:
    """The scheduled retry of queued e-mails (core/jobs.py)."""
    from marketplace.notifications import services

    sent, failed = services.send_outbox(limit=100)
    return f"sent {sent}, failed {failed}" if sent or failed else ""


def outbox_figures() -> dict[str, int]:
    """Count the outbox's e-mails by status, for the metrics page."""
    from sqlalchemy import func, select

    from marketplace.extensions import db
    from marketplace.notifications.models import EmailOutbox

    rows = db.session.execute(
        select(EmailOutbox.status, func.count()).group_by(EmailOutbox.status)
    ).all()
    return {"queued": 0, "failed": 0, **dict(rows)}


def init_app(app: Flask) -> None:
    from marketplace.core import jobs, metrics, panels, user_reads
    from marketplace.notifications import (  # noqa: F401
        delivery,
        models,
        personal_data,
        receivers,
        services,
        views,
    )

    jobs.register(app, "outbox.send", every=dt.timedelta(minutes=1), func=send_outbox_task)
    metrics.add_gauge(
        app,
        "marketplace_outbox_emails",
        "E-mails in the outbox by status.",
        "status",
        outbox_figures,
    )

    receivers.connect()
    panels.contribute(app, panels.PERSONAL_DATA, "notifications", personal_data.export_section)
    from marketplace.notifications import console

    panels.contribute(app, panels.ADMIN_OVERVIEW, "notifications", console.overview_figures)
    delivery.init_app(app)

    app.register_blueprint(bp)
    app.context_processor(views.inject_unread_count)
    user_reads.contribute(app, "unread", services.unread_count_of, views.keep_unread)
    app.cli.add_command(outbox_cli)
