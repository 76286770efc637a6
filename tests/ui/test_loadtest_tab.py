"""The Load test tab: confirmation before another machine, live progress, cancel, charts filled,
the bake-off side by side, a closed tab stopping its run; a real short run on the sandbox."""

from __future__ import annotations

import json
import re
import threading
import time
from collections.abc import Generator
from pathlib import Path
from typing import Any

import pytest
import shiboken6
from PySide6.QtCharts import QBarSeries, QLineSeries
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from advisor import paths
from advisor.loadtest import bakeoff, runner
from advisor.loadtest.models import BakeoffResult, LoadEvent, LoadTestResult
from advisor.workload import Broker, Workload, load_workload
from tests.ui.test_help import _visible_mnemonics
from ui import loadtest_tab
from ui.loadtest_tab import LoadTestTab
from ui.main_window import MainWindow

DATA = Path(__file__).parents[1] / "advisor" / "report"
PRESET = paths.presets_dir() / "order-processing.yaml"


def _result(name: str = "loadtest_redis.json") -> LoadTestResult:
    return LoadTestResult.model_validate(json.loads((DATA / name).read_text()))


def _bakeoff() -> BakeoffResult:
    return BakeoffResult.model_validate(json.loads((DATA / "loadtest_bakeoff.json").read_text()))


@pytest.fixture
def workload() -> Workload:
    return load_workload(PRESET)


@pytest.fixture
def tab(qtbot: Any, workload: Workload) -> LoadTestTab:
    widget = LoadTestTab(lambda: workload)
    qtbot.addWidget(widget)
    widget.resize(520, 900)
    return widget


def _tick(elapsed: float, p99: float = 4.5) -> LoadEvent:
    return LoadEvent(
        kind="tick",
        phase="peak",
        target_rate_msg_per_s=2500,
        send_rate_msg_per_s=2490,
        receive_rate_msg_per_s=2480,
        p99_ms=p99,
        sent=round(2490 * elapsed),
        received=round(2480 * elapsed),
        elapsed_s=elapsed,
        budget_s=60,
    )


def _fake_run(seen: dict[str, Any], *, until_cancel: bool = False) -> Any:
    def run_loadtest(
        target: Any, workload: Workload, **options: Any
    ) -> Generator[LoadEvent, None, LoadTestResult]:
        seen["target"] = target
        seen.update(options)
        cancel: threading.Event = options["cancel"]
        yield LoadEvent(kind="started", message="run x; budget 60 s", budget_s=60)
        elapsed = 0.5
        while True:
            yield _tick(elapsed)
            elapsed += 0.5
            time.sleep(0.02)
            if cancel.is_set() or (not until_cancel and elapsed > 3):
                break
        result = _result()
        if cancel.is_set():
            seen["cancelled"] = True
            result = result.model_copy(update={"cancelled": True})
        return result

    return run_loadtest


def test_a_remote_target_asks_first_and_says_what_goes_where(
    tab: LoadTestTab, monkeypatch: pytest.MonkeyPatch
) -> None:
    asked: list[str] = []

    def refuse(text: str) -> bool:
        asked.append(text)
        return False

    tab.confirm_remote = refuse
    called: list[Any] = []
    monkeypatch.setattr(runner, "run_loadtest", lambda *a, **k: called.append(a))
    tab.broker.setCurrentIndex(tab.broker.findData("redis"))
    tab.current_form().url_edit.setText("redis://10.255.255.1:6379/0")
    tab.current_form().fields["password"].setText("pw-never-shown")
    tab.duration.setValue(5)
    assert tab.start() is False
    assert not called and not tab.is_running
    assert len(asked) == 1
    text = asked[0]
    assert "10.255.255.1:6379/0 is not this machine" in text
    assert "msg/s" in text and "for up to" in text and "broker-advisor.loadtest" in text
    assert "pw-never-shown" not in text
    assert "Not started" in tab.status.text()


def test_a_confirmed_remote_target_runs_with_consent(
    qtbot: Any, tab: LoadTestTab, monkeypatch: pytest.MonkeyPatch
) -> None:
    seen: dict[str, Any] = {}
    monkeypatch.setattr(runner, "run_loadtest", _fake_run(seen))
    tab.confirm_remote = lambda _text: True
    tab.current_form().url_edit.setText("redis://10.255.255.1:6379/0")
    with qtbot.waitSignal(tab.finished, timeout=10_000):
        assert tab.start()
    assert seen["allow_remote"] is True


