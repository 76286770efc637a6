"""Load plans drawn from workloads: pattern, caps, sizes, delivery settings, phases."""

from __future__ import annotations

import pytest

from advisor import engine
from advisor import workload as workload_mod
from advisor.loadtest import plan
from advisor.workload import Broker, Workload


def preset(name: str) -> Workload:
    return workload_mod.load_workload(f"assets/presets/{name}.yaml")


def test_competing_workers_share_one_queue() -> None:
    wl = preset("celery-background-jobs")
    made = plan.make_plan(wl, Broker.RABBITMQ, recommendation=engine.recommend(wl, what_if=False))
    assert (made.receivers, made.consumers_per_receiver) == (1, 2)
    d = made.delivery
    assert d.publisher_confirms and d.persistent and d.consumer_acks
    assert d.queue_type == "quorum" and d.prefetch == 50  # the advice: quorum, prefetch 10-50
    assert [p.kind.value for p in made.phases] == ["average", "peak"] and made.ramp


def test_fan_out_and_groups_are_capped_and_say_so() -> None:
    wl = Workload(consumption="fan_out", consumer_groups=12, crash_may_lose_messages=True)
    made = plan.make_plan(wl, Broker.REDIS)
    assert made.receivers == plan.MAX_RECEIVERS and made.consumers_per_receiver == 1
    assert "capped" in made.modelled_as and "12" in made.modelled_as
    assert made.delivery.redis_mode == "pubsub" and not made.delivery.consumer_acks
    groups = plan.make_plan(
        Workload(consumption="consumer_groups", consumer_groups=2), Broker.REDIS
    )
    assert groups.receivers == 2 and groups.delivery.redis_mode == "stream"


def test_loss_tolerant_rpc_publishes_transient_without_confirms() -> None:
    wl = preset("rpc-pricing-service")
    made = plan.make_plan(wl, Broker.RABBITMQ, recommendation=engine.recommend(wl, what_if=False))
    assert not made.delivery.publisher_confirms and not made.delivery.persistent
    assert made.delivery.queue_type == "classic"


def test_kafka_follows_acks_and_replication_advice() -> None:
    wl = preset("audit-log")
    made = plan.make_plan(wl, Broker.KAFKA, recommendation=engine.recommend(wl, what_if=False))
    d = made.delivery
    assert (d.kafka_acks, d.idempotent, d.replication_factor, d.min_insync_replicas) == (
        "all",
        True,
        3,
        2,
    )
    assert made.keyed and made.partitions == 3  # per-key order: keyed messages
    assert made.large_every > 0 and made.small_message_bytes < wl.avg_message_size_bytes


@pytest.mark.parametrize(
    ("text", "kind", "count"),
    [("avg", "average", 1), ("peak", "peak", 1), ("250", "fixed", 1), (None, None, 2)],
)
def test_rate_choice_picks_the_phases(text: str | None, kind: str | None, count: int) -> None:
    wl = Workload(avg_rate_msg_per_s=100, peak_rate_msg_per_s=400)
    made = plan.make_plan(wl, Broker.REDIS, rate=plan.RateChoice.parse(text), duration_s=3)
    assert len(made.phases) == count
    if kind:
        assert made.phases[0].kind.value == kind and not made.ramp
    assert made.budget_s > sum(p.duration_s for p in made.phases)


@pytest.mark.parametrize("text", ["fast", "-5", "0", "nan", "1e12"])
def test_bad_rates_are_refused(text: str) -> None:
    with pytest.raises(ValueError, match="--rate"):
        plan.RateChoice.parse(text)


def test_replication_is_capped_to_the_live_brokers() -> None:
    import threading

    from advisor.loadtest import runner
    from advisor.probe import targets

    wl = preset("audit-log")
    made = plan.make_plan(wl, Broker.KAFKA, recommendation=engine.recommend(wl, what_if=False))
    run = runner._Run(
        targets.parse_target("kafka://127.0.0.1:19092"), wl, made, threading.Event(), False, 2.0
    )
    run._cap_replication(2)  # one of three nodes is down
    assert run.spec.layout.replication_factor == 2 and run.spec.layout.min_insync_replicas == 1
    assert run.plan.delivery.replication_factor == 2
    assert any("capped to the 2 broker" in note for note in run.notes)
    run._cap_replication(5)
    assert run.spec.layout.replication_factor == 2
