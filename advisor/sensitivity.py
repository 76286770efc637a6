"""Sensitivity of the answer to one numeric requirement: each broker's score across its range.

Beside the what-if (which finds only the nearest threshold each way), this sweeps a numeric
requirement over the realistic range the what-if uses (`engine.WHAT_IF_AXES`), scores the three
brokers at each point through `engine.recommend`, and bisects to every value where the winner
changes (the flip points). Varying a requirement states it, as the what-if does. Deterministic.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Mapping
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from advisor import engine, rules
from advisor.facts import FACT_SPECS
from advisor.workload import Broker, Workload

DEFAULT_STEPS = 48
BISECT_STEPS = 18
MAX_RATE = engine.MAX_RATE


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class SensitivityPoint(_Model):
    """The three brokers' scores with the requirement at one value."""

    value: float = Field(title="Value")
    scores: dict[Broker, float] = Field(title="Scores", description="0-100; 0 when ruled out.")
    ruled_out: list[Broker] = Field(default_factory=list, title="Ruled out")
    winner: Broker | None = Field(None, title="Winner", description="None when all are out.")
    tied: bool = Field(False, title="Tie")


class FlipPoint(_Model):
    """A value where the recommended broker changes."""

    value: float = Field(title="Value", description="The first value with the new winner.")
    before: Broker | None = Field(title="Winner below it")
    after: Broker | None = Field(title="Winner from it on")


class Sensitivity(_Model):
    """Each broker's score across one requirement's realistic range."""

    field: str = Field(title="Field")
    field_title: str = Field(title="Requirement")
    unit: str = Field("", title="Unit")
    current: float = Field(title="Current value")
    low: float = Field(title="Lowest value swept")
    high: float = Field(title="Highest value swept")
    logarithmic: bool = Field(title="Logarithmic", description="Points spaced by ratio.")
    points: list[SensitivityPoint] = Field(title="Points", description="In increasing value.")
    flips: list[FlipPoint] = Field(default_factory=list, title="Flip points")


def fields() -> list[str]:
    """The numeric requirements a sensitivity can sweep (those the what-if varies)."""
    return [axis.field for axis in engine.WHAT_IF_AXES]


def field_title(name: str) -> str:
    return Workload.model_fields[name].title or name


def adjusted(values: Mapping[str, Any], name: str, value: float) -> dict[str, Any]:
    """Workload values with one numeric requirement set and its sibling kept consistent.

    As the what-if does: an average rate keeps the burstiness (the peak moves with it), a peak
    below the average takes the average down, and message sizes keep average <= largest.
    """
    changed = dict(values)
    integer = _axis(name).integer
    changed[name] = round(value) if integer else float(value)
    if name == "avg_rate_msg_per_s":
        avg, peak = float(values["avg_rate_msg_per_s"]), float(values["peak_rate_msg_per_s"])
        ratio = peak / avg if avg >= engine.MIN_RATE else 1.0
        changed["peak_rate_msg_per_s"] = max(float(value), min(value * ratio, MAX_RATE))
    elif name == "peak_rate_msg_per_s":
        changed["avg_rate_msg_per_s"] = min(float(values["avg_rate_msg_per_s"]), float(value))
    elif name == "avg_message_size_bytes":
        changed["max_message_size_bytes"] = max(int(values["max_message_size_bytes"]), round(value))
    elif name == "max_message_size_bytes":
        changed["avg_message_size_bytes"] = min(int(values["avg_message_size_bytes"]), round(value))
    return changed


def workload_at(workload: Workload, name: str, value: float) -> Workload:
    """The workload with one requirement at value (stated), its sibling kept consistent."""
    data = workload.model_dump(mode="json")
    changed = adjusted(data, name, value)
    stated = set(workload.model_fields_set) | {name}
    stated |= {key for key in changed if changed[key] != data.get(key)}
    return Workload.model_validate({key: changed[key] for key in stated})


def _axis(name: str) -> Any:
    for axis in engine.WHAT_IF_AXES:
        if axis.field == name:
            return axis
    raise KeyError(f"'{name}' is not a numeric requirement the sensitivity can sweep")


