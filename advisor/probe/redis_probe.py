"""Redis probe: handshake, auth, PING latency, INFO facts, persistence, queues, Pub/Sub, Streams.

Checks (ids): [sentinel.resolve/connect/tls, sentinel.discover, sentinel.quorum], redis.resolve,
redis.connect, redis.tls, redis.handshake, redis.auth, redis.ping_latency, redis.info,
redis.persistence, redis.memory, redis.cluster, redis.reliable_queue, redis.pubsub,
redis.streams. Every key the probe writes is named `broker-advisor:probe:<run-id>:...`, gets a
60 s TTL when it is created, and is deleted in a `finally` (also on failure and cancellation).
redis-py runs with retries off and connect/socket timeouts from the runner's stage timeout.

On a Redis Cluster (INFO redis_mode:cluster) `redis.cluster` reads CLUSTER NODES: masters and
replicas that serve, and every node marked failing (`fail`, `fail?`) named as down, never
counted as a master or replica. The behaviour checks then run through redis-py's cluster-aware
`RedisCluster` (following MOVED redirects); their keys share the hash tag `{<run-id>}`, so the
queue and its processing list live in one slot (`broker-advisor:probe:<run-id>:{<run-id>}:...`).
A database number other than 0 on a cluster is a configuration error (SELECT is refused).

Through Sentinel, the Sentinels get their own credentials (`?sentinel_password=`, and
`?sentinel_username=`; Celery's `sentinel_kwargs`) and the same TLS settings as the master;
the URL's userinfo is the master's. Without a master name (Celery's `sentinel://` form) the
one master the Sentinel monitors is probed.
"""

from __future__ import annotations

import contextlib
import ssl
import time
from collections.abc import Generator
from dataclasses import dataclass
from typing import Any

import redis
import redis.exceptions as rex
from redis.backoff import NoBackoff
from redis.cluster import RedisCluster
from redis.retry import Retry

from advisor import versions
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

KEY_TTL_S = 60
PING_COUNT = 50
QUEUE_ITEMS = 10
PUBSUB_MESSAGES = 5
CLIENT_NAME = "broker-advisor-probe"
_NO_RETRY = Retry(NoBackoff(), 0)  # redis-py 8 retries 10 times by default and hides the cause

# Checks after the handshake, skipped together when the server cannot be reached.
_LATER_CHECKS: tuple[tuple[str, str, Stage], ...] = (
    ("redis.ping_latency", "PING latency", Stage.BEHAVE),
    ("redis.info", "Server facts (INFO)", Stage.INSPECT),
    ("redis.persistence", "Persistence", Stage.INSPECT),
    ("redis.memory", "Memory and eviction", Stage.INSPECT),
    ("redis.reliable_queue", "Reliable queue round trip (BLMOVE)", Stage.BEHAVE),
    ("redis.pubsub", "Pub/Sub round trip", Stage.BEHAVE),
    ("redis.streams", "Streams consumer group round trip", Stage.BEHAVE),
)


# Server replies that name a cause, by the text Redis puts in them: one entry per cause.
_REPLY_CAUSES: tuple[tuple[str, FailureClass, str, str], ...] = (
    (
        "without any password configured",
        FailureClass.AUTH,
        "a password was sent, but this Redis has none",
        "This Redis has no password for the default user: remove the password from the URL "
        "(redis://host:6379), or set requirepass / an ACL user on the server.",
    ),
    (
        "DENIED Redis is running in protected mode",
        FailureClass.CONFIGURATION,
        "Redis is in protected mode and refuses clients from other hosts",
        "With no password set, Redis only answers loopback clients: set requirepass or an ACL "
        "user (and keep protected-mode on), rather than turning protected mode off.",
    ),
    (
        "max number of clients reached",
        FailureClass.DEGRADED,
        "Redis refuses new connections: maxclients is reached",
        "Raise maxclients (and the open-files limit), or find the clients that leak connections "
        "(CLIENT LIST); pooled clients need far fewer.",
    ),
    (
        "DB index is out of range",
        FailureClass.CONFIGURATION,
        "the database number in the URL does not exist on this server",
        "Use a database below the server's `databases` setting (16 by default): redis://host/0.",
    ),
    (
        "SELECT is not allowed in cluster mode",
        FailureClass.CONFIGURATION,
        "this is a Redis Cluster, which has database 0 only",
        "Remove the database number from the URL (redis://host:port or /0) for a cluster.",
    ),
    (
        "unknown command 'SENTINEL'",
        FailureClass.WRONG_PROTOCOL,
        "this is a Redis server, not a Sentinel",
        "redis+sentinel:// must point at a Sentinel (port 26379 by default); for this server "
        "use redis://host:port.",
    ),
    (
        "unknown command",
        FailureClass.CONFIGURATION,
        "the server does not know a command the check needs (renamed or disabled)",
        "The command is renamed or disabled (rename-command, or a managed service's "
        "restrictions); the check cannot run without it.",
    ),
)


def _reply_cause(text: str) -> Failure | None:
    for marker, failure_class, message, hint in _REPLY_CAUSES:
        if marker.lower() in text.lower():
            return Failure(failure_class, f"{message}: {text}", hint)
    return None


