"""Start-up: the lean import path, the deferred build used by launch(), the screenshot command."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtGui import QImage
from PySide6.QtWidgets import QLabel

from ui import screenshot
from ui.main_window import MainWindow

ROOT = Path(__file__).resolve().parents[2]


def _python(code: str, tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "BROKER_ADVISOR_HOME": str(tmp_path)}
    return subprocess.run(
        [sys.executable, *(["-c", code] if code else []), *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_the_first_paint_needs_neither_pydantic_nor_the_core(tmp_path: Path) -> None:
    code = (
        "import sys; import ui.app, ui.main_window; "
        "print(sorted(m for m in sys.modules if m.split('.')[0] in "
        "('pydantic', 'yaml', 'advisor') and m != 'advisor'))"
    )
    result = _python(code, tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]"


def test_deferred_window_builds_its_panes_after_the_first_paint(
    qtbot: Any, prompts: Any, state_dir: Path
) -> None:
    from ui.autosave import Autosave

    window = MainWindow(defer_content=True, prompts=prompts, autosave=Autosave(state_dir))
    qtbot.addWidget(window)
    assert not window.is_ready
    assert not window.menuBar().isEnabled()
    # The first frame: the menu titles in order, still empty, and "Starting…".
    menus = [a.menu() for a in window.menuBar().actions()]
    titles = [m.title() for m in menus if m is not None]
    assert titles == ["&File", "&Edit", "&View", "&Scenario", "&Help"]
    assert all(m is not None and not m.actions() for m in menus)
    assert window.findChild(QLabel, "startingLabel") is not None
    window.start([])  # waits for the content
    with qtbot.waitSignal(window.content_ready, timeout=5_000):
        window.show()
    assert window.is_ready and window.menuBar().isEnabled()
    assert all(m is not None and m.actions() for m in menus)  # filled, shortcuts and all
    assert window.undo_action.shortcuts() and window.quit_action.shortcuts()
    qtbot.waitUntil(lambda: window.live.recommendation is not None, timeout=5_000)
    qtbot.waitUntil(lambda: window.findChild(QLabel, "startingLabel") is None, timeout=2_000)
    # A new workload states nothing: an honest start is a tie, never a confident answer.
    assert window.recommendation_view.headline.text().startswith(("Use ", "A tie"))


@pytest.mark.parametrize("tab", ["guide", "probe"])
def test_screenshot_command_writes_the_png(tmp_path: Path, tab: str) -> None:
    out = tmp_path / "shot.png"
    result = _python(
        "",
        tmp_path,
        "-m",
        "ui.screenshot",
        "order-processing",
        "-o",
        str(out),
        "--size",
        "1024x700",
        "--dark",
        "--tab",
        tab,
    )
    assert result.returncode == 0, result.stderr
    assert "propagateSizeHints" not in result.stderr
    image = QImage(str(out))
    assert (image.width(), image.height()) == (1024, 700)


def test_screenshot_rejects_an_unknown_workload(tmp_path: Path) -> None:
    try:
        screenshot.main(["no-such-preset", "-o", str(tmp_path / "x.png")])
    except SystemExit as error:
        assert "neither a workload file nor a preset" in str(error)
        assert "order-processing" in str(error)
    else:
        raise AssertionError("expected SystemExit")
