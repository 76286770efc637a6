"""Judge workload requirements against live probe checks (data-driven, one rule list per broker).

Each broker package lists its rules (`advisor.probe.<broker>.verdicts.RULES`, built from
`advisor.probe.verdict_rules.Rule`); `COMMON_RULES` (version, latency, message size) apply to
all, and `judge` runs them. A new broker adds its rules to `RULES` and names its latency check in
`LATENCY_EVIDENCE`. When the evidence check did not run, the verdict is `skipped` with the reason.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pydantic import BaseModel

from advisor.i18n import tr
from advisor.probe.kafka import verdicts as kafka_verdicts
from advisor.probe.models import CheckStatus, ProbeCheck, ProbeResult, Verdict
from advisor.probe.rabbitmq import verdicts as rabbitmq_verdicts
from advisor.probe.redis import verdicts as redis_verdicts
from advisor.probe.verdict_rules import Facts, Judgement, Rule, fact
from advisor.workload import Broker

# broker -> (check id, figure) of the measured client-side p99
LATENCY_EVIDENCE: dict[Broker, tuple[str, str]] = {
    Broker.REDIS: ("redis.ping_latency", "p99_ms"),
    Broker.RABBITMQ: ("rabbitmq.confirm_latency", "p99_ms"),
    Broker.KAFKA: ("kafka.produce_latency", "p99_ms"),
}


def _latency_evidence(r: ProbeResult) -> str:
    return LATENCY_EVIDENCE.get(r.broker, ("", ""))[0]


def _latency(w: Facts, r: ProbeResult, c: ProbeCheck) -> Judgement:
    figure = LATENCY_EVIDENCE[r.broker][1]
    measured = c.figures.get(figure)
    target = float(w.get("p99_latency_ms", 0))
    if not isinstance(measured, (int, float)):
        return (
            CheckStatus.SKIPPED,
            tr("{check} reported no {figure}", check=c.id, figure=figure),
            "",
        )
    if c.figures.get("messages") and c.figures.get("queue"):
        note = tr(
            "{messages} messages on a {queue} queue, measured from this machine through the "
            "Python client, one message at a time: it is what this client reached, not the "
            "broker's capacity",
            messages=c.figures["messages"],
            queue=c.figures["queue"],
        )
    else:
        note = tr(
            "measured from this machine through the Python client, one message at "
            "a time: it is what this client reached, not the broker's capacity"
        )
    figures = {"measured": f"{measured:g}", "target": f"{target:g}", "note": note}
    if measured > target:
        return (
            CheckStatus.WARN,
            tr("measured p99 {measured} ms is above the {target} ms target ({note})", **figures),
            tr(
                "Measure from the application's host with its real client and batching "
                "before deciding."
            ),
        )
    return (
        CheckStatus.PASS,
        tr("measured p99 {measured} ms is within {target} ms ({note})", **figures),
        "",
    )


def _size_evidence(r: ProbeResult) -> str:
    return {Broker.REDIS: "redis.persistence", Broker.RABBITMQ: "rabbitmq.server"}.get(
        r.broker, f"{r.broker.value}.config"
    )


def _message_size(w: Facts, r: ProbeResult, c: ProbeCheck) -> Judgement:
    limit = r.summary.max_message_bytes
    wanted = int(w.get("max_message_size_bytes", 0))
    if limit is None:
        return CheckStatus.SKIPPED, tr("the broker's message size limit is not known"), ""
    # A fact of the summary: a setting's name, or a few words marked with N_() where found.
    source = tr(str(fact(r, "max_message_bytes_source") or "configured"))
    if wanted > limit:
        return (
            CheckStatus.FAIL,
            tr(
                "the largest message ({wanted} bytes) exceeds the broker's "
                "limit of {limit} bytes ({source})",
                wanted=wanted,
                limit=limit,
                source=source,
            ),
            tr(
                "Raise the broker's limit, or store large payloads elsewhere (object storage) "
                "and send a reference."
            ),
        )
    return (
        CheckStatus.PASS,
        tr(
            "{wanted} bytes fit within the limit of {limit} bytes ({source})",
            wanted=wanted,
            limit=limit,
            source=source,
        ),
        "",
    )


_VERSION_EVIDENCE = {
    Broker.REDIS: "redis.info",
    Broker.RABBITMQ: "rabbitmq.server",
    Broker.KAFKA: "kafka.api_versions",
}


def _version_evidence(r: ProbeResult) -> str:
    return _VERSION_EVIDENCE[r.broker]


def _version(w: Facts, r: ProbeResult, c: ProbeCheck) -> Judgement:
    """The server's version against the one the advice assumed (stated, or the current one)."""
    from advisor import engine, versions
    from advisor.workload import Workload

    found = versions.detected([r]).get(r.broker)
    if found is None:
        return (
            CheckStatus.WARN,
            tr(
                "the server reported no version the advice can use ({version})",
                version=r.summary.version or "none",
            ),
            tr("Check the version by hand: priorities, retries and delivery limits depend on it."),
        )
    try:
        workload = Workload.model_validate(w)
    except ValueError:
        workload = Workload()
    recommendation = engine.recommend(workload, what_if=False, detected={r.broker: found})
    note = next((n for n in recommendation.version_notes if n.broker == r.broker), None)
    if note is None or not (note.added or note.removed or note.winner_changes):
        return (
            CheckStatus.PASS,
            tr(
                "{broker} {version} runs here; the advice for this workload holds for it",
                broker=r.broker.title,
                version=found,
            ),
            "",
        )
    changes = len(note.added) + len(note.removed)
    first = note.winner_changes or (note.added or note.removed)[0]
    return (
        CheckStatus.WARN,
        tr(
            "{broker} {version} runs here, not the {assumed} the advice assumed: "
            "{changes} points of the advice differ",
            broker=r.broker.title,
            version=found,
            assumed=note.assumed,
            changes=changes,
        )
        if changes != 1
        else tr(
            "{broker} {version} runs here, not the {assumed} the advice assumed: "
            "{changes} point of the advice differ",
            broker=r.broker.title,
            version=found,
            assumed=note.assumed,
            changes=changes,
        ),
        first + (tr(" (the recommendation lists the rest)") if changes > 1 else ""),
    )


