"""Image uploads: validation by content, clean re-encoding, storage and the media route."""

from __future__ import annotations

import io
import os
import struct
import zlib
from pathlib import Path

import pytest
from flask_login import AnonymousUserMixin
from PIL import Image, PngImagePlugin
from sqlalchemy import func, select
from werkzeug.datastructures import FileStorage
from werkzeug.exceptions import Forbidden

from marketplace.catalog.models import Screenshot, Solution, Upload
from marketplace.catalog.uploads import (
    UploadError,
    delete_upload_file,
    store_image,
    upload_path,
)
from marketplace.extensions import db
from tests import factories

# --- helpers ---------------------------------------------------------------------------


def image_bytes(
    fmt: str = "PNG", size: tuple[int, int] = (64, 48), mode: str = "RGB", **save_args
) -> bytes:
    """Return an image with some structure in it (not a flat colour), encoded as `fmt`."""
    gradient = Image.linear_gradient("L").resize(size)
    image = gradient.convert(mode)
    if mode in ("RGBA", "LA"):
        image.putalpha(gradient)  # some real transparency
    out = io.BytesIO()
    image.save(out, format=fmt, **save_args)
    return out.getvalue()


def noisy_png(size: tuple[int, int]) -> bytes:
    out = io.BytesIO()
    Image.effect_noise(size, 80).convert("RGB").save(out, format="PNG")
    return out.getvalue()


def as_file(data: bytes, filename: str = "anh.png", content_type: str = "image/png"):
    return FileStorage(stream=io.BytesIO(data), filename=filename, content_type=content_type)


def png_header_only(width: int, height: int) -> bytes:
    """Return a tiny PNG that declares a `width` × `height` canvas."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        crc = zlib.crc32(kind + data) & 0xFFFFFFFF
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", crc)

    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", ihdr)
        + chunk(b"IDAT", zlib.compress(b"\x00" * 64))
        + chunk(b"IEND", b"")
    )


def stored_files(folder: Path) -> list[str]:
    return sorted(os.listdir(folder)) if folder.exists() else []


def upload_count() -> int:
    return db.session.scalar(select(func.count()).select_from(Upload))


@pytest.fixture
def upload_dir(app, web_app, tmp_path) -> Path:
    """Point both app instances at an upload folder of this test's own (not yet created)."""
    folder = tmp_path / "uploads"
    app.config["UPLOAD_FOLDER"] = str(folder)
    web_app.config["UPLOAD_FOLDER"] = str(folder)
    return folder


def stored(user, data: bytes | None = None, **kwargs) -> Upload:
    upload = store_image(user, as_file(data or image_bytes()), **kwargs)
    db.session.commit()
    return upload


def make_solution(org_id: int, status: str = "published", **fields) -> Solution:
    solution = Solution(
        vendor_id=org_id, slug=f"giai-phap-{status}-{org_id}", name="Hóa đơn điện tử", status=status
    )
    for key, value in fields.items():
        setattr(solution, key, value)
    db.session.add(solution)
    db.session.commit()
    return solution


# --- storing ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("fmt", "mode", "stored_type"),
    [
        ("PNG", "RGB", "image/jpeg"),
        ("PNG", "RGBA", "image/png"),
        ("PNG", "LA", "image/png"),
        ("PNG", "P", "image/jpeg"),
        ("JPEG", "RGB", "image/jpeg"),
        ("JPEG", "CMYK", "image/jpeg"),
        ("WEBP", "RGB", "image/jpeg"),
        ("WEBP", "RGBA", "image/png"),
        ("GIF", "L", "image/jpeg"),
    ],
)
def test_valid_images_are_reencoded_and_recorded(upload_dir, vendor, fmt, mode, stored_type):
    data = image_bytes(fmt, (64, 48), mode)
    upload = store_image(vendor, as_file(data, "anh-cua-toi.png"), purpose="screenshot")
    db.session.commit()

    path = upload_path(upload)
    assert path.parent == upload_dir and path.is_file()
    content = path.read_bytes()
    assert content != data
    assert upload.content_type == stored_type
    assert upload.filename.endswith(".png" if stored_type == "image/png" else ".jpg")
    assert "anh-cua-toi" not in upload.filename
    assert (upload.width, upload.height) == (64, 48)
    assert upload.size_bytes == len(content)
    assert upload.org_id == vendor.organization_id and upload.uploaded_by_id == vendor.id
    assert upload.purpose == "screenshot"
    with Image.open(path) as image:
        assert image.get_format_mimetype() == stored_type
        assert image.size == (64, 48)
    assert stored_files(upload_dir) == [upload.filename]


