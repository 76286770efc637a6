"""Undo and redo of every workload change: edits, a preset loaded, a what-if applied."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt, QUrl
from PySide6.QtGui import QKeySequence

from advisor import workload as wl
from ui.main_window import MainWindow, preset_files

from .conftest import FakePrompts

PRESETS = {p.stem: p for p in preset_files()}


def _spin(window: MainWindow, name: str) -> Any:
    return window.editor.field_widget(name)


def test_an_edit_is_undone_and_redone_with_the_form_and_the_recommendation(
    window: MainWindow, qtbot: Any
) -> None:
    before = window.document.values["peak_rate_msg_per_s"]
    first = window.live.recommendation
    assert first is not None and first.winner != wl.Broker.KAFKA
    with qtbot.waitSignal(window.live.updated, timeout=5_000):
        _spin(window, "peak_rate_msg_per_s").setValue(900_000)
    assert window.live.recommendation.winner == wl.Broker.KAFKA
    assert window.undo_action.isEnabled()
    assert window.undo_action.text() == "&Undo Change Peak rate"
    with qtbot.waitSignal(window.live.updated, timeout=5_000):
        window.undo_action.trigger()
    assert window.document.values["peak_rate_msg_per_s"] == before
    assert _spin(window, "peak_rate_msg_per_s").value() == before
    assert window.live.recommendation.winner == first.winner
    assert not window.document.is_modified  # back to what was saved
    with qtbot.waitSignal(window.live.updated, timeout=5_000):
        window.redo_action.trigger()
    assert _spin(window, "peak_rate_msg_per_s").value() == 900_000
    assert window.document.is_modified


def test_typing_a_number_is_one_step(window: MainWindow, qtbot: Any) -> None:
    window.show()
    qtbot.waitExposed(window)
    field = _spin(window, "consumer_groups")
    field.setFocus()
    qtbot.keyClick(field, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClicks(field, "12")
    assert window.document.values["consumer_groups"] == 12
    assert window.document.undo_stack.count() == 1
    window.undo_action.trigger()
    assert window.document.values["consumer_groups"] == 1
    assert window.document.undo_stack.count() == 1  # still there, to redo


def test_undo_keys_in_a_field_undo_the_workload(window: MainWindow, qtbot: Any) -> None:
    window.show()
    qtbot.waitExposed(window)
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow, timeout=2_000)
    field = _spin(window, "consumer_groups")
    field.setFocus()
    field.setValue(7)
    name = window.editor.field_widget("name")
    name.setText("Orders")
    for key in ("Ctrl+Z", "Ctrl+Z"):
        sequence = QKeySequence(key)[0]  # type: ignore[index]
        qtbot.keyClick(field, sequence.key(), sequence.keyboardModifiers())
    assert window.document.values["name"] != "Orders"
    assert window.document.values["consumer_groups"] == 1
    assert field.value() == 1
    for key in ("Ctrl+Shift+Z", "Ctrl+Y"):
        sequence = QKeySequence(key)[0]  # type: ignore[index]
        qtbot.keyClick(field, sequence.key(), sequence.keyboardModifiers())
    assert window.document.values["consumer_groups"] == 7
    assert window.document.values["name"] == "Orders"


def test_loading_a_preset_is_undone_whole(
    window: MainWindow, qtbot: Any, prompts: FakePrompts, tmp_path: Path
) -> None:
    path = tmp_path / "mine.yaml"
    prompts.save_answer = path
    _spin(window, "consumer_groups").setValue(4)
    assert window.save_as()
    title = window.windowTitle()
    assert window.open_file(PRESETS["iot-telemetry"], as_preset=True)
    assert window.document.path is None
    assert window.windowTitle().startswith("IoT telemetry")
    assert window.undo_action.text() == "&Undo Load Preset “IoT telemetry”"
    window.undo_action.trigger()
    assert window.document.path == path
    assert window.document.values["consumer_groups"] == 4
    assert not window.document.is_modified
    assert window.windowTitle() == title
    window.redo_action.trigger()
    assert window.document.workload == wl.load_workload(PRESETS["iot-telemetry"])


def test_applying_a_what_if_is_one_step_and_changes_the_answer(
    window: MainWindow, qtbot: Any
) -> None:
    with qtbot.waitSignal(window.live.updated, timeout=5_000):
        window.open_file(PRESETS["order-processing"], as_preset=True)
    recommendation = window.live.recommendation
    assert recommendation is not None and recommendation.winner == wl.Broker.RABBITMQ
    item = next(w for w in recommendation.what_if if w.field == "avg_rate_msg_per_s")
    index = recommendation.what_if.index(item)
    view = window.recommendation_view
    assert f"whatif:apply/{index}" in view.details.toHtml()
    with qtbot.waitSignal(window.live.updated, timeout=5_000) as blocker:
        view.details.anchorClicked.emit(QUrl(f"whatif:apply/{index}"))
    assert blocker.args[0].winner == item.new_winner
    values = window.document.values
    assert values["avg_rate_msg_per_s"] == item.threshold
    assert values["peak_rate_msg_per_s"] >= values["avg_rate_msg_per_s"]  # kept valid
    assert window.undo_action.text().startswith("&Undo Apply What-if: Average rate above")
    with qtbot.waitSignal(window.live.updated, timeout=5_000) as blocker:
        window.undo_action.trigger()
    assert blocker.args[0].winner == wl.Broker.RABBITMQ
    assert window.document.workload == wl.load_workload(PRESETS["order-processing"])


def test_undo_takes_back_what_an_edit_stated(window: MainWindow) -> None:
    window.document.load({}, stated=set())
    assert "replay" not in window.document.stated
    window.editor.field_widget("replay").setChecked(True)  # type: ignore[attr-defined]
    assert "replay" in window.document.stated
    window.undo_action.trigger()
    assert "replay" not in window.document.stated


def test_opening_a_file_or_a_new_workload_starts_a_new_history(
    window: MainWindow, prompts: FakePrompts
) -> None:
    _spin(window, "consumer_groups").setValue(3)
    assert window.undo_action.isEnabled()
    prompts.unsaved_answer = "discard"
    assert window.new_workload()
    assert not window.undo_action.isEnabled()
    assert window.undo_action.shortcuts()[0] == QKeySequence("Ctrl+Z")
    assert [k.toString() for k in window.redo_action.shortcuts()[:2]] == [
        "Ctrl+Shift+Z",
        "Ctrl+Y",
    ]
