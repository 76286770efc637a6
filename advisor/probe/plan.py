"""Declarative check plans: each broker's probe is one ordered list of checks with their needs.

    PLAN = Plan(
        broker=Broker.REDIS,
        state=RedisState.start,                 # the typed per-run state the checks share
        checks=(
            Group("redis.preflight", preflight_steps, unmet="the server could not be reached"),
            Check("redis.handshake", "Redis protocol handshake", Stage.HANDSHAKE, handshake,
                  needs=("redis.preflight",), unmet="the server could not be reached"),
            Check("redis.cluster", "Cluster state and slot coverage", Stage.INSPECT, cluster,
                  needs=("redis.auth",), when=only_on_a_cluster),
            ...
        ),
        cleanup=close_and_delete,               # runs last, also after a failure or a cancel
        classify=classify,                      # the client library's exceptions, else None
    )

The runner executes a plan (`Plan.run`): in order, each check is timed by a `CheckRecorder` under
the stage timeout (`ctx.timeout()`), and any exception in it becomes a classified failure. A check
whose needs did not pass is reported "skipped" with the reason, naming the dependency (a skip
passes its reason on, so every check skipped for one cause says the same). `when(ctx, state)`
returns None to run the check, a reason to report it skipped, or `NOT_APPLICABLE` to leave it out
of the result (a TLS handshake on a plain-text target); a check left out counts as passed for the
checks that need it. A `Group` is a step whose checks are only known when it runs (the pre-flight
yields `<prefix>.resolve/connect/tls`, one set per Sentinel tried); it returns whether it passed,
and skipped it reports nothing itself. The plan is validated when it is made: ids unique, and every
need names an earlier entry. A new check is one entry.
"""

from __future__ import annotations

from collections.abc import Callable, Generator, Sequence
from dataclasses import dataclass, field
from typing import Generic, TypeVar

from advisor.i18n import tr
from advisor.probe.classify import Classifier
from advisor.probe.models import CheckStatus, ProbeCheck, Stage
from advisor.probe.runner import CheckRecorder, ProbeContext
from advisor.workload import Broker

S = TypeVar("S")

NOT_APPLICABLE = ""
"""What `when` returns for a check that does not apply at all: it is left out of the result."""

Title = str | Callable[[ProbeContext, S], str]


class PlanError(ValueError):
    """A plan that cannot run: a duplicate id or a need that names no earlier check."""

    def __init__(self, check_id: str, message: str) -> None:
        super().__init__(f"{check_id}: {message}")
        self.check_id = check_id


@dataclass(frozen=True)
class Check(Generic[S]):
    """One check: what it is, what it needs, and the function that runs it.

    `run(ctx, state, check)` records into the CheckRecorder (figures, note, warn, fail, skip);
    `where(ctx, state)` names the address it dials when that is not the target's (a Sentinel, a
    management URL); `unmet` is the reason given to the checks that need this one when it fails
    (or a function of its result, when the reason depends on how it failed). The title and the
    stage may be functions of the run too (`Resolve <host>`; a login stage only with SASL).
    """

    id: str
    title: Title[S]
    stage: Stage | Callable[[ProbeContext, S], Stage]
    run: Callable[[ProbeContext, S, CheckRecorder], None]
    needs: tuple[str, ...] = ()
    when: Callable[[ProbeContext, S], str | None] | None = None
    where: Callable[[ProbeContext, S], str | None] | None = None
    unmet: str | Callable[[ProbeCheck], str] = ""

    def title_for(self, ctx: ProbeContext, state: S) -> str:
        return tr(self.title) if isinstance(self.title, str) else self.title(ctx, state)

    def stage_for(self, ctx: ProbeContext, state: S) -> Stage:
        return self.stage if isinstance(self.stage, Stage) else self.stage(ctx, state)


@dataclass(frozen=True)
class Group(Generic[S]):
    """A step that yields a varying set of checks (the pre-flight) and returns whether it passed."""

    id: str
    steps: Callable[[ProbeContext, S], Generator[ProbeCheck, None, bool]]
    needs: tuple[str, ...] = ()
    when: Callable[[ProbeContext, S], str | None] | None = None
    unmet: str = ""


