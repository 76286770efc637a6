"""Scenarios: variants side by side, each with its own history; Compare; what-if as a variant;
the sensitivity chart."""

from __future__ import annotations

from typing import Any

import pytest
from PySide6.QtCharts import QLineSeries, QLogValueAxis
from PySide6.QtCore import Qt, QUrl
from PySide6.QtGui import QColor

from advisor import sensitivity
from advisor import workload as wl
from ui import compare, sensitivity_chart
from ui.main_window import MainWindow, preset_files

PRESETS = {p.stem: p for p in preset_files()}


@pytest.fixture
def orders(window: MainWindow, qtbot: Any) -> MainWindow:
    """The window with the order-processing preset and its recommendation (RabbitMQ)."""
    with qtbot.waitSignal(window.live.updated, timeout=5_000):
        window.open_file(PRESETS["order-processing"], as_preset=True)
    qtbot.waitUntil(lambda: not window.live.is_busy, timeout=5_000)
    assert window.live.recommendation is not None
    assert window.live.recommendation.winner == wl.Broker.RABBITMQ
    return window


def _peak(window: MainWindow) -> Any:
    return window.editor.field_widget("peak_rate_msg_per_s")


def test_a_variant_is_a_copy_with_its_own_values_and_history(
    orders: MainWindow, qtbot: Any
) -> None:
    window = orders
    assert window.variant_tabs.isHidden()  # one variant: nothing to switch between
    original = window.document.values
    index = window.duplicate_variant()
    assert index == 1 and window.scenarios.current == 1
    assert not window.variant_tabs.isHidden()
    assert [window.variant_tabs.tabText(i) for i in range(2)] == ["Original", "Variant 2"]
    assert window.document.values == original
    assert not window.undo_action.isEnabled()  # a new history for the copy
    with qtbot.waitSignal(window.live.updated, timeout=5_000):
        _peak(window).setValue(900_000)
    assert window.live.recommendation.winner == wl.Broker.KAFKA
    assert window.undo_action.isEnabled()

    with qtbot.waitSignal(window.live.updated, timeout=5_000):
        window.variant_tabs.setCurrentIndex(0)  # as a click on the tab
    assert window.scenarios.current == 0
    assert window.document.values == original
    assert _peak(window).value() == original["peak_rate_msg_per_s"]
    assert window.live.recommendation.winner == wl.Broker.RABBITMQ
    assert (
        window.undo_action.text()
        == "&Undo Load Preset “Order processing with retries and dead-lettering”"
    )

    window.next_variant_action.trigger()
    assert window.scenarios.current == 1
    assert window.document.values["peak_rate_msg_per_s"] == 900_000
    window.undo_action.trigger()  # the variant's own history
    assert window.document.values["peak_rate_msg_per_s"] == original["peak_rate_msg_per_s"]


def test_variants_are_renamed_and_closed_but_never_the_last(orders: MainWindow) -> None:
    window = orders
    window.duplicate_variant()
    window.duplicate_variant("Bigger")
    assert window.scenarios.names() == ["Original", "Variant 2", "Bigger"]
    window.rename_variant(0, "  Today  ")
    assert window.variant_tabs.tabText(0) == "Today"
    assert window.close_variant(1)
    assert window.scenarios.names() == ["Today", "Bigger"]
    assert window.scenarios.current == 1  # still the one shown
    assert window.close_variant(1)
    assert not window.close_variant(0)
    assert window.variant_tabs.isHidden()
    assert not window.close_variant_action.isEnabled()


def test_quitting_asks_about_every_variant_with_unsaved_changes(
    orders: MainWindow, prompts: Any, tmp_path: Any
) -> None:
    window = orders
    window.show()
    window.duplicate_variant("Bigger")
    _peak(window).setValue(900_000)
    window.duplicate_variant("Unchanged copy")  # a copy is unsaved only once it changes
    window.switch_variant(0)
    prompts.asked.clear()
    prompts.unsaved_answer = "cancel"
    assert not window.close()  # the first variant asked about is the modified one, shown
    assert window.isVisible()
    assert prompts.asked == [
        ("unsaved", "Order processing with retries and dead-lettering (Bigger)")
    ]
    assert window.scenarios.current == 1
    assert window.document.values["peak_rate_msg_per_s"] == 900_000  # nothing lost

    prompts.asked.clear()
    prompts.unsaved_answer = "save"
    prompts.save_answer = tmp_path / "bigger.yaml"
    assert window.close()
    assert wl.load_workload(tmp_path / "bigger.yaml").peak_rate_msg_per_s == 900_000
    assert prompts.kinds() == ["unsaved", "save"]


