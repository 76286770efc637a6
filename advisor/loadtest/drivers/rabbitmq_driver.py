"""RabbitMQ load with pika: one queue for competing workers, a fanout exchange with a queue per
receiver otherwise; publisher confirms handled asynchronously, consumers with manual acks and a
bounded prefetch (or auto-ack for at-most-once)."""

from __future__ import annotations

import base64
import contextlib
import json
import ssl
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Sequence
from functools import partial
from typing import Any

import pika
import pika.exceptions

from advisor.i18n import tr
from advisor.loadtest import latency
from advisor.loadtest.drivers.base import (
    Connection,
    DriverSpec,
    ProducerBase,
    Sample,
    bounded,
    describe,
    intended_ns,
)

_MGMT_MAX_BYTES = 4 * 1024 * 1024
STREAM_MAX_BYTES = 256 * 1024 * 1024
MAX_UNCONFIRMED = 20_000
MAX_UNSENT_BYTES = 32 * 1024 * 1024


def parameters(connection: Connection, name: str) -> pika.ConnectionParameters:
    ssl_options = None
    if connection.tls:
        context = ssl.create_default_context(cafile=connection.ca_file)
        if connection.cert_file:
            context.load_cert_chain(connection.cert_file, connection.key_file)
        ssl_options = pika.SSLOptions(context, server_hostname=connection.host)
    timeout = connection.timeout_s
    return pika.ConnectionParameters(
        host=connection.host,
        port=connection.port,
        virtual_host=connection.vhost or "/",
        credentials=pika.PlainCredentials(
            connection.username or "guest",
            connection.password if connection.password is not None else "guest",
        ),
        ssl_options=ssl_options,
        connection_attempts=1,
        retry_delay=0,
        socket_timeout=timeout,
        stack_timeout=timeout,
        blocked_connection_timeout=max(5.0, timeout),
        heartbeat=10,
        client_properties={"connection_name": name},
    )


def _route(spec: DriverSpec) -> tuple[str, str]:
    """(exchange, routing key) a producer publishes to."""
    layout = spec.layout
    if layout.groups == 1:
        return "", layout.queue_name(0)
    return layout.name, ""


