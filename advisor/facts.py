"""Facts the rules read: the workload's fields plus sizing derived from them in Python."""

from __future__ import annotations

import math
import types
import typing
from collections.abc import Mapping
from enum import Enum
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from advisor import versions
from advisor.workload import Broker, Workload

FactKind = Literal["bool", "number", "enum", "set", "text", "version"]

# Sizing assumptions; the guide's sizing sections explain where each comes from.
REDIS_ENTRY_OVERHEAD_BYTES = 100  # per stream entry or list node, plus key and ID
REDIS_FRAGMENTATION = 1.5  # allocator fragmentation and headroom for copy-on-write
KAFKA_PARTITION_BYTES_PER_S = 5 * 1024 * 1024  # conservative per-partition write throughput
KAFKA_CONSUMER_MSG_PER_S = 5_000  # what one Python consumer typically handles per partition
KAFKA_BROKER_MB_PER_S = 100.0  # sustained writes one broker takes with replication, decimal MB
KAFKA_CLUSTER_MAX_BROKERS = 30  # beyond this, published deployments split into several clusters
KAFKA_MIN_PARTITIONS = 3
KAFKA_MAX_PARTITIONS = 4_096
RABBITMQ_STALL_SECONDS = 600  # backlog sized for ten minutes of stalled consumers


