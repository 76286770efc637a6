"""The engine's answer: brokers ranked, with reasons, pattern, sizing, advice and the what-if."""

from __future__ import annotations

from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field

from advisor.workload import Broker

SCHEMA_VERSION = "1.1"


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class ReasonKind(StrEnum):
    """Whether a reason speaks for a broker, against it, or rules it out."""

    PRO = "pro"
    CON = "con"
    KNOCKOUT = "knockout"


class Reason(_Model):
    """One fired rule's verdict on one broker, traceable to the rule and the guide."""

    rule_id: str = Field(title="Rule", description="Id of the rule that produced this reason.")
    broker: Broker = Field(title="Broker")
    kind: ReasonKind = Field(title="Kind")
    weight: float = Field(ge=0, title="Weight", description="Score points added or removed.")
    text: str = Field(title="Reason", description="The reason in plain words.")
    citation: str = Field(title="Guide section", description="Id of the guide section it rests on.")
    citation_title: str = Field("", title="Guide section title")


class Advice(_Model):
    """A configuration or design recommendation for one broker."""

    broker: Broker = Field(title="Broker")
    text: str = Field(title="Advice")
    rule_id: str = Field("", title="Rule", description="The rule or sizing step that gave it.")
    citation: str = Field("", title="Guide section")
    setting: str = Field("", title="Setting", description="A configuration key, when there is one.")
    value: str = Field("", title="Value", description="The suggested value of that setting.")


class Pattern(_Model):
    """How to use a broker for this workload."""

    broker: Broker = Field(title="Broker")
    pattern_id: str = Field(title="Pattern id")
    name: str = Field(title="Pattern", description="e.g. 'Streams with consumer groups'.")
    summary: str = Field(title="Summary")
    steps: list[str] = Field(default_factory=list, title="How")
    citation: str = Field("", title="Guide section")


class BrokerAssessment(_Model):
    """Everything the engine concluded about one broker."""

    broker: Broker = Field(title="Broker")
    rank: int = Field(ge=1, title="Rank")
    score: float = Field(ge=0, le=100, title="Score", description="0-100; 0 when knocked out.")
    raw_score: float = Field(title="Raw score", description="Sum of rule weights before scaling.")
    knocked_out: bool = Field(title="Knocked out")
    knockouts: list[Reason] = Field(default_factory=list, title="Knockouts")
    pros: list[Reason] = Field(default_factory=list, title="For")
    cons: list[Reason] = Field(default_factory=list, title="Against")
    pattern: Pattern | None = Field(None, title="Pattern to use")
    advice: list[Advice] = Field(default_factory=list, title="Configuration advice")


class ConfidenceLevel(StrEnum):
    """How clear-cut the decision is."""

    HIGH = "high"
    MEDIUM = "medium"
    LOW = "low"


class Confidence(_Model):
    """How sure the advisor is: the margin, how near a what-if flip lies, and what is unstated."""

    level: ConfidenceLevel = Field(title="Confidence")
    margin: float = Field(title="Margin", description="Score points between first and second.")
    explanation: str = Field(title="Explanation")
    tie: bool = Field(False, title="Tie", description="The first two brokers score the same.")
    factors: list[str] = Field(
        default_factory=list,
        title="What lowers it",
        description="Each reason the level is lower than the margin alone would give.",
    )
    unstated: list[str] = Field(
        default_factory=list,
        title="Deciding inputs not stated",
        description="Inputs that decided real teams' choices and that this workload leaves open.",
    )


class HybridPart(_Model):
    """One broker's share of a hybrid design."""

    broker: Broker = Field(title="Broker")
    role: str = Field(title="Role")
    reason: str = Field(title="Why this broker")


class Hybrid(_Model):
    """Parts of the workload best served by different brokers, beside the primary choice."""

    hybrid_id: str = Field(title="Design id")
    name: str = Field(title="Design", description="e.g. 'Kafka for the event log, Redis for jobs'.")
    parts: list[HybridPart] = Field(title="Parts")
    citation: str = Field("", title="Guide section")
    citation_title: str = Field("", title="Guide section title")


class PrecedentMatch(_Model):
    """A published decision of a real team, and how near its workload is to this one."""

    id: str = Field(title="Precedent")
    organisation: str = Field(title="Organisation")
    title: str = Field(title="Decision")
    broker: Broker = Field(title="Chosen")
    left: Broker | None = Field(None, title="Left")
    year: int = Field(title="Year")
    source: str = Field(title="Source", description="Address of the published write-up.")
    similarity: float = Field(ge=0, le=1, title="Similarity", description="0 (unlike) to 1.")
    reasons: list[str] = Field(default_factory=list, title="Why they chose it")


