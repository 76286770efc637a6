"""The rulebook: declarative rule files in rules/, validated against the facts when loaded."""

from __future__ import annotations

import functools
import hashlib
import operator
import string
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any, Literal, TypeVar

from pydantic import BaseModel, ConfigDict, Field, PrivateAttr, ValidationError, model_validator

from advisor import guide, i18n, paths, safe_load, versions
from advisor.facts import FACT_SPECS, FactSpec, compute_facts, workload_data
from advisor.recommendation import ReasonKind
from advisor.workload import Broker, Workload

Predicate = Callable[[Mapping[str, Any]], bool]

# Operators come from an allow-list; each names the fact kinds it applies to.
_COMPARE: dict[str, Callable[[Any, Any], bool]] = {
    "eq": operator.eq,
    "ne": operator.ne,
    "lt": operator.lt,
    "lte": operator.le,
    "gt": operator.gt,
    "gte": operator.ge,
}
OPERATORS: dict[str, tuple[str, ...]] = {
    "eq": ("bool", "number", "enum", "version"),
    "ne": ("bool", "number", "enum", "version"),
    "lt": ("number", "version"),
    "lte": ("number", "version"),
    "gt": ("number", "version"),
    "gte": ("number", "version"),
    "in": ("enum", "number"),
    "not_in": ("enum", "number"),
    "contains": ("set",),
    "not_contains": ("set",),
    "empty": ("set",),
}


# How deep all/any/not may nest in one condition: the shipped rules nest 4 levels; compiling
# and evaluating recurse once per level.
MAX_CONDITION_DEPTH = 16
# Rule files are read by both suffixes, as users expect of YAML.
RULE_FILE_GLOBS = ("*.yaml", "*.yml")


class RulebookError(Exception):
    """A rule or pattern file that is invalid; the message names file, rule id and field."""

    def __init__(self, message: str) -> None:
        # Escaped and cut: the message may quote the file, and the file may be hostile.
        super().__init__(safe_load.clean_line(message))


class Effect(BaseModel):
    """What a rule does to one broker."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    broker: Broker
    kind: ReasonKind
    weight: float = Field(0.0, ge=0, le=100, description="Score points; ignored for knockouts.")
    because: str = Field(min_length=3, description="The reason in plain words ({fact} allowed).")
    cite: str = Field(description="Guide section id the reason rests on.")


class AdviceSpec(BaseModel):
    """Configuration advice a rule gives for one broker, shown when that broker is used."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    broker: Broker
    text: str = Field(min_length=3, description="The advice ({fact} allowed).")
    cite: str = Field(description="Guide section id the advice rests on.")
    setting: str = ""
    value: str = Field("", description="Suggested value ({fact} allowed).")


class Rule(BaseModel):
    """A condition over facts, its effects on brokers' scores and its advice."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str = Field(pattern=r"^[a-z0-9][a-z0-9\-]*$")
    title: str = ""
    when: dict[str, Any] | None = None
    effects: list[Effect] = Field(default_factory=list)
    advice: list[AdviceSpec] = Field(default_factory=list)
    source: str = ""

    @model_validator(mode="after")
    def _has_output(self) -> Rule:
        if not self.effects and not self.advice:
            raise ValueError("a rule needs at least one effect or one piece of advice")
        return self


class PatternRule(BaseModel):
    """A way of using one broker, chosen by the first whose condition holds."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str = Field(pattern=r"^[a-z0-9][a-z0-9\-]*$")
    broker: Broker
    name: str
    summary: str
    steps: list[str] = Field(default_factory=list)
    cite: str
    when: dict[str, Any] | None = None
    source: str = ""


