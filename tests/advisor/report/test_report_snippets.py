"""Settings snippets: valid Python, Kafka size limits that never shrink batches, RabbitMQ dead
letters that are kept (a declared dead-letter exchange and a bound parking queue)."""

from __future__ import annotations

import ast
import sys
import types
import uuid
from typing import Any

import pytest

from advisor import engine, paths
from advisor.recommendation import Recommendation
from advisor.report import snippets
from advisor.workload import Broker, Workload, load_workload
from tests.advisor.report.conftest import preset_ids, recommend

# librdkafka / Kafka defaults the snippet must never go below.
PRODUCER_REQUEST_DEFAULT = 1_000_000
TOPIC_BATCH_DEFAULT = 1_048_588
CONSUMER_PARTITION_FETCH_DEFAULT = 1_048_576


def snippet_code(workload: Workload, broker: Broker) -> str:
    snippet = snippets.settings_snippet(workload, recommend(workload), broker)
    assert snippet is not None
    return snippet.code


def run_code(code: str) -> dict[str, Any]:
    namespace: dict[str, Any] = {}
    exec(compile(code, "<snippet>", "exec"), namespace)
    return namespace


@pytest.mark.parametrize("name", preset_ids())
@pytest.mark.parametrize("broker", list(Broker))
def test_every_snippet_is_python(broker: Broker, name: str) -> None:
    workload = load_workload(paths.presets_dir() / f"{name}.yaml")
    if workload.languages and "python" not in workload.languages:
        # A Ruby, Node or Go team gets no Python settings file to paste.
        recommendation = engine.recommend(workload, what_if=False)
        assert snippets.settings_snippet(workload, recommendation, broker) is None
        workload = workload.model_copy(update={"languages": [], "task_framework": None})
    for dead_lettering in (False, True):
        for celery in (False, True):
            variant = workload.model_copy(
                update={"needs_dead_lettering": dead_lettering, "uses_celery": celery}
            )
            ast.parse(snippet_code(variant, broker))


@pytest.mark.parametrize(
    "largest",
    [100, 8_192, 998_000, 998_976, 999_000, 1_000_000, 1_048_576, 5 * 1024 * 1024, 512 * 1024**2],
)
def test_kafka_limits_are_only_raised_for_large_messages(largest: int) -> None:
    workload = Workload(
        name="sizes", avg_message_size_bytes=min(largest, 1000), max_message_size_bytes=largest
    )
    code = snippet_code(workload, Broker.KAFKA)
    ns = run_code(code)
    producer, consumer, topic = ns["KAFKA_PRODUCER"], ns["KAFKA_CONSUMER"], ns["KAFKA_TOPIC"]
    # librdkafka has no max.request.size: message.max.bytes is its request limit.
    assert "max.request.size" not in producer and "batch.size" not in producer
    limit = snippets.kafka_size_limit(largest)
    if largest + snippets.KAFKA_RECORD_OVERHEAD_BYTES <= PRODUCER_REQUEST_DEFAULT:
        assert limit is None
        assert "message.max.bytes" not in producer
        assert "max.message.bytes" not in topic["config"]
        assert "max.partition.fetch.bytes" not in consumer
        assert "stay at their defaults" in code
    else:
        assert limit is not None and limit >= largest + snippets.KAFKA_RECORD_OVERHEAD_BYTES
        assert producer["message.max.bytes"] == limit > PRODUCER_REQUEST_DEFAULT
        assert int(topic["config"]["max.message.bytes"]) == limit > TOPIC_BATCH_DEFAULT
        assert consumer["max.partition.fetch.bytes"] == limit > CONSUMER_PARTITION_FETCH_DEFAULT
        assert consumer.get("fetch.max.bytes", snippets.KAFKA_CONSUMER_FETCH_DEFAULT_BYTES) >= limit
        assert "max_request_size" in code  # the kafka-python / Java name is given for reference


def test_clickstream_kafka_snippet_keeps_batching(
    presets: dict[str, tuple[Workload, Recommendation]],
) -> None:
    """The reviewer's case: 8 KB messages gave message.max.bytes 9216, capping every batch."""
    workload, _ = presets["clickstream-analytics"]
    code = snippet_code(workload, Broker.KAFKA)
    assert "9216" not in code and "max.message.bytes" not in code.split("#")[0]
    ns = run_code(code)
    assert "message.max.bytes" not in ns["KAFKA_PRODUCER"]
    assert "max.message.bytes" not in ns["KAFKA_TOPIC"]["config"]


