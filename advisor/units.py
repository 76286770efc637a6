"""Numbers in words, one way for the CLI, the app and the reports: sizes in decimal units,
counts, rates, durations and the values of workload fields."""

from __future__ import annotations

import math

from advisor.i18n import tr


def human_bytes(value: float) -> str:
    """Bytes in the largest unit that keeps the number readable (decimal units, 1 KB = 1000)."""
    if not math.isfinite(value):
        return tr("unbounded")
    for unit in ("B", "KB", "MB", "GB", "TB"):
        if abs(value) < 1000 or unit == "TB":
            return f"{value:,.0f} {unit}" if unit == "B" else f"{value:,.1f} {unit}"
        value /= 1000
    return f"{value:,.1f} TB"


def human_number(value: float) -> str:
    """A count with thousands separators, or in millions/billions when large."""
    if not math.isfinite(value):
        return tr("unbounded")
    if abs(value) >= 1e9:
        return tr("{count} billion", count=trim(value / 1e9))
    if abs(value) >= 1e6:
        return tr("{count} million", count=trim(value / 1e6))
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


def human_bandwidth(value: float) -> str:
    """Bytes per second as e.g. '1.5 MB/s'."""
    return f"{human_bytes(value)}/s"


def human_rate(value: float) -> str:
    """A message rate, e.g. '12,000 msg/s'."""
    return f"{human_number(value)} msg/s"


def human_hours(value: float) -> str:
    """Hours, with days or years alongside when it helps."""
    if value == 0:
        return "0 h"
    text = f"{trim(value)} h"
    if value >= 24 * 365:
        return text + tr(" ({count} years)", count=trim(value / (24 * 365)))
    if value >= 48:
        return text + tr(" ({count} days)", count=trim(value / 24))
    return text


def human_ms(value: float) -> str:
    """Milliseconds, switching to seconds from 10 s on."""
    if value >= 10_000:
        return f"{trim(value / 1000)} s"
    return f"{trim(value)} ms"


def what_if_value(value: float, unit: str) -> str:
    """A what-if threshold or current value worded as in the engine's what-if sentence.

    The Now and Threshold columns sit next to that sentence, so they must say the same thing:
    sizes through the one decimal formatter, other quantities as plain numbers with their unit.
    """
    if unit == "bytes" and not math.isfinite(value):
        return human_bytes(value)
    return quantity(value, unit)


def format_value(value: object, unit: str) -> str:
    """A workload value in words, using its unit from the model's json_schema_extra."""
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, int | float):
        if unit == "bytes":
            return human_bytes(value)
        if unit == "msg/s":
            return human_rate(value)
        if unit == "h":
            return human_hours(value)
        if unit == "ms":
            return human_ms(value)
        number = human_number(value)
        return f"{number} {unit}" if unit else number
    return str(value)
