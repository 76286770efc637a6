"""The open-loop send schedule: intended send times, the message header, sizes and ramp steps.

Plain Python only (no pydantic): the load generator's worker processes import this module.

Every message carries a fixed header (`HEADER`): a magic, the phase it belongs to, the producer,
its sequence number, its key and the time it was *meant* to be sent (CLOCK_MONOTONIC, which all
processes on one machine share). Latency is measured from that intended time, not from when the
producer got round to sending it, so a producer held up by a stalled broker does not hide the
stall (coordinated omission, wrk2's correction).
"""

from __future__ import annotations

import math
import struct
from dataclasses import dataclass

MAGIC = b"BALT"
HEADER = struct.Struct("<4sBBHQqI4x")  # magic, version, phase, producer, seq, intended ns, key
HEADER_BYTES = HEADER.size  # 32
VERSION = 1
NS_PER_S = 1_000_000_000

# Keys per producer when the workload asks for per-key ordering (enough to spread over partitions
# and consumers, few enough to track per consumer).
ORDERING_KEYS = 16

# At most this share of messages is sent at the workload's largest size; the rest are sized so
# that the mean stays the workload's average size (bandwidth as stated).
LARGE_SHARE = 0.01


def pack_header(phase: int, producer: int, seq: int, intended_ns: int, key: int) -> bytes:
    """The 32-byte header that starts every load-test message."""
    return HEADER.pack(MAGIC, VERSION, phase, producer, seq, intended_ns, key)


def unpack_header(payload: bytes | memoryview) -> tuple[int, int, int, int, int] | None:
    """(phase, producer, seq, intended_ns, key), or None for a message that is not ours."""
    if len(payload) < HEADER_BYTES:
        return None
    magic, version, phase, producer, seq, intended, key = HEADER.unpack_from(payload, 0)
    if magic != MAGIC or version != VERSION:
        return None
    return phase, producer, seq, intended, key


@dataclass(frozen=True)
class SizeMix:
    """Message sizes: `large_bytes` every `large_every`-th message, `small_bytes` otherwise."""

    small_bytes: int
    large_bytes: int
    large_every: int  # 0: every message is small_bytes

    def size_of(self, seq: int) -> int:
        if self.large_every and seq % self.large_every == self.large_every - 1:
            return self.large_bytes
        return self.small_bytes

    @property
    def mean_bytes(self) -> float:
        if not self.large_every:
            return float(self.small_bytes)
        n = self.large_every
        return (self.small_bytes * (n - 1) + self.large_bytes) / n


def size_mix(avg_bytes: int, max_bytes: int) -> SizeMix:
    """Sizes whose mean is the average and that include the largest size.

    One message in `1 / LARGE_SHARE` (or fewer, when the largest is far above the average) is
    sent at the largest size; the others are sized so that the mean is the average. No message
    is shorter than the header.
    """
    avg = max(HEADER_BYTES, avg_bytes)
    large = max(avg, max_bytes)
    if large <= avg:
        return SizeMix(avg, avg, 0)
    # n messages, one of them large: (n - 1) * small + large = n * avg, small >= HEADER_BYTES.
    minimum_n = math.ceil((large - HEADER_BYTES) / max(1, avg - HEADER_BYTES))
    n = max(round(1 / LARGE_SHARE), minimum_n)
    small = max(HEADER_BYTES, round((n * avg - large) / (n - 1)))
    return SizeMix(small, large, n)


@dataclass(frozen=True)
class ProducerShare:
    """One producer's part of a constant-rate phase: its own evenly spaced send times."""

    rate_msg_per_s: float
    start_ns: int  # intended time of its first message
    count: int  # messages it is to send in the phase

    @property
    def interval_ns(self) -> float:
        return NS_PER_S / self.rate_msg_per_s

    def intended_ns(self, index: int) -> int:
        """When message `index` (0-based within the phase) is meant to be sent."""
        return self.start_ns + int(index * self.interval_ns)

    def due(self, now_ns: int) -> int:
        """How many of the phase's messages are due by now (sent or not)."""
        if now_ns < self.start_ns:
            return 0
        return min(self.count, int((now_ns - self.start_ns) / self.interval_ns) + 1)


def shares(
    rate_msg_per_s: float, duration_s: float, start_ns: int, producers: int
) -> list[ProducerShare]:
    """Split a constant rate over producers, interleaved so the whole is evenly spaced too."""
    producers = max(1, producers)
    total = max(1, round(rate_msg_per_s * duration_s))
    each_rate = rate_msg_per_s / producers
    out = []
    for index in range(producers):
        count = total // producers + (1 if index < total % producers else 0)
        offset = int(index * NS_PER_S / rate_msg_per_s)
        out.append(ProducerShare(each_rate, start_ns + offset, count))
    return out


def ramp_rates(
    start_msg_per_s: float, ceiling_msg_per_s: float, factor: float = 2.0
) -> list[float]:
    """Rates of the saturation ramp: from the start, multiplied by `factor`, up to the ceiling."""
    rates: list[float] = []
    rate = max(1.0, start_msg_per_s)
    while rate <= ceiling_msg_per_s and len(rates) < 64:
        rates.append(rate)
        rate *= factor
    if not rates or rates[-1] < ceiling_msg_per_s:
        rates.append(ceiling_msg_per_s)
    return rates
