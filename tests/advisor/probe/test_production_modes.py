"""Probes against production configurations: TLS with a local CA, mutual TLS, Redis ACL users,
Kafka SASL PLAIN and SCRAM, Redis Cluster (failover included) and a fresh Kafka's first probe.

The targets are the sandbox's production modes (`broker-advisor sandbox up --tls --auth
--redis-cluster`; skipped when a mode is not running, failed on CI). Tests that kill or fail over
a node run a private cluster of their own; every probe is checked for leftovers.
"""

from __future__ import annotations

import signal
import socket
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import redis

from advisor.probe import classify, preflight, runner
from advisor.probe.models import CheckStatus, FailureClass, ProbeResult
from advisor.probe.targets import parse_target
from advisor.sandbox import checks, kafka_sandbox, layout, process, redis_cluster_sandbox
from tests.advisor.probe.conftest import (
    kafka_leftovers,
    rabbitmq_leftovers,
    redis_cluster_leftovers,
    redis_leftovers,
)
from tests.brokers import Production

pytestmark = pytest.mark.integration

BUDGET_S = 10.0
STAGE_S = 3.0
SECURE_KAFKA = f"127.0.0.1:{layout.KAFKA_SECURE_INTERNAL_PORT}"  # plain text: leftovers only


def _probe(url: str, budget_s: float = BUDGET_S) -> ProbeResult:
    return runner.probe(parse_target(url), budget_s=budget_s, stage_timeout_s=STAGE_S)


def _failed(result: ProbeResult) -> list[str]:
    return [f"{c.id}: {c.details}" for c in result.checks if c.status is CheckStatus.FAIL]


def _first_failure(result: ProbeResult) -> classify.Failure:
    check = next(c for c in result.checks if c.status is CheckStatus.FAIL)
    assert check.failure_class is not None
    return classify.Failure(check.failure_class, f"{check.id}: {check.details}", check.hint)


def _with(url: str, **options: str) -> str:
    extra = "&".join(f"{key}={value}" for key, value in options.items())
    return url + ("&" if "?" in url else "?") + extra


def _without_client_cert(url: str) -> str:
    base, _, query = url.partition("?")
    kept = [p for p in query.split("&") if not p.startswith(("ssl_certfile=", "ssl_keyfile="))]
    return base + ("?" + "&".join(kept) if kept else "")


def _tls_redis_leftovers(production: Production, run_id: str) -> list[str]:
    """Keys of a run on redis-mtls, which only speaks TLS with a client certificate."""
    prod = production.targets
    client = redis.Redis(
        host="127.0.0.1",
        port=layout.REDIS_MTLS_PORT,
        username=prod.redis_full_user,
        password=production.password(prod.redis_full_user),
        ssl=True,
        ssl_ca_certs=str(prod.ca_file),
        ssl_certfile=str(prod.client_cert_file),
        ssl_keyfile=str(prod.client_key_file),
        socket_timeout=5,
        decode_responses=True,
    )
    try:
        return list(client.scan_iter(match=f"broker-advisor:probe:{run_id}:*", count=1000))
    finally:
        client.close()


# --- TLS with the local CA ----------------------------------------------------------------------


def test_redis_over_tls_is_verified_against_the_local_ca(production_tls: Production) -> None:
    prod = production_tls.targets
    url = production_tls.login(prod.redis_tls_url, prod.redis_full_user)
    result = _probe(url)
    assert _failed(result) == []
    tls = result.check("redis.tls")
    assert tls is not None and tls.status is CheckStatus.PASS
    assert tls.figures["protocol"] in ("TLSv1.2", "TLSv1.3")
    assert tls.figures["client_certificate"] == "none"
    plain = production_tls.login(prod.redis_acl_url, prod.redis_full_user)
    assert redis_leftovers(plain, result.run_id) == []


def test_tls_without_the_local_ca_is_a_certificate_error(production_tls: Production) -> None:
    prod = production_tls.targets
    url = production_tls.login(prod.redis_tls_url, prod.redis_full_user).split("?")[0]
    failure = _first_failure(_probe(url))
    assert failure.failure_class is FailureClass.TLS
    assert failure.details.startswith("redis.tls")
    assert "ssl_ca_certs" in failure.hint


# --- mutual TLS: every broker, with and without the client certificate -------------------------

