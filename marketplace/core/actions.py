"""The one way a view runs a state change: validate, act, commit or roll back, tell, redirect."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from flask import flash, redirect
from flask_wtf import FlaskForm

from marketplace.core.errors import DomainError
from marketplace.extensions import db


def perform(
    act: Callable[[], Any],
    *,
    success: str,
    next_url: str,
    form: FlaskForm | None = None,
    rerender: Callable[[], Any] | None = None,
    error_url: str | None = None,
    error_category: str = "danger",
    errors: type[Exception] | tuple[type[Exception], ...] = DomainError,
    field_errors: bool = True,
    handlers: Mapping[type[Exception], Callable[[Exception], Any]] | None = None,
):
    """Run `act` for a posted form and answer the browser.

    An invalid `form` is shown again by `rerender` (which returns the whole response, status
    included). When `act` raises one of `errors`, the session is rolled back; the message goes
    next to its field when the form has it (and `field_errors` is on), else it is flashed and
    the browser goes to `error_url` (or `next_url`). Otherwise the change is committed, the
    `success` message flashed and the browser sent to `next_url`. `handlers` answer particular
    errors their own way (after the rollback), before the general rule above.
    """
    if form is not None and rerender is None:
        raise ValueError("a form needs `rerender`, the page that shows its errors")
    if form is not None and not form.validate_on_submit():
        return rerender()
    try:
        act()
    except Exception as err:
        for kind, handler in (handlers or {}).items():
            if isinstance(err, kind):
                db.session.rollback()
                return handler(err)
        if not isinstance(err, errors):
            raise
        db.session.rollback()
        message = getattr(err, "message", str(err))
        field = getattr(err, "field", None)
        if (
            field_errors
            and form is not None
            and rerender is not None
            and hasattr(form, "attach_error")
            and form.attach_error(field, message)
        ):
            return rerender()
        flash(message, error_category)
        return redirect(error_url or next_url)
    db.session.commit()
    flash(success, "success")
    return redirect(next_url)
