"""Bidirectional text: isolate Latin runs (names, paths, URLs, code, numbers with units) so they
read correctly inside right-to-left sentences, and leave English text untouched."""

from __future__ import annotations

import html

from advisor import i18n

# Unicode isolates (UAX #9): a run between them is laid out on its own and cannot reorder the
# punctuation and words around it. FSI takes its direction from the run's first strong letter.
LRI, FSI, PDI = "\u2066", "\u2068", "\u2069"


def isolate(text: object) -> str:
    """`text` isolated when the interface is right to left (first strong letter decides)."""
    value = str(text)
    return f"{FSI}{value}{PDI}" if value and i18n.is_rtl() else value


def ltr(text: object) -> str:
    """`text` isolated as left to right (a path, URL, command or number with a unit)."""
    value = str(text)
    return f"{LRI}{value}{PDI}" if value and i18n.is_rtl() else value


def html_ltr(text: object) -> str:
    """Escaped `text` for rich text, isolated as left to right in a right-to-left interface."""
    return ltr(html.escape(str(text), quote=False))


def quoted(text: object) -> str:
    """A name in quotes as the language writes them: “name” in English, «name» in Persian."""
    return f"«{isolate(text)}»" if i18n.is_rtl() else f"“{text}”"
