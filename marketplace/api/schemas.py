"""Every JSON shape API v1 answers with, defined once as pydantic models.

The serializers build these models (so an answer that does not fit its shape fails where
it is made) and the OpenAPI document is generated from them (openapi.py). The query
parameters of each operation are models of query_schemas.py.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from annotated_types import Ge, Le
from pydantic import BaseModel, ConfigDict, Field, RootModel

from marketplace.catalog.params import DEPLOYMENTS, MAX_PAGE, MAX_PER_PAGE

PERIODS = ("month", "year", "once")
COMPARE_MIN, COMPARE_MAX = 2, 4

Deployment = Literal[DEPLOYMENTS]  # type: ignore[valid-type]
Period = Literal[PERIODS]  # type: ignore[valid-type]
Count = Annotated[int, Ge(0)]


class Shape(BaseModel):
    """Base of the response shapes: every field required, nothing else allowed, no coercion."""

    model_config = ConfigDict(extra="forbid", strict=True, populate_by_name=True)

    def to_json(self) -> str:
        """Return this shape as compact UTF-8 JSON text (field aliases as keys)."""
        return self.model_dump_json(by_alias=True)


class ListShape(RootModel):
    """Base of the shapes that are a JSON array."""

    model_config = ConfigDict(strict=True)

    def to_json(self) -> str:
        """Return this shape as compact UTF-8 JSON text."""
        return self.model_dump_json(by_alias=True)


# ---------------------------------------------------------------- solutions


class Vendor(Shape):
    """The organisation that offers a solution."""

    name: str
    verified: bool


class VendorDetail(Shape):
    """The vendor, with its contact details."""

    name: str
    verified: bool
    province_code: str | None = Field(description="Official code of the head office's province.")
    commune_code: str | None = Field(
        description="Official code of the head office's commune-level unit (2025 units)."
    )
    commune: str | None = Field(description="Name of that commune-level unit.")
    website: str | None


class CategoryRef(Shape):
    """The category a solution is listed in."""

    slug: str
    name: str = Field(description="In the language of `lang`.")


class Rating(Shape):
    """Summary of published reviews."""

    average: Annotated[float, Ge(0), Le(5)] | None = Field(
        description="Average of published reviews; null without reviews."
    )
    count: Count


class Distribution(Shape):
    """Number of published reviews per star (1–5); hidden reviews are not counted."""

    one: Count = Field(alias="1")
    two: Count = Field(alias="2")
    three: Count = Field(alias="3")
    four: Count = Field(alias="4")
    five: Count = Field(alias="5")


class RatingDetail(Shape):
    """Summary of published reviews with the count per star."""

    average: Annotated[float, Ge(0), Le(5)] | None
    count: Count
    distribution: Distribution


class Plan(Shape):
    """An active pricing plan. Prices are whole VND (no minor unit)."""

    id: int
    name: str
    price_vnd: Count
    period: Period
    trial_days: Count
    limits: str
    vat_treatment: Literal["exempt", "0", "5", "8", "10"] = Field(
        description="VAT treatment: `exempt` (not subject to VAT, e.g. software) or a rate in %."
    )
    price_includes_vat: bool = Field(description="Whether `price_vnd` includes the VAT.")


class Feature(Shape):
    """A comparable feature of a solution."""

    key: str
    label: str = Field(description="In the language of `lang`.")
    value: str = Field(description="`yes`/`no` or a short value.")


class Solution(Shape):
    """A published solution, as listed."""

    slug: str = Field(description="Stable identifier used in URLs.")
    name: str
    tagline: str
    vendor: Vendor
    category: CategoryRef | None
    deployment: Deployment
    has_trial: bool = Field(description="At least one plan offers a free trial.")
    min_price_vnd: Count | None = Field(
        description=(
            'The listing\'s "from" price in VND, of the plan with the lowest monthly cost '
            "(a yearly price counts ÷ 12); a one-time price only when no plan is recurring; "
            "null without plans. Its period is `min_price_period`."
        )
    )
    min_price_period: Period | None = Field(
        description="The period of `min_price_vnd`: `month`, `year` or `once`; null without plans."
    )
    vat_included: bool | None = Field(
        description=(
            "Whether `min_price_vnd` includes VAT (true too when the plan is not subject to "
            "VAT); null without plans."
        )
    )
    rating: Rating
    url: str = Field(json_schema_extra={"format": "uri"}, description="The solution's public page.")


class SolutionDetail(Solution):
    """A published solution with everything its page shows."""

    vendor: VendorDetail  # type: ignore[assignment]
    rating: RatingDetail  # type: ignore[assignment]
    description: str = Field(description="Markdown source.")
    description_html: str = Field(description="The description rendered to sanitised HTML.")
    plans: list[Plan]
    features: list[Feature]
    published_at: str | None = Field(
        json_schema_extra={"format": "date-time"}, description="ISO 8601, UTC (ends in Z)."
    )


class SolutionList(Shape):
    """One page of published solutions and the number of all matches."""

    items: list[Solution]
    page: Annotated[int, Ge(1), Le(MAX_PAGE)]
    per_page: Annotated[int, Ge(1), Le(MAX_PER_PAGE)]
    total: Count


# ---------------------------------------------------------------- vendors


class VendorSummary(Shape):
    """A vendor with published solutions, as listed in the directory."""

    slug: str = Field(description="Stable identifier used in URLs; kept through a renaming.")
    name: str
    verified: bool
    verified_at: str | None = Field(
        json_schema_extra={"format": "date-time"},
        description="When a moderator verified the vendor; ISO 8601, UTC (ends in Z).",
    )
    solutions: Count = Field(description="Number of its published solutions.")
    rating: Rating = Field(description="Across its published solutions (weighted by reviews).")
    url: str = Field(json_schema_extra={"format": "uri"}, description="The vendor's public page.")


class VendorList(Shape):
    """One page of vendors and the number of all matches."""

    items: list[VendorSummary]
    page: Annotated[int, Ge(1), Le(MAX_PAGE)]
    per_page: Annotated[int, Ge(1), Le(MAX_PER_PAGE)]
    total: Count


class Contacts(Shape):
    """The contact channels the vendor chose to publish (null when not published)."""

    hotline: str | None
    sales_email: str | None
    zalo: str | None = Field(description="Zalo Official Account link (https://zalo.me/…).")
    website: str | None


class Locality(Shape):
    """A place the vendor serves: the province, a former area or a commune-level unit."""

    code: str = Field(description="`all`, `area:<former province code>` or a commune code.")
    name: str


class ResponseTimes(Shape):
    """Median time to the first answer, in hours; null before any answer."""

    trials_hours: Count | None
    quotes_hours: Count | None


class VendorPage(VendorSummary):
    """A vendor's public page: about, contacts, localities, response times and solutions."""

    about: str = Field(description="Markdown source.")
    about_html: str = Field(description="The about text rendered to sanitised HTML.")
    contacts: Contacts
    localities: list[Locality]
    response_times: ResponseTimes
    items: list[Solution] = Field(description="One page of its published solutions.")
    page: Annotated[int, Ge(1), Le(MAX_PAGE)]
    per_page: Annotated[int, Ge(1), Le(MAX_PER_PAGE)]


