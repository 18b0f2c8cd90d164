"""JSON API v1: catalogue, solution, comparison, categories, statistics and the document.

Every view reads its parameters strictly (400 with `details` for anything it cannot
use), answers only published solutions of active vendors, and goes through the same
query code as the HTML pages.
"""

from __future__ import annotations

import functools
import hashlib
import json
import re
from collections.abc import Callable
from typing import Any

from flask import current_app, render_template, request
from flask.wrappers import Response
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import func

from marketplace.api import bp, docs_bp, openapi, ratelimit, serializers
from marketplace.catalog import queries
from marketplace.catalog.models import Solution
from marketplace.compare import services as compare
from marketplace.core.errors import ERROR_CODES
from marketplace.extensions import db
from marketplace.insights import services as insights

CACHE_CONTROL = "public, max-age=60"
# What a slug can be (see core.text.slugify); anything else cannot name a solution.
SLUG_RE = re.compile(r"^[a-z0-9][a-z0-9-]{0,99}$")


# ---------------------------------------------------------------- responses


def _dumps(data: Any) -> str:
    return json.dumps(data, ensure_ascii=False, separators=(",", ":"))


def json_response(data: Any) -> Response:
    """Answer 200 with a strong ETag and public caching; 304 when If-None-Match matches."""
    body = _dumps(data)
    response = current_app.response_class(body, mimetype="application/json")
    response.set_etag(hashlib.sha256(body.encode("utf-8")).hexdigest())
    response.headers["Cache-Control"] = CACHE_CONTROL
    return response.make_conditional(request)


def error_response(
    status: int, message: str, details: dict[str, str] | None = None
) -> tuple[Response, int]:
    """Answer an error in the API's shape, with `details` per parameter when given."""
    error: dict[str, Any] = {"code": ERROR_CODES.get(status, "error"), "message": message}
    if details:
        error["details"] = details
    response = current_app.response_class(_dumps({"error": error}), mimetype="application/json")
    response.headers["Cache-Control"] = "no-store"
    return response, status


def bad_request(details: dict[str, str], message: str | None = None):
    return error_response(400, message or _("Tham số không hợp lệ."), details)


class BadParameters(Exception):
    def __init__(self, details: dict[str, str]) -> None:
        super().__init__(details)
        self.details = details


def _lang() -> str:
    raw = request.args.get("lang")
    if raw is None or raw == "":
        return current_app.config["BABEL_DEFAULT_LOCALE"]
    if raw not in openapi.LANGS:
        raise BadParameters({"lang": "must be one of " + ", ".join(openapi.LANGS)})
    return raw


def localised(view: Callable) -> Callable:
    """Run a view in the language of `lang`, never the visitor's cookie: answers are public."""

    @functools.wraps(view)
    def wrapper(*args, **kwargs):
        try:
            lang = _lang()
        except BadParameters as err:
            return bad_request(err.details)
        with force_locale(lang):
            return view(*args, **kwargs)

    return wrapper


# ---------------------------------------------------------------- endpoints


@bp.get("/solutions")
@localised
def list_solutions():
    params = queries.parse_params(request.args, default_per_page=current_app.config["PER_PAGE"])
    if params.errors:
        return bad_request(dict(params.errors))
    result = queries.run_catalog(params, with_facets=False)
    if params.errors:  # an unknown category is only found out while querying
        return bad_request(dict(params.errors))
    return json_response(
        {
            "items": [serializers.solution_summary(s) for s in result.items],
            "page": params.page,
            "per_page": params.per_page,
            "total": result.total,
        }
    )


@bp.get("/solutions/<slug>")
@localised
def get_solution(slug: str):
    solution = queries.public_solution(slug) if SLUG_RE.match(slug) else None
    if solution is None:
        return error_response(404, _("Không tìm thấy giải pháp “%(slug)s”.", slug=slug[:100]))
    return json_response(serializers.solution_detail(solution))


@bp.get("/compare")
@localised
def compare_solutions():
    raw = request.args.get("s")
    if not raw or not raw.strip():
        return bad_request({"s": "required: 2 to 4 slugs separated by commas"})
    slugs, messages = compare.parse_slugs(raw)
    if len(slugs) > compare.MAX_ITEMS:
        return bad_request(
            {"s": f"at most {compare.MAX_ITEMS} slugs"},
            _("Chỉ so sánh được tối đa %(n)d giải pháp.", n=compare.MAX_ITEMS),
        )
    # A string that cannot be a slug names no solution: it is reported as not found.
    comparison = compare.build_comparison([s for s in slugs if SLUG_RE.match(s)])
    comparison.messages[:0] = messages + [
        _("Không tìm thấy giải pháp “%(slug)s” (có thể đã ngừng hiển thị).", slug=s)
        for s in slugs
        if not SLUG_RE.match(s)
    ]
    if not comparison.ready:
        message = _(
            "Cần từ %(low)d đến %(high)d giải pháp đang hiển thị để so sánh.",
            low=compare.MIN_ITEMS,
            high=compare.MAX_ITEMS,
        )
        found = len(comparison.solutions)
        return bad_request(
            {
                "s": f"needs {compare.MIN_ITEMS} to {compare.MAX_ITEMS} public solutions, {found} found"
            },
            " ".join([message, *comparison.messages]),
        )
    return json_response(serializers.comparison_json(comparison))


@bp.get("/categories")
@localised
def list_categories():
    counts = dict(
        db.session.execute(
            queries.solutions_with_vendor()
            .where(*queries.visible())
            .with_only_columns(Solution.category_id, func.count())
            .group_by(Solution.category_id)
        ).all()
    )
    return json_response(serializers.category_tree_json(queries.category_tree(counts)))


@bp.get("/stats")
def stats():
    # `include=dashboard` adds the province dashboard's figures to the three counts.
    if request.args.get("include") == "dashboard":
        return json_response(serializers.dashboard_json(insights.build_dashboard()))
    return json_response(serializers.totals_json(insights.marketplace_totals()))


@bp.errorhandler(429)
def rate_limited(err):
    return error_response(
        429,
        _("Bạn gửi quá nhiều yêu cầu. Vui lòng thử lại sau %(n)d giây.", n=ratelimit.retry_after()),
    )


@bp.get("/openapi.json")
def openapi_document():
    return json_response(openapi.build_document())


@docs_bp.get("/docs")
def docs():
    document = openapi.build_document()
    return render_template(
        "api/docs.html",
        document=document,
        endpoints=openapi.endpoints(document),
        schemas=openapi.schemas(document),
        base_url=request.host_url.rstrip("/") + bp.url_prefix,
    )
