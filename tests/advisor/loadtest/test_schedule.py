"""The send schedule: sizes, shares of a rate, the header, the ramp."""

from __future__ import annotations

import itertools

import pytest

from advisor.loadtest import schedule


@pytest.mark.parametrize(
    ("avg", "largest"),
    [(1024, 16_384), (1200, 65_536), (100, 100), (40, 1_000_000), (10, 20), (5000, 5001)],
)
def test_size_mix_keeps_the_average_and_sends_the_largest(avg: int, largest: int) -> None:
    mix = schedule.size_mix(avg, largest)
    assert mix.small_bytes >= schedule.HEADER_BYTES
    expected = max(avg, schedule.HEADER_BYTES)
    assert mix.mean_bytes == pytest.approx(expected, rel=0.02, abs=2)
    sizes = {mix.size_of(seq) for seq in range(max(1, mix.large_every) * 3)}
    assert max(largest, expected) in sizes


def test_shares_split_the_rate_and_interleave() -> None:
    shares = schedule.shares(1000.0, 2.0, start_ns=0, producers=3)
    assert sum(s.count for s in shares) == 2000
    times = sorted(s.intended_ns(i) for s in shares for i in range(s.count))
    gaps = {b - a for a, b in itertools.pairwise(times)}
    assert max(gaps) - min(gaps) <= 2  # evenly spaced overall (ns rounding)
    assert shares[0].due(0) == 1 and shares[0].due(-1) == 0
    assert shares[0].due(10**12) == shares[0].count


def test_header_round_trip_and_foreign_messages() -> None:
    header = schedule.pack_header(7, 2, 123_456_789, 987_654_321_000, 15)
    assert len(header) == schedule.HEADER_BYTES
    assert schedule.unpack_header(header + b"body") == (7, 2, 123_456_789, 987_654_321_000, 15)
    assert schedule.unpack_header(b"x" * 40) is None
    assert schedule.unpack_header(b"short") is None


def test_ramp_doubles_up_to_the_ceiling() -> None:
    assert schedule.ramp_rates(1000, 7000) == [1000, 2000, 4000, 7000]
    assert schedule.ramp_rates(1000, 4000) == [1000, 2000, 4000]
