"""RabbitMQ probe: AMQP handshake, login, server facts, confirms, acks, dead-lettering, quorum, API.

Checks (ids): rabbitmq.resolve, rabbitmq.connect, rabbitmq.tls, rabbitmq.handshake,
rabbitmq.auth, rabbitmq.server, rabbitmq.confirm_latency, rabbitmq.publish_consume,
rabbitmq.dead_lettering, rabbitmq.quorum_queue and, with a management URL,
rabbitmq.mgmt_overview, rabbitmq.mgmt_nodes, rabbitmq.mgmt_health. Temporary queues and
exchanges are named `broker-advisor.probe.<run-id>.*`, exclusive or auto-delete where the type
allows, durable ones with a queue TTL (x-expires), and deleted in a `finally` (a fresh,
time-bounded connection removes what remains).

pika runs with connection_attempts=1 and socket/stack/blocked-connection timeouts and heartbeat
taken from the runner's stage timeout. Its BlockingConnection waits for replies and confirms with
no timeout at all, so every check that uses the connection runs under a `_Watchdog`: when
nothing arrives from the broker for a stage timeout (the broker's heartbeats keep a healthy idle
connection busy), or the probe is cancelled or out of budget while a call waits, it shuts the
socket down; the blocked call then fails and the check reports a timeout.

`rabbitmq.confirm_latency` measures what the workload relies on: persistent messages
(delivery_mode=2) on a durable queue (quorum when the broker has them, else classic durable),
unless the workload accepts losing messages in a crash (then transient messages on a
non-durable queue); figures `messages` and `queue` say which.
"""

from __future__ import annotations

import base64
import contextlib
import http.client
import json
import socket
import struct
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable, Generator, Iterator
from typing import Any

import pika
import pika.exceptions as pex
from pika.adapters.blocking_connection import BlockingChannel

from advisor import versions
from advisor.probe import preflight
from advisor.probe.classify import Failure, classify_os_error, describe, walk_exception
from advisor.probe.models import Endpoint, FailureClass, ProbeCheck, Stage
from advisor.probe.resources import TempResource
from advisor.probe.runner import CheckRecorder, ProbeContext, latency_figures
from advisor.workload import Broker

CONFIRM_COUNT = 50
ORDER_COUNT = 10
DLX_TTL_MS = 200
AMQP_HEADER = b"AMQP\x00\x00\x09\x01"
QUEUE_EXPIRES_MS = 60_000  # a durable probe queue left behind removes itself (x-expires)
_WATCH_S = 0.05
_STOPPING_IDLE_S = 0.25  # once cancelled or out of budget, a wait this long is given up

_LATER_CHECKS: tuple[tuple[str, str, Stage], ...] = (
    ("rabbitmq.server", "Server properties and capabilities", Stage.INSPECT),
    ("rabbitmq.confirm_latency", "Publisher-confirmed publish latency", Stage.BEHAVE),
    ("rabbitmq.publish_consume", "Publish/consume with manual acks and order", Stage.BEHAVE),
    ("rabbitmq.dead_lettering", "Dead-lettering (reject and TTL expiry)", Stage.BEHAVE),
    ("rabbitmq.quorum_queue", "Quorum queue support", Stage.BEHAVE),
    ("rabbitmq.priorities", "Message priorities (classic and quorum queues)", Stage.BEHAVE),
)
_MGMT_CHECKS: tuple[tuple[str, str, Stage], ...] = (
    ("rabbitmq.mgmt_overview", "Management API overview", Stage.INSPECT),
    ("rabbitmq.mgmt_nodes", "Nodes: running and alarms", Stage.INSPECT),
    ("rabbitmq.mgmt_health", "Health checks", Stage.INSPECT),
)
_HEALTH_CHECKS = ("alarms", "local-alarms", "node-is-quorum-critical", "virtual-hosts")
_MGMT_MAX_BYTES = 4 * 1024 * 1024  # the largest management API answer read (nodes, overview)
# 401 replies whose reason says the login worked but the user's tags do not allow the request.
_MGMT_TAG_NEEDED = {
    "Not management user": "The user has no management tag: give it 'monitoring' "
    "(rabbitmqctl set_user_tags USER monitoring) to let the probe read nodes and health.",
    "Not monitor user": "The user has the 'management' tag only: nodes and alarms need "
    "'monitoring' (rabbitmqctl set_user_tags USER monitoring).",
}


def classify(exc: BaseException, where: str = "the server") -> Failure | None:
    """Name pika errors (which often have an empty str()) and the broker's reply codes."""
    for item in walk_exception(exc):
        found = _classify_one(item, where)
        if found is not None:
            return found
    return None


class StalledError(Exception):
    """The broker sent nothing while a pika call waited (the watchdog ended the wait)."""


class NotManagementApiError(Exception):
    """The management URL answered, but not as RabbitMQ's management API (HTTP and JSON)."""


