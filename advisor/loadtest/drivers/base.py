"""What a broker driver implements, and the plain data the worker processes receive.

A driver is one module per broker (registered in `advisor.loadtest.drivers.DRIVERS`) with::

    open_producer(spec, index) -> Producer       # in a producer process
    open_consumer(spec, group, index) -> Consumer  # in a consumer process
    Admin(spec)                                  # in the runner: set-up, samples, cleanup

Worker processes get a `DriverSpec` (picklable dataclasses, no pydantic) and import only this
package, the schedule and their driver. Every blocking client call has its own timeout
(`spec.connection.timeout_s`): threads and processes that wait on a stalled broker must end.
"""

from __future__ import annotations

import struct
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

from advisor.i18n import N_, tr
from advisor.loadtest import latency

Sample = dict[str, float | int | str | bool | None]

# Failed sequence numbers kept per producer (beyond this only the count grows).
MAX_FAILED_KEPT = 200_000
_INTENDED = struct.Struct("<q")
_INTENDED_OFFSET = 16  # where the message header keeps the intended send time


def intended_ns(payload: bytes) -> int:
    """The intended send time stamped in a load-test message (see schedule.HEADER)."""
    return int(_INTENDED.unpack_from(payload, _INTENDED_OFFSET)[0])


@dataclass(frozen=True)
class Connection:
    """How to reach the broker; carries the password, so its repr hides it."""

    broker: str
    hosts: tuple[tuple[str, int], ...]
    tls: bool = False
    username: str | None = None
    password: str | None = field(default=None, repr=False)
    database: int = 0
    vhost: str = "/"
    sasl_mechanism: str | None = None
    ca_file: str | None = None
    cert_file: str | None = None  # mutual TLS: the client's certificate and its key
    key_file: str | None = None
    management_url: str | None = field(default=None, repr=False)
    timeout_s: float = 2.0

    @property
    def host(self) -> str:
        return self.hosts[0][0]

    @property
    def port(self) -> int:
        return self.hosts[0][1]

    @property
    def bootstrap(self) -> str:
        return ",".join(f"[{h}]:{p}" if ":" in h else f"{h}:{p}" for h, p in self.hosts)


@dataclass(frozen=True)
class Layout:
    """The run's temporary resources and the delivery settings the clients use."""

    run_id: str
    name: str  # broker-advisor.loadtest.<run-id>: queue, topic, stream, exchange, group prefix
    consumption: str  # competing_workers | fan_out | consumer_groups
    groups: int  # independent receivers of every message (fan-out subscribers, groups)
    consumers_per_group: int
    producers: int
    keyed: bool = False
    partitions: int = 1
    confirms: bool = True  # wait for the broker to acknowledge publishes
    persistent: bool = True  # persistent messages / durable queues
    consumer_acks: bool = True  # manual acknowledgement after processing
    acks: str = "all"  # Kafka producer acks
    idempotent: bool = True
    replication_factor: int = 1
    min_insync_replicas: int = 1
    queue_type: str = "classic"  # RabbitMQ: classic | quorum
    prefetch: int = 100
    redis_mode: str = "stream"  # stream | pubsub
    expires_s: int = 600  # broker-side expiry of what a killed run leaves (where supported)

    def group_name(self, group: int) -> str:
        return f"{self.name}.g{group}"

    def queue_name(self, group: int) -> str:
        return self.name if self.groups == 1 else f"{self.name}.q{group}"


@dataclass(frozen=True)
class DriverSpec:
    connection: Connection
    layout: Layout


class Producer(Protocol):
    """Sends messages; counts what the broker acknowledged and what failed, and records how
    long each acknowledgement took from the message's intended send time (`ack_latency`)."""

    acked: int
    failures: int
    failed: list[int]
    last_error: str
    ack_latency: Any

    def send(self, messages: Sequence[tuple[int, int, bytes]]) -> None:
        """Send (seq, key, payload) messages; may raise (the caller marks them failed)."""

    def fail(self, seqs: Sequence[int], error: str) -> None:
        """Count these messages as failed."""

    def poll(self) -> None:
        """Handle acknowledgements that have arrived, without blocking."""

    def wait(self, seconds: float) -> None:
        """Idle for a short while before the next send (the caller polls in between)."""

    def flush(self, timeout_s: float) -> None:
        """Wait up to timeout_s for outstanding acknowledgements."""

    def close(self) -> None: ...


class Consumer(Protocol):
    """Receives message payloads; acknowledges a batch once the next is asked for."""

    errors: int
    last_error: str

    def ready(self) -> bool:
        """Subscribed and assigned: messages sent from now on will reach it."""

    def receive(self, max_wait_s: float) -> list[bytes]: ...

    def close(self) -> None: ...


class ProducerBase:
    """Counters every producer keeps."""

    def __init__(self) -> None:
        self.acked = 0
        self.failures = 0
        self.failed: list[int] = []
        self.last_error = ""
        self.ack_latency: Any = latency.new()

    def wait(self, seconds: float) -> None:
        time.sleep(seconds)

    def fail(self, seqs: Sequence[int], error: str) -> None:
        self.failures += len(seqs)
        room = MAX_FAILED_KEPT - len(self.failed)
        if room > 0:
            self.failed.extend(seqs[:room])
        self.last_error = error


def describe(exc: BaseException) -> str:
    text = str(exc).strip()
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__


def bounded(call: Callable[[], Any], timeout_s: float, what: str = N_("the broker")) -> Any:
    """Run a call in a helper thread, for clients whose calls have no timeout of their own
    (pika's BlockingConnection); TimeoutError when it does not return in time (the thread is
    abandoned)."""
    box: dict[str, Any] = {}

    def work() -> None:
        try:
            box["value"] = call()
        except BaseException as error:
            box["error"] = error

    thread = threading.Thread(target=work, daemon=True, name="loadtest-bounded-call")
    thread.start()
    thread.join(timeout_s)
    if thread.is_alive():
        raise TimeoutError(
            tr("no answer from {what} within {seconds} s", what=tr(what), seconds=f"{timeout_s:g}")
        )
    if "error" in box:
        raise box["error"]
    return box.get("value")
