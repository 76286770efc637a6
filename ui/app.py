"""Start the desktop app: ``launch(argv)`` is the ``broker_advisor.gui`` entry point."""

from __future__ import annotations

import os
import sys

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication

from ui import settings


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
    from ui import worker

    worker.cancel_all()  # threads cannot be killed; let running work end before Qt goes away
    return code


if __name__ == "__main__":
    sys.exit(launch(sys.argv[1:]))
