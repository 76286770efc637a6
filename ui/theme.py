"""Palette-derived colours and the forced dark palette; nothing here hard-codes a light theme."""

from __future__ import annotations

from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QColor, QGuiApplication, QPainter, QPalette, QPen
from PySide6.QtWidgets import QProxyStyle, QStyle, QStyleOption, QWidget


def is_dark(palette: QPalette | None = None) -> bool:
    palette = palette or QGuiApplication.palette()
    return palette.color(QPalette.ColorRole.Window).lightnessF() < 0.5


def good_color(palette: QPalette | None = None) -> QColor:
    """Green with enough contrast on the window background, light or dark."""
    return QColor("#3fb950") if is_dark(palette) else QColor("#1a7f37")


def bad_color(palette: QPalette | None = None) -> QColor:
    return QColor("#ff7b72") if is_dark(palette) else QColor("#cf222e")


def warn_color(palette: QPalette | None = None) -> QColor:
    return QColor("#e3b341") if is_dark(palette) else QColor("#9a6700")


def muted_color(palette: QPalette | None = None) -> QColor:
    palette = palette or QGuiApplication.palette()
    return palette.color(QPalette.ColorGroup.Disabled, QPalette.ColorRole.WindowText)


def dark_palette() -> QPalette:
    """A dark palette for the Fusion style (screenshots with --dark, or on request)."""
    p = QPalette()
    window, base, text = QColor(48, 48, 50), QColor(32, 32, 34), QColor(228, 228, 228)
    disabled = QColor(130, 130, 130)
    roles = {
        QPalette.ColorRole.Window: window,
        QPalette.ColorRole.WindowText: text,
        QPalette.ColorRole.Base: base,
        QPalette.ColorRole.AlternateBase: QColor(42, 42, 45),
        QPalette.ColorRole.ToolTipBase: QColor(50, 50, 52),
        QPalette.ColorRole.ToolTipText: text,
        QPalette.ColorRole.PlaceholderText: disabled,
        QPalette.ColorRole.Text: text,
        QPalette.ColorRole.Button: QColor(58, 58, 61),
        QPalette.ColorRole.ButtonText: text,
        QPalette.ColorRole.BrightText: QColor(255, 80, 80),
        QPalette.ColorRole.Light: QColor(90, 90, 94),
        QPalette.ColorRole.Midlight: QColor(72, 72, 76),
        QPalette.ColorRole.Mid: QColor(40, 40, 42),
        QPalette.ColorRole.Dark: QColor(24, 24, 25),
        QPalette.ColorRole.Shadow: QColor(0, 0, 0),
        QPalette.ColorRole.Highlight: QColor(38, 110, 200),
        QPalette.ColorRole.HighlightedText: QColor(255, 255, 255),
        QPalette.ColorRole.Link: QColor(110, 170, 255),
        QPalette.ColorRole.LinkVisited: QColor(180, 140, 255),
    }
    for role, color in roles.items():
        p.setColor(role, color)
    for role in (
        QPalette.ColorRole.WindowText,
        QPalette.ColorRole.Text,
        QPalette.ColorRole.ButtonText,
    ):
        p.setColor(QPalette.ColorGroup.Disabled, role, disabled)
    # Disabled widgets grey their fills as well as their text, as the light palette does: a
    # stale recommendation's score bars must not stay bright blue.
    disabled_roles = {
        QPalette.ColorRole.Highlight: QColor(86, 86, 90),
        QPalette.ColorRole.HighlightedText: QColor(176, 176, 176),
        QPalette.ColorRole.Base: window,
        QPalette.ColorRole.Link: QColor(140, 150, 165),
    }
    for role, color in disabled_roles.items():
        p.setColor(QPalette.ColorGroup.Disabled, role, color)
    return p


def apply_dark(app: QGuiApplication) -> None:
    """Fusion with a dark palette, whatever the platform theme says."""
    from PySide6.QtWidgets import QApplication

    remember_platform_style(app)
    if isinstance(app, QApplication):
        app.setStyle(AppStyle("Fusion"))
    app.setPalette(dark_palette())


THEMES = ("system", "light", "dark")
_PLATFORM_STYLE: list[str] = []  # the style the application started with, before any theme


def remember_platform_style(app: QGuiApplication) -> None:
    """Note the platform's style once, before a theme replaces it (so "system" can restore it)."""
    from PySide6.QtWidgets import QApplication

    if not _PLATFORM_STYLE and isinstance(app, QApplication):
        _PLATFORM_STYLE.append(app.style().name() or "fusion")


def apply_theme(app: QGuiApplication, choice: str) -> None:
    """ "dark", "light", or "system" (the platform's style and palette, following its changes)."""
    from PySide6.QtWidgets import QApplication

    remember_platform_style(app)
    hints = app.styleHints()
    if choice == "dark":
        hints.setColorScheme(Qt.ColorScheme.Dark)
        apply_dark(app)
        return
    if isinstance(app, QApplication) and _PLATFORM_STYLE:
        app.setStyle(_PLATFORM_STYLE[0])
    if choice == "light":
        hints.setColorScheme(Qt.ColorScheme.Light)
        app.setPalette(QPalette())
        if is_dark(app.palette()) and isinstance(app, QApplication):
            # The platform would not give a light palette: Fusion's own is light.
            fusion = AppStyle("Fusion")
            app.setStyle(fusion)
            app.setPalette(fusion.standardPalette())
        return
    hints.unsetColorScheme()
    app.setPalette(QPalette())  # the platform's, which Qt keeps in step with the desktop


class AppStyle(QProxyStyle):
    """The platform's style with two fixes: unticked check boxes and radio buttons keep a
    visible edge on a dark palette (Fusion draws it a shade off the background), and nothing
    else changes."""

    def drawPrimitive(
        self,
        element: QStyle.PrimitiveElement,
        option: QStyleOption,
        painter: QPainter,
        widget: QWidget | None = None,
    ) -> None:
        super().drawPrimitive(element, option, painter, widget)
        if element not in _INDICATORS or not is_dark(option.palette):
            return
        # The edge in the text colour, softened: as visible on dark as Fusion's is on light.
        edge = QColor(option.palette.color(QPalette.ColorRole.WindowText))
        edge.setAlphaF(0.55)
        painter.save()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setPen(QPen(edge, 1.0))
        painter.setBrush(Qt.BrushStyle.NoBrush)
        box = QRectF(option.rect).adjusted(1.5, 1.5, -1.5, -1.5)
        if element is QStyle.PrimitiveElement.PE_IndicatorRadioButton:
            painter.drawEllipse(box)
        else:
            painter.drawRoundedRect(box, 1.5, 1.5)
        painter.restore()


_INDICATORS = (
    QStyle.PrimitiveElement.PE_IndicatorCheckBox,
    QStyle.PrimitiveElement.PE_IndicatorItemViewItemCheck,
    QStyle.PrimitiveElement.PE_IndicatorRadioButton,
)
