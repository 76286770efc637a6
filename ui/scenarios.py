"""Scenarios: variants of a workload kept open side by side, one shown in the form at a time.

The window has one WorkloadDocument (the form, the live recommendation and the probe verdicts
follow it); each variant keeps its state (values, what they state, file, saved copy) and its own
undo history while another is shown. Switching puts the shown variant's state away and the
chosen one's into the document, and makes its history the active one in the window's undo group.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QUndoGroup, QUndoStack

from advisor import workload as wl
from ui.workload_editor import DocumentState, WorkloadDocument, validate


@dataclass
class Variant:
    """One variant: its name, its state while not shown, and its undo history."""

    name: str
    stack: QUndoStack
    state: DocumentState | None = None  # None while it is the one shown


class Scenarios(QObject):
    """The variants of the window's workload; the document shows `current`."""

    changed = Signal()  # a variant added, closed or renamed
    current_changed = Signal(int)

    def __init__(
        self, document: WorkloadDocument, group: QUndoGroup, parent: QObject | None = None
    ) -> None:
        super().__init__(parent)
        self.document = document
        self._group = group
        first = Variant(self.tr("Original"), document.undo_stack)
        group.addStack(first.stack)
        group.setActiveStack(first.stack)
        self._variants = [first]
        self._current = 0

    # -- reading ----------------------------------------------------------------------------
    def __len__(self) -> int:
        return len(self._variants)

    @property
    def current(self) -> int:
        return self._current

    def names(self) -> list[str]:
        return [v.name for v in self._variants]

    def state(self, index: int) -> DocumentState:
        """A variant's state (the document's, for the variant shown)."""
        if index == self._current:
            return self.document.state()
        state = self._variants[index].state
        assert state is not None
        return state

    def is_modified(self, index: int) -> bool:
        """Whether a variant has changes that are not saved (to its file, or since it was made)."""
        state = self.state(index)
        return state.values != state.saved

    def modified(self) -> list[int]:
        """The variants with unsaved changes, the shown one first."""
        order = [self._current, *(i for i in range(len(self._variants)) if i != self._current)]
        return [index for index in order if self.is_modified(index)]

    def workload(self, index: int) -> wl.Workload | None:
        """A variant's workload, or None while its values are invalid."""
        state = self.state(index)
        return validate(dict(state.values), set(state.stated)).workload

    # -- changing ---------------------------------------------------------------------------
    def duplicate(self, name: str | None = None) -> int:
        """Copy the shown variant into a new one (not file-backed), show it; its index."""
        source = self.document.state()
        copy = replace(source, path=None, saved=dict(source.values))
        stack = QUndoStack(self)
        self._group.addStack(stack)
        self._variants.append(Variant(name or self._next_name(), stack, copy))
        index = len(self._variants) - 1
        self.changed.emit()
        self.switch(index)
        return index

    def switch(self, index: int) -> None:
        """Show another variant in the form (its history becomes the active one)."""
        if index == self._current or not 0 <= index < len(self._variants):
            return
        leaving = self._variants[self._current]
        leaving.state = self.document.state()
        arriving = self._variants[index]
        assert arriving.state is not None
        self._current = index
        self.document.use_undo_stack(arriving.stack)
        self._group.setActiveStack(arriving.stack)
        self.document._apply_state(arriving.state)
        arriving.state = None
        self.current_changed.emit(index)

    def close(self, index: int) -> bool:
        """Close a variant (never the last one); False when it cannot be closed."""
        if len(self._variants) <= 1 or not 0 <= index < len(self._variants):
            return False
        if index == self._current:
            self.switch(index - 1 if index > 0 else 1)
        closing = self._variants.pop(index)
        self._group.removeStack(closing.stack)
        closing.stack.deleteLater()
        if index < self._current:
            self._current -= 1
        self.changed.emit()
        self.current_changed.emit(self._current)
        return True

    def rename(self, index: int, name: str) -> None:
        name = " ".join(name.split())
        if name and 0 <= index < len(self._variants):
            self._variants[index].name = name
            self.changed.emit()

    def _next_name(self) -> str:
        taken = set(self.names())
        number = len(self._variants) + 1
        while self.tr("Variant {number}").format(number=number) in taken:
            number += 1
        return self.tr("Variant {number}").format(number=number)
