"""Sizes in reports are decimal like the engine's, and the what-if columns match its sentences."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from advisor import report, units
from advisor.recommendation import Recommendation
from advisor.report import context
from advisor.workload import Workload
from tests.advisor.report.conftest import GENERATED_AT, preset_ids, recommend

DECIMAL = {"B": 1.0, "KB": 1e3, "MB": 1e6, "GB": 1e9, "TB": 1e12}
SIZE = re.compile(r"^([\d,]+(?:\.\d+)?) (B|KB|MB|GB|TB)(/s)?$")


def parse_size(text: str) -> float:
    match = SIZE.match(text)
    assert match, f"not a size: {text!r}"
    return float(match.group(1).replace(",", "")) * DECIMAL[match.group(2)]


@pytest.mark.parametrize(
    ("value", "expected"),
    [(900, "900 B"), (8192, "8.2 KB"), (131_072, "131.1 KB"), (536_870_913, "536.9 MB")],
)
def test_sizes_are_decimal_and_the_engines(value: int, expected: str) -> None:
    assert units.human_bytes(value) == expected
    assert units.human_bandwidth(value) == f"{expected}/s"
    assert units.human_bytes(float("inf")) == "unbounded"


@pytest.mark.parametrize("name", preset_ids())
def test_sizing_rows_read_back_as_the_engines_bytes(
    presets: dict[str, tuple[Workload, Recommendation]], name: str
) -> None:
    workload, recommendation = presets[name]
    ctx = context.build_context(workload, recommendation, generated_at=GENERATED_AT)
    rows = {row.title: row.value for row in ctx.capacity}
    cap = recommendation.capacity
    for title, raw in [
        ("Average bandwidth", cap.avg_bandwidth_bytes_per_s),
        ("Peak bandwidth", cap.peak_bandwidth_bytes_per_s),
        ("Data retained (one copy)", cap.retained_bytes),
        ("Redis memory for the retained data", cap.redis_memory_bytes),
        ("Kafka disk, all replicas", cap.kafka_disk_bytes),
    ]:
        shown = parse_size(rows[title])
        # One decimal in the shown unit: within 0.05 of that unit (and 0.5 B for bytes).
        unit = DECIMAL[rows[title].split()[1].removesuffix("/s")]
        assert abs(shown - raw) <= 0.05 * unit + 0.5, (title, rows[title], raw)
    workload_rows = {row.title: row.value for row in ctx.workload_rows}
    assert abs(
        parse_size(workload_rows["Largest message size"]) - workload.max_message_size_bytes
    ) < (0.05 * 1e6)


def test_sizing_agrees_with_the_reasons(
    presets: dict[str, tuple[Workload, Recommendation]],
) -> None:
    """The reviewer's case: a reason said 108 MB/s while the sizing table said 103 MB/s."""
    workload, recommendation = presets["clickstream-analytics"]
    out = report.render("md", workload, recommendation, generated_at=GENERATED_AT)
    assert isinstance(out, str)
    assert "A peak of 108 MB/s" in out or "a peak of 108 MB/s" in out
    assert "| Peak bandwidth | 108.0 MB/s |" in out


def check_what_if_agrees(workload: Workload, recommendation: Recommendation) -> None:
    ctx = context.build_context(workload, recommendation, generated_at=GENERATED_AT)
    assert len(ctx.what_if) == len(recommendation.what_if)
    for view in ctx.what_if:
        assert f" {view.direction} {view.threshold} " in view.text, view
        assert f"(now {view.current})" in view.text or f"(now {view.current};" in view.text, view


@pytest.mark.parametrize("name", preset_ids())
def test_what_if_columns_agree_with_the_sentence(
    presets: dict[str, tuple[Workload, Recommendation]], name: str
) -> None:
    workload, recommendation = presets[name]
    check_what_if_agrees(workload, recommendation)
    html = report.render("html", workload, recommendation, generated_at=GENERATED_AT)
    for item in recommendation.what_if:
        view = units.what_if_value(item.threshold, item.unit)
        assert f'<td class="num">{item.direction} {view}</td>' in str(html)


@settings(max_examples=25, deadline=None)
@given(
    peak=st.sampled_from([50, 900, 2_500, 40_000, 300_000]),
    size=st.sampled_from([200, 4_096, 131_072, 2_000_000]),
    retention=st.sampled_from([0, 24, 168, 2_000]),
    latency=st.sampled_from([0.8, 5, 250, 5_000]),
)
def test_what_if_columns_agree_for_other_workloads(
    peak: int, size: int, retention: int, latency: float
) -> None:
    workload = Workload(
        name="what-if",
        peak_rate_msg_per_s=peak,
        avg_rate_msg_per_s=max(1, peak // 4),
        avg_message_size_bytes=size,
        max_message_size_bytes=size * 4,
        retention_hours=retention,
        p99_latency_ms=latency,
    )
    check_what_if_agrees(workload, recommend(workload))