def classify(exc: BaseException, where: str = "the server") -> Failure | None:
    """Name redis-py errors; socket-level causes are found by the runner's fallback."""
    text = describe(exc)
    named = _reply_cause(text)
    if named is not None:
        return named
    missing = ("NOAUTH", "HELLO must be called", "Authentication required")
    if (
        isinstance(exc, rex.AuthenticationError)
        or "WRONGPASS" in text
        or any(m in text for m in missing)
    ):
        if any(m in text for m in missing):
            hint = (
                "The server requires a password: put it in the URL as redis://:PASSWORD@host "
                "or redis://USER:PASSWORD@host."
            )
        else:
            hint = "Wrong user name or password: check requirepass / the ACL user."
        return Failure(FailureClass.AUTH, f"authentication failed: {text}", hint)
    if isinstance(exc, rex.NoPermissionError) or "NOPERM" in text:
        return Failure(
            FailureClass.AUTHORISATION,
            f"not permitted: {text}",
            "The ACL user lacks this command or key pattern; allow "
            "~broker-advisor:probe:* and the commands the check uses.",
        )
    if isinstance(exc, rex.BusyLoadingError) or "LOADING" in text:
        return Failure(
            FailureClass.DEGRADED,
            f"Redis is loading its dataset: {text}",
            "Wait until loading finishes; clients get errors until then.",
        )
    if "MISCONF" in text:
        return Failure(
            FailureClass.DEGRADED,
            f"Redis refuses writes: {text}",
            "The last background save failed (disk full or permissions?); fix it "
            "or writes stay blocked.",
        )
    if isinstance(exc, rex.ReadOnlyError):
        return Failure(
            FailureClass.DEGRADED,
            f"read-only: {text}",
            "This is a replica: point the URL at the master (or use Sentinel).",
        )
    if isinstance(exc, rex.OutOfMemoryError):
        return Failure(
            FailureClass.DEGRADED,
            f"out of memory: {text}",
            "maxmemory is reached with noeviction: free memory or raise maxmemory.",
        )
    if isinstance(exc, (rex.ClusterDownError, rex.MasterDownError)):
        return Failure(FailureClass.DEGRADED, text, "The cluster or master is down.")
    if isinstance(exc, rex.TimeoutError):
        os_cause = classify_os_error(exc, where)
        return Failure(
            FailureClass.TIMEOUT,
            f"Redis did not answer in time: {text}",
            (os_cause.hint if os_cause else "")
            or "The server may be paused, "
            "overloaded or blocked by a slow command; check SLOWLOG and latency.",
        )
    if isinstance(exc, rex.ConnectionError):
        os_cause = classify_os_error(exc, where)
        if os_cause is not None:
            return os_cause
        if "closed by server" in text.lower():
            return Failure(
                FailureClass.CONNECTION_LOST,
                f"the server closed the connection: {text}",
                "Redis was stopped or restarted, killed the client (maxclients, "
                "timeout, CLIENT KILL) or is not Redis.",
            )
        return None
    if isinstance(exc, (rex.InvalidResponse, rex.DataError)) or "Protocol error" in text:
        return Failure(
            FailureClass.WRONG_PROTOCOL,
            f"not a Redis reply: {text}",
            "Something other than Redis listens on this port.",
        )
    return None


def _cmd(client: redis.Redis | RedisCluster, *args: Any) -> Any:
    """execute_command, typed (redis-py leaves it untyped)."""
    return client.execute_command(*args)  # type: ignore[no-untyped-call]


Client = redis.Redis | RedisCluster
"""A standalone client, or the cluster-aware one the behaviour checks use on a cluster."""


def _key(ctx: ProbeContext, name: str, client: Client | None = None) -> str:
    if isinstance(client, RedisCluster):
        # One hash tag for all of a run's keys: BLMOVE needs both lists in one slot.
        return f"broker-advisor:probe:{ctx.run_id}:{{{ctx.run_id}}}:{name}"
    return f"broker-advisor:probe:{ctx.run_id}:{name}"


def _tls_kwargs(ctx: ProbeContext) -> dict[str, Any]:
    """redis-py TLS settings from the target's options (the same for Sentinels and master)."""
    target = ctx.target
    if not target.tls:
        return {}
    context = preflight.tls_context(target)
    return {
        "ssl": True,
        "ssl_cert_reqs": "required" if context.verify_mode else "none",
        "ssl_check_hostname": context.check_hostname,
        "ssl_ca_certs": target.ssl_ca_certs,
        "ssl_certfile": target.ssl_certfile,
        "ssl_keyfile": target.ssl_keyfile,
    }


def _client(ctx: ProbeContext, endpoint: Endpoint, timeout_s: float) -> redis.Redis:
    target = ctx.target
    kwargs = _tls_kwargs(ctx)
    return redis.Redis(
        host=endpoint.host,
        port=endpoint.port,
        db=target.database or 0,
        username=target.username,
        password=target.password,
        socket_connect_timeout=timeout_s,
        socket_timeout=timeout_s,
        retry=_NO_RETRY,
        retry_on_error=[],
        health_check_interval=0,
        single_connection_client=False,  # connect lazily, inside a check
        client_name=CLIENT_NAME,
        decode_responses=True,
        protocol=2,  # RESP2 works on every version; redis-py 8 defaults to RESP3 (HELLO)
        **kwargs,
    )


def _cluster_client(ctx: ProbeContext, endpoint: Endpoint, timeout_s: float) -> RedisCluster:
    """A cluster-aware client: it reads the slot map from `endpoint` and follows redirects."""
    target = ctx.target
    return RedisCluster(
        host=endpoint.host,
        port=endpoint.port,
        username=target.username,
        password=target.password,
        socket_connect_timeout=timeout_s,
        socket_timeout=timeout_s,
        retry=_NO_RETRY,
        # Slots of a failed master are reported by redis.cluster; the client must still start.
        require_full_coverage=False,
        client_name=CLIENT_NAME,
        decode_responses=True,
        protocol=2,
        **_tls_kwargs(ctx),
    )


