"""The template context of a report: every value already worded, formatted and credential-free."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from datetime import UTC, datetime
from enum import Enum
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from advisor import facts as facts_mod
from advisor import guide as guide_mod
from advisor import recommendation as recommendation_module
from advisor import rules as rules_mod
from advisor import units, views
from advisor.i18n import N_, tr
from advisor.loadtest.models import BakeoffResult
from advisor.probe import models as probe_models
from advisor.probe import runner, targets, verdicts
from advisor.recommendation import Advice, Reason, ReasonKind, Recommendation
from advisor.report import charts
from advisor.report.charts import BarRow
from advisor.report.schema import REPORT_SCHEMA_VERSION, Snippet
from advisor.workload import CONTEXT_FIELDS, Broker, Workload

_URL_IN_TEXT = re.compile(r"[A-Za-z][A-Za-z0-9+.\-]*://[^\s'\"<>]+")
_ANCHOR_ID = re.compile(r"^[a-z0-9][a-z0-9.\-]*$")
NO_WHAT_IF = recommendation_module.NO_WHAT_IF
MAX_DRIVERS = 10


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Row(_Model):
    """A titled value, already formatted with its unit."""

    title: str
    value: str
    description: str = ""


class ReasonView(_Model):
    """One reason with its citation resolved against the guide."""

    kind: str
    text: str
    weight: float
    rule_id: str
    citation: str
    citation_title: str
    cited: bool = Field(description="Whether the cited section exists in the guide.")


class DriverView(_Model):
    """A requirement of the workload that drove the decision: a fired rule and what it read."""

    rule_id: str
    title: str
    requirements: list[Row] = Field(description="The workload fields the rule reads, worded.")
    effect: str = Field(description="What it did to the ranking, e.g. 'rules out Redis'.")
    knockout: bool


class BrokerCard(_Model):
    """One broker's place in the ranking and the reasons behind it."""

    broker: str
    title: str
    rank: int
    score: float
    score_text: str
    bar_percent: float = Field(description="Score as a bar length, 0-100.")
    knocked_out: bool
    is_winner: bool
    pattern_name: str
    knockouts: list[ReasonView]
    pros: list[ReasonView]
    cons: list[ReasonView]


class PatternView(_Model):
    """How to use the chosen broker."""

    broker_title: str
    name: str
    summary: str
    steps: list[str]
    citation: str
    citation_title: str
    cited: bool = Field(description="Whether the cited section exists in the guide.")


class AdviceView(_Model):
    """One configuration or design recommendation."""

    broker_title: str
    text: str
    setting: str
    value: str
    rule_id: str
    citation: str
    citation_title: str
    cited: bool = Field(description="Whether the cited section exists in the guide.")


class WhatIfView(_Model):
    """A requirement change that would change the winner."""

    requirement: str
    current: str
    threshold: str
    direction: str
    new_winner: str
    text: str


class GuideExcerpt(_Model):
    """A guide section cited by the report, for the appendix."""

    id: str
    title: str
    part_title: str
    markdown_body: str
    found: bool
    anchor: str = Field(description="The Markdown appendix anchor, '' when there is no text.")
    command: str = Field(description="The CLI command that prints the section.")


class CheckView(_Model):
    """One probe check, worded for a report."""

    id: str
    title: str
    stage: str
    status: str
    duration: str
    details: str
    hint: str
    figures: list[Row]


class VerdictView(_Model):
    """One requirement judged against the probe's checks."""

    requirement: str
    status: str
    evidence: str
    message: str
    advice: str


class ProbeView(_Model):
    """One probe run, its target shown without credentials."""

    target: str
    broker_title: str
    started_at: str
    duration: str
    status: str
    summary: list[Row]
    checks: list[CheckView]
    verdicts: list[VerdictView]
    verdicts_workload: str = Field(description="The workload the verdicts are judged against.")
    verdicts_replaced: bool = Field(
        description="The results file carried other verdicts (judged against another workload)."
    )
    status_counts: list[Row]


