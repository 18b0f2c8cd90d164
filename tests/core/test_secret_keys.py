"""No key that signs sessions, CSRF tokens or visitor marks may be empty."""

from __future__ import annotations

import pytest

from marketplace.config import Config, instance_secret_key


@pytest.mark.parametrize("blank", ["", "   ", "\n"])
def test_a_blank_secret_key_in_the_environment_is_not_used(tmp_path, monkeypatch, blank):
    monkeypatch.setenv("SECRET_KEY", blank)
    key = Config(str(tmp_path)).SECRET_KEY
    assert key.strip() and key == (tmp_path / "secret_key").read_text()


def test_an_empty_key_file_is_refused_not_used(tmp_path):
    """A key file created but never written (a crash, or a process still writing it)."""
    (tmp_path / "secret_key").write_text("  \n")
    with pytest.raises(RuntimeError, match="empty"):
        instance_secret_key(str(tmp_path))


def test_the_generated_key_leaves_no_temporary_file(tmp_path):
    key = instance_secret_key(str(tmp_path))
    assert len(key) == 64
    assert [p.name for p in tmp_path.iterdir()] == ["secret_key"]
    assert (tmp_path / "secret_key").stat().st_mode & 0o077 == 0
