"""Language selection: the user's choice, then the session's, then Vietnamese."""

from __future__ import annotations

from typing import Any

from flask import Flask, current_app, g, has_app_context, has_request_context, session
from flask_babel import get_locale, get_translations
from flask_login import current_user
from jinja2 import pass_eval_context
from jinja2.nodes import EvalContext
from markupsafe import Markup

from marketplace.extensions import babel

LANGUAGE_NAMES = {"vi": "Tiếng Việt", "en": "English"}


def select_locale() -> str:
    """Pick the interface language for this request."""
    supported = current_app.config["LANGUAGES"]
    if not has_request_context():
        return current_app.config["BABEL_DEFAULT_LOCALE"]
    if current_user and current_user.is_authenticated and current_user.locale in supported:
        return current_user.locale
    lang = session.get("lang")
    if lang in supported:
        return lang
    return current_app.config["BABEL_DEFAULT_LOCALE"]


def _babel_context():
    """Flask-Babel's per-request namespace (its locale and what is kept with it), with the
    app context's `g` looked up once; None outside an app context or before it exists."""
    try:
        namespace = g._get_current_object()
    except RuntimeError:  # outside an app context
        return None
    return namespace.get("_flask_babel")


def locale_name(default: str = "vi") -> str:
    """The page's language as a string ("vi", "en"): `str(get_locale())`, written once per
    locale object (a catalogue page formats some seventy numbers and names)."""
    if not has_app_context():
        return default
    context = _babel_context()
    locale = getattr(context, "babel_locale", None)
    if locale is None:
        locale = get_locale()  # chosen now, and kept by Flask-Babel
        if locale is None:
            return default
        context = _babel_context()
    known = getattr(context, "marketplace_locale", None)
    if known is not None and known[0] is locale:
        return known[1]
    name = str(locale)
    context.marketplace_locale = (locale, name)
    return name


def _translations():
    """The request's catalogue, looked up once per locale instead of once per string.

    Flask-Babel finds the domain, the context, the locale and its cache for every string a
    template translates (a catalogue page has about two hundred). The catalogue is kept
    on Flask-Babel's own per-request namespace with the locale object it belongs to, so
    `force_locale` (a new locale object) is honoured, and restored, as before.
    """
    context = _babel_context()
    locale = getattr(context, "babel_locale", None)
    if locale is None:
        return get_translations()
    known = getattr(context, "marketplace_translations", None)
    if known is not None and known[0] is locale:
        return known[1]
    translations = get_translations()
    context.marketplace_translations = (locale, translations)
    return translations


def translate(text: str) -> str:
    """The request's translation of `text` (not escaped), kept per catalogue: what Python
    helpers that write a piece of a page use, as often as a template's `_()`."""
    translations = _translations()
    known = getattr(translations, "marketplace_python", None)
    if known is None:
        known = translations.marketplace_python = {}
    found = known.get(text)
    if found is None:
        found = known[text] = translations.ugettext(text)
    return found


# Jinja's own new-style callables take the whole template context (`pass_context`), and a
# call of such a function in a block or loop that sets a variable copies the context first
# (`Context.derived`): twenty copies per catalogue page. These need only whether the
# template escapes, so they take the evaluation context.


@pass_eval_context
def template_gettext(__eval_ctx: EvalContext, __string: str, **variables: Any) -> str:
    """`_()` and `gettext()` in templates: what Jinja's new-style gettext does (the string
    translated, made markup where the template escapes, then `%` its variables), with each
    translated string without variables kept per catalogue, as a catalogue page asks for
    about two hundred and forty of them."""
    autoescape = __eval_ctx.autoescape
    translations = _translations()
    if variables:
        text = translations.ugettext(__string)
        return (Markup(text) if autoescape else text) % variables
    known = getattr(translations, "marketplace_plain", None)
    if known is None:
        known = translations.marketplace_plain = {}
    key = (__string, autoescape)
    text = known.get(key)
    if text is None:
        text = translations.ugettext(__string)
        # Always a format string, as in Jinja's: "%%" is "%".
        text = known[key] = (Markup(text) if autoescape else text) % {}
    return text


@pass_eval_context
def template_ngettext(
    __eval_ctx: EvalContext, __singular: str, __plural: str, __num: int, **variables: Any
) -> str:
    """`ngettext()` in templates: Jinja's new-style plural (`num` given to the text)."""
    variables.setdefault("num", __num)
    text = _translations().ungettext(__singular, __plural, __num)
    return (Markup(text) if __eval_ctx.autoescape else text) % variables


def init_app(app: Flask) -> None:
    from marketplace import PROJECT_ROOT

    app.config.setdefault("BABEL_TRANSLATION_DIRECTORIES", str(PROJECT_ROOT / "translations"))
    babel.init_app(app, locale_selector=select_locale)
    app.jinja_env.install_gettext_callables(
        gettext=lambda s: _translations().ugettext(s),
        ngettext=lambda s, p, n: _translations().ungettext(s, p, n),
        pgettext=lambda c, s: _translations().upgettext(c, s),
        npgettext=lambda c, s, p, n: _translations().unpgettext(c, s, p, n),
        newstyle=True,
    )
    app.jinja_env.globals.update(
        gettext=template_gettext, _=template_gettext, ngettext=template_ngettext
    )
