"""UI test set-up: offscreen Qt, settings and state in temporary folders, prompts that never block."""

from __future__ import annotations

import os
import socket
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import pytest
from PySide6.QtCore import QSettings, QThreadPool
from PySide6.QtWidgets import QApplication

from advisor.workload import Workload
from ui import probe_panel, settings
from ui.autosave import Autosave, AutosaveRecord
from ui.main_window import MainWindow
from ui.probe_panel import ProbePanel

PanelFactory = Callable[..., ProbePanel]


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
    # The probe history goes to the user's data folder (XDG_DATA_HOME on Linux): a temporary one.
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
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


# -- probe panels (shared by the probe panel, secrets and results tests) --------------------------
@pytest.fixture
def store(tmp_path: Path) -> QSettings:
    return QSettings(str(tmp_path / "probe.ini"), QSettings.Format.IniFormat)


@pytest.fixture
def make_panel(qtbot: Any, store: QSettings) -> Iterator[PanelFactory]:
    """Panels on a private settings file and environment; probes are ended after the test."""
    made: list[ProbePanel] = []

    def make(
        environ: dict[str, str] | None = None,
        workload: Workload | None = None,
        provider: Callable[[], Workload] | None = None,
    ) -> ProbePanel:
        chosen = workload or Workload(name="Orders", needs_dead_lettering=True)
        panel = ProbePanel(provider or (lambda: chosen), settings=store, environ=environ or {})
        qtbot.addWidget(panel)
        panel.resize(1000, 760)
        made.append(panel)
        return panel

    yield make
    for panel in made:
        panel.cancel()
        qtbot.waitUntil(lambda p=panel: not p.is_running(), timeout=10_000)


@pytest.fixture
def silent_listener(monkeypatch: pytest.MonkeyPatch) -> Iterator[int]:
    """A local TCP server that accepts connections and never says a word; yields its port.

    Each network step may wait 30 s here, so only cancellation can end a probe in seconds.
    """
    monkeypatch.setattr(probe_panel, "STAGE_TIMEOUT_S", 30.0)
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen()
    server.settimeout(0.05)
    stop = threading.Event()
    held: list[socket.socket] = []

    def serve() -> None:
        while not stop.is_set():
            try:
                conn, _ = server.accept()
            except OSError:
                continue
            held.append(conn)

    thread = threading.Thread(target=serve, name="silent-listener", daemon=True)
    thread.start()
    yield int(server.getsockname()[1])
    stop.set()
    thread.join(2)
    for conn in held:
        conn.close()
    server.close()


@pytest.fixture
def persian(qapp: QApplication) -> Iterator[None]:
    """The app worded in Persian (the .qm loaded), as `launch` sets it up; English afterwards."""
    from PySide6.QtCore import QLocale

    from ui import app as ui_app

    before = QLocale()
    ui_app.apply_language(qapp, "fa")
    try:
        yield
    finally:
        ui_app.apply_language(qapp, "en")
        QLocale.setDefault(before)
