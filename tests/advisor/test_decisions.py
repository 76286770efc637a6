"""The kinds of case real teams decided on, and the text defects found on them."""

from __future__ import annotations

from typing import Any

import pytest

from advisor import engine
from advisor.recommendation import ConfidenceLevel, Recommendation
from advisor.workload import Broker, parse_workload


def _recommend(data: dict[str, Any], what_if: bool = True) -> Recommendation:
    return engine.recommend(parse_workload(data), what_if=what_if)


def _rule_ids(rec: Recommendation) -> set[str]:
    return {r.rule_id for a in rec.ranking for r in (*a.pros, *a.cons, *a.knockouts)}


def _texts(rec: Recommendation) -> str:
    parts = [r.text for a in rec.ranking for r in (*a.pros, *a.cons, *a.knockouts)]
    parts += [a.text for item in rec.ranking for a in item.advice]
    parts += [s for item in rec.ranking if item.pattern for s in item.pattern.steps]
    return " ".join([rec.summary, *parts, *(w.text for w in rec.what_if)])


def test_a_short_small_replay_window_does_not_buy_a_kafka_cluster() -> None:
    # An hour of catch-up (0.36 GB) for a team with minimal operations time.
    rec = _recommend(
        {
            "avg_rate_msg_per_s": 100,
            "peak_rate_msg_per_s": 300,
            "replay": True,
            "retention_hours": 1,
            "ops_capacity": "minimal",
            "hosting": "self_hosted",
        }
    )
    assert rec.winner is not Broker.KAFKA
    assert {"replay-small-history", "replay-needed"} <= _rule_ids(rec)
    assert "replay-long-history" not in _rule_ids(rec)


def test_replay_weighs_by_window_and_volume() -> None:
    small = _recommend({"replay": True, "retention_hours": 1}, what_if=False)
    large = _recommend(
        {"replay": True, "retention_hours": 24 * 7, "avg_rate_msg_per_s": 5_000}, what_if=False
    )
    gain_small = small.assessment(Broker.KAFKA).raw_score
    gain_large = large.assessment(Broker.KAFKA).raw_score
    assert gain_large > gain_small + 20


def test_a_backlog_of_the_last_n_messages_is_not_replay_history() -> None:
    rec = _recommend(
        {
            "replay": True,
            "retention_max_messages": 1_000,
            "channels": 500,
            "avg_rate_msg_per_s": 50,
        }
    )
    assert "history-capped-by-count" in _rule_ids(rec)
    assert "replay-long-history" not in _rule_ids(rec)
    assert rec.capacity.retained_messages == 500_000


def test_an_existing_kafka_removes_the_cluster_cost_objection() -> None:
    plain = _recommend({"avg_rate_msg_per_s": 50, "peak_rate_msg_per_s": 200})
    existing = _recommend(
        {"avg_rate_msg_per_s": 50, "peak_rate_msg_per_s": 200, "already_running": ["kafka"]}
    )
    assert "low-rate-new-kafka" in _rule_ids(plain)
    assert "low-rate-new-kafka" not in _rule_ids(existing)
    assert "already-running-kafka" in _rule_ids(existing)


def test_familiarity_with_the_broker_being_left_does_not_count_for_it() -> None:
    rec = _recommend(
        {
            "team_familiar_with": ["rabbitmq"],
            "leaving": "rabbitmq",
            "leaving_because": ["outages_under_load", "scaling_ceiling"],
        }
    )
    ids = {r.rule_id for r in rec.assessment(Broker.RABBITMQ).pros}
    assert "team-knows-rabbitmq" not in ids
    assert "leaving-rabbitmq" in {r.rule_id for r in rec.assessment(Broker.RABBITMQ).cons}


@pytest.mark.parametrize("broker", list(Broker))
def test_managed_hosting_helps_every_broker(broker: Broker) -> None:
    self_hosted = _recommend({"hosting": "self_hosted"}, what_if=False)
    managed = _recommend({"hosting": "managed"}, what_if=False)
    assert managed.assessment(broker).raw_score >= self_hosted.assessment(broker).raw_score
    assert "managed-service" in {r.rule_id for r in managed.assessment(broker).pros}


def test_a_rails_team_on_sidekiq_gets_redis_and_no_django_advice() -> None:
    rec = _recommend(
        {
            "languages": ["ruby"],
            "task_framework": "sidekiq",
            "consumption": "competing_workers",
            "needs_dead_lettering": True,
            "needs_priorities": True,
            "cache_or_sessions": True,
        }
    )
    assert rec.winner is Broker.REDIS
    assert not [r for r in _rule_ids(rec) if "django" in r or r == "celery"]
    settings = {a.setting for item in rec.ranking for a in item.advice}
    assert not settings & {"SESSION_ENGINE", "CACHES"}
    assert "Celery" not in _texts(rec)
    assert rec.assessment(Broker.REDIS).pattern.pattern_id == "redis-job-framework"  # type: ignore[union-attr]