class ReportContext(_Model):
    """Everything a report template shows; built once, rendered in every format."""

    title: str
    workload_name: str
    notes: str
    generated_at: str
    generated_date: str
    generated_at_iso: str
    app_version: str
    rulebook_hash: str
    recommendation_schema_version: str
    report_schema_version: str
    winner: str | None
    winner_title: str | None
    summary: str
    confidence_level: str
    confidence_margin: str
    confidence_explanation: str
    confidence_factors: list[str] = Field(description="What lowered the confidence.")
    confidence_unstated: list[str] = Field(description="Deciding inputs the workload leaves open.")
    tie: bool = Field(description="The first place is a tie.")
    hybrid: views.HybridView | None
    versions: views.VersionsView | None = Field(
        None, description="The versions the advice is for; what detected versions change."
    )
    precedents: list[views.PrecedentView]
    workload_rows: list[Row]
    context_rows: list[Row] = Field(description="Organisation, stack and operations stated.")
    drivers: list[DriverView]
    more_drivers: int = Field(description="Fired rules left out of the drivers list.")
    cards: list[BrokerCard]
    pattern: PatternView | None
    advice: list[AdviceView]
    capacity: list[Row]
    what_if: list[WhatIfView]
    no_what_if: str
    snippets: list[Snippet] = Field(description="Code to paste, each labelled with its client.")
    probes: list[ProbeView]
    loadtest: views.BakeoffView | None = Field(
        None, description="Load-test results (one run or a bake-off), worded once."
    )
    loadtest_latency_rows: list[BarRow] = Field(
        default_factory=list, description="The latency chart as bars, for the PDF."
    )
    loadtest_throughput_rows: list[BarRow] = Field(
        default_factory=list, description="The throughput chart as bars, for the PDF."
    )
    loadtest_scale: str = Field("", description="The latency chart's scale, in words.")
    appendix: list[GuideExcerpt]


def redact_text(text: str) -> str:
    """Replace the passwords of every target inside free text with *** (URLs or not)."""
    return targets.redact_text(text)


def sanitize_probe_result(result: probe_models.ProbeResult) -> probe_models.ProbeResult:
    """A copy of a probe result with credentials removed from every free-text field."""
    checks = [
        check.model_copy(
            update={
                "details": redact_text(check.details),
                "hint": redact_text(check.hint),
                "skipped_reason": redact_text(check.skipped_reason),
                "figures": {
                    k: redact_text(v) if isinstance(v, str) else v for k, v in check.figures.items()
                },
            }
        )
        for check in result.checks
    ]
    verdicts = (
        None
        if result.verdicts is None
        else [
            v.model_copy(
                update={"message": redact_text(v.message), "advice": redact_text(v.advice)}
            )
            for v in result.verdicts
        ]
    )
    facts = {
        k: redact_text(v) if isinstance(v, str) else v for k, v in result.summary.facts.items()
    }
    return result.model_copy(
        update={
            "target": targets.redact(result.target),  # one target: may hold spaces
            "checks": checks,
            "verdicts": verdicts,
            "summary": result.summary.model_copy(update={"facts": facts}),
        }
    )


def judge_for_workload(
    result: probe_models.ProbeResult, workload: Workload
) -> probe_models.ProbeResult:
    """The result with its verdicts judged against this workload, as the probe panel does.

    A results file may carry verdicts judged against another workload (or none); a report
    shows only verdicts for its own workload.
    """
    try:
        found = verdicts.judge(result, workload)
    except Exception as error:  # a verdict bug must not lose the report
        found = [
            probe_models.Verdict(
                requirement="verdicts",
                status=probe_models.CheckStatus.WARN,
                message=tr("could not judge the workload: {error}", error=runner.describe(error)),
            )
        ]
    return result.model_copy(update={"verdicts": found})


