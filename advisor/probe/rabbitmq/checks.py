"""RabbitMQ checks: the plan (AMQP handshake, login, server facts, confirms, acks, dead-lettering,
quorum queues, priorities, management API) and the per-run state the checks share.

Checks (ids): rabbitmq.resolve, rabbitmq.connect, rabbitmq.tls, rabbitmq.handshake,
rabbitmq.auth, rabbitmq.server, rabbitmq.confirm_latency, rabbitmq.publish_consume,
rabbitmq.dead_lettering, rabbitmq.quorum_queue, rabbitmq.priorities and, with a management URL,
rabbitmq.mgmt_overview, rabbitmq.mgmt_nodes, rabbitmq.mgmt_health. Temporary queues and
exchanges are named `broker-advisor.probe.<run-id>.*`, exclusive or auto-delete where the type
allows, durable ones with a queue TTL (x-expires); those that outlive the connection are
registered (`advisor.probe.resources`) before they are declared and deleted at cleanup by
`delete_objects` (a fresh, time-bounded connection removes what remains).

`rabbitmq.confirm_latency` measures what the workload relies on: persistent messages
(delivery_mode=2) on a durable queue (quorum when the broker has them, else classic durable),
unless the workload accepts losing messages in a crash (then transient messages on a
non-durable queue); figures `messages` and `queue` say which.
"""

from __future__ import annotations

import contextlib
import struct
import time
from collections.abc import Generator, Sequence
from dataclasses import dataclass
from typing import Any

import pika
import pika.exceptions as pex
from pika.adapters.blocking_connection import BlockingChannel

from advisor import versions
from advisor.i18n import N_, tr
from advisor.probe import preflight, resources
from advisor.probe.classify import describe
from advisor.probe.models import Endpoint, FailureClass, ProbeCheck, Stage
from advisor.probe.plan import NOT_APPLICABLE, Check, Group, Plan
from advisor.probe.rabbitmq import wire
from advisor.probe.resources import TempResource
from advisor.probe.runner import CheckRecorder, ProbeContext, latency_figures
from advisor.workload import Broker

CONFIRM_COUNT = 50
ORDER_COUNT = 10
DLX_TTL_MS = 200
QUEUE_EXPIRES_MS = 60_000  # a durable probe queue left behind removes itself (x-expires)
PRIORITY_LEVELS = 5
_HEALTH_CHECKS = ("alarms", "local-alarms", "node-is-quorum-critical", "virtual-hosts")


@dataclass
class RabbitState:
    """What the checks of one run share: the AMQP connection, its watchdog, the management API."""

    endpoint: Endpoint
    connection: pika.BlockingConnection | None = None
    watchdog: wire.Watchdog | None = None
    management: wire.Management | None = None

    @classmethod
    def start(cls, ctx: ProbeContext) -> RabbitState:
        base = ctx.target.management_url
        return cls(
            endpoint=ctx.target.endpoint,
            management=wire.Management(ctx, base) if base else None,
        )

    def connected(self) -> tuple[pika.BlockingConnection, wire.Watchdog]:
        if self.connection is None or self.watchdog is None:
            raise RuntimeError("rabbitmq.auth did not connect")  # the plan's needs prevent it
        return self.connection, self.watchdog

    def api(self) -> wire.Management:
        if self.management is None:
            raise RuntimeError("no management URL")  # the plan's `when` prevents it
        return self.management


def _name(ctx: ProbeContext, suffix: str) -> str:
    return f"broker-advisor.probe.{ctx.run_id}.{suffix}"


def _needs_durability(ctx: ProbeContext) -> bool:
    """Whether the workload (if any) needs messages to survive a crash (default: yes)."""
    if ctx.workload is None:
        return True
    return not ctx.workload.model_dump().get("crash_may_lose_messages", False)


def _hold(ctx: ProbeContext, kind: str, name: str) -> None:
    """An object that outlives the connection, about to be declared: cleanup must delete it."""
    ctx.resources.add(TempResource(Broker.RABBITMQ, kind, name))


def _drop(ctx: ProbeContext, kind: str, name: str) -> None:
    ctx.resources.discard(TempResource(Broker.RABBITMQ, kind, name))


def _connection_open(ctx: ProbeContext, state: RabbitState) -> str | None:
    if state.connection is not None and state.connection.is_open:
        return None
    return tr("the connection to the broker was lost or stopped answering")


