"""The rules engine: facts in, a ranked and explained Recommendation out; deterministic."""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from advisor import __version__, guide, i18n, precedents, rules, units, versions
from advisor.facts import (
    FACT_SPECS,
    RABBITMQ_STALL_SECONDS,
    STATED_GROUPS,
    compute_facts,
    workload_data,
)
from advisor.recommendation import (
    Advice,
    BrokerAssessment,
    Capacity,
    Confidence,
    ConfidenceLevel,
    Hybrid,
    HybridPart,
    Pattern,
    Reason,
    ReasonKind,
    Recommendation,
    VersionNote,
    VersionSource,
    VersionUsed,
    WhatIf,
)
from advisor.workload import Broker, Workload

BROKERS = tuple(Broker)
SCORE_SCALE = 30.0  # raw points at which a broker's score reaches about 73 of 100
MIN_RATE = 0.001  # msg/s below which rates are treated as zero in ratios
MAX_RATE = 10_000_000.0  # the workload model's upper bound for rates
# Confidence reads the raw margin (rule points): the 0-100 curve compresses gaps near its ends,
# where a strong rule's lead would otherwise look like a few points.
HIGH_MARGIN = 25.0
MEDIUM_MARGIN = 10.0
TIE_MARGIN = 0.5  # rule-weight points under which the first two are reported as a tie
NEAR_FLIP = 0.25  # a what-if threshold within this fraction of the current value is "near"
CLEAR_MARGIN = 40.0  # a raw margin that stays high even with deciding inputs unstated

# Inputs that decided real teams' choices; a group is unstated when every field in it still has
# its "not stated" value. One entry per group.
DECIDING_INPUTS: tuple[tuple[str, Callable[[Workload], bool]], ...] = (
    (
        "the languages or job framework of producers and consumers",
        lambda w: (
            bool(w.languages)
            or w.task_framework is not None
            or w.uses_celery
            or w.uses_django is not None
        ),
    ),
    (
        "the brokers the organisation already runs, knows, standardises on or is leaving",
        lambda w: (
            bool(w.already_running or w.team_familiar_with)
            or w.organisation_standard is not None
            or w.leaving is not None
        ),
    ),
)


@dataclass
class _Tally:
    """Raw score and knockout state of every broker, as rules fire."""

    raw: dict[Broker, float] = field(default_factory=lambda: dict.fromkeys(BROKERS, 0.0))
    out: dict[Broker, bool] = field(default_factory=lambda: dict.fromkeys(BROKERS, False))

    def add(self, other: _Tally) -> _Tally:
        return _Tally(
            raw={b: self.raw[b] + other.raw[b] for b in BROKERS},
            out={b: self.out[b] or other.out[b] for b in BROKERS},
        )

    def winner(self) -> Broker | None:
        ranked = _rank(self)
        best = ranked[0]
        return None if self.out[best] else best


def scale(raw: float) -> float:
    """Map a raw score onto 0-100; monotonic, 50 for a broker no rule spoke about."""
    return 100.0 / (1.0 + math.exp(-raw / SCORE_SCALE))


def _rank(tally: _Tally) -> list[Broker]:
    # Knocked-out brokers last; then by raw score; ties keep the fixed broker order.
    return sorted(BROKERS, key=lambda b: (tally.out[b], -tally.raw[b], BROKERS.index(b)))


def _tally(compiled: Iterable[rules.CompiledRule], facts: Mapping[str, Any]) -> _Tally:
    tally = _Tally()
    for item in compiled:
        if not item.predicate(facts):
            continue
        for effect in item.rule.effects:
            if effect.kind is ReasonKind.KNOCKOUT:
                tally.out[effect.broker] = True
            elif effect.kind is ReasonKind.PRO:
                tally.raw[effect.broker] += effect.weight
            else:
                tally.raw[effect.broker] -= effect.weight
    return tally


