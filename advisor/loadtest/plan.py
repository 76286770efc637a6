"""Draw a load plan from a workload: sizes, rates, consumption pattern and delivery settings.

The delivery settings come from the recommendation's assessment of the target's broker (its
pattern and configuration advice), falling back on the workload's own durability and delivery
fields; a workload that forbids loss gets acknowledged, persistent publishing.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

from advisor.i18n import N_, tr
from advisor.loadtest import schedule
from advisor.loadtest.models import DeliverySettings, LoadPlan, PhaseKind, PlannedPhase
from advisor.recommendation import BrokerAssessment, Recommendation
from advisor.workload import Broker, Consumption, DeliveryGuarantee, Ordering, Workload

# Phase names are data ("average", "peak", "ramp 1,200 msg/s", "500 msg/s"): phase_title words them.
_PHASE_WORDS = {"warm-up": N_("warm-up"), "average": N_("average"), "peak": N_("peak")}


def phase_title(name: str) -> str:
    """A phase's name as the language words it (progress, tables); English shows the name."""
    if name in _PHASE_WORDS:
        return tr(_PHASE_WORDS[name])
    if name.startswith("ramp "):
        return tr("ramp {rate}", rate=name.removeprefix("ramp "))
    return name


DEFAULT_DURATION_S = 10.0
MAX_DURATION_S = 600.0
MIN_DURATION_S = 1.0
# One machine runs the broker and the load generator: the pattern is reproduced with at most
# this many receivers and consumers each, and said so.
MAX_RECEIVERS = 3
MAX_CONSUMERS_PER_RECEIVER = 3
MAX_PRODUCERS = 8
RAMP_FACTOR = 2.0
RAMP_CEILING_MSG_PER_S = 1_000_000.0
RAMP_CEILING_BYTES_PER_S = 400 * 1024 * 1024
# Time outside the phases: connecting, creating, starting processes, warm-up, drains, cleanup.
SETUP_S = 20.0
WARMUP_S = 1.0
DRAIN_S = 2.0
CLEANUP_S = 10.0


@dataclass(frozen=True)
class RateChoice:
    """--rate: 'avg', 'peak', a number of messages per second, or None for the full plan."""

    kind: str | None = None  # None | "avg" | "peak" | "fixed"
    value: float = 0.0

    @classmethod
    def parse(cls, text: str | None) -> RateChoice:
        if text is None or text == "":
            return cls()
        lowered = text.strip().lower()
        if lowered in ("avg", "average"):
            return cls("avg")
        if lowered == "peak":
            return cls("peak")
        try:
            value = float(lowered)
        except ValueError:
            raise ValueError(
                tr(
                    "{option} must be avg, peak or a number of msg/s (got {value})",
                    option="--rate",
                    value=repr(text),
                )
            ) from None
        if not math.isfinite(value) or value <= 0 or value > RAMP_CEILING_MSG_PER_S:
            raise ValueError(
                tr(
                    "{option} must be above 0 and at most {limit} msg/s (got {value})",
                    option="--rate",
                    limit=f"{RAMP_CEILING_MSG_PER_S:,.0f}",
                    value=repr(text),
                )
            )
        return cls("fixed", value)


@dataclass(frozen=True)
class Shape:
    """How the consumption pattern is reproduced."""

    receivers: int
    consumers_per_receiver: int
    modelled_as: str


def shape(workload: Workload) -> Shape:
    """Receivers and consumers for the workload's consumption pattern, capped for one machine."""
    consumption = workload.consumption
    workers = workload.workers
    if consumption in (Consumption.COMPETING_WORKERS, Consumption.REQUEST_REPLY):
        wanted = workers if workers is not None else 2
        consumers = max(1, min(wanted, MAX_CONSUMERS_PER_RECEIVER))
        text = tr("{count} competing consumer(s) on one queue", count=consumers)
        if wanted > consumers:
            text += tr(" (the workload has {count} workers; capped on one machine)", count=wanted)
        if consumption is Consumption.REQUEST_REPLY:
            text += tr("; request/reply is measured one way (request to worker)")
        return Shape(1, consumers, text)
    if consumption is Consumption.FAN_OUT:
        wanted = max(2, workload.consumer_groups)
        receivers = min(wanted, MAX_RECEIVERS)
        text = tr("fan-out to {count} subscribers, each receiving every message", count=receivers)
        if wanted > receivers:
            text += tr(" (the workload has {count}; capped on one machine)", count=wanted)
        return Shape(receivers, 1, text)
    wanted = workload.consumer_groups
    receivers = max(1, min(wanted, MAX_RECEIVERS))
    text = tr(
        "{count} independent consumer group(s), each receiving every message", count=receivers
    )
    if wanted > receivers:
        text += tr(" (the workload has {count}; capped on one machine)", count=wanted)
    return Shape(receivers, 1, text)


