"""The `probe` subcommand: probe live brokers and print their checks as a table or JSON.

    broker-advisor probe [TARGET...] [--workload FILE] [--json] [--timeout S]
                         [--management-url URL]

No TARGET: REDIS_URL, CELERY_BROKER_URL / AMQP_URL and KAFKA_BOOTSTRAP_SERVERS are used; a
malformed one becomes a failed result naming the variable, and the others are still probed.
Exit status: 0 when every check and verdict passed or warned, 1 when any failed (or a probe
could not run), 2 on bad input, 130 when interrupted. Ctrl-C cancels the probes, waits for their
cleanup (a second Ctrl-C stops waiting) and prints what they found, cancelled checks marked.
`register(subparsers)` adds the command to the main CLI; `main()` runs it alone
(`python -m advisor.probe.cli`).
"""

from __future__ import annotations

import argparse
import json
import math
import signal
import sys
import threading
import time
from collections.abc import Callable, Sequence
from types import FrameType
from typing import TextIO

from pydantic import BaseModel

from advisor import views
from advisor.i18n import tr
from advisor.probe import runner, targets
from advisor.probe.models import (
    CheckStatus,
    FailureClass,
    ProbeCheck,
    ProbeEvent,
    ProbeResult,
    ProbeTarget,
    Stage,
)

EXIT_OK = 0
EXIT_FAILED = 1
EXIT_USAGE = 2
EXIT_INTERRUPTED = 130
MAX_TIMEOUT_S = 3600.0

_MARK = {
    CheckStatus.PASS: "PASS",
    CheckStatus.WARN: "WARN",
    CheckStatus.FAIL: "FAIL",
    CheckStatus.SKIPPED: "SKIP",
}


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add `probe` to the main CLI's subcommands."""
    parser = subparsers.add_parser(
        "probe",
        help=tr("check live brokers: reachability, settings and behaviour"),
        description=tr(
            "Probe Redis, RabbitMQ or Kafka: name why a connection fails, measure "
            "client latency, and check persistence, acknowledgements and "
            "dead-lettering. Credentials never appear in the output."
        ),
    )
    add_arguments(parser)
    parser.set_defaults(func=run)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """The probe command's arguments (shared by register and main)."""
    parser.add_argument(
        "targets",
        nargs="*",
        metavar="TARGET",
        help=tr(
            "redis://, rediss://, redis+sentinel://host:port/master, amqp(s)://"
            "host/vhost, kafka://host:port (none: read REDIS_URL, "
            "CELERY_BROKER_URL/AMQP_URL, KAFKA_BOOTSTRAP_SERVERS)"
        ),
    )
    parser.add_argument(
        "--workload",
        metavar="FILE",
        help=tr("workload YAML/JSON file: judge its requirements against the checks"),
    )
    parser.add_argument("--json", action="store_true", help=tr("print the results as JSON"))
    parser.add_argument(
        "--timeout",
        type=float,
        default=runner.DEFAULT_BUDGET_S,
        metavar="S",
        help=tr(
            "whole-probe budget per target in seconds (default %(default)s); cleaning up "
            "after a stalled broker may add at most {seconds} s",
            seconds=f"{runner.CLEANUP_ALLOWANCE_S:g}",
        ),
    )
    parser.add_argument(
        "--stage-timeout",
        type=float,
        default=runner.DEFAULT_STAGE_TIMEOUT_S,
        metavar="S",
        help=tr("timeout of each network step (default %(default)s)"),
    )
    parser.add_argument(
        "--management-url",
        metavar="URL",
        help=tr("RabbitMQ management API, e.g. http://user:pass@host:15672"),
    )


def _error(message: str) -> int:
    print(tr("error: {message}", message=message), file=sys.stderr)
    return EXIT_USAGE


def _load_workload(path: str) -> BaseModel:
    from advisor import workload

    return workload.load_workload(path)


def _resolve_targets(
    args: argparse.Namespace,
) -> tuple[list[ProbeTarget], list[targets.EnvTargetError]]:
    """The targets to probe, and the malformed environment variables (reported, not fatal)."""
    management = args.management_url
    bad: list[targets.EnvTargetError] = []
    if args.targets:
        found = [targets.parse_target(t) for t in args.targets]
    else:
        found = targets.targets_from_env(errors=bad)
    if management:
        rabbits = [t for t in found if t.broker.value == "rabbitmq"]
        if not rabbits:
            raise targets.TargetError(
                tr("{option} needs a RabbitMQ (amqp://) target", option="--management-url"),
                targets.TargetField.MANAGEMENT_URL,
            )
        found = [
            targets.parse_target(t.url, management_url=management)
            if t.broker.value == "rabbitmq"
            else t
            for t in found
        ]
    return found, bad


