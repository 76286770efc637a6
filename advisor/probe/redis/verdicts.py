"""Redis workload verdicts: durability (AOF, RDB), eviction, failover, acknowledged delivery,
dead-lettering, ordering and exactly-once, judged on the checks of `advisor.probe.redis.checks`.
"""

from __future__ import annotations

from advisor.i18n import N_, tr
from advisor.probe import verdict_rules as vr
from advisor.probe.models import CheckStatus, ProbeCheck, ProbeResult


def _redis_durability(w: vr.Facts, r: ProbeResult, c: ProbeCheck) -> vr.Judgement:
    aof, rdb, fsync = (
        vr.fact(r, "aof_enabled"),
        vr.fact(r, "rdb_enabled"),
        vr.fact(r, "appendfsync"),
    )
    if c.status is CheckStatus.FAIL:
        return (
            CheckStatus.FAIL,
            tr("persistence is failing: {details}", details=c.details),
            tr("Fix the failing background save / AOF write before trusting Redis with messages."),
        )
    enable_aof = tr(
        "Set appendonly yes with appendfsync always (or everysec, losing up to a second)."
    )
    if not aof and rdb is False:
        return (
            CheckStatus.FAIL,
            tr(
                "messages must survive a crash, but Redis has neither AOF nor "
                "RDB snapshots: a restart loses every message"
            ),
            tr(
                "Set appendonly yes with appendfsync everysec (or always), or use RabbitMQ "
                "quorum queues / Kafka with acks=all."
            ),
        )
    if not aof and rdb is None:
        return (
            CheckStatus.FAIL,
            tr(
                "messages must survive a crash, but AOF is off (INFO persistence "
                "aof_enabled:0); the RDB snapshot schedule could not be read (CONFIG GET was "
                "refused), so a crash loses at least every write since the last snapshot, and "
                "everything if none are scheduled"
            ),
            f"{enable_aof} {tr('On a managed service, turn on its AOF / persistence option.')}",
        )
    if not aof:
        return (
            CheckStatus.FAIL,
            tr("only RDB snapshots: a crash loses every write since the last snapshot"),
            enable_aof,
        )
    if fsync == "no":
        return (
            CheckStatus.WARN,
            tr("AOF with appendfsync no: the OS decides when writes reach the disk"),
            tr("Use appendfsync always (every write fsynced), or everysec (≤ 1 s lost)."),
        )
    if fsync == "always":
        return CheckStatus.PASS, tr("AOF with appendfsync always: every write is fsynced"), ""
    if fsync == "everysec":
        return (
            CheckStatus.WARN,
            tr(
                "AOF with appendfsync everysec: messages must survive a crash, but a machine "
                "crash or power loss can lose about the last second of acknowledged writes (a "
                "crash of the Redis process alone loses nothing)"
            ),
            tr(
                "Use appendfsync always if not even one second may be lost (slower), or make "
                "critical writes wait for a replica (WAIT 1 <ms>)."
            ),
        )
    return (
        CheckStatus.WARN,
        tr(
            "AOF is on (INFO persistence aof_enabled:1), but its appendfsync policy could not be "
            "read (CONFIG GET was refused): with the default everysec a machine crash can lose "
            "about the last second of writes"
        ),
        tr("Check the provider's fsync setting; appendfsync always loses nothing acknowledged."),
    )


