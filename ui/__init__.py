"""The desktop app over the core; PySide6's reference-count bug on 3.11 is neutralised first."""

from ui import refcounts

refcounts.pin_singletons()