# ---------------------------------------------------------------- compare, categories, stats


class CompareFeature(Shape):
    """One line of the comparison matrix."""

    key: str
    label: str
    values: dict[str, str | None] = Field(
        description="Solution slug → value; null when it does not list it."
    )


class Compare(Shape):
    """Two to four solutions side by side."""

    solutions: list[Solution] = Field(min_length=COMPARE_MIN, max_length=COMPARE_MAX)
    features: list[CompareFeature]
    messages: list[str] = Field(description="Notes on slugs that were repeated or are not public.")


class Category(Shape):
    """A node of the category tree."""

    slug: str
    name: str = Field(description="In the language of `lang`.")
    name_en: str
    count: Count = Field(description="Published solutions, including those of its children.")
    children: list[Category]


class CategoryTree(ListShape):
    """The top-level categories with their children."""

    root: list[Category]


class Suggestion(Shape):
    """A name that starts with what is being typed."""

    kind: Literal["solution", "category", "vendor"]
    label: str = Field(description="The name to show (a category's in the language of `lang`).")
    url: str = Field(description="Where choosing it leads on the site (a path).")


class Suggestions(Shape):
    """Up to eight names for the search box: categories, solutions, vendors."""

    q: str = Field(description="The query as read (at most 200 characters).")
    items: list[Suggestion] = Field(max_length=8)


class Stats(Shape):
    """Counts of the public marketplace."""

    solutions: Count = Field(description="Published solutions.")
    vendors: Count = Field(description="Active vendors with at least one published solution.")
    enterprises: Count = Field(description="Active enterprises registered on the marketplace.")


SmallCell = Annotated[int, Ge(5)] | None


class Month(Shape):
    """Trials and purchases of one month."""

    month: str = Field(pattern=r"^[0-9]{4}-[0-9]{2}$")
    trials: Count
    purchases: Count


class Funnel(Shape):
    """Views (once per visitor and day), trial requests and purchases, last 12 months."""

    viewed: Count
    trial: Count
    paid: Count


class BreakdownCell(Shape):
    """Enterprises in one cell of a breakdown; null under 5 (shown as <5)."""

    label: str
    organizations: SmallCell


class CategoryRating(Shape):
    """Average rating of a category; null under 5 reviewing organisations."""

    category: str
    average: Annotated[float, Ge(1), Le(5)] | None
    reviews: SmallCell


class ReadinessLevel(Shape):
    """Enterprises whose latest assessment puts them at `level`; null under 5."""

    level: Annotated[int, Ge(0), Le(5)]
    organizations: SmallCell


class ReadinessPillar(Shape):
    """One DBI pillar: enterprises per level and the average score (null under 5)."""

    pillar: Literal["customer", "strategy", "technology", "operations", "culture", "data"]
    label: str
    levels: list[ReadinessLevel] = Field(min_length=6, max_length=6)
    average: Annotated[float, Ge(0), Le(5)] | None


