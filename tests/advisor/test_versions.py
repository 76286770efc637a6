"""Version-aware advice: versions stated in a workload, detected by a probe, or the current one."""

from __future__ import annotations

import json
import shutil
from datetime import UTC, datetime
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from advisor import cli, engine, paths, rules, versions
from advisor.probe.models import ProbeResult, ProbeSummary
from advisor.recommendation import Recommendation, VersionSource
from advisor.workload import Broker, Workload, WorkloadFileError, parse_workload

PRIORITY_JOBS = {
    "name": "Priority jobs",
    "avg_rate_msg_per_s": 200,
    "consumption": "competing_workers",
    "needs_priorities": True,
    "needs_dead_lettering": True,
    "crash_may_lose_messages": False,
}


def _rabbitmq(version: str | None) -> Recommendation:
    data = dict(PRIORITY_JOBS)
    if version:
        data["versions"] = {"rabbitmq": version}
    return engine.recommend(parse_workload(data), what_if=False)


def _advice(rec: Recommendation, broker: Broker) -> dict[str, str]:
    return {a.rule_id: a.text for a in rec.assessment(broker).advice}


# --- golden: the same workload on RabbitMQ 3.13 and on 4.3 -------------------------------------


def test_priorities_and_retries_on_rabbitmq_3_13() -> None:
    advice = _advice(_rabbitmq("3.13"), Broker.RABBITMQ)
    assert "x-max-priority" in advice["rabbitmq-priorities-before-4"]
    assert (
        "quorum queues ignore message priorities before 4.0"
        in (advice["rabbitmq-priorities-before-4"])
    )
    assert "retry queues with a message TTL" in advice["rabbitmq-retry-queues"]
    assert "x-delivery-limit" in advice["rabbitmq-delivery-limit-3x"]
    assert "rabbitmq-delayed-retry" not in advice
    assert "rabbitmq-priorities-strict" not in advice
    assert "rabbitmq-nack-not-counted" not in advice
    # 3.13 gets no public patches any more: the stated old release is pointed out.
    assert "rabbitmq-old-release" in advice


def test_priorities_and_retries_on_rabbitmq_4_3() -> None:
    advice = _advice(_rabbitmq("4.3"), Broker.RABBITMQ)
    assert "32 strict priority levels" in advice["rabbitmq-priorities-strict"]
    assert "delayed-retry-min" in advice["rabbitmq-delayed-retry"]
    assert "basic.reject" in advice["rabbitmq-nack-not-counted"]
    for older in (
        "rabbitmq-priorities-before-4",
        "rabbitmq-priorities-two-levels",
        "rabbitmq-retry-queues",
        "rabbitmq-delivery-limit-3x",
        "rabbitmq-old-release",
    ):
        assert older not in advice


def test_unstated_version_means_the_current_release() -> None:
    unstated, current = _rabbitmq(None), _rabbitmq(str(versions.current(Broker.RABBITMQ)))
    assert _advice(unstated, Broker.RABBITMQ).keys() - {"rabbitmq-old-release"} == (
        _advice(current, Broker.RABBITMQ).keys() - {"rabbitmq-old-release"}
    )
    used = {v.broker: v for v in unstated.versions}
    assert used[Broker.RABBITMQ].source is VersionSource.CURRENT
    assert used[Broker.RABBITMQ].version == str(versions.current(Broker.RABBITMQ))


def test_two_priority_levels_between_4_0_and_4_2() -> None:
    for version in ("4.0", "4.1.4", "4.2"):
        advice = _advice(_rabbitmq(version), Broker.RABBITMQ)
        assert "served about 2:1, not strictly" in advice["rabbitmq-priorities-two-levels"]


def test_patterns_follow_the_version() -> None:
    data = {"consumption": "competing_workers", "ordering": "none", "workers": 40}
    new = engine.recommend(parse_workload(data), what_if=False)
    old = engine.recommend(parse_workload({**data, "versions": {"kafka": "3.9"}}), what_if=False)
    new_pattern = new.assessment(Broker.KAFKA).pattern
    old_pattern = old.assessment(Broker.KAFKA).pattern
    assert new_pattern is not None and new_pattern.pattern_id == "kafka-share-group"
    assert old_pattern is not None and old_pattern.pattern_id != "kafka-share-group"
    cons = {r.rule_id for r in old.assessment(Broker.KAFKA).cons}
    assert "kafka-no-share-groups" in cons


