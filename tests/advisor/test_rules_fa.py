"""The rulebook's Persian texts: complete, checked against the English, used by the engine."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from advisor import engine, i18n, paths, rules
from advisor.workload import Broker, Workload
from tests.advisor import cases

ARABIC_LETTER = re.compile(r"[\u0600-\u06FF]")
SECTIONS = {"redis.overview", "kafka.retention", "rabbitmq.exchanges", "comparison.overview"}
PATTERNS = """
patterns:
  - {id: p-redis, broker: redis, name: R, summary: "Lists {consumer_groups}.", cite: redis.overview}
  - {id: p-rabbit, broker: rabbitmq, name: Q, summary: s, steps: [a, b], cite: rabbitmq.exchanges}
  - {id: p-kafka, broker: kafka, name: K, summary: s, cite: kafka.retention}
"""
RULES = """
rules:
  - id: replay
    title: Replay
    when: {fact: replay, op: eq, value: true}
    effects:
      - {broker: kafka, kind: pro, weight: 10, cite: kafka.retention, because: "Keeps {retention_hours:,.0f} h."}
      - {broker: redis, kind: con, weight: 5, cite: redis.overview, because: "RAM only."}
    advice:
      - {broker: kafka, cite: kafka.retention, setting: retention.ms, value: "{retention_hours}", text: "Set retention.ms."}
"""
FA_PATTERNS = """
patterns:
  p-redis: {name: "ر", summary: "لیست‌ها {consumer_groups}.", steps: []}
  p-rabbit: {name: "ق", summary: "خلاصه", steps: ["الف", "ب"]}
  p-kafka: {name: "ک", summary: "خلاصه"}
"""
FA_RULES = """
rules:
  replay:
    title: "بازپخش"
    because:
      - "{retention_hours:,.0f} ساعت نگه می‌دارد."
      - "فقط RAM."
    advice:
      - {text: "retention.ms را تنظیم کنید.", value: "{retention_hours}"}
