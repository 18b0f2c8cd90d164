"""Security headers on every response."""

from __future__ import annotations

import functools
from collections.abc import Callable
from urllib.parse import urlsplit

from flask import Flask, current_app, g, request
from flask.sessions import SecureCookieSessionInterface
from flask.wrappers import Response
from flask_wtf.csrf import CSRFError, validate_csrf
from itsdangerous import BadData, URLSafeTimedSerializer
from markupsafe import Markup
from wtforms import ValidationError

from marketplace.extensions import csrf

CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        # Bootstrap and a few templates use style attributes; scripts stay strict.
        "style-src 'self' 'unsafe-inline'",
        "img-src 'self' data:",
        "font-src 'self' data:",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)


def add_security_headers(response: Response) -> Response:
    """Set the headers a browser needs to keep this site's pages safe."""
    headers = response.headers
    headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
    headers.setdefault("X-Content-Type-Options", "nosniff")
    headers.setdefault("X-Frame-Options", "DENY")
    headers.setdefault("Referrer-Policy", "strict-origin-when-cross-origin")
    headers.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
    headers.setdefault("Cross-Origin-Opener-Policy", "same-origin")
    if request.is_secure:
        headers.setdefault("Strict-Transport-Security", "max-age=31536000; includeSubDomains")
    return response


def same_origin() -> bool | None:
    """Did this request come from one of this site's own pages? None when the browser is silent.

    Browsers name where a form was sent from: `Sec-Fetch-Site` (all current ones), else
    `Origin` (sent with every POST for years). Neither can be set by another site's page.
    """
    site = request.headers.get("Sec-Fetch-Site")
    if site:
        return site == "same-origin"
    origin = request.headers.get("Origin")
    if origin:
        return origin != "null" and urlsplit(origin).netloc == request.host
    return None


def preference_post(view: Callable) -> Callable:
    """Protect a POST that only changes the visitor's own session (language, comparison tray).

    Such forms sit on the pages kept for anonymous visitors (core/pagecache.py), which must
    not carry a per-visitor token; the browser's own same-origin headers protect them
    instead, and a client that sends neither header must send the usual CSRF token.
    """

    @functools.wraps(view)
    def wrapped(*args, **kwargs):
        verdict = same_origin()
        if verdict is False:
            raise CSRFError("cross-site request")
        if verdict is None and current_app.config.get("WTF_CSRF_ENABLED", True):
            try:
                validate_csrf(request.form.get("csrf_token"))
            except ValidationError as err:
                raise CSRFError(str(err)) from err
        return view(*args, **kwargs)

    return csrf.exempt(wrapped)


def preference_csrf_field() -> Markup:
    """The CSRF field for a `preference_post` form, only for visitors who have a session.

    Rendering a token would start a session and make the page impossible to share between
    anonymous visitors; browsers send the same-origin headers that stand in for it.
    """
    from flask_wtf.csrf import generate_csrf

    field = g.get("_preference_csrf_field")
    if field is None:
        cookie = current_app.config.get("SESSION_COOKIE_NAME", "session")
        field = Markup("")
        if request.cookies.get(cookie) is not None:
            field = Markup('<input type="hidden" name="csrf_token" value="{}">').format(
                generate_csrf()
            )
        g._preference_csrf_field = field
    return field


def signed_csrf_token(app: Flask, raw_token: str) -> str:
    """Sign a session's form token as Flask-WTF's `generate_csrf` does, outside a request.

    The page cache (core/pagecache.py) puts it into a page kept for every visitor.
    """
    secret = app.config.get("WTF_CSRF_SECRET_KEY") or app.secret_key
    return URLSafeTimedSerializer(secret, salt="wtf-csrf-token").dumps(raw_token)


