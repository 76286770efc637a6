"""The probe panel: connection forms, live per-check progress and workload verdicts per broker."""

from __future__ import annotations

import functools
import html
import io
import re
import sqlite3
import threading
import time
from collections.abc import Callable, Iterable, Mapping
from urllib.parse import quote

from PySide6.QtCore import (
    QCoreApplication,
    QEvent,
    QLocale,
    QSettings,
    QSize,
    Qt,
    QThreadPool,
    QTime,
    QTimer,
    Signal,
)
from PySide6.QtGui import (
    QColor,
    QFont,
    QGuiApplication,
    QIcon,
    QKeySequence,
    QPainter,
    QPalette,
    QPixmap,
    QResizeEvent,
    QShowEvent,
)
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDoubleSpinBox,
    QFormLayout,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QProgressBar,
    QPushButton,
    QSplitter,
    QStyle,
    QTabWidget,
    QTextBrowser,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from advisor import i18n, views
from advisor.probe import cli as probe_cli
from advisor.probe import runner, targets, verdicts
from advisor.probe.models import (
    CheckStatus,
    FailureClass,
    ProbeCheck,
    ProbeEvent,
    ProbeResult,
    ProbeTarget,
    Verdict,
)
from advisor.workload import Broker, Workload
from ui import bidi, preferences, probe_history, theme, worker
from ui import settings as ui_settings
from ui.translation import QT_TRANSLATE_NOOP, translate

SETTINGS_GROUP = "probe"
DEFAULT_BUDGET_S = runner.DEFAULT_BUDGET_S
MAX_BUDGET_S = preferences.MAX_BUDGET_S
STAGE_TIMEOUT_S = runner.DEFAULT_STAGE_TIMEOUT_S
_TICK_MS = 100
_WIDE_PX = 900
_PALETTE_EVENTS = (QEvent.Type.PaletteChange, QEvent.Type.ApplicationPaletteChange)
_SASL_MECHANISMS = ("PLAIN", "SCRAM-SHA-256", "SCRAM-SHA-512")
_URL_RE = re.compile(
    r"^(?P<scheme>[A-Za-z][A-Za-z0-9+._\-]*://)(?P<netloc>[^/?#]*)(?P<rest>.*)$", re.DOTALL
)
_MIN_BLANKED_SECRET = 4
_ROLE_CHECK = Qt.ItemDataRole.UserRole
_ROLE_VERDICT = Qt.ItemDataRole.UserRole + 1
_ROLE_STATUS = Qt.ItemDataRole.UserRole + 2


# -- pure helpers (no widgets) ----------------------------------------------------------------
def split_password(url: str) -> tuple[str, str]:
    """Move the password out of a URL: ('redis://u@h', 'pw'); ('url', '') if none.

    Any text the user typed: the userinfo or a ?password= parameter, with or without a scheme,
    '@', '/', '?' or '#' left unencoded in the password (see `targets.split_credentials`).
    """
    bare, _user, password = targets.split_credentials(url)
    return bare, password


def split_userinfo(url: str) -> tuple[str, str, str]:
    """Move user and password out of a URL: ('kafka://h:9092', 'user', 'pw')."""
    bare, user, password = targets.split_credentials(url, take_user=True)
    return bare, user, password


def join_password(url: str, password: str) -> str:
    """Put a password into a URL's userinfo (percent-encoded), replacing any there."""
    text = url.strip()
    match = _URL_RE.match(text)
    if not password or not match:
        return text
    userinfo, at, hosts = match["netloc"].rpartition("@")
    user = userinfo.partition(":")[0] if at else ""
    return f"{match['scheme']}{user}:{quote(password, safe='')}@{hosts}{match['rest']}"


def kafka_url(bootstrap: str, user: str, password: str, mechanism: str) -> str:
    """A kafka:// URL from a bootstrap list (or URL) and optional SASL credentials."""
    url = targets.kafka_url_from_bootstrap(bootstrap.strip())
    if not (user or password):
        return url
    match = _URL_RE.match(url)
    if not match:
        return url
    hosts = match["netloc"].rpartition("@")[2]
    rest = match["rest"]
    if "sasl_mechanism=" not in rest:
        rest += ("&" if "?" in rest else "?") + f"sasl_mechanism={mechanism}"
    return f"{match['scheme']}{targets.userinfo(user or None, password or None)}{hosts}{rest}"


def results_as_text(results: Iterable[ProbeResult], secrets: Iterable[str] = ()) -> str:
    """The CLI's table for these results, with any of the given secrets blanked for good measure.

    User names stay as the app and the reports show them: a password that is also the user
    name (guest:guest) or part of it must not blank the user out of a target URL.
    """
    shown = list(results)
    buffer = io.StringIO()
    probe_cli.render_table(shown, buffer)
    text = buffer.getvalue().lstrip("\n")
    users = {split_userinfo(r.target)[1] for r in shown} - {""}
    kept: dict[str, str] = {}
    for index, user in enumerate(sorted(users, key=len, reverse=True)):
        for written in {user, quote(user, safe="")}:
            for before, after in (("//", "@"), ("//", ":")):
                # Private-use characters: no password blanks a part of the marker.
                marker = f"\ue000{chr(0xE001 + index)}{chr(0xE001 + len(kept))}\ue000"
                if before + written + after in text:
                    text = text.replace(before + written + after, marker)
                    kept[marker] = before + written + after
    for secret in sorted({s for s in secrets if s}, key=len, reverse=True):
        text = text.replace(secret, targets.REDACTED)
        text = text.replace(quote(secret, safe=""), targets.REDACTED)
    for marker, original in kept.items():
        text = text.replace(marker, original)
    return text


def _format_ms(ms: float) -> str:
    return bidi.ltr(f"{ms / 1000:.2f} s" if ms >= 1000 else f"{ms:.1f} ms")


# Statuses, stages and failure classes as the panel names them (the values stay in the data).
_WORDS = {
    "pass": QT_TRANSLATE_NOOP("ProbePanel", "pass"),
    "warn": QT_TRANSLATE_NOOP("ProbePanel", "warn"),
    "fail": QT_TRANSLATE_NOOP("ProbePanel", "fail"),
    "skipped": QT_TRANSLATE_NOOP("ProbePanel", "skipped"),
    "resolve": QT_TRANSLATE_NOOP("ProbePanel", "resolve"),
    "connect": QT_TRANSLATE_NOOP("ProbePanel", "connect"),
    "tls": QT_TRANSLATE_NOOP("ProbePanel", "tls"),
    "handshake": QT_TRANSLATE_NOOP("ProbePanel", "handshake"),
    "authenticate": QT_TRANSLATE_NOOP("ProbePanel", "authenticate"),
    "inspect": QT_TRANSLATE_NOOP("ProbePanel", "inspect"),
    "behave": QT_TRANSLATE_NOOP("ProbePanel", "behave"),
    "dns": QT_TRANSLATE_NOOP("ProbePanel", "dns"),
    "refused": QT_TRANSLATE_NOOP("ProbePanel", "refused"),
    "timeout": QT_TRANSLATE_NOOP("ProbePanel", "timeout"),
    "auth": QT_TRANSLATE_NOOP("ProbePanel", "auth"),
    "authorisation": QT_TRANSLATE_NOOP("ProbePanel", "authorisation"),
    "wrong_protocol": QT_TRANSLATE_NOOP("ProbePanel", "wrong_protocol"),
    "configuration": QT_TRANSLATE_NOOP("ProbePanel", "configuration"),
    "cancelled": QT_TRANSLATE_NOOP("ProbePanel", "cancelled"),
    "degraded": QT_TRANSLATE_NOOP("ProbePanel", "degraded"),
    "connection_lost": QT_TRANSLATE_NOOP("ProbePanel", "connection_lost"),
    "budget_exceeded": QT_TRANSLATE_NOOP("ProbePanel", "budget_exceeded"),
    "other": QT_TRANSLATE_NOOP("ProbePanel", "other"),
}


