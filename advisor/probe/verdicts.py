"""Judge workload requirements against live probe checks (data-driven, one rule list per broker)."""

from __future__ import annotations

from pydantic import BaseModel

from advisor.probe.models import ProbeResult, Verdict


def judge(result: ProbeResult, workload: BaseModel) -> list[Verdict]:
    """Verdicts for every requirement of the workload that the probe's checks can confirm."""
    return []
