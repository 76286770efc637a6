"""Kafka probe: healthy three-node sandbox, cleanup after failure and cancellation, verdicts.

Integration tests talk to the sandbox's three KRaft nodes; the protocol helpers and the verdict
judges are also tested offline.
"""

from __future__ import annotations

import dataclasses
import json
import os
import struct
import subprocess
import sys
import threading
import time
import uuid
import warnings
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from advisor.probe import runner, verdicts
from advisor.probe.models import (
    CheckStatus,
    FailureClass,
    ProbeCheck,
    ProbeResult,
    ProbeSummary,
    Stage,
)
from advisor.probe.plan import Check
from advisor.probe.runner import CheckRecorder
from advisor.probe.targets import parse_target
from advisor.workload import Broker, Workload
from tests.advisor.probe.conftest import kafka_leftovers

with warnings.catch_warnings():
    # kafka-python 3.0 loads its protocol schemas at import through importlib.resources'
    # deprecated read_text, which calls the deprecated open_text: pyproject ignores only the first.
    warnings.simplefilter("ignore", DeprecationWarning)
    import kafka.errors as kerr
    from kafka import KafkaProducer
    from kafka.admin import KafkaAdminClient

    from advisor.probe.kafka import checks as kafka_checks
    from advisor.probe.kafka import verdicts as kafka_verdicts
    from advisor.probe.kafka import wire as kafka_wire

BUDGET_S = 15.0
STAGE_S = 3.0
PROBE_PREFIX = "broker-advisor.probe."
integration = pytest.mark.integration
RUN_IDS: list[str] = []  # every probe run by this module, checked for leftovers at the end
ROOT = Path(__file__).resolve().parents[3]

EVERY_CHECK = [
    "kafka.resolve",
    "kafka.connect",
    "kafka.api_versions",
    "kafka.bootstrap",
    "kafka.advertised",
    "kafka.cluster",
    "kafka.config",
    "kafka.topic",
    "kafka.produce_latency",
    "kafka.consume_order",
    "kafka.replication",
    "kafka.topic_config",
]


def _probe(
    url: str, cancel: threading.Event | None = None, workload: Workload | None = None
) -> tuple[ProbeResult, float]:
    started = time.monotonic()
    result = runner.probe(
        parse_target(url),
        budget_s=BUDGET_S,
        stage_timeout_s=STAGE_S,
        cancel=cancel,
        workload=workload,
    )
    RUN_IDS.append(result.run_id)
    return result, time.monotonic() - started


@pytest.fixture(scope="module")
def kafka_url(kafka_bootstrap: str) -> str:
    return f"kafka://{kafka_bootstrap}"


@pytest.fixture(scope="module")
def admin(kafka_bootstrap: str) -> Iterator[Any]:
    client = KafkaAdminClient(
        bootstrap_servers=kafka_bootstrap.split(","),
        bootstrap_timeout_ms=5000,
        request_timeout_ms=5000,
        client_id="broker-advisor-tests",
    )
    yield client
    client.close()


def _leftovers(admin: Any, run_id: str) -> tuple[list[str], list[str]]:
    """Probe topics and consumer groups of this run still on the cluster (deletes settle fast)."""
    name = kafka_wire.probe_name(run_id)
    deadline = time.monotonic() + 2
    while True:
        topics = [t for t in admin.list_topics() if t == name]
        groups = [str(g[0] if isinstance(g, tuple) else g) for g in _group_ids(admin)]
        groups = [g for g in groups if g == name]
        if not (topics or groups) or time.monotonic() > deadline:
            return topics, groups
        time.sleep(0.1)


def _group_ids(admin: Any) -> list[Any]:
    found = admin.list_groups()
    if isinstance(found, dict):
        return list(found)
    return [g.get("group_id", g) if isinstance(g, dict) else g for g in found]


def _all_probe_topics(admin: Any) -> set[str]:
    return {t for t in admin.list_topics() if t.startswith(PROBE_PREFIX)}