def word(value: object) -> str:
    """A status, stage or failure class in the interface language (English: its value)."""
    text = str(getattr(value, "value", value))
    return translate("ProbePanel", _WORDS[text]) if text in _WORDS else text


def _loud(value: object) -> str:
    """A status as the panel shouts it: PASS, FAIL (upper case has no meaning in Persian)."""
    return word(value).upper()


# The requirements the probes judge (advisor/probe/*verdicts.py), as the panel names them.
_REQUIREMENTS = {
    "acknowledged_delivery": QT_TRANSLATE_NOOP("ProbePanel", "Acknowledged delivery"),
    "dead_lettering": QT_TRANSLATE_NOOP("ProbePanel", "Dead lettering"),
    "durability": QT_TRANSLATE_NOOP("ProbePanel", "Durability"),
    "exactly_once": QT_TRANSLATE_NOOP("ProbePanel", "Exactly once"),
    "latency": QT_TRANSLATE_NOOP("ProbePanel", "Latency"),
    "message_size": QT_TRANSLATE_NOOP("ProbePanel", "Message size"),
    "no_eviction": QT_TRANSLATE_NOOP("ProbePanel", "No eviction"),
    "node_failures": QT_TRANSLATE_NOOP("ProbePanel", "Node failures"),
    "ordering": QT_TRANSLATE_NOOP("ProbePanel", "Ordering"),
    "priorities": QT_TRANSLATE_NOOP("ProbePanel", "Priorities"),
    "retention": QT_TRANSLATE_NOOP("ProbePanel", "Retention"),
    "version": QT_TRANSLATE_NOOP("ProbePanel", "Version"),
    "verdicts": QT_TRANSLATE_NOOP("ProbePanel", "Verdicts"),
    "load_test": QT_TRANSLATE_NOOP("ProbePanel", "Load test"),
}


def requirement_title(requirement: str) -> str:
    """A verdict's requirement (a workload field or a probe's own) in the interface language."""
    from ui import workload_editor

    if requirement in _REQUIREMENTS:
        return translate("ProbePanel", _REQUIREMENTS[requirement])
    titles = workload_editor.field_titles()
    return titles.get(requirement) or requirement.replace("_", " ").capitalize()


def _figures_text(figures: Mapping[str, object]) -> str:
    return ", ".join(f"{k}={v}" for k, v in figures.items())


def _worst(statuses: Iterable[CheckStatus]) -> CheckStatus | None:
    """The worst status, skipped only when nothing else is there; None for no statuses."""
    found = list(statuses)
    ran = [s for s in found if s is not CheckStatus.SKIPPED]
    if ran:
        return max(ran, key=lambda s: s.severity)
    return CheckStatus.SKIPPED if found else None


def _tally(statuses: Iterable[CheckStatus]) -> str:
    found = list(statuses)
    counts = [(s, sum(1 for f in found if f is s)) for s in CheckStatus]
    return translate("ProbePanel", ", ").join(
        f"{QLocale().toString(n)} {word(s)}" for s, n in counts if n
    ) or translate("ProbePanel", "none")


def _children(item: QTreeWidgetItem) -> list[QTreeWidgetItem]:
    return [c for c in (item.child(i) for i in range(item.childCount())) if c is not None]


def plain_text(rich: str) -> str:
    """Rich text as the plain text it shows."""
    from PySide6.QtGui import QTextDocumentFragment

    return QTextDocumentFragment.fromHtml(rich).toPlainText()


def _cancel_all(events: set[threading.Event]) -> None:
    for event in list(events):
        event.set()


_POOL: QThreadPool | None = None
_ALL_CANCELS: set[threading.Event] = set()


def probe_pool() -> QThreadPool:
    """The thread pool probes run on, owned by the application.

    A probe holds a thread for up to its budget, so probes get a pool of their own rather than
    starving the global one; it is not a panel's child, because a pool's destructor waits for
    its work. Every running probe is told to stop when the application is about to quit.
    """
    global _POOL  # noqa: PLW0603 -- one pool per application, made on first use
    if _POOL is None:
        app = QCoreApplication.instance()
        _POOL = QThreadPool(app)
        _POOL.setMaxThreadCount(len(Broker) * 2)
        if app is not None:
            app.aboutToQuit.connect(_on_about_to_quit)
    return _POOL


def _on_about_to_quit() -> None:
    """Stop every probe, and drop the cached icons while there is still a QGuiApplication (a
    module-level pixmap freed after it, during interpreter teardown, is freed too late)."""
    _cancel_all(_ALL_CANCELS)
    _ICON_CACHE.clear()


# -- palette-aware status colours and icons ---------------------------------------------------
def status_color(status: CheckStatus | None, palette: QPalette | None = None) -> QColor:
    """A status colour with contrast on the current window background (light or dark)."""
    if status is CheckStatus.PASS:
        return theme.good_color(palette)
    if status is CheckStatus.WARN:
        return theme.warn_color(palette)
    if status is CheckStatus.FAIL:
        return theme.bad_color(palette)
    return theme.muted_color(palette)


_GLYPHS = {
    CheckStatus.PASS: "✓",
    CheckStatus.WARN: "!",
    CheckStatus.FAIL: "✕",
    CheckStatus.SKIPPED: "–",
    None: "…",
}
_ICON_CACHE: dict[tuple[str, str], QIcon] = {}


def status_icon(status: CheckStatus | None, palette: QPalette | None = None) -> QIcon:
    """A filled disc in the status colour with a glyph, so the status is not told by colour alone.

    `None` is the "running" icon.
    """
    color = status_color(status, palette)
    key = (str(status), color.name())
    icon = _ICON_CACHE.get(key)
    if icon is None:
        icon = QIcon()
        for size in (16, 32):
            pixmap = QPixmap(size, size)
            pixmap.fill(Qt.GlobalColor.transparent)
            painter = QPainter(pixmap)
            painter.setRenderHint(QPainter.RenderHint.Antialiasing)
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(color)
            painter.drawEllipse(1, 1, size - 2, size - 2)
            glyph_color = QColor("#ffffff") if color.lightnessF() < 0.6 else QColor("#111111")
            painter.setPen(glyph_color)
            font = QFont()
            font.setPixelSize(int(size * 0.7))
            font.setBold(True)
            painter.setFont(font)
            painter.drawText(pixmap.rect(), Qt.AlignmentFlag.AlignCenter, _GLYPHS[status])
            painter.end()
            icon.addPixmap(pixmap)
        _ICON_CACHE[key] = icon
    return icon


