"""The probe panel: live progress, validation, cancellation, secrets, settings and a real Redis."""

from __future__ import annotations

import itertools
import time
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings, Qt, QTimer
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractSpinBox,
    QComboBox,
    QLineEdit,
    QTabBar,
    QTreeWidget,
    QTreeWidgetItem,
    QWidget,
)

from advisor.probe.models import CheckStatus, FailureClass, ProbeCheck, ProbeResult
from advisor.workload import Broker, Workload
from ui import probe_panel, theme, worker
from ui.probe_panel import ProbePanel

from .conftest import PanelFactory

SECRET = "s3cret-Pw/42"  # the slash checks percent-encoding on the way into the URL


class Heartbeat:
    """A QTimer on the GUI thread; the gaps between its ticks show whether the thread blocked."""

    def __init__(self, interval_ms: int = 10) -> None:
        self.ticks: list[float] = []
        self.timer = QTimer()
        self.timer.setInterval(interval_ms)
        self.timer.timeout.connect(self._on_timeout)

    def _on_timeout(self) -> None:
        self.ticks.append(time.monotonic())

    def __enter__(self) -> Heartbeat:
        self.started = time.monotonic()
        self.timer.start()
        return self

    def __exit__(self, *_exc: object) -> None:
        self.timer.stop()
        self.stopped = time.monotonic()

    @property
    def longest_gap_s(self) -> float:
        points = [self.started, *self.ticks, self.stopped]
        return max(b - a for a, b in itertools.pairwise(points))


def items(tree: QTreeWidget) -> list[QTreeWidgetItem]:
    found: list[QTreeWidgetItem] = []
    stack = [tree.topLevelItem(i) for i in range(tree.topLevelItemCount())]
    while stack:
        item = stack.pop(0)
        if item is None:
            continue
        found.append(item)
        stack.extend(item.child(i) for i in range(item.childCount()))
    return found


def shown_checks(panel: ProbePanel, broker: Broker) -> list[ProbeCheck]:
    tree = panel.pages[broker].tree
    return [c for c in (i.data(0, probe_panel._ROLE_CHECK) for i in items(tree)) if c]


def probe_and_wait(qtbot, panel: ProbePanel, broker: Broker, timeout_ms: int) -> ProbeResult:
    with qtbot.waitSignal(panel.results_changed, timeout=timeout_ms) as blocker:
        qtbot.mouseClick(panel.pages[broker].probe_button, Qt.MouseButton.LeftButton)
    results = blocker.args[0]
    return next(r for r in results if r.broker is broker)


# -- pure helpers -----------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("url", "bare", "password"),
    [
        ("redis://:pw@h:6379/0", "redis://h:6379/0", "pw"),
        ("redis://u:p%2Fw@h/0", "redis://u@h/0", "p/w"),
        ("amqp://guest:guest@h:5672/%2F", "amqp://guest@h:5672/%2F", "guest"),
        ("redis://u@h/0", "redis://u@h/0", ""),
        ("redis://h/0", "redis://h/0", ""),
        ("http://a:b@h:15672", "http://a@h:15672", "b"),
        ("not a url", "not a url", ""),
    ],
)
def test_split_and_join_password_round_trip(url: str, bare: str, password: str) -> None:
    assert probe_panel.split_password(url) == (bare, password)
    if password:
        again = probe_panel.join_password(bare, password)
        assert probe_panel.split_password(again) == (bare, password)


def test_kafka_url_carries_sasl_credentials() -> None:
    url = probe_panel.kafka_url("h1:9092,h2:9092", "alice", "p@ss", "SCRAM-SHA-256")
    assert url == "kafka://alice:p%40ss@h1:9092,h2:9092?sasl_mechanism=SCRAM-SHA-256"
    assert probe_panel.kafka_url("kafka+ssl://h:9093", "", "", "PLAIN") == "kafka+ssl://h:9093"


