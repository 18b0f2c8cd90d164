"""`flask needs tick`: close as expired the needs nobody can still award."""

from __future__ import annotations

import click
from flask.cli import AppGroup

from marketplace.extensions import db
from marketplace.needs import services

needs_cli = AppGroup("needs", help="The needs board.")


@needs_cli.command("tick")
def tick() -> None:
    """Close as expired the open needs past their deadline that nobody can still award."""
    count = services.expire_needs()
    db.session.commit()
    click.echo(f"expired: {count}")
