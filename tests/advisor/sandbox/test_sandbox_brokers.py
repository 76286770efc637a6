"""Integration tests: the sandbox brokers answer real clients, and faults can be injected."""

from __future__ import annotations

import json
import time
import urllib.request
import uuid
import warnings
from collections.abc import Iterator

import pika
import pytest
import redis
from redis.sentinel import Sentinel

from advisor import sandbox

with warnings.catch_warnings():
    # kafka-python 3.0 loads its protocol schemas with importlib.resources.read_text, deprecated
    # in Python 3.11; the suite turns warnings into errors.
    warnings.simplefilter("ignore", DeprecationWarning)
    from kafka import KafkaProducer
    from kafka.admin import KafkaAdminClient, NewTopic

pytestmark = pytest.mark.integration


def _redis(url: str) -> redis.Redis:
    return redis.Redis.from_url(url, socket_timeout=2, socket_connect_timeout=2, retry=None)


@pytest.fixture
def kafka_admin(kafka_bootstrap: str) -> Iterator[KafkaAdminClient]:
    admin = KafkaAdminClient(
        bootstrap_servers=kafka_bootstrap.split(","),
        request_timeout_ms=15000,
        bootstrap_timeout_ms=15000,
    )
    yield admin
    admin.close()


def test_every_process_is_healthy(sandbox_state: sandbox.SandboxState) -> None:
    state = sandbox.status()
    assert state.is_healthy(), [(p.name, p.health, p.detail) for p in state.processes]
    assert state.kafka_nodes == 3
    assert state.targets.kafka_url == "kafka://127.0.0.1:19092,127.0.0.1:19094,127.0.0.1:19096"
    assert sandbox_state.targets == state.targets


def test_redis_round_trip_with_aof_and_replica(redis_url: str) -> None:
    client = _redis(redis_url)
    assert client.ping() is True
    key = f"sandbox-test:{uuid.uuid4()}"
    client.set(key, "v", ex=60)
    assert client.get(key) == b"v"
    persistence = client.info("persistence")
    assert persistence["aof_enabled"] == 1
    assert client.config_get("appendfsync") == {"appendfsync": "everysec"}
    replication = client.info("replication")
    assert replication["role"] == "master"
    assert replication["connected_slaves"] >= 1


def test_sentinel_knows_the_master(sentinel_url: str) -> None:
    # redis+sentinel://127.0.0.1:16380/advisor -> Sentinel address and master name
    address, master_name = sentinel_url.removeprefix("redis+sentinel://").split("/")
    host, port = address.split(":")
    sentinel = Sentinel([(host, int(port))], socket_timeout=2)
    assert sentinel.discover_master(master_name) == ("127.0.0.1", 16379)
    assert ("127.0.0.1", 16381) in sentinel.discover_slaves(master_name)


def test_rabbitmq_round_trip_as_guest_and_advisor(
    amqp_url: str, sandbox_state: sandbox.SandboxState
) -> None:
    params = pika.URLParameters(amqp_url)
    params.socket_timeout = 5
    params.connection_attempts = 1
    connection = pika.BlockingConnection(params)
    try:
        channel = connection.channel()
        queue = channel.queue_declare("", exclusive=True).method.queue
        channel.basic_publish("", queue, b"hello")
        _method, _props, body = channel.basic_get(queue, auto_ack=True)
        assert body == b"hello"
    finally:
        connection.close()

    password = sandbox_state.rabbitmq_advisor_password_file.read_text().strip()
    assert sandbox_state.rabbitmq_advisor_password_file.stat().st_mode & 0o777 == 0o600
    credentials = pika.PlainCredentials("advisor", password)
    for vhost in ("/", "advisor"):
        conn = pika.BlockingConnection(
            pika.ConnectionParameters(
                "127.0.0.1", 15673, vhost, credentials, connection_attempts=1, socket_timeout=5
            )
        )
        assert conn.is_open
        conn.close()


def test_rabbitmq_management_answers(rabbitmq_management_url: str) -> None:
    request = urllib.request.Request(
        f"{rabbitmq_management_url}/api/overview",
        headers={"Authorization": "Basic Z3Vlc3Q6Z3Vlc3Q="},  # guest:guest
    )
    with urllib.request.urlopen(request, timeout=5) as response:
        overview = json.load(response)
    assert overview["node"] == "advisor-sandbox@localhost"
    listeners = {(item["protocol"], item["port"]) for item in overview["listeners"]}
    assert ("amqp", 15673) in listeners
    assert ("http", 15674) in listeners


def test_kafka_three_nodes_list_topics(kafka_admin: KafkaAdminClient) -> None:
    cluster = kafka_admin.describe_cluster()
    assert sorted(b["port"] for b in cluster["brokers"]) == [19092, 19094, 19096]
    assert {b["host"] for b in cluster["brokers"]} == {"127.0.0.1"}
    assert isinstance(kafka_admin.list_topics(), list)


def test_up_is_idempotent(sandbox_state: sandbox.SandboxState) -> None:
    before = {p.name: p.pid for p in sandbox.status().processes}
    began = time.monotonic()
    state = sandbox.up(kafka_nodes=3)
    assert time.monotonic() - began < 10
    assert {p.name: p.pid for p in state.processes} == before
    assert state.started == []
    assert state.is_healthy()


def test_pause_and_resume_marks_a_process_paused(sandbox_state: sandbox.SandboxState) -> None:
    with sandbox.paused("redis-replica"):
        assert sandbox.status().process("redis-replica").health == sandbox.Health.PAUSED
        assert not sandbox.status().is_healthy([sandbox.Broker.REDIS])
    assert sandbox.status().process("redis-replica").health == sandbox.Health.HEALTHY


def test_stop_and_restart_one_kafka_node(
    sandbox_state: sandbox.SandboxState, kafka_bootstrap: str, kafka_admin: KafkaAdminClient
) -> None:
    topic = f"sandbox-test-{uuid.uuid4().hex[:8]}"
    kafka_admin.create_topics(
        [NewTopic(topic, 1, 3, topic_configs={"min.insync.replicas": "2"})], timeout_ms=15000
    )
    with sandbox.kafka_node_stopped(3):
        assert sandbox.status().process("kafka-3").health == sandbox.Health.STOPPED
        # Two of three replicas still satisfy min.insync.replicas=2 with acks=all.
        producer = KafkaProducer(
            bootstrap_servers=kafka_bootstrap.split(",")[:2],
            acks="all",
            request_timeout_ms=15000,
            max_block_ms=30000,
        )
        try:
            metadata = producer.send(topic, b"while one node is down").get(timeout=30)
            assert metadata.offset == 0
        finally:
            producer.close()
    assert sandbox.status().process("kafka-3").health == sandbox.Health.HEALTHY
    # kafka-python's admin client keeps the node it took for controller (any broker in KRaft);
    # after that node bounced it can fail with UnknownBrokerIdError, so clean up with a new one.
    cleanup = KafkaAdminClient(
        bootstrap_servers=kafka_bootstrap.split(","), request_timeout_ms=15000
    )
    try:
        cleanup.delete_topics([topic], timeout_ms=15000)
    finally:
        cleanup.close()
