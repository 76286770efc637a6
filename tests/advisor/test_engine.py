"""The engine on the presets (golden cases) and on targeted workloads."""

from __future__ import annotations

import pytest

from advisor import engine, facts, guide, rules
from advisor.recommendation import ReasonKind
from advisor.workload import Broker, Workload, parse_workload
from tests.advisor import cases

# preset -> (winner, rule ids that must be among the deciding reasons, pattern of the winner)
GOLDEN = {
    "django-cache-sessions": (
        Broker.REDIS,
        {"cache-and-sessions", "loss-acceptable"},
        "redis-pubsub",
    ),
    "celery-background-jobs": (
        Broker.RABBITMQ,
        {"celery", "priorities", "dead-lettering"},
        "rabbitmq-priority-queue",
    ),
    "clickstream-analytics": (
        Broker.KAFKA,
        {"high-rate", "replay-needed", "stream-processing"},
        "kafka-keyed-topic",
    ),
    "iot-telemetry": (
        Broker.KAFKA,
        {"high-rate", "per-key-ordering", "replay-needed"},
        "kafka-keyed-topic",
    ),
    "order-processing": (
        Broker.RABBITMQ,
        {"dead-lettering", "competing-workers", "route-by-pattern"},
        "rabbitmq-pubsub",
    ),
    "live-notifications": (
        Broker.REDIS,
        {"tight-latency", "loss-acceptable", "at-most-once"},
        "redis-pubsub",
    ),
    "audit-log": (
        Broker.KAFKA,
        {"replay-needed", "exactly-once", "long-retention"},
        "kafka-transactions",
    ),
    "log-aggregation": (
        Broker.KAFKA,
        {"high-rate", "replay-needed", "many-independent-consumers"},
        "kafka-unkeyed-topic",  # no ordering asked for: no key, batches spread over partitions
    ),
    "rpc-pricing-service": (
        Broker.RABBITMQ,
        {"request-reply", "route-by-headers", "message-ttl"},
        "rabbitmq-rpc",
    ),
    # A Rails shop: the job framework and the Redis it already runs decide, not the features
    # RabbitMQ also has.
    "rails-sidekiq-jobs": (
        Broker.REDIS,
        {"redis-only-framework", "already-running-redis", "framework-retries"},
        "redis-job-framework",
    ),
    # Leaving RabbitMQ for its failures under load, with Kafka already running.
    "celery-outgrowing-rabbitmq": (
        Broker.KAFKA,
        {"already-running-kafka", "left-for-scaling-ceiling", "left-for-outages"},
        "kafka-keyed-topic",
    ),
}


def test_every_preset_has_a_golden_case() -> None:
    assert set(cases.presets()) == set(GOLDEN)


@pytest.mark.parametrize("name", sorted(GOLDEN))
def test_preset_winner_and_deciding_reasons(name: str) -> None:
    winner, deciding, pattern = GOLDEN[name]
    rec = engine.recommend(cases.preset(name))
    assert rec.winner == winner, rec.summary
    first = rec.ranking[0]
    assert first.broker == winner and first.rank == 1 and not first.knocked_out
    assert deciding <= {r.rule_id for r in first.pros}
    assert first.pattern is not None and first.pattern.pattern_id == pattern
    assert winner.title in rec.summary


def test_ranking_is_ordered_and_complete() -> None:
    for wl in cases.presets().values():
        rec = engine.recommend(wl, what_if=False)
        assert {a.broker for a in rec.ranking} == set(Broker)
        assert [a.rank for a in rec.ranking] == [1, 2, 3]
        live = [a.score for a in rec.ranking if not a.knocked_out]
        assert live == sorted(live, reverse=True)
        assert all(a.score == 0 for a in rec.ranking if a.knocked_out)


def test_every_rule_fires_for_some_test_workload() -> None:
    book = rules.load_rulebook()
    fired: set[str] = set()
    for wl in [*cases.presets().values(), *cases.targeted().values()]:
        data = facts.compute_facts(facts.workload_data(wl))
        fired |= {item.rule.id for item in book.rules if item.predicate(data)}
    assert {item.rule.id for item in book.rules} - fired == set()


