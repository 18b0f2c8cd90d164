"""Prometheus metrics at `/metrics` (prometheus-client).

What is measured: requests per route (the endpoint name, never the raw path, so ids and
slugs never become labels) with their latency and database queries, cache lookups (hit
ratio), job runs and failures, webhook outcomes, and figures counted at scrape time that
domains contribute (`add_gauge`: the e-mail outbox's backlog and failures). No label ever
holds a user, an e-mail, an address or anything typed by a visitor.

Who may read it: a request from the loopback address that did not come through a proxy, or
one with `Authorization: Bearer <METRICS_TOKEN>`; anyone else gets 404 (403 for a wrong
token). Under gunicorn set `PROMETHEUS_MULTIPROC_DIR` to an empty folder writable by the
workers (emptied before each start): each worker writes its figures there and a scrape adds
them up (prometheus-client's multiprocess mode).
"""

from __future__ import annotations

import hmac
import ipaddress
import os
import time
from collections.abc import Callable, Iterable
from typing import Any

from flask import Flask, Response, abort, current_app, g, has_request_context, request
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    REGISTRY,
    CollectorRegistry,
    Counter,
    Histogram,
    generate_latest,
)
from prometheus_client.core import GaugeMetricFamily
from sqlalchemy import event
from sqlalchemy.engine import Engine

GAUGES_KEY = "metrics_gauges"

REQUESTS = Counter(
    "marketplace_http_requests_total",
    "HTTP requests answered, by route (endpoint), method and status.",
    ["endpoint", "method", "status"],
)
LATENCY = Histogram(
    "marketplace_http_request_duration_seconds",
    "Time to answer a request, by route (endpoint).",
    ["endpoint"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10),
)
QUERIES = Histogram(
    "marketplace_http_request_db_queries",
    "Database statements run while answering a request, by route (endpoint).",
    ["endpoint"],
    buckets=(0, 1, 2, 5, 10, 20, 50, 100, 200),
)
CACHE_LOOKUPS = Counter(
    "marketplace_cache_lookups_total",
    "Lookups in the caches of public data (pages, catalog, fragments), hit or miss.",
    ["cache", "result"],
)
JOB_RUNS = Counter(
    "marketplace_job_runs_total",
    "Scheduled task runs, by task and outcome (ok or failed).",
    ["job", "outcome"],
)
SEARCH_INDEX = Counter(
    "marketplace_search_index_builds_total",
    "Builds of the host's search index (SEARCH_ENGINE=tantivy): built, refreshed or failed.",
    ["outcome"],
)
WEBHOOKS = Counter(
    "marketplace_webhook_events_total",
    "Webhook deliveries received, by provider and outcome.",
    ["provider", "outcome"],
)


# ---------------------------------------------------------------- recording


_CACHE_CHILDREN: dict[tuple[str, bool], Any] = {}


def cache_lookup(cache: str, hit: bool) -> None:
    # The labelled counters are looked up once: a signed-in page makes about twenty lookups.
    child = _CACHE_CHILDREN.get((cache, hit))
    if child is None:
        child = _CACHE_CHILDREN[cache, hit] = CACHE_LOOKUPS.labels(cache, "hit" if hit else "miss")
    child.inc()


def job_run(job: str, ok: bool) -> None:
    JOB_RUNS.labels(job, "ok" if ok else "failed").inc()


def search_index_build(outcome: str) -> None:
    SEARCH_INDEX.labels(outcome).inc()


def webhook_outcome(provider: str, outcome: str) -> None:
    """Count a webhook delivery; `outcome` is one of a few fixed words chosen by the code."""
    WEBHOOKS.labels(provider, outcome).inc()


def add_gauge(
    app: Flask, name: str, documentation: str, label: str, read: Callable[[], dict[str, float]]
) -> None:
    """Add a figure read at scrape time (from the database): `read()` → {label value: number}."""
    app.extensions.setdefault(GAUGES_KEY, []).append((name, documentation, label, read))


def _count_query(_conn, _cursor, _statement, _parameters, _context, _executemany) -> None:
    if has_request_context():
        g._metrics_queries = g.get("_metrics_queries", 0) + 1


def _start() -> None:
    g._metrics_started = time.perf_counter()
    g._metrics_queries = 0


def _finish(response: Response) -> Response:
    started = g.pop("_metrics_started", None)
    if started is None:
        return response
    rule = request.url_rule
    endpoint = rule.endpoint if rule is not None else "unmatched"
    REQUESTS.labels(endpoint, request.method, str(response.status_code)).inc()
    LATENCY.labels(endpoint).observe(time.perf_counter() - started)
    QUERIES.labels(endpoint).observe(g.pop("_metrics_queries", 0))
    return response


# ---------------------------------------------------------------- the page


def _loopback_without_proxy() -> bool:
    environ = request.environ
    if environ.get("HTTP_X_FORWARDED_FOR") or environ.get("HTTP_FORWARDED"):
        return False
    original = environ.get("werkzeug.proxy_fix.orig", {}).get("REMOTE_ADDR")
    address = original or environ.get("REMOTE_ADDR") or ""
    try:
        return ipaddress.ip_address(address).is_loopback
    except ValueError:
        return False


def allowed() -> bool:
    """May this request read the metrics? Refuse with 403/404 otherwise."""
    token = current_app.config.get("METRICS_TOKEN") or ""
    header = request.headers.get("Authorization", "")
    if header.startswith("Bearer "):
        if token and hmac.compare_digest(header[7:].strip().encode(), token.encode()):
            return True
        abort(403)
    if _loopback_without_proxy():
        return True
    abort(404)


class _Gauges:
    """The app's scrape-time figures as a prometheus collector."""

    def __init__(self, gauges: Iterable) -> None:
        self.gauges = list(gauges)

    def collect(self):
        for name, documentation, label, read in self.gauges:
            family = GaugeMetricFamily(name, documentation, labels=[label])
            try:
                values = read()
            except Exception:
                current_app.logger.warning("Metric %s could not be read", name, exc_info=True)
                continue
            for value_label, value in sorted(values.items()):
                family.add_metric([str(value_label)], float(value))
            yield family


def render() -> Response:
    """Answer the scrape: this process's figures (or every worker's), then the gauges."""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)
    else:
        registry = REGISTRY
    body = generate_latest(registry)
    gauges = current_app.extensions.get(GAUGES_KEY)
    if gauges:
        extra = CollectorRegistry()
        extra.register(_Gauges(gauges))
        body += generate_latest(extra)
    return Response(body, content_type=CONTENT_TYPE_LATEST)


def init_app(app: Flask) -> None:
    """Measure every request and count database statements."""
    app.config.setdefault("METRICS_TOKEN", "")
    if not event.contains(Engine, "before_cursor_execute", _count_query):
        event.listen(Engine, "before_cursor_execute", _count_query)
    app.before_request(_start)
    app.after_request(_finish)