# -- probing --------------------------------------------------------------------------------
def test_closed_port_shows_refused_within_budget_and_gui_stays_responsive(
    qtbot, make_panel: PanelFactory
) -> None:
    panel = make_panel()
    panel.budget.setValue(5.0)
    panel.pages[Broker.REDIS].form.url_edit.setText("redis://127.0.0.1:1/0")
    started = time.monotonic()
    with Heartbeat() as heartbeat:
        result = probe_and_wait(qtbot, panel, Broker.REDIS, timeout_ms=7_000)
    assert time.monotonic() - started < 5.0 * 1.1
    refused = [c for c in result.checks if c.failure_class is FailureClass.REFUSED]
    assert refused and refused[0].status is CheckStatus.FAIL
    # No tick at all is fine when the probe ends within one interval: the gap covers it.
    assert heartbeat.longest_gap_s < 0.25

    page = panel.pages[Broker.REDIS]
    shown = shown_checks(panel, Broker.REDIS)
    assert [c.id for c in shown] == [c.id for c in result.checks]
    # The first failure is selected, so its details and hint are on screen at once.
    current = page.tree.currentItem()
    assert current is not None and current.data(0, probe_panel._ROLE_CHECK).id == refused[0].id
    details = page.details.toPlainText()
    assert "refused" in details and "Hint:" in details
    assert "FAIL" in page.summary.text()
    assert panel.results() == [result]
    assert not panel.cancel_button.isEnabled()
    assert panel.copy_button.isEnabled()


def test_verdicts_for_the_workload_are_listed_and_explained(
    qtbot, make_panel: PanelFactory
) -> None:
    panel = make_panel(workload=Workload(name="Payments", needs_dead_lettering=True))
    panel.pages[Broker.REDIS].form.url_edit.setText("redis://127.0.0.1:1/0")
    result = probe_and_wait(qtbot, panel, Broker.REDIS, timeout_ms=7_000)
    assert result.verdicts
    tree = panel.pages[Broker.REDIS].tree
    group = next(i for i in items(tree) if i.text(0) == "Verdicts for “Payments”")
    assert group.childCount() == len(result.verdicts)
    tree.setCurrentItem(group.child(0))
    verdict = result.verdicts[0]
    assert verdict.message in panel.pages[Broker.REDIS].details.toPlainText()


def test_verdicts_follow_a_changed_workload(qtbot, make_panel: PanelFactory) -> None:
    current = {"workload": Workload(name="Before", needs_dead_lettering=True)}
    panel = make_panel(provider=lambda: current["workload"])
    panel.pages[Broker.REDIS].form.url_edit.setText("redis://127.0.0.1:1/0")
    first = probe_and_wait(qtbot, panel, Broker.REDIS, timeout_ms=7_000)
    current["workload"] = Workload(name="After", cache_or_sessions=True, retention_hours=24)
    with qtbot.waitSignal(panel.results_changed, timeout=1_000) as blocker:
        panel.refresh_verdicts()
    again = blocker.args[0][0]
    assert again.checks == first.checks and again.verdicts != first.verdicts
    titles = [i.text(0) for i in items(panel.pages[Broker.REDIS].tree)]
    assert "Verdicts for “After”" in titles and "Verdicts for “Before”" not in titles
    with qtbot.assertNotEmitted(panel.results_changed):
        panel.refresh_verdicts()  # nothing changed


def test_invalid_url_is_shown_inline_and_nothing_starts(qtbot, make_panel: PanelFactory) -> None:
    panel = make_panel()
    panel.show()
    form = panel.pages[Broker.REDIS].form
    form.url_edit.setText("redis://127.0.0.1:notaport/0")
    qtbot.mouseClick(panel.pages[Broker.REDIS].probe_button, Qt.MouseButton.LeftButton)
    error = form.errors["url"]
    assert error.isVisible()
    assert "'notaport' is not a number" in error.text()
    assert "Traceback" not in error.text()
    assert form.url_edit.accessibleDescription() == error.text()
    assert not panel.is_running()
    assert panel.results() == []

    qtbot.mouseClick(panel.probe_all_button, Qt.MouseButton.LeftButton)
    assert not panel.is_running()
    assert "Fix the Redis address" in panel.status.text()

    form.url_edit.setText("amqp://127.0.0.1:5672/")
    assert not panel.probe([Broker.REDIS])
    assert "RabbitMQ address" in error.text()

    form.url_edit.setText("redis://127.0.0.1:1/0")
    form.url_edit.editingFinished.emit()  # re-checked on leaving the field
    assert not error.isVisible()