def test_django_reasons_need_django_stated() -> None:
    unstated = _recommend({"cache_or_sessions": True, "consumption": "competing_workers"})
    django = _recommend(
        {"cache_or_sessions": True, "consumption": "competing_workers", "uses_django": True}
    )
    assert not {"django-cache-advice", "django-without-celery"} & _rule_ids(unstated)
    assert "django-without-celery" in _rule_ids(django)


def test_long_tasks_meet_each_brokers_timeout() -> None:
    rec = _recommend({"max_task_duration_s": 25 * 60, "uses_celery": True})
    ids = _rule_ids(rec)
    assert {"long-task-kafka", "long-task-rabbitmq"} <= ids
    kafka_advice = {a.setting: a.value for a in rec.assessment(Broker.KAFKA).advice}
    assert kafka_advice["max.poll.interval.ms"] == "3000000"


def test_only_a_high_peak_is_not_called_a_sustained_rate() -> None:
    rec = _recommend({"avg_rate_msg_per_s": 1_000, "peak_rate_msg_per_s": 200_000})
    fired = _rule_ids(rec)
    assert "high-rate" in fired and "sustained-high-rate" not in fired
    assert "Sustained" not in rec.summary


def test_bandwidth_beyond_one_cluster_says_so() -> None:
    rec = _recommend(
        {
            "avg_rate_msg_per_s": 1_000_000,
            "peak_rate_msg_per_s": 10_000_000,
            "avg_message_size_bytes": 4096,
        }
    )
    kafka = " ".join(r.text for r in rec.assessment(Broker.KAFKA).pros)
    assert "clusters" in kafka and "suits Kafka" not in kafka


def test_what_if_on_the_average_says_the_peak_moves_too() -> None:
    rec = _recommend({"avg_rate_msg_per_s": 40, "peak_rate_msg_per_s": 600, "uses_celery": True})
    texts = [w.text for w in rec.what_if if w.field == "avg_rate_msg_per_s"]
    assert texts and all("peak rate moves with it to" in t for t in texts)


def test_what_if_never_prints_a_vanishing_threshold() -> None:
    rec = _recommend({"cache_or_sessions": True, "crash_may_lose_messages": True})
    for item in rec.what_if:
        assert "e-0" not in item.text and "e-1" not in item.text, item.text
        if item.current == 0 and item.direction == "above":
            assert item.threshold >= 0.1


def test_a_kafka_log_in_front_of_redis_jobs_is_offered_as_a_hybrid() -> None:
    rec = _recommend(
        {
            "avg_rate_msg_per_s": 16_000,
            "peak_rate_msg_per_s": 33_000,
            "consumption": "competing_workers",
            "backpressure": "absorb",
            "already_running": ["redis"],
            "task_framework": "other",
        }
    )
    assert rec.hybrid is not None and rec.hybrid.hybrid_id == "kafka-log-redis-jobs"
    assert {p.broker for p in rec.hybrid.parts} == {Broker.KAFKA, Broker.REDIS}
    assert rec.hybrid.parts[0].broker == rec.winner
    assert rec.winner in (Broker.KAFKA, Broker.REDIS)


def test_no_hybrid_where_one_broker_serves_everything() -> None:
    assert _recommend({"consumption": "competing_workers"}).hybrid is None


def test_a_tie_names_no_winner_in_words() -> None:
    rec = _recommend({}, what_if=False)
    assert rec.tied and rec.confidence.level is ConfidenceLevel.LOW
    assert rec.summary.startswith(" and ".join(b.title for b in rec.tied) + " tie")


def test_unstated_deciding_inputs_keep_confidence_below_high_unless_clear() -> None:
    rec = _recommend({"needs_priorities": True, "needs_dead_lettering": True})
    assert rec.confidence.unstated
    if rec.confidence.level is ConfidenceLevel.HIGH:
        first, second = rec.ranking[0], rec.ranking[1]
        assert first.raw_score - second.raw_score >= engine.CLEAR_MARGIN


def test_an_old_workload_file_without_the_new_fields_still_loads() -> None:
    old = {
        "name": "Old file",
        "avg_rate_msg_per_s": 100,
        "peak_rate_msg_per_s": 500,
        "uses_django": True,
        "uses_celery": True,
        "team_familiar_with": ["redis"],
    }
    wl = parse_workload(old)
    assert wl.languages == [] and wl.leaving is None and wl.task_framework is None
    assert engine.recommend(wl).winner is not None


def test_features_alone_never_give_high_confidence() -> None:
    # A job queue with every RabbitMQ feature, but nothing said of the stack or the brokers the
    # organisation has: real teams often decided on exactly those, so at most medium.
    features = {
        "consumption": "competing_workers",
        "needs_priorities": True,
        "needs_delayed_delivery": True,
        "needs_dead_lettering": True,
        "routing": "by_pattern",
        "crash_may_lose_messages": False,
    }
    rec = _recommend(features)
    assert rec.winner is Broker.RABBITMQ
    assert rec.confidence.level is ConfidenceLevel.MEDIUM
    assert len(rec.confidence.unstated) == len(engine.DECIDING_INPUTS)
    stated = _recommend({**features, "languages": ["python"], "team_familiar_with": ["rabbitmq"]})
    assert stated.confidence.level is ConfidenceLevel.HIGH