class FactSpec(BaseModel):
    """What a fact is: its kind, allowed values and meaning; rules are checked against this."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str
    kind: FactKind
    values: tuple[str, ...] = Field(default=(), description="Allowed values of enum and set facts.")
    unit: str = ""
    description: str = ""
    depends_on: tuple[str, ...] = Field(default=(), description="Workload fields it derives from.")


NOT_STATED = "not_stated"  # the fact value of an optional choice the user left open


def _unwrap_optional(annotation: Any) -> tuple[Any, bool]:
    """(inner type, optional?) of `X | None`."""
    if isinstance(annotation, types.UnionType) or typing.get_origin(annotation) is typing.Union:
        inner = [a for a in typing.get_args(annotation) if a is not type(None)]
        if len(inner) == 1:
            return inner[0], True
    return annotation, False


def _fact_kind(annotation: Any) -> tuple[FactKind, tuple[str, ...]]:
    """The fact kind of a workload field's type. Optional fields read as "not stated": 0 for
    numbers, false for flags, NOT_STATED for choices (see workload_data)."""
    inner, optional = _unwrap_optional(annotation)
    if typing.get_origin(inner) is typing.Annotated:
        inner = typing.get_args(inner)[0]
    if inner is bool:
        return "bool", ()
    if inner in (int, float):
        return "number", ()
    if isinstance(inner, type) and issubclass(inner, Enum):
        values = tuple(str(m.value) for m in inner)
        return "enum", (*values, NOT_STATED) if optional else values
    if typing.get_origin(inner) is list:
        (member,) = typing.get_args(inner)
        if isinstance(member, type) and issubclass(member, Enum):
            return "set", tuple(str(m.value) for m in member)
    return "text", ()


def _workload_specs() -> dict[str, FactSpec]:
    specs: dict[str, FactSpec] = {}
    for name, field in Workload.model_fields.items():
        extra = field.json_schema_extra if isinstance(field.json_schema_extra, dict) else {}
        unit = str(extra.get("unit", ""))
        kind, values = _fact_kind(field.annotation)
        specs[name] = FactSpec(
            name=name,
            kind=kind,
            values=values,
            unit=unit,
            description=field.description or "",
            depends_on=(name,),
        )
    return specs


def _derived(
    name: str, unit: str, description: str, *depends_on: str, kind: FactKind = "number"
) -> FactSpec:
    return FactSpec(name=name, kind=kind, unit=unit, description=description, depends_on=depends_on)


_RATE = ("avg_rate_msg_per_s",)
_SIZE = ("avg_message_size_bytes",)
_HISTORY = ("retention_hours", "retention_max_messages", "channels")
_RETAIN = ("avg_rate_msg_per_s", "avg_message_size_bytes", *_HISTORY)

# Older fields have defaults that are assumptions, not "not stated". Where a workload file leaves
# them out, rules that read them wait for these facts: what was not stated changes nothing.
STATED_GROUPS: dict[str, tuple[str, ...]] = {
    "volume_stated": ("avg_rate_msg_per_s", "peak_rate_msg_per_s"),
    "consumption_stated": ("consumption",),
    "durability_stated": ("crash_may_lose_messages",),
    "availability_stated": ("tolerated_node_failures",),
}

DERIVED_SPECS: dict[str, FactSpec] = {
    s.name: s
    for s in (
        *(
            _derived(
                name,
                "",
                f"The workload states {' or '.join(fields)} (a form always does; a file may not).",
                *fields,
                kind="bool",
            )
            for name, fields in STATED_GROUPS.items()
        ),
        *(
            _derived(
                f"{broker.value}_version",
                "",
                f"The {broker.title} version the workload runs: the stated one, else the "
                "current release (assets/versions.yaml). Compared with lt, gte, ...: "
                'value: "4.3".',
                "versions",
                kind="version",
            )
            for broker in Broker
        ),
        *(
            _derived(
                f"{broker.value}_version_stated",
                "",
                f"The workload states the {broker.title} version it runs.",
                "versions",
                kind="bool",
            )
            for broker in Broker
        ),
        _derived("avg_bandwidth_mb_per_s", "MB/s", "Average rate x average size.", *_RATE, *_SIZE),
        _derived(
            "peak_bandwidth_mb_per_s",
            "MB/s",
            "Peak rate x average size.",
            "peak_rate_msg_per_s",
            *_SIZE,
        ),
        _derived("messages_per_day", "msg", "Average rate over a day.", *_RATE),
        _derived("max_message_mb", "MiB", "Largest message in MiB.", "max_message_size_bytes"),
        _derived(
            "retained_messages",
            "msg",
            "Messages held: the retention period's, or the count cap over every channel.",
            *_RATE,
            *_HISTORY,
        ),
        _derived(
            "history_hours",
            "h",
            "How far back the kept history reaches (the count cap at the average rate).",
            *_RATE,
            *_HISTORY,
        ),
        _derived(
            "history_capped_by_count",
            "",
            "History is the last N messages per stream or channel.",
            "retention_max_messages",
            kind="bool",
        ),
        _derived(
            "history_kept",
            "",
            "Messages are kept after consumption (by time or by count).",
            *_HISTORY,
            kind="bool",
        ),
        _derived(
            "kafka_brokers_for_bandwidth",
            "",
            "Kafka brokers the peak bandwidth needs with its replicas (about 100 MB/s each).",
            "peak_rate_msg_per_s",
            *_SIZE,
            "tolerated_node_failures",
        ),
        _derived(
            "kafka_brokers_text",
            "",
            "kafka_brokers_for_bandwidth in words ('one broker', '4 brokers').",
            "peak_rate_msg_per_s",
            *_SIZE,
            "tolerated_node_failures",
            kind="text",
        ),
        _derived(
            "kafka_clusters_for_bandwidth",
            "",
            "Kafka clusters of at most 30 brokers that the peak bandwidth needs.",
            "peak_rate_msg_per_s",
            *_SIZE,
            "tolerated_node_failures",
        ),
        _derived(
            "leaving_reasons",
            "",
            "Why the broker being left is left, in words ('' when not stated).",
            "leaving_because",
            kind="text",
        ),
        _derived(
            "framework_name",
            "",
            "The job framework's display name.",
            "task_framework",
            kind="text",
        ),
        _derived(
            "task_timeout_ms",
            "ms",
            "A timeout with headroom over the longest task: twice it, in milliseconds.",
            "max_task_duration_s",
        ),
        _derived(
            "task_timeout_s",
            "s",
            "A timeout with headroom over the longest task: twice it, in seconds.",
            "max_task_duration_s",
        ),
        _derived(
            "task_minutes",
            "min",
            "The longest task in minutes.",
            "max_task_duration_s",
        ),
        _derived(
            "language_count",
            "",
            "How many languages the producers and consumers are written in.",
            "languages",
        ),
        _derived("retained_gb", "GB", "Bytes held over the retention period, one copy.", *_RETAIN),
        _derived(
            "redis_memory_gb", "GB", "RAM Redis would need to hold the retained data.", *_RETAIN
        ),
        _derived(
            "kafka_partitions",
            "",
            "Partitions for the peak rate and consumer parallelism (one per worker).",
            "peak_rate_msg_per_s",
            *_SIZE,
            "workers",
        ),
        _derived(
            "retained_bytes",
            "bytes",
            "Bytes of history kept, one copy (for size-bounded retention settings).",
            *_RETAIN,
        ),
        _derived(
            "retained_bytes_per_partition",
            "bytes",
            "Bytes of history per Kafka partition (for retention.bytes).",
            *_RETAIN,
            "peak_rate_msg_per_s",
            "workers",
        ),
        _derived(
            "kafka_replication_factor",
            "",
            "Replicas to survive the tolerated failures.",
            "tolerated_node_failures",
        ),
        _derived(
            "kafka_min_insync_replicas",
            "",
            "min.insync.replicas to pair with it.",
            "tolerated_node_failures",
        ),
        _derived(
            "kafka_disk_gb",
            "GB",
            "Disk over all replicas for the retention period.",
            *_RETAIN,
            "tolerated_node_failures",
        ),
        _derived(
            "rabbitmq_backlog_gb",
            "GB",
            "Backlog after ten minutes at peak with consumers stalled.",
            "peak_rate_msg_per_s",
            *_SIZE,
        ),
        _derived(
            "nodes_needed",
            "",
            "Nodes for a quorum that survives the tolerated failures.",
            "tolerated_node_failures",
        ),
        _derived(
            "peak_to_avg_ratio",
            "",
            "How bursty the traffic is.",
            "peak_rate_msg_per_s",
            "avg_rate_msg_per_s",
        ),
        _derived(
            "retention_ms",
            "ms",
            "The history kept, in milliseconds (for retention.ms).",
            *_RATE,
            *_HISTORY,
        ),
        _derived(
            "rabbitmq_max_age",
            "",
            "The history kept as a RabbitMQ stream x-max-age value (such as 7D, 36h or 30m).",
            *_RATE,
            *_HISTORY,
            kind="text",
        ),
        _derived(
            "team_knows_redis",
            "",
            "The team runs Redis in production.",
            "team_familiar_with",
            kind="bool",
        ),
        _derived(
            "team_knows_rabbitmq",
            "",
            "The team runs RabbitMQ in production.",
            "team_familiar_with",
            kind="bool",
        ),
        _derived(
            "team_knows_kafka",
            "",
            "The team runs Kafka in production.",
            "team_familiar_with",
            kind="bool",
        ),
        _derived(
            "team_knows_none",
            "",
            "The team runs none of the three.",
            "team_familiar_with",
            kind="bool",
        ),
    )
}

FACT_SPECS_OF_FIELDS = _workload_specs()
FACT_SPECS: dict[str, FactSpec] = {**FACT_SPECS_OF_FIELDS, **DERIVED_SPECS}

NUMERIC_FIELDS = tuple(n for n, s in FACT_SPECS_OF_FIELDS.items() if s.kind == "number")


def workload_data(workload: Workload) -> dict[str, Any]:
    """A workload as a plain mapping of fact values: enums as their string values, lists as
    sets, and what was not stated as the value that says so (0, false or NOT_STATED)."""
    data = workload.model_dump()
    stated = workload.model_fields_set
    for name, fields in STATED_GROUPS.items():
        data[name] = bool(stated.intersection(fields))
    for key, value in data.items():
        spec = FACT_SPECS.get(key) or FACT_SPECS_OF_FIELDS[key]
        if isinstance(value, list):
            data[key] = frozenset(v.value if isinstance(v, Enum) else v for v in value)
        elif isinstance(value, Enum):
            data[key] = value.value
        elif value is None:
            data[key] = {"number": 0, "bool": False, "enum": NOT_STATED}.get(spec.kind, "")
    if data["uses_celery"] and data["task_framework"] == NOT_STATED:
        data["task_framework"] = "celery"
    return data


def compute_facts(data: Mapping[str, Any]) -> dict[str, Any]:
    """Add the derived sizing facts to a workload's plain data."""
    facts = dict(data)
    avg_rate = float(data["avg_rate_msg_per_s"])
    peak_rate = float(data["peak_rate_msg_per_s"])
    avg_size = float(data["avg_message_size_bytes"])
    retention_s = float(data["retention_hours"]) * 3600.0
    failures = int(data["tolerated_node_failures"])
    mb, mib, gb = 1e6, 1024.0 * 1024.0, 1e9  # rates in decimal units, size limits in MiB

    peak_bandwidth = peak_rate * avg_size
    cap = float(data["retention_max_messages"]) * max(1, int(data["channels"]))
    by_time = avg_rate * retention_s if retention_s > 0 else math.inf
    retained = min(by_time, cap if cap > 0 else math.inf)
    retained = 0.0 if math.isinf(retained) else retained
    retained_bytes = retained * avg_size
    if cap > 0:
        # How far back the last N messages reach at the average rate; with no rate to say,
        # only the retention (if any) bounds it in time: the count is what is known.
        reach_s = cap / avg_rate if avg_rate >= 0.001 else math.inf
        history_s = min(retention_s or math.inf, reach_s)
        history_s = retention_s if math.isinf(history_s) else history_s
    else:
        history_s = retention_s
    replication = 2 * failures + 1
    partitions = max(
        KAFKA_MIN_PARTITIONS,
        math.ceil(peak_bandwidth / KAFKA_PARTITION_BYTES_PER_S),
        math.ceil(peak_rate / KAFKA_CONSUMER_MSG_PER_S),
        int(data["workers"]),  # a consumer group gives each partition to one consumer
    )
    team = data["team_familiar_with"]

    stated_versions = data.get("versions") or {}
    for broker in Broker:
        facts[f"{broker.value}_version"] = versions.effective(stated_versions, broker)
        facts[f"{broker.value}_version_stated"] = bool(
            stated_versions.get(broker) or stated_versions.get(broker.value)
        )
    facts["avg_bandwidth_mb_per_s"] = avg_rate * avg_size / mb
    facts["peak_bandwidth_mb_per_s"] = peak_bandwidth / mb
    facts["messages_per_day"] = avg_rate * 86_400.0
    facts["max_message_mb"] = float(data["max_message_size_bytes"]) / mib
    facts["retained_messages"] = retained
    facts["history_hours"] = history_s / 3600.0
    facts["retained_bytes"] = int(retained_bytes)
    facts["retained_bytes_per_partition"] = int(
        retained_bytes / min(partitions, KAFKA_MAX_PARTITIONS)
    )
    facts["history_capped_by_count"] = cap > 0
    facts["history_kept"] = retention_s > 0 or cap > 0
    brokers = math.ceil(peak_bandwidth * min(replication, 3) / mb / KAFKA_BROKER_MB_PER_S)
    facts["kafka_brokers_for_bandwidth"] = max(brokers, 1)
    facts["kafka_brokers_text"] = "one broker" if brokers <= 1 else f"{brokers:,} brokers"
    facts["kafka_clusters_for_bandwidth"] = math.ceil(max(brokers, 1) / KAFKA_CLUSTER_MAX_BROKERS)
    facts["language_count"] = len(data["languages"])
    reasons = [LEAVE_REASON_WORDS[r] for r in sorted(data["leaving_because"], key=_REASON_ORDER)]
    facts["leaving_reasons"] = _join(reasons)
    facts["framework_name"] = FRAMEWORK_NAMES.get(str(data["task_framework"]), "")
    duration_s = float(data["max_task_duration_s"])
    facts["task_timeout_ms"] = int(duration_s * 2 * 1000)
    facts["task_timeout_s"] = int(duration_s * 2)
    facts["task_minutes"] = duration_s / 60.0
    facts["retained_gb"] = retained_bytes / gb
    facts["redis_memory_gb"] = (
        retained * (avg_size + REDIS_ENTRY_OVERHEAD_BYTES) * REDIS_FRAGMENTATION / gb
    )
    facts["kafka_partitions"] = min(partitions, KAFKA_MAX_PARTITIONS)
    facts["kafka_replication_factor"] = replication
    facts["kafka_min_insync_replicas"] = failures + 1
    facts["kafka_disk_gb"] = retained_bytes * replication / gb
    facts["rabbitmq_backlog_gb"] = peak_rate * RABBITMQ_STALL_SECONDS * avg_size / gb
    facts["nodes_needed"] = replication
    facts["peak_to_avg_ratio"] = peak_rate / avg_rate if avg_rate >= 0.001 else 1.0
    facts["team_knows_redis"] = "redis" in team
    facts["team_knows_rabbitmq"] = "rabbitmq" in team
    facts["team_knows_kafka"] = "kafka" in team
    facts["team_knows_none"] = not team
    facts["retention_ms"] = int(history_s * 1000)
    facts["rabbitmq_max_age"] = _max_age(history_s)
    return facts


