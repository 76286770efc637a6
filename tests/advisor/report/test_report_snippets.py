"""Snippets: the index that chooses them is checked when loaded; every snippet renders to valid
Python for every preset and broker version, carries its client label, follows the advice that
keeps data, and declares names of its own. The live runs are in tests/snippets/."""

from __future__ import annotations

import ast
import shutil
import sys
import types
from pathlib import Path
from typing import Any

import pytest

from advisor import engine, paths, rules
from advisor.recommendation import Recommendation
from advisor.report import snippets
from advisor.report.schema import Snippet
from advisor.workload import Broker, Workload, load_workload
from tests.advisor.report.conftest import preset_ids, recommend

# librdkafka / Kafka defaults the snippet must never go below.
PRODUCER_REQUEST_DEFAULT = 1_000_000
TOPIC_BATCH_DEFAULT = 1_048_588
CONSUMER_PARTITION_FETCH_DEFAULT = 1_048_576

VERSION_GRID = [
    {},  # the current releases
    {Broker.REDIS: "7.0", Broker.RABBITMQ: "3.10", Broker.KAFKA: "3.9"},  # the sandbox's Debian
    {Broker.REDIS: "6.0", Broker.RABBITMQ: "3.9", Broker.KAFKA: "3.0"},  # old
    {Broker.REDIS: "8.2", Broker.RABBITMQ: "4.1", Broker.KAFKA: "4.2"},
    {Broker.REDIS: "8.10", Broker.RABBITMQ: "4.3", Broker.KAFKA: "4.4"},
]


def with_versions(workload: Workload, versions: dict[Broker, str]) -> Workload:
    return workload.model_copy(update={"versions": dict(versions)})


def all_snippets(workload: Workload, broker: Broker) -> dict[str, Snippet]:
    recommendation = engine.recommend(workload, what_if=False)  # snippets never read the what-if
    return {s.id: s for s in snippets.snippets_for(workload, recommendation, broker)}


def snippet_code(workload: Workload, broker: Broker, snippet_id: str) -> str:
    found = all_snippets(workload, broker)
    assert snippet_id in found, f"no {snippet_id} for {workload.name}: {list(found)}"
    return found[snippet_id].code


def run_code(code: str) -> dict[str, Any]:
    namespace: dict[str, Any] = {"__name__": "snippet"}
    exec(compile(code, "<snippet>", "exec"), namespace)
    return namespace


def preset(name: str) -> Workload:
    return load_workload(paths.presets_dir() / f"{name}.yaml")


# --- the index ----------------------------------------------------------------------------------


def test_the_index_loads_and_names_known_templates_and_patterns() -> None:
    entries = snippets.load_index()
    ids = [c.entry.id for c in entries]
    assert len(ids) == len(set(ids))
    pattern_ids = {p.pattern.id for p in rules.load_rulebook().patterns}
    for compiled in entries:
        assert set(compiled.entry.patterns) <= pattern_ids
        assert compiled.entry.client


def _broken_index(tmp_path: Path, old: str, new: str) -> Path:
    folder = tmp_path / "snippets"
    shutil.copytree(paths.templates_dir() / "snippets", folder)
    index = folder / snippets.INDEX_FILE
    text = index.read_text(encoding="utf-8")
    assert old in text
    index.write_text(text.replace(old, new, 1), encoding="utf-8")
    return folder


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        ("fact: uses_celery, op: eq", "fact: uses_celerry, op: eq", "unknown fact 'uses_celerry'"),
        ("patterns: [redis-pubsub]", "patterns: [redis-pubsup]", "unknown pattern 'redis-pubsup'"),
        ("patterns: [redis-pubsub]", "patterns: [rabbitmq-rpc]", "is a rabbitmq pattern"),
        ("template: redis_pubsub.py.j2", "template: redis_nothing.py.j2", "no file"),
        ("id: redis-channels", "id: redis-celery", "listed twice"),
        (
            'fact: kafka_version, op: gte, value: "4.2"',
            'fact: kafka_version, op: gte, value: "x"',
            "is not a version",
        ),
        (
            "client: redis-py 5+\n    patterns: [redis-pubsub]",
            "client: r\n    patterns: [redis-pubsub]",
            "client",
        ),
    ],
)
def test_a_broken_index_is_reported_with_file_and_entry(
    tmp_path: Path, old: str, new: str, message: str
) -> None:
    folder = _broken_index(tmp_path, old, new)
    patterns = {p.pattern.id: p.pattern.broker for p in rules.load_rulebook().patterns}
    with pytest.raises(snippets.SnippetIndexError) as caught:
        snippets.load_index_from(folder, patterns)
    text = str(caught.value)
    assert str(folder / snippets.INDEX_FILE) in text and message in text
    assert "snippet '" in text or "listed twice" in text


