"""The welcome at first start: the presets with one line each, or a blank workload."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from ui import settings

SEEN_KEY = "welcome/seen"
SHOW_KEY = "welcome/show_at_start"


def should_show_at_start() -> bool:
    """At the first start, and at every start when the user asked for it."""
    store = settings.store()
    return not store.value(SEEN_KEY, False, type=bool) or bool(
        store.value(SHOW_KEY, False, type=bool)
    )


class WelcomeDialog(QDialog):
    """Choose a preset (double-click or Open) or a blank workload."""

    preset_chosen = Signal(object)  # Path
    blank_chosen = Signal()

    def __init__(self, presets: list[tuple[Path, str, str]], parent: QWidget | None = None) -> None:
        """presets: (path, title, one-line description) each."""
        super().__init__(parent)
        self.setObjectName("welcomeDialog")
        self.setWindowTitle("Welcome to Broker Advisor")
        intro = QLabel(
            "<h2>Which broker fits your workload?</h2>"
            "<p>Start from a typical workload and change what differs in yours, or describe "
            "one from scratch. The recommendation follows every change, with its reasons; "
            "values you have not set are marked <i>assumed</i>.</p>"
        )
        intro.setWordWrap(True)
        intro.setTextFormat(Qt.TextFormat.RichText)
        self.list = QListWidget()
        self.list.setObjectName("welcomePresets")
        self.list.setAccessibleName("Presets")
        self.list.setWordWrap(True)
        self.list.setSpacing(2)
        for path, title, description in presets:
            item = QListWidgetItem(f"{title}\n{description}" if description else title)
            item.setData(Qt.ItemDataRole.UserRole, str(path))
            item.setToolTip(description or title)
            font = item.font()
            item.setFont(font)
            self.list.addItem(item)
        if self.list.count():
            self.list.setCurrentRow(0)
        choose = QLabel("&Presets:")
        choose.setBuddy(self.list)
        self.list.itemActivated.connect(self._on_activated)

        self.show_again = QCheckBox("&Show this window at every start")
        self.show_again.setChecked(bool(settings.store().value(SHOW_KEY, False, type=bool)))
        buttons = QDialogButtonBox()
        self.open_button = QPushButton("&Open Preset")
        self.open_button.setDefault(True)
        self.open_button.setEnabled(self.list.count() > 0)
        self.blank_button = QPushButton("Start &Blank")
        self.blank_button.setToolTip("A new workload with nothing stated: every value assumed")
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
