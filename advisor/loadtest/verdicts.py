"""Judge a load test against the workload: peak rate, p99 target, loss, ordering.

Each rule reads the workload's fields from `workload.model_dump()` (facts, never the live
object), says when it applies, and turns the result into (status, message, advice). When the
load generator on this machine, not the broker, held the rate back, the verdict says so and
names the figure (a warning: the broker was not shown to fail).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from advisor.loadtest.models import Limiter, LoadTestResult, PhaseKind, PhaseResult
from advisor.probe.models import CheckStatus, Verdict
from advisor.workload import Workload

Facts = Mapping[str, Any]
Judgement = tuple[CheckStatus, str, str]

# The latency verdict blames the generator when its own send lag makes up this much of the p99.
LAG_SHARE = 0.5


@dataclass(frozen=True)
class Rule:
    requirement: str
    applies: Callable[[Facts], bool]
    judge: Callable[[Facts, LoadTestResult], Judgement]
    evidence: Callable[[LoadTestResult], str | None] = lambda r: r.headline_phase or None


def _headline(result: LoadTestResult) -> PhaseResult | None:
    return next((p for p in result.phases if p.name == result.headline_phase), None)


def _peak(result: LoadTestResult) -> PhaseResult | None:
    return next((p for p in result.phases if p.kind is PhaseKind.PEAK), None)


def _generator_bound(phase: PhaseResult) -> bool:
    return phase.limited_by in (Limiter.LOAD_GENERATOR, Limiter.MACHINE)


def _peak_rate(w: Facts, r: LoadTestResult) -> Judgement:
    peak = _peak(r)
    target = float(w["peak_rate_msg_per_s"])
    if peak is None:
        return (
            CheckStatus.SKIPPED,
            "the peak rate was not run (--rate chose another)",
            "Run without --rate, or with --rate peak, to judge the peak.",
        )
    figures = (
        f"{peak.throughput_msg_per_s:,.0f} msg/s received of {target:,.0f} "
        f"(sent {peak.send_rate_msg_per_s:,.0f})"
    )
    if peak.sustained:
        return CheckStatus.PASS, f"sustained the peak: {figures}", ""
    if _generator_bound(peak):
        return (
            CheckStatus.WARN,
            f"not shown: {peak.limit_figure}",
            "Run the load generator on another machine or with more producer processes "
            "(--producers), or export the workload to OpenMessaging Benchmark (--export-omb).",
        )
    return (
        CheckStatus.FAIL,
        f"did not sustain the peak: {figures}; {peak.limit_figure}",
        "Give the broker more resources, spread the load (partitions, queues, shards), or "
        "lower the delivery guarantees where the workload allows.",
    )


def _p99(w: Facts, r: LoadTestResult) -> Judgement:
    phase = _headline(r)
    target = float(w["p99_latency_ms"])
    if phase is None or phase.received == 0:
        return CheckStatus.FAIL, "no message was received, so no latency was measured", ""
    p99 = phase.latency_ms.p99
    text = (
        f"p99 {p99:,.1f} ms at {phase.target_rate_msg_per_s:,.0f} msg/s (target {target:g} ms; "
        f"p50 {phase.latency_ms.p50:,.1f}, p99.9 {phase.latency_ms.p999:,.1f}, max "
        f"{phase.latency_ms.max:,.1f} ms)"
    )
    if phase.censored:
        text += f"; {phase.censored:,} messages never arrived and count at the time they waited"
    if p99 <= target:
        return CheckStatus.PASS, text, ""
    lag = phase.send_lag_ms.p99
    if lag >= LAG_SHARE * p99 and _generator_bound(phase):
        return (
            CheckStatus.WARN,
            f"{text}; the load generator itself sent {lag:,.0f} ms late at p99 "
            f"({phase.limit_figure})",
            "The generator on this machine, not the broker, adds most of this latency.",
        )
    return (
        CheckStatus.FAIL,
        f"{text}: above the target",
        "Look at the broker's backlog and CPU during the phase; fewer messages in flight "
        "(prefetch, batch sizes) and faster consumers lower the tail.",
    )


def _needs_no_loss(w: Facts) -> bool:
    return not bool(w.get("crash_may_lose_messages", False))


def _no_loss(w: Facts, r: LoadTestResult) -> Judgement:
    if not r.phases:
        return CheckStatus.SKIPPED, "no phase ran, so nothing was counted", ""
    counted = (
        f"{r.sent:,} sent, {r.acknowledged:,} acknowledged by the broker, {r.received:,} "
        f"received by every receiver"
    )
    if r.lost:
        return (
            CheckStatus.FAIL,
            f"{r.lost:,} messages acknowledged by the broker never arrived ({counted})",
            "Use the recommended delivery settings (publisher confirms or acks=all, durable "
            "queues, consumer acknowledgements) and check the broker's logs for drops.",
        )
    extra = []
    if r.failed_publishes:
        extra.append(f"{r.failed_publishes:,} publishes failed (the producer was told)")
    if r.unconfirmed:
        extra.append(f"{r.unconfirmed:,} were never acknowledged")
    if extra:
        return CheckStatus.WARN, f"none lost end to end, but {'; '.join(extra)} ({counted})", ""
    return CheckStatus.PASS, f"no message lost end to end ({counted})", ""


def _needs_order(w: Facts) -> bool:
    return str(w.get("ordering", "none")) != "none"


def _ordering(w: Facts, r: LoadTestResult) -> Judgement:
    order = r.ordering
    kind = str(w.get("ordering"))
    if not order.checked:
        return CheckStatus.SKIPPED, "ordering was not checked", ""
    consumers = r.plan.consumers_per_receiver
    problems = []
    if order.inversions:
        problems.append(f"{order.inversions:,} messages arrived out of order")
    if order.split_keys and kind == "per_key":
        problems.append(
            f"{order.split_keys} keys were served by more than one consumer of a receiver"
        )
    if kind == "global" and consumers > 1:
        problems.append(f"{consumers} competing consumers process messages in parallel")
    if problems:
        return (
            CheckStatus.FAIL,
            "; ".join(problems),
            "Route each key to one consumer (Kafka keys and partitions, RabbitMQ single active "
            "consumer or consistent-hash exchange) or use one consumer for global order.",
        )
    return CheckStatus.PASS, f"{kind.replace('_', ' ')} order held in every receiver", ""


def _generator(w: Facts, r: LoadTestResult) -> Judgement:
    bound = [
        p
        for p in r.phases + r.saturation.steps
        if p.limited_by is not Limiter.NONE and _generator_bound(p)
    ]
    if not bound:
        return CheckStatus.PASS, "the load generator kept its schedule in every phase", ""
    first = bound[0]
    return (
        CheckStatus.WARN,
        f"from {first.target_rate_msg_per_s:,.0f} msg/s this machine was the limit: "
        f"{first.limit_figure}",
        "Figures above that rate describe this machine, not the broker.",
    )


def _cleanup(w: Facts, r: LoadTestResult) -> Judgement:
    if r.cleanup.leftovers:
        return (
            CheckStatus.WARN,
            f"left behind: {', '.join(r.cleanup.leftovers)}",
            "They expire on their own where the broker supports it; otherwise delete them.",
        )
    if not r.cleanup.leftovers_checked:
        return (
            CheckStatus.WARN,
            "could not check for leftovers: " + "; ".join(r.cleanup.problems),
            "",
        )
    return CheckStatus.PASS, "every temporary broker-advisor.loadtest… resource was removed", ""


RULES: tuple[Rule, ...] = (
    Rule("peak_rate", lambda w: True, _peak_rate, lambda r: getattr(_peak(r), "name", None)),
    Rule("p99_latency", lambda w: True, _p99),
    Rule("no_loss", _needs_no_loss, _no_loss, lambda r: None),
    Rule("ordering", _needs_order, _ordering, lambda r: None),
    Rule("load_generator", lambda w: True, _generator, lambda r: None),
    Rule("cleanup", lambda w: True, _cleanup, lambda r: None),
)


def judge(result: LoadTestResult, workload: Workload) -> list[Verdict]:
    """The verdicts of a load test for the workload's requirements."""
    facts = workload.model_dump(mode="json")
    if result.errors and not result.phases:
        return [
            Verdict(
                requirement="load_test",
                status=CheckStatus.FAIL,
                message="the load test could not run: " + "; ".join(result.errors),
            )
        ]
    out = []
    for rule in RULES:
        if not rule.applies(facts):
            continue
        status, message, advice = rule.judge(facts, result)
        out.append(
            Verdict(
                requirement=rule.requirement,
                status=status,
                evidence=rule.evidence(result),
                message=message,
                advice=advice,
            )
        )
    return out