def read_session_cookie(app: Flask, value: str) -> dict | None:
    """Return what a session cookie holds, or None when it is not valid (outside a request)."""
    serializer = app.session_interface.get_signing_serializer(app)
    if serializer is None:
        return None
    try:
        data = serializer.loads(value, max_age=int(app.permanent_session_lifetime.total_seconds()))
    except BadData:
        return None
    return data if isinstance(data, dict) else None


EXPIRED_TOKEN = "The CSRF token has expired."


def _kept_field(name: str) -> bool:
    # Secrets are never written back into a page; the form asks for them again.
    lowered = name.lower()
    return name != "csrf_token" and not any(
        word in lowered for word in ("password", "confirm", "secret", "token")
    )


def resend_expired_form(err: CSRFError):
    """Offer to send a form again whose token expired while it stood open, typed text kept.

    Only for a form sent from one of this site's own pages (the browser says so; another
    site cannot), so a forged request never gets a fresh token wrapped around its values.
    Returns None when the ordinary error page should be shown instead.
    """
    from flask import render_template

    from marketplace.core.errors import wants_json

    if (
        err.description != EXPIRED_TOKEN
        or request.method != "POST"
        or wants_json()
        or same_origin() is not True
    ):
        return None
    fields = [(name, value) for name, value in request.form.items(multi=True) if _kept_field(name)]
    dropped = any(not _kept_field(name) for name in request.form if name != "csrf_token")
    page = render_template(
        "errors/csrf_expired.html",
        action=request.full_path.rstrip("?"),
        fields=fields,
        dropped=dropped or bool(request.files),
    )
    return page, 400


# Where the page cache leaves the session cookie it has read: (the cookie's value, what it
# holds or None). Flask then does not check its signature a second time.
READ_SESSION_ENVIRON = "marketplace.read_session"


class SessionInterface(SecureCookieSessionInterface):
    """Flask's signed-cookie sessions, except that an answer which does not depend on the
    visitor's cookies (a view sets `g.cookie_independent`, as the JSON API does) does not
    say `Vary: Cookie` merely because a library looked at the session; and a cookie the page
    cache has already read (`READ_SESSION_ENVIRON`) is not read again."""

    def open_session(self, app, request):
        read = request.environ.get(READ_SESSION_ENVIRON)
        if read is not None:
            value, data = read
            if data is not None and value == request.cookies.get(self.get_cookie_name(app)):
                return self.session_class(dict(data))
        return super().open_session(app, request)

    def save_session(self, app, session, response) -> None:
        if (
            g.get("cookie_independent")
            and not session.modified
            and not self.should_set_cookie(app, session)
        ):
            session.accessed = False
        super().save_session(app, session, response)
        # The session is saved after every after_request hook (Flask-Login's remember-me
        # cookie included), so this is where every cookie of the answer is known.
        if request.is_secure:
            mark_cookies_secure(response)


def mark_cookies_secure(response: Response) -> None:
    """Add `Secure` to each cookie the response sets: it was asked for over HTTPS."""
    cookies = response.headers.getlist("Set-Cookie")
    if not cookies or all(_is_secure_cookie(c) for c in cookies):
        return
    response.headers.remove("Set-Cookie")
    for cookie in cookies:
        response.headers.add(
            "Set-Cookie", cookie if _is_secure_cookie(cookie) else cookie + "; Secure"
        )


def _is_secure_cookie(cookie: str) -> bool:
    return any(part.strip().lower() == "secure" for part in cookie.split(";")[1:])


def secure_cookies_from_site_url(app: Flask) -> None:
    """Mark the session and remember-me cookies Secure when the public address is https."""
    if str(app.config.get("SITE_URL") or "").lower().startswith("https://"):
        app.config["SESSION_COOKIE_SECURE"] = True
        app.config["REMEMBER_COOKIE_SECURE"] = True


def init_app(app: Flask) -> None:
    secure_cookies_from_site_url(app)
    app.session_interface = SessionInterface()
    app.after_request(add_security_headers)
    app.jinja_env.globals["preference_csrf_field"] = preference_csrf_field