class ReadinessGroup(Shape):
    """Enterprises of one size band, industry or former area: count and average overall
    score (0–5), both null under 5 organisations."""

    label: str
    organizations: SmallCell
    average: Annotated[float, Ge(0), Le(5)] | None


class Readiness(Shape):
    """Readiness self-assessment figures: each enterprise's latest completed assessment."""

    organizations: SmallCell = Field(description="Enterprises with a completed assessment.")
    version: str = Field(description="The questionnaire version new assessments answer.")
    overall: list[ReadinessLevel] = Field(description="Enterprises per overall level 0–5.")
    pillars: list[ReadinessPillar]
    breakdowns: dict[str, list[ReadinessGroup]] = Field(
        description="By size band (`size`), industry (`industry`) and former area (`former_area`)."
    )


class ProgrammeMonth(Shape):
    """One month of the SME support programme (Asia/Ho_Chi_Minh)."""

    month: str = Field(description="YYYY-MM.")
    applications: Count = Field(description="Applications filed in the month.")
    approvals: Count = Field(description="Applications approved in the month.")
    disbursed_vnd: Count = Field(description="Support paid out in the month, VND.")


class ProgrammeFigures(Shape):
    """The SME support programme: budget of the rules in force, applications, disbursements."""

    budget_vnd: Count | None = Field(description="Total budget (rules in force today), VND.")
    committed_vnd: Count = Field(description="Support approved (disbursed or not), VND.")
    disbursed_vnd: Count = Field(description="Support paid out, VND.")
    remaining_vnd: Count | None = Field(description="Budget not yet committed, VND.")
    applications: Count = Field(description="Applications, all time.")
    approvals: Count = Field(description="Applications approved, all time.")
    organizations_supported: Count | None = Field(
        description="Organisations with approved support; null when fewer than 5."
    )
    months: list[ProgrammeMonth] = Field(description="The last 12 months.")


class StatsDashboard(Stats):
    """The counts with the province dashboard's figures (`include=dashboard`)."""

    trials: Count = Field(description="Trial requests, all time.")
    purchases: Count = Field(description="Paid checkouts, all time.")
    months: list[Month] = Field(
        description="Trials and purchases per month (Asia/Ho_Chi_Minh), last 12 months."
    )
    funnel: Funnel
    breakdowns: dict[str, list[BreakdownCell]] = Field(
        description="Enterprises with a trial or a purchase, by commune-level unit (`commune`), "
        "former area (`former_area`), unit type (`unit_type`), industry, size and category."
    )
    ratings: list[CategoryRating] = Field(description="Average rating by category.")
    readiness: Readiness | None = Field(
        default=None, description="Readiness self-assessment figures (DBI pillars and levels)."
    )
    programme: ProgrammeFigures | None = Field(
        description="The SME support programme; null when there is none."
    )
    counted_at: str = Field(
        json_schema_extra={"format": "date-time"},
        description="When these figures were counted, ISO 8601, UTC (ends in Z): they are "
        "kept for a few minutes (the operator's DASHBOARD_CACHE_SECONDS).",
    )


class ErrorBody(Shape):
    """What went wrong."""

    code: str = Field(
        description="Machine-readable: bad_request, not_found, method_not_allowed, rate_limited…"
    )
    message: str = Field(description="For people.")
    details: dict[str, str] | None = Field(
        default=None, description="Parameter name → what is wrong with it."
    )


class Error(Shape):
    """The shape of every error."""

    error: ErrorBody

    def to_json(self) -> str:
        """Return the error as JSON text; `details` only when there are some."""
        return self.model_dump_json(by_alias=True, exclude_none=True)


class OpenAPIDocument(BaseModel):
    """This document."""

    model_config = ConfigDict(extra="allow")

    openapi: str
    info: dict[str, Any]
    paths: dict[str, Any]

    def to_json(self) -> str:
        """Return the document as JSON text."""
        return self.model_dump_json()


# ---------------------------------------------------------------- needs board


class NeedSummary(Shape):
    """A published need, anonymised: never the enterprise's name, exact budget or commune."""

    id: Count
    title: str
    category: str | None = Field(description="Category name; null when not chosen.")
    category_slug: str | None
    area: str = Field(description="The former area (or the province) the need is in.")
    budget_band: str = Field(description="The band of the budget's upper end.")
    deadline: str = Field(
        json_schema_extra={"format": "date"}, description="Last day for proposals (ISO 8601)."
    )
    status: Literal["open", "awarded", "not_awarded", "expired"]
    url: str = Field(json_schema_extra={"format": "uri"}, description="The need's public page.")


class NeedList(Shape):
    """One page of published needs and the number of all matches."""

    items: list[NeedSummary]
    page: Annotated[int, Ge(1), Le(MAX_PAGE)]
    per_page: Annotated[int, Ge(1), Le(MAX_PER_PAGE)]
    total: Count


# Shapes listed in the document's components, in this order.
COMPONENTS: tuple[type[BaseModel], ...] = (
    Solution,
    SolutionDetail,
    SolutionList,
    VendorList,
    VendorPage,
    NeedList,
    Compare,
    CategoryTree,
    Suggestions,
    Stats,
    StatsDashboard,
    Error,
    OpenAPIDocument,
)
