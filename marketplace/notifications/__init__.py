"""Notifications: the in-app notification centre and the e-mail outbox."""

from __future__ import annotations

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


def init_app(app: Flask) -> None:
    from marketplace.core import panels
    from marketplace.notifications import (  # noqa: F401
        delivery,
        models,
        personal_data,
        receivers,
        views,
    )

    receivers.connect()
    panels.contribute(app, panels.PERSONAL_DATA, "notifications", personal_data.export_section)
    delivery.init_app(app)

    app.register_blueprint(bp)
    app.context_processor(views.inject_unread_count)
    app.cli.add_command(outbox_cli)
