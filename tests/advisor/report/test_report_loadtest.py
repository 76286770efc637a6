"""Load-test results in reports: read with limits, charted in HTML (SVG) and PDF (bars), listed in
the decision record's confirmation, carried by JSON; one view model for all of them."""

from __future__ import annotations

import importlib
import itertools
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import jsonschema
import pytest

from advisor import cli, engine, paths, views
from advisor import report as report_mod
from advisor.loadtest.models import BakeoffResult
from advisor.report import charts, inputs
from advisor.workload import Workload, load_workload
from tests.advisor.report.conftest import GENERATED_AT, PASSWORD

HERE = Path(__file__).parent
SINGLE = HERE / "loadtest_redis.json"  # `broker-advisor loadtest redis://… --json`, sandbox
BAKEOFF = HERE / "loadtest_bakeoff.json"  # `broker-advisor bakeoff --rate peak --json`
PRESET = paths.presets_dir() / "order-processing.yaml"


@pytest.fixture(scope="module")
def workload() -> Workload:
    return load_workload(PRESET)


def _render(fmt: str, workload: Workload, loadtest: BakeoffResult) -> str:
    out = report_mod.render(
        fmt, workload, engine.recommend(workload), generated_at=GENERATED_AT, loadtest=loadtest
    )
    assert isinstance(out, str)
    return out


def test_reads_one_run_and_a_bakeoff() -> None:
    single = report_mod.load_loadtest_results(SINGLE)
    assert [r.broker.value for r in single.results] == ["redis"]
    assert single.label == ""
    both = report_mod.load_loadtest_results(BAKEOFF)
    assert [r.broker.value for r in both.results] == ["redis", "rabbitmq", "kafka"]
    assert both.label.startswith("one machine")


def test_a_password_in_a_results_file_never_reaches_the_report(
    tmp_path: Path, workload: Workload
) -> None:
    data = json.loads(SINGLE.read_text())
    data["target"] = f"redis://admin:{PASSWORD}@127.0.0.1:16379/0"
    data["notes"] = [f"seen at redis://admin:{PASSWORD}@127.0.0.1:16379/0"]
    path = tmp_path / "lt.json"
    path.write_text(json.dumps(data))
    loaded = report_mod.load_loadtest_results(path)
    for fmt in ("html", "md", "json"):
        assert PASSWORD not in _render(fmt, workload, loaded), fmt


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        ("[1, 2]", "0: Input should be a valid dictionary"),
        ('{"results": "x"}', "results"),
        ("not json", "JSON"),
    ],
)
def test_bad_files_name_the_file_and_the_field(tmp_path: Path, content: str, expected: str) -> None:
    path = tmp_path / "bad.json"
    path.write_text(content)
    with pytest.raises(report_mod.LoadTestResultsError) as caught:
        report_mod.load_loadtest_results(path)
    assert caught.value.path == str(path)
    assert expected.lower() in " ".join(caught.value.problems).lower()


def test_a_huge_file_is_refused_before_parsing(tmp_path: Path) -> None:
    path = tmp_path / "huge.json"
    path.write_bytes(b" " * (inputs.LOADTEST_RESULTS.max_bytes + 1))
    with pytest.raises(report_mod.LoadTestResultsError):
        report_mod.load_loadtest_results(path)


def test_the_view_words_figures_through_units() -> None:
    view = views.bakeoff_view(report_mod.load_loadtest_results(BAKEOFF))
    redis = view.tests[0]
    assert redis.server == "Redis 7.0.15"
    assert [b.label for b in redis.latency] == ["p50", "p90", "p99", "p99.9", "max"]
    assert [b.text for b in redis.latency][:3] == ["1.48 ms", "5.52 ms", "13.8 ms"]
    assert redis.headline == "2,499 msg/s received, p99 13.8 ms (peak phase)"
    assert view.tests[2].status == "fail"  # Kafka's p99 is over the workload's target
    # Every run has the same figure rows, so a side-by-side table lines up.
    assert len({tuple(f.title for f in t.figures) for t in view.tests}) == 1


def test_throughput_steps_are_back_to_back() -> None:
    result = report_mod.load_loadtest_results(SINGLE).results[0]
    steps = views.throughput_steps(result)
    assert len(steps) == len(result.phases) + len(result.saturation.steps)
    assert steps[0].start_s == 0
    assert all(a.end_s == b.start_s for a, b in itertools.pairwise(steps))


def test_html_has_both_svg_charts_and_the_figures(workload: Workload) -> None:
    text = _render("html", workload, report_mod.load_loadtest_results(BAKEOFF))
    assert '<h2 id="loadtest">' in text
    assert text.count('<svg class="chart loadtest-latency"') == 1
    assert text.count('<svg class="chart loadtest-throughput"') == 1
    for figure in ("13.8 ms", "106.6 ms", "333.3 ms", "2,499 msg/s", "Apache Kafka 4.4.0"):
        assert figure in text
    assert "one machine (2 cores" in text  # the bake-off says what it is


