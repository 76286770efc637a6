"""Redis wire code: redis-py clients (standalone, cluster, Sentinel), raw RESP, replies, errors.

redis-py runs with retries off and connect/socket timeouts from the runner's stage timeout. Every
key the probe writes is named `broker-advisor:probe:<run-id>:...`; on a cluster the keys share the
hash tag `{<run-id>}`, so the queue and its processing list live in one slot. Causes Redis names
in its replies are entries of `advisor.probe.classify.REPLY_CAUSES`; `classify` adds redis-py's
exception types.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import redis
import redis.exceptions as rex
from redis.backoff import NoBackoff
from redis.cluster import RedisCluster
from redis.retry import Retry

from advisor.i18n import N_, tr
from advisor.probe import preflight
from advisor.probe.classify import (
    ErrorCause,
    Failure,
    classify_os_error,
    describe,
    error_cause,
    reply_cause,
)
from advisor.probe.models import Endpoint, FailureClass
from advisor.probe.runner import ProbeContext
from advisor.workload import Broker

CLIENT_NAME = "broker-advisor-probe"


_NO_RETRY = Retry(NoBackoff(), 0)  # redis-py 8 retries 10 times by default and hides the cause


# redis-py's errors (or the words of the reply they carry) that name a cause, tried in order.
ERROR_CAUSES: tuple[ErrorCause, ...] = (
    ErrorCause(
        (rex.NoPermissionError,),
        FailureClass.AUTHORISATION,
        N_("not permitted"),
        N_(
            "The ACL user lacks this command or key pattern; allow "
            "~broker-advisor:probe:* and the commands the check uses."
        ),
        marker="NOPERM",
    ),
    ErrorCause(
        (rex.BusyLoadingError,),
        FailureClass.DEGRADED,
        N_("Redis is loading its dataset"),
        N_("Wait until loading finishes; clients get errors until then."),
        marker="LOADING",
    ),
    ErrorCause(
        (),
        FailureClass.DEGRADED,
        N_("Redis refuses writes"),
        N_(
            "The last background save failed (disk full or permissions?); fix it "
            "or writes stay blocked."
        ),
        marker="MISCONF",
    ),
    ErrorCause(
        (rex.ReadOnlyError,),
        FailureClass.DEGRADED,
        N_("read-only"),
        N_("This is a replica: point the URL at the master (or use Sentinel)."),
    ),
    ErrorCause(
        (rex.OutOfMemoryError,),
        FailureClass.DEGRADED,
        N_("out of memory"),
        N_("maxmemory is reached with noeviction: free memory or raise maxmemory."),
    ),
    ErrorCause(
        (rex.ClusterDownError, rex.MasterDownError),
        FailureClass.DEGRADED,
        "",
        N_("The cluster or master is down."),
    ),
)


def classify(exc: BaseException, where: str = "") -> Failure | None:
    """Name redis-py errors; socket-level causes are found by the runner's fallback."""
    text = describe(exc)
    named = reply_cause(Broker.REDIS, text)
    if named is not None:
        return named
    missing = ("NOAUTH", "HELLO must be called", "Authentication required")
    if (
        isinstance(exc, rex.AuthenticationError)
        or "WRONGPASS" in text
        or any(m in text for m in missing)
    ):
        if any(m in text for m in missing):
            hint = tr(
                "The server requires a password: put it in the URL as redis://:PASSWORD@host "
                "or redis://USER:PASSWORD@host."
            )
        else:
            hint = tr("Wrong user name or password: check requirepass / the ACL user.")
        return Failure(FailureClass.AUTH, tr("authentication failed: {error}", error=text), hint)
    found = error_cause(ERROR_CAUSES, exc)
    if found is not None:
        return found
    if isinstance(exc, rex.TimeoutError):
        os_cause = classify_os_error(exc, where)
        return Failure(
            FailureClass.TIMEOUT,
            tr("Redis did not answer in time: {error}", error=text),
            (os_cause.hint if os_cause else "")
            or tr(
                "The server may be paused, "
                "overloaded or blocked by a slow command; check SLOWLOG and latency."
            ),
        )
    if isinstance(exc, rex.ConnectionError):
        os_cause = classify_os_error(exc, where)
        if os_cause is not None:
            return os_cause
        if "closed by server" in text.lower():
            return Failure(
                FailureClass.CONNECTION_LOST,
                tr("the server closed the connection: {error}", error=text),
                tr(
                    "Redis was stopped or restarted, killed the client (maxclients, "
                    "timeout, CLIENT KILL) or is not Redis."
                ),
            )
        return None
    if isinstance(exc, (rex.InvalidResponse, rex.DataError)) or "Protocol error" in text:
        return Failure(
            FailureClass.WRONG_PROTOCOL,
            tr("not a Redis reply: {error}", error=text),
            tr("Something other than Redis listens on this port."),
        )
    return None


