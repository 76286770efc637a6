"""The sandbox's production modes: which processes each needs, the local CA, and (integration)
the running modes answer real clients as documented."""

from __future__ import annotations

import json
import socket
import ssl
import stat
import threading
import time
import urllib.request
import warnings
from pathlib import Path

import pika
import pytest
import redis

from advisor import sandbox
from advisor.sandbox import certs, layout, manager, modes
from advisor.sandbox.models import Broker, Health, Mode
from tests.brokers import Production

with warnings.catch_warnings():
    warnings.simplefilter("ignore", DeprecationWarning)
    from kafka.admin import KafkaAdminClient

ALL_MODES = list(Mode)


# --- which processes a mode needs, and what `down` stops (no broker needed) ----------------------


def _layout(tmp_path: Path) -> layout.Layout:
    return layout.Layout(home=tmp_path / "home")


def test_every_mode_process_has_ports_of_its_own() -> None:
    taken = [
        layout.REDIS_PORT,
        layout.SENTINEL_PORT,
        layout.REDIS_REPLICA_PORT,
        layout.RABBITMQ_PORT,
        layout.RABBITMQ_MANAGEMENT_PORT,
        layout.RABBITMQ_DIST_PORT,
    ]
    for node_id in range(1, 41):  # room for far more plain Kafka nodes than anyone runs
        ports = layout.kafka_node_ports(node_id)
        taken += [ports.broker_port, ports.controller_port]
    mode_ports = [port for proc in modes.processes() for port in (proc.port, *proc.extra_ports)]
    mode_ports += [layout.RABBITMQ_TLS_DIST_PORT]
    assert len(mode_ports) == len(set(mode_ports))
    assert not set(mode_ports) & set(taken)
    names = [proc.name for proc in modes.processes()]
    assert len(names) == len(set(names))
    assert not set(names) & {"redis", "redis-replica", "redis-sentinel", "rabbitmq", "kafka-1"}


def test_modes_need_the_processes_the_help_names() -> None:
    assert [p.name for p in modes.needed([Mode.AUTH])] == ["redis-tls", "kafka-secure"]
    assert [p.name for p in modes.needed([Mode.TLS])] == [
        "redis-tls",
        "redis-mtls",
        "rabbitmq-tls",
        "kafka-secure",
    ]
    assert [p.name for p in modes.needed([Mode.REDIS_CLUSTER])] == [
        f"redis-cluster-{i}" for i in range(1, 7)
    ]
    assert [p.name for p in modes.needed([Mode.TLS], [Broker.REDIS])] == [
        "redis-tls",
        "redis-mtls",
    ]


def test_naming_a_mode_never_stops_a_plain_broker(tmp_path: Path) -> None:
    lay = _layout(tmp_path)
    families = set(Broker)
    modes.record(lay, {mode: families for mode in ALL_MODES})
    stop, asked = manager.plan_down(["kafka"], production=["tls", "auth"], lay=lay)
    assert stop == ["kafka-secure"]
    assert asked[Mode.TLS] == {Broker.REDIS, Broker.RABBITMQ}
    stop, _ = manager.plan_down(production=["redis-cluster"], lay=lay)
    assert stop == [f"redis-cluster-{i}" for i in range(1, 7)]


def test_a_process_another_mode_needs_is_kept(tmp_path: Path) -> None:
    lay = _layout(tmp_path)
    modes.record(lay, {Mode.TLS: set(Broker), Mode.AUTH: set(Broker)})
    said: list[str] = []
    stop, asked = manager.plan_down(production=["tls"], lay=lay, report=said.append)
    assert stop == ["redis-mtls", "rabbitmq-tls"]
    assert "redis-tls: kept for --auth" in said and "kafka-secure: kept for --auth" in said
    assert set(asked) == {Mode.AUTH}
    stop, asked = manager.plan_down(production=["tls", "auth"], lay=lay)
    assert stop == ["redis-tls", "redis-mtls", "rabbitmq-tls", "kafka-secure"]
    assert asked == {}


def test_down_without_a_mode_stops_the_plain_brokers_and_every_mode(tmp_path: Path) -> None:
    lay = _layout(tmp_path)
    modes.record(lay, {Mode.REDIS_CLUSTER: set(Broker)})
    stop, asked = manager.plan_down(lay=lay)
    assert stop[:5] == ["redis", "redis-replica", "redis-sentinel", "rabbitmq", "kafka-1"]
    assert "redis-cluster-6" in stop and "kafka-secure" in stop
    assert asked == {}
    stop, asked = manager.plan_down(["redis"], lay=lay)
    assert stop == ["redis", "redis-replica", "redis-sentinel"]
    assert set(asked) == {Mode.REDIS_CLUSTER}


