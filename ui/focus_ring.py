"""A visible focus ring on whichever control has the keyboard focus, in any style and palette.

Styles draw focus differently or not at all (Fusion marks a line edit with a thin tint, a tree
or a text browser not at all, and a check box only around its label). One overlay, drawn in
the palette's highlight colour over the focused widget's edge, makes it the same everywhere.
"""

from __future__ import annotations

import shiboken6
from PySide6.QtCore import QEvent, QObject, QRectF, Qt
from PySide6.QtGui import QColor, QPainter, QPaintEvent, QPalette, QPen
from PySide6.QtWidgets import QApplication, QMenu, QMenuBar, QWidget

RING_WIDTH = 2.0
_FOLLOW = (QEvent.Type.Move, QEvent.Type.Resize, QEvent.Type.Show, QEvent.Type.Hide)


class _Ring(QWidget):
    """Paints the ring; never takes a click or the focus."""

    def __init__(self) -> None:
        super().__init__()
        self.setObjectName("focusRing")
        self.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)
        self.setAttribute(Qt.WidgetAttribute.WA_NoSystemBackground)
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)

    def paintEvent(self, _event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        colour = QColor(self.palette().color(QPalette.ColorRole.Highlight))
        painter.setPen(QPen(colour, RING_WIDTH))
        painter.setBrush(Qt.BrushStyle.NoBrush)
        inset = RING_WIDTH / 2
        painter.drawRoundedRect(QRectF(self.rect()).adjusted(inset, inset, -inset, -inset), 3, 3)
        painter.end()


class FocusRing(QObject):
    """Follows QApplication.focusChanged and keeps one ring over the focused widget.

    The ring is a sibling of the focused widget (a child of its parent), so it scrolls and clips
    with it; drawn inside the widget's own rectangle, so a parent's edge never cuts it off.
    """

    def __init__(self, app: QApplication) -> None:
        super().__init__(app)
        self.setObjectName("focusRingController")
        self._ring: _Ring | None = None
        self._target: QWidget | None = None
        app.focusChanged.connect(self._on_focus_changed)

    @property
    def target(self) -> QWidget | None:
        """The widget the ring is drawn around (None when hidden)."""
        ring = self._ring
        if ring is None or not shiboken6.isValid(ring) or ring.isHidden():
            return None
        return self._target

    @property
    def ring(self) -> QWidget | None:
        return self._ring if self._ring is not None and shiboken6.isValid(self._ring) else None

    def _on_focus_changed(self, _old: QWidget | None, new: QWidget | None) -> None:
        self._follow(new if new is not None and self._wants_ring(new) else None)

    @staticmethod
    def _wants_ring(widget: QWidget) -> bool:
        if widget.isWindow() or isinstance(widget, QMenu | QMenuBar):
            return False
        parent = widget.parentWidget()
        return parent is not None and widget.focusPolicy() != Qt.FocusPolicy.NoFocus

    def _follow(self, widget: QWidget | None) -> None:
        old = self._target
        if old is not None and shiboken6.isValid(old):
            old.removeEventFilter(self)
        self._target = widget
        ring = self.ring
        if widget is None:
            if ring is not None:
                ring.hide()
            return
        parent = widget.parentWidget()
        assert parent is not None
        if ring is None:
            ring = self._ring = _Ring()
        if ring.parentWidget() is not parent:
            ring.setParent(parent)
        widget.installEventFilter(self)
        self._place()

    def _place(self) -> None:
        ring, widget = self.ring, self._target
        if ring is None or widget is None or not shiboken6.isValid(widget):
            return
        if not widget.isVisible():
            ring.hide()
            return
        ring.setGeometry(widget.geometry())
        ring.show()
        ring.raise_()

    def eventFilter(self, obj: QObject, event: QEvent) -> bool:
        if obj is self._target and event.type() in _FOLLOW:
            self._place()
        return False


def install(app: QApplication) -> FocusRing:
    """One ring controller per application (a second call returns the first)."""
    found = app.findChild(FocusRing, "focusRingController")
    return found if isinstance(found, FocusRing) else FocusRing(app)
