"""File > Export: choose a file and format, write the report, offer to open it."""

from __future__ import annotations

import os
import re
import shutil
import sys
from collections.abc import Sequence
from pathlib import Path

from PySide6.QtCore import QStandardPaths, QUrl
from PySide6.QtGui import QDesktopServices, QGuiApplication
from PySide6.QtWidgets import QFileDialog, QMessageBox, QWidget

from advisor import i18n, report
from advisor.loadtest.models import BakeoffResult
from advisor.probe.models import ProbeResult
from advisor.recommendation import Recommendation
from advisor.workload import Workload
from ui import bidi, settings
from ui.translation import QT_TRANSLATE_NOOP, translate

# Filter text -> format, in the order the dialog lists them.
FILTERS: dict[str, report.Format] = {
    QT_TRANSLATE_NOOP("ExportDialog", "HTML report (*.html *.htm)"): "html",
    QT_TRANSLATE_NOOP("ExportDialog", "PDF document (*.pdf)"): "pdf",
    QT_TRANSLATE_NOOP("ExportDialog", "Markdown decision record (*.md)"): "md",
    QT_TRANSLATE_NOOP("ExportDialog", "JSON data (*.json)"): "json",
}


def _filters() -> dict[str, report.Format]:
    """FILTERS in the interface language (the patterns stay as they are)."""
    return {translate("ExportDialog", text): fmt for text, fmt in FILTERS.items()}


def default_file_name(workload: Workload, fmt: report.Format = "html") -> str:
    """A file name from the workload's name, e.g. 'order-processing-report.html'."""
    slug = re.sub(r"[^a-z0-9]+", "-", workload.name.lower()).strip("-")[:60] or "workload"
    return f"{slug}-report{report.SUFFIXES[fmt]}"


def default_folder() -> Path:
    """Where the dialog opens: the Documents folder if it exists, else the home directory.

    Qt names a Documents folder even when there is none, and a dialog pointed at a missing
    folder opens in the current directory instead.
    """
    folder = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation)
    if folder and Path(folder).is_dir():
        return Path(folder)
    return Path.home()


def ask_path(parent: QWidget | None, workload: Workload) -> tuple[Path, report.Format] | None:
    """Ask where to save and in which format; None when cancelled.

    The dialog opens in the folder last used (for a workload or a report), else Documents.
    """
    start = str(settings.last_folder(default_folder()) / default_file_name(workload))
    chosen, selected = QFileDialog.getSaveFileName(
        parent,
        translate("ExportDialog", "Export report"),
        start,
        ";;".join(_filters()),
        next(iter(_filters())),
    )
    if not chosen:
        return None
    return resolve_choice(chosen, selected)


# Programs Qt hands a file to on Linux and the BSDs (QDesktopServices: xdg-open first).
_LAUNCHERS = ("xdg-open", "gio", "kde-open", "kde-open5", "gnome-open")


def can_open_files() -> bool:
    """Whether this desktop has a program to open a file with; without one, QDesktopServices
    fails (and says nothing), so the app must not offer to open the report."""
    if QGuiApplication.platformName() in ("offscreen", "minimal"):
        return False
    if sys.platform in ("win32", "darwin"):
        return True
    if os.environ.get("FLATPAK_ID") or os.environ.get("SNAP"):
        return True  # the desktop portal opens it
    return any(shutil.which(name) for name in _LAUNCHERS)


def resolve_choice(chosen: str, selected_filter: str) -> tuple[Path, report.Format]:
    """The format from the file's suffix, else the selected filter (whose suffix is added)."""
    path = Path(chosen)
    by_suffix = report.format_for_path(path)
    if by_suffix is not None:
        return path, by_suffix
    fmt = _filters().get(selected_filter) or FILTERS.get(selected_filter, "html")
    return path.with_name(path.name + report.SUFFIXES[fmt]), fmt


def offer_open(parent: QWidget | None, path: Path, fmt: report.Format) -> None:
    """Say where the report went; offer to open it only where a program can, and say so when
    opening it fails instead of failing silently."""
    saved = (
        translate("ExportDialog", "The {format} report was saved to").format(
            format=i18n.tr(report.FORMAT_TITLES[fmt])
        )
        + f"\n{bidi.ltr(path)}"
    )
    exported = translate("ExportDialog", "Report exported")
    if not can_open_files():
        QMessageBox.information(parent, exported, saved)
        return
    answer = QMessageBox.question(
        parent,
        exported,
        f"{saved}\n\n" + translate("ExportDialog", "Open it now?"),
        QMessageBox.StandardButton.Open | QMessageBox.StandardButton.Close,
        QMessageBox.StandardButton.Open,
    )
    if answer == QMessageBox.StandardButton.Open and not QDesktopServices.openUrl(
        QUrl.fromLocalFile(str(path))
    ):
        QMessageBox.warning(
            parent,
            translate("ExportDialog", "Cannot open the report"),
            translate("ExportDialog", "No program on this computer opened it. The report is at")
            + f"\n{bidi.ltr(path)}",
        )


def run_export(
    parent: QWidget | None,
    workload: Workload,
    recommendation: Recommendation,
    probe_results: Sequence[ProbeResult] | None = None,
    loadtest: BakeoffResult | None = None,
) -> None:
    """Ask for a file, write the report in the chosen format, then offer to open it."""
    choice = ask_path(parent, workload)
    if choice is None:
        return
    path, fmt = choice
    settings.set_last_folder(path.parent)
    try:
        report.export(fmt, workload, recommendation, path, probe_results, loadtest=loadtest)
    except (report.ReportError, OSError) as error:
        QMessageBox.critical(
            parent,
            translate("ExportDialog", "Export failed"),
            translate("ExportDialog", "The report could not be written to {path}:").format(
                path=bidi.ltr(path)
            )
            + f"\n{error}",
        )
        return
    offer_open(parent, path, fmt)
