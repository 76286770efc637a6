"""Workloads for the engine tests: the presets, and targeted cases that make every rule fire."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from advisor import workload
from advisor.workload import Workload

PRESET_DIR = Path(__file__).parents[2] / "assets" / "presets"


def preset(name: str) -> Workload:
    return workload.load_workload(PRESET_DIR / f"{name}.yaml")


def presets() -> dict[str, Workload]:
    return {p.stem: workload.load_workload(p) for p in sorted(PRESET_DIR.glob("*.yaml"))}


# Each case names the rule it is there for; together with the presets they fire every rule.
TARGETED: dict[str, dict[str, Any]] = {
    "fan-out-durable": {"consumption": "fan_out", "crash_may_lose_messages": False},
    "global-ordering": {"ordering": "global"},
    "global-ordering-at-scale": {
        "ordering": "global",
        "avg_rate_msg_per_s": 10_000,
        "peak_rate_msg_per_s": 50_000,
    },
    "huge-messages-kafka": {"max_message_size_bytes": 50 * 1024 * 1024},
    "large-messages-kafka": {"max_message_size_bytes": 2 * 1024 * 1024},
    "large-messages-rabbitmq": {"max_message_size_bytes": 20 * 1024 * 1024},
    "oversize-messages": {"max_message_size_bytes": 600 * 1024 * 1024},
    "large-average-messages": {
        "avg_message_size_bytes": 2 * 1024 * 1024,
        "max_message_size_bytes": 4 * 1024 * 1024,
    },
    "moderate-rate": {"avg_rate_msg_per_s": 5_000, "peak_rate_msg_per_s": 20_000},
    "multi-region": {"multi_region": True},
    "retention-without-replay": {"retention_hours": 24},
    "sub-millisecond-latency": {"p99_latency_ms": 0.5},
    "survive-two-nodes": {"tolerated_node_failures": 2},
    "team-knows-kafka": {"team_familiar_with": ["kafka"]},
    "very-high-bandwidth": {
        "avg_rate_msg_per_s": 50_000,
        "peak_rate_msg_per_s": 100_000,
        "avg_message_size_bytes": 4096,
        "max_message_size_bytes": 8192,
    },
    "very-high-rate": {"avg_rate_msg_per_s": 200_000, "peak_rate_msg_per_s": 800_000},
    "very-many-consumers": {"consumer_groups": 12},
    "absorb-backlog": {"backpressure": "absorb"},
    "bounded-backlog": {"backpressure": "bounded"},
    "already-running-kafka": {"already_running": ["kafka"]},
    "already-running-rabbitmq": {"already_running": ["rabbitmq"]},
    "already-running-redis": {"already_running": ["redis"]},
    "standard-kafka": {"organisation_standard": "kafka"},
    "standard-rabbitmq": {"organisation_standard": "rabbitmq"},
    "standard-redis": {"organisation_standard": "redis"},
    "bandwidth-beyond-one-cluster": {
        "avg_rate_msg_per_s": 1_000_000,
        "peak_rate_msg_per_s": 2_000_000,
        "avg_message_size_bytes": 4096,
    },
    "browser-delivery": {"browser_delivery": True},
    "customer-installed": {"customer_installed": True},
    "mqtt-devices": {"mqtt_devices": True},
    "network-partitions": {"network_partitions": True},
    "inspect-pending": {"inspect_pending": True},
    "dramatiq": {"task_framework": "dramatiq"},
    "spring": {"task_framework": "spring", "languages": ["java"]},
    "jvm-stack": {"languages": ["java"]},
    "redis-only-framework": {"task_framework": "sidekiq", "languages": ["ruby"]},
    "ruby-without-framework": {"languages": ["ruby"]},
    "node-without-framework": {"languages": ["javascript"]},
    "polyglot-protocol": {"languages": ["go", "java", "python"]},
    "polyglot-redis-jobs": {
        "languages": ["go", "java", "python"],
        "consumption": "competing_workers",
    },
    "history-capped-by-count": {
        "replay": True,
        "retention_max_messages": 1000,
        "channels": 200,
    },
    "replay-small-history": {"replay": True, "retention_hours": 1},
    "leaving-kafka": {"leaving": "kafka", "leaving_because": ["operational_burden"]},
    "leaving-rabbitmq": {"leaving": "rabbitmq"},
    "leaving-redis": {"leaving": "redis"},
    "left-for-outages": {"leaving": "rabbitmq", "leaving_because": ["outages_under_load"]},
    "left-for-outages-redis": {
        "leaving": "rabbitmq",
        "leaving_because": ["outages_under_load"],
    },
    "left-for-connection-churn": {
        "leaving": "rabbitmq",
        "leaving_because": ["connection_churn"],
    },
    "left-for-scaling-ceiling": {"leaving": "redis", "leaving_because": ["scaling_ceiling"]},
    "left-for-scaling-ceiling-redis": {
        "leaving": "rabbitmq",
        "leaving_because": ["scaling_ceiling"],
    },
    "left-for-scaling-ceiling-rabbitmq": {
        "leaving": "redis",
        "leaving_because": ["scaling_ceiling"],
    },
    "left-for-observability": {
        "leaving": "rabbitmq",
        "leaving_because": ["poor_observability"],
    },
    "left-for-operational-burden": {
        "leaving": "kafka",
        "leaving_because": ["operational_burden"],
    },
    "left-for-message-loss": {"leaving": "rabbitmq", "leaving_because": ["message_loss"]},
    "left-for-memory-pressure": {"leaving": "redis", "leaving_because": ["memory_pressure"]},
    "left-for-memory-pressure-redis": {
        "leaving": "rabbitmq",
        "leaving_because": ["memory_pressure"],
    },
    "left-for-partitions": {
        "leaving": "rabbitmq",
        "leaving_because": ["network_partitions"],
    },
    "long-task-kafka": {"max_task_duration_s": 600},
    "long-task-rabbitmq": {"max_task_duration_s": 1500},
    "long-task-redis-celery": {"uses_celery": True, "max_task_duration_s": 2400},
    "short-lived-connections": {"short_lived_connections": True},
    "many-connections": {"connections": 6000},
    "very-many-connections-redis": {"connections": 20000},
    "many-workers-kafka": {"workers": 300, "consumption": "competing_workers"},
    "no-loss-single-kafka": {"crash_may_lose_messages": False, "tolerated_node_failures": 0},
    # Version-sensitive rules (rules/versions.yaml): stated versions, old and current.
    "rabbitmq-priorities-before-4": {"needs_priorities": True, "versions": {"rabbitmq": "3.13"}},
    "rabbitmq-priorities-two-levels": {"needs_priorities": True, "versions": {"rabbitmq": "4.1"}},
    "rabbitmq-priorities-strict": {"needs_priorities": True, "versions": {"rabbitmq": "4.3"}},
    "rabbitmq-delayed-retry": {"needs_dead_lettering": True},
    "rabbitmq-retry-queues": {"needs_dead_lettering": True, "versions": {"rabbitmq": "4.2"}},
    "rabbitmq-delivery-limit-3x": {"needs_dead_lettering": True, "versions": {"rabbitmq": "3.12"}},
    "rabbitmq-nack-not-counted": {"needs_dead_lettering": True, "versions": {"rabbitmq": "4.3.1"}},
    "rabbitmq-dlx-at-least-once": {"needs_dead_lettering": True, "crash_may_lose_messages": False},
    "rabbitmq-dlx-at-most-once-only": {
        "needs_dead_lettering": True,
        "crash_may_lose_messages": False,
        "versions": {"rabbitmq": "3.9"},
    },
    "rabbitmq-celery-global-qos": {"uses_celery": True},
    "rabbitmq-celery-quorum-older": {"uses_celery": True, "versions": {"rabbitmq": "3.13"}},
    "rabbitmq-streams-need-3-9": {
        "replay": True,
        "retention_hours": 24,
        "versions": {"rabbitmq": "3.8"},
    },
    "rabbitmq-mqtt5": {"mqtt_devices": True, "versions": {"rabbitmq": "3.12"}},
    "rabbitmq-old-release": {"versions": {"rabbitmq": "3.13.7"}},
    "kafka-no-share-groups": {"consumption": "competing_workers", "versions": {"kafka": "3.9"}},
    "kafka-share-group-dead-letter": {
        "consumption": "competing_workers",
        "needs_dead_lettering": True,
    },
    "kafka-share-group-archive-only": {
        "consumption": "competing_workers",
        "needs_dead_lettering": True,
        "versions": {"kafka": "4.3"},
    },
    "kafka-zookeeper-era": {"versions": {"kafka": "3.7.1"}},
    "redis-streams-acked-trim": {"replay": True, "retention_hours": 24},
    "redis-streams-trim-risk": {
        "replay": True,
        "retention_hours": 24,
        "versions": {"redis": "7.2"},
    },
    "redis-streams-idempotent-producers": {"replay": True, "retention_hours": 24},
    "redis-no-streams": {"replay": True, "retention_hours": 24, "versions": {"redis": "4.0.14"}},
    "redis-no-lmove": {"consumption": "competing_workers", "versions": {"redis": "6.0"}},
}


def targeted() -> dict[str, Workload]:
    return {name: workload.parse_workload(data) for name, data in TARGETED.items()}
