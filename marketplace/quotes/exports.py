"""The vendor's quote inbox as CSV."""

from __future__ import annotations

import datetime as dt

from flask_babel import gettext as _

from marketplace.core.clock import TIMEZONE
from marketplace.core.csv_export import csv_writer, safe_cell
from marketplace.extensions import db
from marketplace.quotes.presenters import budget_label, plan_or_custom, status_label
from marketplace.quotes.queries import InboxFilters, current_offers, inbox_query

EXPORT_LIMIT = 20_000


def _local_date(value: dt.datetime | None) -> str:
    return value.astimezone(TIMEZONE).strftime("%d/%m/%Y") if value else ""


def export_csv(vendor_id: int, filters: InboxFilters | None = None, *, user_id=None) -> str:
    """Return the vendor's quote requests under the filters as CSV (UTF-8 BOM, dd/mm/yyyy)."""
    quotes = list(
        db.session.scalars(
            inbox_query(vendor_id, filters, user_id=user_id).limit(EXPORT_LIMIT)
        ).unique()
    )
    offers = current_offers(q.id for q in quotes)
    out, writer = csv_writer()
    writer.writerow(
        [
            _("Mã yêu cầu"),
            _("Ngày gửi"),
            _("Trạng thái"),
            _("Giải pháp"),
            _("Gói quan tâm"),
            _("Số người dùng"),
            _("Doanh nghiệp"),
            _("Người liên hệ"),
            _("E-mail"),
            _("Điện thoại"),
            _("Ngân sách dự kiến"),
            _("Người phụ trách"),
            _("Báo giá hiện tại (₫)"),
            _("Hiệu lực đến"),
        ]
    )
    for q in quotes:
        offer = offers.get(q.id)
        writer.writerow(
            [
                q.id,
                _local_date(q.created_at),
                status_label(q.status),
                safe_cell(q.solution.name),
                safe_cell(plan_or_custom(q)),
                q.users_count,
                safe_cell(q.organization.name),
                safe_cell(q.contact_name),
                safe_cell(q.contact_email),
                safe_cell(q.contact_phone),
                budget_label(q.budget),
                safe_cell(q.assigned_to.name) if q.assigned_to else "",
                offer.total_vnd if offer else "",
                offer.valid_until.strftime("%d/%m/%Y") if offer else "",
            ]
        )
    return out.getvalue()
