"""Uploads that cannot exhaust memory or storage: pixel cap before decoding, reduced-scale
decoding, a quota per organisation, and removal of the images nothing uses."""

from __future__ import annotations

import datetime as dt
import io
import os
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from freezegun import freeze_time
from PIL import Image, ImageFile
from sqlalchemy import func, inspect, select
from werkzeug.datastructures import FileStorage

from marketplace.accounts import services as accounts
from marketplace.catalog import decisions, listing_queries, rules, services
from marketplace.catalog.models import Solution, Upload
from marketplace.catalog.uploads import (
    UploadError,
    purge_orphan_uploads,
    release_uploads,
    store_image,
    upload_path,
)
from marketplace.core.database import utcnow
from marketplace.extensions import db
from tests import factories
from tests.catalog.test_listing_editor import editor_form

# --- helpers ---------------------------------------------------------------------------


def encoded(image: Image.Image, fmt: str = "PNG", **save_args) -> bytes:
    out = io.BytesIO()
    image.save(out, format=fmt, **save_args)
    return out.getvalue()


def small_png(size: tuple[int, int] = (64, 48)) -> bytes:
    return encoded(Image.linear_gradient("L").resize(size).convert("RGB"))


def huge_png() -> bytes:
    """Return the review's attack: a real 8000 × 5000 PNG, a few kilobytes on disk."""
    return encoded(Image.new("1", (8000, 5000)), optimize=True)


def as_file(data: bytes, filename: str = "anh.png") -> FileStorage:
    return FileStorage(stream=io.BytesIO(data), filename=filename, content_type="image/png")


def stored(user, data: bytes | None = None, **kwargs) -> Upload:
    upload = store_image(user, as_file(data or small_png()), **kwargs)
    db.session.commit()
    return upload


def upload_count() -> int:
    return db.session.scalar(select(func.count()).select_from(Upload))


def exists(upload: Upload) -> bool:
    """Tell whether the upload's row and its file are both still there."""
    upload_id = inspect(upload).identity[0]  # without loading a row that may be gone
    db.session.expire_all()
    row = db.session.get(Upload, upload_id)
    if row is None:
        return False
    assert upload_path(row).is_file(), "a row without its file"
    return True


def files_in(folder: Path) -> list[str]:
    return sorted(os.listdir(folder)) if folder.exists() else []


@pytest.fixture
def upload_dir(app, web_app, tmp_path) -> Path:
    folder = tmp_path / "uploads"
    app.config["UPLOAD_FOLDER"] = str(folder)
    web_app.config["UPLOAD_FOLDER"] = str(folder)
    return folder


@pytest.fixture
def decoded(monkeypatch) -> list[tuple[int, int]]:
    """Record the size of every image Pillow actually decodes from a file."""
    sizes: list[tuple[int, int]] = []
    original = ImageFile.ImageFile.load

    def spy(self):
        if self.tile:  # pixels still to decode (load() returns at once otherwise)
            sizes.append(self.size)
        return original(self)

    monkeypatch.setattr(ImageFile.ImageFile, "load", spy)
    return sizes


def set_config(app, web_app, **values) -> None:
    for target in (app, web_app):
        target.config.update(values)


# --- pixel cap and decoding ------------------------------------------------------------


def test_an_8000x5000_png_is_refused_without_being_decoded(upload_dir, vendor, decoded):
    data = huge_png()
    assert len(data) < 200 * 1024
    with pytest.raises(UploadError, match="kích thước điểm ảnh"):
        store_image(vendor, as_file(data))
    assert decoded == []
    db.session.commit()
    assert files_in(upload_dir) == [] and upload_count() == 0


def test_the_editor_shows_the_pixel_error_by_the_logo_and_keeps_the_form(
    client_for, upload_dir, vendor, decoded
):
    data = editor_form(name="Kế toán Hồng Hà")
    data["logo"] = (io.BytesIO(huge_png()), "logo.png")
    response = client_for(vendor).post(
        "/vendor/solutions/new", data=data, content_type="multipart/form-data"
    )
    assert response.status_code == 400
    soup = BeautifulSoup(response.get_data(as_text=True), "html.parser")
    assert soup.find(id="name")["value"] == "Kế toán Hồng Hà"
    feedback = soup.find(id="logo").find_next(class_="invalid-feedback")
    assert "kích thước điểm ảnh" in feedback.get_text()
    assert decoded == [] and upload_count() == 0
    assert db.session.scalar(select(func.count(Solution.id))) == 0


