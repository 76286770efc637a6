"""RabbitMQ probe: AMQP handshake, login, server facts, confirms, acks, dead-lettering, quorum, API.

Checks (ids): rabbitmq.resolve, rabbitmq.connect, rabbitmq.tls, rabbitmq.handshake,
rabbitmq.auth, rabbitmq.server, rabbitmq.confirm_latency, rabbitmq.publish_consume,
rabbitmq.dead_lettering, rabbitmq.quorum_queue and, with a management URL,
rabbitmq.mgmt_overview, rabbitmq.mgmt_nodes, rabbitmq.mgmt_health. Temporary queues and
exchanges are named `broker-advisor.probe.<run-id>.*`, exclusive or auto-delete where the type
allows, and deleted in a `finally` (a fresh, time-bounded connection removes what remains).
pika runs with connection_attempts=1 and socket/stack/blocked-connection timeouts and heartbeat
taken from the runner's stage timeout.
"""

from __future__ import annotations

import base64
import contextlib
import json
import socket
import struct
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Generator, Iterator
from typing import Any

import pika
import pika.exceptions as pex
from pika.adapters.blocking_connection import BlockingChannel

from advisor.probe import preflight
from advisor.probe.models import Endpoint, FailureClass, ProbeCheck, Stage
from advisor.probe.runner import (
    CheckRecorder,
    Failure,
    ProbeContext,
    classify_os_error,
    describe,
    latency_figures,
)

CONFIRM_COUNT = 50
ORDER_COUNT = 10
DLX_TTL_MS = 200
AMQP_HEADER = b"AMQP\x00\x00\x09\x01"

_LATER_CHECKS: tuple[tuple[str, str, Stage], ...] = (
    ("rabbitmq.server", "Server properties and capabilities", Stage.INSPECT),
    ("rabbitmq.confirm_latency", "Publisher-confirmed publish latency", Stage.BEHAVE),
    ("rabbitmq.publish_consume", "Publish/consume with manual acks and order", Stage.BEHAVE),
    ("rabbitmq.dead_lettering", "Dead-lettering (reject and TTL expiry)", Stage.BEHAVE),
    ("rabbitmq.quorum_queue", "Quorum queue support", Stage.BEHAVE),
)
_MGMT_CHECKS: tuple[tuple[str, str, Stage], ...] = (
    ("rabbitmq.mgmt_overview", "Management API overview", Stage.INSPECT),
    ("rabbitmq.mgmt_nodes", "Nodes: running and alarms", Stage.INSPECT),
    ("rabbitmq.mgmt_health", "Health checks", Stage.INSPECT),
)
_HEALTH_CHECKS = ("alarms", "local-alarms", "node-is-quorum-critical", "virtual-hosts")


def classify(exc: BaseException) -> Failure | None:
    """Name pika errors (which often have an empty str()) and the broker's reply codes."""
    for item in _walk(exc):
        found = _classify_one(item)
        if found is not None:
            return found
    return None


def _walk(exc: BaseException) -> Iterator[BaseException]:
    seen: set[int] = set()
    stack = [exc]
    while stack:
        item = stack.pop()
        if id(item) in seen:
            continue
        seen.add(id(item))
        yield item
        nested = [*item.args, *getattr(item, "exceptions", ()), item.__cause__, item.__context__]
        stack.extend(n for n in nested if isinstance(n, BaseException))


