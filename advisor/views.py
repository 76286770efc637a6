"""Worded views of the parts of a recommendation that the CLI, the app and the reports all show."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from advisor.recommendation import Recommendation


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