def test_a_recorded_mode_that_is_not_running_makes_status_unhealthy(tmp_path: Path) -> None:
    lay = _layout(tmp_path)
    modes.record(lay, {Mode.REDIS_CLUSTER: {Broker.REDIS}})
    state = manager.status(lay=lay)
    assert state.modes == [Mode.REDIS_CLUSTER]
    listed = state.mode_processes(Mode.REDIS_CLUSTER)
    assert [p.name for p in listed] == [f"redis-cluster-{i}" for i in range(1, 7)]
    assert {p.health for p in listed} == {Health.STOPPED}
    assert not state.mode_healthy(Mode.REDIS_CLUSTER)
    assert not state.is_healthy([Broker.REDIS], modes=[Mode.REDIS_CLUSTER])
    assert state.production is not None
    assert state.production.redis_cluster_url == "redis://127.0.0.1:17001"
    assert "kafka-secure" not in [p.name for p in state.processes]


def test_no_mode_asked_lists_no_mode_process(tmp_path: Path) -> None:
    state = manager.status(lay=_layout(tmp_path))
    assert state.modes == [] and state.production is None
    assert all(not p.modes for p in state.processes)


# --- the local CA --------------------------------------------------------------------------------


def _serve_once(context: ssl.SSLContext, server: socket.socket, seen: list[str]) -> None:
    conn, _ = server.accept()
    with conn, context.wrap_socket(conn, server_side=True) as tls:
        peer = tls.getpeercert()
        subject = dict(item[0] for item in peer["subject"]) if peer else {}
        seen.append(str(subject.get("commonName", "")))
        tls.sendall(b"ok")


def test_the_local_ca_signs_server_and_client_certificates(tmp_path: Path) -> None:
    lay = _layout(tmp_path)
    tls = certs.ensure(lay)
    assert stat.S_IMODE(lay.tls_dir.stat().st_mode) == 0o700
    for path in tls.all():
        assert stat.S_IMODE(path.stat().st_mode) == 0o600, path
    assert certs.ensure(lay) == tls  # made once, then reused
    server_ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH, cafile=str(tls.ca_cert))
    server_ctx.load_cert_chain(str(tls.server_cert), str(tls.server_key))
    server_ctx.verify_mode = ssl.CERT_REQUIRED
    client_ctx = ssl.create_default_context(cafile=str(tls.ca_cert))
    client_ctx.load_cert_chain(str(tls.client_cert), str(tls.client_key))
    for host in ("127.0.0.1", "localhost"):
        seen: list[str] = []
        with socket.socket() as server:
            server.bind(("127.0.0.1", 0))
            server.listen(1)
            thread = threading.Thread(target=_serve_once, args=(server_ctx, server, seen))
            thread.start()
            port = server.getsockname()[1]
            with (
                socket.create_connection(("127.0.0.1", port), 5) as raw,
                client_ctx.wrap_socket(raw, server_hostname=host) as sock,
            ):
                assert sock.recv(2) == b"ok"
            thread.join(5)
        assert seen == [certs.CLIENT_NAME]


# --- the running modes (integration) -------------------------------------------------------------


@pytest.mark.integration
def test_every_mode_process_is_healthy_and_listed(
    production_tls: Production, production_auth: Production, production_redis_cluster: Production
) -> None:
    state = sandbox.status()
    for mode in ALL_MODES:
        assert state.mode_healthy(mode), [(p.name, p.health, p.detail) for p in state.processes]
    ports = {p.name: [p.port, *p.extra_ports] for p in state.processes}
    assert ports["redis-tls"] == [16382, 16383]
    assert ports["redis-mtls"] == [16384]
    assert ports["redis-cluster-1"] == [17001, 27001]
    assert ports["rabbitmq-tls"] == [15676, 15677]
    assert ports["kafka-secure"][0] == 19193
    # the plain brokers are untouched by the modes
    assert state.is_healthy()
    assert state.process("redis").port == 16379


