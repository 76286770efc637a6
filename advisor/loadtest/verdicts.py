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

from advisor.i18n import tr
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
            tr("the peak rate was not run ({option} chose another)", option="--rate"),
            tr(
                "Run without {option}, or with {peak}, to judge the peak.",
                option="--rate",
                peak="--rate peak",
            ),
        )
    figures = tr(
        "{received} msg/s received of {target} (sent {sent})",
        received=f"{peak.throughput_msg_per_s:,.0f}",
        target=f"{target:,.0f}",
        sent=f"{peak.send_rate_msg_per_s:,.0f}",
    )
    if peak.sustained:
        return CheckStatus.PASS, tr("sustained the peak: {figures}", figures=figures), ""
    if _generator_bound(peak):
        return (
            CheckStatus.WARN,
            tr("not shown: {figure}", figure=peak.limit_figure),
            tr(
                "Run the load generator on another machine or with more producer processes "
                "({producers}), or export the workload to OpenMessaging Benchmark ({export}).",
                producers="--producers",
                export="--export-omb",
            ),
        )
    return (
        CheckStatus.FAIL,
        tr(
            "did not sustain the peak: {figures}; {figure}",
            figures=figures,
            figure=peak.limit_figure,
        ),
        tr(
            "Give the broker more resources, spread the load (partitions, queues, shards), or "
            "lower the delivery guarantees where the workload allows."
        ),
    )


def _p99(w: Facts, r: LoadTestResult) -> Judgement:
    phase = _headline(r)
    target = float(w["p99_latency_ms"])
    if phase is None or phase.received == 0:
        return (
            CheckStatus.FAIL,
            tr("no message was received, so no latency was measured"),
            "",
        )
    p99 = phase.latency_ms.p99
    text = tr(
        "p99 {p99} ms at {rate} msg/s (target {target} ms; p50 {p50}, p99.9 {p999}, max {max} ms)",
        p99=f"{p99:,.1f}",
        rate=f"{phase.target_rate_msg_per_s:,.0f}",
        target=f"{target:g}",
        p50=f"{phase.latency_ms.p50:,.1f}",
        p999=f"{phase.latency_ms.p999:,.1f}",
        max=f"{phase.latency_ms.max:,.1f}",
    )
    if phase.censored:
        text += tr(
            "; {count} messages never arrived and count at the time they waited",
            count=f"{phase.censored:,}",
        )
    if p99 <= target:
        return CheckStatus.PASS, text, ""
    lag = phase.send_lag_ms.p99
    if lag >= LAG_SHARE * p99 and _generator_bound(phase):
        return (
            CheckStatus.WARN,
            tr(
                "{text}; the load generator itself sent {lag} ms late at p99 ({figure})",
                text=text,
                lag=f"{lag:,.0f}",
                figure=phase.limit_figure,
            ),
            tr("The generator on this machine, not the broker, adds most of this latency."),
        )
    return (
        CheckStatus.FAIL,
        tr("{text}: above the target", text=text),
        tr(
            "Look at the broker's backlog and CPU during the phase; fewer messages in flight "
            "(prefetch, batch sizes) and faster consumers lower the tail."
        ),
    )


def _needs_no_loss(w: Facts) -> bool:
    return not bool(w.get("crash_may_lose_messages", False))


def _no_loss(w: Facts, r: LoadTestResult) -> Judgement:
    if not r.phases:
        return CheckStatus.SKIPPED, tr("no phase ran, so nothing was counted"), ""
    counted = tr(
        "{sent} sent, {acknowledged} acknowledged by the broker, {received} received by every "
        "receiver",
        sent=f"{r.sent:,}",
        acknowledged=f"{r.acknowledged:,}",
        received=f"{r.received:,}",
    )
    if r.lost:
        return (
            CheckStatus.FAIL,
            tr(
                "{count} messages acknowledged by the broker never arrived ({counted})",
                count=f"{r.lost:,}",
                counted=counted,
            ),
            tr(
                "Use the recommended delivery settings (publisher confirms or {acks}, durable "
                "queues, consumer acknowledgements) and check the broker's logs for drops.",
                acks="acks=all",
            ),
        )
    extra = []
    if r.failed_publishes:
        extra.append(
            tr(
                "{count} publishes failed (the producer was told)",
                count=f"{r.failed_publishes:,}",
            )
        )
    if r.unconfirmed:
        extra.append(tr("{count} were never acknowledged", count=f"{r.unconfirmed:,}"))
    if extra:
        return (
            CheckStatus.WARN,
            tr(
                "none lost end to end, but {problems} ({counted})",
                problems=tr("; ").join(extra),
                counted=counted,
            ),
            "",
        )
    return CheckStatus.PASS, tr("no message lost end to end ({counted})", counted=counted), ""