def _client_for(ctx: ProbeContext, endpoint: Endpoint, timeout_s: float, cluster: bool) -> Client:
    return (
        _cluster_client(ctx, endpoint, timeout_s) if cluster else _client(ctx, endpoint, timeout_s)
    )


def _raw_exchange(ctx: ProbeContext, endpoint: Endpoint, payload: bytes) -> bytes:
    """Send `payload` on a fresh socket (TLS when the target says so); return the first reply.

    The wait notices cancellation (preflight.recv), so Cancel ends a silent listener at once.
    """
    timeout_s = ctx.timeout()
    with preflight.open_socket(ctx, endpoint, timeout_s) as sock:
        sock.sendall(payload)
        return preflight.recv(ctx, sock, 512, timeout_s)


def _identify(reply: bytes) -> tuple[bool, str]:
    """Whether a reply to PING looks like RESP, and what it looks like otherwise."""
    if not reply:
        return False, "the server closed the connection without replying"
    if reply.startswith(b"AMQP"):
        return False, "the server speaks AMQP (RabbitMQ?)"
    if reply.startswith(b"HTTP/"):
        return False, "the server speaks HTTP"
    if reply.startswith(b"SSH-"):
        return False, "the server speaks SSH"
    if reply[:1] in b"+-:$*%_#,(!=|~>" and b"\r\n" in reply:
        return True, reply.split(b"\r\n", 1)[0].decode("utf-8", "replace")
    if reply.startswith((b"-DENIED", b"-ERR max number of clients")):
        return True, reply.decode("utf-8", "replace")  # cut short by the read, still Redis
    return False, f"unexpected reply {reply[:40]!r}"


def _handshake(ctx: ProbeContext, endpoint: Endpoint) -> Generator[ProbeCheck, None, bool]:
    """Is it Redis at all? A raw PING tells Redis from other protocols and silent listeners."""
    with ctx.check(
        "redis.handshake", "Redis protocol handshake", Stage.HANDSHAKE, where=str(endpoint)
    ) as check:
        started = time.monotonic()
        try:
            # 8 bytes, so an AMQP server (which reads an 8-byte header) answers too
            reply = _raw_exchange(ctx, endpoint, b"PING\r\n\r\n")
        except TimeoutError:
            check.fail(
                FailureClass.TIMEOUT,
                f"{endpoint} accepted the connection but sent no reply to PING within "
                f"{ctx.stage_timeout_s:g} s",
                "The server is paused (SIGSTOP), overloaded or busy with a slow command "
                "(SLOWLOG GET shows which), or the listener is not Redis; a server that is "
                "only slow answers with a larger --stage-timeout.",
            )
        except (ConnectionResetError, BrokenPipeError) as error:
            check.fail(
                FailureClass.WRONG_PROTOCOL,
                f"{endpoint} reset the connection after PING: {describe(error)}",
                "Something other than Redis listens here (or it expects TLS: rediss://).",
            )
        else:
            check.figures["reply_ms"] = round((time.monotonic() - started) * 1000, 3)
            is_resp, what = _identify(reply)
            if not is_resp:
                check.fail(
                    FailureClass.WRONG_PROTOCOL,
                    f"{endpoint} is not Redis: {what}",
                    "Check the port: this is another service.",
                )
            elif what.startswith("-LOADING"):
                check.fail(
                    FailureClass.DEGRADED,
                    f"Redis is loading its dataset: {what}",
                    "Wait until loading finishes.",
                )
            elif (cause := _reply_cause(what)) is not None:
                check.fail(cause.failure_class, f"{endpoint}: {cause.details}", cause.hint)
            else:
                check.note(f"reply {what}")
    yield check.result
    return check.ok


def _sentinel_client(ctx: ProbeContext, endpoint: Endpoint) -> redis.Redis:
    """A client for one Sentinel: its own credentials, the target's TLS settings."""
    target = ctx.target
    return redis.Redis(
        host=endpoint.host,
        port=endpoint.port,
        username=target.options.get("sentinel_username") or None,
        password=target.sentinel_password,
        socket_timeout=ctx.timeout(),
        socket_connect_timeout=ctx.timeout(),
        retry=_NO_RETRY,
        retry_on_error=[],
        single_connection_client=False,  # connect lazily, inside a check
        decode_responses=True,
        client_name=CLIENT_NAME,
        protocol=2,
        **_tls_kwargs(ctx),
    )


def _sentinel_auth_failure(error: BaseException, where: str) -> tuple[str, str] | None:
    """(details, hint) when a Sentinel refused or wanted credentials, else None."""
    text = describe(error)
    if not isinstance(error, rex.AuthenticationError) and not any(
        m in text for m in ("NOAUTH", "WRONGPASS", "without any password", "invalid password")
    ):
        return None
    return (
        f"the Sentinel at {where} refused the login: {text}",
        "The Sentinels have a password of their own (requirepass in sentinel.conf): give it as "
        "?sentinel_password=... (and ?sentinel_username=... for an ACL user), as Celery's "
        "sentinel_kwargs={'password': ...}; the URL's user:password is the master's."
        if "NOAUTH" in text or "Authentication required" in text
        else "Check ?sentinel_password= (and ?sentinel_username=): the URL's user:password is "
        "the master's, not the Sentinels'.",
    )