def _advice(assessment: BrokerAssessment | None, setting: str) -> str | None:
    if assessment is None:
        return None
    for item in assessment.advice:
        if item.setting.strip().lower() == setting.lower() and item.value:
            return item.value.strip()
    return None


def _int_in(text: str | None) -> int | None:
    numbers = [int(n) for n in re.findall(r"\d+", text or "")]
    return max(numbers) if numbers else None


def delivery_settings(
    workload: Workload, broker: Broker, recommendation: Recommendation | None
) -> DeliverySettings:
    """The delivery settings of the recommended pattern for this broker."""
    assessment = None
    if recommendation is not None:
        try:
            assessment = recommendation.assessment(broker)
        except KeyError:
            assessment = None
    pattern = assessment.pattern if assessment is not None else None
    loss_forbidden = not workload.crash_may_lose_messages
    at_most_once = workload.delivery is DeliveryGuarantee.AT_MOST_ONCE
    source = (
        tr(
            "the recommended {broker} pattern '{name}' and its advice",
            broker=broker.title,
            name=pattern.name,
        )
        if pattern is not None
        else tr("the workload's durability and delivery fields")
    )
    notes: list[str] = []
    settings = DeliverySettings(
        source=source,
        publisher_confirms=loss_forbidden,
        persistent=loss_forbidden,
        consumer_acks=not at_most_once,
    )
    if broker is Broker.RABBITMQ:
        mode = _advice(assessment, "delivery_mode")
        if mode == "1":
            settings.persistent = False
        queue_type = _advice(assessment, "x-queue-type")
        if queue_type is None:
            quorum = loss_forbidden and workload.tolerated_node_failures >= 1
            queue_type = "quorum" if quorum else "classic"
        settings.queue_type = queue_type
        settings.prefetch = _int_in(_advice(assessment, "prefetch_count")) or 100
        if settings.queue_type in ("quorum", "stream"):
            settings.persistent = True
            notes.append(
                tr(
                    "{queue_type} queues keep every message on disk, whatever {setting} says",
                    queue_type=settings.queue_type,
                    setting="delivery_mode",
                )
            )
        if settings.queue_type == "stream":
            settings.consumer_acks = True
            notes.append(
                tr("a stream queue is read from its first offset with acks and a prefetch")
            )
    elif broker is Broker.KAFKA:
        acks = _advice(assessment, "acks") or ("all" if loss_forbidden else "1")
        settings.kafka_acks = acks
        settings.publisher_confirms = acks != "0"
        settings.idempotent = acks == "all"
        replication = _int_in(_advice(assessment, "replication.factor"))
        if replication is None:
            replication = 3 if loss_forbidden or workload.tolerated_node_failures else 1
        settings.replication_factor = replication
        settings.min_insync_replicas = max(1, replication - 1) if acks == "all" else 1
        settings.persistent = True
        notes.append(tr("Kafka writes every message to its log; durability comes from replication"))
    else:
        fan_out = workload.consumption is Consumption.FAN_OUT
        pubsub = workload.crash_may_lose_messages and (
            fan_out or (pattern is not None and pattern.pattern_id == "redis-pubsub")
        )
        settings.redis_mode = "pubsub" if pubsub else "stream"
        settings.publisher_confirms = True  # every command gets a reply
        settings.persistent = False  # a server setting (AOF), reported from INFO persistence
        if pubsub:
            settings.consumer_acks = False
            notes.append(tr("Pub/Sub keeps nothing: a subscriber that is not connected misses it"))
        else:
            notes.append(
                tr(
                    "one Stream, one consumer group per receiver, {command} after processing",
                    command="XACK",
                )
            )
    settings.notes = notes
    return settings