def test_the_pixel_cap_is_a_setting_and_pillow_enforces_the_same_limit(upload_dir, app, vendor):
    app.config["UPLOAD_MAX_PIXELS"] = 1_000_000
    with pytest.raises(UploadError, match="kích thước điểm ảnh") as excinfo:
        store_image(vendor, as_file(small_png((1200, 900))))
    assert Image.MAX_IMAGE_PIXELS == 1_000_000
    # Pillow's own warning (it would go on decoding) became the refusal, in Image.open.
    assert isinstance(excinfo.value.__cause__, Image.DecompressionBombWarning)
    with pytest.raises(UploadError) as excinfo:
        store_image(vendor, as_file(small_png((1500, 1400))))  # over twice the limit
    assert isinstance(excinfo.value.__cause__, Image.DecompressionBombError)
    assert stored(vendor, small_png((1000, 1000))).width == 1000
    app.config["UPLOAD_MAX_PIXELS"] = 24_000_000
    assert stored(vendor, small_png((1200, 900))).width == 1200


def test_a_large_jpeg_is_decoded_at_a_reduced_scale(upload_dir, vendor, decoded):
    photo = Image.linear_gradient("L").resize((2400, 1600)).convert("RGB")
    logo = stored(vendor, encoded(photo, "JPEG", quality=90), purpose="logo")
    assert (logo.width, logo.height) == (512, 341)
    # libjpeg scaled by 1/4 while decoding: 600 × 400, never 2400 × 1600.
    assert decoded == [(600, 400)]


# --- quota -----------------------------------------------------------------------------


def test_over_quota_is_refused_and_nothing_is_stored(app, upload_dir, vendor, other_vendor):
    first = stored(vendor)
    app.config["UPLOAD_QUOTA_BYTES"] = first.size_bytes + 100
    with pytest.raises(UploadError, match="hết dung lượng lưu trữ ảnh") as excinfo:
        store_image(vendor, as_file(small_png((200, 100))))
    assert "tối đa 1 MB" in excinfo.value.message
    db.session.commit()
    assert files_in(upload_dir) == [first.filename] and upload_count() == 1
    # The quota is the organisation's: another vendor still has room.
    assert stored(other_vendor).org_id == other_vendor.organization_id


def test_a_full_organisation_is_refused_before_any_decoding(app, upload_dir, vendor, decoded):
    first = stored(vendor)
    decoded.clear()
    app.config["UPLOAD_QUOTA_BYTES"] = first.size_bytes
    with pytest.raises(UploadError, match="hết dung lượng"):
        store_image(vendor, as_file(small_png()))
    assert decoded == []


def test_the_editor_shows_the_quota_error_by_the_field(
    app, web_app, client_for, upload_dir, vendor
):
    first = stored(vendor)
    set_config(app, web_app, UPLOAD_QUOTA_BYTES=first.size_bytes)
    data = editor_form(name="Kế toán Hồng Hà")
    data["screenshots"] = [(io.BytesIO(small_png((320, 200))), "a.png")]
    response = client_for(vendor).post(
        "/vendor/solutions/new", data=data, content_type="multipart/form-data"
    )
    assert response.status_code == 400
    soup = BeautifulSoup(response.get_data(as_text=True), "html.parser")
    assert soup.find(id="name")["value"] == "Kế toán Hồng Hà"
    feedback = soup.find(id="screenshots").find_next(class_="invalid-feedback")
    assert "hết dung lượng lưu trữ ảnh" in feedback.get_text()
    assert upload_count() == 1 and files_in(upload_dir) == [first.filename]


def test_the_verification_document_counts_against_the_quota(
    app, web_app, client_for, upload_dir, other_vendor
):
    first = stored(other_vendor)
    set_config(app, web_app, UPLOAD_QUOTA_BYTES=first.size_bytes)
    org = other_vendor.organization
    response = client_for(other_vendor).post(
        "/vendor/verification",
        data={
            "legal_name": org.name,
            "tax_code": org.tax_code,
            "address": "Số 1 Trần Hưng Đạo, Hải Dương",
            "representative": "Nguyễn Văn An",
            "document": (io.BytesIO(small_png()), "giay-phep.png"),
        },
        content_type="multipart/form-data",
    )
    assert response.status_code == 400
    assert "hết dung lượng lưu trữ ảnh" in response.get_data(as_text=True)
    assert upload_count() == 1