def probe_for_report(
    result: probe_models.ProbeResult, workload: Workload
) -> probe_models.ProbeResult:
    """A probe result as every report format shows it: judged for the workload, no secrets."""
    return sanitize_probe_result(judge_for_workload(result, workload))


def words(value: object) -> str:
    """An enum or identifier in plain words: 'at_least_once' -> 'at least once'."""
    if isinstance(value, Broker):
        return value.title
    if isinstance(value, Enum):
        value = value.value
    return str(value).replace("_", " ")


def _field_unit(extra: Any) -> str:
    if isinstance(extra, dict):
        unit = extra.get("unit", "")
        return str(unit)
    return ""


def workload_rows(workload: Workload) -> list[Row]:
    """The workload's requirements (every field but name, notes and the context), by title,
    with units and in model order."""
    rows = _workload_rows_by_field(workload)
    return [row for name, row in rows.items() if name not in CONTEXT_FIELDS]


def context_rows(workload: Workload) -> list[Row]:
    """The organisation, stack and operations context the workload states."""
    rows = _workload_rows_by_field(workload)
    return [row for name, row in rows.items() if name in CONTEXT_FIELDS]


def _choice(value: object) -> str:
    return words(value) if isinstance(value, Broker) else tr(words(value).capitalize())


def _workload_rows_by_field(workload: Workload) -> dict[str, Row]:
    rows: dict[str, Row] = {}
    for name, field in Workload.model_fields.items():
        if name in ("name", "notes"):
            continue
        value = getattr(workload, name)
        if value is None or (
            name not in _ALWAYS_SHOWN and value == field.get_default(call_default_factory=True)
        ):
            continue  # not stated: nothing to show, and nothing it decided
        unit = _field_unit(field.json_schema_extra)
        if isinstance(value, list):
            text = tr(", ").join(_choice(v) for v in value) or tr("none")
        elif isinstance(value, Enum):
            text = _choice(value)
        elif name == "retention_hours" and value == 0:
            cap = workload.retention_max_messages
            text = (
                tr("Last {count} messages per channel", count=f"{cap:,}")
                if cap
                else tr("Until consumed")
            )
        else:
            text = units.format_value(value, unit)
            text = tr(text) if isinstance(value, bool) else text
        rows[name] = Row(
            title=tr(field.title or words(name)),
            value=text,
            description=tr(field.description or ""),
        )
    return rows


# The requirements a report always lists; the newer inputs only where a workload states them.
_ALWAYS_SHOWN = frozenset(
    list(Workload.model_fields)[: list(Workload.model_fields).index("uses_celery") + 1]
)


def _signed(weight: float) -> str:
    return f"+{weight:g}" if weight >= 0 else f"\u2212{-weight:g}"


