"""The comparison's per-visitor parts of pages kept for everyone (core/fragments.py slots):
a card's "add to comparison" form and the tray."""

from __future__ import annotations

from flask import current_app, g, request, session
from flask_babel import get_locale
from markupsafe import Markup, escape

from marketplace.compare import services
from marketplace.core import fragments

# Stands for the card's slug in the form rendered once per request (a slug never holds it).
_SLUG = "\x00slug\x00"
_FORMS = "_compare_forms"


def compare_form(slug: str) -> Markup:
    """The "add to comparison" form of the card of `slug`, for this visitor.

    Rendered at most twice per request (in the tray or not), then given each card's slug.
    """
    forms = g.get(_FORMS)
    if forms is None:
        forms = {"tray": set(services.tray_slugs(session))}
        setattr(g, _FORMS, forms)
    in_tray = slug in forms["tray"]
    parts = forms.get(in_tray)
    if parts is None:
        template = current_app.jinja_env.get_template("compare/_add_form.html")
        html = template.render(slug=_SLUG, in_tray=in_tray, request=request, session=session)
        parts = forms[in_tray] = html.split(_SLUG)
    return Markup(str(escape(slug)).join(parts))


_tray_template = fragments.template_slot("compare/_tray.html")
_EMPTY_TRAYS: dict[str, Markup] = {}


def tray() -> Markup:
    """The comparison tray of this visitor (a slot of the layout).

    Most visitors have none: the empty tray (its live region alone) is rendered once per
    process and language.
    """
    if services.tray_slugs(session):
        return _tray_template()
    locale = str(get_locale())
    empty = _EMPTY_TRAYS.get(locale)
    if empty is None:
        template = current_app.jinja_env.get_template("compare/_tray.html")
        empty = _EMPTY_TRAYS[locale] = Markup(template.render(compare_tray=[], request=request))
    return empty


fragments.register_slot("compare", compare_form)
fragments.register_slot("tray", tray)
