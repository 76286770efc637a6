"""Render a report as HTML, PDF (through the Qt renderer plug-in), Markdown (MADR) or JSON."""

from __future__ import annotations

import html
import re
import tempfile
from collections.abc import Callable, Sequence
from datetime import datetime
from importlib import metadata
from pathlib import Path
from typing import Literal, cast

from markupsafe import Markup

from advisor import files, i18n
from advisor.loadtest.models import BakeoffResult
from advisor.probe.models import ProbeResult
from advisor.recommendation import Recommendation
from advisor.report import charts, env
from advisor.report import context as ctx_mod
from advisor.report.schema import CitedSection, ReportDocument
from advisor.workload import Workload

Format = Literal["html", "pdf", "md", "json"]
FORMATS: tuple[Format, ...] = ("html", "pdf", "md", "json")
SUFFIXES: dict[Format, str] = {"html": ".html", "pdf": ".pdf", "md": ".md", "json": ".json"}
FORMAT_TITLES: dict[Format, str] = {"html": "HTML", "pdf": "PDF", "md": "Markdown", "json": "JSON"}

HTML_TEMPLATE = "report.html.j2"
PRINT_TEMPLATE = "report-print.html.j2"
MARKDOWN_TEMPLATE = "decision-record.md.j2"

RENDERER_GROUP = "broker_advisor.renderers"

PdfRenderer = Callable[[str, Path], None]


class ReportError(Exception):
    """A report that cannot be made: unknown format, missing renderer, unwritable path."""


def format_for_path(path: Path | str) -> Format | None:
    """The format a file name asks for by its suffix, if any."""
    suffix = Path(path).suffix.lower()
    aliases: dict[str, Format] = {".htm": "html", ".markdown": "md"}
    for fmt, known in SUFFIXES.items():
        if suffix == known:
            return fmt
    return aliases.get(suffix)


def _check_format(fmt: str) -> Format:
    for known in FORMATS:
        if fmt == known:
            return known
    raise ReportError(
        i18n.tr(
            "unknown report format {format}; expected one of {formats}",
            format=repr(fmt),
            formats=", ".join(FORMATS),
        )
    )


_LOCAL_LINK = re.compile(r'<a href="#([a-z0-9][a-z0-9.\-]*)">(.*?)</a>', re.DOTALL)


def guide_markdown_to_html(markdown: str, anchors: set[str]) -> Markup:
    """Guide Markdown as safe HTML (raw HTML disabled); links to cited sections stay links."""
    try:
        from markdown_it import MarkdownIt
    except ImportError:  # pragma: no cover - markdown-it-py comes with the dev tools
        return Markup("<pre>{}</pre>").format(markdown)
    rendered = MarkdownIt("js-default").render(markdown)

    def relink(match: re.Match[str]) -> str:
        target, text = match.group(1), match.group(2)
        if target in anchors:
            return f'<a href="#guide-{target}">{text}</a>'
        return f'{text} <span class="cite-id">({html.escape(target)})</span>'

    # Safe: markdown-it's js-default preset escapes raw HTML. The guide links sections as
    # (#part.slug); the report's anchors are guide-part.slug.
    return Markup(_LOCAL_LINK.sub(relink, rendered))


_MD_LOCAL_LINK = re.compile(r"\[([^\]\n]+)\]\(#([a-z0-9][a-z0-9.\-]*)\)")
_MD_FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})")


def guide_markdown_relinked(markdown: str, anchors: set[str]) -> str:
    """Guide Markdown for the decision record: a link to a section the appendix holds stays a
    link (the appendix carries its anchor); one to any other section becomes its text and id."""

    def relink(match: re.Match[str]) -> str:
        text, target = match.group(1), match.group(2)
        if target in anchors:
            return match.group(0)
        return i18n.tr("{text} (guide {id})", text=text, id=f"`{target}`")

    out: list[str] = []
    fence = ""
    for line in markdown.splitlines():
        opening = _MD_FENCE.match(line)
        if fence:
            fence = "" if opening and opening.group(1).startswith(fence) else fence
            out.append(line)
        elif opening:
            fence = opening.group(1)
            out.append(line)
        else:
            out.append(_MD_LOCAL_LINK.sub(relink, line))
    return "\n".join(out)


def _guide_html(context: ctx_mod.ReportContext) -> dict[str, Markup]:
    anchors = {e.id for e in context.appendix}
    rtl = i18n.is_rtl()
    return {
        e.id: _code_left_to_right(guide_markdown_to_html(e.markdown_body, anchors))
        if rtl
        else guide_markdown_to_html(e.markdown_body, anchors)
        for e in context.appendix
        if e.found
    }


def _code_left_to_right(html_text: Markup) -> Markup:
    """Code blocks in right-to-left text stay left to right (Qt reads `dir`, not CSS)."""
    return Markup(str(html_text).replace("<pre>", '<pre dir="ltr">'))


def render_html(context: ctx_mod.ReportContext, *, for_print: bool = False) -> str:
    """The report as one self-contained HTML page (the print variant suits Qt's rich text)."""
    template = env.environment().get_template(PRINT_TEMPLATE if for_print else HTML_TEMPLATE)
    text = template.render(
        ctx=context, guide_html=_guide_html(context), loadtest_svg=_loadtest_svg(context)
    )
    return mirror_table_rows(text) if for_print and i18n.is_rtl() else text


_ROW = re.compile(r"(<tr\b[^>]*>)(.*?)(</tr>)", re.DOTALL)
_CELL = re.compile(r"<t([dh])\b[^>]*>.*?</t\1>", re.DOTALL)


