"""Kafka probe failure classes against real listeners: each named precisely, within the budget.

Besides the sandbox's three nodes, one extra single-node Kafka (module-scoped, stopped at the end)
has listeners that advertise unreachable addresses (127.0.0.9 and a `.invalid` host) and a
SASL_PLAINTEXT listener with PLAIN credentials.
"""

from __future__ import annotations

import base64
import socket
import subprocess
import threading
import time
import uuid
import warnings
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from advisor import sandbox
from advisor.probe import runner
from advisor.probe.models import CheckStatus, FailureClass, ProbeResult
from advisor.probe.targets import parse_target
from advisor.sandbox import layout, prereqs

with warnings.catch_warnings():
    # kafka-python 3.0 loads its protocol schemas at import through importlib.resources'
    # deprecated read_text, which calls the deprecated open_text: pyproject ignores only the first.
    warnings.simplefilter("ignore", DeprecationWarning)
    from kafka.admin import KafkaAdminClient

    from advisor.probe.kafka import checks  # noqa: F401  (imported here for the same reason)

pytestmark = pytest.mark.integration

BUDGET_S = 10.0
STAGE_S = 2.0
SASL_USER = "probe"
SASL_PASSWORD = "probe-secret"
PROBE_PREFIX = "broker-advisor.probe."


def _probe(url: str, cancel: threading.Event | None = None) -> tuple[ProbeResult, float]:
    started = time.monotonic()
    result = runner.probe(
        parse_target(url), budget_s=BUDGET_S, stage_timeout_s=STAGE_S, cancel=cancel
    )
    return result, time.monotonic() - started


def _admin(bootstrap: str) -> KafkaAdminClient:
    return KafkaAdminClient(
        bootstrap_servers=bootstrap.split(","),
        bootstrap_timeout_ms=5000,
        request_timeout_ms=5000,
        client_id="broker-advisor-tests",
    )


def _probe_topics(bootstrap: str, result: ProbeResult) -> list[str]:
    """This run's temporary topic, if it is still there (other sessions probe concurrently)."""
    admin = _admin(bootstrap)
    try:
        return [t for t in admin.list_topics() if t == PROBE_PREFIX + result.run_id]
    finally:
        admin.close()


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


# --- failure classes at the bootstrap address ---------------------------------------------------


@pytest.mark.parametrize(
    ("case", "failure", "check_id"),
    [
        ("dns", FailureClass.DNS, "kafka.resolve"),
        ("closed_port", FailureClass.REFUSED, "kafka.connect"),
        ("silent_listener", FailureClass.TIMEOUT, "kafka.api_versions"),
        ("redis_port", FailureClass.WRONG_PROTOCOL, "kafka.api_versions"),
        ("controller_port", FailureClass.WRONG_PROTOCOL, "kafka.api_versions"),
        ("tls_to_plain_port", FailureClass.TLS, "kafka.tls"),
    ],
)
def test_failure_classes_name_themselves_within_budget(
    case: str,
    failure: FailureClass,
    check_id: str,
    kafka_bootstrap: str,
    redis_url: str,
    closed_port: int,
    silent_port: int,
) -> None:
    first = kafka_bootstrap.split(",", maxsplit=1)[0]
    host, port = first.rsplit(":", 1)
    url = {
        "dns": "kafka://no-such-kafka.invalid:9092",
        "closed_port": f"kafka://127.0.0.1:{closed_port}",
        "silent_listener": f"kafka://127.0.0.1:{silent_port}",
        "redis_port": f"kafka://127.0.0.1:{parse_target(redis_url).endpoint.port}",
        "controller_port": f"kafka://{host}:{int(port) + 1}",
        "tls_to_plain_port": f"kafka+ssl://{first}?ssl_cert_reqs=none",
    }[case]
    result, elapsed = _probe(url)
    check = result.check(check_id)
    assert check is not None and check.status is CheckStatus.FAIL, result.checks
    assert check.failure_class is failure, check
    assert check.details and check.hint
    assert elapsed < BUDGET_S * 1.1
    # Nothing after the failing stage pretends to have run.
    assert all(c.status is CheckStatus.SKIPPED for c in result.checks if c.id == "kafka.topic")
    if case == "redis_port":
        assert "Redis" in check.details
        assert elapsed < STAGE_S + 1.5  # one silent ApiVersions wait, then the PING answers
    elif case == "controller_port":
        assert "controller" in check.details
    elif case == "silent_listener":
        assert elapsed < STAGE_S + 1.5 + 0.5
    else:
        assert elapsed < 1.0