class HybridPart(BaseModel):
    """One broker's share of a hybrid design."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    broker: Broker
    role: str = Field(min_length=3, description="What this broker does in the design.")
    because: str = Field(min_length=3, description="Why this broker for this part.")


class HybridRule(BaseModel):
    """A design that splits the workload between brokers, offered beside the ranking."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str = Field(pattern=r"^[a-z0-9][a-z0-9\-]*$")
    name: str = Field(min_length=3)
    cite: str
    when: dict[str, Any]
    parts: list[HybridPart] = Field(min_length=2)
    winners: list[Broker] = Field(
        default_factory=list,
        description="Offered only when one of these is recommended (empty: any of the parts).",
    )
    source: str = ""

    @model_validator(mode="after")
    def _distinct_parts(self) -> HybridRule:
        brokers = [part.broker for part in self.parts]
        if len(set(brokers)) != len(brokers):
            raise ValueError("a hybrid names each broker once")
        if not set(self.winners) <= set(brokers):
            raise ValueError("winners must be brokers among the parts")
        return self


class CompiledHybrid(BaseModel):
    """A hybrid design with its compiled condition."""

    model_config = ConfigDict(frozen=True, arbitrary_types_allowed=True)

    hybrid: HybridRule
    predicate: Callable[[Mapping[str, Any]], bool]


class _RuleFile(BaseModel):
    model_config = ConfigDict(extra="forbid")

    rules: list[dict[str, Any]] = Field(default_factory=list)
    patterns: list[dict[str, Any]] = Field(default_factory=list)
    hybrids: list[dict[str, Any]] = Field(default_factory=list)


class CompiledRule(BaseModel):
    """A rule with its condition compiled to a predicate and the facts it reads."""

    model_config = ConfigDict(frozen=True, arbitrary_types_allowed=True)

    rule: Rule
    predicate: Callable[[Mapping[str, Any]], bool]
    facts: frozenset[str]


class CompiledPattern(BaseModel):
    """A pattern with its compiled condition."""

    model_config = ConfigDict(frozen=True, arbitrary_types_allowed=True)

    pattern: PatternRule
    predicate: Callable[[Mapping[str, Any]], bool]


class AdviceText(BaseModel):
    """One piece of advice's words in one language."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    text: str = Field(min_length=3)
    value: str = ""


class RuleText(BaseModel):
    """A rule's words in one language: title, one reason per effect, one text per advice."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    title: str = ""
    because: list[str] = Field(default_factory=list)
    advice: list[AdviceText] = Field(default_factory=list)


class PatternText(BaseModel):
    """A pattern's words in one language."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str = Field(min_length=1)
    summary: str = Field(min_length=1)
    steps: list[str] = Field(default_factory=list)


class HybridPartText(BaseModel):
    """One part of a hybrid design in one language."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    role: str = Field(min_length=3)
    because: str = Field(min_length=3)


class HybridText(BaseModel):
    """A hybrid design's words in one language, parts in the English order."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str = Field(min_length=3)
    parts: list[HybridPartText] = Field(default_factory=list)


class RuleTexts(BaseModel):
    """Every text of the rulebook in one language, keyed by rule, pattern and hybrid id."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    rules: dict[str, RuleText] = Field(default_factory=dict)
    patterns: dict[str, PatternText] = Field(default_factory=dict)
    hybrids: dict[str, HybridText] = Field(default_factory=dict)

    def title(self, rule_id: str) -> str:
        """A rule's title, or "" for an unknown rule or one without a title."""
        text = self.rules.get(rule_id)
        return text.title if text is not None else ""


class Rulebook(BaseModel):
    """Every rule and pattern, validated and compiled, with a digest of the files."""

    model_config = ConfigDict(frozen=True, arbitrary_types_allowed=True)

    rules: list[CompiledRule]
    patterns: list[CompiledPattern]
    hybrids: list[CompiledHybrid] = Field(default_factory=list)
    digest: str
    files: list[str]
    # The texts in each language, loaded the first time that language is asked for, with the
    # identity of the lists they were made from (a copy with other rules makes its own).
    _texts: dict[str, tuple[tuple[int, ...], RuleTexts]] = PrivateAttr(default_factory=dict)

    def texts(self, lang: i18n.Language | None = None) -> RuleTexts:
        """The rule, pattern and hybrid texts in `lang` (by default the current language).

        English comes from the rule files; another language from its folder beside them
        (`rules/fa/`), read and checked against the English files the first time it is asked
        for, so English never reads it. Without that folder the language is not shipped and
        the English texts serve; with it, a missing or wrong text is a RulebookError.
        """
        chosen = lang or i18n.language()
        made_from = (id(self.rules), id(self.patterns), id(self.hybrids))
        cached = self._texts.get(chosen)
        if cached is not None and cached[0] == made_from:
            return cached[1]
        found = _load_texts(self, chosen)
        self._texts[chosen] = (made_from, found)
        return found