def _classify_one(exc: BaseException, where: str) -> Failure | None:
    text = describe(exc)
    if isinstance(exc, NotManagementApiError):
        return Failure(
            FailureClass.WRONG_PROTOCOL,
            f"{where} is not RabbitMQ's management API: {exc}",
            "Point the management URL at the management plugin's HTTP port (15672, or 15671 "
            "for HTTPS), not at the AMQP port or another service.",
        )
    if isinstance(exc, StalledError):
        return Failure(
            FailureClass.TIMEOUT,
            f"{where} stopped answering: {text}",
            "The broker (or a proxy or load balancer in front of it) accepted the connection "
            "and then went silent: it may be paused, overloaded or blocked by an alarm, or the "
            "network drops packets.",
        )
    if isinstance(exc, (pex.ProbableAuthenticationError, pex.AuthenticationError)):
        return Failure(
            FailureClass.AUTH,
            f"login refused: {text}",
            "Wrong user name or password (ACCESS_REFUSED); note that 'guest' may only "
            "log in from localhost.",
        )
    if isinstance(exc, pex.ProbableAccessDeniedError):
        return Failure(
            FailureClass.AUTHORISATION,
            f"vhost access denied: {text}",
            "The vhost does not exist or this user has no permissions on it: check "
            "the URL path (%2F is the default vhost '/') and rabbitmqctl "
            "list_permissions.",
        )
    if isinstance(exc, pex.ConnectionClosedByBroker):
        if exc.reply_code == 403:
            return Failure(
                FailureClass.AUTH,
                f"login refused: {text}",
                "Wrong user name or password (ACCESS_REFUSED).",
            )
        if exc.reply_code == 530:
            return Failure(
                FailureClass.AUTHORISATION,
                f"vhost not allowed: {text}",
                "The vhost does not exist or this user may not use it.",
            )
        if exc.reply_code == 320:
            return Failure(
                FailureClass.CONNECTION_LOST,
                f"the broker closed the connection: {text}",
                "The node is shutting down or an operator closed the connection.",
            )
        return Failure(FailureClass.OTHER, f"the broker closed the connection: {text}")
    if isinstance(exc, pex.ChannelClosedByBroker):
        if exc.reply_code == 403:
            return Failure(
                FailureClass.AUTHORISATION,
                f"not permitted: {text}",
                "The user lacks configure/write/read permission on "
                "broker-advisor.probe.* in this vhost.",
            )
        if exc.reply_code == 406:
            return Failure(
                FailureClass.OTHER,
                f"precondition failed: {text}",
                "An argument is not supported or conflicts with an existing object.",
            )
        return Failure(FailureClass.OTHER, f"channel closed by the broker: {text}")
    if isinstance(exc, pex.IncompatibleProtocolError):
        return Failure(
            FailureClass.WRONG_PROTOCOL,
            f"not an AMQP 0-9-1 server: {text}",
            "Something other than RabbitMQ listens here (or it expects TLS: amqps://).",
        )
    if isinstance(exc, pex.ConnectionBlockedTimeout):
        return Failure(
            FailureClass.DEGRADED,
            f"the broker blocked publishing: {text}",
            "A memory or disk alarm is active: free resources on the node.",
        )
    if isinstance(exc, pex.AMQPHeartbeatTimeout):
        return Failure(
            FailureClass.TIMEOUT,
            f"the broker stopped answering: {text}",
            "The node is paused, overloaded or the network dropped.",
        )
    if isinstance(exc, (pex.NackError, pex.UnroutableError)):
        return Failure(
            FailureClass.DEGRADED,
            f"publish not confirmed: {text}",
            "The broker nacked or returned the message: check queue limits and alarms.",
        )
    if isinstance(exc, pex.StreamLostError):
        cause = classify_os_error(exc, where)
        if cause is not None:
            return cause
        return Failure(
            FailureClass.CONNECTION_LOST,
            f"connection lost: {text}",
            "The broker was stopped or restarted, or the network dropped.",
        )
    if isinstance(exc, pex.AMQPConnectionError) and "timed out" in text.lower():
        return Failure(
            FailureClass.TIMEOUT,
            f"AMQP handshake timed out: {text}",
            "The broker is paused or overloaded, or the listener is not AMQP.",
        )
    return None


def _name(ctx: ProbeContext, suffix: str) -> str:
    return f"broker-advisor.probe.{ctx.run_id}.{suffix}"


def _parameters(
    ctx: ProbeContext, endpoint: Endpoint, timeout_s: float
) -> pika.ConnectionParameters:
    target = ctx.target
    ssl_options = None
    if target.tls:
        ssl_options = pika.SSLOptions(preflight.tls_context(target), server_hostname=endpoint.host)
    return pika.ConnectionParameters(
        host=endpoint.host,
        port=endpoint.port,
        virtual_host=target.vhost or "/",
        credentials=pika.PlainCredentials(
            target.username or "guest", target.password if target.password is not None else "guest"
        ),
        ssl_options=ssl_options,
        connection_attempts=1,
        retry_delay=0,
        socket_timeout=timeout_s,
        stack_timeout=timeout_s,
        blocked_connection_timeout=timeout_s,
        heartbeat=max(1, round(timeout_s)),
        client_properties={"connection_name": f"broker-advisor-probe-{ctx.run_id}"},
    )


