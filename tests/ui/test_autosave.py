"""Autosave per instance: only the work of instances no longer running is offered or removed."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from advisor import files
from advisor import workload as wl
from ui.autosave import Autosave

from .conftest import FakePrompts

ROOT = Path(__file__).resolve().parents[2]

# Another instance of the app, as far as autosave goes: writes its autosave, then either dies
# by SIGKILL (no clean exit, no chance to tidy up) or stays alive until its stdin closes.
_INSTANCE = """
import json, os, signal, sys
from pathlib import Path
from ui.autosave import Autosave
autosave = Autosave(Path(sys.argv[1]))
autosave.write(json.loads(sys.argv[2]), Path(sys.argv[3]) if sys.argv[3] else None)
print(autosave.path, flush=True)
if sys.argv[4] == "kill":
    os.kill(os.getpid(), signal.SIGKILL)
sys.stdin.readline()
"""


def _start_instance(
    folder: Path, values: dict[str, Any], source: Path | None, mode: str
) -> tuple[subprocess.Popen[str], Path]:
    process = subprocess.Popen(
        [sys.executable, "-c", _INSTANCE, str(folder), json.dumps(values), str(source or ""), mode],
        cwd=ROOT,
        env={**os.environ, "QT_QPA_PLATFORM": "offscreen"},
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert process.stdout is not None
    line = process.stdout.readline().strip()  # blocks until the autosave is written
    assert line, "the other instance did not start"
    return process, Path(line)


def killed_instance(folder: Path, values: dict[str, Any], source: Path | None = None) -> Path:
    """The autosave of an instance that was killed while editing."""
    process, path = _start_instance(folder, values, source, "kill")
    process.communicate(timeout=30)  # reaped, so its pid is really gone
    assert process.returncode == -9
    return path


@pytest.fixture
def running_instance(state_dir: Path) -> Iterator[tuple[subprocess.Popen[str], Path]]:
    """An instance that is still running, with unsaved work in its autosave."""
    process, path = _start_instance(state_dir, {"consumer_groups": 6}, None, "live")
    yield process, path
    process.kill()
    process.communicate(timeout=30)


def test_a_killed_instance_is_offered_once(state_dir: Path) -> None:
    path = killed_instance(state_dir, {"consumer_groups": 4}, Path("/work/orders.yaml"))
    mine = Autosave(state_dir)
    mine.begin_session()
    record = mine.pending_restore()
    assert record is not None and record.path == path
    assert record.values == {"consumer_groups": 4}
    assert record.source == Path("/work/orders.yaml")
    # Claimed while offered: an instance starting at the same moment does not offer it too.
    assert Autosave(state_dir).pending_restore() is None
    mine.forget(record)
    assert not path.exists()
    assert mine.pending_restore() is None
    mine.clean_exit()
    assert Autosave(state_dir).pending_restore() is None


def test_a_running_instance_is_neither_offered_nor_removed(
    state_dir: Path, running_instance: tuple[subprocess.Popen[str], Path]
) -> None:
    process, theirs = running_instance
    mine = Autosave(state_dir)
    mine.begin_session()
    assert mine.pending_restore() is None
    mine.write({"consumer_groups": 2}, None)
    mine.clean_exit()
    assert theirs.exists()  # their work is theirs
    assert not mine.path.exists()
    process.kill()
    process.communicate(timeout=30)
    record = Autosave(state_dir).pending_restore()  # now it crashed: offered
    assert record is not None and record.path == theirs


def test_instances_in_one_process_keep_to_their_own_files(state_dir: Path) -> None:
    first, second = Autosave(state_dir), Autosave(state_dir)
    first.write({"consumer_groups": 3}, None)
    second.begin_session()
    assert first.path != second.path
    assert second.pending_restore() is None  # the first one is running
    second.clean_exit()
    assert first.path.exists()
    first.clean_exit()
    assert list(state_dir.iterdir()) == []  # neither file nor lock left behind


def test_the_newest_crashed_work_comes_first_and_declining_offers_the_next(
    state_dir: Path,
) -> None:
    older = killed_instance(state_dir, {"consumer_groups": 1})
    newer = killed_instance(state_dir, {"consumer_groups": 2})
    os.utime(older, (1_000_000_000, 1_000_000_000))
    mine = Autosave(state_dir)
    first = mine.pending_restore()
    assert first is not None and first.path == newer
    mine.forget(first)
    second = mine.pending_restore()
    assert second is not None and second.path == older


def test_an_unresolved_offer_is_made_again_after_a_clean_exit(state_dir: Path) -> None:
    path = killed_instance(state_dir, {"consumer_groups": 4})
    mine = Autosave(state_dir)
    assert mine.pending_restore() is not None
    mine.clean_exit()  # neither restored nor declined (the app was closed while asking)
    record = Autosave(state_dir).pending_restore()
    assert record is not None and record.path == path


def test_the_autosave_of_an_older_version_is_offered(state_dir: Path) -> None:
    state_dir.mkdir(parents=True)
    legacy = state_dir / "autosave.yaml"
    legacy.write_text("consumer_groups: 5\n", encoding="utf-8")
    record = Autosave(state_dir).pending_restore()
    assert record is not None and record.values == {"consumer_groups": 5}
    Autosave(state_dir).forget(record)
    assert not legacy.exists()
    legacy.write_text("consumer_groups: 5\n", encoding="utf-8")
    (state_dir / "clean-exit").write_text("", encoding="utf-8")
    assert Autosave(state_dir).pending_restore() is None  # that version exited cleanly


def test_writes_are_atomic(state_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    written: list[Path] = []
    atomic = files.atomic_write_text

    def recorded(path: Path, text: str) -> None:
        written.append(path)
        atomic(path, text)

    monkeypatch.setattr(files, "atomic_write_text", recorded)
    autosave = Autosave(state_dir)
    autosave.write({"name": "Orders"}, None)
    assert written == [autosave.path]
    assert "name: Orders" in autosave.path.read_text(encoding="utf-8")


def test_the_window_offers_a_killed_instances_work_and_adopts_it(
    make_window: Any, prompts: FakePrompts, state_dir: Path, tmp_path: Path
) -> None:
    source = tmp_path / "orders.yaml"
    values = {
        **wl.Workload().model_dump(mode="json"),
        "avg_rate_msg_per_s": 900.0,  # invalid (above the peak), kept as typed
        "consumer_groups": 4,
    }
    theirs = killed_instance(state_dir, values, source)

    window = make_window()
    window.start([])
    assert prompts.kinds() == ["restore"]
    assert prompts.asked[0][1].source == source
    assert window.document.values["consumer_groups"] == 4
    assert window.document.values["avg_rate_msg_per_s"] == 900.0
    assert window.document.path == source
    assert window.document.is_modified
    assert "below Average rate" in window.editor.error_text("peak_rate_msg_per_s")
    # Adopted: now in this instance's own autosave, and the dead one's file is gone.
    assert not theirs.exists()
    assert "consumer_groups: 4" in window.autosave.path.read_text(encoding="utf-8")

    window.document.load({})
    window.close()
    again = make_window()
    again.start([])
    assert prompts.kinds() == ["restore"]  # a clean exit leaves nothing to offer


def test_the_window_neither_offers_nor_removes_a_running_instances_work(
    make_window: Any,
    prompts: FakePrompts,
    state_dir: Path,
    running_instance: tuple[subprocess.Popen[str], Path],
) -> None:
    _process, theirs = running_instance
    window = make_window()
    window.start([])
    assert prompts.kinds() == []
    window.close()
    assert theirs.exists()


def test_declining_the_restore_removes_that_autosave(
    make_window: Any, prompts: FakePrompts, state_dir: Path
) -> None:
    theirs = killed_instance(state_dir, {"consumer_groups": 4})
    prompts.restore_answer = False
    window = make_window()
    window.start([])
    assert prompts.kinds() == ["restore"]
    assert window.document.values["consumer_groups"] == 1
    assert not theirs.exists()


def test_every_variant_with_unsaved_changes_is_autosaved_and_restored(
    make_window: Any, prompts: FakePrompts, state_dir: Path
) -> None:
    window = make_window()
    window.document.set_value("consumer_groups", 4)
    window.duplicate_variant("Bigger")
    window.document.set_value("peak_rate_msg_per_s", 900_000.0)
    window.duplicate_variant("Unchanged copy")
    assert window._write_autosave()
    text = window.autosave.path.read_text(encoding="utf-8")
    assert "# variant: Bigger" in text and "Unchanged copy" not in text

    # As if that instance had been killed: its file, with nobody holding its lock.
    dead = state_dir / "autosave-1-dead.yaml"
    dead.write_text(text, encoding="utf-8")
    window.autosave.clean_exit()
    again = make_window()
    again.start([])
    assert prompts.kinds() == ["restore"]
    assert again.scenarios.names() == ["Original", "Bigger"]
    assert again.scenarios.current == 0
    assert again.document.values["consumer_groups"] == 4
    assert again.scenarios.state(1).values["peak_rate_msg_per_s"] == 900_000.0
    assert again.scenarios.modified() == [0, 1]
    assert not dead.exists()  # adopted into the new instance's own autosave
    assert "# variant: Bigger" in again.autosave.path.read_text(encoding="utf-8")

    # Saving or discarding one variant leaves the other's changes autosaved.
    again.switch_variant(1)
    prompts.unsaved_answer = "discard"
    assert again.close_variant(1)
    assert again._write_autosave()
    kept = again.autosave.path.read_text(encoding="utf-8")
    assert "consumer_groups: 4" in kept and "Bigger" not in kept
