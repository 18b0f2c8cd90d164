"""Stamps, and the values kept under them.

A stamp names the current state of some tables: the *content* stamp (`pagecache.WATCHED_TABLES`:
what public pages show) and the *accounts* stamp (`pagecache.ACCOUNT_TABLES`: a signed-in
user's row and unread count). It is a file per host, or a Redis key every host reads with
`REDIS_URL`; the page cache's commit listeners renew it after every commit that writes
those tables. A `VersionedCache` keeps values under the stamp they were computed at, so a
value is never served after a change it depends on:

- public values (`public_value`, CATALOG_CACHE_SECONDS): the catalogue's grouped counts and
  ranked ids, suggestions, a vendor's response times…, per process or in Redis;
- account values (`account_value`, ACCOUNT_CACHE_SECONDS): per process only.
"""

from __future__ import annotations

import os
import secrets
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from flask import Flask, current_app

from marketplace.core import cache, metrics, request_memo

# A request keeps each stamp it first read (one Redis round trip with REDIS_URL, or one
# `stat`, not one per per-user slot or kept value) in its memo of this name; the stamp is
# forgotten when the request commits a change (`forget_request_stamp`).
REQUEST_STAMPS = "stamps"
MISSING = object()  # what `VersionedCache.lookup` finds when nothing is kept
_MISSING = MISSING


# ---------------------------------------------------------------- the stamp


class ContentStamp:
    """A file whose identity changes whenever public content changes."""

    def __init__(self, path: str | os.PathLike) -> None:
        self.path = Path(path)

    def current(self) -> tuple[int, int]:
        """Return the stamp's identity (inode, mtime); (0, 0) before the first change."""
        try:
            stat = os.stat(self.path)
        except FileNotFoundError:
            return (0, 0)
        return (stat.st_ino, stat.st_mtime_ns)

    def renew(self) -> None:
        """Replace the file: a new inode, so two changes in one clock tick still differ."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        temporary = self.path.with_name(f".{self.path.name}.{secrets.token_hex(6)}")
        temporary.write_text(secrets.token_hex(8), encoding="ascii")
        os.replace(temporary, self.path)


class RedisStamp:
    """A Redis counter every host reads: the stamp shared by all hosts (`REDIS_URL`).

    When Redis cannot be read the stamp is a fresh value each time, so nothing cached is
    served while the shared truth is unknown.
    """

    def __init__(self, client, key: str) -> None:
        self.client = client
        self.key = key

    def current(self) -> Any:
        try:
            value = self.client.get(self.key)
        except Exception:
            return ("unavailable", secrets.token_hex(4))
        return int(value or 0)

    def renew(self) -> None:
        try:
            self.client.incr(self.key)
        except Exception:
            current_app.logger.warning("Could not renew the shared content stamp", exc_info=True)


def request_content_stamp(app: Flask) -> Any:
    """Return the content stamp, read once per request (again after the request commits a
    change: `pagecache.content_changed` forgets it); read every time outside a request."""
    return request_stamp(app, "content")


def request_stamp(app: Flask, name: str) -> Any:
    """Return the stamp `name` ("content" or "accounts"), read once per request: again
    after the request commits a change to its tables (the page cache's commit listener
    forgets it); read every time outside a request."""
    kept = request_memo.memo(REQUEST_STAMPS)
    value = kept.get(name)
    if value is None:
        value = kept[name] = stamp_for(app, name).current()
    return value


def forget_request_stamp(name: str) -> None:
    """Have this request read the stamp `name` again (after it committed a change)."""
    request_memo.forget(REQUEST_STAMPS, name)


def stamp_for(app: Flask, name: str = "content") -> ContentStamp | RedisStamp:
    """Return the app's stamp `name` ("content", or "accounts" for `ACCOUNT_TABLES`): in
    Redis when `REDIS_URL` is set, else a file (the accounts' beside the content's)."""
    stamp = app.extensions.get(f"{name}_stamp")
    if stamp is None:
        client = cache.redis_client(app)
        if client is not None:
            stamp = RedisStamp(client, cache.key_prefix(app) + f"{name}-stamp")
        else:
            path = Path(
                app.config.get("PAGE_CACHE_STAMP") or Path(app.instance_path) / "content.stamp"
            )
            if name != "content":
                path = path.with_name(f"{path.stem}-{name}{path.suffix}")
            stamp = ContentStamp(path)
        app.extensions[f"{name}_stamp"] = stamp
    return stamp


class VersionedCache:
    """A store whose entries belong to the content stamp they were computed under."""

    def __init__(
        self,
        app: Flask,
        store: cache.LocalStore | cache.TieredStore,
        name: str = "catalog",
        stamp: str = "content",
    ) -> None:
        self.app = app
        self.store = store
        self.name = name  # the cache's label in the metrics
        self.stamp_name = stamp
        self.seconds = store.seconds
        self._stamp: Any = None

    def get_or_compute(self, key: Any, compute: Callable[[], Any]) -> Any:
        stamp, value = self.lookup(key)
        if value is _MISSING:
            value = compute()
            self.put(stamp, key, value)
        return value

    def lookup(self, key: Any) -> tuple[Any, Any]:
        """Return the current stamp and the value kept under it (`MISSING` when none is).

        Keep a value computed after a miss with `put(stamp, …)`, the stamp read here: a
        change committed meanwhile then leaves it under the old stamp, never served.
        """
        stamp = request_stamp(self.app, self.stamp_name)
        if not self.store.shared and stamp != self._stamp:
            # A committed change: this process's entries are all stale; free them at once.
            self.store.clear()
            self._stamp = stamp
        value = self.store.get((stamp, key), _MISSING)
        metrics.cache_lookup(self.name, value is not _MISSING)
        return stamp, value

    def put(self, stamp: Any, key: Any, value: Any) -> None:
        self.store.put((stamp, key), value)

    def clear(self) -> None:
        self.store.clear()


# ---------------------------------------------------------------- public values

# Figures that are the same for every visitor (the catalogue's grouped counts and ranked
# search ids, suggestions, a vendor's response times and ways to pay), kept under the
# content stamp for CATALOG_CACHE_SECONDS (0 turns it off, as in the test suite). Bounded
# per process in entries and weight (a list weighs its length); with REDIS_URL shared by
# every host (core/cache.py).
PUBLIC_MAX_ENTRIES = 512
PUBLIC_MAX_WEIGHT = 200_000
PUBLIC_EXTENSION_KEY = "catalog_cache"


def public_values() -> VersionedCache | None:
    """Return this app's store of public values, or None when it is turned off."""
    app = current_app._get_current_object()
    store = app.extensions.get(PUBLIC_EXTENSION_KEY)
    if store is None:
        kept = cache.make_store(
            app,
            "catalog",
            app.config["CATALOG_CACHE_SECONDS"],
            max_entries=PUBLIC_MAX_ENTRIES,
            max_weight=PUBLIC_MAX_WEIGHT,
        )
        store = app.extensions[PUBLIC_EXTENSION_KEY] = VersionedCache(app, kept)
    if store.seconds <= 0:
        return None
    return store