def _needs_order(w: Facts) -> bool:
    return str(w.get("ordering", "none")) != "none"


def _ordering(w: Facts, r: LoadTestResult) -> Judgement:
    order = r.ordering
    kind = str(w.get("ordering"))
    if not order.checked:
        return CheckStatus.SKIPPED, tr("ordering was not checked"), ""
    consumers = r.plan.consumers_per_receiver
    problems = []
    if order.inversions:
        problems.append(tr("{count} messages arrived out of order", count=f"{order.inversions:,}"))
    if order.split_keys and kind == "per_key":
        problems.append(
            tr(
                "{count} keys were served by more than one consumer of a receiver",
                count=order.split_keys,
            )
        )
    if kind == "global" and consumers > 1:
        problems.append(
            tr("{count} competing consumers process messages in parallel", count=consumers)
        )
    if problems:
        return (
            CheckStatus.FAIL,
            tr("; ").join(problems),
            tr(
                "Route each key to one consumer (Kafka keys and partitions, RabbitMQ single "
                "active consumer or consistent-hash exchange) or use one consumer for global "
                "order."
            ),
        )
    if kind == "global":
        return CheckStatus.PASS, tr("global order held in every receiver"), ""
    if kind == "per_key":
        return CheckStatus.PASS, tr("per key order held in every receiver"), ""
    return (
        CheckStatus.PASS,
        tr("{kind} order held in every receiver", kind=kind.replace("_", " ")),
        "",
    )


def _generator(w: Facts, r: LoadTestResult) -> Judgement:
    bound = [
        p
        for p in r.phases + r.saturation.steps
        if p.limited_by is not Limiter.NONE and _generator_bound(p)
    ]
    if not bound:
        return CheckStatus.PASS, tr("the load generator kept its schedule in every phase"), ""
    first = bound[0]
    return (
        CheckStatus.WARN,
        tr(
            "from {rate} msg/s this machine was the limit: {figure}",
            rate=f"{first.target_rate_msg_per_s:,.0f}",
            figure=first.limit_figure,
        ),
        tr("Figures above that rate describe this machine, not the broker."),
    )


def _cleanup(w: Facts, r: LoadTestResult) -> Judgement:
    if r.cleanup.leftovers:
        return (
            CheckStatus.WARN,
            tr("left behind: {list}", list=tr(", ").join(r.cleanup.leftovers)),
            tr("They expire on their own where the broker supports it; otherwise delete them."),
        )
    if not r.cleanup.leftovers_checked:
        return (
            CheckStatus.WARN,
            tr(
                "could not check for leftovers: {problems}",
                problems=tr("; ").join(r.cleanup.problems),
            ),
            "",
        )
    return (
        CheckStatus.PASS,
        tr("every temporary {prefix} resource was removed", prefix="broker-advisor.loadtest…"),
        "",
    )


RULES: tuple[Rule, ...] = (
    Rule("peak_rate", lambda w: True, _peak_rate, lambda r: getattr(_peak(r), "name", None)),
    Rule("p99_latency", lambda w: True, _p99),
    Rule("no_loss", _needs_no_loss, _no_loss, lambda r: None),
    Rule("ordering", _needs_order, _ordering, lambda r: None),
    Rule("load_generator", lambda w: True, _generator, lambda r: None),
    Rule("cleanup", lambda w: True, _cleanup, lambda r: None),
)


def _marked(text: str) -> str:
    """Isolated Latin runs ("\u2068120 ms\u2069") held by marks instead: a Verdict escapes
    isolates (a guard against hostile broker text) but keeps the left-to-right and right-to-left
    marks. The run starts left to right and ends in the Persian sentence's direction; a message
    that starts with one keeps a right-to-left paragraph."""
    if "\u2068" not in text:
        return text
    marked = text.replace("\u2068", "\u200e").replace("\u2069", "\u200f")
    return "\u200f" + marked if marked.startswith("\u200e") else marked


def judge(result: LoadTestResult, workload: Workload) -> list[Verdict]:
    """The verdicts of a load test for the workload's requirements."""
    facts = workload.model_dump(mode="json")
    if result.errors and not result.phases:
        return [
            Verdict(
                requirement="load_test",
                status=CheckStatus.FAIL,
                message=_marked(
                    tr(
                        "the load test could not run: {errors}",
                        errors=tr("; ").join(result.errors),
                    )
                ),
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
                message=_marked(message),
                advice=_marked(advice),
            )
        )
    return out
