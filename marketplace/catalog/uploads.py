"""Image uploads: validate by content, re-encode without metadata, store under a random name.

Also their upkeep: a storage quota per organisation, and removal of the uploads nothing
uses (replaced images at once, never-attached ones after a grace period).
"""

from __future__ import annotations

import datetime as dt
import io
import os
import re
import secrets
import tempfile
import warnings
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from flask import current_app
from flask_babel import gettext as _
from PIL import Image, ImageOps
from sqlalchemy import delete, event, exists, func, select
from sqlalchemy.orm import Session, SessionTransaction
from werkzeug.datastructures import FileStorage

from marketplace.accounts.models import Organization, User, VerificationRequest
from marketplace.catalog import permissions
from marketplace.catalog.models import (
    RevisionStatus,
    Screenshot,
    Solution,
    SolutionRevision,
    Upload,
    VendorProfile,
)
from marketplace.core.database import utcnow
from marketplace.core.errors import DomainError
from marketplace.core.permissions import require
from marketplace.extensions import db

DEFAULT_MAX_BYTES = 5 * 1024 * 1024
DEFAULT_MAX_PIXELS = 24_000_000
DEFAULT_QUOTA_BYTES = 200 * 1024 * 1024
DEFAULT_ORPHAN_HOURS = 24.0
# Formats Pillow may even try to parse: never EPS (Ghostscript) or other exotic decoders.
ACCEPTED_FORMATS = ("PNG", "JPEG", "WEBP", "GIF")
MIN_SIDE = 16
MAX_SIDE = 8000
# Modes that are scaled down as they are decoded; any other is converted first, since
# resizing a palette or 1-bit image would fall back to nearest-neighbour.
RESIZABLE_MODES = ("RGB", "RGBA", "L", "LA")
# Longest side of the stored image, by purpose.
MAX_STORED_SIDE = 2000
MAX_STORED_SIDE_BY_PURPOSE = {"logo": 512}
JPEG_QUALITY = 85
# A single path component that is no dotfile (temporary files start with a dot).
SAFE_FILENAME_RE = re.compile(r"[A-Za-z0-9_-][A-Za-z0-9_.-]{0,79}")

_PENDING_KEY = "marketplace.pending_upload_files"
_DOOMED_KEY = "marketplace.doomed_upload_files"
PURGE_BATCH = 500


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
    return _store(actor.organization_id, actor.id, file, purpose)


def store_evidence(org_id: int, file: FileStorage) -> Upload:
    """Store a document sent as evidence about organisation `org_id` by someone without an
    account (a join request taken to the moderators), like a verification document.

    It counts in that organisation's quota and, like every unpublished upload, only staff
    can open it from the moderation pages (its random name is shown nowhere else).
    """
    return _store(org_id, None, file, "document")