def public_value(key: Any, compute: Callable[[], Any]) -> Any:
    """Return the value kept under `key` for the current content, computing it when missing."""
    store = public_values()
    return compute() if store is None else store.get_or_compute(key, compute)


def process_value(
    app: Flask, name: str, stamp: Any, compute: Callable[[], Any], max_age: float | None = None
) -> Any:
    """Return the value kept in this process as `name` while the content stamp is `stamp`
    (and for at most `max_age` seconds), computing it otherwise: for values read by many
    requests that are too big to go through the shared store (`public_value`), such as the
    search vocabulary or the categories' names."""
    kept = app.extensions.get(name)
    now = time.monotonic()
    if kept is not None and kept[0] == stamp and (max_age is None or now - kept[1] < max_age):
        return kept[2]
    value = compute()
    app.extensions[name] = (stamp, now, value)
    return value


# ---------------------------------------------------------------- account values

ACCOUNTS_EXTENSION_KEY = "account_values"
ACCOUNT_MAX_ENTRIES = 5_000  # about 1.5 KB each: a few MB per worker


def account_seconds(app: Flask) -> float:
    """How long a user's row and unread count are kept (ACCOUNT_CACHE_SECONDS; 0: not)."""
    return float(app.config.get("ACCOUNT_CACHE_SECONDS") or 0)


def _account_values() -> VersionedCache:
    app = current_app._get_current_object()
    kept = app.extensions.get(ACCOUNTS_EXTENSION_KEY)
    if kept is None:
        store = cache.LocalStore(
            account_seconds(app), max_entries=ACCOUNT_MAX_ENTRIES, max_weight=ACCOUNT_MAX_ENTRIES
        )
        kept = app.extensions[ACCOUNTS_EXTENSION_KEY] = VersionedCache(
            app, store, name="accounts", stamp="accounts"
        )
    return kept


def account_value(key: Any, compute: Callable[[], Any]) -> Any:
    """Return a value read from `ACCOUNT_TABLES` (a user's row, their unread count), kept in
    this process until a commit writes one of those tables, on any process or host that
    shares the stamp; computed when missing. Never shared through Redis: only the stamp is.
    """
    kept = _account_values()
    return compute() if kept.seconds <= 0 else kept.get_or_compute(key, compute)


def kept_account_value(key: Any) -> Any:
    """The value `account_value` keeps under `key`, or `MISSING` (nothing is computed)."""
    kept = _account_values()
    return MISSING if kept.seconds <= 0 else kept.lookup(key)[1]


def forget_account_values() -> None:
    """Forget the users and unread counts this process keeps."""
    kept = current_app.extensions.get(ACCOUNTS_EXTENSION_KEY)
    if kept is not None:
        kept.clear()


def forget_public_values() -> None:
    """Forget the public values this process keeps."""
    store = current_app.extensions.get(PUBLIC_EXTENSION_KEY)
    if store is not None:
        store.clear()
