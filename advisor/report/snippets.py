"""Ready-to-paste Django/Celery settings for the recommended broker, from templates."""

from __future__ import annotations

from advisor.recommendation import Recommendation
from advisor.report import env
from advisor.report.schema import Snippet
from advisor.workload import Broker, DeliveryGuarantee, Language, Workload

DEFAULT_VISIBILITY_TIMEOUT_S = 3600

MIB = 1024 * 1024
# Kafka's size limits and their defaults. librdkafka's message.max.bytes (producer) caps a whole
# produce request, like the Java client's max.request.size and kafka-python's max_request_size;
# a topic's max.message.bytes caps one record batch. Both hold many messages at once, so they
# are only ever raised, and only when the largest message does not fit the defaults.
KAFKA_PRODUCER_REQUEST_DEFAULT_BYTES = 1_000_000  # librdkafka message.max.bytes
KAFKA_TOPIC_BATCH_DEFAULT_BYTES = 1_048_588  # topic max.message.bytes
KAFKA_CONSUMER_FETCH_DEFAULT_BYTES = 52_428_800  # fetch.max.bytes
KAFKA_RECORD_OVERHEAD_BYTES = 1024  # record and batch framing, headers, key
KAFKA_MIN_RAISED_LIMIT_BYTES = 2 * MIB

# RabbitMQ names: the advice's x-dead-letter-exchange "<name>.dlx", and a parking queue bound
# to it, "<name>.dead", so that dead-lettered messages are kept rather than dropped.
RABBITMQ_CELERY_QUEUE = "default"
RABBITMQ_QUEUE = "work"


def _title(broker: Broker, workload: Workload) -> str:
    if broker is Broker.KAFKA:
        return "Kafka producer, consumer and topic settings"
    if broker is Broker.RABBITMQ:
        return (
            "Celery on RabbitMQ with quorum queues"
            if workload.uses_celery
            else "RabbitMQ quorum queue settings"
        )
    parts = (["Django cache and sessions"] if workload.uses_django else []) + (
        ["Celery"] if workload.uses_celery else []
    )
    return (" and ".join(parts) or "Redis connection") + " on Redis"


def _advised(recommendation: Recommendation, broker: Broker) -> dict[str, str]:
    """Settings the engine advised for this broker, by setting name (first advice wins)."""
    values: dict[str, str] = {}
    for advice in recommendation.assessment(broker).advice:
        if advice.setting and advice.value:
            values.setdefault(advice.setting, advice.value)
    return values


def _int_setting(values: dict[str, str], names: tuple[str, ...], default: int) -> int:
    for name in names:
        text = values.get(name, "").strip().split(" ")[0]
        if text.isdigit():
            return int(text)
    return default


def kafka_size_limit(max_message_bytes: int) -> int | None:
    """The size limit to set when the largest message does not fit Kafka's defaults, else None.

    Whole MiB, at least 2 MiB: above every default, so setting it never lowers a limit.
    """
    needed = max_message_bytes + KAFKA_RECORD_OVERHEAD_BYTES
    if needed <= KAFKA_PRODUCER_REQUEST_DEFAULT_BYTES:
        return None
    return max(KAFKA_MIN_RAISED_LIMIT_BYTES, -(-needed // MIB) * MIB)


def speaks_python(workload: Workload) -> bool:
    """Whether the Python settings snippet fits: Python among the languages, or none stated."""
    return not workload.languages or Language.PYTHON in workload.languages


def settings_snippet(
    workload: Workload, recommendation: Recommendation, broker: Broker | None = None
) -> Snippet | None:
    """The settings for a broker (default: the winner), or None when there is no winner."""
    broker = broker or recommendation.winner
    if broker is None or not speaks_python(workload):
        return None
    advised = _advised(recommendation, broker)
    partitions = max(1, recommendation.capacity.kafka_partitions)
    replication = max(1, recommendation.capacity.kafka_replication_factor)
    context = {
        "workload": workload,
        "name": workload.name,
        "app_version": recommendation.app_version,
        "rulebook_hash": recommendation.rulebook_hash[:12],
        # Celery reads CELERY_-prefixed names from Django settings (namespace="CELERY").
        "prefix": "CELERY_" if workload.uses_django else "",
        "upper": workload.uses_django,
        "acks_late": workload.delivery is not DeliveryGuarantee.AT_MOST_ONCE,
        "exactly_once": workload.delivery is DeliveryGuarantee.EXACTLY_ONCE,
        "visibility_timeout": _int_setting(
            advised,
            ("visibility_timeout", "broker_transport_options.visibility_timeout"),
            DEFAULT_VISIBILITY_TIMEOUT_S,
        ),
        "partitions": partitions,
        "replication_factor": replication,
        "min_insync": max(1, min(2, replication - 1)),
        "retention_ms": int(workload.retention_hours * 3_600_000)
        if workload.retention_hours
        else 7 * 24 * 3_600_000,
        "max_message_bytes": workload.max_message_size_bytes,
        "size_limit": kafka_size_limit(workload.max_message_size_bytes),
        "fetch_default": KAFKA_CONSUMER_FETCH_DEFAULT_BYTES,
        "queue": RABBITMQ_CELERY_QUEUE if workload.uses_celery else RABBITMQ_QUEUE,
        "module": "yourproject.settings" if workload.uses_django else "celeryconfig",
    }
    template = env.environment().get_template(f"snippets/{broker.value}.py.j2")
    code = template.render(context).strip() + "\n"
    filename = "settings.py" if workload.uses_django else "celeryconfig.py"
    if broker is Broker.KAFKA:
        filename = "kafka_settings.py"
    return Snippet(
        broker=broker.value,
        title=_title(broker, workload),
        filename=filename,
        language="python",
        code=code,
    )
