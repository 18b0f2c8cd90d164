"""Fixtures of the core tests: real host processes (tests/core/hosts.py)."""

from __future__ import annotations

import pytest

from tests.core.hosts import Hosts


@pytest.fixture
def real_hosts(app, database_url, tmp_path):
    """Start server processes on this test's database (`real_hosts.start(**environment)`)."""
    hosts = Hosts(database_url, tmp_path)
    yield hosts
    hosts.stop()