def recommend(
    workload: Workload,
    *,
    what_if: bool = True,
    rulebook: rules.Rulebook | None = None,
    detected: Mapping[Broker, str] | None = None,
) -> Recommendation:
    """Rank the three brokers for a workload, with reasons, pattern, sizing, advice, what-if.

    `detected` holds server versions a probe found; the advice is then written for them, and
    `version_notes` says what differs from the advice for the stated or current versions.
    """
    book = rulebook or rules.load_rulebook()
    found = _usable_versions(detected or {})
    if not found:
        return _recommend(workload, what_if, book)
    assumed = _recommend(workload, False, book)
    running = workload.model_copy(update={"versions": {**workload.versions, **found}})
    result = _recommend(running, what_if, book)
    notes = [
        note
        for broker, version in found.items()
        if (note := _version_note(broker, version, workload, assumed, result)) is not None
    ]
    return result.model_copy(
        update={"version_notes": notes, "versions": _version_list(workload, found)}
    )


def _usable_versions(detected: Mapping[Broker, str]) -> dict[Broker, str]:
    """The detected versions that read as versions (a probe may report "?")."""
    usable: dict[Broker, str] = {}
    for broker, text in detected.items():
        try:
            usable[broker] = versions.validate_text(text)
        except versions.VersionError:
            continue
    return usable


def _version_list(workload: Workload, found: Mapping[Broker, str]) -> list[VersionUsed]:
    used = []
    for broker in Broker:
        stated = workload.versions.get(broker, "")
        if broker in found:
            source = VersionSource.DETECTED
        elif stated:
            source = VersionSource.STATED
        else:
            source = VersionSource.CURRENT
        used.append(
            VersionUsed(
                broker=broker,
                version=found.get(broker) or str(versions.effective(workload.versions, broker)),
                source=source,
                stated=stated if source is VersionSource.DETECTED else "",
            )
        )
    return used


def _keyed_texts(recommendation: Recommendation, broker: Broker) -> dict[tuple[str, str], str]:
    """A broker's reasons and advice by (rule, kind): texts name versions, rules do not."""
    item = recommendation.assessment(broker)
    texts: dict[tuple[str, str], str] = {}
    for reason in (*item.knockouts, *item.pros, *item.cons):
        texts.setdefault((reason.rule_id, reason.kind.value), reason.text)
    for advice in item.advice:
        texts.setdefault((advice.rule_id, f"advice:{advice.setting}"), advice.text)
    return texts


def _version_note(
    broker: Broker,
    version: str,
    workload: Workload,
    assumed: Recommendation,
    result: Recommendation,
) -> VersionNote | None:
    """What the detected version changes for one broker, or None when it changes nothing."""
    before = versions.effective(workload.versions, broker)
    if versions.Version.parse(version) == before:
        return None
    old, new = _keyed_texts(assumed, broker), _keyed_texts(result, broker)
    moved = ""
    if assumed.winner != result.winner:
        moved = i18n.tr(
            "With {broker} {version} the recommendation moves from {before} to {after}.",
            broker=broker.title,
            version=version,
            before=assumed.winner.title if assumed.winner else i18n.tr("no broker"),
            after=result.winner.title if result.winner else i18n.tr("no broker"),
        )
    return VersionNote(
        broker=broker,
        detected=version,
        assumed=str(before),
        added=[text for key, text in new.items() if key not in old],
        removed=[text for key, text in old.items() if key not in new],
        winner_changes=moved,
    )