LEAVE_REASON_WORDS = {
    "outages_under_load": "outages under load",
    "connection_churn": "connection churn",
    "scaling_ceiling": "a scaling ceiling",
    "poor_observability": "poor observability",
    "operational_burden": "the operational burden",
    "cost": "cost",
    "message_loss": "lost messages",
    "memory_pressure": "memory pressure",
    "licence": "the licence",
    "missing_features": "missing features",
    "network_partitions": "misbehaviour under network partitions",
    "latency": "latency",
}
FRAMEWORK_NAMES = {
    "celery": "Celery",
    "rq": "RQ",
    "dramatiq": "Dramatiq",
    "sidekiq": "Sidekiq",
    "resque": "Resque",
    "bullmq": "BullMQ",
    "spring": "Spring",
    "asynq": "Asynq",
    "other": "its job framework",
}


def _REASON_ORDER(reason: str) -> int:  # a sort key, named like the table
    return list(LEAVE_REASON_WORDS).index(reason)


def _join(words: list[str]) -> str:
    if len(words) <= 1:
        return "".join(words)
    return ", ".join(words[:-1]) + " and " + words[-1]


def _max_age(seconds: float) -> str:
    """The largest whole unit of x-max-age (D, h, m, s) that states the retention exactly."""
    whole = max(1, round(seconds))
    for suffix, size in (("D", 86_400), ("h", 3_600), ("m", 60)):
        if whole % size == 0:
            return f"{whole // size}{suffix}"
    return f"{whole}s"


def fields_affecting(fact: str) -> tuple[str, ...]:
    """Workload fields whose change can change a fact."""
    return FACT_SPECS[fact].depends_on
