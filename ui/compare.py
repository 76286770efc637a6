"""Compare variants side by side: winner, scores, confidence, and every requirement, with the
values that differ between variants highlighted. The engine runs in the background."""

from __future__ import annotations

import functools
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import shiboken6
from PySide6.QtCore import QLocale, Qt, QTimer, Signal
from PySide6.QtGui import QBrush, QColor, QFont, QPalette
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from advisor import i18n, units, views
from advisor import recommendation as rec
from advisor import workload as wl
from ui import bidi, theme, worker
from ui.translation import translate
from ui.workload_editor import NONE, NOT_STATED, choice_label

Recommend = Callable[[wl.Workload], rec.Recommendation]
REFRESH_MS = 250
_ROLE_DIFFERS = Qt.ItemDataRole.UserRole


@dataclass(frozen=True)
class Row:
    """One line of the comparison: its title, one text per variant, and whether they differ."""

    key: str
    title: str
    cells: list[str]
    differs: bool
    section: str  # "answer" or "workload"


def _engine_recommend(workload: wl.Workload) -> rec.Recommendation:
    from advisor import engine

    return engine.recommend(workload)


def _recommend_all(
    recommend: Recommend, workloads: Sequence[wl.Workload | None]
) -> list[rec.Recommendation | None]:
    return [recommend(w) if w is not None else None for w in workloads]


def value_text(name: str, value: Any) -> str:
    """A workload value as the form and the reports word it."""
    info = wl.Workload.model_fields[name]
    extra = info.json_schema_extra
    unit = str(extra.get("unit", "")) if isinstance(extra, dict) else ""
    if value is None:
        return i18n.tr(NOT_STATED)
    comma = translate("CompareDialog", ", ")
    if isinstance(value, list):
        return comma.join(choice_label(v) for v in value) or i18n.tr(NONE)
    if isinstance(value, dict):
        return comma.join(bidi.ltr(f"{k}: {v}") for k, v in value.items()) or translate(
            "CompareDialog", "Current releases"
        )
    if isinstance(value, bool) or (isinstance(value, str) and name not in ("name", "notes")):
        return choice_label(value)
    if isinstance(value, str):
        return units.format_value(value, unit)
    return bidi.ltr(units.format_value(value, unit))


def comparison_rows(
    workloads: Sequence[wl.Workload | None],
    recommendations: Sequence[rec.Recommendation | None],
    stated: Sequence[frozenset[str]] | None = None,
) -> list[Row]:
    """The answer rows (winner, scores, confidence) then one row per workload field."""
    rows: list[Row] = []

    def add(key: str, title: str, cells: list[str], section: str) -> None:
        rows.append(Row(key, title, cells, len(set(cells)) > 1, section))

    def answer(r: rec.Recommendation | None, pick: Callable[[rec.Recommendation], str]) -> str:
        return "—" if r is None else pick(r)

    def winner(r: rec.Recommendation) -> str:
        if r.tied:
            return translate("CompareDialog", "Tie: {brokers}").format(
                brokers=translate("CompareDialog", " or ").join(b.title for b in r.tied)
            )
        return r.winner.title if r.winner else translate("CompareDialog", "None fits")

    add(
        "winner",
        translate("CompareDialog", "Recommended"),
        [answer(r, winner) for r in recommendations],
        "answer",
    )
    for broker in wl.Broker:

        def score(r: rec.Recommendation, broker: wl.Broker = broker) -> str:
            found = next(a for a in r.ranking if a.broker is broker)
            if found.knocked_out:
                return translate("CompareDialog", "ruled out")
            return QLocale().toString(round(found.score))

        add(
            f"score:{broker.value}",
            translate("CompareDialog", "{broker} score").format(broker=broker.title),
            [answer(r, score) for r in recommendations],
            "answer",
        )
    add(
        "confidence",
        translate("CompareDialog", "Confidence"),
        [answer(r, lambda r: _level(views.confidence_view(r).level)) for r in recommendations],
        "answer",
    )
    for name, info in wl.Workload.model_fields.items():
        if name == "notes":
            continue
        cells = []
        for index, workload in enumerate(workloads):
            if workload is None:
                cells.append(translate("CompareDialog", "(invalid)"))
                continue
            text = value_text(name, getattr(workload, name))
            if stated is not None and name not in stated[index]:
                text += " " + translate("CompareDialog", "(assumed)")
            cells.append(text)
        add(name, i18n.tr(info.title or name), cells, "workload")
    return rows