def _sentinel(ctx: ProbeContext) -> Generator[ProbeCheck, None, Endpoint | None]:
    """Find the master through the Sentinels; report how many Sentinels and the quorum."""
    target = ctx.target
    name = target.sentinel_master or ""
    reachable: list[Endpoint] = []
    for index, endpoint in enumerate(target.endpoints):
        prefix = "sentinel" if len(target.endpoints) == 1 else f"sentinel{index + 1}"
        ok = yield from preflight.run(ctx, endpoint, tls=target.tls, prefix=prefix)
        if ok:
            reachable.append(endpoint)
            break  # one Sentinel is enough to ask; the others are reported by it
    if not reachable:
        return None
    where = str(reachable[0])
    sentinel = _sentinel_client(ctx, reachable[0])
    master: Endpoint | None = None
    try:
        title = f"Discover master '{name}'" if name else "Discover the master"
        with ctx.check("sentinel.discover", title, Stage.INSPECT, where=where) as check:
            address: Any = None
            try:
                if not name:
                    name = _only_master(check, _cmd(sentinel, "SENTINEL", "MASTERS"))
                if name:
                    address = _cmd(sentinel, "SENTINEL", "GET-MASTER-ADDR-BY-NAME", name)
            except rex.RedisError as error:
                refused = _sentinel_auth_failure(error, where)
                if refused is None:
                    raise
                check.fail(FailureClass.AUTH, *refused)
            if not check.ok:
                pass  # the failure is recorded already
            elif not address:
                check.fail(
                    FailureClass.OTHER,
                    f"the Sentinels do not know a master named '{name}'",
                    "Check the master name in the URL path (SENTINEL MASTERS lists them).",
                )
            else:
                master = Endpoint(host=str(address[0]), port=int(address[1]))
                info = _pairs(_cmd(sentinel, "SENTINEL", "MASTER", name))
                replicas = _cmd(sentinel, "SENTINEL", "REPLICAS", name) or []
                others = int(info.get("num-other-sentinels", 0))
                quorum = int(info.get("quorum", 0))
                healthy = [
                    r
                    for r in (_pairs(r) for r in replicas)
                    if "s_down" not in r.get("flags", "") and "o_down" not in r.get("flags", "")
                ]
                check.figures.update(
                    master_name=name,
                    sentinels=others + 1,
                    quorum=quorum,
                    replicas=len(replicas),
                    healthy_replicas=len(healthy),
                )
                check.note(f"master '{name}' at {master} ({info.get('flags', '?')})")
                ctx.summary.mode = "sentinel"
                ctx.summary.nodes = 1 + len(replicas)
                ctx.summary.replicas = len(healthy)
                ctx.summary.facts.update(sentinels=others + 1, sentinel_quorum=quorum)
                if "down" in info.get("flags", ""):
                    check.fail(
                        FailureClass.DEGRADED,
                        f"Sentinels flag the master as {info.get('flags')}",
                        "The master is down; a failover may be in progress.",
                    )
                elif others + 1 < 3:
                    check.warn(
                        f"only {others + 1} Sentinel(s) know this master",
                        "Run at least three Sentinels on separate machines so a "
                        "failover can be agreed.",
                    )
                if not healthy:
                    check.warn(
                        "no healthy replica: a failover has nothing to promote", "Add a replica."
                    )
        yield check.result
        if master is None:
            return None
        with ctx.check(
            "sentinel.quorum", "Sentinel quorum (CKQUORUM)", Stage.INSPECT, where=where
        ) as check:
            try:
                reply = _cmd(sentinel, "SENTINEL", "CKQUORUM", name)
                check.note(str(reply))
            except rex.ResponseError as error:
                check.fail(
                    FailureClass.DEGRADED,
                    f"no quorum: {describe(error)}",
                    "Too few Sentinels can reach each other to authorise a failover.",
                )
        yield check.result
    finally:
        sentinel.close()
    return master


def _only_master(check: CheckRecorder, masters: Any) -> str:
    """The name of the one master a Sentinel monitors ('' and a failure when not exactly one)."""
    names = sorted(
        str(_pairs(m).get("name")) for m in (masters or []) if _pairs(m).get("name") is not None
    )
    if len(names) == 1:
        check.note(f"no master name given; the Sentinel monitors one: '{names[0]}'")
        return names[0]
    check.fail(
        FailureClass.OTHER,
        "no master name given, and the Sentinel monitors "
        + (f"{len(names)} masters: {', '.join(names)}" if names else "none"),
        "Name the master: ?master_name=NAME (Celery's broker_transport_options master_name) "
        "or redis+sentinel://host:26379/NAME.",
    )
    return ""


def _pairs(reply: Any) -> dict[str, str]:
    """A flat [k, v, k, v] reply (or a dict under RESP3) as a dict of strings."""
    if isinstance(reply, dict):
        return {str(k): str(v) for k, v in reply.items()}
    items = list(reply or [])
    return {str(items[i]): str(items[i + 1]) for i in range(0, len(items) - 1, 2)}


