"""Verdicts and what held a phase back: the load generator is named, not the broker blamed."""

from __future__ import annotations

from datetime import UTC, datetime

from advisor.loadtest import plan, runner, verdicts
from advisor.loadtest.models import (
    Environment,
    LatencyMs,
    Limiter,
    LoadTestResult,
    OrderingResult,
    PhaseKind,
    PhaseResult,
    Saturation,
)
from advisor.probe.models import CheckStatus
from advisor.workload import Broker, Workload


def phase(**changes: object) -> PhaseResult:
    base = PhaseResult(
        name="peak",
        kind=PhaseKind.PEAK,
        target_rate_msg_per_s=10_000,
        duration_s=10,
        scheduled=100_000,
        sent=100_000,
        received=100_000,
        deliveries=100_000,
        send_rate_msg_per_s=10_000,
        throughput_msg_per_s=10_000,
        latency_ms=LatencyMs(p50=1, p90=2, p99=5, p999=8, max=9),
        send_lag_ms=LatencyMs(p50=0.1, p90=0.2, p99=0.5, p999=1, max=2),
        backlog_max_messages=3,
        producer_cpu=0.3,
        consumer_cpu=0.3,
        machine_cpu=0.5,
        sustained=True,
    )
    return base.model_copy(update=changes)


def result(wl: Workload, *phases: PhaseResult, **changes: object) -> LoadTestResult:
    made = plan.make_plan(wl, Broker.REDIS, duration_s=10)
    base = LoadTestResult(
        target="redis://127.0.0.1:6379/0",
        broker=Broker.REDIS,
        run_id="0" * 12,
        started_at=datetime.now(UTC),
        duration_s=30,
        plan=made,
        environment=Environment(machine="Linux", cores=2, loopback=True, client="x", python="3"),
        headline_phase="peak",
        sent=100_000,
        acknowledged=100_000,
        received=100_000,
        ordering=OrderingResult(checked=wl.ordering.value != "none"),
        phases=list(phases),
        saturation=Saturation(measured=False),
    )
    base = base.model_copy(update=changes)
    base.cleanup.leftovers_checked = True
    return base


def by_id(found: LoadTestResult, wl: Workload) -> dict[str, object]:
    return {v.requirement: v for v in verdicts.judge(found, wl)}


def test_a_busy_producer_with_an_empty_queue_blames_the_generator() -> None:
    slow = phase(
        sustained=False, send_rate_msg_per_s=6_000, producer_cpu=0.99, backlog_max_messages=4
    )
    limiter, figure = runner.classify_limit(slow, keeps_sending=False, cores=2)
    assert limiter is Limiter.LOAD_GENERATOR
    assert "99%" in figure and "6,000 of 10,000" in figure and "4 messages" in figure


def test_a_growing_backlog_with_idle_consumers_blames_the_broker() -> None:
    slow = phase(
        sustained=False,
        throughput_msg_per_s=7_000,
        backlog_max_messages=30_000,
        consumer_cpu=0.2,
        machine_cpu=0.6,
    )
    limiter, figure = runner.classify_limit(slow, keeps_sending=True, cores=2)
    assert limiter is Limiter.BROKER and "30,000" in figure
    busy = slow.model_copy(update={"consumer_cpu": 0.97})
    assert runner.classify_limit(busy, keeps_sending=True, cores=2)[0] is Limiter.LOAD_GENERATOR
    full = slow.model_copy(update={"machine_cpu": 0.99})
    assert runner.classify_limit(full, keeps_sending=True, cores=2)[0] is Limiter.MACHINE


def test_verdicts_pass_on_a_healthy_run() -> None:
    wl = Workload(peak_rate_msg_per_s=10_000, avg_rate_msg_per_s=1_000, p99_latency_ms=20)
    found = by_id(result(wl, phase()), wl)
    assert {k: v.status for k, v in found.items()} == {  # type: ignore[attr-defined]
        "peak_rate": CheckStatus.PASS,
        "p99_latency": CheckStatus.PASS,
        "no_loss": CheckStatus.PASS,
        "load_generator": CheckStatus.PASS,
        "cleanup": CheckStatus.PASS,
    }


def test_generator_bound_peak_warns_and_names_the_figure() -> None:
    wl = Workload(peak_rate_msg_per_s=10_000, avg_rate_msg_per_s=1_000)
    figure = "the producers sent 6,000 of 10,000 msg/s with a producer process at 99%"
    bound = phase(sustained=False, limited_by=Limiter.LOAD_GENERATOR, limit_figure=figure)
    found = by_id(result(wl, bound), wl)
    assert found["peak_rate"].status is CheckStatus.WARN  # type: ignore[attr-defined]
    assert figure in found["peak_rate"].message  # type: ignore[attr-defined]
    assert found["load_generator"].status is CheckStatus.WARN  # type: ignore[attr-defined]
    broker = phase(sustained=False, limited_by=Limiter.BROKER, limit_figure="backlog grew")
    assert by_id(result(wl, broker), wl)["peak_rate"].status is CheckStatus.FAIL  # type: ignore[attr-defined]


def test_loss_latency_and_ordering_fail() -> None:
    wl = Workload(
        peak_rate_msg_per_s=10_000, avg_rate_msg_per_s=1_000, p99_latency_ms=2, ordering="per_key"
    )
    found = by_id(
        result(
            wl,
            phase(),
            lost=12,
            ordering=OrderingResult(checked=True, inversions=3, split_keys=2),
        ),
        wl,
    )
    assert found["no_loss"].status is CheckStatus.FAIL  # type: ignore[attr-defined]
    assert "12" in found["no_loss"].message  # type: ignore[attr-defined]
    assert found["p99_latency"].status is CheckStatus.FAIL  # type: ignore[attr-defined]
    assert found["ordering"].status is CheckStatus.FAIL  # type: ignore[attr-defined]
    lossy = Workload(crash_may_lose_messages=True)
    assert "no_loss" not in by_id(result(lossy, phase()), lossy)


def test_leftovers_warn_and_a_run_that_never_started_fails() -> None:
    wl = Workload()
    left = result(wl, phase())
    left.cleanup.leftovers = ["key broker-advisor.loadtest.x"]
    assert by_id(left, wl)["cleanup"].status is CheckStatus.WARN  # type: ignore[attr-defined]
    broken = result(wl, errors=["ConnectionError: refused"])
    only = verdicts.judge(broken, wl)
    assert [(v.requirement, v.status) for v in only] == [("load_test", CheckStatus.FAIL)]
