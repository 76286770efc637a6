"""Benchmark: the load generator against each broker's own tool, side by side, in one run.

On the sandbox brokers, at one message size and the same durability settings:

- Redis: redis-benchmark (Debian's redis-tools) XADD against our producers (2 processes,
  redis-py on the hiredis parser, pipelined). Redis persistence (AOF everysec) is the server's.
- RabbitMQ: PerfTest (Maven Central com.rabbitmq:perf-test) against our pika producer and
  consumer, both with publisher confirms, persistent messages, a durable classic queue, manual
  acks and a prefetch of 100.
- Kafka: the kafka-tools ProducerPerformance (kafka-producer-perf-test) against our
  confluent-kafka (librdkafka) producer, both acks=all on a topic with 3 partitions, replication
  factor 3 (capped to the live nodes) and min.insync.replicas 2.

For each: the highest throughput (ours: messages received end to end per second while the
schedule asks for far more than the broker takes; the native tools' own figure), and p99 at a
modest fixed rate (ours from the intended send time). Targets: at least 0.5x the native tool's
throughput, p99 within 1.5x. Figures only: nothing is asserted. The brokers, both tools and
whatever else runs on this machine share its cores, so the figures describe this machine.

redis-benchmark cannot pace: its latency is a closed loop (one client, one request in flight,
the next sent when the reply is in, timed from the actual send), at whatever rate that gives.
So each Redis latency round measures, back to back at the same message size on the same
server: redis-benchmark's closed loop; our own client (the load generator's Redis producer,
redis-py on hiredis) in the same closed loop, which isolates the client's cost; and our
open-loop producer at the modest rate, timed from each message's intended send time, which is
the figure a user gets. The ratios are ours over redis-benchmark's; with several rounds the
median ratio is printed too, since a busy machine moves single figures a lot.

The two latencies are not the same measurement, and the paced one is the stricter: a closed
loop never counts the time it was not running between a reply and its next request (it sends
later instead), while the open loop counts every delay from the intended send time, the
scheduler's wake-up of the sleeping producer included (printed as "sends began ... late").
On an idle machine the two are close; on two cores that other work keeps busy, that wake-up
is most of the paced p99, and the closed-loop row shows what the client itself costs.

    python bench/loadtest_bench.py [--duration 5] [--size 1024] [--modest-rate 1000]
                                   [--rounds 3] [--brokers redis,rabbitmq,kafka]
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

from advisor import sandbox
from advisor.loadtest import latency, plan, runner, schedule
from advisor.loadtest.drivers import redis_driver
from advisor.loadtest.drivers.base import DriverSpec, Layout
from advisor.loadtest.models import LoadTestResult, PhaseResult
from advisor.probe import targets
from advisor.workload import Workload

CACHE = Path.home() / ".cache" / "broker-advisor" / "bench"
PERF_TEST = ("com.rabbitmq", "perf-test", "2.22.1")  # the newest version Maven Central serves here
KAFKA_TOOLS = ("org.apache.kafka", "kafka-tools", sandbox.KAFKA_VERSION)
MAVEN_PLUGIN = "org.apache.maven.plugins:maven-dependency-plugin:3.6.1:copy-dependencies"


def fetch_jars(group: str, artifact: str, version: str, *, transitive: bool) -> Path:
    """A directory with the artifact's jars, fetched once with Maven."""
    lib = CACHE / f"{artifact}-{version}" / "lib"
    if (lib / ".complete").exists():
        return lib
    mvn = shutil.which("mvn")
    if mvn is None:
        raise RuntimeError("mvn is needed to fetch the Java tools (apt-get install maven)")
    work = lib.parent
    work.mkdir(parents=True, exist_ok=True)
    (work / "pom.xml").write_text(
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<project xmlns="http://maven.apache.org/POM/4.0.0"><modelVersion>4.0.0</modelVersion>'
        f"<groupId>local.broker-advisor</groupId><artifactId>bench-{artifact}</artifactId>"
        "<version>1</version><packaging>pom</packaging><dependencies><dependency>"
        f"<groupId>{group}</groupId><artifactId>{artifact}</artifactId><version>{version}"
        "</version></dependency></dependencies></project>\n"
    )
    shutil.rmtree(lib, ignore_errors=True)
    command = [mvn, "-q", "-B", "-f", str(work / "pom.xml"), MAVEN_PLUGIN]
    command += [f"-DoutputDirectory={lib}", "-DincludeScope=runtime"]
    if not transitive:
        command.append("-DexcludeTransitive=true")
    subprocess.run(command, check=True, timeout=900, capture_output=True)
    (lib / ".complete").write_text(version)
    return lib


