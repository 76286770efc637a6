"""Autosave of the workload being edited, one file per running instance, and crash restore."""

from __future__ import annotations

import datetime as dt
import os
import secrets
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from PySide6.QtCore import QLockFile

from advisor import files, paths

_SOURCE_PREFIX = "# source: "
_VARIANT_PREFIX = "# variant: "
# Between the variants of one autosave (each a YAML mapping of its own).
_SEPARATOR = "\n---\n"
_PREFIX = "autosave-"
# What versions before per-instance autosaves wrote: one shared file and a clean-exit marker.
_LEGACY_FILE = "autosave.yaml"
_LEGACY_MARKER = "clean-exit"


@dataclass(frozen=True)
class AutosavedVariant:
    """A further variant of the workload with unsaved changes."""

    name: str
    values: dict[str, Any]
    source: Path | None = None


@dataclass(frozen=True)
class AutosaveRecord:
    """What an instance was editing when it stopped without a clean exit: the first variant with
    unsaved changes, then the others (`variants`)."""

    values: dict[str, Any]
    source: Path | None
    saved_at: dt.datetime
    path: Path = field(default=Path(), compare=False)
    name: str = ""
    variants: tuple[AutosavedVariant, ...] = ()


class Autosave:
    """Each instance writes ``autosave-<pid>-<token>.yaml`` (the field values as typed, valid or
    not) and holds ``autosave-<pid>-<token>.lock`` while it runs. A file whose lock nobody holds
    belongs to an instance that was killed or crashed: that is what is offered for restore, never
    another running instance's work. A clean exit removes only the instance's own file.
    """

    def __init__(self, folder: Path | None = None) -> None:
        self.folder = folder or paths.state_dir()
        session = f"{_PREFIX}{os.getpid()}-{secrets.token_hex(4)}"
        self.path = self.folder / f"{session}.yaml"
        self._lock = _lock_file(self.folder / f"{session}.lock")
        self._locked = False
        # Locks of other instances' files taken while they are offered, so that a second
        # instance starting at the same moment does not offer the same work too.
        self._claimed: dict[Path, QLockFile] = {}

    def pending_restore(self) -> AutosaveRecord | None:
        """The newest autosave left by an instance that is no longer running, if any is readable.

        Ask again after `forget` for the next one; a running instance's autosave never shows.
        """
        self._remove_abandoned_locks()
        candidates = [
            p
            for p in self.folder.glob(f"{_PREFIX}*.yaml")
            if p != self.path and p not in self._claimed
        ]
        for path in sorted(candidates, key=_mtime, reverse=True):
            lock = _lock_file(path.with_suffix(".lock"))
            if not lock.tryLock(0):
                continue  # its instance is still running
            record = _read(path)
            if record is None:
                lock.unlock()
                continue
            self._claimed[path] = lock
            return record
        legacy = self.folder / _LEGACY_FILE
        if legacy not in self._claimed and not (self.folder / _LEGACY_MARKER).exists():
            return _read(legacy)
        return None

    def forget(self, record: AutosaveRecord) -> None:
        """A restored or declined record: delete its file (the restored work is autosaved anew)."""
        record.path.unlink(missing_ok=True)
        lock = self._claimed.pop(record.path, None)
        if lock is not None:
            lock.unlock()
        if record.path.name == _LEGACY_FILE:
            (self.folder / _LEGACY_MARKER).unlink(missing_ok=True)

    def begin_session(self) -> None:
        """Hold this instance's lock: from now on its autosave is its own until it exits."""
        if not self._locked:
            self.folder.mkdir(parents=True, exist_ok=True)
            self._locked = self._lock.tryLock(0)

    def write(
        self,
        values: dict[str, Any],
        source: Path | None,
        name: str = "",
        variants: tuple[AutosavedVariant, ...] = (),
    ) -> None:
        """The workload being edited and any further variants with unsaved changes."""
        self.begin_session()  # the lock before the file, or another instance could offer it
        header = "# Broker Advisor autosave: the workload being edited, as typed.\n"
        chunks = [header + _chunk(AutosavedVariant(name, values, source))]
        chunks += [_chunk(variant) for variant in variants]
        files.atomic_write_text(self.path, _SEPARATOR.join(chunks))

    def discard(self) -> None:
        """Nothing unsaved any more: forget this instance's autosave."""
        self.path.unlink(missing_ok=True)

    def clean_exit(self) -> None:
        """This instance's autosave and lock go; other instances' files are left alone."""
        self.discard()
        for lock in self._claimed.values():
            lock.unlock()  # offered but neither restored nor declined: offer it again next time
        self._claimed.clear()
        if self._locked:
            self._lock.unlock()
            self._locked = False

    def _remove_abandoned_locks(self) -> None:
        """Locks of instances that died before writing anything (a lock taken is removed)."""
        for lock_path in self.folder.glob(f"{_PREFIX}*.lock"):
            if lock_path.with_suffix(".yaml").exists() or str(lock_path) == self._lock.fileName():
                continue
            lock = _lock_file(lock_path)
            if lock.tryLock(0):
                lock.unlock()


def _lock_file(path: Path) -> QLockFile:
    lock = QLockFile(str(path))
    # Never stale by age: an instance may run for days. Qt still takes over a lock whose
    # process is gone (or is another program that reused its pid).
    lock.setStaleLockTime(0)
    return lock


def _mtime(path: Path) -> float:
    try:
        return path.stat().st_mtime
    except OSError:
        return 0.0


def _chunk(variant: AutosavedVariant) -> str:
    header = f"{_SOURCE_PREFIX}{variant.source}\n" if variant.source else ""
    if variant.name:
        header += f"{_VARIANT_PREFIX}{' '.join(variant.name.split())}\n"
    return header + yaml.safe_dump(_plain(variant.values), sort_keys=False, allow_unicode=True)


def _parse_chunk(text: str) -> AutosavedVariant | None:
    values = yaml.safe_load(text)
    if not isinstance(values, dict):
        return None
    source, name = None, ""
    for line in text.split("\n"):
        if not line.startswith("#"):
            break
        if line.startswith(_SOURCE_PREFIX):
            source = Path(line.removeprefix(_SOURCE_PREFIX).strip())
        elif line.startswith(_VARIANT_PREFIX):
            name = line.removeprefix(_VARIANT_PREFIX).strip()
    return AutosavedVariant(name, values, source)


def _read(path: Path) -> AutosaveRecord | None:
    try:
        text = path.read_text(encoding="utf-8")
        saved_at = dt.datetime.fromtimestamp(path.stat().st_mtime)
        parsed = [_parse_chunk(chunk) for chunk in text.split(_SEPARATOR)]
    except (OSError, UnicodeDecodeError, yaml.YAMLError):
        return None
    variants = [variant for variant in parsed if variant is not None]
    if not variants or parsed[0] is None:
        return None
    first = variants[0]
    return AutosaveRecord(
        values=first.values,
        source=first.source,
        saved_at=saved_at,
        path=path,
        name=first.name,
        variants=tuple(variants[1:]),
    )


def _plain(values: dict[str, Any]) -> dict[str, Any]:
    """Enums and other str subclasses as plain values, so safe_dump accepts them."""

    def plain(value: Any) -> Any:
        if isinstance(value, list):
            return [plain(v) for v in value]
        return str(value) if isinstance(value, str) else value

    return {key: plain(value) for key, value in values.items()}
