"""Kafka load with confluent-kafka (librdkafka): one topic, one consumer group per receiver;
acks and idempotence as the recommendation says; log size from kafka-python's admin client."""

from __future__ import annotations

import contextlib
import logging
import struct
import time
import warnings
from collections.abc import Sequence
from typing import Any

import confluent_kafka
from confluent_kafka.admin import AdminClient, NewTopic  # type: ignore[attr-defined]

from advisor.i18n import tr
from advisor.loadtest import latency
from advisor.loadtest.drivers.base import (
    Connection,
    DriverSpec,
    Layout,
    ProducerBase,
    Sample,
    describe,
    intended_ns,
)

_SEQ = struct.Struct("<Q")
_SEQ_OFFSET = 8  # where the header keeps the sequence number (see schedule.HEADER)
READ_COUNT = 1000
STALE_AFTER_S = 300.0  # a run whose deadline passed this long ago is dead: remove its topic


def _ms(seconds: float) -> int:
    return max(100, int(seconds * 1000))


# librdkafka's own log lines ("%3|...|FAIL|...") go here instead of the user's terminal: what
# matters reaches the result through errors and delivery reports.
_LOG = logging.getLogger("broker_advisor.loadtest.librdkafka")
_LOG.addHandler(logging.NullHandler())
_LOG.propagate = False


def common_config(connection: Connection, client_id: str) -> dict[str, Any]:
    sasl = connection.sasl_mechanism is not None
    if connection.tls:
        protocol = "SASL_SSL" if sasl else "SSL"
    else:
        protocol = "SASL_PLAINTEXT" if sasl else "PLAINTEXT"
    config: dict[str, Any] = {
        "bootstrap.servers": connection.bootstrap,
        "client.id": client_id,
        "security.protocol": protocol,
        "socket.nagle.disable": True,  # as the Java client (TCP_NODELAY): no delayed small sends
        "socket.timeout.ms": _ms(max(connection.timeout_s, 1.0) * 3),
        "socket.connection.setup.timeout.ms": _ms(max(connection.timeout_s, 1.0) * 3),
        "logger": _LOG,
    }
    if connection.ca_file:
        config["ssl.ca.location"] = connection.ca_file
    if connection.cert_file:  # mutual TLS
        config["ssl.certificate.location"] = connection.cert_file
        config["ssl.key.location"] = connection.key_file or connection.cert_file
    if sasl:
        config["sasl.mechanism"] = connection.sasl_mechanism
        config["sasl.username"] = connection.username or ""
        config["sasl.password"] = connection.password or ""
    return config


class KafkaProducer(ProducerBase):
    """produce() without waiting; librdkafka batches, and reports each delivery (its latency)."""

    def __init__(self, spec: DriverSpec, index: int) -> None:
        super().__init__()
        layout = spec.layout
        config = common_config(spec.connection, f"{layout.name}.producer{index}")
        config.update(
            {
                "acks": layout.acks,
                "enable.idempotence": layout.idempotent,
                "linger.ms": 5,  # librdkafka's default; 1 ms costs a core at a few thousand msg/s
                "message.timeout.ms": _ms(max(5.0, spec.connection.timeout_s * 5)),
                "queue.buffering.max.messages": 1_000_000,
                "queue.buffering.max.kbytes": 262_144,  # 256 MB: a stalled cluster fails sends
                "on_delivery": self._on_delivery,
            }
        )
        self.producer = confluent_kafka.Producer(config)
        self.topic = layout.name
        self.keyed = layout.keyed
        self.produced = 0
        self.keys = [str(k).encode() for k in range(256)]

    def _on_delivery(self, error: Any, message: Any) -> None:
        value = message.value() or b""
        if error is None:
            if len(value) >= 24:
                latency.record_ns(self.ack_latency, time.monotonic_ns() - intended_ns(value))
            return
        seqs = [_SEQ.unpack_from(value, _SEQ_OFFSET)[0]] if len(value) >= 16 else []
        self.fail(seqs, str(error))

    def _update_acked(self) -> None:
        self.acked = max(0, self.produced - len(self.producer) - self.failures)

    def send(self, messages: Sequence[tuple[int, int, bytes]]) -> None:
        produce = self.producer.produce
        topic = self.topic
        for seq, key, payload in messages:
            try:
                if self.keyed:
                    produce(topic, payload, self.keys[key % 256])
                else:
                    produce(topic, payload)
            except BufferError:
                self.producer.poll(0.05)
                try:
                    produce(topic, payload, self.keys[key % 256] if self.keyed else None)
                except BufferError as error:
                    self.fail([seq], tr("local queue full: {error}", error=describe(error)))
                    continue
            self.produced += 1
        self.producer.poll(0)
        self._update_acked()

    def poll(self) -> None:
        self.producer.poll(0)
        self._update_acked()

    def flush(self, timeout_s: float) -> None:
        self.producer.flush(timeout_s)
        self._update_acked()

    def close(self) -> None:
        with contextlib.suppress(Exception):
            self.producer.flush(0.5)


