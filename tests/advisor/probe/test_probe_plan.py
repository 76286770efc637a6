"""Check plans and the temporary-resource registry, with tiny fake plans (no broker needed)."""

from __future__ import annotations

import threading
from collections.abc import Generator, Sequence
from dataclasses import dataclass, field

import pytest

from advisor.probe import plan, resources
from advisor.probe.models import CheckStatus, FailureClass, ProbeCheck, Stage
from advisor.probe.plan import NOT_APPLICABLE, Check, Group, Plan, PlanError
from advisor.probe.resources import TempResource
from advisor.probe.runner import CheckRecorder, ProbeContext
from advisor.probe.targets import parse_target
from advisor.workload import Broker


@dataclass
class FakeState:
    ran: list[str] = field(default_factory=list)
    cleaned: bool = False


def _ctx() -> ProbeContext:
    return ProbeContext(
        target=parse_target("redis://127.0.0.1:6379"),
        run_id="0123456789ab",
        budget_s=5,
        stage_timeout_s=1,
        cleanup_timeout_s=1,
        cancel=threading.Event(),
    )


def _passes(ctx: ProbeContext, state: FakeState, check: CheckRecorder) -> None:
    state.ran.append(check.id)


def _fails(ctx: ProbeContext, state: FakeState, check: CheckRecorder) -> None:
    state.ran.append(check.id)
    raise ConnectionRefusedError("nothing listens")


def _cleanup(ctx: ProbeContext, state: FakeState) -> None:
    state.cleaned = True


def _plan(*checks: Check[FakeState] | Group[FakeState]) -> Plan[FakeState]:
    return Plan(broker=Broker.REDIS, state=lambda ctx: FakeState(), checks=checks, cleanup=_cleanup)


def _run(fake: Plan[FakeState]) -> list[ProbeCheck]:
    return list(fake.run(_ctx()))


def test_duplicate_ids_are_refused() -> None:
    with pytest.raises(PlanError, match="used twice") as raised:
        _plan(
            Check("x.a", "A", Stage.INSPECT, _passes),
            Check("x.a", "A again", Stage.INSPECT, _passes),
        )
    assert raised.value.check_id == "x.a"


def test_a_need_must_name_an_earlier_check() -> None:
    with pytest.raises(PlanError, match=r"'x\.later'"):
        _plan(
            Check("x.a", "A", Stage.INSPECT, _passes, needs=("x.later",)),
            Check("x.later", "Later", Stage.INSPECT, _passes),
        )
    with pytest.raises(PlanError, match=r"'x\.unknown'"):
        _plan(Check("x.a", "A", Stage.INSPECT, _passes, needs=("x.unknown",)))


def test_a_failed_dependency_skips_its_dependents_with_the_reason() -> None:
    fake = _plan(
        Check("x.connect", "Connect", Stage.CONNECT, _fails, unmet="the server is unreachable"),
        Check("x.login", "Log in", Stage.AUTHENTICATE, _passes, needs=("x.connect",)),
        Check("x.read", "Read", Stage.BEHAVE, _passes, needs=("x.login",)),
        Check("x.free", "Independent", Stage.INSPECT, _passes),
    )
    checks = _run(fake)
    by_id = {c.id: c for c in checks}
    assert [c.id for c in checks] == ["x.connect", "x.login", "x.read", "x.free"]
    assert by_id["x.connect"].status is CheckStatus.FAIL
    assert by_id["x.connect"].failure_class is FailureClass.REFUSED
    for skipped in ("x.login", "x.read"):  # the cause is passed on, naming the failed check
        assert by_id[skipped].status is CheckStatus.SKIPPED
        assert by_id[skipped].skipped_reason == "the server is unreachable (x.connect failed)"
        assert by_id[skipped].title in ("Log in", "Read")
    assert by_id["x.free"].status is CheckStatus.PASS


