"""Judge workload requirements against live probe checks (data-driven, one rule list per broker).

A `Rule` names a requirement, when it applies (a predicate over the workload's fields, read from
`workload.model_dump()`, never from the live object), the check that is its evidence, and a
judge that turns the probe result into (status, message, advice). `RULES[broker]` lists the
rules for one broker and `COMMON_RULES` apply to all; to support another broker (Kafka), append
its rules to `RULES[Broker.KAFKA]` and name its latency check in `LATENCY_EVIDENCE`. When the
evidence check did not run, the verdict is `skipped` with the reason.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel

from advisor.probe import kafka_verdicts
from advisor.probe.models import CheckStatus, ProbeCheck, ProbeResult, Verdict
from advisor.workload import Broker

Facts = Mapping[str, Any]
Judgement = tuple[CheckStatus, str, str]  # status, message, advice


@dataclass(frozen=True)
class Rule:
    """One requirement a live check can confirm."""

    requirement: str
    applies: Callable[[Facts], bool]
    evidence: str | Callable[[ProbeResult], str]
    judge: Callable[[Facts, ProbeResult, ProbeCheck], Judgement]


def _needs_durability(w: Facts) -> bool:
    return not w.get("crash_may_lose_messages", False)


def _needs_failover(w: Facts) -> bool:
    return int(w.get("tolerated_node_failures", 0)) >= 1


def _at_least_once(w: Facts) -> bool:
    return str(w.get("delivery", "at_least_once")) != "at_most_once"


def _fact(result: ProbeResult, name: str) -> Any:
    return result.summary.facts.get(name)


# --- Redis --------------------------------------------------------------------------------------


def _redis_durability(w: Facts, r: ProbeResult, c: ProbeCheck) -> Judgement:
    aof, rdb, fsync = _fact(r, "aof_enabled"), _fact(r, "rdb_enabled"), _fact(r, "appendfsync")
    if c.status is CheckStatus.FAIL:
        return (
            CheckStatus.FAIL,
            f"persistence is failing: {c.details}",
            "Fix the failing background save / AOF write before trusting Redis with messages.",
        )
    if not aof and rdb is False:
        return (
            CheckStatus.FAIL,
            "messages must survive a crash, but Redis has neither AOF nor "
            "RDB snapshots: a restart loses every message",
            "Set appendonly yes with appendfsync everysec (or always), or use RabbitMQ "
            "quorum queues / Kafka with acks=all.",
        )
    if not aof:
        return (
            CheckStatus.FAIL,
            "only RDB snapshots: a crash loses every write since the last snapshot",
            "Enable AOF (appendonly yes, appendfsync everysec or always).",
        )
    if fsync == "no":
        return (
            CheckStatus.WARN,
            "AOF with appendfsync no: the OS decides when writes reach the disk",
            "Use appendfsync everysec (≤ 1 s lost) or always.",
        )
    if fsync == "always":
        return CheckStatus.PASS, "AOF with appendfsync always: every write is fsynced", ""
    return (
        CheckStatus.WARN if fsync == "unknown" else CheckStatus.PASS,
        f"AOF with appendfsync {fsync}: a crash may lose about the last second of writes",
        "Use appendfsync always if not even one second may be lost (slower).",
    )


def _redis_failover(w: Facts, r: ProbeResult, c: ProbeCheck) -> Judgement:
    wanted = int(w.get("tolerated_node_failures", 0))
    replicas = r.summary.replicas or 0
    mode = r.summary.mode or "standalone"
    if replicas == 0:
        return (
            CheckStatus.FAIL,
            f"the workload must survive {wanted} node failure(s), but this "
            "Redis is a single node with no replicas",
            "Add replicas with Sentinel (3+ Sentinels) or run Redis Cluster with a replica "
            "per master.",
        )
    if mode not in ("sentinel", "cluster"):
        return (
            CheckStatus.WARN,
            f"{replicas} replica(s) but no automatic failover was seen "
            "(not probed through Sentinel, not a cluster)",
            "Probe through redis+sentinel://… if Sentinel manages it; otherwise add Sentinel.",
        )
    if replicas < wanted:
        return (
            CheckStatus.FAIL,
            f"{replicas} healthy replica(s) for {wanted} tolerated failure(s)",
            "Add replicas.",
        )
    return (
        CheckStatus.WARN,
        f"{mode} with {replicas} replica(s): failover works, but Redis "
        "replication is asynchronous and a failover can lose "
        "acknowledged writes",
        "Use WAIT for critical writes, or a broker with synchronous replication.",
    )


def _redis_delivery(w: Facts, r: ProbeResult, c: ProbeCheck) -> Judgement:
    if c.status is CheckStatus.PASS:
        return (
            CheckStatus.PASS,
            "acknowledged consumption works (BLMOVE + LREM, or Streams with XACK)",
            "Consume with BLMOVE to a processing list or Streams consumer groups, never RPOP.",
        )
    return (
        CheckStatus.FAIL,
        f"the acknowledged-queue round trip failed: {c.details}",
        c.hint or "Fix the failing check before relying on acknowledgements.",
    )


def _redis_dead_letter(w: Facts, r: ProbeResult, c: ProbeCheck) -> Judgement:
    return (
        CheckStatus.WARN,
        "Redis has no dead-lettering: failed messages must be moved by your code",
        "Use Streams: XPENDING/XCLAIM to find stuck messages, XADD them to a parking "
        "stream; or use RabbitMQ's dead-letter exchanges.",
    )


def _redis_eviction(w: Facts, r: ProbeResult, c: ProbeCheck) -> Judgement:
    policy = str(_fact(r, "maxmemory_policy") or "unknown")
    limit = int(_fact(r, "maxmemory_bytes") or 0)
    if limit and policy != "noeviction":
        return (
            CheckStatus.FAIL,
            f"maxmemory-policy {policy}: under memory pressure Redis "
            "silently evicts keys, queued messages included",
            "Set maxmemory-policy noeviction on a Redis used as a broker.",
        )
    return CheckStatus.PASS, f"maxmemory-policy {policy}: messages are not evicted", ""


# --- RabbitMQ -----------------------------------------------------------------------------------


def _rabbit_dead_letter(w: Facts, r: ProbeResult, c: ProbeCheck) -> Judgement:
    if c.status is CheckStatus.PASS:
        return (
            CheckStatus.PASS,
            "dead-lettering works: rejected and expired messages reached "
            "the dead-letter exchange with x-death reasons",
            "",
        )
    return (
        CheckStatus.FAIL,
        f"dead-lettering did not work: {c.details}",
        c.hint or "Check x-dead-letter-exchange support, policies and permissions.",
    )


def _rabbit_durability(w: Facts, r: ProbeResult, c: ProbeCheck) -> Judgement:
    if c.status is CheckStatus.PASS:
        return (
            CheckStatus.PASS,
            "durable quorum queues work here",
            "Declare queues durable with x-queue-type=quorum, publish persistent messages "
            "(delivery_mode=2) and wait for publisher confirms.",
        )
    return (
        CheckStatus.FAIL,
        f"quorum queues did not work: {c.details}",
        "Upgrade to RabbitMQ 3.8+ and enable the quorum_queue feature flag; classic "
        "durable queues are not replicated.",
    )


def _rabbit_failover(w: Facts, r: ProbeResult, c: ProbeCheck) -> Judgement:
    wanted = int(w.get("tolerated_node_failures", 0))
    nodes = r.summary.nodes or 0
    needed = 2 * wanted + 1
    if nodes < needed:
        return (
            CheckStatus.FAIL,
            f"quorum queues survive {wanted} node failure(s) only with "
            f"{needed}+ nodes; this cluster has {nodes}",
            f"Run a cluster of at least {needed} nodes (an odd number).",
        )
    return CheckStatus.PASS, f"{nodes} nodes: quorum queues survive {wanted} failure(s)", ""


def _rabbit_delivery(w: Facts, r: ProbeResult, c: ProbeCheck) -> Judgement:
    if c.status in (CheckStatus.PASS, CheckStatus.WARN):
        return (
            CheckStatus.PASS,
            "manual acknowledgements and redelivery work",
            "Consume with auto_ack=False and ack after processing; publish with confirms.",
        )
    return (
        CheckStatus.FAIL,
        f"publish/consume with acks failed: {c.details}",
        c.hint or "Fix the failing check before relying on acknowledgements.",
    )


def _rabbit_failover_evidence(r: ProbeResult) -> str:
    return "rabbitmq.mgmt_nodes"


# --- common -------------------------------------------------------------------------------------

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
        return CheckStatus.SKIPPED, f"{c.id} reported no {figure}", ""
    note = (
        "measured from this machine through the Python client, one message at a time: "
        "it is what this client reached, not the broker's capacity"
    )
    if measured > target:
        return (
            CheckStatus.WARN,
            f"measured p99 {measured:g} ms is above the {target:g} ms target ({note})",
            "Measure from the application's host with its real client and batching "
            "before deciding.",
        )
    return CheckStatus.PASS, f"measured p99 {measured:g} ms is within {target:g} ms ({note})", ""


def _size_evidence(r: ProbeResult) -> str:
    return {Broker.REDIS: "redis.persistence", Broker.RABBITMQ: "rabbitmq.server"}.get(
        r.broker, f"{r.broker.value}.config"
    )


def _message_size(w: Facts, r: ProbeResult, c: ProbeCheck) -> Judgement:
    limit = r.summary.max_message_bytes
    wanted = int(w.get("max_message_size_bytes", 0))
    if limit is None:
        return CheckStatus.SKIPPED, "the broker's message size limit is not known", ""
    source = str(_fact(r, "max_message_bytes_source") or "configured")
    if wanted > limit:
        return (
            CheckStatus.FAIL,
            f"the largest message ({wanted} bytes) exceeds the broker's "
            f"limit of {limit} bytes ({source})",
            "Raise the broker's limit, or store large payloads elsewhere (object storage) "
            "and send a reference.",
        )
    return CheckStatus.PASS, f"{wanted} bytes fit within the limit of {limit} bytes ({source})", ""


COMMON_RULES: list[Rule] = [
    Rule("latency", lambda w: "p99_latency_ms" in w, _latency_evidence, _latency),
    Rule("message_size", lambda w: "max_message_size_bytes" in w, _size_evidence, _message_size),
]

RULES: dict[Broker, list[Rule]] = {
    Broker.REDIS: [
        Rule("durability", _needs_durability, "redis.persistence", _redis_durability),
        Rule("no_eviction", _needs_durability, "redis.memory", _redis_eviction),
        Rule("node_failures", _needs_failover, "redis.info", _redis_failover),
        Rule("acknowledged_delivery", _at_least_once, "redis.reliable_queue", _redis_delivery),
        Rule(
            "dead_lettering",
            lambda w: bool(w.get("needs_dead_lettering")),
            "redis.streams",
            _redis_dead_letter,
        ),
    ],
    Broker.RABBITMQ: [
        Rule("durability", _needs_durability, "rabbitmq.quorum_queue", _rabbit_durability),
        Rule("node_failures", _needs_failover, _rabbit_failover_evidence, _rabbit_failover),
        Rule("acknowledged_delivery", _at_least_once, "rabbitmq.publish_consume", _rabbit_delivery),
        Rule(
            "dead_lettering",
            lambda w: bool(w.get("needs_dead_lettering")),
            "rabbitmq.dead_lettering",
            _rabbit_dead_letter,
        ),
    ],
    Broker.KAFKA: [Rule(*spec) for spec in kafka_verdicts.RULES],
}


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
                f"check {evidence} did not run"
                if check is None
                else f"check {evidence} was skipped: {check.skipped_reason}"
            )
            if rule.requirement == "node_failures" and result.broker is Broker.RABBITMQ:
                reason += " (give --management-url so the probe can count the nodes)"
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
            and (rule.requirement not in ("durability", "acknowledged_delivery", "dead_lettering"))
        ):
            verdicts.append(
                Verdict(
                    requirement=rule.requirement,
                    status=CheckStatus.SKIPPED,
                    evidence=evidence,
                    message=f"check {evidence} failed ({check.failure_class}), "
                    "so this cannot be judged",
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
