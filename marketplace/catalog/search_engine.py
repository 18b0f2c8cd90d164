"""The embedded search engine: the public listings in a Tantivy index.

With `SEARCH_ENGINE=tantivy`, a search's matches, their counts (the facets) and its ranked
page come from a Tantivy index instead of the database's full-text index (FTS5 or
tsvector), which must list and score every match of a broad search (tens of thousands of
rows, hundreds of milliseconds). The database stays the truth: the index is built from it
(the same documents as `search_index` writes, read with its flat queries), belongs to the
content stamp it was built under, and is read only under that stamp; otherwise the
database answers while the host's builder brings it up to date
(`search_engine_host`: one index per host, one builder, every worker reading it).

This module holds what an index is: its documents (`build`, `refresh`) and the queries of
a plan (`Built`). The plan of a search (`search.plan`: exact words, prefix, correction, the
generic words dropped, synonyms, the categories it names) is the database path's; this
module only writes it as Tantivy queries. The order is the database's too: the tiers (the
named category, literal words before synonyms, adjacent syllables, accents as typed) are
constant scores above the relevance (BM25 per field, weighted name > tagline > taxonomy >
body), ties by id.
"""

from __future__ import annotations

import hashlib
import pickle
import re
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa
from flask import Flask, current_app

from marketplace.catalog import search
from marketplace.catalog.models import Solution, SolutionStatus
from marketplace.core import metrics, stamps

BATCH = 2000
# The index's layout (schema, documents): an index of another layout is never read, and its
# builder builds a new one. Raise it with any change to `_schema` or `_add`.
FORMAT = 2
# Relevance within a tier: BM25 per field times these factors (the ratios of
# search.SQLITE_FIELD_FACTORS), always below TIER_UNIT, so the tiers order first.
FIELD_BOOSTS = {"name": 100.0, "tagline": 10.0, "taxonomy": 1.0, "body": 0.1}
TIER_UNIT = float(2**17)
TIER_BITS = {"intent": 8, "literal": 4, "phrase": 2, "accent": 1}
_INTEGERS = ("id", "cat", "dep", "trial", "level", "verified", "price")


def enabled(app: Flask) -> bool:
    return app.config.get("SEARCH_ENGINE", "database") == "tantivy"


def _tantivy():
    import tantivy  # only with SEARCH_ENGINE=tantivy

    return tantivy


def _schema():
    tantivy = _tantivy()
    builder = tantivy.SchemaBuilder()
    for name in search.FIELDS:
        builder.add_text_field(name, tokenizer_name="whitespace", index_option="freq")
    # Every folded token (and every accented one) of every field, for matching alone.
    builder.add_text_field("all", tokenizer_name="whitespace", index_option="basic")
    builder.add_text_field("accented", tokenizer_name="whitespace", index_option="basic")
    for name in _INTEGERS:
        builder.add_integer_field(name, indexed=True, fast=True)
    # What the listing's card shows (listed.stored_rows), read back for a search's page.
    builder.add_bytes_field("card", stored=True)
    return builder.build()


def _rating_level(count: int | None, average: float | None) -> int:
    if not count or count <= 0 or average is None:
        return 0
    return next((stars for stars in (5, 4, 3, 2, 1) if average >= stars), 0)


