"""The probe in Persian: check titles, details, hints, verdicts and the probe command's table."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from advisor import i18n
from advisor.probe import runner, verdicts
from advisor.probe.models import CheckStatus, FailureClass, ProbeCheck, ProbeResult, Stage
from advisor.probe.targets import parse_target
from advisor.workload import Broker, Workload
from tests.languages import persian as _persian
from tests.languages import run_cli as _cli

ROOT = Path(__file__).resolve().parents[3]
CLOSED = "redis://127.0.0.1:1/0"  # nothing listens on port 1: the connection is refused


def _workload() -> Workload:
    return Workload(
        ordering="global",
        delivery="exactly_once",
        tolerated_node_failures=1,
        p99_latency_ms=50,
        needs_dead_lettering=True,
    )


def test_a_refused_connection_is_worded_in_persian_and_exits_as_in_english() -> None:
    english, persian = _cli("probe", CLOSED), _cli("--lang", "fa", "probe", CLOSED)
    assert english.returncode == persian.returncode == 1
    assert "hint: Nothing listens on that port" in english.stdout
    assert not _persian(english.stdout + english.stderr)
    hint = next(line for line in persian.stdout.splitlines() if "[refused]" in line)
    assert "127.0.0.1:1" in hint and _persian(hint)
    assert "راهنمایی: چیزی روی آن پورت گوش نمی‌دهد" in persian.stdout
    # Ids, statuses and figures stay as they are: they are data.
    assert "FAIL       " in persian.stdout and "redis.connect" in persian.stdout
    assert _persian(persian.stderr)  # "probing 1 target(s)…"


def test_a_refused_connection_in_json_keeps_its_keys_and_words_its_messages() -> None:
    import json

    [result] = json.loads(_cli("--lang", "fa", "probe", CLOSED, "--json").stdout)
    connect = next(c for c in result["checks"] if c["id"] == "redis.connect")
    assert connect["status"] == "fail" and connect["failure_class"] == "refused"
    assert _persian(connect["title"]) and _persian(connect["details"]) and _persian(connect["hint"])
    skipped = next(c for c in result["checks"] if c["id"] == "redis.auth")
    assert _persian(skipped["skipped_reason"]) and "redis.connect" in skipped["skipped_reason"]


def test_english_stays_the_default_wording() -> None:
    with i18n.using("en"):
        result = runner.probe(parse_target(CLOSED), budget_s=5, stage_timeout_s=2)
    connect = result.check("redis.connect")
    assert connect is not None
    assert connect.title == "TCP connect to 127.0.0.1:1"
    assert connect.details == "127.0.0.1:1 refused the connection"


def _result(details: str) -> ProbeResult:
    check = ProbeCheck(
        id="redis.reliable_queue",
        title="",
        stage=Stage.BEHAVE,
        status=CheckStatus.FAIL,
        failure_class=FailureClass.OTHER,
        details=details,
    )
    return ProbeResult(
        target="redis://h:6379/0",
        broker=Broker.REDIS,
        run_id="0" * 12,
        started_at=datetime.now(UTC),
        duration_ms=1.0,
        budget_ms=1000.0,
        checks=[check],
    )


@pytest.mark.parametrize("worded_in", ["en", "fa"])
@pytest.mark.parametrize("judged_in", ["en", "fa"])
def test_out_of_order_messages_are_found_in_either_language(worded_in: str, judged_in: str) -> None:
    """A result saved in one language may be judged again in the other (a report)."""
    with i18n.using(worded_in):
        details = i18n.tr(
            "expected {count} items in order, got {got}", count=3, got=["b", "a", "c"]
        )
    with i18n.using(judged_in):
        found = verdicts.judge(_result(details), Workload(ordering="global"))
    ordering = next(v for v in found if v.requirement == "ordering")
    assert ordering.status is CheckStatus.FAIL
    opening = "بار کاری ترتیب" if judged_in == "fa" else "the workload needs global order"
    assert ordering.message.startswith(opening)


@pytest.mark.integration
def test_a_probe_of_the_sandbox_redis_is_worded_in_persian(redis_url: str) -> None:
    with i18n.using("fa"):
        result = runner.probe(
            parse_target(redis_url), budget_s=10, stage_timeout_s=3, workload=_workload()
        )
    assert not [c.id for c in result.checks if c.status is CheckStatus.FAIL]
    assert all(_persian(c.title) for c in result.checks), [c.title for c in result.checks]
    assert {c.id for c in result.checks} >= {"redis.connect", "redis.persistence", "redis.streams"}
    assert result.verdicts
    assert all(_persian(v.message) for v in result.verdicts), [v.message for v in result.verdicts]
    advice = [v.advice for v in result.verdicts if v.advice]
    assert advice and all(_persian(text) for text in advice)
    assert result.summary.replication and _persian(result.summary.replication)
    # The requirements and ids stay data.
    assert {v.requirement for v in result.verdicts} >= {"durability", "ordering", "latency"}


@pytest.mark.integration
def test_the_probe_command_prints_persian_for_the_sandbox_redis(redis_url: str) -> None:
    english, persian = _cli("probe", redis_url), _cli("--lang", "fa", "probe", redis_url)
    assert english.returncode == persian.returncode == 0
    assert "Reliable queue round trip (BLMOVE)" in english.stdout
    assert "رفت‌وبرگشت صف مطمئن (BLMOVE)" in persian.stdout
    assert "redis.reliable_queue" in persian.stdout and "p99_ms=" in persian.stdout


def test_a_bad_target_is_refused_in_persian_with_the_same_exit_status() -> None:
    english = _cli("probe", "redis://:pw-secret@h:notaport")
    persian = _cli("--lang", "fa", "probe", "redis://:pw-secret@h:notaport")
    assert english.returncode == persian.returncode == 2
    assert "port 'notaport' is not a number" in english.stderr
    assert _persian(persian.stderr) and "'notaport'" in persian.stderr
    assert "pw-secret" not in persian.stderr + persian.stdout
