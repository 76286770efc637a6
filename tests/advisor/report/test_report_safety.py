"""User markup is shown as text, probe credentials never leak, and output is deterministic."""

from __future__ import annotations

import html
import json
import re
from datetime import UTC, datetime

import pytest

from advisor import report
from advisor.recommendation import Recommendation
from advisor.workload import Workload
from tests.advisor.report.conftest import (
    GENERATED_AT,
    HOSTILE,
    PASSWORD,
    hostile_workload,
    probe_result_with_secret,
    recommend,
)
from tests.advisor.report.test_report_formats import check_html, outside_code


def test_html_shows_markup_in_name_and_notes_as_text() -> None:
    workload = hostile_workload()
    out = report.render("html", workload, recommend(workload), generated_at=GENERATED_AT)
    assert isinstance(out, str)
    assert HOSTILE not in out and "<img" not in out and "<b>bold" not in out
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in out
    checker = check_html(out)
    assert checker.scripts == 0
    assert HOSTILE in "".join(checker.text)  # shown, as text


def test_markdown_shows_markup_in_name_and_notes_as_text() -> None:
    workload = hostile_workload()
    out = report.render("md", workload, recommend(workload), generated_at=GENERATED_AT)
    assert isinstance(out, str)
    prose = "\n".join(outside_code(out))
    assert re.search(r"(?<!\\)<(script|img|b>|/script)", prose) is None
    assert "\\<script\\>alert(1)\\</script\\>" in prose
    assert re.search(r"(?<!\\)\]\(javascript:", prose) is None  # link syntax escaped
    assert "\\[link\\](javascript:" in prose
    assert "> \\*\\*not bold\\*\\* & friends" in prose


def test_settings_snippet_keeps_user_text_inside_comments() -> None:
    workload = hostile_workload().model_copy(update={"name": "a\nimport os; os.system('x')"})
    out = report.render("md", workload, recommend(workload), generated_at=GENERATED_AT)
    assert isinstance(out, str)
    assert "\nimport os; os.system" not in out
    assert "# a import os; os.system('x'): " in out


def test_json_is_safe_to_embed() -> None:
    workload = hostile_workload()
    out = report.render("json", workload, recommend(workload), generated_at=GENERATED_AT)
    assert isinstance(out, str)
    assert "<" not in out and ">" not in out
    assert json.loads(out)["workload"]["name"] == workload.name


@pytest.mark.parametrize("fmt", ["html", "md", "json"])
def test_probe_credentials_never_appear(fmt: str) -> None:
    workload = hostile_workload()
    probe = probe_result_with_secret()
    out = report.render(fmt, workload, recommend(workload), [probe], generated_at=GENERATED_AT)
    assert isinstance(out, str)
    assert PASSWORD not in out
    assert "cache.internal:6379" in out  # the target is still shown, without its password
    assert "redis.persistence" in out and "durability" in out


def test_probe_results_are_shown_in_html() -> None:
    workload = hostile_workload()
    out = report.render(
        "html",
        workload,
        recommend(workload),
        [probe_result_with_secret()],
        generated_at=GENERATED_AT,
    )
    assert isinstance(out, str)
    for text in (
        "redis://admin:***@cache.internal:6379/0",
        "2026-03-04 05:00:00 UTC",
        "TCP connect",
        "Persistence",
        "not a cluster",
        "enable appendonly yes",
        "7.2.4",
        "536.9 MB",
    ):
        assert text in out, text
    # The verdicts are judged again for this workload; the file's own are not shown.
    from advisor.probe import verdicts

    for verdict in verdicts.judge(probe_result_with_secret(), workload):
        assert html.escape(verdict.message, quote=False) in out, verdict
    assert "a crash may lose ~60 s of writes" not in out


@pytest.mark.parametrize("fmt", ["html", "md", "json"])
def test_same_input_same_output_apart_from_the_timestamp(
    presets: dict[str, tuple[Workload, Recommendation]], fmt: str
) -> None:
    for workload, recommendation in presets.values():
        probe = [probe_result_with_secret()]
        first = report.render(fmt, workload, recommendation, probe, generated_at=GENERATED_AT)
        again = report.render(fmt, workload, recommendation, probe, generated_at=GENERATED_AT)
        assert first == again
        later = datetime(2027, 8, 9, 10, 11, 12, tzinfo=UTC)
        other = report.render(fmt, workload, recommendation, probe, generated_at=later)
        assert isinstance(other, str) and isinstance(first, str)
        normalised = (
            other.replace("2027-08-09 10:11:12 UTC", "2026-03-04 05:06:07 UTC")
            .replace("2027-08-09T10:11:12Z", "2026-03-04T05:06:07Z")
            .replace("2027-08-09T10:11:12+00:00", "2026-03-04T05:06:07+00:00")
            .replace("2027-08-09", "2026-03-04")
        )
        assert normalised == first


def test_export_writes_atomically(
    tmp_path: pytest.TempPathFactory, presets: dict[str, tuple[Workload, Recommendation]]
) -> None:
    from pathlib import Path

    workload, recommendation = next(iter(presets.values()))
    target = Path(str(tmp_path)) / "sub" / "report.md"
    written = report.export("md", workload, recommendation, target, generated_at=GENERATED_AT)
    assert written == target
    assert target.read_text(encoding="utf-8").startswith("---\nstatus: proposed")
    assert [p.name for p in target.parent.iterdir()] == ["report.md"]
