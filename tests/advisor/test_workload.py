"""Workload model: validation, cross-field checks, file round trips and error messages."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml

from advisor import workload
from advisor.workload import Broker, Ordering, Workload, WorkloadFileError

PRESETS = sorted((Path(__file__).parents[2] / "assets" / "presets").glob("*.yaml"))


def test_defaults_are_valid() -> None:
    assert Workload().peak_rate_msg_per_s >= Workload().avg_rate_msg_per_s


def test_peak_below_average_is_an_error_naming_both_fields() -> None:
    with pytest.raises(WorkloadFileError) as caught:
        workload.parse_workload({"avg_rate_msg_per_s": 100, "peak_rate_msg_per_s": 10})
    (problem,) = caught.value.problems
    assert "peak_rate_msg_per_s (10)" in problem
    assert "avg_rate_msg_per_s (100)" in problem


def test_largest_message_below_average_is_an_error() -> None:
    with pytest.raises(WorkloadFileError, match="max_message_size_bytes"):
        workload.parse_workload({"avg_message_size_bytes": 5000, "max_message_size_bytes": 10})


def test_replay_without_retention_is_an_error() -> None:
    with pytest.raises(WorkloadFileError, match="retention_hours is 0"):
        workload.parse_workload({"replay": True, "retention_hours": 0})


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (
            {"ordering": "sideways"},
            "ordering: Input should be 'none', 'per_key' or 'global' (got 'sideways')",
        ),
        ({"avg_rate_msg_per_s": -1}, "avg_rate_msg_per_s: Input should be greater than or equal"),
        ({"consumer_grups": 2}, "consumer_grups: unknown field; did you mean 'consumer_groups'?"),
        ({"team_familiar_with": ["redis", "nats"]}, "team_familiar_with.1: Input should be"),
        ({"tolerated_node_failures": 9}, "tolerated_node_failures: Input should be less than"),
        # Values are taken as written: no numbers from strings, no flags from words or numbers.
        ({"retention_hours": "24"}, "retention_hours: Input should be a valid number (got '24')"),
        ({"replay": "yes"}, "replay: Input should be a valid boolean (got 'yes')"),
        ({"consumer_groups": True}, "consumer_groups: Input should be a valid integer (got True)"),
        (
            {"avg_message_size_bytes": 1.5},
            "avg_message_size_bytes: Input should be a valid integer",
        ),
        ({"avg_rate_msg_per_s": float("nan")}, "avg_rate_msg_per_s: must be a finite number"),
        (
            {"avg_rate_msg_per_s": 100, "peak_rate_msg_per_s": 10},
            "peak_rate_msg_per_s: peak_rate_msg_per_s (10) is below",
        ),
    ],
)
def test_invalid_fields_are_named_with_their_value(data: dict[str, object], expected: str) -> None:
    with pytest.raises(WorkloadFileError) as caught:
        workload.parse_workload(data, "w.yaml")
    assert any(p.startswith(expected) for p in caught.value.problems), caught.value.problems
    assert str(caught.value).startswith("w.yaml: ")


@pytest.mark.parametrize(
    ("name", "text", "expected"),
    [
        ("broken.yaml", "name: [unclosed\n", "invalid YAML at line 2"),
        ("broken.json", '{"name": }', "invalid JSON at line 1, column 10"),
        ("list.yaml", "- 1\n- 2\n", "expected a mapping of fields, got list"),
        ("binary.yaml", None, "not a text file"),
        ("empty.yaml", "", "the file is empty: expected a mapping of workload fields"),
        (
            "twice.yaml",
            "name: a\nname: b\n",
            "invalid YAML at line 2, column 1: field 'name' is given twice",
        ),
        ("twice.json", '{"name": "a", "name": "b"}', "invalid JSON: field 'name' is given twice"),
    ],
)
def test_malformed_files_give_a_located_message(
    tmp_path: Path, name: str, text: str | None, expected: str
) -> None:
    path = tmp_path / name
    if text is None:
        path.write_bytes(b"\xff\xfe\x00bad")
    else:
        path.write_text(text)
    with pytest.raises(WorkloadFileError) as caught:
        workload.load_workload(path)
    assert caught.value.path == str(path)
    assert expected in caught.value.problems[0]


def test_yaml_exponents_are_numbers(tmp_path: Path) -> None:
    path = tmp_path / "w.yaml"
    path.write_text("avg_rate_msg_per_s: 1e4\npeak_rate_msg_per_s: 2.5E+4\n")
    loaded = workload.load_workload(path)
    assert (loaded.avg_rate_msg_per_s, loaded.peak_rate_msg_per_s) == (10_000.0, 25_000.0)


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(WorkloadFileError, match="No such file"):
        workload.load_workload(tmp_path / "nope.yaml")


@pytest.mark.parametrize("suffix", [".yaml", ".json"])
@pytest.mark.parametrize("preset", PRESETS, ids=lambda p: p.stem)
def test_save_and_load_round_trip_exactly(tmp_path: Path, preset: Path, suffix: str) -> None:
    original = workload.load_workload(preset)
    path = tmp_path / f"copy{suffix}"
    workload.save_workload(original, path)
    again = workload.load_workload(path)
    assert again == original
    assert again.model_fields_set == original.model_fields_set
    loaded = json.loads(path.read_text()) if suffix == ".json" else yaml.safe_load(path.read_text())
    # The stated fields, in model order: what a file leaves out stays "not stated".
    assert list(loaded) == [f for f in Workload.model_fields if f in original.model_fields_set]


def test_saving_a_sparse_file_keeps_its_recommendation(tmp_path: Path) -> None:
    from advisor import engine

    path = tmp_path / "sparse.yaml"
    path.write_text("name: Minimal\nconsumption: fan_out\n", encoding="utf-8")
    before = engine.recommend(workload.load_workload(path))
    workload.save_workload(workload.load_workload(path), path)
    after = engine.recommend(workload.load_workload(path))
    assert after.model_dump() == before.model_dump()


def test_enum_and_set_fields_are_typed() -> None:
    wl = workload.parse_workload({"ordering": "per_key", "team_familiar_with": ["kafka"]})
    assert wl.ordering is Ordering.PER_KEY
    assert wl.team_familiar_with == [Broker.KAFKA]


def test_schema_has_titles_descriptions_and_units() -> None:
    schema = workload.workload_json_schema()
    rate = schema["properties"]["peak_rate_msg_per_s"]
    assert rate["title"] == "Peak rate"
    assert rate["unit"] == "msg/s"
    assert all("description" in prop for prop in schema["properties"].values())
    assert schema["additionalProperties"] is False