@pytest.mark.parametrize("rule_id", sorted(cases.TARGETED))
def test_targeted_case_fires_its_rule(rule_id: str) -> None:
    wl = cases.targeted()[rule_id]
    rec = engine.recommend(wl, what_if=False)
    reasons = [r for a in rec.ranking for r in (*a.pros, *a.cons, *a.knockouts, *a.advice)]
    assert rule_id in {r.rule_id for r in reasons}


def test_oversize_messages_knock_out_redis_and_rabbitmq() -> None:
    rec = engine.recommend(cases.targeted()["oversize-messages"])
    assert rec.winner == Broker.KAFKA
    out = {a.broker for a in rec.ranking if a.knocked_out}
    assert out == {Broker.REDIS, Broker.RABBITMQ}
    knockout = rec.assessment(Broker.REDIS).knockouts[0]
    assert knockout.kind is ReasonKind.KNOCKOUT and "512 MB" in knockout.text


def test_reasons_cite_real_guide_sections_and_fill_placeholders() -> None:
    sections = guide.load_guide().sections
    for wl in [*cases.presets().values(), *cases.targeted().values()]:
        rec = engine.recommend(wl, what_if=False)
        for item in rec.ranking:
            for reason in (*item.pros, *item.cons, *item.knockouts):
                assert reason.citation in sections
                assert reason.citation_title == sections[reason.citation].title
                assert "{" not in reason.text
            for advice in item.advice:
                assert advice.citation in sections and "{" not in advice.text + advice.value


def test_what_if_thresholds_really_change_the_winner() -> None:
    checked = 0
    for wl in cases.presets().values():
        rec = engine.recommend(wl)
        for item in rec.what_if:
            changed = engine.recommend(_with(wl, item.field, item.threshold), what_if=False)
            assert changed.winner == item.new_winner, item.text
            assert item.new_winner != rec.winner
            checked += 1
    assert checked >= 5


def test_what_if_sentence_reads_naturally() -> None:
    rec = engine.recommend(cases.preset("order-processing"))
    texts = [w.text for w in rec.what_if]
    assert (
        "Peak rate above 100,000 msg/s (now 2,500 msg/s): the answer becomes Kafka instead of "
        "RabbitMQ." in texts
    )


def test_what_if_says_when_the_winner_is_ruled_out_rather_than_outscored() -> None:
    rec = engine.recommend(cases.preset("django-cache-sessions"))
    retention = next(w for w in rec.what_if if w.field == "retention_hours")
    assert retention.new_winner == Broker.RABBITMQ
    assert "Redis is ruled out and RabbitMQ is the best of what is left" in retention.text
    assert "the answer becomes" not in retention.text


def test_what_if_thresholds_stay_inside_their_realistic_range() -> None:
    ranges = {axis.field: (axis.low, axis.high) for axis in engine.WHAT_IF_AXES}
    for wl in [*cases.presets().values(), *cases.targeted().values()]:
        for item in engine.recommend(wl).what_if:
            low, high = ranges[item.field]
            # A current value outside the range may still be walked back into it.
            assert min(low, item.current) <= item.threshold <= max(high, item.current), item.text
            if item.direction == "above":
                assert item.threshold <= high, item.text


def test_sizing_figures() -> None:
    rec = engine.recommend(cases.preset("iot-telemetry"), what_if=False)
    cap = rec.capacity
    assert cap.peak_bandwidth_bytes_per_s == pytest.approx(200_000 * 300)
    assert cap.retained_bytes == pytest.approx(60_000 * 168 * 3600 * 300)
    assert cap.kafka_partitions == 40  # 200,000 msg/s at 5,000 msg/s per consumer
    assert cap.kafka_replication_factor == 3
    assert cap.nodes_needed == 3


def test_no_broker_left_gives_no_winner_and_low_confidence(tmp_path: object) -> None:
    book = rules.load_rulebook()
    everything_out = book.model_copy(update={"rules": [*book.rules, _knock_all(book)]})
    rec = engine.recommend(Workload(), rulebook=everything_out)
    assert rec.winner is None
    assert rec.confidence.level.value == "low"
    assert rec.what_if == []