def run(command: list[str], timeout_s: float) -> str:
    done = subprocess.run(command, capture_output=True, text=True, timeout=timeout_s, check=False)
    return done.stdout + done.stderr


def bench_workload(size: int) -> Workload:
    return Workload(
        name="bench",
        avg_rate_msg_per_s=1000,
        peak_rate_msg_per_s=1000,
        avg_message_size_bytes=size,
        max_message_size_bytes=size,
        p99_latency_ms=100,
        consumption="competing_workers",
        workers=1,
        crash_may_lose_messages=False,
    )


def ours(url: str, wl: Workload, rate: float, duration_s: float, producers: int) -> PhaseResult:
    target = targets.parse_target(url)
    result: LoadTestResult = runner.loadtest(
        target,
        wl,
        duration_s=duration_s,
        rate=plan.RateChoice("fixed", rate),
        ramp=False,
        producers=producers,
    )
    if result.errors or not result.phases:
        raise RuntimeError(f"load test on {url} failed: {result.errors}")
    return result.phases[0]


# --- Redis -----------------------------------------------------------------------------------


def redis_benchmark(
    port: int, size: int, requests: int, clients: int, pipeline: int
) -> dict[str, float]:
    key = f"broker-advisor.bench.{os.getpid()}"
    payload = "x" * size  # the field's value: as long as our messages
    out = run(
        [
            "redis-benchmark",
            "-p",
            str(port),
            "-n",
            str(requests),
            "-c",
            str(clients),
            "-P",
            str(pipeline),
            "--csv",
            "XADD",
            key,
            "*",
            "p",
            payload,
        ],
        300,
    )
    run(["redis-cli", "-p", str(port), "DEL", key], 30)
    row = [line for line in out.splitlines() if line.startswith('"XADD')][-1]
    fields = [f.strip('"') for f in row.split('","')]
    return {"rps": float(fields[1]), "p50": float(fields[4]), "p99": float(fields[6])}


def closed_loop(url: str, size: int, requests: int) -> dict[str, float]:
    """Our Redis producer in redis-benchmark's loop: one XADD in flight, the next sent when its
    reply is in, timed from the actual send (the intended time is stamped just before it)."""
    target = targets.parse_target(url)
    name = f"broker-advisor.bench.closed.{os.getpid()}"
    layout = Layout(
        run_id="bench",
        name=name,
        consumption="competing_workers",
        groups=1,
        consumers_per_group=1,
        producers=1,
    )
    spec = DriverSpec(runner.connection_for(target), layout)
    admin = redis_driver.client(spec.connection)
    admin.execute_command("XGROUP", "CREATE", name, "g", "0", "MKSTREAM")  # type: ignore[no-untyped-call]
    producer = redis_driver.open_producer(spec, 0)
    body = os.urandom(max(0, size - schedule.HEADER_BYTES))
    try:
        started = time.monotonic()
        for seq in range(requests):
            header = schedule.pack_header(1, 0, seq, time.monotonic_ns(), 0)
            producer.send([(seq, 0, header + body)])
            producer.flush(2.0)
        took = time.monotonic() - started
    finally:
        producer.close()
        admin.delete(name)
        admin.close()
    found = latency.summary_ms(producer.ack_latency)
    return {"rps": producer.acked / took, "p50": found["p50"], "p99": found["p99"]}


# --- RabbitMQ ----------------------------------------------------------------------------------


def perf_test(
    lib: Path, url: str, size: int, seconds: float, rate: float | None
) -> dict[str, float]:
    queue = f"broker-advisor.bench.perftest.{os.getpid()}"
    command = ["java", "-cp", f"{lib}/*", "com.rabbitmq.perf.PerfTest", "-h", url]
    command += ["-x", "1", "-y", "1", "-s", str(size), "-z", str(int(seconds))]
    command += ["-c", "100", "-q", "100", "-f", "persistent", "-u", queue]
    command += ["--auto-delete", "true"]
    if rate:
        command += ["-r", str(int(rate))]
    out = run(command, seconds + 120)
    found: dict[str, float] = {}
    for name, key in (("sending rate avg", "sent"), ("receiving rate avg", "received")):
        match = re.search(rf"{name}: (\d+) msg/s", out)
        if match:
            found[key] = float(match[1])
    for name in ("consumer latency", "confirm latency"):
        match = re.search(
            rf"{name} min/median/75th/95th/99th (\d+)/(\d+)/(\d+)/(\d+)/(\d+) µs", out
        )
        if match:
            found[f"{name.split()[0]}_p50"] = int(match[2]) / 1000
            found[f"{name.split()[0]}_p99"] = int(match[5]) / 1000
    if "received" not in found:
        raise RuntimeError(f"PerfTest printed no summary:\n{out[-2000:]}")
    return found


