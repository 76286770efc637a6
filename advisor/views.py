"""Worded views of the parts of a recommendation that the CLI, the app and the reports all show."""

from __future__ import annotations

from collections.abc import Sequence

from pydantic import BaseModel, ConfigDict, Field

from advisor import precedents, units
from advisor.i18n import N_, tr
from advisor.loadtest.models import BakeoffResult, DeliverySettings, LoadTestResult, PhaseResult
from advisor.probe.models import CheckStatus, ProbeResult
from advisor.recommendation import Recommendation, VersionSource


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class HybridPartView(_Model):
    """One broker's part in a hybrid design."""

    broker: str
    broker_title: str
    role: str
    reason: str


class HybridView(_Model):
    """A hybrid design, worded."""

    name: str
    lead: str = Field(description="One sentence: what the design is and that one broker leads.")
    parts: list[HybridPartView]
    citation: str
    citation_title: str


class PrecedentView(_Model):
    """A published decision, worded for a list of 'teams like yours'."""

    id: str
    headline: str = Field(description="e.g. 'DoorDash (2020) chose Kafka, leaving RabbitMQ'.")
    title: str
    broker: str
    broker_title: str
    similarity: str = Field(description="Similarity as a percentage, e.g. '62%'.")
    agrees: bool = Field(description="The team chose what this recommendation puts first.")
    reasons: list[str]
    source: str


class ConfidenceView(_Model):
    """The confidence line and what lowered it."""

    level: str
    headline: str
    factors: list[str]
    unstated: list[str]


def hybrid_view(recommendation: Recommendation) -> HybridView | None:
    """The hybrid design of a recommendation, if it has one."""
    hybrid = recommendation.hybrid
    if hybrid is None or recommendation.winner is None:
        return None
    return HybridView(
        name=hybrid.name,
        lead=tr(
            "{name}. The ranking still names {broker} as the primary broker; this design splits "
            "the work where each part is served best.",
            name=hybrid.name,
            broker=recommendation.winner.title,
        ),
        parts=[
            HybridPartView(
                broker=part.broker.value,
                broker_title=part.broker.title,
                role=part.role,
                reason=part.reason,
            )
            for part in hybrid.parts
        ],
        citation=hybrid.citation,
        citation_title=hybrid.citation_title,
    )


def precedent_views(recommendation: Recommendation) -> list[PrecedentView]:
    """The nearest precedents, worded in the current language."""
    views = []
    for item in recommendation.precedents:
        words = precedents.worded(item)
        year = precedents.digits(item.year)
        percent = f"{item.similarity * 100:.0f}"
        who = {"organisation": item.organisation, "year": year, "broker": item.broker.title}
        headline = (
            tr(
                "{organisation} ({year}) chose {broker}, leaving {left}",
                left=item.left.title,
                **who,
            )
            if item.left
            else tr("{organisation} ({year}) chose {broker}", **who)
        )
        views.append(
            PrecedentView(
                id=item.id,
                headline=headline,
                title=words.title,
                broker=item.broker.value,
                broker_title=item.broker.title,
                similarity=tr("{percent}%", percent=precedents.digits(percent)),
                agrees=item.broker == recommendation.winner,
                reasons=list(words.reasons),
                source=item.source,
            )
        )
    return views


_LEVELS = {"high": N_("high"), "medium": N_("medium"), "low": N_("low")}


def confidence_view(recommendation: Recommendation) -> ConfidenceView:
    """The confidence level, its explanation, and what lowered it."""
    confidence = recommendation.confidence
    level = "tie" if confidence.tie else confidence.level.value
    return ConfidenceView(
        level=level,
        headline=tr("Confidence: {level}", level=tr(_LEVELS[confidence.level.value]))
        + (tr(" (a tie)") if confidence.tie else "")
        + f". {confidence.explanation}",
        factors=list(confidence.factors),
        unstated=list(confidence.unstated),
    )


class VersionNoteView(_Model):
    """What a detected version changes for one broker."""

    headline: str = Field(description="e.g. 'You run RabbitMQ 3.10.8; the advice assumed 4.3.'")
    winner_changes: str
    added: list[str]
    removed: list[str]


class VersionsView(_Model):
    """The versions the advice is written for, and what detected versions change."""

    line: str = Field(description="One line naming each broker's version and where it is from.")
    notes: list[VersionNoteView]


_SOURCE_WORDS = {
    VersionSource.STATED: N_("stated"),
    VersionSource.DETECTED: N_("detected by a probe"),
    VersionSource.CURRENT: N_("current release, assumed"),
}


