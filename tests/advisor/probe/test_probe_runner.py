"""The runner's guarantees with a fake broker module: budget, cancellation, errors, concurrency."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Generator

import pytest

from advisor.probe import runner
from advisor.probe.models import CheckStatus, FailureClass, ProbeCheck, ProbeEvent, Stage
from advisor.probe.plan import Group, Plan
from advisor.probe.resources import TempResource
from advisor.probe.targets import parse_target
from advisor.workload import Broker

RunChecks = Callable[[runner.ProbeContext], Generator[ProbeCheck, None, None]]


def _fake_plan(run_checks: RunChecks) -> Plan[None]:
    """A plan of one group: the fake's checks, in whatever order and number it yields them."""

    def steps(ctx: runner.ProbeContext, state: None) -> Generator[ProbeCheck, None, bool]:
        yield from run_checks(ctx)
        return True

    return Plan(
        broker=Broker.REDIS,
        state=lambda ctx: None,
        checks=(Group("fake", steps),),
        cleanup=lambda ctx, state: None,
    )


@pytest.fixture
def fake(monkeypatch: pytest.MonkeyPatch) -> Callable[[RunChecks], None]:
    def install(run_checks: RunChecks) -> None:
        plan = _fake_plan(run_checks)
        monkeypatch.setattr(runner, "_load_plan", lambda broker: (plan, ""))

    return install


TARGET = parse_target("redis://:secret-pw@fake.example:6379")
_KEY = TempResource(Broker.REDIS, "key", "broker-advisor:probe:x")
_TOPIC = TempResource(Broker.KAFKA, "topic", "broker-advisor.probe.x")


def _quick(ctx: runner.ProbeContext, n: int) -> ProbeCheck:
    with ctx.check(f"fake.{n}", f"check {n}", Stage.BEHAVE) as check:
        time.sleep(0.02)
    return check.result


def test_events_and_result(fake: Callable[[RunChecks], None]) -> None:
    def run_checks(ctx: runner.ProbeContext) -> Generator[ProbeCheck, None, None]:
        for n in range(3):
            yield _quick(ctx, n)

    fake(run_checks)
    events: list[ProbeEvent] = []
    result = runner.probe(TARGET, on_event=events.append)
    assert [e.kind for e in events] == ["started", "check", "check", "check", "finished"]
    assert [c.id for c in result.checks] == ["fake.0", "fake.1", "fake.2"]
    assert result.status is CheckStatus.PASS
    assert "secret-pw" not in result.model_dump_json()


def test_exception_in_a_check_becomes_a_failed_check(fake: Callable[[RunChecks], None]) -> None:
    def run_checks(ctx: runner.ProbeContext) -> Generator[ProbeCheck, None, None]:
        with ctx.check("fake.boom", "boom", Stage.CONNECT) as check:
            raise ConnectionRefusedError(111, "refused")
        yield check.result
        raise RuntimeError("bug outside a check")

    fake(run_checks)
    result = runner.probe(TARGET)
    assert result.checks[0].failure_class is FailureClass.REFUSED
    assert result.checks[1].id == "probe.error"
    assert result.checks[1].failure_class is FailureClass.OTHER
    assert "bug outside a check" in result.checks[1].details


def test_an_overrunning_call_gets_its_cleanup_before_the_result(
    fake: Callable[[RunChecks], None],
) -> None:
    """The checks stop at the budget; the result waits (bounded) for the cleanup to run."""
    cleaned = threading.Event()
    seen_at: list[float] = []

    def run_checks(ctx: runner.ProbeContext) -> Generator[ProbeCheck, None, None]:
        ctx.resources.add(_KEY)
        try:
            yield _quick(ctx, 0)
            with ctx.check("fake.hang", "hangs", Stage.BEHAVE) as check:
                time.sleep(1.5)  # a client call that overruns its timeout
            yield check.result
        finally:
            time.sleep(0.2)  # deleting what the probe created
            ctx.resources.discard(_KEY)
            cleaned.set()

    def on_event(event: ProbeEvent) -> None:
        seen_at.append(time.monotonic())

    fake(run_checks)
    started = time.monotonic()
    result = runner.probe(
        TARGET, budget_s=1.0, stage_timeout_s=0.5, cleanup_timeout_s=1.0, on_event=on_event
    )
    elapsed = time.monotonic() - started
    assert cleaned.is_set(), "the result came before the cleanup ran"
    assert elapsed < 1.0 + runner.CLEANUP_ALLOWANCE_S + 0.2
    assert result.checks[-1].failure_class is FailureClass.BUDGET_EXCEEDED
    assert not any(c.id.endswith(".cleanup") for c in result.checks)