class KafkaConsumer:
    """A group member; ready once the group has given it partitions."""

    def __init__(self, spec: DriverSpec, group: int, index: int) -> None:
        self.errors = 0
        self.last_error = ""
        layout = spec.layout
        config = common_config(spec.connection, f"{layout.name}.consumer{group}.{index}")
        config.update(
            {
                "group.id": layout.group_name(group),
                "auto.offset.reset": "earliest",
                "enable.auto.commit": True,
                "auto.commit.interval.ms": 1000,
                "session.timeout.ms": 10_000,
                "heartbeat.interval.ms": 1000,
                "fetch.wait.max.ms": 50,
                "enable.partition.eof": False,
            }
        )
        self.consumer = confluent_kafka.Consumer(config)
        self.assigned = False
        self.stash: list[bytes] = []
        self.consumer.subscribe([layout.name], on_assign=self._on_assign)

    def _on_assign(self, consumer: Any, partitions: list[Any]) -> None:
        self.assigned = bool(partitions)

    def ready(self) -> bool:
        if not self.assigned:
            self.stash += self.receive(0.05)
        return self.assigned

    def receive(self, max_wait_s: float) -> list[bytes]:
        out, self.stash = self.stash, []
        try:
            # consume(n, timeout) waits for n messages or the timeout: wait for one, then take
            # what is already there.
            messages = self.consumer.consume(1, max_wait_s if not out else 0)
            if messages:
                messages += self.consumer.consume(READ_COUNT - 1, 0)
        except confluent_kafka.KafkaException as error:
            self.errors += 1
            self.last_error = describe(error)
            return out
        for message in messages:
            if message.error() is not None:
                self.errors += 1
                self.last_error = str(message.error())
                continue
            value = message.value()
            if value is not None:
                out.append(value)
        return out

    def close(self) -> None:
        with contextlib.suppress(Exception):
            self.consumer.close()


def open_producer(spec: DriverSpec, index: int) -> KafkaProducer:
    return KafkaProducer(spec, index)


def open_consumer(spec: DriverSpec, group: int, index: int) -> KafkaConsumer:
    return KafkaConsumer(spec, group, index)


def stale_names(names: Sequence[str], prefix: str, now: float) -> list[str]:
    """Load-test topics or groups whose run's deadline (in the run id) is long past."""
    from advisor.probe import runner as probe_runner

    found = []
    for name in names:
        if not name.startswith(prefix):
            continue
        run_id = name[len(prefix) :].split(".")[0]
        deadline = probe_runner.run_deadline(run_id)
        if deadline is not None and deadline + STALE_AFTER_S < now:
            found.append(name)
    return found