# --- every snippet, every preset, every version --------------------------------------------------


@pytest.mark.parametrize("versions", VERSION_GRID, ids=lambda v: "-".join(v.values()) or "current")
@pytest.mark.parametrize("name", preset_ids())
def test_every_snippet_is_python_and_labelled(name: str, versions: dict[Broker, str]) -> None:
    workload = preset(name)
    if workload.languages and "python" not in workload.languages:
        # A Ruby, Node or Go team gets no Python code to paste.
        recommendation = engine.recommend(workload, what_if=False)
        for broker in Broker:
            assert snippets.snippets_for(workload, recommendation, broker) == []
        workload = workload.model_copy(update={"languages": [], "task_framework": None})
    workload = with_versions(workload, versions)
    for broker in Broker:
        for snippet in all_snippets(workload, broker).values():
            compile(snippet.code, snippet.filename, "exec")
            assert snippet.client and snippet.broker_version.startswith(broker.title)
            assert f"Written for {snippet.client}" in snippet.code.splitlines()[1]


@pytest.mark.parametrize("name", preset_ids())
def test_every_python_preset_gets_snippets_for_its_winner(
    name: str, presets: dict[str, tuple[Workload, Recommendation]]
) -> None:
    workload, recommendation = presets[name]
    found = snippets.snippets_for(workload, recommendation)
    if workload.languages and "python" not in workload.languages:
        assert found == []
        return
    assert recommendation.winner is not None and found
    assert snippets.settings_snippet(workload, recommendation) == found[0]


EXPECTED = {
    "order-processing": ["rabbitmq-topic"],
    "celery-background-jobs": ["rabbitmq-celery", "rabbitmq-celery-tasks"],
    "rpc-pricing-service": ["rabbitmq-rpc"],
    "django-cache-sessions": ["redis-django-cache", "redis-pubsub"],
    "live-notifications": ["redis-channels", "redis-pubsub"],
    "audit-log": [
        "kafka-confluent",
        "kafka-python",
        "kafka-transactions-confluent",
        "kafka-transactions-python",
    ],
    "iot-telemetry": ["kafka-confluent", "kafka-python"],
}


@pytest.mark.parametrize(("name", "expected"), EXPECTED.items())
def test_presets_get_the_snippets_of_their_pattern(
    name: str, expected: list[str], presets: dict[str, tuple[Workload, Recommendation]]
) -> None:
    workload, recommendation = presets[name]
    assert [s.id for s in snippets.snippets_for(workload, recommendation)] == expected


def test_variants_of_the_presets_all_render() -> None:
    for name in preset_ids():
        base = preset(name).model_copy(update={"languages": [], "task_framework": None})
        for dead_lettering in (False, True):
            for celery in (False, True):
                for priorities in (False, True):
                    variant = base.model_copy(
                        update={
                            "needs_dead_lettering": dead_lettering,
                            "uses_celery": celery,
                            "needs_priorities": priorities,
                        }
                    )
                    for versions in VERSION_GRID:
                        for broker in Broker:
                            for snippet in all_snippets(
                                with_versions(variant, versions), broker
                            ).values():
                                ast.parse(snippet.code)


