"""A Redis Cluster of six nodes (three masters, one replica each) on loopback."""

from __future__ import annotations

import functools
import shutil
import subprocess

from pydantic import BaseModel, ConfigDict, Field

from advisor.i18n import tr
from advisor.sandbox import checks, layout, prereqs, process, redis_sandbox
from advisor.sandbox.models import Broker

READY_TIMEOUT_S = 20.0
CREATE_TIMEOUT_S = 60.0
CONVERGE_TIMEOUT_S = 30.0
SLOTS = 16384


class ClusterNode(BaseModel):
    """One redis-server of the cluster: its client port and cluster bus port."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str = Field(title="Name")
    port: int = Field(title="Client port")
    bus_port: int = Field(title="Cluster bus port")

    @property
    def marker(self) -> str:
        return f":{self.port}"


class ClusterSpec(BaseModel):
    """The nodes of one cluster and how fast it fails over."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    nodes: tuple[ClusterNode, ...] = Field(min_length=3, title="Nodes")
    replicas: int = Field(default=1, ge=0, title="Replicas per master")
    node_timeout_ms: int = Field(
        default=5000,
        ge=500,
        title="cluster-node-timeout",
        description="How long a node may be silent before it is marked failing (and failed over).",
    )


def default_spec() -> ClusterSpec:
    """redis-cluster-1..6 on 17001-17006, buses on 27001-27006."""
    return ClusterSpec(
        nodes=tuple(
            ClusterNode(
                name=f"redis-cluster-{i}",
                port=layout.REDIS_CLUSTER_FIRST_PORT + i - 1,
                bus_port=layout.REDIS_CLUSTER_FIRST_PORT + i - 1 + layout.REDIS_CLUSTER_BUS_OFFSET,
            )
            for i in range(1, layout.REDIS_CLUSTER_NODES + 1)
        )
    )


def _config(node: ClusterNode, spec: ClusterSpec, lay: layout.Layout) -> str:
    lines = [
        f"bind {layout.HOST}",
        f"port {node.port}",
        "protected-mode yes",
        "daemonize no",
        'logfile ""',
        f'dir "{lay.data_dir(node.name)}"',
        "cluster-enabled yes",
        "cluster-config-file nodes.conf",
        f"cluster-port {node.bus_port}",
        f"cluster-node-timeout {spec.node_timeout_ms}",
        f"cluster-announce-ip {layout.HOST}",
        "appendonly yes",
        "appendfsync everysec",
        'save ""',
    ]
    return "\n".join(lines) + "\n"


def running_pid(node: ClusterNode, lay: layout.Layout) -> int | None:
    return process.running_pid(lay.pid_file(node.name), node.marker)


def cluster_info(port: int, timeout_s: float = checks.TIMEOUT_S) -> dict[str, str]:
    """CLUSTER INFO of one node as a dict ({} when it does not answer)."""
    try:
        text = checks.redis_command(port, "CLUSTER", "INFO", timeout_s=timeout_s)
    except OSError:
        return {}
    return dict(
        line.strip().split(":", 1) for line in text.splitlines() if ":" in line and line.strip()
    )


def check(node: ClusterNode) -> checks.CheckResult:
    ping = checks.redis_ping(node.port)
    if not ping.ok:
        return ping
    info = cluster_info(node.port)
    state = info.get("cluster_state", "?")
    if state != "ok":
        return checks.CheckResult(
            ok=False,
            detail=f"cluster_state {state}, {info.get('cluster_slots_assigned', '?')} slots "
            f"assigned, {info.get('cluster_known_nodes', '?')} nodes known",
        )
    return checks.CheckResult(ok=True, detail="PONG, cluster_state ok")


def _spawn(node: ClusterNode, spec: ClusterSpec, lay: layout.Layout, server: str) -> int:
    checks.require_free_ports([node.port, node.bus_port], node.name)
    lay.data_dir(node.name).mkdir(parents=True, exist_ok=True)
    conf = lay.process_dir(node.name) / f"{node.name}.conf"
    conf.write_text(_config(node, spec, lay))
    pid = process.spawn_detached(
        [server, str(conf)], cwd=lay.process_dir(node.name), log_path=lay.log_file(node.name)
    )
    process.write_pid(lay.pid_file(node.name), pid)
    return pid


def _answers_or_died(node: ClusterNode, pid: int) -> bool:
    return not process.is_alive(pid) or checks.redis_ping(node.port).ok


def _wait_answering(nodes: list[tuple[ClusterNode, int]], lay: layout.Layout) -> None:
    for node, pid in nodes:
        ready = process.wait_until(functools.partial(_answers_or_died, node, pid), READY_TIMEOUT_S)
        if not ready or not process.is_alive(pid):
            raise redis_sandbox.no_answer(node.name, node.port, lay.log_file(node.name))


