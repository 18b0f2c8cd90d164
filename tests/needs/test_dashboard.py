"""The needs board's figures on the province dashboard: needs per month, by area, the share
awarded among closed needs and the median days from publication to the award."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import update

from marketplace.core.database import utcnow
from marketplace.extensions import db
from marketplace.insights.periods import month_label, month_starts
from marketplace.needs import queries
from marketplace.needs.models import Need
from tests.needs.conftest import make_need


def _set(need: Need, **values) -> None:
    db.session.execute(update(Need).where(Need.id == need.id).values(**values))


def test_months_areas_share_awarded_and_median_days_to_award(enterprise, client):
    in_area = [make_need(enterprise, commune_code="10660") for _ in range(5)]  # Hải Dương cũ
    elsewhere = make_need(enterprise)  # no commune
    make_need(enterprise, status="pending")  # not published: counted nowhere
    now = utcnow()
    last_month = month_starts(2)[0]
    earlier = dt.datetime.combine(last_month + dt.timedelta(days=9), dt.time(5), tzinfo=dt.UTC)
    awarded_a, awarded_b, not_awarded, expired, open_a = in_area
    _set(
        awarded_a, published_at=earlier, status="awarded", closed_at=earlier + dt.timedelta(days=4)
    )
    _set(
        awarded_b, published_at=earlier, status="awarded", closed_at=earlier + dt.timedelta(days=2)
    )
    _set(not_awarded, published_at=earlier, status="not_awarded", closed_at=now)
    _set(expired, published_at=now, status="expired", closed_at=now)
    _set(open_a, published_at=now)
    _set(elsewhere, published_at=now)
    db.session.commit()

    figures = queries.dashboard()
    assert figures.published == 6
    assert len(figures.months) == 12
    assert figures.months[-2:] == [
        (month_label(last_month), 3),
        (month_label(month_starts(1)[0]), 3),
    ]
    assert sum(n for _label, n in figures.months) == 6
    assert figures.by_area == [("Khu vực Hải Dương cũ", 5), ("Không nêu", None)]
    assert figures.closed == 4 and figures.awarded == 2
    assert figures.share_awarded == 0.5
    assert figures.median_days_to_award == 3.0  # 4 and 2 days
    assert figures.median_proposals == 0.0

    only_area = queries.dashboard(area=awarded_a.area_code)
    assert only_area.published == 5 and only_area.closed == 4

    page = client.get("/dashboard").get_data(as_text=True)
    section = page[page.index("Chợ bài toán: nhu cầu của doanh nghiệp") :]
    assert 'Khu vực Hải Dương cũ</td><td class="text-end">5</td>' in section
    assert month_label(last_month) in section


def test_without_closed_needs_the_share_and_median_are_unknown(enterprise):
    make_need(enterprise)
    figures = queries.dashboard()
    assert figures.published == 1 and figures.closed == 0
    assert figures.share_awarded is None and figures.median_days_to_award is None
