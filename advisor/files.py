"""Atomic file writes, so a crash never leaves a half-written file behind."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def _mode_for(path: Path, private: bool) -> int:
    """Keep a replaced file's permissions; a new one gets what open() would give it."""
    if private:
        return 0o600
    try:
        return path.stat().st_mode & 0o777
    except OSError:
        return 0o666 & ~_umask()


def atomic_write_bytes(path: Path | str, data: bytes, *, private: bool = False) -> None:
    """Write to a temporary file in the same folder, fsync it, then rename it over the target.

    The file keeps the permissions of the one it replaces (a new file follows the umask, as
    with open()); private=True makes it readable by its owner only, for files holding secrets.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    mode = _mode_for(path, private)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        os.fchmod(fd, mode)
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def atomic_write_text(path: Path | str, text: str, *, private: bool = False) -> None:
    """Write text as UTF-8, atomically."""
    atomic_write_bytes(path, text.encode("utf-8"), private=private)
