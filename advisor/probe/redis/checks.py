"""Redis checks: the plan (handshake, auth, PING latency, INFO facts, persistence, queues, Pub/Sub,
Streams; through Sentinel first when the URL says so) and the per-run state the checks share.

Checks (ids): [sentinel.resolve/connect/tls, sentinel.discover, sentinel.quorum], redis.resolve,
redis.connect, redis.tls, redis.handshake, redis.auth, redis.ping_latency, redis.info,
redis.persistence, redis.memory, redis.cluster, redis.reliable_queue, redis.pubsub,
redis.streams. Every key the probe writes is registered (`advisor.probe.resources`) before the
command that makes it, gets a 60 s TTL when it is created, and is deleted at cleanup by
`delete_keys` (also on failure and cancellation).

On a Redis Cluster (INFO redis_mode:cluster) `redis.cluster` reads CLUSTER NODES: masters and
replicas that serve, and every node marked failing (`fail`, `fail?`) named as down, never
counted as a master or replica. The behaviour checks then run through redis-py's cluster-aware
`RedisCluster` (following MOVED redirects), which the first of them starts. A database number
other than 0 on a cluster is a configuration error (SELECT is refused).

Through Sentinel, the Sentinels get their own credentials (`?sentinel_password=`, and
`?sentinel_username=`; Celery's `sentinel_kwargs`) and the same TLS settings as the master;
the URL's userinfo is the master's. Without a master name (Celery's `sentinel://` form) the
one master the Sentinel monitors is probed.
"""

from __future__ import annotations

import contextlib
import ssl
import time
from collections.abc import Generator, Sequence
from dataclasses import dataclass, field
from typing import Any

import redis
import redis.exceptions as rex
from redis.cluster import RedisCluster

from advisor import versions
from advisor.i18n import N_, tr
from advisor.probe import preflight, resources
from advisor.probe.classify import describe, reply_cause
from advisor.probe.models import Endpoint, FailureClass, ProbeCheck, Stage
from advisor.probe.plan import NOT_APPLICABLE, Check, Group, Plan
from advisor.probe.redis import wire
from advisor.probe.resources import TempResource
from advisor.probe.runner import CheckRecorder, ProbeContext, latency_figures
from advisor.workload import Broker

KEY_TTL_S = 60
PING_COUNT = 50
QUEUE_ITEMS = 10
PUBSUB_MESSAGES = 5


@dataclass
class RedisState:
    """What the checks of one run share: where the server is, its clients and its INFO."""

    endpoint: Endpoint  # the URL's, or the master the Sentinels name
    sentinel: Endpoint | None = None  # the Sentinel that answered
    sentinel_client: redis.Redis | None = None
    master_name: str = ""  # as the Sentinels know it
    client: redis.Redis | None = None  # made after the handshake
    cluster_client: RedisCluster | None = None  # the behaviour checks' client on a cluster
    info: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def start(cls, ctx: ProbeContext) -> RedisState:
        return cls(endpoint=ctx.target.endpoint)

    @property
    def mode(self) -> str:
        return str(self.info.get("redis_mode", "standalone"))

    @property
    def version(self) -> tuple[int, ...]:
        return versions.loose_parts(str(self.info.get("redis_version", "0")))

    def standalone(self) -> redis.Redis:
        if self.client is None:
            raise RuntimeError("redis.auth did not make a client")  # the plan's needs prevent it
        return self.client

    def behaving(self, ctx: ProbeContext) -> wire.Client:
        """The client that writes the probe's keys: on a cluster the cluster-aware one."""
        if self.mode != "cluster":
            return self.standalone()
        if self.cluster_client is None:
            # It reads the slot map when it is made: a failure belongs to the check making it.
            self.cluster_client = wire.make_cluster_client(ctx, self.endpoint, ctx.timeout())
        return self.cluster_client


def _sentinel_only(ctx: ProbeContext, state: RedisState) -> str | None:
    return None if "sentinel" in ctx.target.scheme else NOT_APPLICABLE


def _cluster_only(ctx: ProbeContext, state: RedisState) -> str | None:
    return None if state.mode == "cluster" else NOT_APPLICABLE


def _writable(ctx: ProbeContext, state: RedisState) -> str | None:
    """Why the behaviour checks cannot write here, or None when they can."""
    if state.mode == "cluster":
        return None
    if state.info.get("role") == "slave":
        return tr("read-only replica: writes would fail")
    return None