def test_loopback_needs_no_confirmation_and_progress_updates(
    qtbot: Any, tab: LoadTestTab, monkeypatch: pytest.MonkeyPatch
) -> None:
    seen: dict[str, Any] = {}
    monkeypatch.setattr(runner, "run_loadtest", _fake_run(seen))
    tab.confirm_remote = lambda _text: pytest.fail("asked about the loopback")
    tab.rate.setCurrentIndex(tab.rate.findData("peak"))
    events: list[LoadEvent] = []
    tab.progressed.connect(events.append)
    with qtbot.waitSignal(tab.finished, timeout=10_000):
        assert tab.start()
        assert tab.is_running and not tab.start_button.isEnabled()
        qtbot.waitUntil(lambda: len(events) >= 3, timeout=5_000)
        live = tab.live_text.text()
        assert "p99 so far 4.5 ms" in live
        assert "sending 2,490 msg/s" in live and "receiving 2,480 msg/s" in live
        assert re.search(r"sent [\d,]+, received [\d,]+$", live)
        assert tab.progress.value() > 0
        assert tab.progress.format().endswith(" s of 60 s")
    assert seen["allow_remote"] is False
    assert seen["rate"].kind == "peak"
    assert seen["target"].display_url == "redis://127.0.0.1:16379/0"
    qtbot.waitUntil(lambda: not tab.is_running, timeout=5_000)
    assert tab.start_button.isEnabled() and not tab.cancel_button.isEnabled()
    assert tab.status.text().startswith("Finished: PASS")


def test_cancel_stops_the_run_and_shows_what_ran(
    qtbot: Any, tab: LoadTestTab, monkeypatch: pytest.MonkeyPatch
) -> None:
    seen: dict[str, Any] = {}
    monkeypatch.setattr(runner, "run_loadtest", _fake_run(seen, until_cancel=True))
    events: list[LoadEvent] = []
    tab.progressed.connect(events.append)
    tab.start()
    qtbot.waitUntil(lambda: len(events) >= 2, timeout=5_000)
    with qtbot.waitSignal(tab.finished, timeout=10_000):
        tab.cancel_button.click()
        assert "Cancelling" in tab.status.text()
    assert seen["cancel"].is_set() and seen.get("cancelled")
    assert "Cancelled" in tab.status.text()
    qtbot.waitUntil(lambda: not tab.is_running, timeout=5_000)


def test_a_finished_run_fills_table_charts_and_verdicts(tab: LoadTestTab) -> None:
    tab.show_result(BakeoffResult(workload_name="w", label="", results=[_result()]))
    latency = [s for s in tab.latency_chart.series() if isinstance(s, QBarSeries)]
    assert len(latency) == 1 and latency[0].count() == 1
    values = [latency[0].barSets()[0].at(i) for i in range(5)]
    head = next(p for p in _result().phases if p.name == _result().headline_phase)
    assert values == pytest.approx(
        [
            head.latency_ms.p50,
            head.latency_ms.p90,
            head.latency_ms.p99,
            head.latency_ms.p999,
            head.latency_ms.max,
        ]
    )
    lines = [s for s in tab.throughput_chart.series() if isinstance(s, QLineSeries)]
    assert len(lines) == 2 and lines[0].count() > 2  # received and the dashed target
    assert tab.table.columnCount() == 1
    headers = [tab.table.model().headerData(r, Qt.Orientation.Vertical) for r in range(12)]
    assert headers[:3] == ["Status", "Throughput", "p99 latency"]
    assert tab.verdicts.topLevelItemCount() == 1
    top = tab.verdicts.topLevelItem(0)
    assert top is not None and top.childCount() == len(_result().verdicts)
    assert tab.last_result is not None


def test_the_bakeoff_shows_three_brokers_side_by_side(
    qtbot: Any, tab: LoadTestTab, monkeypatch: pytest.MonkeyPatch
) -> None:
    def fake(workload: Workload, **options: Any) -> Generator[Any, None, BakeoffResult]:
        for broker in Broker:
            yield broker, _tick(1.0)
        return _bakeoff()

    monkeypatch.setattr(bakeoff, "run_bakeoff", fake)
    with qtbot.waitSignal(tab.finished, timeout=10_000):
        assert tab.start_bakeoff()
    assert tab.table.columnCount() == 3
    heads = [tab.table.model().headerData(c, Qt.Orientation.Horizontal) for c in range(3)]
    assert heads == ["Redis 7.0.15", "RabbitMQ 3.10.8", "Apache Kafka 4.4.0"]
    assert tab.label.text().startswith("Bake-off: one machine")
    bars = next(s for s in tab.latency_chart.series() if isinstance(s, QBarSeries))
    assert bars.count() == 3
    assert tab.verdicts.topLevelItemCount() == 3
    assert tab.status.text().startswith("Finished: FAIL")  # Kafka's p99 misses the target