class Admin:
    """Creates and deletes the topic and groups; samples replication and log size."""

    def __init__(self, spec: DriverSpec) -> None:
        self.spec = spec
        self.layout = spec.layout
        self.timeout_s = spec.connection.timeout_s
        self.admin = AdminClient(common_config(spec.connection, f"{self.layout.name}.admin"))
        self.topics: list[str] = []
        self.swept: list[str] = []
        self._log_admin: Any = None

    def _metadata(self, topic: str | None = None) -> Any:
        return self.admin.list_topics(topic=topic, timeout=self.timeout_s * 2)

    def advertised_hosts(self) -> list[str]:
        return sorted({b.host for b in self._metadata().brokers.values()})

    def node_count(self) -> int:
        """Brokers the cluster lists now (a stopped one is not listed)."""
        return len(self._metadata().brokers)

    def server_info(self) -> dict[str, str]:
        from advisor.probe.kafka import wire as kafka_probe

        brokers = self._metadata().brokers
        version = ""
        with contextlib.suppress(Exception):
            version = _api_version_text(self.spec.connection, kafka_probe)
        return {
            "product": "Apache Kafka",
            "version": version,
            "persistence": f"replication factor {self.layout.replication_factor}, "
            f"min.insync.replicas {self.layout.min_insync_replicas}, acks={self.layout.acks}",
            "nodes": str(len(brokers)),
        }

    def use_layout(self, layout: Layout) -> None:
        """Create the run's topic with this layout (the runner capped its replication)."""
        self.layout = layout
        self.spec = DriverSpec(self.spec.connection, layout)

    def setup(self) -> None:
        prefix = "broker-advisor.loadtest."
        existing = list(self._metadata().topics)
        stale = stale_names(existing, prefix, time.time())
        if stale:
            futures = self.admin.delete_topics(stale, operation_timeout=self.timeout_s)
            for name, future in futures.items():
                with contextlib.suppress(Exception):
                    future.result(timeout=self.timeout_s * 2)
                    self.swept.append(f"topic {name}")
        layout = self.layout
        config = {"min.insync.replicas": str(layout.min_insync_replicas)}
        topic = NewTopic(layout.name, layout.partitions, layout.replication_factor, config=config)
        self.topics.append(layout.name)
        created = self.admin.create_topics([topic], operation_timeout=self.timeout_s * 2)
        created[layout.name].result(timeout=self.timeout_s * 3)
        deadline = time.monotonic() + self.timeout_s * 5
        while time.monotonic() < deadline:
            meta = self._metadata(layout.name).topics.get(layout.name)
            if (
                meta is not None
                and meta.error is None
                and len(meta.partitions) == layout.partitions
                and all(p.leader >= 0 for p in meta.partitions.values())
            ):
                return
            time.sleep(0.1)
        raise TimeoutError(
            tr("topic {name} has no leader for every partition yet", name=layout.name)
        )

    def sample(self) -> Sample:
        out: Sample = {}
        meta = self._metadata(self.layout.name).topics.get(self.layout.name)
        if meta is not None and meta.error is None:
            partitions = list(meta.partitions.values())
            out["under_replicated_partitions"] = sum(
                1 for p in partitions if len(p.isrs) < len(p.replicas)
            )
            out["offline_partitions"] = sum(1 for p in partitions if p.leader < 0)
        size = self._log_size()
        if size is not None:
            out["kafka_log_bytes"] = size
        return out

    def _log_size(self) -> int | None:
        """Bytes of the topic's logs on every broker (all replicas), or None when unknown."""
        try:
            if self._log_admin is None:
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore", DeprecationWarning)
                    from kafka.admin import KafkaAdminClient

                    self._log_admin = KafkaAdminClient(
                        bootstrap_servers=[f"{h}:{p}" for h, p in self.spec.connection.hosts],
                        client_id=f"{self.layout.name}.logdirs",
                        bootstrap_timeout_ms=_ms(self.timeout_s),
                        request_timeout_ms=_ms(self.timeout_s),
                        **_kafka_python_security(self.spec.connection),
                    )
            reply = self._log_admin.describe_log_dirs(topic_partitions=[self.layout.name])
        except Exception:
            return None
        total = 0
        for broker in reply or []:
            for log_dir in broker.get("log_dirs", []):
                for topic in log_dir.get("topics", []):
                    if topic.get("name") == self.layout.name:
                        total += sum(int(p.get("partition_size", 0)) for p in topic["partitions"])
        return total

    def housekeeping(self) -> None:
        return None

    def cleanup(self) -> list[str]:
        problems: list[str] = []
        groups = [self.layout.group_name(g) for g in range(self.layout.groups)]
        with contextlib.suppress(Exception):
            futures = self.admin.delete_consumer_groups(groups, request_timeout=self.timeout_s)
            for name, future in futures.items():
                try:
                    future.result(timeout=self.timeout_s * 2)
                except Exception as error:
                    if "GROUP_ID_NOT_FOUND" not in str(error):
                        problems.append(f"group {name}: {describe(error)}")
        for topic in list(self.topics):
            error_text = ""
            for _attempt in range(3):  # a node restarting elsewhere may hold up one attempt
                try:
                    futures = self.admin.delete_topics([topic], operation_timeout=self.timeout_s)
                    futures[topic].result(timeout=self.timeout_s * 2)
                except Exception as error:
                    if "UNKNOWN_TOPIC" in str(error):
                        break
                    error_text = describe(error)
                    time.sleep(0.2)
                    continue
                error_text = ""
                break
            if error_text:
                problems.append(f"topic {topic}: {error_text}")
            else:
                self.topics.remove(topic)
        # Deletion completes asynchronously: wait until the metadata no longer lists the topic.
        deadline = time.monotonic() + self.timeout_s * 5
        while time.monotonic() < deadline:
            with contextlib.suppress(Exception):
                if self.layout.name not in self._metadata().topics:
                    break
            time.sleep(0.1)
        return problems

    def leftovers(self) -> list[str]:
        found = [f"topic {t}" for t in self._metadata().topics if t.startswith(self.layout.name)]
        groups = self.admin.list_consumer_groups(request_timeout=self.timeout_s).result(
            timeout=self.timeout_s * 2
        )
        found += [
            f"group {g.group_id}"
            for g in groups.valid
            if str(g.group_id).startswith(self.layout.name)
        ]
        return found

    def close(self) -> None:
        if self._log_admin is not None:
            with contextlib.suppress(Exception):
                self._log_admin.close()


