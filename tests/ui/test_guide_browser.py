"""The guide browser: every section reads without sideways scrolling, however narrow the pane."""

from __future__ import annotations

import re
from typing import Any

import pytest
from PySide6.QtWidgets import QApplication

from ui.guide_browser import GuideBrowser


@pytest.fixture
def browser(qtbot: Any) -> GuideBrowser:
    widget = GuideBrowser()
    qtbot.addWidget(widget)
    with qtbot.waitSignal(widget.loaded, timeout=10_000):
        widget.load_in_background()
    return widget


# 250 px: the guide pane beside the editor and the recommendation on a 1024 px screen, and less.
@pytest.mark.parametrize("width", [250, 340, 420])
def test_no_section_needs_a_horizontal_scroll_bar(
    browser: GuideBrowser, qtbot: Any, width: int
) -> None:
    browser.resize(width, 700)
    browser.show()
    qtbot.waitExposed(browser)
    wide: list[str] = []
    code_seen = False
    for section_id, section in browser.guide.sections.items():
        if section.level != 2:
            continue  # shown within their level-2 section
        browser.show_section(section_id)
        QApplication.processEvents()  # lay the document out at the viewport's width
        code_seen |= "```" in browser.guide.section_with_children(section_id)
        if browser.text.horizontalScrollBar().maximum() > 0:
            wide.append(section_id)
    assert code_seen  # the guide has code blocks, so this checks that they wrap
    assert wide == []


def test_code_blocks_keep_their_text_when_wrapped(browser: GuideBrowser) -> None:
    section_id = next(
        s for s in browser.guide.sections if "```" in browser.guide.section_with_children(s)
    )
    browser.show_section(section_id)
    document = browser.text.document()
    block = document.begin()
    while block.isValid():
        assert not block.blockFormat().nonBreakableLines()
        block = block.next()
    code = browser.guide.section_with_children(section_id).split("```")[1].splitlines()[1]
    assert code.strip() in browser.text.toPlainText()


def test_search_shows_and_counts_every_match_beyond_the_first_page(
    browser: GuideBrowser,
) -> None:
    every = [s.id for s in browser.guide.search("kafka", limit=None)]
    assert len(every) > len(browser.guide.search("kafka"))  # more than the core's first page
    hits = browser.search("kafka")
    assert hits == every
    assert browser.result_label.text().startswith(f"{len(every)} sections match")
    shown = [h for h in every if h in browser._items and not browser._items[h].isHidden()]
    assert shown == [h for h in every if h in browser._items]


def test_search_highlights_what_it_matched_word_starts_only(browser: GuideBrowser) -> None:
    browser.search("queue")
    browser.show_section("redis.enqueue-dequeue")  # "enqueue" and "dequeue" are no matches
    text = browser.text.toPlainText()
    marked = [s.cursor.selectedText().lower() for s in browser.text.extraSelections()]
    assert set(marked) == {"queue"}
    assert len(marked) == len(re.findall(r"\bqueue", text, re.IGNORECASE))
    assert len(marked) < text.lower().count("queue")
