"""Page sections that other domains contribute, assembled by the page's view.

A page owned by one domain (the solution page, the moderation desk, the vendor's home, the
home page) shows parts that belong to others (the reviews, the buy buttons, the figures).
The owning view asks `collect(page, ...)` for them and hands the result to its template,
which only renders: no template calls a service, and no domain imports the views of
another to build its page. Each domain registers what it contributes in its `init_app`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
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
# The public /dashboard: area=<former-area code or None>; each contributor gives a `Section`
# (or None to show nothing), rendered after the dashboard's own figures in `order`.
DASHBOARD = "dashboard"
# The operator's console (/admin/): its side navigation (each gives a `NavItem`) and the
# overview's figures (each gives a list of `Figure`).
ADMIN_NAV = "admin_nav"
ADMIN_OVERVIEW = "admin_overview"


@dataclass(frozen=True)
class Section:
    """A block of a page rendered by `template` with `section` in its context."""

    template: str
    data: Any = None
    order: int = 100


@dataclass(frozen=True)
class NavItem:
    """A link in a console's navigation: `endpoint` (no arguments) under `label`."""

    label: str
    endpoint: str
    order: int = 100


@dataclass(frozen=True)
class Figure:
    """One number on an overview, with what it counts and where to act on it; `series`
    (oldest first, each a (label, number) pair) shows how it came to be, e.g. per week."""

    label: str
    value: int
    url: str | None = None
    order: int = 100
    series: tuple[tuple[str, int], ...] = ()


def contribute(app: Flask, page: str, name: str, provider: Callable[..., Any]) -> None:
    """Register `provider` as the source of the section `name` on `page` (at app creation)."""
    app.extensions.setdefault(EXTENSION_KEY, {}).setdefault(page, {})[name] = provider


def collect(page: str, **context: Any) -> dict[str, Any]:
    """Return every section contributed to `page`, by name, each built from `context`."""
    providers = current_app.extensions.get(EXTENSION_KEY, {}).get(page, {})
    return {name: provider(**context) for name, provider in providers.items()}


class LazySections(Mapping):
    """The sections of a page, each built when the template first reads it.

    For a page that keeps parts for everyone (core/fragments.py): a section only those
    parts show (a vendor's response time) costs nothing while they are kept.
    """

    def __init__(self, providers: dict[str, Callable[..., Any]], context: dict[str, Any]):
        self._providers = providers
        self._context = context
        self._built: dict[str, Any] = {}

    def __getitem__(self, name: str) -> Any:
        if name not in self._built:
            self._built[name] = self._providers[name](**self._context)
        return self._built[name]

    def __iter__(self):
        return iter(self._providers)

    def __len__(self) -> int:
        return len(self._providers)


def collect_lazily(page: str, **context: Any) -> LazySections:
    """Return the sections contributed to `page`, each built on first use (see `collect`)."""
    return LazySections(current_app.extensions.get(EXTENSION_KEY, {}).get(page, {}), context)


def ordered(page: str, **context: Any) -> list[Any]:
    """Return the contributions to `page` that are not None, by their `order` then name."""
    built = collect(page, **context)
    items = [(name, item) for name, item in built.items() if item is not None]
    flat: list[tuple[str, Any]] = []
    for name, item in items:
        if isinstance(item, list | tuple) and not isinstance(item, Section | NavItem | Figure):
            flat.extend((name, one) for one in item)
        else:
            flat.append((name, item))
    flat.sort(key=lambda pair: (getattr(pair[1], "order", 100), pair[0]))
    return [item for _, item in flat]
