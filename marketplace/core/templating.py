"""Jinja filters and globals shared by every template."""

from __future__ import annotations

from flask import Flask, request
from flask_babel import get_locale
from werkzeug.routing import BuildError

from marketplace.core import formatting, geography, site_settings, snippets
from marketplace.core.i18n import LANGUAGE_NAMES


def url_for_page(page: int) -> str:
    """Return the current URL with `page` replaced, keeping every other argument."""
    from flask import url_for

    args = request.args.to_dict(flat=False)
    args["page"] = [str(page)]
    try:
        return url_for(request.endpoint, **(request.view_args or {}), **args)
    except BuildError:
        return f"?page={page}"


def init_app(app: Flask) -> None:
    app.jinja_env.filters["vnd"] = formatting.format_vnd
    app.jinja_env.filters["rating"] = formatting.format_rating
    app.jinja_env.filters["num"] = formatting.format_number
    app.jinja_env.filters["share"] = formatting.format_share
    app.jinja_env.filters["percent"] = formatting.format_percent_points
    app.jinja_env.filters["date_vn"] = formatting.format_date
    app.jinja_env.filters["datetime_vn"] = formatting.format_datetime
    app.jinja_env.globals.update(
        stars=snippets.stars,
        deployment_label=snippets.deployment_label,
        price=snippets.price,
        period_suffix=snippets.period_suffix,
    )
    app.jinja_env.globals["url_for_page"] = url_for_page
    app.jinja_env.globals["LANGUAGE_NAMES"] = LANGUAGE_NAMES
    app.jinja_env.globals["get_locale"] = get_locale
    app.jinja_env.globals["site_banner"] = site_settings.banner_for_visitor
    app.jinja_env.globals["served_province"] = geography.served_province
    app.jinja_env.globals["commune_label"] = geography.commune_label