def _handshake(ctx: ProbeContext, endpoint: Endpoint) -> Generator[ProbeCheck, None, bool]:
    """Send the AMQP 0-9-1 header; a Connection.Start frame proves an AMQP broker.

    An AMQP server answers the header at once; one that stays silent gets a text PING on a second
    connection after SNIFF_AFTER_S, so Redis or an HTTP port (waiting for a line end) is named
    as such, while a stalled broker still ends as a timeout at the stage timeout.
    """
    where = str(endpoint)
    with ctx.check(
        "rabbitmq.handshake", "AMQP 0-9-1 handshake", Stage.HANDSHAKE, where=where
    ) as check:
        timeout_s = ctx.timeout()
        reply: bytes | None = None
        answer: bytes | None = None
        with preflight.open_socket(ctx, endpoint, timeout_s) as sock:
            started = time.monotonic()
            sock.sendall(AMQP_HEADER)
            try:
                reply = preflight.recv(
                    ctx, sock, 7, min(preflight.SNIFF_AFTER_S, timeout_s / 2), exact=True
                )
            except TimeoutError:
                answer = preflight.sniff(ctx, endpoint)
                if not answer or answer.startswith(b"AMQP"):
                    left = timeout_s - (time.monotonic() - started)
                    with contextlib.suppress(TimeoutError):
                        reply = preflight.recv(ctx, sock, 7, left, exact=True) if left > 0 else None
            check.figures["reply_ms"] = round((time.monotonic() - started) * 1000, 3)
        if reply is None:
            if answer and not answer.startswith(b"AMQP"):
                check.fail(
                    FailureClass.WRONG_PROTOCOL,
                    f"{endpoint} is not AMQP: no answer to the AMQP header, and to a text PING "
                    f"{preflight.what_speaks(answer)}",
                    "Check the port: 5672 is AMQP, 5671 AMQPS, 15672 the management UI.",
                )
            else:
                check.fail(
                    FailureClass.TIMEOUT,
                    f"{endpoint} accepted the connection but did not answer the AMQP header "
                    f"within {timeout_s:g} s",
                    "The broker is paused or overloaded, or the listener is not AMQP.",
                )
        elif len(reply) >= 7 and reply[0] == 1 and struct.unpack(">H", reply[1:3])[0] == 0:
            check.note("Connection.Start received (AMQP 0-9-1)")
        elif reply.startswith(b"AMQP"):
            check.fail(
                FailureClass.WRONG_PROTOCOL,
                f"the server wants protocol {reply[4:8]!r}, not AMQP 0-9-1",
                "This is an AMQP broker of another version (AMQP 1.0 only?).",
            )
        else:
            what = preflight.what_speaks(reply) if reply else "it closed the connection"
            check.fail(
                FailureClass.WRONG_PROTOCOL,
                f"{endpoint} is not AMQP: {what}",
                "Check the port: 5672 is AMQP, 5671 AMQPS, 15672 the management UI.",
            )
    yield check.result
    return check.ok


def _text(value: Any) -> str:
    return value.decode("utf-8", "replace") if isinstance(value, bytes) else str(value)


class _Watchdog:
    """Ends pika waits that get no answer: BlockingConnection calls have no timeout of their own.

    A helper thread watches the connection's received-byte count while a check runs (`guard`);
    after `idle_s` without a byte (0.25 s once the probe is cancelled or out of budget) it shuts
    the socket down, so the blocked call fails; `guard` turns that into StalledError (or the
    runner's cancellation). The broker's heartbeats keep an idle but healthy connection busy.
    """

    def __init__(self, ctx: ProbeContext, connection: pika.BlockingConnection, idle_s: float):
        self.ctx = ctx
        self.connection = connection
        self.idle_s = idle_s
        self.fired = ""
        self.fired_stopping = False
        self._limit = idle_s
        self._label = ""
        self._cleanup = False
        self._armed = False
        self._last = 0
        self._last_change = time.monotonic()
        self._stop = threading.Event()
        self._thread = threading.Thread(
            target=self._watch, daemon=True, name=f"rabbitmq-watchdog-{ctx.run_id}"
        )
        self._thread.start()

    @contextlib.contextmanager
    def guard(
        self, label: str, idle_s: float | None = None, *, cleanup: bool = False
    ) -> Iterator[None]:
        """Watch the connection while the body runs; a wait it ended raises StalledError.

        cleanup: the body is the cleanup, which runs after cancellation by design, so only
        silence for idle_s ends it.
        """
        self._label, self._limit = label, idle_s if idle_s is not None else self.idle_s
        self._cleanup = cleanup
        self._last, self._last_change = self._received(), time.monotonic()
        self._armed = True
        try:
            yield
        except Exception as error:
            if self.fired_stopping:
                self.ctx.checkpoint()  # ProbeAbortError: cancelled or out of budget
            if self.fired:
                raise StalledError(self.fired) from error
            raise
        finally:
            self._armed = False

    def _received(self) -> int:
        value = getattr(getattr(self.connection, "_impl", None), "bytes_received", 0)
        return int(value) if isinstance(value, int) else 0

    def _watch(self) -> None:
        while not self._stop.wait(_WATCH_S):
            if not self._armed or self.fired:
                continue
            now = time.monotonic()
            received = self._received()
            if received != self._last:
                self._last, self._last_change = received, now
                continue
            stopping = self.ctx.stopping and not self._cleanup
            limit = min(self._limit, _STOPPING_IDLE_S) if stopping else self._limit
            idle = now - self._last_change
            if idle >= limit:
                self.fired_stopping = stopping
                self.fired = (
                    f"nothing came back for {idle:.1f} s while {self._label} waited for a reply"
                )
                self._shutdown()

    def _shutdown(self) -> None:
        transport = getattr(getattr(self.connection, "_impl", None), "_transport", None)
        sock = getattr(transport, "_sock", None)
        if isinstance(sock, socket.socket):
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)

    def close(self) -> None:
        self._stop.set()
        self._thread.join(1.0)


def _needs_durability(ctx: ProbeContext) -> bool:
    """Whether the workload (if any) needs messages to survive a crash (default: yes)."""
    if ctx.workload is None:
        return True
    return not ctx.workload.model_dump().get("crash_may_lose_messages", False)


