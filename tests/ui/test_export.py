"""PDF export through Qt (text, pages, credentials) and the File > Export dialog flow."""

from __future__ import annotations

import shutil
import subprocess
import unicodedata
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import QFileDialog, QMessageBox

from advisor import engine, paths, report
from advisor.workload import load_workload
from tests.advisor.report.conftest import (
    GENERATED_AT,
    PASSWORD,
    hostile_workload,
    preset_ids,
    probe_result_with_secret,
)
from ui import export_dialog, pdf

needs_poppler = pytest.mark.skipif(
    shutil.which("pdftotext") is None, reason="pdftotext (poppler-utils) is not installed"
)


def pdf_text(path: Path) -> str:
    result = subprocess.run(
        ["pdftotext", str(path), "-"], capture_output=True, text=True, check=True, timeout=60
    )
    return result.stdout


def pdf_pages(path: Path) -> int:
    result = subprocess.run(
        ["pdfinfo", str(path)], capture_output=True, text=True, check=True, timeout=60
    )
    line = next(x for x in result.stdout.splitlines() if x.startswith("Pages:"))
    return int(line.split()[1])


def squash(text: str) -> str:
    """Ligatures expanded, whitespace collapsed, lines broken after a hyphen joined again."""
    return " ".join(unicodedata.normalize("NFKC", text).split()).replace("- ", "-")


@needs_poppler
@pytest.mark.parametrize("name", preset_ids())
def test_every_preset_renders_a_pdf_with_ranking_and_reasons(tmp_path: Path, name: str) -> None:
    workload = load_workload(paths.presets_dir() / f"{name}.yaml")
    recommendation = engine.recommend(workload)
    target = tmp_path / "report.pdf"
    report.export("pdf", workload, recommendation, target, generated_at=GENERATED_AT)
    assert target.read_bytes().startswith(b"%PDF")
    text = squash(pdf_text(target))
    assert "2. Ranking" in text and "4. Reasons" in text
    for item in recommendation.ranking:
        assert f"{item.rank}. {item.broker.title}" in text
        for reason in [*item.knockouts, *item.pros, *item.cons]:
            # Words of each reason are there (line breaks and hyphenation aside).
            assert squash(reason.text)[:40] in text, reason.text
    assert (
        recommendation.rulebook_hash in text.replace(" ", "")
        or recommendation.rulebook_hash[:12] in text
    )
    assert "page 1 of" in text


@needs_poppler
def test_pdf_shows_markup_as_text_and_never_credentials(tmp_path: Path) -> None:
    workload = hostile_workload()
    target = tmp_path / "r.pdf"
    report.export(
        "pdf",
        workload,
        engine.recommend(workload),
        target,
        [probe_result_with_secret()],
        generated_at=GENERATED_AT,
    )
    text = pdf_text(target)
    assert "<script>alert(1)</script>" in text
    assert PASSWORD not in text and PASSWORD.encode() not in target.read_bytes()
    assert "cache.internal:6379" in text


def test_render_returns_pdf_bytes() -> None:
    workload = hostile_workload()
    data = report.render("pdf", workload, engine.recommend(workload), generated_at=GENERATED_AT)
    assert isinstance(data, bytes) and data.startswith(b"%PDF")


def test_render_pdf_directly(tmp_path: Path) -> None:
    target = tmp_path / "plain.pdf"
    pdf.render_pdf(
        "<html><head><title>T &amp; U</title></head><body><h1>Hello</h1>"
        "<table><tr><td>cell</td></tr></table></body></html>",
        target,
    )
    assert target.read_bytes().startswith(b"%PDF")


@pytest.mark.parametrize(
    ("chosen", "selected", "expected"),
    [
        ("/tmp/a.pdf", "HTML report (*.html *.htm)", ("/tmp/a.pdf", "pdf")),
        ("/tmp/a", "Markdown decision record (*.md)", ("/tmp/a.md", "md")),
        ("/tmp/a", "JSON data (*.json)", ("/tmp/a.json", "json")),
        ("/tmp/a.htm", "PDF document (*.pdf)", ("/tmp/a.htm", "html")),
    ],
)
def test_resolve_choice(chosen: str, selected: str, expected: tuple[str, str]) -> None:
    path, fmt = export_dialog.resolve_choice(chosen, selected)
    assert (str(path), fmt) == expected


class Recorder:
    def __init__(self) -> None:
        self.calls: list[tuple[str, Any]] = []


@pytest.fixture
def dialogs(monkeypatch: pytest.MonkeyPatch) -> Recorder:
    recorder = Recorder()

    def fake_question(*args: Any, **kwargs: Any) -> QMessageBox.StandardButton:
        recorder.calls.append(("question", args[2]))
        return QMessageBox.StandardButton.Open

    def fake_critical(*args: Any, **kwargs: Any) -> QMessageBox.StandardButton:
        recorder.calls.append(("critical", args[2]))
        return QMessageBox.StandardButton.Ok

    def fake_open(url: Any) -> bool:
        recorder.calls.append(("open", url.toLocalFile()))
        return True

    monkeypatch.setattr(QMessageBox, "question", fake_question)
    monkeypatch.setattr(QMessageBox, "critical", fake_critical)
    monkeypatch.setattr(QDesktopServices, "openUrl", fake_open)
    return recorder


def test_run_export_writes_and_offers_to_open(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, dialogs: Recorder
) -> None:
    target = tmp_path / "out"
    monkeypatch.setattr(
        QFileDialog,
        "getSaveFileName",
        lambda *a, **k: (str(target), "Markdown decision record (*.md)"),
    )
    workload = hostile_workload()
    export_dialog.run_export(None, workload, engine.recommend(workload))
    written = tmp_path / "out.md"
    assert written.read_text(encoding="utf-8").startswith("---\nstatus: proposed")
    assert dialogs.calls[0][0] == "question" and str(written) in dialogs.calls[0][1]
    assert dialogs.calls[1] == ("open", str(written))


def test_run_export_cancelled_writes_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, dialogs: Recorder
) -> None:
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: ("", ""))
    workload = hostile_workload()
    export_dialog.run_export(None, workload, engine.recommend(workload))
    assert dialogs.calls == [] and list(tmp_path.iterdir()) == []


def test_run_export_shows_errors(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, dialogs: Recorder
) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("x", encoding="utf-8")
    monkeypatch.setattr(
        QFileDialog,
        "getSaveFileName",
        lambda *a, **k: (str(blocker / "r.html"), "HTML report (*.html *.htm)"),
    )
    workload = hostile_workload()
    export_dialog.run_export(None, workload, engine.recommend(workload))
    assert [c[0] for c in dialogs.calls] == ["critical"]
    assert "could not be written" in dialogs.calls[0][1]
