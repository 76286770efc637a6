"""Facts the rules read: the workload's fields plus sizing derived from them in Python."""

from __future__ import annotations

import math
from collections.abc import Mapping
from enum import Enum
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from advisor.workload import Broker, Workload

FactKind = Literal["bool", "number", "enum", "set", "text"]

# Sizing assumptions; the guide's sizing sections explain where each comes from.
REDIS_ENTRY_OVERHEAD_BYTES = 100  # per stream entry or list node, plus key and ID
REDIS_FRAGMENTATION = 1.5  # allocator fragmentation and headroom for copy-on-write
KAFKA_PARTITION_BYTES_PER_S = 5 * 1024 * 1024  # conservative per-partition write throughput
KAFKA_CONSUMER_MSG_PER_S = 5_000  # what one Python consumer typically handles per partition
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


def _workload_specs() -> dict[str, FactSpec]:
    specs: dict[str, FactSpec] = {}
    for name, field in Workload.model_fields.items():
        annotation = field.annotation
        extra = field.json_schema_extra if isinstance(field.json_schema_extra, dict) else {}
        unit = str(extra.get("unit", ""))
        kind: FactKind
        values: tuple[str, ...] = ()
        if annotation is bool:
            kind = "bool"
        elif annotation in (int, float):
            kind = "number"
        elif isinstance(annotation, type) and issubclass(annotation, Enum):
            kind = "enum"
            values = tuple(str(m.value) for m in annotation)
        elif name == "team_familiar_with":
            kind = "set"
            values = tuple(b.value for b in Broker)
        else:
            kind = "text"
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
_RETAIN = ("avg_rate_msg_per_s", "avg_message_size_bytes", "retention_hours")

DERIVED_SPECS: dict[str, FactSpec] = {
    s.name: s
    for s in (
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
            "Messages held over the retention period.",
            *_RATE,
            "retention_hours",
        ),
        _derived("retained_gb", "GB", "Bytes held over the retention period, one copy.", *_RETAIN),
        _derived(
            "redis_memory_gb", "GB", "RAM Redis would need to hold the retained data.", *_RETAIN
        ),
        _derived(
            "kafka_partitions",
            "",
            "Partitions for the peak rate and consumer parallelism.",
            "peak_rate_msg_per_s",
            *_SIZE,
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
            "retention_ms", "ms", "Retention in milliseconds (for retention.ms).", "retention_hours"
        ),
        _derived(
            "rabbitmq_max_age",
            "",
            "Retention as a RabbitMQ stream x-max-age value (such as 7D, 36h or 30m).",
            "retention_hours",
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

FACT_SPECS: dict[str, FactSpec] = {**_workload_specs(), **DERIVED_SPECS}

NUMERIC_FIELDS = tuple(n for n, s in _workload_specs().items() if s.kind == "number")


def workload_data(workload: Workload) -> dict[str, Any]:
    """A workload as a plain mapping of fact values (enums as their string values)."""
    data = workload.model_dump()
    for key, value in data.items():
        if isinstance(value, Enum):
            data[key] = value.value
    data["team_familiar_with"] = frozenset(
        b.value if isinstance(b, Enum) else b for b in workload.team_familiar_with
    )
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
    retained = avg_rate * retention_s
    retained_bytes = retained * avg_size
    replication = 2 * failures + 1
    partitions = max(
        KAFKA_MIN_PARTITIONS,
        math.ceil(peak_bandwidth / KAFKA_PARTITION_BYTES_PER_S),
        math.ceil(peak_rate / KAFKA_CONSUMER_MSG_PER_S),
    )
    team = data["team_familiar_with"]

    facts["avg_bandwidth_mb_per_s"] = avg_rate * avg_size / mb
    facts["peak_bandwidth_mb_per_s"] = peak_bandwidth / mb
    facts["messages_per_day"] = avg_rate * 86_400.0
    facts["max_message_mb"] = float(data["max_message_size_bytes"]) / mib
    facts["retained_messages"] = retained
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
    facts["retention_ms"] = int(retention_s * 1000)
    facts["rabbitmq_max_age"] = _max_age(retention_s)
    return facts


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
