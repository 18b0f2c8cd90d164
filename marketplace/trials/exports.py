"""The vendor's trial inbox as CSV."""

from __future__ import annotations

import datetime as dt

from flask_babel import gettext as _

from marketplace.accounts.choices import org_address
from marketplace.core.clock import TIMEZONE
from marketplace.core.csv_export import csv_writer, safe_cell
from marketplace.extensions import db
from marketplace.trials.presenters import status_label
from marketplace.trials.queries import InboxFilters, inbox_query

EXPORT_LIMIT = 20_000


def export_csv(vendor_id: int, filters: InboxFilters | None = None) -> str:
    """Return the vendor's trials under the filters as CSV text (UTF-8 BOM, dd/mm/yyyy)."""
    trials = db.session.scalars(inbox_query(vendor_id, filters).limit(EXPORT_LIMIT)).unique()
    out, writer = csv_writer()
    writer.writerow(
        [
            _("Mã yêu cầu"),
            _("Ngày gửi"),
            _("Trạng thái"),
            _("Giải pháp"),
            _("Gói dịch vụ"),
            _("Số ngày dùng thử"),
            _("Doanh nghiệp"),
            _("Mã số thuế"),
            _("Địa chỉ"),
            _("Người liên hệ"),
            _("Điện thoại"),
            _("Số người dùng"),
            _("Ngày muốn bắt đầu"),
            _("Ngày bắt đầu"),
            _("Ngày kết thúc"),
            _("Phản hồi lần đầu"),
            _("Lý do"),
            _("Lời nhắn"),
        ]
    )
    for t in trials:
        writer.writerow(
            [
                t.id,
                _local_date(t.created_at),
                status_label(t.status),
                safe_cell(t.solution.name),
                safe_cell(t.plan.name),
                t.trial_days,
                safe_cell(t.organization.name),
                t.organization.tax_code,
                safe_cell(org_address(t.organization)),
                safe_cell(t.contact_name),
                t.contact_phone,
                t.users_count,
                _date(t.preferred_start),
                _date(t.start_date),
                _date(t.end_date),
                _local_datetime(t.first_response_at),
                safe_cell(t.reason or ""),
                safe_cell(t.message or ""),
            ]
        )
    return out.getvalue()


def _date(value: dt.date | None) -> str:
    return value.strftime("%d/%m/%Y") if value else ""


def _local_date(value: dt.datetime | None) -> str:
    return value.astimezone(TIMEZONE).strftime("%d/%m/%Y") if value else ""


def _local_datetime(value: dt.datetime | None) -> str:
    return value.astimezone(TIMEZONE).strftime("%d/%m/%Y %H:%M") if value else ""
