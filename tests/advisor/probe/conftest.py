"""Fixtures for probe tests: a private redis-server and Sentinel, a silent listener, and a proxy
that stops forwarding on demand (a broker that stalls after the handshake)."""

from __future__ import annotations

import base64
import contextlib
import json
import shutil
import signal
import socket
import subprocess
import threading
import time
import urllib.request
import warnings
from collections.abc import Iterator
from pathlib import Path

import pytest
import redis


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


# The sandbox targets (redis_url, sentinel_url, amqp_url, rabbitmq_management_url) come from
# tests/brokers.py, which stops at the end only the brokers this session started.


class OwnRedis:
    """A redis-server only this test uses, so it can be paused or killed."""

    def __init__(
        self, workdir: Path, password: str | None = None, extra: tuple[str, ...] = ()
    ) -> None:
        self.port = _free_port()
        self.password = password
        args = [
            "redis-server",
            "--port",
            str(self.port),
            "--bind",
            "127.0.0.1",
            "--save",
            "",
            "--appendonly",
            "no",
            "--dir",
            str(workdir),
        ]
        if password:
            args += ["--requirepass", password]
        args += list(extra)
        self.process = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        client = self.client()
        deadline = time.monotonic() + 10
        while True:
            try:
                client.ping()
                break
            except redis.RedisError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.05)
        client.close()

    @property
    def url(self) -> str:
        auth = f":{self.password}@" if self.password else ""
        return f"redis://{auth}127.0.0.1:{self.port}/0"

    def client(self) -> redis.Redis:
        return redis.Redis(
            port=self.port,
            password=self.password,
            socket_timeout=2,
            socket_connect_timeout=2,
            retry=None,
            decode_responses=True,
        )

    def pause(self) -> None:
        self.process.send_signal(signal.SIGSTOP)

    def resume(self) -> None:
        self.process.send_signal(signal.SIGCONT)

    def kill(self) -> None:
        self.process.send_signal(signal.SIGCONT)
        self.process.kill()
        self.process.wait(5)

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGCONT)
            self.process.terminate()
            try:
                self.process.wait(5)
            except subprocess.TimeoutExpired:
                self.process.kill()


@pytest.fixture
def own_redis(tmp_path: Path) -> Iterator[OwnRedis]:
    if shutil.which("redis-server") is None:
        pytest.skip("redis-server is not installed")
    server = OwnRedis(tmp_path)
    yield server
    server.stop()


