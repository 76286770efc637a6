"""The runner's guarantees with a fake broker module: budget, cancellation, errors, concurrency."""

from __future__ import annotations

import threading
import time
import types
from collections.abc import Callable, Generator

import pytest

from advisor.probe import runner
from advisor.probe.models import CheckStatus, FailureClass, ProbeCheck, ProbeEvent, Stage
from advisor.probe.targets import parse_target

RunChecks = Callable[[runner.ProbeContext], Generator[ProbeCheck, None, None]]


@pytest.fixture
def fake(monkeypatch: pytest.MonkeyPatch) -> Callable[[RunChecks], None]:
    def install(run_checks: RunChecks) -> None:
        module = types.ModuleType("fake_probe")
        module.run_checks = run_checks  # type: ignore[attr-defined]
        monkeypatch.setattr(runner, "_load_module", lambda broker: (module, ""))

    return install


TARGET = parse_target("redis://:secret-pw@fake.example:6379")


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
        with ctx.check("fake.boom", "boom", Stage.INSPECT) as check:
            raise ConnectionRefusedError(111, "refused")
        yield check.result
        raise RuntimeError("bug outside a check")

    fake(run_checks)
    result = runner.probe(TARGET)
    assert result.checks[0].failure_class is FailureClass.REFUSED
    assert result.checks[1].id == "probe.error"
    assert result.checks[1].failure_class is FailureClass.OTHER
    assert "bug outside a check" in result.checks[1].details


def test_hanging_call_is_abandoned_at_the_budget(fake: Callable[[RunChecks], None]) -> None:
    cleaned = threading.Event()

    def run_checks(ctx: runner.ProbeContext) -> Generator[ProbeCheck, None, None]:
        try:
            yield _quick(ctx, 0)
            with ctx.check("fake.hang", "hangs", Stage.BEHAVE) as check:
                time.sleep(3)  # a client call that ignores its timeout
            yield check.result
        finally:
            cleaned.set()

    fake(run_checks)
    started = time.monotonic()
    result = runner.probe(TARGET, budget_s=1.0, stage_timeout_s=0.5)
    elapsed = time.monotonic() - started
    assert elapsed < 1.0 * 1.1 + 0.05
    assert result.checks[-1].failure_class is FailureClass.BUDGET_EXCEEDED
    assert "fake.hang" in result.checks[-1].details
    assert cleaned.wait(5), "the abandoned worker still runs its cleanup"


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
    if result.checks[0].id == "probe.module":  # until kafka_probe.py exists
        assert result.checks[0].failure_class is FailureClass.OTHER


def test_latency_figures() -> None:
    figures = runner.latency_figures([float(i) for i in range(1, 101)])
    assert figures["p50_ms"] == 50.5
    assert figures["p95_ms"] == 95.0
    assert figures["p99_ms"] == 99.0
    assert figures["samples"] == 100