def _level(level: str) -> str:
    """A confidence level in the interface language."""
    names = {
        "high": translate("CompareDialog", "high"),
        "medium": translate("CompareDialog", "medium"),
        "low": translate("CompareDialog", "low"),
    }
    return names.get(level, level)


class CompareDialog(QDialog):
    """Every variant in a column; differences highlighted; Show edits the chosen variant."""

    show_variant = Signal(int)
    updated = Signal()  # the table was filled with fresh recommendations

    def __init__(
        self,
        names: Callable[[], list[str]],
        states: Callable[[], list[tuple[wl.Workload | None, frozenset[str]]]],
        parent: QWidget | None = None,
        *,
        recommend: Recommend | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("compareDialog")
        self.setWindowTitle(self.tr("Compare variants"))
        self._names = names
        self._states = states
        self._recommend = recommend or _engine_recommend
        self._sequence = 0
        self.rows: list[Row] = []
        self._shown_keys: list[str] = []  # the rows in the table, by key
        self._shown_tint = QColor()  # and the highlight they were drawn with

        self.table = QTableWidget()
        self.table.setObjectName("compareTable")
        self.table.setAccessibleName(self.tr("Variants compared"))
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QTableWidget.SelectionBehavior.SelectColumns)
        self.table.setSelectionMode(QTableWidget.SelectionMode.SingleSelection)
        self.table.setWordWrap(True)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.table.cellDoubleClicked.connect(lambda _row, column: self._show(column))
        self.only_differences = QCheckBox(self.tr("&Only rows that differ"))
        self.only_differences.toggled.connect(self._apply_filter)
        self.status = QLabel(self.tr("Comparing…"))
        self.status.setAccessibleName(self.tr("Comparison status"))
        self.show_button = QPushButton(self.tr("&Show"))
        self.show_button.setToolTip(self.tr("Edit the selected variant in the main window"))
        self.show_button.clicked.connect(lambda: self._show(self.table.currentColumn()))
        self.show_button.setEnabled(False)
        self.table.itemSelectionChanged.connect(
            lambda: self.show_button.setEnabled(bool(self.table.selectedItems()))
        )
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        top = QHBoxLayout()
        top.addWidget(self.only_differences)
        top.addStretch(1)
        top.addWidget(self.status)
        bottom = QHBoxLayout()
        bottom.addWidget(self.show_button)
        bottom.addStretch(1)
        bottom.addWidget(buttons)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.table, 1)
        layout.addLayout(bottom)
        self.resize(900, 640)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(REFRESH_MS)
        self._timer.timeout.connect(self.refresh)

    def schedule_refresh(self) -> None:
        """Compare again shortly (a variant changed); edits in a row are compared once."""
        self._timer.start()

    def refresh(self) -> None:
        """Recompute every variant's recommendation in the background, then fill the table."""
        self._timer.stop()
        self._sequence += 1
        states = self._states()
        workloads = [w for w, _ in states]
        stated = [s for _, s in states]
        names = self._names()
        self.status.setText(self.tr("Comparing…"))
        worker.create_worker(
            _recommend_all,
            self._recommend,
            workloads,
            on_returned=functools.partial(
                self._on_returned, self._sequence, names, workloads, stated
            ),
            on_errored=functools.partial(self._on_errored, self._sequence),
        )

    def _is_current(self, sequence: int) -> bool:
        return shiboken6.isValid(self) and sequence == self._sequence

    def _on_returned(
        self,
        sequence: int,
        names: list[str],
        workloads: list[wl.Workload | None],
        stated: list[frozenset[str]],
        recommendations: list[rec.Recommendation | None],
    ) -> None:
        if not self._is_current(sequence):
            return
        self.rows = comparison_rows(workloads, recommendations, stated)
        self._fill(names)
        winners = {r.winner for r in recommendations if r is not None}
        differing = sum(1 for r in self.rows if r.differs and r.section == "workload")
        self.status.setText(
            self.tr("{count} variants").format(count=QLocale().toString(len(names)))
            + self.tr("; ")
            + (
                self.tr("1 requirement differs")
                if differing == 1
                else self.tr("{count} requirements differ").format(
                    count=QLocale().toString(differing)
                )
            )
            + self.tr("; ")
            + (self.tr("the same winner") if len(winners) == 1 else self.tr("the winner changes"))
        )
        self.updated.emit()

    def _on_errored(self, sequence: int, error: Exception) -> None:
        if self._is_current(sequence):
            self.status.setText(
                self.tr("The engine failed: {error}").format(
                    error=f"{type(error).__name__}: {error}"
                )
            )

    def _fill(self, names: list[str]) -> None:
        """Show self.rows. Only the cells that changed are touched when the rows and variants
        are the same as last time (a value typed), and the rows are sized once: with rows sized
        to their wrapped contents, each cell set one by one would size every row again."""
        same_shape = (
            self.table.columnCount() == len(names)
            and self.table.rowCount() == len(self.rows)
            and self._shown_keys == [r.key for r in self.rows]
            and self._shown_tint == _highlight(self.palette())  # not a theme change
        )
        changed = True
        header = self.table.verticalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        self.table.setUpdatesEnabled(False)
        try:
            if not same_shape:
                self.table.clear()
                self.table.setColumnCount(len(names))
                self.table.setRowCount(len(self.rows))
                self.table.setVerticalHeaderLabels([r.title for r in self.rows])
                self._shown_keys = [r.key for r in self.rows]
                self._shown_tint = _highlight(self.palette())
            self.table.setHorizontalHeaderLabels(names)
            changed = self._set_cells(not same_shape)
            if not same_shape:
                # No column selected at first: the selection colour would hide the highlighting.
                self.table.clearSelection()
                self.table.setCurrentCell(-1, -1)
            self._apply_filter(self.only_differences.isChecked())
        finally:
            self.table.setUpdatesEnabled(True)
            if changed or not same_shape:
                self.table.resizeRowsToContents()
            header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)

    def _set_cells(self, fresh: bool) -> bool:
        """Write the rows' texts and highlighting into the table; whether any cell changed."""
        tint = QBrush(_highlight(self.palette()))
        plain = QFont(self.table.font())
        bold = QFont(plain)
        bold.setBold(True)
        differs_tip = self.tr("Differs between the variants")
        changed = False
        for row_index, row in enumerate(self.rows):
            header = self.table.verticalHeaderItem(row_index)
            if header is not None:
                header.setFont(bold if row.differs or row.section == "answer" else plain)
            strong = row.differs or (row.section == "answer" and row.key == "winner")
            for column_index, text in enumerate(row.cells):
                item = None if fresh else self.table.item(row_index, column_index)
                if (
                    item is not None
                    and item.text() == text
                    and item.data(_ROLE_DIFFERS) == row.differs
                ):
                    continue
                changed = True
                if item is None:
                    item = QTableWidgetItem(text)
                    self.table.setItem(row_index, column_index, item)
                else:
                    item.setText(text)
                item.setData(_ROLE_DIFFERS, row.differs)
                item.setBackground(tint if row.differs else QBrush())
                item.setFont(bold if strong else plain)
                item.setToolTip(differs_tip if row.differs else "")
        return changed

    def _apply_filter(self, only: bool) -> None:
        for index, row in enumerate(self.rows):
            hide = only and row.section == "workload" and not row.differs
            self.table.setRowHidden(index, hide)

    def _show(self, column: int) -> None:
        if column >= 0:
            self.show_variant.emit(column)

    def differing_fields(self) -> list[str]:
        return [r.key for r in self.rows if r.differs and r.section == "workload"]


def _highlight(palette: QPalette) -> QColor:
    """A tint of the warning colour over the base, readable in light and dark."""
    base = palette.color(QPalette.ColorRole.Base)
    tint = theme.warn_color(palette)
    mixed = QColor(base)
    alpha = 0.28
    mixed.setRgbF(
        base.redF() * (1 - alpha) + tint.redF() * alpha,
        base.greenF() * (1 - alpha) + tint.greenF() * alpha,
        base.blueF() * (1 - alpha) + tint.blueF() * alpha,
    )
    return mixed
