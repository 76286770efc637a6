"""Help: the user guide (assets/help/user-guide.md, one section at a time) and the list of
keyboard shortcuts, made from the window's own actions so that it cannot drift from them."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import Qt, QUrl
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QHeaderView,
    QListWidget,
    QListWidgetItem,
    QTableWidget,
    QTableWidgetItem,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from advisor import i18n
from ui import bidi

HELP_FILE = "user-guide.md"
_HEADING = re.compile(r"^## (?P<title>.+?)\s*\{#(?P<id>[a-z0-9-]+)\}\s*$")


@dataclass(frozen=True)
class HelpSection:
    id: str
    title: str
    markdown: str


def help_path() -> Path:
    """The guide in the interface language: assets/help/fa/ for Persian, English otherwise (and
    when a translation is not installed)."""
    from advisor import i18n, paths

    folder = paths.assets_dir() / "help"
    translated = folder / i18n.language() / HELP_FILE
    return translated if i18n.language() != "en" and translated.is_file() else folder / HELP_FILE


def load_sections(path: Path | None = None) -> list[HelpSection]:
    """The guide's sections, from its '## Title {#id}' headings; [] when the file is missing."""
    try:
        text = (path or help_path()).read_text(encoding="utf-8")
    except OSError:
        return []
    sections: list[HelpSection] = []
    current: tuple[str, str] | None = None
    lines: list[str] = []
    for line in text.splitlines():
        match = _HEADING.match(line)
        if match:
            if current is not None:
                sections.append(HelpSection(current[0], current[1], "\n".join(lines).strip()))
            current = (match["id"], match["title"])
            lines = []
        elif current is not None:
            lines.append(line)
    if current is not None:
        sections.append(HelpSection(current[0], current[1], "\n".join(lines).strip()))
    return sections


class HelpDialog(QDialog):
    """The user guide: its sections on the left, the chosen one on the right."""

    def __init__(self, parent: QWidget | None = None, *, path: Path | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("helpDialog")
        self.setWindowTitle(self.tr("Broker Advisor user guide"))
        self.sections = {s.id: s for s in load_sections(path)}
        self.contents = QListWidget()
        self.contents.setAccessibleName(self.tr("User guide contents"))
        self.text = QTextBrowser()
        self.text.setObjectName("helpText")
        self.text.setAccessibleName(self.tr("User guide text"))
        self.text.setOpenLinks(False)
        if i18n.is_rtl():
            # A paragraph that opens with a Latin name ("Broker Advisor …") is still Persian.
            option = self.text.document().defaultTextOption()
            option.setTextDirection(Qt.LayoutDirection.RightToLeft)
            self.text.document().setDefaultTextOption(option)
        self.text.anchorClicked.connect(self._on_anchor_clicked)
        for section in self.sections.values():
            item = QListWidgetItem(section.title)
            item.setData(Qt.ItemDataRole.UserRole, section.id)
            self.contents.addItem(item)
        self.contents.currentItemChanged.connect(self._on_item_changed)
        body = QHBoxLayout()
        body.addWidget(self.contents, 1)
        body.addWidget(self.text, 3)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(body, 1)
        layout.addWidget(buttons)
        self.resize(820, 560)
        if not self.sections:
            self.text.setPlainText(
                self.tr("The user guide is missing ({path}).").format(path=help_path())
            )

    @property
    def current_section(self) -> str | None:
        item = self.contents.currentItem()
        return None if item is None else str(item.data(Qt.ItemDataRole.UserRole))

    def show_section(self, section_id: str) -> bool:
        """Show a section by id; False (and the first one) when there is no such section."""
        for row in range(self.contents.count()):
            item = self.contents.item(row)
            if item is not None and item.data(Qt.ItemDataRole.UserRole) == section_id:
                self.contents.setCurrentItem(item)
                return True
        if self.contents.count():
            self.contents.setCurrentRow(0)
        return False

    def _on_item_changed(self, item: QListWidgetItem | None, _old: QListWidgetItem | None) -> None:
        if item is None:
            return
        section = self.sections[str(item.data(Qt.ItemDataRole.UserRole))]
        self.text.setMarkdown(f"## {section.title}\n\n{section.markdown}")
        bidi.orient(self.text.document())

    def _on_anchor_clicked(self, url: QUrl) -> None:
        if url.scheme() in ("http", "https"):
            from PySide6.QtGui import QDesktopServices

            QDesktopServices.openUrl(url)
        elif url.fragment():
            self.show_section(url.fragment())


@dataclass(frozen=True)
class Shortcut:
    menu: str
    command: str
    keys: str


def shortcuts(actions_by_menu: dict[str, list[QAction]]) -> list[Shortcut]:
    """Every action with a key, by menu, its keys in the platform's notation."""
    found = []
    for menu, actions in actions_by_menu.items():
        for action in actions:
            keys = [k.toString(QKeySequence.SequenceFormat.NativeText) for k in action.shortcuts()]
            keys = [k for k in keys if k]
            if not keys or not action.text():
                continue
            command = action.text().replace("&&", "\0").replace("&", "").replace("\0", "&")
            command = re.sub(r"^(Undo|Redo) .*", r"\1", command)  # "Undo Change Peak rate"
            found.append(Shortcut(menu.replace("&", ""), command, ", ".join(dict.fromkeys(keys))))
    return found


class ShortcutsDialog(QDialog):
    """Help > Keyboard Shortcuts: a table of menu, command and keys."""

    def __init__(self, rows: list[Shortcut], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("shortcutsDialog")
        self.setWindowTitle(self.tr("Keyboard shortcuts"))
        self.table = QTableWidget(len(rows), 3)
        self.table.setObjectName("shortcutsTable")
        self.table.setAccessibleName(self.tr("Keyboard shortcuts"))
        self.table.setHorizontalHeaderLabels([self.tr("Menu"), self.tr("Command"), self.tr("Keys")])
        self.table.verticalHeader().hide()
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QTableWidget.SelectionBehavior.SelectRows)
        for row, shortcut in enumerate(rows):
            for column, text in enumerate((shortcut.menu, shortcut.command, shortcut.keys)):
                self.table.setItem(row, column, QTableWidgetItem(text))
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.ResizeToContents)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.table)
        layout.addWidget(buttons)
        self.resize(560, 520)

    def rows(self) -> list[tuple[str, str, str]]:
        def text(row: int, column: int) -> str:
            item = self.table.item(row, column)
            return item.text() if item is not None else ""

        return [(text(r, 0), text(r, 1), text(r, 2)) for r in range(self.table.rowCount())]
