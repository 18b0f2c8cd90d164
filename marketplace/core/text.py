"""Vietnamese text helpers: folding for search and slugs, sanitised Markdown."""

from __future__ import annotations

import re
import unicodedata

import markdown as md
import nh3

_FOLD_EXTRA = str.maketrans({"đ": "d", "Đ": "D"})


def fold(text: str) -> str:
    """Fold Vietnamese to plain lower-case ASCII letters: `Đà Nẵng` → `da nang`.

    Unicode decomposition drops the tone and vowel marks; đ/Đ have no decomposition
    and are mapped by hand. NFC and NFD inputs fold to the same result.
    """
    decomposed = unicodedata.normalize("NFD", (text or "").translate(_FOLD_EXTRA))
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return unicodedata.normalize("NFC", stripped).lower()


def slugify(text: str, max_length: int = 80) -> str:
    """Make a URL slug from Vietnamese text: `Hóa đơn điện tử` → `hoa-don-dien-tu`."""
    slug = re.sub(r"[^a-z0-9]+", "-", fold(text)).strip("-")
    return slug[:max_length].rstrip("-") or "giai-phap"


ALLOWED_TAGS = {
    "p", "br", "hr", "strong", "em", "b", "i", "u", "s", "del", "code", "pre", "blockquote",
    "ul", "ol", "li", "h2", "h3", "h4", "h5", "h6", "a", "table", "thead", "tbody", "tr", "th",
    "td",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "th": {"align"}, "td": {"align"}}


def render_markdown(text: str | None) -> str:
    """Render Markdown to HTML that is safe to show: no scripts, handlers or odd links."""
    html = md.markdown(text or "", extensions=["extra", "sane_lists"], output_format="html")
    # Headings start at h2 on a page that already has an h1.
    html = re.sub(r"<(/?)h1>", r"<\1h2>", html)
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes={"http", "https", "mailto"},
        link_rel="nofollow noopener noreferrer ugc",
    )