def _hold(ctx: ProbeContext, durable: list[tuple[str, str]], kind: str, name: str) -> None:
    """An object that outlives the connection: cleanup must delete it."""
    durable.append((kind, name))
    ctx.resources.add(TempResource(Broker.RABBITMQ, kind, name))


def _drop(ctx: ProbeContext, durable: list[tuple[str, str]], kind: str, name: str) -> None:
    with contextlib.suppress(ValueError):
        durable.remove((kind, name))
    ctx.resources.discard(TempResource(Broker.RABBITMQ, kind, name))


Step = Callable[
    [ProbeContext, pika.BlockingConnection, _Watchdog, list[tuple[str, str]]], ProbeCheck
]


def run_checks(ctx: ProbeContext) -> Generator[ProbeCheck, None, None]:
    """All RabbitMQ checks for ctx.target, in order (see the module docstring)."""
    target = ctx.target
    endpoint = target.endpoint
    ok = yield from preflight.run(ctx, endpoint, tls=target.tls, prefix="rabbitmq")
    if ok:
        ok = yield from _handshake(ctx, endpoint)
    if not ok:
        for spec in (
            ("rabbitmq.auth", "Log in and open the vhost", Stage.AUTHENTICATE),
            *_LATER_CHECKS,
        ):
            yield ctx.skipped(*spec, "the broker could not be reached")
        yield from _management(ctx)
        return
    connection: pika.BlockingConnection | None = None
    watchdog: _Watchdog | None = None
    durable: list[tuple[str, str]] = []  # (kind, name) of objects that outlive the connection
    try:
        with ctx.check("rabbitmq.auth", "Log in and open the vhost", Stage.AUTHENTICATE) as check:
            started = time.monotonic()
            connection = pika.BlockingConnection(_parameters(ctx, endpoint, ctx.timeout()))
            check.figures["connect_login_ms"] = round((time.monotonic() - started) * 1000, 3)
            check.note(f"as {target.username or 'guest'} on vhost {target.vhost or '/'}")
        yield check.result
        if connection is None:
            for spec in _LATER_CHECKS:
                yield ctx.skipped(*spec, "login failed")
        else:
            watchdog = _Watchdog(ctx, connection, ctx.stage_timeout_s)
            steps: tuple[Step, ...] = (
                _server,
                _confirm_latency,
                _publish_consume,
                _dead_lettering,
                _quorum_queue,
                _priorities,
            )
            for index, step in enumerate(steps):
                if not connection.is_open:
                    for spec in _LATER_CHECKS[index:]:
                        yield ctx.skipped(
                            *spec, "the connection to the broker was lost or stopped answering"
                        )
                    break
                yield step(ctx, connection, watchdog, durable)
        yield from _management(ctx)
    finally:
        _cleanup(ctx, endpoint, connection, watchdog, durable)


def _channel(ctx: ProbeContext, connection: pika.BlockingConnection) -> BlockingChannel:
    ctx.checkpoint()
    channel = connection.channel()
    channel.confirm_delivery()
    return channel


def _close_channel(channel: BlockingChannel | None) -> None:
    if channel is not None and channel.is_open:
        with contextlib.suppress(Exception):
            channel.close()


def _server(
    ctx: ProbeContext,
    connection: pika.BlockingConnection,
    watchdog: _Watchdog,
    durable: list[tuple[str, str]],
) -> ProbeCheck:
    with ctx.check("rabbitmq.server", "Server properties and capabilities", Stage.INSPECT) as check:
        props: dict[str, Any] = dict(connection._impl.server_properties or {})
        product = _text(props.get("product", "?"))
        version = _text(props.get("version", "?"))
        cluster = _text(props.get("cluster_name", ""))
        capabilities = {str(k): bool(v) for k, v in dict(props.get("capabilities", {})).items()}
        check.figures.update(
            product=product,
            version=version,
            cluster_name=cluster or "-",
            platform=_text(props.get("platform", "?")),
        )
        enabled = sorted(k for k, v in capabilities.items() if v)
        check.figures["capabilities"] = ", ".join(enabled)
        summary = ctx.summary
        summary.product, summary.version = product, version
        summary.facts.update(
            cluster_name=cluster, **{f"cap_{k}": v for k, v in capabilities.items()}
        )
        major = versions.loose_parts(version)
        summary.max_message_bytes = 16 * 1024 * 1024 if major >= (4, 0) else 128 * 1024 * 1024
        summary.facts["max_message_bytes_source"] = "default max_message_size for this version"
        # Whether quorum queues replicate depends on the node count, which only the management
        # API tells (rabbitmq.mgmt_nodes); say nothing about replication until it is known.
        summary.persistence = "per queue: durable queues keep persistent messages on disk"
        for needed in ("publisher_confirms", "basic.nack", "consumer_cancel_notify"):
            if not capabilities.get(needed):
                check.warn(
                    f"capability {needed} missing",
                    "Upgrade the broker: clients rely on it for safe delivery.",
                )
        if major and major < (3, 8):
            check.warn(
                f"RabbitMQ {version} predates quorum queues (3.8)",
                "Upgrade to a supported release (3.13 or 4.x).",
            )
    return check.result