def _recommend(workload: Workload, what_if: bool, book: rules.Rulebook) -> Recommendation:
    data = workload_data(workload)
    facts = compute_facts(data)
    sections = guide.load_guide().sections
    words = book.texts()  # the rule texts in the current language
    shown = rules.worded_facts(facts)  # the facts as those texts show them
    fired = [item for item in book.rules if item.predicate(facts)]
    tally = _tally(fired, facts)
    order = _rank(tally)

    assessments = []
    for rank, broker in enumerate(order, start=1):
        reasons = {kind: [] for kind in ReasonKind}  # type: dict[ReasonKind, list[Reason]]
        advice: list[Advice] = []
        for item in fired:
            said = words.rules[item.rule.id]
            for n, effect in enumerate(item.rule.effects):
                if effect.broker != broker:
                    continue
                reasons[effect.kind].append(
                    Reason(
                        rule_id=item.rule.id,
                        broker=broker,
                        kind=effect.kind,
                        weight=0.0 if effect.kind is ReasonKind.KNOCKOUT else effect.weight,
                        text=rules.render_text(said.because[n], shown),
                        citation=effect.cite,
                        citation_title=sections[effect.cite].title
                        if effect.cite in sections
                        else "",
                    )
                )
            for spec, worded in zip(item.rule.advice, said.advice, strict=True):
                if spec.broker == broker:
                    advice.append(
                        Advice(
                            broker=broker,
                            text=rules.render_text(worded.text, shown),
                            rule_id=item.rule.id,
                            citation=spec.cite,
                            setting=spec.setting,
                            value=rules.render_text(worded.value, shown),
                        )
                    )
        for kind in (ReasonKind.PRO, ReasonKind.CON):
            reasons[kind].sort(key=lambda r: (-r.weight, r.rule_id))
        knocked = tally.out[broker]
        assessments.append(
            BrokerAssessment(
                broker=broker,
                rank=rank,
                score=0.0 if knocked else round(scale(tally.raw[broker]), 1),
                raw_score=tally.raw[broker],
                knocked_out=knocked,
                knockouts=reasons[ReasonKind.KNOCKOUT],
                pros=reasons[ReasonKind.PRO],
                cons=reasons[ReasonKind.CON],
                pattern=_pattern(book, words, broker, facts, shown),
                advice=advice,
            )
        )

    winner = None if tally.out[order[0]] else order[0]
    tied = _tied(assessments)
    flips = what_if_analysis(workload, book) if what_if and winner else []
    if what_if:
        near = _near_flips(flips)
    elif _could_be_high(assessments, tied):  # a near flip only ever lowers a high confidence
        near = _near_flips_sampled(book, winner, data, facts, tally)
    else:
        near = []
    confidence = _confidence(assessments, tied, near, _unstated(workload))
    return Recommendation(
        app_version=__version__,
        rulebook_hash=book.digest,
        workload_name=workload.name,
        winner=winner,
        ranking=assessments,
        confidence=confidence,
        capacity=_capacity(facts),
        what_if=flips,
        summary=_summary(
            assessments,
            winner,
            confidence,
            {item.rule.id: words.rules[item.rule.id].title for item in fired},
            tied,
        ),
        tied=tied,
        hybrid=_hybrid(book, words, winner, assessments, facts, shown, sections),
        precedents=precedents.nearest(facts),
        versions=_version_list(workload, {}),
    )


def _tied(assessments: list[BrokerAssessment]) -> list[Broker]:
    """The brokers sharing first place, when it is shared; else empty."""
    first = assessments[0]
    if first.knocked_out:
        return []
    # Judged on rule weights: the 0-100 curve would merge distinct leads near its ends.
    tied = [
        a.broker
        for a in assessments
        if not a.knocked_out and abs(first.raw_score - a.raw_score) < TIE_MARGIN
    ]
    return tied if len(tied) > 1 else []


def _near_flips(flips: list[WhatIf]) -> list[str]:
    """What-if sentences whose threshold lies within NEAR_FLIP of the current value."""
    return [
        item.text
        for item in flips
        if item.current > 0 and abs(item.threshold - item.current) <= NEAR_FLIP * item.current
    ]


@dataclass(frozen=True)
class _AxisRules:
    """The rules one what-if axis moves, and the most they can shift any two brokers' gap."""

    moving: tuple[rules.CompiledRule, ...]
    constant: tuple[rules.CompiledRule, ...]
    swing: dict[Broker, float]  # the most the moving rules can add to or take from each broker
    knocks_out: frozenset[Broker]


_AXIS_RULES: dict[tuple[str, str], _AxisRules] = {}


def _axis_rules(book: rules.Rulebook, field_name: str) -> _AxisRules:
    key = (book.digest, field_name)
    if key not in _AXIS_RULES:
        affected = _affected_facts(field_name)
        moving = tuple(r for r in book.rules if r.facts & affected)
        effects = [e for r in moving for e in r.rule.effects]
        _AXIS_RULES[key] = _AxisRules(
            moving=moving,
            constant=tuple(r for r in book.rules if not r.facts & affected),
            swing={b: sum(e.weight for e in effects if e.broker == b) for b in BROKERS},
            knocks_out=frozenset(e.broker for e in effects if e.kind is ReasonKind.KNOCKOUT),
        )
    return _AXIS_RULES[key]


