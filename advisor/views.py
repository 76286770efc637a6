"""Worded views of the parts of a recommendation that the CLI, the app and the reports all show."""

from __future__ import annotations

from collections.abc import Sequence

from pydantic import BaseModel, ConfigDict, Field

from advisor import units
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
        lead=f"{hybrid.name}. The ranking still names {recommendation.winner.title} as the "
        "primary broker; this design splits the work where each part is served best.",
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
    """The nearest precedents, worded."""
    views = []
    for item in recommendation.precedents:
        left = f", leaving {item.left.title}" if item.left else ""
        views.append(
            PrecedentView(
                id=item.id,
                headline=f"{item.organisation} ({item.year}) chose {item.broker.title}{left}",
                title=item.title,
                broker=item.broker.value,
                broker_title=item.broker.title,
                similarity=f"{item.similarity * 100:.0f}%",
                agrees=item.broker == recommendation.winner,
                reasons=list(item.reasons),
                source=item.source,
            )
        )
    return views


def confidence_view(recommendation: Recommendation) -> ConfidenceView:
    """The confidence level, its explanation, and what lowered it."""
    confidence = recommendation.confidence
    level = "tie" if confidence.tie else confidence.level.value
    return ConfidenceView(
        level=level,
        headline=f"Confidence: {confidence.level.value}"
        + (" (a tie)" if confidence.tie else "")
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
    VersionSource.STATED: "stated",
    VersionSource.DETECTED: "detected by a probe",
    VersionSource.CURRENT: "current release, assumed",
}


def versions_view(recommendation: Recommendation) -> VersionsView | None:
    """The versions line and version notes, or None for a recommendation made without them."""
    if not recommendation.versions:
        return None
    parts = []
    for used in recommendation.versions:
        words = _SOURCE_WORDS[used.source]
        if used.stated and used.stated != used.version:
            words += f"; the workload states {used.stated}"
        parts.append(f"{used.broker.title} {used.version} ({words})")
    notes = [
        VersionNoteView(
            headline=f"You run {note.broker.title} {note.detected}; without the probe the "
            f"advice was for {note.assumed}. What differs:",
            winner_changes=note.winner_changes,
            added=list(note.added),
            removed=list(note.removed),
        )
        for note in recommendation.version_notes
    ]
    return VersionsView(line="Advice written for " + ", ".join(parts) + ".", notes=notes)


class CapacityRow(_Model):
    """One capacity estimate, worded."""

    title: str
    value: str


def capacity_rows(recommendation: Recommendation) -> list[CapacityRow]:
    """The capacity estimates as every output shows them."""
    cap = recommendation.capacity
    rows = [
        ("Average bandwidth", units.human_bandwidth(cap.avg_bandwidth_bytes_per_s)),
        ("Peak bandwidth", units.human_bandwidth(cap.peak_bandwidth_bytes_per_s)),
        ("Messages per day", units.human_number(cap.messages_per_day)),
        ("Messages retained", units.human_number(cap.retained_messages)),
        ("Data retained (one copy)", units.human_bytes(cap.retained_bytes)),
        ("Redis memory for the retained data", units.human_bytes(cap.redis_memory_bytes)),
        ("Kafka partitions (estimate)", units.human_number(cap.kafka_partitions)),
        ("Kafka replication factor", units.human_number(cap.kafka_replication_factor)),
        ("Kafka disk, all replicas", units.human_bytes(cap.kafka_disk_bytes)),
        (
            "RabbitMQ backlog after 10 min at peak with consumers stalled",
            f"{units.human_number(cap.rabbitmq_queue_depth_at_peak)} messages",
        ),
        ("Broker nodes for the tolerated failures", units.human_number(cap.nodes_needed)),
    ]
    return [CapacityRow(title=title, value=value) for title, value in rows]


def probe_headline(result: ProbeResult) -> str:
    """One line of what a probe learnt about the broker: product and version, mode, replication
    and persistence (the CLI table, the app's probe panel and the reports show the same)."""
    summary = result.summary
    facts = [f"{summary.product or result.broker.title} {summary.version or ''}".strip()]
    facts += [v for v in (summary.mode, summary.replication, summary.persistence) if v]
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
    for status, verb in ((CheckStatus.FAIL, "fails"), (CheckStatus.WARN, "warns on")):
        against = [v for v in verdicts if v.status is status]
        if against:
            names = [v.requirement.replace("_", " ") for v in against]
            listed = names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]
            return ProbeConflictView(
                status=status.value,
                headline=f"{winner.title} is recommended; your {winner.title} {verb} {listed}.",
                details=[
                    f"{v.requirement.replace('_', ' ').capitalize()}: {v.message}" for v in against
                ],
            )
    return None
