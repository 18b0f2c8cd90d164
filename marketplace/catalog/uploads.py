"""Image uploads: validate by content, re-encode without metadata, store under a random name."""

from __future__ import annotations

import io
import os
import re
import secrets
import tempfile
from dataclasses import dataclass
from pathlib import Path

from flask import current_app
from flask_babel import gettext as _
from PIL import Image, ImageOps
from sqlalchemy import event
from sqlalchemy.orm import Session, SessionTransaction
from werkzeug.datastructures import FileStorage

from marketplace.accounts.models import User
from marketplace.catalog import permissions
from marketplace.catalog.models import Upload
from marketplace.core.errors import DomainError
from marketplace.core.permissions import require
from marketplace.extensions import db

DEFAULT_MAX_BYTES = 5 * 1024 * 1024
# Formats Pillow may even try to parse: never EPS (Ghostscript) or other exotic decoders.
ACCEPTED_FORMATS = ("PNG", "JPEG", "WEBP", "GIF")
MIN_SIDE = 16
MAX_SIDE = 8000
MAX_PIXELS = 40_000_000
# Longest side of the stored image, by purpose.
MAX_STORED_SIDE = 2000
MAX_STORED_SIDE_BY_PURPOSE = {"logo": 512}
JPEG_QUALITY = 85
# A single path component that is no dotfile (temporary files start with a dot).
SAFE_FILENAME_RE = re.compile(r"[A-Za-z0-9_-][A-Za-z0-9_.-]{0,79}")

_PENDING_KEY = "marketplace.pending_upload_files"


class UploadError(DomainError):
    """An upload was refused; `message` is shown to the user."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def upload_folder() -> Path:
    """Return the configured upload folder (not necessarily existing yet)."""
    return Path(current_app.config["UPLOAD_FOLDER"])


def is_safe_filename(filename: str) -> bool:
    """Tell whether `filename` can only name a file directly inside the upload folder."""
    return bool(SAFE_FILENAME_RE.fullmatch(filename or "")) and ".." not in filename


def upload_path(upload: Upload) -> Path:
    """Return where the upload's file lives on disk."""
    if not is_safe_filename(upload.filename):
        raise ValueError(f"unexpected upload file name {upload.filename!r}")
    return upload_folder() / upload.filename


def delete_upload_file(upload: Upload) -> None:
    """Remove the upload's stored file, if it is still there."""
    upload_path(upload).unlink(missing_ok=True)


def store_image(actor: User, file: FileStorage, *, purpose: str = "image") -> Upload:
    """Validate an uploaded image, store a clean re-encoded copy and add its `Upload` row.

    The file is removed again if anything fails once it is written, including a later
    rollback (or a close without commit) of the session that holds the new row.
    """
    require(permissions.can_upload(actor))
    if len(purpose) > 20:
        raise ValueError("purpose is limited to 20 characters")
    image = _decode(_read_limited(file))
    encoded = _reencode(image, MAX_STORED_SIDE_BY_PURPOSE.get(purpose, MAX_STORED_SIDE))

    filename = f"{secrets.token_urlsafe(16)}.{encoded.extension}"
    path = _write_atomically(upload_folder(), filename, encoded.data)
    try:
        upload = Upload(
            org_id=actor.organization_id,
            uploaded_by_id=actor.id,
            filename=filename,
            content_type=encoded.content_type,
            size_bytes=len(encoded.data),
            width=encoded.width,
            height=encoded.height,
            purpose=purpose,
        )
        db.session.add(upload)
        db.session.flush()
        db.session.info.setdefault(_PENDING_KEY, []).append(str(path))
    except BaseException:
        path.unlink(missing_ok=True)
        raise
    return upload


@dataclass(frozen=True)
class _Encoded:
    data: bytes
    extension: str
    content_type: str
    width: int
    height: int


