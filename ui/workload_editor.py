"""The workload being edited (a document model) and its form, generated from the Workload schema."""

from __future__ import annotations

import html
import re
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import ValidationError
from PySide6.QtCore import QEvent, QObject, QSize, Qt, Signal
from PySide6.QtGui import QKeyEvent, QKeySequence, QPalette, QUndoCommand, QUndoStack
from PySide6.QtWidgets import (
    QAbstractSpinBox,
    QCheckBox,
    QComboBox,
    QDoubleSpinBox,
    QFormLayout,
    QGridLayout,
    QGroupBox,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QScrollArea,
    QSizePolicy,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from advisor import i18n
from advisor import workload as wl
from ui import bidi, theme
from ui.keys import REDO_KEYS, UNDO_KEYS
from ui.translation import QT_TRANSLATE_NOOP, translate

# The form's sections, in order; a field the model gains later lands in "Other" automatically.
GROUPS: list[tuple[str, list[str]]] = [
    (QT_TRANSLATE_NOOP("WorkloadEditor", "Workload"), ["name", "notes"]),
    (
        QT_TRANSLATE_NOOP("WorkloadEditor", "Volume"),
        [
            "avg_rate_msg_per_s",
            "peak_rate_msg_per_s",
            "avg_message_size_bytes",
            "max_message_size_bytes",
        ],
    ),
    (
        QT_TRANSLATE_NOOP("WorkloadEditor", "Retention & ordering"),
        ["retention_hours", "retention_max_messages", "channels", "replay", "ordering"],
    ),
    (
        QT_TRANSLATE_NOOP("WorkloadEditor", "Delivery"),
        ["delivery", "p99_latency_ms", "crash_may_lose_messages"],
    ),
    (
        QT_TRANSLATE_NOOP("WorkloadEditor", "Consumers & routing"),
        ["consumption", "consumer_groups", "routing", "backpressure"],
    ),
    (
        QT_TRANSLATE_NOOP("WorkloadEditor", "Workers & connections"),
        ["workers", "max_task_duration_s", "connections", "short_lived_connections"],
    ),
    (
        QT_TRANSLATE_NOOP("WorkloadEditor", "Features"),
        [
            "needs_priorities",
            "needs_delayed_delivery",
            "needs_message_ttl",
            "needs_dead_lettering",
            "needs_transactions",
            "cache_or_sessions",
            "stream_processing",
            "inspect_pending",
        ],
    ),
    (
        QT_TRANSLATE_NOOP("WorkloadEditor", "Devices & browsers"),
        ["mqtt_devices", "browser_delivery"],
    ),
    (
        QT_TRANSLATE_NOOP("WorkloadEditor", "Availability"),
        ["tolerated_node_failures", "multi_region", "network_partitions"],
    ),
    (
        QT_TRANSLATE_NOOP("WorkloadEditor", "Stack"),
        ["languages", "task_framework", "uses_django", "uses_celery"],
    ),
    (
        QT_TRANSLATE_NOOP("WorkloadEditor", "Organisation"),
        [
            "already_running",
            "team_familiar_with",
            "organisation_standard",
            "leaving",
            "leaving_because",
        ],
    ),
    (
        QT_TRANSLATE_NOOP("WorkloadEditor", "Operations"),
        ["hosting", "ops_capacity", "customer_installed"],
    ),
    (QT_TRANSLATE_NOOP("WorkloadEditor", "Versions"), ["versions"]),
]

# Enum values whose generated label would read badly.
_LABELS = {
    "self_hosted": "Self-hosted",
    "per_key": "Per key",
    "fan_out": "Fan-out (pub/sub)",
    "request_reply": "Request / reply",
    "by_headers": "By headers",
    "by_pattern": "By pattern",
    "competing_workers": "Competing workers",
    "consumer_groups": "Consumer groups",
    "javascript": "JavaScript / Node",
    "dotnet": ".NET",
    "php": "PHP",
    "rq": "RQ",
    "bullmq": "BullMQ",
    "redis": "Redis",
    "rabbitmq": "RabbitMQ",
    "kafka": "Kafka",
    "outages_under_load": "Outages",
    "connection_churn": "Conn. churn",
    "scaling_ceiling": "Scale limit",
    "poor_observability": "Observability",
    "operational_burden": "Ops burden",
    "message_loss": "Lost messages",
    "memory_pressure": "Memory",
    "missing_features": "Features",
    "network_partitions": "Partitions",
}
# Words the form shows for values; their Persian is in assets/i18n/fa/workload.yaml.
NOT_STATED = "Not stated"
NONE, YES, NO = "None", "Yes", "No"
_DECIMALS = {"msg/s": 1, "h": 2, "ms": 1}
_SPINBOX_MAX = 2**31 - 1


def field_titles() -> dict[str, str]:
    """Each field's title in the interface language."""
    return {name: i18n.tr(info.title or name) for name, info in wl.Workload.model_fields.items()}


def default_values() -> dict[str, Any]:
    """The values of a new workload, as plain JSON-like data."""
    return wl.Workload().model_dump(mode="json")


@dataclass
class Validation:
    """The outcome of validating the typed values: a workload, or problems by field."""

    workload: wl.Workload | None
    problems: dict[str, list[str]] = field(default_factory=dict)  # "" holds general problems


def validate(values: dict[str, Any], stated: set[str] | None = None) -> Validation:
    """Validate values; cross-field problems are filed under the first field they name.

    Only the `stated` fields (all when None) are given to the model, so a field a file left out
    stays "not stated" in the app as it is on the command line.
    """
    given = values if stated is None else {k: v for k, v in values.items() if k in stated}
    try:
        return Validation(wl.Workload.model_validate(given))
    except ValidationError as error:
        titles = field_titles()
        problems: dict[str, list[str]] = {}
        for loc, message, _item in wl.field_problems(error):
            target = loc.split(".")[0]
            problems.setdefault(target, []).append(_humanise(message, titles))
        return Validation(None, problems)


def _humanise(message: str, titles: dict[str, str]) -> str:
    """Field names become titles and numbers get separators: 'Peak rate (200,000) is below…'."""
    for name in sorted(titles, key=len, reverse=True):
        message = re.sub(rf"\b{re.escape(name)}\b", titles[name], message)
    message = re.sub(
        r"\((\d+(?:\.\d+)?(?:e[+-]?\d+)?)\)",
        lambda m: f"({_format_number(float(m.group(1)))})",
        message,
    )
    return message[:1].upper() + message[1:]


def _format_number(value: float) -> str:
    return f"{value:,.0f}" if value.is_integer() else f"{value:,}"


@dataclass(frozen=True)
class DocumentState:
    """Everything an undoable replacement changes: values, what they state, file and saved copy."""

    values: dict[str, Any]
    stated: frozenset[str]
    path: Path | None
    saved: dict[str, Any]


class _Keep:
    """The marker for "keep what is there" where None is a value."""


KEEP = _Keep()

# Edits of one field closer together than this are one undo step (typing "12000" is one change).
MERGE_WINDOW_S = 1.5
_FIELD_EDIT_ID = 1


class _SetValue(QUndoCommand):
    """One field set to a value; consecutive edits of the same field merge into one step."""

    def __init__(
        self, document: WorkloadDocument, name: str, old: Any, new: Any, was_stated: bool
    ) -> None:
        super().__init__(
            translate("WorkloadEditor", "Change {field}").format(
                field=field_titles().get(name, name)
            )
        )
        self._document = document
        self._name = name
        self._old = old
        self._new = new
        self._was_stated = was_stated
        self._at = time.monotonic()

    def id(self) -> int:
        return _FIELD_EDIT_ID

    def mergeWith(self, other: QUndoCommand) -> bool:
        if not isinstance(other, _SetValue) or other._name != self._name:
            return False
        if other._at - self._at > MERGE_WINDOW_S:
            return False
        self._new = other._new
        self._at = other._at
        # Typed back to where it was: the step is dropped rather than undone to no effect.
        self.setObsolete(self._new == self._old and self._was_stated)
        return True

    def redo(self) -> None:
        self._document._apply_value(self._name, self._new, stated=True)

    def undo(self) -> None:
        self._document._apply_value(self._name, self._old, stated=self._was_stated)


class _Replace(QUndoCommand):
    """Every value replaced at once (a preset loaded, a what-if applied)."""

    def __init__(
        self, document: WorkloadDocument, text: str, before: DocumentState, after: DocumentState
    ) -> None:
        super().__init__(text)
        self._document = document
        self._before = before
        self._after = after

    def redo(self) -> None:
        self._document._apply_state(self._after)

    def undo(self) -> None:
        self._document._apply_state(self._before)


class WorkloadDocument(QObject):
    """The workload being edited: values as typed, where it lives, and whether it is saved.

    Every change the user makes goes through an undo stack (`undo_stack`): a field edit, a
    preset loaded, a what-if applied. Opening a file or starting a new one is a new document:
    the stack starts empty.
    """

    values_changed = Signal()  # values replaced (load, new, restore, preset, undo of those)
    value_changed = Signal(str)  # one field changed (by the user, or by undo and redo)
    validated = Signal(Validation)  # after every change
    workload_changed = Signal(wl.Workload)  # a new valid one
    modified_changed = Signal(bool)
    path_changed = Signal(object)  # Path | None (a signal type cannot say 'or None')

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._values: dict[str, Any] = default_values()
        # A new workload states nothing: the form shows the defaults, marked assumed.
        self._stated: set[str] = set()
        self._saved: dict[str, Any] = dict(self._values)
        self._path: Path | None = None
        self._validation = validate(self._values, self._stated)
        self._last_valid = self._validation.workload or wl.Workload()
        self._undo_stack = QUndoStack(self)

    @property
    def undo_stack(self) -> QUndoStack:
        return self._undo_stack

    def use_undo_stack(self, stack: QUndoStack) -> None:
        """Push to this stack from now on (each scenario variant keeps its own history)."""
        self._undo_stack = stack

    @property
    def values(self) -> dict[str, Any]:
        return dict(self._values)

    @property
    def path(self) -> Path | None:
        return self._path

    @property
    def workload(self) -> wl.Workload | None:
        """The current workload, or None while the values are invalid."""
        return self._validation.workload

    @property
    def last_valid_workload(self) -> wl.Workload:
        """The most recent valid workload (the defaults if there never was one)."""
        return self._last_valid

    @property
    def validation(self) -> Validation:
        return self._validation

    @property
    def is_modified(self) -> bool:
        return self._values != self._saved

    @property
    def display_name(self) -> str:
        """The workload's name, wherever it came from (the file name is no name)."""
        return str(self._values.get("name") or "").strip() or translate(
            "WorkloadEditor", "Untitled"
        )

    def state(self) -> DocumentState:
        return DocumentState(
            dict(self._values), frozenset(self._stated), self._path, dict(self._saved)
        )

    def set_value(self, name: str, value: Any) -> None:
        """The user changed a field: one undoable step (merged with more typing into it)."""
        if self._values.get(name) == value:
            return
        self._undo_stack.push(
            _SetValue(self, name, self._values.get(name), value, name in self._stated)
        )

    def replace(
        self,
        values: dict[str, Any],
        text: str,
        *,
        stated: set[str] | None = None,
        path: Path | _Keep | None = KEEP,
        saved: bool = False,
    ) -> None:
        """Replace every value as one undoable step (a preset, a what-if), named by text.

        The file stays unless `path` is given (a preset has none); saved=True makes the new
        values the saved state (a preset opens unmodified).
        """
        merged = default_values()
        merged.update(values)
        after = DocumentState(
            merged,
            frozenset(merged if stated is None else stated),
            self._path if isinstance(path, _Keep) else path,
            dict(merged) if saved else dict(self._saved),
        )
        self._undo_stack.push(_Replace(self, text, self.state(), after))

    def load(
        self,
        values: dict[str, Any],
        path: Path | None = None,
        *,
        modified: bool = False,
        stated: set[str] | None = None,
    ) -> None:
        """Start a new document (new, open, restore); modified=True keeps it unsaved.

        `stated` names the fields the source stated (a file's keys); the others show their
        defaults in the form but stay "not stated" until edited. None: every field is stated.
        The undo history starts again: there is nothing before a document was opened.
        """
        merged = default_values()
        merged.update(values)
        self._undo_stack.clear()
        self._apply_state(
            DocumentState(
                merged,
                frozenset(merged if stated is None else stated),
                path,
                {} if modified else dict(merged),
            )
        )

    def mark_saved(self, path: Path) -> None:
        self._saved = dict(self._values)
        if path != self._path:
            self._path = path
            self.path_changed.emit(path)
        self.modified_changed.emit(False)

    # -- applied by the undo commands ------------------------------------------------------
    def _apply_value(self, name: str, value: Any, *, stated: bool) -> None:
        was_modified = self.is_modified
        self._values[name] = value
        if stated:
            self._stated.add(name)
        else:
            self._stated.discard(name)
        self.value_changed.emit(name)
        self._revalidate()
        if self.is_modified != was_modified:
            self.modified_changed.emit(self.is_modified)

    def _apply_state(self, state: DocumentState) -> None:
        self._values = dict(state.values)
        self._stated = set(state.stated)
        self._saved = dict(state.saved)
        if state.path != self._path:
            self._path = state.path
            self.path_changed.emit(state.path)
        self.values_changed.emit()
        self._revalidate()
        self.modified_changed.emit(self.is_modified)

    @property
    def stated(self) -> set[str]:
        """The fields the workload states (a file's keys plus every field edited since)."""
        return set(self._stated)

    def _revalidate(self) -> None:
        self._validation = validate(self._values, self._stated)
        self.validated.emit(self._validation)
        if self._validation.workload is not None:
            self._last_valid = self._validation.workload
            self.workload_changed.emit(self._validation.workload)


class _NoWheelUnlessFocused(QObject):
    """Scrolling the form must not change a spin box or combo the pointer passes over; and
    Undo and Redo pressed in a field undo the workload's last change, not the field's typing
    (one history for the form: the field's own would leave the document out of step)."""

    def eventFilter(self, obj: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Wheel and isinstance(obj, QWidget) and not obj.hasFocus():
            event.ignore()
            return True
        if event.type() == QEvent.Type.ShortcutOverride and is_undo_key(event):
            event.ignore()  # not taken by the field: the window's Undo or Redo action runs
            return True
        return False


def is_undo_key(event: QEvent) -> bool:
    """Whether a key event is Undo or Redo (the explicit keys, or the platform's)."""
    if not isinstance(event, QKeyEvent):
        return False
    if event.matches(QKeySequence.StandardKey.Undo) or event.matches(QKeySequence.StandardKey.Redo):
        return True
    pressed = QKeySequence(event.keyCombination())
    return any(
        pressed.matches(QKeySequence(key)) == QKeySequence.SequenceMatch.ExactMatch
        for key in (*UNDO_KEYS, *REDO_KEYS)
    )


@dataclass
class _Field:
    name: str
    widget: QWidget
    get: Callable[[], Any]
    set: Callable[[Any], None]
    error: QLabel
    inputs: list[QWidget]
    form: QFormLayout | None = None
    label: QLabel | None = None
    title: str = ""
    assumed: bool | None = None  # as last shown


class WorkloadEditor(QScrollArea):
    """A form over a WorkloadDocument: edits go to the document, problems come back inline."""

    def __init__(self, document: WorkloadDocument, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.document = document
        self.setObjectName("workloadEditor")
        self.setWidgetResizable(True)
        self.setFrameShape(QScrollArea.Shape.NoFrame)
        self.setAccessibleName(self.tr("Workload editor"))
        self._wheel_guard = _NoWheelUnlessFocused(self)
        self._fields: dict[str, _Field] = {}
        self._updating = False

        body = QWidget()
        body.setObjectName("workloadEditorBody")
        layout = QVBoxLayout(body)
        self._general_error = self._make_error_label()
        layout.addWidget(self._general_error)
        schema = wl.Workload.model_json_schema()
        for title, names in self._groups():
            layout.addWidget(self._build_group(title, names, schema))
        layout.addStretch(1)
        self.setWidget(body)

        document.values_changed.connect(self._on_values_changed)
        document.value_changed.connect(self._on_value_changed)
        document.validated.connect(self._on_validated)
        self._on_values_changed()
        self._on_validated(document.validation)

    # -- assumed values ----------------------------------------------------------------------
    def assumed_fields(self) -> list[str]:
        """The fields shown as assumed (their value is the default, not stated)."""
        return [name for name, made in self._fields.items() if made.assumed]

    def _mark_assumed(self, name: str) -> None:
        """A field the workload does not state shows its default in italics, marked assumed."""
        made = self._fields[name]
        assumed = name not in self.document.stated
        if made.assumed is assumed:
            return
        made.assumed = assumed
        for widget in made.inputs:
            font = widget.font()
            font.setItalic(assumed)
            widget.setFont(font)
        note = self.tr("(assumed: not stated, the default is used)") if assumed else ""
        suffix = " " + self.tr("(assumed)")
        for widget in made.inputs:
            widget.setAccessibleName(
                f"{widget.accessibleName().removesuffix(suffix)}{suffix if assumed else ''}"
            )
        # The note is added to the tooltip, and taken off by its first words.
        note_start = self.tr("(assumed: not stated, the default is used)")[:8]
        if made.label is not None:
            muted = theme.muted_color(made.label.palette()).name()
            mark = html.escape(self.tr("assumed"))
            made.label.setText(
                f"{html.escape(made.title)}: <span style='color:{muted}'><i>{mark}</i></span>"
                if assumed
                else f"{html.escape(made.title)}:"
            )
            made.label.setToolTip(
                made.label.toolTip().split("\n\n" + note_start)[0]
                + (f"\n\n{note}" if assumed else "")
            )
        elif isinstance(made.widget, QCheckBox):
            # No longer text (the form must keep its width): italic, in the muted colour.
            palette = made.widget.palette()
            if assumed:
                palette.setColor(QPalette.ColorRole.WindowText, theme.muted_color(palette))
            else:
                parent = made.widget.parentWidget()
                source = parent.palette() if parent is not None else palette
                palette.setColor(
                    QPalette.ColorRole.WindowText, source.color(QPalette.ColorRole.WindowText)
                )
            made.widget.setPalette(palette)
            made.widget.setToolTip(
                made.widget.toolTip().split("\n\n" + note_start)[0]
                + (f"\n\n{note}" if assumed else "")
            )

    def minimumSizeHint(self) -> QSize:
        # A scroll area would shrink to almost nothing; the form's own minimum width (labels
        # wrap above their fields first) plus the scroll bar keeps every field whole, so the
        # panes beside it cannot squeeze the editor into a horizontal scroll bar.
        hint = super().minimumSizeHint()
        body = self.widget()
        if body is None:
            return hint
        width = (
            body.minimumSizeHint().width()
            + self.verticalScrollBar().sizeHint().width()
            + 2 * self.frameWidth()
        )
        return QSize(max(hint.width(), width), hint.height())

    # -- public ---------------------------------------------------------------------------
    def field_widget(self, name: str) -> QWidget:
        """The input widget of a field (for focus, tests and accessibility)."""
        return self._fields[name].inputs[0]

    def error_text(self, name: str) -> str:
        label = self._fields[name].error if name else self._general_error
        return label.text()

    # -- building -------------------------------------------------------------------------
    @staticmethod
    def _groups() -> list[tuple[str, list[str]]]:
        placed = {name for _, names in GROUPS for name in names}
        other = [name for name in wl.Workload.model_fields if name not in placed]
        return GROUPS + ([(QT_TRANSLATE_NOOP("WorkloadEditor", "Other"), other)] if other else [])

    def _build_group(self, title: str, names: list[str], schema: dict[str, Any]) -> QGroupBox:
        title = translate("WorkloadEditor", title)
        box = QGroupBox(title.replace("&", "&&"))  # "&" would become a mnemonic
        box.setAccessibleName(title)
        form = QFormLayout(box)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)
        for name in names:
            spec = _localised(_resolve(schema["properties"][name], schema))
            made = self._build_field(name, spec)
            tip = self._tooltip(spec)
            for widget in made.inputs:
                widget.setToolTip(tip)
                widget.installEventFilter(self._wheel_guard)
            made.title = str(spec.get("title", name))
            if isinstance(made.widget, QCheckBox):
                form.addRow("", made.widget)
            else:
                label = QLabel(f"{made.title}:")
                label.setBuddy(made.inputs[0])
                label.setToolTip(tip)
                made.label = label
                form.addRow(label, made.widget)
            # The message gets a row of its own, the form's full width, shown only when needed.
            form.addRow(made.error)
            form.setRowVisible(made.error, False)
            made.form = form
            self._fields[name] = made
        return box

    @staticmethod
    def _tooltip(spec: dict[str, Any]) -> str:
        tip = spec.get("description", "")
        low = spec.get("minimum", spec.get("exclusiveMinimum"))
        high = spec.get("maximum")
        if low is not None and high is not None:
            unit = spec.get("unit", "")
            tip += "\n" + translate("WorkloadEditor", "Range: {range}").format(
                range=bidi.ltr(range_text(low, high, unit))
            )
        return str(tip)

    def _make_error_label(self) -> QLabel:
        label = QLabel()
        label.setObjectName("fieldError")
        label.setWordWrap(True)
        label.setTextFormat(Qt.TextFormat.PlainText)
        label.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Minimum)
        label.hide()
        self._color_error(label)
        return label

    @staticmethod
    def _color_error(label: QLabel) -> None:
        palette = label.palette()
        palette.setColor(QPalette.ColorRole.WindowText, theme.bad_color(palette))
        label.setPalette(palette)

    def _build_field(self, name: str, spec: dict[str, Any]) -> _Field:
        title = spec.get("title", name)
        error = self._make_error_label()
        kind = spec.get("type")
        if spec.get("optional") and kind == "boolean":
            return self._build_enum(name, title, {**spec, "enum": [True, False]}, error)
        if "enum" in spec:
            return self._build_enum(name, title, spec, error)
        if kind == "boolean":
            box = QCheckBox(title)
            box.setAccessibleName(title)
            box.toggled.connect(lambda checked, n=name: self._on_edited(n, bool(checked)))
            return _Field(name, box, box.isChecked, lambda v: box.setChecked(bool(v)), error, [box])
        if kind in ("number", "integer"):
            return self._build_number(name, title, spec, error)
        if kind == "array":
            return self._build_choices(name, title, spec, error)
        if name == "versions":
            return self._build_versions(title, error)
        if name == "notes":
            notes = QPlainTextEdit()
            notes.setAccessibleName(title)
            notes.setTabChangesFocus(True)
            notes.setPlaceholderText(self.tr("What the system does, who consumes it…"))
            notes.setFixedHeight(notes.fontMetrics().lineSpacing() * 4 + 12)
            notes.textChanged.connect(lambda: self._on_edited(name, notes.toPlainText()))
            return _Field(
                name,
                notes,
                notes.toPlainText,
                lambda v: _set_plain_text(notes, str(v or "")),
                error,
                [notes],
            )
        line = QLineEdit()
        line.setAccessibleName(title)
        if "maxLength" in spec:
            line.setMaxLength(int(spec["maxLength"]))
        line.textChanged.connect(lambda text: self._on_edited(name, text))
        return _Field(
            name, line, line.text, lambda v: _set_line_text(line, str(v or "")), error, [line]
        )

    def _build_versions(self, title: str, error: QLabel) -> _Field:
        """One line per broker; an empty line means the current release (the placeholder)."""
        from advisor import versions

        holder = QWidget()
        holder.setAccessibleName(title)
        form = QFormLayout(holder)
        form.setContentsMargins(0, 0, 0, 0)
        lines: dict[wl.Broker, QLineEdit] = {}
        for broker in wl.Broker:
            line = QLineEdit()
            line.setAccessibleName(self.tr("{broker} version").format(broker=broker.title))
            line.setMaxLength(versions.MAX_TEXT)
            try:
                current = self.tr("current release: {version}").format(
                    version=versions.current(broker)
                )
            except versions.VersionTableError:
                current = self.tr("current release")
            line.setPlaceholderText(current)
            line.textChanged.connect(lambda _text: self._on_edited("versions", get()))
            form.addRow(f"{broker.title}:", line)
            lines[broker] = line

        def get() -> dict[str, str]:
            return {b.value: t for b, line in lines.items() if (t := line.text().strip())}

        def set_value(value: Any) -> None:
            stated = value if isinstance(value, dict) else {}
            for broker, line in lines.items():
                text = stated.get(broker.value) or stated.get(broker) or ""
                _set_line_text(line, str(text))

        return _Field("versions", holder, get, set_value, error, list(lines.values()))

    def _build_enum(self, name: str, title: str, spec: dict[str, Any], error: QLabel) -> _Field:
        combo = QComboBox()
        combo.setAccessibleName(title)
        values: list[Any] = [None, *spec["enum"]] if spec.get("optional") else list(spec["enum"])
        for value in values:
            combo.addItem(_label(value), value)
        combo.currentIndexChanged.connect(lambda _i: self._on_edited(name, combo.currentData()))

        def set_value(value: Any) -> None:
            index = next((i for i, v in enumerate(values) if v == value), 0)
            combo.setCurrentIndex(index)

        return _Field(name, combo, combo.currentData, set_value, error, [combo])

    def _build_number(self, name: str, title: str, spec: dict[str, Any], error: QLabel) -> _Field:
        unit = spec.get("unit", "")
        box: QSpinBox | QDoubleSpinBox
        optional = bool(spec.get("optional"))
        if spec.get("type") == "integer":
            box = QSpinBox()
            low_int = int(spec.get("minimum", 0)) - (1 if optional else 0)
            box.setRange(low_int, min(int(spec.get("maximum", _SPINBOX_MAX)), _SPINBOX_MAX))

            def typed(v: float) -> Any:
                return None if optional and v == box.minimum() else int(v)
        else:
            box = QDoubleSpinBox()
            decimals = _DECIMALS.get(unit, 2)
            box.setDecimals(decimals)
            low = spec.get("minimum")
            if low is None:
                low = float(spec.get("exclusiveMinimum", 0)) + (0 if optional else 10**-decimals)
            box.setRange(float(low), float(spec.get("maximum", 1e12)))

            def typed(v: float) -> Any:
                return None if optional and v == box.minimum() else float(v)

        if optional:
            # The lowest value reads "Not stated" and means it: the field is left open.
            box.setSpecialValueText(i18n.tr(NOT_STATED))
        box.valueChanged.connect(lambda v: self._on_edited(name, typed(v)))
        box.setStepType(QAbstractSpinBox.StepType.AdaptiveDecimalStepType)
        box.setGroupSeparatorShown(True)
        box.setAccelerated(True)
        box.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        box.setKeyboardTracking(True)
        if unit:
            box.setSuffix(f" {unit}")
        box.setAccessibleName(title)
        box.setAccessibleDescription(spec.get("description", ""))

        def get() -> Any:
            return typed(box.value())

        def set_value(value: Any, box: QSpinBox | QDoubleSpinBox = box) -> None:
            if isinstance(box, QSpinBox):
                box.setValue(box.minimum() if value is None else int(value))
            else:
                box.setValue(box.minimum() if value is None else float(value))

        return _Field(name, box, get, set_value, error, [box])

    def _build_choices(self, name: str, title: str, spec: dict[str, Any], error: QLabel) -> _Field:
        """A check box per allowed value of a list field (brokers, languages, reasons)."""
        row = QWidget()
        row.setAccessibleName(title)
        layout = QGridLayout(row)
        layout.setContentsMargins(0, 0, 0, 0)
        values = [str(v) for v in spec.get("items", {}).get("enum", [])]
        # Long labels two to a row, short ones three, so the form stays narrow.
        wide = max((len(_label(v)) for v in values), default=0) > 12
        columns = min(len(values), 2 if wide else 3) or 1
        boxes: dict[str, QCheckBox] = {}
        for index, value in enumerate(values):
            box = QCheckBox(_label(value))
            box.setAccessibleName(f"{title}: {_label(value)}")
            box.toggled.connect(lambda _c: self._on_edited(name, get()))
            layout.addWidget(box, index // columns, index % columns)
            boxes[value] = box
        layout.setColumnStretch(columns, 1)

        def get() -> list[str]:
            return [value for value, box in boxes.items() if box.isChecked()]

        def set_value(values_now: Any) -> None:
            chosen = {str(v) for v in (values_now or [])}
            for value, box in boxes.items():
                box.setChecked(value in chosen)

        return _Field(name, row, get, set_value, error, list(boxes.values()))

    # -- slots ----------------------------------------------------------------------------
    def _on_edited(self, name: str, value: Any) -> None:
        if not self._updating:
            self.document.set_value(name, value)

    def _on_values_changed(self) -> None:
        values = self.document.values
        for name in self._fields:
            if name in values:
                self._show_value(name, values[name])
            self._mark_assumed(name)

    def _on_value_changed(self, name: str) -> None:
        # An edit typed here is already shown (set() leaves an equal value alone); an undo or
        # redo is not, and shows now.
        if name in self._fields:
            self._show_value(name, self.document.values.get(name))
            self._mark_assumed(name)

    def _show_value(self, name: str, value: Any) -> None:
        made = self._fields[name]
        if made.get() == value:
            return
        self._updating = True
        for widget in made.inputs:
            widget.blockSignals(True)
        try:
            made.set(value)
        finally:
            for widget in made.inputs:
                widget.blockSignals(False)
            self._updating = False

    def _on_validated(self, validation: Validation) -> None:
        if validation.workload is not None:
            # An assumed value shows what the workload uses: a peak left unstated follows the
            # average typed above it, so the form never shows a peak below the average.
            used = validation.workload.model_dump(mode="json")
            stated = self.document.stated
            for name in self._fields:
                if name not in stated and name in used:
                    self._show_value(name, used[name])
        for name, made in [("", None), *self._fields.items()]:
            label = made.error if made else self._general_error
            messages = validation.problems.get(name, [])
            if not made and not messages:
                # Problems about fields the form does not show still need a home.
                messages = [
                    m
                    for key, ms in validation.problems.items()
                    if key and key not in self._fields
                    for m in ms
                ]
            text = "\n".join(f"⚠ {m}" for m in messages)
            label.setText(text)
            if made and made.form is not None:
                made.form.setRowVisible(label, bool(text))
            else:
                label.setVisible(bool(text))
            if made:
                for widget in made.inputs:
                    widget.setAccessibleDescription(text or widget.toolTip())

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.PaletteChange:
            for label in [self._general_error, *(f.error for f in self._fields.values())]:
                self._color_error(label)
            for name, made in self._fields.items():
                if made.assumed:
                    made.assumed = None  # the muted colour of the mark comes from the palette
                    self._mark_assumed(name)
        super().changeEvent(event)


def range_text(low: float, high: float, unit: str) -> str:
    """A field's range in words: '0 to 10,000,000 msg/s', '1 B to 2.1 GB' (never '1e+07')."""
    from advisor import units

    if unit == "bytes":
        low_text, high_text = units.human_bytes(low), units.human_bytes(high)
    else:
        low_text, high_text = units.quantity(low, ""), units.quantity(high, unit)
    return (
        translate("WorkloadEditor", "{low} to {high}").format(low=low_text, high=high_text).rstrip()
    )


def _resolve(spec: dict[str, Any], schema: dict[str, Any]) -> dict[str, Any]:
    """Inline $refs (enums live in $defs) and `X | None` (marked optional: "not stated" is a
    value), keeping the field's own title, description and unit."""
    own = {k: v for k, v in spec.items() if k not in ("$ref", "allOf", "anyOf")}
    branches = [b for b in spec.get("anyOf", []) if b.get("type") != "null"]
    if len(branches) == 1 and len(spec["anyOf"]) == 2:
        return {**_resolve(branches[0], schema), **own, "optional": True}
    ref = spec.get("$ref") or next((s.get("$ref") for s in spec.get("allOf", [])), None)
    if spec.get("type") == "array" and "$ref" in spec.get("items", {}):
        items = _resolve(spec["items"], schema)
        return {**spec, "items": items}
    if not ref:
        return spec
    target = schema["$defs"][ref.rsplit("/", 1)[-1]]
    return {**target, **own}


def choice_label(value: Any) -> str:
    """How a choice reads in the form (and in the comparison of variants)."""
    return _label(value)


def _label(value: Any) -> str:
    """How a choice reads in the form."""
    if value is None:
        return i18n.tr(NOT_STATED)
    if isinstance(value, bool):
        return i18n.tr(YES if value else NO)
    text = str(value)
    return i18n.tr(_LABELS.get(text, text.replace("_", " ").capitalize()))


def _localised(spec: dict[str, Any]) -> dict[str, Any]:
    """A field's schema with its title and description in the interface language."""
    found = {**spec}
    for key in ("title", "description"):
        if isinstance(found.get(key), str):
            found[key] = i18n.tr(found[key])
    return found


def _set_plain_text(edit: QPlainTextEdit, text: str) -> None:
    if edit.toPlainText() != text:
        edit.setPlainText(text)


def _set_line_text(edit: QLineEdit, text: str) -> None:
    if edit.text() != text:
        edit.setText(text)
        edit.setCursorPosition(0)  # show the start of a long name, not its end
