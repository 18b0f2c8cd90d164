"""Demo catalogue: read and check the data files in marketplace/demo/data/.

vendors.yaml and enterprises.yaml (organisations and their users), solutions.yaml (listings
in every state, in seeding order) and revisions.yaml (edits waiting for a moderator). Every
company, product and person in them is fictional. A file that cannot be seeded raises DemoDataError naming
the file, the item and the field, before anything is written.
"""

from __future__ import annotations

import dataclasses
import functools
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from marketplace.accounts.models import Role
from marketplace.core import vat
from marketplace.demo.seed import DemoOrg, DemoUser

DATA_DIR = Path(__file__).with_name("data")
VENDORS_FILE = "vendors.yaml"
ENTERPRISES_FILE = "enterprises.yaml"
SOLUTIONS_FILE = "solutions.yaml"
REVISIONS_FILE = "revisions.yaml"

SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
PERIODS = ("month", "year", "once")
DEPLOYMENTS = ("cloud", "on_premise", "hybrid")
STATUSES = ("draft", "pending", "published", "rejected", "suspended", "archived")
# Statuses a moderator gives with a reason the vendor reads.
WITH_REASON = ("rejected", "suspended")
MAX_TRIAL_DAYS = 90
YES_NO = ("yes", "no")
# Fields of a listing a revision may change.
REVISABLE = ("name", "tagline", "description", "website", "deployment", "plans")
_MISSING = object()


class DemoDataError(Exception):
    """A demo data file that cannot be seeded; the message names the file and the item."""


@dataclass(frozen=True)
class DemoOrganisation:
    key: str | None  # vendors only: how solutions.yaml names them
    org: DemoOrg
    users: tuple[DemoUser, ...]


@dataclass(frozen=True)
class Catalogue:
    directory: Path
    vendors: tuple[DemoOrganisation, ...]
    enterprises: tuple[DemoOrganisation, ...]
    # Dicts as the seed reads them: vendor_tax_code, slug, name, tagline, description,
    # category, deployment, website, features, extras [(label, value)], plans, status,
    # published_days_ago.
    solutions: tuple[dict[str, Any], ...]
    # {"slug": ..., "changes": {field: value, "plans": [...]}}
    revisions: tuple[dict[str, Any], ...]

    def organisations(self) -> list[DemoOrg]:
        """Return every demo organisation of the data files."""
        return [o.org for o in self.vendors + self.enterprises]

    def organisation(self, kind: str, tax_code: str) -> DemoOrg:
        """Return the demo organisation of this kind and tax code (KeyError if none)."""
        for org in self.organisations():
            if org.kind == kind and org.tax_code == tax_code:
                return org
        raise KeyError(f"no demo {kind} with tax code {tax_code} in {self.directory}")


class _Item:
    """Checks the fields of one item of a data file; errors name the file and the item."""

    def __init__(self, path: Path, label: str, data: Any):
        self.path = path
        self.label = label
        if not isinstance(data, dict):
            self.fail(f"must be a mapping of fields, got {_shown(data)}")
        self.data = data

    def fail(self, message: str) -> None:
        raise DemoDataError(f"{self.path}: {self.label}: {message}")

    def only(self, allowed: tuple[str, ...] | list[str], where: str = "") -> None:
        unknown = sorted(set(self.data) - set(allowed))
        if unknown:
            self.fail(
                f"unknown field{'s' if len(unknown) > 1 else ''} {', '.join(unknown)}{where} "
                f"(allowed: {', '.join(allowed)})"
            )

    def get(self, key: str, kind: str, *, default: Any = _MISSING, nullable: bool = False) -> Any:
        """Return the field `key` checked to be of `kind` (text, int, bool, list, map)."""
        value = self.data.get(key, _MISSING)
        if value is _MISSING:
            if default is _MISSING:
                self.fail(f"missing field “{key}”")
            return default
        if value is None and (default is None or nullable):
            return None
        expected = {"text": str, "int": int, "bool": bool, "list": list, "map": dict}[kind]
        if not isinstance(value, expected) or (kind == "int" and isinstance(value, bool)):
            hint = " (put quotes around numbers such as tax codes)" if kind == "text" else ""
            self.fail(f"“{key}” must be {_KIND_NAMES[kind]}{hint}, got {_shown(value)}")
        return value

    def text(
        self,
        key: str,
        *,
        default: Any = _MISSING,
        nullable: bool = False,
        max_length: int | None = None,
    ) -> Any:
        value = self.get(key, "text", default=default, nullable=nullable)
        if isinstance(value, str) and default is _MISSING and not value.strip():
            self.fail(f"“{key}” must not be empty")
        if isinstance(value, str) and max_length and len(value) > max_length:
            self.fail(f"“{key}” is longer than {max_length} characters ({len(value)})")
        return value

    def choice(self, key: str, choices: tuple[str, ...]) -> str:
        value = self.get(key, "text")
        if value not in choices:
            self.fail(f"“{key}” must be one of {', '.join(choices)}, got {_shown(value)}")
        return value

    def number(self, key: str, low: int, high: int | None = None, *, default: Any = _MISSING):
        value = self.get(key, "int", default=default)
        if isinstance(value, int) and (value < low or (high is not None and value > high)):
            bounds = f"between {low} and {high}" if high is not None else f"at least {low}"
            self.fail(f"“{key}” must be a whole number {bounds}, got {value}")
        return value


