"""Versions in the app: stated in the editor, detected by probes, shown with what they change."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from PySide6.QtWidgets import QLineEdit

from advisor.probe.models import ProbeResult, ProbeSummary
from advisor.recommendation import VersionSource
from advisor.workload import Broker
from ui.main_window import MainWindow


def _version_line(window: MainWindow, broker: Broker) -> QLineEdit:
    lines = [
        line
        for line in window.editor.findChildren(QLineEdit)
        if line.accessibleName() == f"{broker.title} version"
    ]
    assert len(lines) == 1
    return lines[0]


def _needs_priorities(window: MainWindow, qtbot: Any) -> None:
    box = window.editor.field_widget("needs_priorities")
    if not box.isChecked():  # type: ignore[attr-defined]
        with qtbot.waitSignal(window.live.updated, timeout=5_000):
            box.setChecked(True)  # type: ignore[attr-defined]


def test_a_stated_version_changes_the_advice(window: MainWindow, qtbot: Any) -> None:
    _needs_priorities(window, qtbot)
    line = _version_line(window, Broker.RABBITMQ)
    assert line.text() == "" and "current release: 4.3" in line.placeholderText()
    with qtbot.waitSignal(window.live.updated, timeout=5_000) as blocker:
        line.setText("3.13")
    recommendation = blocker.args[0]
    assert window.document.workload is not None
    assert window.document.workload.versions == {Broker.RABBITMQ: "3.13"}
    advice = {a.rule_id for a in recommendation.assessment(Broker.RABBITMQ).advice}
    assert "rabbitmq-priorities-before-4" in advice
    shown = window.recommendation_view.details.toPlainText()
    assert "RabbitMQ 3.13 (stated)" in shown


def test_a_bad_version_is_named_and_the_text_is_kept(window: MainWindow, qtbot: Any) -> None:
    line = _version_line(window, Broker.KAFKA)
    with qtbot.waitSignal(window.live.stale_changed, timeout=5_000):
        line.setText("four point two")
    qtbot.waitUntil(lambda: "not a version" in window.editor.error_text("versions"))
    assert line.text() == "four point two"


def test_probe_results_rewrite_the_advice_for_the_detected_version(
    window: MainWindow, qtbot: Any
) -> None:
    _needs_priorities(window, qtbot)
    result = ProbeResult(
        target="amqp://127.0.0.1:5672/",
        broker=Broker.RABBITMQ,
        run_id="t",
        started_at=datetime(2026, 12, 2, tzinfo=UTC),
        duration_ms=1,
        budget_ms=1,
        summary=ProbeSummary(version="3.10.8"),
    )
    with qtbot.waitSignal(window.live.updated, timeout=5_000) as blocker:
        window._on_probe_results([result])
    recommendation = blocker.args[0]
    used = {v.broker: v for v in recommendation.versions}
    assert used[Broker.RABBITMQ].source is VersionSource.DETECTED
    (note,) = recommendation.version_notes
    assert note.detected == "3.10.8" and note.added
    shown = window.recommendation_view.details.toPlainText()
    assert "You run RabbitMQ 3.10.8" in shown
    assert "quorum queues ignore message priorities before 4.0" in shown
