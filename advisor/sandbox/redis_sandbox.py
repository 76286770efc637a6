"""Redis master with AOF and RDB, one replica and one Sentinel, all on loopback; for the
production modes a Redis with ACL users and TLS, and one that requires client certificates."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from advisor.i18n import tr
from advisor.sandbox import certs, checks, credentials, layout, prereqs, process
from advisor.sandbox.models import Broker, Mode

READY_TIMEOUT_S = 20.0


class RedisProcessSpec(BaseModel):
    """One redis-server process of the sandbox."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str = Field(title="Name")
    port: int = Field(title="Port")
    sentinel: bool = Field(default=False, title="Runs as Sentinel")
    tls_port: int | None = Field(
        default=None, title="TLS port", description="A TLS listener beside `port`."
    )
    tls_only: bool = Field(default=False, title="TLS only", description="`port` speaks TLS.")
    client_certs: Literal["no", "optional", "yes"] = Field(
        default="no", title="Client certificates", description="Redis's tls-auth-clients."
    )
    acl: bool = Field(
        default=False, title="ACL users", description="Default user off; full and read-only users."
    )
    modes: tuple[Mode, ...] = Field(default=(), title="Production modes it serves")

    @property
    def marker(self) -> str:
        # redis-server rewrites its process title to "redis-server 127.0.0.1:<port>" (the TLS
        # port when there is no plain one).
        return f":{self.port}"

    @property
    def ports(self) -> list[int]:
        return [self.port] + ([self.tls_port] if self.tls_port is not None else [])


MASTER = RedisProcessSpec(name="redis", port=layout.REDIS_PORT)
REPLICA = RedisProcessSpec(name="redis-replica", port=layout.REDIS_REPLICA_PORT)
SENTINEL = RedisProcessSpec(name="redis-sentinel", port=layout.SENTINEL_PORT, sentinel=True)
# Start order matters: the replica syncs from the master, the Sentinel monitors it.
SPECS = (MASTER, REPLICA, SENTINEL)
TLS = RedisProcessSpec(
    name="redis-tls",
    port=layout.REDIS_ACL_PORT,
    tls_port=layout.REDIS_TLS_PORT,
    client_certs="optional",
    acl=True,
    modes=(Mode.TLS, Mode.AUTH),
)
MTLS = RedisProcessSpec(
    name="redis-mtls",
    port=layout.REDIS_MTLS_PORT,
    tls_only=True,
    client_certs="yes",
    acl=True,
    modes=(Mode.TLS,),
)
PRODUCTION_SPECS = (TLS, MTLS)
# What the read-only user may do: read keys and channels, connect, PING and INFO; no writes.
READONLY_RULES = "~* &* -@all +@read +@connection +info +ping"


def _common_config(spec: RedisProcessSpec, lay: layout.Layout) -> list[str]:
    data = lay.data_dir(spec.name)
    return [
        f"bind {layout.HOST}",
        f"port {spec.port}",
        "protected-mode yes",
        "daemonize no",
        'logfile ""',
        f'dir "{data}"',
    ]


def _production_config(spec: RedisProcessSpec, lay: layout.Layout) -> list[str]:
    lines = _common_config(spec, lay)
    if spec.tls_only:
        lines = [line for line in lines if not line.startswith("port ")]
        lines += ["port 0", f"tls-port {spec.port}"]
    elif spec.tls_port is not None:
        lines.append(f"tls-port {spec.tls_port}")
    tls = certs.ensure(lay)
    lines += [
        f'tls-cert-file "{tls.server_cert}"',
        f'tls-key-file "{tls.server_key}"',
        f'tls-ca-cert-file "{tls.ca_cert}"',
        f"tls-auth-clients {spec.client_certs}",
        "appendonly yes",
        "appendfsync everysec",
        'save ""',
    ]
    if spec.acl:
        full = credentials.password(lay, layout.REDIS_FULL_USER)
        readonly = credentials.password(lay, layout.REDIS_READONLY_USER)
        lines += [
            "user default off",
            f"user {layout.REDIS_FULL_USER} on >{full} ~* &* +@all",
            f"user {layout.REDIS_READONLY_USER} on >{readonly} {READONLY_RULES}",
        ]
    return lines


