"""RabbitMQ workload verdicts: durability, failover, acknowledged delivery, dead-lettering,
priorities, ordering and exactly-once, judged on the checks of `advisor.probe.rabbitmq.checks`.
"""

from __future__ import annotations

from advisor.i18n import N_, tr
from advisor.probe import verdict_rules as vr
from advisor.probe.models import CheckStatus, ProbeCheck, ProbeResult


def _rabbit_dead_letter(w: vr.Facts, r: ProbeResult, c: ProbeCheck) -> vr.Judgement:
    if c.status is CheckStatus.PASS:
        return (
            CheckStatus.PASS,
            tr(
                "dead-lettering works: rejected and expired messages reached "
                "the dead-letter exchange with x-death reasons"
            ),
            "",
        )
    return (
        CheckStatus.FAIL,
        tr("dead-lettering did not work: {details}", details=c.details),
        c.hint or tr("Check x-dead-letter-exchange support, policies and permissions."),
    )


def _rabbit_durability(w: vr.Facts, r: ProbeResult, c: ProbeCheck) -> vr.Judgement:
    if c.status is CheckStatus.PASS:
        return (
            CheckStatus.PASS,
            tr("durable quorum queues work here"),
            tr(
                "Declare queues durable with x-queue-type=quorum, publish persistent messages "
                "(delivery_mode=2) and wait for publisher confirms."
            ),
        )
    return (
        CheckStatus.FAIL,
        tr("quorum queues did not work: {details}", details=c.details),
        tr(
            "Upgrade to RabbitMQ 3.8+ and enable the quorum_queue feature flag; classic "
            "durable queues are not replicated."
        ),
    )


def _rabbit_failover(w: vr.Facts, r: ProbeResult, c: ProbeCheck) -> vr.Judgement:
    wanted = int(w.get("tolerated_node_failures", 0))
    nodes = r.summary.nodes or 0
    needed = 2 * wanted + 1
    if nodes < needed:
        return (
            CheckStatus.FAIL,
            tr(
                "quorum queues survive {wanted} node failure(s) only with "
                "{needed}+ nodes; this cluster has {nodes}",
                wanted=wanted,
                needed=needed,
                nodes=nodes,
            ),
            tr("Run a cluster of at least {needed} nodes (an odd number).", needed=needed),
        )
    return (
        CheckStatus.PASS,
        tr("{nodes} nodes: quorum queues survive {wanted} failure(s)", nodes=nodes, wanted=wanted),
        "",
    )


def _rabbit_delivery(w: vr.Facts, r: ProbeResult, c: ProbeCheck) -> vr.Judgement:
    if c.status in (CheckStatus.PASS, CheckStatus.WARN):
        return (
            CheckStatus.PASS,
            tr("manual acknowledgements and redelivery work"),
            tr("Consume with auto_ack=False and ack after processing; publish with confirms."),
        )
    return (
        CheckStatus.FAIL,
        tr("publish/consume with acks failed: {details}", details=c.details),
        c.hint or tr("Fix the failing check before relying on acknowledgements."),
    )


def _rabbit_priorities(w: vr.Facts, r: ProbeResult, c: ProbeCheck) -> vr.Judgement:
    classic, quorum = c.figures.get("classic_priorities"), c.figures.get("quorum_priorities")
    version = r.summary.version or tr("this version")
    if c.status is CheckStatus.FAIL or not classic:
        return (
            CheckStatus.FAIL,
            tr("urgent messages did not overtake queued ones: {details}", details=c.details),
            tr("Find the policy or plugin that overrides x-max-priority."),
        )
    if quorum:
        return (
            CheckStatus.PASS,
            tr(
                "priorities work in classic priority queues and in quorum queues "
                "(RabbitMQ {version})",
                version=version,
            ),
            "",
        )
    if vr.needs_failover(w):
        return (
            CheckStatus.WARN,
            tr(
                "on RabbitMQ {version} only classic queues serve priorities, and classic queues "
                "are not replicated: this workload needs both",
                version=version,
            ),
            tr(
                "Run RabbitMQ 4.0+ (quorum queues with priorities; strict levels from 4.3), or "
                "one quorum queue per priority that workers read in order."
            ),
        )
    return (
        CheckStatus.PASS,
        tr(
            "classic priority queues work on RabbitMQ {version} (quorum queues here ignore "
            "priorities)",
            version=version,
        ),
        tr("Declare the work queue as a classic queue with x-max-priority (1-5 levels)."),
    )


def _rabbit_failover_evidence(r: ProbeResult) -> str:
    return "rabbitmq.mgmt_nodes"


RULES: list[vr.Rule] = [
    vr.Rule("durability", vr.needs_durability, "rabbitmq.quorum_queue", _rabbit_durability),
    vr.Rule("node_failures", vr.needs_failover, _rabbit_failover_evidence, _rabbit_failover),
    vr.Rule(
        "acknowledged_delivery", vr.at_least_once, "rabbitmq.publish_consume", _rabbit_delivery
    ),
    vr.Rule(
        "dead_lettering",
        lambda w: bool(w.get("needs_dead_lettering")),
        "rabbitmq.dead_lettering",
        _rabbit_dead_letter,
    ),
    vr.Rule(
        "priorities",
        lambda w: bool(w.get("needs_priorities")),
        "rabbitmq.priorities",
        _rabbit_priorities,
    ),
    vr.Rule(
        "ordering",
        vr.wants_order,
        "rabbitmq.publish_consume",
        vr.queue_order(
            N_("a RabbitMQ queue"),
            N_(
                "Give each queue one active consumer (x-single-active-consumer=true) and "
                "prefetch 1; for per-key order, a consistent-hash exchange over several "
                "such queues."
            ),
        ),
    ),
    vr.Rule(
        "exactly_once",
        vr.wants_exactly_once,
        "rabbitmq.publish_consume",
        vr.at_least_once_only(
            N_("RabbitMQ redelivers unacknowledged messages (the probe saw the redelivered flag)"),
            vr.IDEMPOTENT_CONSUMERS,
            N_("Publish with confirms so nothing is lost either."),
        ),
    ),
]
