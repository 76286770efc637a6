"""Redis master with AOF and RDB, one replica and one Sentinel, all on loopback."""

from __future__ import annotations

from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field

from advisor.sandbox import checks, layout, prereqs, process
from advisor.sandbox.models import Broker

READY_TIMEOUT_S = 20.0


class RedisProcessSpec(BaseModel):
    """One redis-server process of the sandbox."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str = Field(title="Name")
    port: int = Field(title="Port")
    sentinel: bool = Field(default=False, title="Runs as Sentinel")

    @property
    def marker(self) -> str:
        # redis-server rewrites its process title to "redis-server 127.0.0.1:<port>".
        return f":{self.port}"


MASTER = RedisProcessSpec(name="redis", port=layout.REDIS_PORT)
REPLICA = RedisProcessSpec(name="redis-replica", port=layout.REDIS_REPLICA_PORT)
SENTINEL = RedisProcessSpec(name="redis-sentinel", port=layout.SENTINEL_PORT, sentinel=True)
# Start order matters: the replica syncs from the master, the Sentinel monitors it.
SPECS = (MASTER, REPLICA, SENTINEL)


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


def _config(spec: RedisProcessSpec, lay: layout.Layout) -> str:
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
    checks.require_free_ports([spec.port], spec.name)
    lay.data_dir(spec.name).mkdir(parents=True, exist_ok=True)
    conf = config_path(spec, lay)
    # Sentinel rewrites its config with runtime state; a fresh one per start keeps it predictable.
    conf.write_text(_config(spec, lay))
    argv = [server, str(conf)] + (["--sentinel"] if spec.sentinel else [])
    log = lay.log_file(spec.name)
    pid = process.spawn_detached(argv, cwd=lay.process_dir(spec.name), log_path=log)
    process.write_pid(lay.pid_file(spec.name), pid)
    ready = process.wait_until(
        lambda: not process.is_alive(pid) or checks.redis_ping(spec.port).ok, READY_TIMEOUT_S
    )
    if not ready or not process.is_alive(pid):
        raise process.SpawnError(
            f"{spec.name} on port {spec.port} did not answer PING within {READY_TIMEOUT_S:.0f} s; "
            f"last lines of {log}:\n{process.tail(log)}"
        )
    return pid


def check(spec: RedisProcessSpec) -> checks.CheckResult:
    return checks.redis_ping(spec.port)
