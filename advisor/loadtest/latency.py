"""Latency histograms (HdrHistogram) shared by the worker processes and the runner.

Values are recorded in microseconds from 1 µs to one hour with three significant digits; the
workers send encoded interval histograms, and the runner merges them (HdrHistogram's own
encoding, so merging across processes loses nothing).
"""

from __future__ import annotations

import ctypes
import sys
from typing import Any

from hdrh.histogram import HdrHistogram

LOWEST_US = 1
HIGHEST_US = 3_600_000_000  # one hour
SIGNIFICANT_DIGITS = 3
PERCENTILES = (("p50", 50.0), ("p90", 90.0), ("p99", 99.0), ("p999", 99.9))


def new() -> Any:
    """An empty histogram of microseconds."""
    return HdrHistogram(LOWEST_US, HIGHEST_US, SIGNIFICANT_DIGITS)


def clear(histogram: Any) -> None:
    """Empty a histogram, as its reset() does, in microseconds instead of milliseconds.

    hdrh's reset() zeroes its 23,552 counts one by one in Python (2.5 ms here): a worker that
    ran it between two sends of the schedule made those sends late by as much. The counts are a
    ctypes array, zeroed in one call; a histogram of another kind is reset as usual.
    """
    counts = getattr(histogram, "counts", None)
    if not isinstance(counts, ctypes.Array):
        histogram.reset()
        return
    ctypes.memset(counts, 0, ctypes.sizeof(counts))
    histogram.total_count = 0
    histogram.min_value = sys.maxsize
    histogram.max_value = 0
    histogram.start_time_stamp_msec = sys.maxsize
    histogram.end_time_stamp_msec = 0


def record_ns(histogram: Any, latency_ns: int, count: int = 1) -> None:
    """Record a latency given in nanoseconds (clipped to the histogram's range)."""
    micros = min(HIGHEST_US, max(LOWEST_US, latency_ns // 1000))
    histogram.record_value(micros, count)


def encode(histogram: Any) -> bytes:
    return bytes(histogram.encode())


def decode(encoded: bytes) -> Any:
    return HdrHistogram.decode(encoded)


def merge_into(total: Any, encoded: bytes) -> None:
    """Add an encoded histogram to `total`."""
    total.add(decode(encoded))


def summary_ms(histogram: Any) -> dict[str, float]:
    """p50, p90, p99, p99.9, max and mean in milliseconds (0 when nothing was recorded)."""
    if histogram.get_total_count() == 0:
        return {name: 0.0 for name, _ in PERCENTILES} | {"max": 0.0, "mean": 0.0}
    out = {
        name: round(histogram.get_value_at_percentile(pct) / 1000, 3) for name, pct in PERCENTILES
    }
    out["max"] = round(histogram.get_max_value() / 1000, 3)
    out["mean"] = round(histogram.get_mean_value() / 1000, 3)
    return out


def count(histogram: Any) -> int:
    return int(histogram.get_total_count())
