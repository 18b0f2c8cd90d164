"""Redirect targets that cannot leave the site."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import current_app, has_request_context, url_for


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


def site_root() -> str:
    """Return the public address the site is served at, never taken from request headers.

    `SITE_URL` when set; else the configured `SERVER_NAME` with `PREFERRED_URL_SCHEME`;
    else "" (links stay relative). A proxy or client can forge `Host` and `X-Forwarded-Host`,
    and answers may be cached and served to others, so neither is ever believed here.
    """
    config = current_app.config
    site = (config.get("SITE_URL") or "").strip().rstrip("/")
    if site:
        return site
    server = (config.get("SERVER_NAME") or "").strip()
    if server:
        return f"{config.get('PREFERRED_URL_SCHEME') or 'http'}://{server}"
    return ""


def public_url(endpoint: str, **values) -> str:
    """Build an absolute address of `endpoint` on the public site (see `site_root`)."""
    return site_root() + url_for(endpoint, **values)


def path_for(endpoint: str, *, _anchor: str | None = None, **values) -> str:
    """Return the site path of `endpoint`, in a request or not (links kept in notifications,
    which the command line's tasks write too)."""
    if has_request_context():
        path = url_for(endpoint, **values)
    else:
        path = current_app.url_map.bind("localhost").build(endpoint, values)
    return f"{path}#{_anchor}" if _anchor else path