# --- Kafka ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "largest",
    [100, 8_192, 998_000, 998_976, 999_000, 1_000_000, 1_048_576, 5 * 1024 * 1024, 512 * 1024**2],
)
def test_kafka_limits_are_only_raised_for_large_messages(largest: int) -> None:
    workload = Workload(
        name="sizes", avg_message_size_bytes=min(largest, 1000), max_message_size_bytes=largest
    )
    code = snippet_code(workload, Broker.KAFKA, "kafka-confluent")
    ns = run_code(code)
    producer, consumer, topic = ns["PRODUCER_CONFIG"], ns["CONSUMER_CONFIG"], ns["TOPIC_CONFIG"]
    python_ns = run_code(snippet_code(workload, Broker.KAFKA, "kafka-python"))
    # librdkafka has no max.request.size: message.max.bytes is its request limit.
    assert "max.request.size" not in producer and "batch.size" not in producer
    limit = snippets.kafka_size_limit(largest)
    if largest + snippets.KAFKA_RECORD_OVERHEAD_BYTES <= PRODUCER_REQUEST_DEFAULT:
        assert limit is None
        assert "message.max.bytes" not in producer
        assert "max.message.bytes" not in topic["config"]
        assert "max.partition.fetch.bytes" not in consumer
        assert "max_request_size" not in python_ns["PRODUCER_CONFIG"]
        assert "stay at their defaults" in code
    else:
        assert limit is not None and limit >= largest + snippets.KAFKA_RECORD_OVERHEAD_BYTES
        assert producer["message.max.bytes"] == limit > PRODUCER_REQUEST_DEFAULT
        assert int(topic["config"]["max.message.bytes"]) == limit > TOPIC_BATCH_DEFAULT
        assert consumer["max.partition.fetch.bytes"] == limit > CONSUMER_PARTITION_FETCH_DEFAULT
        assert consumer.get("fetch.max.bytes", snippets.KAFKA_CONSUMER_FETCH_DEFAULT_BYTES) >= limit
        assert python_ns["PRODUCER_CONFIG"]["max_request_size"] == limit
        assert python_ns["CONSUMER_CONFIG"]["max_partition_fetch_bytes"] == limit


def test_clickstream_kafka_snippet_keeps_batching() -> None:
    """The reviewer's case: 8 KB messages gave message.max.bytes 9216, capping every batch."""
    code = snippet_code(preset("clickstream-analytics"), Broker.KAFKA, "kafka-confluent")
    assert "9216" not in code and "max.message.bytes" not in code.split("#")[0]
    ns = run_code(code)
    assert "message.max.bytes" not in ns["PRODUCER_CONFIG"]
    assert "max.message.bytes" not in ns["TOPIC_CONFIG"]["config"]


@pytest.mark.parametrize("name", ["audit-log", "iot-telemetry", "clickstream-analytics"])
def test_kafka_python_snippet_uses_kafka_python_arguments(name: str) -> None:
    """The product's client: kafka-python rejects librdkafka's dotted names ("Unrecognized
    configs"); every key of the kafka-python snippet is one of its own arguments."""
    kafka = pytest.importorskip("kafka")
    ns = run_code(snippet_code(preset(name), Broker.KAFKA, "kafka-python"))
    producer_keys = set(kafka.KafkaProducer.DEFAULT_CONFIG)
    consumer_keys = set(kafka.KafkaConsumer.DEFAULT_CONFIG)
    assert set(ns["PRODUCER_CONFIG"]) <= producer_keys
    assert set(ns["CONSUMER_CONFIG"]) <= consumer_keys
    assert ns["PRODUCER_CONFIG"]["acks"] == "all" and ns["PRODUCER_CONFIG"]["enable_idempotence"]
    if name == "audit-log":
        tx = run_code(snippet_code(preset(name), Broker.KAFKA, "kafka-transactions-python"))
        assert set(tx["TRANSACTIONAL_PRODUCER_CONFIG"]) <= producer_keys
        assert set(tx["READ_COMMITTED_CONSUMER_CONFIG"]) <= consumer_keys


def test_confluent_snippet_uses_librdkafka_properties() -> None:
    """librdkafka refuses unknown properties when a client is made (no connection needed)."""
    confluent_kafka = pytest.importorskip("confluent_kafka")
    for snippet_id, producer_key, consumer_key in (
        ("kafka-confluent", "PRODUCER_CONFIG", "CONSUMER_CONFIG"),
        (
            "kafka-transactions-confluent",
            "TRANSACTIONAL_PRODUCER_CONFIG",
            "READ_COMMITTED_CONSUMER_CONFIG",
        ),
    ):
        ns = run_code(snippet_code(preset("audit-log"), Broker.KAFKA, snippet_id))
        confluent_kafka.Producer(ns[producer_key]).flush(0)
        confluent_kafka.Consumer(ns[consumer_key]).close()


@pytest.mark.parametrize(("kafka", "expected"), [("4.1", False), ("4.2", True), ("4.4", True)])
def test_share_consumer_only_where_kafka_and_the_client_have_it(kafka: str, expected: bool) -> None:
    workload = Workload(
        name="jobs", consumption="competing_workers", ordering="none", uses_django=False
    )
    workload = with_versions(workload, {Broker.KAFKA: kafka})
    found = all_snippets(workload, Broker.KAFKA)
    assert ("kafka-share-consumer" in found) is expected
    if expected:
        code = found["kafka-share-consumer"].code
        assert "ShareConsumer" in code and "kafka-python has no share consumer" in code
        assert "confluent-kafka" in found["kafka-share-consumer"].client
    assert "ShareConsumer" not in found["kafka-python"].code


