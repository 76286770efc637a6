"""Live broker probes: staged checks with hard timeouts, progress events and verdicts (no Qt).

Use `parse_target(url)` or `targets_from_env()`, then `probe(target)`, `probe_many(targets)` or
iterate `run_probe(target)` for progress. See `advisor.probe.runner` for the broker-module
interface (one module per broker, registered in `runner.PROBE_MODULES`).
"""

from advisor.probe.models import (
    CheckStatus,
    Endpoint,
    FailureClass,
    ProbeCheck,
    ProbeEvent,
    ProbeResult,
    ProbeSummary,
    ProbeTarget,
    Stage,
    Verdict,
)
from advisor.probe.runner import probe, probe_many, run_probe
from advisor.probe.targets import TargetError, parse_target, redact, targets_from_env

__all__ = [
    "CheckStatus",
    "Endpoint",
    "FailureClass",
    "ProbeCheck",
    "ProbeEvent",
    "ProbeResult",
    "ProbeSummary",
    "ProbeTarget",
    "Stage",
    "TargetError",
    "Verdict",
    "parse_target",
    "probe",
    "probe_many",
    "redact",
    "run_probe",
    "targets_from_env",
]
