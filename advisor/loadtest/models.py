"""Pydantic models of a load test: the plan drawn from the workload, phases, saturation,
cleanup, progress events, results and the bake-off."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field

from advisor.probe.models import CheckStatus, Figure, Verdict
from advisor.workload import Broker, Consumption, Ordering


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid")


class PhaseKind(StrEnum):
    """What a constant-rate phase is for."""

    AVERAGE = "average"
    PEAK = "peak"
    FIXED = "fixed"
    RAMP = "ramp"


class Limiter(StrEnum):
    """What held the rate back in a phase."""

    NONE = "none"
    BROKER = "broker"
    LOAD_GENERATOR = "load_generator"
    MACHINE = "machine"  # broker and load generator share this machine's CPUs, all busy


class LatencyMs(_Model):
    """Latency percentiles in milliseconds, from each message's intended send time."""

    p50: float = Field(0.0, title="p50", ge=0, json_schema_extra={"unit": "ms"})
    p90: float = Field(0.0, title="p90", ge=0, json_schema_extra={"unit": "ms"})
    p99: float = Field(0.0, title="p99", ge=0, json_schema_extra={"unit": "ms"})
    p999: float = Field(0.0, title="p99.9", ge=0, json_schema_extra={"unit": "ms"})
    max: float = Field(0.0, title="Max", ge=0, json_schema_extra={"unit": "ms"})
    mean: float = Field(0.0, title="Mean", ge=0, json_schema_extra={"unit": "ms"})


class DeliverySettings(_Model):
    """The delivery settings the load used, taken from the recommended pattern and advice."""

    source: str = Field(title="Source", description="Where the settings come from.")
    publisher_confirms: bool = Field(
        title="Publishes acknowledged",
        description="Producers count a message as sent once the broker acknowledged it "
        "(publisher confirms, Kafka acks, a Redis reply).",
    )
    persistent: bool = Field(title="Persistent", description="Persistent messages, durable queues.")
    consumer_acks: bool = Field(
        title="Consumer acknowledgements", description="Manual acks after processing (else auto)."
    )
    kafka_acks: str | None = Field(None, title="Kafka acks")
    idempotent: bool | None = Field(None, title="Idempotent producer")
    replication_factor: int | None = Field(None, title="Replication factor", ge=1)
    min_insync_replicas: int | None = Field(None, title="min.insync.replicas", ge=1)
    queue_type: str | None = Field(None, title="RabbitMQ queue type")
    prefetch: int | None = Field(None, title="Prefetch", ge=1)
    redis_mode: str | None = Field(None, title="Redis structure", description="stream or pubsub")
    notes: list[str] = Field(default_factory=list, title="Notes")


class PlannedPhase(_Model):
    name: str = Field(title="Phase")
    kind: PhaseKind = Field(title="Kind")
    rate_msg_per_s: float = Field(title="Rate", ge=0, json_schema_extra={"unit": "msg/s"})
    duration_s: float = Field(title="Duration", ge=0, json_schema_extra={"unit": "s"})


class LoadPlan(_Model):
    """What the load test drives, drawn from the workload (and where capped, why)."""

    workload_name: str = Field(title="Workload")
    broker: Broker = Field(title="Broker")
    consumption: Consumption = Field(title="Consumption pattern")
    receivers: int = Field(
        title="Receivers",
        ge=1,
        description="Independent receivers of every message (fan-out subscribers or consumer "
        "groups); 1 for competing workers.",
    )
    consumers_per_receiver: int = Field(title="Consumers per receiver", ge=1)
    producers: int = Field(title="Producer processes", ge=1)
    modelled_as: str = Field(title="Modelled as", description="How the pattern was reproduced.")
    ordering: Ordering = Field(title="Ordering")
    keyed: bool = Field(title="Keyed messages")
    partitions: int | None = Field(None, title="Kafka partitions", ge=1)
    avg_message_bytes: int = Field(title="Average message size", json_schema_extra={"unit": "B"})
    max_message_bytes: int = Field(title="Largest message size", json_schema_extra={"unit": "B"})
    small_message_bytes: int = Field(title="Most messages", json_schema_extra={"unit": "B"})
    large_every: int = Field(
        title="One large message every", ge=0, description="0: all messages the same size."
    )
    avg_rate_msg_per_s: float = Field(title="Average rate", json_schema_extra={"unit": "msg/s"})
    peak_rate_msg_per_s: float = Field(title="Peak rate", json_schema_extra={"unit": "msg/s"})
    p99_target_ms: float = Field(title="p99 target", json_schema_extra={"unit": "ms"})
    phases: list[PlannedPhase] = Field(title="Constant-rate phases")
    ramp: bool = Field(title="Saturation ramp")
    ramp_step_s: float = Field(title="Ramp step", json_schema_extra={"unit": "s"})
    delivery: DeliverySettings = Field(title="Delivery settings")
    budget_s: float = Field(title="Budget", json_schema_extra={"unit": "s"})


