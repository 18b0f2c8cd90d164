"""The dashboard and the vendor's figures as CSV (small cells stay "<5")."""

from __future__ import annotations

from flask_babel import gettext as _

from marketplace.core.csv_export import csv_writer, safe_cell
from marketplace.core.formatting import format_number
from marketplace.insights.dashboard import Dashboard
from marketplace.insights.periods import SUPPRESSED
from marketplace.insights.vendor_figures import VendorInsights

# A spreadsheet for people (translated headings, a BOM for Excel), not a machine format: its
# decimals are written as the page's language writes them, through Babel like every page.


def _percent(value: float | None) -> str:
    return "" if value is None else format_number(value, 1)


def dashboard_csv(board: Dashboard) -> str:
    """Return the dashboard as CSV: section, item, value (suppressed cells say "<5")."""
    out, writer = csv_writer()
    writer.writerow([_("Mục"), _("Chỉ tiêu"), _("Giá trị")])
    section = _("Tổng quan")
    writer.writerow([section, _("Nhà cung cấp"), board.totals.vendors])
    writer.writerow([section, _("Giải pháp"), board.totals.solutions])
    writer.writerow([section, _("Doanh nghiệp"), board.totals.enterprises])
    writer.writerow([section, _("Yêu cầu dùng thử (từ trước đến nay)"), board.trials_total])
    writer.writerow([section, _("Lượt mua (từ trước đến nay)"), board.purchases_total])
    for point in board.months:
        writer.writerow([_("Dùng thử theo tháng"), point.label, point.trials])
    for point in board.months:
        writer.writerow([_("Lượt mua theo tháng"), point.label, point.purchases])
    section = _("Phễu chuyển đổi (12 tháng)")
    writer.writerow([section, _("Lượt xem"), board.funnel["viewed"]])
    writer.writerow([section, _("Dùng thử"), board.funnel["trial"]])
    writer.writerow([section, _("Trả phí"), board.funnel["paid"]])
    for breakdown in board.breakdowns:
        title = _("Doanh nghiệp theo %(d)s", d=breakdown.title.lower())
        for cell in breakdown.cells:
            writer.writerow([title, safe_cell(cell.label), cell.display])
    for rating in board.ratings:
        value = SUPPRESSED if rating.average is None else format_number(rating.average, 2)
        writer.writerow([_("Điểm đánh giá trung bình"), safe_cell(rating.label), value])
    return out.getvalue()


def vendor_csv(data: VendorInsights) -> str:
    """Return the vendor's figures per solution (and the total) as CSV."""
    out, writer = csv_writer()
    writer.writerow(
        [
            _("Giải pháp"),
            _("Từ ngày"),
            _("Đến ngày"),
            _("Lượt xem"),
            _("Lượt thêm vào so sánh"),
            _("Yêu cầu dùng thử"),
            _("Đã chấp nhận"),
            _("Chuyển sang trả phí"),
            _("Tỷ lệ chấp nhận (%)"),
            _("Tỷ lệ chuyển đổi (%)"),
            _("Thời gian phản hồi trung vị (giờ)"),
        ]
    )
    start = data.period.start.strftime("%d/%m/%Y")
    end = data.period.end.strftime("%d/%m/%Y")
    for row in [*data.rows, data.total]:
        hours = (
            "" if row.response is None else format_number(row.response.total_seconds() / 3600, 1)
        )
        writer.writerow(
            [
                safe_cell(row.name),
                start,
                end,
                row.views,
                row.compare_adds,
                row.trial_requests,
                row.accepts,
                row.converts,
                _percent(row.acceptance_rate),
                _percent(row.conversion_rate),
                hours,
            ]
        )
    return out.getvalue()