def _near_flips_sampled(
    book: rules.Rulebook,
    winner: Broker | None,
    base: Mapping[str, Any],
    base_facts: Mapping[str, Any],
    base_tally: _Tally,
) -> list[str]:
    """Without the full what-if: whether the winner changes within NEAR_FLIP of any numeric
    requirement, sampled at a few points on each side (from the recommendation's own facts)."""
    if winner is None:
        return []
    found = []
    for axis in WHAT_IF_AXES:
        value = float(base[axis.field])
        if not _stated_axis(base, axis.field):
            continue
        split = _axis_rules(book, axis.field)
        # No change of this requirement can close a lead larger than its rules can swing.
        reachable = winner in split.knocks_out or any(
            base_tally.raw[winner] - base_tally.raw[b] <= split.swing[winner] + split.swing[b]
            for b in BROKERS
            if b != winner and not base_tally.out[b]
        )
        if value <= 0 or not split.moving or not reachable:
            continue
        constant = _tally(split.constant, base_facts)
        for factor in (0.75, 0.875, 1.125, 1.25):
            candidate = min(max(value * factor, axis.low), axis.high)
            if axis.integer:
                candidate = float(round(candidate))
            if candidate == value:
                continue
            facts = compute_facts(_adjust(base, axis.field, candidate))
            other = constant.add(_tally(split.moving, facts)).winner()
            if other is not None and other != winner:
                spec = FACT_SPECS[axis.field]
                found.append(
                    i18n.tr(
                        "{requirement} at {value} (now {current}) makes {broker} the answer.",
                        requirement=_field_title(axis.field),
                        value=units.quantity(candidate, spec.unit),
                        current=units.quantity(value, spec.unit),
                        broker=other.title,
                    )
                )
                break
    return found


def _points(value: float) -> str:
    if value == 1:
        return i18n.tr("{points} point", points=f"{value:g}")
    return i18n.tr("{points} points", points=f"{value:g}")


def _joined(brokers: Iterable[Broker]) -> str:
    """Broker names joined by "and" in the current language."""
    names = [b.title for b in brokers]
    text = names[0]
    for name in names[1:]:
        text = i18n.tr("{brokers} and {next_broker}", brokers=text, next_broker=name)
    return text


def _unstated(workload: Workload) -> list[str]:
    return [i18n.tr(name) for name, stated in DECIDING_INPUTS if not stated(workload)]


def _hybrid(
    book: rules.Rulebook,
    words: rules.RuleTexts,
    winner: Broker | None,
    assessments: list[BrokerAssessment],
    facts: Mapping[str, Any],
    shown: Mapping[str, Any],
    sections: Mapping[str, guide.GuideSection],
) -> Hybrid | None:
    if winner is None:
        return None
    out = {a.broker for a in assessments if a.knocked_out}
    for item in book.hybrids:
        spec = item.hybrid
        brokers = {part.broker for part in spec.parts}
        if winner not in (spec.winners or brokers) or brokers & out:
            continue
        if not item.predicate(facts):
            continue
        said = words.hybrids[spec.id]
        # The recommended broker's part first.
        parts = sorted(
            zip(spec.parts, said.parts, strict=True), key=lambda pair: pair[0].broker != winner
        )
        return Hybrid(
            hybrid_id=spec.id,
            name=said.name,
            parts=[
                HybridPart(
                    broker=part.broker,
                    role=rules.render_text(worded.role, shown),
                    reason=rules.render_text(worded.because, shown),
                )
                for part, worded in parts
            ],
            citation=spec.cite,
            citation_title=sections[spec.cite].title if spec.cite in sections else "",
        )
    return None


def _pattern(
    book: rules.Rulebook,
    words: rules.RuleTexts,
    broker: Broker,
    facts: Mapping[str, Any],
    shown: Mapping[str, Any],
) -> Pattern | None:
    for item in book.patterns:
        spec = item.pattern
        if spec.broker == broker and item.predicate(facts):
            said = words.patterns[spec.id]
            return Pattern(
                broker=broker,
                pattern_id=spec.id,
                name=rules.render_text(said.name, shown),
                summary=rules.render_text(said.summary, shown),
                steps=[rules.render_text(s, shown) for s in said.steps],
                citation=spec.cite,
            )
    return None


def _could_be_high(assessments: list[BrokerAssessment], tied: list[Broker]) -> bool:
    """Whether the margin alone gives high confidence (the only level a near flip changes)."""
    first, second = assessments[0], assessments[1]
    if first.knocked_out or tied or second.knocked_out:
        return False
    return first.raw_score - second.raw_score >= HIGH_MARGIN


