"""Read an operation's query parameters through its model: what the document says is what passes.

A value the document does not allow (not in an enum, out of range, not ASCII digits, not a
slug, given twice) answers 400 with one message per parameter in `details`; the messages
are derived from the same schema the document shows.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from typing import Any, TypeVar

from pydantic import ValidationError
from werkzeug.datastructures import MultiDict

from marketplace.api.query_schemas import SLUG_PATTERN, Query

Q = TypeVar("Q", bound=Query)


class BadParameters(Exception):
    """Some query parameters are not what the document allows."""

    def __init__(self, details: dict[str, str]) -> None:
        super().__init__(details)
        self.details = details


def _is_array(schema: Mapping[str, Any]) -> bool:
    return schema.get("type") == "array"


@functools.cache
def property_schema(model: type[Query], name: str) -> dict[str, Any]:
    """Return the JSON schema of one parameter, without the `null` of an optional one."""
    schema = dict(model.model_json_schema()["properties"][name])
    for branch in schema.pop("anyOf", []):
        if branch.get("type") != "null":
            schema.update(branch)
    if schema.get("default", 0) is None:
        del schema["default"]
    return schema


def describe_expected(schema: Mapping[str, Any]) -> str:
    """Say in a few words what a parameter accepts, from its schema."""
    if _is_array(schema):
        low, high = schema.get("minItems"), schema.get("maxItems")
        return f"must be {low} to {high} distinct slugs separated by commas"
    if "enum" in schema:
        return "must be one of " + ", ".join(str(v) for v in schema["enum"])
    if schema.get("type") == "integer":
        return f"must be a whole number from {schema['minimum']} to {schema['maximum']}"
    if schema.get("pattern") == SLUG_PATTERN:
        return "must be a slug: lowercase letters, digits and hyphens"
    return "is not valid"


def parse_query(model: type[Q], args: MultiDict[str, str]) -> Q:
    """Validate `args` against `model`; raise BadParameters naming every wrong parameter."""
    raw: dict[str, Any] = {}
    details: dict[str, str] = {}
    for name in model.model_fields:
        values = args.getlist(name)
        if not values:
            continue
        if len(values) > 1:
            details[name] = "must be given once"
        elif _is_array(property_schema(model, name)):
            raw[name] = values[0].split(",")
        else:
            raw[name] = values[0]
    try:
        parsed = model.model_validate(raw)
    except ValidationError as err:
        for error in err.errors():
            name = str(error["loc"][0])
            if error["type"] == "missing":
                expected = describe_expected(property_schema(model, name))
                details.setdefault(name, "required; it " + expected)
            else:
                details.setdefault(name, describe_expected(property_schema(model, name)))
        raise BadParameters(details) from None
    if details:
        raise BadParameters(details)
    return parsed