"""


def _folder(tmp_path: Path, fa_rules: str | None = FA_RULES) -> Path:
    (tmp_path / "patterns.yaml").write_text(PATTERNS)
    (tmp_path / "rules.yaml").write_text(RULES)
    (tmp_path / "fa").mkdir()
    (tmp_path / "fa" / "patterns.yaml").write_text(FA_PATTERNS)
    if fa_rules is not None:
        (tmp_path / "fa" / "rules.yaml").write_text(fa_rules)
    return tmp_path


def _persian(folder: Path) -> rules.RuleTexts:
    return rules.load_rulebook_from(folder, SECTIONS).texts("fa")


def test_a_complete_translation_loads(tmp_path: Path) -> None:
    texts = _persian(_folder(tmp_path))
    assert texts.rules["replay"].because[1] == "فقط RAM."
    assert texts.patterns["p-rabbit"].steps == ["الف", "ب"]


def test_every_shipped_rule_pattern_and_hybrid_has_both_texts() -> None:
    book = rules.load_rulebook()
    english, persian = book.texts("en"), book.texts("fa")
    assert set(persian.rules) == set(english.rules) == {r.rule.id for r in book.rules}
    assert set(persian.patterns) == {p.pattern.id for p in book.patterns}
    assert set(persian.hybrids) == {h.hybrid.id for h in book.hybrids}
    for rule_id, text in persian.rules.items():
        assert bool(text.title) == bool(english.rules[rule_id].title), rule_id
        for because in text.because:
            assert ARABIC_LETTER.search(because), (rule_id, because)
    for hybrid_id, hybrid in persian.hybrids.items():
        assert ARABIC_LETTER.search(hybrid.name), hybrid_id
    # One language per rulebook is read once.
    assert book.texts("fa") is persian


FA_MISTAKES = [
    (
        FA_RULES.replace('      - "فقط RAM."\n', ""),
        "rule 'replay', because: 1 entries, but English has 2 (same count and order)",
    ),
    (
        FA_RULES.replace("{retention_hours:,.0f} ساعت", "{retention_hours} ساعت"),
        "rule 'replay', because[0]: placeholders differ from English "
        "(missing: {retention_hours:,.0f}; not in English: {retention_hours})",
    ),
    (
        FA_RULES.replace("{retention_hours:,.0f} ساعت", "{history_hours:,.0f} ساعت"),
        "rule 'replay', because[0]: placeholders differ from English "
        "(missing: {retention_hours:,.0f}; not in English: {history_hours:,.0f})",
    ),
    (
        FA_RULES.replace('    title: "بازپخش"\n', ""),
        "rule 'replay', title: missing its Persian text",
    ),
    (
        FA_RULES.replace(', value: "{retention_hours}"', ""),
        "rule 'replay', advice[0].value: missing its Persian text",
    ),
    (
        FA_RULES.replace("  replay:", "  replays:"),
        "rule 'replays', rules: no such rule in rules.yaml (did you mean 'replay'?)",
    ),
    ("rules: {}\n", "rule 'replay', rules: missing its Persian text"),
    (
        FA_RULES.replace("    because:", "    setting: x\n    because:"),
        "rule 'replay', text: setting: Extra inputs are not permitted",
    ),
]


@pytest.mark.parametrize(("text", "message"), FA_MISTAKES)
def test_a_wrong_translation_is_named(tmp_path: Path, text: str, message: str) -> None:
    folder = _folder(tmp_path, text)
    with pytest.raises(rules.RulebookError) as caught:
        _persian(folder)
    assert str(caught.value) == f"{folder / 'fa' / 'rules.yaml'}: {message}"


def test_a_missing_or_unknown_translation_file_is_named(tmp_path: Path) -> None:
    folder = _folder(tmp_path, None)
    with pytest.raises(rules.RulebookError, match=r"fa/rules\.yaml: missing; every rule file"):
        _persian(folder)
    (folder / "fa" / "rules.yaml").write_text(FA_RULES)
    (folder / "fa" / "rule.yaml").write_text(FA_RULES)
    with pytest.raises(rules.RulebookError, match=r"fa/rule\.yaml: no rule file rule\.yaml in"):
        _persian(folder)


def test_english_never_reads_the_translations(tmp_path: Path) -> None:
    folder = _folder(tmp_path, "rules: [this is not a mapping of ids\n")
    book = rules.load_rulebook_from(folder, SECTIONS)
    assert book.texts("en").rules["replay"].because[1] == "RAM only."
    with pytest.raises(rules.RulebookError, match=r"fa/rules\.yaml"):
        book.texts("fa")


def test_without_a_persian_folder_persian_is_not_shipped(tmp_path: Path) -> None:
    folder = _folder(tmp_path)
    for path in (folder / "fa").iterdir():
        path.unlink()
    (folder / "fa").rmdir()
    book = rules.load_rulebook_from(folder, SECTIONS)
    assert book.texts("fa") == book.texts("en")


def test_the_shipped_persian_folder_is_beside_the_rules() -> None:
    assert sorted(p.name for p in (paths.rules_dir() / "fa").glob("*.yaml")) == sorted(
        p.name for p in paths.rules_dir().glob("*.yaml")
    )


@pytest.mark.parametrize("name", sorted(cases.presets()))
def test_each_preset_is_worded_in_persian_with_the_same_decision(name: str) -> None:
    workload = cases.preset(name)
    english = engine.recommend(workload)
    with i18n.using("fa"):
        persian = engine.recommend(workload)
    assert [(a.broker, a.score, a.knocked_out) for a in persian.ranking] == [
        (a.broker, a.score, a.knocked_out) for a in english.ranking
    ]
    assert persian.confidence.level == english.confidence.level
    assert [w.threshold for w in persian.what_if] == [w.threshold for w in english.what_if]
    for item in persian.ranking:
        for reason in [*item.knockouts, *item.pros, *item.cons]:
            assert ARABIC_LETTER.search(reason.text), (name, reason.rule_id, reason.text)
        assert item.pattern is None or ARABIC_LETTER.search(item.pattern.summary)
    assert ARABIC_LETTER.search(persian.summary)
    assert ARABIC_LETTER.search(persian.confidence.explanation)
    for flip in persian.what_if:
        assert ARABIC_LETTER.search(flip.text), flip.text
    if persian.hybrid is not None:
        assert all(ARABIC_LETTER.search(part.role) for part in persian.hybrid.parts)
    assert not re.search(r"\{[a-z_]+[:}]", persian.model_dump_json())  # every placeholder filled


def test_facts_worded_in_english_are_worded_in_persian_too() -> None:
    workload = Workload(peak_rate_msg_per_s=200_000, avg_rate_msg_per_s=150_000)
    facts = rules.worded_facts({"kafka_brokers_for_bandwidth": 3, "kafka_brokers_text": "x"})
    assert facts["kafka_brokers_text"] == "x"
    with i18n.using("fa"):
        persian = rules.worded_facts({"kafka_brokers_for_bandwidth": 3, "kafka_brokers_text": "x"})
    assert persian["kafka_brokers_text"] == "3 broker"
    reasons = engine.recommend(workload, what_if=False).assessment(Broker.KAFKA).pros
    assert any("msg/s" in reason.text for reason in reasons)


def _engine_messages() -> set[str]:
    """Every message advisor/engine.py passes to i18n.tr(), read from its source."""
    tree = ast.parse(Path(engine.__file__).read_text(encoding="utf-8"))
    found: set[str] = set()
    for function in ast.walk(tree):
        if not isinstance(function, ast.FunctionDef):
            continue
        # Templates chosen before the call: values of a dict or branches of a conditional.
        chosen = {
            node.value
            for parent in ast.walk(function)
            if isinstance(parent, ast.Dict | ast.IfExp)
            for node in (
                parent.values if isinstance(parent, ast.Dict) else [parent.body, parent.orelse]
            )
            if isinstance(node, ast.Constant) and isinstance(node.value, str)
        }
        for call in ast.walk(function):
            if (
                isinstance(call, ast.Call)
                and isinstance(call.func, ast.Attribute)
                and call.func.attr == "tr"
                and call.args
            ):
                first = call.args[0]
                if isinstance(first, ast.Constant) and isinstance(first.value, str):
                    found.add(first.value)
                elif isinstance(first, ast.Name):
                    found |= {text for text in chosen if "{" in text}
    found |= {name for name, _stated in engine.DECIDING_INPUTS}
    return found


def test_every_engine_sentence_has_its_persian() -> None:
    messages = _engine_messages()
    assert len(messages) > 30
    persian = i18n.catalogue("fa")
    assert sorted(messages - set(persian)) == []
    for message in messages:
        assert ARABIC_LETTER.search(persian[message]) or message.startswith("{"), message
