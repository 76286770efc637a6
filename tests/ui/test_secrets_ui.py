"""Secrets never leak from the app: a password typed into a target field, however it is typed,
reaches no label, tree, copied text, settings file, autosave or report (PDF included)."""

from __future__ import annotations

import contextlib
import html
import json
import shutil
import socket
import subprocess
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any
from urllib.parse import quote, quote_plus

import pytest
from PySide6.QtCore import QSettings, Qt
from PySide6.QtWidgets import (
    QAbstractButton,
    QLabel,
    QLineEdit,
    QTextBrowser,
    QTreeWidget,
    QTreeWidgetItem,
    QWidget,
)

from advisor import engine, report
from advisor.probe import targets
from advisor.probe.models import ProbeResult
from advisor.workload import Broker, Workload
from ui.main_window import MainWindow
from ui.probe_panel import ProbePanel

# Every piece between '@', '#', '?', '/', '%', ':', '&', ';' holds TOKEN: any part of the
# password shows, escaped (HTML, JSON, percent, Markdown) or not.
TOKEN = uuid.uuid4().hex[:12]
SECRET = "S3cr3t-" + "".join(f"{c}{TOKEN}" for c in ("", "@", "#", "?", "/", "%x", ":", "&", ";é"))
Q = quote(SECRET, safe="")
PanelFactory = Callable[[], ProbePanel]


def leaks(text: str) -> list[str]:
    texts = [text]
    with contextlib.suppress(ValueError):
        texts.append(json.dumps(json.loads(text), ensure_ascii=False))
    forms = {SECRET, Q, quote_plus(SECRET, safe=""), quote(SECRET), html.escape(SECRET), TOKEN}
    return [form for form in forms for t in texts if form.lower() in t.lower()]


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


# (tab, [(field, text typed)...]) -- each the way a user pastes it; ports are filled in per test.
TYPED: dict[str, tuple[Broker, list[tuple[str, str]]]] = {
    "redis, raw": (Broker.REDIS, [("url", "redis://:{pw}@127.0.0.1:{port}/0")]),
    "redis, no scheme": (Broker.REDIS, [("url", "alice:{pw}@127.0.0.1:{port}")]),
    "redis, scheme without ':'": (Broker.REDIS, [("url", "redis//:{pw}@127.0.0.1:{port}/0")]),
    "redis, ?password=": (Broker.REDIS, [("url", "redis://127.0.0.1:{port}/0?password={q}")]),
    "redis, ?PASSWORD= raw": (Broker.REDIS, [("url", "redis://127.0.0.1:{port}/0?PASSWORD={pw}")]),
    "redis, sentinel": (
        Broker.REDIS,
        [("url", "redis+sentinel://:{q}@127.0.0.1:{port}/mymaster?sentinel_password={q}")],
    ),
    "redis, unknown scheme": (Broker.REDIS, [("url", "redis_x://alice:{pw}@127.0.0.1:{port}")]),
    "rabbitmq, raw": (Broker.RABBITMQ, [("url", "amqp://alice:{pw}@127.0.0.1:{port}/%2F")]),
    "rabbitmq, encoded": (Broker.RABBITMQ, [("url", "amqp://alice:{q}@127.0.0.1:{port}/%2F")]),
    "rabbitmq, management raw": (
        Broker.RABBITMQ,
        [
            ("url", "amqp://alice@127.0.0.1:{port}/"),
            ("management", "http://alice:{pw}@127.0.0.1:1"),
        ],
    ),
    "kafka, SASL_PLAINTEXT": (
        Broker.KAFKA,
        [("url", "SASL_PLAINTEXT://alice:{pw}@127.0.0.1:{port}")],
    ),
    "kafka, SASL_SSL list": (
        Broker.KAFKA,
        [("url", "SASL_SSL://alice:{q}@127.0.0.1:{port},SASL_SSL://alice:{q}@127.0.0.2:{port}")],
    ),
    "kafka, query": (
        Broker.KAFKA,
        [("url", "kafka://127.0.0.1:{port}?sasl_mechanism=PLAIN&username=alice&password={pw}")],
    ),
    "kafka, no scheme": (Broker.KAFKA, [("url", "alice:{pw}@127.0.0.1:{port}")]),
}
# What cannot be probed as typed (the form names the problem); the rest is probed.
REFUSED = {"redis, no scheme", "redis, scheme without ':'", "redis, unknown scheme"}
# The Sentinels' own password has no field of its own: it stays in the URL field it was typed
# into (and is left out of the settings unless passwords are remembered).
STAYS_IN_URL_FIELD = {"redis, sentinel"}


