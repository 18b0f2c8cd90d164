"""Every interface string has its English translation."""

from __future__ import annotations

from pathlib import Path

from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

from marketplace import PROJECT_ROOT

METHOD_MAP = [("marketplace/**.py", "python"), ("templates/**.html", "jinja2")]
KEYWORDS = {
    "_": None,
    "N_": None,
    "gettext": None,
    "ngettext": (1, 2),
    "_l": None,
    "lazy_gettext": None,
}


def test_english_catalogue_translates_every_string():
    with (PROJECT_ROOT / "translations/en/LC_MESSAGES/messages.po").open("rb") as fh:
        catalogue = read_po(fh)
    # Plural entries are keyed by their singular form and need every form translated.
    translated = {
        (m.id[0] if isinstance(m.id, tuple) else m.id): (
            all(m.string) if isinstance(m.string, tuple) else m.string
        )
        for m in catalogue
        if m.id
    }
    used = set()
    for _filename, _lineno, message, _comments, _context in extract_from_dir(
        str(PROJECT_ROOT), method_map=METHOD_MAP, keywords=KEYWORDS
    ):
        used.add(message if isinstance(message, str) else message[0])
    assert len(used) > 50, "extraction found too few strings"
    missing = sorted(m for m in used if not translated.get(m))
    assert not missing, f"run `make messages` and translate: {missing[:20]}"
    assert Path(PROJECT_ROOT / "translations/en/LC_MESSAGES/messages.po").exists()