class FakeChannel:
    """Records pika calls."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, tuple[Any, ...], dict[str, Any]]] = []

    def __getattr__(self, name: str) -> Any:
        def record(*args: Any, **kwargs: Any) -> None:
            self.calls.append((name, args, kwargs))

        return record


def advised_exchange(workload: Workload, queue: str) -> str:
    """The advice's x-dead-letter-exchange value with the queue's name filled in."""
    recommendation = recommend(workload)
    values = [
        a.value
        for a in recommendation.assessment(Broker.RABBITMQ).advice
        if a.setting == "x-dead-letter-exchange"
    ]
    assert values == ["<name>.dlx"]
    return values[0].replace("<name>", queue)


def test_pika_snippet_declares_the_dead_letter_exchange_and_parking_queue() -> None:
    workload = Workload(name="orders", needs_dead_lettering=True)
    ns = run_code(snippet_code(workload, Broker.RABBITMQ))
    channel = FakeChannel()
    ns["declare_queues"](channel)
    calls = [(name, args, kwargs) for name, args, kwargs in channel.calls]
    dlx = advised_exchange(workload, "work")
    assert ("exchange_declare", (dlx,), {"exchange_type": "fanout", "durable": True}) in calls
    assert ("queue_bind", ("work.dead", dlx), {}) in calls
    declared = {args[0]: kwargs for name, args, kwargs in calls if name == "queue_declare"}
    assert set(declared) == {"work", "work.dead"}
    assert declared["work"]["arguments"]["x-dead-letter-exchange"] == dlx
    assert (
        declared["work.dead"]["durable"]
        and "x-dead-letter-exchange" not in (declared["work.dead"]["arguments"])
    )
    # The exchange exists before the queue that dead-letters into it.
    order = [name for name, _args, _kwargs in calls]
    assert order.index("exchange_declare") < order.index("queue_bind")


def fake_kombu(log: list[tuple[str, Any]]) -> types.ModuleType:
    module = types.ModuleType("kombu")

    class Exchange:
        def __init__(self, name: str, type: str = "direct", durable: bool = True) -> None:
            self.name, self.type, self.durable = name, type, durable

    class Queue:
        def __init__(self, name: str, exchange: Exchange, **options: Any) -> None:
            self.name, self.exchange, self.options = name, exchange, options

        def bind(self, channel: object) -> Queue:
            return self

        def declare(self) -> None:
            log.append(("declare", self))

    class Connection:
        def __init__(self, url: str) -> None:
            log.append(("connect", url))
            self.default_channel = object()

        def __enter__(self) -> Connection:
            return self

        def __exit__(self, *exc: object) -> None:
            return None

    module.Exchange, module.Queue, module.Connection = Exchange, Queue, Connection  # type: ignore[attr-defined]
    return module


@pytest.mark.parametrize("django", [False, True])
def test_celery_snippet_keeps_dead_letters_in_a_parking_queue(
    django: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    workload = Workload(
        name="tasks", uses_celery=True, uses_django=django, needs_dead_lettering=True
    )
    log: list[tuple[str, Any]] = []
    monkeypatch.setitem(sys.modules, "kombu", fake_kombu(log))
    ns = run_code(snippet_code(workload, Broker.RABBITMQ))
    prefix = "CELERY_" if django else ""
    (work,) = ns[f"{prefix}TASK_QUEUES" if django else "task_queues"]
    dlx = advised_exchange(workload, work.name)
    assert work.options["queue_arguments"]["x-dead-letter-exchange"] == dlx
    parking = ns["DEAD_LETTER_QUEUE"]
    assert parking.exchange.name == dlx and parking.exchange.type == "fanout"
    assert parking.name == f"{work.name}.dead"
    assert parking.name not in {
        q.name for q in ns[f"{prefix}TASK_QUEUES" if django else "task_queues"]
    }
    ns["declare_dead_letters"]("amqp://broker")
    assert log == [("connect", "amqp://broker"), ("declare", parking)]


@pytest.mark.integration
def test_pika_snippet_keeps_a_rejected_message(amqp_url: str) -> None:
    """On the sandbox's RabbitMQ: a message rejected from the work queue waits in the parking
    queue instead of being dropped."""
    import pika

    workload = Workload(name="orders", needs_dead_lettering=True)
    ns = run_code(snippet_code(workload, Broker.RABBITMQ))
    name = f"broker-advisor-test-{uuid.uuid4().hex[:8]}"
    parameters = pika.URLParameters(amqp_url)
    parameters.socket_timeout = 5
    parameters.blocked_connection_timeout = 5
    connection = pika.BlockingConnection(parameters)
    channel = connection.channel()
    try:
        ns["declare_queues"](channel, name)
        channel.confirm_delivery()
        channel.basic_publish("", name, b"poison", pika.BasicProperties(delivery_mode=2))
        method, _props, _body = channel.basic_get(name)
        assert method is not None
        channel.basic_nack(method.delivery_tag, requeue=False)
        for _ in range(50):
            method, _props, body = channel.basic_get(f"{name}.dead", auto_ack=True)
            if method is not None:
                break
            connection.sleep(0.1)
        assert body == b"poison"
    finally:
        for queue in (name, f"{name}.dead"):
            channel.queue_delete(queue)
        channel.exchange_delete(f"{name}.dlx")
        connection.close()