def typed(name: str) -> tuple[Broker, list[tuple[str, str]]]:
    broker, fields = TYPED[name]
    port = _closed_port()
    return broker, [(f, text.format(pw=SECRET, q=Q, port=port)) for f, text in fields]


def shown_text(root: QWidget, *, skip_url_fields: bool = False) -> str:
    """Everything a widget tree shows or tells assistive technology, secret fields excepted."""
    parts: list[str] = []
    for widget in [root, *root.findChildren(QWidget)]:
        parts += [widget.toolTip(), widget.accessibleName(), widget.accessibleDescription()]
        if isinstance(widget, QLabel | QAbstractButton):
            parts.append(widget.text())
        elif isinstance(widget, QLineEdit):
            secret = widget.echoMode() is QLineEdit.EchoMode.Password
            if not secret and not (skip_url_fields and widget.objectName().endswith("_url")):
                parts.append(widget.text())
        elif isinstance(widget, QTextBrowser):
            parts.append(widget.toHtml())
        elif isinstance(widget, QTreeWidget):
            parts += _tree_text(widget)
    return "\n".join(parts)


def _tree_text(tree: QTreeWidget) -> list[str]:
    parts: list[str] = []
    stack: list[QTreeWidgetItem | None] = [
        tree.topLevelItem(i) for i in range(tree.topLevelItemCount())
    ]
    while stack:
        item = stack.pop()
        if item is None:
            continue
        tree.setCurrentItem(item)  # the details pane shows the current item's story
        parts += [item.text(c) for c in range(tree.columnCount())]
        parts += [item.toolTip(c) for c in range(tree.columnCount())]
        stack.extend(item.child(i) for i in range(item.childCount()))
    return parts


@pytest.fixture
def store_path(tmp_path: Path) -> Path:
    return tmp_path / "probe.ini"


@pytest.fixture
def make_panel(qtbot: Any, store_path: Path) -> Iterator[PanelFactory]:
    made: list[ProbePanel] = []

    def make() -> ProbePanel:
        store = QSettings(str(store_path), QSettings.Format.IniFormat)
        workload = Workload(name="Orders")
        panel = ProbePanel(lambda: workload, settings=store, environ={})
        qtbot.addWidget(panel)
        made.append(panel)
        return panel

    yield make
    for panel in made:
        panel.cancel()
        qtbot.waitUntil(lambda p=panel: not p.is_running(), timeout=10_000)


def _type(panel: ProbePanel, broker: Broker, field: str, text: str) -> None:
    form = panel.pages[broker].form
    panel.tabs.setCurrentWidget(panel.pages[broker])
    edit = form.fields[field]
    edit.setText(text)
    edit.editingFinished.emit()  # leaving the field moves a password to its masked field


def _probe(qtbot: Any, panel: ProbePanel, broker: Broker) -> ProbeResult | None:
    """Probe one tab: its result, or None when the form shows a problem instead."""
    if panel.pages[broker].form.validate() is None:
        assert not panel.probe([broker])
        return None
    with qtbot.waitSignal(panel.results_changed, timeout=15_000) as blocker:
        qtbot.mouseClick(panel.pages[broker].probe_button, Qt.MouseButton.LeftButton)
    return next(r for r in blocker.args[0] if r.broker is broker)