# --- purge of uploads attached to nothing ----------------------------------------------


def test_purge_removes_old_orphans_and_keeps_attached_and_young_ones(
    app, upload_dir, vendor, other_vendor
):
    with freeze_time("2026-11-30 08:00:00") as clock:
        orphan = stored(vendor)
        foreign_orphan = stored(other_vendor)
        logo, shot = stored(vendor, purpose="logo"), stored(vendor, purpose="screenshot")
        draft_logo = stored(vendor, purpose="logo")
        factories.make_solution(vendor, logo_id=logo.id, screenshot_ids=[shot.id])
        factories.make_solution(vendor, status="draft", logo_id=draft_logo.id)
        document = stored(other_vendor, purpose="document")
        org = other_vendor.organization
        accounts.request_verification(
            other_vendor,
            accounts.VerificationDetails(
                legal_name=org.name,
                tax_code=org.tax_code,
                address="Số 1 Trần Hưng Đạo",
                representative="Nguyễn Văn An",
                document_id=document.id,
            ),
        )
        db.session.commit()
        clock.tick(dt.timedelta(hours=23))
        young = stored(vendor)
        clock.tick(dt.timedelta(hours=2))  # 25 h after the first uploads
        orphan_file = upload_path(orphan)
        result = app.test_cli_runner().invoke(args=["uploads", "purge"])
    assert result.exit_code == 0, result.output
    assert "removed 2 unused upload(s)" in result.output
    assert not exists(orphan) and not exists(foreign_orphan)
    assert not orphan_file.exists()
    for kept in (logo, shot, draft_logo, document, young):
        assert exists(kept), kept.purpose


def test_purge_keeps_the_images_of_open_revisions(upload_dir, vendor, moderator, client):
    live_logo, proposed, draft_shot = (stored(vendor) for _ in range(3))
    pending = factories.make_solution(vendor, logo_id=live_logo.id)
    services.save_solution(vendor, pending, factories.listing_content(logo_id=proposed.id))
    services.submit_solution(vendor, pending)
    drafted = factories.make_solution(vendor)
    services.save_solution(
        vendor, drafted, factories.listing_content(screenshot_ids=[draft_shot.id])
    )
    db.session.commit()

    assert purge_orphan_uploads(now=utcnow() + dt.timedelta(days=30)) == 0
    db.session.commit()
    assert all(exists(u) for u in (live_logo, proposed, draft_shot))
    # The pending revision can still be approved, and shows its logo.
    decisions.approve_revision(moderator, listing_queries.open_revision(pending))
    db.session.commit()
    assert client.get(f"/media/{proposed.filename}").status_code == 200


def test_purge_sweeps_old_stray_files_only(app, upload_dir, vendor):
    kept = stored(vendor)
    upload_dir.mkdir(exist_ok=True)
    old = (utcnow() - dt.timedelta(hours=25)).timestamp()
    for name in ("stray.jpg", ".upload-dead.tmp", "young.jpg"):
        (upload_dir / name).write_bytes(b"x")
    for name in ("stray.jpg", ".upload-dead.tmp"):
        os.utime(upload_dir / name, (old, old))
    os.utime(upload_path(kept), (old, old))
    result = app.test_cli_runner().invoke(args=["uploads", "purge"])
    assert "and 2 stray file(s)" in result.output
    assert files_in(upload_dir) == sorted([kept.filename, "young.jpg"])


# --- replaced images -------------------------------------------------------------------


def test_replacing_a_drafts_logo_removes_the_old_file_once_committed(upload_dir, vendor):
    old, new = stored(vendor, purpose="logo"), stored(vendor, purpose="logo")
    solution = factories.make_solution(vendor, status="draft", logo_id=old.id)
    old_file = upload_path(old)
    services.save_solution(vendor, solution, factories.listing_content(logo_id=new.id))
    assert old_file.is_file()  # not before the commit
    db.session.rollback()
    assert exists(old)  # a rolled-back edit keeps it
    services.save_solution(vendor, solution, factories.listing_content(logo_id=new.id))
    db.session.commit()
    assert not exists(old) and not old_file.exists()
    assert exists(new)