def test_closing_a_changed_variant_asks_first(orders: MainWindow, prompts: Any) -> None:
    window = orders
    window.duplicate_variant("Bigger")
    _peak(window).setValue(900_000)
    window.switch_variant(0)
    prompts.asked.clear()
    prompts.unsaved_answer = "cancel"
    assert not window.close_variant(1)
    assert window.scenarios.names() == ["Original", "Bigger"]
    assert window.scenarios.current == 1  # shown, so the user sees what the question is about
    prompts.unsaved_answer = "discard"
    assert window.close_variant(1)
    assert window.scenarios.names() == ["Original"]


def test_a_what_if_applied_as_a_variant_leaves_the_original_alone(
    orders: MainWindow, qtbot: Any
) -> None:
    window = orders
    recommendation = window.live.recommendation
    item = next(w for w in recommendation.what_if if w.field == "peak_rate_msg_per_s")
    index = recommendation.what_if.index(item)
    assert f"whatif:variant/{index}" in window.recommendation_view.details.toHtml()
    with qtbot.waitSignal(window.live.updated, timeout=5_000) as blocker:
        window.recommendation_view.details.anchorClicked.emit(QUrl(f"whatif:variant/{index}"))
    assert blocker.args[0].winner == item.new_winner
    assert window.scenarios.names()[1] == "Peak rate above 100,000 msg/s"
    assert window.document.values["peak_rate_msg_per_s"] == item.threshold
    window.switch_variant(0)
    assert window.document.workload == wl.load_workload(PRESETS["order-processing"])


def test_compare_shows_three_variants_with_the_differences_highlighted(
    orders: MainWindow, qtbot: Any
) -> None:
    window = orders
    recommendation = window.live.recommendation
    by_field = {w.field: w for w in recommendation.what_if}
    window.apply_what_if_as_variant(by_field["peak_rate_msg_per_s"])
    window.switch_variant(0)
    window.apply_what_if_as_variant(by_field["avg_rate_msg_per_s"])
    dialog = window.show_compare()
    assert isinstance(dialog, compare.CompareDialog)
    with qtbot.waitSignal(dialog.updated, timeout=10_000):
        pass
    table = dialog.table
    assert table.columnCount() == 3
    headers = [table.horizontalHeaderItem(i).text() for i in range(3)]  # type: ignore[union-attr]
    assert headers == window.scenarios.names()
    rows = {r.key: r for r in dialog.rows}
    assert rows["winner"].cells == ["RabbitMQ", "Kafka", "Kafka"]
    assert rows["winner"].differs and rows["confidence"].cells[0] == "high"
    assert all(c.isdigit() or c == "ruled out" for c in rows["score:kafka"].cells)
    assert set(dialog.differing_fields()) == {"avg_rate_msg_per_s", "peak_rate_msg_per_s"}
    assert not rows["retention_hours"].differs
    row = [r.key for r in dialog.rows].index("peak_rate_msg_per_s")
    cell = table.item(row, 1)
    assert cell is not None and cell.font().bold()
    assert cell.background().color() != QColor(0, 0, 0, 0)
    dialog.only_differences.setChecked(True)
    hidden = [r.key for i, r in enumerate(dialog.rows) if table.isRowHidden(i)]
    assert "retention_hours" in hidden and "peak_rate_msg_per_s" not in hidden
    assert "winner" not in hidden

    with qtbot.waitSignal(dialog.updated, timeout=10_000):  # a variant changes: compared again
        window.editor.field_widget("consumer_groups").setValue(5)  # type: ignore[attr-defined]
    assert "consumer_groups" in dialog.differing_fields()
    # Compared again in place: only the changed cells are rewritten, and their highlighting
    # follows (on when a value differs, off again when it no longer does).
    groups = [r.key for r in dialog.rows].index("consumer_groups")
    changed = table.item(groups, 2)
    assert changed is not None and changed.font().bold() and changed.toolTip()
    with qtbot.waitSignal(dialog.updated, timeout=10_000):
        window.editor.field_widget("consumer_groups").setValue(7)  # type: ignore[attr-defined]
    assert table.item(groups, 2) is changed  # the same item, its text rewritten
    assert "7" in changed.text() and changed.font().bold()
    first = window.scenarios.workload(0)
    assert first is not None and first.consumer_groups != 7
    with qtbot.waitSignal(dialog.updated, timeout=10_000):  # back to the others' value
        window.editor.field_widget("consumer_groups").setValue(first.consumer_groups)  # type: ignore[attr-defined]
    assert "consumer_groups" not in dialog.differing_fields()
    assert not changed.font().bold() and not changed.toolTip()
    assert changed.background().style() == Qt.BrushStyle.NoBrush

    table.selectColumn(1)
    assert dialog.show_button.isEnabled()
    dialog.show_button.click()
    assert window.scenarios.current == 1


