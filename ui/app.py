"""Start the desktop app: ``launch(argv)`` is the ``broker_advisor.gui`` entry point."""

from __future__ import annotations

import os
import sys

from PySide6.QtCore import QEvent, QTimer
from PySide6.QtWidgets import QApplication, QWidget

from ui import settings

# How long quitting waits for background work (a probe notices a cancel between its checks).
SHUTDOWN_WAIT_MS = 5_000


def create_application(argv: list[str] | None = None, *, dark: bool = False) -> QApplication:
    """The QApplication, named for QSettings, high-DPI aware, optionally forced dark."""
    existing = QApplication.instance()
    if isinstance(existing, QApplication):
        app = existing
    else:
        # High-DPI: Qt 6 scales by the screen's factor, fractional ones (125 %, 150 %) passed
        # through unrounded by default; sizes here come from fonts and layouts, never pixels.
        app = QApplication(argv if argv is not None else sys.argv[:1])
    settings.configure_application(app)
    app.setDesktopFileName("broker-advisor")
    if dark or os.environ.get("BROKER_ADVISOR_DARK") == "1":
        from ui import theme

        theme.apply_dark(app)
    from ui import focus_ring

    focus_ring.install(app)
    return app


def launch(argv: list[str]) -> int:
    """Open the main window (with argv[0] as a workload file if given) and run the event loop."""
    args = list(argv)
    dark = "--dark" in args
    files = [a for a in args if a != "--dark"]
    app = create_application(sys.argv[:1], dark=dark)

    from ui.main_window import MainWindow

    window = MainWindow(defer_content=True)
    window.show()
    # Questions (restore unsaved work?) come once the window is on screen and built.
    QTimer.singleShot(0, lambda: window.start(files[:1]))
    code = app.exec()
    shut_down(window)
    return code


def shut_down(window: QWidget) -> None:
    """After the event loop: end the background work, then the window, while Qt is whole.

    Threads cannot be killed, so running work (probes on their own pool included) is told to
    stop and waited for; the window and its children are deleted here rather than in the
    interpreter's teardown, where modules, the QApplication and the wrappers go in no set order.
    """
    import shiboken6

    from ui import worker

    worker.cancel_all(SHUTDOWN_WAIT_MS)
    if shiboken6.isValid(window):
        shiboken6.delete(window)
    # Deferred deletions of the window's objects are only sent when asked for by type.
    QApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)


if __name__ == "__main__":
    sys.exit(launch(sys.argv[1:]))