def _listing_rows() -> tuple[dict[int, tuple], tuple]:
    """Read what each public listing's entry depends on, besides its own text: id →
    (updated_at, category, deployment, trial days, ratings, price, vendor verified and
    name, category and parent names, then what its card shows besides: the price's period
    and VAT, the logo, the slug, and the vendor's columns of the card, `listed.VENDOR`);
    and the feature definitions (their labels are indexed). A listing whose row differs
    from the index's is indexed again."""
    from sqlalchemy.orm import aliased

    from marketplace.accounts.models import Organization
    from marketplace.catalog import listed
    from marketplace.catalog.models import Category, FeatureDefinition
    from marketplace.extensions import db

    # Three flat reads joined here: faster than the join in SQL, and the change time is
    # read as the database's text (no date parsing for 100,000 rows). Each active vendor:
    # verified or not, its name, and every column its listings' cards show (the digest).
    vendors = {
        row[0]: (row.verified_at is not None, row.name, tuple(row[1:]))
        for row in db.session.execute(
            sa.select(*listed.VENDOR).where(Organization.active.is_(True))
        )
    }
    parent = aliased(Category)
    categories = {
        cid: tuple(names)
        for cid, *names in db.session.execute(
            sa.select(
                Category.id, Category.name_vi, Category.name_en, parent.name_vi, parent.name_en
            ).outerjoin(parent, parent.id == Category.parent_id)
        )
    }
    no_category = (None, None, None, None)
    rows = {}
    for sid, updated, cat, dep, trial, count, avg, price, vid, *card in db.session.execute(
        sa.select(
            Solution.id,
            sa.cast(Solution.updated_at, sa.String),
            Solution.category_id,
            Solution.deployment,
            Solution.max_trial_days,
            Solution.rating_count,
            Solution.rating_avg,
            Solution.min_price_vnd,
            Solution.vendor_id,
            Solution.min_price_period,
            Solution.min_price_vat_included,
            Solution.logo_id,
            Solution.slug,
        ).where(Solution.status == SolutionStatus.PUBLISHED)
    ):
        vendor = vendors.get(vid)
        if vendor is not None:  # else its vendor is not active: not public
            verified, name, vendor_card = vendor
            rows[sid] = (
                updated, cat, dep, trial, count, avg, price, verified, name,
                *categories.get(cat, no_category), *card, *vendor_card,
            )  # fmt: skip
    definitions = tuple(
        tuple(row)
        for row in db.session.execute(
            sa.select(
                FeatureDefinition.id,
                FeatureDefinition.category_id,
                FeatureDefinition.key,
                FeatureDefinition.label_vi,
                FeatureDefinition.label_en,
                FeatureDefinition.retired_at,
            ).order_by(FeatureDefinition.id)
        )
    )
    return rows, definitions


def _facets_of(row: tuple) -> tuple:
    """(category, deployment, trial, level, verified, price) of a `_listing_rows` row."""
    _updated, cat, dep, trial, count, average, price, verified = row[:8]
    return cat, dep, bool(trial and trial > 0), _rating_level(count, average), bool(verified), price


