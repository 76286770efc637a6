"""Palette-derived colours, the dark palette's check boxes, and the focus ring."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QApplication,
    QCheckBox,
    QLineEdit,
    QStyleFactory,
    QVBoxLayout,
    QWidget,
)

from ui import focus_ring, theme


def _contrast(a: QColor, b: QColor) -> float:
    return abs(a.lightnessF() - b.lightnessF())


def test_an_unticked_check_box_is_visible_on_the_dark_palette(qtbot: Any) -> None:
    holder = QWidget()
    holder.setStyle(theme.AppStyle(QStyleFactory.create("Fusion")))
    holder.setPalette(theme.dark_palette())
    box = QCheckBox("Consumers replay history", holder)
    box.setStyle(holder.style())
    box.setPalette(theme.dark_palette())
    qtbot.addWidget(holder)
    holder.resize(260, 40)
    image = box.grab().toImage()
    background = theme.dark_palette().color(theme.QPalette.ColorRole.Window)
    # The indicator sits at the left: its edge must stand out from the window, as on light.
    best = max(
        _contrast(image.pixelColor(x, y), background)
        for x in range(0, min(20, image.width()))
        for y in range(image.height())
    )
    assert best > 0.3

    plain = QCheckBox("x")
    plain.setStyle(QStyleFactory.create("Fusion"))
    plain.setPalette(theme.dark_palette())
    qtbot.addWidget(plain)
    raw = plain.grab().toImage()
    before = max(
        _contrast(raw.pixelColor(x, y), background)
        for x in range(0, min(20, raw.width()))
        for y in range(raw.height())
    )
    assert best > before  # what the fix is for: Fusion alone draws it a shade off the window


def test_the_focus_ring_follows_the_keyboard_focus(qtbot: Any, qapp: QApplication) -> None:
    ring = focus_ring.install(qapp)
    assert focus_ring.install(qapp) is ring  # one per application
    window = QWidget()
    layout = QVBoxLayout(window)
    first, second = QLineEdit(), QCheckBox("Option")
    layout.addWidget(first)
    layout.addWidget(second)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow, timeout=2_000)
    first.setFocus(Qt.FocusReason.TabFocusReason)
    qtbot.waitUntil(lambda: ring.target is first, timeout=1_000)
    qtbot.keyClick(first, Qt.Key.Key_Tab)
    qtbot.waitUntil(lambda: ring.target is second, timeout=1_000)
    shown = ring.ring
    assert shown is not None and shown.geometry() == second.geometry()
    image = shown.grab().toImage()
    highlight = shown.palette().color(theme.QPalette.ColorRole.Highlight)
    edge = image.pixelColor(image.width() // 2, 0)
    assert edge.alpha() > 0 and _contrast(edge, highlight) < 0.2
    second.clearFocus()
    qtbot.waitUntil(lambda: ring.target is None, timeout=1_000)