def test_a_worker_holding_nothing_is_abandoned_at_the_budget(
    fake: Callable[[RunChecks], None],
) -> None:
    def run_checks(ctx: runner.ProbeContext) -> Generator[ProbeCheck, None, None]:
        with ctx.check("fake.hang", "hangs", Stage.BEHAVE) as check:
            time.sleep(2)  # a client call that ignores its timeout; nothing to clean up
        yield check.result

    fake(run_checks)
    started = time.monotonic()
    result = runner.probe(TARGET, budget_s=1.0, stage_timeout_s=0.5)
    assert time.monotonic() - started < 1.0 * 1.1 + 0.05
    assert result.checks[-1].failure_class is FailureClass.BUDGET_EXCEEDED
    assert "fake.hang" in result.checks[-1].details


def test_a_worker_stuck_past_the_wait_is_reported_with_what_may_remain(
    fake: Callable[[RunChecks], None],
) -> None:
    released = threading.Event()

    def run_checks(ctx: runner.ProbeContext) -> Generator[ProbeCheck, None, None]:
        ctx.resources.add(_TOPIC)
        try:
            with ctx.check("fake.hang", "hangs", Stage.BEHAVE) as check:
                released.wait(10)  # ignores every timeout
            yield check.result
        finally:
            ctx.resources.discard(_TOPIC)

    fake(run_checks)
    started = time.monotonic()
    result = runner.probe(TARGET, budget_s=0.5, stage_timeout_s=0.2, cleanup_timeout_s=0.2)
    elapsed = time.monotonic() - started
    released.set()
    assert elapsed < 0.5 + runner.CLEANUP_ALLOWANCE_S + 0.2
    stopped = result.check("probe.budget_exceeded")
    assert stopped is not None and "fake.hang" in stopped.details
    cleanup = result.checks[-1]
    assert cleanup.id == "redis.cleanup" and cleanup.status is CheckStatus.WARN
    assert "still running" in cleanup.details
    assert "topic broker-advisor.probe.x" in cleanup.details
    assert runner.wait_for_workers(5) == 0


@pytest.mark.parametrize("value", [float("nan"), float("inf"), 0.0, -1.0])
def test_time_limits_must_be_positive_and_finite(value: float) -> None:
    with pytest.raises(ValueError, match="positive number of seconds"):
        runner.probe(TARGET, budget_s=value)
    with pytest.raises(ValueError, match="positive number of seconds"):
        runner.probe(TARGET, stage_timeout_s=value)
    with pytest.raises(ValueError, match="positive number of seconds"):
        runner.probe_many([TARGET], budget_s=value)


def test_probe_many_keeps_the_other_results_when_one_probe_crashes(
    fake: Callable[[RunChecks], None], monkeypatch: pytest.MonkeyPatch
) -> None:
    def run_checks(ctx: runner.ProbeContext) -> Generator[ProbeCheck, None, None]:
        yield _quick(ctx, 0)

    fake(run_checks)
    load = runner._load_plan
    broken = parse_target("kafka://broken.example:9092")

    def load_or_crash(broker: Broker) -> tuple[object, str]:
        if broker is Broker.KAFKA:
            raise RuntimeError("simulated runner bug")
        return load(broker)

    monkeypatch.setattr(runner, "_load_plan", load_or_crash)
    results = runner.probe_many([TARGET, broken])
    assert results[0].status is CheckStatus.PASS
    assert results[1].failed and results[1].checks[0].id == "probe.error"
    assert "simulated runner bug" in results[1].checks[0].details


def test_a_refusal_after_the_handshake_is_a_lost_connection(
    fake: Callable[[RunChecks], None],
) -> None:
    def run_checks(ctx: runner.ProbeContext) -> Generator[ProbeCheck, None, None]:
        with ctx.check("fake.behave", "reconnects", Stage.BEHAVE) as lost:
            raise ConnectionRefusedError(111, "refused")
        yield lost.result
        with ctx.check("fake.api", "another address", Stage.INSPECT, where="h2:15672") as other:
            raise ConnectionRefusedError(111, "refused")
        yield other.result

    fake(run_checks)
    result = runner.probe(TARGET)
    assert result.checks[0].failure_class is FailureClass.CONNECTION_LOST
    assert "refused" in result.checks[0].details
    assert result.checks[1].failure_class is FailureClass.REFUSED  # never dialled before


