"""Benchmark the probes: PING latency vs redis-cli and bare redis-py, time to verdict, concurrency.

    python bench/probe_bench.py [--redis URL] [--amqp URL] [--kafka URL] [--budget S]

Prints figures only (no asserts). Defaults are the sandbox targets.
"""

from __future__ import annotations

import argparse
import shutil
import signal
import socket
import statistics
import subprocess
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager

import redis
from redis.backoff import NoBackoff
from redis.retry import Retry

from advisor.probe import runner
from advisor.probe.models import CheckStatus, ProbeEvent, ProbeResult
from advisor.probe.redis import checks as redis_probe
from advisor.probe.targets import parse_target
from advisor.sandbox import manager as sandbox_manager


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def ping_comparison(url: str, seconds: float) -> None:
    target = parse_target(url)
    host, port = target.endpoint.host, target.endpoint.port
    print(f"\n## PING latency against {target.display_url} (ms)")
    probe_p = []
    for _ in range(5):
        result = runner.probe(target)
        check = result.check("redis.ping_latency")
        if check is not None:
            probe_p.append(check.figures)
    if probe_p:
        print(
            "probe (5 runs x 50 PINGs):  p50 "
            + ", ".join(f"{f['p50_ms']}" for f in probe_p)
            + " | p99 "
            + ", ".join(f"{f['p99_ms']}" for f in probe_p)
        )
    client = redis.Redis(host=host, port=port, retry=Retry(NoBackoff(), 0), socket_timeout=2)
    samples = []
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        started = time.perf_counter()
        client.ping()
        samples.append((time.perf_counter() - started) * 1000)
    figures = runner.latency_figures(samples)
    print(
        f"bare redis-py loop ({seconds:g} s): p50 {figures['p50_ms']} p95 {figures['p95_ms']} "
        f"p99 {figures['p99_ms']} max {figures['max_ms']} over {figures['samples']} PINGs"
    )
    if shutil.which("redis-cli") is None:
        print("redis-cli --latency: not installed")
        return
    # --latency --raw prints "min max avg samples" (a PING every 10 ms, whole milliseconds for
    # min and max) when interrupted; so without -i, which would sample once per interval.
    proc = subprocess.run(
        [
            "timeout",
            "-s",
            "INT",
            str(seconds),
            "redis-cli",
            "-h",
            host,
            "-p",
            str(port),
            "--latency",
            "--raw",
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    lines = [ln for ln in (proc.stdout + proc.stderr).splitlines() if ln.strip()]
    last = lines[-1] if lines else "?"
    print(f"redis-cli --latency ({seconds:g} s): {last} (min max avg samples, ms)")
    if shutil.which("redis-benchmark") is not None:
        # One client, one PING at a time: the C baseline with microsecond percentiles.
        proc = subprocess.run(
            [
                "redis-benchmark",
                "-h",
                host,
                "-p",
                str(port),
                "-t",
                "ping",
                "-n",
                "20000",
                "-c",
                "1",
                "--precision",
                "3",
            ],
            capture_output=True,
            text=True,
            check=False,
            timeout=60,
        )
        lines = proc.stdout.splitlines()
        for i, line in enumerate(lines):
            if "avg" in line and "p99" in line and i + 1 < len(lines):
                names, values = line.split(), lines[i + 1].split()
                summary = " ".join(f"{n} {v}" for n, v in zip(names, values, strict=False))
                print(f"redis-benchmark PING_INLINE/MBULK, 1 client: {summary} (ms)")
                break


@contextmanager
def _silent_listener() -> Iterator[int]:
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(16)
    held: list[socket.socket] = []
    stop = threading.Event()

    def accept() -> None:
        server.settimeout(0.1)
        while not stop.is_set():
            try:
                held.append(server.accept()[0])
            except OSError:
                continue

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    try:
        yield int(server.getsockname()[1])
    finally:
        stop.set()
        thread.join(1)
        for conn in held:
            conn.close()
        server.close()


@contextmanager
def _own_redis() -> Iterator[tuple[int, subprocess.Popen[bytes]]]:
    """A private redis-server on a free port, so the bench may pause or kill it."""
    port = _free_port()
    with tempfile.TemporaryDirectory() as tmp:
        proc = subprocess.Popen(
            ["redis-server", "--port", str(port), "--save", "", "--dir", tmp],
            stdout=subprocess.DEVNULL,
        )
        try:
            client = redis.Redis(port=port, socket_timeout=1, retry=Retry(NoBackoff(), 0))
            for _ in range(100):
                try:
                    client.ping()
                    break
                except redis.RedisError:
                    time.sleep(0.05)
            yield port, proc
        finally:
            proc.send_signal(signal.SIGCONT)
            proc.terminate()
            proc.wait(5)


@contextmanager
def _paused_redis() -> Iterator[int]:
    with _own_redis() as (port, proc):
        proc.send_signal(signal.SIGSTOP)
        yield port


@contextmanager
def _long_redis_checks() -> Iterator[None]:
    """Make the PING check long, so a fault injected after the login lands inside it."""
    saved = redis_probe.PING_COUNT
    redis_probe.PING_COUNT = 1_000_000
    try:
        yield
    finally:
        redis_probe.PING_COUNT = saved


def _when_check_done(check_id: str, action: Callable[[], object]) -> Callable[[ProbeEvent], None]:
    def on_event(event: ProbeEvent) -> None:
        if event.check is not None and event.check.id == check_id:
            action()

    return on_event


def time_to_verdict(redis_url: str, amqp_url: str, kafka_url: str, budget_s: float) -> None:
    print(
        f"\n## Time to verdict per failure class (budget {budget_s:g} s, stage 3 s; "
        f"target <= {budget_s * 1.1:g} s)"
    )
    redis_port = parse_target(redis_url).endpoint.port
    amqp = parse_target(amqp_url)
    closed = _free_port()
    cases: list[tuple[str, Callable[[], Iterator[str]]]] = []

    def fixed(url: str) -> Callable[[], Iterator[str]]:
        @contextmanager
        def ctx() -> Iterator[str]:
            yield url

        return ctx  # type: ignore[return-value]

    @contextmanager
    def silent(scheme: str) -> Iterator[str]:
        with _silent_listener() as port:
            yield f"{scheme}://127.0.0.1:{port}/"

    @contextmanager
    def paused() -> Iterator[str]:
        with _paused_redis() as port:
            yield f"redis://127.0.0.1:{port}"

    amqp_host = f"127.0.0.1:{amqp.endpoint.port}"
    cases = [
        ("redis refused", fixed(f"redis://127.0.0.1:{closed}")),
        ("redis dns", fixed("redis://no-such-host.invalid")),
        ("redis silent listener", lambda: silent("redis")),
        ("redis paused (SIGSTOP)", paused),
        ("redis tls to plain port", fixed(f"rediss://127.0.0.1:{redis_port}")),
        ("redis wrong password", fixed(f"redis://:wrong@127.0.0.1:{redis_port}")),
        ("rabbitmq refused", fixed(f"amqp://127.0.0.1:{closed}/")),
        ("rabbitmq dns", fixed("amqp://no-such-host.invalid/")),
        ("rabbitmq silent listener", lambda: silent("amqp")),
        ("rabbitmq tls to plain port", fixed(f"amqps://guest:guest@{amqp_host}/")),
        ("rabbitmq wrong password", fixed(f"amqp://guest:wrong@{amqp_host}/")),
        ("rabbitmq wrong vhost", fixed(f"amqp://guest:guest@{amqp_host}/nope")),
    ]
    if kafka_url:
        kafka = parse_target(kafka_url).endpoint
        kafka_host = f"127.0.0.1:{kafka.port}"
        cases += [
            ("kafka refused", fixed(f"kafka://127.0.0.1:{closed}")),
            ("kafka dns", fixed("kafka://no-such-host.invalid:9092")),
            ("kafka silent listener", lambda: silent("kafka")),
            ("kafka tls to plain port", fixed(f"kafka+ssl://{kafka_host}")),
            ("kafka pointed at redis", fixed(f"kafka://127.0.0.1:{redis_port}")),
            ("kafka controller port", fixed(f"kafka://127.0.0.1:{kafka.port + 1}")),
        ]
    limit = budget_s * 1.1

    def report(name: str, elapsed: float, result: ProbeResult) -> None:
        failed = [c for c in result.checks if c.status is CheckStatus.FAIL]
        warned = [c for c in result.checks if c.status is CheckStatus.WARN]
        first = (failed or warned or [None])[0]
        cls = first.failure_class.value if first and first.failure_class else first and "warn"
        where = first.id if first else "-"
        verdict = "ok" if elapsed <= limit else "OVER BUDGET"
        print(f"{name:<28} {elapsed:6.3f} s  {cls or 'none':<15} at {where:<24} {verdict}")

    for name, make in cases:
        with make() as url:  # type: ignore[attr-defined]
            started = time.monotonic()
            result = runner.probe(parse_target(url), budget_s=budget_s)
            elapsed = time.monotonic() - started
        report(name, elapsed, result)

    # A broker that dies while the probe runs: killed right after the login check passed.
    with _own_redis() as (port, proc), _long_redis_checks():
        started = time.monotonic()
        result = runner.probe(
            parse_target(f"redis://127.0.0.1:{port}"),
            budget_s=budget_s,
            on_event=_when_check_done("redis.auth", proc.kill),
        )
        report("redis stopped mid-probe", time.monotonic() - started, result)

    if kafka_url and len(parse_target(kafka_url).endpoints) >= 3:
        live = kafka_url.rsplit(",", 1)[0]  # the last node is the one stopped
        try:
            with sandbox_manager.kafka_node_stopped(3):
                started = time.monotonic()
                result = runner.probe(parse_target(live), budget_s=budget_s)
                elapsed = time.monotonic() - started
        except Exception as error:  # not the sandbox's cluster: say so, keep the other figures
            print(f"kafka one node of three stopped: skipped ({error})")
        else:
            report("kafka 1 of 3 nodes stopped", elapsed, result)
            check = result.check("kafka.replication")
            if check is not None:
                under = check.figures.get("under_replicated")
                print(f"{'':<28} under-replicated partitions: {under}")


def concurrency(urls: list[str], budget_s: float, rounds: int = 5) -> None:
    print(f"\n## Concurrent probes vs the slowest alone (medians of {rounds} rounds)")
    targets = [parse_target(u) for u in urls]
    alone: list[tuple[str, float]] = []
    for target in targets:
        times = []
        status = ""
        for _ in range(rounds):
            started = time.monotonic()
            result: ProbeResult = runner.probe(target, budget_s=budget_s)
            times.append(time.monotonic() - started)
            status = result.status.value
        alone.append((f"{target.broker.value} ({status})", statistics.median(times)))
    together_times = []
    for _ in range(rounds):
        started = time.monotonic()
        runner.probe_many(targets, budget_s=budget_s)
        together_times.append(time.monotonic() - started)
    slowest = max(t for _, t in alone)
    for name, took in alone:
        print(f"alone {name:<22} {took:6.3f} s")
    together = statistics.median(together_times)
    print(
        f"together                    {together:6.3f} s  = {together / slowest:.2f}x the slowest "
        "(target <= 1.2x)"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--redis", default="redis://127.0.0.1:16379/0")
    parser.add_argument("--amqp", default="amqp://guest:guest@127.0.0.1:15673/%2F")
    parser.add_argument(
        "--kafka",
        default="kafka://127.0.0.1:19092,127.0.0.1:19094,127.0.0.1:19096",
        help="Kafka bootstrap target ('' to leave Kafka out)",
    )
    parser.add_argument("--budget", type=float, default=10.0)
    parser.add_argument("--latency-seconds", type=float, default=3.0)
    args = parser.parse_args()
    ping_comparison(args.redis, args.latency_seconds)
    time_to_verdict(args.redis, args.amqp, args.kafka, args.budget)
    urls = [args.redis, args.amqp] + ([args.kafka] if args.kafka else [])
    concurrency(urls, args.budget)


if __name__ == "__main__":
    main()
