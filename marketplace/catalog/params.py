"""The public catalogue's parameters: what may be asked (filters, sorts, pages) and how the
query string is read.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from marketplace.core.params import parse_int

SORTS = ("relevance", "rating", "reviews", "newest", "price_asc", "price_desc")
DEPLOYMENTS = ("cloud", "on_premise", "hybrid")
PRICE_BUCKETS = (0, 500_000, 2_000_000, 10_000_000)
RATING_BUCKETS = (4, 3, 2)
MAX_PER_PAGE = 100
MAX_PAGE = 10_000
MAX_QUERY = 200


@dataclass
class CatalogParams:
    q: str = ""
    category: str = ""
    deployment: str = ""
    has_trial: bool = False
    min_rating: int | None = None
    max_price: int | None = None
    verified: bool = False
    sort: str = ""
    page: int = 1
    per_page: int = 20
    errors: dict[str, str] = field(default_factory=dict)
    # Resolved from `category` by run_catalog: the category and its children.
    category_ids: list[int] | None = None

    @property
    def effective_sort(self) -> str:
        if self.sort in SORTS and (self.sort != "relevance" or self.q):
            return self.sort
        return "relevance" if self.q else "rating"

    def to_args(self, **changes: Any) -> dict[str, Any]:
        """Return the query-string arguments of this state (with `changes`), for links."""
        # The fields as a dict, not a `replace`d copy: a results page asks this for some
        # thirty links.
        state = self.__dict__
        if changes:
            unknown = changes.keys() - state.keys()
            if unknown:
                raise TypeError(f"not catalogue parameters: {sorted(unknown)}")
            state = state | changes
        args: dict[str, Any] = {}
        if state["q"]:
            args["q"] = state["q"]
        if state["category"]:
            args["category"] = state["category"]
        if state["deployment"]:
            args["deployment"] = state["deployment"]
        if state["has_trial"]:
            args["has_trial"] = 1
        if state["min_rating"]:
            args["min_rating"] = state["min_rating"]
        if state["max_price"] is not None:
            args["max_price"] = state["max_price"]
        if state["verified"]:
            args["verified"] = 1
        if state["sort"] and state["sort"] in SORTS:
            args["sort"] = state["sort"]
        if state["page"] > 1:
            args["page"] = state["page"]
        return args

    @property
    def active_filter_count(self) -> int:
        """How many filters are on (the "Bộ lọc (n)" button)."""
        return sum(
            bool(x)
            for x in (
                self.category,
                self.deployment,
                self.has_trial,
                self.min_rating,
                self.max_price is not None,
                self.verified,
            )
        )

    @property
    def active_filters(self) -> bool:
        return bool(
            self.category
            or self.deployment
            or self.has_trial
            or self.min_rating
            or self.max_price is not None
            or self.verified
        )


def _int(raw: str | None, *, low: int, high: int) -> int | None:
    if not (raw or "").strip():
        return None
    value = parse_int(raw, low=low, high=high)
    if value is None:
        raise ValueError(raw)
    return value


_TRUE = {"1", "true", "yes", "on"}


def parse_params(args: Mapping[str, str], *, default_per_page: int = 20) -> CatalogParams:
    """Read catalogue parameters leniently; what cannot be used is dropped and noted."""
    params = CatalogParams(per_page=default_per_page)
    errors = params.errors
    params.q = " ".join((args.get("q") or "").split())[:MAX_QUERY]
    params.category = (args.get("category") or "").strip()[:80]
    deployment = (args.get("deployment") or "").strip()
    if deployment in DEPLOYMENTS:
        params.deployment = deployment
    elif deployment:
        errors["deployment"] = "must be one of " + ", ".join(DEPLOYMENTS)
    params.has_trial = (args.get("has_trial") or "").strip().lower() in _TRUE
    params.verified = (args.get("verified") or "").strip().lower() in _TRUE
    for name, low, high in (
        ("min_rating", 1, 5),
        ("max_price", 0, 100_000_000_000),
        ("page", 1, MAX_PAGE),
        ("per_page", 1, MAX_PER_PAGE),
    ):
        try:
            value = _int(args.get(name), low=low, high=high)
        except ValueError:
            errors[name] = f"must be a whole number from {low} to {high}"
            continue
        if value is not None:
            setattr(params, name, value)
    sort = (args.get("sort") or "").strip()
    if sort in SORTS:
        params.sort = sort
    elif sort:
        errors["sort"] = "must be one of " + ", ".join(SORTS)
    return params
