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

from advisor.probe.kafka import verdicts as kafka_verdicts
from advisor.probe.models import CheckStatus, ProbeCheck, ProbeResult, Verdict
from advisor.workload import Broker

Facts = Mapping[str, Any]
Judgement = tuple[CheckStatus, str, str]  # status, message, advice
Judge = Callable[[Facts, ProbeResult, "ProbeCheck"], Judgement]


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
    enable_aof = "Set appendonly yes with appendfsync always (or everysec, losing up to a second)."
    if not aof and rdb is False:
        return (
            CheckStatus.FAIL,
            "messages must survive a crash, but Redis has neither AOF nor "
            "RDB snapshots: a restart loses every message",
            "Set appendonly yes with appendfsync everysec (or always), or use RabbitMQ "
            "quorum queues / Kafka with acks=all.",
        )
    if not aof and rdb is None:
        return (
            CheckStatus.FAIL,
            "messages must survive a crash, but AOF is off (INFO persistence aof_enabled:0); "
            "the RDB snapshot schedule could not be read (CONFIG GET was refused), so a crash "
            "loses at least every write since the last snapshot, and everything if none are "
            "scheduled",
            f"{enable_aof} On a managed service, turn on its AOF / persistence option.",
        )
    if not aof:
        return (
            CheckStatus.FAIL,
            "only RDB snapshots: a crash loses every write since the last snapshot",
            enable_aof,
        )
    if fsync == "no":
        return (
            CheckStatus.WARN,
            "AOF with appendfsync no: the OS decides when writes reach the disk",
            "Use appendfsync always (every write fsynced), or everysec (≤ 1 s lost).",
        )
    if fsync == "always":
        return CheckStatus.PASS, "AOF with appendfsync always: every write is fsynced", ""
    if fsync == "everysec":
        return (
            CheckStatus.WARN,
            "AOF with appendfsync everysec: messages must survive a crash, but a machine crash "
            "or power loss can lose about the last second of acknowledged writes (a crash of "
            "the Redis process alone loses nothing)",
            "Use appendfsync always if not even one second may be lost (slower), or make "
            "critical writes wait for a replica (WAIT 1 <ms>).",
        )
    return (
        CheckStatus.WARN,
        "AOF is on (INFO persistence aof_enabled:1), but its appendfsync policy could not be "
        "read (CONFIG GET was refused): with the default everysec a machine crash can lose "
        "about the last second of writes",
        "Check the provider's fsync setting; appendfsync always loses nothing acknowledged.",
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


def _rabbit_priorities(w: Facts, r: ProbeResult, c: ProbeCheck) -> Judgement:
    classic, quorum = c.figures.get("classic_priorities"), c.figures.get("quorum_priorities")
    version = r.summary.version or "this version"
    if c.status is CheckStatus.FAIL or not classic:
        return (
            CheckStatus.FAIL,
            f"urgent messages did not overtake queued ones: {c.details}",
            "Find the policy or plugin that overrides x-max-priority.",
        )
    if quorum:
        return (
            CheckStatus.PASS,
            f"priorities work in classic priority queues and in quorum queues (RabbitMQ {version})",
            "",
        )
    if _needs_failover(w):
        return (
            CheckStatus.WARN,
            f"on RabbitMQ {version} only classic queues serve priorities, and classic queues "
            "are not replicated: this workload needs both",
            "Run RabbitMQ 4.0+ (quorum queues with priorities; strict levels from 4.3), or one "
            "quorum queue per priority that workers read in order.",
        )
    return (
        CheckStatus.PASS,
        f"classic priority queues work on RabbitMQ {version} (quorum queues here ignore "
        "priorities)",
        "Declare the work queue as a classic queue with x-max-priority (1-5 levels).",
    )


def _rabbit_failover_evidence(r: ProbeResult) -> str:
    return "rabbitmq.mgmt_nodes"


# --- ordering and exactly-once (Redis and RabbitMQ; Kafka's are in kafka_verdicts) --------------


def _wants_order(w: Facts) -> bool:
    return str(w.get("ordering", "none")) != "none"


def _wants_exactly_once(w: Facts) -> bool:
    return str(w.get("delivery", "at_least_once")) == "exactly_once"


def _queue_order(broker_words: str, single_consumer: str) -> Judge:
    """Ordering on one queue: FIFO was checked; competing consumers break it anyway."""

    def judge(w: Facts, r: ProbeResult, c: ProbeCheck) -> Judgement:
        order = str(w.get("ordering"))
        broken = c.status is CheckStatus.FAIL and (
            "in order" in c.details or str(c.figures.get("in_order", "")) == "false"
        )
        if broken:
            return (
                CheckStatus.FAIL,
                f"the workload needs {order.replace('_', '-')} order, but the probe's messages "
                f"came back out of order: {c.details}",
                "Find what reorders them (another consumer on the probe's queue, a policy) "
                "before relying on order.",
            )
        if c.status is CheckStatus.FAIL:
            return (
                CheckStatus.SKIPPED,
                f"check {c.id} failed ({c.failure_class}), so order cannot be judged",
                "",
            )
        if str(w.get("consumption")) == "competing_workers":
            return (
                CheckStatus.WARN,
                f"{broker_words} kept FIFO order with one consumer, but the workload has "
                "competing workers: they process messages in parallel, and a redelivered "
                "message comes back after later ones were handled",
                single_consumer,
            )
        return (
            CheckStatus.PASS,
            f"{broker_words} kept FIFO order with one consumer",
            single_consumer,
        )

    return judge


def _at_least_once_only(what: str, advice: str) -> Judge:
    def judge(w: Facts, r: ProbeResult, c: ProbeCheck) -> Judgement:
        return (
            CheckStatus.WARN,
            f"the workload asks for exactly-once, but {what}: a message whose consumer dies "
            "before acknowledging is delivered again (at least once)",
            advice,
        )

    return judge


_IDEMPOTENT_CONSUMERS = (
    "Make consumers idempotent: record each message id (an idempotency key) in the same "
    "transaction as its effect, and skip ids already seen."
)


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
    measured_what = ""
    if c.figures.get("messages") and c.figures.get("queue"):
        measured_what = f"{c.figures['messages']} messages on a {c.figures['queue']} queue, "
    note = (
        f"{measured_what}measured from this machine through the Python client, one message at "
        "a time: it is what this client reached, not the broker's capacity"
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
            f"the server reported no version the advice can use ({r.summary.version or 'none'})",
            "Check the version by hand: priorities, retries and delivery limits depend on it.",
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
            f"{r.broker.title} {found} runs here; the advice for this workload holds for it",
            "",
        )
    changes = len(note.added) + len(note.removed)
    first = note.winner_changes or (note.added or note.removed)[0]
    return (
        CheckStatus.WARN,
        f"{r.broker.title} {found} runs here, not the {note.assumed} the advice assumed: "
        f"{changes} point{'s' if changes != 1 else ''} of the advice differ",
        first + (" (the recommendation lists the rest)" if changes > 1 else ""),
    )


COMMON_RULES: list[Rule] = [
    Rule("version", lambda w: True, _version_evidence, _version),
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
        Rule(
            "ordering",
            _wants_order,
            "redis.reliable_queue",
            _queue_order(
                "a Redis list (LPUSH, BLMOVE)",
                "Keep one consumer per list (or per key: one list per key group); Streams "
                "consumer groups spread entries over consumers and lose the order too.",
            ),
        ),
        Rule(
            "exactly_once",
            _wants_exactly_once,
            "redis.streams",
            _at_least_once_only(
                "Redis lists and Streams (XACK, XPENDING/XCLAIM) redeliver", _IDEMPOTENT_CONSUMERS
            ),
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
        Rule(
            "priorities",
            lambda w: bool(w.get("needs_priorities")),
            "rabbitmq.priorities",
            _rabbit_priorities,
        ),
        Rule(
            "ordering",
            _wants_order,
            "rabbitmq.publish_consume",
            _queue_order(
                "a RabbitMQ queue",
                "Give each queue one active consumer (x-single-active-consumer=true) and "
                "prefetch 1; for per-key order, a consistent-hash exchange over several "
                "such queues.",
            ),
        ),
        Rule(
            "exactly_once",
            _wants_exactly_once,
            "rabbitmq.publish_consume",
            _at_least_once_only(
                "RabbitMQ redelivers unacknowledged messages (the probe saw the redelivered flag)",
                _IDEMPOTENT_CONSUMERS + " Publish with confirms so nothing is lost either.",
            ),
        ),
    ],
    Broker.KAFKA: [Rule(*spec) for spec in kafka_verdicts.RULES],
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
            and rule.requirement not in _JUDGES_FAILED_CHECKS
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
