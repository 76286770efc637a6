"""OpenMessaging Benchmark export: every field written is one OMB's Java classes define, with
the right type, and the payload files have the size the workload says.

OMB reads these files with Jackson and FAIL_ON_UNKNOWN_PROPERTIES off, so a misspelt field
would be ignored silently; this table is what catches it. It was read from the OMB repository
(github.com/openmessaging/benchmark) at commit OMB_COMMIT: Workload.java and
DriverConfiguration.java in benchmark-framework, driver-kafka's Config.java, driver-rabbitmq's
RabbitMqConfig.java and driver-redis's RedisClientConfig.java. When a clone of that repository is
at hand (OMB_REPO, default /work/.mirror/openmessaging+benchmark/repo), the table itself is
checked against the Java sources at that commit.
"""

from __future__ import annotations

import os
import re
import subprocess
from pathlib import Path
from typing import Any

import pytest
import yaml

from advisor import workload as workload_mod
from advisor.loadtest import omb
from advisor.probe import targets
from advisor.workload import Broker

OMB_COMMIT = "85599891321cafa2fb7065a63f009b4bb5374288"
OMB_REPO = Path(os.environ.get("OMB_REPO", "/work/.mirror/openmessaging+benchmark/repo"))

ENUMS = {
    "KeyDistributorType": {"NO_KEY", "KEY_ROUND_ROBIN", "RANDOM_NANO"},
    "QueueType": {"CLASSIC", "QUORUM", "STREAM"},
}
# class file -> {field: Java type}
CLASSES: dict[str, dict[str, str]] = {
    "benchmark-framework/src/main/java/io/openmessaging/benchmark/Workload.java": {
        "name": "String",
        "topics": "int",
        "partitionsPerTopic": "int",
        "keyDistributor": "KeyDistributorType",
        "messageSize": "int",
        "useRandomizedPayloads": "boolean",
        "randomBytesRatio": "double",
        "randomizedPayloadPoolSize": "int",
        "payloadFile": "String",
        "subscriptionsPerTopic": "int",
        "producersPerTopic": "int",
        "consumerPerSubscription": "int",
        "producerRate": "int",
        "consumerBacklogSizeGB": "long",
        "backlogDrainRatio": "double",
        "testDurationMinutes": "int",
        "warmupDurationMinutes": "int",
    },
    "benchmark-framework/src/main/java/io/openmessaging/benchmark/DriverConfiguration.java": {
        "name": "String",
        "driverClass": "String",
    },
    "driver-kafka/src/main/java/io/openmessaging/benchmark/driver/kafka/Config.java": {
        "replicationFactor": "short",
        "topicConfig": "String",
        "commonConfig": "String",
        "producerConfig": "String",
        "consumerConfig": "String",
    },
    "driver-rabbitmq/src/main/java/io/openmessaging/benchmark/driver/rabbitmq/RabbitMqConfig.java": {
        "amqpUris": "List<String>",
        "messagePersistence": "boolean",
        "queueType": "QueueType",
        "producerCreationDelay": "long",
        "producerCreationBatchSize": "int",
        "consumerCreationDelay": "long",
        "consumerCreationBatchSize": "int",
    },
    "driver-redis/src/main/java/io/openmessaging/benchmark/driver/redis/client/RedisClientConfig.java": {
        "redisHost": "String",
        "redisUser": "String",
        "redisPass": "String",
        "redisPort": "Integer",
        "jedisPoolMaxTotal": "Integer",
        "jedisPoolMaxIdle": "Integer",
    },
}
WORKLOAD, DRIVER, KAFKA, RABBITMQ, REDIS = CLASSES.values()
DRIVER_FIELDS = {
    "driver-kafka": {**DRIVER, **KAFKA},
    "driver-rabbitmq": {**DRIVER, **RABBITMQ},
    "driver-redis": {**DRIVER, **REDIS},
}
DRIVER_CLASS_FILES = {
    "io.openmessaging.benchmark.driver.kafka.KafkaBenchmarkDriver": "driver-kafka/src/main/java/io/openmessaging/benchmark/driver/kafka/KafkaBenchmarkDriver.java",
    "io.openmessaging.benchmark.driver.rabbitmq.RabbitMqBenchmarkDriver": "driver-rabbitmq/src/main/java/io/openmessaging/benchmark/driver/rabbitmq/RabbitMqBenchmarkDriver.java",
    "io.openmessaging.benchmark.driver.redis.RedisBenchmarkDriver": "driver-redis/src/main/java/io/openmessaging/benchmark/driver/redis/RedisBenchmarkDriver.java",
}
INT_RANGES = {
    "short": (-(2**15), 2**15 - 1),
    "int": (-(2**31), 2**31 - 1),
    "Integer": (-(2**31), 2**31 - 1),
    "long": (-(2**63), 2**63 - 1),
}