def _durable_queue(
    ctx: ProbeContext,
    connection: pika.BlockingConnection,
    channel: BlockingChannel,
    durable: list[tuple[str, str]],
    suffix: str,
) -> tuple[BlockingChannel, str, str]:
    """Declare a temporary durable queue: quorum if the broker has them, else classic durable.

    Returns the (maybe new) channel, the queue name and its kind. The queue expires on its own
    (x-expires) should cleanup fail.
    """
    queue = _name(ctx, suffix)
    _hold(ctx, durable, "queue", queue)
    try:
        channel.queue_declare(
            queue,
            durable=True,
            arguments={"x-queue-type": "quorum", "x-expires": QUEUE_EXPIRES_MS},
        )
        return channel, queue, "quorum"
    except pex.ChannelClosedByBroker as error:  # no quorum queues here: a classic durable one
        channel = _channel(ctx, connection)
        channel.queue_declare(queue, durable=True, arguments={"x-expires": QUEUE_EXPIRES_MS})
        return channel, queue, f"classic durable (quorum refused: {error.reply_code})"


def _confirm_latency(
    ctx: ProbeContext,
    connection: pika.BlockingConnection,
    watchdog: _Watchdog,
    durable: list[tuple[str, str]],
) -> ProbeCheck:
    title = "Publisher-confirmed publish latency"
    persistent = _needs_durability(ctx)
    check_id = "rabbitmq.confirm_latency"
    with ctx.check(check_id, title, Stage.BEHAVE) as check, watchdog.guard(check_id):
        channel = _channel(ctx, connection)
        try:
            if persistent:
                channel, queue, kind = _durable_queue(ctx, connection, channel, durable, "confirms")
                props = pika.BasicProperties(delivery_mode=pika.DeliveryMode.Persistent)
            else:
                queue, kind = _name(ctx, "confirms"), "classic, exclusive, non-durable"
                channel.queue_declare(queue, exclusive=True, auto_delete=True)
                props = pika.BasicProperties(delivery_mode=pika.DeliveryMode.Transient)
            samples: list[float] = []
            for i in range(CONFIRM_COUNT):
                ctx.checkpoint()
                started = time.perf_counter()
                channel.basic_publish("", queue, f"confirm-{i}".encode(), props, mandatory=True)
                samples.append((time.perf_counter() - started) * 1000)
            check.figures.update(latency_figures(samples))
            check.figures.update(messages="persistent" if persistent else "transient", queue=kind)
            check.note(
                f"{'persistent' if persistent else 'transient'} messages to a {kind} queue, "
                "one at a time with publisher confirms, through pika from this machine: client "
                "latency, not the broker's throughput"
                + (
                    ""
                    if persistent
                    else " (the workload may lose messages in a crash, so transient ones)"
                )
            )
            channel.queue_delete(queue)
            if persistent:
                _drop(ctx, durable, "queue", queue)
        finally:
            _close_channel(channel)
    return check.result


def _publish_consume(
    ctx: ProbeContext,
    connection: pika.BlockingConnection,
    watchdog: _Watchdog,
    durable: list[tuple[str, str]],
) -> ProbeCheck:
    title = "Publish/consume with manual acks and order"
    check_id = "rabbitmq.publish_consume"
    with ctx.check(check_id, title, Stage.BEHAVE) as check, watchdog.guard(check_id):
        channel = _channel(ctx, connection)
        try:
            queue = _name(ctx, "work")
            channel.queue_declare(queue, exclusive=True, auto_delete=True)
            bodies = [f"msg-{i}".encode() for i in range(ORDER_COUNT)]
            for body in bodies:
                channel.basic_publish("", queue, body, mandatory=True)
            channel.basic_qos(prefetch_count=1)  # so the nacked message returns first
            got: list[bytes] = []
            requeued = False
            redelivered_ok = False
            deadline = time.monotonic() + ctx.timeout()
            for method, _properties, body in channel.consume(
                queue, auto_ack=False, inactivity_timeout=0.1
            ):
                ctx.checkpoint()
                if method is None:
                    if time.monotonic() > deadline:
                        break
                    continue
                if not requeued:  # nack the first delivery once: it must come back
                    channel.basic_nack(method.delivery_tag, requeue=True)
                    requeued = True
                    continue
                if body == bodies[0] and not got:
                    redelivered_ok = bool(method.redelivered)
                channel.basic_ack(method.delivery_tag)
                got.append(body)
                if len(got) == len(bodies):
                    break
            channel.cancel()
            in_order = got == bodies
            check.figures.update(
                published=len(bodies),
                consumed_acked=len(got),
                redelivered_flag=int(redelivered_ok),
                in_order=str(in_order).lower(),
            )
            if not in_order:
                check.fail(
                    FailureClass.OTHER,
                    f"expected {len(bodies)} messages in order, got {[b.decode() for b in got]}",
                )
            elif not redelivered_ok:
                check.warn("the nacked message came back without the redelivered flag")
            else:
                check.note(
                    "order kept; a nacked message was redelivered first, flagged redelivered"
                )
            channel.queue_delete(queue)
        finally:
            _close_channel(channel)
    return check.result