def run_checks(ctx: ProbeContext) -> Generator[ProbeCheck, None, None]:
    """All Redis checks for ctx.target, in order (see the module docstring)."""
    target = ctx.target
    endpoint = target.endpoint
    if "sentinel" in target.scheme:
        master = yield from _sentinel(ctx)
        if master is None:
            yield from _skip_rest(ctx, "the master could not be found through Sentinel")
            return
        endpoint = master
        ctx.address = str(master)  # the checks below dial the master, not the Sentinel
    ok = yield from preflight.run(ctx, endpoint, tls=target.tls, prefix="redis")
    if ok:
        ok = yield from _handshake(ctx, endpoint)
    if not ok:
        yield from _skip_rest(ctx, "the server could not be reached")
        return

    client = _client(ctx, endpoint, ctx.timeout())
    behaving: Client = client  # the client that wrote the keys the cleanup deletes
    created: list[str] = []
    try:
        with ctx.check("redis.auth", "Authenticate and PING", Stage.AUTHENTICATE) as check:
            started = time.monotonic()
            client.ping()
            check.figures["connect_auth_ping_ms"] = round((time.monotonic() - started) * 1000, 3)
            check.note(
                f"as {target.username or 'default'} user"
                + (" with a password" if target.password else " without a password")
            )
        yield check.result
        if not check.ok:
            yield from _skip_rest(ctx, "authentication failed")
            return
        yield _ping_latency(ctx, client)
        info: dict[str, Any] = {}
        info_check = _info(ctx, client, info)
        yield info_check
        yield _persistence(ctx, client, info)
        yield _memory(ctx, info)
        mode = str(info.get("redis_mode", "standalone"))
        if mode == "cluster":
            yield _cluster(ctx, client)
            version = versions.loose_parts(str(info.get("redis_version", "0")))
            cluster = yield from _cluster_behaviour(ctx, endpoint, created, version)
            if cluster is not None:
                behaving = cluster
            return
        if info.get("role") == "slave":
            for check_id, title, stage in _LATER_CHECKS[4:]:
                yield ctx.skipped(check_id, title, stage, "read-only replica: writes would fail")
            return
        version = versions.loose_parts(str(info.get("redis_version", "0")))
        yield _reliable_queue(ctx, client, created, version)
        yield _pubsub(ctx, client)
        yield _streams(ctx, client, created, version)
    finally:
        if behaving is not client:
            with contextlib.suppress(Exception):
                client.close()
        _cleanup(ctx, endpoint, behaving, created)


def _cluster_behaviour(
    ctx: ProbeContext, endpoint: Endpoint, created: list[str], version: tuple[int, ...]
) -> Generator[ProbeCheck, None, RedisCluster | None]:
    """The behaviour checks through a cluster-aware client; returns it (None if it failed)."""
    checks = _LATER_CHECKS[4:]
    made: list[RedisCluster] = []
    with ctx.check(*checks[0]) as check:
        # The client reads the slot map when it is made: a failure belongs to the first check.
        made.append(_cluster_client(ctx, endpoint, ctx.timeout()))
    if not made:
        yield check.result
        for check_id, title, stage in checks[1:]:
            yield ctx.skipped(check_id, title, stage, "the cluster-aware client could not start")
        return None
    cluster = made[0]
    yield _reliable_queue(ctx, cluster, created, version)
    yield _pubsub(ctx, cluster)
    yield _streams(ctx, cluster, created, version)
    return cluster


def _skip_rest(ctx: ProbeContext, reason: str) -> Generator[ProbeCheck, None, None]:
    for check_id, title, stage in (
        ("redis.auth", "Authenticate and PING", Stage.AUTHENTICATE),
        *_LATER_CHECKS,
    ):
        if reason == "authentication failed" and check_id == "redis.auth":
            continue
        yield ctx.skipped(check_id, title, stage, reason)


def _ping_latency(ctx: ProbeContext, client: redis.Redis) -> ProbeCheck:
    with ctx.check("redis.ping_latency", "PING latency", Stage.BEHAVE) as check:
        samples: list[float] = []
        for _ in range(PING_COUNT):
            ctx.checkpoint()
            started = time.perf_counter()
            client.ping()
            samples.append((time.perf_counter() - started) * 1000)
        check.figures.update(latency_figures(samples))
        check.note(
            "round trips measured through redis-py from this machine: client latency, "
            "not the server's capacity"
        )
    return check.result


def _info(ctx: ProbeContext, client: redis.Redis, info: dict[str, Any]) -> ProbeCheck:
    with ctx.check("redis.info", "Server facts (INFO)", Stage.INSPECT) as check:
        info.update(client.info())
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
                f"master with {replicas} replica(s)" if replicas else "single node, no replicas"
            )
            if summary.nodes is None and mode == "standalone":
                summary.nodes = 1 + replicas
        else:
            link = str(info.get("master_link_status", "?"))
            summary.replication = (
                f"replica of {info.get('master_host')}:{info.get('master_port')} (link {link})"
            )
            check.figures["master_link_status"] = link
            if link != "up":
                check.fail(
                    FailureClass.DEGRADED,
                    f"replica's link to its master is {link}",
                    "The replica is not receiving writes; check the master and network.",
                )
            else:
                check.warn(
                    "this is a read-only replica; writes (and the queue checks) fail",
                    "Point the URL at the master, or use redis+sentinel://.",
                )
        if versions.loose_parts(version) < (6, 2):
            check.warn(
                f"Redis {version} predates BLMOVE (6.2)",
                "Upgrade: older versions miss reliable-queue and ACL features.",
            )
    return check.result


