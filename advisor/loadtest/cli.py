"""The `loadtest` and `bakeoff` subcommands.

    broker-advisor loadtest TARGET --workload FILE [--duration S] [--rate avg|peak|N] [--json]
                            [--yes] [--management-url URL] [--producers N]
    broker-advisor loadtest [TARGET] --workload FILE --export-omb DIR
    broker-advisor bakeoff --workload FILE [--duration S] [--rate ...] [--json]

Exit status: 0 when every verdict passed or warned, 1 when one failed (or the test could not
run), 2 on bad input, a refused target or one that cannot be used (nothing listening, a refused
login, no answer, a read-only replica, a Sentinel that knows no such master: checked before
anything is created), 130 when interrupted. Ctrl-C cancels the load, waits
for the cleanup (a second Ctrl-C stops waiting) and prints what was measured.
"""

from __future__ import annotations

import argparse
import json
import math
import signal
import sys
import threading
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from types import FrameType
from typing import Any, TextIO

from advisor.i18n import tr
from advisor.loadtest import plan
from advisor.loadtest.models import BakeoffResult, LoadEvent, LoadTestResult, PhaseResult
from advisor.probe.models import CheckStatus

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


def register(subparsers: Any) -> None:
    """Add `loadtest` and `bakeoff` to the main CLI's subcommands."""
    load = subparsers.add_parser(
        "loadtest",
        help=tr("drive a workload's load against a broker and judge it"),
        description=tr(
            "Send the workload's messages (its sizes, average and peak rates, "
            "consumption pattern and the recommended delivery settings) to a real broker, "
            "measure end-to-end latency from each message's intended send time, find where it "
            "saturates, and judge the workload's requirements. Temporary resources are named "
            "broker-advisor.loadtest.<run-id> and removed afterwards. Credentials never appear "
            "in the output."
        ),
    )
    load.add_argument(
        "target",
        nargs="?",
        metavar="TARGET",
        help=tr(
            "redis://, redis+sentinel://host:port/MASTER, amqp://, kafka:// address (only "
            "loopback unless --yes)"
        ),
    )
    _common(load)
    load.add_argument(
        "--yes",
        action="store_true",
        help=tr("run against a target that is not this machine's loopback (it gets real load)"),
    )
    load.add_argument(
        "--management-url",
        metavar="URL",
        help=tr("RabbitMQ management API (queue depth, memory alarms), e.g. http://host:15672"),
    )
    load.add_argument(
        "--export-omb",
        metavar="DIR",
        help=tr(
            "write OpenMessaging Benchmark workload and driver files to DIR instead of running"
        ),
    )
    load.set_defaults(func=run_loadtest_command)

    bake = subparsers.add_parser(
        "bakeoff",
        help=tr("run the same load against the sandbox's Redis, RabbitMQ and Kafka"),
        description=tr(
            "Run the workload's load test against each sandbox broker in turn and show "
            "them side by side: one machine, loopback, the sandbox's versions."
        ),
    )
    _common(bake)
    bake.set_defaults(func=run_bakeoff_command)