# --- Kafka --------------------------------------------------------------------------------------


def producer_performance(
    lib: Path, tools: Path, bootstrap: str, size: int, records: int, throughput: float
) -> dict[str, float]:
    from confluent_kafka.admin import AdminClient, NewTopic  # type: ignore[attr-defined]

    admin = AdminClient({"bootstrap.servers": bootstrap})
    nodes = len(admin.list_topics(timeout=10).brokers)
    topic = f"broker-advisor.bench.{os.getpid()}.{int(time.time())}"
    replicas = min(3, nodes)
    config = {"min.insync.replicas": str(max(1, replicas - 1))}
    admin.create_topics([NewTopic(topic, 3, replicas, config=config)])[topic].result(30)
    try:
        log4j = sandbox.default_layout().state_dir / "log4j2-tools.xml"
        command = ["java", "-cp", f"{lib}/*:{tools}/*"]
        if log4j.exists():
            command.append(f"-Dlog4j2.configurationFile={log4j}")
        command += ["org.apache.kafka.tools.ProducerPerformance", "--topic", topic]
        command += ["--num-records", str(records), "--record-size", str(size)]
        command += ["--throughput", str(int(throughput)), "--producer-props"]
        command += [f"bootstrap.servers={bootstrap}", "acks=all"]
        out = run(command, 600)
    finally:
        admin.delete_topics([topic])[topic].result(30)
    pattern = r"records sent, ([\d.]+) records/sec .*?, ([\d.]+) ms 50th, [\d.]+ ms 95th, "
    match = re.search(pattern + r"([\d.]+) ms 99th", out)
    if match is None:
        raise RuntimeError(f"ProducerPerformance printed no summary:\n{out[-2000:]}")
    return {"rps": float(match[1]), "p50": float(match[2]), "p99": float(match[3])}


# --- output -------------------------------------------------------------------------------------


def row(
    broker: str, tool: str, rps: float | None, p50: float | None, p99: float | None, note: str = ""
) -> str:
    cells = [
        f"{rps:>10,.0f}" if rps is not None else f"{'-':>10}",
        f"{p50:>8.2f}" if p50 is not None else f"{'-':>8}",
        f"{p99:>8.2f}" if p99 is not None else f"{'-':>8}",
    ]
    return f"{broker:<9} {tool:<58} {'  '.join(cells)}  {note}"


