"""Marking texts for Qt's translation where no `tr()` call can stand (module-level tables)."""

from __future__ import annotations


def QT_TRANSLATE_NOOP(context: str, text: str) -> str:  # the name lupdate looks for
    """Mark `text` for lupdate under `context`; translate it where it is shown with
    `QCoreApplication.translate(context, text)`."""
    return text