def _store(org_id: int, uploaded_by_id: int | None, file: FileStorage, purpose: str) -> Upload:
    if len(purpose) > 20:
        raise ValueError("purpose is limited to 20 characters")
    data = _read_limited(file)
    # A full organisation is refused before any decoding work is spent on it.
    _check_quota(used=_bytes_used(org_id), adding=1)
    image = _decode(data, MAX_STORED_SIDE_BY_PURPOSE.get(purpose, MAX_STORED_SIDE))
    encoded = _reencode(image)
    # Counted again under a lock, so that parallel uploads cannot overrun the quota together.
    _check_quota(used=_bytes_used(org_id, lock=True), adding=len(encoded.data))

    filename = f"{secrets.token_urlsafe(16)}.{encoded.extension}"
    path = _write_atomically(upload_folder(), filename, encoded.data)
    try:
        upload = Upload(
            org_id=org_id,
            uploaded_by_id=uploaded_by_id,
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


def _bytes_used(org_id: int, *, lock: bool = False) -> int:
    """Return the bytes the organisation's uploads take; with `lock`, hold its row first."""
    if lock:
        # FOR NO KEY UPDATE on PostgreSQL: serialises the organisation's uploads without
        # blocking rows that merely reference the organisation.
        db.session.execute(
            select(Organization.id).where(Organization.id == org_id).with_for_update(key_share=True)
        )
    used = db.session.scalar(
        select(func.coalesce(func.sum(Upload.size_bytes), 0)).where(Upload.org_id == org_id)
    )
    return int(used or 0)


def _check_quota(*, used: int, adding: int) -> None:
    quota = int(current_app.config.get("UPLOAD_QUOTA_BYTES", DEFAULT_QUOTA_BYTES))
    if used + adding > quota:
        raise UploadError(
            _(
                "Tổ chức đã dùng hết dung lượng lưu trữ ảnh (tối đa %(mb)d MB). Ảnh không "
                "gắn với giải pháp nào được tự động xóa sau %(hours)d giờ.",
                mb=max(1, quota // (1024 * 1024)),
                hours=max(1, round(_orphan_age().total_seconds() / 3600)),
            )
        )


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


def _max_pixels() -> int:
    return int(current_app.config.get("UPLOAD_MAX_PIXELS", DEFAULT_MAX_PIXELS))


def _decode(data: bytes, max_side: int) -> Image.Image:
    """Open and verify the image by its bytes alone; decode it at most `max_side` on a side.

    The canvas size is checked from the header before any pixel is decoded, and a JPEG
    is decoded at a reduced scale when it is larger than what is kept.
    """
    bad_size = _("Ảnh quá nhỏ hoặc quá lớn về kích thước điểm ảnh.")
    max_pixels = _max_pixels()
    # Pillow's own guard at the same limit, for any image opened in this process.
    Image.MAX_IMAGE_PIXELS = max_pixels
    try:
        with warnings.catch_warnings():
            # Pillow only warns between its limit and twice it (and would go on): refuse.
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            probe = Image.open(io.BytesIO(data), formats=ACCEPTED_FORMATS)
        with probe:
            # Image.open reads the header only: a small file may declare a huge canvas.
            width, height = probe.size
            if (
                min(width, height) < MIN_SIDE
                or max(width, height) > MAX_SIDE
                or width * height > max_pixels
            ):
                raise UploadError(bad_size)
            probe.verify()
        # verify() leaves the image unusable: open a fresh one.
        image = Image.open(io.BytesIO(data), formats=ACCEPTED_FORMATS)
        if image.format not in ACCEPTED_FORMATS or image.size != (width, height):
            raise UploadError(_invalid_message())
        if image.format == "JPEG":
            # libjpeg scales by 1/2, 1/4 or 1/8 while decoding, staying at least this large.
            image.draft(None, _fitted((width, height), max_side))
        if image.mode not in RESIZABLE_MODES:
            image = image.convert("RGBA" if _has_alpha(image) else "RGB")
        # Decodes, then scales down in place (the bounding box is square, so the EXIF
        # orientation can be applied afterwards, on the small image).
        image.thumbnail((max_side, max_side), Image.Resampling.LANCZOS)
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


def _fitted(size: tuple[int, int], max_side: int) -> tuple[int, int]:
    """Return `size` scaled down, proportions kept, to at most `max_side` on a side."""
    width, height = size
    scale = min(1.0, max_side / max(width, height))
    return max(1, round(width * scale)), max(1, round(height * scale))


def _has_alpha(image: Image.Image) -> bool:
    return image.mode in ("RGBA", "LA", "PA", "RGBa", "La") or "transparency" in image.info


def _reencode(image: Image.Image) -> _Encoded:
    """Re-encode without metadata: PNG when the image has transparency, else JPEG."""
    try:
        has_alpha = _has_alpha(image)
        image = image.convert("RGBA" if has_alpha else "RGB")
        if has_alpha and image.getchannel("A").getextrema() == (255, 255):
            # An alpha channel with nothing transparent in it: a photo saved as PNG.
            has_alpha = False
            image = image.convert("RGB")
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


# ---------------------------------------------------------------- removing what nothing uses


# Other domains that keep uploads (say, the programme's application attachments) register a
# function returning which of some upload ids they use; those uploads are never purged.
_REFERENCE_CHECKS: list[Callable[[set[int]], set[int]]] = []


def register_reference(check: Callable[[set[int]], set[int]]) -> None:
    """Count the uploads `check` reports as used (call it at app creation)."""
    if check not in _REFERENCE_CHECKS:
        _REFERENCE_CHECKS.append(check)


def referenced_upload_ids(ids: Iterable[int]) -> set[int]:
    """Return those of `ids` that something shows or keeps.

    That is a solution's logo or screenshot (the live version, or a draft's content), a
    vendor's page logo, a
    verification request's document, or the content of an open (draft or pending)
    revision, which must still be approvable.
    """
    ids = set(ids)
    if not ids:
        return set()
    found = set(
        db.session.scalars(
            select(Upload.id).where(
                Upload.id.in_(ids),
                exists().where(Solution.logo_id == Upload.id)
                | exists().where(Screenshot.upload_id == Upload.id)
                | exists().where(VerificationRequest.document_id == Upload.id)
                | exists().where(VendorProfile.logo_id == Upload.id),
            )
        )
    )
    for check in _REFERENCE_CHECKS:
        found |= ids & check(ids - found)
    # Revisions hold their images inside a JSON snapshot: read the open ones of the
    # organisations concerned (a handful) and look inside.
    if not ids - found:
        return found
    org_ids = select(Upload.org_id).where(Upload.id.in_(ids - found)).distinct()
    snapshots = db.session.scalars(
        select(SolutionRevision.content)
        .join(Solution, Solution.id == SolutionRevision.solution_id)
        .where(
            Solution.vendor_id.in_(org_ids),
            SolutionRevision.status.in_([RevisionStatus.DRAFT, RevisionStatus.PENDING]),
        )
    )
    for content in snapshots:
        found |= ids & _snapshot_upload_ids(content)
    return found


def _snapshot_upload_ids(content: dict) -> set[int]:
    values = [content.get("logo_id"), *(content.get("screenshot_ids") or [])]
    return {v for v in values if isinstance(v, int)}


def release_uploads(ids: Iterable[int], *, org_id: int) -> int:
    """Remove the organisation's uploads among `ids` that nothing references any more.

    Call it with the images an edit replaced or removed. The rows go in the caller's
    transaction; the files once it commits (never if it rolls back). Returns the count.
    """
    ids = {i for i in ids if i is not None}
    if not ids:
        return 0
    owned = set(
        db.session.scalars(select(Upload.id).where(Upload.id.in_(ids), Upload.org_id == org_id))
    )
    return _remove(owned - referenced_upload_ids(owned))


def purge_orphan_uploads(*, now: dt.datetime | None = None) -> int:
    """Remove uploads attached to nothing for longer than UPLOAD_ORPHAN_HOURS; return the count.

    A vendor's form stores its images before the rest is valid (so they survive a
    failed post), and a preview stores them too: those never saved with a listing, and
    the images of discarded or rejected revisions, end here. Files go once the caller
    commits.
    """
    cutoff = (now or utcnow()) - _orphan_age()
    removed, last_id = 0, 0
    while True:
        # Keyset batches by id: uploads kept (say, in an open revision) are not read twice.
        batch = list(
            db.session.scalars(
                select(Upload.id)
                .where(Upload.created_at < cutoff, Upload.id > last_id)
                .order_by(Upload.id)
                .limit(PURGE_BATCH)
            )
        )
        if not batch:
            return removed
        last_id = batch[-1]
        removed += _remove(set(batch) - referenced_upload_ids(batch))


def sweep_stray_files(*, now: dt.datetime | None = None) -> int:
    """Delete files of the upload folder that no upload row names, once they are old enough.

    They are left by a process that died between writing a file and committing its row
    (or by a row deleted outside the app). Files younger than the orphan age are kept:
    their row may not be committed yet.
    """
    folder = upload_folder()
    if not folder.is_dir():
        return 0
    cutoff = ((now or utcnow()) - _orphan_age()).timestamp()
    old = [
        entry.name
        for entry in os.scandir(folder)
        if entry.is_file(follow_symlinks=False) and entry.stat().st_mtime < cutoff
    ]
    removed = 0
    for start in range(0, len(old), PURGE_BATCH):
        names = old[start : start + PURGE_BATCH]
        known = set(db.session.scalars(select(Upload.filename).where(Upload.filename.in_(names))))
        for name in names:
            if name not in known:
                (folder / name).unlink(missing_ok=True)
                removed += 1
    return removed


def _orphan_age() -> dt.timedelta:
    hours = float(current_app.config.get("UPLOAD_ORPHAN_HOURS", DEFAULT_ORPHAN_HOURS))
    return dt.timedelta(hours=hours)


def _remove(ids: set[int]) -> int:
    """Delete these upload rows now and their files after the commit."""
    if not ids:
        return 0
    names = list(db.session.scalars(select(Upload.filename).where(Upload.id.in_(ids))))
    db.session.execute(delete(Upload).where(Upload.id.in_(ids)))
    folder = upload_folder()
    db.session.info.setdefault(_DOOMED_KEY, []).extend(
        str(folder / name) for name in names if is_safe_filename(name)
    )
    return len(names)


@event.listens_for(Session, "after_commit")
def _forget_committed_files(session: Session) -> None:
    """Keep the files of uploads whose rows were committed; delete those of deleted rows."""
    session.info.pop(_PENDING_KEY, None)
    for name in session.info.pop(_DOOMED_KEY, []):
        Path(name).unlink(missing_ok=True)


@event.listens_for(Session, "after_transaction_end")
def _remove_uncommitted_files(session: Session, transaction: SessionTransaction) -> None:
    """Delete the files of uploads whose rows were rolled back or never committed."""
    if transaction.parent is not None:
        return
    for name in session.info.pop(_PENDING_KEY, []):
        Path(name).unlink(missing_ok=True)
    # Deleted rows that were rolled back keep their files.
    session.info.pop(_DOOMED_KEY, None)
