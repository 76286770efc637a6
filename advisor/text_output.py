"""Plain-text rendering of a recommendation for the terminal."""

from __future__ import annotations

import textwrap

from advisor import views
from advisor.recommendation import NO_WHAT_IF, Recommendation

WIDTH = 100


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
    out += ["", "Capacity estimates"]
    rows = views.capacity_rows(rec)
    width = max(len(row.title) for row in rows)
    out.extend(f"  {row.title:<{width}}  {row.value}" for row in rows)
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