def _suggest(word: str, choices: list[str]) -> str:
    if len(word) > safe_load.MAX_SHOWN_CHARS:  # no name is this long, and difflib is slow
        return ""
    return guide.suggest(word, choices)


class _Checker:
    """Validates and compiles one file's conditions, naming file, rule and field in errors."""

    def __init__(self, path: Path, known_sections: set[str]) -> None:
        self.path = path
        self.sections = known_sections

    def error(self, rule_id: str, where: str, message: str) -> RulebookError:
        return RulebookError(
            f"{self.path}: rule '{safe_load.escaped(rule_id)}', {where}: {message}"
        )

    def compile(
        self, node: Any, rule_id: str, where: str, used: set[str], depth: int = 1
    ) -> Predicate:
        if depth > MAX_CONDITION_DEPTH:
            raise self.error(
                rule_id, where, f"conditions nest more than {MAX_CONDITION_DEPTH} levels deep"
            )
        if not isinstance(node, dict):
            raise self.error(
                rule_id, where, f"a condition must be a mapping, got {safe_load.shown(node)}"
            )
        keys = set(node)
        if keys in ({"all"}, {"any"}):
            key = next(iter(keys))
            items = node[key]
            if not isinstance(items, list) or not items:
                raise self.error(rule_id, f"{where}.{key}", "expects a non-empty list")
            parts = [
                self.compile(item, rule_id, f"{where}.{key}[{i}]", used, depth + 1)
                for i, item in enumerate(items)
            ]
            if key == "all":
                return lambda f: all(p(f) for p in parts)
            return lambda f: any(p(f) for p in parts)
        if keys == {"not"}:
            inner = self.compile(node["not"], rule_id, f"{where}.not", used, depth + 1)
            return lambda f: not inner(f)
        if "fact" in keys:
            return self._leaf(node, rule_id, where, used)
        raise self.error(
            rule_id,
            where,
            f"unknown condition keys {_keys(keys)}; use all, any, not, or {{fact, op, value}}",
        )

    def _leaf(self, node: dict[str, Any], rule_id: str, where: str, used: set[str]) -> Predicate:
        extra = set(node) - {"fact", "op", "value"}
        if extra:
            raise self.error(rule_id, where, f"unknown keys {_keys(extra)} in a condition")
        fact = node["fact"]
        if not isinstance(fact, str):
            raise self.error(
                rule_id, f"{where}.fact", f"a fact is named by text, got {safe_load.shown(fact)}"
            )
        if fact not in FACT_SPECS:
            raise self.error(
                rule_id,
                f"{where}.fact",
                f"unknown fact '{safe_load.escaped(fact)}'{_suggest(fact, list(FACT_SPECS))}",
            )
        spec = FACT_SPECS[fact]
        op = node.get("op", "eq")
        if not isinstance(op, str):
            raise self.error(
                rule_id,
                f"{where}.op",
                f"an operator is named by text, got {safe_load.shown(op)}; "
                f"allowed: {', '.join(OPERATORS)}",
            )
        if op not in OPERATORS:
            raise self.error(
                rule_id,
                f"{where}.op",
                f"unknown operator '{safe_load.escaped(op)}'{_suggest(op, list(OPERATORS))}; "
                f"allowed: {', '.join(OPERATORS)}",
            )
        if spec.kind not in OPERATORS[op]:
            raise self.error(
                rule_id,
                f"{where}.op",
                f"operator '{op}' does not apply to {spec.kind} fact '{fact}'",
            )
        used.add(fact)
        if op == "empty":
            if "value" in node:
                raise self.error(rule_id, where, "operator 'empty' takes no value")
            return lambda f: not f[fact]
        if "value" not in node:
            raise self.error(rule_id, where, f"missing 'value' for operator '{op}'")
        value = self._check_value(spec, op, node["value"], rule_id, f"{where}.value")
        if op in _COMPARE:
            compare = _COMPARE[op]
            return lambda f: bool(compare(f[fact], value))
        if op == "in":
            members = frozenset(value)
            return lambda f: f[fact] in members
        if op == "not_in":
            members = frozenset(value)
            return lambda f: f[fact] not in members
        if op == "contains":
            return lambda f: value in f[fact]
        return lambda f: value not in f[fact]

    def _check_value(self, spec: FactSpec, op: str, value: Any, rule_id: str, where: str) -> Any:
        if op in ("in", "not_in"):
            if not isinstance(value, list) or not value:
                raise self.error(rule_id, where, f"operator '{op}' expects a non-empty list")
            return [self._scalar(spec, v, rule_id, where) for v in value]
        if spec.kind == "set":
            if not isinstance(value, str) or value not in spec.values:
                raise self.error(
                    rule_id,
                    where,
                    f"{safe_load.shown(value)} is not one of {list(spec.values)}"
                    f"{_suggest(str(value), list(spec.values))}",
                )
            return value
        return self._scalar(spec, value, rule_id, where)

    def _scalar(self, spec: FactSpec, value: Any, rule_id: str, where: str) -> Any:
        if spec.kind == "bool":
            if not isinstance(value, bool):
                raise self.error(
                    rule_id,
                    where,
                    f"fact '{spec.name}' is true/false, got {safe_load.shown(value)}",
                )
            return value
        if spec.kind == "number":
            if isinstance(value, bool) or not isinstance(value, int | float):
                raise self.error(
                    rule_id, where, f"fact '{spec.name}' is a number, got {safe_load.shown(value)}"
                )
            return value
        if spec.kind == "enum":
            if not isinstance(value, str) or value not in spec.values:
                raise self.error(
                    rule_id,
                    where,
                    f"{safe_load.shown(value)} is not a value of '{spec.name}' "
                    f"({', '.join(spec.values)}){_suggest(str(value), list(spec.values))}",
                )
            return value
        if spec.kind == "version":
            if not isinstance(value, str):
                raise self.error(
                    rule_id,
                    where,
                    f"fact '{spec.name}' is a version in quotes like \"4.3\", "
                    f"got {safe_load.shown(value)}",
                )
            try:
                return versions.Version.parse(value)
            except versions.VersionError as error:
                raise self.error(rule_id, where, f"fact '{spec.name}': {error.problem}") from None
        raise self.error(rule_id, where, f"fact '{spec.name}' cannot be compared")

    def check_text(self, text: str, rule_id: str, where: str) -> None:
        try:
            fields = [name for _, name, _, _ in string.Formatter().parse(text) if name is not None]
        except ValueError as error:
            raise self.error(rule_id, where, f"bad placeholder: {error}") from None
        for name in fields:
            if name not in FACT_SPECS:
                raise self.error(
                    rule_id,
                    where,
                    f"unknown fact '{{{safe_load.escaped(name)}}}' in text"
                    f"{_suggest(name, list(FACT_SPECS))}",
                )
        try:
            # Facts keep their types (int, float, str, bool) for every workload, so a format
            # that fits the default workload's facts fits every workload's.
            render_text(text, _sample_facts())
        except (ValueError, TypeError, IndexError, KeyError, AttributeError) as error:
            raise self.error(
                rule_id, where, f"a placeholder's format does not fit its fact: {error}"
            ) from None

    def check_cite(self, cite: str, rule_id: str, where: str) -> None:
        if cite not in self.sections:
            raise self.error(
                rule_id,
                where,
                f"unknown guide section '{safe_load.escaped(cite)}'"
                f"{_suggest(cite, sorted(self.sections))}",
            )