def test_a_removed_screenshot_is_removed(upload_dir, vendor):
    first, second = stored(vendor), stored(vendor)
    solution = factories.make_solution(vendor, status="draft", screenshot_ids=[first.id, second.id])
    services.save_solution(vendor, solution, factories.listing_content(screenshot_ids=[second.id]))
    db.session.commit()
    assert not exists(first) and exists(second)


def test_the_replaced_live_logo_goes_only_when_the_revision_is_approved(
    upload_dir, client, vendor, moderator
):
    live, proposed = stored(vendor), stored(vendor)
    solution = factories.make_solution(vendor, logo_id=live.id)
    services.save_solution(vendor, solution, factories.listing_content(logo_id=proposed.id))
    services.submit_solution(vendor, solution)
    db.session.commit()
    # Pending: the public still sees the live logo.
    assert exists(live) and client.get(f"/media/{live.filename}").status_code == 200
    decisions.approve_revision(moderator, listing_queries.open_revision(solution))
    db.session.commit()
    assert not exists(live)
    assert client.get(f"/media/{proposed.filename}").status_code == 200


def test_a_replaced_logo_stays_while_another_listing_or_a_pending_revision_shows_it(
    upload_dir, client, vendor, moderator
):
    shared, draft_logo, live_logo, other_logo = (stored(vendor) for _ in range(4))
    live = factories.make_solution(vendor, logo_id=shared.id)
    draft = factories.make_solution(vendor, status="draft", logo_id=shared.id)
    other = factories.make_solution(vendor, logo_id=other_logo.id)

    # The draft stops using it, the live listing still shows it.
    services.save_solution(vendor, draft, factories.listing_content(logo_id=draft_logo.id))
    db.session.commit()
    assert exists(shared)

    # Another listing's pending revision proposes it; the live listing replaces it.
    services.save_solution(vendor, other, factories.listing_content(logo_id=shared.id))
    services.submit_solution(vendor, other)
    services.save_solution(vendor, live, factories.listing_content(logo_id=live_logo.id))
    services.submit_solution(vendor, live)
    decisions.approve_revision(moderator, listing_queries.open_revision(live))
    db.session.commit()
    assert exists(shared)

    # The pending revision is approved as it was: the logo it proposed is there.
    decisions.approve_revision(moderator, listing_queries.open_revision(other))
    db.session.commit()
    assert exists(shared) and not exists(other_logo)
    assert client.get(f"/media/{shared.filename}").status_code == 200


# --- another organisation's uploads ----------------------------------------------------


def test_another_organisations_screenshot_cannot_be_attached(
    client_for, upload_dir, vendor, other_vendor
):
    foreign = stored(other_vendor)
    response = client_for(vendor).post(
        "/vendor/solutions/new", data=editor_form(screenshot_ids=str(foreign.id))
    )
    assert response.status_code == 400
    assert "Ảnh không hợp lệ." in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count(Solution.id))) == 0


def test_a_revision_cannot_take_another_organisations_logo(upload_dir, vendor, other_vendor):
    foreign = stored(other_vendor)
    solution = factories.make_solution(vendor)
    with pytest.raises(rules.ListingError):
        services.save_solution(vendor, solution, factories.listing_content(logo_id=foreign.id))
    assert listing_queries.open_revision(solution) is None


def test_a_verification_cannot_take_another_organisations_document(
    upload_dir, vendor, other_vendor
):
    foreign = stored(vendor, purpose="document")
    org = other_vendor.organization
    with pytest.raises(accounts.AccountError, match="Tài liệu không hợp lệ"):
        accounts.request_verification(
            other_vendor,
            accounts.VerificationDetails(
                legal_name=org.name,
                tax_code=org.tax_code,
                address="Số 1 Trần Hưng Đạo",
                representative="Nguyễn Văn An",
                document_id=foreign.id,
            ),
        )


def test_releasing_never_removes_another_organisations_upload(upload_dir, vendor, other_vendor):
    foreign = stored(other_vendor)
    assert release_uploads([foreign.id], org_id=vendor.organization_id) == 0
    db.session.commit()
    assert exists(foreign)
