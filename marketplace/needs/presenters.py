"""How needs read on pages, in the CSV and in the API: labels, the buyer's shown name, the
anonymised summary."""

from __future__ import annotations

from collections.abc import Iterable

from flask_babel import gettext as _

from marketplace.core import geography
from marketplace.core.csv_export import csv_writer, safe_cell
from marketplace.core.formatting import format_date, format_vnd
from marketplace.needs import rules
from marketplace.needs.models import Need


def status_label(status: str) -> str:
    return str(rules.STATUS_LABELS.get(status, status))


def status_class(status: str) -> str:
    return rules.STATUS_CLASSES.get(status, "text-bg-secondary")


def proposal_label(status: str) -> str:
    return str(rules.PROPOSAL_LABELS.get(status, status))


def period_label(period: str) -> str:
    return str(rules.PERIOD_LABELS.get(period, period))


def area_label(need: Need) -> str:
    """Return where the need is: the commune and its former area, or the area alone."""
    commune = geography.commune(need.commune_code) if need.commune_code else None
    if commune is not None:
        return f"{commune.name} ({commune.former_area_label})"
    return str(geography.served_province())


def public_area(need: Need) -> str:
    """Return the former area only: a commune could point at a small enterprise."""
    commune = geography.commune(need.commune_code) if need.commune_code else None
    return commune.former_area_label if commune else str(geography.served_province())


def buyer_label(need: Need, show: bool) -> str:
    """Return the enterprise's name when it may be shown, else an anonymous description."""
    if show:
        return need.organization.name
    return _("Một doanh nghiệp ở %(area)s", area=public_area(need))


def budget_band(need: Need) -> str:
    """Return the public band of the need's budget (anonymous visitors see only this)."""
    return rules.budget_band(need.budget_max_vnd)


def budget_range(need: Need) -> str:
    return f"{format_vnd(need.budget_min_vnd)} – {format_vnd(need.budget_max_vnd)}"


def budget_filter_labels(keys: Iterable[str]) -> dict[str, str]:
    """Return the label of each budget filter key, the keys given in the bands' order."""
    labels = [str(label) for _limit, label in rules.BUDGET_BANDS] + [str(rules.TOP_BAND)]
    return dict(zip(keys, labels, strict=True))


def export_csv(needs: list[Need], counts: dict[int, int]) -> str:
    """Return the needs a vendor sees as CSV. Never the enterprise's name or tax code of a
    hidden-name need (this export has neither column: the page shows the name when shown)."""
    out, writer = csv_writer()
    writer.writerow(
        [
            _("Mã"),
            _("Tiêu đề"),
            _("Danh mục"),
            _("Khu vực"),
            _("Số người dùng"),
            _("Ngân sách từ"),
            _("Ngân sách đến"),
            _("Hạn nhận đề xuất"),
            _("Số đề xuất"),
        ]
    )
    for need in needs:
        writer.writerow(
            [
                need.id,
                safe_cell(need.title),
                safe_cell(need.category.name if need.category else ""),
                public_area(need),
                need.users_count,
                need.budget_min_vnd,
                need.budget_max_vnd,
                format_date(need.deadline),
                counts.get(need.id, 0),
            ]
        )
    return out.getvalue()