def _cluster_client_started(ctx: ProbeContext, state: RedisState) -> str | None:
    if state.mode == "cluster" and state.cluster_client is None:
        return tr("the cluster-aware client could not start")
    return _writable(ctx, state)


def _has_streams(ctx: ProbeContext, state: RedisState) -> str | None:
    version = state.version
    if version < (5, 0):
        return tr(
            "Redis {version} has no Streams ({needed})",
            version=".".join(map(str, version)),
            needed="5.0+",
        )
    return _cluster_client_started(ctx, state)


def _hold_key(ctx: ProbeContext, client: wire.Client, name: str) -> str:
    """The name of a probe key, registered for cleanup before the command that creates it."""
    key = wire.key_name(ctx, name, client)
    ctx.resources.add(TempResource(Broker.REDIS, "key", key))
    return key


def _sentinel_preflight(ctx: ProbeContext, state: RedisState) -> Generator[ProbeCheck, None, bool]:
    """Pre-flight to the Sentinels in turn, until one answers (it reports the others)."""
    target = ctx.target
    for index, endpoint in enumerate(target.endpoints):
        prefix = "sentinel" if len(target.endpoints) == 1 else f"sentinel{index + 1}"
        ok = yield from preflight.run(ctx, endpoint, tls=target.tls, prefix=prefix)
        if ok:
            state.sentinel = endpoint
            return True
    return False


def _sentinel_where(ctx: ProbeContext, state: RedisState) -> str | None:
    return str(state.sentinel) if state.sentinel is not None else None


def _discover_title(ctx: ProbeContext, state: RedisState) -> str:
    name = ctx.target.sentinel_master
    return tr("Discover master '{name}'", name=name) if name else tr("Discover the master")


def _sentinel(state: RedisState) -> redis.Redis:
    if state.sentinel_client is None:
        raise RuntimeError("no Sentinel answered")  # the plan's needs prevent it
    return state.sentinel_client


def _discover(ctx: ProbeContext, state: RedisState, check: CheckRecorder) -> None:
    """Find the master through the Sentinel; report how many Sentinels there are."""
    if state.sentinel is None:
        raise RuntimeError("no Sentinel answered")  # the plan's needs prevent it
    where = str(state.sentinel)
    state.sentinel_client = sentinel = wire.make_sentinel_client(ctx, state.sentinel)
    name = ctx.target.sentinel_master or ""
    address: Any = None
    try:
        if not name:
            name = _only_master(check, wire.cmd(sentinel, "SENTINEL", "MASTERS"))
        if name:
            address = wire.cmd(sentinel, "SENTINEL", "GET-MASTER-ADDR-BY-NAME", name)
    except rex.RedisError as error:
        refused = wire.sentinel_auth_failure(error, where)
        if refused is None:
            raise
        check.fail(FailureClass.AUTH, *refused)
    if not check.ok:
        return  # the failure is recorded already
    if not address:
        check.fail(
            FailureClass.OTHER,
            tr("the Sentinels do not know a master named '{name}'", name=name),
            tr("Check the master name in the URL path (SENTINEL MASTERS lists them)."),
        )
        return
    master = Endpoint(host=str(address[0]), port=int(address[1]))
    state.endpoint = master
    ctx.address = str(master)  # the checks below dial the master, not the Sentinel
    state.master_name = name
    info = wire.pairs(wire.cmd(sentinel, "SENTINEL", "MASTER", name))
    replicas = wire.cmd(sentinel, "SENTINEL", "REPLICAS", name) or []
    others = int(info.get("num-other-sentinels", 0))
    quorum = int(info.get("quorum", 0))
    healthy = [
        r
        for r in (wire.pairs(r) for r in replicas)
        if "s_down" not in r.get("flags", "") and "o_down" not in r.get("flags", "")
    ]
    check.figures.update(
        master_name=name,
        sentinels=others + 1,
        quorum=quorum,
        replicas=len(replicas),
        healthy_replicas=len(healthy),
    )
    check.note(
        tr(
            "master '{name}' at {address} ({flags})",
            name=name,
            address=str(master),
            flags=info.get("flags", "?"),
        )
    )
    ctx.summary.mode = "sentinel"
    ctx.summary.nodes = 1 + len(replicas)
    ctx.summary.replicas = len(healthy)
    ctx.summary.facts.update(sentinels=others + 1, sentinel_quorum=quorum)
    if "down" in info.get("flags", ""):
        check.fail(
            FailureClass.DEGRADED,
            tr("Sentinels flag the master as {flags}", flags=info.get("flags")),
            tr("The master is down; a failover may be in progress."),
        )
    elif others + 1 < 3:
        check.warn(
            tr("only {count} Sentinel(s) know this master", count=others + 1),
            tr("Run at least three Sentinels on separate machines so a failover can be agreed."),
        )
    if not healthy:
        check.warn(
            tr("no healthy replica: a failover has nothing to promote"), tr("Add a replica.")
        )