_MTLS = ("redis", "rabbitmq", "kafka")


def _mtls_url(production: Production, broker: str) -> str:
    prod = production.targets
    if broker == "redis":
        return production.login(prod.redis_mtls_url, prod.redis_full_user)
    if broker == "rabbitmq":
        return prod.amqps_url
    return prod.kafka_mtls_url


def _leftovers(production: Production, broker: str, run_id: str) -> list[str]:
    if broker == "redis":
        return _tls_redis_leftovers(production, run_id)
    if broker == "rabbitmq":
        return rabbitmq_leftovers(production.targets.rabbitmq_tls_management_url, run_id)
    return kafka_leftovers(SECURE_KAFKA, run_id)


@pytest.mark.parametrize("broker", _MTLS)
def test_mutual_tls_with_the_client_certificate_passes(
    production_tls: Production, broker: str
) -> None:
    result = _probe(_mtls_url(production_tls, broker), budget_s=15.0)
    assert _failed(result) == []
    tls = result.check(f"{broker}.tls")
    assert tls is not None and tls.figures["client_certificate"] == "sent"
    assert _leftovers(production_tls, broker, result.run_id) == []


@pytest.mark.parametrize("broker", _MTLS)
def test_mutual_tls_without_the_client_certificate_names_it(
    production_tls: Production, broker: str
) -> None:
    url = _without_client_cert(_mtls_url(production_tls, broker))
    started = time.monotonic()
    result = _probe(url)
    assert time.monotonic() - started < 3.0  # named at the TLS stage, not after a timeout
    failure = _first_failure(result)
    assert failure.failure_class is FailureClass.TLS
    assert failure.details.startswith(f"{broker}.tls:")
    assert "requires a client certificate and none was sent" in failure.details
    assert "ssl_certfile" in failure.hint and "cipher" not in failure.hint


@pytest.mark.parametrize("broker", _MTLS)
def test_a_client_certificate_the_server_does_not_trust_is_named(
    production_tls: Production, broker: str, tmp_path: Path
) -> None:
    cert, key = tmp_path / "stranger.pem", tmp_path / "stranger.key"
    subprocess.run(
        [
            *("openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2"),
            *("-keyout", str(key), "-out", str(cert), "-subj", "/CN=stranger"),
        ],
        check=True,
        capture_output=True,
        timeout=60,
    )
    url = _with(
        _without_client_cert(_mtls_url(production_tls, broker)),
        ssl_certfile=str(cert),
        ssl_keyfile=str(key),
    )
    failure = _first_failure(_probe(url))
    assert failure.failure_class is FailureClass.TLS
    assert "refused the client certificate" in failure.details
    assert "signed by a CA the server trusts" in failure.hint


def test_a_client_certificate_that_cannot_be_read_is_a_configuration_error(
    production_tls: Production, tmp_path: Path
) -> None:
    url = _with(
        _without_client_cert(_mtls_url(production_tls, "redis")),
        ssl_certfile=str(tmp_path / "missing.pem"),
    )
    failure = _first_failure(_probe(url))
    assert failure.failure_class is FailureClass.CONFIGURATION
    assert "missing.pem" in failure.details and "ssl_certfile" in failure.details


# --- Redis ACL users ------------------------------------------------------------------------------


def test_redis_acl_user_with_every_right_passes(production_auth: Production) -> None:
    prod = production_auth.targets
    url = production_auth.login(prod.redis_acl_url, prod.redis_full_user)
    result = _probe(url)
    assert _failed(result) == []
    assert redis_leftovers(url, result.run_id) == []


def test_redis_read_only_user_is_refused_writes_and_leaves_nothing(
    production_auth: Production,
) -> None:
    prod = production_auth.targets
    result = _probe(production_auth.login(prod.redis_acl_url, prod.redis_readonly_user))
    auth = result.check("redis.auth")
    assert auth is not None and auth.status is CheckStatus.PASS
    persistence = result.check("redis.persistence")
    assert persistence is not None and persistence.figures["source"] == "INFO persistence"
    for check_id in ("redis.reliable_queue", "redis.streams"):
        check = result.check(check_id)
        assert check is not None and check.failure_class is FailureClass.AUTHORISATION, check
        assert "~broker-advisor:probe:*" in check.hint
    full = production_auth.login(prod.redis_acl_url, prod.redis_full_user)
    assert redis_leftovers(full, result.run_id) == []


