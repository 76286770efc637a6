"""redis-py snippets on the sandbox's Redis: Pub/Sub, a Streams consumer-group worker whose
trimming never drops pending entries, a reliable list queue and request/reply."""

from __future__ import annotations

import threading
import time
import types
from collections.abc import Callable, Iterator
from typing import Any

import pytest
import redis

from advisor.versions import Version
from advisor.workload import Broker, Workload
from tests.snippets.conftest import Render, unique

pytestmark = pytest.mark.integration

WAIT_S = 5


@pytest.fixture
def keys(redis_url: str) -> Iterator[tuple[redis.Redis, Callable[[str], str]]]:
    """A client and a name maker; every key named through it is deleted afterwards."""
    client = redis.Redis.from_url(redis_url, socket_timeout=10)
    made: list[str] = []

    def name(kind: str) -> str:
        made.append(unique(kind))
        return made[-1]

    yield client, name
    for key in made:
        client.delete(*client.keys(key + "*") or [key])
    client.close()


def stream_workload() -> Workload:
    return Workload(
        name="events",
        consumption="consumer_groups",
        consumer_groups=2,
        replay=True,
        retention_hours=24,
    )


def test_pubsub_delivers_to_a_connected_subscriber(
    render: Render, snippet_module: Callable[..., types.ModuleType], redis_url: str, keys: Any
) -> None:
    module = snippet_module(render("live-notifications", Broker.REDIS, "redis-pubsub"))
    client, name = keys
    channel = name("channel")
    received: list[tuple[str, Any]] = []
    connected = threading.Event()
    subscriber = module.connect(redis_url)
    thread = threading.Thread(
        target=module.subscribe,
        args=(subscriber, lambda ch, payload: received.append((ch, payload)), (channel,)),
        kwargs={"on_connect": connected.set, "stop": lambda: bool(received)},
        daemon=True,
    )
    thread.start()
    try:
        assert connected.wait(WAIT_S)
        deadline = time.monotonic() + WAIT_S
        while module.publish(client, {"text": "hello"}, channel) == 0:  # 0: nobody listening
            assert time.monotonic() < deadline
            time.sleep(0.05)
        thread.join(WAIT_S)
        assert received == [(channel, {"text": "hello"})]
    finally:
        received.append(("stop", None))
        thread.join(WAIT_S)
        subscriber.close()


def test_streams_worker_acks_reclaims_and_dead_letters(
    render: Render, snippet_module: Callable[..., types.ModuleType], keys: Any
) -> None:
    """A consumer-group worker acknowledges what it handled; an entry whose handler keeps
    failing is reclaimed and, after MAX_DELIVERIES deliveries, moved to the dead-letter stream."""
    module = snippet_module(render(stream_workload(), Broker.REDIS, "redis-streams"))
    client, name = keys
    stream = name("stream")
    module.DEAD_LETTER_STREAM = stream + ".dead"
    module.ensure_group(client, stream, "workers")
    module.ensure_group(client, stream, "workers")  # idempotent
    module.add(client, {"job": "ok"}, stream)
    poison = module.add(client, {"job": "poison"}, stream)

    def handle(_entry_id: Any, fields: dict[bytes, bytes]) -> None:
        if fields[b"job"] == b"poison":
            raise ValueError("cannot do this one")

    handled = module.work(client, "w1", handle, stream, "workers", block_ms=100, claim_idle_ms=0)
    assert handled == 1
    for _ in range(module.MAX_DELIVERIES):
        module.work(client, "w2", handle, stream, "workers", block_ms=10, claim_idle_ms=0)
    assert client.xpending(stream, "workers")["pending"] == 0
    ((_dead_id, dead),) = client.xrange(module.DEAD_LETTER_STREAM)
    assert dead[b"job"] == b"poison" and dead[b"source_id"] == poison


def test_streams_trimming_keeps_pending_entries(
    render: Render,
    sandbox_versions: dict[Broker, str],
    snippet_module: Callable[..., types.ModuleType],
    keys: Any,
) -> None:
    """Trimming to a small cap never deletes an entry a group has not acknowledged (on Redis
    before 8.2 there is no ACKED: the snippet trims only below the oldest pending entry)."""
    code = render(stream_workload(), Broker.REDIS, "redis-streams")
    module = snippet_module(code)
    if Version.parse(sandbox_versions[Broker.REDIS]) < Version.parse("8.2"):
        assert "ACKED" not in code.split('"""')[0]
        assert "XADD MAXLEN or MINID would delete entries still pending" in code
    client, name = keys
    stream = name("stream")
    module.ensure_group(client, stream, "workers")
    ids = [module.add(client, {"n": str(n)}, stream) for n in range(10)]
    # The worker takes three entries and acknowledges none of them (it crashed).
    client.xreadgroup("workers", "w1", {stream: ">"}, count=3)
    module.trim(client, stream, maxlen=2)
    remaining = [entry_id for entry_id, _ in client.xrange(stream)]
    assert remaining[: len(ids)] == ids  # nothing pending or unread was deleted
    # Once everything is acknowledged, the cap applies.
    client.xreadgroup("workers", "w1", {stream: ">"})
    client.xack(stream, "workers", *ids)
    module.trim(client, stream, maxlen=2)
    assert client.xlen(stream) <= 3


def test_reliable_list_keeps_a_crashed_workers_item(
    render: Render, snippet_module: Callable[..., types.ModuleType], keys: Any
) -> None:
    workload = Workload(
        name="jobs", consumption="competing_workers", ordering="none", crash_may_lose_messages=True
    )
    module = snippet_module(render(workload, Broker.REDIS, "redis-reliable-list"))
    client, name = keys
    queue = name("list")
    module.push(client, b"job-1", queue)
    module.push(client, b"job-2", queue)

    def crash(_item: bytes) -> None:
        raise RuntimeError("worker died")

    with pytest.raises(RuntimeError):
        module.work_one(client, "w1", crash, queue, timeout_s=1)
    assert client.lrange(module.processing_list("w1", queue), 0, -1) == [b"job-1"]
    assert module.requeue(client, "w1", queue) == 1
    done: list[bytes] = []
    assert module.work_one(client, "w2", done.append, queue, timeout_s=1)
    assert module.work_one(client, "w2", done.append, queue, timeout_s=1)
    assert done == [b"job-1", b"job-2"]
    assert not module.work_one(client, "w2", done.append, queue, timeout_s=1)


def test_request_reply_over_lists(
    render: Render, snippet_module: Callable[..., types.ModuleType], redis_url: str, keys: Any
) -> None:
    workload = Workload(name="rpc", consumption="request_reply")
    module = snippet_module(render(workload, Broker.REDIS, "redis-request-reply"))
    client, name = keys
    requests = name("rpc")
    server = module.connect(redis_url)
    thread = threading.Thread(
        target=module.serve_one,
        args=(server, "s1", lambda payload: {"price": payload["sku"] * 2}, requests),
        daemon=True,
    )
    thread.start()
    try:
        assert module.call(client, {"sku": 21}, timeout_s=WAIT_S, requests=requests) == {
            "price": 42
        }
        with pytest.raises(TimeoutError):
            module.call(client, {"sku": 1}, timeout_s=1, requests=requests)
    finally:
        thread.join(WAIT_S)
        server.close()