def decision_drivers(
    workload: Workload, recommendation: Recommendation
) -> tuple[list[DriverView], int]:
    """The fired rules that moved the decision, most decisive first, and how many were left out.

    Knockouts come first; then rules by how far they moved the winner against the runner-up
    (their swing), then by the weight they carried in all. Each names the workload fields the
    rule reads, so the drivers are the requirements, not one option's arguments.
    """
    book = {item.rule.id: item for item in rules_mod.load_rulebook().rules}
    rows = _workload_rows_by_field(workload)
    by_rule: dict[str, list[Reason]] = {}
    for item in recommendation.ranking:
        for reason in [*item.knockouts, *item.pros, *item.cons]:
            by_rule.setdefault(reason.rule_id, []).append(reason)
    ranked = [item.broker for item in recommendation.ranking if not item.knocked_out]
    first, second = [*ranked, None, None][:2]

    def points(reasons: list[Reason], broker: object) -> float:
        return sum(
            r.weight if r.kind is ReasonKind.PRO else -r.weight
            for r in reasons
            if r.broker == broker and r.kind is not ReasonKind.KNOCKOUT
        )

    drivers: list[tuple[tuple[float, float, float, str], DriverView]] = []
    for rule_id, reasons in by_rule.items():
        compiled = book.get(rule_id)
        fields: list[str] = []
        for fact in sorted(compiled.facts) if compiled else []:
            spec = facts_mod.FACT_SPECS.get(fact)
            for name in spec.depends_on if spec else ():
                if name in rows and name not in fields:
                    fields.append(name)
        knockouts = [r.broker.title for r in reasons if r.kind is ReasonKind.KNOCKOUT]
        parts = (
            [tr("rules out {brokers}", brokers=tr(" and ").join(knockouts))] if knockouts else []
        )
        pros = [
            f"{r.broker.title} {_signed(r.weight)}" for r in reasons if r.kind is ReasonKind.PRO
        ]
        cons = [
            f"{r.broker.title} {_signed(-r.weight)}" for r in reasons if r.kind is ReasonKind.CON
        ]
        if pros:
            parts.append(tr("for {list}", list=tr(", ").join(pros)))
        if cons:
            parts.append(tr("against {list}", list=tr(", ").join(cons)))
        swing = points(reasons, first) - points(reasons, second) if second else 0.0
        total = sum(r.weight for r in reasons)
        title = rules_mod.load_rulebook().texts().title(rule_id) or rule_id
        view = DriverView(
            rule_id=rule_id,
            title=title,
            requirements=[rows[name] for name in fields],
            effect=tr("; ").join(parts),
            knockout=bool(knockouts),
        )
        drivers.append(((0.0 if knockouts else 1.0, -abs(swing), -total, rule_id), view))
    drivers.sort(key=lambda pair: pair[0])
    shown = [view for _key, view in drivers]
    keep = max(MAX_DRIVERS, sum(view.knockout for view in shown))
    return shown[:keep], max(0, len(shown) - keep)


class _Citations:
    """Resolves guide section ids and remembers which were cited, for the appendix."""

    def __init__(self, guide: guide_mod.Guide) -> None:
        self.guide = guide
        self.cited: list[str] = []

    def title(self, section_id: str, given: str = "") -> tuple[str, bool]:
        if not section_id:
            return given, False
        if section_id not in self.cited:
            self.cited.append(section_id)
        section = self.guide.sections.get(section_id)
        if section is None:
            return given or section_id, False
        return given or section.title, True

    def reason(self, reason: Reason) -> ReasonView:
        title, found = self.title(reason.citation, reason.citation_title)
        return ReasonView(
            kind=reason.kind.value,
            text=reason.text,
            weight=reason.weight,
            rule_id=reason.rule_id,
            citation=reason.citation,
            citation_title=title,
            cited=found,
        )

    def advice(self, advice: Advice) -> AdviceView:
        title, found = self.title(advice.citation)
        return AdviceView(
            broker_title=advice.broker.title,
            text=advice.text,
            setting=advice.setting,
            value=advice.value,
            rule_id=advice.rule_id,
            citation=advice.citation,
            citation_title=title,
            cited=found,
        )

    def appendix(self) -> list[GuideExcerpt]:
        order = {section_id: n for n, section_id in enumerate(self.guide.sections)}
        excerpts = []
        for section_id in sorted(self.cited, key=lambda s: (order.get(s, len(order)), s)):
            section = self.guide.sections.get(section_id)
            command = f"broker-advisor guide {section_id}"
            if section is None:
                excerpts.append(
                    GuideExcerpt(
                        id=section_id,
                        title=section_id,
                        part_title="",
                        markdown_body="",
                        found=False,
                        anchor="",
                        command=command,
                    )
                )
            else:
                excerpts.append(
                    GuideExcerpt(
                        id=section_id,
                        title=section.title,
                        part_title=section.part_title,
                        markdown_body=section.body.strip(),
                        found=True,
                        anchor=section_id if _ANCHOR_ID.match(section_id) else "",
                        command=command,
                    )
                )
        return excerpts


