"""Plain-text rendering of a recommendation for the terminal."""

from __future__ import annotations

import textwrap
import unicodedata

from advisor import i18n, views
from advisor.i18n import tr
from advisor.recommendation import NO_WHAT_IF, Recommendation

WIDTH = 100


def _wrap(text: str, indent: str) -> str:
    return textwrap.fill(text, WIDTH, initial_indent=indent, subsequent_indent=indent + "  ")


def _width(text: str) -> int:
    """Columns a text takes in a terminal: joiners and combining marks take none."""
    return sum(not unicodedata.combining(c) and unicodedata.category(c) != "Cf" for c in text)


def _join(items: list[str]) -> str:
    return ("؛ " if i18n.is_rtl() else "; ").join(items)


def format_recommendation(rec: Recommendation) -> str:
    """The recommendation as readable terminal text."""
    out: list[str] = [
        tr("Workload: {name}", name=rec.workload_name),
        "",
        _wrap(rec.summary, ""),
        "",
    ]
    out.append(tr("Ranking"))
    for item in rec.ranking:
        bar = "#" * round(item.score / 5)
        state = tr("RULED OUT") if item.knocked_out else f"{item.score:5.1f}"
        out.append(f"  {item.rank}. {item.broker.title:9} {state:>9}  {bar}")
    confidence = views.confidence_view(rec)
    out.append(_wrap(confidence.headline, "  "))
    if confidence.unstated:
        out.append(_wrap(tr("Not stated: {list}.", list=_join(confidence.unstated)), "    "))
    versions = views.versions_view(rec)
    if versions is not None:
        out.append(_wrap(versions.line, "  "))
        for note in versions.notes:
            out += ["", _wrap(note.headline, "")]
            if note.winner_changes:
                out.append(_wrap(note.winner_changes, "  "))
            out.extend(_wrap(f"+ {text}", "  ") for text in note.added)
            out.extend(_wrap(tr("- no longer: {text}", text=text), "  ") for text in note.removed)
    hybrid = views.hybrid_view(rec)
    if hybrid is not None:
        out += ["", tr("Hybrid design"), _wrap(f"{hybrid.lead} [{hybrid.citation}]", "  ")]
        for part in hybrid.parts:
            out.append(_wrap(f"- {part.broker_title}: {part.role}. {part.reason}", "    "))
    for item in rec.ranking:
        out += ["", f"{item.broker.title}"]
        ruled_out = tr("ruled out")
        for label, reasons in ((ruled_out, item.knockouts), ("+", item.pros), ("-", item.cons)):
            for reason in reasons:
                weight = "" if label == ruled_out else f"{reason.weight:g} "
                out.append(_wrap(f"{label} {weight}{reason.text} [{reason.citation}]", "  "))
        if item.pattern is not None:
            out.append(
                _wrap(
                    tr("Pattern: {name}.", name=item.pattern.name)
                    + f" {item.pattern.summary} [{item.pattern.citation}]",
                    "  ",
                )
            )
            out.extend(_wrap(f"- {step}", "    ") for step in item.pattern.steps)
        if item.advice and not item.knocked_out:
            out.append("  " + tr("Configuration:"))
            for advice in item.advice:
                setting = f"{advice.setting} = {advice.value}: " if advice.setting else ""
                out.append(_wrap(f"- {setting}{advice.text} [{advice.citation}]", "    "))
    out += ["", tr("Capacity estimates")]
    rows = views.capacity_rows(rec)
    width = max(_width(row.title) for row in rows)
    out.extend(f"  {row.title}{' ' * (width - _width(row.title))}  {row.value}" for row in rows)
    precedents = views.precedent_views(rec)
    if precedents:
        out += ["", tr("Teams with similar workloads (published decisions)")]
        for seen in precedents:
            out.append(
                _wrap(
                    f"- {seen.headline}: {seen.title} "
                    + tr("(similarity {value})", value=seen.similarity),
                    "  ",
                )
            )
            out.extend(_wrap(f"· {reason}", "      ") for reason in seen.reasons)
            out.append(_wrap(seen.source, "      "))
    if rec.what_if:
        out += ["", tr("What would change the answer")]
        out.extend(_wrap(f"- {item.text}", "  ") for item in rec.what_if)
    elif rec.winner is not None:
        out += ["", tr("What would change the answer"), _wrap(tr(NO_WHAT_IF), "  ")]
    out += [
        "",
        tr(
            "Rulebook {digest}, broker-advisor {version}. "
            "Read a cited section with: broker-advisor guide SECTION",
            digest=rec.rulebook_hash[:12],
            version=rec.app_version,
        ),
    ]
    return "\n".join(out)


def format_precedents(library: list[tuple[str, str, str, str, str]]) -> str:
    """The precedent library as a table: id, organisation and year, chosen, left, title."""
    out = [tr("{count} published decisions", count=len(library))]
    for ident, who, chosen, left, title in library:
        moved = f"{left} -> {chosen}" if left else chosen
        out.append(f"  {ident:52} {moved:20} {who}: {title}")
    return "\n".join(out)
