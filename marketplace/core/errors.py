"""Error pages in both languages, and JSON errors for JSON clients."""

from __future__ import annotations

from flask import Flask, jsonify, render_template, request
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException, InternalServerError

from marketplace.extensions import db

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
    """Render an error as JSON or as a page, in the user's language."""
    title, text = error_messages().get(status, (str(status), ""))
    if wants_json():
        code = ERROR_CODES.get(status, "error")
        return jsonify({"error": {"code": code, "message": message or text}}), status
    template = "errors/error.html"
    return render_template(template, status=status, title=title, text=message or text), status


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
        return render_error(
            400, _("Phiên làm việc đã hết hạn hoặc biểu mẫu không hợp lệ. Vui lòng tải lại trang.")
        )

    @app.errorhandler(HTTPException)
    def _http(err: HTTPException):
        if err.code is None or err.code < 400:
            return err
        return render_error(err.code)

    @app.errorhandler(Exception)
    def _unexpected(err: Exception):
        if isinstance(err, HTTPException):
            return _http(err)
        app.logger.exception("Unhandled error on %s %s", request.method, request.path)
        db.session.rollback()
        return render_error(InternalServerError.code)