def _with_management(ctx: ProbeContext, state: RabbitState) -> str | None:
    return None if state.management is not None else NOT_APPLICABLE


def _management_where(ctx: ProbeContext, state: RabbitState) -> str | None:
    return state.management.where if state.management is not None else None


def _preflight(ctx: ProbeContext, state: RabbitState) -> Generator[ProbeCheck, None, bool]:
    return (yield from preflight.run(ctx, state.endpoint, tls=ctx.target.tls, prefix="rabbitmq"))


def _endpoint_where(ctx: ProbeContext, state: RabbitState) -> str | None:
    return str(state.endpoint)


def _handshake(ctx: ProbeContext, state: RabbitState, check: CheckRecorder) -> None:
    """Send the AMQP 0-9-1 header; a Connection.Start frame proves an AMQP broker.

    An AMQP server answers the header at once; one that stays silent gets a text PING on a second
    connection after SNIFF_AFTER_S, so Redis or an HTTP port (waiting for a line end) is named
    as such, while a stalled broker still ends as a timeout at the stage timeout.
    """
    endpoint = state.endpoint
    timeout_s = ctx.timeout()
    reply: bytes | None = None
    answer: bytes | None = None
    with preflight.open_socket(ctx, endpoint, timeout_s) as sock:
        started = time.monotonic()
        sock.sendall(wire.AMQP_HEADER)
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
                tr(
                    "{endpoint} is not AMQP: no answer to the AMQP header, and to a text PING "
                    "{what}",
                    endpoint=str(endpoint),
                    what=preflight.what_speaks(answer),
                ),
                tr(_PORTS),
            )
        else:
            check.fail(
                FailureClass.TIMEOUT,
                tr(
                    "{endpoint} accepted the connection but did not answer the AMQP header "
                    "within {seconds} s",
                    endpoint=str(endpoint),
                    seconds=f"{timeout_s:g}",
                ),
                tr("The broker is paused or overloaded, or the listener is not AMQP."),
            )
    elif len(reply) >= 7 and reply[0] == 1 and struct.unpack(">H", reply[1:3])[0] == 0:
        check.note(tr("Connection.Start received (AMQP 0-9-1)"))
    elif reply.startswith(b"AMQP"):
        check.fail(
            FailureClass.WRONG_PROTOCOL,
            tr("the server wants protocol {protocol}, not AMQP 0-9-1", protocol=repr(reply[4:8])),
            tr("This is an AMQP broker of another version (AMQP 1.0 only?)."),
        )
    else:
        what = preflight.what_speaks(reply) if reply else tr("it closed the connection")
        check.fail(
            FailureClass.WRONG_PROTOCOL,
            tr("{endpoint} is not AMQP: {what}", endpoint=str(endpoint), what=what),
            tr(_PORTS),
        )


def _auth(ctx: ProbeContext, state: RabbitState, check: CheckRecorder) -> None:
    target = ctx.target
    started = time.monotonic()
    state.connection = connection = pika.BlockingConnection(
        wire.parameters(ctx, state.endpoint, ctx.timeout())
    )
    check.figures["connect_login_ms"] = round((time.monotonic() - started) * 1000, 3)
    check.note(
        tr(
            "as {user} on vhost {vhost}",
            user=target.username or "guest",
            vhost=target.vhost or "/",
        )
    )
    state.watchdog = wire.Watchdog(ctx, connection, ctx.stage_timeout_s)