def _read_limited(file: FileStorage) -> bytes:
    limit = int(current_app.config.get("UPLOAD_MAX_BYTES", DEFAULT_MAX_BYTES))
    # Read one byte past the limit rather than trust a length the client sent.
    data = file.stream.read(limit + 1)
    if not data:
        raise UploadError(_("Tệp tải lên trống."))
    if len(data) > limit:
        raise UploadError(_("Ảnh quá lớn: tối đa %(mb)d MB.", mb=max(1, limit // (1024 * 1024))))
    return data


def _decode(data: bytes) -> Image.Image:
    """Open, verify and fully decode the image, judging it by its bytes alone."""
    bad_size = _("Ảnh quá nhỏ hoặc quá lớn về kích thước điểm ảnh.")
    try:
        with Image.open(io.BytesIO(data), formats=ACCEPTED_FORMATS) as probe:
            width, height = probe.size
            # Checked before decoding anything: a small file may declare a huge canvas.
            if (
                min(width, height) < MIN_SIDE
                or max(width, height) > MAX_SIDE
                or width * height > MAX_PIXELS
            ):
                raise UploadError(bad_size)
            probe.verify()
        # verify() leaves the image unusable: decode a fresh one.
        image = Image.open(io.BytesIO(data), formats=ACCEPTED_FORMATS)
        image.load()
        if image.format not in ACCEPTED_FORMATS or image.size != (width, height):
            raise UploadError(_invalid_message())
        # Apply the EXIF orientation now, since the metadata that carries it is dropped.
        return ImageOps.exif_transpose(image)
    except UploadError:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as err:
        raise UploadError(bad_size) from err
    except Exception as err:
        # Pillow reports malformed input with many exception types (OSError, SyntaxError,
        # ValueError, struct.error, EOFError…): all of them mean "not a valid image".
        raise UploadError(_invalid_message()) from err


def _reencode(image: Image.Image, max_side: int) -> _Encoded:
    """Re-encode without metadata: PNG when the image has transparency, else JPEG."""
    try:
        has_alpha = image.mode in ("RGBA", "LA", "PA") or "transparency" in image.info
        image = image.convert("RGBA" if has_alpha else "RGB")
        if has_alpha and image.getchannel("A").getextrema() == (255, 255):
            # An alpha channel with nothing transparent in it: a photo saved as PNG.
            has_alpha = False
            image = image.convert("RGB")
        if max(image.size) > max_side:
            image.thumbnail((max_side, max_side), Image.Resampling.LANCZOS)
        out = io.BytesIO()
        if has_alpha:
            image.save(out, format="PNG", optimize=True)
            extension, content_type = "png", "image/png"
        else:
            image.save(out, format="JPEG", quality=JPEG_QUALITY, optimize=True)
            extension, content_type = "jpg", "image/jpeg"
    except Exception as err:
        raise UploadError(_invalid_message()) from err
    return _Encoded(out.getvalue(), extension, content_type, image.width, image.height)


def _invalid_message() -> str:
    return _("Tệp không phải là ảnh hợp lệ (chỉ nhận PNG, JPEG, WebP).")


def _write_atomically(folder: Path, filename: str, data: bytes) -> Path:
    """Write `data` to `folder/filename` through a temporary file, so no reader sees half a file."""
    folder.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(dir=folder, prefix=".upload-", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp_name, 0o640)
        path = folder / filename
        os.replace(tmp_name, path)
    except BaseException:
        Path(tmp_name).unlink(missing_ok=True)
        raise
    return path


@event.listens_for(Session, "after_commit")
def _forget_committed_files(session: Session) -> None:
    """Keep the files of uploads whose rows were committed."""
    session.info.pop(_PENDING_KEY, None)


@event.listens_for(Session, "after_transaction_end")
def _remove_uncommitted_files(session: Session, transaction: SessionTransaction) -> None:
    """Delete the files of uploads whose rows were rolled back or never committed."""
    if transaction.parent is not None:
        return
    for name in session.info.pop(_PENDING_KEY, []):
        Path(name).unlink(missing_ok=True)