# -- one broker's connection form -------------------------------------------------------------
class _ConnectionForm(QWidget):
    """The fields of one broker's connection; builds its ProbeTarget or names what is wrong."""

    edited = Signal()

    def __init__(self, broker: Broker, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.broker = broker
        self.fields: dict[str, QLineEdit] = {}
        self.errors: dict[str, QLabel] = {}
        self.mechanism: QComboBox | None = None
        layout = QFormLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)
        layout.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        name = broker.title
        if broker is Broker.REDIS:
            url = self._edit(
                "url",
                self.tr("{broker} URL").format(broker=name),
                "redis://host:6379/0, rediss://…, redis+sentinel://host/master",
            )
            self._row(layout, self.tr("&URL"), url, error=True)
            self._row(
                layout,
                self.tr("Pass&word"),
                self._edit(
                    "password", self.tr("{broker} password").format(broker=name), secret=True
                ),
            )
        elif broker is Broker.RABBITMQ:
            url = self._edit(
                "url",
                self.tr("{broker} AMQP URL").format(broker=name),
                "amqp://user@host:5672/vhost",
            )
            self._row(layout, self.tr("&URL"), url, error=True)
            self._row(
                layout,
                self.tr("Pass&word"),
                self._edit(
                    "password", self.tr("{broker} password").format(broker=name), secret=True
                ),
            )
            management = self._edit(
                "management",
                self.tr("{broker} management URL").format(broker=name),
                self.tr("optional: {example}").format(example="http://user@host:15672"),
            )
            management_password = self._edit(
                "management_password",
                self.tr("{broker} management password").format(broker=name),
                self.tr("its password"),
                secret=True,
            )
            self._row(layout, self.tr("&Management"), management, management_password, error=True)
        else:
            url = self._edit(
                "url",
                self.tr("Kafka bootstrap servers"),
                self.tr("{example} or {other}").format(
                    example="host:9092,host2:9092", other="kafka+ssl://host:9093"
                ),
            )
            self._row(layout, self.tr("&Bootstrap"), url, error=True)
            self.mechanism = QComboBox()
            self.mechanism.addItems(_SASL_MECHANISMS)
            self.mechanism.setAccessibleName(self.tr("Kafka SASL mechanism"))
            self.mechanism.setToolTip(self.tr("SASL mechanism, used when a SASL user is given"))
            self.mechanism.currentIndexChanged.connect(self._on_field_edited)
            user = self._edit("user", self.tr("Kafka SASL user"))
            self._row(layout, self.tr("SASL &user"), user, self.mechanism)
            self._row(
                layout,
                self.tr("SASL pass&word"),
                self._edit("password", self.tr("Kafka SASL password"), secret=True),
            )

    def _edit(
        self, key: str, accessible: str, placeholder: str | None = None, *, secret: bool = False
    ) -> QLineEdit:
        edit = QLineEdit()
        edit.setObjectName(f"{self.broker.value}_{key}")
        edit.setAccessibleName(accessible)
        edit.setPlaceholderText(self.tr("optional") if placeholder is None else placeholder)
        if i18n.is_rtl():
            # Addresses are Latin text: typed and shown left to right in a right-to-left window.
            edit.setLayoutDirection(Qt.LayoutDirection.LeftToRight)
        edit.setClearButtonEnabled(True)
        if secret:
            edit.setEchoMode(QLineEdit.EchoMode.Password)
            edit.setToolTip(
                self.tr("Masked; never copied, and saved only if you remember passwords")
            )
        edit.editingFinished.connect(self._on_field_edited)
        self.fields[key] = edit
        return edit

    def _row(
        self,
        layout: QFormLayout,
        label_text: str,
        edit: QLineEdit,
        *beside: QWidget,
        error: bool = False,
    ) -> None:
        """A labelled row (with widgets beside the field), and room for its problem below."""
        label = QLabel(label_text)
        label.setBuddy(edit)
        field = QVBoxLayout()
        field.setSpacing(2)
        row = QHBoxLayout()
        row.addWidget(edit, 3)
        for widget in beside:
            row.addWidget(widget, 2)
        field.addLayout(row)
        if error:
            key = edit.objectName().removeprefix(f"{self.broker.value}_")
            message = QLabel()
            message.setObjectName(f"{edit.objectName()}_error")
            message.setWordWrap(True)
            message.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            message.setAccessibleName(f"{edit.accessibleName()} problem")
            message.hide()
            field.addWidget(message)
            self.errors[key] = message
        layout.addRow(label, field)

    # -- values -----------------------------------------------------------------------------
    @property
    def url_edit(self) -> QLineEdit:
        return self.fields["url"]

    def is_empty(self) -> bool:
        return not self.url_edit.text().strip()

    def secrets(self) -> list[str]:
        return [
            self.fields[k].text()
            for k in self.fields
            if self._is_secret(k)
            if self.fields[k].text()
        ]

    def _is_secret(self, key: str) -> bool:
        return self.fields[key].echoMode() is QLineEdit.EchoMode.Password

    def set_url(self, url: str) -> None:
        """Fill the form from a URL; any password in it goes to the password field."""
        if self.broker is Broker.KAFKA:
            bare, user, password = split_userinfo(url)
            self.fields["url"].setText(bare)
            if user:
                self.fields["user"].setText(user)
            if password:
                self.fields["password"].setText(password)
            return
        bare, password = split_password(url)
        self.fields["url"].setText(bare)
        if password:
            self.fields["password"].setText(password)

    def set_management_url(self, url: str) -> None:
        bare, password = split_password(url)
        self.fields["management"].setText(bare)
        if password:
            self.fields["management_password"].setText(password)

    def move_secrets_out(self) -> None:
        """A password typed or pasted into a URL field moves to its own, masked field."""
        url = self.url_edit.text()
        if self.broker is Broker.KAFKA:
            if split_userinfo(url)[0] != url.strip():
                self.set_url(url)
            return
        if split_password(url)[1]:
            self.set_url(url)
        management = self.fields.get("management")
        if management is not None and split_password(management.text())[1]:
            self.set_management_url(management.text())

    def target(self) -> ProbeTarget:
        """The target these fields describe; raises TargetError (message has no passwords)."""
        self.move_secrets_out()
        text = self.url_edit.text().strip()
        if not text:
            raise targets.TargetError(
                self.tr("enter the {field}").format(field=self.url_edit.accessibleName())
            )
        if self.broker is Broker.KAFKA:
            assert self.mechanism is not None
            url = kafka_url(
                text,
                self.fields["user"].text().strip(),
                self.fields["password"].text(),
                self.mechanism.currentText(),
            )
        else:
            url = join_password(text, self.fields["password"].text())
        management: str | None = None
        if "management" in self.fields and self.fields["management"].text().strip():
            management = join_password(
                self.fields["management"].text(), self.fields["management_password"].text()
            )
        target = targets.parse_target(url, management_url=management)
        if target.broker is not self.broker:
            raise targets.TargetError(
                self.tr(
                    "{url} is a {broker} address; use the {broker} tab, or a {this} URL here"
                ).format(
                    url=bidi.ltr(repr(target.display_url)),
                    broker=target.broker.title,
                    this=self.broker.title,
                )
            )
        return target

    def validate(self) -> ProbeTarget | None:
        """Parse the fields and show the problem next to the field; None when invalid."""
        self.show_error("")
        try:
            return self.target()
        except targets.TargetError as error:
            self.show_error(str(error), error.field)
            return None

    def show_error(
        self, message: str, field: targets.TargetField = targets.TargetField.URL
    ) -> None:
        """Show a problem under the field it is about (the URL's, or the management URL's)."""
        key = (
            "management"
            if field is targets.TargetField.MANAGEMENT_URL and "management" in self.errors
            else "url"
        )
        message = self._without_own_secrets(targets.redact_text(message))
        for name, label in self.errors.items():
            text = message if name == key else ""
            label.setText(text)
            label.setVisible(bool(text))
            self.fields[name].setAccessibleDescription(text)
        self.restyle()

    def error_text(self) -> str:
        return " ".join(label.text() for label in self.errors.values() if label.text())

    def _without_own_secrets(self, text: str) -> str:
        """Text with this form's passwords blanked (as typed and percent-encoded).

        Only for good measure, after redaction; a very short password would blank ordinary words.
        """
        own = {s for s in self.secrets() if len(s) >= _MIN_BLANKED_SECRET}
        for secret in sorted(own, key=len, reverse=True):
            text = text.replace(secret, targets.REDACTED)
            text = text.replace(quote(secret, safe=""), targets.REDACTED)
        return text

    def restyle(self) -> None:
        color = theme.bad_color(self.palette()).name()
        for label in self.errors.values():
            label.setStyleSheet(f"color: {color};")

    # -- settings ---------------------------------------------------------------------------
    def save(self, store: QSettings, *, passwords: bool) -> None:
        """Keep the fields; without `passwords`, no password field and no password in a URL."""
        for key, edit in self.fields.items():
            name = f"{self.broker.value}/{key}"
            if self._is_secret(key) and not passwords:
                store.remove(name)
            elif not passwords:
                # A password the form could not move out (a Sentinel's, a broken URL) stays out.
                store.setValue(name, targets.without_secrets(edit.text()))
            else:
                store.setValue(name, edit.text())
        if self.mechanism is not None:
            store.setValue(f"{self.broker.value}/mechanism", self.mechanism.currentText())

    def load(self, store: QSettings) -> None:
        for key, edit in self.fields.items():
            value = store.value(f"{self.broker.value}/{key}")
            if isinstance(value, str) and value:
                edit.setText(value)
        if self.mechanism is not None:
            value = store.value(f"{self.broker.value}/mechanism")
            if isinstance(value, str) and value in _SASL_MECHANISMS:
                self.mechanism.setCurrentText(value)

    def _on_field_edited(self) -> None:
        self.move_secrets_out()
        if self.error_text() or self.is_empty():
            # Re-check a field that showed a problem; say nothing new while a field is blank.
            if self.is_empty():
                self.show_error("")
            else:
                self.validate()
        self.edited.emit()


