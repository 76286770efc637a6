"""Kafka workload verdicts: replication vs brokers, min.insync.replicas, retention, ordering and
exactly-once.

`RULES` lists `advisor.probe.verdict_rules.Rule`s. Facts come from `workload.model_dump()`;
evidence is a check of `advisor.probe.kafka.checks`, and the figures the judges read are the
probe's `summary.facts`.
Latency (`kafka.produce_latency` p99, warn only, the Python client's figure) and message size
(`kafka.config`, summary.max_message_bytes from message.max.bytes) are judged by the common rules.
"""

from __future__ import annotations

from typing import Any

from advisor.i18n import tr
from advisor.probe.models import CheckStatus, ProbeCheck, ProbeResult
from advisor.probe.verdict_rules import (
    Facts,
    Judgement,
    Rule,
    fact,
    needs_durability,
    needs_failover,
    wants_order,
)


def _as_int(value: Any) -> int | None:
    if isinstance(value, bool) or value is None:
        return None
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def replicas_needed(tolerated_failures: int) -> int:
    """Replicas (and brokers) so that f failures leave a majority: 2f + 1."""
    return 2 * tolerated_failures + 1


def _node_failures(w: Facts, r: ProbeResult, c: ProbeCheck) -> Judgement:
    wanted = int(w.get("tolerated_node_failures", 0))
    needed = replicas_needed(wanted)
    brokers = r.summary.nodes or _as_int(fact(r, "brokers_live")) or 0
    default_rf = _as_int(fact(r, "default_replication_factor"))
    if brokers < needed:
        return (
            CheckStatus.FAIL,
            tr(
                "surviving {wanted} broker failure(s) needs replication factor {needed} (2f+1) "
                "on {needed}+ brokers; this cluster has {brokers} live broker(s)",
                wanted=wanted,
                needed=needed,
                brokers=brokers,
            ),
            tr(
                "Run at least {needed} brokers (and controllers) and create topics with "
                "replication.factor={needed}, min.insync.replicas={min_isr}.",
                needed=needed,
                min_isr=wanted + 1,
            ),
        )
    if default_rf is not None and default_rf < needed:
        return (
            CheckStatus.WARN,
            tr(
                "{brokers} live brokers are enough for replication factor {needed}, but "
                "default.replication.factor is {default}: topics created without an explicit "
                "factor (auto-created ones included) cannot survive the failures",
                brokers=brokers,
                needed=needed,
                default=default_rf,
            ),
            tr(
                "Set default.replication.factor={needed} or always create topics with "
                "--replication-factor {needed}.",
                needed=needed,
            ),
        )
    return (
        CheckStatus.PASS,
        tr(
            "{brokers} live brokers: topics with replication factor {needed} survive {wanted} "
            "broker failure(s)",
            brokers=brokers,
            needed=needed,
            wanted=wanted,
        ),
        tr(
            "Create topics with replication.factor={needed} and min.insync.replicas={min_isr}.",
            needed=needed,
            min_isr=wanted + 1,
        ),
    )


def _durability(w: Facts, r: ProbeResult, c: ProbeCheck) -> Judgement:
    if c.status is CheckStatus.FAIL:
        return (
            CheckStatus.FAIL,
            tr("the broker configuration could not be read: {details}", details=c.details),
            c.hint or tr("Fix the failing check, then probe again."),
        )
    min_isr = _as_int(fact(r, "min_insync_replicas"))
    unclean = fact(r, "unclean_leader_election") is True
    wanted = int(w.get("tolerated_node_failures", 0))
    if unclean:
        return (
            CheckStatus.FAIL,
            tr(
                "unclean.leader.election.enable=true: after a failure an out-of-sync replica can "
                "become leader and acknowledged messages are silently dropped"
            ),
            tr("Set unclean.leader.election.enable=false (the default)."),
        )
    if min_isr is None:
        return CheckStatus.SKIPPED, tr("min.insync.replicas was not reported"), ""
    if min_isr < 2:
        status = CheckStatus.FAIL if wanted >= 1 else CheckStatus.WARN
        return (
            status,
            tr(
                "messages must survive a crash, but the broker default min.insync.replicas is "
                "{min_isr}: acks=all is then acknowledged by the leader alone, and losing that "
                "broker (Kafka does not fsync before acknowledging) loses the messages",
                min_isr=min_isr,
            ),
            tr(
                "Set min.insync.replicas=2 (broker default or per topic) with replication factor "
                "3, and produce with acks=all and enable.idempotence=true."
            ),
        )
    return (
        CheckStatus.PASS,
        tr(
            "min.insync.replicas={min_isr}: an acks=all write is on {min_isr} brokers before it "
            "is acknowledged",
            min_isr=min_isr,
        ),
        tr("Produce with acks=all and enable.idempotence=true."),
    )


def _wants_retention(w: Facts) -> bool:
    return float(w.get("retention_hours", 0) or 0) > 0 or bool(w.get("replay"))