def _classify_one(exc: BaseException) -> Failure | None:
    text = describe(exc)
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
        cause = classify_os_error(exc)
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
    """Send the AMQP 0-9-1 header; a Connection.Start frame proves an AMQP broker."""
    with ctx.check("rabbitmq.handshake", "AMQP 0-9-1 handshake", Stage.HANDSHAKE) as check:
        sock = socket.create_connection((endpoint.host, endpoint.port), timeout=ctx.timeout())
        try:
            if ctx.target.tls:
                sock = preflight.tls_context(ctx.target).wrap_socket(
                    sock, server_hostname=endpoint.host
                )
            sock.settimeout(ctx.timeout())
            started = time.monotonic()
            sock.sendall(AMQP_HEADER)
            reply = _recv_some(sock, 7)
        except TimeoutError:
            check.fail(
                FailureClass.TIMEOUT,
                f"{endpoint} accepted the connection but did not answer the AMQP header "
                f"within {ctx.stage_timeout_s:g} s",
                "The broker is paused or overloaded, or the listener is not AMQP.",
            )
            reply = None
        finally:
            sock.close()
        if reply is not None:
            check.figures["reply_ms"] = round((time.monotonic() - started) * 1000, 3)
            if len(reply) >= 7 and reply[0] == 1 and struct.unpack(">H", reply[1:3])[0] == 0:
                check.note("Connection.Start received (AMQP 0-9-1)")
            elif reply.startswith(b"AMQP"):
                check.fail(
                    FailureClass.WRONG_PROTOCOL,
                    f"the server wants protocol {reply[4:8]!r}, not AMQP 0-9-1",
                    "This is an AMQP broker of another version (AMQP 1.0 only?).",
                )
            else:
                what = (
                    "it closed the connection"
                    if not reply
                    else "it speaks Redis (RESP)"
                    if reply[:1] in b"+-"
                    else "it speaks HTTP"
                    if reply.startswith(b"HTTP/")
                    else f"unexpected reply {reply[:24]!r}"
                )
                check.fail(
                    FailureClass.WRONG_PROTOCOL,
                    f"{endpoint} is not AMQP: {what}",
                    "Check the port: 5672 is AMQP, 5671 AMQPS, 15672 the management UI.",
                )
    yield check.result
    return check.ok


def _recv_some(sock: socket.socket, size: int) -> bytes:
    data = b""
    while len(data) < size:
        chunk = sock.recv(size - len(data))
        if not chunk:
            break
        data += chunk
    return data


def _text(value: Any) -> str:
    return value.decode("utf-8", "replace") if isinstance(value, bytes) else str(value)


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
            yield _server(ctx, connection)
            yield _confirm_latency(ctx, connection)
            yield _publish_consume(ctx, connection)
            yield _dead_lettering(ctx, connection, durable)
            yield _quorum_queue(ctx, connection, durable)
        yield from _management(ctx)
    finally:
        _cleanup(ctx, endpoint, connection, durable)


def _channel(ctx: ProbeContext, connection: pika.BlockingConnection) -> BlockingChannel:
    ctx.checkpoint()
    channel = connection.channel()
    channel.confirm_delivery()
    return channel


def _close_channel(channel: BlockingChannel | None) -> None:
    if channel is not None and channel.is_open:
        with contextlib.suppress(Exception):
            channel.close()


def _server(ctx: ProbeContext, connection: pika.BlockingConnection) -> ProbeCheck:
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
        major = _version_tuple(version)
        summary.max_message_bytes = 16 * 1024 * 1024 if major >= (4, 0) else 128 * 1024 * 1024
        summary.facts["max_message_bytes_source"] = "default max_message_size for this version"
        summary.persistence = (
            "per queue: durable queues keep persistent messages; quorum queues replicate them"
        )
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


def _version_tuple(version: str) -> tuple[int, ...]:
    parts: list[int] = []
    for part in version.split(".")[:3]:
        digits = "".join(ch for ch in part if ch.isdigit())
        if not digits:
            break
        parts.append(int(digits))
    return tuple(parts)


def _confirm_latency(ctx: ProbeContext, connection: pika.BlockingConnection) -> ProbeCheck:
    title = "Publisher-confirmed publish latency"
    with ctx.check("rabbitmq.confirm_latency", title, Stage.BEHAVE) as check:
        channel = _channel(ctx, connection)
        try:
            queue = _name(ctx, "confirms")
            channel.queue_declare(queue, exclusive=True, auto_delete=True)
            samples: list[float] = []
            props = pika.BasicProperties(delivery_mode=pika.DeliveryMode.Transient)
            for i in range(CONFIRM_COUNT):
                ctx.checkpoint()
                started = time.perf_counter()
                channel.basic_publish("", queue, f"confirm-{i}".encode(), props, mandatory=True)
                samples.append((time.perf_counter() - started) * 1000)
            check.figures.update(latency_figures(samples))
            check.note(
                "one message at a time with confirms, through pika from this machine: "
                "client latency, not the broker's throughput"
            )
            channel.queue_delete(queue)
        finally:
            _close_channel(channel)
    return check.result