# --- RabbitMQ --------------------------------------------------------------------------------------


class FakeChannel:
    """Records pika calls."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, tuple[Any, ...], dict[str, Any]]] = []

    def __getattr__(self, name: str) -> Any:
        def record(*args: Any, **kwargs: Any) -> None:
            self.calls.append((name, args, kwargs))

        return record

    def declared(self) -> dict[str, dict[str, Any]]:
        return {args[0]: kwargs for name, args, kwargs in self.calls if name == "queue_declare"}


def fake_kombu() -> types.ModuleType:
    module = types.ModuleType("kombu")

    class Exchange:
        def __init__(self, name: str, type: str = "direct", durable: bool = True) -> None:
            self.name, self.type, self.durable = name, type, durable

    class Queue:
        def __init__(self, name: str, exchange: Exchange, **options: Any) -> None:
            self.name, self.exchange, self.options = name, exchange, options

    module.Exchange, module.Queue = Exchange, Queue  # type: ignore[attr-defined]
    return module


def celery_settings(
    workload: Workload, monkeypatch: pytest.MonkeyPatch, **versions: str
) -> dict[str, Any]:
    monkeypatch.setitem(sys.modules, "kombu", fake_kombu())
    workload = with_versions(workload, {Broker(k): v for k, v in versions.items()})
    ns = run_code(snippet_code(workload, Broker.RABBITMQ, "rabbitmq-celery"))
    prefix = "CELERY_" if workload.uses_django else ""
    return {
        (k.removeprefix(prefix).lower() if prefix and k.startswith(prefix) else k): v
        for k, v in ns.items()
    }


@pytest.mark.parametrize("rabbitmq", ["3.10", "4.1", "4.3"])
def test_celery_on_rabbitmq_never_blocks_on_countdowns_and_parks_failures(
    rabbitmq: str,
    presets: dict[str, tuple[Workload, Recommendation]],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The known defects: a direct exchange (native delayed delivery cannot route through it,
    so countdowns and retries hold the worker) and failed tasks acknowledged away."""
    workload, _ = presets["celery-background-jobs"]
    conf = celery_settings(workload, monkeypatch, rabbitmq=rabbitmq)
    for queue in conf["task_queues"]:
        assert queue.exchange.type == "topic"
        arguments = queue.options["queue_arguments"]
        assert arguments["x-queue-type"] == "quorum"
        assert arguments["x-delivery-limit"] >= 1
        assert arguments["x-dead-letter-exchange"] == conf["DEAD_LETTER_QUEUE"].exchange.name
        assert arguments["x-dead-letter-strategy"] == "at-least-once"
        assert arguments["x-overflow"] == "reject-publish"
        assert "x-max-priority" not in arguments
    assert conf["task_default_exchange_type"] == "topic"
    assert conf["task_default_queue_type"] == "quorum"
    assert conf["broker_native_delayed_delivery_queue_type"] == "quorum"
    assert conf["worker_detect_quorum_queues"] is True
    assert conf["task_acks_late"] and conf["task_reject_on_worker_lost"]
    assert conf["task_acks_on_failure_or_timeout"] is False
    assert conf["broker_transport_options"]["confirm_publish"] is True
    parking = conf["DEAD_LETTER_QUEUE"]
    assert parking.exchange.type == "fanout" and parking.name == "tasks.dead"
    assert parking.name not in {q.name for q in conf["task_queues"]}  # no worker re-runs it
    names = [q.name for q in conf["task_queues"]]
    if rabbitmq < "4.0":  # no quorum priorities: urgent tasks get their own queue
        assert names == ["tasks", "tasks.urgent"]
    else:
        assert names == ["tasks"]


def test_celery_tasks_snippet_retries_with_backoff() -> None:
    pytest.importorskip("celery")
    workload = preset("celery-background-jobs")
    ns = run_code(snippet_code(workload, Broker.RABBITMQ, "rabbitmq-celery-tasks"))
    retrying = ns["RETRYING"]
    assert retrying["autoretry_for"] and retrying["retry_backoff"] and retrying["max_retries"] >= 1
    assert retrying["acks_late"] is True