def test_offers_list_the_sandbox_and_the_probe_tab_without_passwords(
    qtbot: Any, workload: Workload
) -> None:
    from ui import probe_panel

    probe_form = probe_panel._ConnectionForm(Broker.RABBITMQ)
    qtbot.addWidget(probe_form)
    probe_form.set_url("amqp://app:pw-in-probe@rabbit.example:5672/%2F")
    tab = LoadTestTab(lambda: workload, lambda: {Broker.RABBITMQ: probe_form})
    qtbot.addWidget(tab)
    texts = [tab.offers.itemText(i) for i in range(tab.offers.count())]
    assert any("Sandbox Kafka" in t for t in texts)
    probe = [i for i, t in enumerate(texts) if t.startswith("Probe tab RabbitMQ")]
    assert probe and all("pw-in-probe" not in t for t in texts)
    tab.offers.setCurrentIndex(probe[0])
    tab.offers.activated.emit(probe[0])
    form = tab.current_form()
    assert form.broker is Broker.RABBITMQ
    assert form.fields["password"].text() == "pw-in-probe"
    assert form.fields["password"].echoMode() is form.fields["password"].EchoMode.Password
    assert "pw-in-probe" not in form.url_edit.text()


def test_closing_the_tab_during_a_run_cancels_it(
    qtbot: Any, workload: Workload, monkeypatch: pytest.MonkeyPatch
) -> None:
    seen: dict[str, Any] = {}
    monkeypatch.setattr(runner, "run_loadtest", _fake_run(seen, until_cancel=True))
    widget = LoadTestTab(lambda: workload)
    events: list[LoadEvent] = []
    widget.progressed.connect(events.append)
    widget.start()
    qtbot.waitUntil(lambda: len(events) >= 1, timeout=5_000)
    cancel = seen["cancel"]
    widget.deleteLater()
    qtbot.waitUntil(lambda: not shiboken6.isValid(widget), timeout=5_000)
    assert cancel.is_set()
    assert loadtest_tab.loadtest_pool().waitForDone(10_000)
    assert seen.get("cancelled")


def test_the_window_has_the_tab_and_a_view_entry(window: MainWindow, qtbot: Any) -> None:
    window.resize(1280, 800)
    window.show()
    qtbot.waitExposed(window)
    assert window.loadtest_action.text() == "L&oad Test"
    window.loadtest_action.trigger()
    assert isinstance(getattr(window, "loadtest_tab", None), LoadTestTab)
    assert window.side_tabs.currentWidget() is window.loadtest_holder
    tab = getattr(window, "loadtest_tab", None)
    assert isinstance(tab, LoadTestTab)
    for index in range(tab.broker.count()):  # each broker's connection form in turn
        tab.broker.setCurrentIndex(index)
        QApplication.processEvents()
        marks = _visible_mnemonics(window)
        keys = [m for m, _ in marks]
        clashes = {m: [t for k, t in marks if k == m] for m in keys if keys.count(m) > 1}
        assert clashes == {}, clashes
    view = [a.text() for a in window.view_menu.actions() if a.text()]
    keys = [t.split("&")[1][0].lower() for t in view if "&" in t]
    assert len(keys) == len(set(keys)), view


@pytest.mark.integration
def test_a_real_short_run_against_the_sandbox_redis(
    qtbot: Any, tab: LoadTestTab, redis_url: str
) -> None:
    tab.current_form().set_url(redis_url)
    tab.rate.setCurrentIndex(tab.rate.findData("peak"))
    tab.duration.setValue(2)
    events: list[LoadEvent] = []
    tab.progressed.connect(events.append)
    with qtbot.waitSignal(tab.finished, timeout=120_000) as blocker:
        assert tab.start()
    result = blocker.args[0]
    assert isinstance(result, BakeoffResult)
    run = result.results[0]
    assert run.broker is Broker.REDIS and run.sent > 0 and run.received > 0
    assert not run.cleanup.leftovers
    assert any(e.kind == "tick" for e in events)
    assert tab.progress.format().startswith("done in")
    assert tab.table.columnCount() == 1
    assert tab.latency_chart.series() and tab.throughput_chart.series()


def test_quitting_during_a_run_cancels_it_and_waits_for_the_cleanup(
    qtbot: Any, tab: LoadTestTab, monkeypatch: pytest.MonkeyPatch
) -> None:
    seen: dict[str, Any] = {}
    monkeypatch.setattr(runner, "run_loadtest", _fake_run(seen, until_cancel=True))
    events: list[LoadEvent] = []
    tab.progressed.connect(events.append)
    tab.start()
    qtbot.waitUntil(lambda: len(events) >= 1, timeout=5_000)
    loadtest_tab._on_about_to_quit()  # what QCoreApplication.aboutToQuit runs
    assert seen["cancel"].is_set()
    assert seen.get("cancelled")  # the run returned (after its cleanup) before quitting went on