def _timeouts_problem(args: argparse.Namespace) -> str | None:
    for flag, value in (("--timeout", args.timeout), ("--stage-timeout", args.stage_timeout)):
        if not math.isfinite(value) or value <= 0 or value > MAX_TIMEOUT_S:
            return tr(
                "{option} must be a number of seconds above 0 and at most {most} (got {value})",
                option=flag,
                most=f"{MAX_TIMEOUT_S:g}",
                value=repr(value),
            )
    return None


def _env_result(error: targets.EnvTargetError, budget_s: float) -> ProbeResult:
    check = ProbeCheck(
        id="probe.target",
        title=tr("Target from {variable}", variable=error.variable),
        stage=Stage.RESOLVE,
        status=CheckStatus.FAIL,
        failure_class=FailureClass.OTHER,
        details=str(error),
        hint=tr(
            "Fix {variable} (or unset it); the other variables were still probed.",
            variable=error.variable,
        ),
    )
    return runner.failed_result(
        f"{error.variable}={error.shown}", error.broker, [check], budget_s=budget_s
    )


class _Probes:
    """The CLI's probes, one thread each, with what each has reported so far."""

    def __init__(
        self,
        chosen: Sequence[ProbeTarget],
        args: argparse.Namespace,
        workload: BaseModel | None,
    ) -> None:
        self.targets = list(chosen)
        self.cancel = threading.Event()
        self.done = threading.Event()
        self.results: list[ProbeResult | None] = [None] * len(self.targets)
        self.seen: list[list[ProbeCheck]] = [[] for _ in self.targets]
        self._left = len(self.targets)
        self._lock = threading.Lock()
        self.args = args
        self._workload = workload
        if not self.targets:
            self.done.set()

    def start(self) -> None:
        for index in range(len(self.targets)):
            threading.Thread(
                target=self._run, args=(index,), name=f"probe-cli-{index}", daemon=True
            ).start()

    def _on_event(self, index: int) -> Callable[[ProbeEvent], None]:
        def record(event: ProbeEvent) -> None:
            if event.check is not None:
                self.seen[index].append(event.check)

        return record

    def _run(self, index: int) -> None:
        target = self.targets[index]
        try:
            result = runner.probe(
                target,
                budget_s=self.args.timeout,
                stage_timeout_s=self.args.stage_timeout,
                cancel=self.cancel,
                workload=self._workload,
                on_event=self._on_event(index),
            )
        except Exception as error:  # a bug in the runner: a failed result, never a traceback
            result = runner.error_result(target, error, self.args.timeout)
        with self._lock:
            self.results[index] = result
            self._left -= 1
            if self._left == 0:
                self.done.set()

    def collected(self) -> list[ProbeResult]:
        """Every result; probes still running when the user stopped waiting get a failed one."""
        out: list[ProbeResult] = []
        for index, target in enumerate(self.targets):
            result = self.results[index]
            if result is None:
                stopped = ProbeCheck(
                    id="probe.cancelled",
                    title=tr("Probe interrupted"),
                    stage=Stage.BEHAVE,
                    status=CheckStatus.FAIL,
                    failure_class=FailureClass.CANCELLED,
                    details=tr(
                        "interrupted again before the probe finished; its cleanup was "
                        "still running, so temporary broker-advisor… objects may remain"
                    ),
                )
                result = runner.failed_result(
                    target,
                    target.broker,
                    [*self.seen[index], stopped],
                    budget_s=self.args.timeout,
                )
            out.append(result)
        return out


def _wait(probes: _Probes, announce: str = "") -> bool:
    """Wait for the probes; Ctrl-C cancels them (and a second one stops waiting).

    Returns True when interrupted. The handler only sets flags, so an interrupt can never land
    in the middle of the waiting code (on Python 3.11 a KeyboardInterrupt inside Thread.join
    leaves the thread looking finished).
    """
    interrupts: list[float] = []

    def on_sigint(signum: int, frame: FrameType | None) -> None:
        interrupts.append(time.monotonic())
        if len(interrupts) == 1:
            probes.cancel.set()
            print(
                tr("interrupted: cancelling and cleaning up… (Ctrl-C again to stop waiting)"),
                file=sys.stderr,
                flush=True,
            )

    in_main = threading.current_thread() is threading.main_thread()
    previous = signal.signal(signal.SIGINT, on_sigint) if in_main else None
    try:
        if announce:
            print(announce, file=sys.stderr, flush=True)
        probes.start()
        while not probes.done.wait(0.1):
            if len(interrupts) > 1:
                break
    finally:
        if in_main:
            signal.signal(signal.SIGINT, previous)
    return bool(interrupts)