def _capacity_rows(recommendation: Recommendation) -> list[Row]:
    return [Row(title=row.title, value=row.value) for row in views.capacity_rows(recommendation)]


def _probe_view(result: probe_models.ProbeResult, workload: Workload) -> ProbeView:
    judged = probe_for_report(result, workload)
    previous = None if result.verdicts is None else sanitize_probe_result(result).verdicts
    replaced = previous is not None and previous != judged.verdicts
    result = judged
    summary: list[Row] = []
    for name, field in probe_models.ProbeSummary.model_fields.items():
        if name == "facts":
            continue
        value = getattr(result.summary, name)
        if value is None:
            continue
        text = (
            units.human_bytes(value)
            if name == "max_message_bytes"
            else units.format_value(value, "")
        )
        summary.append(Row(title=tr(field.title or words(name)), value=text))
    for key, fact in sorted(result.summary.facts.items()):
        if fact is not None:
            summary.append(
                Row(title=tr(words(key).capitalize()), value=units.format_value(fact, ""))
            )
    checks = [
        CheckView(
            id=c.id,
            title=c.title,
            stage=c.stage.value,
            status=c.status.value,
            duration=units.human_ms(c.duration_ms),
            details=c.details or c.skipped_reason,
            hint=c.hint,
            figures=[
                Row(title=words(k), value=units.format_value(v, ""))
                for k, v in sorted(c.figures.items())
            ],
        )
        for c in result.checks
    ]
    verdicts_view = [
        VerdictView(
            requirement=tr(words(v.requirement)),
            status=v.status.value,
            evidence=v.evidence or "",
            message=v.message,
            advice=v.advice,
        )
        for v in result.verdicts or []
    ]
    counts: dict[str, int] = {}
    for check in result.checks:
        counts[check.status.value] = counts.get(check.status.value, 0) + 1
    status_counts = [
        Row(title=s.value, value=str(counts[s.value]))
        for s in probe_models.CheckStatus
        if s.value in counts
    ]
    return ProbeView(
        target=result.target,
        broker_title=result.broker.title,
        started_at=_format_time(result.started_at),
        duration=units.human_ms(result.duration_ms),
        status=result.status.value,
        summary=summary,
        checks=checks,
        verdicts=verdicts_view,
        verdicts_workload=_one_line(workload.name),
        verdicts_replaced=replaced,
        status_counts=status_counts,
    )


# The probe's stages and statuses, which templates show through tr() (the values stay data).
PROBE_WORDS = (
    N_("pass"),
    N_("warn"),
    N_("fail"),
    N_("skipped"),
    N_("resolve"),
    N_("connect"),
    N_("tls"),
    N_("handshake"),
    N_("authenticate"),
    N_("inspect"),
    N_("behave"),
)


def _format_time(moment: datetime) -> str:
    if moment.tzinfo is None:
        return moment.strftime("%Y-%m-%d %H:%M:%S")
    return moment.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S UTC")


def normalise_time(generated_at: datetime | None) -> datetime:
    """The report's timestamp: now when not given, always timezone-aware, whole seconds."""
    moment = generated_at or datetime.now(UTC)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.replace(microsecond=0)


