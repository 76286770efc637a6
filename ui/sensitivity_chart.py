"""The sensitivity chart: each broker's score as one numeric requirement moves across its
realistic range, the current value and the flip points marked (computed by advisor.sensitivity
in the background, drawn with QtCharts)."""

from __future__ import annotations

import functools
from collections.abc import Callable

import shiboken6
from PySide6.QtCharts import (
    QChart,
    QChartView,
    QLineSeries,
    QLogValueAxis,
    QValueAxis,
)
from PySide6.QtCore import QMargins, QPointF, Qt, Signal
from PySide6.QtGui import QColor, QPainter, QPalette, QPen
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QVBoxLayout,
    QWidget,
)

from advisor import i18n, units
from advisor import sensitivity as core
from advisor import workload as wl
from ui import bidi, theme, worker
from ui.translation import translate

# One colour per broker, each with contrast on light and on dark backgrounds.
BROKER_COLOURS = {
    wl.Broker.REDIS: ("#c92a2a", "#ff8787"),
    wl.Broker.RABBITMQ: ("#d9480f", "#ffa94d"),
    wl.Broker.KAFKA: ("#1864ab", "#74c0fc"),
}


def broker_colour(broker: wl.Broker, palette: QPalette | None = None) -> QColor:
    light, dark = BROKER_COLOURS[broker]
    return QColor(dark if theme.is_dark(palette) else light)


def value_label(value: float, unit: str) -> str:
    return bidi.ltr(units.quantity(value, unit))