def cmd(client: redis.Redis | RedisCluster, *args: Any) -> Any:
    """execute_command, typed (redis-py leaves it untyped)."""
    return client.execute_command(*args)  # type: ignore[no-untyped-call]


Client = redis.Redis | RedisCluster
"""A standalone client, or the cluster-aware one the behaviour checks use on a cluster."""


def key_name(ctx: ProbeContext, name: str, client: Client | None = None) -> str:
    if isinstance(client, RedisCluster):
        # One hash tag for all of a run's keys: BLMOVE needs both lists in one slot.
        return f"broker-advisor:probe:{ctx.run_id}:{{{ctx.run_id}}}:{name}"
    return f"broker-advisor:probe:{ctx.run_id}:{name}"


def tls_kwargs(ctx: ProbeContext) -> dict[str, Any]:
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


def _settings(ctx: ProbeContext, endpoint: Endpoint, timeout_s: float) -> dict[str, Any]:
    """What every client of the probe is made with: the address, one timeout, no retries,
    RESP2 (it works on every version; redis-py 8 defaults to RESP3, which needs HELLO), and
    the target's TLS settings."""
    return {
        "host": endpoint.host,
        "port": endpoint.port,
        "socket_connect_timeout": timeout_s,
        "socket_timeout": timeout_s,
        "retry": _NO_RETRY,
        "client_name": CLIENT_NAME,
        "decode_responses": True,
        "protocol": 2,
        **tls_kwargs(ctx),
    }


def make_client(ctx: ProbeContext, endpoint: Endpoint, timeout_s: float) -> redis.Redis:
    target = ctx.target
    return redis.Redis(
        db=target.database or 0,
        username=target.username,
        password=target.password,
        retry_on_error=[],
        health_check_interval=0,
        single_connection_client=False,  # connect lazily, inside a check
        **_settings(ctx, endpoint, timeout_s),
    )


def make_cluster_client(ctx: ProbeContext, endpoint: Endpoint, timeout_s: float) -> RedisCluster:
    """A cluster-aware client: it reads the slot map from `endpoint` and follows redirects."""
    target = ctx.target
    return RedisCluster(
        username=target.username,
        password=target.password,
        # Slots of a failed master are reported by redis.cluster; the client must still start.
        require_full_coverage=False,
        **_settings(ctx, endpoint, timeout_s),
    )


def make_client_for(
    ctx: ProbeContext, endpoint: Endpoint, timeout_s: float, cluster: bool
) -> Client:
    return (
        make_cluster_client(ctx, endpoint, timeout_s)
        if cluster
        else make_client(ctx, endpoint, timeout_s)
    )


def raw_exchange(ctx: ProbeContext, endpoint: Endpoint, payload: bytes) -> bytes:
    """Send `payload` on a fresh socket (TLS when the target says so); return the first reply.

    The wait notices cancellation (preflight.recv), so Cancel ends a silent listener at once.
    """
    timeout_s = ctx.timeout()
    with preflight.open_socket(ctx, endpoint, timeout_s) as sock:
        sock.sendall(payload)
        return preflight.recv(ctx, sock, 512, timeout_s)


def identify(reply: bytes) -> tuple[bool, str]:
    """Whether a reply to PING looks like RESP, and what it looks like otherwise."""
    if not reply:
        return False, tr("the server closed the connection without replying")
    if reply.startswith(b"AMQP"):
        return False, tr("the server speaks {protocol}", protocol="AMQP (RabbitMQ?)")
    if reply.startswith(b"HTTP/"):
        return False, tr("the server speaks {protocol}", protocol="HTTP")
    if reply.startswith(b"SSH-"):
        return False, tr("the server speaks {protocol}", protocol="SSH")
    if reply[:1] in b"+-:$*%_#,(!=|~>" and b"\r\n" in reply:
        return True, reply.split(b"\r\n", 1)[0].decode("utf-8", "replace")
    if reply.startswith((b"-DENIED", b"-ERR max number of clients")):
        return True, reply.decode("utf-8", "replace")  # cut short by the read, still Redis
    return False, tr("unexpected reply {reply}", reply=repr(reply[:40]))