def test_metadata_is_stripped(upload_dir, vendor):
    exif = Image.Exif()
    exif[0x010F] = "SecretCam"  # Make
    exif[0x9286] = "toa-do-bi-mat"  # UserComment
    jpeg = image_bytes("JPEG", exif=exif.tobytes())
    info = PngImagePlugin.PngInfo()
    info.add_text("Comment", "ghi-chu-bi-mat")
    png = image_bytes("PNG", mode="RGBA", pnginfo=info)

    for data, secrets in ((jpeg, [b"SecretCam", b"toa-do-bi-mat"]), (png, [b"ghi-chu-bi-mat"])):
        assert all(secret in data for secret in secrets)
        content = upload_path(stored(vendor, data)).read_bytes()
        assert not any(secret in content for secret in secrets)
        with Image.open(io.BytesIO(content)) as image:
            assert not image.getexif()
            assert "Comment" not in image.info


def test_exif_orientation_is_applied_before_it_is_dropped(upload_dir, vendor):
    exif = Image.Exif()
    exif[0x0112] = 6  # rotate 90° clockwise to display
    upload = stored(vendor, image_bytes("JPEG", (80, 40), exif=exif.tobytes()))
    assert (upload.width, upload.height) == (40, 80)


def test_same_image_twice_gets_two_random_names(upload_dir, vendor):
    data = image_bytes()
    first, second = stored(vendor, data), stored(vendor, data)
    assert first.filename != second.filename
    assert len(first.filename.split(".")[0]) >= 20
    assert stored_files(upload_dir) == sorted([first.filename, second.filename])


def test_large_images_are_downscaled(upload_dir, vendor):
    big = stored(vendor, image_bytes("PNG", (3000, 1500)))
    assert (big.width, big.height) == (2000, 1000)
    logo = stored(vendor, image_bytes("PNG", (1000, 600)), purpose="logo")
    assert (logo.width, logo.height) == (512, 307)
    with Image.open(upload_path(logo)) as image:
        assert image.size == (512, 307)


