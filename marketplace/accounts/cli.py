"""`flask users …`: manage staff accounts from the command line."""

from __future__ import annotations

import click
from flask.cli import with_appcontext

from marketplace.accounts import services
from marketplace.extensions import db


@click.group()
def users() -> None:
    """Manage user accounts."""


@users.command("create")
@click.option("--role", type=click.Choice(["moderator", "admin"]), required=True)
@click.option("--email", required=True)
@click.option("--name", required=True)
@click.password_option(prompt="Password")
@with_appcontext
def create(role: str, email: str, name: str, password: str) -> None:
    """Create a moderator or administrator account."""
    try:
        user = services.create_staff_user(role=role, email=email, name=name, password=password)
    except services.AccountError as err:
        db.session.rollback()
        raise click.ClickException(err.message) from err
    db.session.commit()
    click.echo(f"Created {user.role} {user.email} (id {user.id}).")
