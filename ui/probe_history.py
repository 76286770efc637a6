"""The history of probe runs: an SQLite database in the user's data folder, one row per finished
run (the result as JSON, passwords never in it), and what changed since the previous run of the
same target."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from advisor.probe import targets
from advisor.probe.models import CheckStatus, ProbeResult
from ui import bidi
from ui.translation import translate

FILE_NAME = "probe-history.sqlite3"
KEEP_PER_TARGET = 200
_SCHEMA = """
CREATE TABLE IF NOT EXISTS runs (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    broker TEXT NOT NULL,
    target TEXT NOT NULL,
    started_at TEXT NOT NULL,
    status TEXT NOT NULL,
    workload TEXT NOT NULL DEFAULT '',
    result TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS runs_by_target ON runs (broker, target, id);
"""


def default_path() -> Path:
    """<the user's data folder>/probe-history.sqlite3 (e.g. ~/.local/share/BrokerAdvisor/…)."""
    from PySide6.QtCore import QStandardPaths

    folder = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.AppDataLocation)
    return Path(folder) / FILE_NAME


@dataclass(frozen=True)
class Run:
    """One recorded run."""

    id: int
    result: ProbeResult
    workload: str


@dataclass(frozen=True)
class Change:
    """What differs between a run and the previous run of the same target."""

    previous: Run
    status: tuple[CheckStatus, CheckStatus] | None = None  # (before, now) when it changed
    checks: list[tuple[str, CheckStatus | None, CheckStatus | None]] = field(default_factory=list)
    verdicts: list[tuple[str, CheckStatus | None, CheckStatus | None]] = field(default_factory=list)

    @property
    def any(self) -> bool:
        return bool(self.status or self.checks or self.verdicts)

    def text(self) -> str:
        """'Since the previous run (2026-05-01 14:02): FAIL → PASS; durability fail → pass.'"""
        from ui import app as ui_app
        from ui import probe_panel

        when = ui_app.format_datetime(self.previous.result.started_at)
        if not self.any:
            return translate("ProbeHistory", "The same as the previous run ({when}).").format(
                when=when
            )
        parts = []
        if self.status is not None:
            before, after = (probe_panel.word(s).upper() for s in self.status)
            parts.append(f"{before} → {after}")
        for name, before_status, now in [*self.verdicts, *self.checks]:
            parts.append(f"{bidi.isolate(name)} {_word(before_status)} → {_word(now)}")
        separator = translate("ProbeHistory", "; ")
        shown = separator.join(parts[:4]) + (f"{separator}…" if len(parts) > 4 else "")
        return translate("ProbeHistory", "Since the previous run ({when}): {changes}.").format(
            when=when, changes=shown
        )


def _word(status: CheckStatus | None) -> str:
    from ui import probe_panel

    return probe_panel.word(status) if status is not None else translate("ProbeHistory", "absent")


class ProbeHistory:
    """Finished probe runs by target; opened on first use, every call in its own transaction."""

    def __init__(self, path: Path | None = None) -> None:
        self.path = path or default_path()
        self._connection: sqlite3.Connection | None = None

    def _db(self) -> sqlite3.Connection:
        if self._connection is None:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            connection = sqlite3.connect(self.path, timeout=2.0)
            connection.executescript(_SCHEMA)
            self._connection = connection
        return self._connection

    def close(self) -> None:
        if self._connection is not None:
            self._connection.close()
            self._connection = None

    def record(
        self, result: ProbeResult, *, workload: str = "", secrets: Iterable[str] = ()
    ) -> Run:
        """Keep a finished run (its target redacted, the given secrets blanked anywhere)."""
        text = result.model_dump_json()
        for secret in sorted({s for s in secrets if s}, key=len, reverse=True):
            text = text.replace(secret, targets.REDACTED)
        kept = ProbeResult.model_validate_json(text)
        target = targets.redact(kept.target)
        db = self._db()
        with db:
            cursor = db.execute(
                "INSERT INTO runs (broker, target, started_at, status, workload, result) "
                "VALUES (?, ?, ?, ?, ?, ?)",
                (
                    kept.broker.value,
                    target,
                    kept.started_at.isoformat(),
                    kept.status.value,
                    workload,
                    text,
                ),
            )
            run_id = int(cursor.lastrowid or 0)
            db.execute(
                "DELETE FROM runs WHERE broker = ? AND target = ? AND id NOT IN ("
                "SELECT id FROM runs WHERE broker = ? AND target = ? ORDER BY id DESC LIMIT ?)",
                (kept.broker.value, target, kept.broker.value, target, KEEP_PER_TARGET),
            )
        return Run(run_id, kept, workload)

    def runs(self, result: ProbeResult, limit: int = 20) -> list[Run]:
        """The runs of this result's broker and target, newest first."""
        rows = self._db().execute(
            "SELECT id, result, workload FROM runs WHERE broker = ? AND target = ? "
            "ORDER BY id DESC LIMIT ?",
            (result.broker.value, targets.redact(result.target), limit),
        )
        return [Run(int(i), ProbeResult.model_validate_json(r), str(w)) for i, r, w in rows]

    def previous(self, run: Run) -> Run | None:
        """The run of the same broker and target before this one."""
        row = (
            self._db()
            .execute(
                "SELECT id, result, workload FROM runs WHERE broker = ? AND target = ? AND id < ? "
                "ORDER BY id DESC LIMIT 1",
                (run.result.broker.value, targets.redact(run.result.target), run.id),
            )
            .fetchone()
        )
        if row is None:
            return None
        return Run(int(row[0]), ProbeResult.model_validate_json(row[1]), str(row[2]))

    def change(self, run: Run) -> Change | None:
        """What changed since the previous run of the same target; None for a first run."""
        previous = self.previous(run)
        return None if previous is None else compare(previous, run.result)

    def count(self) -> int:
        return int(self._db().execute("SELECT COUNT(*) FROM runs").fetchone()[0])


def compare(previous: Run, result: ProbeResult) -> Change:
    before, now = previous.result, result
    status = (before.status, now.status) if before.status is not now.status else None
    old_checks = {c.title: c.status for c in before.checks}
    new_checks = {c.title: c.status for c in now.checks}
    checks = [
        (name, old_checks.get(name), new_checks.get(name))
        for name in dict.fromkeys([*old_checks, *new_checks])
        if old_checks.get(name) is not new_checks.get(name)
    ]
    old_verdicts = {v.requirement.replace("_", " "): v.status for v in before.verdicts or []}
    new_verdicts = {v.requirement.replace("_", " "): v.status for v in now.verdicts or []}
    verdicts = [
        (name, old_verdicts.get(name), new_verdicts.get(name))
        for name in dict.fromkeys([*old_verdicts, *new_verdicts])
        if old_verdicts.get(name) is not new_verdicts.get(name)
    ]
    return Change(previous, status, checks, verdicts)
