"""Qt translation for code outside a QObject: `translate(context, text)` and, for tables built at
import, `QT_TRANSLATE_NOOP(context, text)`; lupdate finds both by name."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication


def translate(context: str, text: str, disambiguation: str | None = None, n: int = -1) -> str:
    """`text` in the interface language."""
    return QCoreApplication.translate(context, text, disambiguation, n)


def QT_TRANSLATE_NOOP(context: str, text: str) -> str:  # the name lupdate looks for
    """Mark `text` for lupdate under `context`; translate it where it is shown."""
    return text
