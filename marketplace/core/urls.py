"""Redirect targets that cannot leave the site."""

from __future__ import annotations

from urllib.parse import urlsplit


def safe_next(target: str | None, fallback: str) -> str:
    """Return `target` if it is a path on this site, else `fallback`."""
    if not target:
        return fallback
    target = target.strip()
    if (
        any(ch in target for ch in "\\\r\n\t")
        or not target.startswith("/")
        or target.startswith("//")
    ):
        return fallback
    parts = urlsplit(target)
    if parts.scheme or parts.netloc:
        return fallback
    return target
