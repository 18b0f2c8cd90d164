"""The solution card of every list of listings (the catalogue, a search, the home page, a
vendor's profile): `card(s)` in templates.

It was a Jinja macro. A page shows twenty cards; as a macro they took about 1.9 ms to
render on the 2-core host, a third of a selective search's page after its query, mostly in
Jinja's calls, escaping and three `url_for` per card. Written here it is plain string
joining, each value escaped once, and each address built from a prefix made once per
request (`url_for` with the same converter's quoting), so the page shows the same HTML.

The card is the same for every visitor but for its "add to comparison" form: a slot
("compare", core/fragments.py) rendered for each visitor by `compare_form`
(compare/presenters.py), so cards may stand inside parts kept for everyone.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from flask import url_for
from flask_babel import get_locale
from markupsafe import Markup, escape

from marketplace.core import fragments, request_memo
from marketplace.core.i18n import translate as _
from marketplace.core.snippets import N_, deployment_label, price, stars

# What Werkzeug's default (string) converter leaves unquoted in a path segment.
_SEGMENT_SAFE = "!$&'()*+,/:;=@"
# Stands for the value while an address's prefix is built (letters only: never quoted).
_PLACEHOLDER = "cardvalueplaceholder"
# The fixed words of a card, translated once per request (see `_parts`).
_WORDS = {
    "verified": N_("Nhà cung cấp đã xác thực"),
    "unrated": N_("Chưa có đánh giá"),
    "free": N_("Có gói miễn phí"),
    "from": N_("Từ"),
}
_ENDPOINTS = {"logo": ("media.file", "filename"), "solution": ("catalog.solution", "slug"),
              "vendor": ("vendors.profile", "slug")}  # fmt: skip


def _parts() -> tuple[dict[str, tuple[str, str]], dict[str, str]]:
    """What every card of this request shares, made once per request: each address's text
    before and after its value (the same `url_for` as the templates, so the script root and
    host are this request's), and the fixed words in the request's language, escaped."""
    kept = request_memo.memo("card_parts")
    locale = str(get_locale())  # a request may render in another language (force_locale)
    found = kept.get(locale)
    if found is None:
        addresses = {}
        for name, (endpoint, argument) in _ENDPOINTS.items():
            url = url_for(endpoint, **{argument: _PLACEHOLDER})
            before, _sep, after = url.partition(_PLACEHOLDER)
            addresses[name] = (before, after)
        words = {key: str(escape(_(text))) for key, text in _WORDS.items()}
        found = kept[locale] = (addresses, words)
    return found


def _address(addresses: dict[str, tuple[str, str]], name: str, value: str) -> str:
    before, after = addresses[name]
    return str(escape(before + quote(str(value), safe=_SEGMENT_SAFE) + after))


def card(s: Any) -> Markup:
    """The card of listing `s` (a `ListedSolution`, or a `Solution` with its vendor, category
    and logo loaded)."""
    addresses, words = _parts()
    slug = escape(s.slug)
    name = escape(s.name)
    vendor = s.vendor
    if s.logo:
        logo = (
            f'<img src="{_address(addresses, "logo", s.logo.filename)}" alt="" width="48"'
            ' height="48" class="rounded border flex-shrink-0" style="object-fit:contain"'
            ' loading="lazy">'
        )
    else:
        logo = (
            '<div class="logo-placeholder rounded flex-shrink-0" aria-hidden="true">'
            f"{escape(s.name[:1].upper())}</div>"
        )
    if vendor.slug:
        by = (
            f'<a class="text-muted card-vendor-link" href="{_address(addresses, "vendor", vendor.slug)}">'
            f"{escape(vendor.name)}</a>"
        )
    else:
        by = str(escape(vendor.name))
    if vendor.verified_at:
        verified = words["verified"]
        by += (
            f' <span class="text-success" role="img" title="{verified}"'
            f' aria-label="{verified}">✓</span>'
        )
    badges = []
    if s.category:
        badges.append(f'<span class="badge text-bg-light border">{escape(s.category.name)}</span>')
    badges.append(
        f'<span class="badge text-bg-light border">{escape(deployment_label(s.deployment))}</span>'
    )
    if s.max_trial_days:
        trial = escape(_("Dùng thử %(n)d ngày") % {"n": s.max_trial_days})
        badges.append(f'<span class="badge text-bg-success">{trial}</span>')
    if s.rating_count:
        rating = f'{stars(s.rating_avg)} <span class="text-muted">({s.rating_count})</span>'
    else:
        rating = f'<span class="text-muted">{words["unrated"]}</span>'
    if s.min_price_vnd is None:
        cost = ""
    elif s.min_price_vnd == 0:
        cost = f"<strong>{words['free']}</strong>"
    else:
        cost = (
            f'<span class="text-muted">{words["from"]}</span> '
            f"{price(s.min_price_vnd, s.min_price_period)}"
        )
    compare = fragments.slot("compare", s.slug)
    return Markup(
        f'<article class="card h-100 solution-card" id="card-{slug}">\n'
        '<div class="card-body d-flex flex-column">\n'
        f'<div class="d-flex gap-3 align-items-start mb-2">{logo}\n'
        '<div class="min-w-0">\n'
        '<h3 class="h6 mb-0"><a class="stretched-link text-decoration-none"'
        f' href="{_address(addresses, "solution", s.slug)}">{name}</a></h3>\n'
        f'<div class="small text-muted text-truncate">{by}</div>\n'
        "</div>\n</div>\n"
        f'<p class="small mb-2 flex-grow-1">{escape(s.tagline)}</p>\n'
        f'<div class="small d-flex flex-wrap gap-1 mb-2">{" ".join(badges)}</div>\n'
        '<div class="d-flex justify-content-between align-items-end small mb-2">\n'
        f'<div>{rating}</div>\n<div class="text-end">{cost}</div>\n'
        "</div>\n"
        f"{compare}\n"
        "</div>\n</article>"
    )
