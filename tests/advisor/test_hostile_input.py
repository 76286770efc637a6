"""Hostile files are refused by name, quickly and without a traceback: alias bombs, huge files,
devices and FIFOs, deep nesting, malformed conditions, huge values and terminal escapes.

Time and memory are not measured here: the bombs are sized so that, unbounded, they would take
seconds and gigabytes, and the timeout markers stop a regression that hangs.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from advisor import precedents, report, rules, safe_load, versions, workload
from advisor.facts import FACT_SPECS
from advisor.report import inputs as report_inputs
from advisor.workload import WorkloadFileError
from tests.advisor import cases
from tests.advisor.test_rules import PATTERNS, SECTIONS

PRESET = cases.PRESET_DIR / "order-processing.yaml"
MB = 1_000_000
ESC = "\x1b"
# An error message is read by a person: whatever the file holds, it stays this short.
MAX_MESSAGE_BYTES = 2048

RULE = """rules:
  - id: hostile
    when: {when}
    effects:
      - {{broker: kafka, kind: pro, weight: 10, cite: kafka.retention, because: "Keeps data."}}
"""


def laughs(levels: int) -> str:
    """A "billion laughs": 9**levels strings from levels + 1 short lines."""
    lines = ["l0: &l0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]"]
    lines += [f"l{i}: &l{i} [" + ", ".join([f"*l{i - 1}"] * 9) + "]" for i in range(1, levels + 1)]
    return "\n".join(lines) + "\n"


def nested_nots(depth: int) -> str:
    return "{not: " * depth + "{fact: replay, op: eq, value: true}" + "}" * depth


def _write(path: Path, content: str | bytes) -> Path:
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8")
    return path


def _fifo(path: Path) -> Path:
    os.mkfifo(path)
    return path


def _huge_file(path: Path, head: str, tail: str = "\n") -> Path:
    """A 60 MB file, written in pieces."""
    with path.open("w", encoding="utf-8") as out:
        out.write(head)
        for _ in range(60):
            out.write("a" * MB)
        out.write(tail)
    return path


@dataclass(frozen=True)
class Hostile:
    """A hostile file: what it is read as, how to make it, and what the error must say."""

    id: str
    target: str  # "workload", "rules" (a rule folder) or "probe" (probe results)
    make: Callable[[Path], Path]  # given a folder, returns the file to read
    expected: str


HOSTILE = [
    Hostile("bomb-8-lines", "workload", lambda d: _write(d / "w.yaml", laughs(7)), "aliases"),
    Hostile("bomb-8-levels", "workload", lambda d: _write(d / "w.yaml", laughs(8)), "aliases"),
    Hostile("bomb-9-levels", "workload", lambda d: _write(d / "w.yaml", laughs(9)), "aliases"),
    Hostile("bomb-rule-file", "rules", lambda d: _write(d / "rules.yaml", laughs(9)), "aliases"),
    Hostile(
        "bomb-in-a-condition",
        "rules",
        lambda d: _write(d / "rules.yaml", laughs(9) + RULE.format(when="*l9")),
        "aliases",
    ),
    Hostile(
        "recursive-alias", "workload", lambda d: _write(d / "w.yaml", "a: &a [*a]\n"), "contains"
    ),
    Hostile("60-MB-yaml", "workload", lambda d: _huge_file(d / "w.yaml", "name: "), "too large"),
    Hostile(
        "60-MB-json",
        "workload",
        lambda d: _huge_file(d / "w.json", '{"name": "', '"}'),
        "too large",
    ),
    Hostile("60-MB-rules", "rules", lambda d: _huge_file(d / "rules.yaml", "x: "), "too large"),
    Hostile(
        "60-MB-probe-results",
        "probe",
        lambda d: _huge_file(d / "p.json", '["', '"]'),
        "too large",
    ),
    Hostile(
        "int-without-value",
        "workload",
        lambda d: _write(d / "w.yaml", "workers: !!int\n"),
        "!!int is given no value",
    ),
    Hostile(
        "timestamp-without-value",
        "workload",
        lambda d: _write(d / "w.yaml", "name: !!timestamp\n"),
        "!!timestamp is given no value",
    ),
    Hostile(
        "impossible-date",
        "workload",
        lambda d: _write(d / "w.yaml", "name: 2024-13-45\n"),
        "'2024-13-45' cannot be read as !!timestamp (month must be in 1..12)",
    ),
    Hostile(
        "int-too-long",
        "workload",
        lambda d: _write(d / "w.yaml", "workers: " + "9" * 5000 + "\n"),
        "cannot be read as !!int",
    ),
    Hostile(
        "complex-key",
        "workload",
        lambda d: _write(d / "w.yaml", "? [a, b]\n: 1\n"),
        "a key must be a plain value",
    ),
    Hostile(
        "complex-key-in-rules",
        "rules",
        lambda d: _write(d / "rules.yaml", "rules:\n  - ? {a: 1}\n    : 1\n"),
        "a key must be a plain value",
    ),
    Hostile(
        "json-3000-deep",
        "workload",
        lambda d: _write(d / "w.json", "[" * 3000 + "]" * 3000),
        "nest more than 64 levels deep",
    ),
    Hostile(
        "json-100-deep",
        "workload",
        lambda d: _write(d / "w.json", "[" * 100 + "]" * 100),
        "nest more than 64 levels deep",
    ),
    Hostile(
        "yaml-3000-deep",
        "workload",
        lambda d: _write(d / "w.yaml", "[" * 3000 + "]" * 3000),
        "nest more than 64 levels deep",
    ),
    Hostile(
        "probe-results-3000-deep",
        "probe",
        lambda d: _write(d / "p.json", '{"results": ' + "[" * 3000 + "]" * 3000 + "}"),
        "nest more than 64 levels deep",
    ),
    Hostile(
        "probe-results-100-deep",
        "probe",
        lambda d: _write(d / "p.json", '[{"checks": ' + "[" * 100 + "]" * 100 + "}]"),
        "nest more than 64 levels deep",
    ),
    Hostile("dev-zero", "workload", lambda d: Path("/dev/zero"), "it is a character device"),
    Hostile("dev-zero-probe", "probe", lambda d: Path("/dev/zero"), "it is a character device"),
    Hostile("fifo", "workload", lambda d: _fifo(d / "w.yaml"), "it is a named pipe (FIFO)"),
    Hostile("fifo-rules", "rules", lambda d: _fifo(d / "rules.yaml"), "named pipe (FIFO)"),
    Hostile("fifo-probe", "probe", lambda d: _fifo(d / "p.json"), "it is a named pipe (FIFO)"),
    Hostile(
        "list-as-operator",
        "rules",
        lambda d: _write(d / "rules.yaml", RULE.format(when="{fact: replay, op: [eq], value: 1}")),
        "when.op: an operator is named by text, got ['eq']",
    ),
    Hostile(
        "mapping-as-operator",
        "rules",
        lambda d: _write(d / "rules.yaml", RULE.format(when="{fact: replay, op: {a: b}}")),
        "when.op: an operator is named by text, got {'a': 'b'}",
    ),
    Hostile(
        "list-as-fact",
        "rules",
        lambda d: _write(d / "rules.yaml", RULE.format(when="{fact: [replay], value: true}")),
        "when.fact: a fact is named by text, got ['replay']",
    ),
    Hostile(
        "mapping-as-fact",
        "rules",
        lambda d: _write(d / "rules.yaml", RULE.format(when="{fact: {a: b}, value: true}")),
        "when.fact: a fact is named by text, got {'a': 'b'}",
    ),
    Hostile(
        "keys-of-mixed-types",
        "rules",
        lambda d: _write(d / "rules.yaml", RULE.format(when="{not: {1: a, b: c, null: d}}")),
        "rule 'hostile', when.not: unknown condition keys ['1', 'None', 'b']",
    ),
    Hostile(
        "list-as-enum-value",
        "rules",
        lambda d: _write(d / "rules.yaml", RULE.format(when="{fact: ordering, value: [global]}")),
        "['global'] is not a value of 'ordering'",
    ),
    Hostile(
        "number-as-version",
        "rules",
        lambda d: _write(
            d / "rules.yaml", RULE.format(when="{fact: kafka_version, op: gte, value: [4]}")
        ),
        "is a version in quotes",
    ),
    Hostile(
        "600-nested-not",
        "rules",
        lambda d: _write(d / "rules.yaml", RULE.format(when=nested_nots(600))),
        "nest more than 64 levels deep",
    ),
    Hostile(
        "30-nested-not",
        "rules",
        lambda d: _write(d / "rules.yaml", RULE.format(when=nested_nots(30))),
        "rule 'hostile', when" + ".not" * 16 + ": conditions nest more than 16 levels deep",
    ),
    Hostile(
        "yml-rule-file",
        "rules",
        lambda d: _write(d / "rules.yml", RULE.format(when="{fact: nope}")),
        "rules.yml: rule 'hostile', when.fact: unknown fact 'nope'",
    ),
    Hostile(
        "huge-value",
        "workload",
        lambda d: _write(d / "w.yaml", f"ordering: {'x' * 200_000}\n"),
        "(got 'xxxxxxxxxx",
    ),
    Hostile(
        "huge-key",
        "workload",
        lambda d: _write(d / "w.json", json.dumps({"k" * 200_000: 1})),
        "(200,000 characters): unknown field",
    ),
    Hostile(
        "huge-fact-name",
        "rules",
        lambda d: _write(d / "rules.yaml", RULE.format(when=f"{{fact: {'f' * 400_000}}}")),
        "(400,000 characters)",
    ),
    Hostile(
        "huge-key-in-probe-results",
        "probe",
        lambda d: _write(d / "p.json", json.dumps([{"k" * 5 * MB: 1}])),
        "(5,000,000 characters)",
    ),
    Hostile(
        "escape-sequences",
        "workload",
        lambda d: _write(d / "w.yaml", 'ordering: "\\e[2J\\e[31mred"\n"\\e]0;title\\a": 1\n'),
        "(got '\\x1b[2J\\x1b[31mred')",
    ),
    Hostile(
        "escape-sequences-in-rules",
        "rules",
        lambda d: _write(d / "rules.yaml", RULE.format(when='{fact: "\\e[2Jx"}')),
        "unknown fact '\\x1b[2Jx'",
    ),
    Hostile(
        "escape-sequences-in-probe-results",
        "probe",
        lambda d: _write(d / "p.json", json.dumps([{"\x1b[2J": 1, "\x9b31m": 2}])),
        "0.\\x1b[2J: Extra inputs are not permitted",
    ),
    Hostile(
        "many-problems",
        "workload",
        lambda d: _write(d / "w.json", json.dumps({f"k{i}": i for i in range(3000)})),
        "… and 2,980 more problems",
    ),
]


def _needs_posix(case: Hostile) -> None:
    if case.id.startswith(("fifo", "dev-zero")) and os.name != "posix":
        pytest.skip("FIFOs and /dev/zero are POSIX")


def _rule_folder(folder: Path) -> Path:
    folder.mkdir(exist_ok=True)
    _write(folder / "patterns.yaml", PATTERNS)
    return folder


def _assert_clean(message: str, expected: str) -> None:
    assert expected in message, message
    assert len(message.encode()) < MAX_MESSAGE_BYTES, message[:4000]
    assert ESC not in message and "\x9b" not in message
    assert "Traceback" not in message


@pytest.mark.timeout(20)
@pytest.mark.parametrize("case", HOSTILE, ids=lambda c: c.id)
def test_hostile_file_is_refused_by_name(tmp_path: Path, case: Hostile) -> None:
    _needs_posix(case)
    error: Exception
    if case.target == "workload":
        with pytest.raises(WorkloadFileError) as caught_workload:
            workload.load_workload(case.make(tmp_path))
        error = caught_workload.value
    elif case.target == "probe":
        with pytest.raises(report.ProbeResultsError) as caught_probe:
            report.load_probe_results(case.make(tmp_path))
        error = caught_probe.value
    else:
        folder = _rule_folder(tmp_path / "rules")
        case.make(folder)
        with pytest.raises(rules.RulebookError) as caught_rules:
            rules.load_rulebook_from(folder, SECTIONS)
        error = caught_rules.value
    _assert_clean(str(error), case.expected)
    assert all(char.isprintable() for char in str(error)), str(error)


@pytest.mark.timeout(60)
@pytest.mark.parametrize("case", HOSTILE, ids=lambda c: c.id)
def test_hostile_file_through_the_command_line(tmp_path: Path, case: Hostile) -> None:
    _needs_posix(case)
    env = {"PATH": "/usr/bin:/bin"}
    if case.target == "workload":
        path = case.make(tmp_path)
        args = ["recommend", str(path)]
        head = f"error: cannot use workload file {path}:"
    elif case.target == "probe":
        path = case.make(tmp_path)
        args = ["recommend", str(PRESET), "--probe-results", str(path)]
        head = f"error: cannot use probe results file {path}:"
    else:
        folder = _rule_folder(tmp_path / "rules")
        path = case.make(folder)
        args = ["recommend", str(PRESET)]
        env["BROKER_ADVISOR_RULES"] = str(folder)
        head = f"error: {path}: "
    run = subprocess.run(
        [sys.executable, "-m", "advisor", *args],
        capture_output=True,
        text=True,
        timeout=30,
        check=False,
        env=env,
    )
    assert run.returncode == 2, run.stderr[:4000]
    assert run.stderr.startswith(head), run.stderr[:4000]
    _assert_clean(run.stderr, case.expected)
    assert run.stdout == ""


@pytest.mark.timeout(60)
def test_report_command_refuses_hostile_workload_and_probe_results(tmp_path: Path) -> None:
    bomb = _write(tmp_path / "w.yaml", laughs(9))
    deep = _write(tmp_path / "p.json", "[" * 3000 + "]" * 3000)
    for args, expected in [
        ([str(bomb)], "aliases"),
        ([str(PRESET), "--probe-results", str(deep)], "nest more than 64 levels deep"),
    ]:
        run = subprocess.run(
            [sys.executable, "-m", "advisor", "report", *args, "-o", str(tmp_path / "r.html")],
            capture_output=True,
            text=True,
            timeout=30,
            check=False,
            env={"PATH": "/usr/bin:/bin"},
        )
        assert run.returncode == 2, run.stderr[:4000]
        _assert_clean(run.stderr, expected)
    assert not (tmp_path / "r.html").exists()


def test_a_yml_rule_file_is_loaded(tmp_path: Path) -> None:
    folder = _rule_folder(tmp_path)
    _write(folder / "rules.yml", RULE.format(when="{fact: replay, op: eq, value: true}"))
    book = rules.load_rulebook_from(folder, SECTIONS)
    assert [r.rule.id for r in book.rules] == ["hostile"]
    assert book.files == [str(folder / "patterns.yaml"), str(folder / "rules.yml")]


def test_nesting_within_the_limits_still_loads(tmp_path: Path) -> None:
    folder = _rule_folder(tmp_path)
    _write(folder / "rules.yaml", RULE.format(when=nested_nots(rules.MAX_CONDITION_DEPTH - 1)))
    (rule,) = rules.load_rulebook_from(folder, SECTIONS).rules
    assert rule.predicate({"replay": False}) is True  # an odd number of nots


def test_a_few_aliases_still_load(tmp_path: Path) -> None:
    path = _write(tmp_path / "w.yaml", "languages: &l [python, go]\nname: x\n")
    assert workload.load_workload(path).languages == ["python", "go"]
    assert safe_load.parse_yaml(laughs(2)) is not None  # ~900 values, 18 aliases


def test_huge_values_are_cut_in_messages_of_data_not_read_from_a_file() -> None:
    # The app validates what the editor holds with parse_workload: no file size cap applies.
    with pytest.raises(WorkloadFileError) as caught:
        workload.parse_workload({"ordering": "x" * 50 * MB, "name": ESC + "[2J" * 100})
    _assert_clean(str(caught.value), "(50,000,000 characters)")
    with pytest.raises(report.ProbeResultsError) as caught_probe:
        report_inputs.parse_probe_results([{"k" * 50 * MB: 1}])
    _assert_clean(str(caught_probe.value), "(50,000,000 characters)")


def test_a_hostile_precedent_file_is_named(tmp_path: Path) -> None:
    _write(tmp_path / "bomb.yaml", laughs(9))
    with pytest.raises(precedents.PrecedentError) as caught:
        precedents.load_precedents_from(tmp_path)
    _assert_clean(str(caught.value), "aliases")


def test_a_hostile_version_table_is_named(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _write(tmp_path / "versions.yaml", laughs(9))
    monkeypatch.setenv("BROKER_ADVISOR_ASSETS", str(tmp_path))
    versions.table.cache_clear()
    try:
        with pytest.raises(versions.VersionTableError) as caught:
            versions.table()
    finally:
        versions.table.cache_clear()
    _assert_clean(str(caught.value), "aliases")


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("short", "'short'"),
        ("x" * 200, "'" + "x" * 79 + "… (200 characters)"),
        (ESC + "[31m", "'\\x1b[31m'"),
        ("\u202egnp.exe", "'\\u202egnp.exe'"),
        (
            list(range(100)),
            "[0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 2… (390 characters)",
        ),
    ],
)
def test_shown_values_are_escaped_and_cut(value: object, expected: str) -> None:
    assert safe_load.shown(value) == expected


def test_escaped_text_keeps_its_length_readable() -> None:
    assert safe_load.escaped("name") == "name"
    assert safe_load.escaped(ESC + "]0;x\a") == "\\x1b]0;x\\x07"
    assert safe_load.escaped("y" * 1000) == "y" * 80 + "… (1,000 characters)"


# --- properties: whatever the bytes, only the named error escapes ----------------------------
YAML_FRAGMENTS = [
    *("name", "ordering", "languages", "workers", "versions", "redis", "x"),
    *(": ", "- ", "? ", ", ", "[", "]", "{", "}", "\n", "  ", "\t", "#", "---\n", "...\n"),
    *("&a ", "*a", "&b ", "*b", "<<: ", "!!int ", "!!timestamp ", "!!float ", "!!bool "),
    *("!!binary ", "!!set ", "!!omap ", "!!str ", "!!python/object:os.system ", "!x "),
    *('"\\e[2J"', "'q'", "|\n", ">\n", "1e7", "0x1F", "1:30", ".inf", ".nan", "~", "null"),
    *("2024-13-45", "2024-01-01", "3.10", "true", "%YAML 1.1\n", "\x00", ESC, "\ufeff"),
]
yaml_like = st.lists(st.sampled_from(YAML_FRAGMENTS), max_size=40).map("".join)

RULE_WORDS = [
    *("rules", "patterns", "hybrids", "id", "when", "effects", "advice", "all", "any", "not"),
    *("fact", "op", "value", "broker", "kind", "weight", "because", "cite", "replay"),
    *("ordering", "global", "kafka_version", "eq", "in", "gte", "empty", "contains", "redis"),
]
words = st.sampled_from(RULE_WORDS)
scalars = st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=12) | words
nested = st.recursive(
    scalars,
    lambda inner: (
        st.lists(inner, max_size=4)
        | st.dictionaries(words | st.text(max_size=8), inner, max_size=4)
    ),
    max_leaves=25,
)


leaves = st.fixed_dictionaries(
    {
        "fact": st.sampled_from(sorted(FACT_SPECS)) | nested,
        "op": st.sampled_from(sorted(rules.OPERATORS)) | nested,
        "value": nested | st.sampled_from(["global", "4.3", "redis", "python", "kafka"]),
    }
)
conditions = st.recursive(
    leaves,
    lambda inner: (
        st.fixed_dictionaries({"all": st.lists(inner, max_size=3)})
        | st.fixed_dictionaries({"any": st.lists(inner, max_size=3)})
        | st.fixed_dictionaries({"not": inner})
    ),
    max_leaves=6,
)


def _only_named_errors(load: Callable[[], object], kind: type[Exception]) -> None:
    try:
        load()
    except kind as error:
        message = str(error)
        assert len(message.encode()) < 4 * MAX_MESSAGE_BYTES, message[:4000]
        assert all(char.isprintable() for char in message), message


@settings(max_examples=300, deadline=None)
@given(text=st.text() | yaml_like, suffix=st.sampled_from([".yaml", ".yml", ".json"]))
def test_any_text_as_a_workload_file(
    tmp_path_factory: pytest.TempPathFactory, text: str, suffix: str
) -> None:
    path = _write(tmp_path_factory.getbasetemp() / f"hostile-workload{suffix}", text)
    _only_named_errors(lambda: workload.load_workload(path), WorkloadFileError)


@settings(max_examples=200, deadline=None)
@given(data=st.binary(), suffix=st.sampled_from([".yaml", ".json"]))
def test_any_bytes_as_a_workload_file(
    tmp_path_factory: pytest.TempPathFactory, data: bytes, suffix: str
) -> None:
    path = _write(tmp_path_factory.getbasetemp() / f"hostile-bytes{suffix}", data)
    _only_named_errors(lambda: workload.load_workload(path), WorkloadFileError)


@settings(max_examples=200, deadline=None)
@given(content=nested, when=nested)
def test_any_structure_as_a_rule_file(
    tmp_path_factory: pytest.TempPathFactory, content: object, when: object
) -> None:
    folder = _rule_folder(tmp_path_factory.getbasetemp() / "hostile-rules")
    for text in (
        yaml.safe_dump(content),
        RULE.format(when=json.dumps(when)),
        yaml.safe_dump({"rules": [{"id": "p", "when": when, "effects": content}]}),
    ):
        _write(folder / "rules.yaml", text)
        _only_named_errors(lambda: rules.load_rulebook_from(folder, SECTIONS), rules.RulebookError)


@settings(max_examples=200, deadline=None)
@given(when=conditions, left_out=st.sets(st.sampled_from(["op", "value"])))
def test_any_condition_over_real_facts_and_operators(
    tmp_path_factory: pytest.TempPathFactory, when: dict[str, object], left_out: set[str]
) -> None:
    for key in left_out if "fact" in when else ():
        del when[key]
    folder = _rule_folder(tmp_path_factory.getbasetemp() / "hostile-conditions")
    _write(folder / "rules.yaml", RULE.format(when=json.dumps(when)))
    _only_named_errors(lambda: rules.load_rulebook_from(folder, SECTIONS), rules.RulebookError)


@settings(max_examples=200, deadline=None)
@given(content=nested | st.text())
def test_any_structure_as_probe_results(
    tmp_path_factory: pytest.TempPathFactory, content: object
) -> None:
    path = tmp_path_factory.getbasetemp() / "hostile-probe.json"
    text = content if isinstance(content, str) else json.dumps(content)
    _write(path, text)
    _only_named_errors(lambda: report.load_probe_results(path), report.ProbeResultsError)
