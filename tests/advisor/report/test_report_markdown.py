"""The MADR decision record: inert user and broker text, drivers, what-if, links and wording."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from markdown_it import MarkdownIt
from markdown_it.token import Token

from advisor import precedents, report
from advisor.recommendation import Recommendation
from advisor.report import context, env
from advisor.workload import Workload
from tests.advisor.report.conftest import (
    GENERATED_AT,
    HOSTILE_CHECK_ID,
    HOSTILE_DETAILS,
    HOSTILE_TARGET,
    hostile_probe_result,
    markdown_hostile_workload,
    preset_ids,
    probe_result_with_secret,
    recommend,
)
from tests.advisor.report.test_report_formats import outside_code

# CommonMark with raw HTML on (as GitHub and most viewers), plus GFM tables and strikethrough.
PARSER = MarkdownIt("commonmark", {"html": True}).enable(["table", "strikethrough"])
ANCHOR = re.compile(r'^<a id="[a-z0-9][a-z0-9.\-]*">$')


def render_md(
    workload: Workload, recommendation: Recommendation | None = None, probes: list | None = None
) -> str:
    out = report.render(
        "md", workload, recommendation or recommend(workload), probes, generated_at=GENERATED_AT
    )
    assert isinstance(out, str)
    return out


def walk(tokens: list[Token]) -> Iterator[Token]:
    for token in tokens:
        yield token
        yield from walk(token.children or [])


def section(markdown: str, heading: str) -> str:
    """The text of one '## ' section."""
    start = markdown.index(f"\n{heading}\n")
    end = markdown.find("\n## ", start + 1)
    return markdown[start : end if end >= 0 else None]


def shown_text(tokens: list[Token]) -> str:
    """What a reader sees of each paragraph, heading and cell: text and code, markup gone."""
    lines = []
    for token in tokens:
        if token.type != "inline":
            continue
        parts = []
        for child in token.children or []:
            if child.type in ("text", "text_special", "code_inline"):
                parts.append(child.content)
            elif child.type in ("softbreak", "hardbreak"):
                parts.append(" ")
        lines.append("".join(parts))
    return "\n".join(lines)


def test_hostile_text_stays_text_in_every_markdown_construct() -> None:
    workload = markdown_hostile_workload()
    out = render_md(workload, probes=[hostile_probe_result()])
    tokens = list(walk(PARSER.parse(out)))
    # No raw HTML but the appendix anchors, no image, and no link but anchors, the MADR site
    # and the sources of the shipped precedents.
    html = [t.content for t in tokens if t.type in ("html_inline", "html_block")]
    assert all(ANCHOR.match(h) or h == "</a>" for h in html), html
    assert not [t for t in tokens if t.type == "image"]
    hrefs = [str(t.attrs["href"]) for t in tokens if t.type == "link_open"]
    sources = {p.source for p in precedents.load_precedents()}
    allowed = [h for h in hrefs if h.startswith(("#", "https://adr.github.io/")) or h in sources]
    assert hrefs and allowed == hrefs, hrefs
    # Every hostile string is shown as it is: in code spans where it is code, as text otherwise.
    code = [t.content for t in tokens if t.type == "code_inline"]
    assert HOSTILE_TARGET in code and HOSTILE_CHECK_ID in code
    text = shown_text(tokens)
    assert workload.name in text
    assert "Persistence <b>bold</b> `code` [x](javascript:alert(7))" in text
    assert " ".join(HOSTILE_DETAILS.split()) + "." in text
    for line in workload.notes.splitlines():
        assert line in text, line
    # The notes stay a block quote: no fence, heading or strikethrough comes out of them.
    assert not [t for t in tokens if t.type in ("fence", "code_block") and "alert(3)" in t.content]
    headings = [tokens[i + 1].content for i, t in enumerate(tokens) if t.type == "heading_open"]
    assert not [h for h in headings if "not a heading" in h]
    assert not [t for t in tokens if t.type == "s_open"]


def test_code_spans_cannot_be_ended_early() -> None:
    for value in ["a`b", "``x``", "`lead", "trail`", "plain", "|pipe|", "x ``` y"]:
        span = env.md_code(value)
        inline = PARSER.parseInline(span)[0].children or []
        assert [(t.type, t.content) for t in inline] == [("code_inline", value)], span
        cell = env.md_code_cell(value)
        table = PARSER.parse(f"| h |\n| --- |\n| {cell} |\n")
        cells = [t for t in walk(table) if t.type == "code_inline"]
        assert [t.content for t in cells] == [value], cell
    assert env.md_code("") == ""


def test_fences_are_longer_than_the_code_inside() -> None:
    code = "print(1)\n```\n<img src=x>\n````\n"
    block = env.md_fence(code, "python")
    tokens = PARSER.parse(block + "\n\nafter")
    assert [(t.type, t.content) for t in tokens if t.type == "fence"] == [("fence", code)]


@pytest.mark.parametrize("name", preset_ids())
def test_what_if_lines_are_the_engine_sentences_once(
    presets: dict[str, tuple[Workload, Recommendation]], name: str
) -> None:
    workload, recommendation = presets[name]
    out = render_md(workload, recommendation)
    more = section(out, "## More Information")
    for item in recommendation.what_if:
        assert out.count(item.text) == 1, item.text
        assert f"* {item.text}\n" in more
    assert "would win." not in out
    if not recommendation.what_if:
        assert f"* {context.NO_WHAT_IF}\n" in more
        html = report.render("html", workload, recommendation, generated_at=GENERATED_AT)
        assert context.NO_WHAT_IF in html


def test_a_workload_without_what_if_says_so(
    presets: dict[str, tuple[Workload, Recommendation]],
) -> None:
    workload, recommendation = presets["clickstream-analytics"]
    assert recommendation.what_if == []
    assert context.NO_WHAT_IF in render_md(workload, recommendation)


@pytest.mark.parametrize("name", preset_ids())
def test_decision_drivers_are_the_requirements_not_the_winners_pros(
    presets: dict[str, tuple[Workload, Recommendation]], name: str
) -> None:
    workload, recommendation = presets[name]
    out = render_md(workload, recommendation)
    drivers = section(out, "## Decision Drivers")
    fired = {r.rule_id for item in recommendation.ranking for r in item.knockouts + item.pros}
    ctx = context.build_context(workload, recommendation, generated_at=GENERATED_AT)
    assert ctx.drivers, "a preset with no drivers"
    assert {d.rule_id for d in ctx.drivers} <= fired | {
        r.rule_id for item in recommendation.ranking for r in item.cons
    }
    for driver in ctx.drivers:
        assert f"**{driver.title}**" in drivers
    for item in recommendation.ranking:
        for reason in [*item.pros, *item.cons]:
            assert reason.text not in drivers, reason.text
    if recommendation.winner is not None:
        # Each of the winner's reasons is given once, under Consequences.
        winner = recommendation.assessment(recommendation.winner)
        for reason in [*winner.pros, *winner.cons]:
            assert out.count(env.because(reason.text)) == 1, reason.text
    knockouts = [d for d in ctx.drivers if d.knockout]
    assert [d.knockout for d in ctx.drivers] == sorted(
        (d.knockout for d in ctx.drivers), reverse=True
    )
    for driver in knockouts:
        assert "rules out" in driver.effect


def test_drivers_name_the_workload_values_they_read(
    presets: dict[str, tuple[Workload, Recommendation]],
) -> None:
    workload, recommendation = presets["clickstream-analytics"]
    drivers = section(render_md(workload, recommendation), "## Decision Drivers")
    assert "**Replay over a large history** (Consumers replay history: Yes;" in drivers
    assert "None" not in drivers  # an input the workload leaves open is not a requirement
    assert "Peak rate: 120,000 msg/s" in drivers
    assert "Hard requirement: **" in drivers and "rules out Redis" in drivers


@pytest.mark.parametrize("name", preset_ids())
def test_every_guide_link_has_its_anchor(
    presets: dict[str, tuple[Workload, Recommendation]], name: str
) -> None:
    workload, recommendation = presets[name]
    out = render_md(workload, recommendation)
    tokens = list(walk(PARSER.parse(out)))
    targets = {
        str(t.attrs["href"])[1:]
        for t in tokens
        if t.type == "link_open" and str(t.attrs["href"]).startswith("#")
    }
    anchors = set(re.findall(r'<a id="([^"]+)"></a>', out))
    assert targets, "no guide links"
    assert targets <= anchors, targets - anchors
    ctx = context.build_context(workload, recommendation, generated_at=GENERATED_AT)
    assert anchors == {e.id for e in ctx.appendix if e.found}
    links = section(out, "## More Information").split("### Links", 1)[1]
    assert "[MADR](https://adr.github.io/madr/)" in links
    for excerpt in ctx.appendix:
        assert f"`broker-advisor guide {excerpt.id}`" in links


def test_guide_links_to_sections_outside_the_appendix_become_text() -> None:
    from advisor.report.render import guide_markdown_relinked

    text = "See [Sizing](#redis.sizing) and [Streams](#redis.streams).\n```\n[a](#b)\n```"
    out = guide_markdown_relinked(text, {"redis.streams"})
    assert (
        out == "See Sizing (guide `redis.sizing`) and [Streams](#redis.streams).\n```\n[a](#b)\n```"
    )


def test_verdict_lines_end_their_sentence_before_the_advice() -> None:
    workload = markdown_hostile_workload()
    out = render_md(workload, probes=[probe_result_with_secret()])
    lines = [line for line in outside_code(out) if " Advice: " in line]
    assert lines, "no verdict with advice"
    for line in lines:
        assert re.search(r"[.!?:] Advice: ", line), line
        assert line.rstrip().endswith((".", "!", "?")), line


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("A work queue fits.", "a work queue fits."),
        ("An exchange routes.", "an exchange routes."),
        ("The log is kept.", "the log is kept."),
        ("Managed Kafka services help.", "managed Kafka services help."),
        ("Self-hosted brokers need care.", "self-hosted brokers need care."),
        ("Kafka keeps the log.", "Kafka keeps the log."),
        ("Kafka's log is on disk.", "Kafka's log is on disk."),
        ("RabbitMQ confirms.", "RabbitMQ confirms."),
        ("AOF is on.", "AOF is on."),
        ("Celery's beat runs.", "Celery's beat runs."),
        ("Django caches.", "Django caches."),
        ("I/O bound.", "I/O bound."),
        ("5,832 GB per copy.", "5,832 GB per copy."),
        ("", ""),
    ],
)
def test_because_lowers_ordinary_first_words_only(text: str, expected: str) -> None:
    assert env.because(text) == expected


@pytest.mark.parametrize("name", preset_ids())
def test_no_capital_article_after_because(
    presets: dict[str, tuple[Workload, Recommendation]], name: str
) -> None:
    workload, recommendation = presets[name]
    out = render_md(workload, recommendation)
    assert re.search(r"because (A|An|The|With|Every|One|Only) ", out) is None
    assert "Good, because Kafka" in out or "Good, because Redis" in out or "RabbitMQ" in out
