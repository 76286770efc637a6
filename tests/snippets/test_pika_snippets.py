"""pika snippets on the sandbox's RabbitMQ: publisher confirms with mandatory routing, consuming,
retries with back-off and parking, the topic exchange with TTL, priorities and RPC."""

from __future__ import annotations

import threading
import time
import types
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from advisor.workload import Broker, Workload
from tests.snippets.conftest import Render, unique

pytestmark = pytest.mark.integration
pika = pytest.importorskip("pika")

WAIT_S = 10


@pytest.fixture
def channel_of(vhost: str) -> Iterator[Callable[[types.ModuleType], Any]]:
    """connect() of a snippet module, on the test's own vhost; connections closed afterwards."""
    connections: list[Any] = []

    def open_channel(module: types.ModuleType) -> Any:
        connection, channel = module.connect(vhost)
        connections.append(connection)
        return channel

    yield open_channel
    for connection in connections:
        if connection.is_open:
            connection.close()


def get(channel: Any, queue: str, timeout_s: float = WAIT_S) -> tuple[Any, Any, bytes]:
    """basic_get until a message comes (acknowledged), bounded."""
    deadline = time.monotonic() + timeout_s
    while True:
        method, properties, body = channel.basic_get(queue, auto_ack=True)
        if method is not None:
            return method, properties, body
        if time.monotonic() > deadline:
            pytest.fail(f"nothing arrived in {queue} within {timeout_s} s")
        channel.connection.sleep(0.1)


def consume_until(
    module: types.ModuleType,
    channel: Any,
    handle: Callable[..., None],
    queue: str,
    done: Callable[[], bool],
    timeout_s: float = WAIT_S,
) -> None:
    deadline = time.monotonic() + timeout_s
    module.consume(channel, handle, queue, stop=lambda: done() or time.monotonic() > deadline)
    assert done(), f"the consumer on {queue} did not finish within {timeout_s} s"


def work_queue_workload(**update: Any) -> Workload:
    return Workload(
        name="jobs",
        needs_dead_lettering=True,
        crash_may_lose_messages=False,
        consumption="competing_workers",
        **update,
    )


def test_work_queue_confirms_consumes_retries_and_parks(
    render: Render, snippet_module: Callable[..., types.ModuleType], channel_of: Any
) -> None:
    """A confirmed, mandatory publish; a consumer that acknowledges; a message that keeps
    failing goes through every back-off step and is then parked in "<queue>.dead"."""
    module = snippet_module(render(work_queue_workload(), Broker.RABBITMQ, "rabbitmq-work-queue"))
    module.RETRY_DELAYS_MS = (200, 400)  # short steps for the test; the snippet's are seconds
    channel = channel_of(module)
    queue = unique("jobs")
    module.declare(channel, queue)
    arguments = module.queue_arguments(queue)
    assert arguments["x-queue-type"] == "quorum" and arguments["x-delivery-limit"] >= 1
    assert arguments["x-dead-letter-strategy"] == "at-least-once"

    with pytest.raises(pika.exceptions.UnroutableError):
        module.publish(channel, b"lost?", unique("nowhere"))  # not dropped silently

    module.publish(channel, b"fine", queue)
    module.publish(channel, b"poison", queue)
    seen: list[tuple[bytes, int]] = []

    def handle(body: bytes, properties: Any) -> None:
        seen.append((body, int((properties.headers or {}).get("retry-attempt", 0))))
        if body == b"poison":
            raise ValueError("cannot handle this one")

    consume_until(module, channel, handle, queue, lambda: len(seen) >= 4)
    assert seen[0] == (b"fine", 0)
    assert [a for b, a in seen if b == b"poison"] == [0, 1, 2]  # first try, then two retries
    _method, properties, body = get(channel, queue + ".dead")
    assert body == b"poison"
    assert properties.headers["x-death"][0]["reason"] == "rejected"