def _truncated(data: bytes) -> bytes:
    return data[: len(data) // 2]


REFUSED = {
    "html": b"<!doctype html><html><script>alert(document.cookie)</script></html>",
    "svg": b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>',
    "text-named-png": b"day la van ban, khong phai anh\n" * 20,
    "pdf": b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n",
    "truncated-jpeg": _truncated(image_bytes("JPEG", (200, 200))),
    "truncated-png": _truncated(noisy_png((200, 200))),
    "png-signature-only": b"\x89PNG\r\n\x1a\n",
    "empty": b"",
    "tiny-2x2": image_bytes("PNG", (2, 2)),
    "too-wide": image_bytes("PNG", (8001, 16), "L"),
    "pillow-bomb": png_header_only(50_000, 50_000),
    "over-40-megapixels": image_bytes("PNG", (7000, 7000), "1"),
}


@pytest.mark.parametrize("case", list(REFUSED))
def test_bad_files_are_refused_without_leaving_anything(upload_dir, vendor, case):
    with pytest.raises(UploadError) as excinfo:
        store_image(vendor, as_file(REFUSED[case], "anh.png", "image/png"))
    assert excinfo.value.message
    db.session.commit()
    assert stored_files(upload_dir) == []
    assert upload_count() == 0


def test_messages_are_in_vietnamese(upload_dir, vendor):
    with pytest.raises(UploadError, match="chỉ nhận PNG, JPEG, WebP"):
        store_image(vendor, as_file(REFUSED["pdf"]))
    with pytest.raises(UploadError, match="kích thước điểm ảnh"):
        store_image(vendor, as_file(REFUSED["tiny-2x2"]))


def test_too_large_files_are_refused(app, web_app, upload_dir, vendor):
    app.config["UPLOAD_MAX_BYTES"] = 1024 * 1024
    data = noisy_png((800, 800))
    assert len(data) > 1024 * 1024
    with pytest.raises(UploadError, match="tối đa 1 MB"):
        store_image(vendor, as_file(data))
    assert stored_files(upload_dir) == [] and upload_count() == 0


def test_the_file_goes_when_the_row_is_rolled_back(upload_dir, vendor):
    upload = store_image(vendor, as_file(image_bytes()))
    path = upload_path(upload)
    assert path.is_file()
    db.session.rollback()
    assert not path.exists()
    assert stored_files(upload_dir) == [] and upload_count() == 0


def test_the_file_stays_once_committed_and_can_be_deleted(upload_dir, vendor):
    upload_id = stored(vendor).id
    path = upload_path(db.session.get(Upload, upload_id))
    db.session.rollback()
    db.session.remove()
    assert path.is_file()
    upload = db.session.get(Upload, upload_id)
    delete_upload_file(upload)
    assert not path.exists()
    delete_upload_file(upload)  # already gone: nothing to do


@pytest.mark.parametrize("who", ["moderator", "admin", "anonymous"])
def test_users_without_an_organisation_cannot_upload(request, upload_dir, who):
    user = AnonymousUserMixin() if who == "anonymous" else request.getfixturevalue(who)
    with pytest.raises(Forbidden):
        store_image(user, as_file(image_bytes()))
    assert stored_files(upload_dir) == [] and upload_count() == 0


# --- serving ---------------------------------------------------------------------------


def url(upload: Upload) -> str:
    return f"/media/{upload.filename}"


def test_owner_and_staff_see_an_unpublished_upload(
    client_for, upload_dir, vendor, moderator, admin
):
    upload = stored(vendor)
    colleague = factories.make_user("vendor", org=vendor.organization)
    for user in (vendor, colleague, moderator, admin):
        response = client_for(user).get(url(upload))
        assert response.status_code == 200, user
        assert response.data == upload_path(upload).read_bytes()
        assert response.headers["Cache-Control"] == "private, no-store"
        assert response.headers["X-Content-Type-Options"] == "nosniff"


def test_others_cannot_tell_an_unpublished_upload_exists(
    client, client_for, upload_dir, vendor, other_vendor, enterprise
):
    upload = stored(vendor)
    missing = client.get("/media/khong-co-tep-nay.jpg")
    assert missing.status_code == 404
    for c in (client, client_for(other_vendor), client_for(enterprise)):
        response = c.get(url(upload))
        assert response.status_code == 404
        assert response.mimetype == missing.mimetype == "text/html"
        assert "Không tìm thấy trang" in response.get_data(as_text=True)
        # Same headers as any missing page: nothing from the media route leaks through.
        assert "sandbox" not in response.headers["Content-Security-Policy"]
        assert "Content-Disposition" not in response.headers


def test_published_logo_is_public_with_safe_headers(client, upload_dir, vendor):
    upload = stored(vendor)
    make_solution(vendor.organization_id, logo_id=upload.id)
    response = client.get(url(upload))
    assert response.status_code == 200
    assert response.mimetype == "image/jpeg"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Content-Security-Policy"] == "default-src 'none'; sandbox"
    assert response.headers["Content-Disposition"].startswith("inline")
    assert response.headers["Cache-Control"] == "public, max-age=86400"
    assert response.data == upload_path(upload).read_bytes()
    # The catalogue's card shows it (a listing without a logo shows its initial).
    card = client.get("/solutions").get_data(as_text=True)
    assert f'<img src="{url(upload)}" alt="" width="48"' in card


def test_published_screenshot_is_public(client, upload_dir, vendor):
    upload = stored(vendor, image_bytes("PNG", mode="RGBA"))
    solution = make_solution(vendor.organization_id)
    db.session.add(Screenshot(solution_id=solution.id, upload_id=upload.id))
    db.session.commit()
    response = client.get(url(upload))
    assert response.status_code == 200 and response.mimetype == "image/png"


@pytest.mark.parametrize("status", ["draft", "pending", "rejected", "suspended", "archived"])
def test_images_of_unpublished_solutions_stay_private(client, upload_dir, vendor, status):
    logo, shot = stored(vendor), stored(vendor)
    solution = make_solution(vendor.organization_id, status=status, logo_id=logo.id)
    db.session.add(Screenshot(solution_id=solution.id, upload_id=shot.id))
    db.session.commit()
    assert client.get(url(logo)).status_code == 404
    assert client.get(url(shot)).status_code == 404


def test_another_vendors_upload_linked_by_id_stays_private(
    client, upload_dir, vendor, other_vendor
):
    upload = stored(vendor)
    make_solution(other_vendor.organization_id, logo_id=upload.id)
    assert client.get(url(upload)).status_code == 404


def test_unpublishing_makes_the_image_private_again(client, upload_dir, vendor):
    upload = stored(vendor)
    solution = make_solution(vendor.organization_id, logo_id=upload.id)
    assert client.get(url(upload)).status_code == 200
    solution.status = "suspended"
    db.session.commit()
    assert client.get(url(upload)).status_code == 404


@pytest.mark.parametrize(
    "path",
    [
        "/media/../secret",
        "/media/%2e%2e%2fx",
        "/media/..%2fsecret",
        "/media/%2e%2e",
        "/media/..",
        "/media/.upload-abc.tmp",
        "/media/a%00.jpg",
        "/media/",
    ],
)
def test_path_tricks_are_not_found(client, client_for, upload_dir, vendor, moderator, path):
    stored(vendor)
    (upload_dir.parent / "secret").write_text("bi mat")
    (upload_dir / ".upload-abc.tmp").write_text("dang ghi")
    for c in (client, client_for(moderator)):
        # A NUL byte is refused outright (400) before any route runs.
        assert c.get(path).status_code == (400 if "%00" in path else 404)


def test_missing_file_on_disk_is_not_found(client_for, upload_dir, vendor, moderator):
    upload = stored(vendor)
    delete_upload_file(upload)
    assert client_for(vendor).get(url(upload)).status_code == 404
    assert client_for(moderator).get(url(upload)).status_code == 404


def test_opaque_alpha_is_stored_as_jpeg(upload_dir, vendor):
    out = io.BytesIO()
    Image.linear_gradient("L").resize((64, 48)).convert("RGBA").save(out, format="PNG")
    assert stored(vendor, out.getvalue()).content_type == "image/jpeg"


def test_trailing_payload_is_not_stored(upload_dir, vendor):
    data = image_bytes("PNG") + b"<html><script>alert(1)</script></html>"
    assert b"<script>" not in upload_path(stored(vendor, data)).read_bytes()


def test_the_file_goes_when_the_row_cannot_be_written(upload_dir, vendor, monkeypatch):
    def broken_flush(*args, **kwargs):
        raise RuntimeError("database went away")

    monkeypatch.setattr(db.session, "flush", broken_flush)
    with pytest.raises(RuntimeError):
        store_image(vendor, as_file(image_bytes()))
    monkeypatch.undo()
    db.session.rollback()
    assert stored_files(upload_dir) == [] and upload_count() == 0


def test_the_file_goes_when_the_session_ends_without_commit(upload_dir, vendor):
    path = upload_path(store_image(vendor, as_file(image_bytes())))
    assert path.is_file()
    db.session.remove()  # what the app does at the end of a request that never committed
    assert stored_files(upload_dir) == [] and upload_count() == 0