def mirror_table_rows(html_text: str) -> str:
    """Every table row's cells in reverse order, for right-to-left print.

    Browsers lay a right-to-left table out from the right; Qt's rich text (the PDF) always puts
    the first cell on the left, so the print variant lists them the other way round. The report's
    tables hold no nested tables, so a row's cells are found by their closing tags.
    """

    def mirror(row: re.Match[str]) -> str:
        cells = [cell.group(0) for cell in _CELL.finditer(row.group(2))]
        if len(cells) < 2 or _CELL.sub("", row.group(2)).strip():
            return row.group(0)  # one cell, or text between cells: leave as written
        return row.group(1) + "".join(reversed(cells)) + row.group(3)

    return _ROW.sub(mirror, html_text)


def _loadtest_svg(context: ctx_mod.ReportContext) -> dict[str, Markup]:
    """The load-test charts as inline SVG (built from escaped text only)."""
    if context.loadtest is None:
        return {}
    return {
        "latency": Markup(charts.latency_svg(context.loadtest)),
        "throughput": Markup(charts.throughput_svg(context.loadtest)),
    }


def render_markdown(context: ctx_mod.ReportContext) -> str:
    """The report as a MADR decision record."""
    anchors = {e.anchor for e in context.appendix if e.anchor}
    guide_md = {
        e.id: guide_markdown_relinked(e.markdown_body, anchors) for e in context.appendix if e.found
    }
    template = env.environment().get_template(MARKDOWN_TEMPLATE)
    text = template.render(ctx=context, guide_md=guide_md)
    # Blank lines pile up where optional blocks are skipped; Markdown needs at most one.
    return re.sub(r"\n{3,}", "\n\n", text).strip() + "\n"


def report_document(
    workload: Workload,
    recommendation: Recommendation,
    probe_results: Sequence[ProbeResult],
    context: ctx_mod.ReportContext,
    generated_at: datetime,
    loadtest: BakeoffResult | None = None,
) -> ReportDocument:
    """The machine-readable report, credentials removed from the probe results."""
    citations = [
        CitedSection(id=e.id, title=e.title, found=e.found, markdown=e.markdown_body)
        for e in context.appendix
    ]
    return ReportDocument(
        language=i18n.language(),
        generated_at=generated_at,
        app_version=recommendation.app_version,
        rulebook_hash=recommendation.rulebook_hash,
        workload=workload,
        recommendation=recommendation,
        probe_results=[ctx_mod.probe_for_report(r, workload) for r in probe_results],
        loadtest=loadtest if loadtest is not None and loadtest.results else None,
        citations=citations,
        settings_snippet=context.snippets[0] if context.snippets else None,
        snippets=context.snippets,
    )


def render_json(document: ReportDocument) -> str:
    """The JSON text of a report document; <, > and & escaped so it is safe to embed."""
    text = document.model_dump_json(indent=2, by_alias=True)
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026") + "\n"


def pdf_renderer() -> PdfRenderer:
    """The PDF renderer plug-in (the Qt layer's ui.pdf:render_pdf), found by entry point."""
    for entry in metadata.entry_points(group=RENDERER_GROUP):
        if entry.name == "pdf":
            try:
                return cast(PdfRenderer, entry.load())
            except ImportError as error:
                raise ReportError(
                    i18n.tr("PDF export needs the desktop package (PySide6): {error}", error=error)
                ) from None
    raise ReportError(
        i18n.tr(
            "PDF export needs the desktop package: no 'pdf' renderer is installed in the "
            "'{group}' entry point group",
            group=RENDERER_GROUP,
        )
    )


def render_pdf_bytes(print_html: str) -> bytes:
    """Render print-variant HTML to PDF bytes through the renderer plug-in."""
    renderer = pdf_renderer()
    with tempfile.TemporaryDirectory(prefix="broker-advisor-pdf-") as folder:
        target = Path(folder) / "report.pdf"
        renderer(print_html, target)
        return target.read_bytes()


def render(
    fmt: str,
    workload: Workload,
    recommendation: Recommendation,
    probe_results: Sequence[ProbeResult] | None = None,
    generated_at: datetime | None = None,
    loadtest: BakeoffResult | None = None,
) -> bytes | str:
    """The report in a format: str for html, md and json; bytes for pdf. `loadtest` is one
    load test or a bake-off (`load_loadtest_results` reads either)."""
    checked = _check_format(fmt)
    moment = ctx_mod.normalise_time(generated_at)
    results = list(probe_results or [])
    context = ctx_mod.build_context(workload, recommendation, results, moment, loadtest=loadtest)
    if checked == "html":
        return render_html(context)
    if checked == "md":
        return render_markdown(context)
    if checked == "json":
        return render_json(
            report_document(workload, recommendation, results, context, moment, loadtest)
        )
    return render_pdf_bytes(render_html(context, for_print=True))


def export(
    fmt: str,
    workload: Workload,
    recommendation: Recommendation,
    path: Path | str,
    probe_results: Sequence[ProbeResult] | None = None,
    generated_at: datetime | None = None,
    loadtest: BakeoffResult | None = None,
) -> Path:
    """Render and write a report atomically (never a half-written file); returns the path."""
    target = Path(path)
    data = render(fmt, workload, recommendation, probe_results, generated_at, loadtest)
    payload = data.encode("utf-8") if isinstance(data, str) else data
    try:
        files.atomic_write_bytes(target, payload)
    except OSError as error:
        raise ReportError(
            i18n.tr(
                "{path}: cannot write the report: {reason}",
                path=target,
                reason=error.strerror or error,
            )
        ) from None
    return target
