"""Probe results tied to the recommendation: the overview, contradictions, cancellation that
keeps the previous result, the detail pane after re-judging, readable check names, and the
history of runs in SQLite."""

from __future__ import annotations

import socket
import sqlite3
import time
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt

from advisor import paths, views
from advisor import workload as wl
from advisor.probe import verdicts
from advisor.probe.models import CheckStatus, ProbeCheck, ProbeResult, Stage
from tests.advisor.report.test_report_probes import rabbitmq_result
from ui import probe_history
from ui.main_window import MainWindow
from ui.probe_panel import ProbePanel

from .conftest import PanelFactory
from .test_probe_panel import shown_checks

ORDERS = wl.load_workload(paths.presets_dir() / "order-processing.yaml")


def _judged(result: ProbeResult, workload: wl.Workload = ORDERS) -> ProbeResult:
    return result.model_copy(update={"verdicts": verdicts.judge(result, workload)})


def _closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _probe(qtbot: Any, panel: ProbePanel, broker: wl.Broker) -> None:
    page = panel.pages[broker]
    with qtbot.waitSignal(page.run_finished, timeout=10_000):
        qtbot.mouseClick(page.probe_button, Qt.MouseButton.LeftButton)


def test_the_overview_shows_each_broker_and_what_changed(
    qtbot: Any, make_panel: PanelFactory, tmp_path: Path
) -> None:
    panel = make_panel()
    assert [panel.overview_text(b) for b in wl.Broker] == [
        "Redis: not probed",
        "RabbitMQ: not probed",
        "Kafka: not probed",
    ]
    page = panel.pages[wl.Broker.REDIS]
    page.form.url_edit.setText(f"redis://127.0.0.1:{_closed_port()}/0")
    _probe(qtbot, panel, wl.Broker.REDIS)
    first = panel.overview_text(wl.Broker.REDIS)
    assert first.startswith("Redis: FAIL") and "First run of this address." in first
    _probe(qtbot, panel, wl.Broker.REDIS)
    assert "The same as the previous run" in panel.overview_text(wl.Broker.REDIS)
    assert panel.history.count() == 2
    assert panel.history.path.is_relative_to(tmp_path)  # the user's data folder, isolated
    line = panel.overview_lines[wl.Broker.REDIS]
    panel.tabs.setCurrentIndex(2)
    line.linkActivated.emit("show")
    assert panel.tabs.currentWidget() is page


