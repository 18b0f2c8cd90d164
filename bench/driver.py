"""Load driver: GET one URL from a pool of threads for a bounded time; print JSON stats.

    python -m bench.driver http://127.0.0.1:8000/solutions --concurrency 4 --duration 10

Standard library only (http.client, one keep-alive connection per thread, reopened when
the server closes it, as gunicorn's sync workers do after every response). Each run stops
by itself after `--duration` seconds or `--max-requests` requests, whichever comes first.
Only loopback addresses are accepted.
"""

from __future__ import annotations

import argparse
import http.client
import ipaddress
import itertools
import json
import socket
import sys
import threading
import time
from urllib.parse import urlsplit


def _loopback(host: str) -> bool:
    try:
        return all(
            ipaddress.ip_address(info[4][0]).is_loopback for info in socket.getaddrinfo(host, None)
        )
    except (OSError, ValueError):
        return False


def percentile(sorted_values: list[float], q: float) -> float:
    """Return the q-th percentile (0–100) of sorted values, by the nearest-rank method."""
    if not sorted_values:
        return float("nan")
    rank = max(1, min(len(sorted_values), round(q / 100 * len(sorted_values) + 0.5)))
    return sorted_values[rank - 1]


class _Worker(threading.Thread):
    def __init__(
        self, host, port, target, headers, start_at, warm_until, stop_at, budget, cookies=None
    ):
        super().__init__(daemon=True)
        self.host, self.port, self.target, self.headers = host, port, target, headers
        # (visits, shared counter): each request the next visit's path and Cookie header
        self.cookies = cookies
        self.start_at, self.warm_until, self.stop_at = start_at, warm_until, stop_at
        self.budget = budget
        self.latencies: list[float] = []
        self.statuses: dict[int, int] = {}
        self.errors: dict[str, int] = {}
        self.bytes = 0

    def run(self) -> None:
        conn = None
        while time.sleep(max(0.0, self.start_at - time.perf_counter())) or True:
            now = time.perf_counter()
            if now >= self.stop_at or not self.budget.take():
                break
            began = time.perf_counter()
            try:
                if conn is None:
                    conn = http.client.HTTPConnection(self.host, self.port, timeout=30)
                headers, target = self.headers, self.target
                if self.cookies is not None:
                    visits, turn = self.cookies
                    path, cookie = visits[next(turn) % len(visits)]
                    target, headers = path or target, {**headers, "Cookie": cookie}
                conn.request("GET", target, headers=headers)
                response = conn.getresponse()
                body = response.read()
                ended = time.perf_counter()
                if response.will_close:
                    conn.close()
                    conn = None
            except (OSError, http.client.HTTPException) as err:
                name = type(err).__name__
                self.errors[name] = self.errors.get(name, 0) + 1
                if conn is not None:
                    conn.close()
                conn = None
                time.sleep(0.01)
                continue
            if began < self.warm_until:
                continue  # warm-up: not counted
            self.latencies.append(ended - began)
            self.statuses[response.status] = self.statuses.get(response.status, 0) + 1
            self.bytes += len(body)
        if conn is not None:
            conn.close()


class _Budget:
    """A shared cap on the number of requests."""

    def __init__(self, limit: int) -> None:
        self.left = limit
        self.lock = threading.Lock()

    def take(self) -> bool:
        with self.lock:
            if self.left <= 0:
                return False
            self.left -= 1
            return True


def run(
    url: str,
    *,
    concurrency: int = 4,
    duration: float = 10.0,
    warmup: float = 1.0,
    max_requests: int = 200_000,
    headers: dict[str, str] | None = None,
    cookies: list[str] | None = None,
    visits: list[tuple[str, str]] | None = None,
) -> dict:
    """Drive `url` and return the measurements of the counted (post-warm-up) requests.

    `cookies`: one Cookie header per visitor, taken in turn request after request (many
    signed-in users asking the same page). `visits`: (path, Cookie header) pairs taken in
    turn instead (signed-in users each going from page to page)."""
    parts = urlsplit(url)
    host, port = parts.hostname or "127.0.0.1", parts.port or 80
    if parts.scheme != "http" or not _loopback(host):
        raise SystemExit(f"refusing {url}: only http:// on a loopback address")
    target = parts.path + (f"?{parts.query}" if parts.query else "")
    duration = min(duration, 120.0)  # bounded, whatever the caller asked
    start_at = time.perf_counter() + 0.05
    warm_until = start_at + warmup
    stop_at = warm_until + duration
    budget = _Budget(max_requests)
    if cookies:
        visits = [("", cookie) for cookie in cookies]
    turns = (visits, itertools.count()) if visits else None
    workers = [
        _Worker(host, port, target, headers or {}, start_at, warm_until, stop_at, budget, turns)
        for _ in range(concurrency)
    ]
    for w in workers:
        w.start()
    for w in workers:
        w.join(timeout=duration + warmup + 60)
    counted_end = min(stop_at, time.perf_counter())
    latencies = sorted(x for w in workers for x in w.latencies)
    statuses: dict[int, int] = {}
    errors: dict[str, int] = {}
    for w in workers:
        for k, v in w.statuses.items():
            statuses[k] = statuses.get(k, 0) + v
        for k, v in w.errors.items():
            errors[k] = errors.get(k, 0) + v
    elapsed = max(1e-9, counted_end - warm_until)
    ok = statuses.get(200, 0)
    return {
        "url": url,
        "concurrency": concurrency,
        "duration_s": round(elapsed, 3),
        "requests": len(latencies),
        "ok": ok,
        "statuses": {str(k): v for k, v in sorted(statuses.items())},
        "errors": errors,
        "rps": round(len(latencies) / elapsed, 1),
        "p50_ms": round(percentile(latencies, 50) * 1000, 2),
        "p95_ms": round(percentile(latencies, 95) * 1000, 2),
        "p99_ms": round(percentile(latencies, 99) * 1000, 2),
        "max_ms": round((latencies[-1] if latencies else float("nan")) * 1000, 2),
        "mean_ms": round(sum(latencies) / len(latencies) * 1000, 2) if latencies else None,
        "bytes_per_request": round(sum(w.bytes for w in workers) / max(1, len(latencies))),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="GET one URL concurrently; print JSON stats.")
    parser.add_argument("url")
    parser.add_argument("--concurrency", type=int, default=4)
    parser.add_argument("--duration", type=float, default=10.0)
    parser.add_argument("--warmup", type=float, default=1.0)
    parser.add_argument("--max-requests", type=int, default=200_000)
    parser.add_argument("--header", action="append", default=[], help="Name: value")
    parser.add_argument("--cookies", help="a file of Cookie headers, one per line, used in turn")
    parser.add_argument(
        "--visits", help="a file of visits, one per line: a path, a tab, a Cookie header"
    )
    args = parser.parse_args(argv)
    cookies = visits = None
    if args.cookies:
        with open(args.cookies, encoding="utf-8") as lines:
            cookies = [line.strip() for line in lines if line.strip()]
    if args.visits:
        with open(args.visits, encoding="utf-8") as lines:
            pairs = (line.rstrip("\n").split("\t", 1) for line in lines if line.strip())
            visits = [(path, cookie) for path, cookie in pairs if path.startswith("/")]
    headers = dict(h.split(":", 1) for h in args.header)
    headers = {k.strip(): v.strip() for k, v in headers.items()}
    result = run(
        args.url,
        concurrency=args.concurrency,
        duration=args.duration,
        warmup=args.warmup,
        max_requests=args.max_requests,
        headers=headers,
        cookies=cookies,
        visits=visits,
    )
    json.dump(result, sys.stdout)
    sys.stdout.write("\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
