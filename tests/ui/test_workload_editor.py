"""The workload form: generated from the model, grouped, with problems shown at the field."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from PySide6.QtWidgets import QCheckBox, QComboBox, QDoubleSpinBox, QGroupBox, QSpinBox

from advisor import workload as wl
from ui import workload_editor
from ui.workload_editor import WorkloadDocument, WorkloadEditor


@pytest.fixture
def editor(qtbot: Any) -> WorkloadEditor:
    """A form over a workload that states every value it shows."""
    document = WorkloadDocument()
    document.load({}, None)
    widget = WorkloadEditor(document)
    qtbot.addWidget(widget)
    return widget


def test_every_model_field_is_in_exactly_one_group() -> None:
    placed = [name for _, names in workload_editor.GROUPS for name in names]
    assert sorted(placed) == sorted(wl.Workload.model_fields)
    assert [title for title, _ in workload_editor.GROUPS][1:] == [
        "Volume",
        "Retention & ordering",
        "Delivery",
        "Consumers & routing",
        "Workers & connections",
        "Features",
        "Devices & browsers",
        "Availability",
        "Stack",
        "Organisation",
        "Operations",
        "Versions",
    ]


def test_group_titles_show_their_ampersand(editor: WorkloadEditor) -> None:
    titles = [box.title() for box in editor.findChildren(QGroupBox)]
    assert "Retention && ordering" in titles  # "&&" displays as "&"


def test_widgets_follow_the_model(editor: WorkloadEditor) -> None:
    fields = wl.Workload.model_fields
    peak = editor.field_widget("peak_rate_msg_per_s")
    assert isinstance(peak, QDoubleSpinBox)
    assert peak.suffix() == " msg/s"
    assert peak.minimum() == 0 and peak.maximum() == 10_000_000
    assert fields["peak_rate_msg_per_s"].description in peak.toolTip()
    assert peak.accessibleName() == "Peak rate"
    failures = editor.field_widget("tolerated_node_failures")
    assert isinstance(failures, QSpinBox)
    assert (failures.minimum(), failures.maximum()) == (0, 3)
    latency = editor.field_widget("p99_latency_ms")
    assert isinstance(latency, QDoubleSpinBox) and latency.minimum() > 0  # gt=0
    ordering = editor.field_widget("ordering")
    assert isinstance(ordering, QComboBox)
    assert [ordering.itemData(i) for i in range(ordering.count())] == [o.value for o in wl.Ordering]
    assert isinstance(editor.field_widget("replay"), QCheckBox)


def test_team_familiar_with_is_three_checkboxes(editor: WorkloadEditor) -> None:
    boxes = [
        b for b in editor.findChildren(QCheckBox) if b.accessibleName().startswith("Team knows")
    ]
    assert [b.text() for b in boxes] == ["Redis", "RabbitMQ", "Kafka"]
    boxes[2].setChecked(True)
    boxes[0].setChecked(True)
    assert editor.document.values["team_familiar_with"] == ["redis", "kafka"]
    assert editor.document.workload is not None
    assert editor.document.workload.team_familiar_with == [wl.Broker.REDIS, wl.Broker.KAFKA]


def test_cross_field_problem_is_shown_at_the_relevant_field(editor: WorkloadEditor) -> None:
    editor.field_widget("avg_rate_msg_per_s").setValue(2_000)  # type: ignore[attr-defined]
    assert editor.document.workload is None
    message = editor.error_text("peak_rate_msg_per_s")
    assert "Peak rate (500) is below Average rate (2,000)" in message
    assert editor.error_text("avg_rate_msg_per_s") == ""
    editor.field_widget("peak_rate_msg_per_s").setValue(3_000)  # type: ignore[attr-defined]
    assert editor.error_text("peak_rate_msg_per_s") == ""
    assert editor.document.workload is not None


def test_replay_without_retention_is_shown_at_replay(editor: WorkloadEditor) -> None:
    editor.field_widget("replay").setChecked(True)  # type: ignore[attr-defined]
    assert "Retention is 0" in editor.error_text("replay")


def test_loading_values_does_not_lose_precision(editor: WorkloadEditor) -> None:
    values = {
        **workload_editor.default_values(),
        "avg_rate_msg_per_s": 123.456,
        "peak_rate_msg_per_s": 1234.5678,
    }
    editor.document.load(values)
    assert editor.document.values["avg_rate_msg_per_s"] == 123.456
    assert not editor.document.is_modified


def test_modified_follows_the_values(editor: WorkloadEditor) -> None:
    box = editor.field_widget("consumer_groups")
    box.setValue(4)  # type: ignore[attr-defined]
    assert editor.document.is_modified
    box.setValue(1)  # type: ignore[attr-defined]
    assert not editor.document.is_modified


def test_name_edits_reach_the_document(editor: WorkloadEditor, qtbot: Any) -> None:
    name = editor.field_widget("name")
    name.clear()  # type: ignore[attr-defined]
    qtbot.keyClicks(name, "Orders")
    assert editor.document.values["name"] == "Orders"


def test_a_file_opened_in_the_app_keeps_what_it_left_unstated(tmp_path: Path) -> None:
    from advisor import engine

    path = tmp_path / "sparse.yaml"
    path.write_text("name: Minimal\nconsumption: fan_out\n", encoding="utf-8")
    loaded = wl.load_workload(path)
    document = WorkloadDocument()
    document.load(loaded.model_dump(mode="json"), path, stated=set(loaded.model_fields_set))
    assert document.workload is not None
    assert document.workload.model_fields_set == loaded.model_fields_set
    cli = engine.recommend(loaded, what_if=False)
    app = engine.recommend(document.workload, what_if=False)
    assert app.model_dump() == cli.model_dump()
    # An edit states the field from then on.
    document.set_value("avg_rate_msg_per_s", 50.0)
    assert "avg_rate_msg_per_s" in document.workload.model_fields_set


# -- assumed values (issue 12) --------------------------------------------------------------------
def test_a_new_workload_marks_every_value_assumed_until_set(qtbot: Any) -> None:
    document = WorkloadDocument()
    editor = WorkloadEditor(document)
    qtbot.addWidget(editor)
    assert set(editor.assumed_fields()) == set(editor._fields)
    peak = editor.field_widget("peak_rate_msg_per_s")
    assert peak.font().italic()
    label = editor._fields["peak_rate_msg_per_s"].label
    assert label is not None and "assumed" in label.text()
    assert "assumed" in peak.accessibleName()
    replay = editor.field_widget("replay")
    assert isinstance(replay, QCheckBox) and replay.text() == "Consumers replay history"
    assert replay.font().italic() and "assumed" in replay.toolTip()
    assert replay.accessibleName().endswith("(assumed)")

    peak.setValue(9_000)  # type: ignore[attr-defined]
    assert "peak_rate_msg_per_s" not in editor.assumed_fields()
    assert not peak.font().italic() and "assumed" not in label.text()
    assert peak.accessibleName() == "Peak rate"
    replay.setChecked(True)
    assert not replay.font().italic() and "assumed" not in replay.toolTip()
    document.undo_stack.undo()
    assert replay.font().italic()  # undoing the edit unstates it again


def test_an_assumed_value_shows_what_the_workload_uses(qtbot: Any) -> None:
    document = WorkloadDocument()
    editor = WorkloadEditor(document)
    qtbot.addWidget(editor)
    editor.field_widget("avg_rate_msg_per_s").setValue(5_000)  # type: ignore[attr-defined]
    workload = document.workload
    assert workload is not None and workload.peak_rate_msg_per_s == 5_000  # it follows
    assert editor.field_widget("peak_rate_msg_per_s").value() == 5_000  # type: ignore[attr-defined]
    assert "peak_rate_msg_per_s" in editor.assumed_fields()


def test_a_file_states_its_keys_and_assumes_the_rest(tmp_path: Path, qtbot: Any) -> None:
    path = tmp_path / "w.yaml"
    path.write_text("name: Orders\npeak_rate_msg_per_s: 900\n", encoding="utf-8")
    loaded = wl.load_workload(path)
    document = WorkloadDocument()
    document.load(loaded.model_dump(mode="json"), path, stated=set(loaded.model_fields_set))
    editor = WorkloadEditor(document)
    qtbot.addWidget(editor)
    assumed = editor.assumed_fields()
    assert "peak_rate_msg_per_s" not in assumed and "name" not in assumed
    assert "retention_hours" in assumed
