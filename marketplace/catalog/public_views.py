"""The public catalogue: browse and search, and each solution's page."""

from __future__ import annotations

from flask import abort, current_app, make_response, redirect, render_template, request, url_for

from marketplace.catalog import catalog_bp, public_queries, queries
from marketplace.catalog import params as catalog_params
from marketplace.core import events, panels
from marketplace.core.fragments import Deferred, keep_page
from marketplace.core.pagecache import announce_view, cache_page


@catalog_bp.get("", strict_slashes=False)
@cache_page
@keep_page
def index():
    params = catalog_params.parse_params(
        request.args, default_per_page=current_app.config["PER_PAGE"]
    )
    merged_into = public_queries.merged_category_slug(params.category)
    if merged_into is not None:
        # A retired category's old links lead to the category its listings moved to.
        args = request.args.to_dict(flat=False) | {"category": [merged_into]}
        return redirect(url_for("catalog.index", **args), 301)
    result = queries.run_catalog(params)
    tree = public_queries.category_tree(result.facets.categories)
    current = public_queries.find_category(tree, params.category)
    return render_template(
        "catalog/index.html",
        result=result,
        params=params,
        category=current,
        category_description=current.description if current else "",
        tree=tree,
        # Every public input of the kept result cards and facets (core/fragments.py).
        fragment_key=(tuple(sorted(params.to_args().items())), params.per_page),
        deployments=catalog_params.DEPLOYMENTS,
        price_buckets=catalog_params.PRICE_BUCKETS,
        rating_buckets=catalog_params.RATING_BUCKETS,
    )


@catalog_bp.get("/<slug>")
@cache_page
@keep_page
def solution(slug: str):
    item = public_queries.public_solution(slug)
    if item is None:
        abort(404)
    response = make_response(
        render_template(
            "catalog/solution.html",
            solution=item,
            # The page's plans, given to the slots that read the visitor's plans at once.
            plan_ids=tuple(plan.id for plan in item.active_plans),
            view=Deferred(lambda: public_queries.listing_view(item)),
            # Read only by the parts kept for everyone: not read while they are kept.
            others=Deferred(lambda: public_queries.vendor_others(item)),
            panels=panels.collect_lazily(panels.SOLUTION, solution=item),
        )
    )
    # Counted after the response is sent: the page runs no extra query for it. A showing
    # served from the page cache, or from a page kept whole, is announced again.
    announce_view(events.solution_viewed.name, item.id, response)
    return response
