"""Run broker probes with a hard budget, per-stage timeouts and cooperative cancellation.

Interface for callers::

    gen = run_probe(target, budget_s=10.0, stage_timeout_s=3.0, cancel=event, workload=None)
    for event in gen: ...                      # ProbeEvent: started, one per check, finished
    result = <StopIteration.value>             # or: result = probe(target, ...)
    results = probe_many([t1, t2, t3], ...)    # concurrently, one thread per target

Interface for broker modules (adding a broker = one package + one line in `PROBE_MODULES`): the
module named there holds `PLAN`, an `advisor.probe.plan.Plan`: the ordered checks with their
stages and needs, the typed per-run state they share, the cleanup and the broker's `classify`.
The runner executes it (`PLAN.run(ctx)`): each check is timed under the stage timeout, any
exception in it becomes a failure classified by `advisor.probe.classify`, and a check whose needs
did not pass is reported skipped with the reason. A check records into its CheckRecorder::

    def ping_latency(ctx: ProbeContext, state: RedisState, check: CheckRecorder) -> None:
        ...                         # any exception becomes a failed check (classified)
        check.figures["p50_ms"] = 0.1

Every blocking call must use `ctx.timeout()` (the stage timeout clipped to the remaining budget)
as its own timeout, because threads cannot be killed. Loops call `ctx.checkpoint()`, which raises
ProbeAbortError on cancellation or when the budget is spent. `where` (on a check, or
`ctx.address` for a whole phase) names the address a check dials, so failures name it.

Temporary objects are registered in `ctx.resources` (`advisor.probe.resources`) before the call
that creates them returns; the plan's cleanup runs last (the runner closes the plan on
cancellation or budget) and hands what is left to the broker's delete function, each call
bounded by `ctx.cleanup_timeout()`; problems go to `ctx.cleanup_problem(...)` and become a
warning check, and what is still registered is named as what may remain.
Headline facts go into `ctx.summary` (ProbeSummary).

Timing: checks are driven in a worker thread and stop when the budget is spent (plus a grace of
8 %, at most 0.5 s) or the probe is cancelled. The whole probe, cleanup included, returns within
the budget plus CLEANUP_ALLOWANCE_S (after a cancel: the cancel plus the allowance): while the
worker holds temporary objects (registered in `ctx.resources`), the runner waits for it until then,
and every cleanup call is clipped to that end (`ctx.cleanup_timeout()`), so the result usually
arrives with every temporary object removed. Holding nothing, the result comes at once (after a
cancel, within 0.5 s). A worker still busy at the end is abandoned; the result then says that
cleanup was still running and what may remain (probe objects also expire on their own, and a
later Kafka probe removes stale probe topics), and `wait_for_workers()` lets a process that is
about to exit give it a last chance.
"""

from __future__ import annotations

import importlib
import math
import queue
import secrets
import statistics
import threading
import time
from collections.abc import Callable, Generator, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime
from types import TracebackType
from typing import Protocol, TypeVar, cast

from pydantic import BaseModel

from advisor.i18n import tr
from advisor.probe import classify
from advisor.probe.classify import Classifier, Failure, classify_failure
from advisor.probe.models import (
    CheckStatus,
    FailureClass,
    Figure,
    ProbeCheck,
    ProbeEvent,
    ProbeResult,
    ProbeSummary,
    ProbeTarget,
    Stage,
    Verdict,
)
from advisor.probe.resources import Registry
from advisor.workload import Broker

# The one place a broker is registered: broker -> module holding its check plan (`PLAN`).
PROBE_MODULES: dict[Broker, str] = {
    Broker.REDIS: "advisor.probe.redis.checks",
    Broker.RABBITMQ: "advisor.probe.rabbitmq.checks",
    Broker.KAFKA: "advisor.probe.kafka.checks",
}

DEFAULT_BUDGET_S = 10.0
DEFAULT_STAGE_TIMEOUT_S = 3.0
DEFAULT_CLEANUP_TIMEOUT_S = 2.0
# How long past its budget (or its cancellation) a probe may take to clean up and return: fixed,
# so `--timeout 3` means 3 s + this at most, whatever the broker does. Deleting a few probe
# objects takes milliseconds on a healthy broker; a stalled one gets this long, no more.
CLEANUP_ALLOWANCE_S = 1.5
MIN_TIMEOUT_S = 0.05
# The app and the reports word an error that escaped a probe with `runner.describe`.
describe = classify.describe
_POLL_S = 0.05
_CANCEL_REPORT_S = 0.5


