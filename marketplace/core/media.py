"""Uploaded files as other domains see them, without importing the catalogue's model."""

from __future__ import annotations

from sqlalchemy import select

from marketplace.extensions import db


def upload_owner_id(upload_id: int | None) -> int | None:
    """Return the id of the organisation that owns an upload, or None when there is none."""
    if upload_id is None:
        return None
    # The `uploads` table belongs to the catalogue (catalog.models.Upload); reading one column
    # by table keeps accounts, which sits below the catalogue, from importing it.
    uploads = db.metadata.tables["uploads"]
    return db.session.scalar(select(uploads.c.org_id).where(uploads.c.id == upload_id))
