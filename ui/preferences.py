"""Preferences: declared once (key, title, description, kind, default), kept in QSettings, and
edited in a dialog generated from the declarations.

Reading them needs QSettings only, so the theme is known before the first paint.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import Any

from PySide6.QtCore import QCoreApplication, QSettings, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFormLayout,
    QLabel,
    QVBoxLayout,
    QWidget,
)

from ui import settings as ui_settings
from ui.translation import QT_TRANSLATE_NOOP

THEMES = dict(
    zip(
        ui_settings.THEME_CHOICES,
        (
            QT_TRANSLATE_NOOP("Preferences", "Follow the system"),
            QT_TRANSLATE_NOOP("Preferences", "Light"),
            QT_TRANSLATE_NOOP("Preferences", "Dark"),
        ),
        strict=True,
    )
)
# Each language is named in itself, so it can be found whatever the interface speaks now.
LANGUAGES = {
    "system": QT_TRANSLATE_NOOP("Preferences", "Follow the system"),
    "en": "English",
    "fa": "فارسی",
}
DEFAULT_BUDGET_S = 10.0  # advisor.probe.runner.DEFAULT_BUDGET_S, without importing the probes
MIN_BUDGET_S, MAX_BUDGET_S = 1.0, 120.0


@dataclass(frozen=True)
class Preferences:
    """What the user chose in Edit > Preferences."""

    theme: str = "system"
    probe_budget_s: float = DEFAULT_BUDGET_S
    remember_connections: bool = False
    remember_passwords: bool = False
    language: str = "system"


@dataclass(frozen=True)
class Preference:
    """One preference: where it is kept, how it reads, and what it may be."""

    name: str  # the Preferences attribute
    key: str  # the QSettings key
    title: str
    description: str
    choices: dict[str, str] = field(default_factory=dict)
    low: float = 0.0
    high: float = 0.0
    unit: str = ""
    requires: str = ""  # enabled only while this (boolean) preference is on


PREFERENCES = (
    Preference(
        "theme",
        ui_settings.THEME_KEY,
        QT_TRANSLATE_NOOP("Preferences", "&Theme"),
        QT_TRANSLATE_NOOP(
            "Preferences",
            "Light, dark, or whatever the desktop uses (and follows when it changes).",
        ),
        choices=THEMES,
    ),
    Preference(
        "probe_budget_s",
        "preferences/probe_budget_s",
        QT_TRANSLATE_NOOP("Preferences", "Default probe &budget"),
        QT_TRANSLATE_NOOP(
            "Preferences",
            "How long a probe of one broker may take, cleanup included; the Probe tab starts "
            "with it.",
        ),
        low=MIN_BUDGET_S,
        high=MAX_BUDGET_S,
        unit="s",
    ),
    Preference(
        "remember_connections",
        "probe/remember",
        QT_TRANSLATE_NOOP("Preferences", "Remember &connection details"),
        QT_TRANSLATE_NOOP(
            "Preferences",
            "Keep the broker addresses typed in the Probe tab for next time (never the "
            "passwords unless asked below).",
        ),
    ),
    Preference(
        "remember_passwords",
        "probe/remember_passwords",
        QT_TRANSLATE_NOOP("Preferences", "Remember pass&words too"),
        QT_TRANSLATE_NOOP(
            "Preferences", "Also keep the passwords, in plain text, in the settings file."
        ),
        requires="remember_connections",
    ),
    Preference(
        "language",
        ui_settings.LANGUAGE_KEY,
        QT_TRANSLATE_NOOP("Preferences", "Interface &language"),
        QT_TRANSLATE_NOOP(
            "Preferences",
            "The language of menus, the guide, rule texts and reports; it takes effect the "
            "next time the app starts.",
        ),
        choices=LANGUAGES,
    ),
)


def _translate(text: str) -> str:
    return QCoreApplication.translate("Preferences", text)


def _store(store: QSettings | None) -> QSettings:
    if store is not None:
        return store
    return QSettings(
        QSettings.defaultFormat(),
        QSettings.Scope.UserScope,
        ui_settings.ORGANISATION,
        ui_settings.APPLICATION,
    )


def load(store: QSettings | None = None) -> Preferences:
    """The saved preferences; a missing or unreadable value is its default."""
    found = _store(store)
    defaults = Preferences()
    values: dict[str, Any] = {}
    for pref in PREFERENCES:
        default = getattr(defaults, pref.name)
        raw = found.value(pref.key, default)
        if isinstance(default, bool):
            value: Any = raw if isinstance(raw, bool) else str(raw).lower() == "true"
        elif isinstance(default, float):
            try:
                value = min(max(float(str(raw)), pref.low), pref.high)
            except ValueError:
                value = default
        else:
            value = raw if isinstance(raw, str) and raw in pref.choices else default
        values[pref.name] = value
    if not values["remember_connections"]:
        values["remember_passwords"] = False
    return Preferences(**values)


def save(preferences: Preferences, store: QSettings | None = None) -> None:
    found = _store(store)
    for pref in PREFERENCES:
        if pref.key.startswith("probe/") and not preferences.remember_connections:
            continue  # the probe group goes whole below: nothing is kept unless asked for
        found.setValue(pref.key, getattr(preferences, pref.name))
    if not preferences.remember_connections:
        found.remove("probe")
    elif not preferences.remember_passwords:
        found.setValue("probe/remember_passwords", False)
        for key in found.allKeys():
            last = key.rsplit("/", 1)[-1]
            if key.startswith("probe/") and last.endswith("password"):
                found.remove(key)  # saved passwords go when they may no longer be kept
    found.sync()


class PreferencesDialog(QDialog):
    """Edit > Preferences: one row per declared preference; OK saves and applies."""

    applied = Signal(Preferences)  # after OK

    def __init__(
        self,
        current: Preferences,
        parent: QWidget | None = None,
        *,
        store: QSettings | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("preferencesDialog")
        self.setWindowTitle(self.tr("Preferences"))
        self._store = store
        self._initial = current
        self._readers: dict[str, Callable[[], Any]] = {}
        self.inputs: dict[str, QWidget] = {}
        form = QFormLayout()
        form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)
        for pref in PREFERENCES:
            widget = self._build(pref, getattr(current, pref.name))
            title, description = _translate(pref.title), _translate(pref.description)
            widget.setToolTip(description)
            widget.setAccessibleDescription(description)
            widget.setAccessibleName(title.replace("&", ""))
            self.inputs[pref.name] = widget
            if isinstance(widget, QCheckBox):
                form.addRow("", widget)
            else:
                label = QLabel(title)
                label.setBuddy(widget)
                form.addRow(label, widget)
        for pref in PREFERENCES:
            if pref.requires:
                self._link(pref.requires, pref.name)
        self.restart_note = QLabel(
            self.tr("The new language takes effect the next time Broker Advisor starts.")
        )
        self.restart_note.setObjectName("restartNote")
        self.restart_note.setWordWrap(True)
        self.restart_note.setVisible(False)
        language = self.inputs["language"]
        if isinstance(language, QComboBox):
            language.currentIndexChanged.connect(
                lambda _i: self.restart_note.setVisible(language.currentData() != current.language)
            )
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.restart_note)
        note = QLabel(self.tr("Changes apply when you press OK."))
        note.setEnabled(False)
        layout.addWidget(note)
        layout.addWidget(buttons)

    def _build(self, pref: Preference, value: Any) -> QWidget:
        if pref.choices:
            combo = QComboBox()
            for key, text in pref.choices.items():
                combo.addItem(_translate(text), key)
            combo.setCurrentIndex(max(0, combo.findData(value)))
            self._readers[pref.name] = combo.currentData
            return combo
        if isinstance(value, bool):
            box = QCheckBox(_translate(pref.title))
            box.setChecked(value)
            self._readers[pref.name] = box.isChecked
            return box
        spin = QDoubleSpinBox()
        spin.setRange(pref.low, pref.high)
        spin.setDecimals(1)
        spin.setSingleStep(1.0)
        spin.setSuffix(" " + self.tr("s", "seconds") if pref.unit == "s" else "")
        spin.setValue(float(value))
        self._readers[pref.name] = spin.value
        return spin

    def _link(self, master: str, dependent: str) -> None:
        boss, follower = self.inputs[master], self.inputs[dependent]
        if not isinstance(boss, QCheckBox) or not isinstance(follower, QCheckBox):
            return

        def follow(on: bool) -> None:
            follower.setEnabled(on)
            if not on:
                follower.setChecked(False)

        boss.toggled.connect(follow)
        follow(boss.isChecked())

    def chosen(self) -> Preferences:
        """The preferences as the dialog shows them now."""
        values = {name: read() for name, read in self._readers.items()}
        return replace(self._initial, **values)

    def accept(self) -> None:
        chosen = self.chosen()
        save(chosen, self._store)
        super().accept()
        self.applied.emit(chosen)