def test_failures_name_the_address_the_check_dialled(fake: Callable[[RunChecks], None]) -> None:
    def run_checks(ctx: runner.ProbeContext) -> Generator[ProbeCheck, None, None]:
        with ctx.check("fake.other", "second host", Stage.CONNECT, where="10.0.0.2:7000") as one:
            raise ConnectionRefusedError(111, "refused")
        yield one.result
        ctx.address = "10.0.0.3:7001"
        with ctx.check("fake.phase", "phase host", Stage.CONNECT) as two:
            raise ConnectionRefusedError(111, "refused")
        yield two.result

    fake(run_checks)
    result = runner.probe(TARGET)
    assert "10.0.0.2:7000 refused" in result.checks[0].details
    assert "10.0.0.3:7001 refused" in result.checks[1].details
    assert "fake.example" not in result.checks[0].details + result.checks[1].details


def test_budget_is_checked_between_checks(fake: Callable[[RunChecks], None]) -> None:
    def run_checks(ctx: runner.ProbeContext) -> Generator[ProbeCheck, None, None]:
        for n in range(100):
            yield _quick(ctx, n)

    fake(run_checks)
    result = runner.probe(TARGET, budget_s=0.3)
    assert result.checks[-1].failure_class is FailureClass.BUDGET_EXCEEDED
    assert result.duration_ms < 0.3 * 1.1 * 1000


def test_cancellation_runs_cleanup(fake: Callable[[RunChecks], None]) -> None:
    cleaned = threading.Event()

    def run_checks(ctx: runner.ProbeContext) -> Generator[ProbeCheck, None, None]:
        try:
            for n in range(50):
                yield _quick(ctx, n)
        finally:
            cleaned.set()

    fake(run_checks)
    cancel = threading.Event()

    def on_event(event: ProbeEvent) -> None:
        if event.checks_done == 2:
            cancel.set()

    result = runner.probe(TARGET, cancel=cancel, on_event=on_event)
    assert cleaned.is_set()
    assert result.checks[-1].failure_class is FailureClass.CANCELLED
    assert len(result.checks) < 10


def test_cancellation_inside_a_long_check(fake: Callable[[RunChecks], None]) -> None:
    def run_checks(ctx: runner.ProbeContext) -> Generator[ProbeCheck, None, None]:
        with ctx.check("fake.loop", "loop", Stage.BEHAVE) as check:
            while True:
                ctx.checkpoint()
                time.sleep(0.01)
        yield check.result

    fake(run_checks)
    cancel = threading.Event()
    threading.Timer(0.2, cancel.set).start()
    started = time.monotonic()
    result = runner.probe(TARGET, cancel=cancel)
    assert time.monotonic() - started < 1.0
    assert [c.failure_class for c in result.checks] == [FailureClass.CANCELLED]


def test_probe_many_runs_concurrently(fake: Callable[[RunChecks], None]) -> None:
    def run_checks(ctx: runner.ProbeContext) -> Generator[ProbeCheck, None, None]:
        with ctx.check("fake.slow", "slow", Stage.BEHAVE) as check:
            time.sleep(0.5)
        yield check.result

    fake(run_checks)
    started = time.monotonic()
    results = runner.probe_many([TARGET, TARGET, TARGET])
    assert time.monotonic() - started < 0.5 * 1.2
    assert len(results) == 3 and all(r.status is CheckStatus.PASS for r in results)


def test_missing_broker_module_is_a_failed_check() -> None:
    result = runner.probe(parse_target("kafka://127.0.0.1:1"), budget_s=2)
    if result.checks[0].id == "probe.module":  # a broker without a plan
        assert result.checks[0].failure_class is FailureClass.OTHER


def test_latency_figures() -> None:
    figures = runner.latency_figures([float(i) for i in range(1, 101)])
    assert figures["p50_ms"] == 50.5
    assert figures["p95_ms"] == 95.0
    assert figures["p99_ms"] == 99.0
    assert figures["samples"] == 100