def test_one_bad_bootstrap_address_does_not_stop_the_probe(
    kafka_bootstrap: str, closed_port: int
) -> None:
    url = f"kafka://127.0.0.1:{closed_port},{kafka_bootstrap}"
    result, _ = _probe(url)
    bad = result.check("kafka.connect")
    assert bad is not None and bad.failure_class is FailureClass.REFUSED
    produce = result.check("kafka.produce_latency")
    assert produce is not None and produce.status is CheckStatus.PASS, result.checks
    assert _probe_topics(kafka_bootstrap, result) == []


def test_a_failing_second_address_is_named_not_the_first(
    kafka_bootstrap: str, closed_port: int
) -> None:
    first = kafka_bootstrap.split(",", maxsplit=1)[0]
    result, _ = _probe(f"kafka://{first},127.0.0.1:{closed_port}")
    bad = result.check("kafka.bootstrap2.connect")
    assert bad is not None and bad.failure_class is FailureClass.REFUSED
    assert f"127.0.0.1:{closed_port} refused" in bad.details
    assert first not in bad.details
    assert _probe_topics(kafka_bootstrap, result) == []


@pytest.mark.parametrize("budget_s", [1.0, 1.5])
def test_a_silent_listener_with_a_small_budget_is_a_timeout(
    silent_port: int, budget_s: float
) -> None:
    """The protocol guess after the silence must not turn the stage's timeout into 'budget'."""
    result = runner.probe(parse_target(f"kafka://127.0.0.1:{silent_port}"), budget_s=budget_s)
    check = result.check("kafka.api_versions")
    assert check is not None and check.failure_class is FailureClass.TIMEOUT, result.checks


@pytest.mark.parametrize(
    "query", ["", "?sasl_mechanism=SCRAM-SHA-256"], ids=["plain", "scram-sha-256"]
)
def test_credentials_for_a_listener_without_sasl_say_so(kafka_bootstrap: str, query: str) -> None:
    first = kafka_bootstrap.split(",", maxsplit=1)[0]
    result, elapsed = _probe(f"kafka://alice:pw-secret-9@{first}{query}")
    check = result.check("kafka.auth")
    assert check is not None and check.failure_class is FailureClass.WRONG_PROTOCOL, check
    assert "does not use SASL" in check.details and "does not use SASL" in check.hint
    assert "give credentials" not in check.hint
    assert "pw-secret-9" not in result.model_dump_json()
    assert elapsed < 2.0


# --- an extra single node: unreachable advertised addresses and SASL ----------------------------


@dataclass(frozen=True)
class ExtraNode:
    internal: int
    bad_ip: int
    bad_dns: int
    sasl: int

    @property
    def bootstrap(self) -> str:
        return f"127.0.0.1:{self.internal}"


def _properties(node_dir: Path, ports: ExtraNode, controller: int) -> str:
    jaas = (
        "org.apache.kafka.common.security.plain.PlainLoginModule required "
        f'user_{SASL_USER}="{SASL_PASSWORD}";'
    )
    settings = {
        "process.roles": "broker,controller",
        "node.id": "1",
        "controller.quorum.voters": f"1@127.0.0.1:{controller}",
        "listeners": ",".join(
            [
                f"INTERNAL://127.0.0.1:{ports.internal}",
                f"BADIP://127.0.0.1:{ports.bad_ip}",
                f"BADDNS://127.0.0.1:{ports.bad_dns}",
                f"SASL://127.0.0.1:{ports.sasl}",
                f"CONTROLLER://127.0.0.1:{controller}",
            ]
        ),
        # The classic mistake: addresses the broker's own host may know, clients cannot reach.
        "advertised.listeners": ",".join(
            [
                f"INTERNAL://127.0.0.1:{ports.internal}",
                f"BADIP://127.0.0.9:{ports.bad_ip}",
                f"BADDNS://kafka-advertised.invalid:{ports.bad_dns}",
                f"SASL://127.0.0.1:{ports.sasl}",
            ]
        ),
        "listener.security.protocol.map": "INTERNAL:PLAINTEXT,BADIP:PLAINTEXT,"
        "BADDNS:PLAINTEXT,SASL:SASL_PLAINTEXT,CONTROLLER:PLAINTEXT",
        "controller.listener.names": "CONTROLLER",
        "inter.broker.listener.name": "INTERNAL",
        "sasl.enabled.mechanisms": "PLAIN",
        "listener.name.sasl.plain.sasl.jaas.config": jaas,
        "log.dirs": str(node_dir / "data"),
        "num.partitions": "1",
        "offsets.topic.replication.factor": "1",
        "transaction.state.log.replication.factor": "1",
        "transaction.state.log.min.isr": "1",
        "share.coordinator.state.topic.replication.factor": "1",
        "share.coordinator.state.topic.min.isr": "1",
        "group.initial.rebalance.delay.ms": "0",
    }
    return "".join(f"{key}={value}\n" for key, value in settings.items())