@pytest.fixture
def silent_port() -> Iterator[int]:
    """A TCP listener that accepts connections and never sends a byte."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(16)
    held: list[socket.socket] = []
    stop = threading.Event()

    def accept() -> None:
        server.settimeout(0.1)
        while not stop.is_set():
            try:
                conn, _ = server.accept()
            except (TimeoutError, OSError):
                continue
            held.append(conn)

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    yield int(server.getsockname()[1])
    stop.set()
    thread.join(2)
    for conn in held:
        conn.close()
    server.close()


@pytest.fixture
def closed_port() -> int:
    return _free_port()


class OwnSentinel:
    """A redis-sentinel only this test uses, monitoring one master, optionally with a password."""

    def __init__(
        self, workdir: Path, master: OwnRedis, name: str, password: str | None = None
    ) -> None:
        self.port = _free_port()
        self.password = password
        config = workdir / f"sentinel-{self.port}.conf"
        lines = [
            f"port {self.port}",
            "bind 127.0.0.1",
            f"dir {workdir}",
            f"sentinel monitor {name} 127.0.0.1 {master.port} 1",
            f"sentinel down-after-milliseconds {name} 60000",
        ]
        if master.password:
            lines.append(f"sentinel auth-pass {name} {master.password}")
        if password:
            lines.append(f"requirepass {password}")
        config.write_text("\n".join(lines) + "\n")
        self.process = subprocess.Popen(
            ["redis-server", str(config), "--sentinel"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        client = redis.Redis(
            port=self.port, password=password, socket_timeout=2, retry=None, decode_responses=True
        )
        deadline = time.monotonic() + 10
        while True:
            try:
                if client.execute_command("SENTINEL", "GET-MASTER-ADDR-BY-NAME", name):
                    break
            except redis.RedisError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError("the private Sentinel did not start")
            time.sleep(0.05)
        client.close()

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(5)
            except subprocess.TimeoutExpired:
                self.process.kill()


class StallingProxy:
    """A TCP proxy on 127.0.0.1 to a real broker; `stall()` makes the open connections go silent.

    After `stall()`, the connections open at that moment stop forwarding in both directions
    (like a broker or middlebox that hangs after the handshake); later ones work normally.
    With stall_all, every connection is stalled from the start: the client's view of a paused
    (SIGSTOPped) broker, whose kernel still accepts connections, without pausing a shared one.
    """

    def __init__(self, upstream_port: int, *, stall_all: bool = False) -> None:
        self.upstream_port = upstream_port
        self.stall_all = stall_all
        self.server = socket.socket()
        self.server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.server.bind(("127.0.0.1", 0))
        self.server.listen(32)
        self.port = int(self.server.getsockname()[1])
        self._stop = threading.Event()
        self._lock = threading.Lock()
        self._open: list[threading.Event] = []  # per connection: set = stalled
        self._sockets: list[socket.socket] = []
        self._thread = threading.Thread(target=self._accept, daemon=True)
        self._thread.start()

    def stall(self) -> None:
        with self._lock:
            for flag in self._open:
                flag.set()

    def _accept(self) -> None:
        self.server.settimeout(0.1)
        while not self._stop.is_set():
            try:
                client, _ = self.server.accept()
            except OSError:
                continue
            try:
                upstream = socket.create_connection(("127.0.0.1", self.upstream_port), timeout=2)
            except OSError:
                client.close()
                continue
            stalled = threading.Event()
            if self.stall_all:
                stalled.set()
            with self._lock:
                self._open.append(stalled)
                self._sockets += [client, upstream]
            for a, b in ((client, upstream), (upstream, client)):
                threading.Thread(target=self._pump, args=(a, b, stalled), daemon=True).start()

    def _pump(self, src: socket.socket, dst: socket.socket, stalled: threading.Event) -> None:
        src.settimeout(0.05)
        while not self._stop.is_set():
            if stalled.is_set():
                time.sleep(0.05)
                continue
            try:
                data = src.recv(65536)
            except TimeoutError:
                continue
            except OSError:
                break
            if not data:
                break
            if stalled.is_set():
                continue  # swallowed: the stalled side never sees it
            try:
                dst.sendall(data)
            except OSError:
                break
        with contextlib.suppress(OSError):
            dst.shutdown(socket.SHUT_WR)

    def close(self) -> None:
        self._stop.set()
        self._thread.join(2)
        with self._lock:
            for sock in self._sockets:
                sock.close()
        self.server.close()


# --- what a probe run left behind, per broker (other sessions probe concurrently: by run id) ----


def redis_leftovers(redis_url: str, run_id: str) -> list[str]:
    client = redis.Redis.from_url(redis_url, decode_responses=True, socket_timeout=5)
    try:
        return list(client.scan_iter(match=f"broker-advisor:probe:{run_id}:*", count=1000))
    finally:
        client.close()


def redis_cluster_leftovers(cluster_url: str, run_id: str) -> list[str]:
    """This run's keys on every master of a Redis Cluster."""
    client = redis.RedisCluster.from_url(cluster_url, decode_responses=True, socket_timeout=5)
    try:
        return list(client.scan_iter(match=f"broker-advisor:probe:{run_id}:*", count=1000))
    finally:
        client.close()


def rabbitmq_leftovers(management_url: str, run_id: str) -> list[str]:
    """Queues and exchanges (any vhost) of this run, as the management API lists them."""
    auth = base64.b64encode(b"guest:guest").decode()
    names: list[str] = []
    for kind in ("queues", "exchanges"):
        request = urllib.request.Request(
            f"{management_url}/api/{kind}?columns=name", headers={"Authorization": f"Basic {auth}"}
        )
        with urllib.request.urlopen(request, timeout=5) as response:
            names += [item["name"] for item in json.loads(response.read())]
    return [n for n in names if n.startswith(f"broker-advisor.probe.{run_id}")]


def kafka_leftovers(bootstrap: str, run_id: str) -> list[str]:
    """This run's topic and consumer group, if still there."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        from kafka.admin import KafkaAdminClient

    name = f"broker-advisor.probe.{run_id}"
    admin = KafkaAdminClient(
        bootstrap_servers=bootstrap.split(","),
        bootstrap_timeout_ms=5000,
        request_timeout_ms=5000,
        client_id="broker-advisor-tests",
    )
    try:
        groups = admin.list_groups()
        ids = list(groups) if isinstance(groups, dict) else groups
        group_ids = [
            str(
                g[0] if isinstance(g, tuple) else g.get("group_id", g) if isinstance(g, dict) else g
            )
            for g in ids
        ]
        return [f"topic {t}" for t in admin.list_topics() if t == name] + [
            f"group {g}" for g in group_ids if g == name
        ]
    finally:
        admin.close()
