"""A small in-process cache whose entries expire and whose size is bounded.

It serves every per-worker cache of the application: the catalogue's counts and ranked
search ids (catalog/queries.py), the pages kept for anonymous visitors
(core/pagecache.py) and the view marks a worker has already written (insights).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Any

_MISSING = object()


def clock() -> float:
    """The clock of every cache (monotonic seconds); tests replace it."""
    return time.monotonic()


def default_weight(value: Any) -> int:
    """A list weighs its length (rows of counts, ranked ids); anything else weighs one."""
    return max(1, len(value)) if isinstance(value, list) else 1


class TTLCache:
    """A thread-safe cache: entries expire after `seconds`; when the cache is full (too many
    entries, or too much total weight), the least recently used go first."""

    def __init__(self, seconds: float, max_entries: int = 512, max_weight: int = 200_000) -> None:
        self.seconds = seconds
        self.max_entries = max_entries
        self.max_weight = max_weight
        # key → (expires, weight, value); dicts keep order: least recently used first.
        self._data: dict[Any, tuple[float, int, Any]] = {}
        self._weight = 0
        self._lock = threading.Lock()

    def get(self, key: Any, default: Any = None) -> Any:
        now = clock()
        with self._lock:
            hit = self._data.get(key)
            if hit is None:
                return default
            if hit[0] <= now:
                self._drop(key)
                return default
            self._data[key] = self._data.pop(key)  # now the most recently used
            return hit[2]

    def put(self, key: Any, value: Any, weight: int | None = None) -> None:
        """Keep `value`; one heavier than the whole cache may hold is not kept."""
        weight = default_weight(value) if weight is None else weight
        now = clock()
        with self._lock:
            self._drop(key)
            for old in [k for k, (expires, _w, _v) in self._data.items() if expires <= now]:
                self._drop(old)
            while self._data and (
                len(self._data) >= self.max_entries or self._weight + weight > self.max_weight
            ):
                self._drop(next(iter(self._data)))
            if weight <= self.max_weight:
                self._data[key] = (now + self.seconds, weight, value)
                self._weight += weight

    def get_or_compute(self, key: Any, compute: Callable[[], Any]) -> Any:
        value = self.get(key, _MISSING)
        if value is _MISSING:
            value = compute()
            self.put(key, value)
        return value

    def _drop(self, key: Any) -> None:
        entry = self._data.pop(key, None)
        if entry is not None:
            self._weight -= entry[1]

    def clear(self) -> None:
        with self._lock:
            self._data.clear()
            self._weight = 0

    def __len__(self) -> int:
        return len(self._data)