def _confidence(
    assessments: list[BrokerAssessment],
    tied: list[Broker],
    near: list[str],
    unstated: list[str],
) -> Confidence:
    """The margin gives a level; a near what-if flip or unstated deciding inputs lower it."""
    first, second = assessments[0], assessments[1]
    if first.knocked_out:
        return Confidence(
            level=ConfidenceLevel.LOW,
            margin=0.0,
            explanation=i18n.tr(
                "Every broker is ruled out by a hard requirement; "
                "relax the requirements named in the knockouts."
            ),
            unstated=unstated,
        )
    if tied:
        return Confidence(
            level=ConfidenceLevel.LOW,
            margin=round(first.score - second.score, 1),
            explanation=i18n.tr(
                "{brokers} tie at {score}: the rulebook cannot tell them apart here; the inputs "
                "not stated, team experience and operations should decide.",
                brokers=_joined(tied),
                score=f"{first.score:g}",
            ),
            tie=True,
            unstated=unstated,
        )
    if second.knocked_out:
        # Nothing to compare with: how sure we are is how well the one broker left fits.
        score = round(first.score, 1)
        level = (
            ConfidenceLevel.HIGH
            if score >= 70
            else ConfidenceLevel.MEDIUM
            if score >= 50
            else ConfidenceLevel.LOW
        )
        fit = {
            ConfidenceLevel.HIGH: "{broker} is the only broker that meets every hard "
            "requirement (score {score}), and it fits well.",
            ConfidenceLevel.MEDIUM: "{broker} is the only broker that meets every hard "
            "requirement (score {score}), and it fits with caveats: read its cons.",
            ConfidenceLevel.LOW: "{broker} is the only broker that meets every hard "
            "requirement (score {score}), but it fits poorly: its cons outweigh its pros.",
        }[level]
        return Confidence(
            level=level,
            margin=score,
            explanation=i18n.tr(fit, broker=first.broker.title, score=f"{score:g}"),
            unstated=unstated,
        )
    margin = round(first.score - second.score, 1)
    lead = first.raw_score - second.raw_score
    names = {
        "first": first.broker.title,
        "second": second.broker.title,
        "gap": i18n.tr(
            "{points} ({lead} in rule weights)", points=_points(margin), lead=f"{lead:g}"
        ),
    }
    if lead >= HIGH_MARGIN:
        level = ConfidenceLevel.HIGH
        text = i18n.tr("{first} leads {second} by {gap}.", **names)
    elif lead >= MEDIUM_MARGIN:
        level = ConfidenceLevel.MEDIUM
        text = i18n.tr(
            "{first} leads {second} by {gap}; check the what-if and the cons before deciding.",
            **names,
        )
    else:
        level = ConfidenceLevel.LOW
        text = i18n.tr(
            "{first} leads {second} by only {gap}: either can work; "
            "let team experience and operations decide.",
            **names,
        )
    factors: list[str] = []
    if level is ConfidenceLevel.HIGH and near:
        level = ConfidenceLevel.MEDIUM
        factors.append(i18n.tr("a small change flips the answer: {what_if}", what_if=near[0]))
    # With every deciding input open, features alone decide: real teams often decided on the
    # inputs left open, so never high. With some open, only a clear lead stays high.
    all_open = len(unstated) == len(DECIDING_INPUTS)
    if level is ConfidenceLevel.HIGH and unstated and (all_open or lead < CLEAR_MARGIN):
        level = ConfidenceLevel.MEDIUM
        factors.append(
            i18n.tr(
                "{count} of the inputs that decided real teams' choices is not stated "
                "(listed below).",
                count=len(unstated),
            )
            if len(unstated) == 1
            else i18n.tr(
                "{count} of the inputs that decided real teams' choices are not stated "
                "(listed below).",
                count=len(unstated),
            )
        )
    if factors:
        text = i18n.tr(
            "{first} leads {second} by {gap}, but {factors}",
            factors=" ".join(factors),
            **names,
        )
    return Confidence(
        level=level, margin=margin, explanation=text, factors=factors, unstated=unstated
    )


