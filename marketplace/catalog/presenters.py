"""Turn listing content into what templates show: names, labels, image URLs."""

from __future__ import annotations

import functools
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

from flask import url_for
from sqlalchemy import select
from sqlalchemy.orm.util import identity_key

from marketplace.catalog import listing_queries
from marketplace.catalog.content import ListingContent, PlanInput
from marketplace.catalog.models import Category, FeatureDefinition, Upload
from marketplace.catalog.params import CatalogParams
from marketplace.core import request_memo
from marketplace.core.text import render_markdown
from marketplace.extensions import db

# The characters werkzeug leaves unquoted in a query string (werkzeug.urls._urlencode), so
# that `catalog_url` gives exactly the address `url_for` gives.
_QUERY_SAFE = "!$'()*,/:;?@"


def catalog_url(params: CatalogParams, **changes: Any) -> str:
    """The catalogue's address for `params` with `changes`: what
    `url_for("catalog.index", **params.to_args(**changes))` gives, with the path built once
    per request (a results page links some fifty states of its filters)."""
    kept = request_memo.memo("catalog_url")
    path = kept.get("path")
    if path is None:
        path = kept["path"] = url_for("catalog.index")
    args = params.to_args(**changes)
    if not args:
        return path
    return f"{path}?" + "&".join(_query_pair(key, value) for key, value in args.items())


@functools.lru_cache(maxsize=4096, typed=True)
def _query_pair(key: str, value: Any) -> str:
    # What `urlencode` writes for one argument, kept: a results page writes the same query
    # text into some thirty links.
    return urlencode({key: value}, safe=_QUERY_SAFE)


@dataclass
class FeatureRow:
    key: str
    label: str
    value: str
    kind: str


@dataclass
class ListingView:
    content: ListingContent
    category: Category | None
    description_html: str
    features: list[FeatureRow] = field(default_factory=list)
    logo_url: str | None = None
    screenshot_urls: list[str] = field(default_factory=list)

    @property
    def plans(self) -> list[PlanInput]:
        return self.content.plans

    @property
    def lowest_price(self) -> int | None:
        return min((p.price_vnd for p in self.content.plans), default=None)

    @property
    def max_trial_days(self) -> int:
        return max((p.trial_days for p in self.content.plans), default=0)


def media_url(upload: Upload | None) -> str | None:
    return url_for("media.file", filename=upload.filename) if upload is not None else None


def _uploads(ids: list[int]) -> dict[int, Upload]:
    """The images `ids` by id: those the session holds already, the others in one query."""
    held = {}
    for upload_id in ids:
        upload = db.session.identity_map.get(identity_key(Upload, upload_id))
        if upload is not None:
            held[upload_id] = upload
    missing = [i for i in ids if i not in held]
    if missing:
        held.update(
            (u.id, u) for u in db.session.scalars(select(Upload).where(Upload.id.in_(missing)))
        )
    return held


def _definitions(category: Category | None) -> dict[str, FeatureDefinition]:
    """The category's features in force, by key (none without a category)."""
    if category is None:
        return {}
    return {d.key: d for d in listing_queries.vocabulary(category.id)}


def describe(
    content: ListingContent, definitions: dict[str, FeatureDefinition] | None = None
) -> ListingView:
    """Resolve a content's references (category, feature labels, images) in a few queries:
    none for what the session holds already (the category, images loaded with the
    listing), nor for the feature labels when `definitions` (by key) is given."""
    category = db.session.get(Category, content.category_id) if content.category_id else None
    if definitions is None:
        definitions = _definitions(category)
    rows: list[FeatureRow] = []
    for feature in content.features:
        definition = definitions.get(feature.key)
        if definition is not None:
            rows.append(FeatureRow(feature.key, definition.label, feature.value, definition.kind))
        elif feature.is_extra:
            rows.append(FeatureRow(feature.key, feature.label or "", feature.value, "text"))
    order = {key: d.position for key, d in definitions.items()}
    rows.sort(key=lambda r: (r.key.startswith("x-"), order.get(r.key, 0)))
    uploads = _uploads([i for i in [content.logo_id, *content.screenshot_ids] if i is not None])
    return ListingView(
        content=content,
        category=category,
        description_html=render_markdown(content.description),
        features=rows,
        logo_url=media_url(uploads.get(content.logo_id)) if content.logo_id else None,
        screenshot_urls=[
            url for i in content.screenshot_ids if (url := media_url(uploads.get(i))) is not None
        ],
    )
