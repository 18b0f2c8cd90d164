"""The OpenAPI 3.1 document of API v1, generated from schemas.py and query_schemas.py, and its page.

Response schemas and query parameters come from the pydantic models the views answer
and read with, so the document cannot drift from what is answered. The same dict is
served at /api/v1/openapi.json and rendered at /api/docs.
"""

from __future__ import annotations

import copy
import functools
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

from markupsafe import Markup, escape
from pydantic.json_schema import GenerateJsonSchema, models_json_schema

from marketplace.api import query_schemas
from marketplace.api import schemas as shapes
from marketplace.api.params import property_schema

API_VERSION = "1.1.0"
REF_PREFIX = "#/components/schemas/"


class _Generator(GenerateJsonSchema):
    """Pydantic's JSON Schema (draft 2020-12, as OpenAPI 3.1 uses) without generated titles."""

    def field_title_should_be_set(self, schema: Any) -> bool:
        return False

    def model_schema(self, schema: Any) -> dict[str, Any]:
        generated = super().model_schema(schema)
        generated.pop("title", None)
        return generated


def _component_schemas() -> dict[str, Any]:
    _, top = models_json_schema(
        [(model, "serialization") for model in shapes.COMPONENTS],
        by_alias=True,
        ref_template=REF_PREFIX + "{model}",
        schema_generator=_Generator,
    )
    return top["$defs"]


PATH_DESCRIPTIONS = {
    "slug": (
        "The solution's slug; one that names no public solution answers 404.",
        "hoa-don-dien-tu-song-hong",
    ),
    "vendor": (
        "The vendor's slug; one that names no active vendor answers 404.",
        "viettel-hai-phong",
    ),
}


def _parameters(model: type[query_schemas.Query], *, path: list[str] = ()) -> list[dict[str, Any]]:
    """Describe an operation's query parameters from the model it reads them with."""
    required = set(model.model_json_schema().get("required", []))
    parameters = []
    for name in path:
        description, example = PATH_DESCRIPTIONS[name]
        parameters.append(
            {
                "name": "slug",
                "in": "path",
                "required": True,
                "schema": {"type": "string", "pattern": query_schemas.SLUG_PATTERN},
                "description": description,
                "example": example,
            }
        )
    for name in model.model_fields:
        schema = property_schema(model, name)
        parameter: dict[str, Any] = {
            "name": name,
            "in": "query",
            "description": schema.pop("description", ""),
            "schema": {k: v for k, v in schema.items() if k not in ("title", "examples")},
        }
        if name in required:
            parameter["required"] = True
        if schema.get("type") == "array":
            parameter.update(style="form", explode=False)
        if "examples" in schema:
            parameter["example"] = schema["examples"][0]
        parameters.append(parameter)
    return parameters


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


def _json(schema: dict[str, Any]) -> dict[str, Any]:
    return {"application/json": {"schema": schema}}


def _ref(model: type) -> dict[str, str]:
    return {"$ref": REF_PREFIX + model.__name__}


def _responses() -> dict[str, Any]:
    error = _json(_ref(shapes.Error))
    return {
        "NotModified": {"description": "Not modified: the ETag sent in If-None-Match matches."},
        "BadRequest": {
            "description": "A parameter is not what this document allows (a value outside "
            "its enum or range, not ASCII digits, not a slug, given twice); `details` "
            "names each one.",
            "content": error,
        },
        "NotFound": {"description": "Not found.", "content": error},
        "TooManyRequests": {
            "description": "Rate limit exceeded for this client.",
            "headers": {"Retry-After": {"$ref": "#/components/headers/Retry-After"}},
            "content": error,
        },
    }


def _operation(
    operation_id: str,
    summary: str,
    description: str,
    ok: tuple[dict[str, Any], str],
    *,
    query: type[query_schemas.Query] | None = None,
    path: list[str] = (),
    not_found: str = "",
    example: str,
) -> dict[str, Any]:
    names = ("ETag", "Cache-Control", "Access-Control-Allow-Origin", "X-RateLimit-Limit")
    schema, ok_description = ok
    responses: dict[str, Any] = {
        "200": {
            "description": ok_description,
            "headers": {n: {"$ref": f"#/components/headers/{n}"} for n in names},
            "content": _json(schema),
        },
        "304": {"$ref": "#/components/responses/NotModified"},
    }
    parameters = _parameters(query, path=path) if query is not None else []
    if parameters:
        responses["400"] = {"$ref": "#/components/responses/BadRequest"}
    if not_found:
        responses["404"] = {"description": not_found, "content": _json(_ref(shapes.Error))}
    responses["429"] = {"$ref": "#/components/responses/TooManyRequests"}
    return {
        "operationId": operation_id,
        "summary": summary,
        "description": description,
        "tags": ["v1"],
        "parameters": parameters,
        "responses": responses,
        "x-example": example,
    }


LIST_PARAMETERS = list(query_schemas.ListQuery.model_fields)