def test_svg_is_well_formed_and_escapes_text() -> None:
    import xml.etree.ElementTree as ET

    loaded = report_mod.load_loadtest_results(BAKEOFF)
    hostile = loaded.results[0].model_copy(
        update={"server": {"product": "<script>x</script>", "version": "1&2"}}
    )
    view = views.bakeoff_view(loaded.model_copy(update={"results": [hostile]}))
    for svg in (charts.latency_svg(view), charts.throughput_svg(view)):
        root = ET.fromstring(svg)
        assert root.tag.endswith("svg")
        assert "<script>" not in svg


def test_html_without_load_test_says_how_to_add_one(workload: Workload) -> None:
    out = report_mod.render("html", workload, engine.recommend(workload), generated_at=GENERATED_AT)
    assert isinstance(out, str)
    assert "--loadtest-results" in out and "loadtest-latency" not in out


def test_print_html_draws_the_charts_as_bars(workload: Workload) -> None:
    from advisor.report import context as ctx_mod

    render_mod = importlib.import_module("advisor.report.render")  # the package's render()

    loaded = report_mod.load_loadtest_results(BAKEOFF)
    recommendation = engine.recommend(workload)
    context = ctx_mod.build_context(workload, recommendation, [], GENERATED_AT, loadtest=loaded)
    printed = render_mod.render_html(context, for_print=True)
    assert "<svg" not in printed.split('id="loadtest"')[1].split('id="reproduce"')[0]
    assert printed.count('bgcolor="#c92a2a"') >= 5  # a Redis bar per percentile at least
    assert len(context.loadtest_latency_rows) == 5 * 3


def test_markdown_confirmation_lists_figures_and_verdicts(workload: Workload) -> None:
    text = _render("md", workload, report_mod.load_loadtest_results(BAKEOFF))
    confirmation = text.split("### Confirmation")[1].split("## Pros and Cons")[0]
    assert "Load test of Redis 7.0.15 at `redis://127.0.0.1:16379/0`" in confirmation
    assert "p99 13.8 ms" in confirmation and "p99.9 341.8 ms" in confirmation
    assert "**fail**" in confirmation  # Kafka
    assert "p99 latency: fail." in confirmation
    assert "Bake-off: one machine" in confirmation


def test_markdown_without_load_test_says_how_to_run_one(workload: Workload) -> None:
    out = report_mod.render("md", workload, engine.recommend(workload), generated_at=GENERATED_AT)
    assert isinstance(out, str)
    assert "--loadtest-results loadtest.json" in out


def test_json_carries_the_results_and_validates(workload: Workload) -> None:
    data = json.loads(_render("json", workload, report_mod.load_loadtest_results(BAKEOFF)))
    jsonschema.validate(data, report_mod.report_json_schema(), cls=jsonschema.Draft202012Validator)
    results = data["loadtest"]["results"]
    assert [r["broker"] for r in results] == ["redis", "rabbitmq", "kafka"]
    for key in ("sent", "received", "throughput_msg_per_s", "latency_ms", "saturation"):
        assert key in results[0]
    assert set(results[0]["latency_ms"]) >= {"p50", "p90", "p99", "p999", "max"}
    assert results[2]["verdicts"]
    none = json.loads(
        str(
            report_mod.render(
                "json", workload, engine.recommend(workload), generated_at=GENERATED_AT
            )
        )
    )
    assert none["loadtest"] is None


def test_cli_takes_loadtest_results(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    target = tmp_path / "r.md"
    code = cli.main(["report", str(PRESET), "-o", str(target), "--loadtest-results", str(SINGLE)])
    assert code == 0, capsys.readouterr().err
    assert "Load test of Redis" in target.read_text()


def test_cli_refuses_a_bad_loadtest_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text("{}")
    code = cli.main(["report", str(PRESET), "-f", "md", "--loadtest-results", str(bad)])
    err = capsys.readouterr().err
    assert code == 2
    assert f"cannot use load-test results file {bad}" in err


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="needs poppler's pdftotext")
def test_pdf_is_made_and_its_text_holds_the_figures(tmp_path: Path) -> None:
    # In a child process: this package's tests never load Qt, which makes the PDF.
    target = tmp_path / "r.pdf"
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "advisor",
            "report",
            str(PRESET),
            "-o",
            str(target),
            "--loadtest-results",
            str(BAKEOFF),
        ],
        capture_output=True,
        text=True,
        timeout=180,
        env=env,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert target.read_bytes().startswith(b"%PDF")
    text = subprocess.run(
        ["pdftotext", "-layout", str(target), "-"],
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    ).stdout
    assert "11. Load test" in text
    assert "End-to-end latency" in text and "Throughput over time" in text
    for figure in ("13.8 ms", "333.3 ms", "2,499 of 2,500 msg/s", "Apache Kafka 4.4.0"):
        assert figure in text
