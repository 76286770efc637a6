"""Persistent preferences through QSettings: window geometry, splitter state, recent files."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from PySide6.QtCore import QByteArray, QCoreApplication, QSettings

ORGANISATION = "BrokerAdvisor"
APPLICATION = "Broker Advisor"
MAX_RECENT_FILES = 8


def configure_application(app: QCoreApplication) -> None:
    """Name the application so QSettings and the state folder are found in the usual places."""
    app.setOrganizationName(ORGANISATION)
    app.setApplicationName(APPLICATION)
    from advisor import __version__

    app.setApplicationVersion(__version__)


def use_settings_folder(folder: Path) -> None:
    """Keep every setting as an INI file under folder (tests, portable installs)."""
    QSettings.setDefaultFormat(QSettings.Format.IniFormat)
    for scope in (QSettings.Scope.UserScope, QSettings.Scope.SystemScope):
        QSettings.setPath(QSettings.Format.IniFormat, scope, str(folder))


def _settings() -> QSettings:
    return QSettings(
        QSettings.defaultFormat(), QSettings.Scope.UserScope, ORGANISATION, APPLICATION
    )


def store() -> QSettings:
    """The application's settings (the user's, or the folder `use_settings_folder` chose)."""
    return _settings()


def load_bytes(key: str) -> QByteArray | None:
    value = _settings().value(key)
    return value if isinstance(value, QByteArray) and not value.isEmpty() else None


def save_bytes(key: str, value: QByteArray) -> None:
    _settings().setValue(key, value)


def recent_files() -> list[str]:
    """Recently opened or saved workload files, most recent first, existing ones only."""
    value = _settings().value("recent_files", [])
    if isinstance(value, str):  # QSettings returns a lone string for a one-item list
        value = [value]
    elif not isinstance(value, Iterable):  # None: an empty list as read back from the file
        value = []
    return [str(p) for p in value if Path(str(p)).is_file()][:MAX_RECENT_FILES]


def add_recent_file(path: Path | str) -> list[str]:
    path = str(Path(path).resolve())
    files = [path, *(p for p in recent_files() if p != path)][:MAX_RECENT_FILES]
    _settings().setValue("recent_files", files)
    return files


def clear_recent_files() -> None:
    _settings().setValue("recent_files", [])


def last_folder(fallback: Path) -> Path:
    """The folder a file was last opened from, saved or exported to, if it still exists."""
    value = _settings().value("last_folder")
    if isinstance(value, str) and value and Path(value).is_dir():
        return Path(value)
    return fallback


def set_last_folder(folder: Path | str) -> None:
    _settings().setValue("last_folder", str(Path(folder).resolve()))


THEME_KEY = "preferences/theme"
THEME_CHOICES = ("system", "light", "dark")


LANGUAGE_KEY = "preferences/language"  # as ui/preferences.py stores it


def language_choice() -> str:
    """The interface language chosen in Preferences ("system" unless a language was chosen);
    read straight from the settings: the preferences module is not needed to paint."""
    value = _settings().value(LANGUAGE_KEY, "system")
    return value if isinstance(value, str) and value else "system"


def theme_choice() -> str:
    """The theme chosen in Preferences ("system" unless one of the others was chosen)."""
    value = _settings().value(THEME_KEY, "system")
    return value if isinstance(value, str) and value in THEME_CHOICES else "system"
