"""No route answers 500, whoever calls it and whatever it is sent."""

from __future__ import annotations

import pytest
from werkzeug.routing import IntegerConverter

ODD_VALUES = [
    "1",
    "999999",
    "0",
    "-1",
    "<script>alert(1)</script>",
    "Đà Nẵng",
    "a" * 300,
    "%00",
    "'",
]


def _urls(app) -> list[tuple[str, str]]:
    """Every rule with odd values in its arguments, and the methods it answers."""
    out = []
    for rule in app.url_map.iter_rules():
        if rule.endpoint in ("static", "bootstrap.static") or rule.rule.startswith("/static"):
            continue
        methods = sorted(m for m in rule.methods if m in ("GET", "POST"))
        values_sets = [{}]
        if rule.arguments:
            values_sets = []
            for odd in ("1", "999999", "x-khong-co", "a\x00b"):
                values = {}
                for arg in rule.arguments:
                    converter = rule._converters.get(arg)
                    kind = type(converter).__name__
                    if isinstance(converter, IntegerConverter):  # the app's bounded subclass
                        values[arg] = odd if odd.isdigit() else "2"
                    elif kind == "AnyConverter":
                        values[arg] = (
                            next(iter(converter.items))
                            if hasattr(converter, "items")
                            else "approve"
                        )
                    else:
                        values[arg] = odd
                values_sets.append(values)
        for values in values_sets:
            try:
                path = rule.build(values, append_unknown=False)[1]
            except Exception:  # noqa: BLE001 - a rule we cannot build is skipped
                continue
            for method in methods:
                out.append((method, path))
    # An id argument takes "2" for both non-numeric values: each request once.
    return list(dict.fromkeys(out))


@pytest.mark.parametrize(
    "who", ["anonymous", "enterprise@demo.vn", "vendor@demo.vn", "moderator@demo.vn"]
)
def test_no_route_answers_500(demo_data, web_app, who):
    client = web_app.test_client()
    if who != "anonymous":
        response = client.post("/auth/login", data={"email": who, "password": "demo-pass-2026"})
        assert response.status_code == 302
    failures = []
    for method, path in _urls(web_app):
        if path.startswith("/auth/logout"):
            continue
        for odd in ODD_VALUES[:4] if method == "GET" else ODD_VALUES:
            if method == "GET":
                response = client.get(
                    path, query_string={"q": odd, "page": odd, "s": odd, "sort": odd}
                )
            else:
                response = client.post(
                    path,
                    data={
                        "slug": odd,
                        "reason": odd,
                        "name": odd,
                        "action": odd,
                        "next": odd,
                        "lang": odd,
                    },
                )
            if response.status_code >= 500:
                failures.append((who, method, path, odd, response.status_code))
    assert not failures, failures[:10]