def _kafka_python_security(connection: Connection) -> dict[str, Any]:
    sasl = connection.sasl_mechanism is not None
    if connection.tls:
        protocol = "SASL_SSL" if sasl else "SSL"
    else:
        protocol = "SASL_PLAINTEXT" if sasl else "PLAINTEXT"
    out: dict[str, Any] = {"security_protocol": protocol}
    if connection.ca_file:
        out["ssl_cafile"] = connection.ca_file
    if connection.cert_file:
        out["ssl_certfile"] = connection.cert_file
        out["ssl_keyfile"] = connection.key_file
    if sasl:
        out["sasl_mechanism"] = connection.sasl_mechanism
        out["sasl_plain_username"] = connection.username
        out["sasl_plain_password"] = connection.password
    return out


def _api_version_text(connection: Connection, kafka_probe: Any) -> str:
    """The Kafka version the first broker's ApiVersions imply (the probe's table)."""
    import socket

    with socket.create_connection(connection.hosts[0], timeout=connection.timeout_s) as sock:
        sock.settimeout(connection.timeout_s)
        sock.sendall(kafka_probe.api_versions_frame())
        size = struct.unpack(">i", _recv(sock, 4))[0]
        payload = _recv(sock, size)
    _error, versions = kafka_probe.parse_api_versions(payload)
    return str(kafka_probe.broker_version_text(versions))


def _recv(sock: Any, size: int) -> bytes:
    data = b""
    while len(data) < size:
        chunk = sock.recv(size - len(data))
        if not chunk:
            raise ConnectionError(tr("the broker closed the connection"))
        data += chunk
    return data
