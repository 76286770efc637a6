"""The welcome at first start: the presets with one line each, or a blank workload."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtGui import QFont, QFontMetrics, QPainter, QPalette
from PySide6.QtWidgets import (
    QApplication,
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QVBoxLayout,
    QWidget,
)

from ui import settings, theme

SEEN_KEY = "welcome/seen"
SHOW_KEY = "welcome/show_at_start"


def should_show_at_start() -> bool:
    """At the first start, and at every start when the user asked for it."""
    store = settings.store()
    return not store.value(SEEN_KEY, False, type=bool) or bool(
        store.value(SHOW_KEY, False, type=bool)
    )


_TITLE_ROLE = Qt.ItemDataRole.UserRole + 1
_LINE_ROLE = Qt.ItemDataRole.UserRole + 2
_PAD = 6


class _PresetDelegate(QStyledItemDelegate):
    """A preset as its name in bold over its one line in the muted colour."""

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: Any) -> None:
        self.initStyleOption(option, index)
        widget = option.widget
        style = widget.style() if widget is not None else QApplication.style()
        text = option.text
        option.text = ""
        style.drawControl(QStyle.ControlElement.CE_ItemViewItem, option, painter, widget)
        selected = bool(option.state & QStyle.StateFlag.State_Selected)
        palette = option.palette
        role = QPalette.ColorRole.HighlightedText if selected else QPalette.ColorRole.Text
        rect = option.rect.adjusted(_PAD, _PAD // 2, -_PAD, -_PAD // 2)
        title = str(index.data(_TITLE_ROLE) or text)
        line = str(index.data(_LINE_ROLE) or "")
        painter.save()
        bold = QFont(option.font)
        bold.setBold(True)
        painter.setFont(bold)
        painter.setPen(palette.color(role))
        title_height = QFontMetrics(bold).height()
        painter.drawText(rect, int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop), title)
        if line:
            painter.setFont(option.font)
            muted = palette.color(role) if selected else theme.muted_color(palette)
            painter.setPen(muted)
            below = rect.adjusted(0, title_height + 1, 0, 0)
            painter.drawText(
                below,
                int(
                    Qt.AlignmentFlag.AlignLeft
                    | Qt.AlignmentFlag.AlignTop
                    | Qt.TextFlag.TextWordWrap
                ),
                line,
            )
        painter.restore()

    def sizeHint(self, option: QStyleOptionViewItem, index: Any) -> QSize:
        width = max(200, option.rect.width() or 560)
        font = QFont(option.font)
        metrics = QFontMetrics(font)
        line = str(index.data(_LINE_ROLE) or "")
        bounds = metrics.boundingRect(
            0, 0, width - 2 * _PAD, 1000, int(Qt.TextFlag.TextWordWrap), line
        )
        font.setBold(True)
        height = QFontMetrics(font).height() + (bounds.height() + 1 if line else 0) + _PAD
        return QSize(width, height)


class WelcomeDialog(QDialog):
    """Choose a preset (double-click or Open) or a blank workload."""

    preset_chosen = Signal(Path)
    blank_chosen = Signal()

    def __init__(self, presets: list[tuple[Path, str, str]], parent: QWidget | None = None) -> None:
        """presets: (path, title, one-line description) each."""
        super().__init__(parent)
        self.setObjectName("welcomeDialog")
        self.setWindowTitle(self.tr("Welcome to Broker Advisor"))
        intro = QLabel(
            "<h2>"
            + self.tr("Which broker fits your workload?")
            + "</h2><p>"
            + self.tr(
                "Start from a typical workload and change what differs in yours, or describe "
                "one from scratch. The recommendation follows every change, with its reasons; "
                "values you have not set are marked <i>assumed</i>."
            )
            + "</p>"
        )
        intro.setWordWrap(True)
        intro.setTextFormat(Qt.TextFormat.RichText)
        self.list = QListWidget()
        self.list.setObjectName("welcomePresets")
        self.list.setAccessibleName(self.tr("Presets"))
        self.list.setWordWrap(True)
        self.list.setSpacing(2)
        self.list.setItemDelegate(_PresetDelegate(self.list))
        self.list.setUniformItemSizes(False)
        for path, title, description in presets:
            # The text (for screen readers and search by typing) holds both lines.
            item = QListWidgetItem(f"{title}\n{description}" if description else title)
            item.setData(Qt.ItemDataRole.UserRole, str(path))
            item.setData(_TITLE_ROLE, title)
            item.setData(_LINE_ROLE, description)
            item.setToolTip(description or title)
            self.list.addItem(item)
        if self.list.count():
            self.list.setCurrentRow(0)
        choose = QLabel(self.tr("&Presets:"))
        choose.setBuddy(self.list)
        self.list.itemActivated.connect(self._on_activated)

        self.show_again = QCheckBox(self.tr("&Show this window at every start"))
        self.show_again.setChecked(bool(settings.store().value(SHOW_KEY, False, type=bool)))
        buttons = QDialogButtonBox()
        self.open_button = QPushButton(self.tr("&Open Preset"))
        self.open_button.setDefault(True)
        self.open_button.setEnabled(self.list.count() > 0)
        self.blank_button = QPushButton(self.tr("Start &Blank"))
        self.blank_button.setToolTip(
            self.tr("A new workload with nothing stated: every value assumed")
        )
        buttons.addButton(self.open_button, QDialogButtonBox.ButtonRole.AcceptRole)
        buttons.addButton(self.blank_button, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.addButton(QDialogButtonBox.StandardButton.Close)
        self.open_button.clicked.connect(self._on_open)
        self.blank_button.clicked.connect(self._on_blank)
        buttons.rejected.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(choose)
        layout.addWidget(self.list, 1)
        layout.addWidget(self.show_again)
        layout.addWidget(buttons)
        self.resize(620, 560)
        self.finished.connect(self._on_finished)

    def preset_titles(self) -> list[str]:
        return [self.list.item(i).text().split("\n")[0] for i in range(self.list.count())]

    def _on_activated(self, item: QListWidgetItem) -> None:
        self._choose(item)

    def _on_open(self) -> None:
        item = self.list.currentItem()
        if item is not None:
            self._choose(item)

    def _choose(self, item: QListWidgetItem) -> None:
        path = Path(str(item.data(Qt.ItemDataRole.UserRole)))
        self.accept()
        self.preset_chosen.emit(path)

    def _on_blank(self) -> None:
        self.accept()
        self.blank_chosen.emit()

    def _on_finished(self, _result: int) -> None:
        store = settings.store()
        store.setValue(SEEN_KEY, True)
        store.setValue(SHOW_KEY, self.show_again.isChecked())