def test_comparison_rows_word_values_as_the_form_does() -> None:
    first = wl.Workload(name="A", peak_rate_msg_per_s=2_500, ordering="per_key")
    second = wl.Workload(name="A", peak_rate_msg_per_s=2_500, ordering="global")
    rows = {r.key: r for r in compare.comparison_rows([first, second], [None, None])}
    assert rows["peak_rate_msg_per_s"].cells == ["2,500 msg/s", "2,500 msg/s"]
    assert rows["ordering"].cells == ["Per key", "Global"] and rows["ordering"].differs
    assert rows["winner"].cells == ["—", "—"]
    assert not rows["name"].differs


def test_the_sensitivity_chart_draws_each_broker_and_marks_the_flip(
    orders: MainWindow, qtbot: Any
) -> None:
    dialog = orders.show_sensitivity()
    assert isinstance(dialog, sensitivity_chart.SensitivityDialog)
    chart = dialog.chart
    with qtbot.waitSignal(chart.computed, timeout=10_000) as blocker:
        pass
    result = blocker.args[0]
    assert isinstance(result, sensitivity.Sensitivity)
    assert result.field == "peak_rate_msg_per_s"
    names = [s.name() for s in chart.chart.series()]
    assert names[:3] == ["Redis", "RabbitMQ", "Kafka"]
    assert any(n.startswith("Now: 2,500 msg/s") for n in names)
    flips = [n for n in names if n.startswith("Flip:")]
    assert flips == ["Flip: RabbitMQ → Kafka at 100,000 msg/s"]
    kafka = chart.chart.series()[2]
    assert isinstance(kafka, QLineSeries) and kafka.count() >= 40
    assert any(isinstance(a, QLogValueAxis) for a in chart.chart.axes())
    assert "RabbitMQ → Kafka at 100,000 msg/s" in chart.status.text()
    image = chart.view.grab().toImage()
    assert image.width() > 400  # drawn

    with qtbot.waitSignal(chart.computed, timeout=10_000) as blocker:
        chart.field.setCurrentIndex(chart.field.findData("tolerated_node_failures"))
    assert [p.value for p in blocker.args[0].points] == [0.0, 1.0, 2.0, 3.0]
    assert "no flip point" in chart.status.text() or "→" in chart.status.text()


def test_keys_of_the_scenario_menu(window: MainWindow) -> None:
    keys = {
        "duplicate_action": "Ctrl+D",
        "compare_action": "Ctrl+Shift+C",
        "sensitivity_action": "Ctrl+Shift+Y",
        "next_variant_action": "Ctrl+PgDown",
        "previous_variant_action": "Ctrl+PgUp",
    }
    for name, key in keys.items():
        assert getattr(window, name).shortcuts()[0].toString() == key, name
