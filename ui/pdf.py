"""Render report HTML to an A4 PDF with QTextDocument and QPdfWriter (no browser needed)."""

from __future__ import annotations

import hashlib
import os
import re
import sys
import uuid
from datetime import UTC, datetime
from pathlib import Path

from PySide6.QtCore import QMarginsF, QRectF, QSizeF, Qt, QUuid
from PySide6.QtGui import (
    QAbstractTextDocumentLayout,
    QColor,
    QFont,
    QFontMetricsF,
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
MAX_MOVES = 400  # page breaks paginate() may add; a report has far fewer headings
RESOLUTION_DPI = 300
CAPTION_CHARS = 160  # a block this short between a heading and its table moves with them
# A table is moved whole to the next page only if that leaves at most this share of the page
# blank; a longer table splits between rows (its header repeated) instead of leaving half a
# page empty.
MAX_BLANK_SHARE = 0.3
# Space above and below headings, in points, as the print stylesheet asks: Qt's HTML import
# drops margins given in pt, so headings sat tight on the table above them.
HEADING_SPACE_PT = {1: (0.0, 2.0), 2: (16.0, 5.0), 3: (9.0, 3.0), 4: (6.0, 2.0)}
FOOTER_GAP_MM = 6.0  # between the footer's title and its page number
# The report's own timestamp, which the PDF's creation dates are set to (report.html.j2).
_CREATED_META = re.compile(r'<meta name="dcterms\.created" content="([^"]+)">')
# The report's language and direction (report.html.j2), which the footer follows.
_HTML_LANG = re.compile(r'<html lang="([A-Za-z_-]+)"( dir="rtl")?')
_PDF_DATES = re.compile(rb"(/(?:CreationDate|ModDate) \(D:)(\d{14})(Z|[+-]\d\d'\d\d'?)")
_XMP_DATES = re.compile(
    rb'(xmp:(?:CreateDate|ModifyDate|MetadataDate)=")'
    rb"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)(Z|[+-]\d\d:\d\d)"
)
_ID_NAMESPACE = uuid.UUID("6f0d2a52-3b8e-4f4e-9a51-8f7f3c1d2e10")


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
    """A QTextDocument holding the HTML, with the report's default font.

    Characters no installed font can draw (emoji, most often) are written out by name, e.g.
    "[rocket]", rather than left as empty boxes.
    """
    document = QTextDocument()
    font = QFont("DejaVu Sans")
    font.setPointSizeF(9.5)
    document.setDefaultFont(font)
    document.setHtml(without_missing_glyphs(html, font))
    return document


_DRAWABLE: dict[int, bool] = {}
_JOINERS = {0x200D, 0xFE0E, 0xFE0F}  # zero-width joiner, text and emoji presentation selectors


def _drawable(code: int, font: QFont) -> bool:
    """Whether the font, or any installed font Qt could fall back to, has the character."""
    known = _DRAWABLE.get(code)
    if known is not None:
        return known
    from PySide6.QtGui import QFontDatabase, QFontMetricsF

    found = QFontMetricsF(font).inFontUcs4(code) or any(
        QFontMetricsF(QFont(family)).inFontUcs4(code) for family in QFontDatabase.families()
    )
    _DRAWABLE[code] = found
    return found


def without_missing_glyphs(text: str, font: QFont) -> str:
    """Symbols (emoji and the like) that no installed font has, replaced by their names."""
    import unicodedata

    out: list[str] = []
    replaced = False
    for char in text:
        code = ord(char)
        if code in _JOINERS:
            if not replaced:
                out.append(char)
            continue
        if code < 0x2000 or unicodedata.category(char) not in ("So", "Sk", "Co", "Cn"):
            out.append(char)
            replaced = False
            continue
        if _drawable(code, font):
            out.append(char)
            replaced = False
        else:
            name = unicodedata.name(char, "").lower()
            out.append(f"[{name}]" if name else "[?]")
            replaced = True
    return "".join(out)


def space_headings(document: QTextDocument, px_per_pt: float) -> None:
    """Give headings the space above and below that the print stylesheet asks for."""
    block = document.begin()
    while block.isValid():
        level = block.blockFormat().headingLevel()
        if level in HEADING_SPACE_PT:
            above, below = HEADING_SPACE_PT[level]
            cursor = QTextCursor(block)
            block_format = cursor.blockFormat()
            block_format.setTopMargin(max(block_format.topMargin(), above * px_per_pt))
            block_format.setBottomMargin(max(block_format.bottomMargin(), below * px_per_pt))
            cursor.setBlockFormat(block_format)
        block = block.next()


def render_pdf(html: str, path: Path) -> None:
    """Write the HTML as an A4 PDF with margins and a page-numbered footer."""
    ensure_gui_application()
    writer = QPdfWriter(str(path))
    # Same HTML, same /ID (Qt picks a random one otherwise), so exports are reproducible.
    digest = hashlib.sha256(html.encode("utf-8")).hexdigest()
    writer.setDocumentId(QUuid(str(uuid.uuid5(_ID_NAMESPACE, digest))))
    writer.setResolution(RESOLUTION_DPI)
    writer.setCreator("Broker Advisor")
    title = without_missing_glyphs(_title(html), QFont("DejaVu Sans"))
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
    space_headings(document, writer.resolution() / 72.0)
    # Changing block formats relays out only part of the document: code blocks after a changed
    # heading were left without lines (and vanished from the PDF). Lay it all out again.
    document.markContentsDirty(0, document.characterCount())
    paginate(document, page_height)
    pages = document.pageCount()
    painter = QPainter()
    if not painter.begin(writer):
        raise OSError(f"{path}: cannot open the file for writing")
    try:
        footer_font = QFont(document.defaultFont())
        footer_font.setPointSizeF(7.5)
        lang, rtl = _language(html)
        if rtl:
            footer_font.setFamilies(["Noto Sans Arabic UI", "Noto Sans Arabic", "DejaVu Sans"])
        start, end = (Qt.AlignmentFlag.AlignRight, Qt.AlignmentFlag.AlignLeft)
        if not rtl:
            start, end = end, start
        gap_px = FOOTER_GAP_MM / 25.4 * writer.resolution()
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
            number = _page_number(lang, page + 1, pages)
            metrics = QFontMetricsF(footer_font, writer)
            # A long title is cut short with an ellipsis: it never runs into the page number.
            room = area.width() - metrics.horizontalAdvance(number) - gap_px
            shown = metrics.elidedText(title, Qt.TextElideMode.ElideRight, max(room, 0.0))
            painter.drawText(band, int(start | Qt.AlignmentFlag.AlignBottom), shown)
            painter.drawText(band, int(end | Qt.AlignmentFlag.AlignBottom), number)
    finally:
        painter.end()
    if not Path(path).exists():
        raise OSError(f"{path}: the PDF writer produced no file")
    created = _created_at(html)
    if created is not None:
        pin_dates(Path(path), created)


def _created_at(html: str) -> datetime | None:
    match = _CREATED_META.search(html)
    if match is None:
        return None
    try:
        moment = datetime.fromisoformat(match.group(1))
    except ValueError:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def pin_dates(path: Path, moment: datetime) -> None:
    """Set the PDF's creation and modification dates (Info and XMP) to the report's timestamp.

    QPdfWriter always writes the current time and has no setter for it. The dates have a fixed
    width, so they are replaced in place, in UTC: byte offsets, the xref table and stream lengths
    stay valid. A file without the expected dates is left alone.
    """
    utc = moment.astimezone(UTC)
    pdf_date = utc.strftime("%Y%m%d%H%M%S").encode()
    xmp_date = utc.strftime("%Y-%m-%dT%H:%M:%S").encode()

    def utc_suffix(suffix: bytes) -> bytes:
        return suffix if suffix == b"Z" else re.sub(rb"[+-]\d\d(.)\d\d", rb"+00\g<1>00", suffix)

    data = path.read_bytes()
    pinned = _PDF_DATES.sub(lambda m: m.group(1) + pdf_date + utc_suffix(m.group(3)), data)
    pinned = _XMP_DATES.sub(lambda m: m.group(1) + xmp_date + utc_suffix(m.group(3)), pinned)
    if pinned != data and len(pinned) == len(data):
        path.write_bytes(pinned)


def paginate(document: QTextDocument, page_height: float) -> None:
    """Choose page breaks: no heading alone at the bottom of a page, no table split needlessly.

    QTextDocument ignores `page-break-after: avoid` and `page-break-inside: avoid`, but honours a
    page-break-before policy on blocks and tables. So, walking the laid-out document from the
    top, each run of headings (with a short caption that introduces a table) that would end a
    page apart from the first line of what follows it, and each table that would straddle a break
    though it fits on one page, gets that policy; the run of headings before such a table moves
    with it. A change only moves what comes after it, so one pass from the top suffices. Longer
    tables split between rows, their header row repeated.
    """
    layout = document.documentLayout()
    moves = 0
    block = document.begin()
    while block.isValid() and moves < MAX_MOVES:
        table = QTextCursor(block).currentTable()
        if table is not None:
            # Tables one after another (the score chart: one per broker) move as one.
            group = _table_group(document, table)
            if not _fits(layout, group, page_height):
                group = [table]
            if block.position() == table.firstPosition() and _straddles(layout, group, page_height):
                target = _heading_before(document, table.firstPosition())
                top = (
                    float(layout.blockBoundingRect(target).top())
                    if target is not None
                    else float(layout.frameBoundingRect(table).top())
                )
                # Moving leaves the rest of this page blank: only when that is little.
                if page_height - top % page_height <= MAX_BLANK_SHARE * page_height:
                    if target is not None:
                        _break_before(target)
                    else:
                        _break_before_table(table)
                    moves += 1
            # Skip the rest of the group: its cells are handled with it.
            block = document.findBlock(group[-1].lastPosition() + 1)
            continue
        if _starts_heading_run(block):
            content = _content_after(block)
            if content is not None and _apart(layout, block, content, page_height):
                _break_before(block)
                moves += 1
        block = block.next()


def orphan_headings(document: QTextDocument, page_height: float) -> list[str]:
    """The headings laid out at the bottom of a page apart from what follows them."""
    layout = document.documentLayout()
    found = []
    block = document.begin()
    while block.isValid():
        if QTextCursor(block).currentTable() is None and _starts_heading_run(block):
            content = _content_after(block)
            if content is not None and _apart(layout, block, content, page_height):
                found.append(block.text())
        block = block.next()
    return found


def _is_heading(block: QTextBlock) -> bool:
    return block.blockFormat().headingLevel() > 0


def _starts_heading_run(block: QTextBlock) -> bool:
    """A heading whose previous non-empty block is not a heading."""
    if not _is_heading(block):
        return False
    previous = block.previous()
    while previous.isValid() and not previous.text().strip():
        if QTextCursor(previous).currentTable() is not None:
            break
        previous = previous.previous()
    return not (
        previous.isValid()
        and QTextCursor(previous).currentTable() is None
        and _is_heading(previous)
    )


def _content_after(block: QTextBlock) -> QTextBlock | None:
    """The first block of what a heading introduces: past further headings and empty blocks,
    and past a short caption when a table follows it (the table's first cell)."""
    candidate = block.next()
    while candidate.isValid():
        if QTextCursor(candidate).currentTable() is not None:
            return candidate
        if _is_heading(candidate) or not candidate.text().strip():
            candidate = candidate.next()
            continue
        if len(candidate.text()) <= CAPTION_CHARS:
            after = candidate.next()
            while after.isValid() and not after.text().strip() and not _in_table(after):
                after = after.next()
            if after.isValid() and _in_table(after):
                return after
        return candidate
    return None


def _in_table(block: QTextBlock) -> bool:
    return QTextCursor(block).currentTable() is not None


def _first_line_bottom(layout: QAbstractTextDocumentLayout, block: QTextBlock) -> float:
    rect = layout.blockBoundingRect(block)
    text_layout = block.layout()
    if text_layout is None or text_layout.lineCount() == 0:
        return float(rect.bottom())
    line = text_layout.lineAt(0)
    return float(rect.top() + line.position().y() + line.height())


def _apart(
    layout: QAbstractTextDocumentLayout,
    heading: QTextBlock,
    content: QTextBlock,
    page_height: float,
) -> bool:
    """Whether the heading ends a page and the content's first line starts the next one,
    when moving the heading would help (it is not already at the top of its page)."""
    top = float(layout.blockBoundingRect(heading).top())
    if top % page_height < 1.0:
        return False
    return int(top // page_height) != int((_first_line_bottom(layout, content) - 1) // page_height)


def _table_group(document: QTextDocument, table: QTextTable) -> list[QTextTable]:
    """The table and the tables right after it, with only empty blocks between them."""
    group = [table]
    block = document.findBlock(group[-1].lastPosition() + 1)
    while block.isValid():
        following = QTextCursor(block).currentTable()
        if following is not None and following not in group:
            group.append(following)
            block = document.findBlock(following.lastPosition() + 1)
        elif following is None and not block.text().strip() and block.next().isValid():
            block = block.next()
        else:
            break
    return group


def _fits(
    layout: QAbstractTextDocumentLayout, tables: list[QTextTable], page_height: float
) -> bool:
    top = float(layout.frameBoundingRect(tables[0]).top())
    return float(layout.frameBoundingRect(tables[-1]).bottom()) - top < page_height * 0.9


def _straddles(
    layout: QAbstractTextDocumentLayout, tables: list[QTextTable], page_height: float
) -> bool:
    top = float(layout.frameBoundingRect(tables[0]).top())
    bottom = float(layout.frameBoundingRect(tables[-1]).bottom())
    crosses = int(top // page_height) != int((bottom - 1) // page_height)
    return bool(crosses and bottom - top < page_height * 0.9)


def _break_before(block: QTextBlock) -> None:
    cursor = QTextCursor(block)
    block_format = cursor.blockFormat()
    block_format.setPageBreakPolicy(QTextFormat.PageBreakFlag.PageBreak_AlwaysBefore)
    cursor.setBlockFormat(block_format)


def _break_before_table(table: QTextTable) -> None:
    table_format = table.format()
    table_format.setPageBreakPolicy(QTextFormat.PageBreakFlag.PageBreak_AlwaysBefore)
    table.setFormat(table_format)


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


def _language(html: str) -> tuple[str, bool]:
    """The report's language code and whether it is written right to left."""
    match = _HTML_LANG.search(html)
    return (match.group(1), bool(match.group(2))) if match else ("en", False)


def _page_number(lang: str, page: int, pages: int) -> str:
    """'page 3 of 12', in the report's language (Persian digits in Persian)."""
    from advisor import i18n

    try:
        with i18n.using(lang):
            return i18n.tr("page {page} of {pages}", page=page, pages=pages).translate(
                i18n.PERSIAN_DIGITS if i18n.is_rtl() else {}
            )
    except i18n.LanguageError:
        return f"page {page} of {pages}"


def _title(html: str) -> str:
    start = html.find("<title>")
    end = html.find("</title>", start)
    if start < 0 or end < 0:
        return "Broker Advisor report"
    from html import unescape

    return unescape(html[start + len("<title>") : end]).strip()
