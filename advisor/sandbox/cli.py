"""The `sandbox up|down|status` command line, pluggable into the main argparse CLI."""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path
from typing import Any

from advisor.i18n import N_, tr
from advisor.sandbox import checks, layout, manager, prereqs, process, rabbitmq_sandbox
from advisor.sandbox.models import Broker, Health, Mode, SandboxState

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
        raise argparse.ArgumentTypeError(tr("not a number: {value}", value=repr(value))) from None
    if nodes < 1:
        raise argparse.ArgumentTypeError(tr("needs at least 1 node"))
    return nodes


def _names_arg(value: str) -> list[str]:
    return [part.strip() for part in value.split(",") if part.strip()]


def _modes(args: argparse.Namespace) -> list[Mode]:
    return [mode for mode in Mode if getattr(args, mode.value.replace("-", "_"), False)]


def _say(message: str) -> None:
    print(message, flush=True)


def format_state(state: SandboxState) -> str:
    """Human-readable status: one row per process, then the targets the app connects to."""
    rows = [(tr("PROCESS"), "PID", tr("PORTS"), tr("HEALTH"), tr("DETAIL"))]
    for proc in state.processes:
        ports = ",".join(str(p) for p in [proc.port, *proc.extra_ports])
        detail = proc.detail + (
            f"  [--{' --'.join(m.value for m in proc.modes)}]" if proc.modes else ""
        )
        rows.append((proc.name, str(proc.pid or "-"), ports, proc.health.value, detail))
    widths = [max(len(row[i]) for row in rows) for i in range(4)]
    heading = (
        N_("Sandbox in {folder} (Kafka {version}, {nodes} nodes; all on {address})")
        if state.kafka_nodes > 1
        else N_("Sandbox in {folder} (Kafka {version}, {nodes} node; all on {address})")
    )
    lines = [
        tr(
            heading,
            folder=state.state_dir,
            version=state.kafka_version,
            nodes=state.kafka_nodes,
            address="127.0.0.1",
        ),
        "",
    ]
    lines += [
        "  ".join(cell.ljust(widths[i]) for i, cell in enumerate(row[:4])) + "  " + row[4]
        for row in rows
    ]
    targets = state.targets
    lines += [
        "",
        tr("Targets:"),
        f"  redis               {targets.redis_url}",
        f"  redis replica       {targets.redis_replica_url}",
        f"  redis sentinel      {targets.sentinel_url}",
        f"  rabbitmq            {targets.amqp_url}",
        f"  rabbitmq management {targets.rabbitmq_management_url}  (guest/guest)",
        f"  kafka               {targets.kafka_url}",
        tr(
            "RabbitMQ user '{user}' (vhosts / and {vhost}): password in {path}",
            user=state.rabbitmq_advisor_user,
            vhost=layout.RABBITMQ_VHOST,
            path=state.rabbitmq_advisor_password_file,
        ),
        f"rabbitmqctl: {rabbitmq_sandbox.cli_hint(layout.Layout(home=state.state_dir.parent))} ...",
    ]
    prod = state.production
    if prod is not None:
        lines += [
            "",
            tr(
                "Production modes ({flags}):",
                flags="--" + " --".join(m.value for m in state.modes),
            ),
            f"  redis ACL users     {prod.redis_acl_url}  "
            + tr(
                "({full}: every right, {readonly}: read-only)",
                full=prod.redis_full_user,
                readonly=prod.redis_readonly_user,
            ),
            f"  redis TLS           {prod.redis_tls_url}",
            f"  redis mutual TLS    {prod.redis_mtls_url}",
            f"  redis cluster       {prod.redis_cluster_url}",
            f"  rabbitmq mutual TLS {prod.amqps_url}",
            f"  rabbitmq TLS mgmt   {prod.rabbitmq_tls_management_url}  (guest/guest)",
            f"  kafka SASL          {prod.kafka_sasl_plaintext_url}",
            f"  kafka SASL+TLS      {prod.kafka_sasl_ssl_url}",
            f"  kafka mutual TLS    {prod.kafka_mtls_url}",
            tr(
                "Kafka user '{user}' (PLAIN and {mechanism}); local CA {path}; passwords in:",
                user=prod.kafka_user,
                mechanism=layout.KAFKA_SCRAM_MECHANISM,
                path=prod.ca_file,
            ),
        ]
        lines += [f"  {user}: {path}" for user, path in prod.password_files.items()]
    return "\n".join(lines)