def _server(ctx: ProbeContext, state: RabbitState, check: CheckRecorder) -> None:
    connection, _watchdog = state.connected()
    props: dict[str, Any] = dict(connection._impl.server_properties or {})
    product = wire.text_of(props.get("product", "?"))
    version = wire.text_of(props.get("version", "?"))
    cluster = wire.text_of(props.get("cluster_name", ""))
    capabilities = {str(k): bool(v) for k, v in dict(props.get("capabilities", {})).items()}
    check.figures.update(
        product=product,
        version=version,
        cluster_name=cluster or "-",
        platform=wire.text_of(props.get("platform", "?")),
    )
    enabled = sorted(k for k, v in capabilities.items() if v)
    check.figures["capabilities"] = ", ".join(enabled)
    summary = ctx.summary
    summary.product, summary.version = product, version
    summary.facts.update(cluster_name=cluster, **{f"cap_{k}": v for k, v in capabilities.items()})
    major = versions.loose_parts(version)
    summary.max_message_bytes = 16 * 1024 * 1024 if major >= (4, 0) else 128 * 1024 * 1024
    summary.facts["max_message_bytes_source"] = N_("default max_message_size for this version")
    # Whether quorum queues replicate depends on the node count, which only the management
    # API tells (rabbitmq.mgmt_nodes); say nothing about replication until it is known.
    summary.persistence = tr("per queue: durable queues keep persistent messages on disk")
    for needed in ("publisher_confirms", "basic.nack", "consumer_cancel_notify"):
        if not capabilities.get(needed):
            check.warn(
                tr("capability {capability} missing", capability=needed),
                tr("Upgrade the broker: clients rely on it for safe delivery."),
            )
    if major and major < (3, 8):
        check.warn(
            tr("RabbitMQ {version} predates quorum queues (3.8)", version=version),
            tr("Upgrade to a supported release (3.13 or 4.x)."),
        )


def _durable_queue(
    ctx: ProbeContext,
    connection: pika.BlockingConnection,
    channel: BlockingChannel,
    suffix: str,
) -> tuple[BlockingChannel, str, str]:
    """Declare a temporary durable queue: quorum if the broker has them, else classic durable.

    Returns the (maybe new) channel, the queue name and its kind. The queue expires on its own
    (x-expires) should cleanup fail.
    """
    queue = _name(ctx, suffix)
    _hold(ctx, "queue", queue)
    try:
        channel.queue_declare(
            queue,
            durable=True,
            arguments={"x-queue-type": "quorum", "x-expires": QUEUE_EXPIRES_MS},
        )
        return channel, queue, "quorum"
    except pex.ChannelClosedByBroker as error:  # no quorum queues here: a classic durable one
        channel = wire.open_channel(ctx, connection)
        channel.queue_declare(queue, durable=True, arguments={"x-expires": QUEUE_EXPIRES_MS})
        return channel, queue, f"classic durable (quorum refused: {error.reply_code})"


def _confirm_latency(ctx: ProbeContext, state: RabbitState, check: CheckRecorder) -> None:
    connection, watchdog = state.connected()
    persistent = _needs_durability(ctx)
    with watchdog.guard(check.id):
        channel = wire.open_channel(ctx, connection)
        try:
            if persistent:
                channel, queue, kind = _durable_queue(ctx, connection, channel, "confirms")
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
                tr(
                    "persistent messages to a {queue} queue, one at a time with publisher "
                    "confirms, through pika from this machine: client latency, not the broker's "
                    "throughput",
                    queue=kind,
                )
                if persistent
                else tr(
                    "transient messages to a {queue} queue, one at a time with publisher "
                    "confirms, through pika from this machine: client latency, not the broker's "
                    "throughput (the workload may lose messages in a crash, so transient ones)",
                    queue=kind,
                )
            )
            channel.queue_delete(queue)
            if persistent:
                _drop(ctx, "queue", queue)
        finally:
            wire.close_channel(channel)


def _publish_consume(ctx: ProbeContext, state: RabbitState, check: CheckRecorder) -> None:
    connection, watchdog = state.connected()
    with watchdog.guard(check.id):
        channel = wire.open_channel(ctx, connection)
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
                    tr(
                        "expected {count} messages in order, got {got}",
                        count=len(bodies),
                        got=[b.decode() for b in got],
                    ),
                )
            elif not redelivered_ok:
                check.warn(tr("the nacked message came back without the redelivered flag"))
            else:
                check.note(
                    tr("order kept; a nacked message was redelivered first, flagged redelivered")
                )
            channel.queue_delete(queue)
        finally:
            wire.close_channel(channel)


