"""PDF export through Qt (text, pages, credentials) and the File > Export dialog flow."""

from __future__ import annotations

import html as html_mod
import re
import shutil
import subprocess
import unicodedata
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QSizeF, QStandardPaths
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import QFileDialog, QMessageBox

from advisor import engine, paths, report
from advisor.report import context, snippets
from advisor.workload import load_workload
from tests.advisor.report.conftest import (
    GENERATED_AT,
    PASSWORD,
    hostile_workload,
    preset_ids,
    probe_result_with_secret,
)
from tests.advisor.report.test_report_probes import rabbitmq_result
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
    # Every line of every snippet reaches the page (long code blocks once vanished).
    compact = text.replace(" ", "")
    for snippet in snippets.snippets_for(workload, recommendation):
        for line in snippet.code.splitlines():
            if line.strip():
                assert squash(line).replace(" ", "")[:60] in compact, (snippet.id, line)


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


def print_html(name: str) -> str:
    from importlib import import_module

    render_module = import_module("advisor.report.render")
    workload = load_workload(paths.presets_dir() / f"{name}.yaml")
    ctx = context.build_context(
        workload,
        engine.recommend(workload),
        [probe_result_with_secret(), rabbitmq_result()],
        generated_at=GENERATED_AT,
    )
    return str(render_module.render_html(ctx, for_print=True))


def headings(html: str) -> list[str]:
    found = re.findall(r"<h[1-4][^>]*>(.*?)</h[1-4]>", html, re.DOTALL)
    return [squash(html_mod.unescape(re.sub(r"<[^>]+>", "", h))) for h in found]


def page_tails(path: Path) -> list[str]:
    """The last three lines of each page's text, the footer (title, page number) left out."""
    tails = []
    for page in range(1, pdf_pages(path) + 1):
        result = subprocess.run(
            ["pdftotext", "-f", str(page), "-l", str(page), str(path), "-"],
            capture_output=True,
            text=True,
            check=True,
            timeout=60,
        )
        lines = [line for line in result.stdout.splitlines() if line.strip()]
        assert lines[-1].startswith(f"page {page} of"), lines[-2:]
        # The footer's title can come out of pdftotext before the page's last table cell.
        body = [re.sub(r"\s*Broker decision: .*$", "", line) for line in lines[:-1]]
        body = [line for line in body if line.strip()]
        tails.append(squash(" ".join(body[-3:])))
    return tails


@needs_poppler
@pytest.mark.parametrize("name", preset_ids())
def test_no_page_ends_with_a_heading(tmp_path: Path, name: str) -> None:
    """The reviewer's pages ended with "2. Ranking", "5. Recommended setup" and
    "RabbitMQ: Prefetch", their text on the next page."""
    source = print_html(name)
    target = tmp_path / "report.pdf"
    pdf.render_pdf(source, target)
    titles = [h for h in headings(source) if h]
    assert "2. Ranking" in titles
    for page, tail in enumerate(page_tails(target)[:-1], start=1):
        ending = [h for h in titles if tail.endswith(h)]
        assert not ending, f"page {page} ends with the heading {ending}"


def _laid_out(html: str, size: QSizeF) -> Any:
    pdf.ensure_gui_application()
    document = pdf.build_document(html)
    document.setPageSize(size)
    return document


@pytest.mark.parametrize(
    "follower",
    [
        "<p>Body text of the section.</p>",
        "<table><tr><td>cell</td></tr><tr><td>two</td></tr></table>",
        "<h3>Sub</h3><p>Under the sub-heading.</p>",
    ],
)
def test_paginate_keeps_every_heading_with_what_follows(follower: str) -> None:
    size = QSizeF(400, 300)
    for filler in range(0, 30):
        html = "".join(f"<p>Filler line {n}</p>" for n in range(filler))
        html += f"<h2>Heading</h2>{follower}<p>After.</p>"
        document = _laid_out(html, size)
        pdf.paginate(document, size.height())
        assert pdf.orphan_headings(document, size.height()) == [], filler