def conforms(value: Any, java: str) -> bool:
    if java in INT_RANGES:
        low, high = INT_RANGES[java]
        return isinstance(value, int) and not isinstance(value, bool) and low <= value <= high
    if java == "boolean":
        return isinstance(value, bool)
    if java == "double":
        return isinstance(value, int | float) and not isinstance(value, bool)
    if java == "String":
        return isinstance(value, str)
    if java == "List<String>":
        return isinstance(value, list) and all(isinstance(v, str) for v in value)
    if java in ENUMS:
        return value in ENUMS[java]
    raise AssertionError(f"no rule for Java type {java}")


def check(doc: dict[str, Any], fields: dict[str, str], where: str) -> None:
    for key, value in doc.items():
        assert key in fields, f"{where}: {key!r} is not a field OMB defines"
        assert conforms(value, fields[key]), f"{where}: {key}={value!r} is not a {fields[key]}"


PRESETS = sorted(Path("assets/presets").glob("*.yaml"))


@pytest.fixture(params=PRESETS, ids=[p.stem for p in PRESETS])
def exported(request: pytest.FixtureRequest, tmp_path: Path) -> tuple[Any, Path, list[Path]]:
    wl = workload_mod.load_workload(request.param)
    written = omb.export(wl, tmp_path)
    return wl, tmp_path, written


def test_every_file_uses_omb_fields_and_types(exported: tuple[Any, Path, list[Path]]) -> None:
    _wl, root, written = exported
    yamls = [p for p in written if p.suffix == ".yaml"]
    assert {p.parent.name for p in yamls} == {
        "workloads",
        "driver-kafka",
        "driver-rabbitmq",
        "driver-redis",
    }
    for path in yamls:
        doc = yaml.safe_load(path.read_text())
        where = str(path.relative_to(root))
        if path.parent.name == "workloads":
            check(doc, WORKLOAD, where)
            payload = root / doc["payloadFile"]
            # OMB's FilePayloadReader refuses a payload whose length is not messageSize.
            assert payload.stat().st_size == doc["messageSize"], where
            assert doc["producerRate"] >= 0 and doc["testDurationMinutes"] >= 1
            if path.stem.rsplit("-", 2)[-2] == "rabbitmq":
                assert doc["partitionsPerTopic"] == 1  # RabbitMqBenchmarkDriver refuses others
        else:
            check(doc, DRIVER_FIELDS[path.parent.name], where)
            assert doc["driverClass"] in DRIVER_CLASS_FILES
    assert (root / "README.md").exists()


def test_workloads_follow_the_workload(exported: tuple[Any, Path, list[Path]]) -> None:
    wl, root, _written = exported
    name = omb.slug(wl.name)
    peak = yaml.safe_load((root / f"workloads/{name}-kafka-peak.yaml").read_text())
    average = yaml.safe_load((root / f"workloads/{name}-redis-average.yaml").read_text())
    assert peak["producerRate"] >= wl.peak_rate_msg_per_s
    assert average["producerRate"] >= wl.avg_rate_msg_per_s
    assert peak["messageSize"] == wl.avg_message_size_bytes
    expected_key = "KEY_ROUND_ROBIN" if wl.ordering.value == "per_key" else "NO_KEY"
    assert peak["keyDistributor"] == expected_key
    if wl.consumption.value == "fan_out":
        assert peak["subscriptionsPerTopic"] >= 2 and peak["consumerPerSubscription"] == 1
    if wl.consumption.value == "competing_workers":
        assert peak["subscriptionsPerTopic"] == 1
    if wl.max_message_size_bytes > wl.avg_message_size_bytes:
        largest = yaml.safe_load((root / f"workloads/{name}-kafka-largest.yaml").read_text())
        assert largest["messageSize"] == wl.max_message_size_bytes
    maximum = yaml.safe_load((root / f"workloads/{name}-kafka-max.yaml").read_text())
    assert maximum["producerRate"] == 0  # OMB then finds the highest sustainable rate


def _properties(text: str) -> dict[str, str]:
    pairs = [line.split("=", 1) for line in text.splitlines() if line.strip()]
    assert all(len(p) == 2 for p in pairs), text
    return {k.strip(): v.strip() for k, v in pairs}


