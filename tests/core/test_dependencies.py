"""The dependency graph between domains (see "Dependencies between domains" in the README).

Every module under marketplace/ is parsed (not imported); each import of another domain must
be an allowed edge, must not reach into another domain's views, and must not use another
domain's private names (`queries._base`).
"""

from __future__ import annotations

import ast
from dataclasses import dataclass
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[2] / "marketplace"

# Modules of the root package every domain may use: settings and unbound extensions.
ROOT_MODULES = {"config", "extensions"}

# Which domains each domain may import (besides itself and the root modules). Lower layers
# never import higher ones; siblings talk through core.events and core.panels.
_BELOW_CATALOG = {"core", "accounts", "notifications"}
ALLOWED: dict[str, set[str]] = {
    "core": set(),
    "accounts": {"core"},
    "notifications": {"core", "accounts"},
    "catalog": _BELOW_CATALOG,
    "trials": _BELOW_CATALOG | {"catalog"},
    "billing": _BELOW_CATALOG | {"catalog", "trials"},
    # Quotes sit above billing: an accepted offer is placed as an order at its prices.
    "quotes": _BELOW_CATALOG | {"catalog", "trials", "billing"},
    "reviews": _BELOW_CATALOG | {"catalog", "trials", "billing"},
    "compare": {"core", "accounts", "catalog", "trials", "reviews"},
    "moderation": _BELOW_CATALOG | {"catalog", "reviews"},
    "insights": {"core", "accounts", "catalog", "trials", "billing", "reviews"},
    # The operator's console reads and corrects every domain's rows (people, organisations,
    # what they hold, merging them); nothing imports it.
    "admin": _BELOW_CATALOG | {"catalog", "trials", "billing", "reviews"},
    # The readiness self-assessment: recommendations through the catalogue's query, charts
    # and the small-cell rule of insights.
    "assessment": {"core", "accounts", "catalog", "insights"},
    # The support programme: rules over the catalogue's plans, applications on billing's
    # orders, the readiness check of the assessment and the dashboard's small-cell rule.
    "programme": {"core", "accounts", "catalog", "billing", "assessment", "insights"},
    "api": {
        "core",
        "accounts",
        "catalog",
        "compare",
        "reviews",
        "insights",
        "assessment",
        "programme",
        "needs",
    },
    # Needs sit above quotes: proposals priced with its VAT, awards placed as billing orders.
    "needs": _BELOW_CATALOG | {"catalog", "trials", "billing", "quotes", "reviews", "insights"},
    # The demo data seeds every domain, and nothing imports it.
    "demo": {
        "core",
        "accounts",
        "notifications",
        "catalog",
        "trials",
        "billing",
        "quotes",
        "reviews",
        "compare",
        "moderation",
        "insights",
        "assessment",
        "needs",
        "programme",
        "admin",
    },
    # The application factory is the composition root: it wires every domain.
    "": {
        "core",
        "accounts",
        "notifications",
        "catalog",
        "trials",
        "billing",
        "reviews",
        "compare",
        "moderation",
        "insights",
        "quotes",
        "needs",
        "api",
        "demo",
        "admin",
        "assessment",
        "programme",
    },
}
DOMAINS = set(ALLOWED) - {""}


@dataclass(frozen=True)
class Violation:
    module: str
    line: int
    target: str
    why: str

    def __str__(self) -> str:
        return f"{self.module}:{self.line} imports {self.target}: {self.why}"


def _domain_of(dotted: str) -> str | None:
    """Return the domain a `marketplace.…` module belongs to ("" for the root package)."""
    parts = dotted.split(".")
    if parts[0] != "marketplace":
        return None
    if len(parts) == 1 or parts[1] in ROOT_MODULES:
        return ""
    return parts[1]


def _is_view_module(dotted: str) -> bool:
    last = dotted.rsplit(".", 1)[-1]
    return last == "views" or last.endswith("_views")


def _runtime_nodes(tree: ast.AST):
    """Walk the tree but skip `if TYPE_CHECKING:` blocks: imports for annotations only."""
    stack = [tree]
    while stack:
        node = stack.pop()
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            stack.extend(node.orelse)
            continue
        yield node
        stack.extend(ast.iter_child_nodes(node))