def versions_view(recommendation: Recommendation) -> VersionsView | None:
    """The versions line and version notes, or None for a recommendation made without them."""
    if not recommendation.versions:
        return None
    parts = []
    for used in recommendation.versions:
        words = tr(_SOURCE_WORDS[used.source])
        if used.stated and used.stated != used.version:
            words += tr("; the workload states {version}", version=used.stated)
        parts.append(f"{used.broker.title} {used.version} ({words})")
    notes = [
        VersionNoteView(
            headline=tr(
                "You run {broker} {detected}; without the probe the advice was for {assumed}. "
                "What differs:",
                broker=note.broker.title,
                detected=note.detected,
                assumed=note.assumed,
            ),
            winner_changes=note.winner_changes,
            added=list(note.added),
            removed=list(note.removed),
        )
        for note in recommendation.version_notes
    ]
    return VersionsView(line=tr("Advice written for {list}.", list=_list(parts)), notes=notes)


class CapacityRow(_Model):
    """One capacity estimate, worded."""

    title: str
    value: str


def capacity_rows(recommendation: Recommendation) -> list[CapacityRow]:
    """The capacity estimates as every output shows them."""
    cap = recommendation.capacity
    rows = [
        (N_("Average bandwidth"), units.human_bandwidth(cap.avg_bandwidth_bytes_per_s)),
        (N_("Peak bandwidth"), units.human_bandwidth(cap.peak_bandwidth_bytes_per_s)),
        (N_("Messages per day"), units.human_number(cap.messages_per_day)),
        (N_("Messages retained"), units.human_number(cap.retained_messages)),
        (N_("Data retained (one copy)"), units.human_bytes(cap.retained_bytes)),
        (N_("Redis memory for the retained data"), units.human_bytes(cap.redis_memory_bytes)),
        (N_("Kafka partitions (estimate)"), units.human_number(cap.kafka_partitions)),
        (N_("Kafka replication factor"), units.human_number(cap.kafka_replication_factor)),
        (N_("Kafka disk, all replicas"), units.human_bytes(cap.kafka_disk_bytes)),
        (
            N_("RabbitMQ backlog after 10 min at peak with consumers stalled"),
            tr("{count} messages", count=units.human_number(cap.rabbitmq_queue_depth_at_peak)),
        ),
        (N_("Broker nodes for the tolerated failures"), units.human_number(cap.nodes_needed)),
    ]
    return [CapacityRow(title=tr(title), value=value) for title, value in rows]


def _list(items: Sequence[str]) -> str:
    return tr(", ").join(items)


def probe_headline(result: ProbeResult) -> str:
    """One line of what a probe learnt about the broker: product and version, mode, replication
    and persistence (the CLI table, the app's probe panel and the reports show the same)."""
    summary = result.summary
    # Product and mode are kept as data ("Apache Kafka (or compatible)", "single node"): worded
    # here, in the language of whoever reads the line (results saved in English included).
    product = tr(summary.product) if summary.product else result.broker.title
    facts = [f"{product} {summary.version or ''}".strip()]
    mode = tr(summary.mode) if summary.mode else None
    facts += [v for v in (mode, summary.replication, summary.persistence) if v]
    return " · ".join(facts)


class ProbeConflictView(_Model):
    """The live recommended broker failing (or warning on) what the workload needs."""

    status: str = Field(title="Status", description="'fail' or 'warn'.")
    headline: str = Field(title="Headline", description="e.g. 'Kafka is recommended; your ...'.")
    details: list[str] = Field(default_factory=list, title="Verdicts against it")


def probe_conflict(
    recommendation: Recommendation, results: Sequence[ProbeResult]
) -> ProbeConflictView | None:
    """When a probe of the recommended broker contradicts the recommendation: its failing
    verdicts (else its warnings), worded once for the app and the reports."""
    winner = recommendation.winner
    if winner is None or recommendation.tied:
        return None
    probed = [r for r in results if r.broker is winner and r.verdicts]
    if not probed:
        return None
    verdicts = probed[-1].verdicts or []
    for status, headline in (
        (CheckStatus.FAIL, N_("{broker} is recommended; your {broker} fails {list}.")),
        (CheckStatus.WARN, N_("{broker} is recommended; your {broker} warns on {list}.")),
    ):
        against = [v for v in verdicts if v.status is status]
        if against:
            # The requirement names as the reports word them (assets/i18n/fa/report.yaml).
            names = [tr(v.requirement.replace("_", " ")) for v in against]
            listed = names[0] if len(names) == 1 else _list(names[:-1]) + tr(" and ") + names[-1]
            return ProbeConflictView(
                status=status.value,
                headline=tr(headline, broker=winner.title, list=listed),
                details=[
                    f"{_capital(name)}: {v.message}" for name, v in zip(names, against, strict=True)
                ],
            )
    return None


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:]