# -- one broker's page: form, run, results ----------------------------------------------------
class _BrokerPage(QWidget):
    """A broker's form, its Probe button, and the live tree of checks and verdicts."""

    run_started = Signal()
    run_finished = Signal()
    result_arrived = Signal(ProbeResult)

    def __init__(
        self,
        broker: Broker,
        pool: QThreadPool,
        cancels: set[threading.Event],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.broker = broker
        self.result: ProbeResult | None = None
        self._pool = pool
        self._cancels = cancels
        self._cancel: threading.Event | None = None
        self._worker: worker.Worker | None = None
        self._started = 0.0
        self._budget_s = DEFAULT_BUDGET_S
        self._workload_name = ""
        self._last_status: CheckStatus | None = None
        self._previous: ProbeResult | None = None  # shown again when a run is cancelled
        self._previous_workload = ""
        self.cancelled = False  # the last run was cancelled (its partial result is not kept)
        self.change_text = ""  # what changed since the previous run of the same target

        self.form = _ConnectionForm(broker)
        self.probe_button = QPushButton(self.tr("Probe {broker}").format(broker=broker.title))
        self.probe_button.setAccessibleName(self.tr("Probe {broker}").format(broker=broker.title))
        self.probe_button.setToolTip(
            self.tr("Probe only the {broker} connection").format(broker=broker.title)
        )
        self.progress = QProgressBar()
        self.progress.setAccessibleName(
            self.tr("{broker} probe progress").format(broker=broker.title)
        )
        self.progress.setRange(0, 1000)
        self.progress.setValue(0)
        self.progress.setTextVisible(True)
        self.progress.setFormat(self.tr("idle"))
        self.summary = QLabel(self.tr("Not probed yet."))
        self.summary.setObjectName(f"{broker.value}_summary")
        self.summary.setWordWrap(True)
        self.summary.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.summary.setAccessibleName(
            self.tr("{broker} probe summary").format(broker=broker.title)
        )

        self.tree = QTreeWidget()
        self.tree.setObjectName(f"{broker.value}_checks")
        self.tree.setAccessibleName(
            self.tr("{broker} checks and verdicts").format(broker=broker.title)
        )
        self.tree.setColumnCount(4)
        self.tree.setHeaderLabels(
            [self.tr("Check"), self.tr("Stage"), self.tr("Time"), self.tr("Figures")]
        )
        self.tree.setUniformRowHeights(True)
        self.tree.setAlternatingRowColors(True)
        self.tree.setIconSize(QSize(16, 16))
        header = self.tree.header()
        header.setStretchLastSection(True)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Interactive)
        header.resizeSection(0, 250)
        self._wide: bool | None = None  # set by the first resizeEvent
        for column in (1, 2):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        self.tree.currentItemChanged.connect(self._on_current_item_changed)

        self.details = QTextBrowser()
        self.details.setObjectName(f"{broker.value}_details")
        self.details.setAccessibleName(
            self.tr("{broker} check details").format(broker=broker.title)
        )
        self.details.setOpenLinks(False)
        self.details.setPlaceholderText(
            self.tr("Select a check to see what happened and what to do.")
        )

        self.splitter = splitter = QSplitter(Qt.Orientation.Vertical)
        splitter.setObjectName(f"{broker.value}_splitter")
        splitter.setChildrenCollapsible(False)
        splitter.addWidget(self.tree)
        splitter.addWidget(self.details)
        splitter.setStretchFactor(0, 2)
        splitter.setStretchFactor(1, 1)

        run_row = QHBoxLayout()
        run_row.addWidget(self.probe_button)
        run_row.addWidget(self.progress, 1)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.addWidget(self.form)
        layout.addLayout(run_row)
        layout.addWidget(self.summary)
        layout.addWidget(splitter, 1)

    def resizeEvent(self, event: QResizeEvent) -> None:
        # In a side tab the details go below the checks; given the room, beside them.
        width = event.size().width()
        wide = width >= _WIDE_PX
        orientation = Qt.Orientation.Horizontal if wide else Qt.Orientation.Vertical
        if self.splitter.orientation() is not orientation:
            self.splitter.setOrientation(orientation)
        # The check names get a share of the width that leaves room for the other columns (on a
        # narrow pane a fixed 250 px pushed them behind a scroll bar). Set when the layout
        # changes, and narrowed when the pane gets too narrow; otherwise the user's width stays.
        column = 300 if wide else max(120, min(250, int(width * 0.4)))
        if self._wide is not wide or (not wide and column < self.tree.header().sectionSize(0)):
            self.tree.header().resizeSection(0, column)
        self._wide = wide
        super().resizeEvent(event)

    # -- running ----------------------------------------------------------------------------
    @property
    def is_running(self) -> bool:
        return self._worker is not None

    def start(self, target: ProbeTarget, budget_s: float, workload: Workload | None) -> None:
        """Run the probe on the pool; events and the result come back as signals."""
        self._cancel = threading.Event()
        self._cancels.add(self._cancel)
        _ALL_CANCELS.add(self._cancel)
        self._budget_s = budget_s
        self._previous, self._previous_workload = self.result, self._workload_name
        self.cancelled = False
        self._workload_name = workload.name if workload is not None else ""
        self._started = time.monotonic()
        self.tree.clear()
        self.details.clear()
        self._last_status = None
        self.summary.setText(
            self.tr("Probing {url}…").format(url=bidi.html_ltr(target.display_url))
        )
        probe = worker.Worker(
            runner.run_probe,
            target,
            budget_s=budget_s,
            stage_timeout_s=min(STAGE_TIMEOUT_S, budget_s),
            cancel=self._cancel,
            workload=workload,
        )
        probe.signals.progress.connect(self._on_probe_event)
        probe.signals.returned.connect(self._on_probe_returned)
        probe.signals.errored.connect(self._on_probe_errored)
        probe.signals.finished.connect(self._on_probe_finished)
        self._worker = probe
        self.probe_button.setEnabled(False)
        self.tick()
        self.run_started.emit()
        probe.start(self._pool)

    def cancel(self) -> None:
        """Ask the running probe to stop; its result (marked cancelled) still arrives."""
        if self._cancel is not None and not self._cancel.is_set():
            self._cancel.set()
            self.progress.setFormat(self.tr("cancelling…"))

    def tick(self) -> None:
        """Move the progress bar along the budget while a probe runs."""
        if not self.is_running:
            return
        elapsed = time.monotonic() - self._started
        self.progress.setValue(min(1000, int(1000 * elapsed / self._budget_s)))
        if self._cancel is None or not self._cancel.is_set():
            locale = QLocale()
            self.progress.setFormat(
                self.tr("{elapsed} s of {budget} s").format(
                    elapsed=locale.toString(elapsed, "f", 1),
                    budget=locale.toString(self._budget_s, "g", 6),
                )
            )

    # -- rendering --------------------------------------------------------------------------
    def _add_check(self, check: ProbeCheck) -> QTreeWidgetItem:
        item = QTreeWidgetItem(
            [
                check.title,
                word(check.stage),
                _format_ms(check.duration_ms),
                _figures_text(check.figures),
            ]
        )
        item.setData(0, _ROLE_CHECK, check)
        cause = f", {word(check.failure_class)}" if check.failure_class else ""
        item.setToolTip(0, f"{check.title}\n{word(check.status)}{cause} — {bidi.ltr(check.id)}")
        if check.figures:
            item.setToolTip(3, "\n".join(f"{k} = {v}" for k, v in check.figures.items()))
        self._paint_status(item, check.status)
        self.tree.addTopLevelItem(item)
        return item

    def _add_verdicts(self, judged: list[Verdict], workload_name: str) -> None:
        group = QTreeWidgetItem(
            [self.tr("Verdicts for {name}").format(name=bidi.quoted(workload_name)), "", "", ""]
        )
        font = group.font(0)
        font.setBold(True)
        group.setFont(0, font)
        for verdict in judged:
            child = QTreeWidgetItem(
                [
                    requirement_title(verdict.requirement),
                    self.tr("verdict"),
                    "",
                    verdict.message,
                ]
            )
            child.setData(0, _ROLE_VERDICT, verdict)
            child.setToolTip(0, f"{word(verdict.status)} — {bidi.ltr(verdict.requirement)}")
            child.setToolTip(3, verdict.message)
            self._paint_status(child, verdict.status)
            group.addChild(child)
        if not judged:
            group.addChild(
                QTreeWidgetItem([self.tr("No requirement of the workload applies"), "", "", ""])
            )
        self._paint_status(group, _worst(v.status for v in judged))
        self.tree.addTopLevelItem(group)
        group.setExpanded(True)

    def _paint_status(self, item: QTreeWidgetItem, status: CheckStatus | None) -> None:
        """Icon (colour and glyph) in the first column; skipped rows greyed; status spoken."""
        palette = self.palette()
        item.setData(0, _ROLE_STATUS, status.value if status is not None else "")
        item.setIcon(0, status_icon(status, palette) if status is not None else QIcon())
        muted = status is CheckStatus.SKIPPED
        for column in range(self.tree.columnCount()):
            if muted:
                item.setForeground(column, theme.muted_color(palette))
            else:
                item.setData(column, Qt.ItemDataRole.ForegroundRole, None)
        if status is not None:
            item.setData(0, Qt.ItemDataRole.AccessibleTextRole, f"{word(status)}: {item.text(0)}")

    def restyle(self) -> None:
        """Recolour after a palette change (light <-> dark)."""
        self.form.restyle()
        stack = self._top_items()
        while stack:
            item = stack.pop()
            stack.extend(c for c in (item.child(i) for i in range(item.childCount())) if c)
            value = item.data(0, _ROLE_STATUS)  # a StrEnum comes back from Qt as a str
            self._paint_status(item, CheckStatus(value) if value else None)
        self._on_current_item_changed(self.tree.currentItem(), None)

    def changeEvent(self, event: QEvent) -> None:
        if event.type() in _PALETTE_EVENTS:
            self.restyle()
        super().changeEvent(event)

    def fit_names(self) -> None:
        """Widen the check column to its longest name (up to 60 % of the tree), so names read
        whole without resizing; longer ones keep their full text in the tooltip."""
        viewport = max(self.tree.viewport().width(), 200)
        header = self.tree.header()
        wanted = self.tree.sizeHintForColumn(0) + self.tree.indentation() + 8
        width = max(header.sectionSize(0), min(wanted, int(viewport * 0.6)))
        if width != header.sectionSize(0):
            header.resizeSection(0, width)

    def _render_result(self, result: ProbeResult, workload_name: str) -> None:
        shown = [item.data(0, _ROLE_CHECK) for item in self._top_items()]
        if [getattr(c, "id", None) for c in shown] != [c.id for c in result.checks]:
            # Events and the result travel in order, so this only happens if progress was lost.
            self.tree.clear()
            for check in result.checks:
                self._add_check(check)
        if result.verdicts is not None:
            self._add_verdicts(result.verdicts, workload_name)
        self.summary.setText(self._summary_text(result))
        self._last_status = result.status
        self.fit_names()
        if self.tree.currentItem() is None:
            self._select_worst()

    def rejudge(self, workload: Workload) -> bool:
        """Judge the last result against this workload again; True when the verdicts changed."""
        if self.result is None or self.is_running:
            return False
        try:
            found = verdicts.judge(self.result, workload)
        except Exception as error:  # a verdict bug must not lose the shown result
            found = [
                Verdict(
                    requirement="verdicts",
                    status=CheckStatus.WARN,
                    message=self.tr("could not judge the workload: {error}").format(
                        error=runner.describe(error)
                    ),
                )
            ]
        if found == self.result.verdicts and workload.name == self._workload_name:
            return False
        self.result = self.result.model_copy(update={"verdicts": found})
        self._workload_name = workload.name
        selected = self._row_key(self.tree.currentItem())
        for item in self._top_items():
            if item.data(0, _ROLE_CHECK) is None:
                self.tree.takeTopLevelItem(self.tree.indexOfTopLevelItem(item))
        self._render_result(self.result, workload.name)
        # The details follow the selected row: the same check or verdict, judged again.
        again = self._find_row(selected) if selected else None
        if again is not None:
            self.tree.setCurrentItem(again)
        self._on_current_item_changed(self.tree.currentItem(), None)
        return True

    @staticmethod
    def _row_key(item: QTreeWidgetItem | None) -> str:
        if item is None:
            return ""
        check = item.data(0, _ROLE_CHECK)
        if isinstance(check, ProbeCheck):
            return f"check:{check.id}"
        verdict = item.data(0, _ROLE_VERDICT)
        if isinstance(verdict, Verdict):
            return f"verdict:{verdict.requirement}"
        return ""

    def _find_row(self, key: str) -> QTreeWidgetItem | None:
        for top in self._top_items():
            for item in (top, *_children(top)):
                if self._row_key(item) == key:
                    return item
        return None

    def _select_worst(self) -> None:
        """Select the first failure (else warning), so its details and hint show at once."""
        rows = [item for top in self._top_items() for item in (top, *_children(top))]
        for wanted in (CheckStatus.FAIL, CheckStatus.WARN):
            for item in rows:
                if item.data(0, _ROLE_STATUS) == wanted.value and item.childCount() == 0:
                    self.tree.setCurrentItem(item)
                    self.tree.scrollToItem(item)
                    return

    def _top_items(self) -> list[QTreeWidgetItem]:
        items = (self.tree.topLevelItem(i) for i in range(self.tree.topLevelItemCount()))
        return [item for item in items if item is not None]

    def _summary_text(self, result: ProbeResult) -> str:
        color = status_color(result.status, self.palette()).name()
        tally = self.tr("checks: {tally}").format(tally=_tally(c.status for c in result.checks))
        if result.verdicts:
            tally += self.tr("; verdicts: {tally}").format(
                tally=_tally(v.status for v in result.verdicts)
            )
        head = (
            f"<b style='color:{color}'>{_loud(result.status)}</b> "
            + html.escape(
                self.tr("{target} in {time} (budget {budget})").format(
                    target=bidi.ltr(result.target),
                    time=_format_ms(result.duration_ms),
                    budget=bidi.ltr(f"{result.budget_ms / 1000:g} s"),
                )
            )
            + f"<br>{html.escape(tally)}"
        )
        facts_text = html.escape(views.probe_headline(result))
        return head + (f"<br>{facts_text}" if facts_text else "")

    def _detail_html(self, item: QTreeWidgetItem | None) -> str:
        if item is None:
            return ""
        palette = self.palette()
        check = item.data(0, _ROLE_CHECK)
        verdict = item.data(0, _ROLE_VERDICT)
        if isinstance(check, ProbeCheck):
            color = status_color(check.status, palette).name()
            cause = f" — {word(check.failure_class)}" if check.failure_class else ""
            stage = html.escape(self.tr("stage {stage}").format(stage=word(check.stage)))
            parts = [
                f"<p><b>{html.escape(check.title)}</b> "
                f"<span style='color:{color}'><b>{_loud(check.status)}{cause}</b></span>"
                f"<br>{bidi.ltr(f'<code>{html.escape(check.id)}</code>')} · {stage} · "
                f"{_format_ms(check.duration_ms)}</p>"
            ]
            if check.skipped_reason:
                skipped = self.tr("Skipped: {reason}").format(reason=check.skipped_reason)
                parts.append(f"<p>{html.escape(skipped)}</p>")
            if check.details:
                parts.append(f"<p>{html.escape(check.details)}</p>")
            if check.hint:
                hint = html.escape(self.tr("Hint:"))
                parts.append(f"<p><b>{hint}</b> {html.escape(check.hint)}</p>")
            if check.figures:
                rows = "".join(
                    f"<tr><td>{bidi.html_ltr(k)}</td><td>&nbsp;{bidi.html_ltr(v)}</td></tr>"
                    for k, v in check.figures.items()
                )
                parts.append(f"<table>{rows}</table>")
            return "".join(parts)
        if isinstance(verdict, Verdict):
            color = status_color(verdict.status, palette).name()
            parts = [
                f"<p><b>{html.escape(requirement_title(verdict.requirement))}"
                f"</b> <span style='color:{color}'><b>{_loud(verdict.status)}"
                f"</b></span></p>",
                f"<p>{html.escape(verdict.message)}</p>",
            ]
            if verdict.advice:
                advice = html.escape(self.tr("Advice:"))
                parts.append(f"<p><b>{advice}</b> {html.escape(verdict.advice)}</p>")
            if verdict.evidence:
                evidence = bidi.ltr(f"<code>{html.escape(verdict.evidence)}</code>")
                parts.append(
                    "<p>"
                    + html.escape(self.tr("Evidence: check {id}")).format(id=evidence)
                    + "</p>"
                )
            return "".join(parts)
        return ""

    # -- slots ------------------------------------------------------------------------------
    def _on_probe_event(self, event: ProbeEvent) -> None:
        if event.kind == "check" and event.check is not None:
            self._add_check(event.check)
            self.fit_names()
            self.tree.scrollToBottom()
        self.tick()

    def _on_probe_returned(self, result: ProbeResult) -> None:
        if self._was_cancelled(result):
            self._show_cancelled(result)
            return
        self.result = result
        self._render_result(result, self._workload_name)
        self.result_arrived.emit(result)

    def _was_cancelled(self, result: ProbeResult) -> bool:
        asked = self._cancel is not None and self._cancel.is_set()
        return asked or any(c.failure_class is FailureClass.CANCELLED for c in result.checks)

    def _show_cancelled(self, partial: ProbeResult) -> None:
        """A cancelled run says so and keeps the result it would have replaced."""
        self.cancelled = True
        previous = self._previous
        if previous is not None:
            self.result = previous
            self._workload_name = self._previous_workload
            self.tree.clear()
            self.details.clear()
            self._render_result(previous, self._previous_workload)
            started = QLocale().toString(
                QTime(
                    previous.started_at.hour,
                    previous.started_at.minute,
                    previous.started_at.second,
                ),
                "HH:mm:ss",
            )
            self.summary.setText(
                html.escape(
                    self.tr("Cancelled after {time}; the previous result ({started}) is kept.")
                ).format(time=_format_ms(partial.duration_ms), started=started)
                + "<br>"
                + self._summary_text(previous)
            )
            return
        # Nothing to keep: the checks that ran stay on show, marked cancelled, not failed.
        self.result = None
        self._last_status = CheckStatus.SKIPPED
        ran = [c for c in partial.checks if c.failure_class is not FailureClass.CANCELLED]
        self.summary.setText(
            html.escape(
                self.tr("Cancelled after {time}: 1 check ran; nothing is kept.")
                if len(ran) == 1
                else self.tr("Cancelled after {time}: {count} checks ran; nothing is kept.")
            ).format(time=_format_ms(partial.duration_ms), count=QLocale().toString(len(ran)))
        )

    def _on_probe_errored(self, error: Exception) -> None:
        # Never a traceback: the runner turns broker errors into checks, so this is a bug.
        self.summary.setText(
            html.escape(
                self.tr("The probe stopped unexpectedly: {error}").format(
                    error=runner.describe(error)
                )
            )
        )
        self._last_status = CheckStatus.FAIL

    def _on_probe_finished(self) -> None:
        if self._cancel is not None:
            self._cancels.discard(self._cancel)
            _ALL_CANCELS.discard(self._cancel)
        cancelled = self._cancel is not None and self._cancel.is_set()
        self._worker = None
        self._cancel = None
        self.probe_button.setEnabled(True)
        self.progress.setValue(1000 if not cancelled else self.progress.value())
        self.progress.setFormat(
            self.tr("cancelled") if cancelled or self.cancelled else self.tr("done")
        )
        self.run_finished.emit()

    def _on_current_item_changed(
        self, current: QTreeWidgetItem | None, _previous: QTreeWidgetItem | None
    ) -> None:
        self.details.setHtml(self._detail_html(current))
        bidi.orient(self.details.document())

    @property
    def last_status(self) -> CheckStatus | None:
        return self._last_status

    @property
    def workload_name(self) -> str:
        """The workload the shown verdicts were judged against."""
        return self._workload_name


