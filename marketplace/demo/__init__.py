"""Demo data for development: `flask seed-demo`."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    from marketplace.demo.cli import seed_demo_command

    app.cli.add_command(seed_demo_command)