def ratio(ours_value: float, theirs: float) -> str:
    return f"{ours_value / theirs:.2f}x" if theirs else "-"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--duration", type=float, default=5.0, help="seconds per measurement")
    parser.add_argument("--size", type=int, default=1024, help="message size in bytes")
    parser.add_argument("--modest-rate", type=float, default=1000.0, help="msg/s for the p99 row")
    parser.add_argument(
        "--rounds", type=int, default=3, help="rounds of the Redis p99 comparison (median printed)"
    )
    parser.add_argument(
        "--brokers",
        default="redis,rabbitmq,kafka",
        help="which brokers to measure, comma-separated (default: all three)",
    )
    args = parser.parse_args(argv)
    brokers = {b.strip().lower() for b in args.brokers.split(",") if b.strip()}
    unknown = brokers - {"redis", "rabbitmq", "kafka"}
    if unknown or not brokers or args.rounds < 1:
        parser.error("--brokers takes redis, rabbitmq and/or kafka; --rounds at least 1")
    state = sandbox.status()
    wanted = [b for b in sandbox.Broker if b.value in brokers]
    if not state.is_healthy(wanted):
        print("the sandbox is not healthy: broker-advisor sandbox up", file=sys.stderr)
        return 2
    urls = state.targets
    wl = bench_workload(args.size)
    seconds, size, modest = args.duration, args.size, args.modest_rate
    flood = 400_000.0  # far above what any broker here takes: the schedule falls behind
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    print(f"load average at the start: {load} (other work on this machine shares its cores)")
    print(
        f"load generator vs native tools, one run on the sandbox: {os.cpu_count()} cores, "
        f"loopback, {size:,}-byte messages, {seconds:g} s per measurement; throughput in msg/s, "
        f"latency in ms (p99 row at {modest:,.0f} msg/s)\n"
    )
    print(f"{'broker':<9} {'tool':<58} {'msg/s':>10}  {'p50':>8}  {'p99':>8}  vs native")

    # Redis
    port = int(urls.redis_url.rsplit(":", 1)[1].split("/")[0])
    if "redis" not in brokers:
        pass
    elif shutil.which("redis-benchmark") is None:
        print("Redis     redis-benchmark is missing (apt-get install redis-tools)")
    else:
        server = redis_driver.client(runner.connection_for(targets.parse_target(urls.redis_url)))
        settings = {
            (k.decode() if isinstance(k, bytes) else str(k)): (
                v.decode() if isinstance(v, bytes) else str(v)
            )
            for name in ("appendonly", "appendfsync")
            for k, v in server.config_get(name).items()
        }
        server.close()
        print(
            f"Redis: one server for both tools, appendonly {settings.get('appendonly', '?')}, "
            f"appendfsync {settings.get('appendfsync', '?')}; XADD of a {size:,}-byte field"
        )
        native = redis_benchmark(port, size, int(60_000 * seconds), 50, 1)
        piped = redis_benchmark(port, size, int(120_000 * seconds), 50, 16)
        top = ours(urls.redis_url, wl, flood, seconds, producers=2)
        print(
            row(
                "Redis",
                "redis-benchmark XADD, 50 clients",
                native["rps"],
                native["p50"],
                native["p99"],
            )
        )
        print(
            row(
                "",
                "redis-benchmark XADD, 50 clients, -P 16",
                piped["rps"],
                piped["p50"],
                piped["p99"],
            )
        )
        print(
            row(
                "",
                "broker-advisor: 2 producers (hiredis), received end to end",
                top.throughput_msg_per_s,
                None,
                None,
                f"{ratio(top.throughput_msg_per_s, native['rps'])} of 50 clients, "
                f"{ratio(top.throughput_msg_per_s, piped['rps'])} of -P 16",
            )
        )
        requests = int(modest * seconds)
        closed_ratios: list[float] = []
        paced_ratios: list[float] = []
        for round_number in range(1, args.rounds + 1):
            native_low = redis_benchmark(port, size, requests, 1, 1)
            mine_low = closed_loop(urls.redis_url, size, requests)
            low = ours(urls.redis_url, wl, modest, seconds, producers=1)
            busy = f"{low.machine_cpu:.0%}" if low.machine_cpu is not None else "?"
            print(
                f"{'':<9} p99 at a modest rate, round {round_number} of {args.rounds} "
                f"(load average {os.getloadavg()[0]:.1f}; the machine was {busy} busy "
                "during our paced run):"
            )
            print(
                row(
                    "",
                    "redis-benchmark XADD, 1 client, closed loop (cannot pace)",
                    native_low["rps"],
                    native_low["p50"],
                    native_low["p99"],
                )
            )
            print(
                row(
                    "",
                    "broker-advisor's producer, 1 client, the same closed loop",
                    mine_low["rps"],
                    mine_low["p50"],
                    mine_low["p99"],
                    f"p99 {ratio(mine_low['p99'], native_low['p99'])}",
                )
            )
            print(
                row(
                    "",
                    f"broker-advisor at {modest:,.0f} msg/s: XADD reply from intended time",
                    low.send_rate_msg_per_s,
                    low.publish_latency_ms.p50,
                    low.publish_latency_ms.p99,
                    f"p99 {ratio(low.publish_latency_ms.p99, native_low['p99'])}; sends began "
                    f"{low.send_lag_ms.p99:.1f} ms late at p99",
                )
            )
            print(
                row(
                    "",
                    f"broker-advisor at {modest:,.0f} msg/s: end to end",
                    low.throughput_msg_per_s,
                    low.latency_ms.p50,
                    low.latency_ms.p99,
                    "(XADD, XREADGROUP, XACK)",
                )
            )
            if native_low["p99"]:
                closed_ratios.append(mine_low["p99"] / native_low["p99"])
                paced_ratios.append(low.publish_latency_ms.p99 / native_low["p99"])
        if len(paced_ratios) > 1:
            print(
                f"{'':<9} median p99 ratio over {len(paced_ratios)} rounds: "
                f"closed loop {statistics.median(closed_ratios):.2f}x, "
                f"paced at {modest:,.0f} msg/s {statistics.median(paced_ratios):.2f}x "
                "(each against redis-benchmark's closed loop of the same round)"
            )

    # RabbitMQ
    try:
        lib = fetch_jars(*PERF_TEST, transitive=True) if "rabbitmq" in brokers else None
    except (RuntimeError, subprocess.SubprocessError) as error:
        print(f"RabbitMQ  PerfTest unavailable: {error}")
        lib = None
    if lib is not None:
        native = perf_test(lib, urls.amqp_url, size, seconds, None)
        native_low = perf_test(lib, urls.amqp_url, size, seconds, modest)
        top = ours(urls.amqp_url, wl, flood, seconds, producers=1)
        low = ours(urls.amqp_url, wl, modest, seconds, producers=1)
        print(
            row(
                "RabbitMQ",
                "PerfTest 1 producer 1 consumer, confirms, persistent",
                native["received"],
                native.get("consumer_p50"),
                native.get("consumer_p99"),
            )
        )
        print(
            row(
                "",
                "broker-advisor: 1 producer 1 consumer (pika), received",
                top.throughput_msg_per_s,
                None,
                None,
                ratio(top.throughput_msg_per_s, native["received"]),
            )
        )
        print(
            row(
                "",
                f"PerfTest at {modest:,.0f} msg/s: consumer latency",
                native_low["received"],
                native_low.get("consumer_p50"),
                native_low.get("consumer_p99"),
            )
        )
        print(
            row(
                "",
                f"broker-advisor at {modest:,.0f} msg/s: end to end",
                low.throughput_msg_per_s,
                low.latency_ms.p50,
                low.latency_ms.p99,
                f"p99 {ratio(low.latency_ms.p99, native_low.get('consumer_p99', 0))}",
            )
        )
        print(
            row(
                "",
                f"PerfTest at {modest:,.0f} msg/s: confirm latency",
                None,
                native_low.get("confirm_p50"),
                native_low.get("confirm_p99"),
            )
        )
        print(
            row(
                "",
                f"broker-advisor at {modest:,.0f} msg/s: confirm",
                None,
                low.publish_latency_ms.p50,
                low.publish_latency_ms.p99,
                f"p99 {ratio(low.publish_latency_ms.p99, native_low.get('confirm_p99', 0))}",
            )
        )

    # Kafka
    try:
        tools = fetch_jars(*KAFKA_TOOLS, transitive=False) if "kafka" in brokers else None
    except (RuntimeError, subprocess.SubprocessError) as error:
        print(f"Kafka     ProducerPerformance unavailable: {error}")
        tools = None
    if tools is not None:
        kafka_lib = sandbox.default_layout().kafka_lib_dir(sandbox.KAFKA_VERSION)
        bootstrap = urls.kafka_bootstrap
        native = producer_performance(kafka_lib, tools, bootstrap, size, int(80_000 * seconds), -1)
        native_low = producer_performance(
            kafka_lib, tools, bootstrap, size, int(modest * seconds), modest
        )
        top = ours(urls.kafka_url, wl, flood, seconds, producers=1)
        low = ours(urls.kafka_url, wl, modest, seconds, producers=1)
        print(
            row(
                "Kafka",
                "ProducerPerformance acks=all (Java client)",
                native["rps"],
                native["p50"],
                native["p99"],
            )
        )
        print(
            row(
                "",
                "broker-advisor: 1 producer (confluent-kafka), received",
                top.throughput_msg_per_s,
                None,
                None,
                ratio(top.throughput_msg_per_s, native["rps"]),
            )
        )
        print(
            row(
                "",
                f"ProducerPerformance at {modest:,.0f} msg/s: ack latency",
                native_low["rps"],
                native_low["p50"],
                native_low["p99"],
            )
        )
        print(
            row(
                "",
                f"broker-advisor at {modest:,.0f} msg/s: ack latency",
                low.send_rate_msg_per_s,
                low.publish_latency_ms.p50,
                low.publish_latency_ms.p99,
                f"p99 {ratio(low.publish_latency_ms.p99, native_low['p99'])}",
            )
        )
        print(
            row(
                "",
                f"broker-advisor at {modest:,.0f} msg/s: end to end",
                low.throughput_msg_per_s,
                low.latency_ms.p50,
                low.latency_ms.p99,
            )
        )
    print(
        "\nours: open-loop schedule, latency from each message's intended send time (the "
        "closed-loop row excepted); native tools: their own figures (redis-benchmark and "
        "ProducerPerformance time the request until its reply or ack, PerfTest the message "
        "until a consumer got it). Same message size and the same server settings for both: "
        "Redis persistence is the server's; RabbitMQ and Kafka as described above."
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
