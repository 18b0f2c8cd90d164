"""Fixtures of the catalogue's tests."""

from __future__ import annotations

import pytest
from sqlalchemy import text

from marketplace.catalog import search_index
from marketplace.demo import seed
from marketplace.demo.catalog_seed import seed_catalog
from marketplace.extensions import db
from tests.conftest import IS_POSTGRES


@pytest.fixture
def demo_catalogue(app):
    """The demo catalogue of marketplace/demo/data, seeded and indexed."""
    seed.seed_accounts("demo-hash")
    seed_catalog("demo-hash")
    search_index.reindex_all()
    db.session.commit()
    yield
    if IS_POSTGRES:
        db.session.rollback()
        db.session.execute(text("DELETE FROM solution_search"))
        db.session.commit()
