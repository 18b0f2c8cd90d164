"""Error pages in both languages, and JSON errors for JSON clients."""

from __future__ import annotations

from flask import Flask, current_app, jsonify, render_template, request, session
from flask_babel import force_locale, get_locale
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import SQLAlchemyError
from werkzeug.exceptions import HTTPException, InternalServerError

from marketplace.core.database import UNAVAILABLE_ERRORS, discard_session, rollback_session
from marketplace.core.logging import current_request_id, report_exception

# Seconds a client (or a proxy) should wait before asking again when the database is down.
RETRY_AFTER_SECONDS = 30

ERROR_CODES = {
    400: "bad_request",
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    409: "conflict",
    413: "payload_too_large",
    429: "rate_limited",
    500: "internal_error",
    503: "unavailable",
}


class DomainError(Exception):
    """Report a broken business rule: `message` is shown to the user, next to `field` when the
    form has one, and `status` is the HTTP status a view answers with (400 unless a subclass or
    the raiser says otherwise)."""

    status: int = 400

    def __init__(self, message: str, field: str | None = None, status: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field
        if status is not None:
            self.status = status


def wants_json() -> bool:
    """Tell whether the client expects JSON rather than a page."""
    if request.path.startswith("/api/"):
        return True
    if request.is_json:
        return True
    best = request.accept_mimetypes.best_match(["application/json", "text/html"])
    return (
        best == "application/json"
        and request.accept_mimetypes[best] > request.accept_mimetypes["text/html"]
    )


def error_messages() -> dict[int, tuple[str, str]]:
    """Return the translated title and explanation for each status we render."""
    return {
        400: (_("Yêu cầu không hợp lệ"), _("Máy chủ không hiểu yêu cầu này. Vui lòng thử lại.")),
        401: (_("Cần đăng nhập"), _("Vui lòng đăng nhập để tiếp tục.")),
        403: (
            _("Không có quyền truy cập"),
            _("Tài khoản của bạn không được phép xem hoặc thực hiện thao tác này."),
        ),
        404: (
            _("Không tìm thấy trang"),
            _("Trang bạn tìm không tồn tại hoặc đã được chuyển đi."),
        ),
        405: (_("Phương thức không được hỗ trợ"), _("Thao tác này không được hỗ trợ tại đây.")),
        413: (_("Dữ liệu quá lớn"), _("Nội dung gửi lên vượt quá dung lượng cho phép.")),
        429: (_("Quá nhiều yêu cầu"), _("Bạn thao tác quá nhanh. Vui lòng thử lại sau ít phút.")),
        500: (
            _("Lỗi hệ thống"),
            _("Đã xảy ra lỗi ngoài ý muốn. Chúng tôi đã ghi nhận và sẽ khắc phục sớm."),
        ),
        503: (_("Dịch vụ tạm thời gián đoạn"), _("Vui lòng thử lại sau ít phút.")),
    }


def render_error(status: int, message: str | None = None):
    """Render an error as JSON or as a page, in the user's language.

    The page shows the signed-in user's navbar; when the database fails while it is
    rendered, the database-free page of `render_unavailable` is given instead.
    """
    try:
        title, text = error_messages().get(status, (str(status), ""))
        if wants_json():
            code = ERROR_CODES.get(status, "error")
            return jsonify({"error": {"code": code, "message": message or text}}), status
        template = "errors/error.html"
        return render_template(
            template,
            status=status,
            title=title,
            text=message or text,
            request_id=current_request_id() if status >= 500 else None,
        ), status
    except SQLAlchemyError:
        current_app.logger.warning("The database failed while rendering a %s page", status)
        return render_unavailable(status, message)


def _locale_without_database() -> str:
    """Return the request's language, without asking the database if it is not known yet."""
    try:
        return str(get_locale() or current_app.config["BABEL_DEFAULT_LOCALE"])
    except Exception:  # loading the signed-in user needs the database
        lang = session.get("lang")
        if lang in current_app.config["LANGUAGES"]:
            return lang
        return current_app.config["BABEL_DEFAULT_LOCALE"]


def render_unavailable(status: int = 503, message: str | None = None):
    """Answer while the database is unusable: no query, no user, no database session.

    The language is taken first (from what the request already knows), then the session
    is discarded, so that neither the page nor the teardown touches the dead connection.
    """
    lang = _locale_without_database()
    discard_session()
    with force_locale(lang):
        title, text = error_messages().get(status, (str(status), ""))
        text = message or text
        if wants_json():
            code = ERROR_CODES.get(status, "error")
            response = jsonify({"error": {"code": code, "message": text}})
        else:
            # Straight from the environment: context processors would query the database.
            page = current_app.jinja_env.get_template("errors/unavailable.html")
            response = current_app.make_response(
                page.render(
                    lang=lang,
                    status=status,
                    title=title,
                    text=text,
                    request_id=current_request_id(),
                )
            )
    response.status_code = status
    if status == 503:
        response.headers["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response


def reject_nul_bytes():
    """Refuse input with NUL characters: never valid text, and PostgreSQL rejects them."""
    if "\x00" in request.path:
        return render_error(400)
    for values in (request.args, request.form if request.method != "GET" else {}):
        for value in values.values() if values else ():
            if "\x00" in value:
                return render_error(400)
    return None


def init_app(app: Flask) -> None:
    app.before_request(reject_nul_bytes)

    @app.errorhandler(CSRFError)
    def _csrf(err: CSRFError):
        from marketplace.core.security import resend_expired_form

        kept = resend_expired_form(err)
        if kept is not None:
            return kept
        return render_error(
            400, _("Phiên làm việc đã hết hạn hoặc biểu mẫu không hợp lệ. Vui lòng tải lại trang.")
        )

    @app.errorhandler(HTTPException)
    def _http(err: HTTPException):
        if err.code is None or err.code < 400:
            return err
        # Only our own exceptions carry a message meant for the visitor (core.params).
        return render_error(err.code, getattr(err, "public_message", None))

    def _database_unavailable(err: Exception):
        app.logger.error(
            "Database unavailable on %s %s: %s", request.method, request.path, err, exc_info=True
        )
        return render_unavailable(503)

    for error_class in UNAVAILABLE_ERRORS:
        app.register_error_handler(error_class, _database_unavailable)

    @app.errorhandler(Exception)
    def _unexpected(err: Exception):
        if isinstance(err, HTTPException):
            return _http(err)
        app.logger.exception("Unhandled error on %s %s", request.method, request.path)
        report_exception(err)
        rollback_session()
        return render_error(InternalServerError.code)