Entry = Check[S] | Group[S]


@dataclass(frozen=True)
class _Outcome:
    passed: bool
    reason: str = ""  # why the checks that need this one are skipped


@dataclass(frozen=True)
class Plan(Generic[S]):
    """A broker's probe: ordered checks, the per-run state they share, and the cleanup."""

    broker: Broker
    state: Callable[[ProbeContext], S]
    checks: tuple[Entry[S], ...]
    cleanup: Callable[[ProbeContext, S], None]
    classify: Classifier | None = None
    _ids: tuple[str, ...] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        seen: list[str] = []
        for entry in self.checks:
            if entry.id in seen:
                raise PlanError(entry.id, "the id is used twice in the plan")
            for need in entry.needs:
                if need not in seen:
                    raise PlanError(entry.id, f"needs '{need}', which is not an earlier check")
            seen.append(entry.id)
        object.__setattr__(self, "_ids", tuple(seen))

    @property
    def ids(self) -> tuple[str, ...]:
        return self._ids

    def entry(self, check_id: str) -> Entry[S]:
        return next(entry for entry in self.checks if entry.id == check_id)

    def run(self, ctx: ProbeContext) -> Generator[ProbeCheck, None, None]:
        """Run the checks in order (the runner drives this), then the cleanup, always."""
        state = self.state(ctx)
        outcomes: dict[str, _Outcome] = {}
        try:
            for entry in self.checks:
                outcome = yield from _run_entry(ctx, state, entry, outcomes)
                outcomes[entry.id] = outcome
        finally:
            self.cleanup(ctx, state)


def _unmet(entry: Entry[S], outcomes: dict[str, _Outcome]) -> str | None:
    """The reason to skip `entry` for a need that did not pass, or None when all passed."""
    for need in entry.needs:
        outcome = outcomes[need]
        if not outcome.passed:
            return outcome.reason
    return None


def _failed_reason(entry: Entry[S], failed: ProbeCheck) -> str:
    if failed.status is CheckStatus.SKIPPED:
        what = tr("{check} was skipped", check=failed.id)
    else:
        what = tr("{check} failed", check=failed.id)
    unmet = tr(entry.unmet) if isinstance(entry.unmet, str) else entry.unmet(failed)
    return f"{unmet} ({what})" if unmet else what


def _run_entry(
    ctx: ProbeContext, state: S, entry: Entry[S], outcomes: dict[str, _Outcome]
) -> Generator[ProbeCheck, None, _Outcome]:
    reason = _unmet(entry, outcomes)
    if reason is None and entry.when is not None:
        reason = entry.when(ctx, state)
        if reason == NOT_APPLICABLE:
            return _Outcome(passed=True)
    if isinstance(entry, Group):
        if reason is not None:
            return _Outcome(passed=False, reason=reason)
        last: ProbeCheck | None = None
        gen = entry.steps(ctx, state)
        try:
            while True:
                try:
                    last = next(gen)
                except StopIteration as stop:
                    passed = bool(stop.value)
                    break
                yield last
        finally:
            gen.close()  # on cancel, its own `finally` (open sockets) runs now
        if passed:
            return _Outcome(passed=True)
        if last is None:  # nothing ran: name the group itself
            last = ProbeCheck(
                id=entry.id, title=entry.id, stage=Stage.RESOLVE, status=CheckStatus.FAIL
            )
        return _Outcome(passed=False, reason=_failed_reason(entry, last))
    title, stage = entry.title_for(ctx, state), entry.stage_for(ctx, state)
    if reason is not None:
        yield ctx.skipped(entry.id, title, stage, reason)
        return _Outcome(passed=False, reason=reason)
    where = entry.where(ctx, state) if entry.where is not None else None
    with ctx.check(entry.id, title, stage, where=where) as check:
        entry.run(ctx, state, check)
    result = check.result
    yield result
    if check.ok:
        return _Outcome(passed=True)
    return _Outcome(passed=False, reason=_failed_reason(entry, result))


def check_ids(plan: Plan[S]) -> Sequence[str]:
    """The ids of the plan's checks (groups excluded: their checks are named when they run)."""
    return [entry.id for entry in plan.checks if isinstance(entry, Check)]
