"""Benchmark: p50/p99 of recommend() over 1,000 generated workloads, with and without what-if.

Prints figures only; targets on a 2-core machine: p99 <= 2 ms without the what-if, <= 50 ms
with it. The baseline in the same run is validating the same workloads with pydantic, the
cheapest thing the app does on every keystroke anyway.
"""

from __future__ import annotations

import argparse
import random
import statistics
import time
from collections.abc import Callable
from typing import Any

from advisor import engine, guide, rules
from advisor.workload import (
    Broker,
    Consumption,
    DeliveryGuarantee,
    Hosting,
    OpsCapacity,
    Ordering,
    Routing,
    Workload,
)


def generate(count: int, seed: int = 7) -> list[dict[str, Any]]:
    """Deterministic spread of workloads over the realistic space."""
    rng = random.Random(seed)
    items = []
    for _ in range(count):
        avg = 10 ** rng.uniform(-1, 6)
        avg_size = int(10 ** rng.uniform(1.5, 6.5))
        replay = rng.random() < 0.3
        items.append(
            {
                "avg_rate_msg_per_s": avg,
                "peak_rate_msg_per_s": min(avg * rng.uniform(1, 20), 9_000_000),
                "avg_message_size_bytes": avg_size,
                "max_message_size_bytes": int(avg_size * rng.uniform(1, 100)),
                "retention_hours": rng.choice([0, 1, 24, 72, 168, 720, 8760])
                if not replay
                else rng.choice([24, 168, 8760]),
                "replay": replay,
                "ordering": rng.choice(list(Ordering)),
                "delivery": rng.choice(list(DeliveryGuarantee)),
                "p99_latency_ms": 10 ** rng.uniform(-0.5, 4),
                "crash_may_lose_messages": rng.random() < 0.4,
                "consumption": rng.choice(list(Consumption)),
                "consumer_groups": rng.randint(1, 20),
                "routing": rng.choice(list(Routing)),
                "needs_priorities": rng.random() < 0.3,
                "needs_delayed_delivery": rng.random() < 0.3,
                "needs_message_ttl": rng.random() < 0.3,
                "needs_dead_lettering": rng.random() < 0.4,
                "needs_transactions": rng.random() < 0.2,
                "cache_or_sessions": rng.random() < 0.3,
                "stream_processing": rng.random() < 0.2,
                "multi_region": rng.random() < 0.1,
                "tolerated_node_failures": rng.randint(0, 2),
                "team_familiar_with": rng.sample(list(Broker), rng.randint(0, 2)),
                "hosting": rng.choice(list(Hosting)),
                "ops_capacity": rng.choice(list(OpsCapacity)),
                "uses_django": rng.random() < 0.7,
                "uses_celery": rng.random() < 0.4,
            }
        )
    return items


def measure(label: str, items: list[Any], action: Callable[[Any], object]) -> None:
    times = []
    for item in items:
        start = time.perf_counter()
        action(item)
        times.append((time.perf_counter() - start) * 1000)
    times.sort()
    p50 = statistics.median(times)
    p99 = times[min(len(times) - 1, int(len(times) * 0.99))]
    print(
        f"{label:42} n={len(times):5}  p50 {p50:7.3f} ms  p99 {p99:7.3f} ms  "
        f"max {times[-1]:7.3f} ms"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-n", type=int, default=1000, help="number of workloads")
    args = parser.parse_args()
    start = time.perf_counter()
    rules.load_rulebook()
    guide.load_guide()
    print(
        f"load rulebook and guide (once, at start)    {(time.perf_counter() - start) * 1000:.1f} ms"
    )
    data = generate(args.n)
    workloads = [Workload.model_validate(d) for d in data]
    for wl in workloads[:20]:  # warm caches the way a running app has them
        engine.recommend(wl)
    measure("baseline: Workload.model_validate", data, Workload.model_validate)
    measure(
        "recommend(what_if=False)   target p99 2 ms",
        workloads,
        lambda wl: engine.recommend(wl, what_if=False),
    )
    measure("recommend(what_if=True)   target p99 50 ms", workloads, engine.recommend)


if __name__ == "__main__":
    main()