def _persistence(ctx: ProbeContext, client: redis.Redis, info: dict[str, Any]) -> ProbeCheck:
    with ctx.check("redis.persistence", "Persistence", Stage.INSPECT) as check:
        config: dict[str, str] = {}
        try:
            config = (
                _pairs(_cmd(client, "CONFIG", "GET", "appendonly"))
                | _pairs(_cmd(client, "CONFIG", "GET", "appendfsync"))
                | _pairs(_cmd(client, "CONFIG", "GET", "save"))
                | _pairs(_cmd(client, "CONFIG", "GET", "proto-max-bulk-len"))
            )
            check.figures["source"] = "CONFIG GET"
        except rex.ResponseError as error:  # NOPERM or CONFIG renamed on managed services
            check.figures["source"] = "INFO persistence"
            check.note(f"CONFIG GET not allowed ({describe(error)}); using INFO persistence")
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
            parts.append(f"RDB snapshots (save {save})")
        elif rdb is None:
            parts.append("RDB schedule unknown")
        ctx.summary.persistence = " + ".join(parts) if parts else "none (in-memory only)"
        ctx.summary.facts.update(
            aof_enabled=aof,
            appendfsync=fsync,
            rdb_enabled=rdb,
            persistence_config_readable=bool(config),
        )
        if bgsave != "ok" or aof_write != "ok":
            check.fail(
                FailureClass.DEGRADED,
                f"last background save {bgsave}, last AOF write {aof_write}",
                "Persistence is failing (disk full, permissions?); with "
                "stop-writes-on-bgsave-error Redis refuses writes (MISCONF).",
            )
        elif not aof and rdb is False:
            check.warn(
                "no AOF and no RDB snapshots: a restart loses every message",
                "Enable appendonly yes (appendfsync everysec) if messages must survive.",
            )
        elif not aof and rdb is None:
            check.warn(
                "AOF is off (INFO persistence aof_enabled:0); whether RDB snapshots are scheduled "
                "could not be read (CONFIG GET refused): a crash loses at least the writes "
                "since the last snapshot, if there is one",
                "Enable AOF (appendfsync everysec or always) for queues; ask the provider "
                "for the snapshot schedule.",
            )
        elif not aof:
            check.warn(
                "RDB snapshots only: a crash loses the writes since the last snapshot",
                "Enable AOF (appendfsync everysec or always) for queues.",
            )
        elif fsync == "no":
            check.warn(
                "appendfsync no: the OS decides when AOF data reaches the disk",
                "Use appendfsync everysec (lose ≤ 1 s) or always.",
            )
        elif fsync == "unknown":
            check.note(
                "AOF is on (INFO persistence aof_enabled:1); its appendfsync policy could not "
                "be read (CONFIG GET refused)"
            )
    return check.result


def _memory(ctx: ProbeContext, info: dict[str, Any]) -> ProbeCheck:
    with ctx.check("redis.memory", "Memory and eviction", Stage.INSPECT) as check:
        if not info:
            check.skip("INFO was not available")
    if not info:
        return check.result
    with ctx.check("redis.memory", "Memory and eviction", Stage.INSPECT) as check:
        used = int(info.get("used_memory", 0))
        maxmemory = int(info.get("maxmemory", 0))
        policy = str(info.get("maxmemory_policy", "unknown"))
        check.figures.update(
            used_memory_bytes=used, maxmemory_bytes=maxmemory, maxmemory_policy=policy
        )
        ctx.summary.facts.update(maxmemory_bytes=maxmemory, maxmemory_policy=policy)
        if maxmemory:
            ratio = used / maxmemory
            check.figures["used_ratio"] = round(ratio, 3)
            if policy != "noeviction":
                check.warn(
                    f"maxmemory-policy {policy}: Redis evicts keys when full, queued "
                    "messages included",
                    "Use noeviction for a broker (writes then fail loudly instead).",
                )
            if ratio > 0.9:
                check.warn(f"{ratio:.0%} of maxmemory used", "Free memory or raise maxmemory.")
        else:
            check.note("no maxmemory limit: Redis grows until the OS runs out of RAM")
    return check.result


@dataclass(frozen=True)
class _ClusterNode:
    """One line of CLUSTER NODES (or one node of CLUSTER SHARDS)."""

    address: str
    role: str  # "master" or "replica", as the node was last known
    down: str  # "" when serving; else why it is down: "fail", "fail?" (unreachable), "noaddr"
    slots: int


def _cluster_nodes(client: redis.Redis) -> list[_ClusterNode]:
    """Every node the cluster knows, from CLUSTER NODES; CLUSTER SHARDS where that is refused."""
    try:
        raw = _cmd(client, "CLUSTER", "NODES")
    except rex.ResponseError:
        return _shard_nodes(_cmd(client, "CLUSTER", "SHARDS"))
    nodes = []
    text = raw if isinstance(raw, str) else str(raw)
    for line in text.splitlines():
        fields = line.split()
        if len(fields) < 8:
            continue
        flags = set(fields[2].split(","))
        down = next((flag for flag in ("fail", "fail?", "noaddr") if flag in flags), "")
        slots = 0
        for item in fields[8:]:
            if item.startswith("["):
                continue  # a slot being migrated or imported
            low, _, high = item.partition("-")
            slots += int(high or low) - int(low) + 1
        address = fields[1].split("@")[0]
        role = "master" if "master" in flags else "replica"
        nodes.append(_ClusterNode(address=address, role=role, down=down, slots=slots))
    return nodes


