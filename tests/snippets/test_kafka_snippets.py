"""Kafka snippets with both clients on the sandbox's three-node Kafka: keyed produce and consume
with confluent-kafka (dotted librdkafka names) and kafka-python (its snake_case arguments), and
complete transactions whose records a read_committed consumer sees only once committed."""

from __future__ import annotations

import contextlib
import time
import types
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from advisor.workload import Broker
from tests.snippets.conftest import Render, unique

pytestmark = pytest.mark.integration
confluent_kafka = pytest.importorskip("confluent_kafka")

PRESET = "audit-log"  # exactly-once: every Kafka snippet, transactions included
WAIT_S = 20
PARTITIONS = 3


@pytest.fixture
def topics(kafka_bootstrap: str) -> Iterator[Callable[[str], str]]:
    """A topic name maker; every topic named through it is deleted afterwards."""
    from confluent_kafka.admin import AdminClient

    made: list[str] = []

    def name(kind: str) -> str:
        made.append(unique(kind))
        return made[-1]

    yield name
    if made:
        admin = AdminClient({"bootstrap.servers": kafka_bootstrap})
        for future in admin.delete_topics(made, request_timeout=10).values():
            # A topic never created (a test that failed early) cannot be deleted.
            with contextlib.suppress(confluent_kafka.KafkaException):
                future.result(timeout=15)


@pytest.fixture
def module_for(
    render: Render,
    kafka_bootstrap: str,
    snippet_module: Callable[..., types.ModuleType],
    monkeypatch: pytest.MonkeyPatch,
) -> Callable[[str], types.ModuleType]:
    def load(snippet_id: str) -> types.ModuleType:
        monkeypatch.setenv("KAFKA_BOOTSTRAP_SERVERS", kafka_bootstrap)
        monkeypatch.setenv("KAFKA_TRANSACTIONAL_ID", unique("tx"))
        return snippet_module(render(PRESET, Broker.KAFKA, snippet_id))

    return load


def poll_confluent(consumer: Any, wanted: int) -> list[Any]:
    found: list[Any] = []
    deadline = time.monotonic() + WAIT_S
    while len(found) < wanted and time.monotonic() < deadline:
        message = consumer.poll(0.5)
        if message is not None and not message.error():
            found.append(message)
    return found


def poll_kafka_python(consumer: Any, wanted: int) -> list[Any]:
    found: list[Any] = []
    deadline = time.monotonic() + WAIT_S
    while len(found) < wanted and time.monotonic() < deadline:
        for records in consumer.poll(timeout_ms=500).values():
            found.extend(records)
    return found


def test_confluent_kafka_keyed_produce_and_consume(
    module_for: Callable[[str], types.ModuleType], topics: Callable[[str], str]
) -> None:
    module = module_for("kafka-confluent")
    assert all("." in key or key == "acks" for key in module.PRODUCER_CONFIG)  # librdkafka names
    topic = topics("confluent")
    module.create_topic(topic, num_partitions=PARTITIONS)
    module.create_topic(topic, num_partitions=PARTITIONS)  # exists: no error
    producer = module.make_producer()
    module.produce(producer, b"order-1", b"created", topic)
    module.produce(producer, b"order-1", b"paid", topic)
    assert producer.flush(WAIT_S) == 0
    consumer = module.make_consumer(**{"group.id": unique("group")})
    handled: list[Any] = []
    try:
        module.consume(consumer, handled.append, (topic,), stop=lambda: len(handled) >= 2)
        assert [(m.key(), m.value()) for m in handled] == [
            (b"order-1", b"created"),
            (b"order-1", b"paid"),
        ]  # one key, one partition, in order
        committed = consumer.committed(
            [confluent_kafka.TopicPartition(topic, handled[0].partition())], timeout=10
        )
        assert committed[0].offset == handled[-1].offset() + 1
    finally:
        consumer.close()