def _keys(keys: set[Any]) -> str:
    """Condition keys for a message: any type (YAML keys need not be text), escaped, cut."""
    return safe_load.escaped(str(sorted(str(key) for key in keys)), safe_load.MAX_SHOWN_CHARS * 2)


def _pydantic_problem(error: ValidationError) -> str:
    item = error.errors()[0]
    loc = ".".join(safe_load.escaped(str(p)) for p in item["loc"])
    return f"{loc}: {item['msg']}" if loc else item["msg"]


_Entry = TypeVar("_Entry", Rule, PatternRule, HybridRule)


def _entry(
    model: type[_Entry],
    item: dict[str, Any],
    fallback_id: str,
    path: Path,
    checker: _Checker,
    seen: set[str],
) -> _Entry:
    """Validate one rule, pattern or hybrid of a file; its id must be new in the rulebook."""
    entry_id = str(item.get("id", fallback_id))
    try:
        entry = model.model_validate({**item, "source": str(path)})
    except ValidationError as error:
        raise checker.error(entry_id, "definition", _pydantic_problem(error)) from None
    if entry.id in seen:
        raise checker.error(entry.id, "id", "this id is used by another rule or pattern")
    seen.add(entry.id)
    return entry


def _load_file(
    path: Path,
    checker: _Checker,
    rules: list[CompiledRule],
    patterns: list[CompiledPattern],
    seen: set[str],
    hybrids: list[CompiledHybrid],
) -> bytes:
    """Validate and compile one rule file into the lists; returns the bytes it was read from."""
    try:
        data = safe_load.read_bytes(path, safe_load.RULE_FILE)
        raw = safe_load.parse_yaml(safe_load.decode(data, path), path, safe_load.RULE_FILE)
    except safe_load.LoadError as error:
        raise RulebookError(str(error)) from None
    try:
        content = _RuleFile.model_validate(raw or {})
    except ValidationError as error:
        raise RulebookError(
            f"{path}: {_pydantic_problem(error)} (a rule file holds 'rules', "
            "'patterns' and/or 'hybrids' lists)"
        ) from None
    for index, item in enumerate(content.rules):
        rule = _entry(Rule, item, f"#{index + 1}", path, checker, seen)
        used: set[str] = set()
        predicate = (
            checker.compile(rule.when, rule.id, "when", used)
            if rule.when is not None
            else (lambda f: True)
        )
        for n, effect in enumerate(rule.effects):
            checker.check_cite(effect.cite, rule.id, f"effects[{n}].cite")
            checker.check_text(effect.because, rule.id, f"effects[{n}].because")
        for n, advice in enumerate(rule.advice):
            checker.check_cite(advice.cite, rule.id, f"advice[{n}].cite")
            checker.check_text(advice.text, rule.id, f"advice[{n}].text")
            checker.check_text(advice.value, rule.id, f"advice[{n}].value")
        rules.append(CompiledRule(rule=rule, predicate=predicate, facts=frozenset(used)))
    for index, item in enumerate(content.patterns):
        pattern = _entry(PatternRule, item, f"pattern #{index + 1}", path, checker, seen)
        checker.check_cite(pattern.cite, pattern.id, "cite")
        checker.check_text(pattern.name, pattern.id, "name")
        for n, step in enumerate([pattern.summary, *pattern.steps]):
            checker.check_text(step, pattern.id, f"steps[{n}]")
        predicate = (
            checker.compile(pattern.when, pattern.id, "when", set())
            if pattern.when is not None
            else (lambda f: True)
        )
        patterns.append(CompiledPattern(pattern=pattern, predicate=predicate))
    for index, item in enumerate(content.hybrids):
        hybrid = _entry(HybridRule, item, f"hybrid #{index + 1}", path, checker, seen)
        checker.check_cite(hybrid.cite, hybrid.id, "cite")
        for n, part in enumerate(hybrid.parts):
            checker.check_text(part.role, hybrid.id, f"parts[{n}].role")
            checker.check_text(part.because, hybrid.id, f"parts[{n}].because")
        predicate = checker.compile(hybrid.when, hybrid.id, "when", set())
        hybrids.append(CompiledHybrid(hybrid=hybrid, predicate=predicate))
    return data