@pytest.mark.integration
def test_secrets_and_keys_are_private_files(production_tls: Production) -> None:
    prod = production_tls.targets
    for path in [*prod.password_files.values(), prod.client_key_file, prod.ca_file]:
        assert stat.S_IMODE(path.stat().st_mode) == 0o600, path
    state = sandbox.status()
    dumped = state.model_dump_json()
    for user in prod.password_files:
        assert production_tls.password(user) not in dumped


@pytest.mark.integration
def test_redis_acl_users_full_and_read_only(production_auth: Production) -> None:
    prod = production_auth.targets
    full = redis.Redis.from_url(
        production_auth.login(prod.redis_acl_url, prod.redis_full_user), socket_timeout=5
    )
    reader = redis.Redis.from_url(
        production_auth.login(prod.redis_acl_url, prod.redis_readonly_user), socket_timeout=5
    )
    anonymous = redis.Redis.from_url(prod.redis_acl_url, socket_timeout=5)
    key = f"sandbox-test:{time.monotonic_ns()}"
    try:
        full.set(key, "v", ex=60)
        assert reader.get(key) == b"v"
        with pytest.raises(redis.exceptions.NoPermissionError):
            reader.set(key, "w")
        with pytest.raises(redis.exceptions.AuthenticationError):
            anonymous.ping()
    finally:
        full.delete(key)
        for client in (full, reader, anonymous):
            client.close()


@pytest.mark.integration
def test_kafka_scram_over_tls_with_a_real_client(production_auth: Production) -> None:
    prod = production_auth.targets
    context = ssl.create_default_context(cafile=str(prod.ca_file))
    admin = KafkaAdminClient(
        bootstrap_servers=[f"127.0.0.1:{layout.KAFKA_SECURE_SASL_SSL_PORT}"],
        security_protocol="SASL_SSL",
        ssl_context=context,
        sasl_mechanism=layout.KAFKA_SCRAM_MECHANISM,
        sasl_plain_username=prod.kafka_user,
        sasl_plain_password=production_auth.password(prod.kafka_user),
        request_timeout_ms=15000,
        bootstrap_timeout_ms=15000,
    )
    try:
        cluster = admin.describe_cluster()
        assert [b["port"] for b in cluster["brokers"]] == [layout.KAFKA_SECURE_SASL_SSL_PORT]
    finally:
        admin.close()


@pytest.mark.integration
def test_rabbitmq_tls_node_is_a_node_of_its_own(production_tls: Production) -> None:
    prod = production_tls.targets
    request = urllib.request.Request(
        f"{prod.rabbitmq_tls_management_url}/api/overview",
        headers={"Authorization": "Basic Z3Vlc3Q6Z3Vlc3Q="},  # guest:guest
    )
    with urllib.request.urlopen(request, timeout=5) as response:
        overview = json.load(response)
    assert overview["node"] == layout.RABBITMQ_TLS_NODE_NAME
    listeners = {(item["protocol"], item["port"]) for item in overview["listeners"]}
    assert ("amqp/ssl", layout.RABBITMQ_AMQPS_PORT) in listeners
    assert not any(protocol == "amqp" for protocol, _port in listeners)
    context = ssl.create_default_context(cafile=str(prod.ca_file))
    context.load_cert_chain(str(prod.client_cert_file), str(prod.client_key_file))
    params = pika.ConnectionParameters(
        "127.0.0.1",
        layout.RABBITMQ_AMQPS_PORT,
        ssl_options=pika.SSLOptions(context, "127.0.0.1"),
        connection_attempts=1,
        socket_timeout=5,
    )
    connection = pika.BlockingConnection(params)
    try:
        assert connection.is_open
    finally:
        connection.close()


@pytest.mark.integration
def test_redis_cluster_has_three_masters(production_redis_cluster: Production) -> None:
    client = redis.RedisCluster.from_url(
        production_redis_cluster.targets.redis_cluster_url, socket_timeout=5
    )
    try:
        masters = client.get_primaries()
        assert len(masters) == 3 and len(client.get_replicas()) == 3
        assert client.cluster_info()["cluster_state"] == "ok"
    finally:
        client.close()


@pytest.mark.integration
def test_up_with_every_mode_is_idempotent(
    production_tls: Production, production_auth: Production, production_redis_cluster: Production
) -> None:
    before = {p.name: p.pid for p in sandbox.status().processes}
    began = time.monotonic()
    state = sandbox.up(production=ALL_MODES)
    assert time.monotonic() - began < 10
    assert state.started == []
    assert {p.name: p.pid for p in state.processes} == before
