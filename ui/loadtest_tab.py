"""The Load test tab: drive the workload against a broker (or the three sandbox brokers in turn),
with live progress, charts of latency and throughput, and verdicts against the workload.

The load test itself is `advisor.loadtest` (a generator of progress events returning the result);
this tab only collects the settings, asks before loading a machine other than this one, runs it
on a `ui.worker.Worker` and draws what comes back through the one view model the reports use
(`advisor.views.bakeoff_view`).
"""

from __future__ import annotations

import functools
import sys
import threading
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

import shiboken6
from PySide6.QtCharts import (
    QBarCategoryAxis,
    QBarSeries,
    QBarSet,
    QChart,
    QChartView,
    QLineSeries,
    QLogValueAxis,
    QValueAxis,
)
from PySide6.QtCore import QCoreApplication, QEvent, QMargins, QPointF, Qt, QThreadPool, Signal
from PySide6.QtGui import QColor, QPainter, QPalette, QPen, QShowEvent
from PySide6.QtWidgets import (
    QComboBox,
    QDoubleSpinBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMessageBox,
    QProgressBar,
    QPushButton,
    QScrollArea,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from advisor import units, views
from advisor.loadtest import plan as plan_mod
from advisor.loadtest.models import BakeoffResult, LoadEvent, LoadTestResult
from advisor.probe import targets
from advisor.probe.models import CheckStatus, ProbeTarget
from advisor.sandbox.models import SandboxTargets
from advisor.workload import Broker, Workload
from ui import probe_panel, theme, worker
from ui.translation import translate

# Light and dark variants of each broker's colour (as the sensitivity chart's).
BROKER_COLOURS = {
    Broker.REDIS: ("#c92a2a", "#ff8787"),
    Broker.RABBITMQ: ("#d9480f", "#ffa94d"),
    Broker.KAFKA: ("#1864ab", "#74c0fc"),
}
_PALETTE_EVENTS = (QEvent.Type.PaletteChange, QEvent.Type.ApplicationPaletteChange)
# At quit a running test is cancelled and its cleanup waited for: the runner stops its worker
# processes and removes its temporary resources within about this long.
QUIT_WAIT_MS = int((plan_mod.CLEANUP_S + 5.0) * 1000)

_POOL: QThreadPool | None = None
_ALL_CANCELS: set[threading.Event] = set()


def loadtest_pool() -> QThreadPool:
    """The pool load tests run on: a run holds its thread for minutes, so not the global pool.

    Owned by the application (a pool's destructor waits for its work); at quit every running
    test is cancelled and its cleanup waited for.
    """
    global _POOL  # noqa: PLW0603 -- one pool per application, made on first use
    if _POOL is None:
        app = QCoreApplication.instance()
        _POOL = QThreadPool(app)
        _POOL.setMaxThreadCount(2)
        if app is not None:
            app.aboutToQuit.connect(_on_about_to_quit)
    return _POOL


def _cancel_all(events: Iterable[threading.Event]) -> None:
    for event in list(events):
        event.set()


def _on_about_to_quit() -> None:
    _cancel_all(_ALL_CANCELS)
    if _POOL is not None:
        _POOL.waitForDone(QUIT_WAIT_MS)


def broker_colour(broker: Broker | str, palette: QPalette | None = None) -> QColor:
    light, dark = BROKER_COLOURS.get(Broker(broker), ("#5f3dc4", "#b197fc"))
    return QColor(dark if theme.is_dark(palette) else light)


def is_loopback_target(target: ProbeTarget) -> bool:
    """Whether every address of the target (and its management URL) is this machine."""
    from urllib.parse import urlsplit

    from advisor.loadtest import runner

    hosts = [e.host for e in target.endpoints]
    if target.management_url:
        hosts.append(urlsplit(target.management_url).hostname or "")
    return all(runner.is_loopback(h) for h in hosts if h)


def _single(result: LoadTestResult) -> BakeoffResult:
    return BakeoffResult(workload_name=result.plan.workload_name, label="", results=[result])


class LoadTestTab(QWidget):
    """Settings, Start/Cancel/Bake-off, live progress, a table, two charts and the verdicts.

    `last_result` is the last finished run (one load test, or a bake-off), which reports include;
    `finished` says when it changed.
    """

    finished = Signal(object)  # BakeoffResult
    progressed = Signal(object)  # LoadEvent, after the progress display took it

    def __init__(
        self,
        workload_provider: Callable[[], Workload | None],
        probe_forms: Callable[[], dict[Broker, QWidget]] | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("loadTestTab")
        self._workload_provider = workload_provider
        self._probe_forms = probe_forms or dict
        self._pool = loadtest_pool()
        self._cancel: threading.Event | None = None
        self._worker: worker.Worker | None = None
        self._bakeoff = False
        self._live: dict[str, QLineSeries] = {}
        self.last_result: BakeoffResult | None = None
        self.last_view: views.BakeoffView | None = None
        # Asked before a load test of an address that is not this machine; replaceable in tests.
        self.confirm_remote: Callable[[str], bool] = self._ask_remote
        # Threads cannot be killed: a run still going when the tab goes away is told to stop (it
        # then removes its temporary resources); the set is this tab's, not every tab's.
        self._cancels: set[threading.Event] = set()
        self.destroyed.connect(functools.partial(_cancel_all, self._cancels))

        # -- target: offers, broker, its connection form (the probe panel's) -------------------
        self.offers = QComboBox()
        self.offers.setObjectName("loadTestOffers")
        self.offers.setAccessibleName(self.tr("Known targets"))
        self.offers.setToolTip(self.tr("The sandbox brokers and the addresses in the Probe tab"))
        self.offers.activated.connect(self._on_offer_chosen)
        self.broker = QComboBox()
        self.broker.setAccessibleName(self.tr("Broker to load-test"))
        for broker in Broker:
            self.broker.addItem(broker.title, broker.value)
        self.forms: dict[Broker, probe_panel._ConnectionForm] = {}
        for broker in Broker:
            form = probe_panel._ConnectionForm(broker)
            for edit in form.fields.values():  # unique names beside the Probe tab's own form
                edit.setObjectName(f"loadtest_{edit.objectName()}")
            self.forms[broker] = form
        self.broker.currentIndexChanged.connect(self._on_broker_changed)
        offers_label = QLabel(self.tr("Pi&ck"))
        offers_label.setBuddy(self.offers)
        broker_label = QLabel(self.tr("B&roker"))
        broker_label.setBuddy(self.broker)
        target_box = QGroupBox(self.tr("Target"))
        target_layout = QVBoxLayout(target_box)
        row = QHBoxLayout()
        row.addWidget(offers_label)
        row.addWidget(self.offers, 3)
        row.addWidget(broker_label)
        row.addWidget(self.broker, 1)
        target_layout.addLayout(row)
        for form in self.forms.values():  # one shown at a time; hidden ones take no room
            target_layout.addWidget(form)

        # -- load: duration and rate ---------------------------------------------------------
        self.duration = QDoubleSpinBox()
        self.duration.setAccessibleName(self.tr("Seconds per phase"))
        self.duration.setToolTip(
            self.tr("Each constant-rate phase runs this long; the ramp takes as long again")
        )
        self.duration.setRange(plan_mod.MIN_DURATION_S, plan_mod.MAX_DURATION_S)
        self.duration.setDecimals(0)
        self.duration.setSuffix(self.tr(" s"))
        self.duration.setValue(plan_mod.DEFAULT_DURATION_S)
        self.rate = QComboBox()
        self.rate.setAccessibleName(self.tr("Rate"))
        self.rate.addItem(self.tr("Average, peak, then a ramp to saturation"), "")
        self.rate.addItem(self.tr("The workload's average rate"), "avg")
        self.rate.addItem(self.tr("The workload's peak rate"), "peak")
        self.rate.addItem(self.tr("A fixed rate"), "fixed")
        self.fixed_rate = QSpinBox()
        self.fixed_rate.setAccessibleName(self.tr("Fixed rate in messages per second"))
        self.fixed_rate.setRange(1, int(plan_mod.RAMP_CEILING_MSG_PER_S))
        self.fixed_rate.setValue(1000)
        self.fixed_rate.setSuffix(self.tr(" msg/s"))
        self.fixed_rate.setGroupSeparatorShown(True)
        self.fixed_rate.setEnabled(False)
        self.rate.currentIndexChanged.connect(self._on_rate_changed)
        load_form = QFormLayout()
        duration_label = QLabel(self.tr("&Duration"))
        duration_label.setBuddy(self.duration)
        rate_label = QLabel(self.tr("R&ate"))
        rate_label.setBuddy(self.rate)
        rate_row = QHBoxLayout()
        rate_row.addWidget(self.rate, 3)
        rate_row.addWidget(self.fixed_rate, 1)
        load_form.addRow(duration_label, self.duration)
        load_form.addRow(rate_label, rate_row)

        self.start_button = QPushButton(self.tr("S&tart"))
        self.start_button.setAccessibleName(self.tr("Start the load test"))
        self.start_button.setToolTip(self.tr("Send the workload's load to the target above"))
        self.cancel_button = QPushButton(self.tr("Ca&ncel"))
        self.cancel_button.setAccessibleName(self.tr("Cancel the load test"))
        self.cancel_button.setToolTip(
            self.tr("Stop sending; the temporary queues or topics are removed")
        )
        self.cancel_button.setEnabled(False)
        self.bakeoff_button = QPushButton(self.tr("Ba&ke-off"))
        self.bakeoff_button.setAccessibleName(self.tr("Bake-off of the sandbox brokers"))
        self.bakeoff_button.setToolTip(
            self.tr("The same load against the sandbox's Redis, RabbitMQ and Kafka, in turn")
        )
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.bakeoff_button)
        buttons.addWidget(self.start_button)
        buttons.addWidget(self.cancel_button)

        # -- progress --------------------------------------------------------------------------
        self.progress = QProgressBar()
        self.progress.setAccessibleName(self.tr("Elapsed against the budget"))
        self.progress.setRange(0, 1000)
        self.progress.setValue(0)
        self.progress.setTextVisible(True)
        self.progress.setFormat("")
        self.live_text = QLabel()
        self.live_text.setObjectName("loadTestLive")
        self.live_text.setAccessibleName(self.tr("Live progress"))
        self.live_text.setWordWrap(True)
        self.status = QLabel(self.tr("Choose a target, then Start; or run a Bake-off."))
        self.status.setObjectName("loadTestStatus")
        self.status.setAccessibleName(self.tr("Load test status"))
        self.status.setWordWrap(True)

        # -- results: label, table, charts, verdicts -------------------------------------------
        self.label = QLabel()
        self.label.setObjectName("loadTestLabel")
        self.label.setWordWrap(True)
        self.label.setAccessibleName(self.tr("What the figures are"))
        self.table = QTableWidget()
        self.table.setObjectName("loadTestTable")
        self.table.setAccessibleName(self.tr("Load test figures"))
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.latency_chart = QChart()
        self.throughput_chart = QChart()
        self.latency_view = self._chart_view(self.latency_chart, self.tr("Latency percentiles"))
        self.throughput_view = self._chart_view(
            self.throughput_chart, self.tr("Throughput over time")
        )
        self.verdicts = QTreeWidget()
        self.verdicts.setObjectName("loadTestVerdicts")
        self.verdicts.setAccessibleName(self.tr("Verdicts for the workload"))
        self.verdicts.setHeaderLabels([self.tr("Requirement"), self.tr("Finding")])
        self.verdicts.setRootIsDecorated(True)
        self.verdicts.setWordWrap(True)
        self.verdicts.header().setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        self.verdicts.setMinimumHeight(160)

        self.body = body = QWidget()
        inner = QVBoxLayout(body)
        inner.setContentsMargins(4, 4, 4, 4)
        inner.addWidget(target_box)
        inner.addLayout(load_form)
        inner.addLayout(buttons)
        inner.addWidget(self.progress)
        inner.addWidget(self.live_text)
        inner.addWidget(self.status)
        inner.addWidget(self.label)
        inner.addWidget(self.table)
        inner.addWidget(self.latency_view)
        inner.addWidget(self.throughput_view)
        inner.addWidget(self.verdicts)
        inner.addStretch(1)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        scroll.setWidget(body)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(scroll)

        self.start_button.clicked.connect(self.start)
        self.cancel_button.clicked.connect(self.cancel)
        self.bakeoff_button.clicked.connect(self.start_bakeoff)
        self.refresh_offers()
        self._on_broker_changed(0)
        self._fill(Broker.REDIS, SandboxTargets().redis_url)
        self._restyle_charts()

    # -- public ---------------------------------------------------------------------------------
    @property
    def is_running(self) -> bool:
        return self._worker is not None

    def refresh_offers(self) -> None:
        """Offer the sandbox's addresses and those filled in on the Probe tab (passwords stay in
        the masked fields; the menu shows addresses without them)."""
        self.offers.clear()
        self.offers.addItem(self.tr("Enter an address below"), None)
        sandbox = SandboxTargets()
        for broker, url in (
            (Broker.REDIS, sandbox.redis_url),
            (Broker.RABBITMQ, sandbox.amqp_url),
            (Broker.KAFKA, sandbox.kafka_url),
        ):
            shown = targets.without_secrets(url)
            self.offers.addItem(
                self.tr("Sandbox {broker}: {url}").format(broker=broker.title, url=shown),
                ("sandbox", broker.value, url),
            )
        for broker, form in self._probe_forms().items():
            if isinstance(form, probe_panel._ConnectionForm) and not form.is_empty():
                shown = targets.without_secrets(form.url_edit.text().strip())
                self.offers.addItem(
                    self.tr("Probe tab {broker}: {url}").format(broker=broker.title, url=shown),
                    ("probe", broker.value, ""),
                )

    def current_form(self) -> probe_panel._ConnectionForm:
        return self.forms[Broker(self.broker.currentData())]

    def rate_choice(self) -> plan_mod.RateChoice:
        kind = str(self.rate.currentData() or "")
        if kind == "fixed":
            return plan_mod.RateChoice("fixed", float(self.fixed_rate.value()))
        return plan_mod.RateChoice.parse(kind or None)

    def start(self) -> bool:
        """Validate, ask before a remote target, and run the load test in the background."""
        if self.is_running:
            return False
        workload = self._workload()
        if workload is None:
            return False
        target = self.current_form().validate()
        if target is None:
            self.status.setText(self.tr("Fix the address first."))
            return False
        remote = not is_loopback_target(target)
        if remote and not self.confirm_remote(self._remote_text(target, workload)):
            self.status.setText(self.tr("Not started: the target is not this machine."))
            return False
        from advisor.loadtest import runner

        self._begin(bakeoff=False, names=[target.broker.value])
        self.status.setText(self.tr("Load-testing {target}…").format(target=target.display_url))
        self._run(
            runner.run_loadtest,
            target,
            workload,
            duration_s=self.duration.value(),
            rate=self.rate_choice(),
            cancel=self._cancel,
            allow_remote=remote,
        )
        return True

    def start_bakeoff(self) -> bool:
        """The same load against the sandbox's three brokers, one after the other."""
        if self.is_running:
            return False
        workload = self._workload()
        if workload is None:
            return False
        from advisor.loadtest import bakeoff

        self._begin(bakeoff=True, names=[b.value for b in Broker])
        self.status.setText(self.tr("Bake-off: the sandbox brokers in turn…"))
        self._run(
            bakeoff.run_bakeoff,
            workload,
            duration_s=self.duration.value(),
            rate=self.rate_choice(),
            cancel=self._cancel,
        )
        return True

    def cancel(self) -> None:
        """Stop the load; the run removes its temporary resources and reports what it measured."""
        if self._cancel is not None and not self._cancel.is_set():
            self._cancel.set()
            self.cancel_button.setEnabled(False)
            self.status.setText(self.tr("Cancelling: stopping the load and cleaning up…"))

    def show_result(self, result: BakeoffResult) -> None:
        """Draw a finished run (also used for a result loaded or made elsewhere)."""
        self.last_result = result
        self.last_view = views.bakeoff_view(result)
        self._draw(self.last_view)
        self.live_text.setText("")  # the table has the exact counts
        self.progress.setValue(self.progress.maximum())
        self.progress.setFormat(
            self.tr("done in {seconds} s").format(
                seconds=units.trim(round(sum(r.duration_s for r in result.results)))
            )
        )

    # -- Qt overrides ---------------------------------------------------------------------------
    def showEvent(self, event: QShowEvent) -> None:
        if not self.is_running:
            self.refresh_offers()
        super().showEvent(event)

    def changeEvent(self, event: QEvent) -> None:
        if event.type() in _PALETTE_EVENTS and hasattr(self, "latency_chart"):
            self._restyle_charts()
            if self.last_view is not None and not self.is_running:
                self._draw(self.last_view)
        super().changeEvent(event)

    # -- running --------------------------------------------------------------------------------
    def _workload(self) -> Workload | None:
        try:
            found = self._workload_provider()
        except Exception:  # the editor holds problems: the user fixes them there
            found = None
        if found is None:
            self.status.setText(self.tr("The workload has problems: fix them to load-test it."))
        return found

    def _remote_text(self, target: ProbeTarget, workload: Workload) -> str:
        load = plan_mod.make_plan(
            workload,
            target.broker,
            duration_s=self.duration.value(),
            rate=self.rate_choice(),
        )
        rates = sorted({p.rate_msg_per_s for p in load.phases})
        said = " → ".join(units.human_rate(round(r)) for r in rates)
        if load.ramp:
            said += self.tr(", then more and more until it saturates")
        return self.tr(
            "{target} is not this machine. The load test will send real messages to it: "
            "{rates}, of {size} on average, for up to {budget} (set-up and cleanup included), "
            "into temporary resources named broker-advisor.loadtest.… that are removed "
            "afterwards. Run it?"
        ).format(
            target=target.display_url,
            rates=said,
            size=units.human_bytes(load.avg_message_bytes),
            budget=units.human_ms(load.budget_s * 1000),
        )

    def _ask_remote(self, text: str) -> bool:
        box = QMessageBox(
            QMessageBox.Icon.Warning,
            self.tr("Load-test another machine?"),
            text,
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel,
            self,
        )
        box.setObjectName("loadTestConfirm")
        box.button(QMessageBox.StandardButton.Yes).setText(self.tr("Send the load"))
        box.setDefaultButton(QMessageBox.StandardButton.Cancel)
        return box.exec() == QMessageBox.StandardButton.Yes

    def _begin(self, *, bakeoff: bool, names: list[str]) -> None:
        self._bakeoff = bakeoff
        self._cancel = threading.Event()
        _ALL_CANCELS.add(self._cancel)
        self._cancels.add(self._cancel)
        self.progress.setValue(0)
        self.progress.setFormat("")
        self.live_text.setText("")
        self._start_live_chart(names)
        self.start_button.setEnabled(False)
        self.bakeoff_button.setEnabled(False)
        self.cancel_button.setEnabled(True)

    def _run(self, func: Callable[..., object], *args: Any, **kwargs: Any) -> None:
        job = worker.Worker(func, *args, **kwargs)
        job.signals.progress.connect(self._on_progress)
        job.signals.returned.connect(self._on_returned)
        job.signals.errored.connect(self._on_errored)
        job.signals.finished.connect(self._on_finished)
        self._worker = job
        job.start(self._pool)

    def _on_progress(self, item: object) -> None:
        if not shiboken6.isValid(self):
            return
        if isinstance(item, tuple) and len(item) == 2:
            broker, event = item
            name = str(getattr(broker, "value", broker))
        else:
            event, name = item, self.broker.currentData()
        if not isinstance(event, LoadEvent):
            return
        self._show_event(str(name), event)
        self.progressed.emit(event)

    def _show_event(self, name: str, event: LoadEvent) -> None:
        if event.kind == "tick":
            series = self._live.get(name)
            if series is not None:
                series.append(QPointF(event.elapsed_s, event.receive_rate_msg_per_s))
                self._fit_live_axes(event)
        sent, received = event.sent, event.received
        if event.budget_s > 0:
            self.progress.setValue(int(1000 * min(1.0, event.elapsed_s / event.budget_s)))
            self.progress.setFormat(
                self.tr("{elapsed} s of {budget} s").format(
                    elapsed=units.trim(round(event.elapsed_s)),
                    budget=units.trim(round(event.budget_s)),
                )
            )
        who = Broker(name).title if name in {b.value for b in Broker} else name
        phase = event.phase or "…"
        if event.kind != "tick":  # set-up, phases and cleanup: no rates to show
            if event.message:
                self.status.setText(f"{who}: {event.message}")
            return
        self.live_text.setText(
            self.tr(
                "{who}, {phase}: sending {send} (target {target}), receiving {receive}; "
                "p99 so far {p99}; sent {sent}, received {received}"
            ).format(
                who=who,
                phase=phase,
                send=units.human_rate(round(event.send_rate_msg_per_s)),
                target=units.human_rate(round(event.target_rate_msg_per_s)),
                receive=units.human_rate(round(event.receive_rate_msg_per_s)),
                p99=units.human_ms(event.p99_ms),
                sent=units.human_number(round(sent)),
                received=units.human_number(round(received)),
            )
        )

    def _on_returned(self, value: object) -> None:
        if not shiboken6.isValid(self):
            return
        if isinstance(value, LoadTestResult):
            result = _single(value)
        elif isinstance(value, BakeoffResult):
            result = value
        else:
            return
        self.show_result(result)
        cancelled = (self._cancel is not None and self._cancel.is_set()) or any(
            r.cancelled for r in result.results
        )
        tests = self.last_view.tests if self.last_view else []
        if cancelled:
            self.status.setText(
                self.tr("Cancelled; the temporary resources were removed. Shown: what ran.")
            )
        elif not tests:
            self.status.setText(
                self.tr("Nothing ran: {why}").format(
                    why="; ".join(self.last_view.skipped if self.last_view else []) or "-"
                )
            )
        else:
            worst = max((CheckStatus(t.status) for t in tests), key=lambda s: s.severity)
            self.status.setText(self.tr("Finished: {status}.").format(status=worst.value.upper()))
        self.finished.emit(result)

    def _on_errored(self, error: Exception) -> None:
        if not shiboken6.isValid(self):
            return
        # Refusals and bad settings say what is wrong; nothing else reaches the user raw.
        text = targets.redact_text(str(error)) or type(error).__name__
        self.status.setText(self.tr("The load test did not run: {error}").format(error=text))

    def _on_finished(self) -> None:
        if self._cancel is not None:
            _ALL_CANCELS.discard(self._cancel)
        self._worker = None
        if not shiboken6.isValid(self):
            return
        self.start_button.setEnabled(True)
        self.bakeoff_button.setEnabled(True)
        self.cancel_button.setEnabled(False)

    # -- target offers --------------------------------------------------------------------------
    def _on_offer_chosen(self, index: int) -> None:
        data = self.offers.itemData(index)
        if not data:
            return
        source, broker_value, url = data
        broker = Broker(broker_value)
        if source == "sandbox":
            self._fill(broker, url)
            return
        given = self._probe_forms().get(broker)
        if isinstance(given, probe_panel._ConnectionForm):
            form = self.forms[broker]
            for key, edit in given.fields.items():
                form.fields[key].setText(edit.text())  # passwords stay in masked fields
            if given.mechanism is not None and form.mechanism is not None:
                form.mechanism.setCurrentText(given.mechanism.currentText())
            self.broker.setCurrentIndex(self.broker.findData(broker.value))

    def _fill(self, broker: Broker, url: str) -> None:
        form = self.forms[broker]
        for edit in form.fields.values():
            edit.clear()
        form.set_url(url)
        if broker is Broker.RABBITMQ:
            form.set_management_url(SandboxTargets().rabbitmq_management_url)
        self.broker.setCurrentIndex(self.broker.findData(broker.value))

    def _on_broker_changed(self, index: int) -> None:
        for page, form in enumerate(self.forms.values()):
            form.setVisible(page == index)

    def _on_rate_changed(self, _index: int) -> None:
        self.fixed_rate.setEnabled(self.rate.currentData() == "fixed")

    # -- drawing --------------------------------------------------------------------------------
    def _chart_view(self, chart: QChart, name: str) -> QChartView:
        chart.setMargins(QMargins(2, 2, 2, 2))
        chart.legend().setAlignment(Qt.AlignmentFlag.AlignBottom)
        view = QChartView(chart)
        view.setAccessibleName(name)
        view.setRenderHint(QPainter.RenderHint.Antialiasing)
        view.setMinimumHeight(240)
        return view

    def _restyle_charts(self) -> None:
        palette = self.palette()
        dark = theme.is_dark(palette)
        for chart in (self.latency_chart, self.throughput_chart):
            chart.setTheme(
                QChart.ChartTheme.ChartThemeDark if dark else QChart.ChartTheme.ChartThemeLight
            )
            chart.setBackgroundBrush(palette.color(QPalette.ColorRole.Base))
            chart.setTitleBrush(palette.color(QPalette.ColorRole.Text))
            chart.legend().setLabelColor(palette.color(QPalette.ColorRole.Text))

    @staticmethod
    def _clear(chart: QChart) -> None:
        chart.removeAllSeries()
        for axis in chart.axes():
            chart.removeAxis(axis)

    def _start_live_chart(self, names: list[str]) -> None:
        chart = self.throughput_chart
        self._clear(chart)
        chart.setTitle(self.tr("Messages received per second, live"))
        self._live = {}
        x_axis = QValueAxis()
        x_axis.setTitleText(self.tr("seconds"))
        x_axis.setLabelFormat("%.0f")
        x_axis.setRange(0, 10)
        y_axis = QValueAxis()
        y_axis.setLabelFormat("%.0f")
        y_axis.setRange(0, 100)
        chart.addAxis(x_axis, Qt.AlignmentFlag.AlignBottom)
        chart.addAxis(y_axis, Qt.AlignmentFlag.AlignLeft)
        for name in names:
            series = QLineSeries()
            series.setName(Broker(name).title)
            series.setPen(QPen(broker_colour(name, self.palette()), 2))
            chart.addSeries(series)
            series.attachAxis(x_axis)
            series.attachAxis(y_axis)
            self._live[name] = series

    def _fit_live_axes(self, event: LoadEvent) -> None:
        axes = self.throughput_chart.axes()
        x_axis = next((a for a in axes if a.orientation() == Qt.Orientation.Horizontal), None)
        y_axis = next((a for a in axes if a.orientation() == Qt.Orientation.Vertical), None)
        if isinstance(x_axis, QValueAxis) and event.elapsed_s > x_axis.max():
            x_axis.setMax(max(event.elapsed_s * 1.2, x_axis.max()))
        top = max(event.receive_rate_msg_per_s, event.target_rate_msg_per_s) * 1.15
        if isinstance(y_axis, QValueAxis) and top > y_axis.max():
            y_axis.setMax(top)

    def _draw(self, view: views.BakeoffView) -> None:
        self.label.setText(
            self.tr("Bake-off: {label}").format(label=view.label)
            if view.label
            else "; ".join(f"{t.server}: {t.environment}" for t in view.tests)
        )
        self._draw_table(view)
        self._draw_latency(view)
        self._draw_throughput(view)
        self._draw_verdicts(view)

    def _draw_table(self, view: views.BakeoffView) -> None:
        tests = view.tests
        table = self.table
        table.clear()
        if not tests:
            table.setRowCount(0)
            table.setColumnCount(0)
            return
        rows = [(self.tr("Status"), [t.status.upper() for t in tests])]
        for index, figure in enumerate(tests[0].figures):
            rows.append((figure.title, [t.figures[index].value for t in tests]))
        rows.append((self.tr("Saturation"), [t.saturation_range for t in tests]))
        details = {len(rows) - 1: [t.saturation for t in tests]}
        table.setColumnCount(len(tests))
        table.setRowCount(len(rows))
        table.setHorizontalHeaderLabels([t.server for t in tests])
        table.setVerticalHeaderLabels([title for title, _ in rows])
        for row, (_title, cells) in enumerate(rows):
            for column, text in enumerate(cells):
                item = QTableWidgetItem(text)
                item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                item.setToolTip(details.get(row, cells)[column])
                table.setItem(row, column, item)
        table.resizeRowsToContents()
        height = table.horizontalHeader().height() + 4
        height += sum(table.rowHeight(r) for r in range(table.rowCount()))
        table.setMinimumHeight(min(height, 420))

    def _draw_latency(self, view: views.BakeoffView) -> None:
        chart = self.latency_chart
        self._clear(chart)
        phase = view.tests[0].headline_phase if view.tests else ""
        chart.setTitle(
            self.tr("Latency from the intended send time, {phase} phase (ms, log scale)").format(
                phase=phase or "-"
            )
        )
        if not view.tests:
            return
        series = QBarSeries()
        low = 1.0
        high = 10.0
        for test in view.tests:
            bars = QBarSet(test.server)
            bars.setColor(broker_colour(test.broker, self.palette()))
            for bar in test.latency:
                bars.append(max(bar.ms, 0.01))
                low = min(low, max(bar.ms, 0.01))
                high = max(high, bar.ms)
            series.append(bars)
        series.setLabelsVisible(len(view.tests) == 1)
        series.setLabelsFormat("@value")
        series.setLabelsPrecision(3)
        chart.addSeries(series)
        categories = QBarCategoryAxis()
        categories.append([bar.label for bar in view.tests[0].latency])
        values = QLogValueAxis()
        values.setBase(10)
        values.setLabelFormat("%.10g")
        values.setMinorTickCount(0)
        values.setRange(10 ** _floor_log(low), 10 ** _ceil_log(high * 1.5))
        chart.addAxis(categories, Qt.AlignmentFlag.AlignBottom)
        chart.addAxis(values, Qt.AlignmentFlag.AlignLeft)
        series.attachAxis(categories)
        series.attachAxis(values)
        chart.legend().setVisible(len(view.tests) > 1)

    def _draw_throughput(self, view: views.BakeoffView) -> None:
        chart = self.throughput_chart
        self._clear(chart)
        self._live = {}
        chart.setTitle(self.tr("Messages received per second in each phase; target dashed"))
        tests = [t for t in view.tests if t.throughput]
        if not tests:
            return
        x_axis = QValueAxis()
        x_axis.setTitleText(self.tr("seconds of load, phases back to back"))
        x_axis.setLabelFormat("%g")
        y_axis = QValueAxis()
        y_axis.setLabelFormat("%.0f")
        end = max(s.end_s for t in tests for s in t.throughput) or 1.0
        top = max(
            max(s.received_msg_per_s, s.target_msg_per_s) for t in tests for s in t.throughput
        )
        x_axis.setRange(0, end)
        y_axis.setRange(0, max(1.0, top * 1.1))
        y_axis.applyNiceNumbers()
        chart.addAxis(x_axis, Qt.AlignmentFlag.AlignBottom)
        chart.addAxis(y_axis, Qt.AlignmentFlag.AlignLeft)
        for test in tests:
            tint = broker_colour(test.broker, self.palette())
            received = QLineSeries()
            received.setName(test.server)
            received.setPen(QPen(tint, 2.5))
            target = QLineSeries()
            target.setName(self.tr("{server} target").format(server=test.server))
            dashed = QPen(tint, 1.2)
            dashed.setStyle(Qt.PenStyle.DashLine)
            target.setPen(dashed)
            for step in test.throughput:
                received.append(step.start_s, step.received_msg_per_s)
                received.append(step.end_s, step.received_msg_per_s)
                target.append(step.start_s, step.target_msg_per_s)
                target.append(step.end_s, step.target_msg_per_s)
            for series in (target, received):
                chart.addSeries(series)
                series.attachAxis(x_axis)
                series.attachAxis(y_axis)
        for marker in chart.legend().markers():
            if marker.label().endswith(self.tr(" target")):
                marker.setVisible(False)

    def _draw_verdicts(self, view: views.BakeoffView) -> None:
        tree = self.verdicts
        tree.clear()
        palette = self.palette()
        for test in view.tests:
            top = QTreeWidgetItem([test.server, test.headline])
            top.setIcon(0, probe_panel.status_icon(CheckStatus(test.status), palette))
            top.setToolTip(1, test.headline)
            tree.addTopLevelItem(top)
            for verdict in test.verdicts:
                text = verdict.message
                if verdict.advice and verdict.status != CheckStatus.PASS.value:
                    text = (
                        text.rstrip(".")
                        + ". "
                        + self.tr("Advice: {advice}").format(advice=verdict.advice)
                    )
                child = QTreeWidgetItem([verdict.requirement, text])
                child.setIcon(0, probe_panel.status_icon(CheckStatus(verdict.status), palette))
                child.setToolTip(1, text)
                child.setData(0, Qt.ItemDataRole.AccessibleDescriptionRole, verdict.status)
                top.addChild(child)
            for line in test.errors:
                top.addChild(QTreeWidgetItem([self.tr("error"), line]))
            top.setExpanded(True)
        for line in view.skipped:
            tree.addTopLevelItem(QTreeWidgetItem([self.tr("not run"), line]))
        # Tall enough for every verdict (up to a point), so the page scrolls rather than the tree.
        tops = [tree.topLevelItem(i) for i in range(tree.topLevelItemCount())]
        rows = sum(1 + item.childCount() for item in tops if item is not None)
        row_height = tree.sizeHintForRow(0) if rows else 0
        tree.setMinimumHeight(max(160, min(720, tree.header().height() + rows * row_height + 8)))


def _floor_log(value: float) -> int:
    import math

    return math.floor(math.log10(max(value, 1e-3)))


def _ceil_log(value: float) -> int:
    import math

    return math.ceil(math.log10(max(value, 1e-3)))


# -- the main window's side tab -------------------------------------------------------------------
def attach(window: QWidget) -> LoadTestTab | None:
    """Build the tab inside the window's load-test holder once (on first show)."""
    existing = getattr(window, "loadtest_tab", None)
    if isinstance(existing, LoadTestTab):
        return existing
    holder = getattr(window, "loadtest_holder", None)
    if not isinstance(holder, QWidget):
        return None

    def probe_forms() -> dict[Broker, QWidget]:
        panel = getattr(window, "probe_panel", None)
        pages = getattr(panel, "pages", {})
        return {broker: page.form for broker, page in pages.items()}

    def current_workload() -> Workload | None:
        document = getattr(window, "document", None)
        if document is None:
            return None
        found = document.workload or document.last_valid_workload
        return found if isinstance(found, Workload) else None

    tab = LoadTestTab(current_workload, probe_forms, holder)
    layout = QVBoxLayout(holder)
    layout.setContentsMargins(0, 0, 0, 0)
    layout.addWidget(tab)
    window.loadtest_tab = tab  # type: ignore[attr-defined]
    return tab


def show(window: QWidget) -> None:
    """View > Load Test: the tab in front, the focus in its target address."""
    tabs = getattr(window, "side_tabs", None)
    holder = getattr(window, "loadtest_holder", None)
    if tabs is None or holder is None:
        return
    tabs.setCurrentWidget(holder)
    tab = attach(window)
    if tab is not None:
        tab.current_form().url_edit.setFocus(Qt.FocusReason.ShortcutFocusReason)


def screenshot_scene(
    window: QWidget,
    results: Path | None,
    wait_for: Callable[[Any], None],
    settle: Callable[[], None],
) -> QWidget | None:
    """`broker-advisor screenshot --scene loadtest`: the tab after a run, tall enough to show
    every part. The run is the results file given (as reports read it), else a two-second run
    of the workload's peak rate on the sandbox's Redis."""
    show(window)
    document = getattr(window, "document", None)
    workload = getattr(document, "workload", None)
    tab = LoadTestTab(lambda: workload if isinstance(workload, Workload) else None)
    tab.setWindowTitle(translate("LoadTestTab", "Load test"))
    tab.resize(900, 1400)
    tab.show()
    if results is not None:
        from advisor.report import inputs

        try:
            tab.show_result(inputs.load_loadtest_results(results))
        except inputs.LoadTestResultsError as error:
            print(f"error: {error}", file=sys.stderr)
            return None
        tab.status.setText(translate("LoadTestTab", "Finished."))
    else:
        tab.rate.setCurrentIndex(tab.rate.findData("peak"))
        tab.duration.setValue(2)
        if not tab.start():
            print(f"error: {tab.status.text()}", file=sys.stderr)
            return None
        wait_for(tab.finished)
    settle()
    tab.resize(900, tab.body.sizeHint().height() + 16)  # all of it, no scroll bar
    settle()
    return tab