class ProbeAbortError(Exception):
    """Raised inside a probe when it is cancelled or its budget is spent."""

    def __init__(self, failure_class: FailureClass, details: str) -> None:
        super().__init__(details)
        self.failure_class = failure_class
        self.details = details


class CheckPlan(Protocol):
    """What the runner needs of a broker's `PLAN` (advisor.probe.plan.Plan)."""

    @property
    def classify(self) -> Classifier | None: ...

    def run(self, ctx: ProbeContext) -> Generator[ProbeCheck, None, None]: ...


def latency_figures(samples_ms: Sequence[float], prefix: str = "") -> dict[str, Figure]:
    """p50 (median), nearest-rank p95/p99, max (ms, rounded to µs) and the sample count."""
    if not samples_ms:
        return {f"{prefix}samples": 0}
    ordered = sorted(samples_ms)

    def pct(p: float) -> float:
        index = min(len(ordered) - 1, max(0, math.ceil(p / 100 * len(ordered)) - 1))
        return round(ordered[index], 3)

    return {
        f"{prefix}p50_ms": round(statistics.median(ordered), 3),
        f"{prefix}p95_ms": pct(95),
        f"{prefix}p99_ms": pct(99),
        f"{prefix}max_ms": round(ordered[-1], 3),
        f"{prefix}samples": len(ordered),
    }


_AFTER_HANDSHAKE = frozenset({Stage.AUTHENTICATE, Stage.INSPECT, Stage.BEHAVE})


class CheckRecorder:
    """Context manager that times one check and turns any exception into a classified failure."""

    def __init__(
        self, ctx: ProbeContext, check_id: str, title: str, stage: Stage, where: str | None = None
    ) -> None:
        self.ctx = ctx
        self.where = where
        self.id = check_id
        self.title = title
        self.stage = stage
        self.figures: dict[str, Figure] = {}
        self.status = CheckStatus.PASS
        self.details = ""
        self.hint = ""
        self.failure_class: FailureClass | None = None
        self.skipped_reason = ""
        self._started = 0.0
        self._duration_ms = 0.0

    def __enter__(self) -> CheckRecorder:
        self.ctx.current_check = self.id
        self._started = time.monotonic()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> bool:
        self._duration_ms = (time.monotonic() - self._started) * 1000
        if exc is None:
            return False
        if not isinstance(exc, Exception):
            return False  # KeyboardInterrupt, GeneratorExit, SystemExit pass through
        failure = self.ctx.classify(exc, self.where)
        # Only the address that took the handshake has proved its protocol: a check that dials
        # another one (a management URL, a Sentinel) keeps "wrong protocol" as it is.
        lost = self.where is None and failure.failure_class in (
            FailureClass.WRONG_PROTOCOL,
            FailureClass.REFUSED,  # a refused reconnect to it: it went away too
        )
        if lost and self.stage in _AFTER_HANDSHAKE:
            # The handshake already proved the protocol: a hang-up now means the broker went away.
            failure = Failure(
                FailureClass.CONNECTION_LOST,
                tr("the connection was lost mid-probe: {details}", details=failure.details),
                tr(
                    "The broker was stopped, restarted or crashed during the probe, or a proxy "
                    "dropped the connection; probe again and check the broker's log."
                ),
            )
        self.fail(failure.failure_class, failure.details, failure.hint)
        return True

    def warn(self, details: str, hint: str = "") -> None:
        """Mark as a warning (unless already failed)."""
        if self.status is not CheckStatus.FAIL:
            self.status = CheckStatus.WARN
        self.details = _join(self.details, details)
        self.hint = _join(self.hint, hint)

    def fail(self, failure_class: FailureClass, details: str, hint: str = "") -> None:
        """Mark as failed with a class; the first failure class is kept."""
        self.status = CheckStatus.FAIL
        self.failure_class = self.failure_class or failure_class
        self.details = _join(self.details, details)
        self.hint = _join(self.hint, hint)

    def skip(self, reason: str, failure_class: FailureClass | None = None) -> None:
        """Mark as skipped: not applicable, or not permitted (FailureClass.AUTHORISATION)."""
        self.status = CheckStatus.SKIPPED
        self.skipped_reason = reason
        self.failure_class = failure_class

    def note(self, details: str) -> None:
        """Add a line to the details without changing the status."""
        self.details = _join(self.details, details)

    @property
    def ok(self) -> bool:
        return self.status in (CheckStatus.PASS, CheckStatus.WARN)

    @property
    def result(self) -> ProbeCheck:
        return ProbeCheck(
            id=self.id,
            title=self.title,
            stage=self.stage,
            status=self.status,
            duration_ms=round(self._duration_ms, 3),
            figures=dict(self.figures),
            details=self.details,
            hint=self.hint,
            failure_class=self.failure_class,
            skipped_reason=self.skipped_reason,
        )