def check_source(module: str, source: str) -> list[Violation]:
    """Return the imports of `module` (dotted name, e.g. marketplace.catalog.services) that
    break the graph."""
    home = _domain_of(module)
    allowed = ALLOWED.get(home or "", set())
    tree = ast.parse(source)
    found: list[Violation] = []
    # name bound in this module -> the other domain's module it stands for
    foreign_modules: dict[str, str] = {}

    def check(target: str, line: int, names: list[str] = ()) -> None:
        domain = _domain_of(target)
        if domain is None or domain == home:
            return
        if domain == "" and target.split(".")[-1] in ROOT_MODULES | {"marketplace"}:
            return
        if domain not in allowed:
            found.append(Violation(module, line, target, f"{home or 'marketplace'} → {domain}"))
            return
        if _is_view_module(target) and home != "":
            found.append(Violation(module, line, target, "another domain's views"))
        for name in names:
            if name.startswith("_"):
                found.append(Violation(module, line, f"{target}.{name}", "a private name"))

    for node in _runtime_nodes(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                check(alias.name, node.lineno)
                if alias.asname:
                    foreign_modules[alias.asname] = alias.name
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            if node.module == "marketplace":
                # `from marketplace import catalog`: a domain package (or PROJECT_ROOT).
                for alias in node.names:
                    if alias.name in DOMAINS:
                        check(f"marketplace.{alias.name}", node.lineno)
                continue
            check(node.module, node.lineno, [a.name for a in node.names])
            for alias in node.names:
                foreign_modules[alias.asname or alias.name] = f"{node.module}.{alias.name}"
                if _is_view_module(alias.name) and home not in ("", _domain_of(node.module)):
                    found.append(
                        Violation(module, node.lineno, f"{node.module}.{alias.name}", "views")
                    )
    # `queries._base()`: a private name reached through another domain's module.
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.Attribute)
            and isinstance(node.value, ast.Name)
            and node.attr.startswith("_")
            and not node.attr.startswith("__")
            and node.value.id in foreign_modules
        ):
            target = foreign_modules[node.value.id]
            domain = _domain_of(target)
            if domain not in (None, "", home):
                found.append(
                    Violation(module, node.lineno, f"{target}.{node.attr}", "a private name")
                )
    return found


def _modules():
    for path in sorted(PACKAGE.rglob("*.py")):
        relative = path.relative_to(PACKAGE.parent).with_suffix("")
        parts = list(relative.parts)
        if parts[-1] == "__init__":
            parts = parts[:-1]
        yield ".".join(parts), path


def test_every_domain_is_in_the_graph():
    packages = {p.name for p in PACKAGE.iterdir() if (p / "__init__.py").exists()}
    assert packages == DOMAINS


def test_no_module_breaks_the_dependency_graph():
    violations = []
    for module, path in _modules():
        violations += check_source(module, path.read_text(encoding="utf-8"))
    assert not violations, "\n".join(map(str, violations))


@pytest.mark.parametrize(
    ("module", "source", "why"),
    [
        # The lowest domain reaching up into the catalogue (what accounts used to do).
        (
            "marketplace.accounts.services",
            "from marketplace.catalog.services import resync_vendor\n",
            "accounts → catalog",
        ),
        # Core importing a domain.
        ("marketplace.core.views", "from marketplace.catalog import queries\n", "core → catalog"),
        ("marketplace.core.views", "import marketplace.accounts.services\n", "core → accounts"),
        ("marketplace.core", "from marketplace import accounts\n", "core → accounts"),
        # A sibling's counters called directly instead of through an event.
        (
            "marketplace.trials.services",
            "from marketplace.insights import services as insights\n",
            "trials → insights",
        ),
        # Another domain's views, even along an allowed edge.
        (
            "marketplace.compare.services",
            "from marketplace.catalog import public_views\n",
            "views",
        ),
        (
            "marketplace.moderation.services",
            "from marketplace.reviews.views import review_panel\n",
            "another domain's views",
        ),
        # Private names of another domain.
        (
            "marketplace.api.views",
            "from marketplace.catalog import queries\nqueries._base()\n",
            "a private name",
        ),
        (
            "marketplace.compare.services",
            "from marketplace.catalog.queries import _base\n",
            "a private name",
        ),
    ],
)
def test_the_checker_reports_a_forbidden_import(module, source, why):
    violations = check_source(module, source)
    assert violations, f"{source!r} in {module} should break the graph"
    assert why in str(violations[0])


def test_the_checker_accepts_allowed_imports():
    source = (
        "from marketplace.core import events\n"
        "from marketplace.extensions import db\n"
        "from marketplace.catalog import queries\n"
        "from marketplace.catalog.models import Solution\n"
        "from marketplace.compare import services\n"
        "services._private_helper()\n"  # its own domain's private names are fine
        "queries.solutions_with_vendor()\n"
    )
    assert check_source("marketplace.compare.views", source) == []