class AmqpProducer(ProducerBase):
    """Publishes without waiting; confirms (when on) arrive through the channel's callback.

    pika's BlockingChannel would wait for each confirm; the asynchronous channel under it
    (`_impl`) takes an ack/nack callback instead, served by process_data_events.
    """

    def __init__(self, spec: DriverSpec, index: int) -> None:
        super().__init__()
        layout = spec.layout
        self.conn = pika.BlockingConnection(
            parameters(spec.connection, f"{layout.name}.producer{index}")
        )
        self.channel = self.conn.channel()
        self.impl: Any = self.channel._impl
        self.exchange, self.routing_key = _route(spec)
        self.props = pika.BasicProperties(delivery_mode=2 if layout.persistent else 1)
        self.timeout_s = spec.connection.timeout_s
        self.confirms = layout.confirms
        # delivery tag -> (seq, intended send time), in publish order
        self.outstanding: dict[int, tuple[int, int]] = {}
        self.tag = 0
        if self.confirms:
            selected: list[bool] = []
            self.impl.confirm_delivery(
                ack_nack_callback=self._on_confirm, callback=lambda _frame: selected.append(True)
            )
            deadline = time.monotonic() + spec.connection.timeout_s * 2
            while not selected:
                if time.monotonic() > deadline:
                    raise TimeoutError(
                        tr("RabbitMQ did not answer {method}", method="Confirm.Select")
                    )
                self.conn.process_data_events(time_limit=0.05)

    def _on_confirm(self, frame: Any) -> None:
        method = frame.method
        tag = int(method.delivery_tag)
        nack = isinstance(method, pika.spec.Basic.Nack)
        if method.multiple:
            done = []
            for pending_tag in self.outstanding:
                if pending_tag > tag:
                    break
                done.append(pending_tag)
            entries = [self.outstanding.pop(t) for t in done]
        else:
            entry = self.outstanding.pop(tag, None)
            entries = [] if entry is None else [entry]
        if nack:
            self.fail([seq for seq, _ in entries], tr("the broker nacked the publish"))
            return
        self.acked += len(entries)
        now = time.monotonic_ns()
        for _seq, intended in entries:
            latency.record_ns(self.ack_latency, now - intended)

    def _room(self) -> None:
        """Wait (bounded) while too much is unconfirmed or unsent: memory stays bounded, and a
        broker that takes nothing makes the publishes fail rather than pile up here."""
        deadline = time.monotonic() + self.timeout_s
        while (
            len(self.outstanding) > MAX_UNCONFIRMED
            or self.conn._impl._get_write_buffer_size() > MAX_UNSENT_BYTES
        ):
            if time.monotonic() > deadline:
                raise TimeoutError(
                    tr(
                        "the broker took nothing for {seconds} s ({count} publishes unconfirmed)",
                        seconds=f"{self.timeout_s:g}",
                        count=f"{len(self.outstanding):,}",
                    )
                )
            self.conn.process_data_events(time_limit=0.01)

    def send(self, messages: Sequence[tuple[int, int, bytes]]) -> None:
        self._room()
        publish = self.impl.basic_publish
        for seq, _key, payload in messages:
            publish(self.exchange, self.routing_key, payload, self.props)
            if self.confirms:
                self.tag += 1
                self.outstanding[self.tag] = (seq, intended_ns(payload))
        if not self.confirms:
            self.acked += len(messages)  # nothing to wait for: published is done
        self.conn.process_data_events(time_limit=0)

    def poll(self) -> None:
        self.conn.process_data_events(time_limit=0)

    def flush(self, timeout_s: float) -> None:
        deadline = time.monotonic() + timeout_s
        while self.outstanding and time.monotonic() < deadline:
            self.conn.process_data_events(time_limit=0.05)

    def close(self) -> None:
        with contextlib.suppress(Exception):
            self.conn.close()


class AmqpConsumer:
    """basic.consume with prefetch; the previous batch is acked (multiple) on the next call."""

    def __init__(self, spec: DriverSpec, group: int, index: int) -> None:
        self.errors = 0
        self.last_error = ""
        self.spec = spec
        self.queue = spec.layout.queue_name(group)
        self.name = f"{spec.layout.name}.consumer{group}.{index}"
        self.stream = spec.layout.queue_type == "stream"
        # A stream queue needs acknowledgements and a prefetch, and is read from an offset.
        self.manual = spec.layout.consumer_acks or self.stream
        self.batch: list[bytes] = []
        self.last_tag = 0
        self.acked_tag = 0
        self.conn: pika.BlockingConnection | None = None
        self.channel: Any = None
        self._open()

    def _open(self) -> None:
        self.conn = pika.BlockingConnection(parameters(self.spec.connection, self.name))
        self.channel = self.conn.channel()
        if self.manual:
            self.channel.basic_qos(prefetch_count=self.spec.layout.prefetch)
        self.channel.basic_consume(
            self.queue,
            on_message_callback=self._on_message,
            auto_ack=not self.manual,
            arguments={"x-stream-offset": "first"} if self.stream else None,
        )
        self.last_tag = self.acked_tag = 0

    def _on_message(self, channel: Any, method: Any, properties: Any, body: bytes) -> None:
        self.batch.append(body)
        self.last_tag = int(method.delivery_tag)

    def ready(self) -> bool:
        return self.conn is not None and self.conn.is_open

    def receive(self, max_wait_s: float) -> list[bytes]:
        try:
            if self.conn is None or not self.conn.is_open:
                self._open()
            assert self.conn is not None
            if self.manual and self.last_tag > self.acked_tag:
                self.channel.basic_ack(self.last_tag, multiple=True)
                self.acked_tag = self.last_tag
            self.conn.process_data_events(time_limit=max_wait_s)
        except (pika.exceptions.AMQPError, OSError, AssertionError) as error:
            self.errors += 1
            self.last_error = describe(error)
            with contextlib.suppress(Exception):
                if self.conn is not None:
                    self.conn.close()
            self.conn = None
            time.sleep(min(0.2, max_wait_s))
        out, self.batch = self.batch, []
        return out

    def close(self) -> None:
        with contextlib.suppress(Exception):
            if self.conn is not None and self.manual and self.last_tag > self.acked_tag:
                self.channel.basic_ack(self.last_tag, multiple=True)
        with contextlib.suppress(Exception):
            if self.conn is not None:
                self.conn.close()