def _capacity(facts: Mapping[str, Any]) -> Capacity:
    gb = 1e9
    size = float(facts["avg_message_size_bytes"])
    return Capacity(
        avg_bandwidth_bytes_per_s=float(facts["avg_rate_msg_per_s"]) * size,
        peak_bandwidth_bytes_per_s=float(facts["peak_rate_msg_per_s"]) * size,
        messages_per_day=facts["messages_per_day"],
        retained_messages=facts["retained_messages"],
        retained_bytes=facts["retained_gb"] * gb,
        redis_memory_bytes=facts["redis_memory_gb"] * gb,
        kafka_partitions=facts["kafka_partitions"],
        kafka_replication_factor=facts["kafka_replication_factor"],
        kafka_disk_bytes=facts["kafka_disk_gb"] * gb,
        rabbitmq_queue_depth_at_peak=facts["peak_rate_msg_per_s"] * RABBITMQ_STALL_SECONDS,
        nodes_needed=facts["nodes_needed"],
    )


def _summary(
    assessments: list[BrokerAssessment],
    winner: Broker | None,
    confidence: Confidence,
    titles: Mapping[str, str],
    tied: list[Broker],
) -> str:
    if winner is None:
        return i18n.tr("No broker meets every hard requirement; see the knockouts.")
    first = assessments[0]
    if tied:
        rest = _scores([a for a in assessments if a.broker not in tied])
        text = (
            "{brokers} tie (score {score}; {others}): the rulebook cannot choose between them, "
            "and {first} is listed first only by the fixed order of brokers. "
            "State the inputs the tie depends on to separate them."
            if rest
            else "{brokers} tie (score {score}): the rulebook cannot choose between them, "
            "and {first} is listed first only by the fixed order of brokers. "
            "State the inputs the tie depends on to separate them."
        )
        return i18n.tr(
            text,
            brokers=_joined(tied),
            score=f"{first.score:g}",
            others=rest,
            first=first.broker.title,
        )
    sentence = {
        ConfidenceLevel.HIGH: "{broker} is recommended (score {score}; {others}), high confidence.",
        ConfidenceLevel.MEDIUM: "{broker} is recommended (score {score}; {others}), "
        "medium confidence.",
        ConfidenceLevel.LOW: "{broker} is recommended (score {score}; {others}), low confidence.",
    }[confidence.level]
    text = i18n.tr(
        sentence,
        broker=first.broker.title,
        score=f"{first.score:g}",
        others=_scores(assessments[1:]),
    )
    top = [titles.get(r.rule_id) or r.rule_id for r in first.pros[:3]]
    if top:
        factors = top[0]
        for title in top[1:]:
            factors = i18n.tr("{factors}; {next_factor}", factors=factors, next_factor=title)
        text += i18n.tr(" Deciding factors: {factors}.", factors=factors)
    return text


def _scores(assessments: list[BrokerAssessment]) -> str:
    """Brokers and their scores for a summary ("Kafka 61, Redis ruled out")."""
    text = ""
    for item in assessments:
        scored = (
            i18n.tr("{broker} ruled out", broker=item.broker.title)
            if item.knocked_out
            else f"{item.broker.title} {item.score:g}"
        )
        text = i18n.tr("{scores}, {next_score}", scores=text, next_score=scored) if text else scored
    return text


# --- what-if -------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Axis:
    """A numeric requirement the what-if varies, with its realistic range."""

    field: str
    low: float
    high: float
    integer: bool = False
    resolution: float = 0.0  # thresholds closer to 0 than this read as "any value above 0"


WHAT_IF_AXES = (
    _Axis("peak_rate_msg_per_s", 1.0, 5_000_000.0),
    _Axis("avg_rate_msg_per_s", 0.1, 2_000_000.0),
    # Messages beyond these sizes belong in object storage (claim check), whatever the broker.
    _Axis("avg_message_size_bytes", 16, 16 * 1024 * 1024, integer=True),
    _Axis("max_message_size_bytes", 16, 128 * 1024 * 1024, integer=True),
    _Axis("retention_hours", 0.0, 24 * 365.0, resolution=0.1),
    _Axis("p99_latency_ms", 0.5, 60_000.0, resolution=0.1),
    _Axis("consumer_groups", 1, 100, integer=True),
    _Axis("tolerated_node_failures", 0, 3, integer=True),
)
_GRID_STEPS = 14
_BISECT_STEPS = 16
_LINEAR_LIMIT = 100  # integer ranges up to this size are walked value by value


