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


HOSTILE_TARGET = "redis://h:1/0`<img src=x onerror=alert(9)>`"
HOSTILE_CHECK_ID = "redis.persistence``<script>alert(4)</script>"
HOSTILE_DETAILS = "AOF off <img src=x onerror=alert(5)> [x](javascript:alert(6)) | a | ``` ~~s~~"


def markdown_hostile_workload() -> Workload:
    """A workload whose name and notes try every way out of Markdown text and code spans."""
    return Workload(
        name="Shop `x` <script>alert(1)</script> [link](javascript:alert(2)) | &lt;b&gt;",
        notes="```\n<img src=x onerror=alert(3)>\n# not a heading\n| a | b |\n~~~\n![i](x.png)",
        uses_celery=True,
        needs_dead_lettering=True,
    )


def hostile_probe_result() -> ProbeResult:
    """A hand-edited probe results file: target, check ids, titles and details carry markup."""
    return ProbeResult(
        target=HOSTILE_TARGET,
        broker=Broker.REDIS,
        run_id="run-2",
        started_at=datetime(2026, 3, 4, 5, 0, 0, tzinfo=UTC),
        duration_ms=10.0,
        budget_ms=10_000,
        checks=[
            ProbeCheck(
                id=HOSTILE_CHECK_ID,
                title="Persistence <b>bold</b> `code` [x](javascript:alert(7))",
                stage=Stage.INSPECT,
                status=CheckStatus.WARN,
                duration_ms=1.0,
                details=HOSTILE_DETAILS,
                hint="<script>alert(8)</script>",
            ),
        ],
        summary=ProbeSummary(product="Redis <i>x</i>", version="7`<img>`"),
        verdicts=[
            Verdict(
                requirement="durability <script>",
                status=CheckStatus.WARN,
                message="<img src=x onerror=alert(10)>",
                advice="[x](javascript:alert(11))",
            )
        ],
    )
