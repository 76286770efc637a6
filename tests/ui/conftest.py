"""UI test set-up: offscreen Qt, settings and state in temporary folders, prompts that never block."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import pytest
from PySide6.QtCore import QThreadPool
from PySide6.QtWidgets import QApplication

from ui import settings
from ui.autosave import Autosave, AutosaveRecord
from ui.main_window import MainWindow


class FakePrompts:
    """Answers the window's questions from attributes and records what was asked."""

    def __init__(self) -> None:
        self.unsaved_answer = "discard"
        self.restore_answer = True
        self.open_answer: Path | None = None
        self.save_answer: Path | None = None
        self.asked: list[tuple[str, Any]] = []

    def unsaved_changes(self, name: str) -> str:
        self.asked.append(("unsaved", name))
        return self.unsaved_answer

    def restore_autosave(self, record: AutosaveRecord) -> bool:
        self.asked.append(("restore", record))
        return self.restore_answer

    def problems(self, title: str, text: str, problems: list[str]) -> None:
        self.asked.append(("problems", (title, text, problems)))

    def open_path(self, folder: str) -> Path | None:
        self.asked.append(("open", folder))
        return self.open_answer

    def save_path(self, suggested: str) -> Path | None:
        self.asked.append(("save", suggested))
        return self.save_answer

    def kinds(self) -> list[str]:
        return [kind for kind, _ in self.asked]


# The offscreen platform plugin warns whenever a shown top-level window gets size constraints
# (every window with a layout); it says nothing about our code, so only that message is ignored.
OFFSCREEN_SIZE_HINTS = r"This plugin does not support propagateSizeHints\(\)"


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    here = Path(__file__).parent
    for item in items:
        if here in Path(str(item.fspath)).parents:
            item.add_marker(pytest.mark.qt_log_ignore(OFFSCREEN_SIZE_HINTS))


@pytest.fixture(autouse=True)
def _isolated(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, qapp: QApplication
) -> Iterator[None]:
    settings.use_settings_folder(tmp_path / "settings")
    settings.configure_application(qapp)
    monkeypatch.setenv("BROKER_ADVISOR_HOME", str(tmp_path / "state"))
    yield
    # Background work must not outlive the test that started it.
    QThreadPool.globalInstance().waitForDone(10_000)


@pytest.fixture
def prompts() -> FakePrompts:
    return FakePrompts()


@pytest.fixture
def state_dir(tmp_path: Path) -> Path:
    return tmp_path / "state"


@pytest.fixture
def make_window(qtbot: Any, prompts: FakePrompts, state_dir: Path) -> Any:
    """Build main windows that use the real engine, fake prompts and a temporary state folder;
    each waits for its first recommendation."""

    def make(*, stated: bool = True, **kwargs: Any) -> MainWindow:
        """stated=True: the new workload states every value the form shows (the tests were
        written for that); stated=False: as the app starts, every value assumed."""
        kwargs.setdefault("prompts", prompts)
        kwargs.setdefault("autosave", Autosave(state_dir))
        window = MainWindow(**kwargs)
        qtbot.addWidget(window)
        if window.live.recommendation is None:
            with qtbot.waitSignal(window.live.updated, timeout=10_000):
                pass
        if stated:
            with qtbot.waitSignal(window.live.updated, timeout=10_000):
                window.document.load({}, None)
        return window

    return make


@pytest.fixture
def window(make_window: Any) -> MainWindow:
    return make_window()