def _quorum(ctx: ProbeContext, state: RedisState, check: CheckRecorder) -> None:
    try:
        reply = wire.cmd(_sentinel(state), "SENTINEL", "CKQUORUM", state.master_name)
        check.note(str(reply))
    except rex.ResponseError as error:
        check.fail(
            FailureClass.DEGRADED,
            tr("no quorum: {error}", error=describe(error)),
            tr("Too few Sentinels can reach each other to authorise a failover."),
        )


def _only_master(check: CheckRecorder, masters: Any) -> str:
    """The name of the one master a Sentinel monitors ('' and a failure when not exactly one)."""
    names = sorted(
        str(wire.pairs(m).get("name"))
        for m in (masters or [])
        if wire.pairs(m).get("name") is not None
    )
    if len(names) == 1:
        check.note(tr("no master name given; the Sentinel monitors one: '{name}'", name=names[0]))
        return names[0]
    check.fail(
        FailureClass.OTHER,
        tr(
            "no master name given, and the Sentinel monitors {count} masters: {names}",
            count=len(names),
            names=", ".join(names),
        )
        if names
        else tr("no master name given, and the Sentinel monitors none"),
        tr(
            "Name the master: ?master_name=NAME (Celery's broker_transport_options master_name) "
            "or redis+sentinel://host:26379/NAME."
        ),
    )
    return ""


def _redis_preflight(ctx: ProbeContext, state: RedisState) -> Generator[ProbeCheck, None, bool]:
    return (yield from preflight.run(ctx, state.endpoint, tls=ctx.target.tls, prefix="redis"))


def _endpoint_where(ctx: ProbeContext, state: RedisState) -> str | None:
    return str(state.endpoint)


def _handshake(ctx: ProbeContext, state: RedisState, check: CheckRecorder) -> None:
    """Is it Redis at all? A raw PING tells Redis from other protocols and silent listeners."""
    endpoint = state.endpoint
    started = time.monotonic()
    try:
        # 8 bytes, so an AMQP server (which reads an 8-byte header) answers too
        reply = wire.raw_exchange(ctx, endpoint, b"PING\r\n\r\n")
    except TimeoutError:
        check.fail(
            FailureClass.TIMEOUT,
            tr(
                "{endpoint} accepted the connection but sent no reply to PING within {seconds} s",
                endpoint=str(endpoint),
                seconds=f"{ctx.stage_timeout_s:g}",
            ),
            tr(
                "The server is paused (SIGSTOP), overloaded or busy with a slow command "
                "(SLOWLOG GET shows which), or the listener is not Redis; a server that is "
                "only slow answers with a larger --stage-timeout."
            ),
        )
    except (ConnectionResetError, BrokenPipeError) as error:
        check.fail(
            FailureClass.WRONG_PROTOCOL,
            tr(
                "{endpoint} reset the connection after PING: {error}",
                endpoint=str(endpoint),
                error=describe(error),
            ),
            tr("Something other than Redis listens here (or it expects TLS: rediss://)."),
        )
    else:
        check.figures["reply_ms"] = round((time.monotonic() - started) * 1000, 3)
        is_resp, what = wire.identify(reply)
        if not is_resp:
            check.fail(
                FailureClass.WRONG_PROTOCOL,
                tr("{endpoint} is not Redis: {what}", endpoint=str(endpoint), what=what),
                tr("Check the port: this is another service."),
            )
        elif what.startswith("-LOADING"):
            check.fail(
                FailureClass.DEGRADED,
                f"{tr('Redis is loading its dataset')}: {what}",
                tr("Wait until loading finishes."),
            )
        elif (cause := reply_cause(Broker.REDIS, what)) is not None:
            check.fail(cause.failure_class, f"{endpoint}: {cause.details}", cause.hint)
        else:
            check.note(tr("reply {reply}", reply=what))