class PhaseResult(_Model):
    """One constant-rate phase (or ramp step), measured end to end."""

    name: str = Field(title="Phase")
    kind: PhaseKind = Field(title="Kind")
    target_rate_msg_per_s: float = Field(title="Target rate", json_schema_extra={"unit": "msg/s"})
    duration_s: float = Field(title="Duration", json_schema_extra={"unit": "s"})
    scheduled: int = Field(title="Scheduled", ge=0)
    sent: int = Field(title="Sent", ge=0)
    received: int = Field(
        title="Received", ge=0, description="Messages of this phase every receiver got."
    )
    deliveries: int = Field(title="Deliveries", ge=0, description="Over all receivers.")
    send_rate_msg_per_s: float = Field(title="Send rate", json_schema_extra={"unit": "msg/s"})
    throughput_msg_per_s: float = Field(
        title="Throughput",
        json_schema_extra={"unit": "msg/s"},
        description="Messages every receiver got, per second of the phase (and its drain).",
    )
    latency_ms: LatencyMs = Field(title="End-to-end latency")
    send_lag_ms: LatencyMs = Field(
        title="Send lag", description="How late the producers sent, against the schedule."
    )
    publish_latency_ms: LatencyMs = Field(
        default_factory=LatencyMs,
        title="Publish latency",
        description="From the intended send time until the broker acknowledged the message "
        "(publisher confirm, Kafka ack, Redis reply); empty without acknowledgements.",
    )
    censored: int = Field(
        0,
        title="Never received",
        ge=0,
        description="Messages still missing when the test stopped waiting; counted in the "
        "latency at the time they had waited (a lower bound).",
    )
    backlog_max_messages: int | None = Field(
        None, title="Largest broker backlog", description="As the broker reported it."
    )
    producer_cpu: float = Field(0.0, title="Producer CPU", description="Busiest producer, cores.")
    consumer_cpu: float = Field(0.0, title="Consumer CPU", description="Busiest consumer, cores.")
    machine_cpu: float | None = Field(
        None, title="Machine CPU", description="Share of all this machine's cores busy."
    )
    sustained: bool = Field(title="Sustained")
    limited_by: Limiter = Field(Limiter.NONE, title="Limited by")
    limit_figure: str = Field("", title="Figure", description="The figure that shows the limit.")
    stopped_early: str = Field("", title="Stopped early because")


class Saturation(_Model):
    """Where the broker, or the load generator, stopped keeping up."""

    measured: bool = Field(title="Measured")
    sustained_msg_per_s: float | None = Field(
        None, title="Highest rate sustained", json_schema_extra={"unit": "msg/s"}
    )
    unsustained_msg_per_s: float | None = Field(
        None, title="First rate not sustained", json_schema_extra={"unit": "msg/s"}
    )
    limited_by: Limiter = Field(Limiter.NONE, title="Limited by")
    figure: str = Field("", title="Figure")
    message: str = Field("", title="Summary")
    steps: list[PhaseResult] = Field(default_factory=list, title="Ramp steps")


class OrderingResult(_Model):
    checked: bool = Field(title="Checked", description="Only when the workload needs ordering.")
    inversions: int = Field(0, title="Out-of-order messages", ge=0)
    split_keys: int = Field(
        0, title="Keys split across consumers", ge=0, description="Within one receiver."
    )


class Cleanup(_Model):
    """What the run created on the broker and what remains."""

    resources: list[str] = Field(default_factory=list, title="Created")
    problems: list[str] = Field(default_factory=list, title="Problems")
    leftovers: list[str] = Field(default_factory=list, title="Left behind")
    leftovers_checked: bool = Field(False, title="Leftovers checked")
    swept: list[str] = Field(
        default_factory=list, title="Removed from earlier runs", description="Stale leftovers."
    )


