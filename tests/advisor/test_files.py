"""Atomic writes keep permissions: shared files stay shareable, secrets stay private."""

from __future__ import annotations

import os
import stat
from pathlib import Path

from advisor import files


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_new_file_follows_the_umask(tmp_path: Path) -> None:
    old = os.umask(0o022)
    try:
        files.atomic_write_text(tmp_path / "report.html", "x")
    finally:
        os.umask(old)
    assert _mode(tmp_path / "report.html") == 0o644


def test_replaced_file_keeps_its_mode(tmp_path: Path) -> None:
    path = tmp_path / "workload.yaml"
    path.write_text("a")
    path.chmod(0o640)
    files.atomic_write_text(path, "b")
    assert path.read_text() == "b" and _mode(path) == 0o640


def test_private_files_are_owner_only(tmp_path: Path) -> None:
    path = tmp_path / "secrets.json"
    path.write_text("{}")
    path.chmod(0o644)
    files.atomic_write_text(path, "{}", private=True)
    assert _mode(path) == 0o600


def test_no_temporary_file_is_left_behind(tmp_path: Path) -> None:
    files.atomic_write_bytes(tmp_path / "a.bin", b"1")
    assert [p.name for p in tmp_path.iterdir()] == ["a.bin"]