def _auth(ctx: ProbeContext, state: RedisState, check: CheckRecorder) -> None:
    target = ctx.target
    state.client = client = wire.make_client(ctx, state.endpoint, ctx.timeout())
    started = time.monotonic()
    client.ping()
    check.figures["connect_auth_ping_ms"] = round((time.monotonic() - started) * 1000, 3)
    check.note(
        tr("as {user} user with a password", user=target.username or "default")
        if target.password
        else tr("as {user} user without a password", user=target.username or "default")
    )


def _ping_latency(ctx: ProbeContext, state: RedisState, check: CheckRecorder) -> None:
    client = state.standalone()
    samples: list[float] = []
    for _ in range(PING_COUNT):
        ctx.checkpoint()
        started = time.perf_counter()
        client.ping()
        samples.append((time.perf_counter() - started) * 1000)
    check.figures.update(latency_figures(samples))
    check.note(
        tr(
            "round trips measured through redis-py from this machine: client latency, "
            "not the server's capacity"
        )
    )


def _info(ctx: ProbeContext, state: RedisState, check: CheckRecorder) -> None:
    info = state.info
    info.update(state.standalone().info())
    version = str(info.get("redis_version", "?"))
    mode = str(info.get("redis_mode", "standalone"))
    role = str(info.get("role", "?"))
    replicas = int(info.get("connected_slaves", 0))
    check.figures.update(
        version=version,
        mode=mode,
        role=role,
        connected_replicas=replicas,
        connected_clients=int(info.get("connected_clients", 0)),
        uptime_s=int(info.get("uptime_in_seconds", 0)),
    )
    summary = ctx.summary
    summary.product = "Redis"
    summary.version = version
    if summary.mode != "sentinel":
        summary.mode = mode
    summary.facts["role"] = role
    if role == "master":
        if summary.replicas is None:
            summary.replicas = replicas
        summary.replication = (
            tr("master with {count} replica(s)", count=replicas)
            if replicas
            else tr("single node, no replicas")
        )
        if summary.nodes is None and mode == "standalone":
            summary.nodes = 1 + replicas
    else:
        link = str(info.get("master_link_status", "?"))
        summary.replication = tr(
            "replica of {address} (link {link})",
            address=f"{info.get('master_host')}:{info.get('master_port')}",
            link=link,
        )
        check.figures["master_link_status"] = link
        if link != "up":
            check.fail(
                FailureClass.DEGRADED,
                tr("replica's link to its master is {link}", link=link),
                tr("The replica is not receiving writes; check the master and network."),
            )
        else:
            check.warn(
                tr("this is a read-only replica; writes (and the queue checks) fail"),
                tr("Point the URL at the master, or use redis+sentinel://."),
            )
    if versions.loose_parts(version) < (6, 2):
        check.warn(
            tr("Redis {version} predates BLMOVE (6.2)", version=version),
            tr("Upgrade: older versions miss reliable-queue and ACL features."),
        )