def _api_versions_ok(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=1) as sock:
            body = b"\x00\x12\x00\x00\x00\x00\x00\x07\x00\x00"
            sock.sendall(len(body).to_bytes(4, "big") + body)
            return len(sock.recv(10)) >= 10
    except OSError:
        return False


@pytest.fixture(scope="module")
def extra_kafka(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ExtraNode]:
    """One more Kafka node (256 MB heap) with misconfigured and SASL listeners; stopped after."""
    lib = layout.default_layout().kafka_lib_dir()
    java = prereqs.java_executable()
    if java is None or not prereqs.kafka_jars_cached(lib):
        pytest.skip("java or the sandbox's Kafka jars are missing (run the sandbox once)")
    node_dir = tmp_path_factory.mktemp("extra-kafka")
    ports = ExtraNode(_free_port(), _free_port(), _free_port(), _free_port())
    controller = _free_port()
    props = node_dir / "server.properties"
    props.write_text(_properties(node_dir, ports, controller))
    log4j = node_dir / "log4j2.xml"
    log4j.write_text(
        '<?xml version="1.0" encoding="UTF-8"?><Configuration status="WARN"><Appenders>'
        '<Console name="o" target="SYSTEM_OUT"><PatternLayout pattern="%p %m%n"/></Console>'
        '</Appenders><Loggers><Root level="WARN"><AppenderRef ref="o"/></Root></Loggers>'
        "</Configuration>"
    )
    base = [java, "-Xms256m", "-Xmx256m", "-XX:+UseSerialGC", f"-Dlog4j2.configurationFile={log4j}"]
    base += ["-cp", f"{lib}/*"]
    cluster_id = "-"
    while cluster_id.startswith("-"):  # Kafka never draws ids that look like a flag
        cluster_id = base64.urlsafe_b64encode(uuid.uuid4().bytes).decode().rstrip("=")
    subprocess.run(
        [*base, "kafka.tools.StorageTool", "format", "-t", cluster_id, "-c", str(props)],
        check=True,
        capture_output=True,
        timeout=120,
    )
    log_path = node_dir / "server.log"
    with log_path.open("w") as log:
        process = subprocess.Popen(
            [*base, "kafka.Kafka", str(props)], stdout=log, stderr=subprocess.STDOUT
        )
    try:
        deadline = time.monotonic() + 120
        while not _api_versions_ok(ports.internal):
            if process.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"extra Kafka did not start:\n{log_path.read_text()[-3000:]}")
            time.sleep(0.5)
        yield ports
    finally:
        process.terminate()
        try:
            process.wait(30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(10)


@pytest.mark.parametrize(
    ("listener", "failure", "shown"),
    [
        ("bad_ip", FailureClass.REFUSED, "127.0.0.9"),
        ("bad_dns", FailureClass.DNS, "kafka-advertised.invalid"),
    ],
)
def test_unreachable_advertised_address_fails_with_the_address(
    extra_kafka: ExtraNode, listener: str, failure: FailureClass, shown: str
) -> None:
    port = getattr(extra_kafka, listener)
    result, elapsed = _probe(f"kafka://127.0.0.1:{port}")
    assert result.check("kafka.bootstrap") is not None
    assert result.check("kafka.bootstrap").status is CheckStatus.PASS  # type: ignore[union-attr]
    check = result.check("kafka.advertised")
    assert check is not None and check.status is CheckStatus.FAIL, result.checks
    assert check.failure_class is failure
    assert shown in check.details and "advertised.listeners" in check.hint
    skipped = result.check("kafka.topic")
    assert skipped is not None and skipped.status is CheckStatus.SKIPPED
    assert elapsed < 2.0
    assert _probe_topics(extra_kafka.bootstrap, result) == []


def test_wrong_sasl_password_is_an_auth_failure(extra_kafka: ExtraNode) -> None:
    url = f"kafka://{SASL_USER}:wrong@127.0.0.1:{extra_kafka.sasl}"
    result, elapsed = _probe(url)
    check = result.check("kafka.auth")
    assert check is not None and check.status is CheckStatus.FAIL, result.checks
    assert check.failure_class is FailureClass.AUTH, check
    assert "wrong" not in check.details  # the password is never shown
    assert "Invalid username or password" in check.details  # the broker's own words
    assert elapsed < 1.0


def test_a_mechanism_the_listener_does_not_enable_is_named(extra_kafka: ExtraNode) -> None:
    url = (
        f"kafka://127.0.0.1:{extra_kafka.sasl}?sasl_mechanism=SCRAM-SHA-512"
        f"&username={SASL_USER}&password={SASL_PASSWORD}"
    )
    result, elapsed = _probe(url)
    check = result.check("kafka.auth")
    assert check is not None and check.failure_class is FailureClass.WRONG_PROTOCOL, check
    assert "does not enable SCRAM-SHA-512" in check.details and "PLAIN" in check.details
    assert "sasl_mechanism=PLAIN" in check.hint
    assert SASL_PASSWORD not in result.model_dump_json()
    assert elapsed < 2.0


def test_sasl_without_credentials_is_named(extra_kafka: ExtraNode) -> None:
    result, elapsed = _probe(f"kafka://127.0.0.1:{extra_kafka.sasl}")
    check = result.check("kafka.bootstrap")
    assert check is not None and check.status is CheckStatus.FAIL, result.checks
    assert check.failure_class in (FailureClass.AUTH, FailureClass.WRONG_PROTOCOL), check
    assert "SASL" in check.details or "SASL" in check.hint
    assert elapsed < BUDGET_S * 1.1


def test_right_sasl_password_runs_every_check(extra_kafka: ExtraNode) -> None:
    url = f"kafka://{SASL_USER}:{SASL_PASSWORD}@127.0.0.1:{extra_kafka.sasl}"
    result, _ = _probe(url)
    failed = [(c.id, c.details) for c in result.checks if c.status is CheckStatus.FAIL]
    assert failed == []
    consume = result.check("kafka.consume_order")
    assert consume is not None and consume.status is CheckStatus.PASS
    topic = result.check("kafka.topic")
    assert topic is not None and topic.figures["replication_factor"] == 1
    assert topic.status is CheckStatus.WARN  # one broker: replication factor 1
    assert _probe_topics(extra_kafka.bootstrap, result) == []


# --- one node of three stopped ------------------------------------------------------------------


def _under_replicated(bootstrap: str) -> int:
    admin = _admin(bootstrap)
    try:
        return sum(
            1
            for topic in admin.describe_topics()
            for part in topic.get("partitions") or []
            if len(part.get("isr_nodes") or []) < len(part.get("replica_nodes") or [])
        )
    finally:
        admin.close()


def _ensure_replicated_topic(bootstrap: str) -> None:
    """A topic with a replica on every node, so stopping any node leaves it under-replicated."""
    admin = _admin(bootstrap)
    try:
        if "broker-advisor-tests.rf3" not in admin.list_topics():
            admin.create_topics(
                {"broker-advisor-tests.rf3": {"num_partitions": 3, "replication_factor": 3}},
                raise_errors=False,
            )
            admin.wait_for_topics(["broker-advisor-tests.rf3"], timeout_ms=10000)
    finally:
        admin.close()


def test_stopped_node_shows_under_replicated_partitions(
    kafka_bootstrap: str, sandbox_state: sandbox.SandboxState
) -> None:
    if sandbox_state.kafka_nodes < 3:
        pytest.skip("needs the three-node sandbox")
    _ensure_replicated_topic(kafka_bootstrap)
    live = ",".join(kafka_bootstrap.split(",")[:2])  # node 3 is the one stopped
    with sandbox.kafka_node_stopped(3):
        result, elapsed = _probe(f"kafka://{live}")
    replication = result.check("kafka.replication")
    assert replication is not None, result.checks
    assert replication.status in (CheckStatus.WARN, CheckStatus.FAIL), replication
    assert int(replication.figures["under_replicated"]) > 0
    assert "3" in str(replication.figures.get("replicas_on_absent_brokers", ""))
    cluster = result.check("kafka.cluster")
    assert cluster is not None and int(cluster.figures["brokers_live"]) == 2
    topic = result.check("kafka.topic")
    assert topic is not None and topic.figures["replication_factor"] == 2
    assert elapsed < BUDGET_S * 1.1
    # Node 3 is back: wait until every ISR is full again, so later tests see a healthy cluster.
    deadline = time.monotonic() + 90
    while _under_replicated(kafka_bootstrap) and time.monotonic() < deadline:
        time.sleep(1)
    assert _under_replicated(kafka_bootstrap) == 0
    assert _probe_topics(kafka_bootstrap, result) == []
