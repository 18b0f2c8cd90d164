"""Fixtures for the programme: a published plan in the programme and a paid invoiced order."""

from __future__ import annotations

import pytest

from tests import factories
from tests.programme import support


@pytest.fixture
def solution(vendor):
    return factories.make_solution(vendor)


@pytest.fixture
def plan(solution):
    return solution.plans[0]


@pytest.fixture
def programme(plan):
    programme = support.make_programme(category_ids=[plan.solution.category_id])
    support.approve_plan(programme, plan)
    return programme


@pytest.fixture
def order(programme, enterprise, plan):
    return support.paid_order(enterprise, plan)
