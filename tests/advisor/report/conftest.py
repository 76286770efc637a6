"""Report test set-up: presets, fixed timestamps, a hostile workload and probe results with secrets."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from advisor import engine, paths
from advisor.probe.models import (
    CheckStatus,
    ProbeCheck,
    ProbeResult,
    ProbeSummary,
    Stage,
    Verdict,
)
from advisor.recommendation import Recommendation
from advisor.workload import Broker, Workload, load_workload

GENERATED_AT = datetime(2026, 3, 4, 5, 6, 7, tzinfo=UTC)
PASSWORD = "s3cr3t-Pa55w0rd"
SECRET_URL = f"redis://admin:{PASSWORD}@cache.internal:6379/0"
HOSTILE = "<script>alert(1)</script>"


def preset_paths() -> list[Path]:
    return sorted(paths.presets_dir().glob("*.yaml"))


def preset_ids() -> list[str]:
    return [p.stem for p in preset_paths()]


def recommend(workload: Workload) -> Recommendation:
    return engine.recommend(workload)


def hostile_workload() -> Workload:
    return Workload(
        name=f"Shop {HOSTILE} <b>bold</b> [link](javascript:alert(2))",
        notes=f"Line one {HOSTILE}\n<img src=x onerror=alert(3)>\n**not bold** & friends",
        uses_celery=True,
        cache_or_sessions=True,
    )


def probe_result_with_secret(broker: Broker = Broker.REDIS) -> ProbeResult:
    """A probe result whose target, details and figures carry a password, as a careless caller
    (or a hand-edited JSON file) might write them."""
    return ProbeResult(
        target=SECRET_URL,
        broker=broker,
        run_id="run-1",
        started_at=datetime(2026, 3, 4, 5, 0, 0, tzinfo=UTC),
        duration_ms=812.5,
        budget_ms=10_000,
        checks=[
            ProbeCheck(
                id="redis.connect",
                title="TCP connect",
                stage=Stage.CONNECT,
                status=CheckStatus.PASS,
                duration_ms=1.2,
                details=f"connected to {SECRET_URL}",
                figures={"rtt_ms": 0.4},
            ),
            ProbeCheck(
                id="redis.persistence",
                title="Persistence",
                stage=Stage.INSPECT,
                status=CheckStatus.WARN,
                duration_ms=3.0,
                details="AOF is off; RDB snapshots every 60 s",
                hint="enable appendonly yes with appendfsync everysec",
                figures={"aof_enabled": 0, "url": SECRET_URL},
            ),
            ProbeCheck(
                id="redis.cluster",
                title="Cluster mode",
                stage=Stage.INSPECT,
                status=CheckStatus.SKIPPED,
                skipped_reason="not a cluster",
            ),
        ],
        summary=ProbeSummary(
            product="Redis",
            version="7.2.4",
            mode="standalone",
            max_message_bytes=536_870_912,
            facts={"maxmemory_policy": "noeviction"},
        ),
        verdicts=[
            Verdict(
                requirement="durability",
                status=CheckStatus.WARN,
                evidence="redis.persistence",
                message="a crash may lose ~60 s of writes",
                advice="turn on AOF",
            )
        ],
    )


@pytest.fixture(scope="session")
def presets() -> dict[str, tuple[Workload, Recommendation]]:
    loaded = {}
    for path in preset_paths():
        workload = load_workload(path)
        loaded[path.stem] = (workload, recommend(workload))
    return loaded
