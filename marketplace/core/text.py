"""Vietnamese text helpers: folding for search and slugs, sanitised Markdown."""

from __future__ import annotations

import re
import unicodedata

import markdown as md
import nh3
from flask_babel import gettext as _

from marketplace.core.errors import DomainError

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


MAX_REASON = 1000


def clean_text(
    text: str | None,
    *,
    limit: int,
    required: bool,
    error: type[DomainError] = DomainError,
    field: str | None = None,
    missing: str | None = None,
    too_long: str | None = None,
) -> str | None:
    """Trim `text` and return it (None when empty), or raise `error` on `field` when it is
    missing but `required`, or longer than `limit` characters."""
    text = (text or "").strip()
    if not text:
        if required:
            raise error(missing or _("Vui lòng nhập thông tin này."), field)
        return None
    if len(text) > limit:
        raise error(
            (too_long or _("Nội dung không được dài quá %(n)d ký tự.")) % {"n": limit}, field
        )
    return text


def reason_problem(
    text: str | None, *, required: bool = True, limit: int = MAX_REASON
) -> str | None:
    """Return what is wrong with a decision's reason, or None when it is acceptable."""
    text = (text or "").strip()
    if not text:
        return _("Vui lòng nhập lý do.") if required else None
    if len(text) > limit:
        return _("Lý do không được dài quá %(n)d ký tự.", n=limit)
    return None


def clean_reason(
    text: str | None,
    *,
    required: bool,
    error: type[DomainError] = DomainError,
    field: str = "reason",
    limit: int = MAX_REASON,
    missing: str | None = None,
) -> str | None:
    """Trim a decision's reason and return it (None when empty), or raise `error` on `field`."""
    if required and not (text or "").strip() and missing:
        raise error(missing, field)
    problem = reason_problem(text, required=required, limit=limit)
    if problem:
        raise error(problem, field)
    return (text or "").strip() or None