def _shard_nodes(shards: Any) -> list[_ClusterNode]:
    nodes = []
    for shard in shards or []:
        info = _pairs(shard)
        node_list = shard[shard.index("nodes") + 1] if isinstance(shard, list) else info["nodes"]
        ranges = shard[shard.index("slots") + 1] if isinstance(shard, list) else info["slots"]
        bounds = [int(b) for b in ranges or []]
        slots = sum(high - low + 1 for low, high in zip(bounds[::2], bounds[1::2], strict=False))
        for node in node_list or []:
            fields = _pairs(node)
            role = "master" if fields.get("role") == "master" else "replica"
            health = fields.get("health", "online")
            nodes.append(
                _ClusterNode(
                    address=f"{fields.get('ip', fields.get('endpoint', '?'))}:{fields.get('port')}",
                    role=role,
                    down="" if health == "online" else health,
                    slots=slots if role == "master" else 0,
                )
            )
    return nodes


def _cluster(ctx: ProbeContext, client: redis.Redis) -> ProbeCheck:
    with ctx.check("redis.cluster", "Cluster state and slot coverage", Stage.INSPECT) as check:
        raw = _cmd(client, "CLUSTER", "INFO")
        text = raw if isinstance(raw, str) else str(raw)
        facts = dict(line.split(":", 1) for line in text.splitlines() if ":" in line)
        state = facts.get("cluster_state", "?").strip()
        assigned = int(facts.get("cluster_slots_assigned", 0))
        failing = int(facts.get("cluster_slots_fail", 0))
        check.figures.update(
            cluster_state=state,
            slots_assigned=assigned,
            slots_fail=failing,
            known_nodes=int(facts.get("cluster_known_nodes", 0)),
            size=int(facts.get("cluster_size", 0)),
        )
        nodes = _cluster_nodes(client)
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
        ctx.summary.replication = f"cluster: {len(masters)} master(s), {len(replicas)} replica(s)"
        ctx.summary.facts.update(cluster_masters=len(masters), cluster_nodes_down=len(down))
        named = "; ".join(
            f"{node.address} is down ({'was ' if node.role == 'master' else ''}{node.role}, "
            f"flagged {node.down})"
            for node in down
        )
        if state != "ok" or assigned < 16384 or failing:
            check.fail(
                FailureClass.DEGRADED,
                f"cluster_state {state}, {assigned}/16384 slots assigned, {failing} failing"
                + (f"; {named}" if named else ""),
                "Some hash slots have no working master: restart the failed node, or let a "
                "replica take over (cluster-node-timeout), or assign the slots.",
            )
        elif down:
            check.warn(
                f"{named}; the cluster serves every slot with {len(masters)} master(s)",
                "Restart the failed node: it rejoins as a replica. Until then a further failure "
                "in its shard loses slots.",
            )
        check.note(f"{len(masters)} master(s) serving slots, {len(replicas)} replica(s)")
        if masters and len(replicas) < len(masters):
            check.warn("not every master has a replica", "Add a replica per master.")
    return check.result


def _register(created: list[str], *keys: str) -> None:
    for key in keys:
        if key not in created:
            created.append(key)


def _track_keys(ctx: ProbeContext, created: list[str]) -> None:
    """Keys the cleanup must delete, as resources the runner can name if cleanup stalls."""
    for key in created:
        ctx.track(f"key {key}")


def _reliable_queue(
    ctx: ProbeContext, client: Client, created: list[str], version: tuple[int, ...]
) -> ProbeCheck:
    title = "Reliable queue round trip (BLMOVE)"
    with ctx.check("redis.reliable_queue", title, Stage.BEHAVE) as check:
        queue, processing = _key(ctx, "queue", client), _key(ctx, "processing", client)
        _register(created, queue, processing)
        _track_keys(ctx, [queue, processing])
        items = [f"item-{i}" for i in range(QUEUE_ITEMS)]
        pipe = client.pipeline(transaction=True)
        pipe.lpush(queue, *items)
        pipe.expire(queue, KEY_TTL_S)
        pipe.execute()
        use_blmove = version >= (6, 2)
        got: list[str] = []
        samples: list[float] = []
        for _ in items:
            ctx.checkpoint()
            started = time.perf_counter()
            if use_blmove:
                moved = _cmd(client, "BLMOVE", queue, processing, "RIGHT", "LEFT", 0.2)
            else:
                moved = _cmd(client, "BRPOPLPUSH", queue, processing, 1)
            if moved is None:
                break
            if not got:
                client.expire(processing, KEY_TTL_S)
            got.append(str(moved))
            removed = int(client.lrem(processing, 1, str(moved)))  # the ack
            samples.append((time.perf_counter() - started) * 1000)
            if removed != 1:
                check.fail(FailureClass.OTHER, f"LREM removed {removed} copies of {moved}")
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
                f"expected {len(items)} items in order, got {got}",
                "Another consumer may share the probe's key, or the server lost writes.",
            )
        elif left:
            check.fail(FailureClass.OTHER, f"{left} item(s) left after acknowledging all")
        else:
            check.note("LPUSH, BLMOVE to a processing list and LREM as the ack kept FIFO order")
    return check.result