# --- load tests -------------------------------------------------------------------------------
# One worded view of a load test (or a bake-off) for the CLI, the app and every report format:
# the numbers are formatted here, once, through advisor.units.

LATENCY_PERCENTILES: tuple[tuple[str, str], ...] = (
    ("p50", "p50"),
    ("p90", "p90"),
    ("p99", "p99"),
    ("p999", "p99.9"),
    ("max", "max"),
)


class FigureRow(_Model):
    """A titled figure, already worded."""

    title: str
    value: str


class LatencyBar(_Model):
    """One latency percentile: its label, value and the value in words."""

    key: str = Field(description="p50, p90, p99, p999 or max.")
    label: str = Field(description="p50, p90, p99, p99.9 or max.")
    ms: float
    text: str


class ThroughputStep(_Model):
    """One phase (or ramp step) on the time line: what was asked for and what got through."""

    phase: str
    start_s: float = Field(description="Seconds of load before this phase, phases back to back.")
    end_s: float
    target_msg_per_s: float
    received_msg_per_s: float
    sustained: bool
    text: str = Field(description="e.g. '4,980 of 5,000 msg/s'.")


class LoadVerdictView(_Model):
    """A load-test verdict on one requirement of the workload."""

    requirement: str
    status: str
    message: str
    advice: str


class LoadTestView(_Model):
    """A load test worded for display: headline figures, chart data, verdicts."""

    broker: str
    broker_title: str
    server: str = Field(description="Product and version the broker reported, e.g. 'Redis 7.2'.")
    target: str = Field(description="The display address (never a password).")
    started_at: str
    status: str = Field(description="pass, warn or fail: the worst verdict.")
    cancelled: bool
    headline: str = Field(description="One line: throughput and p99 of the headline phase.")
    headline_phase: str
    figures: list[FigureRow]
    latency: list[LatencyBar] = Field(description="Of the headline phase, from the intended time.")
    throughput: list[ThroughputStep]
    saturation: str
    saturation_range: str = Field(description="Short: e.g. '5,000-10,000 msg/s (machine)'.")
    delivery: str
    environment: str
    verdicts: list[LoadVerdictView]
    notes: list[str]
    errors: list[str]
    cleanup: str


class BakeoffView(_Model):
    """Several load tests side by side, labelled as what they are."""

    workload_name: str
    label: str = Field(description="One machine, loopback, these versions (empty for one run).")
    tests: list[LoadTestView]
    skipped: list[str] = Field(description="Brokers not run, and why.")


def _load_status(result: LoadTestResult) -> str:
    if result.failed:
        return CheckStatus.FAIL.value
    return result.status.value


def delivery_text(d: DeliverySettings) -> str:
    """A load test's delivery settings in words (the CLI, the app and the reports say it so)."""
    parts = [
        tr("acknowledged publishes") if d.publisher_confirms else tr("unacknowledged publishes"),
        tr("persistent") if d.persistent else tr("transient"),
        tr("manual consumer acks") if d.consumer_acks else tr("auto-ack"),
    ]
    for name, value in (
        ("acks", d.kafka_acks),
        (N_("replication factor"), d.replication_factor),
        ("min.insync.replicas", d.min_insync_replicas),
        (N_("queue"), d.queue_type),
        ("prefetch", d.prefetch),
        (N_("structure"), d.redis_mode),
    ):
        if value is not None:
            parts.append(f"{tr(name)} {value}")
    return tr(", ").join(parts)


def _headline_phase(result: LoadTestResult) -> PhaseResult | None:
    named = [p for p in result.phases if p.name == result.headline_phase]
    if named:
        return named[0]
    return result.phases[-1] if result.phases else None


def _saturation_text(result: LoadTestResult) -> str:
    sat = result.saturation
    if not sat.measured:
        return tr("not measured")
    if sat.message:
        return sat.message
    if sat.unsustained_msg_per_s is None:
        return tr(
            "at least {rate} (not reached)", rate=units.human_rate(sat.sustained_msg_per_s or 0)
        )
    return tr(
        "between {low} and {high} ({limit})",
        low=units.human_rate(sat.sustained_msg_per_s or 0),
        high=units.human_rate(sat.unsustained_msg_per_s),
        limit=tr(sat.limited_by.value.replace("_", " ")),
    )


def _saturation_range(result: LoadTestResult) -> str:
    sat = result.saturation
    if not sat.measured:
        return "not measured"
    low = units.human_number(round(sat.sustained_msg_per_s or 0))
    if sat.unsustained_msg_per_s is None:
        return f"not reached (≥ {low} msg/s)"
    high = units.human_rate(round(sat.unsustained_msg_per_s))
    return f"{low}–{high} ({sat.limited_by.value.replace('_', ' ')})"


