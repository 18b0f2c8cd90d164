"""Serving uploaded images."""

from __future__ import annotations

from flask import Response, abort, send_file
from flask_login import current_user

from marketplace.catalog import media_bp, permissions, uploads
from marketplace.catalog.models import Upload
from marketplace.core.permissions import require
from marketplace.extensions import db

PUBLIC_MAX_AGE = 86400


@media_bp.get("/<filename>", endpoint="file")
def serve(filename: str) -> Response:
    """Send a stored image to whoever may see it; 404 to everyone else."""
    if not uploads.is_safe_filename(filename):
        abort(404)
    upload = db.session.scalar(db.select(Upload).filter_by(filename=filename))
    if upload is None:
        abort(404)
    public = permissions.is_public_upload(upload)
    # Same rule as permissions.can_view_upload, without asking twice whether it is public.
    require(public or permissions.can_view_unpublished_upload(current_user, upload), hide=True)
    try:
        response = send_file(
            uploads.upload_path(upload),
            mimetype=upload.content_type,
            download_name=upload.filename,
            conditional=True,
            max_age=PUBLIC_MAX_AGE if public else None,
        )
    except FileNotFoundError:
        abort(404)
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response.headers["Cache-Control"] = (
        f"public, max-age={PUBLIC_MAX_AGE}" if public else "private, no-store"
    )
    return response