def _dead_lettering(
    ctx: ProbeContext,
    connection: pika.BlockingConnection,
    watchdog: _Watchdog,
    durable: list[tuple[str, str]],
) -> ProbeCheck:
    title = "Dead-lettering (reject and TTL expiry)"
    check_id = "rabbitmq.dead_lettering"
    with ctx.check(check_id, title, Stage.BEHAVE) as check, watchdog.guard(check_id):
        channel = _channel(ctx, connection)
        try:
            dlx, dlq = _name(ctx, "dlx"), _name(ctx, "dlq")
            rejected_q, expiring_q = _name(ctx, "reject"), _name(ctx, "ttl")
            _hold(ctx, durable, "exchange", dlx)
            channel.exchange_declare(dlx, exchange_type="fanout", auto_delete=True)
            channel.queue_declare(dlq, exclusive=True, auto_delete=True)
            channel.queue_bind(dlq, dlx)
            channel.queue_declare(
                rejected_q,
                exclusive=True,
                auto_delete=True,
                arguments={"x-dead-letter-exchange": dlx},
            )
            channel.queue_declare(
                expiring_q,
                exclusive=True,
                auto_delete=True,
                arguments={"x-dead-letter-exchange": dlx, "x-message-ttl": DLX_TTL_MS},
            )
            channel.basic_publish("", rejected_q, b"reject-me", mandatory=True)
            expire_started = time.perf_counter()
            channel.basic_publish("", expiring_q, b"expire-me", mandatory=True)
            method, _props, _body = channel.basic_get(rejected_q, auto_ack=False)
            if method is None:
                check.fail(FailureClass.OTHER, "the message to reject was not delivered")
            else:
                channel.basic_reject(method.delivery_tag, requeue=False)
            reasons: dict[str, float] = {}
            deadline = time.monotonic() + max(ctx.timeout(), DLX_TTL_MS / 1000 + 1.0)
            while len(reasons) < 2 and time.monotonic() < deadline:
                ctx.checkpoint()
                method, props, _body = channel.basic_get(dlq, auto_ack=True)
                if method is None:
                    connection.sleep(0.02)
                    continue
                deaths = (props.headers or {}).get("x-death") or [{}]
                reason = _text(deaths[0].get("reason", "?"))
                reasons[reason] = (time.perf_counter() - expire_started) * 1000
            check.figures.update(dead_lettered=len(reasons), ttl_ms=DLX_TTL_MS)
            if "expired" in reasons:
                check.figures["expired_arrived_after_ms"] = round(reasons["expired"], 1)
            missing = {"rejected", "expired"} - set(reasons)
            if missing:
                check.fail(
                    FailureClass.OTHER,
                    f"no dead letter with x-death reason {', '.join(sorted(missing))} "
                    f"(got {sorted(reasons) or 'none'})",
                    "Check x-dead-letter-exchange support and policies overriding it.",
                )
            else:
                check.note(
                    "rejected (requeue=False) and TTL-expired messages reached the DLX "
                    "with x-death reasons 'rejected' and 'expired'"
                )
            for queue in (rejected_q, expiring_q, dlq):
                channel.queue_delete(queue)
            channel.exchange_delete(dlx)
            _drop(ctx, durable, "exchange", dlx)
        finally:
            _close_channel(channel)
    return check.result


def _quorum_queue(
    ctx: ProbeContext,
    connection: pika.BlockingConnection,
    watchdog: _Watchdog,
    durable: list[tuple[str, str]],
) -> ProbeCheck:
    check_id = "rabbitmq.quorum_queue"
    with ctx.check(check_id, "Quorum queue support", Stage.BEHAVE) as check:
        with watchdog.guard(check_id):
            channel = _channel(ctx, connection)
            try:
                queue = _name(ctx, "quorum")
                _hold(ctx, durable, "queue", queue)
                started = time.perf_counter()
                channel.queue_declare(
                    queue,
                    durable=True,
                    arguments={"x-queue-type": "quorum", "x-expires": QUEUE_EXPIRES_MS},
                )
                channel.basic_publish(
                    "", queue, b"quorum", pika.BasicProperties(delivery_mode=2), mandatory=True
                )
                _method, _props, body = channel.basic_get(queue, auto_ack=True)
                check.figures["declare_publish_get_ms"] = round(
                    (time.perf_counter() - started) * 1000, 3
                )
                channel.queue_delete(queue)
                _drop(ctx, durable, "queue", queue)
                if body != b"quorum":
                    check.fail(FailureClass.OTHER, "the confirmed message was not read back")
                else:
                    check.note(
                        "declared x-queue-type=quorum (durable), published with a confirm, "
                        "read back, deleted"
                    )
            finally:
                _close_channel(channel)
        if check.failure_class is FailureClass.OTHER and "precondition" in check.details:
            check.details += " (quorum queues need RabbitMQ 3.8+ and the feature flag enabled)"
    return check.result


PRIORITY_LEVELS = 5


def _first_of(
    ctx: ProbeContext, channel: BlockingChannel, queue: str, priorities: tuple[int, ...]
) -> bytes | None:
    """Publish one message per priority (in this order) and return the body read first."""
    for priority in priorities:
        channel.basic_publish(
            "",
            queue,
            f"p{priority}".encode(),
            pika.BasicProperties(priority=priority, delivery_mode=1),
            mandatory=True,
        )
    ctx.checkpoint()
    _method, _props, body = channel.basic_get(queue, auto_ack=True)
    channel.queue_purge(queue)
    return bytes(body) if body is not None else None