def test_kafka_python_keyed_produce_and_consume(
    module_for: Callable[[str], types.ModuleType], topics: Callable[[str], str]
) -> None:
    """kafka-python takes its own snake_case arguments: the snippet's dictionaries construct
    a real producer and consumer (dotted librdkafka names would raise)."""
    pytest.importorskip("kafka")
    module = module_for("kafka-python")
    assert not any("." in key for key in module.PRODUCER_CONFIG)
    topic = topics("kafka-python")
    module.create_topic(topic, num_partitions=PARTITIONS)
    producer = module.make_producer()
    consumer = module.make_consumer(topic, group_id=unique("group"))
    try:
        metadata = module.produce(producer, b"sensor-7", b"21.5", topic)
        assert metadata.topic == topic
        handled: list[Any] = []
        deadline = time.monotonic() + WAIT_S
        module.consume(
            consumer, handled.append, stop=lambda: bool(handled) or time.monotonic() > deadline
        )
        assert [(r.key, r.value) for r in handled] == [(b"sensor-7", b"21.5")]
    finally:
        consumer.close()
        producer.close(timeout=5)


def test_confluent_kafka_transactions(
    module_for: Callable[[str], types.ModuleType], topics: Callable[[str], str]
) -> None:
    """init_transactions, begin, produce, commit: a read_committed consumer sees the committed
    records and never the aborted ones; consume-transform-produce commits the input offsets in
    the same transaction."""
    plain = module_for("kafka-confluent")
    module = module_for("kafka-transactions-confluent")
    source, output = topics("tx-in"), topics("tx-out")
    for topic in (source, output):
        plain.create_topic(topic, num_partitions=1)
    producer = module.transactional_producer()
    module.send_atomically(producer, [(b"k", b"committed-1"), (b"k", b"committed-2")], output)
    with pytest.raises(TypeError):  # a bad record mid-transaction: the whole batch is aborted
        module.send_atomically(producer, [(b"k", b"aborted"), (b"k", object())], output)
    reader = module.read_committed_consumer(output, **{"group.id": unique("reader")})
    try:
        seen = [m.value() for m in poll_confluent(reader, 2)]
        assert seen == [b"committed-1", b"committed-2"]
        assert poll_confluent_quiet(reader) == []  # the aborted record never shows
    finally:
        reader.close()

    inputs = plain.make_producer()
    for n in range(3):
        plain.produce(inputs, b"in", f"v{n}".encode(), source)
    assert inputs.flush(WAIT_S) == 0
    group = unique("transformer")
    consumer = module.read_committed_consumer(source, **{"group.id": group})
    try:
        done = 0
        deadline = time.monotonic() + WAIT_S
        while done < 3 and time.monotonic() < deadline:
            done += module.transform_batch(
                consumer, producer, lambda m: (m.key(), m.value().upper()), output
            )
        assert done == 3
        committed = consumer.committed([confluent_kafka.TopicPartition(source, 0)], timeout=10)
        assert committed[0].offset == 3  # offsets committed by the transaction
    finally:
        consumer.close()
        producer.flush(5)


def poll_confluent_quiet(consumer: Any, seconds: float = 2.0) -> list[Any]:
    found = []
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        message = consumer.poll(0.2)
        if message is not None and not message.error():
            found.append(message.value())
    return found


def test_kafka_python_transactions(
    module_for: Callable[[str], types.ModuleType], topics: Callable[[str], str]
) -> None:
    pytest.importorskip("kafka")
    plain = module_for("kafka-python")
    module = module_for("kafka-transactions-python")
    output = topics("tx-py")
    plain.create_topic(output, num_partitions=1)
    producer = module.transactional_producer()
    reader = module.read_committed_consumer(output, group_id=unique("reader"))
    try:
        module.send_atomically(producer, [(b"k", b"committed")], output)
        with pytest.raises(TypeError):
            module.send_atomically(producer, [(b"k", b"aborted"), (b"k", object())], output)
        module.send_atomically(producer, [(b"k", b"after")], output)
        seen = [r.value for r in poll_kafka_python(reader, 2)]
        assert seen == [b"committed", b"after"]
    finally:
        reader.close()
        producer.close(timeout=5)


def test_every_transaction_snippet_is_complete(render: Render) -> None:
    for snippet_id in ("kafka-transactions-confluent", "kafka-transactions-python"):
        code = render(PRESET, Broker.KAFKA, snippet_id)
        for step in (
            "init_transactions(",
            "begin_transaction(",
            "send_offsets_to_transaction(",
            "commit_transaction(",
            "abort_transaction(",
            "read_committed",
        ):
            assert step in code, f"{snippet_id} lacks {step}"