def _persistence(ctx: ProbeContext, state: RedisState, check: CheckRecorder) -> None:
    client, info = state.standalone(), state.info
    config: dict[str, str] = {}
    try:
        config = (
            wire.pairs(wire.cmd(client, "CONFIG", "GET", "appendonly"))
            | wire.pairs(wire.cmd(client, "CONFIG", "GET", "appendfsync"))
            | wire.pairs(wire.cmd(client, "CONFIG", "GET", "save"))
            | wire.pairs(wire.cmd(client, "CONFIG", "GET", "proto-max-bulk-len"))
        )
        check.figures["source"] = "CONFIG GET"
    except rex.ResponseError as error:  # NOPERM or CONFIG renamed on managed services
        check.figures["source"] = "INFO persistence"
        check.note(
            tr("CONFIG GET not allowed ({error}); using INFO persistence", error=describe(error))
        )
    aof = config.get("appendonly", "yes" if int(info.get("aof_enabled", 0)) else "no") == "yes"
    fsync = config.get("appendfsync", "unknown")
    bulk = config.get("proto-max-bulk-len", "")
    ctx.summary.max_message_bytes = int(bulk) if bulk.isdigit() else 512 * 1024 * 1024
    ctx.summary.facts["max_message_bytes_source"] = (
        "proto-max-bulk-len" if bulk.isdigit() else "default proto-max-bulk-len"
    )
    save = config.get("save")
    rdb: bool | None = bool(save.strip()) if save is not None else None
    bgsave = str(info.get("rdb_last_bgsave_status", "ok"))
    aof_write = str(info.get("aof_last_write_status", "ok"))
    check.figures.update(
        aof_enabled=int(aof),
        appendfsync=fsync,
        rdb_save=save if save is not None else "unknown",
        rdb_last_bgsave_status=bgsave,
        aof_last_write_status=aof_write,
        rdb_changes_since_last_save=int(info.get("rdb_changes_since_last_save", 0)),
    )
    if "rdb_last_save_time" in info:
        check.figures["rdb_last_save_time"] = int(info.get("rdb_last_save_time", 0))
    parts = []
    if aof:
        parts.append(f"AOF (appendfsync {fsync})")
    if rdb:
        parts.append(tr("RDB snapshots (save {save})", save=save))
    elif rdb is None:
        parts.append(tr("RDB schedule unknown"))
    ctx.summary.persistence = " + ".join(parts) if parts else tr("none (in-memory only)")
    ctx.summary.facts.update(
        aof_enabled=aof,
        appendfsync=fsync,
        rdb_enabled=rdb,
        persistence_config_readable=bool(config),
    )
    if bgsave != "ok" or aof_write != "ok":
        check.fail(
            FailureClass.DEGRADED,
            tr(
                "last background save {bgsave}, last AOF write {aof_write}",
                bgsave=bgsave,
                aof_write=aof_write,
            ),
            tr(
                "Persistence is failing (disk full, permissions?); with "
                "stop-writes-on-bgsave-error Redis refuses writes (MISCONF)."
            ),
        )
    elif not aof and rdb is False:
        check.warn(
            tr("no AOF and no RDB snapshots: a restart loses every message"),
            tr("Enable appendonly yes (appendfsync everysec) if messages must survive."),
        )
    elif not aof and rdb is None:
        check.warn(
            tr(
                "AOF is off (INFO persistence aof_enabled:0); whether RDB snapshots are "
                "scheduled could not be read (CONFIG GET refused): a crash loses at least the "
                "writes since the last snapshot, if there is one"
            ),
            tr(
                "Enable AOF (appendfsync everysec or always) for queues; ask the provider "
                "for the snapshot schedule."
            ),
        )
    elif not aof:
        check.warn(
            tr("RDB snapshots only: a crash loses the writes since the last snapshot"),
            tr("Enable AOF (appendfsync everysec or always) for queues."),
        )
    elif fsync == "no":
        check.warn(
            tr("appendfsync no: the OS decides when AOF data reaches the disk"),
            tr("Use appendfsync everysec (lose ≤ 1 s) or always."),
        )
    elif fsync == "unknown":
        check.note(
            tr(
                "AOF is on (INFO persistence aof_enabled:1); its appendfsync policy could not "
                "be read (CONFIG GET refused)"
            )
        )


def _cluster(ctx: ProbeContext, state: RedisState, check: CheckRecorder) -> None:
    client = state.standalone()
    raw = wire.cmd(client, "CLUSTER", "INFO")
    text = raw if isinstance(raw, str) else str(raw)
    facts = dict(line.split(":", 1) for line in text.splitlines() if ":" in line)
    cluster_state = facts.get("cluster_state", "?").strip()
    assigned = int(facts.get("cluster_slots_assigned", 0))
    failing = int(facts.get("cluster_slots_fail", 0))
    check.figures.update(
        cluster_state=cluster_state,
        slots_assigned=assigned,
        slots_fail=failing,
        known_nodes=int(facts.get("cluster_known_nodes", 0)),
        size=int(facts.get("cluster_size", 0)),
    )
    nodes = wire.cluster_nodes(client)
    live = [node for node in nodes if not node.down]
    down = [node for node in nodes if node.down]
    # A master without slots (an empty or just-failed-over one) serves nothing.
    masters = [node for node in live if node.role == "master" and node.slots]
    replicas = [node for node in live if node.role == "replica"]
    check.figures.update(masters=len(masters), replicas=len(replicas), nodes_down=len(down))
    check.figures["master_addresses"] = ", ".join(node.address for node in masters)
    if down:
        check.figures["down"] = ", ".join(f"{n.address} ({n.role}, {n.down})" for n in down)
    ctx.summary.nodes = len(live)
    ctx.summary.replicas = len(replicas)
    ctx.summary.replication = tr(
        "cluster: {masters} master(s), {replicas} replica(s)",
        masters=len(masters),
        replicas=len(replicas),
    )
    ctx.summary.facts.update(cluster_masters=len(masters), cluster_nodes_down=len(down))
    named = tr("; ").join(
        tr("{address} is down (was {role}, flagged {flag})", **_down(node))
        if node.role == "master"
        else tr("{address} is down ({role}, flagged {flag})", **_down(node))
        for node in down
    )
    if cluster_state != "ok" or assigned < 16384 or failing:
        check.fail(
            FailureClass.DEGRADED,
            tr(
                "cluster_state {state}, {assigned}/16384 slots assigned, {failing} failing",
                state=cluster_state,
                assigned=assigned,
                failing=failing,
            )
            + (f"{tr('; ')}{named}" if named else ""),
            tr(
                "Some hash slots have no working master: restart the failed node, or let a "
                "replica take over (cluster-node-timeout), or assign the slots."
            ),
        )
    elif down:
        check.warn(
            tr(
                "{named}; the cluster serves every slot with {count} master(s)",
                named=named,
                count=len(masters),
            ),
            tr(
                "Restart the failed node: it rejoins as a replica. Until then a further failure "
                "in its shard loses slots."
            ),
        )
    check.note(
        tr(
            "{masters} master(s) serving slots, {replicas} replica(s)",
            masters=len(masters),
            replicas=len(replicas),
        )
    )
    if masters and len(replicas) < len(masters):
        check.warn(tr("not every master has a replica"), tr("Add a replica per master."))


