"""Backup → restore → the app starts and serves the same catalogue (SQLite); PostgreSQL gets
the pg_dump and pg_restore lines."""

from __future__ import annotations

import pytest

from marketplace.extensions import db
from tests import factories
from tests.conftest import IS_POSTGRES, make_test_app

sqlite_only = pytest.mark.skipif(IS_POSTGRES, reason="the online-backup API is SQLite's")


NAMES = ("Kế toán Trường Giang", "Hóa đơn điện tử Sao Mai", "Kế toán sau sao lưu")


def _catalogue(application) -> list[str]:
    """The listings an anonymous visitor sees in the catalogue, of those the test made."""
    page = application.test_client().get("/solutions")
    assert page.status_code == 200
    return sorted(name for name in NAMES if name in page.get_data(as_text=True))


@sqlite_only
def test_backup_then_restore_serves_the_same_catalogue(app, app_factory, vendor, tmp_path):
    factories.make_solution(vendor, name="Kế toán Trường Giang")
    factories.make_solution(vendor, name="Hóa đơn điện tử Sao Mai")
    db.session.commit()
    web = app_factory()
    before = _catalogue(web)
    assert before == ["Hóa đơn điện tử Sao Mai", "Kế toán Trường Giang"]
    runner = app.test_cli_runner()
    backup = tmp_path / "sao-luu" / "marketplace-backup.db"
    result = runner.invoke(args=["backup", str(backup)])
    assert result.exit_code == 0, result.output
    assert backup.exists() and not list(backup.parent.glob(".*partial"))
    # A second backup to the same file needs --force.
    assert runner.invoke(args=["backup", str(backup)]).exit_code != 0
    assert runner.invoke(args=["backup", "--force", str(backup)]).exit_code == 0

    # The backup file is itself a working database: an app started on it serves the same.
    assert _catalogue(make_test_app(f"sqlite:///{backup}")) == before

    # Changes after the backup are undone by the restore.
    factories.make_solution(vendor, name="Kế toán sau sao lưu")
    db.session.commit()
    assert "Kế toán sau sao lưu" in _catalogue(app_factory())
    result = runner.invoke(args=["restore", "--yes", str(backup)])
    assert result.exit_code == 0, result.output
    db.session.remove()
    assert _catalogue(app_factory()) == before


@sqlite_only
def test_restore_refuses_a_file_that_is_not_a_backup(app, tmp_path):
    junk = tmp_path / "khong-phai.db"
    junk.write_bytes(b"SQLite format 3\x00" + b"\x00" * 200)
    result = app.test_cli_runner().invoke(args=["restore", "--yes", str(junk)])
    assert result.exit_code != 0


def test_postgresql_gets_the_pg_dump_and_pg_restore_lines(tmp_path):
    application = make_test_app("postgresql+psycopg://market:bi-mat@db.internal:5432/market")
    runner = application.test_cli_runner()
    dump = runner.invoke(args=["backup", str(tmp_path / "market.dump")])
    assert dump.exit_code == 0
    assert "pg_dump --format=custom" in dump.output
    assert "postgresql://market@db.internal:5432/market" in dump.output
    assert "bi-mat" not in dump.output
    restore = runner.invoke(args=["restore", "--yes", str(tmp_path)])
    assert restore.exit_code != 0  # a folder is not a dump
    (tmp_path / "market.dump").write_bytes(b"PGDMP")
    restore = runner.invoke(args=["restore", "--yes", str(tmp_path / "market.dump")])
    assert "pg_restore --clean --if-exists" in restore.output