def test_redis_acl_wrong_password_is_an_auth_failure(production_auth: Production) -> None:
    prod = production_auth.targets
    url = production_auth.login(prod.redis_acl_url, prod.redis_full_user, "not-the-password")
    failure = _first_failure(_probe(url))
    assert failure.failure_class is FailureClass.AUTH
    assert failure.details.startswith("redis.auth")
    assert "not-the-password" not in failure.details + failure.hint


def test_redis_without_a_user_when_the_default_user_is_off(production_auth: Production) -> None:
    failure = _first_failure(_probe(production_auth.targets.redis_acl_url))
    assert failure.failure_class is FailureClass.AUTH
    assert "password" in failure.hint


# --- Kafka SASL PLAIN and SCRAM -------------------------------------------------------------------

_SASL = [
    (listener, mechanism)
    for listener in ("sasl_plaintext", "sasl_ssl")
    for mechanism in ("PLAIN", "SCRAM-SHA-512")
]


def _kafka_url(production: Production, listener: str, mechanism: str, password: str | None) -> str:
    prod = production.targets
    base = prod.kafka_sasl_ssl_url if listener == "sasl_ssl" else prod.kafka_sasl_plaintext_url
    return _with(production.login(base, prod.kafka_user, password), sasl_mechanism=mechanism)


@pytest.mark.parametrize(("listener", "mechanism"), _SASL)
def test_kafka_sasl_with_the_right_password_passes(
    production_auth: Production, listener: str, mechanism: str
) -> None:
    result = _probe(_kafka_url(production_auth, listener, mechanism, None), budget_s=15.0)
    assert [f for f in _failed(result)] == []
    bootstrap = result.check("kafka.bootstrap")
    assert bootstrap is not None
    assert bootstrap.figures["security_protocol"] == listener.upper()
    assert f"SASL {mechanism}" in bootstrap.details
    auth = result.check("kafka.auth")
    assert auth is not None and f"{mechanism} login accepted" in auth.details
    assert kafka_leftovers(SECURE_KAFKA, result.run_id) == []


@pytest.mark.parametrize(("listener", "mechanism"), _SASL)
def test_kafka_sasl_with_a_wrong_password_is_refused(
    production_auth: Production, listener: str, mechanism: str
) -> None:
    wrong = "wrong-password-123"
    result = _probe(_kafka_url(production_auth, listener, mechanism, wrong))
    failure = _first_failure(result)
    assert failure.failure_class is FailureClass.AUTH
    # Named by the probe's own SASL exchange, before kafka-python's bootstrap (which only sees
    # a dropped connection, and on TLS listeners took it for a TLS problem).
    assert failure.details.startswith("kafka.auth:"), failure
    assert mechanism in failure.details and "invalid" in failure.details.lower()
    assert wrong not in failure.details + failure.hint
    assert kafka_leftovers(SECURE_KAFKA, result.run_id) == []


# --- Redis Cluster ------------------------------------------------------------------------------


def test_redis_cluster_behaviour_checks_pass(production_redis_cluster: Production) -> None:
    url = production_redis_cluster.targets.redis_cluster_url
    result = _probe(url)
    assert _failed(result) == []
    cluster = result.check("redis.cluster")
    assert cluster is not None and cluster.status is CheckStatus.PASS
    assert (cluster.figures["masters"], cluster.figures["replicas"]) == (3, 3)
    assert cluster.figures["nodes_down"] == 0
    for check_id in ("redis.reliable_queue", "redis.pubsub", "redis.streams"):
        check = result.check(check_id)
        assert check is not None and check.status is CheckStatus.PASS, check
    assert result.summary.mode == "cluster"
    assert redis_cluster_leftovers(url, result.run_id) == []


def test_redis_cluster_with_a_database_number_is_a_configuration_error(
    production_redis_cluster: Production,
) -> None:
    failure = _first_failure(_probe(production_redis_cluster.targets.redis_cluster_url + "/1"))
    assert failure.failure_class is FailureClass.CONFIGURATION
    assert "SELECT is not allowed in cluster mode" in failure.details
    assert "database 0 only" in failure.details and "Remove the database number" in failure.hint