def _down(node: wire.ClusterNode) -> dict[str, str]:
    """The fields that name a node that is down."""
    return {"address": node.address, "role": node.role, "flag": node.down}


def _reliable_queue(ctx: ProbeContext, state: RedisState, check: CheckRecorder) -> None:
    client = state.behaving(ctx)  # on a cluster, the cluster-aware client starts here
    queue, processing = _hold_key(ctx, client, "queue"), _hold_key(ctx, client, "processing")
    items = [f"item-{i}" for i in range(QUEUE_ITEMS)]
    pipe = client.pipeline(transaction=True)
    pipe.lpush(queue, *items)
    pipe.expire(queue, KEY_TTL_S)
    pipe.execute()
    use_blmove = state.version >= (6, 2)
    got: list[str] = []
    samples: list[float] = []
    for _ in items:
        ctx.checkpoint()
        started = time.perf_counter()
        if use_blmove:
            moved = wire.cmd(client, "BLMOVE", queue, processing, "RIGHT", "LEFT", 0.2)
        else:
            moved = wire.cmd(client, "BRPOPLPUSH", queue, processing, 1)
        if moved is None:
            break
        if not got:
            client.expire(processing, KEY_TTL_S)
        got.append(str(moved))
        removed = int(client.lrem(processing, 1, str(moved)))  # the ack
        samples.append((time.perf_counter() - started) * 1000)
        if removed != 1:
            check.fail(
                FailureClass.OTHER,
                tr("LREM removed {removed} copies of {item}", removed=removed, item=moved),
            )
    left = int(client.llen(queue)) + int(client.llen(processing))
    check.figures.update(
        items=len(items),
        received=len(got),
        left_over=left,
        command="BLMOVE" if use_blmove else "BRPOPLPUSH",
    )
    check.figures.update(latency_figures(samples, "move_ack_"))
    if got != items:
        check.fail(
            FailureClass.OTHER,
            tr("expected {count} items in order, got {got}", count=len(items), got=got),
            tr("Another consumer may share the probe's key, or the server lost writes."),
        )
    elif left:
        check.fail(
            FailureClass.OTHER, tr("{count} item(s) left after acknowledging all", count=left)
        )
    else:
        check.note(tr("LPUSH, BLMOVE to a processing list and LREM as the ack kept FIFO order"))


def _pubsub(ctx: ProbeContext, state: RedisState, check: CheckRecorder) -> None:
    client = state.behaving(ctx)
    channel = wire.key_name(ctx, "channel", client)
    pubsub = client.pubsub()  # type: ignore[no-untyped-call]
    try:
        pubsub.subscribe(channel)
        if _next_message(ctx, pubsub, "subscribe") is None:
            check.fail(FailureClass.TIMEOUT, tr("SUBSCRIBE was not confirmed in time"))
        samples: list[float] = []
        for i in range(PUBSUB_MESSAGES if check.ok else 0):
            payload = f"ping-{i}"
            started = time.perf_counter()
            receivers = int(client.publish(channel, payload))
            received = _next_message(ctx, pubsub, "message")
            if received != payload:
                check.fail(
                    FailureClass.TIMEOUT if received is None else FailureClass.OTHER,
                    tr(
                        "message {index}: published to {receivers} subscriber(s), received {got}",
                        index=i,
                        receivers=receivers,
                        got=repr(received),
                    ),
                )
                break
            samples.append((time.perf_counter() - started) * 1000)
        check.figures.update(latency_figures(samples, "publish_to_receive_"))
        if check.ok:
            check.note(
                tr("delivered; Pub/Sub keeps nothing for absent subscribers, so it is not a queue")
            )
    finally:
        pubsub.close()


