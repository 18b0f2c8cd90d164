"""JSON API v1: catalogue, solution, comparison, categories, statistics and the document.

Every view reads its query parameters through its model in schemas.py (400 with `details`
for anything the document does not allow), answers a shape of schemas.py, answers only
published solutions of active vendors, and goes through the same query code as the HTML
pages.
"""

from __future__ import annotations

import functools
import hashlib
import re
from collections.abc import Callable

from flask import current_app, render_template, request, url_for
from flask.wrappers import Response
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import func

from marketplace.api import bp, docs_bp, openapi, query_schemas, ratelimit, serializers
from marketplace.api import schemas as shapes
from marketplace.api.params import BadParameters, parse_query
from marketplace.assessment import figures
from marketplace.catalog import params as catalog_params
from marketplace.catalog import public_queries, queries, search_words, suggestions, vendor_queries
from marketplace.catalog.models import Solution
from marketplace.compare import services as compare
from marketplace.core import panels, stamps
from marketplace.core.errors import ERROR_CODES
from marketplace.core.urls import site_root
from marketplace.extensions import db
from marketplace.insights import dashboard as insights_dashboard

CACHE_CONTROL = "public, max-age=60"
SLUG_RE = re.compile(query_schemas.SLUG_PATTERN)


# ---------------------------------------------------------------- responses


def json_response(shape: shapes.Shape | shapes.ListShape | shapes.OpenAPIDocument) -> Response:
    """Answer 200 with a shape, a strong ETag and public caching; 304 when If-None-Match matches."""
    # pydantic writes compact UTF-8 JSON, as json.dumps(ensure_ascii=False) did, faster.
    body = shape.to_json()
    response = current_app.response_class(body, mimetype="application/json")
    response.set_etag(hashlib.sha256(body.encode("utf-8")).hexdigest())
    response.headers["Cache-Control"] = CACHE_CONTROL
    return response.make_conditional(request)


def error_response(
    status: int, message: str, details: dict[str, str] | None = None
) -> tuple[Response, int]:
    """Answer an error in the API's shape, with `details` per parameter when given."""
    error = shapes.Error(
        error=shapes.ErrorBody(
            code=ERROR_CODES.get(status, "error"), message=str(message), details=details or None
        )
    )
    response = current_app.response_class(error.to_json(), mimetype="application/json")
    response.headers["Cache-Control"] = "no-store"
    return response, status


def bad_request(details: dict[str, str], message: str | None = None):
    return error_response(400, message or _("Tham số không hợp lệ."), details)


def with_query(model: type[query_schemas.Query]) -> Callable:
    """Read the view's query parameters through `model` and run it in the language of `lang`.

    The language is never the visitor's cookie: answers are public and cached.
    """

    def decorate(view: Callable) -> Callable:
        @functools.wraps(view)
        def wrapper(*args, **kwargs):
            try:
                query = parse_query(model, request.args)
            except BadParameters as err:
                return bad_request(err.details)
            lang = getattr(query, "lang", None) or current_app.config["BABEL_DEFAULT_LOCALE"]
            with force_locale(lang):
                return view(query, *args, **kwargs)

        return wrapper

    return decorate


# ---------------------------------------------------------------- endpoints


def _catalog_args(query: query_schemas.ListQuery) -> dict[str, str]:
    """The catalogue's own parameters from validated ones (flags as the catalogue reads them)."""
    args = query.model_dump(exclude={"lang"}, exclude_none=True)
    for flag in ("has_trial", "verified"):
        if flag in args:
            args[flag] = "1" if args[flag] in query_schemas.TRUE_FLAGS else ""
    return {name: str(value) for name, value in args.items()}


@bp.get("/solutions")
@with_query(query_schemas.ListQuery)
def list_solutions(query: query_schemas.ListQuery):
    params = catalog_params.parse_params(
        _catalog_args(query), default_per_page=current_app.config["PER_PAGE"]
    )
    result = queries.run_catalog(params, with_facets=False)
    # A slug that names no category matches nothing (documented): an empty page, not a 400.
    unknown_category = "category" in params.errors
    return json_response(
        shapes.SolutionList(
            items=[]
            if unknown_category
            else [serializers.solution_summary(s) for s in result.items],
            page=params.page,
            per_page=params.per_page,
            total=0 if unknown_category else result.total,
        )
    )


@bp.get("/solutions/<slug>")
@with_query(query_schemas.LangQuery)
def get_solution(query: query_schemas.LangQuery, slug: str):
    solution = public_queries.public_solution(slug) if SLUG_RE.fullmatch(slug) else None
    if solution is None:
        return error_response(404, _("Không tìm thấy giải pháp “%(slug)s”.", slug=slug[:100]))
    return json_response(serializers.solution_detail(solution))