def declared_by(code: str, call: str = "declare") -> dict[str, dict[str, Any]]:
    ns = run_code(code)
    channel = FakeChannel()
    ns[call](channel)
    return channel.declared()


def work_queue(versions: dict[Broker, str], **update: Any) -> Workload:
    base = Workload(
        name="jobs", consumption="competing_workers", needs_dead_lettering=True, **update
    )
    return with_versions(base, versions)


@pytest.mark.parametrize(
    ("rabbitmq", "queue_type", "retry_args"),
    [("3.10", "quorum", False), ("4.1", "quorum", False), ("4.3", "quorum", True)],
)
def test_work_queue_retries_by_version(rabbitmq: str, queue_type: str, retry_args: bool) -> None:
    code = snippet_code(
        work_queue({Broker.RABBITMQ: rabbitmq}), Broker.RABBITMQ, "rabbitmq-work-queue"
    )
    declared = declared_by(code)
    arguments = declared["jobs"]["arguments"]
    assert arguments["x-queue-type"] == queue_type
    assert arguments["x-delivery-limit"] >= 1  # 3.x has no default: always set
    assert arguments["x-dead-letter-exchange"] == "jobs.dlx"
    assert arguments["x-dead-letter-strategy"] == "at-least-once"
    assert ("x-delayed-retry-type" in arguments) is retry_args
    retry_queues = [name for name in declared if ".retry." in name]
    assert bool(retry_queues) is not retry_args  # before 4.3: TTL retry queues instead
    for name in retry_queues:
        assert declared[name]["arguments"]["x-dead-letter-routing-key"] == "jobs"
    assert "basic_publish(" in code and "mandatory=True" in code
    assert "confirm_delivery()" in code


@pytest.mark.parametrize(
    ("rabbitmq", "classic", "high"), [("3.10", True, None), ("4.1", False, 5), ("4.3", False, 9)]
)
def test_work_queue_priorities_by_version(rabbitmq: str, classic: bool, high: int | None) -> None:
    code = snippet_code(
        work_queue({Broker.RABBITMQ: rabbitmq}, needs_priorities=True),
        Broker.RABBITMQ,
        "rabbitmq-work-queue",
    )
    ns = run_code(code)
    arguments = ns["queue_arguments"]("jobs")
    if classic:
        assert arguments["x-queue-type"] == "classic" and arguments["x-max-priority"] == 5
        assert "not replicated" in code
    else:
        assert arguments["x-queue-type"] == "quorum" and "x-max-priority" not in arguments
        assert ns["HIGH_PRIORITY"] == high
    assert ns["PREFETCH"] == 1


def test_order_processing_has_its_topic_exchange_ttl_and_dead_letters() -> None:
    code = snippet_code(preset("order-processing"), Broker.RABBITMQ, "rabbitmq-topic")
    ns = run_code(code)
    channel = FakeChannel()
    ns["declare"](channel)
    exchanges = {
        args[0]: kwargs for name, args, kwargs in channel.calls if name == "exchange_declare"
    }
    assert exchanges[ns["EXCHANGE"]]["exchange_type"] == "topic"
    declared = channel.declared()
    for queue in ns["SUBSCRIPTIONS"]:
        arguments = declared[queue]["arguments"]
        assert arguments["x-message-ttl"] == ns["MESSAGE_TTL_MS"]
        assert arguments["x-dead-letter-exchange"] == queue + ".dlx"
        assert queue + ".dead" in declared
    binds = [args for name, args, _kwargs in channel.calls if name == "queue_bind"]
    assert any(args[1] == ns["EXCHANGE"] for args in binds)


def test_rpc_snippet_has_reply_to_correlation_and_expiry() -> None:
    code = snippet_code(preset("rpc-pricing-service"), Broker.RABBITMQ, "rabbitmq-rpc")
    for part in (
        "reply_to=REPLY_TO",
        "correlation_id=correlation_id",
        "expiration=",
        "amq.rabbitmq.reply-to",
    ):
        assert part in code
    assert declared_by(code)["rpc.requests"]["arguments"]["x-message-ttl"] > 0


def test_dead_letter_exchange_follows_the_advice() -> None:
    workload = Workload(name="orders", needs_dead_lettering=True)
    values = [
        a.value
        for a in recommend(workload).assessment(Broker.RABBITMQ).advice
        if a.setting == "x-dead-letter-exchange"
    ]
    assert values == ["<name>.dlx"]
    declared = declared_by(snippet_code(workload, Broker.RABBITMQ, "rabbitmq-work-queue"))
    assert declared["jobs"]["arguments"]["x-dead-letter-exchange"] == "jobs.dlx"


