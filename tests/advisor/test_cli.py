"""The broker-advisor command: output, JSON interface, exit codes and messages, no tracebacks."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from advisor import cli, precedents
from tests.advisor import cases

PRESET = cases.PRESET_DIR / "order-processing.yaml"


def test_recommend_text(capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["recommend", str(PRESET)]) == 0
    out = capsys.readouterr().out
    assert "RabbitMQ is recommended" in out
    assert "[rabbitmq.dead-lettering]" in out
    assert "What would change the answer" in out


def test_recommend_json_is_a_stable_interface(capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["recommend", str(PRESET), "--format", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert [item["broker"] for item in data["ranking"]] == ["rabbitmq", "redis", "kafka"]
    assert all(isinstance(item["score"], float) for item in data["ranking"])
    # 1.1 added fields (tied, hybrid, precedents, confidence factors); nothing was removed.
    assert data["schema_version"] == "1.1"
    assert data["confidence"]["level"] in ("high", "medium", "low")
    nearest = data["precedents"]
    assert len(nearest) == 3
    assert all({"id", "broker", "source", "similarity"} <= set(item) for item in nearest)
    assert [p["similarity"] for p in nearest] == sorted(
        (p["similarity"] for p in nearest), reverse=True
    )


def test_precedents_command_lists_the_library(capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["precedents"]) == 0
    text = capsys.readouterr().out
    assert text.startswith(f"{len(precedents.load_precedents())} published decisions")
    assert cli.main(["precedents", "--format", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert len(data) >= 30
    assert all(item["source"].startswith(("https://", "http://")) for item in data)
    assert {item["chosen"] for item in data} == {"redis", "rabbitmq", "kafka"}


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        ("peak_rate_msg_per_s: 1\navg_rate_msg_per_s: 5\n", "peak_rate_msg_per_s (1) is below"),
        ("ordering: sideways\n", "ordering: Input should be"),
        ("name: [\n", "invalid YAML"),
    ],
)
def test_bad_workload_exits_2_with_the_problem(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], content: str, expected: str
) -> None:
    path = tmp_path / "w.yaml"
    path.write_text(content)
    assert cli.main(["recommend", str(path)]) == 2
    err = capsys.readouterr().err
    assert str(path) in err and expected in err
    assert "Traceback" not in err


def test_guide_prints_a_section(capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["guide", "kafka.kraft"]) == 0
    assert "KRaft" in capsys.readouterr().out
    assert cli.main(["guide", "kafka.kraf"]) == 2
    assert "did you mean 'kafka.kraft'" in capsys.readouterr().err


def test_guide_part_and_case_insensitive_ids(capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["guide", "kafka"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("Apache Kafka") and "kafka.kraft" in out and "redis.streams" not in out
    assert cli.main(["guide", "REDIS.STREAMS"]) == 0
    assert "XADD" in capsys.readouterr().out


def test_guide_search_with_no_match_says_so(capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["guide", "--search", "zzzzqq"]) == 1
    captured = capsys.readouterr()
    assert captured.out == "" and "no guide section mentions every word of 'zzzzqq'" in captured.err


def test_guide_lists_and_searches(capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["guide"]) == 0
    assert "comparison.decision-table" in capsys.readouterr().out
    assert cli.main(["guide", "--search", "visibility_timeout"]) == 0
    assert capsys.readouterr().out.strip()


def test_schema_prints_the_workload_schema(capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["schema"]) == 0
    schema = json.loads(capsys.readouterr().out)
    assert "peak_rate_msg_per_s" in schema["properties"]


def test_bad_rule_file_is_reported_without_traceback(tmp_path: Path) -> None:
    rules_dir = tmp_path / "rules"
    rules_dir.mkdir()
    (rules_dir / "bad.yaml").write_text(
        "rules:\n  - id: x\n    when: {fact: nope}\n"
        "    effects: [{broker: redis, kind: pro, because: abc, "
        "cite: redis.overview}]\n"
    )
    run = subprocess.run(
        [sys.executable, "-m", "advisor", "recommend", str(PRESET)],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
        env={"BROKER_ADVISOR_RULES": str(rules_dir), "PATH": "/usr/bin:/bin"},
    )
    assert run.returncode == 2
    assert "bad.yaml: rule 'x', when.fact: unknown fact 'nope'" in run.stderr
    assert "Traceback" not in run.stderr


def test_no_display_points_to_the_cli(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    for name in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM"):
        monkeypatch.delenv(name, raising=False)
    assert cli.main([]) == 2
    assert "No display found" in capsys.readouterr().err


def test_unknown_word_is_neither_command_nor_file(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as caught:
        cli.main(["recomend"])
    assert caught.value.code == 2
    assert "neither a command nor an existing workload file" in capsys.readouterr().err