def test_when_skips_with_a_reason_or_leaves_the_check_out() -> None:
    state = FakeState()
    fake = Plan(
        broker=Broker.REDIS,
        state=lambda ctx: state,
        checks=(
            Check("x.tls", "TLS", Stage.TLS, _passes, when=lambda c, s: NOT_APPLICABLE),
            Check("x.mgmt", "Mgmt", Stage.INSPECT, _passes, when=lambda c, s: "no management URL"),
            Check("x.after_tls", "After TLS", Stage.BEHAVE, _passes, needs=("x.tls",)),
            Check("x.after_mgmt", "After mgmt", Stage.BEHAVE, _passes, needs=("x.mgmt",)),
        ),
        cleanup=_cleanup,
    )
    checks = list(fake.run(_ctx()))
    assert [(c.id, c.status, c.skipped_reason) for c in checks] == [
        ("x.mgmt", CheckStatus.SKIPPED, "no management URL"),
        ("x.after_tls", CheckStatus.PASS, ""),
        ("x.after_mgmt", CheckStatus.SKIPPED, "no management URL"),
    ]
    assert state.ran == ["x.after_tls"] and state.cleaned


def test_a_group_yields_its_checks_and_its_failure_names_the_last_one() -> None:
    def steps(ctx: ProbeContext, state: FakeState) -> Generator[ProbeCheck, None, bool]:
        with ctx.check("x.resolve", "Resolve", Stage.RESOLVE) as check:
            check.fail(FailureClass.DNS, "no such host")
        yield check.result
        return False

    fake = _plan(
        Group("x.preflight", steps, unmet="unreachable"),
        Check("x.login", "Log in", Stage.AUTHENTICATE, _passes, needs=("x.preflight",)),
    )
    checks = _run(fake)
    assert [c.id for c in checks] == ["x.resolve", "x.login"]
    assert checks[1].skipped_reason == "unreachable (x.resolve failed)"


def test_the_cleanup_runs_when_the_runner_closes_the_plan() -> None:
    state = FakeState()
    fake = Plan(
        broker=Broker.REDIS,
        state=lambda ctx: state,
        checks=(
            Check("x.a", "A", Stage.INSPECT, _passes),
            Check("x.b", "B", Stage.INSPECT, _passes),
        ),
        cleanup=_cleanup,
    )
    gen = fake.run(_ctx())
    next(gen)
    gen.close()  # what the runner does on cancel or when the budget is spent
    assert state.ran == ["x.a"] and state.cleaned


def test_the_brokers_plans_name_every_check_once() -> None:
    from advisor.probe.redis import checks as redis_checks

    ids = plan.check_ids(redis_checks.PLAN)
    assert len(ids) == len(set(ids))
    assert "redis.auth" in ids and redis_checks.PLAN.broker is Broker.REDIS


# --- the registry of temporary resources ------------------------------------------------------


def test_a_resource_whose_creation_raised_is_still_deleted() -> None:
    """Registered before the create call returns, so a create that fails half-way is cleaned."""
    deleted: list[TempResource] = []
    queue = TempResource(Broker.RABBITMQ, "queue", "broker-advisor.probe.x.q")

    def create_queue(ctx: ProbeContext, state: FakeState, check: CheckRecorder) -> None:
        ctx.resources.add(queue)
        raise TimeoutError("the broker stopped answering mid-declare")

    def delete(ctx: ProbeContext, pending: Sequence[TempResource]) -> None:
        for resource in pending:
            deleted.append(resource)
            ctx.resources.discard(resource)

    ctx = _ctx()
    fake = Plan(
        broker=Broker.RABBITMQ,
        state=lambda c: FakeState(),
        checks=(Check("x.declare", "Declare", Stage.BEHAVE, create_queue),),
        cleanup=lambda c, s: resources.delete_all(c, lambda p: delete(c, p)),
    )
    checks = list(fake.run(ctx))
    assert checks[0].status is CheckStatus.FAIL
    assert deleted == [queue]
    assert not ctx.resources and ctx.cleanup_problems == []


def test_a_delete_that_raises_leaves_the_resource_named() -> None:
    ctx = _ctx()
    topic = TempResource(Broker.KAFKA, "topic", "broker-advisor.probe.x")
    ctx.resources.add(topic)
    ctx.resources.add(topic)  # once only

    def delete(pending: Sequence[TempResource]) -> None:
        raise OSError("broker gone")

    resources.delete_all(ctx, delete)
    assert ctx.resources.names() == ["topic broker-advisor.probe.x"]
    assert "topic broker-advisor.probe.x" in ctx.cleanup_problems[0]
