"""The live recommendation (a model fed by the engine in the background) and its view."""

from __future__ import annotations

import functools
import html
from collections.abc import Callable, Mapping

import shiboken6
from PySide6.QtCore import QEvent, QLocale, QObject, Qt, QTimer, QUrl, Signal
from PySide6.QtGui import QDesktopServices, QFont, QPalette, QTextDocument
from PySide6.QtWidgets import (
    QFrame,
    QGridLayout,
    QLabel,
    QProgressBar,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from advisor import i18n, views
from advisor import recommendation as rec
from advisor import workload as wl
from advisor.probe.models import ProbeResult
from ui import bidi, theme, worker
from ui.translation import translate
from ui.workload_editor import Validation, WorkloadDocument

Recommend = Callable[..., rec.Recommendation]
CITATION_SCHEME = "guide"
WHAT_IF_SCHEME = "whatif"
DEBOUNCE_MS = 150
NO_WHAT_IF = rec.NO_WHAT_IF


def _engine_recommend(
    workload: wl.Workload,
    *,
    what_if: bool = True,
    detected: Mapping[wl.Broker, str] | None = None,
) -> rec.Recommendation:
    from advisor import engine  # imported on first use, in the worker thread

    return engine.recommend(workload, what_if=what_if, detected=detected)


# How long the input stays invalid before the kept recommendation shows as out of date.
GREY_AFTER_MS = 250


class LiveRecommendation(QObject):
    """Re-evaluates the document's workload after each change, debounced, off the main thread.

    The last valid recommendation is kept while the input is invalid, and marked stale.
    """

    updated = Signal(rec.Recommendation)
    stale_changed = Signal(bool)
    busy_changed = Signal(bool)
    failed = Signal(str)

    def __init__(
        self,
        document: WorkloadDocument,
        recommend: Recommend | None = None,
        delay_ms: int = DEBOUNCE_MS,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.document = document
        self._recommend = recommend or _engine_recommend
        self._recommendation: rec.Recommendation | None = None
        self._detected: dict[wl.Broker, str] = {}
        self._stale = False
        self._sequence = 0
        self._worker: worker.Worker | None = None
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(delay_ms)
        self._timer.timeout.connect(self._on_timeout)
        document.workload_changed.connect(self._on_workload_changed)
        document.validated.connect(self._on_validated)

    @property
    def recommendation(self) -> rec.Recommendation | None:
        return self._recommendation

    @property
    def is_stale(self) -> bool:
        return self._stale

    @property
    def is_busy(self) -> bool:
        return self._timer.isActive() or self._worker is not None

    @property
    def detected(self) -> dict[wl.Broker, str]:
        """Server versions probes found; the advice is written for them."""
        return dict(self._detected)

    def set_detected(self, detected: Mapping[wl.Broker, str]) -> None:
        """Write the advice for these server versions (from probe results) and recompute."""
        if dict(detected) != self._detected:
            self._detected = dict(detected)
            self.refresh()

    def refresh(self, *, now: bool = False) -> None:
        """Recompute for the current workload (after the debounce delay unless now=True)."""
        if self.document.workload is None:
            return
        if now:
            self._timer.stop()
            self._on_timeout()
        else:
            self._timer.start()
            self.busy_changed.emit(True)

    def _set_stale(self, stale: bool) -> None:
        if stale != self._stale:
            self._stale = stale
            self.stale_changed.emit(stale)

    def _on_workload_changed(self, _workload: wl.Workload) -> None:
        self.refresh()

    def _on_validated(self, validation: Validation) -> None:
        if validation.workload is None:
            if self._timer.isActive():
                # The last valid workload has no recommendation yet: compute it now, so the
                # one kept while the input is invalid belongs to the last valid input.
                self._timer.stop()
                self._start(self.document.last_valid_workload)
            self._set_stale(self._recommendation is not None or self._worker is not None)

    def _on_timeout(self) -> None:
        workload = self.document.workload
        if workload is not None:
            self._start(workload)

    def _start(self, workload: wl.Workload) -> None:
        if self._worker is not None:
            self._worker.cancel()
        self._sequence += 1
        sequence = self._sequence
        recommend = self._recommend
        if self._detected:
            recommend = functools.partial(recommend, detected=dict(self._detected))
        self._worker = worker.create_worker(
            recommend,
            workload,
            on_returned=functools.partial(self._on_returned, sequence),
            on_errored=functools.partial(self._on_errored, sequence),
            on_finished=functools.partial(self._on_finished, sequence),
        )
        self.busy_changed.emit(True)

    def _is_current(self, sequence: int) -> bool:
        # A result can arrive after the window that asked for it was closed and deleted (the
        # callbacks are partials, which Qt cannot disconnect when this object goes).
        return shiboken6.isValid(self) and sequence == self._sequence

    def _on_returned(self, sequence: int, result: rec.Recommendation) -> None:
        if not self._is_current(sequence):
            return  # computed for input that has changed since, or for a closed window
        self._recommendation = result
        self._set_stale(self.document.workload is None)
        self.updated.emit(result)

    def _on_errored(self, sequence: int, error: Exception) -> None:
        if self._is_current(sequence):
            self._set_stale(self._recommendation is not None)
            self.failed.emit(
                translate("RecommendationView", "The engine failed: {error}").format(
                    error=f"{type(error).__name__}: {error}"
                )
            )

    def _on_finished(self, sequence: int) -> None:
        if self._is_current(sequence):
            self._worker = None
            self.busy_changed.emit(self.is_busy)


def render_details(
    recommendation: rec.Recommendation,
    palette: QPalette,
    section_title: Callable[[str], str] = str,
    *,
    stale: bool = False,
    variants: bool = False,
) -> str:
    """The recommendation's details as HTML for a QTextBrowser, coloured from the palette.

    A stale recommendation (kept while the input is invalid) is rendered all in the muted
    colour, its marks included, so that nothing in it reads as a current answer.
    """
    muted = theme.muted_color(palette).name()
    good, bad, warn = (
        muted if stale else c.name()
        for c in (theme.good_color(palette), theme.bad_color(palette), theme.warn_color(palette))
    )
    esc = html.escape
    out: list[str] = []

    def cite(citation: str, title: str = "") -> str:
        if not citation:
            return ""
        label = esc(title or section_title(citation))
        return (
            f' <a href="{CITATION_SCHEME}:{esc(citation)}" title="'
            + esc(
                translate("RecommendationView", "Open the guide at {section}").format(section=label)
            )
            + f'">[{label}]</a>'
        )

    def reasons(items: list[rec.Reason], mark: str, color: str, label: str) -> None:
        for item in items:
            out.append(
                f'<p style="margin-left:1.2em; text-indent:-1.2em; margin-top:2px; '
                f'margin-bottom:2px"><span style="color:{color}" title="{label}">'
                f"<b>{mark}</b></span>&nbsp;{esc(item.text)}"
                f"{cite(item.citation, item.citation_title)}</p>"
            )

    confidence = views.confidence_view(recommendation)
    if confidence.unstated:
        out.append(
            f'<p style="color:{muted}">'
            + esc(
                translate(
                    "RecommendationView",
                    "Not stated, and decisive in real teams' choices: {inputs}.",
                ).format(inputs=translate("RecommendationView", "; ").join(confidence.unstated))
            )
            + "</p>"
        )
    version_view = views.versions_view(recommendation)
    if version_view is not None:
        out.append(f'<p style="color:{muted}">{esc(version_view.line)}</p>')
        for note in version_view.notes:
            out.append(f"<h3>{esc(note.headline)}</h3>")
            if note.winner_changes:
                out.append(f'<p style="color:{warn}">{esc(note.winner_changes)}</p>')
            out.append("<ul>")
            out.extend(f"<li>{esc(text)}</li>" for text in note.added)
            out.extend(
                f'<li style="color:{muted}">'
                + esc(translate("RecommendationView", "No longer: {text}").format(text=text))
                + "</li>"
                for text in note.removed
            )
            out.append("</ul>")
    hybrid = views.hybrid_view(recommendation)
    if hybrid is not None:
        heading = esc(translate("RecommendationView", "Hybrid design"))
        out.append(f"<h3>{heading}</h3><p>{esc(hybrid.lead)}{cite(hybrid.citation)}</p><ul>")
        for part in hybrid.parts:
            out.append(
                f"<li><b>{esc(part.broker_title)}</b>: {esc(part.role)}. {esc(part.reason)}</li>"
            )
        out.append("</ul>")

    change_heading = translate("RecommendationView", "What would change the answer")
    if recommendation.what_if:
        out.append(f"<h3>{esc(change_heading)}</h3><ul>")
        for index, item in enumerate(recommendation.what_if):
            text = item.text[:1].upper() + item.text[1:]
            links = "" if stale else what_if_links(index, variants=variants)
            out.append(f"<li>{esc(text)}{links}</li>")
        out.append("</ul>")
    elif recommendation.winner is not None:
        # Saying so is an answer too (a robust choice); an empty heading would look broken.
        out.append(f"<h3>{esc(change_heading)}</h3><p>{esc(i18n.tr(NO_WHAT_IF))}</p>")

    for assessment in recommendation.ranking:
        title = assessment.broker.title
        verdict = translate("RecommendationView", " — ruled out") if assessment.knocked_out else ""
        rank = QLocale().toString(assessment.rank)
        out.append(
            f'<h3><a name="broker-{assessment.broker.value}"></a>{rank}. '
            f"{bidi.isolate(esc(title))}{esc(verdict)}</h3>"
        )
        reasons(assessment.knockouts, "⛔", bad, translate("RecommendationView", "Rules it out"))
        reasons(assessment.pros, "✓", good, translate("RecommendationView", "For"))
        reasons(
            assessment.cons,
            "✗",
            warn if not assessment.knocked_out else bad,
            translate("RecommendationView", "Against"),
        )
        pattern = assessment.pattern
        if pattern is not None:
            label = esc(translate("RecommendationView", "Pattern:"))
            out.append(
                f"<p><b>{label}</b> {esc(pattern.name)} — {esc(pattern.summary)}"
                f"{cite(pattern.citation)}</p>"
            )
            if pattern.steps:
                out.append("<ol>" + "".join(f"<li>{esc(s)}</li>" for s in pattern.steps) + "</ol>")
        if assessment.advice:
            label = esc(translate("RecommendationView", "Configuration advice:"))
            out.append(f"<p><b>{label}</b></p><ul>")
            for advice in assessment.advice:
                setting = ""
                if advice.setting:
                    value = f" = {esc(advice.value)}" if advice.value else ""
                    setting = " " + bidi.ltr(f"<code>{esc(advice.setting)}{value}</code>")
                out.append(f"<li>{esc(advice.text)}{setting}{cite(advice.citation)}</li>")
            out.append("</ul>")

    precedents = views.precedent_views(recommendation)
    if precedents:
        heading = esc(translate("RecommendationView", "Teams with similar workloads"))
        out.append(f"<h3>{heading}</h3>")
        for seen in precedents:
            different = esc(translate("RecommendationView", "(a different choice)"))
            mark = "" if seen.agrees else f' <span style="color:{warn}">{different}</span>'
            out.append(
                f'<p style="margin-bottom:2px"><b>{esc(seen.headline)}</b> — '
                f'{esc(seen.title)} <span style="color:{muted}">'
                + esc(
                    translate("RecommendationView", "similarity {value}").format(
                        value=seen.similarity
                    )
                )
                + f"</span>{mark}</p>"
                f'<ul style="margin-top:0px">'
                + "".join(f"<li>{esc(r)}</li>" for r in seen.reasons)
                + f'<li><a href="{esc(seen.source)}">{bidi.html_ltr(seen.source)}</a></li></ul>'
            )

    rows = [(row.title, row.value) for row in views.capacity_rows(recommendation)]
    heading = esc(translate("RecommendationView", "Capacity estimates"))
    out.append(f'<h3>{heading}</h3><table cellspacing="0" cellpadding="2">')
    out += [
        f'<tr><td style="color:{muted}; padding-right:12px">{esc(k)}</td>'
        f"<td>{bidi.isolate(esc(v))}</td></tr>"
        for k, v in rows
    ]
    out.append("</table>")
    out.append(
        f'<p style="color:{muted}">'
        + esc(
            translate("RecommendationView", "Rulebook {hash}, Broker Advisor {version}").format(
                hash=bidi.ltr(recommendation.rulebook_hash[:12]),
                version=bidi.ltr(recommendation.app_version),
            )
        )
        + "</p>"
    )
    if stale:
        return f'<div style="color:{muted}">' + "\n".join(out) + "</div>"
    return "\n".join(out)


def what_if_links(index: int, *, variants: bool = False) -> str:
    """The links after a what-if: apply it here, or (with scenarios) as a new variant."""
    esc = html.escape
    apply_tip = translate(
        "RecommendationView", "Set this requirement to the threshold (Undo takes it back)"
    )
    apply_text = translate("RecommendationView", "Apply")
    apply = (
        f' <a href="{WHAT_IF_SCHEME}:apply/{index}" title="{esc(apply_tip)}">'
        f"[{esc(apply_text)}]</a>"
    )
    if not variants:
        return apply
    variant_tip = translate(
        "RecommendationView",
        "Open a copy of this workload with the threshold applied, beside this one",
    )
    variant_text = translate("RecommendationView", "Apply as variant")
    return apply + (
        f' <a href="{WHAT_IF_SCHEME}:variant/{index}" title="{esc(variant_tip)}">'
        f"[{esc(variant_text)}]</a>"
    )


class _ScoreRow:
    """One broker's line in the ranking: name, score bar, one-word verdict."""

    def __init__(self, grid: QGridLayout, row: int) -> None:
        self.name = QLabel()
        self.bar = QProgressBar()
        self.bar.setRange(0, 100)
        self.bar.setTextVisible(True)
        self.bar.setFormat("%v")
        self.note = QLabel()
        grid.addWidget(self.name, row, 0)
        grid.addWidget(self.bar, row, 1)
        grid.addWidget(self.note, row, 2)

    def show(self, assessment: rec.BrokerAssessment, winner: bool) -> None:
        title = assessment.broker.title
        rank = QLocale().toString(assessment.rank)
        self.name.setText(
            f"<b>{rank}. {bidi.isolate(title)}</b>" if winner else f"{rank}. {bidi.isolate(title)}"
        )
        score = round(assessment.score)
        self.bar.setValue(score)
        ruled_out = translate("RecommendationView", "ruled out")
        locale = QLocale()
        self.bar.setFormat(
            ruled_out
            if assessment.knocked_out
            else translate("RecommendationView", "{score} / 100").format(
                score=locale.toString(score), total=locale.toString(100)
            )
        )
        self.bar.setAccessibleName(
            translate("RecommendationView", "{broker} score").format(broker=title)
        )
        self.bar.setAccessibleDescription(
            ruled_out
            if assessment.knocked_out
            else translate("RecommendationView", "{score} out of 100").format(
                score=locale.toString(score)
            )
        )
        self.note.setText(
            translate("RecommendationView", "recommended")
            if winner and not assessment.knocked_out
            else ""
        )


class RecommendationView(QWidget):
    """Shows a LiveRecommendation: the winner, score bars, then reasons, pattern, sizing, advice."""

    citation_activated = Signal(str)
    what_if_activated = Signal(rec.WhatIf, bool)  # the what-if, as a new variant

    def __init__(
        self,
        model: LiveRecommendation,
        parent: QWidget | None = None,
        *,
        section_title: Callable[[str], str] = str,
    ) -> None:
        super().__init__(parent)
        self.model = model
        self._section_title = section_title
        self._scroll_to_top = False
        self._rendered_stale = False
        self._shown_stale = False  # the out-of-date look is on (banner, greyed answer)
        self._shown_html = ""  # what the details show, not set again when unchanged
        self._variants = False
        # Invalid input shows as stale (banner, greyed answer and reasons) after a pause in
        # typing, not on every half-typed number: the editor marks the field at once, and each
        # redraw of the answer and its long document costs tens of milliseconds.
        self._restyle_timer = QTimer(self)
        self._restyle_timer.setSingleShot(True)
        self._restyle_timer.setInterval(GREY_AFTER_MS)
        self._restyle_timer.timeout.connect(self._show_stale_if_still)
        self.setObjectName("recommendationView")
        self.setAccessibleName(self.tr("Recommendation"))
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)

        self.stale_banner = QLabel()
        self.stale_banner.setObjectName("staleBanner")
        self.stale_banner.setWordWrap(True)
        self.stale_banner.setFrameShape(QFrame.Shape.StyledPanel)
        self.stale_banner.setMargin(6)
        self.stale_banner.setAutoFillBackground(True)
        self.stale_banner.hide()
        layout.addWidget(self.stale_banner)

        self.headline = QLabel(self.tr("Working out the recommendation…"))
        self.headline.setObjectName("headline")
        font = QFont(self.headline.font())
        font.setPointSizeF(font.pointSizeF() * 1.5)
        font.setBold(True)
        self.headline.setFont(font)
        self.headline.setWordWrap(True)
        self.headline.setAccessibleName(self.tr("Recommended broker"))
        layout.addWidget(self.headline)

        # A live broker that contradicts the answer, from the probe results (views.probe_conflict).
        self.conflict = QLabel()
        self.conflict.setObjectName("probeConflict")
        self.conflict.setWordWrap(True)
        self.conflict.setTextFormat(Qt.TextFormat.RichText)
        self.conflict.setAccessibleName(self.tr("Probe contradicts the recommendation"))
        self.conflict.setFrameShape(QFrame.Shape.StyledPanel)
        self.conflict.setMargin(6)
        self.conflict.hide()
        layout.addWidget(self.conflict)
        self._probe_results: list[ProbeResult] = []

        self.summary = QLabel()
        self.summary.setWordWrap(True)
        self.summary.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.summary.setAccessibleName(self.tr("Summary"))
        layout.addWidget(self.summary)

        self.confidence = QLabel()
        self.confidence.setWordWrap(True)
        self.confidence.setAccessibleName(self.tr("Confidence"))
        layout.addWidget(self.confidence)

        self.assumed_note = QLabel()
        self.assumed_note.setObjectName("assumedNote")
        self.assumed_note.setWordWrap(True)
        self.assumed_note.setAccessibleName(self.tr("Assumed values"))
        self.assumed_note.hide()
        layout.addWidget(self.assumed_note)

        grid = QGridLayout()
        grid.setColumnStretch(1, 1)
        self._rows = [_ScoreRow(grid, i) for i in range(len(wl.Broker))]
        layout.addLayout(grid)

        self.details = QTextBrowser()
        self.details.setObjectName("recommendationDetails")
        self.details.setAccessibleName(self.tr("Recommendation details"))
        self.details.setOpenLinks(False)
        self.details.anchorClicked.connect(self._on_anchor_clicked)
        layout.addWidget(self.details, 1)

        model.updated.connect(self._on_updated)
        model.stale_changed.connect(self._on_stale_changed)
        model.failed.connect(self._on_failed)
        if model.recommendation is not None:
            self._on_updated(model.recommendation)

    def _on_updated(self, recommendation: rec.Recommendation) -> None:
        winner = recommendation.winner
        if recommendation.tied:
            headline = self.tr("A tie: {brokers}").format(
                brokers=self.tr(" or ").join(b.title for b in recommendation.tied)
            )
        elif winner:
            headline = self.tr("Use {broker}").format(broker=winner.title)
        else:
            headline = self.tr("No broker fits every requirement")
        self.headline.setText(bidi.paragraph(headline))
        self.summary.setText(bidi.paragraph(recommendation.summary))
        level = {
            "high": self.tr("high"),
            "medium": self.tr("medium"),
            "low": self.tr("low"),
        }.get(recommendation.confidence.level.value, recommendation.confidence.level.value)
        self.confidence.setText(
            bidi.mark()
            + "<b>"
            + html.escape(self.tr("Confidence: {level}").format(level=level))
            + f"</b> — {html.escape(recommendation.confidence.explanation)}"
        )
        for row, assessment in zip(self._rows, recommendation.ranking, strict=False):
            # In a tie no row is marked as the recommendation.
            row.show(assessment, assessment.broker == winner and not recommendation.tied)
        self._show_assumed()
        self._show_conflict()
        self._render_details()
        self._scroll_to_top = False
        self._on_stale_changed(self.model.is_stale)

    def set_probe_results(self, results: list[ProbeResult]) -> None:
        """The latest probe results: the recommendation says when they contradict it."""
        self._probe_results = list(results)
        self._show_conflict()

    def _show_conflict(self) -> None:
        recommendation = self.model.recommendation
        found = (
            views.probe_conflict(recommendation, self._probe_results)
            if recommendation is not None
            else None
        )
        if found is None:
            self.conflict.hide()
            self.conflict.clear()
            return
        palette = self.palette()
        colour = (theme.bad_color if found.status == "fail" else theme.warn_color)(palette).name()
        details = "".join(f"<br>• {html.escape(d)}" for d in found.details[:4])
        self.conflict.setText(
            bidi.mark()
            + f"<b style='color:{colour}'>⚠ {html.escape(found.headline)}</b>{details}"
            + "<br><i>"
            + html.escape(self.tr("From the probe tab; the recommendation itself is unchanged."))
            + "</i>"
        )
        self.conflict.show()

    def _show_assumed(self) -> None:
        """Say how much of the answer rests on values nobody stated (italic in the form)."""
        total = len(wl.Workload.model_fields)
        assumed = total - len(self.model.document.stated & set(wl.Workload.model_fields))
        if assumed == 0:
            self.assumed_note.hide()
            return
        if assumed == total:
            text = self.tr(
                "Every value is assumed (a blank workload): this answer rests on defaults. "
                "Set what you know, in the form on the left."
            )
        else:
            text = self.tr(
                "{assumed} of {total} values are assumed (in italics in the form): "
                "set the ones you know."
            ).format(assumed=QLocale().toString(assumed), total=QLocale().toString(total))
        muted = theme.muted_color(self.palette()).name()
        self.assumed_note.setText(f"<span style='color:{muted}'>{html.escape(text)}</span>")
        self.assumed_note.show()

    def refresh(self) -> None:
        """Render again (e.g. once guide titles are known)."""
        self._render_details()

    def scroll_to_top(self) -> None:
        """Show the next recommendation from its top (another workload was loaded)."""
        self._scroll_to_top = True
        self.details.verticalScrollBar().setValue(0)

    def _render_details(self) -> None:
        recommendation = self.model.recommendation
        if recommendation is None:
            return
        bar = self.details.verticalScrollBar()
        position = 0 if self._scroll_to_top else bar.value()
        self._rendered_stale = self._shown_stale  # grey only once it shows as out of date
        shown = render_details(
            recommendation,
            self.palette(),
            self._section_title,
            stale=self._shown_stale,
            variants=self._variants,
        )
        if shown == self._shown_html:
            if self._scroll_to_top:
                bar.setValue(0)
            return  # laying out the same document again costs tens of milliseconds
        self._shown_html = shown
        self.details.setDocument(self._laid_out(shown))  # the previous one is deleted
        bar.setValue(position)

    def _laid_out(self, shown: str) -> QTextDocument:
        """A new document for the details, laid out for their width: a third cheaper than
        setHtml on the shown document, which lays out again and repaints on every change."""
        current = self.details.document()
        document = QTextDocument(self.details)  # the editor's child: deleted when replaced
        document.setUndoRedoEnabled(False)
        document.setDefaultFont(current.defaultFont())
        document.setDefaultStyleSheet(current.defaultStyleSheet())
        document.setDefaultTextOption(current.defaultTextOption())
        document.setDocumentMargin(current.documentMargin())
        document.setHtml(shown)
        bidi.orient(document)
        document.setTextWidth(self.details.viewport().width())
        return document

    def _on_stale_changed(self, stale: bool) -> None:
        if not stale:
            self._restyle_timer.stop()
            if self._shown_stale:
                self._show_stale(False)
        elif not self._shown_stale and not self._restyle_timer.isActive():
            self._restyle_timer.start()

    def _show_stale_if_still(self) -> None:
        if self.model.is_stale and not self._shown_stale:
            self._show_stale(True)

    def _show_stale(self, stale: bool) -> None:
        """The banner, the greyed answer and reasons (stale), or their undoing."""
        self._shown_stale = stale
        self.stale_banner.setText(
            self.tr(
                "The workload has problems (see the editor): this is the last "
                "valid recommendation, and it may be out of date."
            )
        )
        self._color_banner()
        self.stale_banner.setVisible(stale)
        self.setProperty("stale", stale)
        if stale != self._rendered_stale:
            self._render_details()  # the reasons' colours go grey, and come back
        # Greyed out, but the details stay readable and their citations clickable.
        for widget in (
            self.headline,
            self.summary,
            self.confidence,
            *(w for r in self._rows for w in (r.name, r.bar, r.note)),
        ):
            widget.setEnabled(not stale)

    def _on_failed(self, message: str) -> None:
        self.stale_banner.setText(message)
        self._color_banner()
        self.stale_banner.show()

    def _color_banner(self) -> None:
        palette = self.stale_banner.palette()
        base = self.palette()
        tint = theme.warn_color(base)
        background = base.color(QPalette.ColorRole.Window)
        mixed = background.toRgb()
        alpha = 0.25
        mixed.setRgbF(
            mixed.redF() * (1 - alpha) + tint.redF() * alpha,
            mixed.greenF() * (1 - alpha) + tint.greenF() * alpha,
            mixed.blueF() * (1 - alpha) + tint.blueF() * alpha,
        )
        palette.setColor(QPalette.ColorRole.Window, mixed)
        palette.setColor(QPalette.ColorRole.WindowText, base.color(QPalette.ColorRole.WindowText))
        self.stale_banner.setPalette(palette)

    def _on_anchor_clicked(self, url: QUrl) -> None:
        if url.scheme() == CITATION_SCHEME:
            self.citation_activated.emit(url.path())
        elif url.scheme() == WHAT_IF_SCHEME:
            self._on_what_if_link(url.path())
        elif url.scheme() in ("http", "https"):
            # A precedent's published source opens in the user's browser.
            QDesktopServices.openUrl(url)

    def _on_what_if_link(self, path: str) -> None:
        recommendation = self.model.recommendation
        kind, _, number = path.partition("/")
        if recommendation is None or self.model.is_stale or not number.isdigit():
            return
        index = int(number)
        if index < len(recommendation.what_if):
            self.what_if_activated.emit(recommendation.what_if[index], kind == "variant")

    def set_variants_enabled(self, enabled: bool) -> None:
        """Offer "Apply as variant" beside each what-if (the window has scenarios)."""
        if enabled != self._variants:
            self._variants = enabled
            self._render_details()

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.PaletteChange:
            self._render_details()
            self._color_banner()
            self._show_conflict()
        super().changeEvent(event)

    def citation_links(self) -> list[str]:
        """Every guide section cited in the details (for tests and accessibility checks)."""
        import re

        return re.findall(rf'href="{CITATION_SCHEME}:([^"]+)"', self.details.toHtml())
