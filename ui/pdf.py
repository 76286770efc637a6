"""Render report HTML to an A4 PDF with QTextDocument and QPdfWriter (no browser needed)."""

from __future__ import annotations

import os
import sys
from pathlib import Path

from PySide6.QtCore import QMarginsF, QRectF, QSizeF, Qt
from PySide6.QtGui import (
    QColor,
    QFont,
    QGuiApplication,
    QPageLayout,
    QPageSize,
    QPainter,
    QPdfWriter,
    QTextBlock,
    QTextCursor,
    QTextDocument,
    QTextFormat,
    QTextTable,
)
from PySide6.QtWidgets import QApplication

MARGINS_MM = QMarginsF(16, 14, 16, 10)
FOOTER_MM = 8.0
MAX_TABLE_MOVES = 200
RESOLUTION_DPI = 300
CAPTION_CHARS = 160  # a block this short between a heading and its table moves with them


def _has_display() -> bool:
    if sys.platform in ("win32", "darwin"):
        return True
    return bool(os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))


def ensure_gui_application() -> QGuiApplication:
    """The running Qt application, or a new QGuiApplication (offscreen when there is no display)."""
    app = QGuiApplication.instance()
    if app is not None:
        assert isinstance(app, QGuiApplication | QApplication)
        return app
    if not os.environ.get("QT_QPA_PLATFORM") and not _has_display():
        os.environ["QT_QPA_PLATFORM"] = "offscreen"
    return QGuiApplication(["broker-advisor"])


def build_document(html: str) -> QTextDocument:
    """A QTextDocument holding the HTML, with the report's default font."""
    document = QTextDocument()
    font = QFont("DejaVu Sans")
    font.setPointSizeF(9.5)
    document.setDefaultFont(font)
    document.setHtml(html)
    return document


def render_pdf(html: str, path: Path) -> None:
    """Write the HTML as an A4 PDF with margins and a page-numbered footer."""
    ensure_gui_application()
    writer = QPdfWriter(str(path))
    writer.setResolution(RESOLUTION_DPI)
    writer.setCreator("Broker Advisor")
    title = _title(html)
    writer.setTitle(title)
    writer.setPageLayout(
        QPageLayout(
            QPageSize(QPageSize.PageSizeId.A4),
            QPageLayout.Orientation.Portrait,
            MARGINS_MM,
            QPageLayout.Unit.Millimeter,
        )
    )
    document = build_document(html)
    # Lay out at the writer's resolution on its printable area, minus a footer band, so that
    # QTextDocument's own pagination (which keeps table rows whole and honours
    # page-break-before/after) decides the page breaks; QTextDocument.print_() would add 2 cm
    # margins of its own on top of ours.
    document.documentLayout().setPaintDevice(writer)
    area = writer.pageLayout().paintRectPixels(writer.resolution())
    footer_px = FOOTER_MM / 25.4 * writer.resolution()
    page_height = area.height() - footer_px
    document.setPageSize(QSizeF(area.width(), page_height))
    keep_tables_together(document, page_height)
    pages = document.pageCount()
    painter = QPainter()
    if not painter.begin(writer):
        raise OSError(f"{path}: cannot open the file for writing")
    try:
        footer_font = QFont(document.defaultFont())
        footer_font.setPointSizeF(7.5)
        for page in range(pages):
            if page:
                writer.newPage()
            painter.save()
            painter.translate(0, -page * page_height)
            document.drawContents(painter, QRectF(0, page * page_height, area.width(), page_height))
            painter.restore()
            painter.setFont(footer_font)
            painter.setPen(QColor("#7b8794"))
            band = QRectF(0, area.height() - footer_px * 0.7, area.width(), footer_px * 0.7)
            painter.drawText(
                band, int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignBottom), title
            )
            painter.drawText(
                band,
                int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignBottom),
                f"page {page + 1} of {pages}",
            )
    finally:
        painter.end()
    if not Path(path).exists():
        raise OSError(f"{path}: the PDF writer produced no file")


def keep_tables_together(document: QTextDocument, page_height: float) -> None:
    """Move each table that would straddle a page break (and fits on one page) to the next page.

    QTextDocument ignores `page-break-inside: avoid`, but honours a page-break-before policy on
    blocks and tables: after layout, a straddling table gets that policy, or the heading just
    before it does so the two stay together. Longer tables split between rows, their header
    row repeated.
    """
    layout = document.documentLayout()
    moved: set[int] = set()
    for _ in range(MAX_TABLE_MOVES):
        straddling = None
        for frame in document.rootFrame().childFrames():
            if not isinstance(frame, QTextTable) or frame.firstPosition() in moved:
                continue
            rect = layout.frameBoundingRect(frame)
            crosses = int(rect.top() // page_height) != int((rect.bottom() - 1) // page_height)
            if crosses and rect.height() < page_height * 0.9:
                straddling = frame
                break
        if straddling is None:
            return
        moved.add(straddling.firstPosition())
        heading = _heading_before(document, straddling.firstPosition())
        if heading is not None:
            cursor = QTextCursor(heading)
            block_format = cursor.blockFormat()
            block_format.setPageBreakPolicy(QTextFormat.PageBreakFlag.PageBreak_AlwaysBefore)
            cursor.setBlockFormat(block_format)
        else:
            table_format = straddling.format()
            table_format.setPageBreakPolicy(QTextFormat.PageBreakFlag.PageBreak_AlwaysBefore)
            straddling.setFormat(table_format)


def _heading_before(document: QTextDocument, position: int) -> QTextBlock | None:
    """The first heading of the run of headings and captions just before a position.

    So that "4. Reasons", "1. RabbitMQ" and a one-line caption all move with the table they
    introduce, instead of staying behind at the bottom of a page.
    """
    block = document.findBlock(position - 1)
    found = None
    for _ in range(4):
        if not block.isValid() or QTextCursor(block).currentTable() is not None:
            break
        if block.blockFormat().headingLevel() > 0:
            found = block
        elif len(block.text()) > CAPTION_CHARS:
            break
        block = block.previous()
    return found


def _title(html: str) -> str:
    start = html.find("<title>")
    end = html.find("</title>", start)
    if start < 0 or end < 0:
        return "Broker Advisor report"
    from html import unescape

    return unescape(html[start + len("<title>") : end]).strip()
