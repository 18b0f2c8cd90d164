"""The rules of reviews: limits and checks of what is typed, and the domain's errors."""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import gettext as _

from marketplace.core.errors import DomainError
from marketplace.core.text import reason_problem
from marketplace.reviews.models import (
    ASPECTS,
)
from marketplace.reviews.presenters import ASPECT_LABELS

MAX_TITLE = 120
MIN_BODY = 20
MAX_BODY = 5000
MAX_REPLY = 3000


SCORE_FIELDS = ("overall", *ASPECTS)


class ReviewError(DomainError):
    """A rule was broken; `field` names the form field the message belongs to (or None)."""


class ReviewValidationError(ReviewError):
    """What was typed is not acceptable; `errors` maps each field to its message."""

    def __init__(self, errors: dict[str, str]) -> None:
        first_field, first = next(iter(errors.items()))
        super().__init__(first, first_field)
        self.errors = errors


class DuplicateReportError(ReviewError):
    def __init__(self) -> None:
        super().__init__(
            _("Bạn đã báo cáo nhận xét này. Kiểm duyệt viên đang xem xét báo cáo của bạn.")
        )


@dataclass
class ReviewInput:
    """What the enterprise typed in the review form (scores None when missing or odd)."""

    overall: int | None
    ease_of_use: int | None
    features: int | None
    support: int | None
    value: int | None
    title: str
    body: str

    def scores(self) -> dict[str, int | None]:
        return {name: getattr(self, name) for name in SCORE_FIELDS}


def parse_score(raw: object) -> int | None:
    """Read a star value 1–5 from a form value; None for anything else."""
    text = str(raw if raw is not None else "").strip()
    if len(text) == 1 and text in "12345":
        return int(text)
    return None


def check_score(value: int | None, name: str) -> str | None:
    """Return why a star value is refused, or None."""
    if value is None or not 1 <= value <= 5:
        if name == "overall":
            return _("Vui lòng chọn số sao đánh giá chung (từ 1 đến 5).")
        return _("Vui lòng chọn số sao cho “%(aspect)s” (từ 1 đến 5).", aspect=ASPECT_LABELS[name])
    return None


def check_title(value: str | None) -> str | None:
    value = " ".join((value or "").split())
    if not value:
        return _("Vui lòng nhập tiêu đề nhận xét.")
    if len(value) > MAX_TITLE:
        return _("Tiêu đề không được dài quá %(n)d ký tự.", n=MAX_TITLE)
    return None


def check_body(value: str | None) -> str | None:
    value = normalise_lines(value or "")
    if not value:
        return _("Vui lòng viết nội dung nhận xét.")
    if len(value) < MIN_BODY:
        return _(
            "Nội dung nhận xét cần ít nhất %(n)d ký tự (hiện có %(m)d).", n=MIN_BODY, m=len(value)
        )
    if len(value) > MAX_BODY:
        return _("Nội dung nhận xét không được dài quá %(n)d ký tự.", n=MAX_BODY)
    return None


def check_reply(value: str | None) -> str | None:
    value = normalise_lines(value or "")
    if not value:
        return _("Vui lòng nhập nội dung phản hồi.")
    if len(value) > MAX_REPLY:
        return _("Phản hồi không được dài quá %(n)d ký tự.", n=MAX_REPLY)
    return None


def check_reason(value: str | None, *, required: bool = True) -> str | None:
    return reason_problem(value, required=required)


def validate_review(data: ReviewInput) -> dict[str, str]:
    """Return the problems of a review, by form field (empty when it is acceptable)."""
    checks = {name: check_score(value, name) for name, value in data.scores().items()}
    checks["title"] = check_title(data.title)
    checks["body"] = check_body(data.body)
    return {name: message for name, message in checks.items() if message}


def normalise_lines(text: str) -> str:
    # One kind of line break, no trailing spaces at line ends, at most one blank line in a row.
    lines = [line.rstrip() for line in text.replace("\r\n", "\n").replace("\r", "\n").split("\n")]
    out: list[str] = []
    for line in lines:
        if line == "" and out and out[-1] == "":
            continue
        out.append(line)
    return "\n".join(out).strip()