COMMON_RULES: list[Rule] = [
    Rule("version", lambda w: True, _version_evidence, _version),
    Rule("latency", lambda w: "p99_latency_ms" in w, _latency_evidence, _latency),
    Rule("message_size", lambda w: "max_message_size_bytes" in w, _size_evidence, _message_size),
]

RULES: dict[Broker, list[Rule]] = {
    Broker.REDIS: redis_verdicts.RULES,
    Broker.RABBITMQ: rabbitmq_verdicts.RULES,
    Broker.KAFKA: kafka_verdicts.RULES,
}


# Requirements whose judge reads a failed evidence check itself (a failure can be the answer).
_JUDGES_FAILED_CHECKS = frozenset(
    {"durability", "acknowledged_delivery", "dead_lettering", "ordering"}
)


def judge(result: ProbeResult, workload: BaseModel | Mapping[str, Any]) -> list[Verdict]:
    """Verdicts for every requirement of the workload that the probe's checks can confirm."""
    facts: Facts = (
        workload.model_dump(mode="json") if isinstance(workload, BaseModel) else dict(workload)
    )
    verdicts: list[Verdict] = []
    for rule in [*RULES.get(result.broker, []), *COMMON_RULES]:
        if not rule.applies(facts):
            continue
        evidence = rule.evidence if isinstance(rule.evidence, str) else rule.evidence(result)
        check = result.check(evidence) if evidence else None
        if check is None or check.status is CheckStatus.SKIPPED:
            reason = (
                tr("check {check} did not run", check=evidence)
                if check is None
                else tr(
                    "check {check} was skipped: {reason}",
                    check=evidence,
                    reason=check.skipped_reason,
                )
            )
            if rule.requirement == "node_failures" and result.broker is Broker.RABBITMQ:
                reason += tr(
                    " (give {option} so the probe can count the nodes)", option="--management-url"
                )
            verdicts.append(
                Verdict(
                    requirement=rule.requirement,
                    status=CheckStatus.SKIPPED,
                    evidence=evidence or None,
                    message=reason,
                )
            )
            continue
        if (
            check.status is CheckStatus.FAIL
            and check.failure_class is not None
            and rule.requirement not in _JUDGES_FAILED_CHECKS
        ):
            verdicts.append(
                Verdict(
                    requirement=rule.requirement,
                    status=CheckStatus.SKIPPED,
                    evidence=evidence,
                    message=tr(
                        "check {check} failed ({failure}), so this cannot be judged",
                        check=evidence,
                        failure=check.failure_class,
                    ),
                )
            )
            continue
        status, message, advice = rule.judge(facts, result, check)
        verdicts.append(
            Verdict(
                requirement=rule.requirement,
                status=status,
                evidence=evidence,
                message=message,
                advice=advice,
            )
        )
    return verdicts