def _dead_lettering(ctx: ProbeContext, state: RabbitState, check: CheckRecorder) -> None:
    connection, watchdog = state.connected()
    with watchdog.guard(check.id):
        channel = wire.open_channel(ctx, connection)
        try:
            dlx, dlq = _name(ctx, "dlx"), _name(ctx, "dlq")
            rejected_q, expiring_q = _name(ctx, "reject"), _name(ctx, "ttl")
            _hold(ctx, "exchange", dlx)
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
                check.fail(FailureClass.OTHER, tr("the message to reject was not delivered"))
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
                reason = wire.text_of(deaths[0].get("reason", "?"))
                reasons[reason] = (time.perf_counter() - expire_started) * 1000
            check.figures.update(dead_lettered=len(reasons), ttl_ms=DLX_TTL_MS)
            if "expired" in reasons:
                check.figures["expired_arrived_after_ms"] = round(reasons["expired"], 1)
            missing = {"rejected", "expired"} - set(reasons)
            if missing:
                check.fail(
                    FailureClass.OTHER,
                    tr(
                        "no dead letter with x-death reason {missing} (got {got})",
                        missing=", ".join(sorted(missing)),
                        got=sorted(reasons) or "none",
                    ),
                    tr("Check x-dead-letter-exchange support and policies overriding it."),
                )
            else:
                check.note(
                    tr(
                        "rejected (requeue=False) and TTL-expired messages reached the DLX "
                        "with x-death reasons 'rejected' and 'expired'"
                    )
                )
            for queue in (rejected_q, expiring_q, dlq):
                channel.queue_delete(queue)
            channel.exchange_delete(dlx)
            _drop(ctx, "exchange", dlx)
        finally:
            wire.close_channel(channel)


def _quorum_queue(ctx: ProbeContext, state: RabbitState, check: CheckRecorder) -> None:
    connection, watchdog = state.connected()
    with watchdog.guard(check.id):
        channel = wire.open_channel(ctx, connection)
        try:
            queue = _name(ctx, "quorum")
            _hold(ctx, "queue", queue)
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
            _drop(ctx, "queue", queue)
            if body != b"quorum":
                check.fail(FailureClass.OTHER, tr("the confirmed message was not read back"))
            else:
                check.note(
                    tr(
                        "declared x-queue-type=quorum (durable), published with a confirm, "
                        "read back, deleted"
                    )
                )
        finally:
            wire.close_channel(channel)
    refused = ("precondition", tr("precondition failed"))
    if check.failure_class is FailureClass.OTHER and any(w in check.details for w in refused):
        check.details += tr(" (quorum queues need RabbitMQ 3.8+ and the feature flag enabled)")


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


def _priorities(ctx: ProbeContext, state: RabbitState, check: CheckRecorder) -> None:
    """Do urgent messages overtake queued ones, in a classic priority queue and a quorum queue?

    Quorum queues ignore priorities before 4.0, serve two levels about 2:1 on 4.0-4.2 and 32
    strict levels from 4.3: the figure says what this broker does, the note what to use.
    """
    order = (1, 1, PRIORITY_LEVELS)  # two low, then one high: the high one must come first
    high = f"p{PRIORITY_LEVELS}".encode()
    version = ctx.summary.version or "?"
    connection, watchdog = state.connected()
    with watchdog.guard(check.id):
        channel = wire.open_channel(ctx, connection)
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
            _hold(ctx, "queue", quorum)
            channel.queue_declare(
                quorum,
                durable=True,
                arguments={"x-queue-type": "quorum", "x-expires": QUEUE_EXPIRES_MS},
            )
            quorum_ok = _first_of(ctx, channel, quorum, order) == high
            channel.queue_delete(quorum)
            _drop(ctx, "queue", quorum)
        finally:
            wire.close_channel(channel)
        check.figures.update(classic_priorities=classic_ok, quorum_priorities=quorum_ok)
        if not classic_ok:
            check.fail(
                FailureClass.OTHER,
                tr("a classic queue with x-max-priority delivered a low-priority message first"),
                tr("Check for a policy or plugin that overrides queue arguments."),
            )
        elif quorum_ok:
            check.note(
                tr(
                    "priority {priority} overtook queued priority-1 messages in a "
                    "classic priority queue and in a quorum queue (RabbitMQ {version})",
                    priority=PRIORITY_LEVELS,
                    version=version,
                )
            )
        else:
            check.note(
                tr(
                    "classic priority queues work; quorum queues on RabbitMQ {version} deliver "
                    "in arrival order (priorities need 4.0+ there): use a classic queue with "
                    "x-max-priority, which is not replicated, or upgrade",
                    version=version,
                )
            )


