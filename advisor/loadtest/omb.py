"""Export a workload to OpenMessaging Benchmark: workload files, driver files and payloads.

OMB (github.com/openmessaging/benchmark) runs distributed workers against a real cluster; the
files follow its formats (`io.openmessaging.benchmark.Workload`, the Kafka `Config`,
`RabbitMqConfig` and `RedisClientConfig` classes; tests/advisor/loadtest/test_omb.py checks the
fields and types against them). OMB reads these with unknown fields ignored, so a misspelt field
would silently do nothing: the test is what keeps them honest.

Layout written under DIR (to be copied into an OMB checkout, which runs from its root)::

    workloads/<name>-<broker>-{average,peak,largest,max}.yaml
    driver-kafka/<name>-kafka.yaml   driver-rabbitmq/<name>-rabbitmq.yaml
    driver-redis/<name>-redis.yaml   payload/<name>-<size>b.data   README.md

RabbitMQ's OMB driver accepts one partition per topic only, so each broker gets its own
workload files. No password is written: fill in credentials where the README says.
"""

from __future__ import annotations

import math
import os
import re
from pathlib import Path
from typing import Any

import yaml

from advisor.loadtest import plan as plan_mod
from advisor.probe.models import ProbeTarget
from advisor.recommendation import Recommendation
from advisor.workload import Broker, Consumption, Ordering, Workload

DRIVER_CLASSES = {
    Broker.KAFKA: "io.openmessaging.benchmark.driver.kafka.KafkaBenchmarkDriver",
    Broker.RABBITMQ: "io.openmessaging.benchmark.driver.rabbitmq.RabbitMqBenchmarkDriver",
    Broker.REDIS: "io.openmessaging.benchmark.driver.redis.RedisBenchmarkDriver",
}
DEFAULT_MINUTES = 15
MAX_TOPICS = 1_000
MAX_CONSUMERS = 1_000


class _Literal(str):
    """A multi-line string written as a YAML block (OMB's Kafka configs are properties text)."""


def _literal(dumper: yaml.SafeDumper, data: _Literal) -> yaml.ScalarNode:
    return dumper.represent_scalar("tag:yaml.org,2002:str", str(data), style="|")


class _Dumper(yaml.SafeDumper):
    pass


_Dumper.add_representer(_Literal, _literal)


def _dump(data: dict[str, Any]) -> str:
    return yaml.dump(data, Dumper=_Dumper, sort_keys=False, allow_unicode=True)


def slug(name: str) -> str:
    text = re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")
    return text[:60] or "workload"