def build_context(
    workload: Workload,
    recommendation: Recommendation,
    probe_results: Sequence[probe_models.ProbeResult] | None = None,
    generated_at: datetime | None = None,
    guide: guide_mod.Guide | None = None,
    snippets: Sequence[Snippet] | None = None,
    loadtest: BakeoffResult | None = None,
) -> ReportContext:
    """Word and format everything a report shows, resolving citations against the guide."""
    from advisor.report import snippets as snippets_mod

    moment = normalise_time(generated_at)
    citations = _Citations(guide or guide_mod.load_guide())
    winner = recommendation.winner
    cards: list[BrokerCard] = []
    for item in recommendation.ranking:
        cards.append(
            BrokerCard(
                broker=item.broker.value,
                title=item.broker.title,
                rank=item.rank,
                score=item.score,
                score_text=f"{item.score:.1f}",
                bar_percent=max(0.0, min(100.0, item.score)),
                knocked_out=item.knocked_out,
                is_winner=item.broker == winner,
                pattern_name=item.pattern.name if item.pattern else "",
                knockouts=[citations.reason(r) for r in item.knockouts],
                pros=[citations.reason(r) for r in item.pros],
                cons=[citations.reason(r) for r in item.cons],
            )
        )
    pattern: PatternView | None = None
    advice: list[AdviceView] = []
    if winner is not None:
        chosen = recommendation.assessment(winner)
        if chosen.pattern is not None:
            title, found = citations.title(chosen.pattern.citation)
            pattern = PatternView(
                broker_title=winner.title,
                name=chosen.pattern.name,
                summary=chosen.pattern.summary,
                steps=list(chosen.pattern.steps),
                citation=chosen.pattern.citation,
                citation_title=title,
                cited=found,
            )
        advice = [citations.advice(a) for a in chosen.advice]
    what_if = [
        WhatIfView(
            requirement=w.field_title,
            current=units.what_if_value(w.current, w.unit),
            threshold=units.what_if_value(w.threshold, w.unit),
            direction=w.direction,
            new_winner=w.new_winner.title,
            text=w.text,
        )
        for w in recommendation.what_if
    ]
    drivers, more_drivers = decision_drivers(workload, recommendation)
    if snippets is None:
        snippets = snippets_mod.snippets_for(workload, recommendation)
    return ReportContext(
        title=tr("Broker decision: {name}", name=_one_line(workload.name)),
        workload_name=_one_line(workload.name),
        notes=workload.notes.strip(),
        generated_at=_format_time(moment),
        generated_date=moment.date().isoformat(),
        generated_at_iso=moment.isoformat(),
        app_version=recommendation.app_version,
        rulebook_hash=recommendation.rulebook_hash,
        recommendation_schema_version=recommendation.schema_version,
        report_schema_version=REPORT_SCHEMA_VERSION,
        winner=winner.value if winner else None,
        winner_title=winner.title if winner else None,
        summary=recommendation.summary,
        confidence_level=recommendation.confidence.level.value,
        confidence_margin=f"{recommendation.confidence.margin:.1f}",
        confidence_explanation=recommendation.confidence.explanation,
        confidence_factors=list(recommendation.confidence.factors),
        confidence_unstated=list(recommendation.confidence.unstated),
        tie=recommendation.confidence.tie,
        hybrid=views.hybrid_view(recommendation),
        versions=views.versions_view(recommendation),
        precedents=views.precedent_views(recommendation),
        workload_rows=workload_rows(workload),
        context_rows=context_rows(workload),
        drivers=drivers,
        more_drivers=more_drivers,
        cards=cards,
        pattern=pattern,
        advice=advice,
        capacity=_capacity_rows(recommendation),
        what_if=what_if,
        no_what_if=tr(NO_WHAT_IF),
        snippets=list(snippets),
        probes=[_probe_view(r, workload) for r in probe_results or []],
        **_loadtest_fields(loadtest),
        appendix=citations.appendix(),
    )


def _loadtest_fields(loadtest: BakeoffResult | None) -> dict[str, Any]:
    """The load test's view and its charts as bars (the SVG is drawn at render time)."""
    if loadtest is None or not loadtest.results:
        return {}
    view = views.bakeoff_view(loadtest)
    return {
        "loadtest": view,
        "loadtest_latency_rows": charts.latency_rows(view),
        "loadtest_throughput_rows": charts.throughput_rows(view),
        "loadtest_scale": charts.scale_caption(view),
    }


def _one_line(text: str) -> str:
    return " ".join(text.split()) or tr("Untitled workload")


def cited_sections(context: ReportContext) -> Iterable[GuideExcerpt]:
    """The appendix entries whose text was found in the guide."""
    return (e for e in context.appendix if e.found)