def _create(spec: ClusterSpec, lay: layout.Layout) -> None:
    cli = prereqs.which("redis-cli")
    if cli is None:
        raise prereqs.MissingPrerequisitesError(
            [
                prereqs.MissingPrerequisite(
                    program="redis-cli", broker=Broker.REDIS, package="redis-tools"
                )
            ]
        )
    argv = [cli, "--cluster", "create"]
    argv += [f"{layout.HOST}:{node.port}" for node in spec.nodes]
    argv += ["--cluster-replicas", str(spec.replicas), "--cluster-yes"]
    try:
        result = subprocess.run(
            argv, capture_output=True, text=True, timeout=CREATE_TIMEOUT_S, check=False
        )
    except subprocess.TimeoutExpired as exc:
        raise process.SpawnError(
            tr(
                "{program} did not finish within {seconds} s",
                program="redis-cli --cluster create",
                seconds=f"{CREATE_TIMEOUT_S:.0f}",
            )
        ) from exc
    if result.returncode != 0 or "[OK] All 16384 slots covered" not in result.stdout:
        output = "\n".join((result.stdout + result.stderr).splitlines()[-20:])
        raise process.SpawnError(
            tr("{command} failed:\n{output}", command="redis-cli --cluster create", output=output)
        )


def _replication(port: int) -> dict[str, str]:
    try:
        text = checks.redis_command(port, "INFO", "replication")
    except OSError:
        return {}
    return dict(line.strip().split(":", 1) for line in text.splitlines() if ":" in line)


def _converged(spec: ClusterSpec) -> bool:
    """Every node answers, sees every other and serves every slot, and every replica is in sync
    with its master (a replica that never synced refuses to fail over)."""
    for node in spec.nodes:
        info = cluster_info(node.port)
        if (
            info.get("cluster_state") != "ok"
            or info.get("cluster_known_nodes") != str(len(spec.nodes))
            or info.get("cluster_slots_ok") != str(SLOTS)
        ):
            return False
        replication = _replication(node.port)
        if replication.get("role") == "slave" and (
            replication.get("master_link_status") != "up"
            or replication.get("master_sync_in_progress") != "0"
        ):
            return False
    return True


def start(lay: layout.Layout, spec: ClusterSpec | None = None) -> dict[str, int]:
    """Start every node that is not running; create the cluster when the nodes are new.

    Nodes that were stopped keep their nodes.conf and find each other again; a cluster whose
    nodes forgot each other is an error naming `sandbox down --redis-cluster --purge`.
    """
    spec = spec or default_spec()
    server = prereqs.which("redis-server")
    if server is None:
        raise prereqs.MissingPrerequisitesError(
            [
                prereqs.MissingPrerequisite(
                    program="redis-server", broker=Broker.REDIS, package="redis-server"
                )
            ]
        )
    pids: dict[str, int] = {}
    launched: list[tuple[ClusterNode, int]] = []
    for node in spec.nodes:
        pid = running_pid(node, lay)
        if pid is None:
            pid = _spawn(node, spec, lay, server)
            launched.append((node, pid))
        pids[node.name] = pid
    _wait_answering(launched, lay)
    infos = [cluster_info(node.port) for node in spec.nodes]
    if all(info.get("cluster_known_nodes") == "1" for info in infos) and all(
        info.get("cluster_slots_assigned") == "0" for info in infos
    ):
        _create(spec, lay)
    if not process.wait_until(lambda: _converged(spec), CONVERGE_TIMEOUT_S, interval_s=0.25):
        states = ", ".join(
            f"{node.name}: {cluster_info(node.port).get('cluster_state', tr('no answer'))}"
            for node in spec.nodes
        )
        raise process.SpawnError(
            tr(
                "the Redis Cluster did not converge within {seconds} s ({states}); "
                "{command} starts it afresh",
                seconds=f"{CONVERGE_TIMEOUT_S:.0f}",
                states=states,
                command="`broker-advisor sandbox down --redis-cluster --purge`",
            )
        )
    return pids


def wait_converged(spec: ClusterSpec | None = None, timeout_s: float = CONVERGE_TIMEOUT_S) -> bool:
    """Wait until every node is back, all slots are served and the masters are complete."""
    chosen = spec or default_spec()
    return process.wait_until(lambda: _converged(chosen), timeout_s, interval_s=0.25)


def purge(lay: layout.Layout, spec: ClusterSpec | None = None) -> None:
    for node in (spec or default_spec()).nodes:
        shutil.rmtree(lay.process_dir(node.name), ignore_errors=True)


def masters(spec: ClusterSpec | None = None) -> list[ClusterNode]:
    """The nodes that serve slots as masters now (they change with every failover)."""
    chosen = spec or default_spec()
    for node in chosen.nodes:
        try:
            text = checks.redis_command(node.port, "CLUSTER", "NODES")
        except OSError:
            continue
        ports = set()
        for line in text.splitlines():
            fields = line.split()
            if len(fields) > 8 and "master" in fields[2] and "fail" not in fields[2]:
                ports.add(int(fields[1].split("@")[0].rsplit(":", 1)[1]))
        return [node for node in chosen.nodes if node.port in ports]
    return []