def load_rulebook_from(folder: Path, sections: set[str] | None = None) -> Rulebook:
    """Load, validate and compile every *.yaml and *.yml rule file in a folder."""
    if sections is None:
        sections = set(guide.load_guide().sections)
    files = sorted({path for pattern in RULE_FILE_GLOBS for path in folder.glob(pattern)})
    if not files:
        raise RulebookError(f"{folder}: no rule files ({' or '.join(RULE_FILE_GLOBS)})")
    rules: list[CompiledRule] = []
    patterns: list[CompiledPattern] = []
    hybrids: list[CompiledHybrid] = []
    seen: set[str] = set()
    digest = hashlib.sha256()
    for path in files:
        data = _load_file(path, _Checker(path, sections), rules, patterns, seen, hybrids)
        digest.update(path.name.encode() + b"\0" + data + b"\0")
    for broker in Broker:
        if not any(p.pattern.broker == broker for p in patterns):
            raise RulebookError(
                f"{folder}: no pattern for {broker.value}; every broker needs "
                "at least one (a last one without 'when' is the fallback)"
            )
    return Rulebook(
        rules=rules,
        patterns=patterns,
        hybrids=hybrids,
        digest=digest.hexdigest(),
        files=[str(p) for p in files],
    )


@functools.cache
def load_rulebook() -> Rulebook:
    """The built-in rulebook, loaded once."""
    return load_rulebook_from(paths.rules_dir())