@dataclass
class Built:
    """One index, complete for the content stamp it was built under."""

    stamp: Any
    index: Any
    schema: Any
    deployments: dict[str | None, int] = field(default_factory=dict)
    documents: int = 0
    seconds: float = 0.0
    # What each entry was built from (`_listing_rows`), as a digest: the rows of 100,000
    # listings would weigh about 100 MB, their digests a few.
    rows: dict[int, int] = field(default_factory=dict)
    definitions: tuple = ()
    refreshed: int | None = None  # listings indexed again by `refresh` (None: built whole)

    # ------------------------------------------------------------ queries of a plan

    def _term(self, name: str, token: str, prefix: bool = False):
        q = _tantivy().Query
        if prefix:
            return q.regex_query(self.schema, name, re.escape(token) + ".*")
        return q.term_query(self.schema, name, token)

    def _all_of(self, queries: list):
        tantivy = _tantivy()
        if len(queries) == 1:
            return queries[0]
        return tantivy.Query.boolean_query([(tantivy.Occur.Must, q) for q in queries])

    def _any_of(self, queries: list):
        tantivy = _tantivy()
        if len(queries) == 1:
            return queries[0]
        return tantivy.Query.boolean_query([(tantivy.Occur.Should, q) for q in queries])

    def _variant(self, p: search.Plan, variant: tuple[str, ...]):
        terms = search._variant_terms(p, variant)
        return self._all_of([self._term("all", t, pre) for t, pre in terms])

    def text_query(self, p: search.Plan):
        """The listings whose text matches the plan (any variant, all its syllables)."""
        return self._any_of([self._variant(p, v) for v in p.variants])

    def match_query(self, p: search.Plan):
        """The text matches and, for a query naming a category, every listing of it."""
        text = self.text_query(p)
        if not p.intent:
            return text
        return self._any_of([text, self._in_categories(p.intent)])

    def _in_categories(self, ids) -> Any:
        return _tantivy().Query.term_set_query(self.schema, "cat", [int(i) for i in ids])

    def ranked_query(self, p: search.Plan, filters: list):
        """The matches, scored: the tiers above the per-field relevance."""
        tantivy = _tantivy()
        q, occur = tantivy.Query, tantivy.Occur
        clauses = [(occur.Must, q.const_score_query(self.match_query(p), 0.0))]
        clauses += [(occur.Must, f) for f in filters]

        def tier(query, bit: str) -> None:
            clauses.append((occur.Should, q.const_score_query(query, TIER_BITS[bit] * TIER_UNIT)))

        if p.intent:
            tier(self._in_categories(p.intent), "intent")
        if len(p.variants) > p.literal:
            tier(self._any_of([self._variant(p, v) for v in p.variants[: p.literal]]), "literal")
        else:
            tier(self.text_query(p), "literal")  # every text match is a literal one
        phrases = [
            self._all_of([self._term("all", x) for x in search._variant_pairs(p, v)])
            for v in p.variants
            if search._variant_pairs(p, v)
        ]
        if phrases:
            tier(self._any_of(phrases), "phrase")
        if p.marked:
            tier(self._all_of([self._term("accented", a, last) for a, last in p.marked]), "accent")
        scored: dict[tuple[str, bool], None] = {}
        for v in p.variants:
            for t, pre in search._variant_terms(p, v):
                scored[(t, pre)] = None
            for x in search._variant_pairs(p, v):
                scored[(x, False)] = None
        # Relevance for the text matches alone: a listing found only by its category ranks
        # 0 within its tier, as in the database.
        relevance = [(occur.Must, q.const_score_query(self.text_query(p), 0.0))]
        for name, boost in FIELD_BOOSTS.items():
            for t, pre in scored:
                relevance.append((occur.Should, q.boost_query(self._term(name, t, pre), boost)))
        clauses.append((occur.Should, q.boolean_query(relevance)))
        return q.boolean_query(clauses)

    def filters(self, filters: dict) -> list:
        """Must-clauses for the catalogue's filters (see `queries._filter_conditions`)."""
        tantivy = _tantivy()
        q, integer = tantivy.Query, tantivy.FieldType.Integer
        out = []
        if filters.get("category_ids") is not None:
            out.append(self._in_categories(filters["category_ids"] or [-1]))
        if filters.get("deployment"):
            code = self.deployments.get(filters["deployment"], -1)
            out.append(q.term_query(self.schema, "dep", code))
        if filters.get("has_trial"):
            out.append(q.term_query(self.schema, "trial", 1))
        if filters.get("min_rating"):
            out.append(q.range_query(self.schema, "level", integer, int(filters["min_rating"]), 5))
        if filters.get("max_price") is not None:
            out.append(q.range_query(self.schema, "price", integer, 0, int(filters["max_price"])))
        if filters.get("verified"):
            out.append(q.term_query(self.schema, "verified", 1))
        return out

    # ------------------------------------------------------------ answers

    def finds_any(self, p: search.Plan) -> bool:
        searcher = self.index.searcher()
        return bool(searcher.search(self.text_query(p), limit=1, count=False).hits)

    def summary(self, p: search.Plan, filters: dict) -> tuple[int, dict[str, Any]]:
        """The number of matches passing every filter, and each facet's counts over the
        matches passing the other filters (what `queries._summarise` gives): one
        aggregation per distinct set of filters, one when none is set."""
        from marketplace.catalog.params import PRICE_BUCKETS, RATING_BUCKETS

        facet_aggs = {
            "category": {"terms": {"field": "cat", "size": 65_000}},
            "deployment": {"terms": {"field": "dep", "size": 1_000}},
            "has_trial": {"terms": {"field": "trial", "size": 2}},
            "max_price": {"range": {"field": "price", "ranges": _price_bands(PRICE_BUCKETS)}},
            "min_rating": {"terms": {"field": "level", "size": 6}},
            "verified": {"terms": {"field": "verified", "size": 2}},
        }
        active = {name for name in facet_aggs if _is_set(filters, name)}
        by_skip: dict[str | None, list[str]] = {}
        for name in facet_aggs:
            by_skip.setdefault(name if name in active else None, []).append(name)
        by_skip.setdefault(None, [])
        match = self.match_query(p)
        results: dict[str, dict] = {}
        total = 0
        searcher = self.index.searcher()
        for skip, names in by_skip.items():
            ignored = "category_ids" if skip == "category" else skip
            kept = {k: v for k, v in filters.items() if k != ignored}
            query = self._all_of([match, *self.filters(kept)])
            spec = {name: facet_aggs[name] for name in names}
            spec["_total"] = {"terms": {"field": "trial", "size": 2}}  # every listing has one
            answer = searcher.aggregate(query, spec)
            if skip is None:
                total = sum(b["doc_count"] for b in answer["_total"]["buckets"])
            for name in names:
                results[name] = {
                    b["key"]: b["doc_count"] for b in answer[name]["buckets"] if b["doc_count"]
                }
        names = {code: name for name, code in self.deployments.items()}
        bands = results["max_price"]
        levels = {int(k): n for k, n in results["min_rating"].items()}
        facets = {
            "categories": {int(k): n for k, n in results["category"].items() if int(k) >= 0},
            "deployments": {
                names[int(k)]: n for k, n in results["deployment"].items() if names.get(int(k))
            },
            "has_trial": sum(n for k, n in results["has_trial"].items() if int(k) == 1),
            "prices": {
                limit: sum(bands.get(str(i), 0) for i in range(position + 1))
                for position, limit in enumerate(PRICE_BUCKETS)
            },
            "ratings": {
                stars: sum(n for level, n in levels.items() if level >= stars)
                for stars in RATING_BUCKETS
            },
            "verified": sum(n for k, n in results["verified"].items() if int(k) == 1),
        }
        return total, facets

    def ids(self, p: search.Plan, filters: dict, limit: int | None) -> list[int]:
        """The ids of the matches that pass the filters, unordered (at most `limit`)."""
        tantivy = _tantivy()
        searcher = self.index.searcher()
        query = tantivy.Query.const_score_query(
            self._all_of([self.match_query(p), *self.filters(filters)]), 1.0
        )
        if limit is None:
            limit = max(searcher.num_docs, 1)
        hits = searcher.search(query, limit=limit, count=False).hits
        return searcher.fast_field_values("id", [address for _score, address in hits])

    def page(self, p: search.Plan, filters: dict, offset: int, limit: int) -> list[int]:
        """The ids of one page of the ranked matches that pass the filters."""
        if limit <= 0:
            return []
        searcher = self.index.searcher()
        wanted = offset + limit
        # A few more than asked: hits of equal score are ordered by id, as in the database.
        result = searcher.search(
            self.ranked_query(p, self.filters(filters)), limit=wanted + 20, count=False
        )
        hits = result.hits
        if not hits:
            return []
        ids = searcher.fast_field_values("id", [address for _score, address in hits])
        ranked = sorted(zip(ids, (score for score, _a in hits), strict=True),
                        key=lambda pair: (-pair[1], pair[0]))  # fmt: skip
        return [sid for sid, _score in ranked[offset:wanted]]

    def cards(self, ids: list[int]) -> list | None:
        """The cards of the listings `ids` (listed.ListedSolution, in that order) as the
        index keeps them, or None when one of them is not in it: a search's page shows its
        cards without a statement (about 0.35 ms for twenty, against 0.7–1 ms on SQLite and
        1.4–2 ms on PostgreSQL to read them)."""
        from marketplace.catalog import listed

        if not ids:
            return []
        searcher = self.index.searcher()
        # Any of the ids' terms (a term set query costs 0.45 ms here, these 0.05 ms).
        query = self._any_of([self._term("id", int(i)) for i in set(ids)])
        hits = searcher.search(query, limit=len(ids), count=False).hits
        if len(hits) < len(set(ids)):
            return None
        rows = [searcher.doc(address)["card"][0] for _score, address in hits]
        by_id = {item.id: item for item in listed.from_stored(rows)}
        return [by_id[i] for i in ids]