def open_producer(spec: DriverSpec, index: int) -> AmqpProducer:
    return AmqpProducer(spec, index)


def open_consumer(spec: DriverSpec, group: int, index: int) -> AmqpConsumer:
    return AmqpConsumer(spec, group, index)


class Admin:
    """Declares and deletes the run's queues and exchange; samples queue depth and alarms."""

    def __init__(self, spec: DriverSpec) -> None:
        self.spec = spec
        self.layout = spec.layout
        self.timeout_s = spec.connection.timeout_s
        self.queues: list[str] = []
        self.exchanges: list[str] = []
        self.conn: pika.BlockingConnection = bounded(
            lambda: pika.BlockingConnection(
                parameters(spec.connection, f"{self.layout.name}.admin")
            ),
            self.timeout_s * 2,
        )
        self.channel: Any = bounded(self.conn.channel, self.timeout_s)

    def advertised_hosts(self) -> list[str]:
        url = self.spec.connection.management_url
        return [urllib.parse.urlsplit(url).hostname or ""] if url else []

    def server_info(self) -> dict[str, str]:
        props: dict[Any, Any] = dict(self.conn._impl.server_properties or {})
        version = props.get("version", b"")
        shown = version.decode() if isinstance(version, bytes) else str(version)
        queue = self.layout.queue_type
        durable = "durable" if self.layout.persistent or queue != "classic" else "transient"
        return {
            "product": "RabbitMQ",
            "version": shown,
            "persistence": f"{durable} {queue} queues, "
            + ("persistent messages" if self.layout.persistent else "transient messages"),
        }

    def _queue_arguments(self) -> dict[str, Any]:
        kind = self.layout.queue_type
        if kind == "stream":
            # Streams do not expire; the size cap bounds what a killed run could leave.
            return {"x-queue-type": "stream", "x-max-length-bytes": STREAM_MAX_BYTES}
        args: dict[str, Any] = {"x-expires": self.layout.expires_s * 1000}
        if kind == "quorum":
            args["x-queue-type"] = "quorum"
        return args

    def setup(self) -> None:
        layout = self.layout
        durable = layout.persistent or layout.queue_type in ("quorum", "stream")
        if layout.groups > 1:
            # auto_delete: the exchange goes with its last queue, so expiring queues take it too.
            bounded(
                lambda: self.channel.exchange_declare(
                    layout.name, "fanout", durable=durable, auto_delete=True
                ),
                self.timeout_s,
            )
            self.exchanges.append(layout.name)
        for group in range(layout.groups):
            queue = layout.queue_name(group)
            self.queues.append(queue)
            bounded(
                partial(
                    self.channel.queue_declare,
                    queue,
                    durable=durable,
                    arguments=self._queue_arguments(),
                ),
                self.timeout_s * 2,
            )
            if layout.groups > 1:
                bounded(partial(self.channel.queue_bind, queue, layout.name), self.timeout_s)

    def _management(self, path: str) -> Any:
        url = self.spec.connection.management_url
        if not url:
            return None
        parsed = urllib.parse.urlsplit(url)
        conn = self.spec.connection
        user = urllib.parse.unquote(parsed.username or "") or conn.username or "guest"
        if parsed.password is not None:
            password = urllib.parse.unquote(parsed.password)
        else:
            password = conn.password if conn.password is not None else "guest"
        host = parsed.hostname or ""
        netloc = (f"[{host}]" if ":" in host else host) + (f":{parsed.port}" if parsed.port else "")
        root = f"{parsed.scheme}://{netloc}{parsed.path.rstrip('/')}"
        auth = base64.b64encode(f"{user}:{password}".encode()).decode()
        request = urllib.request.Request(root + path, headers={"Authorization": f"Basic {auth}"})
        with urllib.request.urlopen(request, timeout=self.timeout_s) as response:
            return json.loads(response.read(_MGMT_MAX_BYTES) or b"null")

    def sample(self) -> Sample:
        out: Sample = {}
        vhost = urllib.parse.quote(self.spec.connection.vhost or "/", safe="")
        if self.spec.connection.management_url:
            depth = 0
            memory = 0
            for queue in self.queues:
                info = self._management(f"/api/queues/{vhost}/{urllib.parse.quote(queue, safe='')}")
                if isinstance(info, dict):
                    depth = max(depth, int(info.get("messages", 0) or 0))
                    memory += int(info.get("memory", 0) or 0)
            out["backlog_messages"] = depth
            out["queue_memory_bytes"] = memory
            nodes = self._management("/api/nodes?columns=name,mem_used,mem_alarm,disk_free_alarm")
            if isinstance(nodes, list):
                out["memory_alarm"] = any(bool(n.get("mem_alarm")) for n in nodes)
                out["disk_alarm"] = any(bool(n.get("disk_free_alarm")) for n in nodes)
                out["node_memory_bytes"] = sum(int(n.get("mem_used", 0) or 0) for n in nodes)
            return out
        depth = 0
        for queue in self.queues:
            frame = bounded(
                partial(self.channel.queue_declare, queue, passive=True), self.timeout_s
            )
            depth = max(depth, int(frame.method.message_count))
        out["backlog_messages"] = depth  # ready messages (unacked ones need the management API)
        return out

    def housekeeping(self) -> None:
        return None

    def cleanup(self) -> list[str]:
        problems: list[str] = []
        try:
            conn = bounded(
                lambda: pika.BlockingConnection(
                    parameters(self.spec.connection, f"{self.layout.name}.cleanup")
                ),
                self.timeout_s * 2,
            )
            channel = bounded(conn.channel, self.timeout_s)
        except Exception as error:
            return [f"could not connect to remove {', '.join(self.queues)}: {describe(error)}"]
        try:
            for queue in list(self.queues):
                try:
                    bounded(partial(channel.queue_delete, queue), self.timeout_s)
                    self.queues.remove(queue)
                except Exception as error:
                    problems.append(f"queue {queue}: {describe(error)}")
            for exchange in list(self.exchanges):
                try:
                    bounded(partial(channel.exchange_delete, exchange), self.timeout_s)
                    self.exchanges.remove(exchange)
                except Exception as error:
                    problems.append(f"exchange {exchange}: {describe(error)}")
        finally:
            with contextlib.suppress(Exception):
                bounded(conn.close, self.timeout_s)
        return problems

    def leftovers(self) -> list[str]:
        """The run's queues and exchange that still exist (passive declares, one channel each)."""
        names = [("queue", self.layout.queue_name(g)) for g in range(self.layout.groups)]
        if self.layout.groups > 1:
            names.append(("exchange", self.layout.name))
        conn = bounded(
            lambda: pika.BlockingConnection(
                parameters(self.spec.connection, f"{self.layout.name}.check")
            ),
            self.timeout_s * 2,
        )
        found: list[str] = []
        try:
            for kind, name in names:
                channel = bounded(conn.channel, self.timeout_s)
                try:
                    if kind == "queue":
                        bounded(partial(channel.queue_declare, name, passive=True), 2)
                    else:
                        bounded(partial(channel.exchange_declare, name, passive=True), 2)
                    found.append(f"{kind} {name}")
                    with contextlib.suppress(Exception):
                        channel.close()
                except pika.exceptions.ChannelClosedByBroker as closed:
                    if closed.reply_code != 404:
                        found.append(
                            f"{kind} {name} " + tr("(unknown: {error})", error=describe(closed))
                        )
        finally:
            with contextlib.suppress(Exception):
                bounded(conn.close, self.timeout_s)
        return found

    def close(self) -> None:
        with contextlib.suppress(Exception):
            bounded(self.conn.close, self.timeout_s)