# --- texts in other languages ----------------------------------------------------------------

# Each shipped translation's folder beside the rule files: one file per rule file, same name.
TEXT_FOLDERS: dict[i18n.Language, str] = {"fa": "fa"}
_LANGUAGE_WORDS: dict[i18n.Language, str] = {"en": "English", "fa": "Persian"}
_KINDS = ("rules", "patterns", "hybrids")


class _TextFile(BaseModel):
    model_config = ConfigDict(extra="forbid")

    rules: dict[str, Any] = Field(default_factory=dict)
    patterns: dict[str, Any] = Field(default_factory=dict)
    hybrids: dict[str, Any] = Field(default_factory=dict)


def _english_texts(book: Rulebook) -> RuleTexts:
    return RuleTexts(
        rules={
            item.rule.id: RuleText(
                title=item.rule.title,
                because=[effect.because for effect in item.rule.effects],
                advice=[AdviceText(text=a.text, value=a.value) for a in item.rule.advice],
            )
            for item in book.rules
        },
        patterns={
            item.pattern.id: PatternText(
                name=item.pattern.name, summary=item.pattern.summary, steps=item.pattern.steps
            )
            for item in book.patterns
        },
        hybrids={
            item.hybrid.id: HybridText(
                name=item.hybrid.name,
                parts=[HybridPartText(role=p.role, because=p.because) for p in item.hybrid.parts],
            )
            for item in book.hybrids
        },
    )