@functools.cache
def _document() -> dict[str, Any]:
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
                "limit; over it the API answers `429` with `Retry-After`. Query parameters "
                "are checked against this document: a value it does not allow answers "
                "`400`; parameters it does not list are ignored. Another method than GET, "
                "HEAD or OPTIONS answers `405` with `Allow`. Errors have the shape "
                '`{"error": {"code": "not_found", "message": "…"}}`.'
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
                    (_ref(shapes.SolutionList), "One page of solutions."),
                    query=query_schemas.ListQuery,
                    example="/solutions?"
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
                    (_ref(shapes.SolutionDetail), "The solution."),
                    query=query_schemas.LangQuery,
                    path=["slug"],
                    not_found="No public solution has this slug.",
                    example="/solutions/hoa-don-dien-tu-song-hong",
                )
            },
            "/vendors": {
                "get": _operation(
                    "listVendors",
                    "Danh bạ nhà cung cấp",
                    "Active vendors with published solutions, most solutions first; search "
                    "by name, filter by category served and verification.",
                    (_ref(shapes.VendorList), "One page of vendors."),
                    query=query_schemas.VendorListQuery,
                    example="/vendors?" + urlencode({"verified": 1}),
                )
            },
            "/vendors/{slug}": {
                "get": _operation(
                    "getVendor",
                    "Trang nhà cung cấp",
                    "A vendor's public page: about, the contact channels it publishes, "
                    "localities served, median response times to trials and quotes, rating "
                    "across its solutions and one page of its published solutions.",
                    (_ref(shapes.VendorPage), "The vendor."),
                    query=query_schemas.VendorQuery,
                    path=["vendor"],
                    not_found="No active vendor has this slug.",
                    example="/vendors/viettel-hai-phong",
                )
            },
            "/needs": {
                "get": _operation(
                    "listNeeds",
                    "Chợ bài toán",
                    "Published needs of the province's enterprises, anonymised: title, "
                    "category, area, budget band and deadline; never the enterprise's name.",
                    (_ref(shapes.NeedList), "One page of needs."),
                    query=query_schemas.NeedListQuery,
                    example="/needs?" + urlencode({"status": "open"}),
                )
            },
            "/compare": {
                "get": _operation(
                    "compareSolutions",
                    "So sánh giải pháp",
                    "Two to four published solutions side by side, with the feature matrix. "
                    "Named solutions that are not public are dropped (see `messages`); "
                    "fewer than two, more than four or repeated slugs answer 400, fewer "
                    "than two public ones 404.",
                    (_ref(shapes.Compare), "The comparison."),
                    query=query_schemas.CompareQuery,
                    not_found="Fewer than two of the named solutions are public.",
                    example="/compare?s=" + ",".join(query_schemas.COMPARE_EXAMPLE),
                )
            },
            "/categories": {
                "get": _operation(
                    "listCategories",
                    "Danh mục",
                    "The category tree with the number of published solutions in each.",
                    (_ref(shapes.CategoryTree), "The category tree."),
                    query=query_schemas.LangQuery,
                    example="/categories",
                )
            },
            "/suggest": {
                "get": _operation(
                    "suggest",
                    "Gợi ý tìm kiếm",
                    "Up to eight categories, solution names and vendors whose words start "
                    "with what is being typed (the last word as a prefix), for a search box.",
                    (_ref(shapes.Suggestions), "The suggestions, best first."),
                    query=query_schemas.SuggestQuery,
                    example="/suggest?" + urlencode({"q": "hoa don"}),
                )
            },
            "/stats": {
                "get": _operation(
                    "getStats",
                    "Thống kê",
                    "Counts of published solutions, vendors and enterprises; with "
                    "`include=dashboard`, the province dashboard's figures.",
                    (
                        {"oneOf": [_ref(shapes.Stats), _ref(shapes.StatsDashboard)]},
                        "The counts (`Stats`), or with `include=dashboard` the counts "
                        "and the dashboard (`StatsDashboard`).",
                    ),
                    query=query_schemas.StatsQuery,
                    example="/stats",
                )
            },
            "/openapi.json": {
                "get": _operation(
                    "getOpenAPI",
                    "Tài liệu OpenAPI",
                    "This document (OpenAPI 3.1).",
                    (_ref(shapes.OpenAPIDocument), "The OpenAPI document."),
                    example="/openapi.json",
                )
            },
        },
        "components": {
            "schemas": _component_schemas(),
            "headers": _headers(),
            "responses": _responses(),
        },
    }


def build_document() -> dict[str, Any]:
    """Return the OpenAPI 3.1 document of API v1 (a copy: callers may change it)."""
    return copy.deepcopy(_document())


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
    for combined in ("oneOf", "anyOf"):
        if combined in schema:
            return " | ".join(type_label(s) for s in schema[combined])
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
    for key, label in (
        ("minimum", "≥"),
        ("maximum", "≤"),
        ("maxLength", "max length"),
        ("minItems", "at least"),
        ("maxItems", "at most"),
        ("pattern", "pattern"),
    ):
        if key in schema:
            parts.append(f"{label} {schema[key]}")
    if schema.get("uniqueItems"):
        parts.append("distinct")
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
