"""The built-in guide: every outline section for each broker, stable ids, search, errors."""

from __future__ import annotations

from pathlib import Path

import pytest

from advisor import guide

OUTLINE = (
    "overview",
    "architecture",
    "internals",
    "protocol",
    "enqueue-dequeue",
    "delivery",
    "produce-consume",
    "ordering",
    "best-uses",
    "ha-durability",
    "django",
    "tools",
    "strengths",
    "weaknesses",
    "limits",
    "sizing",
)
IDS_DOC = Path(__file__).parents[2] / "docs" / "GUIDE-IDS.md"


@pytest.mark.parametrize("broker", ["redis", "rabbitmq", "kafka"])
def test_each_broker_follows_the_same_outline(broker: str) -> None:
    sections = guide.load_guide().sections
    for slug in OUTLINE:
        section = sections[f"{broker}.{slug}"]
        assert len(section.body) > 200, f"{section.id} is too thin"


def test_dated_seed_statements_are_corrected() -> None:
    loaded = guide.load_guide()
    assert "KRaft" in loaded.section("kafka.kraft").body
    assert "BLMOVE" in loaded.section("redis.lists").body
    assert "quorum" in loaded.section("rabbitmq.quorum").body.lower()


def test_search_finds_text_titles_first() -> None:
    hits = guide.load_guide().search("dead letter")
    assert hits and any(h.id == "rabbitmq.dead-lettering" for h in hits[:3])


def test_search_matches_whole_words_and_their_beginnings() -> None:
    loaded = guide.load_guide()
    everything = loaded.search("x", limit=None)
    assert 0 < len(everything) < len(loaded.sections) / 2  # not every section containing an x
    assert any(h.id == "redis.streams" for h in loaded.search("XAUTOCLAIM"))
    assert any(h.id == "redis.streams" for h in loaded.search("stream"))  # a prefix of streams
    assert loaded.search("treams") == []  # not inside a word
    assert len(loaded.search("kafka", limit=None)) > len(loaded.search("kafka"))  # capped at 50


def test_unknown_section_suggests_a_close_one() -> None:
    with pytest.raises(KeyError, match=r"did you mean 'kafka\.retention'"):
        guide.load_guide().section("kafka.retension")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("---\nid: x\n---\n## Heading without id\n", "heading without an id"),
        ("---\nid: x\n---\n## A {#x.a}\n## B {#x.a}\n", "section id 'x.a' is used twice"),
        ("---\nid: x\n---\n## A {#y.a}\n", "must start with 'x.'"),
        ("---\nid: x\n## A {#x.a}\n", "never closed"),
    ],
)
def test_broken_guide_files_are_named(tmp_path: Path, text: str, expected: str) -> None:
    (tmp_path / "x.md").write_text(text)
    with pytest.raises(guide.GuideError, match=expected) as caught:
        guide.load_guide_from(tmp_path)
    assert str(tmp_path / "x.md") in str(caught.value)


def test_headings_inside_code_fences_are_not_sections(tmp_path: Path) -> None:
    (tmp_path / "x.md").write_text("---\nid: x\n---\n## A {#x.a}\n```\n## not a heading\n```\n")
    assert list(guide.load_guide_from(tmp_path).sections) == ["x.a"]