def _stated_axis(data: Mapping[str, Any], name: str) -> bool:
    """Whether the workload states the requirement an axis varies."""
    return all(data[group] for group, fields in STATED_GROUPS.items() if name in fields)


def _adjust(data: Mapping[str, Any], name: str, value: float) -> dict[str, Any]:
    """Set one requirement and keep the others consistent with it."""
    changed = dict(data)
    changed[name] = value
    # Varying a requirement asks "what if you stated this value": it counts as stated.
    for group, fields in STATED_GROUPS.items():
        if name in fields:
            changed[group] = True
    if name == "avg_rate_msg_per_s":
        # Keep the burstiness; a near-zero average has none worth keeping.
        avg, peak = data["avg_rate_msg_per_s"], data["peak_rate_msg_per_s"]
        ratio = peak / avg if avg >= MIN_RATE else 1.0
        changed["peak_rate_msg_per_s"] = max(value, min(value * ratio, MAX_RATE))
    elif name == "peak_rate_msg_per_s":
        changed["avg_rate_msg_per_s"] = min(data["avg_rate_msg_per_s"], value)
    elif name == "avg_message_size_bytes":
        changed["max_message_size_bytes"] = max(data["max_message_size_bytes"], value)
    elif name == "max_message_size_bytes":
        changed["avg_message_size_bytes"] = min(data["avg_message_size_bytes"], value)
    return changed


_SIBLINGS = {
    "avg_rate_msg_per_s": {"peak_rate_msg_per_s"},
    "peak_rate_msg_per_s": {"avg_rate_msg_per_s"},
    "avg_message_size_bytes": {"max_message_size_bytes"},
    "max_message_size_bytes": {"avg_message_size_bytes"},
}


def _affected_facts(name: str) -> set[str]:
    fields = {name} | _SIBLINGS.get(name, set())
    return {fact for fact, spec in FACT_SPECS.items() if fields & set(spec.depends_on)}


def _grid(start: float, end: float, steps: int) -> list[float]:
    """Points from start (excluded) to end, geometric where the range allows it."""
    if start > 0 and end > 0:
        # In log space, so tiny or huge ratios never overflow.
        low, delta = math.log(start), (math.log(end) - math.log(start)) / steps
        return [math.exp(low + delta * i) for i in range(1, steps + 1)]
    return [start + (end - start) * i / steps for i in range(1, steps + 1)]


def _nice(value: float, upwards: bool | None) -> float:
    """Two significant digits: to the nearest (None), or rounded up or down."""
    if value == 0:
        return 0.0
    magnitude = 10.0 ** (math.floor(math.log10(abs(value))) - 1)
    rounding = round if upwards is None else (math.ceil if upwards else math.floor)
    return float(rounding(value / magnitude) * magnitude)


def what_if_analysis(workload: Workload, book: rules.Rulebook) -> list[WhatIf]:
    """For each numeric requirement, the value past which the winner changes, if realistic."""
    base = workload_data(workload)
    base_facts = compute_facts(base)
    current = _tally(book.rules, base_facts).winner()
    if current is None:
        return []
    results: list[WhatIf] = []
    for axis in WHAT_IF_AXES:
        if not _stated_axis(base, axis.field):
            continue  # varying an unstated requirement would only measure stating it
        affected = _affected_facts(axis.field)
        moving = [r for r in book.rules if r.facts & affected]
        constant = _tally([r for r in book.rules if not r.facts & affected], base_facts)
        low = axis.low
        if axis.field == "retention_hours" and base["replay"]:
            low = 1.0
        if axis.field == "max_message_size_bytes":
            low = float(base["avg_message_size_bytes"])

        def tally_at(
            value: float,
            axis: _Axis = axis,
            moving: list[rules.CompiledRule] = moving,
            constant: _Tally = constant,
        ) -> _Tally:
            facts = compute_facts(_adjust(base, axis.field, value))
            return constant.add(_tally(moving, facts))

        def winner_at(
            value: float, tally_at: Callable[[float], _Tally] = tally_at
        ) -> Broker | None:
            return tally_at(value).winner()

        value = float(base[axis.field])
        for direction, end in (("above", axis.high), ("below", low)):
            if (direction == "above" and value >= end) or (direction == "below" and value <= end):
                continue
            found = _search(value, end, axis.integer, current, winner_at)
            if found is None:
                continue
            threshold, new_winner = found
            ruled_out = tally_at(threshold).out[current]
            adjusted = _adjust(base, axis.field, threshold)
            moved = {
                name: float(adjusted[name])
                for name in _SIBLINGS.get(axis.field, set())
                if float(adjusted[name]) != float(base[name])
            }
            results.append(
                _what_if(axis, value, threshold, direction, new_winner, current, ruled_out, moved)
            )
    return results


