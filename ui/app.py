"""Start the desktop app: ``launch(argv)`` is the ``broker_advisor.gui`` entry point."""

from __future__ import annotations

import datetime
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import (
    QCalendar,
    QCoreApplication,
    QDate,
    QEvent,
    QLibraryInfo,
    QLocale,
    QTime,
    QTimer,
    QTranslator,
)
from PySide6.QtWidgets import QApplication, QWidget

from ui import settings

if TYPE_CHECKING:
    from advisor import i18n

# How long quitting waits for background work (a probe notices a cancel between its checks).
SHUTDOWN_WAIT_MS = 5_000


SWITCH_INTERVAL_S = 0.0005


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
    # The engine runs on worker threads while the user types. Each time Qt calls into Python
    # on this thread (a slot, an event filter, a painted chart) it waits for the interpreter
    # lock the worker holds, up to the switch interval each time: 5 ms by default, which adds
    # up to visible stalls over one repaint. 0.5 ms keeps the window responsive; the engine
    # loses next to nothing to the extra switches.
    sys.setswitchinterval(SWITCH_INTERVAL_S)
    if dark or os.environ.get("BROKER_ADVISOR_DARK") == "1":
        choice = "dark"
    else:
        # Read straight from the settings: the preferences module is not needed to paint.
        choice = theme if theme is not None else settings.theme_choice()
    if choice != "system":
        from ui import theme as ui_theme

        ui_theme.apply_theme(app, choice)
    return app


# The catalogue lupdate writes and lrelease compiles: assets/i18n/broker_advisor_<lang>.qm.
CATALOGUE = "broker_advisor"
_translators: list[QTranslator] = []
_mirrored: list[bool] = []  # [True] once the app was mirrored right to left


def chosen_language() -> i18n.Language:
    """The language to start in: `--lang` or BROKER_ADVISOR_LANG, else the preference, else the
    system locale."""
    from advisor import i18n

    stated = i18n.stated()
    if stated is not None:
        return stated
    preferred = settings.language_choice()
    if preferred in i18n.LANGUAGES:
        return i18n.parse(preferred)
    return i18n.from_environment()


def catalogue_path(lang: str) -> Path:
    """The compiled Qt catalogue of the app's own texts for a language."""
    from advisor import paths

    return paths.assets_dir() / "i18n" / f"{CATALOGUE}_{lang}.qm"


def apply_language(app: QCoreApplication, lang: i18n.Language | str) -> i18n.Language:
    """Word the app in `lang`: the core's texts, our Qt catalogue and Qt's own (standard
    dialogs), the layout direction and the default locale (digits, decimal signs).

    Called before the first window is built: widgets word their texts when they are made.
    """
    from advisor import i18n

    chosen = i18n.set_language(lang)
    for old in _translators:
        app.removeTranslator(old)
    _translators.clear()
    if chosen != "en":
        qt_folder = QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)
        for name, folder in ((f"qtbase_{chosen}", qt_folder), (catalogue_path(chosen).stem, "")):
            translator = QTranslator(app)
            where = folder or str(catalogue_path(chosen).parent)
            if translator.load(name, where):
                app.installTranslator(translator)
                _translators.append(translator)
    if isinstance(app, QApplication):
        rtl = i18n.is_rtl(chosen)
        if rtl or _mirrored:
            # Imported here: Qt's namespace takes tens of milliseconds to build, and an English
            # start paints its first window without it (left to right is Qt's default).
            from PySide6.QtCore import Qt

            app.setLayoutDirection(
                Qt.LayoutDirection.RightToLeft if rtl else Qt.LayoutDirection.LeftToRight
            )
            _mirrored[:] = [True] if rtl else []
    QLocale.setDefault(locale_for(chosen))
    return chosen


def locale_for(lang: str) -> QLocale:
    """Persian (Iran) for Persian; for English the system's, unless that is Persian."""
    if lang == "fa":
        return QLocale(QLocale.Language.Persian, QLocale.Country.Iran)
    system = QLocale.system()
    if system.language() == QLocale.Language.Persian:
        return QLocale(QLocale.Language.English, QLocale.Country.UnitedStates)
    return system


def format_datetime(moment: datetime.datetime, *, with_time: bool = True) -> str:
    """A date (and time) as the reader expects it: the Solar Hijri calendar and Persian digits
    in Persian, ISO-like `2026-12-02 14:05` otherwise."""
    from advisor import i18n

    if i18n.language() != "fa":
        return moment.strftime("%Y-%m-%d %H:%M" if with_time else "%Y-%m-%d")
    locale = QLocale(QLocale.Language.Persian, QLocale.Country.Iran)
    calendar = QCalendar(QCalendar.System.Jalali)
    date = QDate(moment.year, moment.month, moment.day)
    # The long form names the weekday and the month (Wednesday 11 Azar 1405).
    text = locale.toString(date, QLocale.FormatType.LongFormat, calendar)
    if with_time:
        text += "، " + locale.toString(QTime(moment.hour, moment.minute), "HH:mm")
    return text


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
    apply_language(app, chosen_language())

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