def test_probe_all_needs_an_address(qtbot, make_panel: PanelFactory) -> None:
    panel = make_panel()
    assert not panel.probe()
    assert not panel.is_running()
    assert "at least one" in panel.status.text()


def test_cancel_stops_a_probe_of_a_silent_listener_promptly(
    qtbot, make_panel: PanelFactory, silent_listener: int
) -> None:
    panel = make_panel()
    panel.budget.setValue(60.0)
    page = panel.pages[Broker.REDIS]
    page.form.url_edit.setText(f"redis://127.0.0.1:{silent_listener}/0")
    with Heartbeat() as heartbeat:
        qtbot.mouseClick(panel.probe_all_button, Qt.MouseButton.LeftButton)
        assert panel.is_running() and panel.cancel_button.isEnabled()
        # Wait until it is stuck waiting for the listener's (never coming) reply.
        qtbot.waitUntil(
            lambda: any(c.id == "redis.connect" for c in shown_checks(panel, Broker.REDIS)),
            timeout=5_000,
        )
        cancelled_at = time.monotonic()
        changed: list[object] = []
        panel.results_changed.connect(changed.append)
        with qtbot.waitSignal(page.run_finished, timeout=5_000):
            qtbot.mouseClick(panel.cancel_button, Qt.MouseButton.LeftButton)
        took = time.monotonic() - cancelled_at
    assert took < 3.0, f"cancel took {took:.2f} s"
    assert heartbeat.longest_gap_s < 0.25
    # Cancelled, not failed: nothing replaces a result, nothing turns red.
    assert changed == [] and panel.results() == []
    assert page.cancelled and "Cancelled" in page.summary.text()
    assert page.last_status is CheckStatus.SKIPPED
    assert "cancelled" in panel.overview_text(Broker.REDIS)
    qtbot.waitUntil(lambda: not panel.is_running(), timeout=2_000)
    assert not panel.cancel_button.isEnabled()
    assert page.progress.format() == "cancelled"


def test_deleting_the_panel_mid_probe_stops_the_probe_without_blocking(
    qtbot, store: QSettings, silent_listener: int
) -> None:
    panel = ProbePanel(Workload, settings=store, environ={})
    panel.budget.setValue(60.0)
    panel.pages[Broker.REDIS].form.url_edit.setText(f"redis://127.0.0.1:{silent_listener}/0")
    running_before = worker.active_workers()
    assert panel.probe()
    qtbot.waitUntil(
        lambda: any(c.id == "redis.connect" for c in shown_checks(panel, Broker.REDIS)),
        timeout=5_000,
    )
    gone: list[bool] = []
    panel.destroyed.connect(lambda: gone.append(True))
    started = time.monotonic()
    panel.deleteLater()
    qtbot.waitUntil(lambda: bool(gone), timeout=1_000)
    assert time.monotonic() - started < 0.5
    # Told to stop when the panel went: done in about the runner's cleanup time, not 60 s.
    qtbot.waitUntil(lambda: worker.active_workers() == running_before, timeout=4_000)


# -- secrets and settings -------------------------------------------------------------------
def test_secrets_are_masked_and_left_out_of_copied_text(
    qtbot, make_panel: PanelFactory, store: QSettings
) -> None:
    panel = make_panel({"REDIS_URL": f"redis://alice:{SECRET.replace('/', '%2F')}@127.0.0.1:1/0"})
    form = panel.pages[Broker.REDIS].form
    assert form.url_edit.text() == "redis://alice@127.0.0.1:1/0"
    password = form.fields["password"]
    assert password.echoMode() is QLineEdit.EchoMode.Password
    assert password.text() == SECRET

    result = probe_and_wait(qtbot, panel, Broker.REDIS, timeout_ms=7_000)
    assert SECRET not in result.model_dump_json()
    assert SECRET not in panel.pages[Broker.REDIS].summary.text()
    qtbot.mouseClick(panel.copy_button, Qt.MouseButton.LeftButton)
    copied = QGuiApplication.clipboard().text()
    assert "redis://alice:***@127.0.0.1:1/0" in copied
    assert "refused" in copied
    assert SECRET not in copied and "s3cret" not in copied

    store.sync()
    assert store.allKeys() == []  # nothing saved without being asked