def test_redis_stream_trimming_by_version() -> None:
    data = {"replay": True, "retention_hours": 24, "crash_may_lose_messages": False}
    new = _advice(engine.recommend(parse_workload(data), what_if=False), Broker.REDIS)
    old = _advice(
        engine.recommend(parse_workload({**data, "versions": {"redis": "7.0"}}), what_if=False),
        Broker.REDIS,
    )
    assert (
        "ACKED" in new["redis-streams-acked-trim"] and "XACKDEL" in new["redis-streams-acked-trim"]
    )
    assert "redis-streams-trim-risk" not in new
    assert "delete entries still pending" in old["redis-streams-trim-risk"]
    assert "redis-streams-acked-trim" not in old


# --- detected versions ---------------------------------------------------------------------------


def _probe_result(broker: Broker, version: str | None) -> ProbeResult:
    return ProbeResult(
        target=f"{broker.value}://127.0.0.1",
        broker=broker,
        run_id="t",
        started_at=datetime(2026, 12, 2, tzinfo=UTC),
        duration_ms=1,
        budget_ms=1,
        summary=ProbeSummary(version=version),
    )


def test_detected_versions_from_probe_results() -> None:
    results = [
        _probe_result(Broker.RABBITMQ, "3.10.8"),
        _probe_result(Broker.REDIS, "?"),
        _probe_result(Broker.KAFKA, None),
    ]
    assert versions.detected(results) == {Broker.RABBITMQ: "3.10.8"}


def test_a_detected_version_rewrites_the_advice_and_says_what_differs() -> None:
    workload = parse_workload({**PRIORITY_JOBS, "versions": {"rabbitmq": "4.3"}})
    rec = engine.recommend(workload, what_if=False, detected={Broker.RABBITMQ: "3.10.8"})
    used = {v.broker: v for v in rec.versions}
    assert used[Broker.RABBITMQ].source is VersionSource.DETECTED
    assert (used[Broker.RABBITMQ].version, used[Broker.RABBITMQ].stated) == ("3.10.8", "4.3")
    (note,) = rec.version_notes
    assert (note.broker, note.detected, note.assumed) == (Broker.RABBITMQ, "3.10.8", "4.3")
    assert any("RabbitMQ 3.10.8: quorum queues ignore message priorities" in t for t in note.added)
    assert any("32 strict priority levels" in t for t in note.removed)
    assert "rabbitmq-priorities-before-4" in _advice(rec, Broker.RABBITMQ)


def test_a_detected_version_equal_to_the_assumed_one_adds_no_note() -> None:
    workload = parse_workload({**PRIORITY_JOBS, "versions": {"rabbitmq": "3.10"}})
    rec = engine.recommend(workload, what_if=False, detected={Broker.RABBITMQ: "3.10.0"})
    assert rec.version_notes == []


def test_an_unreadable_detected_version_is_ignored() -> None:
    rec = engine.recommend(Workload(), what_if=False, detected={Broker.REDIS: "unknown\x1b[2J"})
    assert rec.version_notes == []
    assert {v.broker: v.source for v in rec.versions}[Broker.REDIS] is VersionSource.CURRENT


def test_cli_recommend_uses_probe_results(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    workload = tmp_path / "w.yaml"
    workload.write_text(json.dumps(PRIORITY_JOBS), encoding="utf-8")
    probes = tmp_path / "probe.json"
    results = [_probe_result(Broker.RABBITMQ, "3.10.8").model_dump(mode="json")]
    probes.write_text(json.dumps(results), encoding="utf-8")
    assert (
        cli.main(["recommend", str(workload), "--no-what-if", "--probe-results", str(probes)]) == 0
    )
    out = capsys.readouterr().out
    assert "RabbitMQ 3.10.8 (detected by a probe)" in out
    assert "You run RabbitMQ 3.10.8; without the probe the advice was for 4.3" in out


def test_cli_recommend_names_a_bad_probe_results_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    workload = tmp_path / "w.yaml"
    workload.write_text("name: x\n", encoding="utf-8")
    probes = tmp_path / "probe.json"
    probes.write_text("{not json", encoding="utf-8")
    assert cli.main(["recommend", str(workload), "--probe-results", str(probes)]) == 2
    err = capsys.readouterr().err
    assert str(probes) in err and "Traceback" not in err


# --- reading versions ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "parts"),
    [
        ("4.3", (4, 3, 0)),
        ("3.13.7", (3, 13, 7)),
        ("7.0.15-1~deb12u1", (7, 0, 15)),
        ("v4.4.0", (4, 4, 0)),
        ("4.1.0-rc.1", (4, 1, 0)),
        ("8", (8, 0, 0)),
    ],
)
def test_versions_read(text: str, parts: tuple[int, int, int]) -> None:
    assert versions.Version.parse(text).parts == parts


