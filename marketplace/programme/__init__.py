"""The SME support programme: rules as data, price after support, applications, budget."""

from __future__ import annotations

from flask import Blueprint, Flask

bp = Blueprint("programme", __name__)


def init_app(app: Flask) -> None:
    from marketplace.programme import models  # noqa: F401
