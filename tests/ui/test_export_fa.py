"""The Persian PDF report: made by Qt, its words Persian, its footer in Persian and mirrored."""

from __future__ import annotations

import shutil
import subprocess
import unicodedata
from pathlib import Path

import pytest

from advisor import engine, i18n, paths, report
from advisor.workload import load_workload
from tests.advisor.report.conftest import GENERATED_AT
from ui import pdf

needs_poppler = pytest.mark.skipif(
    shutil.which("pdftotext") is None, reason="pdftotext (poppler-utils) is not installed"
)


def _text(path: Path, *pages: str) -> str:
    """The PDF's text, Arabic presentation forms folded back to letters, joiners dropped."""
    result = subprocess.run(
        ["pdftotext", *pages, str(path), "-"],
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    folded = unicodedata.normalize("NFKC", result.stdout)
    # pdftotext marks right-to-left runs with embedding characters; joiners vary by font.
    dropped = dict.fromkeys(
        map(ord, "\u200c\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
    )
    return " ".join(folded.translate(dropped).split())


def _persian_pdf(tmp_path: Path, name: str = "order-processing") -> Path:
    workload = load_workload(paths.presets_dir() / f"{name}.yaml")
    target = tmp_path / f"{name}.fa.pdf"
    with i18n.using("fa"):
        report.export(
            "pdf", workload, engine.recommend(workload), target, generated_at=GENERATED_AT
        )
    return target


@needs_poppler
def test_the_persian_pdf_is_made_and_reads_persian(tmp_path: Path) -> None:
    target = _persian_pdf(tmp_path)
    assert target.read_bytes().startswith(b"%PDF")
    text = _text(target)
    for word in ("رتبه", "دلایل", "الگو", "پیوست", "RabbitMQ", "توصیه"):
        assert word in text, word
    assert "Ranking" not in text and "Appendix" not in text
    # The footer: Persian words and digits.
    first = _text(target, "-f", "1", "-l", "1")
    assert "صفح" in first and "۱" in first and "از" in first


def test_the_footer_follows_the_report_language() -> None:
    assert pdf._page_number("fa", 3, 12) == "صفحهٔ ۳ از ۱۲"
    assert pdf._page_number("en", 3, 12) == "page 3 of 12"
    assert pdf._language('<html lang="fa" dir="rtl"><head>') == ("fa", True)
    assert pdf._language('<html lang="en">') == ("en", False)
    assert pdf._language("<p>no html element</p>") == ("en", False)


def test_a_right_to_left_document_keeps_code_left_to_right() -> None:
    document = pdf.build_document(
        '<html lang="fa" dir="rtl"><body><p>متن فارسی</p>'
        '<pre dir="ltr">code line</pre></body></html>'
    )
    block = document.begin()
    directions = {}
    while block.isValid():
        directions[block.text()] = block.textDirection()
        block = block.next()
    from PySide6.QtCore import Qt

    assert directions["متن فارسی"] == Qt.LayoutDirection.RightToLeft
    assert directions["code line"] == Qt.LayoutDirection.LeftToRight