def _join(first: str, second: str) -> str:
    return f"{first} {second}".strip() if first and second else first or second


@dataclass
class ProbeContext:
    """What a broker module gets: the target, timing limits, cancellation and the summary."""

    target: ProbeTarget
    run_id: str
    budget_s: float
    stage_timeout_s: float
    cleanup_timeout_s: float
    cancel: threading.Event
    workload: BaseModel | None = None
    started: float = field(default_factory=time.monotonic)
    summary: ProbeSummary = field(default_factory=ProbeSummary)
    classifier: Classifier | None = None
    current_check: str = ""
    cleanup_problems: list[str] = field(default_factory=list)
    address: str = ""  # what the current phase dials, for failure messages (default: endpoint)
    resources: Registry = field(default_factory=Registry)  # temporary objects not yet removed
    cancelled_at: float | None = None  # set by the runner when it sees the cancel

    @property
    def deadline(self) -> float:
        return self.started + self.budget_s

    @property
    def cleanup_end(self) -> float:
        """When cleanup must be over: the budget (or the cancel) plus CLEANUP_ALLOWANCE_S."""
        stop = self.deadline if self.cancelled_at is None else min(self.deadline, self.cancelled_at)
        return stop + CLEANUP_ALLOWANCE_S

    def cleanup_timeout(self) -> float:
        """The timeout of one cleanup call: the configured one, clipped to the cleanup's end."""
        return max(MIN_TIMEOUT_S, min(self.cleanup_timeout_s, self.cleanup_end - time.monotonic()))

    def remaining_s(self) -> float:
        return self.deadline - time.monotonic()

    def elapsed_ms(self) -> float:
        return (time.monotonic() - self.started) * 1000

    def timeout(self, cap: float | None = None) -> float:
        """The stage timeout clipped to the remaining budget (and cap); raises when none is left."""
        self.checkpoint()
        limit = min(self.stage_timeout_s, self.remaining_s())
        if cap is not None:
            limit = min(limit, cap)
        return max(MIN_TIMEOUT_S, limit)

    def checkpoint(self) -> None:
        """Raise ProbeAbortError if cancelled or out of budget; call it inside long loops."""
        self.check_cancelled()
        if self.remaining_s() <= 0:
            raise ProbeAbortError(
                FailureClass.BUDGET_EXCEEDED,
                tr("the whole-probe budget of {budget} s was spent", budget=f"{self.budget_s:g}"),
            )

    def check_cancelled(self) -> None:
        """Raise ProbeAbortError if cancelled (not when out of budget: a wait that ends with the
        budget is the stage timing out, and its caller reports that)."""
        if self.cancel.is_set():
            raise ProbeAbortError(FailureClass.CANCELLED, tr("the probe was cancelled"))

    @property
    def stopping(self) -> bool:
        """True once cancelled or out of budget: blocking calls should give up."""
        return self.cancel.is_set() or self.remaining_s() <= 0

    def check(
        self, check_id: str, title: str, stage: Stage, *, where: str | None = None
    ) -> CheckRecorder:
        """Start recording a check: `with ctx.check(...) as c: ...` then `yield c.result`.

        `where` is the address the check dials (default `ctx.address`, else the first endpoint).
        """
        return CheckRecorder(self, check_id, title, stage, where)

    def skipped(
        self,
        check_id: str,
        title: str,
        stage: Stage,
        reason: str,
        failure_class: FailureClass | None = None,
    ) -> ProbeCheck:
        """A check that did not run, with the reason."""
        return ProbeCheck(
            id=check_id,
            title=title,
            stage=stage,
            status=CheckStatus.SKIPPED,
            skipped_reason=reason,
            failure_class=failure_class,
        )

    def where(self, where: str | None = None) -> str:
        """The address to name in a failure: the given one, the phase's, or the first endpoint."""
        return where or self.address or str(self.target.endpoint)

    def classify(self, exc: BaseException, where: str | None = None) -> Failure:
        if isinstance(exc, ProbeAbortError):
            return Failure(exc.failure_class, exc.details)
        # A client-certificate alert is named for what the target sent (or did not send).
        return classify_failure(
            exc,
            self.where(where),
            classifier=self.classifier,
            client_cert=self.target.ssl_certfile is not None,
        )

    def cleanup_problem(self, text: str) -> None:
        """Record something cleanup could not remove (reported as a warning check)."""
        self.cleanup_problems.append(text)