def _subscriptions(workload: Workload) -> tuple[int, int]:
    """(subscriptionsPerTopic, consumerPerSubscription) for the consumption pattern."""
    if workload.consumption in (Consumption.COMPETING_WORKERS, Consumption.REQUEST_REPLY):
        return 1, max(1, min(workload.workers or 4, MAX_CONSUMERS))
    groups = max(1, min(workload.consumer_groups, MAX_CONSUMERS))
    if workload.consumption is Consumption.FAN_OUT:
        return max(2, groups), 1
    per_group = max(1, (workload.workers or groups) // groups)
    return groups, min(per_group, MAX_CONSUMERS)


def workload_files(
    workload: Workload,
    broker: Broker,
    *,
    partitions: int,
    minutes: int,
    payloads: dict[int, str],
) -> dict[str, dict[str, Any]]:
    """OMB workload documents for one broker, by file name (under workloads/)."""
    name = slug(workload.name)
    subscriptions, consumers = _subscriptions(workload)
    topics = max(1, min(workload.channels or 1, MAX_TOPICS))
    producers = max(1, min(4, math.ceil(workload.peak_rate_msg_per_s / 50_000)))
    keyed = workload.ordering is Ordering.PER_KEY
    per_topic = 1 if broker is Broker.RABBITMQ else partitions

    def doc(title: str, rate: float, size: int) -> dict[str, Any]:
        return {
            "name": f"{workload.name} ({broker.title}, {title})",
            "topics": topics,
            "partitionsPerTopic": per_topic,
            "keyDistributor": "KEY_ROUND_ROBIN" if keyed else "NO_KEY",
            "messageSize": size,
            "payloadFile": payloads[size],
            "subscriptionsPerTopic": subscriptions,
            "consumerPerSubscription": consumers,
            "producersPerTopic": producers,
            "producerRate": math.ceil(rate),
            "consumerBacklogSizeGB": 0,
            "testDurationMinutes": minutes,
            "warmupDurationMinutes": 1,
        }

    avg_size = workload.avg_message_size_bytes
    peak = max(1.0, workload.peak_rate_msg_per_s)
    files = {
        f"{name}-{broker.value}-average.yaml": doc(
            "average rate", max(1.0, workload.avg_rate_msg_per_s), avg_size
        ),
        f"{name}-{broker.value}-peak.yaml": doc("peak rate", peak, avg_size),
        # producerRate 0: OMB searches for the highest rate the cluster sustains.
        f"{name}-{broker.value}-max.yaml": doc("highest sustainable rate", 0, avg_size),
    }
    if workload.max_message_size_bytes > avg_size:
        files[f"{name}-{broker.value}-largest.yaml"] = doc(
            "peak rate, largest messages", peak, workload.max_message_size_bytes
        )
    return files


def _host_port(target: ProbeTarget | None, broker: Broker, default: int) -> list[tuple[str, int]]:
    if target is not None and target.broker is broker:
        return [(e.host, e.port) for e in target.endpoints]
    return [("localhost", default)]


def driver_files(
    workload: Workload,
    recommendation: Recommendation | None,
    targets: dict[Broker, ProbeTarget],
) -> dict[str, dict[str, Any]]:
    """OMB driver documents by relative path, with the recommended delivery settings."""
    name = slug(workload.name)
    out: dict[str, dict[str, Any]] = {}

    kafka = plan_mod.delivery_settings(workload, Broker.KAFKA, recommendation)
    hosts = _host_port(targets.get(Broker.KAFKA), Broker.KAFKA, 9092)
    acks = kafka.kafka_acks or "all"
    producer = [f"acks={acks}", "linger.ms=1", "batch.size=131072"]
    if kafka.idempotent:
        producer.insert(1, "enable.idempotence=true")
    if workload.delivery.value == "exactly_once":
        producer += ["max.in.flight.requests.per.connection=1", "retries=2147483647"]
    topic_config = [f"min.insync.replicas={kafka.min_insync_replicas or 1}"]
    if workload.retention_hours:
        topic_config.append(f"retention.ms={int(workload.retention_hours * 3_600_000)}")
    out[f"driver-kafka/{name}-kafka.yaml"] = {
        "name": "Kafka",
        "driverClass": DRIVER_CLASSES[Broker.KAFKA],
        "replicationFactor": kafka.replication_factor or 1,
        "topicConfig": _Literal("\n".join(topic_config) + "\n"),
        "commonConfig": _Literal(
            "bootstrap.servers=" + ",".join(f"{h}:{p}" for h, p in hosts) + "\n"
        ),
        "producerConfig": _Literal("\n".join(producer) + "\n"),
        "consumerConfig": _Literal(
            "auto.offset.reset=earliest\nenable.auto.commit=false\n"
            "max.partition.fetch.bytes=10485760\n"
        ),
    }

    rabbit = plan_mod.delivery_settings(workload, Broker.RABBITMQ, recommendation)
    rabbit_target = targets.get(Broker.RABBITMQ)
    uris = []
    for host, port in _host_port(rabbit_target, Broker.RABBITMQ, 5672):
        vhost = ""
        if rabbit_target is not None and (rabbit_target.vhost or "/") != "/":
            from urllib.parse import quote

            vhost = "/" + quote(rabbit_target.vhost or "", safe="")
        scheme = "amqps" if rabbit_target is not None and rabbit_target.tls else "amqp"
        uris.append(f"{scheme}://{host}:{port}{vhost}")
    out[f"driver-rabbitmq/{name}-rabbitmq.yaml"] = {
        "name": "RabbitMQ",
        "driverClass": DRIVER_CLASSES[Broker.RABBITMQ],
        "amqpUris": uris,
        "messagePersistence": rabbit.persistent,
        "queueType": (rabbit.queue_type or "classic").upper(),
        "producerCreationDelay": 100,
        "producerCreationBatchSize": 5,
        "consumerCreationDelay": 100,
        "consumerCreationBatchSize": 5,
    }

    redis_target = targets.get(Broker.REDIS)
    host, port = _host_port(redis_target, Broker.REDIS, 6379)[0]
    redis_doc: dict[str, Any] = {
        "name": "Redis",
        "driverClass": DRIVER_CLASSES[Broker.REDIS],
        "redisHost": host,
        "redisPort": port,
        "jedisPoolMaxTotal": 8,
        "jedisPoolMaxIdle": 8,
    }
    if redis_target is not None and redis_target.username:
        redis_doc["redisUser"] = redis_target.username
    out[f"driver-redis/{name}-redis.yaml"] = redis_doc
    return out


def export(
    workload: Workload,
    out_dir: Path | str,
    *,
    recommendation: Recommendation | None = None,
    duration_s: float | None = None,
    targets: dict[Broker, ProbeTarget] | None = None,
) -> list[Path]:
    """Write the OMB files for the workload under out_dir; returns the paths written."""
    if recommendation is None:
        from advisor import engine

        recommendation = engine.recommend(workload, what_if=False)
    root = Path(out_dir)
    minutes = max(1, math.ceil(duration_s / 60)) if duration_s else DEFAULT_MINUTES
    name = slug(workload.name)
    sizes = sorted({workload.avg_message_size_bytes, workload.max_message_size_bytes})
    payloads = {size: f"payload/{name}-{size}b.data" for size in sizes}
    written: list[Path] = []

    def write(relative: str, data: bytes) -> None:
        path = root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
        written.append(path)

    for size, relative in payloads.items():
        write(relative, os.urandom(size))
    partitions = recommendation.capacity.kafka_partitions if recommendation else 1
    if workload.ordering is Ordering.GLOBAL:
        partitions = 1
    for broker in Broker:
        files = workload_files(
            workload,
            broker,
            partitions=max(1, partitions),
            minutes=minutes,
            payloads=payloads,
        )
        for file_name, doc in files.items():
            write(f"workloads/{file_name}", _dump(doc).encode())
    for relative, doc in driver_files(workload, recommendation, targets or {}).items():
        write(relative, _dump(doc).encode())
    write("README.md", _readme(workload, name, written, root).encode())
    return written


def _readme(workload: Workload, name: str, written: list[Path], root: Path) -> str:
    workloads = sorted(p.relative_to(root).as_posix() for p in written if "workloads/" in str(p))
    lines = [
        f"# OpenMessaging Benchmark files for '{workload.name}'",
        "",
        "Written by `broker-advisor loadtest --export-omb`. Copy `workloads/`, `payload/` and the",
        "`driver-*` files into a checkout of https://github.com/openmessaging/benchmark and run",
        "from its root, for example:",
        "",
        "```",
        f"bin/benchmark --drivers driver-kafka/{name}-kafka.yaml workloads/{name}-kafka-peak.yaml",
        f"bin/benchmark --drivers driver-rabbitmq/{name}-rabbitmq.yaml "
        f"workloads/{name}-rabbitmq-peak.yaml",
        f"bin/benchmark --drivers driver-redis/{name}-redis.yaml workloads/{name}-redis-peak.yaml",
        "```",
        "",
        "No password is written. Add credentials where your cluster needs them: Kafka's",
        "`commonConfig` (security.protocol, sasl.jaas.config), RabbitMQ's `amqpUris`",
        "(amqp://user:password@host), Redis's `redisPass`.",
        "",
        "The `-max` files set producerRate 0: OMB then searches for the highest rate the",
        "cluster sustains. Workload files:",
        "",
        *[f"- `{w}`" for w in workloads],
        "",
    ]
    return "\n".join(lines)