@pytest.fixture(scope="module", autouse=True)
def no_probe_topic_remains(request: pytest.FixtureRequest) -> Iterator[None]:
    """Topics listed before and after the module's probes: none of this module's may remain."""
    if not any(item.get_closest_marker("integration") for item in request.session.items):
        yield
        return
    admin = request.getfixturevalue("admin")
    before = _all_probe_topics(admin)
    yield
    time.sleep(STAGE_S + 0.5)  # a lingering client's metadata refresh must not re-create one
    ours = {kafka_wire.probe_name(run_id) for run_id in RUN_IDS}
    assert (_all_probe_topics(admin) - before) & ours == set()


# --- healthy cluster ----------------------------------------------------------------------------


@integration
def test_healthy_cluster_passes_every_check(kafka_url: str, admin: Any) -> None:
    result, elapsed = _probe(kafka_url)
    statuses = {c.id: c.status for c in result.checks}
    failed = [(c.id, c.details) for c in result.checks if c.status is CheckStatus.FAIL]
    assert failed == []
    for check_id in EVERY_CHECK:
        assert statuses.get(check_id) in (CheckStatus.PASS, CheckStatus.WARN), check_id
    assert statuses["kafka.produce_latency"] is CheckStatus.PASS
    assert statuses["kafka.consume_order"] is CheckStatus.PASS
    assert elapsed < 10

    api = result.check("kafka.api_versions")
    assert api is not None and str(api.figures["broker_version"]).startswith("4.")
    cluster = result.check("kafka.cluster")
    assert cluster is not None
    assert cluster.figures["brokers_live"] == 3 and cluster.figures["brokers"] == 3
    # The active controller is the quorum leader, whatever metadata's controller_id says.
    quorum = admin.describe_metadata_quorum()
    leader = quorum["topics"][0]["partitions"][0]["leader_id"]
    assert cluster.figures["active_controller_id"] == leader
    assert "random broker" in cluster.details
    assert result.summary.mode == "kraft" and result.summary.nodes == 3

    topic = result.check("kafka.topic")
    assert topic is not None
    assert topic.figures["replication_factor"] == 3 and topic.figures["partitions"] == 3
    assert topic.figures["min_insync_replicas"] == 2
    produce = result.check("kafka.produce_latency")
    assert produce is not None and produce.figures["samples"] == kafka_checks.PRODUCE_COUNT
    assert produce.figures["p99_ms"] >= produce.figures["p50_ms"] > 0
    assert "not the broker's capacity" in produce.details
    consume = result.check("kafka.consume_order")
    assert consume is not None
    assert consume.figures["consumed"] == kafka_checks.PRODUCE_COUNT
    assert consume.figures["partitions_seen"] == kafka_checks.PARTITIONS
    assert consume.figures["keys_out_of_order"] == 0

    config = result.check("kafka.config")
    assert config is not None
    for key in ("min.insync.replicas", "message.max.bytes", "unclean.leader.election.enable"):
        assert config.figures[key] != "-", key  # defaults are included, not hidden
    assert result.summary.max_message_bytes and result.summary.max_message_bytes > 0
    assert isinstance(result.summary.facts["retention_ms"], int)
    topic_config = result.check("kafka.topic_config")
    assert topic_config is not None and topic_config.figures["min.insync.replicas"] == "2"
    assert topic_config.figures["retention.ms"] != "-"
    replication = result.check("kafka.replication")
    assert replication is not None and replication.figures["offline"] == 0

    assert _leftovers(admin, result.run_id) == ([], [])
    # A client still refreshing metadata (every stage timeout) must not re-create the topic
    # on a broker with auto.create.topics.enable=true.
    time.sleep(STAGE_S + 0.5)
    assert kafka_wire.probe_name(result.run_id) not in admin.list_topics()


