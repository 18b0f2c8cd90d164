"""Insights pages: the public province dashboard and the vendor's figures (+ CSV)."""

from __future__ import annotations

from flask import render_template, request
from flask_login import current_user

from marketplace.core import geography, panels
from marketplace.core.csv_export import csv_download
from marketplace.core.permissions import role_required
from marketplace.insights import bp, charts, exports, vendor_figures
from marketplace.insights import dashboard as insights_dashboard


@bp.get("/dashboard")
def dashboard():
    area = insights_dashboard.dashboard_area(request.args.get("area"))
    return render_template(
        "insights/dashboard.html",
        board=insights_dashboard.kept_dashboard(area=area),
        charts=charts,
        areas=geography.former_areas(geography.served_province_code()),
        sections=panels.ordered(panels.DASHBOARD, area=area),
    )


@bp.get("/dashboard.csv")
def dashboard_csv():
    board = insights_dashboard.kept_dashboard(
        area=insights_dashboard.dashboard_area(request.args.get("area"))
    )
    filename = f"bang-theo-doi-{board.generated_on:%Y%m%d}.csv"
    return csv_download(exports.dashboard_csv(board), filename, public=True)


@bp.get("/vendor/insights")
@role_required("vendor")
def vendor_dashboard():
    data = vendor_figures.build_vendor_insights(current_user, request.args)
    return render_template("insights/vendor.html", data=data, charts=charts)


@bp.get("/vendor/insights.csv")
@role_required("vendor")
def vendor_csv():
    data = vendor_figures.build_vendor_insights(current_user, request.args)
    filename = f"so-lieu-{data.period.start:%Y%m%d}-{data.period.end:%Y%m%d}.csv"
    return csv_download(exports.vendor_csv(data), filename, public=False)
