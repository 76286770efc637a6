"""The built-in guide: every outline section for each broker, stable ids, search, errors."""

from __future__ import annotations

import re
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
PLATFORM = ("security", "managed", "mqtt", "cost")
IDS_DOC = Path(__file__).parents[2] / "docs" / "GUIDE-IDS.md"
BROKERS = ("redis", "rabbitmq", "kafka")
_DOC_ID = re.compile(r"\b(B|redis|rabbitmq|kafka|comparison)\.([a-z0-9][a-z0-9\-]*)")


@pytest.mark.parametrize("broker", ["redis", "rabbitmq", "kafka"])
def test_each_broker_follows_the_same_outline(broker: str) -> None:
    sections = guide.load_guide().sections
    for slug in OUTLINE:
        section = sections[f"{broker}.{slug}"]
        assert len(section.body) > 200, f"{section.id} is too thin"


@pytest.mark.parametrize("broker", BROKERS)
@pytest.mark.parametrize("slug", PLATFORM)
def test_each_broker_covers_security_managed_devices_and_cost(broker: str, slug: str) -> None:
    section = guide.load_guide().section(f"{broker}.{slug}")
    assert section.level == 2
    assert len(section.body) > 1500, f"{section.id} is too thin"


def _documented_ids() -> set[str]:
    text = IDS_DOC.read_text(encoding="utf-8")
    found: set[str] = set()
    for part, slug in _DOC_ID.findall(text):
        parts = BROKERS if part == "B" else (part,)
        found.update(f"{p}.{slug}" for p in parts)
    return found


def test_ids_doc_lists_exactly_the_guide_sections() -> None:
    sections = set(guide.load_guide().sections)
    documented = _documented_ids()
    assert documented - sections == set(), "GUIDE-IDS.md names sections the guide lacks"
    assert sections - documented == set(), "guide sections missing from GUIDE-IDS.md"


def test_local_links_point_at_existing_sections() -> None:
    loaded = guide.load_guide()
    broken = [
        (s.id, target)
        for s in loaded.sections.values()
        for target in re.findall(r"\]\(#([a-z0-9][a-z0-9.\-]*)\)", s.body)
        if target not in loaded.sections
    ]
    assert broken == []


def test_version_sensitive_corrections_are_in_the_guide() -> None:
    loaded = guide.load_guide()
    assert "4.1" in loaded.section("kafka.kraft").body  # static quorums become dynamic from 4.1
    assert "errors.deadletterqueue.topic.name" in loaded.section("kafka.share-groups").body
    assert "consumer_cancel_notify" in loaded.section("rabbitmq.acks-confirms").body
    assert "ZADD" in loaded.section("redis.django").body  # channels_redis uses sorted sets
    assert "default" in loaded.section("comparison.message-size").body  # 512 MB is a default


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


@pytest.mark.parametrize(
    ("words", "section"),
    [
        ("XACKDEL", "redis.streams"),
        ("delayed retry", "rabbitmq.ttl-delay"),
        ("share group dead letter", "kafka.share-groups"),
        ("Valkey", "redis.managed"),
        ("MemoryDB", "redis.managed"),
        ("MQTT", "rabbitmq.mqtt"),
        ("SASL_SSL", "kafka.security"),
        ("cross-zone", "kafka.cost"),
    ],
)
def test_guide_search_finds_current_facts(
    words: str, section: str, capsys: pytest.CaptureFixture[str]
) -> None:
    from advisor import cli

    assert cli.main(["guide", "--search", *words.split()]) == 0
    assert section in capsys.readouterr().out