def _cmd_up(args: argparse.Namespace) -> int:
    began = time.monotonic()
    chosen = _modes(args)
    state = manager.up(args.only, args.kafka_nodes, production=chosen, report=_say)
    if args.started_file is not None:
        # What this call started, one name a line: `down --process` stops exactly those.
        Path(args.started_file).write_text("".join(f"{name}\n" for name in state.started))
    _say(tr("sandbox up in {seconds} s", seconds=f"{time.monotonic() - began:.1f}") + "\n")
    _say(format_state(state))
    families = args.only or list(Broker)
    modes_ok = all(
        p.health == Health.HEALTHY
        for mode in chosen
        for p in state.mode_processes(mode)
        if p.broker in families
    )
    return EXIT_OK if state.is_healthy(args.only) and modes_ok else EXIT_FAILED


def _cmd_down(args: argparse.Namespace) -> int:
    began = time.monotonic()
    chosen = _modes(args)
    manager.down(
        args.only,
        production=chosen or None,
        names=args.process,
        purge=args.purge,
        report=_say,
    )
    _say(
        tr("sandbox down in {seconds} s", seconds=f"{time.monotonic() - began:.1f}")
        + (tr(" (data purged)") if args.purge else "")
    )
    return EXIT_OK


def _cmd_status(args: argparse.Namespace) -> int:
    state = manager.status()
    _say(state.model_dump_json(indent=2) if args.json else format_state(state))
    if args.check and not state.is_healthy(modes=state.modes):
        return EXIT_FAILED
    return EXIT_OK


def _cmd_pause(args: argparse.Namespace) -> int:
    pid = manager.pause(args.process)
    _say(
        tr("{process}: {signal} sent to pid {pid}", process=args.process, signal="SIGSTOP", pid=pid)
    )
    return EXIT_OK


def _cmd_resume(args: argparse.Namespace) -> int:
    pid = manager.resume(args.process)
    _say(
        tr("{process}: {signal} sent to pid {pid}", process=args.process, signal="SIGCONT", pid=pid)
    )
    return EXIT_OK


def _cmd_kafka_node(args: argparse.Namespace) -> int:
    began = time.monotonic()
    if args.action == "stop":
        clean = manager.stop_kafka_node(args.node_id)
        node = f"kafka-{args.node_id}"
        if clean:
            _say(tr("{process}: stopped", process=node))
        else:
            _say(tr("{process}: stopped (needed {signal})", process=node, signal="SIGKILL"))
    else:
        pid = manager.start_kafka_node(args.node_id)
        _say(tr("{process}: running as pid {pid}", process=f"kafka-{args.node_id}", pid=pid))
    _say(tr("done in {seconds} s", seconds=f"{time.monotonic() - began:.1f}"))
    return EXIT_OK


def run(args: argparse.Namespace) -> int:
    """Dispatch a parsed `sandbox ...` command; known failures become messages and exit codes."""
    handler = getattr(args, "sandbox_func", None)
    if handler is None:
        print(
            tr("usage: ") + "sandbox {up,down,status,pause,resume,kafka-node} ...", file=sys.stderr
        )
        return EXIT_USAGE
    try:
        result: int = handler(args)
    except prereqs.MissingPrerequisitesError as exc:
        print(exc.message(), file=sys.stderr)
        return EXIT_USAGE
    except (layout.UnsafeStateDirError, checks.PortInUseError, process.StateFileError) as exc:
        print(tr("error: {message}", message=exc), file=sys.stderr)
        return EXIT_USAGE
    except process.SpawnError as exc:
        print(tr("error: {message}", message=exc), file=sys.stderr)
        return EXIT_FAILED
    except (KeyError, ValueError, RuntimeError) as exc:
        print(tr("error: {message}", message=exc.args[0] if exc.args else exc), file=sys.stderr)
        return EXIT_FAILED
    except KeyboardInterrupt:
        print(
            tr(
                "interrupted; brokers already started keep running (use {command})",
                command="`sandbox down`",
            ),
            file=sys.stderr,
        )
        return 130
    return result


# The production-mode flags' help, for `up` (also start) and `down` (stop only): whole sentences
# each, as a translation needs them.
_MODE_HELP = {
    "up": (
        N_(
            "also start the TLS mode: a local CA; Redis TLS and mutual TLS, RabbitMQ amqps with "
            "client certificates, Kafka SASL_SSL and mutual TLS"
        ),
        N_(
            "also start the auth mode: Redis ACL users (full and read-only), Kafka SASL PLAIN "
            "and SCRAM-SHA-512"
        ),
        N_("also start a Redis Cluster of six nodes, three masters (ports 17001-17006)"),
    ),
    "down": (
        N_(
            "stop only the TLS mode: a local CA; Redis TLS and mutual TLS, RabbitMQ amqps with "
            "client certificates, Kafka SASL_SSL and mutual TLS"
        ),
        N_(
            "stop only the auth mode: Redis ACL users (full and read-only), Kafka SASL PLAIN "
            "and SCRAM-SHA-512"
        ),
        N_("stop only a Redis Cluster of six nodes, three masters (ports 17001-17006)"),
    ),
}