_DONE = object()


def _drive(
    ctx: ProbeContext, plan: CheckPlan | None, load_error: str, out: queue.Queue[object]
) -> None:
    """Worker thread: run the broker's check plan, pushing checks to `out`."""
    last_stage = Stage.RESOLVE
    try:
        if plan is None:
            out.put(
                _failed_check(
                    "probe.module",
                    tr("Probe available"),
                    Stage.RESOLVE,
                    FailureClass.OTHER,
                    load_error,
                    hint=tr("No {broker} probe is installed yet.", broker=ctx.target.broker.value),
                )
            )
            return
        gen = plan.run(ctx)
        stopped_early = False
        last_class: FailureClass | None = None
        try:
            for check in gen:
                last_stage, last_class = check.stage, check.failure_class
                out.put(check)
                if ctx.cancel.is_set() or ctx.remaining_s() <= 0:
                    stopped_early = True
                    break
        except ProbeAbortError as abort:
            out.put(
                _failed_check(
                    f"probe.{abort.failure_class.value}",
                    tr("Probe stopped"),
                    last_stage,
                    abort.failure_class,
                    abort.details,
                )
            )
            return
        except Exception as exc:  # a bug in a check must not escape as a traceback
            failure = ctx.classify(exc)
            out.put(
                _failed_check(
                    "probe.error",
                    tr("Probe error"),
                    last_stage,
                    failure.failure_class,
                    failure.details,
                    hint=failure.hint,
                )
            )
            return
        finally:
            try:
                gen.close()  # runs the module's cleanup `finally` blocks
            except Exception as exc:
                ctx.cleanup_problem(tr("cleanup raised {error}", error=describe(exc)))
        if not stopped_early or last_class in (
            FailureClass.CANCELLED,
            FailureClass.BUDGET_EXCEEDED,
        ):
            return
        if ctx.cancel.is_set():
            out.put(
                _failed_check(
                    "probe.cancelled",
                    tr("Probe cancelled"),
                    last_stage,
                    FailureClass.CANCELLED,
                    tr("cancelled; the remaining checks did not run"),
                )
            )
        elif ctx.remaining_s() <= 0:
            out.put(
                _failed_check(
                    "probe.budget_exceeded",
                    tr("Probe budget"),
                    last_stage,
                    FailureClass.BUDGET_EXCEEDED,
                    tr(
                        "the budget of {budget} s was spent; the remaining checks did not run",
                        budget=f"{ctx.budget_s:g}",
                    ),
                    hint=tr("Raise --timeout, or look at the slowest check above."),
                )
            )
    finally:
        out.put(_DONE)


def _failed_check(
    check_id: str,
    title: str,
    stage: Stage,
    failure_class: FailureClass,
    details: str,
    hint: str = "",
) -> ProbeCheck:
    """A failed check recorded by the runner itself (stopped, cancelled, out of budget, error)."""
    return ProbeCheck(
        id=check_id,
        title=title,
        stage=stage,
        status=CheckStatus.FAIL,
        failure_class=failure_class,
        details=details,
        hint=hint,
    )


def _load_plan(broker: Broker) -> tuple[CheckPlan | None, str]:
    """The broker's check plan (`PLAN` of its module in PROBE_MODULES), or why there is none."""
    name = PROBE_MODULES.get(broker)
    if name is None:
        return None, tr("no probe registered for {broker}", broker=broker.value)
    try:
        module = importlib.import_module(name)
    except ImportError as error:
        return None, tr("cannot load {module}: {error}", module=name, error=describe(error))
    plan = getattr(module, "PLAN", None)
    if plan is None:
        return None, tr("{module} has no check plan (PLAN)", module=name)
    return cast(CheckPlan, plan), ""


