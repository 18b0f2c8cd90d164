"""Out-of-range and non-ASCII numbers in paths and query strings never give a 5xx.

Every rule of the app's url_map is enumerated, so a route added later is covered. Runs on
SQLite and on PostgreSQL (TEST_DATABASE_URL), where 2³¹ overflows an `integer` column.
"""

from __future__ import annotations

import re

import pytest
from sqlalchemy import BigInteger, Integer
from werkzeug.routing import IntegerConverter

from marketplace.core.params import MAX_ID, BoundedIntegerConverter
from marketplace.extensions import db
from tests import factories

BAD_NUMBERS = ["0", "-1", str(2**31), str(2**63), str(10**20), "²", "٣"]
# Fewer for the lists (each renders a page): 2⁶³ is between 2³¹ and 10²⁰ for every bound.
BAD_QUERY_NUMBERS = ["0", str(2**31), str(10**20), "²", "٣"]
# Query-string numbers the lists and filters read.
NUMBER_PARAMS = (
    "page",
    "per_page",
    "min_rating",
    "max_price",
    "solution",
    "stars",
    "payment",
    "plan_id",
    "solution_id",
    "trial_id",
    "plan",
)
LAYOUT_READS = re.compile(r"FROM (users|notifications)\b")
KINDS = ["anonymous", "enterprise", "vendor", "moderator", "admin"]


def _int_args(rule) -> list[str]:
    return [name for name, conv in rule._converters.items() if isinstance(conv, IntegerConverter)]


def _fill(rule, slug: str, number: str) -> dict[str, str]:
    """Values for every argument of `rule`: `number` for ids, an existing object otherwise."""
    values: dict[str, str] = {}
    for name, converter in rule._converters.items():
        if isinstance(converter, IntegerConverter):
            values[name] = number
        elif type(converter).__name__ == "AnyConverter":
            values[name] = converter.regex.strip("()").split("|")[0].replace("\\", "")
        else:
            values[name] = slug
    return values


def _path(rule, values: dict[str, str]) -> str:
    # Built by hand: url_for would refuse the very values under test.
    path = rule.rule
    for name, value in values.items():
        start = path.index("<")
        end = path.index(">", start)
        assert path[start:end].endswith(name), (rule.rule, name)
        path = path[:start] + value + path[end + 1 :]
    return path


@pytest.fixture
def world(app, vendor, enterprise, moderator, admin):
    """Users of each kind and a published solution, so other arguments name a real object."""
    solution = factories.make_solution(vendor)
    return {
        "slug": solution.slug,
        "users": {
            "enterprise": enterprise,
            "vendor": vendor,
            "moderator": moderator,
            "admin": admin,
        },
    }


def _client(kind, world, web_app, client_for):
    if kind == "anonymous":
        return web_app.test_client()
    return client_for(world["users"][kind])


def test_the_int_converter_is_bounded_app_wide(web_app):
    int_rules = [r for r in web_app.url_map.iter_rules() if _int_args(r)]
    assert len(int_rules) >= 30
    for rule in int_rules:
        for name in _int_args(rule):
            converter = rule._converters[name]
            assert isinstance(converter, BoundedIntegerConverter), rule.rule
            assert (converter.min, converter.max) == (1, MAX_ID), rule.rule


def test_ids_are_32_bit_columns_so_the_bound_fits(app):
    for table in db.metadata.sorted_tables:
        for column in table.primary_key.columns:
            if isinstance(column.type, Integer):
                assert not isinstance(column.type, BigInteger), (table.name, column.name)


@pytest.mark.parametrize("kind", KINDS)
def test_no_int_route_answers_5xx_to_out_of_range_ids(
    world, web_app, client_for, count_queries, kind
):
    client = _client(kind, world, web_app, client_for)
    failures = []
    checked = 0
    for rule in web_app.url_map.iter_rules():
        if not _int_args(rule):
            continue
        for number in BAD_NUMBERS:
            path = _path(rule, _fill(rule, world["slug"], number))
            for method in sorted(rule.methods & {"GET", "POST"}):
                with count_queries() as queries:
                    response = client.open(path, method=method)
                checked += 1
                if response.status_code != 404:
                    failures.append((kind, method, path, response.status_code))
                # No view ran: the error page reads only the user and the unread count.
                touched = [s for s in queries.statements if not LAYOUT_READS.search(s)]
                if touched:
                    failures.append((kind, method, path, touched[0][:80]))
    assert checked > 200
    assert not failures, failures[:10]


@pytest.mark.parametrize("kind", KINDS)
def test_no_list_answers_5xx_to_out_of_range_numbers(world, web_app, client_for, kind):
    client = _client(kind, world, web_app, client_for)
    failures = []
    checked = 0
    for rule in web_app.url_map.iter_rules():
        if "GET" not in rule.methods or _int_args(rule) or rule.endpoint.endswith("static"):
            continue
        if rule.rule in ("/auth/logout",):
            continue
        path = _path(rule, _fill(rule, world["slug"], "1"))
        for number in BAD_QUERY_NUMBERS:
            response = client.get(path, query_string=dict.fromkeys(NUMBER_PARAMS, number))
            checked += 1
            if response.status_code >= 500:
                failures.append((kind, path, number, response.status_code))
    assert checked > 100
    assert not failures, failures[:10]


@pytest.mark.parametrize(
    "path",
    [
        "/notifications/",
        "/account/trials",
        "/vendor/trials",
        "/billing/",
        "/vendor/sales",
        "/moderation/solutions",
        "/moderation/audit",
        "/moderation/reviews",
    ],
)
def test_a_page_far_past_the_end_shows_a_page(world, web_app, client_for, path):
    kind = {
        "/notifications/": "enterprise",
        "/account/trials": "enterprise",
        "/billing/": "enterprise",
        "/vendor/trials": "vendor",
        "/vendor/sales": "vendor",
    }.get(path, "moderator")
    client = _client(kind, world, web_app, client_for)
    for page in (str(10**20), str(2**63), "99999", "²"):
        assert client.get(path, query_string={"page": page}).status_code == 200, (path, page)


def test_checkout_id_fields_out_of_range_are_refused_not_500(world, web_app, client_for):
    client = _client("enterprise", world, web_app, client_for)
    for number in BAD_NUMBERS:
        ids = {"plan_id": number, "solution_id": number, "trial_id": number}
        assert client.get("/billing/checkout", query_string=ids).status_code < 500, number
        assert client.post("/billing/checkout", data=ids).status_code < 500, number
