"""Probe verdicts in a report are judged against the report's own workload, and say so."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest

from advisor import report
from advisor.probe import verdicts
from advisor.probe.models import CheckStatus, ProbeCheck, ProbeResult, ProbeSummary, Stage
from advisor.recommendation import Recommendation
from advisor.report import context, env
from advisor.workload import Broker, Workload
from tests.advisor.report.conftest import GENERATED_AT


def rabbitmq_result() -> ProbeResult:
    """A RabbitMQ probe whose dead-lettering check failed (as in the reviewer's mismatch.md)."""
    return ProbeResult(
        target="amqp://guest:***@rabbit.internal:5672/%2F",
        broker=Broker.RABBITMQ,
        run_id="run-3",
        started_at=datetime(2026, 3, 4, 5, 0, 0, tzinfo=UTC),
        duration_ms=300.0,
        budget_ms=10_000,
        checks=[
            ProbeCheck(
                id="rabbitmq.quorum_queue",
                title="Quorum queue",
                stage=Stage.BEHAVE,
                status=CheckStatus.PASS,
                duration_ms=9.0,
            ),
            ProbeCheck(
                id="rabbitmq.publish_consume",
                title="Publish and consume",
                stage=Stage.BEHAVE,
                status=CheckStatus.PASS,
                duration_ms=9.0,
            ),
            ProbeCheck(
                id="rabbitmq.dead_lettering",
                title="Dead-lettering",
                stage=Stage.BEHAVE,
                status=CheckStatus.FAIL,
                duration_ms=9.0,
                details="no message reached the dead-letter exchange",
            ),
        ],
        summary=ProbeSummary(product="RabbitMQ", version="4.1.0", nodes=1),
    )


@pytest.fixture
def mismatch(
    presets: dict[str, tuple[Workload, Recommendation]],
) -> tuple[Workload, Recommendation, ProbeResult]:
    """A clickstream report given a probe judged against order processing (dead-lettering)."""
    other, _ = presets["order-processing"]
    workload, recommendation = presets["clickstream-analytics"]
    assert other.needs_dead_lettering and not workload.needs_dead_lettering
    probe = rabbitmq_result()
    judged = probe.model_copy(update={"verdicts": verdicts.judge(probe, other)})
    assert "dead_lettering" in {v.requirement for v in judged.verdicts or []}
    return workload, recommendation, judged


def test_verdicts_for_another_workload_are_judged_again(
    mismatch: tuple[Workload, Recommendation, ProbeResult],
) -> None:
    workload, recommendation, probe = mismatch
    expected = verdicts.judge(probe, workload)
    ctx = context.build_context(workload, recommendation, [probe], generated_at=GENERATED_AT)
    (view,) = ctx.probes
    assert [v.requirement for v in view.verdicts] == [
        context.words(v.requirement) for v in expected
    ]
    assert "dead lettering" not in [v.requirement for v in view.verdicts]
    assert view.verdicts_workload == workload.name and view.verdicts_replaced

    md = report.render("md", workload, recommendation, [probe], generated_at=GENERATED_AT)
    html = report.render("html", workload, recommendation, [probe], generated_at=GENERATED_AT)
    assert isinstance(md, str) and isinstance(html, str)
    (foreign,) = [v for v in probe.verdicts or [] if v.requirement == "dead_lettering"]
    for text in (md, html):
        assert foreign.message.split(":")[0] not in text
        assert "another workload" in text
    assert f'judged against this record\'s workload, "{workload.name}"' in md
    assert f"Verdicts for the workload &ldquo;{workload.name}&rdquo;" in html

    data = json.loads(
        str(report.render("json", workload, recommendation, [probe], generated_at=GENERATED_AT))
    )
    assert data["probe_results"][0]["verdicts"] == [v.model_dump(mode="json") for v in expected]


def test_results_without_verdicts_get_them(
    presets: dict[str, tuple[Workload, Recommendation]],
) -> None:
    workload, recommendation = presets["order-processing"]
    probe = rabbitmq_result()
    assert probe.verdicts is None
    ctx = context.build_context(workload, recommendation, [probe], generated_at=GENERATED_AT)
    (view,) = ctx.probes
    assert "dead lettering" in [v.requirement for v in view.verdicts]
    assert not view.verdicts_replaced
    assert view.status == "fail"  # the failed dead-lettering verdict counts for this workload
    md = report.render("md", workload, recommendation, [probe], generated_at=GENERATED_AT)
    (judged,) = [v for v in verdicts.judge(probe, workload) if v.requirement == "dead_lettering"]
    assert judged.status is CheckStatus.FAIL
    assert f"* dead lettering: fail. {env.md_escape(judged.message)}" in str(md)
    assert "another workload" not in str(md)


def test_a_verdict_bug_does_not_lose_the_report(
    presets: dict[str, tuple[Workload, Recommendation]], monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(result: ProbeResult, workload: object) -> list[object]:
        raise KeyError("tolerated_node_failures")

    monkeypatch.setattr(verdicts, "judge", broken)
    workload, recommendation = presets["order-processing"]
    md = report.render(
        "md", workload, recommendation, [rabbitmq_result()], generated_at=GENERATED_AT
    )
    assert "could not judge the workload: KeyError" in str(md)
