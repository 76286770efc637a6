"""Start the desktop app: ``launch(argv)`` is the ``broker_advisor.gui`` entry point."""

from __future__ import annotations

import os
import sys

from PySide6.QtCore import QEvent, QTimer
from PySide6.QtWidgets import QApplication, QWidget

from ui import settings

# How long quitting waits for background work (a probe notices a cancel between its checks).
SHUTDOWN_WAIT_MS = 5_000


def create_application(
    argv: list[str] | None = None, *, dark: bool = False, theme: str | None = None
) -> QApplication:
    """The QApplication, named for QSettings, high-DPI aware, in the theme chosen.

    The theme is `theme` if given (a command-line flag), dark when `dark` or the environment's
    BROKER_ADVISOR_DARK=1 asks for it, else the one chosen in Preferences.
    """
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
        choice = "dark"
    else:
        # Read straight from the settings: the preferences module is not needed to paint.
        choice = theme if theme is not None else settings.theme_choice()
    if choice != "system":
        from ui import theme as ui_theme

        ui_theme.apply_theme(app, choice)
    return app


# Flags the app takes beside a workload file: a theme for this run (Preferences keep theirs).
THEME_FLAGS = {"--dark": "dark", "--light": "light", "--system-theme": "system"}


def launch(argv: list[str]) -> int:
    """Open the main window (with a workload file if given) and run the event loop.

    `--dark`, `--light` or `--system-theme` anywhere in argv set the theme for this run.
    """
    args = list(argv)
    chosen = [THEME_FLAGS[a] for a in args if a in THEME_FLAGS]
    files = [a for a in args if a not in THEME_FLAGS]
    app = create_application(sys.argv[:1], theme=chosen[-1] if chosen else None)

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