def throughput_steps(result: LoadTestResult) -> list[ThroughputStep]:
    """The phases and ramp steps on one time line (back to back, warm-up and drains left out)."""
    steps: list[ThroughputStep] = []
    clock = 0.0
    for phase in [*result.phases, *result.saturation.steps]:
        length = max(phase.duration_s, 0.0)
        steps.append(
            ThroughputStep(
                phase=phase.name,
                start_s=round(clock, 3),
                end_s=round(clock + length, 3),
                target_msg_per_s=phase.target_rate_msg_per_s,
                received_msg_per_s=phase.throughput_msg_per_s,
                sustained=phase.sustained,
                text=tr(
                    "{received} of {target}",
                    received=units.human_number(round(phase.throughput_msg_per_s)),
                    target=units.human_rate(round(phase.target_rate_msg_per_s)),
                ),
            )
        )
        clock += length
    return steps


def loadtest_view(result: LoadTestResult) -> LoadTestView:
    """A load test worded once for the app, the CLI's callers and the reports."""
    head = _headline_phase(result)
    latency = head.latency_ms if head is not None else result.latency_ms
    bars = [
        LatencyBar(
            key=key,
            label=label,
            ms=float(getattr(latency, key)),
            text=units.human_ms(getattr(latency, key)),
        )
        for key, label in LATENCY_PERCENTILES
    ]
    server = " ".join(
        v
        for v in (result.server.get("product") or result.broker.title, result.server.get("version"))
        if v
    )
    figures = [
        FigureRow(title=tr(title), value=value)
        for title, value in (
            (N_("Throughput"), units.human_rate(round(result.throughput_msg_per_s))),
            (N_("p99 latency"), units.human_ms(result.latency_ms.p99)),
            (N_("Sent"), units.human_number(result.sent)),
            (N_("Acknowledged by the broker"), units.human_number(result.acknowledged)),
            (N_("Failed publishes"), units.human_number(result.failed_publishes)),
            (N_("Received by every receiver"), units.human_number(result.received)),
            (N_("Lost"), units.human_number(result.lost)),
            (N_("Duplicates"), units.human_number(result.duplicates)),
            (N_("Duration"), f"{units.trim(result.duration_s)} s"),
        )
    ]
    env = result.environment
    clean = result.cleanup
    cleanup = tr(
        "removed {resources}; left behind: {leftovers}",
        resources=tr(", ").join(clean.resources) or tr("nothing"),
        leftovers=tr(", ").join(clean.leftovers) if clean.leftovers else tr("none"),
    )
    if clean.problems:
        cleanup += tr("; problems: {list}", list=tr("; ").join(clean.problems))
    phase_name = head.name if head is not None else ""
    return LoadTestView(
        broker=result.broker.value,
        broker_title=result.broker.title,
        server=server,
        target=result.target,
        started_at=result.started_at.strftime("%Y-%m-%d %H:%M UTC"),
        status=_load_status(result),
        cancelled=result.cancelled,
        headline=(
            tr(
                "{rate} received, p99 {latency}",
                rate=units.human_rate(round(result.throughput_msg_per_s)),
                latency=units.human_ms(result.latency_ms.p99),
            )
            + (tr(" ({phase} phase)", phase=phase_name) if phase_name else "")
        ),
        headline_phase=phase_name,
        figures=figures,
        latency=bars,
        throughput=throughput_steps(result),
        saturation=_saturation_text(result),
        saturation_range=_saturation_range(result),
        delivery=tr(
            "{settings} (from {source})",
            settings=delivery_text(result.plan.delivery),
            source=result.plan.delivery.source,
        ),
        environment=tr(
            "{client}, on {cores} cores ({machine}); {network}",
            client=env.client,
            cores=env.cores,
            machine=env.machine,
            network=tr("loopback") if env.loopback else tr("over the network"),
        ),
        verdicts=[
            LoadVerdictView(
                requirement=tr(v.requirement.replace("_", " ")),
                status=v.status.value,
                message=v.message,
                advice=v.advice,
            )
            for v in result.verdicts
        ],
        notes=list(result.notes),
        errors=list(result.errors),
        cleanup=cleanup,
    )


def bakeoff_view(result: BakeoffResult) -> BakeoffView:
    """Several load tests (a bake-off, or one run) side by side."""
    return BakeoffView(
        workload_name=result.workload_name,
        label=result.label,
        tests=[loadtest_view(r) for r in result.results],
        skipped=[f"{broker}: {why}" for broker, why in result.skipped.items()],
    )
