"""The probe CLI (exit codes, JSON without passwords) and the verdict rules (golden table)."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest

from advisor.probe import cli, runner, targets, verdicts
from advisor.probe.models import (
    CheckStatus,
    FailureClass,
    ProbeCheck,
    ProbeResult,
    ProbeSummary,
    Stage,
)
from advisor.workload import Broker, Workload


def test_no_target_and_no_env_is_exit_2(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    for name in ("REDIS_URL", "CELERY_BROKER_URL", "AMQP_URL", "KAFKA_BOOTSTRAP_SERVERS"):
        monkeypatch.delenv(name, raising=False)
    assert cli.main([]) == 2
    assert "REDIS_URL" in capsys.readouterr().err


def test_bad_target_is_exit_2(capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["redis://:pw-secret@h:notaport"]) == 2
    err = capsys.readouterr().err
    assert "not a number" in err and "pw-secret" not in err


def test_bad_workload_file_is_exit_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "w.yaml"
    path.write_text("tolerated_node_failures: many\n")
    assert cli.main(["redis://127.0.0.1:1", "--workload", str(path)]) == 2
    assert "tolerated_node_failures" in capsys.readouterr().err


def test_failed_probe_is_exit_1_and_json_has_no_password(
    closed_port: int, capsys: pytest.CaptureFixture[str]
) -> None:
    code = cli.main(
        [
            f"redis://:pw-secret-1@127.0.0.1:{closed_port}",
            f"amqp://user:pw-secret-2@127.0.0.1:{closed_port}/%2F",
            "--json",
            "--management-url",
            "http://user:pw-secret-3@127.0.0.1:1",
        ]
    )
    out = capsys.readouterr().out
    assert code == 1
    assert "pw-secret" not in out
    data = json.loads(out)
    assert [r["broker"] for r in data] == ["redis", "rabbitmq"]
    assert data[0]["checks"][1]["failure_class"] == "refused"


@pytest.mark.parametrize("value", ["nan", "inf", "-1", "0"])
@pytest.mark.parametrize("flag", ["--timeout", "--stage-timeout"])
def test_unusable_timeouts_are_exit_2(
    flag: str, value: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert cli.main(["redis://127.0.0.1:1", flag, value]) == 2
    err = capsys.readouterr().err
    assert flag in err and "seconds" in err and "Traceback" not in err


def test_a_probe_that_crashes_is_exit_1_not_an_empty_success(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    def crash(*args: object, **kwargs: object) -> ProbeResult:
        raise RuntimeError("simulated crash in the probe thread")

    monkeypatch.setattr(runner, "probe", crash)
    code = cli.main(["redis://:pw-secret@127.0.0.1:1", "--json"])
    captured = capsys.readouterr()
    assert code == 1
    data = json.loads(captured.out)
    assert len(data) == 1 and data[0]["checks"][0]["id"] == "probe.error"
    assert "simulated crash" in data[0]["checks"][0]["details"]
    assert "Traceback" not in captured.err and "pw-secret" not in captured.out + captured.err


@pytest.mark.integration
def test_celery_and_listener_prefixed_env_values_are_probed_and_a_bad_one_reported(
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    amqp_url: str,
    kafka_bootstrap: str,
) -> None:
    amqp = targets.parse_target(amqp_url)
    hosts = ",".join(f"PLAINTEXT://{h}" for h in kafka_bootstrap.split(","))
    monkeypatch.setenv("REDIS_URL", "redis://:pw-secret@127.0.0.1:notaport/0")
    monkeypatch.setenv("CELERY_BROKER_URL", f"pyamqp://guest:guest@{amqp.endpoint}//")
    monkeypatch.delenv("AMQP_URL", raising=False)
    monkeypatch.setenv("KAFKA_BOOTSTRAP_SERVERS", hosts)
    code = cli.main(["--json"])
    captured = capsys.readouterr()
    assert code == 1  # the bad variable is a failed result, not a usage error
    data = json.loads(captured.out)
    assert [r["broker"] for r in data] == ["redis", "rabbitmq", "kafka"]
    bad = data[0]
    assert bad["target"].startswith("REDIS_URL=") and bad["checks"][0]["id"] == "probe.target"
    assert "not a number" in bad["checks"][0]["details"]
    assert "REDIS_URL" in captured.err
    for probed in data[1:]:
        failed = [c["id"] for c in probed["checks"] if c["status"] == "fail"]
        assert failed == [], (probed["target"], failed)
    assert data[1]["target"].startswith("pyamqp://guest:***@")
    assert data[2]["target"].startswith("kafka://")
    assert "pw-secret" not in captured.out + captured.err


@pytest.mark.integration
def test_healthy_probe_table_is_exit_0(redis_url: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main([redis_url]) == 0
    out = capsys.readouterr().out
    assert "redis.ping_latency" in out and "p99_ms=" in out


def _result(broker: Broker, checks: dict[str, CheckStatus], **summary: object) -> ProbeResult:
    facts = summary.pop("facts", {})
    return ProbeResult(
        target="x://h",
        broker=broker,
        run_id="r",
        started_at=datetime.now(UTC),
        duration_ms=1,
        budget_ms=10_000,
        checks=[
            ProbeCheck(id=i, title=i, stage=Stage.BEHAVE, status=s, figures={"p99_ms": 5.0})
            for i, s in checks.items()
        ],
        summary=ProbeSummary(facts=facts, **summary),
    )  # type: ignore[arg-type]


P, W, F, S = CheckStatus.PASS, CheckStatus.WARN, CheckStatus.FAIL, CheckStatus.SKIPPED
REDIS_OK = {
    "redis.persistence": W,
    "redis.memory": P,
    "redis.info": P,
    "redis.reliable_queue": P,
    "redis.streams": P,
    "redis.ping_latency": P,
}
RABBIT_OK = {
    "rabbitmq.quorum_queue": P,
    "rabbitmq.publish_consume": P,
    "rabbitmq.dead_lettering": P,
    "rabbitmq.confirm_latency": P,
    "rabbitmq.server": P,
    "rabbitmq.mgmt_nodes": P,
}


@pytest.mark.parametrize(
    ("broker", "checks", "summary", "workload", "requirement", "expected"),
    [
        (
            Broker.REDIS,
            REDIS_OK,
            {"facts": {"aof_enabled": False, "rdb_enabled": False}},
            {},
            "durability",
            F,
        ),
        (
            Broker.REDIS,
            REDIS_OK,
            {"facts": {"aof_enabled": True, "appendfsync": "everysec"}},
            {},
            "durability",
            W,  # a machine crash may lose the last second: not enough when nothing may be lost
        ),
        (
            Broker.REDIS,
            REDIS_OK,
            {"facts": {"aof_enabled": True, "appendfsync": "always"}},
            {},
            "durability",
            P,
        ),
        (
            Broker.REDIS,
            REDIS_OK,
            {"facts": {"aof_enabled": True, "appendfsync": "unknown"}},
            {},
            "durability",
            W,
        ),
        (
            Broker.REDIS,
            REDIS_OK,
            {"facts": {"aof_enabled": False, "rdb_enabled": None}},
            {},
            "durability",
            F,
        ),
        (
            Broker.REDIS,
            REDIS_OK,
            {},
            {"ordering": "per_key", "consumption": "consumer_groups"},
            "ordering",
            P,
        ),
        (
            Broker.REDIS,
            REDIS_OK,
            {},
            {"ordering": "global", "consumption": "competing_workers"},
            "ordering",
            W,
        ),
        (Broker.REDIS, REDIS_OK, {}, {"ordering": "none"}, "ordering", None),
        (Broker.REDIS, REDIS_OK, {}, {"delivery": "exactly_once"}, "exactly_once", W),
        (
            Broker.RABBITMQ,
            RABBIT_OK,
            {},
            {"ordering": "global", "consumption": "fan_out"},
            "ordering",
            P,
        ),
        (Broker.RABBITMQ, RABBIT_OK, {}, {"ordering": "global"}, "ordering", W),
        (
            Broker.RABBITMQ,
            {**RABBIT_OK, "rabbitmq.publish_consume": F},
            {},
            {"ordering": "per_key"},
            "ordering",
            S,  # failed without an order problem (see the failed-order case below)
        ),
        (Broker.RABBITMQ, RABBIT_OK, {}, {"delivery": "exactly_once"}, "exactly_once", W),
        (Broker.RABBITMQ, RABBIT_OK, {}, {"delivery": "at_least_once"}, "exactly_once", None),
        (
            Broker.REDIS,
            REDIS_OK,
            {"facts": {"aof_enabled": False, "rdb_enabled": False}},
            {"crash_may_lose_messages": True},
            "durability",
            None,
        ),
        (
            Broker.REDIS,
            REDIS_OK,
            {"replicas": 0},
            {"tolerated_node_failures": 1},
            "node_failures",
            F,
        ),
        (
            Broker.REDIS,
            REDIS_OK,
            {"replicas": 2, "mode": "sentinel"},
            {"tolerated_node_failures": 1},
            "node_failures",
            W,
        ),
        (
            Broker.REDIS,
            REDIS_OK,
            {"facts": {"maxmemory_bytes": 100, "maxmemory_policy": "allkeys-lru"}},
            {},
            "no_eviction",
            F,
        ),
        (Broker.REDIS, REDIS_OK, {}, {"p99_latency_ms": 1}, "latency", W),
        (Broker.REDIS, REDIS_OK, {}, {"p99_latency_ms": 50}, "latency", P),
        (Broker.REDIS, REDIS_OK, {"max_message_bytes": 1000}, {}, "message_size", F),
        (Broker.RABBITMQ, RABBIT_OK, {}, {"needs_dead_lettering": True}, "dead_lettering", P),
        (
            Broker.RABBITMQ,
            {**RABBIT_OK, "rabbitmq.dead_lettering": F},
            {},
            {"needs_dead_lettering": True},
            "dead_lettering",
            F,
        ),
        (
            Broker.RABBITMQ,
            RABBIT_OK,
            {"nodes": 1},
            {"tolerated_node_failures": 1},
            "node_failures",
            F,
        ),
        (
            Broker.RABBITMQ,
            RABBIT_OK,
            {"nodes": 3},
            {"tolerated_node_failures": 1},
            "node_failures",
            P,
        ),
        (
            Broker.RABBITMQ,
            {**RABBIT_OK, "rabbitmq.mgmt_nodes": S},
            {"nodes": 3},
            {"tolerated_node_failures": 1},
            "node_failures",
            S,
        ),
        (
            Broker.RABBITMQ,
            RABBIT_OK,
            {"max_message_bytes": 16 * 2**20},
            {"max_message_size_bytes": 32 * 2**20, "avg_message_size_bytes": 1024},
            "message_size",
            F,
        ),
    ],
)
def test_verdict_rules(
    *,
    broker: Broker,
    checks: dict[str, CheckStatus],
    summary: dict[str, object],
    workload: dict[str, object],
    requirement: str,
    expected: CheckStatus | None,
) -> None:
    result = _result(broker, checks, **summary)
    found = {v.requirement: v for v in verdicts.judge(result, Workload(**workload))}
    if expected is None:
        assert requirement not in found
        return
    verdict = found[requirement]
    assert verdict.status is expected, verdict
    if expected in (F, W):
        assert verdict.advice
    if requirement == "latency":
        assert "not the broker's capacity" in verdict.message


def test_durability_verdict_says_what_is_unknown_when_config_get_is_refused() -> None:
    result = _result(Broker.REDIS, REDIS_OK, facts={"aof_enabled": False, "rdb_enabled": None})
    found = {v.requirement: v for v in verdicts.judge(result, Workload())}
    message = found["durability"].message
    assert "only RDB" not in message
    assert "could not be read" in message and "aof_enabled:0" in message


def test_ordering_verdict_fails_when_the_order_was_broken() -> None:
    result = _result(Broker.RABBITMQ, RABBIT_OK)
    check = result.check("rabbitmq.publish_consume")
    assert check is not None
    check.status, check.failure_class = CheckStatus.FAIL, FailureClass.OTHER
    check.details = "expected 10 messages in order, got ['msg-1', 'msg-0']"
    found = {v.requirement: v for v in verdicts.judge(result, Workload(ordering="per_key"))}
    assert found["ordering"].status is CheckStatus.FAIL and found["ordering"].advice


def test_latency_verdict_says_what_was_measured() -> None:
    result = _result(Broker.RABBITMQ, RABBIT_OK)
    check = result.check("rabbitmq.confirm_latency")
    assert check is not None
    check.figures.update(messages="persistent", queue="quorum")
    found = {v.requirement: v for v in verdicts.judge(result, Workload(p99_latency_ms=50))}
    assert "persistent messages on a quorum queue" in found["latency"].message