def _free_ports(count: int) -> list[int]:
    held = []
    try:
        for _ in range(count):
            sock = socket.socket()
            sock.bind(("127.0.0.1", 0))
            held.append(sock)
        return [int(s.getsockname()[1]) for s in held]
    finally:
        for sock in held:
            sock.close()


@pytest.fixture
def private_cluster(
    tmp_path: Path,
) -> Iterator[tuple[redis_cluster_sandbox.ClusterSpec, layout.Layout]]:
    """A cluster of six nodes only this test uses (so it may kill one), failing over fast."""
    ports = _free_ports(12)
    spec = redis_cluster_sandbox.ClusterSpec(
        nodes=tuple(
            redis_cluster_sandbox.ClusterNode(
                name=f"redis-cluster-{i + 1}", port=ports[2 * i], bus_port=ports[2 * i + 1]
            )
            for i in range(6)
        ),
        node_timeout_ms=1000,
    )
    lay = layout.Layout(home=tmp_path / "home")
    pids: dict[str, int] = {}
    try:
        pids = redis_cluster_sandbox.start(lay, spec)
        yield spec, lay
    finally:
        process.terminate_many(list(pids.values()), 10.0)


def _cluster_nodes(port: int) -> list[list[str]]:
    text = checks.redis_command(port, "CLUSTER", "NODES")
    return [line.split() for line in text.splitlines() if line.strip()]


def test_after_a_master_is_killed_it_is_named_down_not_counted(
    private_cluster: tuple[redis_cluster_sandbox.ClusterSpec, layout.Layout],
) -> None:
    spec, lay = private_cluster
    masters = redis_cluster_sandbox.masters(spec)
    victim = masters[-1]
    survivor = next(node for node in spec.nodes if node != victim)
    pid = redis_cluster_sandbox.running_pid(victim, lay)
    assert pid is not None
    process.send_signal(pid, signal.SIGKILL)

    def failed_over() -> bool:
        nodes = _cluster_nodes(survivor.port)
        victim_flags = next(f[2] for f in nodes if f[1].startswith(f"127.0.0.1:{victim.port}@"))
        info = redis_cluster_sandbox.cluster_info(survivor.port)
        return "fail" in victim_flags.split(",") and info.get("cluster_state") == "ok"

    assert process.wait_until(failed_over, 20.0, interval_s=0.2), _cluster_nodes(survivor.port)
    url = f"redis://127.0.0.1:{survivor.port}"
    result = _probe(url)
    cluster = result.check("redis.cluster")
    assert cluster is not None and cluster.status is CheckStatus.WARN
    assert (cluster.figures["masters"], cluster.figures["replicas"]) == (3, 2)
    assert cluster.figures["nodes_down"] == 1
    assert f"127.0.0.1:{victim.port} is down (was master, flagged fail)" in cluster.details
    assert f"127.0.0.1:{victim.port}" not in str(cluster.figures["master_addresses"])
    assert _failed(result) == []  # every slot is served again: the behaviour checks pass
    assert redis_cluster_leftovers(url, result.run_id) == []


def test_after_a_manual_failover_the_old_master_is_a_replica(
    private_cluster: tuple[redis_cluster_sandbox.ClusterSpec, layout.Layout],
) -> None:
    spec, _lay = private_cluster
    nodes = _cluster_nodes(spec.nodes[0].port)
    replica = next(f for f in nodes if "slave" in f[2].split(","))
    replica_port = int(replica[1].split("@")[0].rsplit(":", 1)[1])
    old_master = next(f for f in nodes if f[0] == replica[3])
    assert checks.redis_command(replica_port, "CLUSTER", "FAILOVER") == "+OK"

    def promoted() -> bool:
        flags = {f[1].split("@")[0]: f[2] for f in _cluster_nodes(replica_port)}
        return (
            "master" in flags[f"127.0.0.1:{replica_port}"]
            and "slave" in flags[old_master[1].split("@")[0]]
        )

    assert process.wait_until(promoted, 20.0, interval_s=0.2)
    assert redis_cluster_sandbox.wait_converged(spec, 20.0)
    url = f"redis://127.0.0.1:{replica_port}"
    result = _probe(url)
    cluster = result.check("redis.cluster")
    assert cluster is not None and cluster.status is CheckStatus.PASS, cluster
    assert (cluster.figures["masters"], cluster.figures["replicas"]) == (3, 3)
    assert f"127.0.0.1:{replica_port}" in str(cluster.figures["master_addresses"])
    assert _failed(result) == []
    assert redis_cluster_leftovers(url, result.run_id) == []