def _has_info(ctx: ProbeContext, state: RedisState) -> str | None:
    return None if state.info else tr("INFO was not available")


def _memory(ctx: ProbeContext, state: RedisState, check: CheckRecorder) -> None:
    info = state.info
    used = int(info.get("used_memory", 0))
    maxmemory = int(info.get("maxmemory", 0))
    policy = str(info.get("maxmemory_policy", "unknown"))
    check.figures.update(used_memory_bytes=used, maxmemory_bytes=maxmemory, maxmemory_policy=policy)
    ctx.summary.facts.update(maxmemory_bytes=maxmemory, maxmemory_policy=policy)
    if maxmemory:
        ratio = used / maxmemory
        check.figures["used_ratio"] = round(ratio, 3)
        if policy != "noeviction":
            check.warn(
                tr(
                    "maxmemory-policy {policy}: Redis evicts keys when full, queued messages "
                    "included",
                    policy=policy,
                ),
                tr("Use noeviction for a broker (writes then fail loudly instead)."),
            )
        if ratio > 0.9:
            check.warn(
                tr("{percent} of maxmemory used", percent=f"{ratio:.0%}"),
                tr("Free memory or raise maxmemory."),
            )
    else:
        check.note(tr("no maxmemory limit: Redis grows until the OS runs out of RAM"))


def _next_message(ctx: ProbeContext, pubsub: Any, kind: str) -> str | None:
    """The data of the next Pub/Sub message of this type, or None after the stage timeout."""
    deadline = time.monotonic() + ctx.timeout()
    while time.monotonic() < deadline:
        ctx.checkpoint()
        message = pubsub.get_message(timeout=0.1)
        if message and message.get("type") == kind:
            return str(message.get("data"))
    return None


def _streams(ctx: ProbeContext, state: RedisState, check: CheckRecorder) -> None:
    client = state.behaving(ctx)
    stream, group = _hold_key(ctx, client, "stream"), "broker-advisor-probe"
    started = time.perf_counter()
    pipe = client.pipeline(transaction=True)
    pipe.xadd(stream, {"probe": ctx.run_id}, maxlen=100, approximate=True)
    pipe.expire(stream, KEY_TTL_S)
    message_id = str(pipe.execute()[0])
    client.xgroup_create(stream, group, id="0")
    read = client.xreadgroup(group, "probe-consumer", {stream: ">"}, count=1)
    entries = wire.stream_entries(read)
    got_id = entries[0] if entries else None
    pending_before = int(wire.pending_count(client.xpending(stream, group)))
    acked = int(client.xack(stream, group, message_id))
    pending_after = int(wire.pending_count(client.xpending(stream, group)))
    check.figures.update(
        round_trip_ms=round((time.perf_counter() - started) * 1000, 3),
        pending_before_ack=pending_before,
        acked=acked,
        pending_after_ack=pending_after,
    )
    if got_id != message_id:
        check.fail(
            FailureClass.OTHER,
            tr("XREADGROUP returned {got}, expected {expected}", got=got_id, expected=message_id),
        )
    elif pending_before != 1 or acked != 1 or pending_after != 0:
        check.fail(
            FailureClass.OTHER,
            tr(
                "pending {before} before XACK, {after} after; acked {acked}",
                before=pending_before,
                after=pending_after,
                acked=acked,
            ),
            tr("The consumer group did not track the delivery as expected."),
        )
    else:
        check.note(tr("XADD, XREADGROUP, XPENDING showed it pending, XACK cleared it"))