RUN_ID_LENGTH = 12


def new_run_id(budget_s: float) -> str:
    """A run id that carries its run's deadline: 8 hex digits of the epoch second by which the
    probe ends, then 4 random ones. Temporary resources are named after it, so a later probe
    can tell a leftover of a killed run (deadline long past) from a run still going on."""
    deadline = int(time.time() + budget_s) + 1
    return f"{deadline & 0xFFFFFFFF:08x}{secrets.token_hex(2)}"


def run_deadline(run_id: str) -> float | None:
    """The epoch second a run id says its probe ends by, or None for another kind of id."""
    if len(run_id) != RUN_ID_LENGTH or any(c not in "0123456789abcdef" for c in run_id):
        return None
    return float(int(run_id[:8], 16))


def _check_limits(budget_s: float, stage_timeout_s: float, cleanup_timeout_s: float) -> None:
    for name, value in (
        ("budget_s", budget_s),
        ("stage_timeout_s", stage_timeout_s),
        ("cleanup_timeout_s", cleanup_timeout_s),
    ):
        if not (isinstance(value, (int, float)) and math.isfinite(value) and value > 0):
            raise ValueError(f"{name} must be a positive number of seconds, not {value!r}")


_WORKERS: set[threading.Thread] = set()
_WORKERS_LOCK = threading.Lock()


def wait_for_workers(timeout_s: float) -> int:
    """Wait up to timeout_s for abandoned probe workers to finish their cleanup.

    A process about to exit calls this, because exiting kills the (daemon) workers mid-cleanup.
    Returns how many are still running.
    """
    ends = time.monotonic() + max(0.0, timeout_s)
    with _WORKERS_LOCK:
        workers = list(_WORKERS)
    for worker in workers:
        worker.join(max(0.0, ends - time.monotonic()))
    return sum(1 for w in workers if w.is_alive())


def _run_worker(
    ctx: ProbeContext, plan: CheckPlan | None, load_error: str, out: queue.Queue[object]
) -> None:
    try:
        _drive(ctx, plan, load_error, out)
    finally:
        with _WORKERS_LOCK:
            _WORKERS.discard(threading.current_thread())


def failed_result(
    target: ProbeTarget | str,
    broker: Broker,
    checks: Sequence[ProbeCheck],
    *,
    budget_s: float = DEFAULT_BUDGET_S,
) -> ProbeResult:
    """A result for a probe that could not run (or crashed): its checks, nothing else."""
    return ProbeResult(
        target=target.display_url if isinstance(target, ProbeTarget) else target,
        broker=broker,
        run_id=new_run_id(budget_s if math.isfinite(budget_s) and budget_s > 0 else 0.0),
        started_at=datetime.now(UTC),
        duration_ms=0.0,
        budget_ms=budget_s * 1000 if math.isfinite(budget_s) and budget_s > 0 else 0.0,
        checks=list(checks),
    )


def error_result(target: ProbeTarget, error: BaseException, budget_s: float) -> ProbeResult:
    """The result of a probe whose runner itself failed: a failed check, no traceback."""
    check = _failed_check(
        "probe.error",
        tr("Probe error"),
        Stage.RESOLVE,
        FailureClass.OTHER,
        tr("the probe could not run: {error}", error=describe(error)),
        hint=tr("This is a bug in the probe; report it with the details."),
    )
    return failed_result(target, target.broker, [check], budget_s=budget_s)