def test_a_cancelled_probe_keeps_the_previous_result(
    qtbot: Any,
    make_panel: PanelFactory,
    silent_listener: int,
) -> None:
    panel = make_panel()
    panel.budget.setValue(60.0)
    page = panel.pages[wl.Broker.REDIS]
    page.form.url_edit.setText(f"redis://127.0.0.1:{_closed_port()}/0")
    _probe(qtbot, panel, wl.Broker.REDIS)
    kept = page.result
    assert kept is not None and kept.status is CheckStatus.FAIL
    kept_checks = [c.id for c in kept.checks]

    page.form.url_edit.setText(f"redis://127.0.0.1:{silent_listener}/0")
    changed: list[Any] = []
    panel.results_changed.connect(changed.append)
    qtbot.mouseClick(page.probe_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(
        lambda: any(c.id == "redis.connect" for c in shown_checks(panel, wl.Broker.REDIS)),
        timeout=5_000,
    )
    with qtbot.waitSignal(page.run_finished, timeout=5_000):
        panel.cancel()
    assert page.result is kept
    assert panel.results() == [kept] and changed == []
    assert page.cancelled and "previous result" in page.summary.text()
    assert [c.id for c in shown_checks(panel, wl.Broker.REDIS)] == kept_checks
    assert page.progress.format() == "cancelled"
    assert "cancelled: the previous result is kept" in panel.overview_text(wl.Broker.REDIS)
    assert panel.history.count() == 1  # a cancelled run is not history


def test_the_detail_pane_follows_the_selected_row_after_rejudging(
    qtbot: Any, make_panel: PanelFactory
) -> None:
    workloads = [ORDERS]
    panel = make_panel(provider=lambda: workloads[-1])
    page = panel.pages[wl.Broker.RABBITMQ]
    page._workload_name = ORDERS.name
    page._on_probe_returned(_judged(rabbitmq_result()))
    durability = next(
        page.tree.topLevelItem(i).child(j)  # type: ignore[union-attr]
        for i in range(page.tree.topLevelItemCount())
        for j in range(page.tree.topLevelItem(i).childCount())  # type: ignore[union-attr]
        if page.tree.topLevelItem(i).child(j).text(0) == "Durability"  # type: ignore[union-attr]
    )
    page.tree.setCurrentItem(durability)
    assert "Durability" in page.details.toPlainText()
    workloads.append(ORDERS.model_copy(update={"needs_dead_lettering": False, "name": "Other"}))
    panel.refresh_verdicts()
    current = page.tree.currentItem()
    assert current is not None and current.text(0) == "Durability"
    assert current is not durability  # a new row, judged again
    assert "Durability" in page.details.toPlainText()
    assert "Dead lettering" not in [
        page.tree.topLevelItem(i).child(j).text(0)  # type: ignore[union-attr]
        for i in range(page.tree.topLevelItemCount())
        for j in range(page.tree.topLevelItem(i).childCount())  # type: ignore[union-attr]
    ]


def test_check_names_read_whole_without_resizing(make_panel: PanelFactory) -> None:
    panel = make_panel()
    panel.resize(900, 700)
    page = panel.pages[wl.Broker.KAFKA]
    long_title = "Idempotent producer with transactions across two partitions"
    check = ProbeCheck(
        id="kafka.transactions",
        title=long_title,
        stage=Stage.BEHAVE,
        status=CheckStatus.PASS,
        duration_ms=3.0,
    )
    page._add_check(check)
    page.fit_names()
    metrics = page.tree.fontMetrics()
    needed = metrics.horizontalAdvance(long_title) + page.tree.iconSize().width()
    assert page.tree.header().sectionSize(0) >= needed
    item = page.tree.topLevelItem(0)
    assert item is not None and long_title in item.toolTip(0)


def test_the_recommendation_says_when_the_live_broker_contradicts_it(
    window: MainWindow, qtbot: Any
) -> None:
    from ui.main_window import preset_files

    preset = next(p for p in preset_files() if p.stem == "order-processing")
    with qtbot.waitSignal(window.live.updated, timeout=5_000):
        window.open_file(preset, as_preset=True)
    qtbot.waitUntil(lambda: not window.live.is_busy, timeout=5_000)
    assert window.live.recommendation.winner == wl.Broker.RABBITMQ
    view = window.recommendation_view
    assert view.conflict.isHidden()
    window.show_probe_panel()
    panel = window.probe_panel
    assert isinstance(panel, ProbePanel)
    page = panel.pages[wl.Broker.RABBITMQ]
    page._workload_name = ORDERS.name
    page._on_probe_returned(_judged(rabbitmq_result()))
    qtbot.waitUntil(lambda: not view.conflict.isHidden(), timeout=5_000)
    text = view.conflict.text()
    assert "RabbitMQ is recommended; your RabbitMQ fails dead lettering." in text
    assert "no message reached the dead-letter exchange" in text
    # Another workload, which needs no dead-lettering: no contradiction left.
    window.editor.field_widget("needs_dead_lettering").setChecked(False)  # type: ignore[attr-defined]
    qtbot.waitUntil(view.conflict.isHidden, timeout=5_000)


def test_probe_conflict_words_fails_before_warnings() -> None:
    from advisor import engine

    recommendation = engine.recommend(ORDERS)
    judged = _judged(rabbitmq_result())
    found = views.probe_conflict(recommendation, [judged])
    assert found is not None and found.status == "fail"
    assert found.headline == "RabbitMQ is recommended; your RabbitMQ fails dead lettering."
    other = judged.model_copy(update={"broker": wl.Broker.KAFKA})
    assert views.probe_conflict(recommendation, [other]) is None  # not the recommended one


def test_history_records_compares_and_keeps_no_password(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    history = probe_history.ProbeHistory(tmp_path / "h.sqlite3")
    failing = _judged(rabbitmq_result())
    first = history.record(failing, workload="Orders", secrets=["hunter2"])
    assert history.change(first) is None
    fixed_checks = [
        c.model_copy(update={"status": CheckStatus.PASS, "details": "ok hunter2"})
        for c in failing.checks
    ]
    fixed = _judged(rabbitmq_result().model_copy(update={"checks": fixed_checks}))
    second = history.record(fixed, workload="Orders", secrets=["hunter2"])
    change = history.change(second)
    assert change is not None and change.any
    assert change.status == (CheckStatus.FAIL, CheckStatus.PASS)
    assert ("dead lettering", CheckStatus.FAIL, CheckStatus.PASS) in change.verdicts
    text = change.text()
    assert text.startswith("Since the previous run (") and "FAIL → PASS" in text
    assert [r.id for r in history.runs(fixed)] == [second.id, first.id]
    history.close()
    raw = (tmp_path / "h.sqlite3").read_bytes()
    assert b"hunter2" not in raw
    rows = sqlite3.connect(tmp_path / "h.sqlite3").execute("SELECT target FROM runs").fetchall()
    assert all("***" in row[0] or "@" not in row[0] for row in rows)

    monkeypatch.setattr(probe_history, "KEEP_PER_TARGET", 3)
    again = probe_history.ProbeHistory(tmp_path / "h.sqlite3")
    for _ in range(5):
        again.record(fixed)
    assert len(again.runs(fixed, limit=50)) == 3
    started = time.monotonic()
    assert again.count() == 3 and time.monotonic() - started < 1
