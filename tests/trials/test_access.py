"""Every trial route × every kind of visitor (the rows tests/test_authorization_matrix.py needs)."""

from __future__ import annotations

import pytest

from tests import factories

ROLES = [
    "anonymous",
    "enterprise",
    "other_enterprise",
    "owner_vendor",
    "other_vendor",
    "moderator",
    "admin",
]


def _signed_in(outcome, **overrides):
    table = {"anonymous": "login", **dict.fromkeys(ROLES[1:], outcome)}
    table.update(overrides)
    return table


ENTERPRISES = _signed_in(403, enterprise="ok", other_enterprise="ok")
REQUESTER = _signed_in(403, enterprise="ok", other_enterprise=404)
VENDORS = _signed_in(403, owner_vendor="ok", other_vendor="ok")
OWNER = _signed_in(403, owner_vendor="ok", other_vendor=404)
STAFF = _signed_in(403, moderator="ok", admin="ok")

ROUTES = [
    ("GET", "/solutions/{slug}/trial", ENTERPRISES),
    ("POST", "/solutions/{slug}/trial", ENTERPRISES),
    ("GET", "/account/trials", ENTERPRISES),
    ("GET", "/account/trials/{trial_id}", REQUESTER),
    ("POST", "/account/trials/{trial_id}/cancel", REQUESTER),
    ("GET", "/vendor/trials", VENDORS),
    ("GET", "/vendor/trials.csv", VENDORS),
    ("GET", "/vendor/trials/{trial_id}", OWNER),
    ("POST", "/vendor/trials/{trial_id}/accept", OWNER),
    ("POST", "/vendor/trials/{trial_id}/decline", OWNER),
    ("POST", "/vendor/trials/{trial_id}/start", OWNER),
    ("POST", "/vendor/trials/{trial_id}/end", OWNER),
    ("POST", "/vendor/trials/{trial_id}/convert", OWNER),
    ("GET", "/moderation/trials/{trial_id}", STAFF),
]


def test_every_trial_route_is_listed(app):
    rules = {
        (method, rule.rule)
        for rule in app.url_map.iter_rules()
        if rule.endpoint.startswith("trials.")
        for method in rule.methods - {"HEAD", "OPTIONS"}
    }
    listed = {
        (m, p.replace("{slug}", "<slug>").replace("{trial_id}", "<int:trial_id>"))
        for m, p, _ in ROUTES
    }
    assert rules == listed


def _judge(response, expected) -> bool:
    status = response.status_code
    to_login = status == 302 and "/auth/login" in response.headers.get("Location", "")
    if expected == "login":
        return to_login
    if expected == "ok":
        return not to_login and (status < 300 or status in (302, 303, 400))
    return status == expected


@pytest.mark.parametrize("role", ROLES)
def test_trial_routes_by_role(
    web_app, request, make_trial, solution, vendor, enterprise, other_vendor, role
):
    users = {
        "enterprise": enterprise,
        "other_enterprise": factories.make_user("enterprise"),
        "owner_vendor": vendor,
        "other_vendor": other_vendor,
        "moderator": factories.make_user("moderator"),
        "admin": factories.make_user("admin"),
    }
    trial = make_trial("requested")
    client = web_app.test_client()
    if role != "anonymous":
        response = client.post(
            "/auth/login", data={"email": users[role].email, "password": factories.PASSWORD}
        )
        assert response.status_code == 302
    failures = []
    for method, template, outcomes in sorted(ROUTES, key=lambda r: r[0] == "POST"):
        url = template.format(slug=solution.slug, trial_id=trial.id)
        response = client.get(url) if method == "GET" else client.post(url, data={})
        if not _judge(response, outcomes[role]):
            failures.append(
                (
                    method,
                    url,
                    outcomes[role],
                    response.status_code,
                    response.headers.get("Location"),
                )
            )
    assert not failures, failures