def _priorities(
    ctx: ProbeContext,
    connection: pika.BlockingConnection,
    watchdog: _Watchdog,
    durable: list[tuple[str, str]],
) -> ProbeCheck:
    """Do urgent messages overtake queued ones, in a classic priority queue and a quorum queue?

    Quorum queues ignore priorities before 4.0, serve two levels about 2:1 on 4.0-4.2 and 32
    strict levels from 4.3: the figure says what this broker does, the note what to use.
    """
    check_id = "rabbitmq.priorities"
    order = (1, 1, PRIORITY_LEVELS)  # two low, then one high: the high one must come first
    high = f"p{PRIORITY_LEVELS}".encode()
    version = ctx.summary.version or "?"
    with (
        ctx.check(
            check_id, "Message priorities (classic and quorum queues)", Stage.BEHAVE
        ) as check,
        watchdog.guard(check_id),
    ):
        channel = _channel(ctx, connection)
        try:
            classic = _name(ctx, "prio-classic")
            channel.queue_declare(
                classic,
                exclusive=True,
                auto_delete=True,
                arguments={"x-max-priority": PRIORITY_LEVELS},
            )
            classic_ok = _first_of(ctx, channel, classic, order) == high
            channel.queue_delete(classic)
            quorum = _name(ctx, "prio-quorum")
            _hold(ctx, durable, "queue", quorum)
            channel.queue_declare(
                quorum,
                durable=True,
                arguments={"x-queue-type": "quorum", "x-expires": QUEUE_EXPIRES_MS},
            )
            quorum_ok = _first_of(ctx, channel, quorum, order) == high
            channel.queue_delete(quorum)
            _drop(ctx, durable, "queue", quorum)
        finally:
            _close_channel(channel)
        check.figures.update(classic_priorities=classic_ok, quorum_priorities=quorum_ok)
        if not classic_ok:
            check.fail(
                FailureClass.OTHER,
                "a classic queue with x-max-priority delivered a low-priority message first",
                "Check for a policy or plugin that overrides queue arguments.",
            )
        elif quorum_ok:
            check.note(
                f"priority {PRIORITY_LEVELS} overtook queued priority-1 messages in a "
                f"classic priority queue and in a quorum queue (RabbitMQ {version})"
            )
        else:
            check.note(
                f"classic priority queues work; quorum queues on RabbitMQ {version} deliver "
                "in arrival order (priorities need 4.0+ there): use a classic queue with "
                "x-max-priority, which is not replicated, or upgrade"
            )
    return check.result


def _management(ctx: ProbeContext) -> Generator[ProbeCheck, None, None]:
    """Management API checks, when a management URL was given."""
    base = ctx.target.management_url
    if not base:
        return
    parsed = urllib.parse.urlsplit(base)
    user = urllib.parse.unquote(parsed.username or "") or ctx.target.username or "guest"
    password = (
        urllib.parse.unquote(parsed.password)
        if parsed.password is not None
        else ctx.target.password
        if ctx.target.password is not None
        else "guest"
    )
    host = parsed.hostname or ""
    netloc = f"[{host}]" if ":" in host else host
    if parsed.port:
        netloc += f":{parsed.port}"
    root = f"{parsed.scheme}://{netloc}{parsed.path.rstrip('/')}"
    auth = base64.b64encode(f"{user}:{password}".encode()).decode()

    def get(path: str) -> tuple[int, Any]:
        request = urllib.request.Request(root + path, headers={"Authorization": f"Basic {auth}"})
        try:
            with urllib.request.urlopen(request, timeout=ctx.timeout()) as response:
                raw = response.read(_MGMT_MAX_BYTES)
                try:
                    return int(response.status), json.loads(raw or b"null")
                except ValueError:
                    raise NotManagementApiError(
                        f"HTTP {response.status} with a body that is not JSON"
                    ) from None
        except (http.client.BadStatusLine, http.client.RemoteDisconnected) as error:
            # An AMQP port answers an HTTP request with its protocol header, then hangs up.
            raise NotManagementApiError(f"no HTTP reply ({describe(error)})") from None
        except ConnectionResetError as error:
            raise NotManagementApiError(f"the connection was reset ({describe(error)})") from None
        except urllib.error.HTTPError as error:
            body = error.read()
            try:
                return error.code, json.loads(body or b"null")
            except ValueError:
                return error.code, body.decode("utf-8", "replace")

    def http_failure(check: CheckRecorder, status: int, body: Any) -> None:
        reason = str(body.get("reason", "")) if isinstance(body, dict) else ""
        if status == 401 and reason in _MGMT_TAG_NEEDED:
            # The credentials are right; the user lacks the tag this endpoint needs.
            check.fail(
                FailureClass.AUTHORISATION,
                f"the management API accepted the login but refused this request ({reason})",
                _MGMT_TAG_NEEDED[reason],
            )
        elif status == 401:
            check.fail(
                FailureClass.AUTH,
                "the management API refused the credentials (401)",
                "Give credentials in the management URL (http://user:pass@host:15672).",
            )
        elif status == 403:
            check.fail(
                FailureClass.AUTHORISATION,
                "the management API user lacks permission",
                "The user needs the 'monitoring' (or administrator) tag.",
            )
        else:
            check.fail(FailureClass.OTHER, f"HTTP {status}: {str(body)[:200]}")

    where = netloc if parsed.port else f"{netloc}:{443 if parsed.scheme == 'https' else 80}"
    with ctx.check(
        "rabbitmq.mgmt_overview", "Management API overview", Stage.INSPECT, where=where
    ) as check:
        status, overview = get("/api/overview")
        if status != 200:
            http_failure(check, status, overview)
        else:
            totals = overview.get("object_totals", {})
            check.figures.update(
                rabbitmq_version=str(overview.get("rabbitmq_version", "?")),
                cluster_name=str(overview.get("cluster_name", "?")),
                queues=int(totals.get("queues", 0)),
                connections=int(totals.get("connections", 0)),
            )
            ctx.summary.version = ctx.summary.version or str(overview.get("rabbitmq_version"))
    yield check.result
    if not check.ok:
        for spec in _MGMT_CHECKS[1:]:
            yield ctx.skipped(*spec, "the management API is not usable")
        return

    with ctx.check(
        "rabbitmq.mgmt_nodes", "Nodes: running and alarms", Stage.INSPECT, where=where
    ) as check:
        status, nodes = get("/api/nodes")
        if status != 200:
            http_failure(check, status, nodes)
        else:
            running = [n for n in nodes if n.get("running")]
            alarms = [
                f"{n.get('name')}: {a}"
                for n in nodes
                for a, flag in (
                    ("memory alarm", n.get("mem_alarm")),
                    ("disk alarm", n.get("disk_free_alarm")),
                )
                if flag
            ]
            partitions = [n.get("name") for n in nodes if n.get("partitions")]
            check.figures.update(nodes=len(nodes), running=len(running), alarms=len(alarms))
            ctx.summary.nodes = len(nodes)
            ctx.summary.replication = (
                f"cluster of {len(nodes)} nodes ({len(running)} running)"
                if len(nodes) > 1
                else "single node"
            )
            ctx.summary.mode = "cluster" if len(nodes) > 1 else "single node"
            ctx.summary.persistence = (
                f"per queue: durable queues keep persistent messages; quorum queues keep "
                f"copies on up to {len(nodes)} nodes"
                if len(nodes) > 1
                else "per queue: durable queues keep persistent messages on this node's disk; "
                "one node replicates nothing, quorum queues included"
            )
            if alarms:
                check.fail(
                    FailureClass.DEGRADED,
                    "; ".join(alarms),
                    "Publishers are blocked while an alarm is on: free memory/disk.",
                )
            if partitions:
                check.fail(
                    FailureClass.DEGRADED,
                    f"network partition seen by {partitions}",
                    "Heal the partition; see the partition handling strategy.",
                )
            if len(running) < len(nodes):
                check.warn(f"{len(nodes) - len(running)} node(s) not running")
    yield check.result

    with ctx.check("rabbitmq.mgmt_health", "Health checks", Stage.INSPECT, where=where) as check:
        failing: list[str] = []
        for name in _HEALTH_CHECKS:
            ctx.checkpoint()
            status, body = get(f"/api/health/checks/{name}")
            check.figures[name] = "ok" if status == 200 else str(status)
            if status in (401, 403):
                http_failure(check, status, body)
                break
            if status == 503:
                reason = body.get("reason", "") if isinstance(body, dict) else str(body)
                failing.append(f"{name}: {reason}"[:200])
            elif status != 200:
                check.figures[name] = f"HTTP {status}"
        if failing:
            check.fail(
                FailureClass.DEGRADED, "; ".join(failing), "A health check reports a problem (503)."
            )
        else:
            check.note("/api/health/checks/* (aliveness-test is a no-op and is not used)")
    yield check.result