def test_driver_settings_follow_the_recommendation(tmp_path: Path) -> None:
    audit = workload_mod.load_workload("assets/presets/audit-log.yaml")  # loss forbidden
    omb.export(audit, tmp_path)
    kafka = yaml.safe_load(
        (tmp_path / "driver-kafka/audit-log-and-event-sourcing-kafka.yaml").read_text()
    )
    producer = _properties(kafka["producerConfig"])
    assert producer["acks"] == "all" and producer["enable.idempotence"] == "true"
    assert kafka["replicationFactor"] == 3
    assert _properties(kafka["topicConfig"])["min.insync.replicas"] == "2"
    assert _properties(kafka["commonConfig"])["bootstrap.servers"] == "localhost:9092"
    rabbit = yaml.safe_load(
        (tmp_path / "driver-rabbitmq/audit-log-and-event-sourcing-rabbitmq.yaml").read_text()
    )
    assert rabbit["messagePersistence"] is True

    rpc = workload_mod.load_workload("assets/presets/rpc-pricing-service.yaml")  # may lose
    out = tmp_path / "rpc"
    omb.export(rpc, out)
    rabbit = yaml.safe_load(next((out / "driver-rabbitmq").glob("*.yaml")).read_text())
    assert rabbit["messagePersistence"] is False and rabbit["queueType"] == "CLASSIC"


def test_targets_fill_addresses_without_passwords(tmp_path: Path) -> None:
    wl = workload_mod.load_workload("assets/presets/order-processing.yaml")
    secret = "s3cr3t-Pw"
    chosen = {
        Broker.RABBITMQ: targets.parse_target(f"amqp://app:{secret}@mq.example:5673/orders"),
        Broker.KAFKA: targets.parse_target("kafka://k1:9093,k2:9093"),
        Broker.REDIS: targets.parse_target(f"redis://app:{secret}@cache:6380/0"),
    }
    written = omb.export(wl, tmp_path, targets=chosen)
    for path in written:
        assert secret.encode() not in path.read_bytes(), path
    rabbit = yaml.safe_load(next((tmp_path / "driver-rabbitmq").glob("*.yaml")).read_text())
    assert rabbit["amqpUris"] == ["amqp://mq.example:5673/orders"]
    kafka = yaml.safe_load(next((tmp_path / "driver-kafka").glob("*.yaml")).read_text())
    assert _properties(kafka["commonConfig"])["bootstrap.servers"] == "k1:9093,k2:9093"
    redis_doc = yaml.safe_load(next((tmp_path / "driver-redis").glob("*.yaml")).read_text())
    assert (redis_doc["redisHost"], redis_doc["redisPort"], redis_doc["redisUser"]) == (
        "cache",
        6380,
        "app",
    )
    assert "redisPass" not in redis_doc


def _git_show(path: str) -> str | None:
    try:
        done = subprocess.run(
            ["git", "-C", str(OMB_REPO), "show", f"{OMB_COMMIT}:{path}"],
            capture_output=True,
            text=True,
            timeout=30,
            check=False,
        )
    except OSError:
        return None
    return done.stdout if done.returncode == 0 else None


@pytest.mark.skipif(not OMB_REPO.exists(), reason="no clone of openmessaging/benchmark at hand")
def test_the_field_table_matches_omb_sources() -> None:
    field = re.compile(r"^\s*public\s+(?!class|enum|static|abstract)([\w<>]+)\s+(\w+)\s*[;=]", re.M)
    for path, expected in CLASSES.items():
        source = _git_show(path)
        assert source is not None, f"{path} at {OMB_COMMIT}"
        assert dict((name, kind) for kind, name in field.findall(source)) == expected, path
    for path in DRIVER_CLASS_FILES.values():
        assert _git_show(path) is not None, path
    enum_source = _git_show(
        "benchmark-framework/src/main/java/io/openmessaging/benchmark/utils/distributor/KeyDistributorType.java"
    )
    assert enum_source is not None
    assert set(re.findall(r"^\s*([A-Z_]+),?\s*$", enum_source, re.M)) == ENUMS["KeyDistributorType"]
    rabbit = _git_show(next(p for p in CLASSES if p.endswith("RabbitMqConfig.java"))) or ""
    assert set(re.findall(r"^\s*([A-Z]+) \{", rabbit, re.M)) == ENUMS["QueueType"]
