"""Start the desktop app: ``launch(argv)`` is the ``broker_advisor.gui`` entry point."""

from __future__ import annotations

import os
import sys

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QApplication

from ui import settings, theme


def create_application(argv: list[str] | None = None, *, dark: bool = False) -> QApplication:
    """The QApplication, named for QSettings, high-DPI aware, optionally forced dark."""
    existing = QApplication.instance()
    if isinstance(existing, QApplication):
        app = existing
    else:
        # Fractional scale factors (125 %, 150 %) as the system asks, not rounded.
        QGuiApplication.setHighDpiScaleFactorRoundingPolicy(
            Qt.HighDpiScaleFactorRoundingPolicy.PassThrough)
        app = QApplication(argv if argv is not None else sys.argv[:1])
    settings.configure_application(app)
    app.setDesktopFileName("broker-advisor")
    if dark or os.environ.get("BROKER_ADVISOR_DARK") == "1":
        theme.apply_dark(app)
    return app


def launch(argv: list[str]) -> int:
    """Open the main window (with argv[0] as a workload file if given) and run the event loop."""
    args = list(argv)
    dark = "--dark" in args
    files = [a for a in args if a != "--dark"]
    app = create_application(sys.argv[:1], dark=dark)

    from ui.main_window import MainWindow

    window = MainWindow()
    window.show()
    # Questions (restore unsaved work?) come once the window is on screen.
    QTimer.singleShot(0, lambda: window.start(files[:1]))
    return app.exec()


if __name__ == "__main__":
    sys.exit(launch(sys.argv[1:]))