def _mode_flags(parser: argparse.ArgumentParser, command: str) -> None:
    tls, auth, cluster = _MODE_HELP[command]
    parser.add_argument("--tls", action="store_true", help=tr(tls))
    parser.add_argument("--auth", action="store_true", help=tr(auth))
    parser.add_argument("--redis-cluster", action="store_true", help=tr(cluster))


_PROCESS_HELP = N_(
    "redis, redis-replica, redis-sentinel, rabbitmq, kafka-N, or a production mode's "
    "process (redis-tls, redis-mtls, redis-cluster-N, rabbitmq-tls, kafka-secure)"
)


def register(subparsers: Any) -> None:
    """Add the `sandbox` command to a main CLI's subparsers; it sets `func` to `run`."""
    parser = subparsers.add_parser(
        "sandbox",
        help=tr("run real Redis, RabbitMQ and Kafka brokers on 127.0.0.1"),
        description=tr(
            "Start, stop and inspect local brokers on loopback: Redis 16379 (+ replica 16381, "
            "Sentinel 16380), RabbitMQ 15673 (management 15674), Kafka 19092... and, asked "
            "for, production modes beside them: --tls (a local CA; Redis TLS 16383 and mutual "
            "TLS 16384, RabbitMQ amqps 15676, Kafka SASL_SSL 19193 and mutual TLS 19194), "
            "--auth (Redis ACL users on 16382, Kafka SASL PLAIN and SCRAM on 19192/19193) and "
            "--redis-cluster (17001-17006, three masters). State lives in "
            "{folder} (default ~/.cache/broker-advisor/sandbox).",
            folder=f"${layout.HOME_ENV}/sandbox",
        ),
    )
    parser.set_defaults(func=run, sandbox_func=None)
    commands = parser.add_subparsers(
        title=tr("commands"), metavar="{up,down,status,pause,resume,kafka-node}"
    )

    up = commands.add_parser("up", help=tr("start the brokers (reuses running ones)"))
    up.add_argument(
        "--only",
        type=_brokers_arg,
        default=None,
        metavar="LIST",
        help=tr("comma-separated subset of redis,rabbitmq,kafka"),
    )
    up.add_argument(
        "--kafka-nodes",
        type=_nodes_arg,
        default=None,
        metavar="N",
        help=tr(
            "Kafka cluster size (1 or 3; default: keep the current size, else 1). "
            "A different size recreates the Kafka cluster with empty data."
        ),
    )
    _mode_flags(up, "up")
    up.add_argument(
        "--started-file",
        default=None,
        metavar="PATH",
        help=tr(
            "write the names of the processes this call started to PATH, one a line "
            "(to stop exactly those later with `down --process`)"
        ),
    )
    up.set_defaults(sandbox_func=_cmd_up)

    down = commands.add_parser("down", help=tr("stop the brokers the sandbox started"))
    down.add_argument(
        "--only",
        type=_brokers_arg,
        default=None,
        metavar="LIST",
        help=tr("comma-separated subset of redis,rabbitmq,kafka"),
    )
    _mode_flags(down, "down")
    down.add_argument(
        "--process",
        type=_names_arg,
        default=None,
        metavar="NAMES",
        help=tr("stop exactly these processes (comma-separated, e.g. what --started-file lists)"),
    )
    down.add_argument(
        "--purge", action="store_true", help=tr("also delete their data, logs and configs")
    )
    down.set_defaults(sandbox_func=_cmd_down)

    status = commands.add_parser("status", help=tr("pid, port, health and connection targets"))
    status.add_argument(
        "--json", action="store_true", help=tr("print the SandboxState model as JSON")
    )
    status.add_argument(
        "--check", action="store_true", help=tr("exit 1 unless every process is healthy")
    )
    status.set_defaults(sandbox_func=_cmd_status)

    pause = commands.add_parser("pause", help=tr("SIGSTOP one process (fault injection)"))
    pause.add_argument("process", help=tr(_PROCESS_HELP))
    pause.set_defaults(sandbox_func=_cmd_pause)

    resume = commands.add_parser("resume", help=tr("SIGCONT a paused process"))
    resume.add_argument("process", help=tr(_PROCESS_HELP))
    resume.set_defaults(sandbox_func=_cmd_resume)

    kafka_node = commands.add_parser(
        "kafka-node", help=tr("stop or start one Kafka node (fault injection)")
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