def run(args: argparse.Namespace) -> int:
    """Run the probe command; returns the exit status."""
    problem = _timeouts_problem(args)
    if problem:
        return _error(problem)
    try:
        chosen, bad_env = _resolve_targets(args)
    except targets.TargetError as error:
        return _error(str(error))
    if not chosen and not bad_env:
        return _error(
            tr(
                "no target given and none of {variables} is set; e.g. {command}",
                variables="REDIS_URL, CELERY_BROKER_URL, AMQP_URL, KAFKA_BOOTSTRAP_SERVERS",
                command="broker-advisor probe redis://localhost:6379/0",
            )
        )
    workload: BaseModel | None = None
    if args.workload:
        try:
            workload = _load_workload(args.workload)
        except Exception as error:  # WorkloadFileError names the file and the problems
            return _error(str(error))
    for bad in bad_env:
        print(
            tr("error: {message} (probing the other variables)", message=str(bad)),
            file=sys.stderr,
        )
    probes = _Probes(chosen, args, workload)
    announce = (
        tr(
            "probing {count} target(s), budget {budget} s each (Ctrl-C cancels)…",
            count=len(chosen),
            budget=f"{args.timeout:g}",
        )
        if chosen
        else ""
    )
    interrupted = _wait(probes, announce)
    results = [_env_result(e, args.timeout) for e in bad_env] + probes.collected()
    # Exiting kills the probes' threads: give an abandoned cleanup a last chance first.
    # Cleanup calls end with the allowance: a worker still busy gets a last moment, no more.
    runner.wait_for_workers(0.2)
    if args.json:
        print(render_json(results))
    else:
        render_table(results, sys.stdout)
    if interrupted:
        return EXIT_INTERRUPTED
    complete = len(results) == len(chosen) + len(bad_env) and all(r.checks for r in results)
    return EXIT_FAILED if not complete or any(r.failed for r in results) else EXIT_OK


def render_json(results: Sequence[ProbeResult]) -> str:
    """Results as a JSON list (targets are display URLs: no passwords)."""
    return json.dumps([r.model_dump(mode="json") for r in results], indent=2)


def _figures(check: ProbeCheck, limit: int = 6) -> str:
    items = [f"{k}={v}" for k, v in check.figures.items()][:limit]
    more = len(check.figures) - limit
    return ", ".join(items) + (tr(", +{count} more", count=more) if more > 0 else "")


def render_table(results: Sequence[ProbeResult], out: TextIO) -> None:
    """A readable report: one block per target, one row per check, then verdicts."""
    for result in results:
        budget = tr(
            "({duration} ms of {budget} s budget)",
            duration=f"{result.duration_ms:.0f}",
            budget=f"{result.budget_ms / 1000:g}",
        )
        out.write(
            f"\n{_MARK[result.status]}  {result.broker.value}  {targets.redact(result.target)}  "
            f"{budget}\n"
        )
        out.write("      " + views.probe_headline(result) + "\n")
        for check in result.checks:
            out.write(
                f"  {_MARK[check.status]}  {check.duration_ms:8.1f} ms  {check.id:<28} "
                f"{check.title}\n"
            )
            if check.figures:
                out.write(f"        {_figures(check)}\n")
            if check.status is not CheckStatus.PASS:
                cause = f"[{check.failure_class.value}] " if check.failure_class else ""
                text = (
                    check.skipped_reason if check.status is CheckStatus.SKIPPED else check.details
                )
                if text or cause:
                    out.write(f"        {cause}{text}\n")
                if check.hint:
                    out.write(f"        {tr('hint: {hint}', hint=check.hint)}\n")
        if result.verdicts is not None:
            out.write(f"  {tr('verdicts for the workload:')}\n")
            for verdict in result.verdicts:
                out.write(
                    f"  {_MARK[verdict.status]}  {verdict.requirement:<22} {verdict.message}\n"
                )
                if verdict.advice and verdict.status is not CheckStatus.PASS:
                    out.write(f"        {tr('advice: {advice}', advice=verdict.advice)}\n")
    out.flush()


def main(argv: Sequence[str] | None = None) -> int:
    """Run `probe` on its own: python -m advisor.probe.cli TARGET..."""
    parser = argparse.ArgumentParser(prog="broker-advisor probe")
    add_arguments(parser)
    args = parser.parse_args(argv)
    return run(args)


if __name__ == "__main__":
    sys.exit(main())