def _grid(low: float, high: float, steps: int, integer: bool) -> tuple[list[float], bool]:
    """Points from low to high: every whole value of a short integer range, else geometric
    when the range spans decades (with 0 first when it starts there), else even steps."""
    if integer and high - low <= steps * 2:
        return [float(v) for v in range(int(low), int(high) + 1)], False
    start = low if low > 0 else high / 10**4
    logarithmic = high / start >= 100
    if logarithmic:
        ratio = (math.log(high) - math.log(start)) / (steps - 1)
        points = [math.exp(math.log(start) + ratio * i) for i in range(steps)]
        if low <= 0:
            points = [0.0, *points]
    else:
        points = [low + (high - low) * i / (steps - 1) for i in range(steps)]
    if integer:
        points = sorted({float(round(p)) for p in points})
    return points, logarithmic


def _point(workload: Workload, name: str, value: float, book: rules.Rulebook) -> SensitivityPoint:
    result = engine.recommend(workload_at(workload, name, value), what_if=False, rulebook=book)
    return SensitivityPoint(
        value=value,
        scores={a.broker: round(a.score, 2) for a in result.ranking},
        ruled_out=[a.broker for a in result.ranking if a.knocked_out],
        winner=result.winner,
        tied=bool(result.tied),
    )


def sensitivity(
    workload: Workload,
    name: str,
    *,
    steps: int = DEFAULT_STEPS,
    rulebook: rules.Rulebook | None = None,
) -> Sensitivity:
    """Each broker's score as `name` moves across its realistic range, with the flip points."""
    axis = _axis(name)
    book = rulebook or rules.load_rulebook()
    current = float(getattr(workload, name))
    low, high = float(axis.low), float(axis.high)
    if name == "max_message_size_bytes":
        low = max(low, float(workload.avg_message_size_bytes))
    low, high = min(low, current), max(high, current)
    values, logarithmic = _grid(low, high, steps, axis.integer)
    if current not in values:
        values = sorted({*values, current})
    points = [_point(workload, name, value, book) for value in values]
    flips = []
    for before, after in itertools.pairwise(points):
        if before.winner != after.winner:
            flips.append(_bisect(workload, name, before, after, axis.integer, book))
    spec = FACT_SPECS.get(name)
    return Sensitivity(
        field=name,
        field_title=field_title(name),
        unit=spec.unit if spec is not None else "",
        current=current,
        low=values[0],
        high=values[-1],
        logarithmic=logarithmic,
        points=points,
        flips=flips,
    )


def _bisect(
    workload: Workload,
    name: str,
    before: SensitivityPoint,
    after: SensitivityPoint,
    integer: bool,
    book: rules.Rulebook,
) -> FlipPoint:
    """The first value between two points where the winner is no longer the one before."""
    same, other = before.value, after.value
    for _ in range(BISECT_STEPS):
        if integer and other - same <= 1:
            break
        middle = (same + other) / 2
        if integer:
            middle = float(math.floor(middle))
        if _point(workload, name, middle, book).winner == before.winner:
            same = middle
        else:
            other = middle
    found = _point(workload, name, other, book)
    # A round number when it flips the same way (100,000 rather than 100,000.11).
    for candidate in _round_candidates(other):
        if same < candidate <= other:
            nicer = _point(workload, name, candidate, book)
            if nicer.winner == found.winner:
                return FlipPoint(value=candidate, before=before.winner, after=nicer.winner)
    return FlipPoint(value=other, before=before.winner, after=found.winner)


def _round_candidates(value: float) -> list[float]:
    """value rounded to two, then three significant digits (down first, then up)."""
    if value <= 0:
        return []
    found = []
    for digits in (2, 3):
        magnitude = 10.0 ** (math.floor(math.log10(value)) - digits + 1)
        scaled = value / magnitude
        found += [math.floor(scaled) * magnitude, math.ceil(scaled) * magnitude]
    return [float(f"{v:.12g}") for v in found]
