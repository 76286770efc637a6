"""`broker-advisor report`: writes files, prints the schema, and rejects bad input with exit 2."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from advisor import cli, paths
from tests.advisor.report.conftest import PASSWORD, probe_result_with_secret

PRESET = str(paths.presets_dir() / "order-processing.yaml")


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = cli.main(["report", *args])
    out, err = capsys.readouterr()
    return code, out, err


@pytest.mark.parametrize(("fmt", "suffix"), [("html", ".html"), ("md", ".md"), ("json", ".json")])
def test_writes_each_text_format(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], fmt: str, suffix: str
) -> None:
    target = tmp_path / f"out{suffix}"
    code, _out, err = run(capsys, PRESET, "-f", fmt, "-o", str(target))
    assert code == 0, err
    assert target.stat().st_size > 1000
    assert str(target) in err


def test_format_follows_the_output_suffix(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    target = tmp_path / "decision.md"
    assert run(capsys, PRESET, "-o", str(target))[0] == 0
    assert target.read_text(encoding="utf-8").startswith("---\nstatus: proposed")


@pytest.mark.parametrize(
    ("fmt", "name"), [("md", "x.html"), ("html", "x.md"), ("json", "x.pdf"), ("pdf", "x.htm")]
)
def test_a_format_that_contradicts_the_suffix_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], fmt: str, name: str
) -> None:
    target = tmp_path / name
    code, _out, err = run(capsys, PRESET, "-f", fmt, "-o", str(target))
    assert code == 2
    assert f"-f {fmt} does not match" in err and str(target) in err
    assert not target.exists()


@pytest.mark.parametrize(
    ("fmt", "name", "start"),
    [("md", "x.markdown", "---"), ("html", "x.htm", "<!DOCTYPE"), ("md", "x.txt", "---")],
)
def test_a_format_that_agrees_with_or_has_no_known_suffix_is_written(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], fmt: str, name: str, start: str
) -> None:
    target = tmp_path / name
    code, _out, err = run(capsys, PRESET, "-f", fmt, "-o", str(target))
    assert code == 0, err
    assert target.read_text(encoding="utf-8").startswith(start)


@pytest.mark.parametrize(("name", "start"), [("x.json", "{"), ("x.htm", "<!DOCTYPE")])
def test_the_format_is_inferred_from_the_suffix(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], name: str, start: str
) -> None:
    target = tmp_path / name
    assert run(capsys, PRESET, "-o", str(target))[0] == 0
    assert target.read_text(encoding="utf-8").startswith(start)


def test_prints_to_stdout_without_output(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _err = run(capsys, PRESET, "-f", "json")
    assert code == 0
    assert json.loads(out)["report_schema_version"] == "1.0"


def test_schema(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _err = run(capsys, "--schema")
    assert code == 0
    schema = json.loads(out)
    assert schema["$schema"].endswith("2020-12/schema")
    assert "report_schema_version" in schema["properties"]


def test_includes_probe_results_without_credentials(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    probe_file = tmp_path / "probe.json"
    probe_file.write_text(
        json.dumps({"results": [probe_result_with_secret().model_dump(mode="json")]}),
        encoding="utf-8",
    )
    target = tmp_path / "r.html"
    code, _out, err = run(capsys, PRESET, "-o", str(target), "--probe-results", str(probe_file))
    assert code == 0, err
    text = target.read_text(encoding="utf-8")
    assert "cache.internal:6379" in text and PASSWORD not in text


@pytest.mark.parametrize(
    "payload",
    [
        lambda r: [r],
        lambda r: r,
        lambda r: {"results": [r]},
    ],
)
def test_probe_results_file_shapes(tmp_path: Path, payload: object) -> None:
    from advisor.report import load_probe_results

    probe_file = tmp_path / "probe.json"
    data = probe_result_with_secret().model_dump(mode="json")
    probe_file.write_text(json.dumps(payload(data)), encoding="utf-8")  # type: ignore[operator]
    assert len(load_probe_results(probe_file)) == 1


def test_bad_workload_file_is_named_exit_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("peak_rate_msg_per_s: lots\n", encoding="utf-8")
    code, _out, err = run(capsys, str(bad), "-o", str(tmp_path / "r.html"))
    assert code == 2
    assert str(bad) in err and "peak_rate_msg_per_s" in err
    assert "Traceback" not in err


def test_missing_workload_file_exit_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _out, err = run(capsys, str(tmp_path / "nope.yaml"), "-o", str(tmp_path / "r.html"))
    assert code == 2 and "nope.yaml" in err and "Traceback" not in err


def test_bad_probe_results_name_file_and_field(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    probe_file = tmp_path / "probe.json"
    data = probe_result_with_secret().model_dump(mode="json")
    data["checks"][1]["status"] = "excellent"
    probe_file.write_text(json.dumps([data]), encoding="utf-8")
    code, _out, err = run(
        capsys, PRESET, "-o", str(tmp_path / "r.html"), "--probe-results", str(probe_file)
    )
    assert code == 2
    assert str(probe_file) in err and "0.checks.1.status" in err
    assert PASSWORD not in err


def test_probe_results_invalid_json(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    probe_file = tmp_path / "probe.json"
    probe_file.write_text("{not json", encoding="utf-8")
    code, _out, err = run(capsys, PRESET, "--probe-results", str(probe_file))
    assert code == 2 and "invalid JSON at line 1" in err


def test_pdf_needs_an_output_file(capsys: pytest.CaptureFixture[str]) -> None:
    code, _out, err = run(capsys, PRESET, "-f", "pdf")
    assert code == 2 and "-o report.pdf" in err


def test_unwritable_output_exit_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("x", encoding="utf-8")
    code, _out, err = run(capsys, PRESET, "-o", str(blocker / "r.html"))
    assert code == 2 and "cannot write the report" in err and "Traceback" not in err
