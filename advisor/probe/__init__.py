"""Live broker probes: staged checks with hard timeouts, progress events and verdicts (no Qt).

Use `parse_target(url)` or `targets_from_env()`, then `probe(target)`, `probe_many(targets)` or
iterate `run_probe(target)` for progress. Each broker is a package (`redis`, `rabbitmq`,
`kafka`: wire code, a check plan, verdicts), registered in `runner.PROBE_MODULES`; see
`advisor.probe.plan` for how a plan is written and `advisor.probe.runner` for what it may use.
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