def _page_of(document: Any, table: Any, page_height: float) -> tuple[int, int]:
    rect = document.documentLayout().frameBoundingRect(table)
    return int(rect.top() // page_height), int((rect.bottom() - 1) // page_height)


def test_paginate_keeps_a_run_of_small_tables_together() -> None:
    """The score chart is one small table per broker: it moves to the next page as one."""
    size = QSizeF(400, 300)
    chart = "".join(f"<table><tr><td>bar {n}</td></tr></table>" for n in range(3))
    split_before = 0
    for filler in range(0, 30):
        html = "".join(f"<p>Filler line {n}</p>" for n in range(filler))
        html += f"<h2>Ranking</h2>{chart}<p>After.</p>"
        document = _laid_out(html, size)
        tables = [f for f in document.rootFrame().childFrames()]
        before = {_page_of(document, t, size.height())[0] for t in tables}
        split_before += len(before) > 1
        pdf.paginate(document, size.height())
        pages = {p for t in tables for p in _page_of(document, t, size.height())}
        assert len(pages) == 1, filler
    assert split_before  # some filler length did split the chart before paginate()


def test_orphan_headings_finds_a_heading_left_at_the_bottom() -> None:
    size = QSizeF(400, 300)
    found = []
    for filler in range(0, 30):
        html = "".join(f"<p>Filler line {n}</p>" for n in range(filler))
        document = _laid_out(html + "<h2>Heading</h2><p>Body.</p>", size)
        found += pdf.orphan_headings(document, size.height())
    assert "Heading" in found  # without paginate() some filler length leaves it alone


@needs_poppler
def test_pdf_export_is_reproducible(tmp_path: Path) -> None:
    workload = load_workload(paths.presets_dir() / "order-processing.yaml")
    recommendation = engine.recommend(workload)
    first, again = tmp_path / "a.pdf", tmp_path / "b.pdf"
    for target in (first, again):
        report.export("pdf", workload, recommendation, target, generated_at=GENERATED_AT)
    data = first.read_bytes()
    assert data == again.read_bytes()
    assert b"/CreationDate (D:20260304050607" in data and b"/ModDate (D:20260304050607" in data
    assert b'xmp:CreateDate="2026-03-04T05:06:07' in data
    later = tmp_path / "c.pdf"
    moment = datetime(2027, 8, 9, 10, 11, 12, tzinfo=UTC)
    report.export("pdf", workload, recommendation, later, generated_at=moment)
    ids = [re.findall(rb"/ID \[ ?<([0-9a-f]+)>", p.read_bytes()) for p in (first, later)]
    assert ids[0] and ids[1] and ids[0] != ids[1]  # the /ID follows the content
    assert "page 1 of" in pdf_text(later)


def test_pin_dates_keeps_the_file_size(tmp_path: Path) -> None:
    target = tmp_path / "t.pdf"
    pdf.render_pdf("<html><head><title>T</title></head><body><p>x</p></body></html>", target)
    before = target.read_bytes()
    pdf.pin_dates(target, datetime(2001, 2, 3, 4, 5, 6, tzinfo=UTC))
    after = target.read_bytes()
    assert len(after) == len(before) and b"/CreationDate (D:20010203040506" in after


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


def test_export_dialog_opens_in_documents_or_else_home(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    documents = tmp_path / "Documents"
    monkeypatch.setattr(QStandardPaths, "writableLocation", lambda *_a: str(documents))
    assert export_dialog.default_folder() == Path.home()  # named by Qt, but missing
    documents.mkdir()
    assert export_dialog.default_folder() == documents
    monkeypatch.setattr(QStandardPaths, "writableLocation", lambda *_a: "")
    assert export_dialog.default_folder() == Path.home()
    asked: list[str] = []

    def fake_dialog(parent: object, caption: str, start: str, *rest: object) -> tuple[str, str]:
        asked.append(start)
        return "", ""

    monkeypatch.setattr(QFileDialog, "getSaveFileName", fake_dialog)
    assert export_dialog.ask_path(None, hostile_workload()) is None
    assert Path(asked[0]).parent == Path.home()


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
    monkeypatch.setattr(export_dialog, "can_open_files", lambda: True)  # a desktop with xdg-open
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


# -- defects found in the walk-through (issue 12) -------------------------------------------------
def _export_md(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    target = tmp_path / "out"
    monkeypatch.setattr(
        QFileDialog,
        "getSaveFileName",
        lambda *a, **k: (str(target), "Markdown decision record (*.md)"),
    )
    workload = hostile_workload()
    export_dialog.run_export(None, workload, engine.recommend(workload))
    return tmp_path / "out.md"


def test_without_a_program_to_open_files_the_export_only_says_where_it_went(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, dialogs: Recorder
) -> None:
    monkeypatch.setattr(export_dialog, "can_open_files", lambda: False)
    shown: list[str] = []
    monkeypatch.setattr(
        QMessageBox,
        "information",
        lambda *a, **k: shown.append(a[2]) or QMessageBox.StandardButton.Ok,
    )
    written = _export_md(tmp_path, monkeypatch)
    assert written.exists()
    assert dialogs.calls == []  # neither "Open it now?" nor an attempt to open
    assert shown and str(written) in shown[0] and "Open it now" not in shown[0]


def test_on_the_offscreen_platform_there_is_nothing_to_open_files_with() -> None:
    assert not export_dialog.can_open_files()


def test_a_report_that_fails_to_open_says_so(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, dialogs: Recorder
) -> None:
    monkeypatch.setattr(export_dialog, "can_open_files", lambda: True)
    monkeypatch.setattr(QDesktopServices, "openUrl", lambda _url: False)
    warned: list[str] = []
    monkeypatch.setattr(
        QMessageBox, "warning", lambda *a, **k: warned.append(a[2]) or QMessageBox.StandardButton.Ok
    )
    written = _export_md(tmp_path, monkeypatch)
    assert warned and str(written) in warned[0]


def test_the_decision_record_does_not_ask_for_a_probe_it_contains(tmp_path: Path) -> None:
    workload = load_workload(paths.presets_dir() / "order-processing.yaml")
    recommendation = engine.recommend(workload)
    assert recommendation.winner is not None
    with_probe, without = tmp_path / "with.md", tmp_path / "without.md"
    report.export("md", workload, recommendation, with_probe, [rabbitmq_result()])
    report.export("md", workload, recommendation, without, [])
    asked = "Probe the RabbitMQ deployment against this workload before go-live"
    assert asked in without.read_text(encoding="utf-8")
    text = with_probe.read_text(encoding="utf-8")
    assert asked not in text
    assert "The probe of the RabbitMQ deployment below confirms this decision" in text


def _table_html(rows: int, filler: int) -> str:
    body = "".join(f"<p>Filler line {n}</p>" for n in range(filler))
    cells = "".join(f"<tr><td>row {n}</td><td>value</td></tr>" for n in range(rows))
    return f"{body}<h2>Table</h2><table><tr><th>a</th><th>b</th></tr>{cells}</table><p>After.</p>"


def test_paginate_does_not_leave_half_a_page_empty_to_keep_a_table_whole() -> None:
    from PySide6.QtGui import QTextFormat

    size = QSizeF(400, 600)
    blanks = []
    for filler in range(4, 24):
        document = _laid_out(_table_html(rows=14, filler=filler), size)
        pdf.paginate(document, size.height())
        layout = document.documentLayout()
        block = document.begin()
        previous_bottom = 0.0
        while block.isValid():
            policy = block.blockFormat().pageBreakPolicy()
            if policy & QTextFormat.PageBreakFlag.PageBreak_AlwaysBefore:
                page_end = (previous_bottom // size.height() + 1) * size.height()
                blanks.append((page_end - previous_bottom) / size.height())
            previous_bottom = float(layout.blockBoundingRect(block).bottom())
            block = block.next()
    assert blanks  # some filler lengths did move the heading and its table
    assert max(blanks) <= 0.4  # never half a page left empty to keep the table whole


@needs_poppler
def test_pdf_headings_have_room_above_a_table_and_long_titles_leave_the_page_number_alone(
    tmp_path: Path,
) -> None:
    pdf.ensure_gui_application()
    document = pdf.build_document(
        "<table><tr><td>cell</td></tr></table><h2>After the table</h2><p>x</p>"
    )
    pdf.space_headings(document, 300 / 72)
    layout = document.documentLayout()
    table = document.rootFrame().childFrames()[0]
    heading = document.findBlock(table.lastPosition() + 1)
    while heading.isValid() and heading.blockFormat().headingLevel() == 0:
        heading = heading.next()
    gap = layout.blockBoundingRect(heading).top() - layout.frameBoundingRect(table).bottom()
    assert gap >= 0.8 * 16 * 300 / 72  # about the stylesheet's 16 pt

    title = "A workload with a very long name " * 6
    target = tmp_path / "long.pdf"
    pdf.render_pdf(f"<html><head><title>{title}</title></head><body><p>x</p></body></html>", target)
    footer = [line for line in pdf_text(target).splitlines() if line.strip()][-1]
    assert "page 1 of 1" in footer
    assert "…" in pdf_text(target)


@needs_poppler
def test_an_emoji_no_font_can_draw_is_written_out_by_name(tmp_path: Path) -> None:
    target = tmp_path / "emoji.pdf"
    pdf.render_pdf(
        "<html><head><title>Launch 🚀</title></head><body><h1>Orders 🚀 ✓</h1></body></html>",
        target,
    )
    text = pdf_text(target)
    font = pdf.build_document("").defaultFont()
    if pdf.without_missing_glyphs("🚀", font) == "🚀":
        pytest.skip("an installed font draws this emoji")
    assert "[rocket]" in text
    assert "✓" in text  # drawable symbols stay as they are