def _cleanup(
    ctx: ProbeContext,
    endpoint: Endpoint,
    connection: pika.BlockingConnection | None,
    watchdog: _Watchdog | None,
    durable: list[tuple[str, str]],
) -> None:
    """Close the probe connection (exclusive queues go with it), then delete what outlives it.

    Every pika call here runs under a watchdog bounded by ctx.cleanup_timeout(): a broker that
    stopped answering must not hold the cleanup (and the probe's result) for ever.
    """
    try:
        if connection is not None and connection.is_open:
            guard = (
                watchdog.guard("closing the connection", ctx.cleanup_timeout(), cleanup=True)
                if watchdog is not None
                else contextlib.nullcontext()
            )
            with contextlib.suppress(Exception), guard:
                connection.close()
    finally:
        if watchdog is not None:
            watchdog.close()
    if not durable:
        return
    try:
        cleaner = pika.BlockingConnection(_parameters(ctx, endpoint, ctx.cleanup_timeout()))
    except Exception as error:  # pika raises bare socket errors too
        ctx.cleanup_problem(
            f"could not reconnect to delete {[n for _, n in durable]}: {describe(error)}"
        )
        return
    cleaner_watch = _Watchdog(ctx, cleaner, ctx.cleanup_timeout())
    try:
        with cleaner_watch.guard("cleanup", ctx.cleanup_timeout(), cleanup=True):
            channel = cleaner.channel()
            for kind, name in list(durable):
                try:
                    if kind == "queue":
                        channel.queue_delete(name)
                    else:
                        channel.exchange_delete(name)
                    _drop(ctx, durable, kind, name)
                except pex.ChannelClosedByBroker as error:
                    if error.reply_code == 404:
                        _drop(ctx, durable, kind, name)
                    else:
                        ctx.cleanup_problem(f"could not delete {kind} {name}: {describe(error)}")
                    channel = cleaner.channel()
    except Exception as error:
        ctx.cleanup_problem(
            f"cleanup failed: {describe(error)}; left: {[n for _, n in durable]} "
            f"(queues expire after {QUEUE_EXPIRES_MS // 1000} s unused)"
        )
    finally:
        if cleaner.is_open:
            with contextlib.suppress(Exception), cleaner_watch.guard("closing", 1.0, cleanup=True):
                cleaner.close()
        cleaner_watch.close()
