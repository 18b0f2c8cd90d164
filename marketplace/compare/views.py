"""The comparison page and the tray's add/remove/clear actions."""

from __future__ import annotations

import re

from flask import flash, jsonify, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user

from marketplace.compare import bp, services
from marketplace.core import events
from marketplace.core.pagecache import cache_page
from marketplace.core.security import preference_post
from marketplace.core.urls import safe_next
from marketplace.extensions import db
from marketplace.reviews import presenters as reviews_presenters
from marketplace.reviews import queries as reviews_queries
from marketplace.trials import queries as trials_queries


def inject_tray() -> dict:
    """Give every page the tray (one query, and none when it is empty)."""
    if not session.get(services.SESSION_KEY):
        return {"compare_tray": []}
    return {"compare_tray": services.tray_items(session)}


@bp.get("", strict_slashes=False)
@cache_page
def index():
    raw = request.args.get("s")
    if raw is None:
        slugs = services.tray_slugs(session)
        if len(slugs) >= services.MIN_ITEMS:
            return redirect(url_for("compare.index", s=",".join(slugs)))
        messages: list[str] = []
    else:
        slugs, messages = services.parse_slugs(raw)
    comparison = services.build_comparison(slugs)
    comparison.messages[:0] = messages
    return render_template(
        "compare/index.html",
        c=comparison,
        only_diff=request.args.get("diff") == "1",
        plan_lines=services.plan_lines(comparison.solutions),
        raw=",".join(s.slug for s in comparison.solutions),
        response_times=trials_queries.median_response_time(
            s.vendor_id for s in comparison.solutions
        ),
        ratings=reviews_queries.summaries_of(comparison.solutions),
        aspect_labels=reviews_presenters.ASPECT_LABELS,
    )


_ANCHOR = re.compile(r"[A-Za-z][A-Za-z0-9_-]{0,119}")


def _wants_json() -> bool:
    """The tray script asks for JSON: it updates the tray in place (static/js/app.js)."""
    return request.headers.get("X-Requested-With") == "fetch"


def _back(default: str, message: str | None = None, category: str = "success"):
    """Go back where the form was sent from, to the same card (its anchor) when it says so.

    A script's request gets the tray's new markup and the sentence to announce instead.
    """
    target = safe_next(request.form.get("next"), default)
    if _wants_json():
        return jsonify(
            ok=category == "success",
            message=message or "",
            count=len(services.tray_slugs(session)),
            slugs=services.tray_slugs(session),
            tray=render_template("compare/_tray.html", tray_next=target),
        )
    if message:
        flash(message, category)
    anchor = request.form.get("anchor", "")
    if anchor and "#" not in target and _ANCHOR.fullmatch(anchor):
        target = f"{target}#{anchor}"
    return redirect(target)


@bp.post("/add")
@preference_post
def add():
    before = set(services.tray_slugs(session))
    try:
        solution = services.add_to_tray(session, request.form.get("slug", ""))
    except services.CompareError as err:
        return _back(url_for("catalog.index"), err.message, "warning")
    else:
        events.solution_compared.send(
            solution,
            already_in_tray=solution.slug in before,
            user=current_user,
            address=request.remote_addr,
            user_agent=request.headers.get("User-Agent"),
        )
        db.session.commit()
        message = _(
            "Đã thêm “%(name)s” vào so sánh (%(n)d/%(max)d).",
            name=solution.name,
            n=len(services.tray_slugs(session)),
            max=services.MAX_ITEMS,
        )
        return _back(url_for("catalog.index"), message)


@bp.post("/remove")
@preference_post
def remove():
    slug = request.form.get("slug", "")
    services.remove_from_tray(session, slug)
    message = _("Đã bỏ một giải pháp khỏi so sánh.") if _wants_json() else None
    return _back(url_for("compare.index"), message)


@bp.post("/clear")
@preference_post
def clear():
    services.clear_tray(session)
    message = _("Đã xóa hết danh sách so sánh.") if _wants_json() else None
    return _back(url_for("catalog.index"), message)