def _config(spec: RedisProcessSpec, lay: layout.Layout) -> str:
    if spec in PRODUCTION_SPECS:
        return "\n".join(_production_config(spec, lay)) + "\n"
    lines = _common_config(spec, lay)
    if spec is MASTER:
        lines += [
            "appendonly yes",
            "appendfsync everysec",
            "save 3600 1 300 100 60 10000",
            "dbfilename dump.rdb",
        ]
    elif spec is REPLICA:
        lines += [
            f"replicaof {layout.HOST} {MASTER.port}",
            # Priority 0: Sentinel never promotes this replica, so pausing the master in a test
            # shows +sdown/+odown without moving the writable master away from port 16379.
            "replica-priority 0",
            "replica-read-only yes",
            "appendonly no",
            'save ""',
        ]
    else:
        lines += [
            "sentinel resolve-hostnames no",
            f"sentinel monitor {layout.SENTINEL_MASTER_NAME} {layout.HOST} {MASTER.port} 1",
            f"sentinel down-after-milliseconds {layout.SENTINEL_MASTER_NAME} 5000",
            f"sentinel failover-timeout {layout.SENTINEL_MASTER_NAME} 60000",
            f"sentinel parallel-syncs {layout.SENTINEL_MASTER_NAME} 1",
        ]
    return "\n".join(lines) + "\n"


def config_path(spec: RedisProcessSpec, lay: layout.Layout) -> Path:
    return lay.process_dir(spec.name) / f"{spec.name}.conf"


def running_pid(spec: RedisProcessSpec, lay: layout.Layout) -> int | None:
    return process.running_pid(lay.pid_file(spec.name), spec.marker)


def start(spec: RedisProcessSpec, lay: layout.Layout) -> int:
    """Start one process unless it already runs; return its pid once it answers PING."""
    pid = running_pid(spec, lay)
    if pid is not None:
        return pid
    server = prereqs.which("redis-server")
    if server is None:
        raise prereqs.MissingPrerequisitesError(
            [
                prereqs.MissingPrerequisite(
                    program="redis-server", broker=Broker.REDIS, package="redis-server"
                )
            ]
        )
    checks.require_free_ports(spec.ports, spec.name)
    lay.data_dir(spec.name).mkdir(parents=True, exist_ok=True)
    conf = config_path(spec, lay)
    # Sentinel rewrites its config with runtime state; a fresh one per start keeps it predictable.
    conf.write_text(_config(spec, lay))
    conf.chmod(0o600)  # the ACL users' passwords
    argv = [server, str(conf)] + (["--sentinel"] if spec.sentinel else [])
    log = lay.log_file(spec.name)
    pid = process.spawn_detached(argv, cwd=lay.process_dir(spec.name), log_path=log)
    process.write_pid(lay.pid_file(spec.name), pid)
    ready = process.wait_until(
        lambda: not process.is_alive(pid) or check(spec, lay).ok, READY_TIMEOUT_S
    )
    if not ready or not process.is_alive(pid):
        raise no_answer(spec.name, spec.port, log)
    return pid


def no_answer(name: str, port: int, log: Path) -> process.SpawnError:
    """A Redis process that did not answer PING in time (or died), with its log's last lines."""
    return process.SpawnError(
        tr(
            "{process} on port {port} did not answer PING within {seconds} s; "
            "last lines of {log}:\n{tail}",
            process=name,
            port=port,
            seconds=f"{READY_TIMEOUT_S:.0f}",
            log=log,
            tail=process.tail(log),
        )
    )


def check(spec: RedisProcessSpec, lay: layout.Layout) -> checks.CheckResult:
    if spec not in PRODUCTION_SPECS:
        return checks.redis_ping(spec.port)
    tls = certs.files(lay)
    login = (layout.REDIS_FULL_USER, credentials.password(lay, layout.REDIS_FULL_USER))
    context = checks.client_tls(tls.ca_cert, tls.client_cert, tls.client_key)
    if spec.tls_only:
        return checks.redis_ping(spec.port, auth=login, tls=context)
    plain = checks.redis_ping(spec.port, auth=login)
    if not plain.ok or spec.tls_port is None:
        return plain
    secure = checks.redis_ping(spec.tls_port, auth=login, tls=context)
    if not secure.ok:
        return checks.CheckResult(ok=False, detail=f"TLS port {spec.tls_port}: {secure.detail}")
    return checks.CheckResult(ok=True, detail=f"PONG as {login[0]}, plain and TLS")
