"""Invariants of the inputs real teams decided on: leaving, existing brokers, bounded backlogs,
and calibrated confidence (hypothesis)."""

from __future__ import annotations

from typing import Any

from hypothesis import assume, given, settings
from hypothesis import strategies as st

from advisor import engine
from advisor.recommendation import ConfidenceLevel
from advisor.workload import (
    Backpressure,
    Broker,
    Language,
    LeaveReason,
    TaskFramework,
    Workload,
)
from tests.advisor.test_engine_properties import workloads


@st.composite
def decision_workloads(draw: st.DrawFn) -> Workload:
    """Workloads with any mix of the newer inputs, each stated or left out."""
    data = draw(workloads()).model_dump(mode="json")
    optional: dict[str, Any] = {
        "already_running": st.lists(st.sampled_from([b.value for b in Broker]), unique=True),
        "organisation_standard": st.sampled_from([b.value for b in Broker]),
        "workers": st.integers(1, 5_000),
        "connections": st.integers(1, 100_000),
        "short_lived_connections": st.booleans(),
        "max_task_duration_s": st.floats(0.1, 86_400, allow_nan=False),
        "languages": st.lists(st.sampled_from([v.value for v in Language]), unique=True),
        "task_framework": st.sampled_from([v.value for v in TaskFramework if v.value != "celery"]),
        "customer_installed": st.booleans(),
        "mqtt_devices": st.booleans(),
        "browser_delivery": st.booleans(),
        "network_partitions": st.booleans(),
        "inspect_pending": st.booleans(),
        "backpressure": st.sampled_from([v.value for v in Backpressure]),
    }
    for name, strategy in optional.items():
        if draw(st.booleans()):
            data[name] = draw(strategy)
    if data.get("task_framework"):
        data["uses_celery"] = False  # one job framework runs the consumers
    # Some of the older assumptions left unstated, as a workload file may leave them.
    for name in ("avg_rate_msg_per_s", "consumption", "crash_may_lose_messages"):
        if draw(st.booleans()) and name != "avg_rate_msg_per_s":
            data.pop(name)
    return Workload.model_validate(data)


def _standing(wl: Workload, broker: Broker) -> tuple[bool, float]:
    """(not ruled out, raw score): larger is better for the broker."""
    item = engine.recommend(wl, what_if=False).assessment(broker)
    return not item.knocked_out, item.raw_score


def _with(wl: Workload, **changes: Any) -> Workload:
    return Workload.model_validate({**wl.model_dump(mode="json", exclude_unset=True), **changes})


@settings(max_examples=150, deadline=None)
@given(
    decision_workloads(),
    st.sampled_from(Broker),
    st.lists(st.sampled_from([r.value for r in LeaveReason]), unique=True),
)
def test_leaving_a_broker_never_raises_its_score(
    wl: Workload, broker: Broker, reasons: list[str]
) -> None:
    staying = _with(wl, leaving=None, leaving_because=[])
    leaving = _with(wl, leaving=broker.value, leaving_because=reasons)
    assert _standing(leaving, broker) <= _standing(staying, broker)
    # And it loses ground on at least one point: the team's reasons count.
    assert _standing(leaving, broker)[1] < _standing(staying, broker)[1]


@settings(max_examples=150, deadline=None)
@given(decision_workloads(), st.sampled_from(Broker))
def test_an_existing_installation_never_lowers_a_score(wl: Workload, broker: Broker) -> None:
    without = [b for b in wl.already_running if b != broker]
    before = _with(wl, already_running=[b.value for b in without])
    after = _with(wl, already_running=[b.value for b in [*without, broker]])
    assert _standing(after, broker) >= _standing(before, broker)


@settings(max_examples=150, deadline=None)
@given(
    decision_workloads(),
    st.integers(1, 1_000_000),
    st.integers(1, 10_000),
    st.booleans(),
)
def test_a_bounded_backlog_never_helps_kafka_more_than_the_same_retention_in_time(
    wl: Workload, last_n: int, channels: int, replay: bool
) -> None:
    assume(wl.avg_rate_msg_per_s >= 0.01)
    hours = last_n * channels / wl.avg_rate_msg_per_s / 3600
    assume(0.001 <= hours <= 87_600)
    by_count = _with(
        wl, retention_hours=0, retention_max_messages=last_n, channels=channels, replay=replay
    )
    by_time = _with(
        wl, retention_hours=hours, retention_max_messages=None, channels=None, replay=replay
    )
    assert _standing(by_count, Broker.KAFKA) <= _standing(by_time, Broker.KAFKA)


@settings(max_examples=120, deadline=None)
@given(decision_workloads())
def test_confidence_is_never_high_with_a_what_if_flip_within_25_percent(wl: Workload) -> None:
    rec = engine.recommend(wl)
    near = [
        w for w in rec.what_if if w.current > 0 and abs(w.threshold - w.current) <= 0.25 * w.current
    ]
    if near:
        assert rec.confidence.level is not ConfidenceLevel.HIGH, (near, rec.confidence)


@settings(max_examples=120, deadline=None)
@given(decision_workloads())
def test_a_tie_is_reported_as_a_tie(wl: Workload) -> None:
    rec = engine.recommend(wl, what_if=False)
    first, second = rec.ranking[0], rec.ranking[1]
    if not first.knocked_out and not second.knocked_out and first.raw_score == second.raw_score:
        assert rec.confidence.tie and rec.tied[:2] == [first.broker, second.broker]
        assert rec.confidence.level is ConfidenceLevel.LOW
        assert "tie" in rec.summary and "is recommended" not in rec.summary
    if rec.confidence.tie:
        assert rec.confidence.level is ConfidenceLevel.LOW
        assert abs(first.raw_score - second.raw_score) < engine.TIE_MARGIN


def test_a_tie_at_zero_is_not_headlined_as_a_recommendation() -> None:
    # Nothing stated at all: no rule speaks, every broker scores 50.
    rec = engine.recommend(Workload.model_validate({}), what_if=False)
    assert rec.tied and rec.confidence.tie
    assert "is recommended" not in rec.summary
