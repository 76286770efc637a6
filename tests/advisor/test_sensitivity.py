"""Sensitivity sweeps: scores across a requirement's range, flip points that agree with the what-if."""

from __future__ import annotations

import pytest

from advisor import engine, paths, sensitivity
from advisor.workload import Broker, Workload, load_workload

PRESETS = sorted(paths.presets_dir().glob("*.yaml"))


@pytest.mark.parametrize("preset", PRESETS, ids=[p.stem for p in PRESETS])
def test_every_what_if_threshold_is_a_flip_point_of_the_sweep(preset: object) -> None:
    workload = load_workload(preset)  # type: ignore[arg-type]
    recommendation = engine.recommend(workload)
    for item in recommendation.what_if:
        sweep = sensitivity.sensitivity(workload, item.field)
        flips = [f for f in sweep.flips if f.after == item.new_winner]
        assert flips, (item.field, item.text)
        nearest = min(flips, key=lambda f: abs(f.value - item.threshold))
        assert nearest.value == pytest.approx(item.threshold, rel=0.05, abs=1), item.text


def test_a_sweep_covers_the_range_in_order_with_the_current_value() -> None:
    workload = load_workload(paths.presets_dir() / "order-processing.yaml")
    sweep = sensitivity.sensitivity(workload, "peak_rate_msg_per_s")
    values = [p.value for p in sweep.points]
    assert values == sorted(values) and len(values) >= 40
    assert workload.peak_rate_msg_per_s in values
    assert sweep.logarithmic
    assert sweep.low <= 1 and sweep.high >= 5_000_000
    for point in sweep.points:
        assert set(point.scores) == set(Broker)
        assert all(0 <= s <= 100 for s in point.scores.values())
    # Below the flip the current winner; from it on, the new one.
    (flip,) = sweep.flips
    assert (flip.before, flip.after) == (Broker.RABBITMQ, Broker.KAFKA)
    assert flip.value == 100_000  # a round number when one flips the same way
    assert sweep == sensitivity.sensitivity(workload, "peak_rate_msg_per_s")  # deterministic


def test_short_integer_ranges_are_swept_value_by_value() -> None:
    sweep = sensitivity.sensitivity(Workload(), "tolerated_node_failures")
    assert [p.value for p in sweep.points] == [0.0, 1.0, 2.0, 3.0]
    assert not sweep.logarithmic


def test_adjusted_keeps_the_workload_valid() -> None:
    values = Workload(avg_rate_msg_per_s=100, peak_rate_msg_per_s=400).model_dump(mode="json")
    moved = sensitivity.adjusted(values, "avg_rate_msg_per_s", 1_000)
    assert moved["peak_rate_msg_per_s"] == 4_000  # the burstiness is kept
    lowered = sensitivity.adjusted(values, "peak_rate_msg_per_s", 50)
    assert lowered["avg_rate_msg_per_s"] == 50
    sized = sensitivity.adjusted(values, "avg_message_size_bytes", 10_000_000)
    assert sized["max_message_size_bytes"] >= 10_000_000
    assert isinstance(sized["avg_message_size_bytes"], int)
    Workload.model_validate(moved)
    Workload.model_validate(lowered)
    Workload.model_validate(sized)


def test_varying_a_requirement_states_it() -> None:
    workload = Workload()
    assert "peak_rate_msg_per_s" not in workload.model_fields_set
    varied = sensitivity.workload_at(workload, "peak_rate_msg_per_s", 2_000)
    assert "peak_rate_msg_per_s" in varied.model_fields_set
    assert varied.peak_rate_msg_per_s == 2_000


def test_only_the_what_if_requirements_can_be_swept() -> None:
    assert "peak_rate_msg_per_s" in sensitivity.fields()
    with pytest.raises(KeyError, match="numeric requirement"):
        sensitivity.sensitivity(Workload(), "name")
