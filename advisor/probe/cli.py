"""The `probe` subcommand: probe live brokers and print their checks as a table or JSON.

    broker-advisor probe [TARGET...] [--workload FILE] [--json] [--timeout S]
                         [--management-url URL]

No TARGET: REDIS_URL, CELERY_BROKER_URL / AMQP_URL and KAFKA_BOOTSTRAP_SERVERS are used. Exit
status: 0 when every check and verdict passed or warned, 1 when any failed, 2 on bad input,
130 when interrupted. `register(subparsers)` adds the command to the main CLI; `main()` runs it
alone (`python -m advisor.probe.cli`).
"""

from __future__ import annotations

import argparse
import json
import sys
import threading
from collections.abc import Sequence
from typing import TextIO

from pydantic import BaseModel

from advisor.probe import runner, targets
from advisor.probe.models import CheckStatus, ProbeCheck, ProbeResult, ProbeTarget

EXIT_OK = 0
EXIT_FAILED = 1
EXIT_USAGE = 2
EXIT_INTERRUPTED = 130

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
        help="check live brokers: reachability, settings and behaviour",
        description="Probe Redis, RabbitMQ or Kafka: name why a connection fails, measure "
        "client latency, and check persistence, acknowledgements and "
        "dead-lettering. Credentials never appear in the output.",
    )
    add_arguments(parser)
    parser.set_defaults(func=run)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """The probe command's arguments (shared by register and main)."""
    parser.add_argument(
        "targets",
        nargs="*",
        metavar="TARGET",
        help="redis://, rediss://, redis+sentinel://host:port/master, amqp(s)://"
        "host/vhost, kafka://host:port (none: read REDIS_URL, "
        "CELERY_BROKER_URL/AMQP_URL, KAFKA_BOOTSTRAP_SERVERS)",
    )
    parser.add_argument(
        "--workload",
        metavar="FILE",
        help="workload YAML/JSON file: judge its requirements against the checks",
    )
    parser.add_argument("--json", action="store_true", help="print the results as JSON")
    parser.add_argument(
        "--timeout",
        type=float,
        default=runner.DEFAULT_BUDGET_S,
        metavar="S",
        help="whole-probe budget per target in seconds (default %(default)s)",
    )
    parser.add_argument(
        "--stage-timeout",
        type=float,
        default=runner.DEFAULT_STAGE_TIMEOUT_S,
        metavar="S",
        help="timeout of each network step (default %(default)s)",
    )
    parser.add_argument(
        "--management-url",
        metavar="URL",
        help="RabbitMQ management API, e.g. http://user:pass@host:15672",
    )


def _error(message: str) -> int:
    print(f"error: {message}", file=sys.stderr)
    return EXIT_USAGE


def _load_workload(path: str) -> BaseModel:
    from advisor import workload

    return workload.load_workload(path)


def _resolve_targets(args: argparse.Namespace) -> list[ProbeTarget]:
    management = args.management_url
    if args.targets:
        found = [targets.parse_target(t) for t in args.targets]
    else:
        found = targets.targets_from_env()
    if management:
        rabbits = [t for t in found if t.broker.value == "rabbitmq"]
        if not rabbits:
            raise targets.TargetError("--management-url needs a RabbitMQ (amqp://) target")
        found = [
            targets.parse_target(t.url, management_url=management)
            if t.broker.value == "rabbitmq"
            else t
            for t in found
        ]
    return found


def run(args: argparse.Namespace) -> int:
    """Run the probe command; returns the exit status."""
    if args.timeout <= 0 or args.stage_timeout <= 0:
        return _error("--timeout and --stage-timeout must be positive")
    try:
        chosen = _resolve_targets(args)
    except targets.TargetError as error:
        return _error(str(error))
    if not chosen:
        return _error(
            "no target given and none of REDIS_URL, CELERY_BROKER_URL, AMQP_URL, "
            "KAFKA_BOOTSTRAP_SERVERS is set; e.g. broker-advisor probe "
            "redis://localhost:6379/0"
        )
    workload: BaseModel | None = None
    if args.workload:
        try:
            workload = _load_workload(args.workload)
        except Exception as error:  # WorkloadFileError names the file and the problems
            return _error(str(error))
    cancel = threading.Event()
    box: dict[str, list[ProbeResult]] = {}

    def work() -> None:
        box["results"] = runner.probe_many(
            chosen,
            budget_s=args.timeout,
            stage_timeout_s=args.stage_timeout,
            cancel=cancel,
            workload=workload,
        )

    thread = threading.Thread(target=work, name="probe-cli", daemon=True)
    thread.start()
    interrupted = False
    while thread.is_alive():
        try:
            thread.join(0.1)
        except KeyboardInterrupt:
            interrupted = True
            cancel.set()
            print("interrupted: cleaning up…", file=sys.stderr)
    results = box.get("results", [])
    if args.json:
        print(render_json(results))
    else:
        render_table(results, sys.stdout)
    if interrupted:
        return EXIT_INTERRUPTED
    return EXIT_FAILED if any(r.failed for r in results) else EXIT_OK


def render_json(results: Sequence[ProbeResult]) -> str:
    """Results as a JSON list (targets are display URLs: no passwords)."""
    return json.dumps([r.model_dump(mode="json") for r in results], indent=2)


def _figures(check: ProbeCheck, limit: int = 6) -> str:
    items = [f"{k}={v}" for k, v in check.figures.items()][:limit]
    more = len(check.figures) - limit
    return ", ".join(items) + (f", +{more} more" if more > 0 else "")


def render_table(results: Sequence[ProbeResult], out: TextIO) -> None:
    """A readable report: one block per target, one row per check, then verdicts."""
    for result in results:
        summary = result.summary
        facts = [f"{summary.product or result.broker.value} {summary.version or ''}".strip()]
        facts += [v for v in (summary.mode, summary.replication, summary.persistence) if v]
        out.write(
            f"\n{_MARK[result.status]}  {result.broker.value}  {result.target}  "
            f"({result.duration_ms:.0f} ms of {result.budget_ms / 1000:g} s budget)\n"
        )
        out.write("      " + " · ".join(facts) + "\n")
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
                    out.write(f"        hint: {check.hint}\n")
        if result.verdicts is not None:
            out.write("  verdicts for the workload:\n")
            for verdict in result.verdicts:
                out.write(
                    f"  {_MARK[verdict.status]}  {verdict.requirement:<22} {verdict.message}\n"
                )
                if verdict.advice and verdict.status is not CheckStatus.PASS:
                    out.write(f"        advice: {verdict.advice}\n")
    out.flush()


def main(argv: Sequence[str] | None = None) -> int:
    """Run `probe` on its own: python -m advisor.probe.cli TARGET..."""
    parser = argparse.ArgumentParser(prog="broker-advisor probe")
    add_arguments(parser)
    args = parser.parse_args(argv)
    return run(args)


if __name__ == "__main__":
    sys.exit(main())
