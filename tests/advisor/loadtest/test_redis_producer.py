"""The Redis producer pipelines without waiting: replies are matched to their messages in order,
errors fail only their own message, and a server that stops answering fails what it owes in
bounded time. Also: clearing a latency histogram leaves it as hdrh's own reset() does."""

from __future__ import annotations

import time

import pytest

from advisor.loadtest import latency, schedule
from advisor.loadtest.drivers import redis_driver
from advisor.loadtest.drivers.base import Connection, DriverSpec, Layout
from tests.advisor.probe.conftest import OwnRedis


def test_clear_leaves_a_histogram_as_reset_does() -> None:
    cleared, reset = latency.new(), latency.new()
    for value in (1, 250, 90_000, latency.HIGHEST_US):
        cleared.record_value(value)
        reset.record_value(value)
    latency.clear(cleared)
    reset.reset()
    assert latency.encode(cleared) == latency.encode(reset)
    assert latency.count(cleared) == 0 and list(cleared.counts) == list(reset.counts)
    cleared.record_value(42)
    assert latency.summary_ms(cleared)["max"] == pytest.approx(0.042)


def _spec(server: OwnRedis, name: str, timeout_s: float = 2.0) -> DriverSpec:
    connection = Connection(
        broker="redis", hosts=(("127.0.0.1", server.port),), timeout_s=timeout_s
    )
    layout = Layout(
        run_id="t",
        name=name,
        consumption="competing_workers",
        groups=1,
        consumers_per_group=1,
        producers=1,
    )
    return DriverSpec(connection, layout)


def _messages(first: int, count: int) -> list[tuple[int, int, bytes]]:
    now = time.monotonic_ns()
    return [
        (seq, 0, schedule.pack_header(1, 0, seq, now, 0) + b"x" * 100)
        for seq in range(first, first + count)
    ]


@pytest.mark.integration
def test_replies_are_matched_in_order_and_errors_fail_only_their_message(
    own_redis: OwnRedis,
) -> None:
    name = "broker-advisor.loadtest.test-producer"
    client = own_redis.client()
    client.xgroup_create(name, "g", "0", mkstream=True)
    producer = redis_driver.open_producer(_spec(own_redis, name), 0)
    try:
        producer.send(_messages(0, 500))
        producer.send(_messages(500, 500))
        assert len(producer.outstanding) <= 1000  # the sends did not wait for their replies
        producer.flush(5.0)
        assert producer.acked == 1000 and producer.failures == 0
        assert latency.count(producer.ack_latency) == 1000
        assert client.xlen(name) == 1000
        client.delete(name)  # NOMKSTREAM: the next messages find no stream and fail, alone
        producer.send(_messages(1000, 3))
        producer.flush(5.0)
        assert producer.failures == 3 and producer.failed == [1000, 1001, 1002]
        client.xgroup_create(name, "g", "0", mkstream=True)
        producer.send(_messages(1003, 2))
        producer.flush(5.0)
        assert producer.acked == 1002 and not producer.outstanding
    finally:
        producer.close()
        client.delete(name)
        client.close()


@pytest.mark.integration
def test_a_server_that_stops_answering_fails_what_it_owes_in_bounded_time(
    own_redis: OwnRedis,
) -> None:
    name = "broker-advisor.loadtest.test-stall"
    client = own_redis.client()
    client.xgroup_create(name, "g", "0", mkstream=True)
    client.close()
    producer = redis_driver.open_producer(_spec(own_redis, name, timeout_s=0.5), 0)
    try:
        own_redis.pause()
        started = time.monotonic()
        producer.send(_messages(0, 50))
        while producer.outstanding and time.monotonic() - started < 5:
            producer.wait(0.05)
        assert time.monotonic() - started < 2.0
        assert producer.failures == 50 and "no reply" in producer.last_error
        assert producer.acked == 0
    finally:
        own_redis.resume()
        producer.close()
