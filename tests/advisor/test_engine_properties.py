"""Invariants of the engine, checked on generated workloads (hypothesis)."""

from __future__ import annotations

from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from advisor import engine, guide
from advisor.workload import (
    Broker,
    Consumption,
    DeliveryGuarantee,
    Hosting,
    OpsCapacity,
    Ordering,
    Routing,
    Workload,
)

SECTIONS = set(guide.load_guide().sections)


@st.composite
def workloads(draw: st.DrawFn) -> Workload:
    """Valid workloads spread over the whole realistic space, extremes included."""
    avg = draw(st.floats(0, 2_000_000, allow_nan=False))
    peak = draw(st.floats(avg, max(avg, 5_000_000), allow_nan=False))
    avg_size = draw(st.integers(1, 64 * 1024 * 1024))
    max_size = draw(st.integers(avg_size, 1024 * 1024 * 1024))
    replay = draw(st.booleans())
    retention = draw(st.floats(1 if replay else 0, 24 * 365 * 3, allow_nan=False))
    data: dict[str, Any] = {
        "avg_rate_msg_per_s": avg,
        "peak_rate_msg_per_s": peak,
        "avg_message_size_bytes": avg_size,
        "max_message_size_bytes": max_size,
        "retention_hours": retention,
        "replay": replay,
        "ordering": draw(st.sampled_from(Ordering)),
        "delivery": draw(st.sampled_from(DeliveryGuarantee)),
        "p99_latency_ms": draw(st.floats(0.1, 600_000, allow_nan=False)),
        "crash_may_lose_messages": draw(st.booleans()),
        "consumption": draw(st.sampled_from(Consumption)),
        "consumer_groups": draw(st.integers(1, 1000)),
        "routing": draw(st.sampled_from(Routing)),
        "tolerated_node_failures": draw(st.integers(0, 3)),
        "team_familiar_with": draw(st.lists(st.sampled_from(Broker), unique=True)),
        "hosting": draw(st.sampled_from(Hosting)),
        "ops_capacity": draw(st.sampled_from(OpsCapacity)),
    }
    for flag in (
        "needs_priorities",
        "needs_delayed_delivery",
        "needs_message_ttl",
        "needs_dead_lettering",
        "needs_transactions",
        "cache_or_sessions",
        "stream_processing",
        "multi_region",
        "uses_django",
        "uses_celery",
    ):
        data[flag] = draw(st.booleans())
    return Workload.model_validate(data)


def _score(wl: Workload, broker: Broker) -> tuple[bool, float]:
    """(ruled out, raw score): comparable so that a larger tuple is worse for the broker."""
    item = engine.recommend(wl, what_if=False).assessment(broker)
    return item.knocked_out, -item.raw_score


@settings(max_examples=150, deadline=None)
@given(workloads())
def test_same_input_same_output(wl: Workload) -> None:
    first = engine.recommend(wl)
    again = engine.recommend(Workload.model_validate(wl.model_dump()))
    assert first.model_dump_json() == again.model_dump_json()


@settings(max_examples=200, deadline=None)
@given(workloads(), st.floats(0, 24 * 365 * 5, allow_nan=False))
def test_more_retention_never_helps_redis(wl: Workload, extra: float) -> None:
    longer = wl.model_copy(update={"retention_hours": wl.retention_hours + extra})
    assert _score(longer, Broker.REDIS) >= _score(wl, Broker.REDIS)


@settings(max_examples=200, deadline=None)
@given(workloads())
def test_needing_replay_never_hurts_kafka(wl: Workload) -> None:
    retention = max(wl.retention_hours, 1.0)
    without = wl.model_copy(update={"replay": False, "retention_hours": retention})
    with_replay = wl.model_copy(update={"replay": True, "retention_hours": retention})
    assert _score(with_replay, Broker.KAFKA) <= _score(without, Broker.KAFKA)


@settings(max_examples=200, deadline=None)
@given(workloads())
def test_needing_priorities_never_hurts_rabbitmq(wl: Workload) -> None:
    without = wl.model_copy(update={"needs_priorities": False})
    with_priorities = wl.model_copy(update={"needs_priorities": True})
    assert _score(with_priorities, Broker.RABBITMQ) <= _score(without, Broker.RABBITMQ)


@settings(max_examples=300, deadline=None)
@given(workloads())
def test_every_verdict_has_a_cited_reason(wl: Workload) -> None:
    rec = engine.recommend(wl, what_if=False)
    for item in rec.ranking:
        reasons = [*item.pros, *item.cons, *item.knockouts]
        assert reasons, f"{item.broker} has no reason"
        assert all(r.citation in SECTIONS for r in reasons)
        if item.knocked_out:
            assert item.knockouts and item.score == 0
        assert 0 <= item.score <= 100
        assert item.pattern is not None and item.pattern.citation in SECTIONS


@settings(max_examples=150, deadline=None)
@given(workloads())
def test_no_input_crashes_the_engine_and_what_if_is_consistent(wl: Workload) -> None:
    rec = engine.recommend(wl)
    assert rec.confidence.margin >= 0
    for item in rec.what_if:
        assert item.new_winner != rec.winner
        assert (item.threshold > item.current) == (item.direction == "above")