def _common(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--workload", metavar="FILE", required=True, help=tr("workload YAML/JSON"))
    parser.add_argument(
        "--duration",
        type=float,
        default=plan.DEFAULT_DURATION_S,
        metavar="S",
        help=tr("seconds per constant-rate phase (default %(default)g; the ramp takes as long)"),
    )
    parser.add_argument(
        "--rate",
        metavar="avg|peak|N",
        help=tr(
            "run one constant rate only: the workload's average, its peak, or N msg/s "
            "(default: average, peak, then a ramp to saturation)"
        ),
    )
    parser.add_argument(
        "--producers",
        type=int,
        default=1,
        metavar="N",
        help=tr(
            "producer processes (default %(default)s, at most {most})", most=plan.MAX_PRODUCERS
        ),
    )
    parser.add_argument("--json", action="store_true", help=tr("print the result as JSON"))


def _error(message: str) -> int:
    print(tr("error: {message}", message=message), file=sys.stderr)
    return EXIT_USAGE


def _inputs(args: argparse.Namespace) -> tuple[Any, plan.RateChoice] | str:
    from advisor import workload

    if not math.isfinite(args.duration) or not (
        plan.MIN_DURATION_S <= args.duration <= plan.MAX_DURATION_S
    ):
        return tr(
            "{option} must be between {low} and {high} seconds (got {value})",
            option="--duration",
            low=f"{plan.MIN_DURATION_S:g}",
            high=f"{plan.MAX_DURATION_S:g}",
            value=repr(args.duration),
        )
    if not 1 <= args.producers <= plan.MAX_PRODUCERS:
        return tr(
            "{option} must be between {low} and {high} (got {value})",
            option="--producers",
            low=1,
            high=plan.MAX_PRODUCERS,
            value=args.producers,
        )
    try:
        rate = plan.RateChoice.parse(args.rate)
    except ValueError as error:
        return str(error)
    try:
        return workload.load_workload(args.workload), rate
    except workload.WorkloadFileError as error:
        return (
            tr("cannot use workload file {path}:", path=error.path)
            + " "
            + tr("; ").join(error.problems)
        )


@contextmanager
def _interruptible(cancel: threading.Event) -> Iterator[list[float]]:
    """First Ctrl-C sets `cancel` (the run cleans up and returns); a second one raises."""
    presses: list[float] = []

    def on_sigint(signum: int, frame: FrameType | None) -> None:
        presses.append(1.0)
        if len(presses) == 1:
            cancel.set()
            print(
                tr(
                    "interrupted: stopping the load and cleaning up… ({key} again to stop waiting)",
                    key="Ctrl-C",
                ),
                file=sys.stderr,
                flush=True,
            )
        else:
            raise KeyboardInterrupt

    in_main = threading.current_thread() is threading.main_thread()
    previous = signal.signal(signal.SIGINT, on_sigint) if in_main else None
    try:
        yield presses
    finally:
        if in_main:
            signal.signal(signal.SIGINT, previous)


def _progress(prefix: str = "") -> Callable[[LoadEvent], None]:
    def show(event: LoadEvent) -> None:
        if event.kind == "tick":
            if not sys.stderr.isatty():
                return
            text = (
                "\r"
                + prefix
                + tr(
                    "{phase}: sending {sent}/s, receiving {received}/s, p99 {p99} ms, "
                    "{elapsed} s of {budget} s",
                    phase=plan.phase_title(event.phase) if event.phase else "…",
                    sent=f"{event.send_rate_msg_per_s:,.0f}",
                    received=f"{event.receive_rate_msg_per_s:,.0f}",
                    p99=f"{event.p99_ms:,.1f}",
                    elapsed=f"{event.elapsed_s:.0f}",
                    budget=f"{event.budget_s:.0f}",
                )
            )
            print(f"{text:<100}", end="", file=sys.stderr, flush=True)
            return
        clear = "\r" + " " * 100 + "\r" if sys.stderr.isatty() else ""
        print(f"{clear}{prefix}{event.message or event.kind}", file=sys.stderr, flush=True)

    return show


def run_loadtest_command(args: argparse.Namespace) -> int:
    from advisor.loadtest import runner
    from advisor.probe import targets

    found = _inputs(args)
    if isinstance(found, str):
        return _error(found)
    wl, rate = found
    target = None
    if args.target:
        try:
            target = targets.parse_target(args.target, management_url=args.management_url)
        except targets.TargetError as error:
            return _error(str(error))
    elif args.management_url:
        return _error(
            tr(
                "{option} needs a RabbitMQ ({scheme}) TARGET",
                option="--management-url",
                scheme="amqp://",
            )
        )
    if args.export_omb:
        from advisor.loadtest import omb

        explicit = args.duration if args.duration != plan.DEFAULT_DURATION_S else None
        written = omb.export(
            wl,
            args.export_omb,
            duration_s=explicit,
            targets={target.broker: target} if target is not None else None,
        )
        if args.json:
            print(json.dumps([str(p) for p in written], indent=2))
        else:
            print(
                tr(
                    "wrote {count} OpenMessaging Benchmark files to {folder}:",
                    count=len(written),
                    folder=args.export_omb,
                )
            )
            for path in written:
                print(f"  {path}")
        return EXIT_OK
    if target is None:
        return _error(
            tr("a TARGET is needed (or {option} to write OMB files)", option="--export-omb DIR")
        )
    cancel = threading.Event()
    try:
        with _interruptible(cancel):
            result = runner.loadtest(
                target,
                wl,
                on_event=_progress(),
                duration_s=args.duration,
                rate=rate,
                producers=args.producers,
                cancel=cancel,
                allow_remote=args.yes,
            )
    except runner.LoadTestRefusedError as error:
        return _error(str(error))
    if args.json:
        print(result.model_dump_json(indent=2))
    else:
        render(result, sys.stdout)
    if result.cancelled:
        return EXIT_INTERRUPTED
    return EXIT_FAILED if result.failed else EXIT_OK


def run_bakeoff_command(args: argparse.Namespace) -> int:
    from advisor.loadtest import bakeoff

    found = _inputs(args)
    if isinstance(found, str):
        return _error(found)
    wl, rate = found
    cancel = threading.Event()
    shows: dict[str, Callable[[LoadEvent], None]] = {}

    def on_event(broker: Any, event: LoadEvent) -> None:
        show = shows.setdefault(broker.value, _progress(f"[{broker.value}] "))
        show(event)

    with _interruptible(cancel):
        result = bakeoff.bakeoff(
            wl,
            on_event=on_event,
            duration_s=args.duration,
            rate=rate,
            producers=args.producers,
            cancel=cancel,
        )
    if args.json:
        print(result.model_dump_json(indent=2))
    else:
        render_bakeoff(result, sys.stdout)
    if cancel.is_set():
        return EXIT_INTERRUPTED
    if not result.results or any(r.failed for r in result.results):
        return EXIT_FAILED
    return EXIT_OK


# --- text output ---------------------------------------------------------------------------------


def _ms(value: float) -> str:
    return f"{value:,.1f}" if value < 100 else f"{value:,.0f}"


def _limit_word(value: str) -> str:
    """A limiter's value (data) as the language words it; English shows the value itself."""
    words = value.replace("_", " ")
    worded = tr(words)
    return value if worded == words else worded


def _phase_row(phase: PhaseResult) -> str:
    lat = phase.latency_ms
    limit = "-" if phase.sustained else _limit_word(phase.limited_by.value)
    return (
        f"  {plan.phase_title(phase.name):<20} {phase.target_rate_msg_per_s:>10,.0f} "
        f"{phase.send_rate_msg_per_s:>10,.0f} {phase.throughput_msg_per_s:>10,.0f} "
        f"{_ms(lat.p50):>8} {_ms(lat.p90):>8} "
        f"{_ms(lat.p99):>8} {_ms(lat.p999):>8} {_ms(lat.max):>8}  {limit}"
    )


def render(result: LoadTestResult, out: TextIO) -> None:
    """A readable report of one load test."""
    p = result.plan
    server = " ".join(v for v in (result.server.get("product"), result.server.get("version")) if v)
    out.write(
        "\n"
        + tr(
            "load test  {target}  ({server})",
            target=result.target,
            server=server or result.broker.title,
        )
        + "\n"
    )
    if result.server.get("persistence"):
        out.write("  " + tr("broker: {text}", text=result.server["persistence"]) + "\n")
    out.write(
        "  "
        + tr(
            "workload '{name}': {consumption}, {modelled}",
            name=p.workload_name,
            consumption=p.consumption.value.replace("_", " "),
            modelled=p.modelled_as,
        )
        + "\n"
    )
    sizes = tr("{size} B average", size=f"{p.avg_message_bytes:,}")
    if p.large_every:
        sizes += tr(
            " ({small} B, and {large} B every {every}th message)",
            small=f"{p.small_message_bytes:,}",
            large=f"{p.max_message_bytes:,}",
            every=p.large_every,
        )
    out.write(
        "  "
        + tr(
            "messages: {sizes}; {producers} producer process(es)",
            sizes=sizes,
            producers=p.producers,
        )
        + "\n"
    )
    from advisor import views

    settings = tr(
        "{settings} (from {source})",
        settings=views.delivery_text(p.delivery),
        source=p.delivery.source,
    )
    out.write("  " + tr("delivery: {text}", text=settings) + "\n")
    out.write(
        "  "
        + tr(
            "measured by: {client}, on {cores} cores ({machine}); latency from each message's "
            "intended send time",
            client=result.environment.client,
            cores=result.environment.cores,
            machine=result.environment.machine,
        )
        + "\n\n"
    )
    out.write(
        f"  {tr('PHASE'):<20} {tr('TARGET/S'):>10} {tr('SENT/S'):>10} {tr('RECV/S'):>10} "
        f"{'p50 ms':>8} {'p90':>8} {'p99':>8} {'p99.9':>8} {'max':>8}  {tr('LIMIT')}\n"
    )
    for phase in result.phases + result.saturation.steps:
        out.write(_phase_row(phase) + "\n")
        if not phase.sustained and phase.limit_figure:
            out.write(f"        {phase.limit_figure}\n")
    sat = result.saturation
    if sat.measured:
        out.write("\n  " + tr("saturation: {text}", text=sat.message) + "\n")
    totals = tr(
        "sent {sent} · acknowledged {acknowledged} · received by every receiver {received} · "
        "lost {lost} · duplicates {duplicates}",
        sent=f"{result.sent:,}",
        acknowledged=f"{result.acknowledged:,}",
        received=f"{result.received:,}",
        lost=f"{result.lost:,}",
        duplicates=f"{result.duplicates:,}",
    )
    if result.failed_publishes:
        totals += tr(" · failed publishes {count}", count=f"{result.failed_publishes:,}")
    out.write("\n  " + totals + "\n")
    if result.broker_reported:
        shown = ", ".join(f"{k}={v}" for k, v in result.broker_reported.items())
        out.write("  " + tr("broker reported (peaks): {figures}", figures=shown) + "\n")
    for note in result.notes:
        out.write("  " + tr("note: {text}", text=note) + "\n")
    for error in result.errors:
        out.write("  " + tr("error: {message}", message=error) + "\n")
    if result.verdicts:
        out.write("  " + tr("verdicts for the workload:") + "\n")
        for verdict in result.verdicts:
            out.write(f"  {_MARK[verdict.status]}  {verdict.requirement:<15} {verdict.message}\n")
            if verdict.advice and verdict.status is not CheckStatus.PASS:
                out.write("        " + tr("advice: {text}", text=verdict.advice) + "\n")
    clean = result.cleanup
    cleanup = tr(
        "removed {resources}; left behind: {leftovers}",
        resources=tr(", ").join(clean.resources) or tr("nothing"),
        leftovers=tr(", ").join(clean.leftovers) if clean.leftovers else tr("none"),
    )
    if clean.problems:
        cleanup += tr("; problems: {list}", list=tr("; ").join(clean.problems))
    out.write("  " + tr("cleanup: {text}", text=cleanup) + "\n")
    out.flush()


def _cell_rows(results: Sequence[LoadTestResult]) -> list[tuple[str, list[str]]]:
    def phase(r: LoadTestResult, kind: str) -> PhaseResult | None:
        return next((p for p in r.phases if p.kind.value == kind), None)

    def lat(p: PhaseResult | None) -> str:
        if p is None:
            return "-"
        return f"{_ms(p.latency_ms.p50)} / {_ms(p.latency_ms.p99)} / {_ms(p.latency_ms.max)}"

    def thr(p: PhaseResult | None) -> str:
        if p is None:
            return "-"
        mark = "" if p.sustained else f" ({_limit_word(p.limited_by.value)})"
        return (
            tr(
                "{received} of {target}",
                received=f"{p.throughput_msg_per_s:,.0f}",
                target=f"{p.target_rate_msg_per_s:,.0f}",
            )
            + mark
        )

    def sat(r: LoadTestResult) -> str:
        s = r.saturation
        if not s.measured:
            return tr("not measured")
        if s.unsustained_msg_per_s is None:
            return tr("≥ {rate} (not reached)", rate=f"{s.sustained_msg_per_s or 0:,.0f}")
        return (
            f"{s.sustained_msg_per_s or 0:,.0f}–{s.unsustained_msg_per_s:,.0f} "
            f"({_limit_word(s.limited_by.value)})"
        )

    def verdicts(r: LoadTestResult) -> str:
        counts: dict[str, int] = {}
        for v in r.verdicts:
            counts[v.status.value] = counts.get(v.status.value, 0) + 1
        return tr(", ").join(f"{n} {tr(k)}" for k, n in sorted(counts.items())) or "-"

    def delivery(r: LoadTestResult) -> str:
        d = r.plan.delivery
        if r.broker.value == "kafka":
            return tr(
                "{acks}, RF {factor}", acks=f"acks={d.kafka_acks}", factor=d.replication_factor
            )
        if r.broker.value == "rabbitmq":
            if d.publisher_confirms:
                return tr("{queue_type} queue, confirms", queue_type=d.queue_type)
            return tr("{queue_type} queue, no confirms", queue_type=d.queue_type)
        if d.consumer_acks:
            return tr("{structure}, acks", structure=d.redis_mode)
        return tr("{structure}, no acks", structure=d.redis_mode)

    return [
        (tr("pattern"), [r.plan.modelled_as.split(" (")[0] for r in results]),
        (tr("delivery"), [delivery(r) for r in results]),
        (tr("average: msg/s received"), [thr(phase(r, "average")) for r in results]),
        (tr("average: p50/p99/max ms"), [lat(phase(r, "average")) for r in results]),
        (tr("peak: msg/s received"), [thr(phase(r, "peak")) for r in results]),
        (tr("peak: p50/p99/max ms"), [lat(phase(r, "peak")) for r in results]),
        (tr("saturation msg/s"), [sat(r) for r in results]),
        (tr("lost / duplicates"), [f"{r.lost:,} / {r.duplicates:,}" for r in results]),
        (tr("verdicts"), [verdicts(r) for r in results]),
        (tr("leftovers"), [str(len(r.cleanup.leftovers)) for r in results]),
    ]


def render_bakeoff(result: BakeoffResult, out: TextIO) -> None:
    """The brokers side by side, labelled as what the figures are."""
    out.write("\n" + tr("bake-off: '{name}'", name=result.workload_name) + f"\n{result.label}\n\n")
    if result.results:
        heads = [
            f"{r.server.get('product', r.broker.title)} {r.server.get('version', '')}".strip()
            for r in result.results
        ]
        rows = _cell_rows(result.results)
        first = max(len(name) for name, _ in rows)
        widths = [max(len(h), *(len(cells[i]) for _, cells in rows)) for i, h in enumerate(heads)]
        out.write(
            " " * (first + 2)
            + "  ".join(h.ljust(w) for h, w in zip(heads, widths, strict=True))
            + "\n"
        )
        for name, cells in rows:
            out.write(
                f"{name:<{first}}  "
                + "  ".join(c.ljust(w) for c, w in zip(cells, widths, strict=True))
                + "\n"
            )
    for broker, why in result.skipped.items():
        out.write(tr("not run: {broker}: {reason}", broker=broker, reason=why) + "\n")
    for r in result.results:
        for verdict in r.verdicts:
            if verdict.status in (CheckStatus.FAIL, CheckStatus.WARN):
                out.write(
                    f"{r.broker.value}: {_MARK[verdict.status]} {verdict.requirement}: "
                    f"{verdict.message}\n"
                )
    out.flush()


def main(argv: Sequence[str] | None = None) -> int:
    """Run `loadtest` on its own: python -m advisor.loadtest.cli TARGET --workload FILE."""
    parser = argparse.ArgumentParser(prog="broker-advisor")
    sub = parser.add_subparsers(dest="command", required=True)
    register(sub)
    args = parser.parse_args(argv)
    return int(args.func(args))


if __name__ == "__main__":
    sys.exit(main())