def run_probe(
    target: ProbeTarget,
    *,
    budget_s: float = DEFAULT_BUDGET_S,
    stage_timeout_s: float = DEFAULT_STAGE_TIMEOUT_S,
    cancel: threading.Event | None = None,
    workload: BaseModel | None = None,
    cleanup_timeout_s: float = DEFAULT_CLEANUP_TIMEOUT_S,
) -> Generator[ProbeEvent, None, ProbeResult]:
    """Probe one target, yielding progress; the generator's return value is the ProbeResult.

    Checks stop at budget_s plus a small grace (8 %, at most 0.5 s) or when `cancel` is set; if
    the probe still holds temporary objects, the result follows once its cleanup has run, at
    most CLEANUP_ALLOWANCE_S after the budget or the cancel (a worker still busy then is
    abandoned and the result says what may remain).
    Raises ValueError unless every time limit is a positive, finite number of seconds.
    """
    _check_limits(budget_s, stage_timeout_s, cleanup_timeout_s)
    cancel = cancel or threading.Event()
    run_id = new_run_id(budget_s)
    started_at = datetime.now(UTC)
    ctx = ProbeContext(
        target=target,
        run_id=run_id,
        budget_s=budget_s,
        stage_timeout_s=min(stage_timeout_s, budget_s),
        cleanup_timeout_s=cleanup_timeout_s,
        cancel=cancel,
        workload=workload,
    )
    plan, load_error = _load_plan(target.broker)
    if plan is not None:
        ctx.classifier = plan.classify
    budget_ms = budget_s * 1000
    display = target.display_url

    def event(kind: str, check: ProbeCheck | None = None, done: int = 0) -> ProbeEvent:
        return ProbeEvent.model_validate(
            {
                "kind": kind,
                "target": display,
                "broker": target.broker,
                "elapsed_ms": round(ctx.elapsed_ms(), 3),
                "budget_ms": budget_ms,
                "check": check,
                "checks_done": done,
            }
        )

    out: queue.Queue[object] = queue.Queue()
    worker = threading.Thread(
        target=_run_worker,
        args=(ctx, plan, load_error, out),
        daemon=True,
        name=f"probe-{target.broker.value}-{run_id}",
    )
    yield event("started")
    with _WORKERS_LOCK:
        _WORKERS.add(worker)
    worker.start()
    checks: list[ProbeCheck] = []
    grace_s = min(0.5, 0.08 * budget_s)  # a check ending right at the deadline still reports
    stopping_since: float | None = None
    stopped_by_cancel = False
    awaiting_cleanup = False  # once stopping with something to delete, until the worker ends
    finished = False
    while True:
        now = time.monotonic()
        if stopping_since is None and (cancel.is_set() or now >= ctx.deadline + grace_s):
            stopping_since, stopped_by_cancel = now, cancel.is_set()
            if stopped_by_cancel:
                ctx.cancelled_at = now
        if stopping_since is not None and ctx.resources:
            awaiting_cleanup = True
        if stopping_since is None:
            limit = ctx.deadline + grace_s
        elif awaiting_cleanup:  # something to delete: wait for the cleanup, to its end
            limit = ctx.cleanup_end
        else:  # nothing to delete: a cancelled worker gets a moment to report, no more
            limit = stopping_since + (_CANCEL_REPORT_S if stopped_by_cancel else 0)
        if stopping_since is not None and now >= limit:
            break
        try:
            item = out.get(timeout=min(_POLL_S, max(0.0, limit - now)))
        except queue.Empty:
            continue
        if item is _DONE:
            finished = True
            break
        check = cast(ProbeCheck, item)
        checks.append(check)
        yield event("check", check, len(checks))
    problems = list(ctx.cleanup_problems)
    if not finished:
        # The worker is still inside a call or its cleanup after the wait: abandon it (its own
        # timeouts end it, and its cleanup still runs) and say so plainly.
        cls = FailureClass.CANCELLED if stopped_by_cancel else FailureClass.BUDGET_EXCEEDED
        running = ctx.current_check or "starting"
        stopped = _failed_check(
            f"probe.{cls.value}",
            tr("Probe stopped"),
            checks[-1].stage if checks else Stage.RESOLVE,
            cls,
            tr("cancelled while '{check}' was still running", check=running)
            if stopped_by_cancel
            else tr(
                "budget of {budget} s spent while '{check}' was still running",
                budget=f"{budget_s:g}",
                check=running,
            ),
            hint=tr(
                "The check did not return within its own timeout; the broker or network "
                "may be stalled."
            ),
        )
        checks.append(stopped)
        yield event("check", stopped, len(checks))
        remaining = ctx.resources.names()
        if remaining:  # holding nothing, there is nothing to clean up
            problems.append(
                tr(
                    "cleanup was still running {allowance} s after the probe stopped; "
                    "these may remain until they expire: {names}",
                    allowance=f"{CLEANUP_ALLOWANCE_S:g}",
                    names=", ".join(remaining),
                )
            )
    if problems:
        cleanup = ProbeCheck(
            id=f"{target.broker.value}.cleanup",
            title=tr("Cleanup"),
            stage=Stage.BEHAVE,
            status=CheckStatus.WARN,
            details=tr("; ").join(problems),
            hint=tr(
                "Temporary probe objects may remain until their TTL, expiry or auto-delete "
                "removes them; all are named broker-advisor…."
            ),
        )
        checks.append(cleanup)
        yield event("check", cleanup, len(checks))
    result = ProbeResult(
        target=display,
        broker=target.broker,
        run_id=run_id,
        started_at=started_at,
        duration_ms=round(ctx.elapsed_ms(), 3),
        budget_ms=budget_ms,
        checks=checks,
        summary=_copy_summary(ctx),
    )
    if workload is not None:
        result.verdicts = _judge(result, workload)
    yield event("finished", None, len(checks))
    return result