def _is_set(filters: dict, name: str) -> bool:
    if name == "category":
        return filters.get("category_ids") is not None
    if name == "max_price":
        return filters.get("max_price") is not None
    return bool(filters.get(name))


def _price_bands(limits) -> list[dict]:
    """Non-overlapping price bands up to each limit: band i holds limits[i-1] < price ≤ limits[i]."""
    out, lower = [], 0
    for i, limit in enumerate(sorted(limits)):
        out.append({"key": str(i), "from": lower, "to": limit + 1})
        lower = limit + 1
    return out


def _digest(row: tuple) -> int:
    """A digest of a listing's row that is the same in every process (unlike `hash`)."""
    data = pickle.dumps(row, protocol=4)  # a fixed protocol: the same bytes in every process
    return int.from_bytes(hashlib.blake2b(data, digest_size=8).digest(), "big")


def _add(built: Built, writer, docs, rows: dict[int, tuple]) -> None:
    from marketplace.catalog import listed

    tantivy = _tantivy()
    cards = listed.stored_rows([sid for sid, _doc in docs if sid in rows])
    for sid, doc in docs:
        row = rows.get(sid)
        card = cards.get(sid)
        if row is None or card is None:
            continue  # its vendor is not active (or it left the catalogue between the reads)
        cat, dep, trial, level, verified, price = _facets_of(row)
        dep_code = built.deployments.setdefault(dep, len(built.deployments))
        fields: dict[str, Any] = {
            "id": sid,
            "cat": cat if cat is not None else -1,
            "dep": dep_code,
            "trial": int(trial),
            "level": level,
            "verified": int(verified),
            "price": price if price is not None else -1,
            "all": " ".join(folded for _a, folded in doc.values()),
            "accented": " ".join(accented for accented, _f in doc.values()),
            "card": card,
        }
        for name, (_accented, folded) in doc.items():
            fields[name] = folded
        writer.add_document(tantivy.Document(**fields))
        built.rows[sid] = _digest(row)