@pytest.mark.parametrize("name", sorted(TYPED))
def test_a_typed_password_is_shown_nowhere_and_saved_only_when_asked(
    qtbot: Any, make_panel: PanelFactory, store_path: Path, name: str
) -> None:
    panel = make_panel()
    panel.show()
    panel.remember.setChecked(True)
    assert not panel.remember_passwords.isChecked()
    broker, fields = typed(name)
    for field, text in fields:
        _type(panel, broker, field, text)
    form = panel.pages[broker].form
    for field, text in fields:  # moved out of the field it was typed into, whole
        if TOKEN not in text:
            continue
        secret = "management_password" if field == "management" else "password"
        assert form.fields[secret].text() == SECRET
        assert name in STAYS_IN_URL_FIELD or not leaks(form.fields[field].text())
    result = _probe(qtbot, panel, broker)
    assert (result is None) == (name in REFUSED), form.error_text()

    stays = name in STAYS_IN_URL_FIELD
    shown = shown_text(panel, skip_url_fields=stays)
    assert not leaks(shown), shown
    assert not leaks(panel.results_text())
    if result is None:  # the problem is named beside the field it is about
        error = panel.pages[broker].form.error_text()
        assert error and not leaks(error)
    else:
        assert not leaks(result.model_dump_json())
        if TOKEN in dict(fields).get("url", ""):
            assert "***" in result.target  # hidden, not dropped

    panel.cancel()
    qtbot.waitUntil(lambda: not panel.is_running(), timeout=10_000)
    saved = store_path.read_text(encoding="utf-8")
    assert "127.0.0.1" in saved  # the address is remembered...
    assert not leaks(saved)  # ...its password is not
    again = make_panel()
    assert not leaks(shown_text(again))
    password_fields = [
        e for e in again.findChildren(QLineEdit) if e.echoMode() is QLineEdit.EchoMode.Password
    ]
    assert password_fields and all(not e.text() for e in password_fields)


def test_management_problems_are_shown_beside_the_management_field(
    make_panel: PanelFactory,
) -> None:
    """Matched on TargetError.field, not on the wording of the message."""
    panel = make_panel()
    form = panel.pages[Broker.RABBITMQ].form
    form.url_edit.setText("amqp://127.0.0.1:5672/")
    form.fields["management"].setText("ftp://h")
    assert form.validate() is None
    assert "management URL must be http(s)" in form.errors["management"].text()
    assert form.errors["url"].text() == ""
    form.show_error("management url in the text, but about the URL", targets.TargetField.URL)
    assert form.errors["url"].text() and not form.errors["management"].text()


def test_the_window_keeps_no_password_in_settings_autosave_or_reports(
    window: MainWindow, qtbot: Any, tmp_path: Path
) -> None:
    """The whole app: the probe tab, its remembered settings, the autosave, every report."""
    window.start([])
    assert window.show_probe_panel()
    panel = window.probe_panel
    assert isinstance(panel, ProbePanel)
    panel.remember.setChecked(True)
    results: list[ProbeResult] = []
    for name in ("redis, no scheme", "redis, raw", "rabbitmq, raw", "kafka, SASL_PLAINTEXT"):
        broker, fields = typed(name)
        for field, text in fields:
            _type(panel, broker, field, text)
        found = _probe(qtbot, panel, broker)
        assert (found is None) == (name in REFUSED)
        if found is not None:
            results.append(found)
    assert len(results) == 3

    window.editor.field_widget("consumer_groups").setValue(7)  # type: ignore[attr-defined]
    qtbot.waitUntil(window.autosave.path.exists, timeout=5_000)
    assert not leaks(shown_text(window, skip_url_fields=False))

    workload = Workload(name="Orders")
    recommendation = engine.recommend(workload)
    for fmt in ("html", "md", "json"):
        rendered = report.render(fmt, workload, recommendation, results)
        assert isinstance(rendered, str) and not leaks(rendered), fmt
    if shutil.which("pdftotext") is not None:
        pdf = tmp_path / "report.pdf"
        report.export("pdf", workload, recommendation, pdf, results)
        text = subprocess.run(
            ["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True, timeout=60
        ).stdout
        assert "***" in text and not leaks(text)

    # Every file the app wrote while running: settings, autosave, lock files.
    written = [p for p in tmp_path.rglob("*") if p.is_file() and p.suffix != ".pdf"]
    assert window.autosave.path in written
    assert any(p.suffix == ".ini" and "127.0.0.1" in p.read_text("utf-8") for p in written)
    for path in written:
        assert not leaks(path.read_bytes().decode("utf-8", "replace")), path
    window.close()
