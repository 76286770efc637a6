"""Human-readable numbers for reports: decimal sizes as the engine words them, rates, durations."""

from __future__ import annotations

import math

from advisor import text_output


def human_bytes(value: float) -> str:
    """A byte count in decimal units (1 KB = 1000 bytes), worded exactly as the engine does."""
    if not math.isfinite(value):
        return "unbounded"
    return text_output.human_bytes(value)


def human_bandwidth(value: float) -> str:
    """Bytes per second as e.g. '1.5 MB/s'."""
    return f"{human_bytes(value)}/s"


human_number = text_output.human_number
_trim = text_output.trim


def human_rate(value: float) -> str:
    """A message rate, e.g. '12,000 msg/s'."""
    return f"{human_number(value)} msg/s"


def human_hours(value: float) -> str:
    """Hours, with days or years alongside when it helps."""
    if value == 0:
        return "0 h"
    text = f"{_trim(value)} h"
    if value >= 24 * 365:
        return f"{text} ({_trim(value / (24 * 365))} years)"
    if value >= 48:
        return f"{text} ({_trim(value / 24)} days)"
    return text


def human_ms(value: float) -> str:
    """Milliseconds, switching to seconds from 10 s on."""
    if value >= 10_000:
        return f"{_trim(value / 1000)} s"
    return f"{_trim(value)} ms"


def what_if_value(value: float, unit: str) -> str:
    """A what-if threshold or current value worded as in the engine's what-if sentence.

    The Now and Threshold columns sit next to that sentence, so they must say the same thing:
    sizes through the one decimal formatter, other quantities as plain numbers with their unit.
    """
    if unit == "bytes" and not math.isfinite(value):
        return human_bytes(value)
    return text_output.quantity(value, unit)


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