# -- the panel --------------------------------------------------------------------------------
class ProbePanel(QWidget):
    """Probe live brokers: a form and a live tree of checks per broker, verdicts for a workload.

    Probes run through `ui.worker.Worker` on `probe_pool()` (a probe holds a thread for up to
    its budget; three at once must not starve the app's other workers).
    `results()` gives the latest finished result per broker; `results_changed` says when it
    changed. Nothing is saved unless "Remember connection details" is ticked, and passwords only
    when "Remember passwords" is ticked too.
    """

    results_changed = Signal(list)  # list[ProbeResult], the latest of each broker

    def __init__(
        self,
        workload_provider: Callable[[], Workload],
        parent: QWidget | None = None,
        *,
        settings: QSettings | None = None,
        environ: Mapping[str, str] | None = None,
        history: probe_history.ProbeHistory | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("probePanel")
        self.history = history if history is not None else probe_history.ProbeHistory()
        self._workload_provider = workload_provider
        self._settings = settings
        self._loading = True
        self._cancels: set[threading.Event] = set()
        # Threads cannot be killed: whatever runs when the panel goes away is told to stop.
        self.destroyed.connect(functools.partial(_cancel_all, self._cancels))
        self._pool = probe_pool()

        self.budget = QDoubleSpinBox()
        self.budget.setAccessibleName(self.tr("Probe timeout in seconds"))
        self.budget.setToolTip(self.tr("Whole-probe budget per broker; each probe ends within it"))
        self.budget.setRange(1.0, MAX_BUDGET_S)
        self.budget.setDecimals(1)
        self.budget.setSingleStep(1.0)
        self.budget.setSuffix(" " + self.tr("s", "seconds"))
        self.budget.setValue(DEFAULT_BUDGET_S)
        budget_label = QLabel(self.tr("&Timeout"))
        budget_label.setBuddy(self.budget)
        self.probe_all_button = QPushButton(self.tr("Probe &all"))
        self.probe_all_button.setAccessibleName(self.tr("Probe all brokers"))
        self.probe_all_button.setToolTip(self.tr("Probe every broker whose address is filled in"))
        self.cancel_button = QPushButton(self.tr("&Cancel"))
        self.cancel_button.setAccessibleName(self.tr("Cancel probes"))
        self.cancel_button.setToolTip(self.tr("Stop all running probes (Esc)"))
        self.cancel_button.setShortcut(QKeySequence(Qt.Key.Key_Escape))
        self.cancel_button.setEnabled(False)
        # All three brokers' results go to the clipboard, and the label says so.
        self.copy_button = QPushButton(self.tr("Cop&y all results"))
        self.copy_button.setAccessibleName(self.tr("Copy every broker's results as text"))
        self.copy_button.setToolTip(
            self.tr(
                "Copy the results of every probed broker to the clipboard as text "
                "(never a password)"
            )
        )
        self.copy_button.setEnabled(False)

        top = QHBoxLayout()
        top.addWidget(budget_label)
        top.addWidget(self.budget)
        top.addStretch(1)
        top.addWidget(self.probe_all_button)
        top.addWidget(self.cancel_button)

        self.tabs = QTabWidget()
        self.tabs.setObjectName("probeTabs")
        self.tabs.setAccessibleName(self.tr("Brokers to probe"))
        self.tabs.setDocumentMode(True)
        self.pages: dict[Broker, _BrokerPage] = {}
        for broker in Broker:
            page = _BrokerPage(broker, self._pool, self._cancels)
            page.probe_button.clicked.connect(functools.partial(self._on_probe_one, broker))
            page.form.edited.connect(self._on_form_edited)
            page.form.url_edit.returnPressed.connect(functools.partial(self._on_probe_one, broker))
            page.run_started.connect(self._on_run_state_changed)
            page.run_finished.connect(self._on_run_state_changed)
            page.result_arrived.connect(self._on_result_arrived)
            self.pages[broker] = page
            self.tabs.addTab(page, broker.title)

        self.remember = QCheckBox(self.tr("&Remember connection details"))
        self.remember.setAccessibleName(self.tr("Remember connection details"))
        self.remember.setToolTip(self.tr("Save the addresses (not the passwords) for next time"))
        self.remember_passwords = QCheckBox(self.tr("Remember passwor&ds"))
        self.remember_passwords.setAccessibleName(self.tr("Remember passwords"))
        self.remember_passwords.setToolTip(
            self.tr("Also save passwords, in plain text, in the settings")
        )
        self.remember_passwords.setEnabled(False)
        self.status = QLabel()
        self.status.setObjectName("probeStatus")
        self.status.setWordWrap(True)
        self.status.setAccessibleName(self.tr("Probe status"))

        # The options stacked (passwords under, and dependent on, connection details), so the
        # panel stays narrow enough to sit beside the editor on a 1024 px screen.
        options = QVBoxLayout()
        options.setSpacing(2)
        options.addWidget(self.remember)
        passwords_row = QHBoxLayout()
        passwords_row.addSpacing(
            self.remember.style().pixelMetric(QStyle.PixelMetric.PM_IndicatorWidth)
        )
        passwords_row.addWidget(self.remember_passwords)
        passwords_row.addStretch(1)
        options.addLayout(passwords_row)
        bottom = QHBoxLayout()
        bottom.addLayout(options, 1)
        bottom.addWidget(self.copy_button, 0, Qt.AlignmentFlag.AlignBottom)

        # One line per broker: its latest verdict on the workload, and what changed since the
        # previous run of the same address; a click shows that broker's tab.
        self.overview = QWidget()
        self.overview.setObjectName("probeOverview")
        self.overview.setAccessibleName(self.tr("Verdicts of the three brokers"))
        grid = QGridLayout(self.overview)
        grid.setContentsMargins(0, 0, 0, 0)
        grid.setHorizontalSpacing(6)
        grid.setVerticalSpacing(2)
        grid.setColumnStretch(1, 1)
        self.overview_icons: dict[Broker, QLabel] = {}
        self.overview_lines: dict[Broker, QLabel] = {}
        for row, broker in enumerate(Broker):
            icon = QLabel()
            icon.setFixedSize(16, 16)
            line = QLabel()
            line.setObjectName(f"{broker.value}_overview")
            line.setWordWrap(True)
            line.setTextFormat(Qt.TextFormat.RichText)
            line.setAccessibleName(self.tr("{broker} verdict").format(broker=broker.title))
            line.linkActivated.connect(functools.partial(self._on_overview_link, broker))
            grid.addWidget(icon, row, 0, Qt.AlignmentFlag.AlignTop)
            grid.addWidget(line, row, 1)
            self.overview_icons[broker] = icon
            self.overview_lines[broker] = line

        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addLayout(top)
        layout.addWidget(self.overview)
        layout.addWidget(self.tabs, 1)
        layout.addLayout(bottom)
        layout.addWidget(self.status)

        self._ticker = QTimer(self)
        self._ticker.setInterval(_TICK_MS)
        self._ticker.timeout.connect(self._on_tick)
        self.probe_all_button.clicked.connect(self._on_probe_all)
        self.cancel_button.clicked.connect(self.cancel)
        self.copy_button.clicked.connect(self.copy_as_text)
        self.remember.toggled.connect(self._on_remember_toggled)
        self.remember_passwords.toggled.connect(self._on_remember_toggled)
        self.budget.valueChanged.connect(self._on_form_edited)

        self._prefill(environ)
        self._loading = False
        self.restyle()

    # -- public -----------------------------------------------------------------------------
    def results(self) -> list[ProbeResult]:
        """The latest finished result of each broker (a re-probe replaces it when it ends)."""
        return [page.result for page in self.pages.values() if page.result is not None]

    def is_running(self) -> bool:
        return any(page.is_running for page in self.pages.values())

    def probe(self, brokers: Iterable[Broker] | None = None) -> bool:
        """Probe the given brokers (default: every one filled in); False if none could start.

        Every chosen form is checked first: one bad address shows its problem and starts
        nothing, so "Probe all" never probes only half of what was asked.
        """
        chosen = [b for b in (brokers or Broker) if not self.pages[b].is_running]
        if brokers is None:
            chosen = [b for b in chosen if not self.pages[b].form.is_empty()]
            if not chosen:
                self.status.setText(self.tr("Fill in at least one broker address to probe."))
                return False
        found: dict[Broker, ProbeTarget] = {}
        for broker in chosen:
            target = self.pages[broker].form.validate()
            if target is not None:
                found[broker] = target
        bad = [b for b in chosen if b not in found]
        if bad:
            self.tabs.setCurrentWidget(self.pages[bad[0]])
            self.pages[bad[0]].form.url_edit.setFocus()
            self.status.setText(
                self.tr("Fix the {brokers} address first.").format(
                    brokers=self.tr(", ").join(b.title for b in bad)
                )
            )
            return False
        workload = self._workload()
        self._save_settings()
        for broker, target in found.items():
            page = self.pages[broker]
            page.start(target, self.budget.value(), workload)
        self.status.setText(
            self.tr("Probing {brokers}…").format(brokers=self.tr(", ").join(b.title for b in found))
        )
        return bool(found)

    def cancel(self) -> None:
        """Stop every running probe; each still reports what it found, marked cancelled."""
        for page in self.pages.values():
            page.cancel()
        if self.is_running():
            self.status.setText(self.tr("Cancelling…"))

    def results_text(self) -> str:
        """The results as plain text without credentials (what "Copy all results" copies)."""
        secrets = [s for page in self.pages.values() for s in page.form.secrets()]
        return results_as_text(self.results(), secrets)

    def copy_as_text(self) -> None:
        QGuiApplication.clipboard().setText(self.results_text())
        self.status.setText(self.tr("Results copied to the clipboard (passwords left out)."))

    def refresh_verdicts(self) -> None:
        """Judge the shown results against the current workload again (it may have changed)."""
        workload = self._workload()
        if workload is None:
            return
        changed = [page.rejudge(workload) for page in self.pages.values()]
        if any(changed):
            self._update_tabs()
            self.results_changed.emit(self.results())

    def restyle(self) -> None:
        for page in self.pages.values():
            page.restyle()
        self._update_tabs()

    def overview_text(self, broker: Broker) -> str:
        """The overview's line for a broker, as plain text (for tests and screen readers)."""
        return plain_text(self.overview_lines[broker].text())

    def _update_overview(self) -> None:
        palette = self.palette()
        for broker, page in self.pages.items():
            icon = self.overview_icons[broker]
            line = self.overview_lines[broker]
            result = page.result
            link = f"<a href='show'>{html.escape(broker.title)}</a>"
            if page.is_running:
                icon.setPixmap(status_icon(None, palette).pixmap(16, 16))
                probing = html.escape(self.tr("probing…"))
                line.setText(f"{bidi.mark()}{link}: {probing}")
                continue
            if result is None:
                icon.clear()
                note = (
                    self.tr("cancelled; not probed before")
                    if page.cancelled
                    else self.tr("not probed")
                )
                line.setText(f"{bidi.mark()}{link}: {html.escape(note)}")
                continue
            icon.setPixmap(status_icon(result.status, palette).pixmap(16, 16))
            colour = status_color(result.status, palette).name()
            verdicts = result.verdicts or []
            # Lower case inside an English sentence ("not: durability"); Persian has no case.
            against = [
                requirement_title(v.requirement).lower()
                if not i18n.is_rtl()
                else requirement_title(v.requirement)
                for v in verdicts
                if v.status in (CheckStatus.FAIL, CheckStatus.WARN)
            ]
            if verdicts:
                locale = QLocale()
                said = self.tr("{met} of {total} needs met").format(
                    met=locale.toString(len(verdicts) - len(against)),
                    total=locale.toString(len(verdicts)),
                ) + (
                    self.tr("; not: {needs}").format(needs=self.tr(", ").join(against))
                    if against
                    else ""
                )
            else:
                said = self.tr("checks: {tally}").format(
                    tally=_tally(c.status for c in result.checks)
                )
            extra = (
                html.escape(self.tr(" (cancelled: the previous result is kept)"))
                if page.cancelled
                else ""
            )
            change = f"<br><i>{html.escape(page.change_text)}</i>" if page.change_text else ""
            line.setText(
                f"{bidi.mark()}{link}: <b style='color:{colour}'>{_loud(result.status)}</b> "
                f"{html.escape(said)}{extra}{change}"
            )

    def apply_preferences(self, chosen: preferences.Preferences) -> None:
        """New Preferences: the default budget, and whether connection details are kept."""
        if not self.is_running():
            self.budget.setValue(chosen.probe_budget_s)
        self.remember.setChecked(chosen.remember_connections)
        self.remember_passwords.setChecked(chosen.remember_passwords)

    # -- Qt overrides -----------------------------------------------------------------------
    def showEvent(self, event: QShowEvent) -> None:
        # The workload may have been edited while the panel was hidden.
        self.refresh_verdicts()
        super().showEvent(event)

    def changeEvent(self, event: QEvent) -> None:
        # Children get the new palette after this widget; each page recolours in its own event.
        if event.type() in _PALETTE_EVENTS:
            self._update_tabs()
        super().changeEvent(event)

    # -- helpers ----------------------------------------------------------------------------
    def _store(self) -> QSettings:
        if self._settings is not None:
            return self._settings
        return QSettings(
            QSettings.defaultFormat(),
            QSettings.Scope.UserScope,
            ui_settings.ORGANISATION,
            ui_settings.APPLICATION,
        )

    def _prefill(self, environ: Mapping[str, str] | None) -> None:
        """Remembered details first (the user chose them), else the environment; the budget
        from Preferences."""
        store = self._store()
        self.budget.setValue(preferences.load(store).probe_budget_s)
        store.beginGroup(SETTINGS_GROUP)
        try:
            remembered = store.value("remember", False, type=bool)
            if remembered:
                self.remember.setChecked(True)
                self.remember_passwords.setChecked(
                    bool(store.value("remember_passwords", False, type=bool))
                )
                for page in self.pages.values():
                    page.form.load(store)
        finally:
            store.endGroup()
        bad: list[targets.EnvTargetError] = []
        found = targets.targets_from_env(environ, errors=bad)
        for target in found:
            form = self.pages[target.broker].form
            if not form.is_empty():
                continue
            form.set_url(target.url)
            if target.management_url:
                form.set_management_url(target.management_url)
        said = []
        if found:
            names = self.tr(", ").join(t.broker.title for t in found)
            said.append(self.tr("{brokers} filled in from the environment.").format(brokers=names))
        said += [self.tr("Ignored {error}").format(error=error) for error in bad]
        if said:
            self.status.setText(bidi.paragraph(" ".join(said)))

    def _save_settings(self) -> None:
        if self._loading:
            return
        store = self._store()
        store.beginGroup(SETTINGS_GROUP)
        try:
            if not self.remember.isChecked():
                store.remove("")  # the whole group: nothing is kept unless asked for
                return
            passwords = self.remember_passwords.isChecked()
            store.setValue("remember", True)
            store.setValue("remember_passwords", passwords)
            for page in self.pages.values():
                page.form.save(store, passwords=passwords)
        finally:
            store.endGroup()
            store.sync()

    def _workload(self) -> Workload | None:
        try:
            return self._workload_provider()
        except Exception as error:  # the probe still runs, just without verdicts
            self.status.setText(
                self.tr("No verdicts: the workload is not available ({error}).").format(error=error)
            )
            return None

    def _update_tabs(self) -> None:
        self._update_overview()
        palette = self.palette()
        for index, page in enumerate(self.pages.values()):
            if page.is_running:
                icon = status_icon(None, palette)
            elif page.last_status is not None:
                icon = status_icon(page.last_status, palette)
            else:
                icon = QIcon()
            self.tabs.setTabIcon(index, icon)
            state = (
                self.tr("running")
                if page.is_running
                else (word(page.last_status) if page.last_status else self.tr("not probed"))
            )
            self.tabs.setTabToolTip(index, f"{page.broker.title}: {state}")

    # -- slots ------------------------------------------------------------------------------
    def _on_probe_all(self) -> None:
        self.probe()

    def _on_probe_one(self, broker: Broker) -> None:
        self.probe([broker])

    def _on_run_state_changed(self) -> None:
        running = self.is_running()
        self.cancel_button.setEnabled(running)
        self.probe_all_button.setEnabled(not all(p.is_running for p in self.pages.values()))
        if running and not self._ticker.isActive():
            self._ticker.start()
        elif not running:
            self._ticker.stop()
            busy = (self.tr("Probing {brokers}…").split("{")[0], self.tr("Cancelling…"))
            if self.status.text().startswith(busy):
                self.status.setText(self.tr("Finished."))
        self._update_tabs()

    def _on_result_arrived(self, result: ProbeResult) -> None:
        self.copy_button.setEnabled(True)
        page = self.pages[result.broker]
        page.change_text = self._remember_run(result, page)
        self._update_tabs()
        self.results_changed.emit(self.results())

    def _remember_run(self, result: ProbeResult, page: _BrokerPage) -> str:
        """Keep the run in the history; what changed since the previous run of its target."""
        try:
            run = self.history.record(
                result, workload=page.workload_name, secrets=page.form.secrets()
            )
            change = self.history.change(run)
        except (OSError, sqlite3.Error) as error:  # the probe's result matters more
            return self.tr("Not kept in the history: {error}").format(error=error)
        return self.tr("First run of this address.") if change is None else change.text()

    def _on_overview_link(self, broker: Broker, _link: str) -> None:
        self.tabs.setCurrentWidget(self.pages[broker])

    def _on_tick(self) -> None:
        for page in self.pages.values():
            page.tick()

    def _on_form_edited(self) -> None:
        if self.remember.isChecked():
            self._save_settings()

    def _on_remember_toggled(self, _checked: bool) -> None:
        self.remember_passwords.setEnabled(self.remember.isChecked())
        self._save_settings()