def _mgmt_overview(ctx: ProbeContext, state: RabbitState, check: CheckRecorder) -> None:
    status, overview = state.api().get("/api/overview")
    if status != 200:
        wire.http_failure(check, status, overview)
        return
    totals = overview.get("object_totals", {})
    check.figures.update(
        rabbitmq_version=str(overview.get("rabbitmq_version", "?")),
        cluster_name=str(overview.get("cluster_name", "?")),
        queues=int(totals.get("queues", 0)),
        connections=int(totals.get("connections", 0)),
    )
    ctx.summary.version = ctx.summary.version or str(overview.get("rabbitmq_version"))


def _mgmt_nodes(ctx: ProbeContext, state: RabbitState, check: CheckRecorder) -> None:
    status, nodes = state.api().get("/api/nodes")
    if status != 200:
        wire.http_failure(check, status, nodes)
        return
    running = [n for n in nodes if n.get("running")]
    alarms = [
        f"{n.get('name')}: {tr(a)}"
        for n in nodes
        for a, flag in (
            (N_("memory alarm"), n.get("mem_alarm")),
            (N_("disk alarm"), n.get("disk_free_alarm")),
        )
        if flag
    ]
    partitions = [n.get("name") for n in nodes if n.get("partitions")]
    check.figures.update(nodes=len(nodes), running=len(running), alarms=len(alarms))
    ctx.summary.nodes = len(nodes)
    ctx.summary.replication = (
        tr("cluster of {nodes} nodes ({running} running)", nodes=len(nodes), running=len(running))
        if len(nodes) > 1
        else tr("single node")
    )
    ctx.summary.mode = "cluster" if len(nodes) > 1 else "single node"
    ctx.summary.persistence = (
        tr(
            "per queue: durable queues keep persistent messages; quorum queues keep "
            "copies on up to {nodes} nodes",
            nodes=len(nodes),
        )
        if len(nodes) > 1
        else tr(
            "per queue: durable queues keep persistent messages on this node's disk; "
            "one node replicates nothing, quorum queues included"
        )
    )
    if alarms:
        check.fail(
            FailureClass.DEGRADED,
            tr("; ").join(alarms),
            tr("Publishers are blocked while an alarm is on: free memory/disk."),
        )
    if partitions:
        check.fail(
            FailureClass.DEGRADED,
            tr("network partition seen by {nodes}", nodes=partitions),
            tr("Heal the partition; see the partition handling strategy."),
        )
    if len(running) < len(nodes):
        check.warn(tr("{count} node(s) not running", count=len(nodes) - len(running)))


def _mgmt_health(ctx: ProbeContext, state: RabbitState, check: CheckRecorder) -> None:
    failing: list[str] = []
    for name in _HEALTH_CHECKS:
        ctx.checkpoint()
        status, body = state.api().get(f"/api/health/checks/{name}")
        check.figures[name] = "ok" if status == 200 else str(status)
        if status in (401, 403):
            wire.http_failure(check, status, body)
            break
        if status == 503:
            reason = body.get("reason", "") if isinstance(body, dict) else str(body)
            failing.append(f"{name}: {reason}"[:200])
        elif status != 200:
            check.figures[name] = f"HTTP {status}"
    if failing:
        check.fail(
            FailureClass.DEGRADED,
            tr("; ").join(failing),
            tr("A health check reports a problem (503)."),
        )
    else:
        check.note(
            tr("{path} (aliveness-test is a no-op and is not used)", path="/api/health/checks/*")
        )


def delete_objects(ctx: ProbeContext, state: RabbitState, pending: Sequence[TempResource]) -> None:
    """RabbitMQ's delete function: remove queues and exchanges over a fresh connection.

    Every pika call here runs under a watchdog bounded by ctx.cleanup_timeout(): a broker that
    stopped answering must not hold the cleanup (and the probe's result) for ever.
    """
    try:
        cleaner = pika.BlockingConnection(
            wire.parameters(ctx, state.endpoint, ctx.cleanup_timeout())
        )
    except Exception as error:  # pika raises bare socket errors too
        ctx.cleanup_problem(
            tr(
                "could not reconnect to delete {names}: {error}",
                names=[r.name for r in pending],
                error=describe(error),
            )
        )
        return
    cleaner_watch = wire.Watchdog(ctx, cleaner, ctx.cleanup_timeout())
    try:
        with cleaner_watch.guard("cleanup", ctx.cleanup_timeout(), cleanup=True):
            channel = cleaner.channel()
            for resource in pending:
                try:
                    if resource.kind == "queue":
                        channel.queue_delete(resource.name)
                    else:
                        channel.exchange_delete(resource.name)
                    ctx.resources.discard(resource)
                except pex.ChannelClosedByBroker as error:
                    if error.reply_code == 404:
                        ctx.resources.discard(resource)
                    else:
                        ctx.cleanup_problem(
                            tr(
                                "could not delete {name}: {error}",
                                name=str(resource),
                                error=describe(error),
                            )
                        )
                    channel = cleaner.channel()
    except Exception as error:
        left = [r.name for r in ctx.resources.pending(Broker.RABBITMQ)]
        ctx.cleanup_problem(
            tr(
                "cleanup failed: {error}; left: {left} (queues expire after {seconds} s unused)",
                error=describe(error),
                left=left,
                seconds=QUEUE_EXPIRES_MS // 1000,
            )
        )
    finally:
        if cleaner.is_open:
            with contextlib.suppress(Exception), cleaner_watch.guard("closing", 1.0, cleanup=True):
                cleaner.close()
        cleaner_watch.close()