@integration
def test_workload_verdicts_against_the_sandbox(kafka_url: str, admin: Any) -> None:
    workload = Workload(
        tolerated_node_failures=2,  # needs 5 brokers
        crash_may_lose_messages=False,
        max_message_size_bytes=4 * 1024 * 1024,  # above the 1 MiB default
        retention_hours=24 * 30,  # above the 7-day default
        p99_latency_ms=0.001,  # no Python client reaches this
    )
    result, _ = _probe(kafka_url, workload=workload)
    found = {v.requirement: v for v in result.verdicts or []}
    assert found["node_failures"].status is CheckStatus.FAIL
    assert "5" in found["node_failures"].message and found["node_failures"].advice
    assert found["message_size"].status is CheckStatus.FAIL
    assert found["retention"].status is CheckStatus.WARN
    assert found["latency"].status is CheckStatus.WARN
    assert "not the broker's capacity" in found["latency"].message
    min_isr = result.summary.facts["min_insync_replicas"]
    expected = CheckStatus.PASS if isinstance(min_isr, int) and min_isr >= 2 else CheckStatus.FAIL
    assert found["durability"].status is expected
    assert _leftovers(admin, result.run_id) == ([], [])


# --- cleanup after cancellation and failure -----------------------------------------------------


@integration
@pytest.mark.parametrize("after", ["kafka.topic", "kafka.produce_latency", "kafka.consume_order"])
def test_cancellation_cleans_up(
    kafka_url: str, admin: Any, after: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    cancel = threading.Event()
    plan = kafka_checks.PLAN
    entry = plan.entry(after)
    assert isinstance(entry, Check)
    original = entry.run

    def then_cancel(ctx: runner.ProbeContext, run: Any, check: CheckRecorder) -> None:
        original(ctx, run, check)
        cancel.set()

    checks = tuple(
        dataclasses.replace(e, run=then_cancel) if e is entry else e for e in plan.checks
    )
    monkeypatch.setattr(kafka_checks, "PLAN", dataclasses.replace(plan, checks=checks))
    result, elapsed = _probe(kafka_url, cancel=cancel)
    assert result.checks[-1].failure_class is FailureClass.CANCELLED, result.checks
    assert not any(c.id == "kafka.topic_config" for c in result.checks)
    assert elapsed < BUDGET_S
    assert _leftovers(admin, result.run_id) == ([], [])


@integration
def test_cancellation_inside_the_consume_loop_cleans_up(
    kafka_url: str, admin: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    cancel = threading.Event()
    original = kafka_checks.KafkaConsumer

    class CancellingConsumer(original):  # type: ignore[misc, valid-type]
        def poll(self, *args: Any, **kwargs: Any) -> Any:
            cancel.set()  # and nothing arrives: the loop goes round and sees the cancellation
            return {}

    monkeypatch.setattr(kafka_checks, "KafkaConsumer", CancellingConsumer)
    result, elapsed = _probe(kafka_url, cancel=cancel)
    consume = result.check("kafka.consume_order")
    assert consume is not None and consume.failure_class is FailureClass.CANCELLED
    assert elapsed < BUDGET_S
    assert _leftovers(admin, result.run_id) == ([], [])


@integration
def test_failure_mid_check_still_cleans_up(
    kafka_url: str, admin: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken_send(*args: object, **kwargs: object) -> None:
        raise RuntimeError("simulated client failure")

    monkeypatch.setattr(kafka_checks.KafkaProducer, "send", broken_send)
    result, _ = _probe(kafka_url)
    produce = result.check("kafka.produce_latency")
    assert produce is not None and produce.status is CheckStatus.FAIL
    assert "simulated client failure" in produce.details
    consume = result.check("kafka.consume_order")
    assert consume is not None and consume.status is CheckStatus.SKIPPED
    assert _leftovers(admin, result.run_id) == ([], [])


@integration
def test_budget_spent_in_the_consume_loop_still_cleans_up(
    kafka_url: str, admin: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    def slow_empty_poll(self: Any, *args: Any, **kwargs: Any) -> dict[Any, Any]:
        time.sleep(0.2)
        return {}

    monkeypatch.setattr(kafka_checks.KafkaConsumer, "poll", slow_empty_poll)
    started = time.monotonic()
    result = runner.probe(parse_target(kafka_url), budget_s=3.0, stage_timeout_s=1.0)
    elapsed = time.monotonic() - started
    RUN_IDS.append(result.run_id)
    # The checks stop at the budget; the result waits for the cleanup (its own time limit).
    assert elapsed < 3.0 + runner.CLEANUP_ALLOWANCE_S
    consume = result.check("kafka.consume_order")
    assert consume is not None and consume.status is CheckStatus.FAIL, result.checks
    assert consume.failure_class in (FailureClass.BUDGET_EXCEEDED, FailureClass.TIMEOUT)
    assert consume.duration_ms < 3.0 * 1.1 * 1000
    assert kafka_leftovers(kafka_url.removeprefix("kafka://"), result.run_id) == []


# --- offline: protocol helpers ------------------------------------------------------------------


def test_api_versions_round_trip() -> None:
    frame = kafka_wire.api_versions_frame()
    size, key, version, correlation = struct.unpack(">ihhi", frame[:12])
    assert (size, key, version) == (len(frame) - 4, 18, 0)
    assert frame[8:12] == b"\n?\r\n"  # so line-based servers see a line end
    body = struct.pack(">ihi", correlation, 0, 2) + struct.pack(">hhhhhh", 0, 0, 11, 3, 0, 12)
    error, versions = kafka_wire.parse_api_versions(body)
    assert error == 0 and versions == {0: (0, 11), 3: (0, 12)}
    with pytest.raises(ValueError, match="correlation"):
        kafka_wire.parse_api_versions(struct.pack(">ihi", 7, 0, 0))


@pytest.mark.parametrize(
    ("reply", "expected"),
    [
        (b"+PONG\r\n", "Redis"),
        (b"-ERR unknown command\r\n", "Redis"),
        (b"HTTP/1.1 400 Bad Request\r\n", "HTTP"),
        (b"AMQP\x00\x00\x09\x01", "AMQP"),
        (b"\x15\x03\x03\x00\x02\x02\x46", "TLS"),
        (b"SSH-2.0-OpenSSH_9.2\r\n", "SSH"),
        (b"\x01\x02", "unexpected reply"),
    ],
)
def test_what_speaks_names_the_protocol(reply: bytes, expected: str) -> None:
    assert expected in kafka_wire.what_speaks(reply)


def test_keys_spread_over_every_partition() -> None:
    keys = kafka_checks.keys_for_partitions(3, 2)
    assert sorted(keys.values()) == [0, 0, 1, 1, 2, 2]


def test_bootstrap_failure_names_the_cause_from_client_logs() -> None:
    auth = kafka_wire.bootstrap_failure(
        ["SaslAuthenticationFailedError: Authentication failed"], "h:9092", 2
    )
    assert auth.failure_class is FailureClass.AUTH
    closed = kafka_wire.bootstrap_failure(
        ["Connection lost: KafkaConnectionError: socket disconnected"], "h:9092", 2
    )
    assert closed.failure_class is FailureClass.WRONG_PROTOCOL and "SASL" in closed.hint
    silent = kafka_wire.bootstrap_failure([], "h:9092", 2)
    assert silent.failure_class is FailureClass.TIMEOUT and "no cause logged" in silent.details


def test_every_client_timeout_comes_from_the_stage_timeout() -> None:
    target = parse_target("kafka://u:p@127.0.0.1:9092")
    ctx = runner.ProbeContext(
        target=target,
        run_id="x",
        budget_s=5,
        stage_timeout_s=1.5,
        cleanup_timeout_s=1,
        cancel=threading.Event(),
    )
    config = kafka_wire.client_config(ctx, ["127.0.0.1:9092"], 1.5, "c")
    for key in ("request_timeout_ms", "bootstrap_timeout_ms", "metadata_max_age_ms"):
        assert config[key] == 1500, key
    assert config["reconnect_backoff_max_ms"] <= 1000
    assert config["security_protocol"] == "SASL_PLAINTEXT"
    assert config["sasl_mechanism"] == "PLAIN"


# --- offline: verdicts --------------------------------------------------------------------------


def _result(facts: dict[str, Any], nodes: int, config_status: CheckStatus) -> ProbeResult:
    checks = [
        ProbeCheck(id="kafka.config", title="c", stage=Stage.INSPECT, status=config_status),
        ProbeCheck(id="kafka.cluster", title="c", stage=Stage.INSPECT, status=CheckStatus.PASS),
        ProbeCheck(
            id="kafka.produce_latency",
            title="p",
            stage=Stage.BEHAVE,
            status=CheckStatus.PASS,
            figures={"p99_ms": 12.0},
        ),
    ]
    return ProbeResult(
        target="kafka://h:9092",
        broker=Broker.KAFKA,
        run_id="r",
        started_at=datetime.now(UTC),
        duration_ms=1,
        budget_ms=1000,
        checks=checks,
        summary=ProbeSummary(nodes=nodes, max_message_bytes=1_048_588, facts=facts),
    )


GOOD_FACTS: dict[str, Any] = {
    "min_insync_replicas": 2,
    "default_replication_factor": 3,
    "unclean_leader_election": False,
    "retention_ms": 7 * 24 * 3_600_000,
}


@pytest.mark.parametrize(
    ("workload", "facts", "nodes", "requirement", "status"),
    [
        ({"tolerated_node_failures": 1}, GOOD_FACTS, 3, "node_failures", CheckStatus.PASS),
        ({"tolerated_node_failures": 1}, GOOD_FACTS, 2, "node_failures", CheckStatus.FAIL),
        ({"tolerated_node_failures": 2}, GOOD_FACTS, 3, "node_failures", CheckStatus.FAIL),
        (
            {"tolerated_node_failures": 1},
            {**GOOD_FACTS, "default_replication_factor": 1},
            3,
            "node_failures",
            CheckStatus.WARN,
        ),
        ({}, GOOD_FACTS, 3, "durability", CheckStatus.PASS),
        ({}, {**GOOD_FACTS, "min_insync_replicas": 1}, 3, "durability", CheckStatus.WARN),
        (
            {"tolerated_node_failures": 1},
            {**GOOD_FACTS, "min_insync_replicas": 1},
            3,
            "durability",
            CheckStatus.FAIL,
        ),
        ({}, {**GOOD_FACTS, "unclean_leader_election": True}, 3, "durability", CheckStatus.FAIL),
        ({"retention_hours": 24}, GOOD_FACTS, 3, "retention", CheckStatus.PASS),
        ({"retention_hours": 24 * 30}, GOOD_FACTS, 3, "retention", CheckStatus.WARN),
        (
            {"replay": True, "retention_hours": 8e4},
            {**GOOD_FACTS, "retention_ms": -1},
            3,
            "retention",
            CheckStatus.PASS,
        ),
        ({"max_message_size_bytes": 2_000_000}, GOOD_FACTS, 3, "message_size", CheckStatus.FAIL),
        ({"max_message_size_bytes": 100_000}, GOOD_FACTS, 3, "message_size", CheckStatus.PASS),
        ({"p99_latency_ms": 5}, GOOD_FACTS, 3, "latency", CheckStatus.WARN),
        ({"p99_latency_ms": 50}, GOOD_FACTS, 3, "latency", CheckStatus.PASS),
    ],
)
def test_kafka_verdicts(
    workload: dict[str, Any],
    facts: dict[str, Any],
    nodes: int,
    requirement: str,
    status: CheckStatus,
) -> None:
    result = _result(facts, nodes, CheckStatus.PASS)
    found = {v.requirement: v for v in verdicts.judge(result, Workload(**workload))}
    assert found[requirement].status is status, found[requirement]
    if status is not CheckStatus.PASS or requirement == "node_failures":
        assert found[requirement].advice or requirement == "latency"


def test_replicas_needed_is_a_majority() -> None:
    assert [kafka_verdicts.replicas_needed(f) for f in range(4)] == [1, 3, 5, 7]


def test_durability_verdict_fails_when_the_config_check_failed() -> None:
    result = _result(GOOD_FACTS, 3, CheckStatus.FAIL)
    result.checks[0] = result.checks[0].model_copy(
        update={"failure_class": FailureClass.TIMEOUT, "details": "no answer"}
    )
    found = {v.requirement: v for v in verdicts.judge(result, Workload())}
    assert found["durability"].status is CheckStatus.FAIL


# --- small budgets: the cleanup still runs before the result (and before the CLI exits) -------


@integration
@pytest.mark.parametrize("budget_s", ["0.5", "0.8"])
def test_cli_with_a_small_budget_leaves_no_topic(kafka_url: str, budget_s: str) -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "advisor.probe.cli", kafka_url, "--json", "--timeout", budget_s],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    assert proc.returncode in (0, 1), proc.stderr
    (result,) = json.loads(proc.stdout)
    RUN_IDS.append(result["run_id"])
    # The process has exited: whatever it created is gone already, no waiting.
    assert kafka_leftovers(kafka_url.removeprefix("kafka://"), result["run_id"]) == []
    assert not any(c["id"] == "kafka.cleanup" for c in result["checks"]), result["checks"][-3:]


@integration
@pytest.mark.parametrize("budget_s", [0.3, 1.0, 1.5])
def test_small_budgets_leave_no_topic_or_group(kafka_url: str, admin: Any, budget_s: float) -> None:
    before = _all_probe_topics(admin)
    result = runner.probe(parse_target(kafka_url), budget_s=budget_s)
    RUN_IDS.append(result.run_id)
    assert kafka_leftovers(kafka_url.removeprefix("kafka://"), result.run_id) == []
    assert kafka_wire.probe_name(result.run_id) not in _all_probe_topics(admin) - before


# --- no client of the probe re-creates a deleted topic ----------------------------------------


def _auto_create_enabled(admin: Any) -> bool:
    from kafka.admin._configs import ConfigResource, ConfigResourceType

    found = admin.describe_configs(
        [ConfigResource(ConfigResourceType.BROKER, "1", ["auto.create.topics.enable"])],
        config_filter="all",
    )
    value = found.get("broker", {}).get("1", {}).get("auto.create.topics.enable", {})
    return str(value.get("value", "")).lower() == "true"


@integration
def test_probe_clients_never_auto_create_a_topic(kafka_bootstrap: str, admin: Any) -> None:
    """kafka-python 3.0 drops allow_auto_create_topics; build_client must put it back."""
    if not _auto_create_enabled(admin):
        pytest.skip("the brokers do not auto-create topics, so there is nothing to guard")
    servers = kafka_bootstrap.split(",")
    ctx = runner.ProbeContext(
        target=parse_target(f"kafka://{kafka_bootstrap}"),
        run_id=uuid.uuid4().hex[:12],
        budget_s=10,
        stage_timeout_s=2,
        cleanup_timeout_s=2,
        cancel=threading.Event(),
    )
    topic = kafka_wire.probe_name(ctx.run_id) + ".never-created"
    config = kafka_wire.client_config(ctx, servers, 2.0, f"broker-advisor-tests-{ctx.run_id}")
    config.update(max_block_ms=1500, allow_auto_create_topics=False)
    producer = kafka_wire.build_client(KafkaProducer, config)
    try:
        assert producer._metadata.config["allow_auto_create_topics"] is False
        with pytest.raises(kerr.KafkaTimeoutError):
            producer.partitions_for(topic)  # metadata requests for a topic that does not exist
    finally:
        kafka_wire.close_producer(producer, 1.0)
    time.sleep(0.5)
    try:
        assert topic not in admin.list_topics()
    finally:
        if topic in admin.list_topics():
            admin.delete_topics([topic])


# --- offline: SASL hints, ordering and exactly-once verdicts -----------------------------------


def test_bootstrap_failure_with_credentials_never_asks_for_them() -> None:
    no_sasl = kafka_wire.bootstrap_failure(
        ["Unexpected Kafka request of type SASL_HANDSHAKE; illegal SASL state"],
        "h:9092",
        2,
        sasl=True,
    )
    assert no_sasl.failure_class is FailureClass.WRONG_PROTOCOL
    assert "does not use SASL" in no_sasl.hint and "give credentials" not in no_sasl.hint
    closed = kafka_wire.bootstrap_failure(
        ["Connection lost: KafkaConnectionError: socket disconnected"], "h:9092", 2, sasl=True
    )
    assert "give credentials" not in closed.hint


ORDER_CHECK = ProbeCheck(
    id="kafka.consume_order",
    title="c",
    stage=Stage.BEHAVE,
    status=CheckStatus.PASS,
    figures={"keys": 6, "partitions_seen": 3, "keys_out_of_order": 0},
)
PRODUCE_FACTS = {
    **GOOD_FACTS,
    "idempotent_producer_id": 42,
    "transactions_api": True,
    "transaction_state_replication_factor": 3,
}


@pytest.mark.parametrize(
    ("workload", "facts", "nodes", "order", "requirement", "status"),
    [
        ({"ordering": "per_key"}, GOOD_FACTS, 3, ORDER_CHECK, "ordering", CheckStatus.PASS),
        ({"ordering": "global"}, GOOD_FACTS, 3, ORDER_CHECK, "ordering", CheckStatus.WARN),
        (
            {"ordering": "per_key"},
            GOOD_FACTS,
            3,
            ORDER_CHECK.model_copy(
                update={
                    "status": CheckStatus.FAIL,
                    "failure_class": FailureClass.OTHER,
                    "details": "order broken: keys out of order ['key-1']",
                    "figures": {"keys_out_of_order": 1},
                }
            ),
            "ordering",
            CheckStatus.FAIL,
        ),
        (
            {"ordering": "per_key"},
            GOOD_FACTS,
            3,
            ORDER_CHECK.model_copy(
                update={"status": CheckStatus.FAIL, "failure_class": FailureClass.TIMEOUT}
            ),
            "ordering",
            CheckStatus.SKIPPED,
        ),
        ({"delivery": "exactly_once"}, PRODUCE_FACTS, 3, None, "exactly_once", CheckStatus.PASS),
        ({"needs_transactions": True}, PRODUCE_FACTS, 3, None, "exactly_once", CheckStatus.PASS),
        (
            {"delivery": "exactly_once"},
            {**PRODUCE_FACTS, "idempotent_producer_id": None},
            3,
            None,
            "exactly_once",
            CheckStatus.FAIL,
        ),
        (
            {"delivery": "exactly_once"},
            {**PRODUCE_FACTS, "transactions_api": False},
            3,
            None,
            "exactly_once",
            CheckStatus.FAIL,
        ),
        ({"delivery": "exactly_once"}, PRODUCE_FACTS, 1, None, "exactly_once", CheckStatus.FAIL),
    ],
)
def test_kafka_ordering_and_exactly_once_verdicts(
    workload: dict[str, Any],
    facts: dict[str, Any],
    nodes: int,
    order: ProbeCheck | None,
    requirement: str,
    status: CheckStatus,
) -> None:
    result = _result(facts, nodes, CheckStatus.PASS)
    if order is not None:
        result.checks.append(order)
    found = {v.requirement: v for v in verdicts.judge(result, Workload(**workload))}
    assert found[requirement].status is status, found[requirement]
    if status in (CheckStatus.FAIL, CheckStatus.WARN):
        assert found[requirement].advice


@integration
def test_ordering_and_exactly_once_against_the_sandbox(kafka_url: str, admin: Any) -> None:
    workload = Workload(ordering="per_key", delivery="exactly_once")
    result, _ = _probe(kafka_url, workload=workload)
    found = {v.requirement: v for v in result.verdicts or []}
    assert found["ordering"].status is CheckStatus.PASS, found["ordering"]
    assert found["exactly_once"].status is CheckStatus.PASS, found["exactly_once"]
    produce = result.check("kafka.produce_latency")
    assert produce is not None and int(produce.figures["producer_id"]) >= 0
    assert _leftovers(admin, result.run_id) == ([], [])
