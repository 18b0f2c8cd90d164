"""`flask quotes tick`: expire the offers whose validity has passed."""

from __future__ import annotations

import click
from flask.cli import AppGroup

from marketplace.extensions import db
from marketplace.quotes import services

quotes_cli = AppGroup("quotes", help="Quote requests and offers.")


@quotes_cli.command("tick")
def tick() -> None:
    """Expire the offers whose last valid day has passed."""
    count = services.expire_offers()
    db.session.commit()
    click.echo(f"expired: {count}")


def expire_task() -> str:
    """The scheduled expiry of offers past their last valid day (core/jobs.py)."""
    count = services.expire_offers()
    return f"expired {count}" if count else ""