class SensitivityChart(QWidget):
    """A field chooser over a chart; `computed` once a sweep is drawn."""

    computed = Signal(core.Sensitivity)

    def __init__(
        self,
        workload: Callable[[], wl.Workload | None],
        parent: QWidget | None = None,
        *,
        field: str = "peak_rate_msg_per_s",
    ) -> None:
        super().__init__(parent)
        self.setObjectName("sensitivityChart")
        self._workload = workload
        self._sequence = 0
        self.result: core.Sensitivity | None = None
        self.field = QComboBox()
        self.field.setAccessibleName(self.tr("Requirement to vary"))
        for name in core.fields():
            self.field.addItem(i18n.tr(core.field_title(name)), name)
        self.field.setCurrentIndex(max(0, self.field.findData(field)))
        self.field.currentIndexChanged.connect(lambda _i: self.refresh())
        label = QLabel(self.tr("&Vary:"))
        label.setBuddy(self.field)
        self.status = QLabel()
        self.status.setWordWrap(True)
        self.status.setAccessibleName(self.tr("Sensitivity summary"))
        self.chart = QChart()
        self.chart.setMargins(QMargins(4, 4, 4, 4))
        self.chart.legend().setAlignment(Qt.AlignmentFlag.AlignBottom)
        self.view = QChartView(self.chart)
        self.view.setObjectName("sensitivityView")
        self.view.setAccessibleName(self.tr("Scores across the range"))
        self.view.setRenderHint(QPainter.RenderHint.Antialiasing)
        self.view.setMinimumSize(480, 300)
        top = QHBoxLayout()
        top.addWidget(label)
        top.addWidget(self.field, 1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(top)
        layout.addWidget(self.view, 1)
        layout.addWidget(self.status)

    @property
    def current_field(self) -> str:
        return str(self.field.currentData())

    def refresh(self) -> None:
        """Sweep the chosen requirement for the current workload, in the background."""
        workload = self._workload()
        if workload is None:
            self.status.setText(self.tr("The workload has problems: fix them to see the chart."))
            return
        self._sequence += 1
        self.status.setText(self.tr("Computing…"))
        worker.create_worker(
            core.sensitivity,
            workload,
            self.current_field,
            on_returned=functools.partial(self._on_returned, self._sequence),
            on_errored=functools.partial(self._on_errored, self._sequence),
        )

    def _on_returned(self, sequence: int, result: core.Sensitivity) -> None:
        if not shiboken6.isValid(self) or sequence != self._sequence:
            return
        self.result = result
        self._draw(result)
        self.status.setText(summary(result))
        self.computed.emit(result)

    def _on_errored(self, sequence: int, error: Exception) -> None:
        if shiboken6.isValid(self) and sequence == self._sequence:
            self.status.setText(
                self.tr("The sweep failed: {error}").format(
                    error=f"{type(error).__name__}: {error}"
                )
            )

    def _draw(self, result: core.Sensitivity) -> None:
        chart = self.chart
        chart.removeAllSeries()
        for axis in chart.axes():
            chart.removeAxis(axis)
        palette = self.palette()
        dark = theme.is_dark(palette)
        chart.setTheme(
            QChart.ChartTheme.ChartThemeDark if dark else QChart.ChartTheme.ChartThemeLight
        )
        chart.setBackgroundBrush(palette.color(QPalette.ColorRole.Base))
        field_title = i18n.tr(result.field_title)
        chart.setTitle(self.tr("Scores as {field} varies").format(field=field_title.lower()))
        points = [p for p in result.points if p.value > 0 or not result.logarithmic]
        x_axis: QValueAxis | QLogValueAxis
        if result.logarithmic:
            x_axis = QLogValueAxis()
            x_axis.setBase(10)
            x_axis.setLabelFormat("%.10g")  # 1000000, never 1e+06
            x_axis.setMinorTickCount(0)  # one line a decade: the markers stand out
        else:
            x_axis = QValueAxis()
            x_axis.setLabelFormat("%.10g")
        unit = f" ({result.unit})" if result.unit else ""
        x_axis.setTitleText(f"{field_title}{unit}")
        y_axis = QValueAxis()
        y_axis.setRange(0, 100)
        y_axis.setTickCount(6)
        y_axis.setLabelFormat("%d")
        y_axis.setTitleText(self.tr("Score"))
        text = palette.color(QPalette.ColorRole.Text)
        for axis in (x_axis, y_axis):
            axis.setLabelsColor(text)
            axis.setTitleBrush(text)
        chart.addAxis(x_axis, Qt.AlignmentFlag.AlignBottom)
        chart.addAxis(y_axis, Qt.AlignmentFlag.AlignLeft)
        for broker in wl.Broker:
            series = QLineSeries()
            series.setName(broker.title)
            pen = QPen(broker_colour(broker, palette))
            pen.setWidthF(2.4)
            series.setPen(pen)
            for point in points:
                series.append(QPointF(point.value, point.scores[broker]))
            chart.addSeries(series)
            series.attachAxis(x_axis)
            series.attachAxis(y_axis)
        low = points[0].value if points else result.low
        self._marker(
            self.tr("Now: {value}").format(value=value_label(result.current, result.unit)),
            max(result.current, low),
            theme.muted_color(palette),
            Qt.PenStyle.DashLine,
            x_axis,
            y_axis,
        )
        for flip in result.flips:
            before = flip.before.title if flip.before else self.tr("none")
            after = flip.after.title if flip.after else self.tr("none")
            colour = broker_colour(flip.after, palette) if flip.after else text
            self._marker(
                self.tr("Flip: {before} → {after} at {value}").format(
                    before=before, after=after, value=value_label(flip.value, result.unit)
                ),
                flip.value,
                colour,
                Qt.PenStyle.DotLine,
                x_axis,
                y_axis,
            )
        legend = chart.legend()
        legend.setLabelColor(text)

    def _marker(
        self,
        name: str,
        x: float,
        colour: QColor,
        style: Qt.PenStyle,
        x_axis: QValueAxis | QLogValueAxis,
        y_axis: QValueAxis,
    ) -> None:
        line = QLineSeries()
        line.setName(name)
        pen = QPen(colour)
        pen.setWidthF(1.6)
        pen.setStyle(style)
        line.setPen(pen)
        line.append(QPointF(x, 0))
        line.append(QPointF(x, 100))
        self.chart.addSeries(line)
        line.attachAxis(x_axis)
        line.attachAxis(y_axis)


def summary(result: core.Sensitivity) -> str:
    """The chart in words (for the status line and screen readers)."""
    none = translate("SensitivityChart", "none")
    span = translate("SensitivityChart", "{low} to {high}").format(
        low=value_label(result.low, result.unit), high=value_label(result.high, result.unit)
    )
    if not result.flips:
        winners = {p.winner for p in result.points}
        only = next(iter(winners)) if len(winners) == 1 else None
        who = only.title if only is not None else translate("SensitivityChart", "the same broker")
        return translate(
            "SensitivityChart",
            "From {span} the answer stays {broker}: no flip point in the realistic range.",
        ).format(span=span, broker=who)
    flips = translate("SensitivityChart", "; ").join(
        translate("SensitivityChart", "{before} → {after} at {value}").format(
            before=f.before.title if f.before else none,
            after=f.after.title if f.after else none,
            value=value_label(f.value, result.unit),
        )
        for f in result.flips
    )
    return translate("SensitivityChart", "From {span}: {flips} (now {value}).").format(
        span=span, flips=flips, value=value_label(result.current, result.unit)
    )


class SensitivityDialog(QDialog):
    """Scenario > Sensitivity Chart: the chart for the workload shown."""

    def __init__(
        self,
        workload: Callable[[], wl.Workload | None],
        parent: QWidget | None = None,
        *,
        field: str = "peak_rate_msg_per_s",
    ) -> None:
        super().__init__(parent)
        self.setObjectName("sensitivityDialog")
        self.setWindowTitle(self.tr("Sensitivity"))
        self.chart = SensitivityChart(workload, self, field=field)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.chart, 1)
        layout.addWidget(buttons)
        self.resize(820, 560)
