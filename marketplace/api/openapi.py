"""The OpenAPI 3.1 document of the JSON API v1, built in code, and its browsable form.

The same dict is served at /api/v1/openapi.json, rendered at /api/docs and used by the
tests to validate every response, so the document cannot drift from what is answered.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

from markupsafe import Markup, escape

from marketplace.catalog.queries import DEPLOYMENTS, MAX_PAGE, MAX_PER_PAGE, MAX_QUERY, SORTS

API_VERSION = "1.0.0"
LANGS = ("vi", "en")
PERIODS = ("month", "year", "once")


def _ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{name}"}


def _nullable(type_name: str, **extra: Any) -> dict[str, Any]:
    return {"type": [type_name, "null"], **extra}


def _object(properties: dict[str, Any], description: str = "", **extra: Any) -> dict[str, Any]:
    schema: dict[str, Any] = {
        "type": "object",
        "properties": properties,
        "required": list(properties),
        "additionalProperties": False,
    }
    if description:
        schema["description"] = description
    schema.update(extra)
    return schema


# ---------------------------------------------------------------- schemas

_SOLUTION_PROPERTIES: dict[str, Any] = {
    "slug": {"type": "string", "description": "Stable identifier used in URLs."},
    "name": {"type": "string"},
    "tagline": {"type": "string"},
    "vendor": _ref("Vendor"),
    "category": {"oneOf": [_ref("CategoryRef"), {"type": "null"}]},
    "deployment": {"type": "string", "enum": list(DEPLOYMENTS)},
    "has_trial": {"type": "boolean", "description": "At least one plan offers a free trial."},
    "min_price_vnd": _nullable(
        "integer", minimum=0, description="Lowest active plan price in VND; null without plans."
    ),
    "rating": _ref("Rating"),
    "url": {"type": "string", "format": "uri", "description": "The solution's public page."},
}


def _schemas() -> dict[str, Any]:
    detail = copy.deepcopy(_SOLUTION_PROPERTIES)
    detail.update(
        {
            "vendor": _ref("VendorDetail"),
            "rating": _ref("RatingDetail"),
            "description": {"type": "string", "description": "Markdown source."},
            "description_html": {
                "type": "string",
                "description": "The description rendered to sanitised HTML.",
            },
            "plans": {"type": "array", "items": _ref("Plan")},
            "features": {"type": "array", "items": _ref("Feature")},
            "published_at": _nullable(
                "string", format="date-time", description="ISO 8601, UTC (ends in Z)."
            ),
        }
    )
    stars = {str(n): {"type": "integer", "minimum": 0} for n in range(1, 6)}
    return {
        "Vendor": _object(
            {"name": {"type": "string"}, "verified": {"type": "boolean"}},
            "The organisation that offers a solution.",
        ),
        "VendorDetail": _object(
            {
                "name": {"type": "string"},
                "verified": {"type": "boolean"},
                "locality": _nullable("string", description="Locality code of the province."),
                "website": _nullable("string"),
            },
            "The vendor, with its contact details.",
        ),
        "CategoryRef": _object(
            {
                "slug": {"type": "string"},
                "name": {"type": "string", "description": "In the language of `lang`."},
            },
            "The category a solution is listed in.",
        ),
        "Rating": _object(
            {
                "average": _nullable(
                    "number",
                    minimum=0,
                    maximum=5,
                    description="Average of published reviews; null without reviews.",
                ),
                "count": {"type": "integer", "minimum": 0},
            },
            "Summary of published reviews.",
        ),
        "RatingDetail": _object(
            {
                "average": _nullable("number", minimum=0, maximum=5),
                "count": {"type": "integer", "minimum": 0},
                "distribution": _object(
                    stars,
                    "Number of published reviews per star (1–5); hidden reviews are not counted.",
                ),
            },
            "Summary of published reviews with the count per star.",
        ),
        "Plan": _object(
            {
                "id": {"type": "integer"},
                "name": {"type": "string"},
                "price_vnd": {"type": "integer", "minimum": 0},
                "period": {"type": "string", "enum": list(PERIODS)},
                "trial_days": {"type": "integer", "minimum": 0},
                "limits": {"type": "string"},
            },
            "An active pricing plan. Prices are whole VND (no minor unit).",
        ),
        "Feature": _object(
            {
                "key": {"type": "string"},
                "label": {"type": "string", "description": "In the language of `lang`."},
                "value": {"type": "string", "description": "`yes`/`no` or a short value."},
            },
            "A comparable feature of a solution.",
        ),
        "Solution": _object(_SOLUTION_PROPERTIES, "A published solution, as listed."),
        "SolutionDetail": _object(detail, "A published solution with everything its page shows."),
        "SolutionList": _object(
            {
                "items": {"type": "array", "items": _ref("Solution")},
                "page": {"type": "integer", "minimum": 1},
                "per_page": {"type": "integer", "minimum": 1, "maximum": MAX_PER_PAGE},
                "total": {"type": "integer", "minimum": 0},
            },
            "One page of published solutions and the number of all matches.",
        ),
        "CompareFeature": _object(
            {
                "key": {"type": "string"},
                "label": {"type": "string"},
                "values": {
                    "type": "object",
                    "description": "Solution slug → value; null when it does not list it.",
                    "additionalProperties": _nullable("string"),
                },
            },
            "One line of the comparison matrix.",
        ),
        "Compare": _object(
            {
                "solutions": {
                    "type": "array",
                    "items": _ref("Solution"),
                    "minItems": 2,
                    "maxItems": 4,
                },
                "features": {"type": "array", "items": _ref("CompareFeature")},
                "messages": {
                    "type": "array",
                    "items": {"type": "string"},
                    "description": "Notes on slugs that were repeated or are not public.",
                },
            },
            "Two to four solutions side by side.",
        ),
        "Category": _object(
            {
                "slug": {"type": "string"},
                "name": {"type": "string", "description": "In the language of `lang`."},
                "name_en": {"type": "string"},
                "count": {
                    "type": "integer",
                    "minimum": 0,
                    "description": "Published solutions, including those of its children.",
                },
                "children": {"type": "array", "items": _ref("Category")},
            },
            "A node of the category tree.",
        ),
        "CategoryTree": {
            "type": "array",
            "items": _ref("Category"),
            "description": "The top-level categories with their children.",
        },
        "Stats": _object(
            {
                "solutions": {
                    "type": "integer",
                    "minimum": 0,
                    "description": "Published solutions.",
                },
                "vendors": {
                    "type": "integer",
                    "minimum": 0,
                    "description": "Active vendors with at least one published solution.",
                },
                "enterprises": {
                    "type": "integer",
                    "minimum": 0,
                    "description": "Active enterprises registered on the marketplace.",
                },
                **_DASHBOARD_PROPERTIES,
            },
            "Counts of the public marketplace; with `include=dashboard`, the province "
            "dashboard's figures too.",
            required=["solutions", "vendors", "enterprises"],
        ),
        "Error": _object(
            {
                "error": {
                    "type": "object",
                    "properties": {
                        "code": {
                            "type": "string",
                            "description": "Machine-readable: bad_request, not_found, "
                            "method_not_allowed, rate_limited…",
                        },
                        "message": {"type": "string", "description": "For people."},
                        "details": {
                            "type": "object",
                            "description": "Parameter name → what is wrong with it.",
                            "additionalProperties": {"type": "string"},
                        },
                    },
                    "required": ["code", "message"],
                    "additionalProperties": False,
                }
            },
            "The shape of every error.",
        ),
        "OpenAPIDocument": {
            "type": "object",
            "required": ["openapi", "info", "paths"],
            "description": "This document.",
        },
    }


# ---------------------------------------------------------------- parameters and responses


def _query(name: str, schema: dict[str, Any], description: str, **extra: Any) -> dict[str, Any]:
    return {"name": name, "in": "query", "schema": schema, "description": description, **extra}


_COUNT = {"type": "integer", "minimum": 0}
_SMALL_CELL = {"type": ["integer", "null"], "minimum": 5}
_DASHBOARD_PROPERTIES: dict[str, Any] = {
    "trials": {**_COUNT, "description": "Trial requests, all time (with include=dashboard)."},
    "purchases": {**_COUNT, "description": "Paid checkouts, all time (with include=dashboard)."},
    "months": {
        "type": "array",
        "description": "Trials and purchases per month (Asia/Ho_Chi_Minh), last 12 months.",
        "items": _object(
            {
                "month": {"type": "string", "pattern": "^[0-9]{4}-[0-9]{2}$"},
                "trials": _COUNT,
                "purchases": _COUNT,
            }
        ),
    },
    "funnel": _object(
        {"viewed": _COUNT, "trial": _COUNT, "paid": _COUNT},
        "Views (once per visitor and day), trial requests and purchases, last 12 months.",
    ),
    "breakdowns": {
        "type": "object",
        "description": "Enterprises with a trial or a purchase, by locality, industry, size "
        "and category; `organizations` is null for a cell under 5 (shown as <5).",
        "additionalProperties": {
            "type": "array",
            "items": _object({"label": {"type": "string"}, "organizations": _SMALL_CELL}),
        },
    },
    "ratings": {
        "type": "array",
        "description": "Average rating by category; null under 5 reviewing organisations.",
        "items": _object(
            {
                "category": {"type": "string"},
                "average": {"type": ["number", "null"], "minimum": 1, "maximum": 5},
                "reviews": _SMALL_CELL,
            }
        ),
    },
}


def _parameters() -> dict[str, Any]:
    boolean = {"type": "string", "enum": ["1", "0", "true", "false", "yes", "no", "on", "off"]}
    return {
        "lang": _query(
            "lang",
            {"type": "string", "enum": list(LANGS), "default": "vi"},
            "Language of names and labels.",
        ),
        "include": _query(
            "include",
            {"type": "string", "enum": ["dashboard"]},
            "`dashboard` adds the province dashboard's figures.",
        ),
        "q": _query(
            "q",
            {"type": "string"},
            f"Full-text search; Vietnamese is folded (`hoa don` finds `Hóa đơn`). "
            f"Only the first {MAX_QUERY} characters are used.",
            example="hóa đơn điện tử",
        ),
        "category": _query(
            "category",
            {"type": "string"},
            "Category slug; a top-level category includes its children.",
            example="hoa-don-dien-tu",
        ),
        "deployment": _query(
            "deployment", {"type": "string", "enum": list(DEPLOYMENTS)}, "Deployment model."
        ),
        "has_trial": _query("has_trial", boolean, "Only solutions with a free trial."),
        "verified": _query("verified", boolean, "Only solutions of verified vendors."),
        "min_rating": _query(
            "min_rating",
            {"type": "integer", "minimum": 1, "maximum": 5},
            "Minimum average rating (only rated solutions).",
        ),
        "max_price": _query(
            "max_price",
            {"type": "integer", "minimum": 0, "maximum": 100_000_000_000},
            "Maximum lowest plan price, in VND.",
        ),
        "sort": _query(
            "sort",
            {"type": "string", "enum": list(SORTS)},
            "Order: `relevance` (with `q`; the default then), `rating` (the default "
            "otherwise), `reviews`, `newest`, `price_asc`, `price_desc`.",
        ),
        "page": _query(
            "page",
            {"type": "integer", "minimum": 1, "maximum": MAX_PAGE, "default": 1},
            "Page number.",
        ),
        "per_page": _query(
            "per_page",
            {"type": "integer", "minimum": 1, "maximum": MAX_PER_PAGE, "default": 20},
            "Results per page.",
        ),
        "slug": {
            "name": "slug",
            "in": "path",
            "required": True,
            "schema": {"type": "string"},
            "description": "The solution's slug.",
            "example": "hoa-don-dien-tu-song-hong",
        },
        "s": _query(
            "s",
            {"type": "string"},
            "Two to four solution slugs, separated by commas.",
            required=True,
            example="slug-a,slug-b",
        ),
    }


def _headers() -> dict[str, Any]:
    def header(description: str, type_name: str = "string") -> dict[str, Any]:
        return {"description": description, "schema": {"type": type_name}}

    return {
        "ETag": header("Strong validator of the body; send it back in If-None-Match."),
        "Cache-Control": header("`public, max-age=60`."),
        "Access-Control-Allow-Origin": header("`*`: any site may read the API."),
        "X-RateLimit-Limit": header("Requests allowed per window.", "integer"),
        "X-RateLimit-Remaining": header("Requests left in this window.", "integer"),
        "X-RateLimit-Reset": header("When the window ends (Unix time).", "integer"),
        "Retry-After": header("Seconds to wait before trying again.", "integer"),
    }


def _json(schema_name: str) -> dict[str, Any]:
    return {"application/json": {"schema": _ref(schema_name)}}


def _ok(schema_name: str, description: str) -> dict[str, Any]:
    names = ("ETag", "Cache-Control", "Access-Control-Allow-Origin", "X-RateLimit-Limit")
    return {
        "description": description,
        "headers": {n: {"$ref": f"#/components/headers/{n}"} for n in names},
        "content": _json(schema_name),
    }


def _responses() -> dict[str, Any]:
    return {
        "NotModified": {"description": "Not modified: the ETag sent in If-None-Match matches."},
        "BadRequest": {
            "description": "A parameter is invalid; `details` names each one.",
            "content": _json("Error"),
        },
        "NotFound": {"description": "Not found.", "content": _json("Error")},
        "TooManyRequests": {
            "description": "Rate limit exceeded for this client.",
            "headers": {"Retry-After": {"$ref": "#/components/headers/Retry-After"}},
            "content": _json("Error"),
        },
    }


def _operation(
    operation_id: str,
    summary: str,
    description: str,
    parameters: list[str],
    ok: tuple[str, str],
    errors: list[str],
    example: str,
) -> dict[str, Any]:
    responses: dict[str, Any] = {
        "200": _ok(*ok),
        "304": {"$ref": "#/components/responses/NotModified"},
    }
    for status, name in (("400", "BadRequest"), ("404", "NotFound")):
        if name in errors:
            responses[status] = {"$ref": f"#/components/responses/{name}"}
    responses["429"] = {"$ref": "#/components/responses/TooManyRequests"}
    return {
        "operationId": operation_id,
        "summary": summary,
        "description": description,
        "tags": ["v1"],
        "parameters": [{"$ref": f"#/components/parameters/{p}"} for p in parameters],
        "responses": responses,
        "x-example": example,
    }


LIST_PARAMETERS = [
    "q",
    "category",
    "deployment",
    "has_trial",
    "verified",
    "min_rating",
    "max_price",
    "sort",
    "page",
    "per_page",
    "lang",
]


def build_document() -> dict[str, Any]:
    """Return the OpenAPI 3.1 document of API v1."""
    return {
        "openapi": "3.1.0",
        "jsonSchemaDialect": "https://spec.openapis.org/oas/3.1/dialect/base",
        "info": {
            "title": "Chợ Giải Pháp Số — API v1",
            "version": API_VERSION,
            "summary": "Public, read-only data of the provincial digital-solutions marketplace.",
            "description": (
                "Only published solutions of active vendors are visible. Every response is "
                "JSON in UTF-8. GET responses carry a strong `ETag` (answer `304` to a "
                "matching `If-None-Match`) and `Cache-Control: public, max-age=60`. Any "
                "origin may call the API (`Access-Control-Allow-Origin: *`; preflight "
                "requests are answered for GET). Each client IP has a fixed-window rate "
                "limit; over it the API answers `429` with `Retry-After`. Errors have the "
                'shape `{"error": {"code": "not_found", "message": "…"}}`.'
            ),
            "license": {"name": "Public data", "identifier": "CC-BY-4.0"},
        },
        "servers": [{"url": "/api/v1"}],
        "tags": [{"name": "v1", "description": "Catalogue, comparison and statistics."}],
        "paths": {
            "/solutions": {
                "get": _operation(
                    "listSolutions",
                    "Danh sách giải pháp",
                    "Search and filter published solutions, as the catalogue page does: "
                    "same filters, same sorts, same search.",
                    LIST_PARAMETERS,
                    ("SolutionList", "One page of solutions."),
                    ["BadRequest"],
                    "/solutions?"
                    + urlencode(
                        {"category": "hoa-don-dien-tu", "has_trial": 1, "sort": "price_asc"}
                    ),
                )
            },
            "/solutions/{slug}": {
                "get": _operation(
                    "getSolution",
                    "Chi tiết giải pháp",
                    "A published solution with its plans, features, rating and vendor.",
                    ["slug", "lang"],
                    ("SolutionDetail", "The solution."),
                    ["BadRequest", "NotFound"],
                    "/solutions/hoa-don-dien-tu-song-hong",
                )
            },
            "/compare": {
                "get": _operation(
                    "compareSolutions",
                    "So sánh giải pháp",
                    "Two to four published solutions side by side, with the feature matrix. "
                    "Slugs that are not public are dropped (see `messages`); fewer than two "
                    "or more than four answer 400.",
                    ["s", "lang"],
                    ("Compare", "The comparison."),
                    ["BadRequest"],
                    "/compare?s=slug-a,slug-b",
                )
            },
            "/categories": {
                "get": _operation(
                    "listCategories",
                    "Danh mục",
                    "The category tree with the number of published solutions in each.",
                    ["lang"],
                    ("CategoryTree", "The category tree."),
                    ["BadRequest"],
                    "/categories",
                )
            },
            "/stats": {
                "get": _operation(
                    "getStats",
                    "Thống kê",
                    "Counts of published solutions, vendors and enterprises; with "
                    "`include=dashboard`, the province dashboard's figures.",
                    ["include"],
                    ("Stats", "The counts."),
                    [],
                    "/stats",
                )
            },
            "/openapi.json": {
                "get": _operation(
                    "getOpenAPI",
                    "Tài liệu OpenAPI",
                    "This document (OpenAPI 3.1).",
                    [],
                    ("OpenAPIDocument", "The OpenAPI document."),
                    [],
                    "/openapi.json",
                )
            },
        },
        "components": {
            "schemas": _schemas(),
            "parameters": _parameters(),
            "headers": _headers(),
            "responses": _responses(),
        },
    }


# ---------------------------------------------------------------- the browsable page


def resolve(document: dict[str, Any], node: dict[str, Any]) -> dict[str, Any]:
    """Follow a local `$ref` (if any) inside the document."""
    while isinstance(node, dict) and "$ref" in node and len(node) == 1:
        target: Any = document
        for part in node["$ref"].removeprefix("#/").split("/"):
            target = target[part]
        node = target
    return node


def ref_name(schema: dict[str, Any]) -> str | None:
    ref = schema.get("$ref", "") if isinstance(schema, dict) else ""
    return ref.rsplit("/", 1)[-1] if ref.startswith("#/components/schemas/") else None


def type_label(schema: dict[str, Any]) -> str:
    """Describe a schema in a few words: `string | null`, `array<Plan>`, `Vendor`."""
    if not schema:
        return "any"
    if name := ref_name(schema):
        return name
    if "oneOf" in schema:
        return " | ".join(type_label(s) for s in schema["oneOf"])
    kind = schema.get("type", "object")
    kinds = kind if isinstance(kind, list) else [kind]
    labels = []
    for k in kinds:
        if k == "array":
            labels.append(f"array<{type_label(schema.get('items', {}))}>")
        elif k == "object" and isinstance(schema.get("additionalProperties"), dict):
            labels.append(f"map<string, {type_label(schema['additionalProperties'])}>")
        else:
            labels.append(k)
    label = " | ".join(labels)
    if "enum" in schema:
        label += " (" + ", ".join(str(v) for v in schema["enum"]) + ")"
    return label


def inline_code(text: str) -> Markup:
    """Escape a description and show its `backquoted` parts as code."""
    parts = str(escape(text)).split("`")
    return Markup(
        "".join(f"<code>{part}</code>" if n % 2 else part for n, part in enumerate(parts))
    )


@dataclass
class ParameterDoc:
    name: str
    location: str
    required: bool
    type: str
    description: Markup
    constraints: str


@dataclass
class ResponseDoc:
    status: str
    description: Markup
    schema: str | None


@dataclass
class EndpointDoc:
    method: str
    path: str
    operation_id: str
    summary: str
    description: Markup
    example: str
    parameters: list[ParameterDoc] = field(default_factory=list)
    responses: list[ResponseDoc] = field(default_factory=list)


@dataclass
class PropertyDoc:
    name: str
    type: str
    required: bool
    description: Markup


@dataclass
class SchemaDoc:
    name: str
    description: Markup
    type: str
    properties: list[PropertyDoc]


def _constraints(schema: dict[str, Any]) -> str:
    parts = []
    for key, label in (("minimum", "≥"), ("maximum", "≤"), ("maxLength", "max length")):
        if key in schema:
            parts.append(f"{label} {schema[key]}")
    if "default" in schema:
        parts.append(f"default {schema['default']}")
    return ", ".join(parts)


def endpoints(document: dict[str, Any]) -> list[EndpointDoc]:
    """List the operations of the document in a form a template can show."""
    docs = []
    for path, item in document["paths"].items():
        for method, operation in item.items():
            endpoint = EndpointDoc(
                method=method.upper(),
                path=path,
                operation_id=operation["operationId"],
                summary=operation.get("summary", ""),
                description=inline_code(operation.get("description", "")),
                example=operation.get("x-example", path),
            )
            for p in operation.get("parameters", []):
                p = resolve(document, p)
                endpoint.parameters.append(
                    ParameterDoc(
                        name=p["name"],
                        location=p["in"],
                        required=bool(p.get("required")),
                        type=type_label(p["schema"]),
                        description=inline_code(p.get("description", "")),
                        constraints=_constraints(p["schema"]),
                    )
                )
            for status, response in operation["responses"].items():
                response = resolve(document, response)
                schema = response.get("content", {}).get("application/json", {}).get("schema")
                endpoint.responses.append(
                    ResponseDoc(
                        status, inline_code(response["description"]), ref_name(schema or {})
                    )
                )
            docs.append(endpoint)
    return docs


def schemas(document: dict[str, Any]) -> list[SchemaDoc]:
    """List the component schemas with their properties."""
    docs = []
    for name, schema in document["components"]["schemas"].items():
        required = set(schema.get("required", []))
        docs.append(
            SchemaDoc(
                name=name,
                description=inline_code(schema.get("description", "")),
                type=type_label({k: v for k, v in schema.items() if k != "description"}),
                properties=[
                    PropertyDoc(
                        name=prop,
                        type=type_label(sub),
                        required=prop in required,
                        description=inline_code(sub.get("description", "")),
                    )
                    for prop, sub in schema.get("properties", {}).items()
                ],
            )
        )
    return docs
