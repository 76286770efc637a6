"""The built-in guide: a section tree, a search field and the section rendered from Markdown."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QLocale, QRegularExpression, QSignalBlocker, Qt, QUrl, Signal
from PySide6.QtGui import (
    QDesktopServices,
    QKeySequence,
    QPalette,
    QTextCursor,
    QTextDocument,
    QTextOption,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QSplitter,
    QTextBrowser,
    QTextEdit,
    QToolButton,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from ui import bidi, worker

if TYPE_CHECKING:
    from advisor.guide import Guide

_ID_ROLE = Qt.ItemDataRole.UserRole
# The words of a search as advisor.guide.Guide.search reads them (hyphens and dots inside).
_SEARCH_WORD = re.compile(r"\w[\w\-.]*")


def _default_loader() -> Guide:
    from advisor import guide

    return guide.load_guide()


class GuideBrowser(QWidget):
    """Browse and search the guide; the guide is loaded on first use, not at start-up."""

    section_shown = Signal(str)
    loaded = Signal()

    def __init__(
        self, loader: Callable[[], Guide] | None = None, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setObjectName("guideBrowser")
        self.setAccessibleName(self.tr("Guide"))
        self._loader = loader or _default_loader
        self._guide: Guide | None = None
        self._items: dict[str, QTreeWidgetItem] = {}
        self._current: str | None = None
        self._history: list[str] = []
        self._future: list[str] = []
        self._highlight: list[str] = []
        self._visible_matches: list[str] = []
        self._loading: worker.Worker | None = None

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        bar = QHBoxLayout()
        self.back_button = self._tool_button(
            "go-previous", self.tr("Back"), QKeySequence.StandardKey.Back, self._on_back
        )
        self.forward_button = self._tool_button(
            "go-next", self.tr("Forward"), QKeySequence.StandardKey.Forward, self._on_forward
        )
        bar.addWidget(self.back_button)
        bar.addWidget(self.forward_button)
        self.search_field = QLineEdit()
        self.search_field.setObjectName("guideSearch")
        self.search_field.setPlaceholderText(self.tr("Search the guide (Ctrl+F)"))
        self.search_field.setAccessibleName(self.tr("Search the guide"))
        self.search_field.setClearButtonEnabled(True)
        self.search_field.textChanged.connect(self._on_search_changed)
        self.search_field.returnPressed.connect(self._on_search_return)
        bar.addWidget(self.search_field, 1)
        layout.addLayout(bar)
        self.result_label = QLabel()
        self.result_label.setAccessibleName(self.tr("Search results"))
        self.result_label.hide()
        layout.addWidget(self.result_label)

        self.splitter = QSplitter(Qt.Orientation.Vertical)
        self.splitter.setObjectName("guideSplitter")
        self.tree = QTreeWidget()
        self.tree.setObjectName("guideTree")
        self.tree.setHeaderHidden(True)
        self.tree.setAccessibleName(self.tr("Guide sections"))
        self.tree.currentItemChanged.connect(self._on_tree_current_changed)
        self.text = QTextBrowser()
        self.text.setObjectName("guideText")
        self.text.setAccessibleName(self.tr("Guide section"))
        self.text.setOpenLinks(False)
        # Long code lines and URLs wrap (anywhere, if they must): the guide never scrolls
        # sideways, even beside the editor on a 1024 px screen.
        self.text.setWordWrapMode(QTextOption.WrapMode.WrapAtWordBoundaryOrAnywhere)
        self.text.anchorClicked.connect(self._on_anchor_clicked)
        self.splitter.addWidget(self.tree)
        self.splitter.addWidget(self.text)
        self.splitter.setStretchFactor(0, 1)
        self.splitter.setStretchFactor(1, 3)
        layout.addWidget(self.splitter, 1)
        self._update_buttons()

    def _tool_button(
        self, icon: str, text: str, key: QKeySequence.StandardKey, slot: Callable[[], None]
    ) -> QToolButton:
        button = QToolButton()
        button.setText(text)
        from PySide6.QtGui import QIcon

        themed = QIcon.fromTheme(icon)
        if not themed.isNull():
            button.setIcon(themed)
        else:
            button.setArrowType(
                Qt.ArrowType.LeftArrow if icon == "go-previous" else Qt.ArrowType.RightArrow
            )
        shortcut = QKeySequence(key)
        button.setToolTip(
            f"{text} ({shortcut.toString(QKeySequence.SequenceFormat.NativeText)})"
            if not shortcut.isEmpty()
            else text
        )
        button.setAccessibleName(text)
        button.clicked.connect(slot)
        return button

    # -- public ---------------------------------------------------------------------------
    @property
    def guide(self) -> Guide:
        self.ensure_loaded()
        assert self._guide is not None
        return self._guide

    @property
    def current_section(self) -> str | None:
        return self._current

    @property
    def is_loaded(self) -> bool:
        return self._guide is not None

    def section_title(self, section_id: str) -> str:
        """A section's title once the guide is loaded, else its id."""
        section = self._guide.sections.get(section_id) if self._guide else None
        return section.title if section else section_id

    def load_in_background(self) -> None:
        """Parse the guide on the thread pool; the first use before it arrives loads it here."""
        if self._guide is None and self._loading is None:
            self._loading = worker.create_worker(
                self._loader, on_returned=self._on_guide_loaded, on_errored=self._on_guide_failed
            )

    def ensure_loaded(self) -> None:
        if self._guide is not None:
            return
        try:
            guide = self._loader()
        except Exception as error:
            self._on_guide_failed(error)
            return
        self._on_guide_loaded(guide)

    def _on_guide_loaded(self, guide: Guide) -> None:
        if self._guide is not None:
            return
        self._guide = guide
        self._fill_tree()
        if self._current is None and guide.parts and guide.parts[0].section_ids:
            self._display(guide.parts[0].section_ids[0])
        if self._highlight:
            self._on_search_changed(self.search_field.text())
        self.loaded.emit()

    def _on_guide_failed(self, error: Exception) -> None:
        if self._guide is not None:
            return
        # A bad guide file must not stop the app; say what is wrong, where.
        from advisor.guide import Guide

        self._guide = Guide(parts=[], sections={})
        self.text.setPlainText(self.tr("The guide could not be loaded:") + f"\n\n{error}")
        self.loaded.emit()

    def show_section(self, section_id: str, *, remember: bool = True) -> bool:
        """Show a section (a level-2 one with its subsections); False if there is none."""
        self.ensure_loaded()
        guide = self.guide
        if section_id not in guide.sections:
            from advisor.guide import suggest

            hint = suggest(section_id, list(guide.sections))
            self.text.setPlainText(
                self.tr("There is no guide section {id}{hint}.").format(
                    id=bidi.ltr(repr(section_id)), hint=hint
                )
            )
            return False
        if remember and self._current and self._current != section_id:
            self._history.append(self._current)
            self._future.clear()
        self._display(section_id)
        self.section_shown.emit(section_id)
        return True

    def _display(self, section_id: str) -> None:
        guide = self.guide
        self._current = section_id
        section = guide.sections[section_id]
        if section.level == 2:
            markdown = guide.section_with_children(section_id)
        else:
            parent = guide.sections.get(section.parent or "")
            link = f"[{parent.title}](#{parent.id})" if parent else ""
            part_of = self.tr("Part of {section}").format(section=link)
            crumb = f"*{part_of}*\n\n" if parent else ""
            markdown = crumb + section.markdown()
        self.text.setMarkdown(markdown)
        bidi.orient(self.text.document())  # before the code blocks lose their mark
        _wrap_code_blocks(self.text.document())
        self.text.moveCursor(QTextCursor.MoveOperation.Start)
        self._apply_highlight()
        item = self._items.get(section_id)
        if item is not None:
            with QSignalBlocker(self.tree):
                self.tree.setCurrentItem(item)
            self.tree.scrollToItem(item, QAbstractItemView.ScrollHint.PositionAtCenter)
        self._update_buttons()

    def focus_search(self) -> None:
        self.search_field.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.search_field.selectAll()

    def search(self, text: str) -> list[str]:
        """Filter the tree to the sections matching text; returns their ids."""
        self.search_field.setText(text)
        return self._visible_matches

    # -- internals ------------------------------------------------------------------------
    def _fill_tree(self) -> None:
        guide = self._guide
        assert guide is not None
        self.tree.clear()
        self._items.clear()
        for part in guide.parts:
            top = QTreeWidgetItem([part.title])
            top.setData(0, _ID_ROLE, part.section_ids[0] if part.section_ids else "")
            self.tree.addTopLevelItem(top)
            parent_item = top
            for section_id in part.section_ids:
                section = guide.sections[section_id]
                holder = top if section.level == 2 else parent_item
                item = QTreeWidgetItem(holder, [section.title])
                item.setData(0, _ID_ROLE, section_id)
                item.setToolTip(0, section_id)
                self._items[section_id] = item
                if section.level == 2:
                    parent_item = item
            top.setExpanded(True)

    def _apply_highlight(self) -> None:
        selections = []
        color = self.text.palette().color(QPalette.ColorRole.Highlight)
        text_color = self.text.palette().color(QPalette.ColorRole.HighlightedText)
        document = self.text.document()
        for word in self._highlight:
            # What the search matches: a word, or the start of one, in any case.
            pattern = QRegularExpression(
                rf"\b{re.escape(word)}", QRegularExpression.PatternOption.CaseInsensitiveOption
            )
            cursor = document.find(pattern)
            while not cursor.isNull():
                selection = QTextEdit.ExtraSelection()
                selection.cursor = cursor
                selection.format.setBackground(color)
                selection.format.setForeground(text_color)
                selections.append(selection)
                cursor = document.find(pattern, cursor)
        self.text.setExtraSelections(selections)
        if selections:
            self.text.setTextCursor(selections[0].cursor)
            self.text.ensureCursorVisible()

    def _update_buttons(self) -> None:
        self.back_button.setEnabled(bool(self._history))
        self.forward_button.setEnabled(bool(self._future))

    # -- slots ----------------------------------------------------------------------------
    def _on_search_changed(self, text: str) -> None:
        self.ensure_loaded()
        words = _SEARCH_WORD.findall(text)
        self._highlight = words
        if not words:
            for index in range(self.tree.topLevelItemCount()):
                top = self.tree.topLevelItem(index)
                if top is not None:
                    self._show_all(top)
            self._visible_matches = []
            self.result_label.hide()
            self._apply_highlight()
            return
        # Every match, not the core's first page: the tree is a filter, and hiding matches
        # beyond 50 while saying "50 sections match" was wrong.
        hits = [s.id for s in self.guide.search(text, limit=None)]
        self._visible_matches = hits
        matched = set(hits)
        for index in range(self.tree.topLevelItemCount()):
            top = self.tree.topLevelItem(index)
            if top is not None:
                self._filter(top, matched)
        count = len(hits)
        self.result_label.setText(
            (
                self.tr("1 section matches {words}")
                if count == 1
                else self.tr("{count} sections match {words}")
            ).format(count=QLocale().toString(count), words=bidi.quoted(text.strip()))
            + (self.tr(" — press Enter to open the first") if count else "")
        )
        self.result_label.show()
        self._apply_highlight()

    def _filter(self, item: QTreeWidgetItem, matched: set[str]) -> bool:
        shown = False
        for index in range(item.childCount()):
            child = item.child(index)
            if child is not None:
                shown |= self._filter(child, matched)
        own = item.parent() is not None and item.data(0, _ID_ROLE) in matched
        item.setHidden(not (own or shown))
        if shown:
            item.setExpanded(True)
        return own or shown

    def _show_all(self, item: QTreeWidgetItem) -> None:
        item.setHidden(False)
        for index in range(item.childCount()):
            child = item.child(index)
            if child is not None:
                self._show_all(child)

    def _on_search_return(self) -> None:
        if self._visible_matches:
            self.show_section(self._visible_matches[0])

    def _on_tree_current_changed(
        self, current: QTreeWidgetItem | None, _previous: QTreeWidgetItem | None
    ) -> None:
        if current is not None and current.data(0, _ID_ROLE):
            self.show_section(str(current.data(0, _ID_ROLE)))

    def _on_anchor_clicked(self, url: QUrl) -> None:
        if url.scheme() in ("http", "https", "mailto"):
            QDesktopServices.openUrl(url)
            return
        target = url.fragment() or url.path()
        if target:
            self.show_section(target)

    def _on_back(self) -> None:
        if self._history:
            if self._current:
                self._future.append(self._current)
            self.show_section(self._history.pop(), remember=False)

    def _on_forward(self) -> None:
        if self._future:
            if self._current:
                self._history.append(self._current)
            self.show_section(self._future.pop(), remember=False)

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.PaletteChange and self._guide is not None:
            self._apply_highlight()
        super().changeEvent(event)


def _wrap_code_blocks(document: QTextDocument) -> None:
    """Let preformatted blocks wrap (CSS pre-wrap): Markdown code comes in as non-breaking."""
    cursor = QTextCursor(document)
    cursor.beginEditBlock()  # one layout pass for the lot
    block = document.begin()
    while block.isValid():
        block_format = block.blockFormat()
        if block_format.nonBreakableLines():
            block_format.setNonBreakableLines(False)
            cursor.setPosition(block.position())
            cursor.setBlockFormat(block_format)
        block = block.next()
    cursor.endEditBlock()