def _copy_summary(ctx: ProbeContext) -> ProbeSummary:
    for _ in range(3):
        try:
            # Validated again, so text the broker put in it is made terminal-safe.
            return ProbeSummary.model_validate(ctx.summary.model_dump())
        except RuntimeError:  # the abandoned worker changed a dict while copying
            time.sleep(0.01)
    return ProbeSummary()


def _judge(result: ProbeResult, workload: BaseModel) -> list[Verdict]:
    from advisor.probe import verdicts

    try:
        return verdicts.judge(result, workload)
    except Exception as exc:  # a verdict bug must not lose the probe result
        return [
            Verdict(
                requirement="verdicts",
                status=CheckStatus.WARN,
                message=tr("could not judge the workload: {error}", error=describe(exc)),
            )
        ]


_Event = TypeVar("_Event")
_Result = TypeVar("_Result")


def drain(
    gen: Generator[_Event, None, _Result],
    on_event: Callable[[_Event], None] | None = None,
) -> _Result:
    """Run a generator that yields progress events to the end and return its result."""
    while True:
        try:
            ev = next(gen)
        except StopIteration as stop:
            return cast(_Result, stop.value)
        if on_event is not None:
            on_event(ev)


def probe(
    target: ProbeTarget,
    *,
    budget_s: float = DEFAULT_BUDGET_S,
    stage_timeout_s: float = DEFAULT_STAGE_TIMEOUT_S,
    cancel: threading.Event | None = None,
    workload: BaseModel | None = None,
    on_event: Callable[[ProbeEvent], None] | None = None,
    cleanup_timeout_s: float = DEFAULT_CLEANUP_TIMEOUT_S,
) -> ProbeResult:
    """Probe one target and return the result (events go to on_event, if given)."""
    return drain(
        run_probe(
            target,
            budget_s=budget_s,
            stage_timeout_s=stage_timeout_s,
            cancel=cancel,
            workload=workload,
            cleanup_timeout_s=cleanup_timeout_s,
        ),
        on_event,
    )


def probe_many(
    targets: Sequence[ProbeTarget],
    *,
    budget_s: float = DEFAULT_BUDGET_S,
    stage_timeout_s: float = DEFAULT_STAGE_TIMEOUT_S,
    cancel: threading.Event | None = None,
    workload: BaseModel | None = None,
    on_event: Callable[[ProbeEvent], None] | None = None,
    cleanup_timeout_s: float = DEFAULT_CLEANUP_TIMEOUT_S,
) -> list[ProbeResult]:
    """Probe several targets concurrently (one thread each); results in the targets' order.

    on_event, if given, is called from the probes' threads. A probe that cannot run (a bug)
    gives a failed result instead of an exception, so the others' results are kept.
    Raises ValueError for a time limit that is not a positive, finite number of seconds.
    """
    _check_limits(budget_s, stage_timeout_s, cleanup_timeout_s)
    if not targets:
        return []

    def one(target: ProbeTarget) -> ProbeResult:
        try:
            return probe(
                target,
                budget_s=budget_s,
                stage_timeout_s=stage_timeout_s,
                cancel=cancel,
                workload=workload,
                on_event=on_event,
                cleanup_timeout_s=cleanup_timeout_s,
            )
        except Exception as error:
            return error_result(target, error, budget_s)

    with ThreadPoolExecutor(max_workers=len(targets), thread_name_prefix="probe-many") as pool:
        return list(pool.map(one, targets))