def _load_texts(book: Rulebook, lang: i18n.Language) -> RuleTexts:
    """Every text of the rulebook in `lang`, checked against the English rule files."""
    english = book.texts("en") if lang != "en" else _english_texts(book)
    if lang == "en" or not book.files:
        return english
    rules_folder = Path(book.files[0]).parent
    folder = rules_folder / TEXT_FOLDERS[lang]
    if not folder.is_dir():
        return english  # not shipped in this language
    sources = {Path(name).name: Path(name) for name in book.files}
    found = {p.name: p for pattern in RULE_FILE_GLOBS for p in folder.glob(pattern)}
    for name in sorted(set(found) - set(sources)):
        raise RulebookError(
            f"{found[name]}: no rule file {safe_load.escaped(name)} in {rules_folder} "
            f"for these texts to translate{_suggest(name, sorted(sources))}"
        )
    merged: dict[str, dict[str, Any]] = {kind: {} for kind in _KINDS}
    for name, source in sorted(sources.items()):
        if name not in found:
            raise RulebookError(
                f"{folder / name}: missing; every rule file needs its "
                f"{_LANGUAGE_WORDS[lang]} texts once {folder} exists ({source} has none)"
            )
        texts = _load_text_file(found[name], source, book, english, lang)
        for kind in _KINDS:
            merged[kind].update(getattr(texts, kind))
    return RuleTexts.model_validate(merged)


def _load_text_file(
    path: Path, source: Path, book: Rulebook, english: RuleTexts, lang: i18n.Language
) -> RuleTexts:
    """One translation file, checked against the entries of the rule file it translates."""
    try:
        raw = safe_load.load_yaml(path, safe_load.RULE_FILE)
    except safe_load.LoadError as error:
        raise RulebookError(str(error)) from None
    try:
        content = _TextFile.model_validate(raw or {})
    except ValidationError as error:
        raise RulebookError(
            f"{path}: {_pydantic_problem(error)} (a text file maps 'rules', 'patterns' "
            "and/or 'hybrids' ids to their texts)"
        ) from None
    origin = str(source)
    expected: dict[str, list[str]] = {
        "rules": [item.rule.id for item in book.rules if item.rule.source == origin],
        "patterns": [item.pattern.id for item in book.patterns if item.pattern.source == origin],
        "hybrids": [item.hybrid.id for item in book.hybrids if item.hybrid.source == origin],
    }
    word = _LANGUAGE_WORDS[lang]
    checker = _Checker(path, set())
    result: dict[str, dict[str, Any]] = {kind: {} for kind in _KINDS}
    models: dict[str, type[BaseModel]] = {
        "rules": RuleText,
        "patterns": PatternText,
        "hybrids": HybridText,
    }
    for kind in _KINDS:
        given: dict[str, Any] = getattr(content, kind)
        ids = expected[kind]
        for entry_id in given:
            if entry_id not in ids:
                raise checker.error(
                    entry_id,
                    kind,
                    f"no such {kind[:-1]} in {source.name}{_suggest(entry_id, ids)}",
                )
        for entry_id in ids:
            if entry_id not in given:
                raise checker.error(entry_id, kind, f"missing its {word} text")
            try:
                text = models[kind].model_validate(given[entry_id] or {})
            except ValidationError as error:
                raise checker.error(entry_id, "text", _pydantic_problem(error)) from None
            pairs = _paired(kind, getattr(english, kind)[entry_id], text, entry_id, checker)
            for where, original, translated in pairs:
                _check_translation(checker, entry_id, where, original, translated, word)
            result[kind][entry_id] = text
    return RuleTexts.model_validate(result)


def _count(
    checker: _Checker, entry_id: str, where: str, original: list[Any], translated: list[Any]
) -> None:
    if len(original) != len(translated):
        raise checker.error(
            entry_id,
            where,
            f"{len(translated)} entries, but English has {len(original)} (same count and order)",
        )