def test_a_password_typed_into_the_url_moves_to_the_masked_field(
    make_panel: PanelFactory,
) -> None:
    panel = make_panel()
    form = panel.pages[Broker.RABBITMQ].form
    form.url_edit.setText("amqp://bob:hunter2@127.0.0.1:5672/%2F")
    form.url_edit.editingFinished.emit()
    assert form.url_edit.text() == "amqp://bob@127.0.0.1:5672/%2F"
    assert form.fields["password"].text() == "hunter2"
    form.fields["management"].setText("http://bob:m4nage@127.0.0.1:15672")
    form.fields["management"].editingFinished.emit()
    assert form.fields["management"].text() == "http://bob@127.0.0.1:15672"
    assert form.fields["management_password"].text() == "m4nage"
    target = form.target()
    assert target.password == "hunter2"
    assert target.management_url == "http://bob:m4nage@127.0.0.1:15672"
    assert "hunter2" not in target.display_url


def test_kafka_form_builds_a_sasl_target_and_names_what_is_missing(
    make_panel: PanelFactory,
) -> None:
    panel = make_panel()
    form = panel.pages[Broker.KAFKA].form
    form.url_edit.setText("127.0.0.1:19092,127.0.0.1:19094")
    form.fields["user"].setText("alice")
    assert form.validate() is None
    assert "needs both a username and a password" in form.errors["url"].text()
    form.fields["password"].setText(SECRET)
    assert form.mechanism is not None
    form.mechanism.setCurrentText("SCRAM-SHA-512")
    target = form.validate()
    assert target is not None
    assert (target.username, target.password, target.sasl_mechanism) == (
        "alice",
        SECRET,
        "SCRAM-SHA-512",
    )
    assert len(target.endpoints) == 2
    assert SECRET not in target.display_url


def test_settings_are_saved_only_when_asked_and_passwords_only_on_top(
    qtbot, make_panel: PanelFactory, store: QSettings, tmp_path: Path
) -> None:
    panel = make_panel({"REDIS_URL": f"redis://:{SECRET.replace('/', '%2F')}@127.0.0.1:16379/0"})
    ini = tmp_path / "probe.ini"
    assert not panel.remember_passwords.isEnabled()

    panel.remember.setChecked(True)
    store.sync()
    saved = ini.read_text()
    assert "127.0.0.1:16379" in saved
    assert "s3cret" not in saved and SECRET not in saved
    assert panel.remember_passwords.isEnabled()

    # A new panel (no environment) gets the address back, but not the password.
    again = make_panel()
    assert again.pages[Broker.REDIS].form.url_edit.text() == "redis://127.0.0.1:16379/0"
    assert again.pages[Broker.REDIS].form.fields["password"].text() == ""
    assert again.remember.isChecked() and not again.remember_passwords.isChecked()

    panel.remember_passwords.setChecked(True)
    store.sync()
    assert store.value("probe/redis/password") == SECRET
    third = make_panel()
    assert third.pages[Broker.REDIS].form.fields["password"].text() == SECRET

    panel.remember_passwords.setChecked(False)
    store.sync()
    assert store.value("probe/redis/password") is None
    assert "s3cret" not in ini.read_text()

    panel.remember.setChecked(False)
    store.sync()
    assert [k for k in store.allKeys() if k.startswith("probe")] == []


def test_a_malformed_environment_is_reported_not_raised(make_panel: PanelFactory) -> None:
    panel = make_panel({"REDIS_URL": "redis://:pw@127.0.0.1:99999/0"})
    assert "REDIS_URL" in panel.status.text()
    assert "pw@" not in panel.status.text()


def test_one_bad_variable_does_not_discard_the_others(make_panel: PanelFactory) -> None:
    panel = make_panel(
        {"REDIS_URL": "redis://:pw@127.0.0.1:99999/0", "AMQP_URL": "amqp://u:p@127.0.0.1:5672/"}
    )
    assert panel.pages[Broker.RABBITMQ].form.fields["url"].text().startswith("amqp://")
    assert "RabbitMQ filled in from the environment." in panel.status.text()
    assert "Ignored REDIS_URL" in panel.status.text()