def build(stamp: Any, path: str | None = None) -> Built:
    """Build the index of the public listings (in an app context), in memory or in the
    empty folder `path`; `stamp` is the content stamp read before the first row was."""
    from marketplace.catalog import search_index

    tantivy = _tantivy()
    started = time.perf_counter()
    schema = _schema()
    index = tantivy.Index(schema, path=path) if path else tantivy.Index(schema)
    writer = index.writer(heap_size=64_000_000, num_threads=1)
    built = Built(stamp=stamp, index=index, schema=schema)
    rows, built.definitions = _listing_rows()
    last = 0
    while True:
        docs = search_index._flat_documents(last, BATCH)
        if not docs:
            break
        last = docs[-1][0]
        _add(built, writer, docs, rows)
    writer.commit()
    writer.wait_merging_threads()
    index.reload()
    built.documents = len(built.rows)
    built.seconds = time.perf_counter() - started
    return built


# More changed listings than this share of the index (and than REFRESH_MIN): build it
# again instead.
REFRESH_SHARE = 0.2
REFRESH_MIN = 500


def refresh(built: Built, stamp: Any) -> Built | None:
    """Bring an index up to the current content, in place: the listings whose row changed
    (or that left or joined the public catalogue) are indexed again. Returns the index to
    use, or None when it must be built whole again (a feature definition changed, whose
    labels are in many listings' text, or more than REFRESH_SHARE of the listings did)."""
    from marketplace.catalog import search_index

    started = time.perf_counter()
    rows, definitions = _listing_rows()
    if definitions != built.definitions:
        return None
    gone = [sid for sid in built.rows if sid not in rows]
    changed = [sid for sid, row in rows.items() if built.rows.get(sid) != _digest(row)]
    if len(gone) + len(changed) > max(REFRESH_MIN, REFRESH_SHARE * len(built.rows)):
        return None
    if gone or changed:
        writer = built.index.writer(heap_size=15_000_000, num_threads=1)
        for sid in [*gone, *changed]:
            writer.delete_documents_by_term("id", sid)
            built.rows.pop(sid, None)
        for start in range(0, len(changed), BATCH):
            chunk = changed[start : start + BATCH]
            _add(built, writer, search_index._flat_documents(0, len(chunk), only=chunk), rows)
        writer.commit()
        writer.wait_merging_threads()
        built.index.reload()
    fresh = Built(
        stamp=stamp,
        index=built.index,
        schema=built.schema,
        deployments=built.deployments,
        rows=built.rows,
        definitions=definitions,
    )
    fresh.documents = len(fresh.rows)
    fresh.seconds = time.perf_counter() - started
    fresh.refreshed = len(gone) + len(changed)
    return fresh


def answer(call: Callable[[Built], Any], fallback: Callable[[], Any]) -> Any:
    """Return `call(index)` when the host's index is current, else `fallback()`; an error
    of the engine (a damaged index folder, say) is logged and counted, and the database
    answers this request instead of a 500."""
    built = current()
    if built is None:
        return fallback()
    try:
        return call(built)
    except Exception:
        metrics.search_index_build("failed")
        current_app.logger.exception("The search engine could not answer; the database does")
        return fallback()


def current() -> Built | None:
    """Return the host's index when it matches the current content, else None (and its
    builder is started): the caller then asks the database."""
    app = current_app._get_current_object()
    if not enabled(app):
        return None
    from marketplace.catalog import search_engine_host

    built = search_engine_host.engine_for(app).current(stamps.request_content_stamp(app))
    # A hit: the engine answered; a miss: the database did (while the index is built).
    metrics.cache_lookup("search_index", built is not None)
    return built
