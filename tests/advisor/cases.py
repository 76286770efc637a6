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
}


def targeted() -> dict[str, Workload]:
    return {name: workload.parse_workload(data) for name, data in TARGETED.items()}