# --- a fresh Kafka's first probe ------------------------------------------------------------------


@pytest.fixture
def fresh_kafka(tmp_path: Path) -> Iterator[int]:
    """A single KRaft node formatted just now, with Kafka's own defaults (50 offsets partitions,
    3 s initial rebalance delay): its first consumer group creates __consumer_offsets."""
    lay = layout.default_layout()
    lib = lay.kafka_lib_dir()
    if not (lib / ".complete").exists():
        pytest.skip("the Kafka jars are not cached (broker-advisor sandbox up --only kafka)")
    broker, controller = _free_ports(2)
    props = tmp_path / "server.properties"
    props.write_text(
        "process.roles=broker,controller\nnode.id=1\n"
        f"controller.quorum.voters=1@127.0.0.1:{controller}\n"
        f"listeners=PLAINTEXT://127.0.0.1:{broker},CONTROLLER://127.0.0.1:{controller}\n"
        f"advertised.listeners=PLAINTEXT://127.0.0.1:{broker}\n"
        "controller.listener.names=CONTROLLER\n"
        "listener.security.protocol.map=CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT\n"
        f"log.dirs={tmp_path / 'data'}\noffsets.topic.replication.factor=1\n"
        "transaction.state.log.replication.factor=1\ntransaction.state.log.min.isr=1\n"
        "share.coordinator.state.topic.replication.factor=1\n"
        "share.coordinator.state.topic.min.isr=1\n"
    )
    log4j = tmp_path / "log4j2.xml"
    log4j.write_text(kafka_sandbox.LOG4J2_TOOLS)
    tool = kafka_sandbox.java_argv(lay, lib, "256m", log4j, "kafka.tools.StorageTool")
    cluster_id = kafka_sandbox.random_cluster_id()
    subprocess.run(
        [*tool, "format", "-t", cluster_id, "-c", str(props)],
        check=True,
        capture_output=True,
        timeout=120,
    )
    log = tmp_path / "server.log"
    with log.open("w") as handle:
        server = subprocess.Popen(
            [*kafka_sandbox.java_argv(lay, lib, "512m", log4j, "kafka.Kafka"), str(props)],
            stdout=handle,
            stderr=subprocess.STDOUT,
        )
    try:
        ready = process.wait_until(
            lambda: server.poll() is not None or checks.kafka_api_versions(broker).ok, 120.0
        )
        if not ready or server.poll() is not None:
            pytest.fail(f"the fresh Kafka did not start:\n{log.read_text()[-3000:]}")
        yield broker
    finally:
        server.terminate()
        try:
            server.wait(30)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait(10)


@pytest.mark.slow
def test_the_first_probe_of_a_fresh_kafka_stays_within_budget(fresh_kafka: int) -> None:
    bootstrap = f"127.0.0.1:{fresh_kafka}"
    started = time.monotonic()
    result = runner.probe(parse_target(f"kafka://{bootstrap}"))  # the default budget
    elapsed = time.monotonic() - started
    assert elapsed <= runner.DEFAULT_BUDGET_S + runner.CLEANUP_ALLOWANCE_S
    assert _failed(result) == []
    consume = result.check("kafka.consume_order")
    assert consume is not None and consume.status is CheckStatus.PASS
    assert consume.figures["offsets_topic_created"] == "true"
    assert "__consumer_offsets" in consume.details
    assert kafka_leftovers(bootstrap, result.run_id) == []


def test_the_tls_context_carries_the_client_certificate(production_tls: Production) -> None:
    target = parse_target(production_tls.targets.amqps_url)
    context = preflight.tls_context(target)
    with (
        socket.create_connection(("127.0.0.1", layout.RABBITMQ_AMQPS_PORT), 5) as raw,
        context.wrap_socket(raw, server_hostname="127.0.0.1") as sock,
    ):
        sock.sendall(b"AMQP\x00\x00\x09\x01")
        assert sock.recv(1) == b"\x01"  # Connection.Start: the server took the certificate