_KIND_NAMES = {
    "text": "text",
    "int": "a whole number",
    "bool": "true or false",
    "list": "a list",
    "map": "a mapping",
}


def _shown(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "…"


def _read(path: Path) -> list[Any]:
    """Return the list of items a data file holds."""
    try:
        with path.open(encoding="utf-8") as stream:
            data = yaml.load(stream, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))  # noqa: S506 - a safe loader
    except FileNotFoundError:
        raise DemoDataError(f"{path}: file not found") from None
    except yaml.YAMLError as error:
        raise DemoDataError(f"{path}: not valid YAML: {error}") from None
    if data is None:
        return []
    if not isinstance(data, list):
        raise DemoDataError(f"{path}: must hold a list of items, got {type(data).__name__}")
    return data


def _org_fields() -> dict[str, dataclasses.Field]:
    return {f.name: f for f in dataclasses.fields(DemoOrg) if f.name != "kind"}


def _organisation(path: Path, n: int, data: Any, kind: str) -> DemoOrganisation:
    item = _Item(path, f"{kind} {n}", data)
    key = None
    if kind == "vendor":
        key = item.text("key")
        item.label = f"vendor {n} (“{key}”)"
        item.only(("key", "organisation", "users"))
    else:
        item.only(("organisation", "users"))
    org = _Item(path, item.label, item.get("organisation", "map"))
    fields = _org_fields()
    org.only(list(fields), " in “organisation”")
    values: dict[str, Any] = {}
    for name, field in fields.items():
        required = (
            field.default is dataclasses.MISSING and field.default_factory is dataclasses.MISSING
        )
        optional = "None" in str(field.type)
        default = _MISSING if required else (None if optional else field.default)
        if str(field.type) == "bool":
            value = org.get(name, "bool", default=default)
        else:
            value = org.text(name, default=default, nullable=optional)
        if value is not _MISSING:
            values[name] = value
    users = []
    for u, user_data in enumerate(item.get("users", "list", default=[]), start=1):
        user = _Item(path, f"{item.label}, user {u}", user_data)
        user.only(("email", "name"))
        role = Role.VENDOR if kind == "vendor" else Role.ENTERPRISE
        users.append(DemoUser(user.text("email"), user.text("name"), role))
    return DemoOrganisation(key=key, org=DemoOrg(kind=kind, **values), users=tuple(users))


def _plans(item: _Item, key: str = "plans") -> list[dict[str, Any]]:
    plans = []
    for p, data in enumerate(item.get(key, "list"), start=1):
        plan = _Item(item.path, f"{item.label}, plan {p}", data)
        plan.only(
            ("name", "price_vnd", "period", "trial_days", "limits", "vat", "price_includes_vat")
        )
        plans.append(
            {
                "name": plan.text("name", max_length=80),
                "price_vnd": plan.number("price_vnd", 0),
                "period": plan.choice("period", PERIODS),
                "trial_days": plan.number("trial_days", 0, MAX_TRIAL_DAYS, default=0),
                "limits": plan.text("limits", default="", max_length=500),
                # VAT (core/vat.py): "exempt" (software, the default) or a rate as text.
                "vat_treatment": plan.choice("vat", vat.TREATMENTS)
                if "vat" in plan.data
                else "exempt",
                "price_includes_vat": plan.get("price_includes_vat", "bool", default=True),
            }
        )
    names = [plan["name"] for plan in plans]
    if len(set(names)) != len(names):
        item.fail("two plans have the same name (revisions match plans by name)")
    return plans


SOLUTION_FIELDS = (
    "vendor",
    "slug",
    "name",
    "tagline",
    "description",
    "category",
    "deployment",
    "website",
    "features",
    "extras",
    "plans",
    "status",
    "status_reason",
    "published_days_ago",
)


