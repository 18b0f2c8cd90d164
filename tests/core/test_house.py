"""The pieces every domain shares: one error type, one view action, panels, links, clock, CSV."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from sqlalchemy import select
from wtforms import StringField

from marketplace.accounts.services import AccountError
from marketplace.billing.errors import BillingDisabled, BillingError
from marketplace.catalog.rules import ListingError, TransitionError
from marketplace.catalog.uploads import UploadError
from marketplace.compare.services import CompareError
from marketplace.core import actions, panels
from marketplace.core.clock import local_today
from marketplace.core.csv_export import csv_writer, safe_cell
from marketplace.core.database import as_utc
from marketplace.core.errors import DomainError
from marketplace.core.forms import Form
from marketplace.core.text import MAX_REASON, clean_reason, clean_text
from marketplace.core.urls import path_for
from marketplace.extensions import db
from marketplace.reviews.rules import ReviewError
from marketplace.trials.rules import TrialError
from tests import factories

TEMPLATES = Path(__file__).resolve().parents[2] / "templates"


@pytest.mark.parametrize(
    "error",
    [
        AccountError,
        ListingError,
        TransitionError,
        UploadError,
        ReviewError,
        TrialError,
        BillingError,
        CompareError,
    ],
)
def test_every_domain_error_is_a_domain_error_with_message_then_field(error):
    err = error("Thông báo", "email") if error is not UploadError else error("Thông báo")
    assert isinstance(err, DomainError)
    assert err.message == "Thông báo" and str(err) == "Thông báo"
    assert err.field == ("email" if error is not UploadError else None)
    assert err.status == 400


def test_a_status_comes_from_the_class_or_the_raiser():
    assert DomainError("x", status=409).status == 409
    assert BillingDisabled().status == 200


def test_reasons_are_trimmed_and_limited_one_way(app):
    assert clean_reason("  Trùng lặp  ", required=True) == "Trùng lặp"
    assert clean_reason("   ", required=False) is None
    with pytest.raises(TrialError) as info:
        clean_reason("", required=True, error=TrialError)
    assert info.value.field == "reason" and info.value.message == "Vui lòng nhập lý do."
    with pytest.raises(ListingError, match="không được dài quá 1000"):
        clean_reason("x" * (MAX_REASON + 1), required=False, error=ListingError)
    with pytest.raises(DomainError, match="không được dài quá 5"):
        clean_text("123456", limit=5, required=False, field="note")


def test_csv_cells_never_become_formulas():
    out, writer = csv_writer()
    writer.writerow([safe_cell('=HYPERLINK("x")'), safe_cell("-1"), safe_cell("An")])
    assert out.getvalue() == '\ufeff"\'=HYPERLINK(""x"")",\'-1,An\r\n'


@pytest.mark.parametrize(
    "raw",
    [
        "2026-12-06 03:04:05.123456",  # SQLite: a subquery's column comes back as text
        dt.datetime(2026, 12, 6, 3, 4, 5, 123456),  # PostgreSQL: naive, in UTC
        dt.datetime(2026, 12, 6, 10, 4, 5, 123456, tzinfo=dt.timezone(dt.timedelta(hours=7))),
    ],
)
def test_a_raw_timestamp_is_read_as_utc(raw):
    assert as_utc(raw) == dt.datetime(2026, 12, 6, 3, 4, 5, 123456, tzinfo=dt.UTC)
    assert as_utc(raw).utcoffset() is not None


def test_the_local_date_is_ho_chi_minh_time():
    late_evening_utc = dt.datetime(2026, 3, 10, 18, 0, tzinfo=dt.UTC)
    assert local_today(late_evening_utc) == dt.date(2026, 3, 11)


def test_links_are_built_from_endpoints_inside_and_outside_a_request(app):
    assert path_for("trials.vendor_trial", trial_id=7) == "/vendor/trials/7"
    assert path_for("catalog.solution", slug="ke-toan", _anchor="review-3") == (
        "/solutions/ke-toan#review-3"
    )
    with app.test_request_context("/"):
        assert path_for("billing.index") == "/billing/"


# ---------------------------------------------------------------- the action helper


class _NoteForm(Form):
    note = StringField()

    class Meta(Form.Meta):
        csrf = False


def _perform_in_request(app, act, **kwargs):
    with app.test_request_context("/", method="POST", data={"note": "Ghi chú"}):
        form = _NoteForm()
        response = actions.perform(
            act,
            form=form,
            rerender=lambda: ("page", 400),
            success="Đã lưu.",
            next_url="/done",
            **kwargs,
        )
        from flask import get_flashed_messages

        return response, form, get_flashed_messages(with_categories=True)


def test_perform_commits_and_redirects_on_success(app, vendor):
    org = vendor.organization

    def act():
        org.website = "https://phuonghoang.vn"

    response, _form, flashed = _perform_in_request(app, act)
    assert response.status_code == 302 and response.location == "/done"
    assert flashed == [("success", "Đã lưu.")]
    db.session.expire_all()
    assert db.session.get(type(org), org.id).website == "https://phuonghoang.vn"


def test_perform_rolls_back_and_shows_the_error_by_its_field(app, vendor):
    org_id, name = vendor.organization_id, vendor.organization.name
    db.session.commit()

    def act():
        vendor.organization.name = "Đổi tên dở dang"
        db.session.flush()
        raise DomainError("Ghi chú không hợp lệ.", "note")

    response, form, flashed = _perform_in_request(app, act)
    assert response == ("page", 400)
    assert form.note.errors == ["Ghi chú không hợp lệ."] and form.note.data == "Ghi chú"
    assert flashed == []
    db.session.expire_all()
    assert (
        db.session.scalar(
            select(type(vendor.organization).name).where(type(vendor.organization).id == org_id)
        )
        == name
    )


def test_perform_flashes_an_error_without_a_field_and_goes_back(app):
    def act():
        raise DomainError("Không thể thực hiện.")

    response, _form, flashed = _perform_in_request(app, act, error_url="/back")
    assert response.status_code == 302 and response.location == "/back"
    assert flashed == [("danger", "Không thể thực hiện.")]


def test_perform_lets_other_errors_through(app):
    def act():
        raise ValueError("a bug, not a rule")

    with pytest.raises(ValueError):
        _perform_in_request(app, act, errors=TrialError)


# ---------------------------------------------------------------- templates render, views decide


def test_a_page_collects_the_sections_other_domains_contribute(app):
    panels.contribute(app, "test_page", "greeting", lambda name: f"Xin chào {name}")
    with app.test_request_context("/"):
        assert panels.collect("test_page", name="An") == {"greeting": "Xin chào An"}
        assert panels.collect("no_such_page") == {}
    assert set(app.extensions[panels.EXTENSION_KEY][panels.SOLUTION]) == {
        "reviews",
        "buy",
        "response_time",
        "quote",
        "quote_response_time",
    }
    assert set(app.extensions[panels.EXTENSION_KEY][panels.VENDOR_PROFILE]) == {
        "response_time",
        "quote_response_time",
    }


SERVICE_GLOBALS = (
    "review_panel",
    "billing_owned_plans",
    "billing_enabled",
    "can_buy_plans",
    "moderation_figures",
    "new_trial_requests",
    "vendor_response_time",
    "has_endpoint(",
)


def test_no_template_calls_a_service_or_tests_for_an_installed_domain(app):
    for name in SERVICE_GLOBALS:
        assert name.rstrip("(") not in app.jinja_env.globals
        users = [
            str(p.relative_to(TEMPLATES))
            for p in TEMPLATES.rglob("*.html")
            if name in p.read_text(encoding="utf-8")
        ]
        assert users == [], f"{name} in {users}"


def test_the_solution_page_shows_the_contributed_sections(client_for, enterprise, vendor):
    solution = factories.make_solution(vendor)
    db.session.commit()
    html = client_for(enterprise).get(f"/solutions/{solution.slug}").get_data(as_text=True)
    assert 'id="reviews"' in html  # reviews' panel
    # billing's panel: no Stripe and no confirmed bank account, so whom to contact instead
    assert "chưa nhận thanh toán qua Chợ Giải Pháp Số" in html


def test_every_csv_export_is_a_download_kept_nowhere_but_the_public_figures(app):
    from marketplace.core.csv_export import csv_download

    out, writer = csv_writer()
    writer.writerow(["Tên", safe_cell("=1+1")])
    with app.test_request_context("/"):
        private = csv_download(out.getvalue(), "bao-gia-20261206.csv")
        public = csv_download("a\r\n", "bang-theo-doi.csv", public=True)
    assert private.get_data() == "\ufeffTên,'=1+1\r\n".encode()
    assert private.headers["Content-Type"] == "text/csv; charset=utf-8"
    assert private.headers["Content-Disposition"] == 'attachment; filename="bao-gia-20261206.csv"'
    assert private.headers["Cache-Control"] == "no-store"
    assert public.headers["Cache-Control"] == "public, max-age=300"
