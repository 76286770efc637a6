"""A stand-in for advisor.engine.recommend while the real engine is not there (tests only)."""

from __future__ import annotations

from advisor import recommendation as rec
from advisor.workload import Broker, Workload


def _reason(broker: Broker, kind: rec.ReasonKind, text: str, citation: str,
            weight: float = 10) -> rec.Reason:
    return rec.Reason(rule_id=f"fake.{citation}", broker=broker, kind=kind, weight=weight,
                      text=text, citation=citation, citation_title=citation)


def recommend(workload: Workload, *, what_if: bool = True) -> rec.Recommendation:
    """Kafka above 40,000 msg/s or with replay, RabbitMQ with routing, Redis otherwise."""
    if workload.peak_rate_msg_per_s > 40_000 or workload.replay:
        order = [Broker.KAFKA, Broker.RABBITMQ, Broker.REDIS]
    elif workload.needs_dead_lettering or workload.routing != "none":
        order = [Broker.RABBITMQ, Broker.REDIS, Broker.KAFKA]
    else:
        order = [Broker.REDIS, Broker.RABBITMQ, Broker.KAFKA]
    ranking = []
    for index, broker in enumerate(order):
        score = [82.0, 61.0, 35.0][index]
        knocked = broker == Broker.REDIS and workload.max_message_size_bytes > 600_000_000
        pattern = rec.Pattern(broker=broker, pattern_id=f"{broker}.queue", name=f"{broker.title} queue",
                              summary="Producers enqueue, workers take.", steps=["Create it", "Use it"],
                              citation=f"{broker.value}.overview")
        ranking.append(rec.BrokerAssessment(
            broker=broker, rank=index + 1, score=0 if knocked else score, raw_score=score,
            knocked_out=knocked,
            knockouts=[_reason(broker, rec.ReasonKind.KNOCKOUT, "Messages too large",
                               "redis.limits")] if knocked else [],
            pros=[_reason(broker, rec.ReasonKind.PRO, f"{broker.title} is simple to run",
                          f"{broker.value}.overview")],
            cons=[_reason(broker, rec.ReasonKind.CON, "Memory bound", "redis.persistence")],
            pattern=pattern,
            advice=[rec.Advice(broker=broker, text="Turn on persistence", setting="appendonly",
                               value="yes", citation="redis.persistence")]))
    capacity = rec.Capacity(
        avg_bandwidth_bytes_per_s=workload.avg_rate_msg_per_s * workload.avg_message_size_bytes,
        peak_bandwidth_bytes_per_s=workload.peak_rate_msg_per_s * workload.avg_message_size_bytes,
        messages_per_day=workload.avg_rate_msg_per_s * 86_400, retained_messages=0,
        retained_bytes=0, redis_memory_bytes=1e6, kafka_partitions=6, kafka_replication_factor=3,
        kafka_disk_bytes=1e9, rabbitmq_queue_depth_at_peak=workload.peak_rate_msg_per_s * 600,
        nodes_needed=1 + 2 * workload.tolerated_node_failures)
    whatifs = []
    if what_if and order[0] != Broker.KAFKA:
        whatifs.append(rec.WhatIf(field="peak_rate_msg_per_s", field_title="Peak rate",
                                  unit="msg/s", current=workload.peak_rate_msg_per_s,
                                  threshold=40_000, direction="above", new_winner=Broker.KAFKA,
                                  text="above 40,000 msg/s the answer becomes Kafka"))
    return rec.Recommendation(
        app_version="test", rulebook_hash="0" * 64, workload_name=workload.name, winner=order[0],
        ranking=ranking,
        confidence=rec.Confidence(level=rec.ConfidenceLevel.HIGH, margin=21,
                                  explanation="Clear margin."),
        capacity=capacity, what_if=whatifs,
        summary=f"{order[0].title} fits this workload best.")