def delete_keys(ctx: ProbeContext, state: RedisState, keys: Sequence[TempResource]) -> None:
    """Redis's delete function: remove the probe's keys with a fresh short-timeout connection."""
    names = [key.name for key in keys]
    cluster = state.cluster_client is not None
    try:
        cleaner = wire.make_client_for(ctx, state.endpoint, ctx.cleanup_timeout(), cluster)
    except (rex.RedisError, OSError, ssl.SSLError) as error:  # the cluster client connects now
        ctx.cleanup_problem(
            tr(
                "could not reach the cluster to delete {count} probe key(s) ({error}); "
                "they expire within {ttl} s",
                count=len(names),
                error=describe(error),
                ttl=KEY_TTL_S,
            )
        )
        return
    present = names
    try:
        # Keys are registered before the command that makes them, which a read-only user is
        # refused: only what exists needs deleting (and a user who may not read deletes all).
        try:
            present = [name for name in names if cleaner.exists(name)]
        except rex.NoPermissionError:
            present = names
        if present:
            cleaner.delete(*present)
        for key in keys:
            ctx.resources.discard(key)
    except (rex.RedisError, OSError, ssl.SSLError) as error:
        ctx.cleanup_problem(
            tr(
                "could not delete {count} probe key(s) ({error}); they expire within {ttl} s",
                count=len(present),
                error=describe(error),
                ttl=KEY_TTL_S,
            )
        )
    finally:
        cleaner.close()


def _cleanup(ctx: ProbeContext, state: RedisState) -> None:
    """Close the clients (they may already be broken), then delete the probe's keys."""
    for client in (state.sentinel_client, state.client, state.cluster_client):
        if client is not None:
            with contextlib.suppress(Exception):
                client.close()
    resources.delete_all(ctx, lambda keys: delete_keys(ctx, state, keys))


_UNREACHABLE = N_("the server could not be reached")
_NO_MASTER = N_("the master could not be found through Sentinel")

PLAN: Plan[RedisState] = Plan(
    broker=Broker.REDIS,
    state=RedisState.start,
    checks=(
        Group("sentinel.preflight", _sentinel_preflight, when=_sentinel_only, unmet=_NO_MASTER),
        Check(
            "sentinel.discover",
            _discover_title,
            Stage.INSPECT,
            _discover,
            needs=("sentinel.preflight",),
            when=_sentinel_only,
            where=_sentinel_where,
            unmet=_NO_MASTER,
        ),
        Check(
            "sentinel.quorum",
            N_("Sentinel quorum (CKQUORUM)"),
            Stage.INSPECT,
            _quorum,
            needs=("sentinel.discover",),
            when=_sentinel_only,
            where=_sentinel_where,
        ),
        Group(
            "redis.preflight", _redis_preflight, needs=("sentinel.discover",), unmet=_UNREACHABLE
        ),
        Check(
            "redis.handshake",
            N_("Redis protocol handshake"),
            Stage.HANDSHAKE,
            _handshake,
            needs=("redis.preflight",),
            where=_endpoint_where,
            unmet=_UNREACHABLE,
        ),
        Check(
            "redis.auth",
            N_("Authenticate and PING"),
            Stage.AUTHENTICATE,
            _auth,
            needs=("redis.handshake",),
            unmet=N_("authentication failed"),
        ),
        Check(
            "redis.ping_latency",
            N_("PING latency"),
            Stage.BEHAVE,
            _ping_latency,
            needs=("redis.auth",),
        ),
        Check("redis.info", N_("Server facts (INFO)"), Stage.INSPECT, _info, needs=("redis.auth",)),
        Check(
            "redis.persistence",
            N_("Persistence"),
            Stage.INSPECT,
            _persistence,
            needs=("redis.auth",),
        ),
        Check(
            "redis.memory",
            N_("Memory and eviction"),
            Stage.INSPECT,
            _memory,
            needs=("redis.auth",),
            when=_has_info,
        ),
        Check(
            "redis.cluster",
            N_("Cluster state and slot coverage"),
            Stage.INSPECT,
            _cluster,
            needs=("redis.auth",),
            when=_cluster_only,
        ),
        Check(
            "redis.reliable_queue",
            N_("Reliable queue round trip (BLMOVE)"),
            Stage.BEHAVE,
            _reliable_queue,
            needs=("redis.auth",),
            when=_writable,
        ),
        Check(
            "redis.pubsub",
            N_("Pub/Sub round trip"),
            Stage.BEHAVE,
            _pubsub,
            needs=("redis.auth",),
            when=_cluster_client_started,
        ),
        Check(
            "redis.streams",
            N_("Streams consumer group round trip"),
            Stage.BEHAVE,
            _streams,
            needs=("redis.auth",),
            when=_has_streams,
        ),
    ),
    cleanup=_cleanup,
    classify=wire.classify,
)