# --- Redis ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("redis", "acked"), [("7.0", False), ("8.0", False), ("8.2", True), ("8.10", True)]
)
def test_stream_trimming_never_drops_pending_entries(redis: str, acked: bool) -> None:
    workload = with_versions(
        Workload(name="events", consumption="consumer_groups", replay=True, retention_hours=24),
        {Broker.REDIS: redis},
    )
    code = snippet_code(workload, Broker.REDIS, "redis-streams")
    assert ('"ACKED"' in code) is acked
    if not acked:
        # No MAXLEN/MINID on XADD: the trim stops at the oldest entry a group still needs.
        assert (
            '"MAXLEN"' not in code
            and "maxlen=" not in code.split("def add")[1].split("def trim")[0]
        )
        assert "At risk otherwise" in code


def test_django_session_snippet_agrees_with_the_advice() -> None:
    workload = preset("django-cache-sessions")
    advice = recommend(workload).assessment(Broker.REDIS).advice
    advised = {a.value for a in advice if a.setting == "SESSION_ENGINE"}
    ns = run_code(snippet_code(workload, Broker.REDIS, "redis-django-cache"))
    assert advised == {ns["SESSION_ENGINE"]} == {"django.contrib.sessions.backends.cached_db"}


def test_live_notifications_get_a_channel_layer_and_pubsub() -> None:
    found = all_snippets(preset("live-notifications"), Broker.REDIS)
    layer = run_code(found["redis-channels"].code)["CHANNEL_LAYERS"]["default"]
    assert layer["BACKEND"] == "channels_redis.core.RedisChannelLayer"
    assert "def publish(" in found["redis-pubsub"].code


def test_redis_celery_sets_the_visibility_timeout_everywhere() -> None:
    workload = Workload(name="jobs", uses_celery=True, uses_django=False, max_task_duration_s=900)
    ns = run_code(snippet_code(workload, Broker.REDIS, "redis-celery"))
    timeout = ns["broker_transport_options"]["visibility_timeout"]
    assert timeout >= 1800
    assert ns["result_backend_transport_options"]["visibility_timeout"] == timeout
    assert ns["visibility_timeout"] == timeout


# --- names ----------------------------------------------------------------------------------------


def _declared_names(snippet: Snippet, monkeypatch: pytest.MonkeyPatch) -> dict[str, Any]:
    """Queue name -> arguments a snippet declares (pika snippets: through declare())."""
    if snippet.id == "rabbitmq-celery":
        monkeypatch.setitem(sys.modules, "kombu", fake_kombu())
        ns = run_code(snippet.code)
        queues = ns.get("CELERY_TASK_QUEUES") or ns["task_queues"]
        names = {q.name: q.options["queue_arguments"] for q in queues}
        if "DEAD_LETTER_QUEUE" in ns:
            names[ns["DEAD_LETTER_QUEUE"].name] = ns["DEAD_LETTER_QUEUE"].options["queue_arguments"]
        return names
    ns = run_code(snippet.code)
    if "declare" in ns and snippet.broker == "rabbitmq":
        channel = FakeChannel()
        ns["declare"](channel)
        return {name: kwargs.get("arguments") for name, kwargs in channel.declared().items()}
    return {
        ns[key]: None
        for key in (
            "QUEUE",
            "STREAM",
            "TOPIC",
            "INPUT_TOPIC",
            "OUTPUT_TOPIC",
            "REQUESTS",
            "CHANNEL",
        )
        if key in ns
    }


def test_no_two_snippets_share_a_name(monkeypatch: pytest.MonkeyPatch) -> None:
    """The known defect: two snippets declared the queue "work" with different arguments, so
    whichever ran second failed (PRECONDITION_FAILED). Every name now belongs to one snippet."""
    owner: dict[str, str] = {}
    for name in preset_ids():
        for versions in VERSION_GRID:
            workload = with_versions(
                preset(name).model_copy(update={"languages": [], "task_framework": None}), versions
            )
            for broker in Broker:
                for snippet in all_snippets(workload, broker).values():
                    if snippet.id == "rabbitmq-celery-tasks":
                        continue
                    for queue in _declared_names(snippet, monkeypatch):
                        assert owner.setdefault(queue, snippet.id) == snippet.id, (
                            f"{queue} is declared by {owner[queue]} and {snippet.id}"
                        )
    assert "work" not in owner
