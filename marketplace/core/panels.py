"""Page sections that other domains contribute, assembled by the page's view.

A page owned by one domain (the solution page, the moderation desk, the vendor's home, the
home page) shows parts that belong to others (the reviews, the buy buttons, the figures).
The owning view asks `collect(page, ...)` for them and hands the result to its template,
which only renders: no template calls a service, and no domain imports the views of
another to build its page. Each domain registers what it contributes in its `init_app`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import Flask, current_app

EXTENSION_KEY = "marketplace.panels"

# The pages that take contributions, and what each contributor is given.
SOLUTION = "solution"  # solution=<Solution>, the public solution page
MODERATION_DESK = "moderation_desk"  # no argument, the moderators' queues page
VENDOR_HOME = "vendor_home"  # organization=<Organization>, the vendor workspace's home
HOME = "home"  # no argument, the public home page
# Not a page but the same need: the sections of a person's data export (`/account/export`),
# each domain giving what it holds about `user=<User>` as JSON-ready data.
PERSONAL_DATA = "personal_data"
VENDOR_PROFILE = "vendor_profile"  # organization=<Organization>, the public /vendors/<slug>


def contribute(app: Flask, page: str, name: str, provider: Callable[..., Any]) -> None:
    """Register `provider` as the source of the section `name` on `page` (at app creation)."""
    app.extensions.setdefault(EXTENSION_KEY, {}).setdefault(page, {})[name] = provider


def collect(page: str, **context: Any) -> dict[str, Any]:
    """Return every section contributed to `page`, by name, each built from `context`."""
    providers = current_app.extensions.get(EXTENSION_KEY, {}).get(page, {})
    return {name: provider(**context) for name, provider in providers.items()}
