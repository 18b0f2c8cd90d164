"""The query parameters of every API v1 operation, defined once as pydantic models.

Each operation reads its parameters through its model (params.py) and the OpenAPI document
describes them from the same model (openapi.py), so what the document allows is what passes.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from annotated_types import Ge, Le
from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, field_validator

from marketplace.api.schemas import COMPARE_MAX, COMPARE_MIN, Deployment
from marketplace.catalog.params import MAX_PAGE, MAX_PER_PAGE, MAX_QUERY, SORTS

LANGS = ("vi", "en")
MAX_PRICE = 100_000_000_000
# What a slug can be (see core.text.slugify); anything else cannot name a solution.
SLUG_PATTERN = r"^[a-z0-9][a-z0-9-]{0,99}$"
COMPARE_EXAMPLE = ["hoa-don-dien-tu-song-hong", "may-chu-dam-may-bach-dang"]
# The whole application refuses NUL characters (core.errors.reject_nul_bytes).
NO_NUL_PATTERN = r"^[^\x00]*$"

Sort = Literal[SORTS]  # type: ignore[valid-type]
Lang = Literal[LANGS]  # type: ignore[valid-type]
Flag = Literal["1", "0", "true", "false", "yes", "no", "on", "off"]
TRUE_FLAGS = frozenset({"1", "true", "yes", "on"})


def _ascii_digits(value: Any) -> Any:
    """Accept a whole number written in ASCII digits only (no sign, space or other script)."""
    if isinstance(value, str) and not (value.isascii() and value.isdigit() and len(value) <= 20):
        raise ValueError("not ASCII digits")
    return value


def QueryInt(low: int, high: int) -> Any:  # noqa: N802 - reads as a type
    """An integer query parameter from `low` to `high`, ASCII digits only."""
    return Annotated[int, Ge(low), Le(high), BeforeValidator(_ascii_digits)]


Slug = Annotated[str, Field(pattern=SLUG_PATTERN)]


class Query(BaseModel):
    """Base of the query parameters of an operation; unknown parameters are ignored."""

    model_config = ConfigDict(extra="ignore")


class LangQuery(Query):
    lang: Lang = Field(default="vi", description="Language of names and labels.")


class ListQuery(LangQuery):
    q: str | None = Field(
        default=None,
        pattern=NO_NUL_PATTERN,
        description="Full-text search; Vietnamese is folded (`hoa don` finds `Hóa đơn`). "
        f"Only the first {MAX_QUERY} characters are used.",
        examples=["hóa đơn điện tử"],
    )
    category: Slug | None = Field(
        default=None,
        description="Category slug; a top-level category includes its children. A slug "
        "that names no category matches nothing (an empty page, not an error).",
        examples=["hoa-don-dien-tu"],
    )
    deployment: Deployment | None = Field(default=None, description="Deployment model.")
    has_trial: Flag | None = Field(default=None, description="Only solutions with a free trial.")
    verified: Flag | None = Field(default=None, description="Only solutions of verified vendors.")
    min_rating: QueryInt(1, 5) | None = Field(  # type: ignore[valid-type]
        default=None, description="Minimum average rating (only rated solutions)."
    )
    max_price: QueryInt(0, MAX_PRICE) | None = Field(  # type: ignore[valid-type]
        default=None, description="Maximum lowest plan price, in VND."
    )
    sort: Sort | None = Field(
        default=None,
        description="Order: `relevance` (with `q`; the default then), `rating` (the default "
        "otherwise), `reviews`, `newest`, `price_asc`, `price_desc`.",
    )
    page: QueryInt(1, MAX_PAGE) = Field(default=1, description="Page number.")  # type: ignore[valid-type]
    # Without it, the configured PER_PAGE (20 unless changed).
    per_page: QueryInt(1, MAX_PER_PAGE) | None = Field(  # type: ignore[valid-type]
        default=None, json_schema_extra={"default": 20}, description="Results per page."
    )


class VendorListQuery(LangQuery):
    q: str | None = Field(
        default=None,
        max_length=100,
        pattern=NO_NUL_PATTERN,
        description="Part of the vendor's name; Vietnamese is folded.",
        examples=["viettel"],
    )
    category: Slug | None = Field(
        default=None,
        description="Only vendors with a published solution in this category (or its "
        "children); a slug that names no category matches nothing.",
        examples=["hoa-don-dien-tu"],
    )
    verified: Flag | None = Field(default=None, description="Only verified vendors.")
    page: QueryInt(1, MAX_PAGE) = Field(default=1, description="Page number.")  # type: ignore[valid-type]


class VendorQuery(LangQuery):
    page: QueryInt(1, MAX_PAGE) = Field(  # type: ignore[valid-type]
        default=1, description="Page of the vendor's solutions."
    )


class CompareQuery(LangQuery):
    s: list[Slug] = Field(
        min_length=COMPARE_MIN,
        max_length=COMPARE_MAX,
        json_schema_extra={"uniqueItems": True},
        description="Two to four distinct solution slugs, separated by commas.",
        examples=[COMPARE_EXAMPLE],
    )

    @field_validator("s")
    @classmethod
    def _distinct(cls, slugs: list[str]) -> list[str]:
        if len(set(slugs)) != len(slugs):
            raise ValueError("repeated slug")
        return slugs


class SuggestQuery(LangQuery):
    q: str = Field(
        default="",
        pattern=NO_NUL_PATTERN,
        description="What is being typed; the last word counts as a prefix. Folded like the "
        f"search (`hoa don` finds `Hóa đơn`). Only the first {MAX_QUERY} characters are used; "
        "fewer than two letters answer no items.",
        examples=["hoa don"],
    )


class StatsQuery(Query):
    include: Literal["dashboard"] | None = Field(
        default=None, description="`dashboard` adds the province dashboard's figures."
    )


class NeedListQuery(LangQuery):
    category: Slug | None = Field(
        default=None,
        description="Category slug (a top-level category includes its children); a slug "
        "that names no category matches nothing.",
        examples=["hoa-don-dien-tu"],
    )
    area: Annotated[str, Field(pattern=r"^[0-9]{2}$")] | None = Field(
        default=None, description="Former province code of the area (e.g. `30`)."
    )
    budget: Literal["lt10m", "10m-50m", "50m-200m", "200m-1b", "gt1b"] | None = Field(
        default=None, description="Budget band of the need's upper end."
    )
    status: Literal["open", "closed"] = Field(
        default="open", description="Open needs (soonest deadline first) or closed ones."
    )
    page: QueryInt(1, MAX_PAGE) = Field(default=1, description="Page number.")  # type: ignore[valid-type]