def _publish_consume(ctx: ProbeContext, connection: pika.BlockingConnection) -> ProbeCheck:
    title = "Publish/consume with manual acks and order"
    with ctx.check("rabbitmq.publish_consume", title, Stage.BEHAVE) as check:
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
            check.figures.update(
                published=len(bodies), consumed_acked=len(got), redelivered_flag=int(redelivered_ok)
            )
            if got != bodies:
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
    ctx: ProbeContext, connection: pika.BlockingConnection, durable: list[tuple[str, str]]
) -> ProbeCheck:
    title = "Dead-lettering (reject and TTL expiry)"
    with ctx.check("rabbitmq.dead_lettering", title, Stage.BEHAVE) as check:
        channel = _channel(ctx, connection)
        try:
            dlx, dlq = _name(ctx, "dlx"), _name(ctx, "dlq")
            rejected_q, expiring_q = _name(ctx, "reject"), _name(ctx, "ttl")
            durable.append(("exchange", dlx))
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
            durable.remove(("exchange", dlx))
        finally:
            _close_channel(channel)
    return check.result


def _quorum_queue(
    ctx: ProbeContext, connection: pika.BlockingConnection, durable: list[tuple[str, str]]
) -> ProbeCheck:
    with ctx.check("rabbitmq.quorum_queue", "Quorum queue support", Stage.BEHAVE) as check:
        channel = _channel(ctx, connection)
        try:
            queue = _name(ctx, "quorum")
            durable.append(("queue", queue))
            started = time.perf_counter()
            channel.queue_declare(queue, durable=True, arguments={"x-queue-type": "quorum"})
            channel.basic_publish(
                "", queue, b"quorum", pika.BasicProperties(delivery_mode=2), mandatory=True
            )
            _method, _props, body = channel.basic_get(queue, auto_ack=True)
            check.figures["declare_publish_get_ms"] = round(
                (time.perf_counter() - started) * 1000, 3
            )
            channel.queue_delete(queue)
            durable.remove(("queue", queue))
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
                return int(response.status), json.loads(response.read() or b"null")
        except urllib.error.HTTPError as error:
            body = error.read()
            try:
                return error.code, json.loads(body or b"null")
            except ValueError:
                return error.code, body.decode("utf-8", "replace")

    def http_failure(check: CheckRecorder, status: int, body: Any) -> None:
        if status == 401:
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

    with ctx.check("rabbitmq.mgmt_overview", "Management API overview", Stage.INSPECT) as check:
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

    with ctx.check("rabbitmq.mgmt_nodes", "Nodes: running and alarms", Stage.INSPECT) as check:
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

    with ctx.check("rabbitmq.mgmt_health", "Health checks", Stage.INSPECT) as check:
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
    durable: list[tuple[str, str]],
) -> None:
    """Close the probe connection (exclusive queues go with it), then delete what outlives it."""
    if connection is not None and connection.is_open:
        with contextlib.suppress(Exception):
            connection.close()
    if not durable:
        return
    try:
        cleaner = pika.BlockingConnection(_parameters(ctx, endpoint, ctx.cleanup_timeout_s))
    except Exception as error:  # pika raises bare socket errors too
        ctx.cleanup_problem(
            f"could not reconnect to delete {[n for _, n in durable]}: {describe(error)}"
        )
        return
    try:
        channel = cleaner.channel()
        for kind, name in durable:
            try:
                if kind == "queue":
                    channel.queue_delete(name)
                else:
                    channel.exchange_delete(name)
            except pex.ChannelClosedByBroker as error:
                if error.reply_code != 404:
                    ctx.cleanup_problem(f"could not delete {kind} {name}: {describe(error)}")
                channel = cleaner.channel()
    except Exception as error:
        ctx.cleanup_problem(f"cleanup failed: {describe(error)}")
    finally:
        with contextlib.suppress(Exception):
            cleaner.close()