class Capacity(_Model):
    """Sizing derived from the workload (see the guide's sizing sections)."""

    avg_bandwidth_bytes_per_s: float = Field(title="Average bandwidth (B/s)")
    peak_bandwidth_bytes_per_s: float = Field(title="Peak bandwidth (B/s)")
    messages_per_day: float = Field(title="Messages per day")
    retained_messages: float = Field(title="Messages retained")
    retained_bytes: float = Field(title="Bytes retained (one copy)")
    redis_memory_bytes: float = Field(title="Redis memory to hold the retained data (B)")
    kafka_partitions: int = Field(title="Kafka partitions (estimate)")
    kafka_replication_factor: int = Field(title="Kafka replication factor")
    kafka_disk_bytes: float = Field(title="Kafka disk, all replicas (B)")
    rabbitmq_queue_depth_at_peak: float = Field(
        title="RabbitMQ backlog after 10 min at peak with consumers stalled (messages)"
    )
    nodes_needed: int = Field(title="Broker nodes for the tolerated failures")


NO_WHAT_IF = "No single numeric requirement within a realistic range changes the winner."


class WhatIf(_Model):
    """A numeric requirement whose change, past a threshold, changes the winner."""

    field: str = Field(title="Field")
    field_title: str = Field(title="Requirement")
    unit: str = Field("", title="Unit")
    current: float = Field(title="Current value")
    threshold: float = Field(title="Threshold")
    direction: str = Field(title="Direction", description="'above' or 'below'.")
    new_winner: Broker = Field(title="New winner")
    text: str = Field(title="What would change the answer")


class VersionSource(StrEnum):
    """Where the version the advice is for comes from."""

    STATED = "stated"
    DETECTED = "detected"
    CURRENT = "current"


class VersionUsed(_Model):
    """The version of one broker the advice is written for."""

    broker: Broker = Field(title="Broker")
    version: str = Field(title="Version")
    source: VersionSource = Field(
        title="Source",
        description="stated in the workload, detected by a probe, or the current release.",
    )
    stated: str = Field(
        "", title="Stated version", description="What the workload stated, when a probe differs."
    )


class VersionNote(_Model):
    """What changes for one broker because a probe found a version other than the one assumed."""

    broker: Broker = Field(title="Broker")
    detected: str = Field(title="Detected version")
    assumed: str = Field(title="Assumed version", description="Stated, or the current release.")
    added: list[str] = Field(
        default_factory=list,
        title="Applies to the detected version",
        description="Advice and reasons that hold for the detected version only.",
    )
    removed: list[str] = Field(
        default_factory=list,
        title="Applied to the assumed version only",
        description="Advice and reasons that no longer hold.",
    )
    winner_changes: str = Field(
        "", title="Winner changes", description="Set when the detected version moves the winner."
    )


class Recommendation(_Model):
    """The ranked recommendation for one workload."""

    schema_version: str = Field(SCHEMA_VERSION, title="Schema version")
    app_version: str = Field(title="App version")
    rulebook_hash: str = Field(title="Rulebook hash", description="SHA-256 of the rule files.")
    workload_name: str = Field(title="Workload")
    winner: Broker | None = Field(
        title="Recommended broker", description="None when every broker is knocked out."
    )
    ranking: list[BrokerAssessment] = Field(title="Ranking", description="Best first.")
    confidence: Confidence = Field(title="Confidence")
    capacity: Capacity = Field(title="Capacity estimates")
    what_if: list[WhatIf] = Field(default_factory=list, title="What would change the answer")
    summary: str = Field(title="Summary")
    tied: list[Broker] = Field(
        default_factory=list,
        title="Tied",
        description="The brokers that share the top score, when the first place is a tie.",
    )
    hybrid: Hybrid | None = Field(None, title="Hybrid design")
    precedents: list[PrecedentMatch] = Field(
        default_factory=list,
        title="Precedents",
        description="The nearest published decisions of real teams, nearest first.",
    )
    versions: list[VersionUsed] = Field(
        default_factory=list,
        title="Versions",
        description="The broker versions the advice is written for.",
    )
    version_notes: list[VersionNote] = Field(
        default_factory=list,
        title="Version differences",
        description="What changes because a probe found other versions than assumed.",
    )

    def assessment(self, broker: Broker) -> BrokerAssessment:
        """The assessment of one broker."""
        for item in self.ranking:
            if item.broker == broker:
                return item
        raise KeyError(broker)
