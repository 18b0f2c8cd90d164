"""Who and what the programme covers: a required self-assessment, the programme's period, the
eligible categories (and their subcategories), and the rules at the order's date."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from PIL import Image
from sqlalchemy import func, select

from marketplace.core.clock import local_midnight, local_today
from marketplace.core.errors import DomainError
from marketplace.extensions import db
from marketplace.programme import services
from marketplace.programme.models import Application, ApplicationStatus
from tests import factories
from tests.assessment.conftest import take
from tests.programme import support

ASSESSMENT_FIRST = "Chương trình yêu cầu hoàn thành bài tự đánh giá mức độ chuyển đổi số trước."
OUT_OF_PERIOD = "Đơn hàng không nằm trong thời gian của chương trình."
NOT_COVERED = "Gói dịch vụ của đơn hàng không thuộc chương trình hỗ trợ."


def _png(color="red") -> io.BytesIO:
    buf = io.BytesIO()
    Image.new("RGB", (64, 64), color).save(buf, "PNG")
    buf.seek(0)
    return buf


def _apply(browser, order):
    return browser.post(
        f"/orders/{order.id}/support",
        data={"invoice": (_png(), "hoadon.png"), "payment": (_png("blue"), "unc.png")},
        content_type="multipart/form-data",
    )


def _applications() -> int:
    return db.session.scalar(select(func.count(Application.id)))


def _days_ago(days: int) -> dt.datetime:
    return local_midnight(local_today() - dt.timedelta(days=days)) + dt.timedelta(hours=10)


# ---------------------------------------------------------------- a required self-assessment


def test_a_required_assessment_comes_before_the_price_and_applying(
    client_for, plan, enterprise, moderator
):
    programme = support.make_programme(
        category_ids=[plan.solution.category_id], assessment_required=True
    )
    support.approve_plan(programme, plan)
    order = support.paid_order(enterprise, plan)
    browser = client_for(enterprise)
    page = browser.get(f"/solutions/{plan.solution.slug}").get_data(as_text=True)
    assert "Giá sau hỗ trợ" not in page
    assert ASSESSMENT_FIRST in page
    assert services.application_problem(order) == ASSESSMENT_FIRST
    refused = _apply(browser, order)
    assert _applications() == 0
    told = browser.get(refused.headers["Location"]) if refused.status_code == 302 else refused
    assert ASSESSMENT_FIRST in told.get_data(as_text=True)
    # An application filed all the same (directly) is not approved either.
    filed = support.make_application(order)
    with pytest.raises(DomainError, match="tự đánh giá"):
        services.approve_application(moderator, filed)
    db.session.rollback()
    db.session.delete(db.session.get(Application, filed.id))
    db.session.commit()
    # A draft is not enough: the last step must be sent.
    take(browser, 3, steps=5)
    assert services.application_problem(order) == ASSESSMENT_FIRST
    take(browser, 3)
    page = browser.get(f"/solutions/{plan.solution.slug}").get_data(as_text=True)
    assert "Giá sau hỗ trợ:" in page and ASSESSMENT_FIRST not in page
    assert services.application_problem(order) is None
    assert _apply(browser, order).status_code == 302
    application = db.session.scalar(select(Application))
    services.approve_application(moderator, application)
    db.session.commit()
    assert application.status == ApplicationStatus.APPROVED
    assert application.amount_vnd == order.total_vnd // 2


# ---------------------------------------------------------------- the period


def test_after_the_period_there_is_no_support_line_and_no_application(
    client_for, client, plan, enterprise
):
    yesterday = local_today() - dt.timedelta(days=1)
    programme = support.make_programme(
        category_ids=[plan.solution.category_id], period_end=yesterday
    )
    support.approve_plan(programme, plan)
    order = support.paid_order(enterprise, plan)
    browser = client_for(enterprise)
    for who in (browser, client):
        page = who.get(f"/solutions/{plan.solution.slug}").get_data(as_text=True)
        assert "Giá sau hỗ trợ" not in page and "Có thể được hỗ trợ" not in page
    order_page = browser.get(f"/orders/{order.id}").get_data(as_text=True)
    assert "Đề nghị hỗ trợ cho đơn này" not in order_page
    assert services.application_problem(order) == OUT_OF_PERIOD
    response = _apply(browser, order)
    assert response.status_code in (302, 400)
    assert _applications() == 0


def test_an_order_placed_before_the_period_gets_no_support(client_for, plan, enterprise):
    started = local_today() - dt.timedelta(days=10)
    programme = support.make_programme(
        category_ids=[plan.solution.category_id], period_start=started
    )
    support.approve_plan(programme, plan)
    old = support.paid_order(enterprise, plan, created_at=_days_ago(30))
    new = support.paid_order(enterprise, plan)
    browser = client_for(enterprise)
    # Today is in the period: the plan shows its support, the new order may be applied for.
    assert "Giá sau hỗ trợ:" in browser.get(f"/solutions/{plan.solution.slug}").get_data(
        as_text=True
    )
    assert "Đề nghị hỗ trợ cho đơn này" in browser.get(f"/orders/{new.id}").get_data(as_text=True)
    # The older order is not.
    old_page = browser.get(f"/orders/{old.id}").get_data(as_text=True)
    assert "Đề nghị hỗ trợ cho đơn này" not in old_page and "Giá sau hỗ trợ" not in old_page
    assert services.application_problem(old) == OUT_OF_PERIOD
    _apply(browser, old)
    assert _applications() == 0
    assert services.application_problem(new) is None
    assert _apply(browser, new).status_code == 302
    assert db.session.scalar(select(Application.order_id)) == new.id


# ---------------------------------------------------------------- categories


def test_an_approved_plan_outside_the_eligible_categories_gets_nothing(
    client_for, plan, enterprise
):
    assert plan.solution.category.slug == "hoa-don-dien-tu"
    programme = support.make_programme(category_ids=[factories.category("ke-toan").id])
    support.approve_plan(programme, plan)
    order = support.paid_order(enterprise, plan)
    browser = client_for(enterprise)
    page = browser.get(f"/solutions/{plan.solution.slug}").get_data(as_text=True)
    assert "Giá sau hỗ trợ" not in page and "Thuộc chương trình hỗ trợ" not in page
    assert "Đề nghị hỗ trợ cho đơn này" not in browser.get(f"/orders/{order.id}").get_data(
        as_text=True
    )
    assert services.application_problem(order) == NOT_COVERED
    _apply(browser, order)
    assert _applications() == 0


def test_a_subcategory_of_an_eligible_category_is_covered(client_for, plan, enterprise):
    parent = factories.category("quan-tri-doanh-nghiep")
    assert plan.solution.category.parent_id == parent.id
    programme = support.make_programme(category_ids=[parent.id])
    support.approve_plan(programme, plan)
    order = support.paid_order(enterprise, plan)
    browser = client_for(enterprise)
    assert "Giá sau hỗ trợ:" in browser.get(f"/solutions/{plan.solution.slug}").get_data(
        as_text=True
    )
    assert services.application_problem(order) is None
    assert _apply(browser, order).status_code == 302
    assert _applications() == 1


# ---------------------------------------------------------------- the rules at the order's date


def test_the_rules_in_force_on_the_orders_date_set_the_rate(
    app, programme, plan, enterprise, moderator
):
    # A version in force since 20 days ago, added directly (the editor refuses past dates):
    # small enterprises 30 % instead of 50 %.
    first = programme.versions[0]
    later = support.add_version(
        programme,
        local_today() - dt.timedelta(days=20),
        category_ids=[plan.solution.category_id],
        rate_small=30,
    )
    db.session.commit()
    older = support.paid_order(enterprise, plan, created_at=_days_ago(40))
    newer = support.paid_order(enterprise, plan)
    assert older.total_vnd == newer.total_vnd == 1_200_000
    # Approved today, the older order keeps the rules of its own date; the newer one not.
    for order, version, rate, amount in ((older, first, 50, 600_000), (newer, later, 30, 360_000)):
        application = support.make_application(order)
        services.approve_application(moderator, application)
        db.session.commit()
        assert (application.version_id, application.rate_percent) == (version.id, rate)
        assert application.amount_vnd == amount


def test_the_rules_in_force_are_found_and_loaded_in_one_statement(
    app_factory, programme, count_queries, tmp_path
):
    """The solution page's programme line asks which rules are in force today: one
    statement when nothing is kept, one to load them when their id is kept, and the
    latest version that has started (not one still to come)."""
    from marketplace.programme import queries as programme_queries

    today = local_today()
    later = support.add_version(programme, today - dt.timedelta(days=3), budget=3_000_000_000)
    support.add_version(programme, today + dt.timedelta(days=30), budget=9_000_000_000)
    db.session.commit()
    later_id = later.id
    for seconds in (0, 60):  # public values off (tests), then kept (production)
        web = app_factory(CATALOG_CACHE_SECONDS=seconds, PAGE_CACHE_STAMP=str(tmp_path / "s"))
        with web.app_context():
            with count_queries() as q:
                version = programme_queries.version_in_force(today)
            assert q.count == 1, q.statements
            assert version.id == later_id and version.budget_vnd == 3_000_000_000
            assert version.programme.name == programme.name  # loaded with it
            db.session.remove()
            with count_queries() as q:
                assert programme_queries.version_in_force(today).id == later_id
            assert q.count == 1
            assert programme_queries.version_in_force(dt.date(2000, 1, 1)) is None
            db.session.remove()