@bp.get("/vendors")
@with_query(query_schemas.VendorListQuery)
def list_vendors(query: query_schemas.VendorListQuery):
    result = vendor_queries.directory(
        q=query.q or "",
        category=query.category or "",
        verified=query.verified in query_schemas.TRUE_FLAGS,
        page=query.page,
    )
    return json_response(serializers.vendor_list(result))


@bp.get("/vendors/<slug>")
@with_query(query_schemas.VendorQuery)
def get_vendor(query: query_schemas.VendorQuery, slug: str):
    vendor = vendor_queries.vendor_by_slug(slug) if SLUG_RE.fullmatch(slug) else None
    if vendor is None:
        return error_response(404, _("Không tìm thấy nhà cung cấp “%(slug)s”.", slug=slug[:100]))
    org = vendor.organization
    solutions = vendor_queries.vendor_solutions_page(org.id, query.page, vendor.solutions)
    sections = panels.collect(panels.VENDOR_PROFILE, organization=org)
    return json_response(serializers.vendor_page(vendor, solutions, sections))


@bp.get("/needs")
@with_query(query_schemas.NeedListQuery)
def list_needs(query: query_schemas.NeedListQuery):
    from marketplace.needs import queries as needs_queries

    filters = needs_queries.NeedFilters(
        category=query.category or "",
        area=query.area or "",
        budget=query.budget or "",
        status=query.status,
    )
    per_page = current_app.config["PER_PAGE"]
    page = db.paginate(
        needs_queries.published_query(filters), page=query.page, per_page=per_page, error_out=False
    )
    return json_response(serializers.need_list(page.items, query.page, per_page, page.total))


@bp.get("/compare")
@with_query(query_schemas.CompareQuery)
def compare_solutions(query: query_schemas.CompareQuery):
    comparison = compare.build_comparison(query.s)
    if not comparison.ready:
        message = _(
            "Cần từ %(low)d đến %(high)d giải pháp đang hiển thị để so sánh.",
            low=compare.MIN_ITEMS,
            high=compare.MAX_ITEMS,
        )
        found = len(comparison.solutions)
        # Well-formed slugs that name too few public solutions: those are not found.
        return error_response(
            404,
            " ".join([message, *map(str, comparison.messages)]),
            {"s": f"needs {compare.MIN_ITEMS} public solutions, {found} found"},
        )
    return json_response(serializers.comparison_json(comparison))


@bp.get("/categories")
@with_query(query_schemas.LangQuery)
def list_categories(query: query_schemas.LangQuery):
    counts = dict(
        db.session.execute(
            queries.solutions_with_vendor()
            .where(*queries.visible())
            .with_only_columns(Solution.category_id, func.count())
            .group_by(Solution.category_id)
        ).all()
    )
    return json_response(serializers.category_tree_json(public_queries.category_tree(counts)))


@bp.get("/suggest")
@with_query(query_schemas.SuggestQuery)
def suggest(query: query_schemas.SuggestQuery):
    q = query.q[: query_schemas.MAX_QUERY]
    items = []
    # The same for every visitor: kept with the catalogue's counts (content stamp and timer),
    # so a prefix many buyers type costs the database once.
    typed = search_words.phrase(q[:200])
    found_all = stamps.public_value(
        ("suggest", query.lang, typed), lambda: suggestions.suggest(q, lang=query.lang)
    )
    for found in found_all:
        if found.kind == "solution":
            url = url_for("catalog.solution", slug=found.slug)
        elif found.kind == "category":
            url = url_for("catalog.index", category=found.slug)
        else:
            url = url_for("catalog.index", q=found.label)
        items.append(shapes.Suggestion(kind=found.kind, label=found.label, url=url))
    return json_response(shapes.Suggestions(q=q, items=items))


@bp.get("/stats")
@with_query(query_schemas.StatsQuery)
def stats(query: query_schemas.StatsQuery):
    # `include=dashboard` adds the province dashboard's figures to the three counts.
    if query.include == "dashboard":
        board = serializers.dashboard_json(insights_dashboard.kept_dashboard())
        board.readiness = serializers.readiness_json(figures.build_readiness())
        return json_response(board)
    return json_response(serializers.totals_json(insights_dashboard.marketplace_totals()))


@bp.errorhandler(429)
def rate_limited(err):
    return error_response(
        429,
        _("Bạn gửi quá nhiều yêu cầu. Vui lòng thử lại sau %(n)d giây.", n=ratelimit.retry_after()),
    )


@bp.get("/openapi.json")
def openapi_document():
    return json_response(shapes.OpenAPIDocument.model_validate(openapi.build_document()))


@docs_bp.get("/docs")
def docs():
    document = openapi.build_document()
    return render_template(
        "api/docs.html",
        document=document,
        endpoints=openapi.endpoints(document),
        schemas=openapi.schemas(document),
        base_url=site_root() + bp.url_prefix,
    )