def test_work_queue_priorities_on_3_10_use_a_classic_priority_queue(
    render: Render,
    sandbox_versions: dict[Broker, str],
    snippet_module: Callable[..., types.ModuleType],
    channel_of: Any,
) -> None:
    """RabbitMQ before 4.0: quorum queues ignore priorities, so the snippet declares a classic
    queue with x-max-priority, and an urgent message overtakes a waiting one."""
    if not sandbox_versions[Broker.RABBITMQ].startswith("3."):
        pytest.skip("the sandbox runs RabbitMQ 4+: quorum queues have priorities")
    code = render(
        work_queue_workload(needs_priorities=True), Broker.RABBITMQ, "rabbitmq-work-queue"
    )
    module = snippet_module(code)
    channel = channel_of(module)
    queue = unique("urgent")
    module.declare(channel, queue)
    assert module.queue_arguments(queue)["x-max-priority"] == module.MAX_PRIORITY
    module.publish(channel, b"later", queue, priority=0)
    module.publish(channel, b"first", queue, priority=module.MAX_PRIORITY)
    assert get(channel, queue)[2] == b"first"
    assert get(channel, queue)[2] == b"later"


def test_topic_exchange_routes_expires_and_parks(
    render: Render, snippet_module: Callable[..., types.ModuleType], channel_of: Any
) -> None:
    """Order processing: a topic exchange with a queue per application bound by pattern; an
    order past its TTL and an order that keeps failing both end up parked, never dropped; an
    unroutable routing key is refused."""
    module = snippet_module(render("order-processing", Broker.RABBITMQ, "rabbitmq-topic"))
    module.RETRY_DELAYS_MS = (200,)
    module.MESSAGE_TTL_MS = 1_000
    channel = channel_of(module)
    exchange = unique("events")
    billing, shipping = unique("billing"), unique("shipping")
    subscriptions = {billing: ["order.*.*"], shipping: ["order.created.*"]}
    module.declare(channel, exchange, subscriptions)
    assert module.queue_arguments(billing)["x-message-ttl"] == module.MESSAGE_TTL_MS

    module.publish(channel, "order.created.eu", b"o-1", exchange)
    module.publish(channel, "order.paid.eu", b"o-2", exchange)
    with pytest.raises(pika.exceptions.UnroutableError):
        module.publish(channel, "invoice.sent.eu", b"nobody wants this", exchange)

    assert get(channel, shipping)[2] == b"o-1"  # only created orders
    # Billing's consumer never comes in time: both orders expire into its parking queue.
    parked = sorted(get(channel, billing + ".dead")[2] for _ in range(2))
    assert parked == [b"o-1", b"o-2"]

    module.publish(channel, "order.created.us", b"o-3", exchange)
    attempts: list[bytes] = []

    def handle(body: bytes, _properties: Any) -> None:
        attempts.append(body)
        raise RuntimeError("payment service down")

    consume_until(module, channel, handle, shipping, lambda: len(attempts) >= 2)
    _method, properties, body = get(channel, shipping + ".dead")
    assert body == b"o-3" and properties.headers["x-death"][0]["reason"] == "rejected"


def test_rpc_reply_to_correlation_and_expiry(
    render: Render, snippet_module: Callable[..., types.ModuleType], channel_of: Any
) -> None:
    """RPC: the server answers on Direct Reply-to with the caller's correlation id; a request
    nobody serves times out for the caller and expires from the queue."""
    module = snippet_module(render("rpc-pricing-service", Broker.RABBITMQ, "rabbitmq-rpc"))
    queue = unique("rpc")
    client_channel, server_channel = channel_of(module), channel_of(module)
    module.declare(client_channel, queue)
    client = module.RpcClient(client_channel, queue)

    with pytest.raises((RuntimeError, pika.exceptions.UnroutableError)):
        module.RpcClient(channel_of(module), unique("no-such-queue")).call(b"?", timeout_s=WAIT_S)
    with pytest.raises(TimeoutError):
        client.call(b"anyone?", timeout_s=0.5)  # no server yet
    time.sleep(0.7)
    declared = client_channel.queue_declare(queue, passive=True)
    assert declared.method.message_count == 0  # the unanswered request expired

    stop = threading.Event()
    server = threading.Thread(
        target=module.serve,
        args=(server_channel, lambda body: b"price of " + body, queue),
        kwargs={"stop": stop.is_set},
        daemon=True,
    )
    server.start()
    try:
        assert client.call(b"sku-1", timeout_s=WAIT_S) == b"price of sku-1"
        assert client.call(b"sku-2", timeout_s=WAIT_S) == b"price of sku-2"
    finally:
        stop.set()
        server.join(timeout=WAIT_S)
    assert not server.is_alive()
    client_channel.queue_delete(queue)
