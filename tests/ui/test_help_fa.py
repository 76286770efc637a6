"""The user guide in Persian: Help shows assets/help/fa/user-guide.md when the interface language is
Persian, with the English guide's sections in the same order, and the wheel ships it."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt

from advisor import i18n, paths
from ui import help as help_module

ROOT = Path(__file__).resolve().parents[2]
PERSIAN_LETTERS = re.compile(r"[\u0600-\u06FF]")
CODE_SPAN = re.compile(r"`[^`]+`")
KEYS = re.compile(r"\b(?:Ctrl|Alt)\+(?:\w+(?:\+\w+)*|,)|\bF1\b|\bEsc\b")


def _persian_share(text: str) -> float:
    letters = [c for c in text if c.isalpha()]
    return sum(1 for c in letters if PERSIAN_LETTERS.match(c)) / max(len(letters), 1)


def test_the_guide_follows_the_interface_language() -> None:
    english = paths.assets_dir() / "help" / "user-guide.md"
    assert help_module.help_path() == english
    with i18n.using("fa"):
        assert help_module.help_path() == paths.assets_dir() / "help" / "fa" / "user-guide.md"
    with i18n.using("en"):
        assert help_module.help_path() == english


def test_the_persian_guide_has_the_english_sections_in_order_with_code_and_keys_unchanged() -> None:
    english = help_module.load_sections()
    with i18n.using("fa"):
        persian = help_module.load_sections()
    assert [s.id for s in persian] == [s.id for s in english]
    assert len(persian) >= 10
    for en, fa in zip(english, persian, strict=True):
        assert PERSIAN_LETTERS.search(fa.title), fa.id
        assert _persian_share(CODE_SPAN.sub("", fa.markdown)) > 0.6, fa.id
        assert CODE_SPAN.findall(fa.markdown) == CODE_SPAN.findall(en.markdown), fa.id
        assert sorted(KEYS.findall(fa.markdown)) == sorted(KEYS.findall(en.markdown)), fa.id
        # Arabic letters that Persian writes otherwise, and spaces where a ZWNJ belongs.
        assert not re.search("[يك]", fa.title + fa.markdown), fa.id
        assert not re.search(r"(?<![\u0600-\u06FF])(?:ن?می) ", fa.markdown), fa.id


def test_help_shows_persian_text_when_the_language_is_persian(qtbot: Any) -> None:
    english_titles = [s.title for s in help_module.load_sections()]
    with i18n.using("fa"):
        dialog = help_module.HelpDialog()
    qtbot.addWidget(dialog)
    ids = [
        dialog.contents.item(row).data(Qt.ItemDataRole.UserRole)
        for row in range(dialog.contents.count())
    ]
    assert ids == [s.id for s in help_module.load_sections()]
    titles = [dialog.contents.item(row).text() for row in range(dialog.contents.count())]
    assert titles != english_titles and all(PERSIAN_LETTERS.search(t) for t in titles)
    assert dialog.show_section("start")  # its first paragraph opens with "Broker Advisor"
    block = dialog.text.document().firstBlock()
    while block.isValid():
        assert block.textDirection() == Qt.LayoutDirection.RightToLeft, block.text()[:40]
        block = block.next()
    assert dialog.show_section("editing")
    text = dialog.text.toPlainText()
    assert "مقادیر فرض‌شده" in text and "Assumed values" not in text
    assert dialog.show_section("preferences")
    assert "broker-advisor FILE --dark" in dialog.text.toPlainText()


def test_without_the_persian_file_help_falls_back_to_english(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "help").mkdir()
    (tmp_path / "help" / "user-guide.md").write_text("## Start {#start}\n\nHello.\n", "utf-8")
    monkeypatch.setattr(paths, "assets_dir", lambda: tmp_path)
    with i18n.using("fa"):
        assert help_module.help_path() == tmp_path / "help" / "user-guide.md"
        assert [s.id for s in help_module.load_sections()] == ["start"]


def test_the_wheel_ships_the_persian_guide() -> None:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    data_files: dict[str, list[str]] = config["tool"]["setuptools"]["data-files"]
    guide = ROOT / "assets" / "help" / "fa" / "user-guide.md"
    targets = [
        target for target, globs in data_files.items() if any(guide in ROOT.glob(g) for g in globs)
    ]
    assert targets == ["share/broker-advisor/assets/help/fa"]
