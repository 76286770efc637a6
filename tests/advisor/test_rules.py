"""Rule files are validated when loaded; a bad one names file, rule, field and a suggestion."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from advisor import paths, rules

SECTIONS = {"redis.overview", "kafka.retention", "rabbitmq.exchanges", "comparison.overview"}
PATTERNS = """
patterns:
  - {id: p-redis, broker: redis, name: R, summary: s, cite: redis.overview}
  - {id: p-rabbit, broker: rabbitmq, name: Q, summary: s, cite: rabbitmq.exchanges}
  - {id: p-kafka, broker: kafka, name: K, summary: s, cite: kafka.retention}
"""
GOOD_RULE = """
rules:
  - id: replay
    when: {all: [{fact: replay, op: eq, value: true}, {not: {fact: ordering, op: eq, value: global}}]}
    effects:
      - {broker: kafka, kind: pro, weight: 10, cite: kafka.retention, because: "Keeps {retention_hours} h."}
"""


def _load(tmp_path: Path, text: str) -> rules.Rulebook:
    (tmp_path / "patterns.yaml").write_text(PATTERNS)
    (tmp_path / "rules.yaml").write_text(text)
    return rules.load_rulebook_from(tmp_path, SECTIONS)


def test_a_good_file_loads_and_compiles(tmp_path: Path) -> None:
    book = _load(tmp_path, GOOD_RULE)
    (rule,) = book.rules
    assert rule.facts == {"replay", "ordering"}
    assert rule.predicate({"replay": True, "ordering": "none"})
    assert not rule.predicate({"replay": True, "ordering": "global"})
    assert len(book.digest) == 64


@pytest.mark.parametrize(
    ("broken", "expected"),
    [
        (
            GOOD_RULE.replace("fact: replay", "fact: replya"),
            "rule 'replay', when.all[0].fact: unknown fact 'replya' (did you mean 'replay'?)",
        ),
        (
            GOOD_RULE.replace("op: eq, value: true", "op: equals, value: true"),
            "rule 'replay', when.all[0].op: unknown operator 'equals'",
        ),
        (
            GOOD_RULE.replace("op: eq, value: true", "op: gt, value: true"),
            "rule 'replay', when.all[0].op: operator 'gt' does not apply to bool fact 'replay'",
        ),
        (
            GOOD_RULE.replace("value: global", "value: globl"),
            "rule 'replay', when.all[1].not.value: 'globl' is not a value of 'ordering' "
            "(none, per_key, global) (did you mean 'global'?)",
        ),
        (
            GOOD_RULE.replace("cite: kafka.retention", "cite: kafka.retentoin"),
            "rule 'replay', effects[0].cite: unknown guide section 'kafka.retentoin' "
            "(did you mean 'kafka.retention'?)",
        ),
        (
            GOOD_RULE.replace("{retention_hours}", "{retention_hour}"),
            "rule 'replay', effects[0].because: unknown fact '{retention_hour}' in text",
        ),
        (
            GOOD_RULE.replace("{all:", "{every:").replace("]}\n", "]}\n", 1),
            "rule 'replay', when: unknown condition keys ['every']",
        ),
        (
            GOOD_RULE.replace("kind: pro", "kind: maybe"),
            "rule 'replay', definition: effects.0.kind: Input should be 'pro', 'con' or 'knockout'",
        ),
        (
            GOOD_RULE.replace("broker: kafka", "broker: nats"),
            "rule 'replay', definition: effects.0.broker",
        ),
        (
            GOOD_RULE + GOOD_RULE.replace("rules:\n", ""),
            "rule 'replay', id: this id is used by another rule or pattern",
        ),
        (
            "rules:\n  - id: x\n    when: {fact: replay, value: true}\n",
            "rule 'x', definition: Value error, a rule needs at least one effect or one piece of advice",
        ),
        (
            GOOD_RULE.replace("{retention_hours}", "{retention_hours:d}"),
            "rule 'replay', effects[0].because: a placeholder's format does not fit its fact: "
            "Unknown format code 'd'",
        ),
        (
            GOOD_RULE.replace("{retention_hours}", "{retention_hours:.1q}"),
            "rule 'replay', effects[0].because: a placeholder's format does not fit its fact",
        ),
        ("rules: [\n", "invalid YAML at line 2"),
        ("rulez: []\n", "rulez: Extra inputs are not permitted"),
    ],
)
def test_broken_rule_files_are_named_precisely(tmp_path: Path, broken: str, expected: str) -> None:
    with pytest.raises(rules.RulebookError) as caught:
        _load(tmp_path, broken)
    message = str(caught.value)
    assert message.startswith(str(tmp_path / "rules.yaml") + ": "), message
    assert expected in message, message


def test_unreadable_rule_files_are_named(tmp_path: Path) -> None:
    (tmp_path / "patterns.yaml").write_text(PATTERNS)
    (tmp_path / "rules.yaml").write_bytes(b"rules:\n  - id: caf\xe9\n")
    with pytest.raises(rules.RulebookError, match=r"rules\.yaml: not UTF-8 text \(byte 18\)"):
        rules.load_rulebook_from(tmp_path, SECTIONS)
    (tmp_path / "rules.yaml").unlink()
    (tmp_path / "rules.yaml").mkdir()
    with pytest.raises(rules.RulebookError, match=r"rules\.yaml: cannot be read: Is a directory"):
        rules.load_rulebook_from(tmp_path, SECTIONS)


def test_no_eval_anywhere_in_conditions(tmp_path: Path) -> None:
    text = GOOD_RULE.replace(
        "{fact: replay, op: eq, value: true}",
        "{fact: __import__('os').system('true'), op: eq, value: true}",
    )
    with pytest.raises(rules.RulebookError, match="unknown fact"):
        _load(tmp_path, text)


def test_every_broker_needs_a_pattern(tmp_path: Path) -> None:
    (tmp_path / "rules.yaml").write_text(GOOD_RULE)
    with pytest.raises(rules.RulebookError, match="no pattern for redis"):
        rules.load_rulebook_from(tmp_path, SECTIONS)


def test_the_built_in_rulebook_loads() -> None:
    book = rules.load_rulebook()
    assert len(book.rules) >= 50
    assert {p.pattern.broker for p in book.patterns} == {"redis", "rabbitmq", "kafka"}


def test_a_changed_rule_changes_the_digest(tmp_path: Path) -> None:
    copy = tmp_path / "rules"
    shutil.copytree(paths.rules_dir(), copy)
    before = rules.load_rulebook_from(copy).digest
    target = copy / "team.yaml"
    target.write_text(target.read_text().replace("weight: 10", "weight: 11", 1))
    assert rules.load_rulebook_from(copy).digest != before


def test_render_text_formats_numbers() -> None:
    text = rules.render_text(
        "{a} {b} {c:.1f} {d}", {"a": 1500.0, "b": 2.5, "c": 3.14159, "d": True}
    )
    assert text == "1,500 2.50 3.1 yes"


HYBRID = """
hybrids:
  - id: log-and-jobs
    name: Kafka for the log, Redis for the jobs
    cite: comparison.overview
    winners: [kafka]
    when: {fact: replay, op: eq, value: true}
    parts:
      - {broker: kafka, role: "the log", because: "Replay."}
      - {broker: redis, role: "the jobs", because: "The framework runs on it."}
"""


def test_a_hybrid_design_loads_with_its_condition(tmp_path: Path) -> None:
    book = _load(tmp_path, GOOD_RULE + HYBRID.replace("hybrids:", "hybrids:", 1))
    (hybrid,) = book.hybrids
    assert hybrid.hybrid.id == "log-and-jobs"
    assert hybrid.predicate({"replay": True}) and not hybrid.predicate({"replay": False})


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (("winners: [kafka]", "winners: [rabbitmq]"), "winners must be brokers among the parts"),
        (("broker: redis", "broker: kafka"), "a hybrid names each broker once"),
        (("cite: comparison.overview", "cite: comparison.hybird"), "unknown guide section"),
        (("{fact: replay,", "{fact: replya,"), "unknown fact 'replya'"),
        (('role: "the log"', 'role: "the {lgo}"'), "unknown fact '{lgo}'"),
    ],
)
def test_broken_hybrids_are_named_precisely(
    tmp_path: Path, change: tuple[str, str], expected: str
) -> None:
    with pytest.raises(rules.RulebookError) as caught:
        _load(tmp_path, GOOD_RULE + HYBRID.replace(*change))
    message = str(caught.value)
    assert "rule 'log-and-jobs'" in message and expected in message, message
