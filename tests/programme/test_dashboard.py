"""The programme's figures: per month, budget used, enterprises supported from five up."""

from __future__ import annotations

from marketplace.core.clock import local_today
from marketplace.extensions import db
from marketplace.programme import dashboard, services
from tests import factories
from tests.programme import support


def _approve_for_new_enterprise(plan, moderator):
    buyer = factories.make_user("enterprise")
    application = support.make_application(support.paid_order(buyer, plan))
    services.approve_application(moderator, application)
    db.session.commit()
    return application


def test_figures_count_months_and_hide_fewer_than_five_enterprises(app, programme, plan, moderator):
    for _ in range(4):
        _approve_for_new_enterprise(plan, moderator)
    figures = dashboard.build_figures()
    this_month = figures.months[-1]
    assert this_month.month == local_today().replace(day=1)
    assert (this_month.applications, this_month.approvals) == (4, 4)
    assert figures.organizations_supported is None
    assert figures.budget.committed_vnd == 4 * 600_000
    assert figures.budget.left_vnd == 2_000_000_000 - 4 * 600_000
    last = _approve_for_new_enterprise(plan, moderator)
    services.record_disbursement(moderator, last, reference="UNC-1")
    db.session.commit()
    figures = dashboard.build_figures()
    assert figures.organizations_supported == 5
    assert figures.months[-1].disbursed_vnd == 600_000
    assert figures.budget.disbursed_vnd == 600_000
    assert dashboard.figures_json()["organizations_supported"] == 5