def _solution(path: Path, n: int, data: Any, vendors: dict[str, str]) -> dict[str, Any]:
    item = _Item(path, f"solution {n}", data)
    slug = item.text("slug", max_length=100)
    item.label = f"solution {n} (“{slug}”)"
    if not SLUG.match(slug):
        item.fail(f"“slug” must be lower-case letters, digits and hyphens, got {_shown(slug)}")
    item.only(SOLUTION_FIELDS)
    vendor = item.text("vendor")
    if vendor not in vendors:
        item.fail(f"“vendor” {_shown(vendor)} is not a key of {VENDORS_FILE}")
    features = item.get("features", "map", default={})
    for key, value in features.items():
        if not isinstance(key, str) or not isinstance(value, str):
            item.fail(f"feature {_shown(key)} must be text: text, got {_shown(value)}")
    status = item.choice("status", STATUSES)
    reason = item.text("status_reason", default=None)
    if status in WITH_REASON and not (reason or "").strip():
        item.fail(f"a {status} solution needs a “status_reason” (the moderator's reason)")
    if status not in WITH_REASON and reason is not None:
        item.fail(f"“status_reason” is only for {' or '.join(WITH_REASON)} solutions")
    extras = []
    for e, extra_data in enumerate(item.get("extras", "list", default=[]), start=1):
        extra = _Item(path, f"{item.label}, extra {e}", extra_data)
        extra.only(("label", "value"))
        extras.append((extra.text("label", max_length=120), extra.text("value", max_length=200)))
    return {
        "vendor_tax_code": vendors[vendor],
        "slug": slug,
        "name": item.text("name", max_length=120),
        "tagline": item.text("tagline", default="", max_length=200),
        "description": item.text("description", default=""),
        "category": item.text("category"),
        "deployment": item.choice("deployment", DEPLOYMENTS),
        "website": item.text("website", default=None),
        "features": dict(features),
        "extras": extras,
        "plans": _plans(item),
        "status": status,
        "status_reason": reason,
        "published_days_ago": item.number("published_days_ago", 0, default=None),
    }


def _revision(path: Path, n: int, data: Any, slugs: set[str]) -> dict[str, Any]:
    item = _Item(path, f"revision {n}", data)
    slug = item.text("slug")
    item.label = f"revision {n} (“{slug}”)"
    item.only(("slug", "changes"))
    if slug not in slugs:
        item.fail(f"“slug” {_shown(slug)} is not a solution of {SOLUTIONS_FILE}")
    changes = _Item(path, f"{item.label}, changes", item.get("changes", "map"))
    changes.only(REVISABLE)
    values: dict[str, Any] = {}
    for key in changes.data:
        if key == "plans":
            values[key] = _plans(changes)
        elif key == "deployment":
            values[key] = changes.choice(key, DEPLOYMENTS)
        else:
            values[key] = changes.text(key, default=None if key == "website" else _MISSING)
    return {"slug": slug, "changes": values}


def _unique(path: Path, what: str, values: list[str]) -> None:
    seen: set[str] = set()
    for value in values:
        if value in seen:
            raise DemoDataError(f"{path}: two items have the same {what} {_shown(value)}")
        seen.add(value)


def load_catalogue(directory: Path) -> Catalogue:
    """Read and check the catalogue's data files in `directory`."""
    path = directory / VENDORS_FILE
    vendors = [
        _organisation(path, n, data, "vendor") for n, data in enumerate(_read(path), start=1)
    ]
    _unique(path, "key", [v.key for v in vendors])
    _unique(path, "tax code", [v.org.tax_code for v in vendors])
    tax_codes = {v.key: v.org.tax_code for v in vendors}
    path = directory / ENTERPRISES_FILE
    enterprises = [
        _organisation(path, n, data, "enterprise") for n, data in enumerate(_read(path), start=1)
    ]
    _unique(path, "tax code", [e.org.tax_code for e in enterprises])
    everyone = [u.email.lower() for o in vendors + enterprises for u in o.users]
    _unique(directory / "*.yaml", "user e-mail", everyone)

    path = directory / SOLUTIONS_FILE
    solutions = [_solution(path, n, data, tax_codes) for n, data in enumerate(_read(path), start=1)]
    _unique(path, "slug", [s["slug"] for s in solutions])

    path = directory / REVISIONS_FILE
    slugs = {s["slug"] for s in solutions}
    revisions = [_revision(path, n, data, slugs) for n, data in enumerate(_read(path), start=1)]
    _unique(path, "slug", [r["slug"] for r in revisions])
    return Catalogue(
        directory=directory,
        vendors=tuple(vendors),
        enterprises=tuple(enterprises),
        solutions=tuple(solutions),
        revisions=tuple(revisions),
    )


def check_vocabulary(catalogue: Catalogue, vocabulary: dict[str, dict[str, str]]) -> None:
    """Check categories and features against `vocabulary` (category slug → key → kind)."""
    path = catalogue.directory / SOLUTIONS_FILE
    for n, solution in enumerate(catalogue.solutions, start=1):
        where = f"{path}: solution {n} (“{solution['slug']}”)"
        features = vocabulary.get(solution["category"])
        if features is None:
            raise DemoDataError(f"{where}: unknown category “{solution['category']}”")
        for key, value in solution["features"].items():
            if key not in features:
                raise DemoDataError(
                    f"{where}: feature “{key}” is not in the vocabulary of category "
                    f"“{solution['category']}” (known: {', '.join(features)})"
                )
            if features[key] == "bool" and value not in YES_NO:
                raise DemoDataError(
                    f"{where}: yes/no feature “{key}” must be “yes” or “no”, got {_shown(value)}"
                )


@functools.cache
def catalogue() -> Catalogue:
    """Return the demo catalogue of the package's data files (read once per process)."""
    return load_catalogue(DATA_DIR)
