"""Topics a killed Kafka probe left behind are removed by the next probe; live runs are not."""

from __future__ import annotations

import time
import warnings

import pytest

from advisor.probe import runner
from advisor.probe.models import CheckStatus
from advisor.probe.targets import parse_target

with warnings.catch_warnings():
    warnings.simplefilter("ignore", DeprecationWarning)
    from kafka.admin import KafkaAdminClient, NewTopic

    from advisor.probe.kafka import wire as kafka_wire


def test_run_ids_carry_their_deadline() -> None:
    before = time.time()
    run_id = runner.new_run_id(30.0)
    deadline = runner.run_deadline(run_id)
    assert len(run_id) == runner.RUN_ID_LENGTH and deadline is not None
    assert before + 30 <= deadline <= time.time() + 32
    assert runner.run_deadline("not-a-run-id") is None
    assert runner.run_deadline("ZZZZZZZZ0000") is None


def test_only_runs_long_past_their_deadline_are_stale() -> None:
    now = time.time()
    old = f"{int(now - 3600):08x}beef"
    recent = f"{int(now - 10):08x}beef"
    live = runner.new_run_id(30.0)
    names = [kafka_wire.probe_name(r) for r in (old, recent, live)] + [
        "orders",
        "broker-advisor.probe.old-style",
    ]
    assert kafka_wire.stale_probe_names(names, now) == [kafka_wire.probe_name(old)]


@pytest.mark.integration
def test_a_killed_runs_topic_is_removed_by_the_next_probe(kafka_bootstrap: str) -> None:
    kafka_url = f"kafka://{kafka_bootstrap}"
    killed = kafka_wire.probe_name(f"{int(time.time() - 7200):08x}dead")
    admin = KafkaAdminClient(bootstrap_servers=kafka_bootstrap.split(","), request_timeout_ms=15000)
    try:
        admin.create_topics([NewTopic(killed, 1, 1)], timeout_ms=15000)
        admin.wait_for_topics([killed], timeout_ms=15000)
        result = runner.probe(parse_target(kafka_url), budget_s=20.0, stage_timeout_s=5.0)
        topic = result.check("kafka.topic")
        assert topic is not None and topic.status is not CheckStatus.FAIL, topic
        assert topic.figures["leftovers_removed"] >= 1
        deadline = time.monotonic() + 10
        while killed in admin.list_topics() and time.monotonic() < deadline:
            time.sleep(0.2)
        assert killed not in admin.list_topics()
    finally:
        if killed in admin.list_topics():
            admin.delete_topics([killed], timeout_ms=15000)
        admin.close()
