"""The bake-off: the same load against the sandbox's Redis, RabbitMQ and Kafka, one at a time.

It measures one machine on loopback with these versions, and says so: a comparison of the
brokers under identical conditions here, not a capacity figure for production hardware.
"""

from __future__ import annotations

import os
import platform
import threading
from collections.abc import Callable, Generator
from typing import Any

from advisor.i18n import tr
from advisor.loadtest import plan, runner
from advisor.loadtest.models import BakeoffResult, LoadEvent, LoadTestResult
from advisor.probe import targets
from advisor.probe.models import ProbeTarget
from advisor.workload import Broker, Workload


def sandbox_targets() -> tuple[list[ProbeTarget], dict[str, str], dict[str, str]]:
    """(targets of the healthy sandbox brokers, why others are skipped, versions)."""
    from advisor import sandbox

    state = sandbox.status()
    urls = state.targets
    found: list[ProbeTarget] = []
    skipped: dict[str, str] = {}
    versions = {"kafka": state.kafka_version}
    candidates = [
        (sandbox.Broker.REDIS, urls.redis_url, None),
        (sandbox.Broker.RABBITMQ, urls.amqp_url, urls.rabbitmq_management_url),
        (sandbox.Broker.KAFKA, urls.kafka_url, None),
    ]
    for broker, url, management in candidates:
        health = state.broker_health(broker)
        if health is not sandbox.Health.HEALTHY:
            skipped[broker.value] = tr(
                "the sandbox's {broker} is {health}", broker=broker.value, health=health.value
            )
            continue
        found.append(targets.parse_target(url, management_url=management))
    return found, skipped, versions


def label(results: list[LoadTestResult]) -> str:
    versions = ", ".join(
        f"{r.server.get('product', r.broker.title)} {r.server.get('version', '?')}" for r in results
    )
    return tr(
        "one machine ({cores} cores, {machine}), loopback, brokers and load generator sharing "
        "it; {versions}. A comparison under identical conditions here, not a capacity figure "
        "for production hardware.",
        cores=os.cpu_count() or 1,
        machine=f"{platform.system()} {platform.machine()}",
        versions=versions or tr("no broker ran"),
    )


def run_bakeoff(
    workload: Workload,
    *,
    chosen: list[ProbeTarget] | None = None,
    duration_s: float = plan.DEFAULT_DURATION_S,
    rate: plan.RateChoice | None = None,
    producers: int = 1,
    cancel: threading.Event | None = None,
    ramp: bool | None = None,
) -> Generator[tuple[Broker, LoadEvent], None, BakeoffResult]:
    """Run the load against each target in turn (the sandbox's by default); yields
    (broker, event) and returns the side-by-side result."""
    from advisor import engine

    cancel = cancel or threading.Event()
    skipped: dict[str, str] = {}
    versions: dict[str, str] = {}
    if chosen is None:
        chosen, skipped, versions = sandbox_targets()
    recommendation = engine.recommend(workload, what_if=False)
    results: list[LoadTestResult] = []
    for target in chosen:
        if cancel.is_set():
            skipped[target.broker.value] = tr("cancelled before it ran")
            continue
        gen = runner.run_loadtest(
            target,
            workload,
            duration_s=duration_s,
            rate=rate,
            producers=producers,
            cancel=cancel,
            recommendation=recommendation,
            ramp=ramp,
        )
        while True:
            try:
                event = next(gen)
            except StopIteration as stop:
                result: LoadTestResult = stop.value
                known = versions.get(target.broker.value)
                if known:  # the sandbox knows the release; ApiVersions only give a floor
                    result.server["version"] = known
                results.append(result)
                break
            except runner.LoadTestTargetError as error:  # the others still run
                skipped[target.broker.value] = str(error)
                break
            yield target.broker, event
    return BakeoffResult(
        workload_name=workload.name, label=label(results), results=results, skipped=skipped
    )


def bakeoff(
    workload: Workload,
    on_event: Callable[[Broker, LoadEvent], None] | None = None,
    **options: Any,
) -> BakeoffResult:
    gen = run_bakeoff(workload, **options)
    while True:
        try:
            broker, event = next(gen)
        except StopIteration as stop:
            result: BakeoffResult = stop.value
            return result
        if on_event is not None:
            on_event(broker, event)