class Environment(_Model):
    """Where the numbers come from."""

    machine: str = Field(title="Machine")
    cores: int = Field(title="Cores", ge=1)
    loopback: bool = Field(title="Loopback target")
    client: str = Field(title="Client library")
    python: str = Field(title="Python")


class LoadTestResult(_Model):
    """Everything a load test measured; safe to print (no credentials).

    The headline figures (`throughput_msg_per_s`, `latency_ms`) are those of the peak phase,
    or of the one phase run; `sent` and `received` count the whole run.
    """

    target: str = Field(title="Target", description="Display URL (no password).")
    broker: Broker = Field(title="Broker")
    run_id: str = Field(title="Run id")
    started_at: datetime = Field(title="Started at")
    duration_s: float = Field(title="Duration", ge=0, json_schema_extra={"unit": "s"})
    plan: LoadPlan = Field(title="Plan")
    server: dict[str, str] = Field(default_factory=dict, title="Server")
    environment: Environment = Field(title="Environment")
    headline_phase: str = Field("", title="Headline phase")
    sent: int = Field(0, title="Sent", ge=0)
    acknowledged: int = Field(0, title="Acknowledged by the broker", ge=0)
    failed_publishes: int = Field(0, title="Failed publishes", ge=0)
    received: int = Field(0, title="Received", ge=0, description="By every receiver.")
    lost: int = Field(
        0, title="Lost", ge=0, description="Acknowledged by the broker, never received."
    )
    unconfirmed: int = Field(0, title="Never acknowledged nor failed", ge=0)
    duplicates: int = Field(0, title="Duplicates", ge=0)
    throughput_msg_per_s: float = Field(
        0.0, title="Throughput", json_schema_extra={"unit": "msg/s"}
    )
    latency_ms: LatencyMs = Field(default_factory=LatencyMs, title="Latency")
    ordering: OrderingResult = Field(title="Ordering")
    phases: list[PhaseResult] = Field(default_factory=list, title="Phases")
    saturation: Saturation = Field(title="Saturation")
    broker_reported: dict[str, Figure | bool | None] = Field(
        default_factory=dict,
        title="Broker reported",
        description="What the broker said about itself: peaks over the run.",
    )
    errors: list[str] = Field(default_factory=list, title="Errors")
    verdicts: list[Verdict] = Field(default_factory=list, title="Verdicts")
    cancelled: bool = Field(False, title="Cancelled")
    cleanup: Cleanup = Field(default_factory=Cleanup, title="Cleanup")
    notes: list[str] = Field(default_factory=list, title="Notes")

    @property
    def status(self) -> CheckStatus:
        worst = CheckStatus.PASS
        for verdict in self.verdicts:
            if verdict.status is CheckStatus.SKIPPED:
                continue
            if verdict.status.severity > worst.severity:
                worst = verdict.status
        return worst

    @property
    def failed(self) -> bool:
        return self.status is CheckStatus.FAIL or bool(self.errors and not self.phases)


class LoadEvent(_Model):
    """Progress of a running load test (about twice a second while a phase runs)."""

    kind: str = Field(title="Kind", description="started, phase, tick, finished or note.")
    phase: str = Field("", title="Phase")
    target_rate_msg_per_s: float = Field(0.0, title="Target rate")
    send_rate_msg_per_s: float = Field(0.0, title="Send rate")
    receive_rate_msg_per_s: float = Field(0.0, title="Receive rate")
    p99_ms: float = Field(0.0, title="p99 so far", description="Of the current phase.")
    sent: int = Field(0, title="Sent so far", description="Messages published, all phases.")
    received: int = Field(0, title="Received so far", description="By every receiver, all phases.")
    elapsed_s: float = Field(0.0, title="Elapsed")
    budget_s: float = Field(0.0, title="Budget")
    message: str = Field("", title="Message")


class BakeoffResult(_Model):
    """The same load against several brokers, one after the other, on this machine."""

    workload_name: str = Field(title="Workload")
    label: str = Field(title="What this is", description="One machine, loopback, these versions.")
    results: list[LoadTestResult] = Field(default_factory=list, title="Results")
    skipped: dict[str, str] = Field(default_factory=dict, title="Not run", description="Why.")