def test_versions_order_numerically_not_as_text() -> None:
    parse = versions.Version.parse
    assert parse("3.9") < parse("3.10") < parse("3.13") < parse("4.0") < parse("4.10")
    assert parse("4.3") == parse("4.3.0")


@given(st.text(max_size=200))
def test_any_text_is_a_version_or_a_version_error(text: str) -> None:
    try:
        version = versions.Version.parse(text)
    except versions.VersionError as error:
        assert "\x1b" not in error.problem
    else:
        assert len(version.text) <= versions.MAX_TEXT


@pytest.mark.parametrize(
    ("versions_field", "expected"),
    [
        ({"rabbitmq": 4.3}, "must be text in quotes"),
        ({"rabbitmq": "four"}, "'four' is not a version"),
        ({"rabbit": "4.3"}, "'redis', 'rabbitmq' or 'kafka'"),
        ({"kafka": "4." + "1" * 100}, "at most 64 characters"),
        ({"redis": "8.2\x1b[31m"}, "is not a version"),
    ],
)
def test_bad_versions_in_a_workload_are_named(versions_field: object, expected: str) -> None:
    with pytest.raises(WorkloadFileError) as caught:
        parse_workload({"name": "x", "versions": versions_field}, "w.yaml")
    message = str(caught.value)
    assert "versions" in message and expected in message and "\x1b" not in message


def test_a_rule_with_an_unreadable_version_is_refused(tmp_path: Path) -> None:
    folder = tmp_path / "rules"
    shutil.copytree(paths.rules_dir(), folder)
    (folder / "zz-bad.yaml").write_text(
        "rules:\n"
        "  - id: bad-version\n"
        "    when: {fact: rabbitmq_version, op: gte, value: 4.3}\n"
        "    advice:\n"
        "      - {broker: rabbitmq, cite: rabbitmq.priorities, text: some advice}\n",
        encoding="utf-8",
    )
    with pytest.raises(rules.RulebookError) as caught:
        rules.load_rulebook_from(folder)
    assert "bad-version" in str(caught.value) and "rabbitmq_version" in str(caught.value)


def test_versions_round_trip_through_a_workload_file(tmp_path: Path) -> None:
    from advisor.workload import load_workload, save_workload

    path = tmp_path / "w.yaml"
    save_workload(parse_workload({"name": "x", "versions": {"rabbitmq": "3.10"}}), path)
    assert 'rabbitmq: "3.10"' in path.read_text(encoding="utf-8") or (
        "rabbitmq: '3.10'" in path.read_text(encoding="utf-8")
    )
    assert load_workload(path).versions == {Broker.RABBITMQ: "3.10"}


# --- the probe's version verdict -----------------------------------------------------------------


def _probed(broker: Broker, version: str, check_id: str) -> ProbeResult:
    from advisor.probe.models import CheckStatus, ProbeCheck, Stage

    result = _probe_result(broker, version)
    result.checks.append(
        ProbeCheck(
            id=check_id,
            title="Server",
            stage=Stage.INSPECT,
            status=CheckStatus.PASS,
            duration_ms=1,
        )
    )
    return result


def _version_verdict(result: ProbeResult, workload: Workload) -> tuple[str, str, str]:
    from advisor.probe import verdicts

    (verdict,) = [v for v in verdicts.judge(result, workload) if v.requirement == "version"]
    return verdict.status.value, verdict.message, verdict.advice


def test_the_version_verdict_warns_when_the_server_is_older_than_assumed() -> None:
    workload = parse_workload(PRIORITY_JOBS)
    status, message, advice = _version_verdict(
        _probed(Broker.RABBITMQ, "3.10.8", "rabbitmq.server"), workload
    )
    assert status == "warn"
    assert "RabbitMQ 3.10.8 runs here, not the 4.3 the advice assumed" in message
    assert "3.10.8" in advice


def test_the_version_verdict_passes_when_the_server_runs_the_assumed_version() -> None:
    workload = parse_workload({**PRIORITY_JOBS, "versions": {"rabbitmq": "4.3"}})
    status, message, _ = _version_verdict(
        _probed(Broker.RABBITMQ, "4.3.2", "rabbitmq.server"), workload
    )
    assert status == "pass" and "holds for it" in message


def test_kafka_lower_bounds_read_as_their_version() -> None:
    result = _probed(Broker.KAFKA, "4.3 or later", "kafka.api_versions")
    assert versions.detected([result]) == {Broker.KAFKA: "4.3"}
    status, message, _ = _version_verdict(result, parse_workload({"name": "x"}))
    assert status in ("pass", "warn") and "Kafka 4.3 runs here" in message
