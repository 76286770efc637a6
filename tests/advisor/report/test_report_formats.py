"""Every preset renders in HTML, Markdown and JSON; HTML is well formed, JSON matches its schema."""

from __future__ import annotations

import importlib
import json
from html.parser import HTMLParser

import jsonschema
import pytest

from advisor import report
from advisor.recommendation import Recommendation
from advisor.workload import Workload
from tests.advisor.report.conftest import GENERATED_AT, preset_ids

VOID = {
    "area",
    "base",
    "br",
    "col",
    "embed",
    "hr",
    "img",
    "input",
    "link",
    "meta",
    "source",
    "track",
    "wbr",
}
SVG_EMPTY = {"rect", "line", "circle", "path"}


class BalanceChecker(HTMLParser):
    """Fails on unclosed, mismatched or stray end tags; collects visible text."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[tuple[str, tuple[int, int]]] = []
        self.problems: list[str] = []
        self.text: list[str] = []
        self.scripts = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "script":
            self.scripts += 1
        if any(name.startswith("on") for name, _ in attrs):
            self.problems.append(f"event handler attribute on <{tag}> at {self.getpos()}")
        if tag not in VOID:
            self.stack.append((tag, self.getpos()))

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag not in VOID and tag not in SVG_EMPTY:
            self.problems.append(f"self-closed <{tag}/> at {self.getpos()}")

    def handle_endtag(self, tag: str) -> None:
        if not self.stack:
            self.problems.append(f"stray </{tag}> at {self.getpos()}")
            return
        open_tag, where = self.stack.pop()
        if open_tag != tag:
            self.problems.append(f"</{tag}> at {self.getpos()} closes <{open_tag}> from {where}")

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def check_html(text: str) -> BalanceChecker:
    checker = BalanceChecker()
    checker.feed(text)
    checker.close()
    assert checker.problems == []
    assert checker.stack == [], f"unclosed: {checker.stack}"
    return checker


@pytest.mark.parametrize("name", preset_ids())
@pytest.mark.parametrize("fmt", ["html", "md", "json"])
def test_every_preset_renders(
    presets: dict[str, tuple[Workload, Recommendation]], name: str, fmt: str
) -> None:
    workload, recommendation = presets[name]
    out = report.render(fmt, workload, recommendation, generated_at=GENERATED_AT)
    assert isinstance(out, str) and len(out) > 1000
    winner = recommendation.winner
    if winner is not None:
        assert winner.title in out


@pytest.mark.parametrize("name", preset_ids())
def test_html_is_balanced_and_complete(
    presets: dict[str, tuple[Workload, Recommendation]], name: str
) -> None:
    workload, recommendation = presets[name]
    out = report.render("html", workload, recommendation, generated_at=GENERATED_AT)
    assert isinstance(out, str)
    checker = check_html(out)
    assert checker.scripts == 0
    text = " ".join(checker.text)
    assert "<svg" in out and "@media print" in out
    for item in recommendation.ranking:
        assert item.broker.title in text
        for reason in [*item.knockouts, *item.pros, *item.cons]:
            assert reason.text in text
            assert f'id="guide-{reason.citation}"' in out, reason.citation
    # Titles and units, not raw field names.
    assert "Peak rate" in text and "peak_rate_msg_per_s" not in text
    assert "msg/s" in text
    assert recommendation.rulebook_hash in text and recommendation.app_version in text


@pytest.mark.parametrize("name", preset_ids())
def test_print_variant_is_balanced(
    presets: dict[str, tuple[Workload, Recommendation]], name: str
) -> None:
    from advisor.report import context

    # advisor.report.render is also the name of the package's render() function.
    render_module = importlib.import_module("advisor.report.render")
    workload, recommendation = presets[name]
    ctx = context.build_context(workload, recommendation, generated_at=GENERATED_AT)
    out = render_module.render_html(ctx, for_print=True)
    check_html(out)
    assert "<svg" not in out


MADR_HEADINGS = [
    "## Context and Problem Statement",
    "## Decision Drivers",
    "## Considered Options",
    "## Decision Outcome",
    "### Consequences",
    "### Confirmation",
    "## Pros and Cons of the Options",
    "## More Information",
]


def outside_code(markdown: str) -> list[str]:
    """The lines of a Markdown text that are not inside fenced code blocks."""
    lines, fenced = [], False
    for line in markdown.splitlines():
        if line.startswith(("```", "~~~")):
            fenced = not fenced
        elif not fenced:
            lines.append(line)
    assert not fenced, "unclosed code fence"
    return lines


@pytest.mark.parametrize("name", preset_ids())
def test_markdown_has_madr_layout(
    presets: dict[str, tuple[Workload, Recommendation]], name: str
) -> None:
    workload, recommendation = presets[name]
    out = report.render("md", workload, recommendation, generated_at=GENERATED_AT)
    assert isinstance(out, str)
    lines = outside_code(out)
    assert lines[:3] == ["---", "status: proposed", "date: 2026-03-04"]
    assert sum(line.startswith("# ") for line in lines) == 1
    positions = [lines.index(h) for h in MADR_HEADINGS]
    assert positions == sorted(positions)
    for item in recommendation.ranking:
        assert f"### {item.broker.title}" in lines
    assert "broker-advisor guide " in out
    if recommendation.winner is not None:
        assert f'Chosen option: "{recommendation.winner.title}"' in out
        assert "```python" in out
    assert "\n\n\n" not in out


@pytest.mark.parametrize("name", preset_ids())
def test_json_validates_against_published_schema(
    presets: dict[str, tuple[Workload, Recommendation]], name: str
) -> None:
    workload, recommendation = presets[name]
    out = report.render("json", workload, recommendation, generated_at=GENERATED_AT)
    assert isinstance(out, str)
    data = json.loads(out)
    schema = report.report_json_schema()
    jsonschema.Draft202012Validator.check_schema(schema)
    jsonschema.validate(data, schema, cls=jsonschema.Draft202012Validator)
    assert data["report_schema_version"] == report.REPORT_SCHEMA_VERSION
    assert data["recommendation"]["rulebook_hash"] == recommendation.rulebook_hash
    assert data["generated_at"].startswith("2026-03-04T05:06:07")
    assert all(c["found"] for c in data["citations"])


def test_json_schema_rejects_a_wrong_version() -> None:
    schema = report.report_json_schema()
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate({"report_schema_version": "0.1"}, schema)


def test_unknown_format_is_an_error(presets: dict[str, tuple[Workload, Recommendation]]) -> None:
    workload, recommendation = next(iter(presets.values()))
    with pytest.raises(report.ReportError, match="unknown report format 'docx'"):
        report.render("docx", workload, recommendation)