# -- presentation ---------------------------------------------------------------------------
def test_controls_have_accessible_names_and_take_keyboard_focus(make_panel: PanelFactory) -> None:
    panel = make_panel()
    kinds = (QAbstractButton, QLineEdit, QAbstractSpinBox, QComboBox, QTreeWidget)
    controls = [
        w
        for w in panel.findChildren(QWidget)
        if isinstance(w, kinds)
        and not isinstance(w.parent(), (QLineEdit, QTabBar, QAbstractSpinBox))
    ]
    assert len(controls) > 15
    unnamed = [w for w in controls if not w.accessibleName()]
    assert unnamed == []
    assert all(w.focusPolicy() & Qt.FocusPolicy.TabFocus for w in controls)


def test_palette_change_recolours_status_icons(qtbot, make_panel: PanelFactory) -> None:
    panel = make_panel()
    panel.pages[Broker.REDIS].form.url_edit.setText("redis://127.0.0.1:1/0")
    probe_and_wait(qtbot, panel, Broker.REDIS, timeout_ms=7_000)
    item = panel.pages[Broker.REDIS].tree.topLevelItem(1)
    assert item is not None
    light_key = item.icon(0).cacheKey()
    panel.setPalette(theme.dark_palette())
    assert item.icon(0).cacheKey() != light_key
    dark_fail = probe_panel.status_color(CheckStatus.FAIL, theme.dark_palette())
    assert dark_fail.lightnessF() > 0.5  # readable on a dark background


# -- a real broker --------------------------------------------------------------------------
@pytest.mark.integration
def test_probing_the_sandbox_redis_shows_passing_checks(
    qtbot, make_panel: PanelFactory, redis_url: str, tmp_path: Path
) -> None:
    panel = make_panel(workload=Workload(name="Cache", cache_or_sessions=True))
    panel.resize(1280, 800)
    panel.show()
    panel.pages[Broker.REDIS].form.set_url(redis_url)
    with Heartbeat() as heartbeat:
        result = probe_and_wait(qtbot, panel, Broker.REDIS, timeout_ms=20_000)
    assert heartbeat.longest_gap_s < 0.25
    statuses = {c.id: c.status for c in result.checks}
    for check_id in ("redis.connect", "redis.auth", "redis.ping_latency", "redis.info"):
        assert statuses[check_id] is CheckStatus.PASS, result.checks
    assert not [c for c in result.checks if c.status is CheckStatus.FAIL]
    assert result.summary.product or result.summary.version
    shown = shown_checks(panel, Broker.REDIS)
    assert len(shown) == len(result.checks)
    assert "PASS" in panel.pages[Broker.REDIS].summary.text() or "WARN" in (
        panel.pages[Broker.REDIS].summary.text()
    )
    shot = tmp_path / "probe-panel.png"
    assert panel.grab().save(str(shot))
    assert shot.stat().st_size > 10_000


# -- defects found in the walk-through (issue 12) -------------------------------------------------
def test_copy_says_it_copies_every_broker_and_keeps_user_names(make_panel: PanelFactory) -> None:
    from tests.advisor.report.test_report_probes import rabbitmq_result

    panel = make_panel()
    assert "all" in panel.copy_button.text().replace("&", "").lower()
    result = rabbitmq_result()  # amqp://guest:***@rabbit.internal…, as the app shows it
    text = probe_panel.results_as_text([result], secrets=["guest"])  # password == user name
    assert "amqp://guest:***@rabbit.internal:5672" in text
    text = probe_panel.results_as_text([result], secrets=["gue"])  # a part of the user name
    assert "amqp://guest:***@rabbit.internal:5672" in text


def test_access_keys_of_the_probe_panel_are_unique(make_panel: PanelFactory) -> None:
    import re

    panel = make_panel()
    keys = [
        m.group(1).lower()
        for w in panel.findChildren(QAbstractButton)
        if w.isVisibleTo(panel) or True
        for m in [re.search(r"&([^&])", w.text())]
        if m and w.parentWidget() is panel
    ]
    assert len(keys) == len(set(keys)), keys
    assert "p" not in keys  # the side tab "Probe" has P
