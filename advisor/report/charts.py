"""Load-test charts for reports, without Qt: inline SVG for HTML, bar rows for the PDF.

The HTML report draws the latency percentiles (a bar per percentile and broker, on a
logarithmic scale: p50 and max differ by orders of magnitude) and the throughput of each phase
over time (a step line per broker, the target dashed). Qt's rich text, which makes the PDF,
draws no SVG, so the print template draws the same figures as coloured table cells from the
rows made here.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from html import escape

from pydantic import BaseModel, ConfigDict

from advisor import units
from advisor.i18n import tr
from advisor.views import LATENCY_PERCENTILES, BakeoffView, LoadTestView

# One colour per broker (as the app's charts), readable on white paper.
BROKER_COLOURS = {"redis": "#c92a2a", "rabbitmq": "#d9480f", "kafka": "#1864ab"}
_OTHER = "#5f3dc4"
_INK = "#1f2933"
_MUTED = "#7b8794"
_GRID = "#e4e7eb"
_FONT = "DejaVu Sans, Arial, sans-serif"
WIDTH = 720


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class BarRow(_Model):
    """One bar of a chart drawn as table cells: its label, colour, length and value."""

    label: str
    series: str
    colour: str
    percent: float
    text: str


def colour(broker: str) -> str:
    return BROKER_COLOURS.get(broker, _OTHER)


def _series_name(test: LoadTestView) -> str:
    return test.server or test.broker_title


def _log_extent(values: Sequence[float]) -> tuple[float, float]:
    """Decades around the positive values (at least 0.1 ms to 10 ms)."""
    positive = [v for v in values if v > 0]
    low = min(positive, default=1.0)
    high = max(positive, default=1.0)
    lo = math.floor(math.log10(min(low, 1.0)))
    hi = math.ceil(math.log10(max(high, 10.0)))
    return float(max(lo, -2)), float(max(hi, lo + 1))


def _log_fraction(value: float, extent: tuple[float, float]) -> float:
    lo, hi = extent
    if value <= 0:
        return 0.0
    return max(0.0, min(1.0, (math.log10(value) - lo) / (hi - lo)))


def _tick_label(exponent: float) -> str:
    return units.human_ms(10**exponent)


def latency_svg(view: BakeoffView) -> str:
    """Latency percentiles of each run as horizontal bars on a log scale."""
    tests = view.tests
    if not tests:
        return ""
    extent = _log_extent([bar.ms for t in tests for bar in t.latency])
    left, right = 70, 120
    plot = WIDTH - left - right
    bar_h, gap = 14, 10
    group_h = bar_h * len(tests) + gap
    legend_h = 22 if len(tests) > 1 else 0
    top = 8 + legend_h
    height = top + group_h * len(LATENCY_PERCENTILES) + 28
    out = [
        f'<svg class="chart loadtest-latency" role="img" aria-labelledby="lt-latency-title" '
        f'xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {height}" width="{WIDTH}" '
        f'height="{height}" font-family="{_FONT}">',
        '<title id="lt-latency-title">'
        + escape(tr("End-to-end latency percentiles, milliseconds (logarithmic scale)"))
        + "</title>",
    ]
    if legend_h:
        x = left
        for test in tests:
            out.append(
                f'<rect x="{x}" y="6" width="12" height="12" fill="{colour(test.broker)}"/>'
                f'<text x="{x + 17}" y="16" font-size="12" fill="{_INK}">'
                f"{escape(_series_name(test))}</text>"
            )
            x += 30 + 8 * len(_series_name(test))
    lo, hi = extent
    base = top + group_h * len(LATENCY_PERCENTILES)
    for exponent in range(int(lo), int(hi) + 1):
        tick_x = left + plot * (exponent - lo) / (hi - lo)
        out.append(
            f'<line x1="{tick_x:.1f}" y1="{top - 4}" x2="{tick_x:.1f}" y2="{base}" '
            f'stroke="{_GRID}"/><text x="{tick_x:.1f}" y="{base + 16}" font-size="11" '
            f'fill="{_MUTED}" '
            f'text-anchor="middle">{escape(_tick_label(exponent))}</text>'
        )
    for index, (key, label) in enumerate(LATENCY_PERCENTILES):
        y0 = top + index * group_h
        out.append(
            f'<text x="0" y="{y0 + group_h / 2 + 2:.1f}" font-size="13" fill="{_INK}">'
            f"{escape(label)}</text>"
        )
        for row, test in enumerate(tests):
            bar = next(b for b in test.latency if b.key == key)
            y = y0 + row * bar_h
            width = max(1.0, plot * _log_fraction(bar.ms, extent))
            out.append(
                f'<rect x="{left}" y="{y}" width="{width:.1f}" height="{bar_h - 2}" rx="2" '
                f'fill="{colour(test.broker)}"><title>'
                f"{escape(_series_name(test))} {escape(label)}: {escape(bar.text)}</title></rect>"
                f'<text x="{left + width + 6:.1f}" y="{y + bar_h - 4}" font-size="11" '
                f'fill="{_INK}">{escape(bar.text)}</text>'
            )
    out.append("</svg>")
    return "".join(out)


def _nice_ceiling(value: float) -> float:
    if value <= 0:
        return 1.0
    exponent = math.floor(math.log10(value))
    for step in (1, 1.2, 1.5, 2, 2.5, 3, 4, 5, 6, 8, 10):
        candidate = step * 10**exponent
        if candidate >= value:
            return float(candidate)
    return float(10 ** (exponent + 1))


def throughput_svg(view: BakeoffView) -> str:
    """Messages received per second in each phase over time: a step line per run, the target
    rate dashed."""
    tests = [t for t in view.tests if t.throughput]
    if not tests:
        return ""
    left, right, top, bottom = 80, 20, 12, 40
    legend_h = 22
    height = 300
    plot_w = WIDTH - left - right
    plot_h = height - top - bottom - legend_h
    end = max(s.end_s for t in tests for s in t.throughput) or 1.0
    peak = max(max(s.received_msg_per_s, s.target_msg_per_s) for t in tests for s in t.throughput)
    ceiling = _nice_ceiling(peak * 1.05)

    def px(seconds: float) -> float:
        return left + plot_w * seconds / end

    def py(rate: float) -> float:
        return top + legend_h + plot_h * (1 - rate / ceiling)

    out = [
        f'<svg class="chart loadtest-throughput" role="img" aria-labelledby="lt-thr-title" '
        f'xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {height}" width="{WIDTH}" '
        f'height="{height}" font-family="{_FONT}">',
        '<title id="lt-thr-title">'
        + escape(tr("Messages received per second over time, each phase; the target rate dashed"))
        + "</title>",
    ]
    x = left
    for test in tests:
        name = _series_name(test)
        out.append(
            f'<line x1="{x}" y1="12" x2="{x + 14}" y2="12" stroke="{colour(test.broker)}" '
            f'stroke-width="3"/><text x="{x + 19}" y="16" font-size="12" fill="{_INK}">'
            f"{escape(name)}</text>"
        )
        x += 34 + 8 * len(name)
    out.append(
        f'<line x1="{x}" y1="12" x2="{x + 14}" y2="12" stroke="{_MUTED}" stroke-width="2" '
        f'stroke-dasharray="4 3"/><text x="{x + 19}" y="16" font-size="12" fill="{_INK}">'
        f"{escape(tr('target'))}</text>"
    )
    for fraction in (0, 0.25, 0.5, 0.75, 1.0):
        rate = ceiling * fraction
        y = py(rate)
        out.append(
            f'<line x1="{left}" y1="{y:.1f}" x2="{WIDTH - right}" y2="{y:.1f}" stroke="{_GRID}"/>'
            f'<text x="{left - 6}" y="{y + 4:.1f}" font-size="11" fill="{_MUTED}" '
            f'text-anchor="end">{escape(units.human_number(round(rate)))}</text>'
        )
    for fraction in (0, 0.25, 0.5, 0.75, 1.0):
        seconds = end * fraction
        out.append(
            f'<text x="{px(seconds):.1f}" y="{height - bottom + 18}" font-size="11" '
            f'fill="{_MUTED}" text-anchor="middle">{units.trim(seconds)} s</text>'
        )
    out.append(
        f'<text x="{left + plot_w / 2:.1f}" y="{height - 6}" font-size="11" fill="{_MUTED}" '
        f'text-anchor="middle">'
        f"{escape(tr('seconds of load, phases back to back; msg/s received'))}</text>"
    )
    for test in tests:
        received: list[str] = []
        target: list[str] = []
        for step in test.throughput:
            received += [
                f"{px(step.start_s):.1f},{py(step.received_msg_per_s):.1f}",
                f"{px(step.end_s):.1f},{py(step.received_msg_per_s):.1f}",
            ]
            target += [
                f"{px(step.start_s):.1f},{py(step.target_msg_per_s):.1f}",
                f"{px(step.end_s):.1f},{py(step.target_msg_per_s):.1f}",
            ]
        tint = colour(test.broker)
        out.append(
            f'<polyline points="{" ".join(target)}" fill="none" stroke="{tint}" '
            'stroke-width="1.5" stroke-dasharray="4 3" opacity="0.6"/>'
            f'<polyline points="{" ".join(received)}" fill="none" stroke="{tint}" '
            f'stroke-width="2.5"><title>{escape(_series_name(test))}</title></polyline>'
        )
    out.append("</svg>")
    return "".join(out)


def latency_rows(view: BakeoffView) -> list[BarRow]:
    """The latency chart as rows of bars for the PDF (same log scale as the SVG)."""
    extent = _log_extent([bar.ms for t in view.tests for bar in t.latency])
    rows: list[BarRow] = []
    for key, label in LATENCY_PERCENTILES:
        for test in view.tests:
            bar = next(b for b in test.latency if b.key == key)
            rows.append(
                BarRow(
                    label=label,
                    series=_series_name(test),
                    colour=colour(test.broker),
                    percent=round(max(0.5, 100 * _log_fraction(bar.ms, extent)), 1),
                    text=bar.text,
                )
            )
    return rows


def throughput_rows(view: BakeoffView) -> list[BarRow]:
    """Throughput per phase as rows of bars for the PDF, labelled with their time span."""
    peak = max((s.received_msg_per_s for t in view.tests for s in t.throughput), default=0.0) or 1.0
    rows: list[BarRow] = []
    for test in view.tests:
        for step in test.throughput:
            rows.append(
                BarRow(
                    label=f"{units.trim(step.start_s)}–{units.trim(step.end_s)} s {step.phase}",
                    series=_series_name(test),
                    colour=colour(test.broker),
                    percent=round(max(0.5, 100 * step.received_msg_per_s / peak), 1),
                    text=step.text + ("" if step.sustained else " " + tr("(not sustained)")),
                )
            )
    return rows


def scale_caption(view: BakeoffView) -> str:
    lo, hi = _log_extent([bar.ms for t in view.tests for bar in t.latency])
    return tr("logarithmic scale from {low} to {high}", low=_tick_label(lo), high=_tick_label(hi))
