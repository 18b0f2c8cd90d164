"""Quote figures: the vendor's quote-to-order rate and the province's quotes per month."""

from __future__ import annotations

from marketplace.core.clock import local_today
from marketplace.extensions import db
from marketplace.insights import dashboard
from marketplace.insights.periods import month_key
from marketplace.quotes import services
from tests import factories
from tests.quotes.conftest import quote_input


def test_vendor_figures_and_the_province_dashboard_count_quotes(
    client_for, make_quote, enterprise, vendor, solution
):
    accepted = make_quote(offered=True)
    services.accept_offer(enterprise, accepted, offer_id=accepted.current_offer.id)
    services.request_quote(factories.make_user("enterprise"), solution, quote_input(solution))
    db.session.commit()
    page = client_for(vendor).get("/vendor/insights").get_data(as_text=True)
    assert "Tỷ lệ báo giá thành đơn hàng" in page
    assert "50%" in page or "50,0%" in page or "50.0%" in page
    board = dashboard.build_dashboard()
    this_month = next(p for p in board.months if month_key(p.month) == month_key(local_today()))
    assert this_month.quotes == 2
    assert "Yêu cầu báo giá theo tháng" in client_for(vendor).get("/dashboard").get_data(
        as_text=True
    )
