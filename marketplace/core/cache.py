"""Caches: one in this process (cachetools), one shared by every host (Redis, when
`REDIS_URL` is set).

Every cache of public data goes through `make_store`: the catalogue's counts and ranked
search ids (catalog/queries.py) and the pages kept for anonymous visitors
(core/pagecache.py). Without `REDIS_URL` each worker keeps its own bounded copy (the
embedded default); with it, every worker of every host reads and writes the same entries
(keeping a short local copy of what it read), so one host's work serves the others and
nothing outlives the shared content stamp.

Values go to Redis pickled, as Flask-Caching's Redis backend does: the Redis server must be
private to the application (never reachable by users), like the database.

Redis trouble never fails a request: a read that fails is a miss, a write that fails is
dropped (and logged once a minute at most).
"""

from __future__ import annotations

import hashlib
import logging
import pickle
import threading
import time
from collections.abc import Callable
from typing import Any

import cachetools
from flask import Flask

log = logging.getLogger(__name__)

_MISSING = object()
REDIS_EXTENSION_KEY = "redis"
DEFAULT_PREFIX = "marketplace:"


def clock() -> float:
    """The clock of every in-process cache (monotonic seconds); tests replace it."""
    return time.monotonic()


def default_weight(value: Any) -> int:
    """A list weighs its length (rows of counts, ranked ids); anything else weighs one."""
    return max(1, len(value)) if isinstance(value, list) else 1


class LocalStore:
    """A thread-safe cachetools.TTLCache: entries expire after `seconds`; when the cache is
    full the least recently used go first.

    Bounded twice: by total weight (`max_weight`) and by the number of entries, because
    every entry weighs at least `max_weight / max_entries`.
    """

    shared = False

    def __init__(
        self,
        seconds: float,
        max_entries: int = 512,
        max_weight: int = 200_000,
        weigh: Callable[[Any], int] = default_weight,
    ) -> None:
        self.seconds = seconds
        floor = max(1, max_weight // max(1, max_entries))
        self._data: cachetools.TTLCache = cachetools.TTLCache(
            maxsize=max_weight,
            ttl=max(seconds, 0.001),
            timer=lambda: clock(),
            getsizeof=lambda value: max(floor, weigh(value)),
        )
        self._lock = threading.Lock()

    def get(self, key: Any, default: Any = None) -> Any:
        with self._lock:
            return self._data.get(key, default)

    def put(self, key: Any, value: Any) -> None:
        """Keep `value`; one heavier than the whole cache may hold is not kept."""
        with self._lock:
            try:
                self._data[key] = value
            except ValueError:  # too large for the cache
                self._data.pop(key, None)

    def get_or_compute(self, key: Any, compute: Callable[[], Any]) -> Any:
        value = self.get(key, _MISSING)
        if value is _MISSING:
            value = compute()
            self.put(key, value)
        return value

    def clear(self) -> None:
        with self._lock:
            self._data.clear()

    def __len__(self) -> int:
        with self._lock:
            self._data.expire()
            return len(self._data)

    def kept_keys(self) -> list[Any]:
        """The keys kept now."""
        with self._lock:
            self._data.expire()
            return list(self._data.keys())


class RedisStore:
    """Entries in Redis under `prefix`, each expiring after `seconds` (SET … PX)."""

    shared = True

    def __init__(self, client, prefix: str, seconds: float, max_bytes: int = 1024 * 1024) -> None:
        self.client = client
        self.prefix = prefix
        self.seconds = seconds
        self.max_bytes = max_bytes
        self._last_warning = 0.0

    def _key(self, key: Any) -> str:
        return self.prefix + hashlib.sha256(repr(key).encode()).hexdigest()[:32]

    def _warn(self, what: str) -> None:
        now = time.monotonic()
        if now - self._last_warning > 60:
            self._last_warning = now
            log.warning("Redis cache %s failed; serving without it", what, exc_info=True)

    def get(self, key: Any, default: Any = None) -> Any:
        try:
            raw = self.client.get(self._key(key))
        except Exception:
            self._warn("read")
            return default
        if raw is None:
            return default
        try:
            return pickle.loads(raw)
        except Exception:
            return default

    def put(self, key: Any, value: Any) -> None:
        raw = pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)
        if len(raw) > self.max_bytes:
            return
        try:
            self.client.set(self._key(key), raw, px=max(1, int(self.seconds * 1000)))
        except Exception:
            self._warn("write")

    def get_or_compute(self, key: Any, compute: Callable[[], Any]) -> Any:
        value = self.get(key, _MISSING)
        if value is _MISSING:
            value = compute()
            self.put(key, value)
        return value

    def clear(self) -> None:
        """Nothing to do: shared entries are keyed by the content stamp and expire alone."""

    def __len__(self) -> int:
        try:
            return sum(1 for _ in self.client.scan_iter(match=self.prefix + "*", count=500))
        except Exception:
            return 0


class TieredStore:
    """Redis behind a small copy in this process: a hit costs no Redis round trip.

    Only for keys that name the content stamp (pages, catalogue values): a local copy is then
    exactly as fresh as the shared one, and it is kept for at most half the period, so the
    timer (for figures that change without a commit) lags by at most half as much again.
    """

    shared = True

    def __init__(self, local: LocalStore, remote: RedisStore) -> None:
        self.local = local
        self.remote = remote
        self.seconds = remote.seconds

    def get(self, key: Any, default: Any = None) -> Any:
        value = self.local.get(key, _MISSING)
        if value is _MISSING:
            value = self.remote.get(key, _MISSING)
            if value is _MISSING:
                return default
            self.local.put(key, value)
        return value

    def put(self, key: Any, value: Any) -> None:
        self.local.put(key, value)
        self.remote.put(key, value)

    def get_or_compute(self, key: Any, compute: Callable[[], Any]) -> Any:
        value = self.get(key, _MISSING)
        if value is _MISSING:
            value = compute()
            self.put(key, value)
        return value

    def clear(self) -> None:
        self.local.clear()

    def __len__(self) -> int:
        return len(self.remote)


def key_prefix(app: Flask) -> str:
    """Return the prefix of every key the application writes to Redis."""
    return app.config.get("CACHE_KEY_PREFIX") or DEFAULT_PREFIX


def redis_client(app: Flask):
    """Return the app's Redis client (from `REDIS_URL`), or None when Redis is not set."""
    if REDIS_EXTENSION_KEY in app.extensions:
        return app.extensions[REDIS_EXTENSION_KEY]
    url = app.config.get("REDIS_URL") or ""
    client = None
    if url:
        import redis

        client = redis.Redis.from_url(url, socket_timeout=1, socket_connect_timeout=1)
    app.extensions[REDIS_EXTENSION_KEY] = client
    return client


def make_store(
    app: Flask,
    name: str,
    seconds: float,
    *,
    max_entries: int,
    max_weight: int,
    weigh: Callable[[Any], int] = default_weight,
    max_bytes: int = 1024 * 1024,
) -> LocalStore | TieredStore:
    """Return the store named `name`: in Redis (with a local copy) when `REDIS_URL` is set,
    else in this process. Its keys must name the content stamp."""
    client = redis_client(app)
    if client is not None:
        remote = RedisStore(client, f"{key_prefix(app)}{name}:", seconds, max_bytes=max_bytes)
        local = LocalStore(seconds / 2, max_entries=max_entries, max_weight=max_weight, weigh=weigh)
        return TieredStore(local, remote)
    return LocalStore(seconds, max_entries=max_entries, max_weight=max_weight, weigh=weigh)