def _pubsub(ctx: ProbeContext, client: Client) -> ProbeCheck:
    with ctx.check("redis.pubsub", "Pub/Sub round trip", Stage.BEHAVE) as check:
        channel = _key(ctx, "channel", client)
        pubsub = client.pubsub()  # type: ignore[no-untyped-call]
        try:
            pubsub.subscribe(channel)
            if _next_message(ctx, pubsub, "subscribe") is None:
                check.fail(FailureClass.TIMEOUT, "SUBSCRIBE was not confirmed in time")
            samples: list[float] = []
            for i in range(PUBSUB_MESSAGES if check.ok else 0):
                payload = f"ping-{i}"
                started = time.perf_counter()
                receivers = int(client.publish(channel, payload))
                received = _next_message(ctx, pubsub, "message")
                if received != payload:
                    check.fail(
                        FailureClass.TIMEOUT if received is None else FailureClass.OTHER,
                        f"message {i}: published to {receivers} subscriber(s), "
                        f"received {received!r}",
                    )
                    break
                samples.append((time.perf_counter() - started) * 1000)
            check.figures.update(latency_figures(samples, "publish_to_receive_"))
            if check.ok:
                check.note(
                    "delivered; Pub/Sub keeps nothing for absent subscribers, so it is not a queue"
                )
        finally:
            pubsub.close()
    return check.result


def _next_message(ctx: ProbeContext, pubsub: Any, kind: str) -> str | None:
    """The data of the next Pub/Sub message of this type, or None after the stage timeout."""
    deadline = time.monotonic() + ctx.timeout()
    while time.monotonic() < deadline:
        ctx.checkpoint()
        message = pubsub.get_message(timeout=0.1)
        if message and message.get("type") == kind:
            return str(message.get("data"))
    return None


def _streams(
    ctx: ProbeContext, client: Client, created: list[str], version: tuple[int, ...]
) -> ProbeCheck:
    title = "Streams consumer group round trip"
    with ctx.check("redis.streams", title, Stage.BEHAVE) as check:
        if version < (5, 0):
            check.skip(f"Redis {'.'.join(map(str, version))} has no Streams (5.0+)")
    if version < (5, 0):
        return check.result
    with ctx.check("redis.streams", title, Stage.BEHAVE) as check:
        stream, group = _key(ctx, "stream", client), "broker-advisor-probe"
        _register(created, stream)
        _track_keys(ctx, [stream])
        started = time.perf_counter()
        pipe = client.pipeline(transaction=True)
        pipe.xadd(stream, {"probe": ctx.run_id}, maxlen=100, approximate=True)
        pipe.expire(stream, KEY_TTL_S)
        message_id = str(pipe.execute()[0])
        client.xgroup_create(stream, group, id="0")
        read = client.xreadgroup(group, "probe-consumer", {stream: ">"}, count=1)
        entries = _stream_entries(read)
        got_id = entries[0] if entries else None
        pending_before = int(_pairs_pending(client.xpending(stream, group)))
        acked = int(client.xack(stream, group, message_id))
        pending_after = int(_pairs_pending(client.xpending(stream, group)))
        check.figures.update(
            round_trip_ms=round((time.perf_counter() - started) * 1000, 3),
            pending_before_ack=pending_before,
            acked=acked,
            pending_after_ack=pending_after,
        )
        if got_id != message_id:
            check.fail(FailureClass.OTHER, f"XREADGROUP returned {got_id}, expected {message_id}")
        elif pending_before != 1 or acked != 1 or pending_after != 0:
            check.fail(
                FailureClass.OTHER,
                f"pending {pending_before} before XACK, {pending_after} after; acked {acked}",
                "The consumer group did not track the delivery as expected.",
            )
        else:
            check.note("XADD, XREADGROUP, XPENDING showed it pending, XACK cleared it")
    return check.result


def _stream_entries(read: Any) -> list[str]:
    """Message ids from an XREADGROUP reply (RESP2 list or RESP3 dict)."""
    ids: list[str] = []
    streams = read.items() if isinstance(read, dict) else (read or [])
    for item in streams:
        messages = item[1]
        if (
            messages
            and isinstance(messages[0], list)
            and messages
            and not isinstance(messages[0][0], str)
        ):
            messages = messages[0]
        for message in messages:
            ids.append(str(message[0]))
    return ids


def _pairs_pending(reply: Any) -> int:
    if isinstance(reply, dict):
        return int(reply.get("pending", 0))
    return int(reply[0]) if reply else 0


def _cleanup(ctx: ProbeContext, endpoint: Endpoint, client: Client, created: list[str]) -> None:
    """Delete the probe's keys with a fresh short-timeout connection; record what is left."""
    with contextlib.suppress(Exception):  # may already be broken; the cleaner is fresh
        client.close()
    if not created:
        return
    _track_keys(ctx, created)
    present = list(created)
    try:
        cleaner = _client_for(
            ctx, endpoint, ctx.cleanup_timeout(), isinstance(client, RedisCluster)
        )
    except (rex.RedisError, OSError, ssl.SSLError) as error:  # the cluster client connects now
        ctx.cleanup_problem(
            f"could not reach the cluster to delete {len(present)} probe key(s) "
            f"({describe(error)}); they expire within {KEY_TTL_S} s"
        )
        return
    try:
        # Keys are recorded before the command that makes them, which a read-only user is
        # refused: only what exists needs deleting (and a user who may not read deletes all).
        try:
            present = [key for key in created if cleaner.exists(key)]
        except rex.NoPermissionError:
            present = list(created)
        if present:
            cleaner.delete(*present)
        for key in created:
            ctx.release(f"key {key}")
    except (rex.RedisError, OSError, ssl.SSLError) as error:
        ctx.cleanup_problem(
            f"could not delete {len(present)} probe key(s) "
            f"({describe(error)}); they expire within {KEY_TTL_S} s"
        )
    finally:
        cleaner.close()
