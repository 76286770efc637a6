"""Plain-text rendering of a recommendation for the terminal."""

from __future__ import annotations

import math
import textwrap

from advisor import views
from advisor.recommendation import NO_WHAT_IF, Recommendation

WIDTH = 100


def human_bytes(value: float) -> str:
    """Bytes in the largest unit that keeps the number readable (decimal units)."""
    for unit in ("B", "KB", "MB", "GB", "TB"):
        if abs(value) < 1000 or unit == "TB":
            return f"{value:,.0f} {unit}" if unit == "B" else f"{value:,.1f} {unit}"
        value /= 1000
    return f"{value:,.1f} TB"


def human_number(value: float) -> str:
    """A count with thousands separators, or in millions/billions when large."""
    if not math.isfinite(value):
        return "unbounded"
    if abs(value) >= 1e9:
        return f"{trim(value / 1e9)} billion"
    if abs(value) >= 1e6:
        return f"{trim(value / 1e6)} million"
    if float(value).is_integer():
        return f"{value:,.0f}"
    return f"{value:,.1f}" if abs(value) >= 10 else f"{value:,.2f}".rstrip("0").rstrip(".")


def trim(value: float) -> str:
    """At most one decimal for values >= 10, two below; no trailing zeros."""
    text = f"{value:,.1f}" if abs(value) >= 10 else f"{value:,.2f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def quantity(value: float, unit: str) -> str:
    """A requirement's value with its unit, as the what-if sentences and tables word it."""
    if unit == "bytes":
        return human_bytes(value)
    text = f"{value:,.0f}" if abs(value) >= 100 or value == int(value) else f"{value:,.3g}"
    return f"{text} {unit}".strip()


def human_count(value: float) -> str:
    """A count with thousands separators, or with k/M/G suffixes when large."""
    for limit, suffix in ((1e9, "G"), (1e6, "M"), (1e4, "k")):
        if abs(value) >= limit:
            return f"{value / limit:,.1f}{suffix}"
    return f"{value:,.0f}"


def _wrap(text: str, indent: str) -> str:
    return textwrap.fill(text, WIDTH, initial_indent=indent, subsequent_indent=indent + "  ")


def format_recommendation(rec: Recommendation) -> str:
    """The recommendation as readable terminal text."""
    out: list[str] = [f"Workload: {rec.workload_name}", "", _wrap(rec.summary, ""), ""]
    out.append("Ranking")
    for item in rec.ranking:
        bar = "#" * round(item.score / 5)
        state = "RULED OUT" if item.knocked_out else f"{item.score:5.1f}"
        out.append(f"  {item.rank}. {item.broker.title:9} {state:>9}  {bar}")
    confidence = views.confidence_view(rec)
    out.append(_wrap(confidence.headline, "  "))
    if confidence.unstated:
        out.append(_wrap("Not stated: " + "; ".join(confidence.unstated) + ".", "    "))
    versions = views.versions_view(rec)
    if versions is not None:
        out.append(_wrap(versions.line, "  "))
        for note in versions.notes:
            out += ["", _wrap(note.headline, "")]
            if note.winner_changes:
                out.append(_wrap(note.winner_changes, "  "))
            out.extend(_wrap(f"+ {text}", "  ") for text in note.added)
            out.extend(_wrap(f"- no longer: {text}", "  ") for text in note.removed)
    hybrid = views.hybrid_view(rec)
    if hybrid is not None:
        out += ["", "Hybrid design", _wrap(f"{hybrid.lead} [{hybrid.citation}]", "  ")]
        for part in hybrid.parts:
            out.append(_wrap(f"- {part.broker_title}: {part.role}. {part.reason}", "    "))
    for item in rec.ranking:
        out += ["", f"{item.broker.title}"]
        for label, reasons in (("ruled out", item.knockouts), ("+", item.pros), ("-", item.cons)):
            for reason in reasons:
                weight = "" if label == "ruled out" else f"{reason.weight:g} "
                out.append(_wrap(f"{label} {weight}{reason.text} [{reason.citation}]", "  "))
        if item.pattern is not None:
            out.append(
                _wrap(
                    f"Pattern: {item.pattern.name}. {item.pattern.summary} "
                    f"[{item.pattern.citation}]",
                    "  ",
                )
            )
            out.extend(_wrap(f"- {step}", "    ") for step in item.pattern.steps)
        if item.advice and not item.knocked_out:
            out.append("  Configuration:")
            for advice in item.advice:
                setting = f"{advice.setting} = {advice.value}: " if advice.setting else ""
                out.append(_wrap(f"- {setting}{advice.text} [{advice.citation}]", "    "))
    cap = rec.capacity
    out += [
        "",
        "Capacity estimates",
        f"  peak bandwidth      {human_bytes(cap.peak_bandwidth_bytes_per_s)}/s "
        f"(average {human_bytes(cap.avg_bandwidth_bytes_per_s)}/s)",
        f"  messages per day    {human_count(cap.messages_per_day)}",
        f"  retained            {human_count(cap.retained_messages)} messages, "
        f"{human_bytes(cap.retained_bytes)} per copy",
        f"  Redis memory        {human_bytes(cap.redis_memory_bytes)}",
        f"  Kafka               {cap.kafka_partitions} partitions, replication factor "
        f"{cap.kafka_replication_factor}, {human_bytes(cap.kafka_disk_bytes)} of disk",
        f"  RabbitMQ backlog    {human_count(cap.rabbitmq_queue_depth_at_peak)} messages "
        "after 10 min at peak with consumers stalled",
        f"  nodes               {cap.nodes_needed} for the tolerated failures",
    ]
    precedents = views.precedent_views(rec)
    if precedents:
        out += ["", "Teams with similar workloads (published decisions)"]
        for seen in precedents:
            out.append(
                _wrap(f"- {seen.headline}: {seen.title} (similarity {seen.similarity})", "  ")
            )
            out.extend(_wrap(f"· {reason}", "      ") for reason in seen.reasons)
            out.append(_wrap(seen.source, "      "))
    if rec.what_if:
        out += ["", "What would change the answer"]
        out.extend(_wrap(f"- {item.text}", "  ") for item in rec.what_if)
    elif rec.winner is not None:
        out += ["", "What would change the answer", _wrap(NO_WHAT_IF, "  ")]
    out += [
        "",
        f"Rulebook {rec.rulebook_hash[:12]}, broker-advisor {rec.app_version}. "
        "Read a cited section with: broker-advisor guide SECTION",
    ]
    return "\n".join(out)


def format_precedents(library: list[tuple[str, str, str, str, str]]) -> str:
    """The precedent library as a table: id, organisation and year, chosen, left, title."""
    out = [f"{len(library)} published decisions"]
    for ident, who, chosen, left, title in library:
        moved = f"{left} -> {chosen}" if left else chosen
        out.append(f"  {ident:52} {moved:20} {who}: {title}")
    return "\n".join(out)
