"""Keys the window's actions and the workload form agree on (no Qt or core needed to read them)."""

from __future__ import annotations

# Undo and Redo: the explicit keys come first (the menu shows them), the platform's follow.
UNDO_KEYS = ("Ctrl+Z",)
REDO_KEYS = ("Ctrl+Shift+Z", "Ctrl+Y")
