"""Bidirectional text: isolate Latin runs (names, paths, URLs, code, numbers with units) so they
read correctly inside right-to-left sentences, and leave English text untouched."""

from __future__ import annotations

from typing import TYPE_CHECKING

# Only names: the window's first paint imports this module, and QtGui's text classes and the
# html module (its entity table) are imported where they are used.
if TYPE_CHECKING:
    from PySide6.QtGui import QTextDocument

# Unicode isolates (UAX #9): a run between them is laid out on its own and cannot reorder the
# punctuation and words around it. FSI takes its direction from the run's first strong letter.
LRI, FSI, PDI = "\u2066", "\u2068", "\u2069"


def _rtl() -> bool:
    # Imported here: the window's first paint imports this module, and no core module yet.
    from advisor import i18n

    return i18n.is_rtl()


def isolate(text: object) -> str:
    """`text` isolated when the interface is right to left (first strong letter decides)."""
    value = str(text)
    return f"{FSI}{value}{PDI}" if value and _rtl() else value


def ltr(text: object) -> str:
    """`text` isolated as left to right (a path, URL, command or number with a unit)."""
    value = str(text)
    return f"{LRI}{value}{PDI}" if value and _rtl() else value


def html_ltr(text: object) -> str:
    """Escaped `text` for rich text, isolated as left to right in a right-to-left interface."""
    import html

    return ltr(html.escape(str(text), quote=False))


def quoted(text: object) -> str:
    """A name in quotes as the language writes them: “name” in English, «name» in Persian."""
    return f"«{isolate(text)}»" if _rtl() else f"“{text}”"


def orient(document: QTextDocument) -> None:
    """Lay out a rich-text document in the interface's direction: in Persian every paragraph is
    right to left (a paragraph that opens with a Latin name would otherwise turn left to right),
    and preformatted code stays left to right. English documents are left as they are."""
    if not _rtl():
        return
    from PySide6.QtCore import Qt  # here: Qt's namespace is slow to build, see ui.app
    from PySide6.QtGui import QTextCursor

    option = document.defaultTextOption()
    option.setTextDirection(Qt.LayoutDirection.RightToLeft)
    document.setDefaultTextOption(option)
    cursor = QTextCursor(document)
    cursor.beginEditBlock()
    spans: list[tuple[int, int]] = []  # inline code inside right-to-left paragraphs
    block = document.begin()
    while block.isValid():
        block_format = block.blockFormat()
        # Code blocks come in non-breaking (Markdown) or in a monospaced font.
        is_code = block_format.nonBreakableLines() or block.charFormat().fontFixedPitch()
        if is_code and block.text().strip():
            block_format.setLayoutDirection(Qt.LayoutDirection.LeftToRight)
            cursor.setPosition(block.position())
            cursor.setBlockFormat(block_format)
        else:
            iterator = block.begin()
            while not iterator.atEnd():
                fragment = iterator.fragment()
                if fragment.isValid() and fragment.charFormat().fontFixedPitch():
                    spans.append((fragment.position(), fragment.position() + fragment.length()))
                iterator += 1
        block = block.next()
    # Isolated, a code span keeps its punctuation and cannot pull the brackets around it along.
    for start, end in reversed(spans):
        cursor.setPosition(end)
        cursor.insertText(PDI)
        cursor.setPosition(start)
        cursor.insertText(LRI)
    cursor.endEditBlock()


RLM = "\u200f"


def paragraph(text: str) -> str:
    """A label's text that reads right to left in Persian even when it opens with a Latin word
    (a label takes its direction from its first strong letter); English is left as it is."""
    return f"{RLM}{text}" if text and _rtl() else text


def mark() -> str:
    """The right-to-left mark that opens a rich-text label in Persian (empty in English)."""
    return RLM if _rtl() else ""