def _paired(
    kind: str, original: Any, translated: Any, entry_id: str, checker: _Checker
) -> list[tuple[str, str, str]]:
    """(field, English text, translated text) for every text of an entry, counts checked."""
    pairs: list[tuple[str, str, str]] = []
    if kind == "rules":
        pairs.append(("title", original.title, translated.title))
        _count(checker, entry_id, "because", original.because, translated.because)
        pairs += [
            (f"because[{n}]", a, b)
            for n, (a, b) in enumerate(zip(original.because, translated.because, strict=True))
        ]
        _count(checker, entry_id, "advice", original.advice, translated.advice)
        for n, (a, b) in enumerate(zip(original.advice, translated.advice, strict=True)):
            pairs += [
                (f"advice[{n}].text", a.text, b.text),
                (f"advice[{n}].value", a.value, b.value),
            ]
    elif kind == "patterns":
        pairs += [("name", original.name, translated.name)]
        pairs += [("summary", original.summary, translated.summary)]
        _count(checker, entry_id, "steps", original.steps, translated.steps)
        pairs += [
            (f"steps[{n}]", a, b)
            for n, (a, b) in enumerate(zip(original.steps, translated.steps, strict=True))
        ]
    else:
        pairs.append(("name", original.name, translated.name))
        _count(checker, entry_id, "parts", original.parts, translated.parts)
        for n, (a, b) in enumerate(zip(original.parts, translated.parts, strict=True)):
            pairs += [(f"parts[{n}].role", a.role, b.role)]
            pairs += [(f"parts[{n}].because", a.because, b.because)]
    return pairs


def _check_translation(
    checker: _Checker, entry_id: str, where: str, original: str, translated: str, word: str
) -> None:
    """A translated text is present where English has one, with the same placeholders."""
    if bool(original) != bool(translated):
        problem = f"missing its {word} text" if original else "English has no text here"
        raise checker.error(entry_id, where, problem)
    checker.check_text(translated, entry_id, where)
    mine, theirs = _placeholders(translated), _placeholders(original)
    if mine != theirs:
        missing = ", ".join(sorted(theirs - mine)) or "none"
        extra = ", ".join(sorted(mine - theirs)) or "none"
        raise checker.error(
            entry_id,
            where,
            f"placeholders differ from English (missing: {missing}; not in English: {extra})",
        )


def _placeholders(text: str) -> set[str]:
    """The `{fact:format}` fields of a text, and its escaped braces (kept as they are)."""
    found: set[str] = set()
    braces = 0
    for literal, name, spec, conversion in string.Formatter().parse(text):
        braces += literal.count("{") + literal.count("}")
        if name is not None:
            found.add(
                "{"
                + name
                + (f"!{conversion}" if conversion else "")
                + (f":{spec}" if spec else "")
                + "}"
            )
    if braces:
        found.add(f"{braces} escaped braces")
    return found


class _Formatter(string.Formatter):
    """Formats facts into reason texts; numbers get thousands separators and sensible digits."""

    def format_field(self, value: Any, format_spec: str) -> str:
        if format_spec:
            return str(super().format_field(value, format_spec))
        if isinstance(value, bool):
            return "yes" if value else "no"
        if isinstance(value, float):
            if value == int(value) and abs(value) < 1e15:
                return f"{int(value):,}"
            return f"{value:,.2f}" if abs(value) < 100 else f"{value:,.0f}"
        if isinstance(value, int):
            return f"{value:,}"
        return str(value)


_FORMATTER = _Formatter()


@functools.cache
def _sample_facts() -> dict[str, Any]:
    """The facts of the default workload, to try rule texts on when they are loaded."""
    return compute_facts(workload_data(Workload()))


def worded_facts(facts: Mapping[str, Any]) -> Mapping[str, Any]:
    """The facts as rule texts in the current language show them (English: unchanged)."""
    if i18n.language() == "en":
        return facts
    # The one fact worded in English by facts.py; the others are numbers, names or values.
    brokers = int(facts["kafka_brokers_for_bandwidth"])
    worded = (
        i18n.tr("one broker")
        if brokers <= 1
        else i18n.tr("{kafka_brokers} brokers", kafka_brokers=f"{brokers:,}")
    )
    return {**facts, "kafka_brokers_text": worded}


def render_text(text: str, facts: Mapping[str, Any]) -> str:
    """Fill {fact} placeholders of a rule text."""
    if "{" not in text:
        return text
    return _FORMATTER.vformat(text, (), facts)


OpName = Literal[
    "eq", "ne", "lt", "lte", "gt", "gte", "in", "not_in", "contains", "not_contains", "empty"
]