def _knock_all(book: rules.Rulebook) -> rules.CompiledRule:
    rule = rules.Rule(
        id="all-out",
        effects=[
            rules.Effect(
                broker=b,
                kind=ReasonKind.KNOCKOUT,
                because="Ruled out for the test.",
                cite="comparison.overview",
            )
            for b in Broker
        ],
    )
    return rules.CompiledRule(rule=rule, predicate=lambda f: True, facts=frozenset())


def _with(wl: Workload, field: str, value: float) -> Workload:
    """The workload with one requirement changed as the what-if changes it (siblings too)."""
    data = engine._adjust(facts.workload_data(wl), field, value)
    changed = {name: data[name] for name in (field, *engine._SIBLINGS.get(field, ()))}
    for key in ("avg_message_size_bytes", "max_message_size_bytes", "consumer_groups"):
        if key in changed:
            changed[key] = int(changed[key])
    if Workload.model_fields[field].annotation is int:
        changed[field] = int(value)
    return Workload.model_validate({**wl.model_dump(exclude_unset=True), **changed})


def _advice(rec: object, broker: Broker) -> dict[str, str]:
    assessment = rec.assessment(broker)  # type: ignore[attr-defined]
    return {a.setting: a.text for a in assessment.advice}


def test_single_node_durability_advice_does_not_promise_replication() -> None:
    # A crash may not lose messages, no node loss tolerated: both stated.
    rec = engine.recommend(
        parse_workload({"crash_may_lose_messages": False, "tolerated_node_failures": 0})
    )
    kafka = _advice(rec, Broker.KAFKA)
    assert "machine crash can" in kafka["acks"] and "survive a broker failure" not in kafka["acks"]
    assert "no-loss-single-kafka" in {r.rule_id for r in rec.assessment(Broker.KAFKA).cons}
    rabbit = _advice(rec, Broker.RABBITMQ)
    assert "x-queue-type" not in rabbit and "delivery_mode=2" in rabbit["delivery_mode"]


def test_replay_gets_stream_advice_only() -> None:
    rec = engine.recommend(cases.preset("audit-log"))
    settings = [a.setting for a in rec.assessment(Broker.RABBITMQ).advice]
    assert settings.count("x-queue-type") == 1
    stream = _advice(rec, Broker.RABBITMQ)["x-queue-type"]
    assert "x-queue-type=stream" in stream and "x-max-age " in stream
    assert "many-independent-queues" not in {
        r.rule_id for r in rec.assessment(Broker.RABBITMQ).cons
    }


def test_config_values_are_pasteable() -> None:
    rec = engine.recommend(cases.preset("log-aggregation"))
    kafka = {a.setting: a.value for a in rec.assessment(Broker.KAFKA).advice}
    assert kafka["retention.ms"].isdigit()  # no thousands separators in a config value


def test_sessions_are_not_kept_in_an_evicting_cache_alone() -> None:
    rec = engine.recommend(cases.preset("django-cache-sessions"))
    redis = {a.setting: a for a in rec.assessment(Broker.REDIS).advice}
    assert redis["SESSION_ENGINE"].value.endswith("cached_db")
    assert "maxmemory-policy" not in redis or "backlog" not in redis["maxmemory-policy"].text


def test_only_broker_left_has_a_confidence_about_its_fit() -> None:
    rec = engine.recommend(cases.targeted()["oversize-messages"])
    assert "only broker that meets every hard requirement" in rec.confidence.explanation
    assert "leads" not in rec.confidence.explanation


@pytest.mark.parametrize(
    ("seconds", "expected"), [(1800, "30m"), (3600, "1h"), (129_600, "36h"), (604_800, "7D")]
)
def test_stream_max_age_uses_whole_units(seconds: int, expected: str) -> None:
    assert facts._max_age(seconds) == expected


def test_messages_kept_after_consumption_get_a_history_stream_on_rabbitmq() -> None:
    rec = engine.recommend(Workload(retention_hours=72, replay=False), what_if=False)
    pattern = rec.assessment(Broker.RABBITMQ).pattern
    assert pattern is not None and pattern.pattern_id == "rabbitmq-queues-with-history"
    assert "'x-max-age': '3D'" in " ".join(pattern.steps)