def _redis_failover(w: vr.Facts, r: ProbeResult, c: ProbeCheck) -> vr.Judgement:
    wanted = int(w.get("tolerated_node_failures", 0))
    replicas = r.summary.replicas or 0
    mode = r.summary.mode or "standalone"
    if replicas == 0:
        return (
            CheckStatus.FAIL,
            tr(
                "the workload must survive {count} node failure(s), but this "
                "Redis is a single node with no replicas",
                count=wanted,
            ),
            tr(
                "Add replicas with Sentinel (3+ Sentinels) or run Redis Cluster with a replica "
                "per master."
            ),
        )
    if mode not in ("sentinel", "cluster"):
        return (
            CheckStatus.WARN,
            tr(
                "{count} replica(s) but no automatic failover was seen "
                "(not probed through Sentinel, not a cluster)",
                count=replicas,
            ),
            tr("Probe through redis+sentinel://… if Sentinel manages it; otherwise add Sentinel."),
        )
    if replicas < wanted:
        return (
            CheckStatus.FAIL,
            tr(
                "{replicas} healthy replica(s) for {wanted} tolerated failure(s)",
                replicas=replicas,
                wanted=wanted,
            ),
            tr("Add replicas."),
        )
    return (
        CheckStatus.WARN,
        tr(
            "{mode} with {count} replica(s): failover works, but Redis "
            "replication is asynchronous and a failover can lose "
            "acknowledged writes",
            mode=mode,
            count=replicas,
        ),
        tr("Use WAIT for critical writes, or a broker with synchronous replication."),
    )


def _redis_delivery(w: vr.Facts, r: ProbeResult, c: ProbeCheck) -> vr.Judgement:
    if c.status is CheckStatus.PASS:
        return (
            CheckStatus.PASS,
            tr("acknowledged consumption works (BLMOVE + LREM, or Streams with XACK)"),
            tr("Consume with BLMOVE to a processing list or Streams consumer groups, never RPOP."),
        )
    return (
        CheckStatus.FAIL,
        tr("the acknowledged-queue round trip failed: {details}", details=c.details),
        c.hint or tr("Fix the failing check before relying on acknowledgements."),
    )


def _redis_dead_letter(w: vr.Facts, r: ProbeResult, c: ProbeCheck) -> vr.Judgement:
    return (
        CheckStatus.WARN,
        tr("Redis has no dead-lettering: failed messages must be moved by your code"),
        tr(
            "Use Streams: XPENDING/XCLAIM to find stuck messages, XADD them to a parking "
            "stream; or use RabbitMQ's dead-letter exchanges."
        ),
    )


def _redis_eviction(w: vr.Facts, r: ProbeResult, c: ProbeCheck) -> vr.Judgement:
    policy = str(vr.fact(r, "maxmemory_policy") or "unknown")
    limit = int(vr.fact(r, "maxmemory_bytes") or 0)
    if limit and policy != "noeviction":
        return (
            CheckStatus.FAIL,
            tr(
                "maxmemory-policy {policy}: under memory pressure Redis "
                "silently evicts keys, queued messages included",
                policy=policy,
            ),
            tr("Set maxmemory-policy noeviction on a Redis used as a broker."),
        )
    return (
        CheckStatus.PASS,
        tr("maxmemory-policy {policy}: messages are not evicted", policy=policy),
        "",
    )


RULES: list[vr.Rule] = [
    vr.Rule("durability", vr.needs_durability, "redis.persistence", _redis_durability),
    vr.Rule("no_eviction", vr.needs_durability, "redis.memory", _redis_eviction),
    vr.Rule("node_failures", vr.needs_failover, "redis.info", _redis_failover),
    vr.Rule("acknowledged_delivery", vr.at_least_once, "redis.reliable_queue", _redis_delivery),
    vr.Rule(
        "dead_lettering",
        lambda w: bool(w.get("needs_dead_lettering")),
        "redis.streams",
        _redis_dead_letter,
    ),
    vr.Rule(
        "ordering",
        vr.wants_order,
        "redis.reliable_queue",
        vr.queue_order(
            N_("a Redis list (LPUSH, BLMOVE)"),
            N_(
                "Keep one consumer per list (or per key: one list per key group); Streams "
                "consumer groups spread entries over consumers and lose the order too."
            ),
        ),
    ),
    vr.Rule(
        "exactly_once",
        vr.wants_exactly_once,
        "redis.streams",
        vr.at_least_once_only(
            N_("Redis lists and Streams (XACK, XPENDING/XCLAIM) redeliver"),
            vr.IDEMPOTENT_CONSUMERS,
        ),
    ),
]
