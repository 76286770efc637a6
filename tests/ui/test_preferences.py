"""Preferences: remembered in the settings, applied on OK (theme, probe budget, connections)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QSettings, QTimer
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import QApplication, QCheckBox, QComboBox, QDoubleSpinBox

from advisor import cli
from advisor.probe import runner
from ui import app as ui_app
from ui import preferences, theme
from ui.main_window import MainWindow
from ui.probe_panel import ProbePanel


@pytest.fixture
def restore_theme(qapp: QApplication) -> Any:
    yield
    theme.apply_theme(qapp, "system")
    QApplication.processEvents()


def _window_is_dark(qapp: QApplication) -> bool:
    return theme.is_dark(qapp.palette())


def test_defaults_and_a_round_trip(tmp_path: Path) -> None:
    store = QSettings(str(tmp_path / "p.ini"), QSettings.Format.IniFormat)
    assert preferences.load(store) == preferences.Preferences()
    assert preferences.DEFAULT_BUDGET_S == runner.DEFAULT_BUDGET_S
    chosen = preferences.Preferences(
        theme="dark", probe_budget_s=25.0, remember_connections=True, remember_passwords=True
    )
    preferences.save(chosen, store)
    assert preferences.load(QSettings(str(tmp_path / "p.ini"), QSettings.Format.IniFormat)) == (
        chosen
    )
    store.setValue("preferences/theme", "purple")
    store.setValue("preferences/probe_budget_s", "a lot")
    loaded = preferences.load(store)
    assert loaded.theme == "system" and loaded.probe_budget_s == preferences.DEFAULT_BUDGET_S


def test_forgetting_passwords_removes_the_saved_ones(tmp_path: Path) -> None:
    store = QSettings(str(tmp_path / "p.ini"), QSettings.Format.IniFormat)
    store.setValue("probe/redis/url", "redis://h/0")
    store.setValue("probe/redis/password", "pw")
    preferences.save(
        preferences.Preferences(remember_connections=True, remember_passwords=False), store
    )
    assert store.value("probe/redis/password") is None
    assert store.value("probe/redis/url") == "redis://h/0"
    preferences.save(preferences.Preferences(remember_connections=False), store)
    assert [k for k in store.allKeys() if k.startswith("probe")] == []


def test_the_dialog_is_generated_from_the_declarations(qtbot: Any, tmp_path: Path) -> None:
    store = QSettings(str(tmp_path / "p.ini"), QSettings.Format.IniFormat)
    dialog = preferences.PreferencesDialog(preferences.Preferences(), store=store)
    qtbot.addWidget(dialog)
    assert set(dialog.inputs) == {p.name for p in preferences.PREFERENCES}
    theme_combo = dialog.inputs["theme"]
    assert isinstance(theme_combo, QComboBox)
    assert [theme_combo.itemText(i) for i in range(theme_combo.count())] == [
        "Follow the system",
        "Light",
        "Dark",
    ]
    passwords = dialog.inputs["remember_passwords"]
    connections = dialog.inputs["remember_connections"]
    assert isinstance(passwords, QCheckBox) and isinstance(connections, QCheckBox)
    assert not passwords.isEnabled()  # only with connection details remembered
    connections.setChecked(True)
    assert passwords.isEnabled()
    language = dialog.inputs["language"]
    assert isinstance(language, QComboBox)
    assert [language.itemData(i) for i in range(language.count())] == ["system", "en", "fa"]
    for widget in dialog.inputs.values():
        assert widget.accessibleName() and widget.toolTip()


def test_ok_saves_and_applies_theme_budget_and_connections(
    window: MainWindow, qtbot: Any, qapp: QApplication, restore_theme: None
) -> None:
    window.show_probe_panel()
    panel = window.probe_panel
    assert isinstance(panel, ProbePanel)
    dialog = window.show_preferences()
    assert isinstance(dialog, preferences.PreferencesDialog)
    theme_combo = dialog.inputs["theme"]
    budget = dialog.inputs["probe_budget_s"]
    remember = dialog.inputs["remember_connections"]
    assert isinstance(theme_combo, QComboBox) and isinstance(budget, QDoubleSpinBox)
    assert isinstance(remember, QCheckBox)
    theme_combo.setCurrentIndex(theme_combo.findData("dark"))
    budget.setValue(30.0)
    remember.setChecked(True)
    with qtbot.waitSignal(dialog.applied, timeout=2_000):
        dialog.accept()
    assert _window_is_dark(qapp)
    assert panel.budget.value() == 30.0
    assert panel.remember.isChecked()
    again = preferences.load()
    assert (again.theme, again.probe_budget_s, again.remember_connections) == ("dark", 30.0, True)

    light = window.show_preferences()
    assert isinstance(light, preferences.PreferencesDialog)
    combo = light.inputs["theme"]
    assert isinstance(combo, QComboBox)
    assert combo.currentData() == "dark"  # the dialog shows what was saved
    combo.setCurrentIndex(combo.findData("light"))
    light.accept()
    assert not _window_is_dark(qapp)


def test_cancel_changes_nothing(window: MainWindow, qapp: QApplication) -> None:
    dialog = window.show_preferences()
    assert isinstance(dialog, preferences.PreferencesDialog)
    combo = dialog.inputs["theme"]
    assert isinstance(combo, QComboBox)
    combo.setCurrentIndex(combo.findData("dark"))
    dialog.reject()
    assert preferences.load().theme == "system"
    assert not _window_is_dark(qapp)


def test_following_the_system_restores_the_platform_look(
    qapp: QApplication, restore_theme: None
) -> None:
    platform = qapp.palette().color(QPalette.ColorRole.Window)
    theme.apply_theme(qapp, "dark")
    assert _window_is_dark(qapp)
    theme.apply_theme(qapp, "system")
    assert qapp.palette().color(QPalette.ColorRole.Window) == platform


def test_a_new_probe_panel_starts_with_the_default_budget(qtbot: Any, tmp_path: Path) -> None:
    store = QSettings(str(tmp_path / "p.ini"), QSettings.Format.IniFormat)
    preferences.save(preferences.Preferences(probe_budget_s=42.0), store)
    panel = ProbePanel(lambda: None, settings=store, environ={})  # type: ignore[arg-type,return-value]
    qtbot.addWidget(panel)
    assert panel.budget.value() == 42.0


def test_the_saved_theme_is_used_at_start_and_a_flag_overrides_it(
    qapp: QApplication, restore_theme: None
) -> None:
    preferences.save(preferences.Preferences(theme="dark"))
    ui_app.create_application()
    assert _window_is_dark(qapp)
    ui_app.create_application(theme="light")
    assert not _window_is_dark(qapp)


def test_file_then_dark_opens_the_app_dark(monkeypatch: pytest.MonkeyPatch) -> None:
    """`broker-advisor FILE --dark` used to fail with "unknown command"."""
    seen: list[list[str]] = []
    monkeypatch.setattr(cli, "has_display", lambda: True)
    monkeypatch.setattr(cli, "_plugin", lambda *_a: lambda args: seen.append(args) or 0)
    preset = str(Path(__file__).resolve().parents[2] / "assets/presets/iot-telemetry.yaml")
    assert cli.main([preset, "--dark"]) == 0
    assert cli.main(["--light"]) == 0
    assert cli.main(["--dark", preset]) == 0
    assert seen == [[preset, "--dark"], ["--light"], [preset, "--dark"]]


def test_launch_takes_the_theme_flags(
    qapp: QApplication, restore_theme: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    seen: list[str | None] = []
    real = ui_app.create_application

    def recording(argv: Any = None, *, dark: bool = False, theme: str | None = None) -> Any:
        seen.append(theme)
        return real(argv, dark=dark, theme=theme)

    monkeypatch.setattr(ui_app, "create_application", recording)

    def close_all() -> None:
        windows = [w for w in QApplication.topLevelWidgets() if isinstance(w, MainWindow)]
        ready = [w for w in windows if w.is_ready]
        if not ready:
            QTimer.singleShot(20, close_all)
            return
        for window in ready:
            window.close()

    QTimer.singleShot(0, close_all)
    assert ui_app.launch(["--dark"]) == 0
    assert seen == ["dark"]
