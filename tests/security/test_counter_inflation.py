"""Views and comparison adds cannot be inflated by a client making up User-Agents.

A cookie-less client is a new visitor for each browser name it sends; one address (an IPv6
/64 counts as one) counts at most COUNTER_ADDRESS_CAP visitors per solution, metric and day.
The marks are in the database, so every worker and host shares the cap.
"""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import func, select

from marketplace.extensions import db
from marketplace.insights import services
from marketplace.insights.models import ViewMark
from tests import factories
from tests.insights.conftest import counter

DAY = dt.date(2026, 3, 10)
ATTEMPTS = 1000
# Over HTTP, with a small cap, enough made-up names to pass it well (each request renders
# a page); the 1,000 go through the same services with the same visitor keys.
HTTP_CAP = 5
HTTP_ATTEMPTS = 40


@pytest.fixture
def solution(vendor):
    return factories.make_solution(vendor)


@pytest.fixture
def cap(app):
    return app.config["COUNTER_ADDRESS_CAP"]


@pytest.fixture
def capped_app(app_factory, app):
    return app_factory(COUNTER_ADDRESS_CAP=HTTP_CAP)


def _cookieless(web_app):
    return web_app.test_client(use_cookies=False)


def test_rotating_user_agents_raise_the_views_by_at_most_the_cap(capped_app, solution):
    cap = HTTP_CAP
    client = _cookieless(capped_app)
    url = f"/solutions/{solution.slug}"
    for i in range(HTTP_ATTEMPTS):
        response = client.get(url, headers={"User-Agent": f"Bot/{i}"})
        assert response.status_code == 200
        response.close()  # the count happens once the response is sent
    db.session.expire_all()
    assert counter(solution.id, "view") == cap
    # Refused visitors leave no mark: the table does not grow with made-up names either.
    marks = db.session.scalar(select(func.count()).select_from(ViewMark))
    assert marks == cap


def test_rotating_user_agents_raise_the_compare_adds_by_at_most_the_cap(capped_app, solution):
    cap = HTTP_CAP
    client = _cookieless(capped_app)
    for i in range(HTTP_ATTEMPTS):
        response = client.post(
            "/compare/add", data={"slug": solution.slug}, headers={"User-Agent": f"Bot/{i}"}
        )
        assert response.status_code == 302
    db.session.expire_all()
    assert counter(solution.id, "compare_add") == cap


def test_a_thousand_user_agents_of_one_address_count_at_most_the_cap(app, solution, cap):
    address = "198.51.100.7"
    views = adds = 0
    for i in range(ATTEMPTS):
        visitor = services.visitor_key(None, address, f"Mozilla/5.0 Bot/{i}")
        views += services.record_view(solution.id, visitor, day=DAY, address=address)
        adds += services.record_compare_add(
            solution.id, already_in_tray=False, visitor=visitor, address=address, day=DAY
        )
    db.session.commit()
    assert views == adds == cap
    assert counter(solution.id, "view", DAY) == counter(solution.id, "compare_add", DAY) == cap


def test_the_same_cookieless_visitor_adds_to_compare_once_a_day(web_app, solution):
    for _ in range(3):
        _cookieless(web_app).post(
            "/compare/add", data={"slug": solution.slug}, headers={"User-Agent": "Firefox/140"}
        )
    db.session.expire_all()
    assert counter(solution.id, "compare_add") == 1


def test_another_address_has_a_cap_of_its_own(capped_app, solution):
    cap = HTTP_CAP
    client = _cookieless(capped_app)
    url = f"/solutions/{solution.slug}"
    for address in ("198.51.100.7", "203.0.113.9"):
        for i in range(cap + 5):
            client.get(
                url, headers={"User-Agent": f"Bot/{i}"}, environ_base={"REMOTE_ADDR": address}
            ).close()
    db.session.expire_all()
    assert counter(solution.id, "view") == 2 * cap


def test_addresses_of_one_ipv6_block_share_the_cap(app, solution, cap):
    counted = sum(
        services.record_view(
            solution.id, f"a:2001:db8:1:2::{i:x}|Bot", day=DAY, address=f"2001:db8:1:2::{i:x}"
        )
        for i in range(1, cap + 20)
    )
    # Another /64 is another subscriber.
    counted_elsewhere = services.record_view(
        solution.id, "a:2001:db8:1:3::1|Bot", day=DAY, address="2001:db8:1:3::1"
    )
    db.session.commit()
    assert counted == cap and counted_elsewhere


def test_signed_in_users_are_not_held_by_the_address_cap(app, solution, cap):
    counted = sum(services.record_view(solution.id, f"u:{i}", day=DAY) for i in range(cap + 5))
    db.session.commit()
    assert counted == cap + 5


def test_views_and_compare_adds_have_separate_caps(app, solution, cap):
    for i in range(cap):
        services.record_view(solution.id, f"a:198.51.100.7|B{i}", day=DAY, address="198.51.100.7")
    assert services.record_compare_add(
        solution.id,
        already_in_tray=False,
        visitor="a:198.51.100.7|B0",
        address="198.51.100.7",
        day=DAY,
    )
    assert not services.record_view(
        solution.id, "a:198.51.100.7|new", day=DAY, address="198.51.100.7"
    )


@pytest.mark.parametrize(
    ("address", "group"),
    [
        ("198.51.100.7", "198.51.100.7"),
        ("2001:db8:1:2:aaaa:bbbb:cccc:dddd", "2001:db8:1:2::/64"),
        ("::ffff:198.51.100.7", "198.51.100.7"),
        ("", None),
        (None, None),
    ],
)
def test_address_group(address, group):
    assert services.address_group(address) == group