def _retention(w: Facts, r: ProbeResult, c: ProbeCheck) -> Judgement:
    retention_ms = _as_int(fact(r, "retention_ms"))
    hours = float(w.get("retention_hours", 0) or 0)
    if retention_ms is None:
        return CheckStatus.SKIPPED, tr("the broker's retention was not reported"), ""
    if retention_ms < 0:
        return CheckStatus.PASS, tr("retention is unlimited (retention.ms -1)"), ""
    have_h = retention_ms / 3_600_000
    if hours and have_h < hours:
        return (
            CheckStatus.WARN,
            tr(
                "the broker keeps messages {have} h (log.retention.*), shorter than the "
                "{asked} h asked: older messages are deleted even if unread",
                have=f"{have_h:g}",
                asked=f"{hours:g}",
            ),
            tr(
                "Set retention.ms={ms} on the workload's topics (or "
                "log.retention.hours on the brokers), and size the disks for it.",
                ms=int(hours * 3_600_000),
            ),
        )
    if not hours:
        return (
            CheckStatus.PASS,
            tr("replay works within the broker's retention of {have} h", have=f"{have_h:g}"),
            tr("Set retention.ms per topic to the replay window you need."),
        )
    return (
        CheckStatus.PASS,
        tr(
            "retention {have} h covers the {asked} h asked",
            have=f"{have_h:g}",
            asked=f"{hours:g}",
        ),
        "",
    )


# How kafka.consume_order's details say the order broke, in either language (a result worded in
# one language may be judged again in the other, for a report).
_ORDER_BROKEN = ("order broken", "ترتیب به هم خورد")


def _ordering(w: Facts, r: ProbeResult, c: ProbeCheck) -> Judgement:
    order = str(w.get("ordering"))
    out_of_order = _as_int(c.figures.get("keys_out_of_order")) or 0
    if c.status is CheckStatus.FAIL:
        if out_of_order or any(words in c.details for words in _ORDER_BROKEN):
            return (
                CheckStatus.FAIL,
                tr(
                    "the workload needs {order} order, but the probe saw it broken: {details}",
                    order=order.replace("_", "-"),
                    details=c.details,
                ),
                tr(
                    "Find what reorders (a non-idempotent producer with retries and several "
                    "requests in flight, or a partitioner that is not keyed) before relying on "
                    "it."
                ),
            )
        return (
            CheckStatus.SKIPPED,
            tr(
                "check {check} failed ({failure}), so order cannot be judged",
                check=c.id,
                failure=c.failure_class,
            ),
            "",
        )
    keys = c.figures.get("keys", "?")
    partitions = c.figures.get("partitions_seen", "?")
    if order == "global":
        return (
            CheckStatus.WARN,
            tr(
                "Kafka keeps order only within a partition (the probe's {keys} keys each stayed "
                "in order on their partition, over {partitions} partitions): a global order "
                "needs a topic with a single partition, so a single consumer at a time",
                keys=keys,
                partitions=partitions,
            ),
            tr(
                "Use one partition for the ordered stream (and size it for one consumer), or "
                "relax the requirement to per-key order with a message key."
            ),
        )
    return (
        CheckStatus.PASS,
        tr(
            "per-key order holds: each of the probe's {keys} keys stayed on one partition with "
            "its messages in order ({partitions} partitions)",
            keys=keys,
            partitions=partitions,
        ),
        tr(
            "Key every message by its ordering key, keep enable.idempotence=true (so retries "
            "cannot reorder), and never add partitions to a keyed topic in use."
        ),
    )


def _wants_exactly_once(w: Facts) -> bool:
    return str(w.get("delivery", "at_least_once")) == "exactly_once" or bool(
        w.get("needs_transactions")
    )


def _exactly_once(w: Facts, r: ProbeResult, c: ProbeCheck) -> Judgement:
    producer_id = _as_int(fact(r, "idempotent_producer_id"))
    transactions = fact(r, "transactions_api")
    tx_rf = _as_int(fact(r, "transaction_state_replication_factor"))
    brokers = r.summary.nodes or _as_int(fact(r, "brokers_live")) or 0
    if transactions is False:
        return (
            CheckStatus.FAIL,
            tr(
                "the workload needs exactly-once (transactions), but the broker's API versions "
                "lack the transaction APIs (InitProducerId, AddPartitionsToTxn, EndTxn)"
            ),
            tr("Upgrade the brokers (transactions need Kafka 0.11+, exactly-once v2 2.5+)."),
        )
    if producer_id is None:
        return (
            CheckStatus.FAIL,
            tr(
                "the idempotent producer got no producer id from the broker: idempotence, the "
                "base of exactly-once, is not in effect"
            ),
            tr(
                "Check IdempotentWrite (or Write) ACLs for the producer's principal and the "
                "broker version."
            ),
        )
    if tx_rf is not None and brokers and brokers < tx_rf:
        return (
            CheckStatus.FAIL,
            tr(
                "transactions need the __transaction_state topic with replication factor "
                "{factor} (transaction.state.log.replication.factor), but only {brokers} "
                "broker(s) are live: transactional producers cannot initialise",
                factor=tx_rf,
                brokers=brokers,
            ),
            tr(
                "Run at least {factor} brokers, or lower "
                "transaction.state.log.replication.factor (and min.isr) before the topic is "
                "first created.",
                factor=tx_rf,
            ),
        )
    return (
        CheckStatus.PASS,
        tr(
            "the idempotent producer is in effect (producer id {producer_id}) and the brokers "
            "support transactions: exactly-once holds for consume-transform-produce inside Kafka",
            producer_id=producer_id,
        ),
        tr(
            "Use a transactional producer (transactional_id, send_offsets_to_transaction) and "
            "consumers with isolation_level=read_committed; effects outside Kafka (databases, "
            "e-mails) still need idempotent consumers."
        ),
    )


RULES: list[Rule] = [
    Rule("durability", needs_durability, "kafka.config", _durability),
    Rule("node_failures", needs_failover, "kafka.cluster", _node_failures),
    Rule("retention", _wants_retention, "kafka.config", _retention),
    Rule("ordering", wants_order, "kafka.consume_order", _ordering),
    Rule("exactly_once", _wants_exactly_once, "kafka.produce_latency", _exactly_once),
]