def phases(workload: Workload, rate: RateChoice, duration_s: float) -> list[PlannedPhase]:
    avg = max(1.0, workload.avg_rate_msg_per_s)
    peak = max(avg, workload.peak_rate_msg_per_s)
    if rate.kind == "avg":
        return [
            PlannedPhase(
                name="average", kind=PhaseKind.AVERAGE, rate_msg_per_s=avg, duration_s=duration_s
            )
        ]
    if rate.kind == "peak":
        return [
            PlannedPhase(
                name="peak", kind=PhaseKind.PEAK, rate_msg_per_s=peak, duration_s=duration_s
            )
        ]
    if rate.kind == "fixed":
        return [
            PlannedPhase(
                name=f"{rate.value:g} msg/s",
                kind=PhaseKind.FIXED,
                rate_msg_per_s=rate.value,
                duration_s=duration_s,
            )
        ]
    out = []
    if avg < peak:
        out.append(
            PlannedPhase(
                name="average", kind=PhaseKind.AVERAGE, rate_msg_per_s=avg, duration_s=duration_s
            )
        )
    out.append(
        PlannedPhase(name="peak", kind=PhaseKind.PEAK, rate_msg_per_s=peak, duration_s=duration_s)
    )
    return out


def make_plan(
    workload: Workload,
    broker: Broker,
    *,
    recommendation: Recommendation | None = None,
    duration_s: float = DEFAULT_DURATION_S,
    rate: RateChoice | None = None,
    producers: int = 1,
    ramp: bool | None = None,
) -> LoadPlan:
    """The plan for one broker: phases, pattern, sizes, delivery settings and the budget."""
    rate = rate or RateChoice()
    duration_s = min(MAX_DURATION_S, max(MIN_DURATION_S, duration_s))
    producers = max(1, min(MAX_PRODUCERS, producers))
    form = shape(workload)
    mix = schedule.size_mix(workload.avg_message_size_bytes, workload.max_message_size_bytes)
    planned = phases(workload, rate, duration_s)
    with_ramp = rate.kind is None if ramp is None else ramp
    step_s = min(3.0, max(1.0, duration_s / 4))
    keyed = workload.ordering is Ordering.PER_KEY
    partitions = None
    if broker is Broker.KAFKA:
        partitions = (
            1 if workload.ordering is Ordering.GLOBAL else max(3, form.consumers_per_receiver)
        )
    delivery = delivery_settings(workload, broker, recommendation)
    per_phase = [p.duration_s + DRAIN_S for p in planned]
    ramp_s = duration_s + DRAIN_S if with_ramp else 0.0
    budget = SETUP_S + WARMUP_S + sum(per_phase) + ramp_s + final_drain_s(workload) + CLEANUP_S
    return LoadPlan(
        workload_name=workload.name,
        broker=broker,
        consumption=workload.consumption,
        receivers=form.receivers,
        consumers_per_receiver=form.consumers_per_receiver,
        producers=producers,
        modelled_as=form.modelled_as,
        ordering=workload.ordering,
        keyed=keyed,
        partitions=partitions,
        avg_message_bytes=workload.avg_message_size_bytes,
        max_message_bytes=workload.max_message_size_bytes,
        small_message_bytes=mix.small_bytes,
        large_every=mix.large_every,
        avg_rate_msg_per_s=workload.avg_rate_msg_per_s,
        peak_rate_msg_per_s=workload.peak_rate_msg_per_s,
        p99_target_ms=workload.p99_latency_ms,
        phases=planned,
        ramp=with_ramp,
        ramp_step_s=step_s,
        delivery=delivery,
        budget_s=round(budget, 1),
    )


def final_drain_s(workload: Workload) -> float:
    """How long the end of the run waits for the last messages: three times the p99 target,
    at least 3 s and at most 10 s."""
    return min(10.0, max(3.0, 3 * workload.p99_latency_ms / 1000))


def size_mix(plan: LoadPlan) -> schedule.SizeMix:
    return schedule.size_mix(plan.avg_message_bytes, plan.max_message_bytes)