def _search(
    start: float,
    end: float,
    integer: bool,
    current: Broker,
    winner_at: Callable[[float], Broker | None],
) -> tuple[float, Broker] | None:
    """The first value from start towards end where the winner changes, and the new winner."""
    if integer and abs(end - start) <= _LINEAR_LIMIT:
        step = 1 if end > start else -1
        for whole in range(int(start) + step, int(end) + step, step):
            candidate = float(whole)
            winner = winner_at(candidate)
            if winner is not None and winner != current:
                return float(candidate), winner
            if winner is None:
                return None
        return None
    points = (
        [*_grid(start, end, _GRID_STEPS)] if start != 0 else _grid(end / 10**6, end, _GRID_STEPS)
    )
    previous = start
    for point in points:
        winner = winner_at(point)
        if winner is None:
            return None
        if winner != current:
            same, other = previous, point
            for _ in range(_BISECT_STEPS):
                middle = (same + other) / 2
                if winner_at(middle) == current:
                    same = middle
                else:
                    other = middle
            if integer:
                other = float(math.ceil(other) if end > start else math.floor(other))
            other = min(other, end) if end > start else max(other, end)
            target = winner_at(other)
            for candidate in (_nice(other, None), _nice(other, end > start)):
                between = (candidate - start) * (end - start) > 0 and (end - candidate) * (
                    end - start
                ) >= 0
                if between and winner_at(candidate) == target:
                    other = candidate
                    break
            final = winner_at(other)
            return (other, final) if final is not None else None
        previous = point
    return None


def _what_if(
    axis: _Axis,
    value: float,
    threshold: float,
    direction: str,
    new_winner: Broker,
    current: Broker,
    ruled_out: bool = False,
    moved: Mapping[str, float] | None = None,
) -> WhatIf:
    spec = FACT_SPECS[axis.field]
    title = _field_title(axis.field)
    change = (
        i18n.tr(
            "{current} is ruled out and {new} is the best of what is left",
            current=current.title,
            new=new_winner.title,
        )
        if ruled_out
        else i18n.tr(
            "the answer becomes {new} instead of {current}",
            current=current.title,
            new=new_winner.title,
        )
    )
    now = units.quantity(value, spec.unit)
    if value == 0 and direction == "above" and threshold <= axis.resolution:
        # Any value above zero flips it: say so instead of a threshold like 3.6e-07 h.
        threshold = axis.resolution
    limit = units.quantity(threshold, spec.unit)
    if direction == "below" and threshold <= axis.resolution and axis.field == "retention_hours":
        condition = i18n.tr(
            "{requirement} below {value} (until consumed)", requirement=title, value=limit
        )
    elif direction == "below":
        condition = i18n.tr("{requirement} below {value}", requirement=title, value=limit)
    else:
        condition = i18n.tr("{requirement} above {value}", requirement=title, value=limit)
    # Moving one requirement can move its sibling (the peak keeps its ratio to the average):
    # say so rather than let it change silently.
    also = "".join(
        i18n.tr(
            "; {requirement} moves with it to {value}",
            requirement=_field_title(name).lower(),
            value=units.quantity(moved_to, FACT_SPECS[name].unit),
        )
        for name, moved_to in sorted((moved or {}).items())
    )
    text = i18n.tr(
        "{condition} (now {current}{also}): {change}.",
        condition=condition,
        current=now,
        also=also,
        change=change,
    )
    return WhatIf(
        field=axis.field,
        field_title=title,
        unit=spec.unit,
        current=value,
        threshold=threshold,
        direction=direction,
        new_winner=new_winner,
        text=text,
    )


def _field_title(name: str) -> str:
    field_info = Workload.model_fields[name]
    return i18n.tr(field_info.title or name)