def make_sentinel_client(ctx: ProbeContext, endpoint: Endpoint) -> redis.Redis:
    """A client for one Sentinel: its own credentials, the target's TLS settings."""
    target = ctx.target
    return redis.Redis(
        username=target.options.get("sentinel_username") or None,
        password=target.sentinel_password,
        retry_on_error=[],
        single_connection_client=False,  # connect lazily, inside a check
        **_settings(ctx, endpoint, ctx.timeout()),
    )


def sentinel_auth_failure(error: BaseException, where: str) -> tuple[str, str] | None:
    """(details, hint) when a Sentinel refused or wanted credentials, else None."""
    text = describe(error)
    if not isinstance(error, rex.AuthenticationError) and not any(
        m in text for m in ("NOAUTH", "WRONGPASS", "without any password", "invalid password")
    ):
        return None
    return (
        tr("the Sentinel at {where} refused the login: {error}", where=where, error=text),
        tr(
            "The Sentinels have a password of their own (requirepass in sentinel.conf): give it "
            "as ?sentinel_password=... (and ?sentinel_username=... for an ACL user), as Celery's "
            "{option}; the URL's user:password is the master's.",
            option="sentinel_kwargs={'password': ...}",
        )
        if "NOAUTH" in text or "Authentication required" in text
        else tr(
            "Check ?sentinel_password= (and ?sentinel_username=): the URL's user:password is "
            "the master's, not the Sentinels'."
        ),
    )


def pairs(reply: Any) -> dict[str, str]:
    """A flat [k, v, k, v] reply (or a dict under RESP3) as a dict of strings."""
    if isinstance(reply, dict):
        return {str(k): str(v) for k, v in reply.items()}
    items = list(reply or [])
    return {str(items[i]): str(items[i + 1]) for i in range(0, len(items) - 1, 2)}


@dataclass(frozen=True)
class ClusterNode:
    """One line of CLUSTER NODES (or one node of CLUSTER SHARDS)."""

    address: str
    role: str  # "master" or "replica", as the node was last known
    down: str  # "" when serving; else why it is down: "fail", "fail?" (unreachable), "noaddr"
    slots: int


def cluster_nodes(client: redis.Redis) -> list[ClusterNode]:
    """Every node the cluster knows, from CLUSTER NODES; CLUSTER SHARDS where that is refused."""
    try:
        raw = cmd(client, "CLUSTER", "NODES")
    except rex.ResponseError:
        return shard_nodes(cmd(client, "CLUSTER", "SHARDS"))
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
        nodes.append(ClusterNode(address=address, role=role, down=down, slots=slots))
    return nodes


def shard_nodes(shards: Any) -> list[ClusterNode]:
    nodes = []
    for shard in shards or []:
        info = pairs(shard)
        node_list = shard[shard.index("nodes") + 1] if isinstance(shard, list) else info["nodes"]
        ranges = shard[shard.index("slots") + 1] if isinstance(shard, list) else info["slots"]
        bounds = [int(b) for b in ranges or []]
        slots = sum(high - low + 1 for low, high in zip(bounds[::2], bounds[1::2], strict=False))
        for node in node_list or []:
            fields = pairs(node)
            role = "master" if fields.get("role") == "master" else "replica"
            health = fields.get("health", "online")
            nodes.append(
                ClusterNode(
                    address=f"{fields.get('ip', fields.get('endpoint', '?'))}:{fields.get('port')}",
                    role=role,
                    down="" if health == "online" else health,
                    slots=slots if role == "master" else 0,
                )
            )
    return nodes


def stream_entries(read: Any) -> list[str]:
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


def pending_count(reply: Any) -> int:
    if isinstance(reply, dict):
        return int(reply.get("pending", 0))
    return int(reply[0]) if reply else 0
