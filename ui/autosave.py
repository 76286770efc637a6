"""Autosave of the workload being edited, and the clean-exit marker that says when to restore."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from advisor import files, paths

_SOURCE_PREFIX = "# source: "


@dataclass(frozen=True)
class AutosaveRecord:
    """What was being edited when the app last stopped without a clean exit."""

    values: dict[str, Any]
    source: Path | None
    saved_at: dt.datetime


class Autosave:
    """``autosave.yaml`` holds the field values as typed (valid or not); ``clean-exit`` marks a
    normal shutdown. An autosave without the marker means the app was killed or crashed."""

    def __init__(self, folder: Path | None = None) -> None:
        self.folder = folder or paths.state_dir()
        self.path = self.folder / "autosave.yaml"
        self.marker = self.folder / "clean-exit"

    def pending_restore(self) -> AutosaveRecord | None:
        """The autosave left by a session that did not exit cleanly, if any and readable."""
        if self.marker.exists() or not self.path.is_file():
            return None
        try:
            text = self.path.read_text(encoding="utf-8")
            values = yaml.safe_load(text)
        except (OSError, UnicodeDecodeError, yaml.YAMLError):
            return None
        if not isinstance(values, dict):
            return None
        source = None
        first = text.split("\n", 1)[0]
        if first.startswith(_SOURCE_PREFIX):
            source = Path(first.removeprefix(_SOURCE_PREFIX).strip())
        saved_at = dt.datetime.fromtimestamp(self.path.stat().st_mtime)
        return AutosaveRecord(values=values, source=source, saved_at=saved_at)

    def begin_session(self) -> None:
        """From now on, a missing marker means this session did not end cleanly."""
        self.marker.unlink(missing_ok=True)

    def write(self, values: dict[str, Any], source: Path | None) -> None:
        header = f"{_SOURCE_PREFIX}{source}\n" if source else ""
        header += "# Broker Advisor autosave: the workload being edited, as typed.\n"
        body = yaml.safe_dump(_plain(values), sort_keys=False, allow_unicode=True)
        files.atomic_write_text(self.path, header + body)

    def discard(self) -> None:
        """Nothing unsaved any more: forget the autosave."""
        self.path.unlink(missing_ok=True)

    def clean_exit(self) -> None:
        self.discard()
        self.folder.mkdir(parents=True, exist_ok=True)
        self.marker.write_text("", encoding="utf-8")


def _plain(values: dict[str, Any]) -> dict[str, Any]:
    """Enums and other str subclasses as plain values, so safe_dump accepts them."""

    def plain(value: Any) -> Any:
        if isinstance(value, list):
            return [plain(v) for v in value]
        return str(value) if isinstance(value, str) else value

    return {key: plain(value) for key, value in values.items()}
