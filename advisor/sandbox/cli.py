"""The `sandbox up|down|status` command line, pluggable into the main argparse CLI."""

from __future__ import annotations

import argparse
import os
import sys
import time
from typing import Any

from advisor.sandbox import checks, layout, manager, prereqs, process, rabbitmq_sandbox
from advisor.sandbox.models import Broker, SandboxState

EXIT_OK = 0
EXIT_FAILED = 1
EXIT_USAGE = 2


def _brokers_arg(value: str) -> list[Broker]:
    try:
        return manager.parse_brokers([part for part in value.split(",") if part.strip()])
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def _nodes_arg(value: str) -> int:
    try:
        nodes = int(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number: {value!r}") from None
    if nodes < 1:
        raise argparse.ArgumentTypeError("needs at least 1 node")
    return nodes


def _say(message: str) -> None:
    print(message, flush=True)


def format_state(state: SandboxState) -> str:
    """Human-readable status: one row per process, then the targets the app connects to."""
    rows = [("PROCESS", "PID", "PORTS", "HEALTH", "DETAIL")]
    for proc in state.processes:
        ports = ",".join(str(p) for p in [proc.port, *proc.extra_ports])
        rows.append((proc.name, str(proc.pid or "-"), ports, proc.health.value, proc.detail))
    widths = [max(len(row[i]) for row in rows) for i in range(4)]
    lines = [
        f"Sandbox in {state.state_dir} (Kafka {state.kafka_version}, {state.kafka_nodes} node"
        f"{'s' if state.kafka_nodes > 1 else ''}; all on 127.0.0.1)",
        "",
    ]
    lines += [
        "  ".join(cell.ljust(widths[i]) for i, cell in enumerate(row[:4])) + "  " + row[4]
        for row in rows
    ]
    targets = state.targets
    lines += [
        "",
        "Targets:",
        f"  redis               {targets.redis_url}",
        f"  redis replica       {targets.redis_replica_url}",
        f"  redis sentinel      {targets.sentinel_url}",
        f"  rabbitmq            {targets.amqp_url}",
        f"  rabbitmq management {targets.rabbitmq_management_url}  (guest/guest)",
        f"  kafka               {targets.kafka_url}",
        f"RabbitMQ user '{state.rabbitmq_advisor_user}' (vhosts / and {layout.RABBITMQ_VHOST}): "
        f"password in {state.rabbitmq_advisor_password_file}",
        f"rabbitmqctl: {rabbitmq_sandbox.cli_hint(layout.Layout(home=state.state_dir.parent))} ...",
    ]
    return "\n".join(lines)


def _cmd_up(args: argparse.Namespace) -> int:
    began = time.monotonic()
    state = manager.up(args.only, args.kafka_nodes, report=_say)
    _say(f"sandbox up in {time.monotonic() - began:.1f} s\n")
    _say(format_state(state))
    return EXIT_OK if state.is_healthy(args.only) else EXIT_FAILED


def _cmd_down(args: argparse.Namespace) -> int:
    began = time.monotonic()
    manager.down(args.only, purge=args.purge, report=_say)
    _say(
        f"sandbox down in {time.monotonic() - began:.1f} s"
        + (" (data purged)" if args.purge else "")
    )
    return EXIT_OK


def _cmd_status(args: argparse.Namespace) -> int:
    state = manager.status()
    _say(state.model_dump_json(indent=2) if args.json else format_state(state))
    if args.check and not state.is_healthy():
        return EXIT_FAILED
    return EXIT_OK


def _cmd_pause(args: argparse.Namespace) -> int:
    pid = manager.pause(args.process)
    _say(f"{args.process}: SIGSTOP sent to pid {pid}")
    return EXIT_OK


def _cmd_resume(args: argparse.Namespace) -> int:
    pid = manager.resume(args.process)
    _say(f"{args.process}: SIGCONT sent to pid {pid}")
    return EXIT_OK


def _cmd_kafka_node(args: argparse.Namespace) -> int:
    began = time.monotonic()
    if args.action == "stop":
        clean = manager.stop_kafka_node(args.node_id)
        _say(f"kafka-{args.node_id}: stopped" + ("" if clean else " (needed SIGKILL)"))
    else:
        pid = manager.start_kafka_node(args.node_id)
        _say(f"kafka-{args.node_id}: running as pid {pid}")
    _say(f"done in {time.monotonic() - began:.1f} s")
    return EXIT_OK


def run(args: argparse.Namespace) -> int:
    """Dispatch a parsed `sandbox ...` command; known failures become messages and exit codes."""
    handler = getattr(args, "sandbox_func", None)
    if handler is None:
        print("usage: sandbox {up,down,status,pause,resume,kafka-node} ...", file=sys.stderr)
        return EXIT_USAGE
    try:
        result: int = handler(args)
    except prereqs.MissingPrerequisitesError as exc:
        print(exc.message(), file=sys.stderr)
        return EXIT_USAGE
    except (layout.UnsafeStateDirError, checks.PortInUseError, process.StateFileError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except process.SpawnError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_FAILED
    except (KeyError, ValueError, RuntimeError) as exc:
        print(f"error: {exc.args[0] if exc.args else exc}", file=sys.stderr)
        return EXIT_FAILED
    except KeyboardInterrupt:
        print(
            "interrupted; brokers already started keep running (use `sandbox down`)",
            file=sys.stderr,
        )
        return 130
    return result


def register(subparsers: Any) -> None:
    """Add the `sandbox` command to a main CLI's subparsers; it sets `func` to `run`."""
    parser = subparsers.add_parser(
        "sandbox",
        help="run real Redis, RabbitMQ and Kafka brokers on 127.0.0.1",
        description=(
            "Start, stop and inspect local brokers on loopback: Redis 16379 (+ replica 16381, "
            "Sentinel 16380), RabbitMQ 15673 (management 15674), Kafka 19092... State lives in "
            f"${layout.HOME_ENV}/sandbox (default ~/.cache/broker-advisor/sandbox)."
        ),
    )
    parser.set_defaults(func=run, sandbox_func=None)
    commands = parser.add_subparsers(
        title="commands", metavar="{up,down,status,pause,resume,kafka-node}"
    )

    up = commands.add_parser("up", help="start the brokers (reuses running ones)")
    up.add_argument(
        "--only",
        type=_brokers_arg,
        default=None,
        metavar="LIST",
        help="comma-separated subset of redis,rabbitmq,kafka",
    )
    up.add_argument(
        "--kafka-nodes",
        type=_nodes_arg,
        default=None,
        metavar="N",
        help="Kafka cluster size (1 or 3; default: keep the current size, else 1). "
        "A different size recreates the Kafka cluster with empty data.",
    )
    up.set_defaults(sandbox_func=_cmd_up)

    down = commands.add_parser("down", help="stop the brokers the sandbox started")
    down.add_argument(
        "--only",
        type=_brokers_arg,
        default=None,
        metavar="LIST",
        help="comma-separated subset of redis,rabbitmq,kafka",
    )
    down.add_argument(
        "--purge", action="store_true", help="also delete their data, logs and configs"
    )
    down.set_defaults(sandbox_func=_cmd_down)

    status = commands.add_parser("status", help="pid, port, health and connection targets")
    status.add_argument("--json", action="store_true", help="print the SandboxState model as JSON")
    status.add_argument(
        "--check", action="store_true", help="exit 1 unless every process is healthy"
    )
    status.set_defaults(sandbox_func=_cmd_status)

    pause = commands.add_parser("pause", help="SIGSTOP one process (fault injection)")
    pause.add_argument("process", help="redis, redis-replica, redis-sentinel, rabbitmq or kafka-N")
    pause.set_defaults(sandbox_func=_cmd_pause)

    resume = commands.add_parser("resume", help="SIGCONT a paused process")
    resume.add_argument("process", help="redis, redis-replica, redis-sentinel, rabbitmq or kafka-N")
    resume.set_defaults(sandbox_func=_cmd_resume)

    kafka_node = commands.add_parser(
        "kafka-node", help="stop or start one Kafka node (fault injection)"
    )
    kafka_node.add_argument("action", choices=["stop", "start"])
    kafka_node.add_argument("node_id", type=_nodes_arg, metavar="N")
    kafka_node.set_defaults(sandbox_func=_cmd_kafka_node)


def main(argv: list[str] | None = None) -> int:
    """Stand-alone entry point: `python -m advisor.sandbox.cli up|down|status ...`."""
    parser = argparse.ArgumentParser(prog="broker-advisor")
    register(parser.add_subparsers(dest="command", required=True))
    args = parser.parse_args(["sandbox", *(sys.argv[1:] if argv is None else argv)])
    try:
        exit_code: int = args.func(args)
    except BrokenPipeError:
        # Output piped into `head` and closed early: not an error of the sandbox.
        sys.stdout = open(os.devnull, "w")  # noqa: SIM115 - must outlive this frame for exit
        return EXIT_OK
    return exit_code


if __name__ == "__main__":
    sys.exit(main())