def _cleanup(ctx: ProbeContext, state: RabbitState) -> None:
    """Close the probe connection (exclusive queues go with it), then delete what outlives it."""
    connection, watchdog = state.connection, state.watchdog
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
    resources.delete_all(ctx, lambda pending: delete_objects(ctx, state, pending))


_UNREACHABLE = N_("the broker could not be reached")
_PORTS = N_("Check the port: 5672 is AMQP, 5671 AMQPS, 15672 the management UI.")


def _behaviour(check_id: str, title: str, stage: Stage, run: Any) -> Check[RabbitState]:
    """A check over the AMQP connection: it needs the login and a connection still open."""
    return Check(check_id, title, stage, run, needs=("rabbitmq.auth",), when=_connection_open)


def _management(check_id: str, title: str, run: Any, *needs: str) -> Check[RabbitState]:
    """A check of the management API, when a management URL was given."""
    return Check(
        check_id,
        title,
        Stage.INSPECT,
        run,
        needs=needs,
        when=_with_management,
        where=_management_where,
        unmet=N_("the management API is not usable"),
    )


PLAN: Plan[RabbitState] = Plan(
    broker=Broker.RABBITMQ,
    state=RabbitState.start,
    checks=(
        Group("rabbitmq.preflight", _preflight, unmet=_UNREACHABLE),
        Check(
            "rabbitmq.handshake",
            N_("AMQP 0-9-1 handshake"),
            Stage.HANDSHAKE,
            _handshake,
            needs=("rabbitmq.preflight",),
            where=_endpoint_where,
            unmet=_UNREACHABLE,
        ),
        Check(
            "rabbitmq.auth",
            N_("Log in and open the vhost"),
            Stage.AUTHENTICATE,
            _auth,
            needs=("rabbitmq.handshake",),
            unmet=N_("login failed"),
        ),
        _behaviour(
            "rabbitmq.server", N_("Server properties and capabilities"), Stage.INSPECT, _server
        ),
        _behaviour(
            "rabbitmq.confirm_latency",
            N_("Publisher-confirmed publish latency"),
            Stage.BEHAVE,
            _confirm_latency,
        ),
        _behaviour(
            "rabbitmq.publish_consume",
            N_("Publish/consume with manual acks and order"),
            Stage.BEHAVE,
            _publish_consume,
        ),
        _behaviour(
            "rabbitmq.dead_lettering",
            N_("Dead-lettering (reject and TTL expiry)"),
            Stage.BEHAVE,
            _dead_lettering,
        ),
        _behaviour(
            "rabbitmq.quorum_queue", N_("Quorum queue support"), Stage.BEHAVE, _quorum_queue
        ),
        _behaviour(
            "rabbitmq.priorities",
            N_("Message priorities (classic and quorum queues)"),
            Stage.BEHAVE,
            _priorities,
        ),
        _management("rabbitmq.mgmt_overview", N_("Management API overview"), _mgmt_overview),
        _management(
            "rabbitmq.mgmt_nodes",
            N_("Nodes: running and alarms"),
            _mgmt_nodes,
            "rabbitmq.mgmt_overview",
        ),
        _management(
            "rabbitmq.mgmt_health", N_("Health checks"), _mgmt_health, "rabbitmq.mgmt_overview"
        ),
    ),
    cleanup=_cleanup,
    classify=wire.classify,
)
