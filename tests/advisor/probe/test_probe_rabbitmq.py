"""RabbitMQ probe against the sandbox broker: healthy checks, failure classes, cleanup."""

from __future__ import annotations

import threading
import time
import urllib.parse
import urllib.request
from collections.abc import Iterator

import pytest

from advisor.probe import runner
from advisor.probe.models import CheckStatus, FailureClass, ProbeEvent, ProbeResult
from advisor.probe.rabbitmq import checks as rabbitmq_checks
from advisor.probe.targets import parse_target
from advisor.workload import Workload
from tests.advisor.probe.conftest import StallingProxy, rabbitmq_leftovers

pytestmark = pytest.mark.integration

BUDGET_S = 6.0
STAGE_S = 1.5


def _probe(
    url: str, management_url: str | None = None, **kwargs: object
) -> tuple[ProbeResult, float]:
    started = time.monotonic()
    result = runner.probe(
        parse_target(url, management_url=management_url),
        budget_s=BUDGET_S,
        stage_timeout_s=STAGE_S,
        **kwargs,
    )  # type: ignore[arg-type]
    return result, time.monotonic() - started


def _with_userinfo(url: str, user: str, password: str) -> str:
    parts = urllib.parse.urlsplit(url)
    host = parts.hostname or ""
    return parts._replace(netloc=f"{user}:{password}@{host}:{parts.port}").geturl()


def test_healthy_rabbitmq_passes_every_check(amqp_url: str, rabbitmq_management_url: str) -> None:
    result, elapsed = _probe(amqp_url, rabbitmq_management_url)
    failed = [(c.id, c.details) for c in result.checks if c.status is CheckStatus.FAIL]
    assert failed == []
    passed = {c.id for c in result.checks if c.status is CheckStatus.PASS}
    assert {
        "rabbitmq.resolve",
        "rabbitmq.connect",
        "rabbitmq.handshake",
        "rabbitmq.auth",
        "rabbitmq.server",
        "rabbitmq.confirm_latency",
        "rabbitmq.publish_consume",
        "rabbitmq.dead_lettering",
        "rabbitmq.quorum_queue",
        "rabbitmq.mgmt_overview",
        "rabbitmq.mgmt_nodes",
        "rabbitmq.mgmt_health",
    } <= passed
    dlx = result.check("rabbitmq.dead_lettering")
    assert dlx is not None and dlx.figures["dead_lettered"] == 2
    assert result.summary.product == "RabbitMQ" and result.summary.version
    assert elapsed < 3
    time.sleep(0.2)  # the management API's view lags a little
    assert rabbitmq_leftovers(rabbitmq_management_url, result.run_id) == []


@pytest.mark.parametrize(
    ("failure", "check_id"),
    [
        (FailureClass.REFUSED, "rabbitmq.connect"),
        (FailureClass.DNS, "rabbitmq.resolve"),
        (FailureClass.TIMEOUT, "rabbitmq.handshake"),
        (FailureClass.TLS, "rabbitmq.tls"),
        (FailureClass.AUTH, "rabbitmq.auth"),
        (FailureClass.AUTHORISATION, "rabbitmq.auth"),
    ],
    ids=["refused", "dns", "silent-listener", "tls-to-plain-port", "wrong-password", "wrong-vhost"],
)
def test_failure_classes_name_themselves_within_budget(
    failure: FailureClass, check_id: str, amqp_url: str, closed_port: int, silent_port: int
) -> None:
    port = parse_target(amqp_url).endpoint.port
    url = {
        FailureClass.REFUSED: f"amqp://127.0.0.1:{closed_port}/",
        FailureClass.DNS: "amqp://no-such-host.invalid/",
        FailureClass.TIMEOUT: f"amqp://127.0.0.1:{silent_port}/",
        FailureClass.TLS: f"amqps://guest:guest@127.0.0.1:{port}/",
        FailureClass.AUTH: _with_userinfo(amqp_url, "guest", "wrong-password"),
        FailureClass.AUTHORISATION: amqp_url.rsplit("/", 1)[0] + "/no-such-vhost",
    }[failure]
    result, elapsed = _probe(url)
    check = result.check(check_id)
    assert check is not None and check.status is CheckStatus.FAIL, result.checks
    assert check.failure_class is failure
    assert check.details and check.hint
    assert elapsed < BUDGET_S * 1.1
    if failure is FailureClass.AUTHORISATION:
        assert "vhost" in check.hint


def test_paused_broker_is_a_timeout(amqp_url: str) -> None:
    """A paused broker's kernel still accepts connections; nothing answers. A proxy that
    forwards nothing shows the client the same, without pausing the shared sandbox broker."""
    proxy = StallingProxy(parse_target(amqp_url).endpoint.port, stall_all=True)
    try:
        result, elapsed = _probe(f"amqp://guest:guest@127.0.0.1:{proxy.port}/%2F")
    finally:
        proxy.close()
    handshake = result.check("rabbitmq.handshake")
    assert handshake is not None and handshake.failure_class is FailureClass.TIMEOUT, handshake
    assert elapsed < BUDGET_S * 1.1


def test_cancellation_cleans_up(
    amqp_url: str, rabbitmq_management_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    cancel = threading.Event()
    original = rabbitmq_checks._name

    def name_then_cancel(ctx: runner.ProbeContext, suffix: str) -> str:
        if suffix == "quorum":  # the durable quorum queue outlives the connection
            cancel.set()
        return original(ctx, suffix)

    monkeypatch.setattr(rabbitmq_checks, "_name", name_then_cancel)
    result, elapsed = _probe(amqp_url, rabbitmq_management_url, cancel=cancel)
    assert elapsed < 3
    assert result.checks[-1].failure_class is FailureClass.CANCELLED, result.checks
    time.sleep(0.2)
    assert rabbitmq_leftovers(rabbitmq_management_url, result.run_id) == []


def test_failure_mid_check_still_cleans_up(
    amqp_url: str, rabbitmq_management_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A check that dies after declaring durable objects leaves nothing behind."""

    def broken_get(*args: object, **kwargs: object) -> None:
        raise RuntimeError("simulated client failure")

    monkeypatch.setattr(rabbitmq_checks, "DLX_TTL_MS", 200)
    monkeypatch.setattr("pika.adapters.blocking_connection.BlockingChannel.basic_get", broken_get)
    result, _ = _probe(amqp_url, rabbitmq_management_url)
    dlx = result.check("rabbitmq.dead_lettering")
    assert dlx is not None and dlx.status is CheckStatus.FAIL
    assert "simulated client failure" in dlx.details
    time.sleep(0.2)
    assert rabbitmq_leftovers(rabbitmq_management_url, result.run_id) == []


# --- a broker that stalls after the login ------------------------------------------------------


@pytest.fixture
def stalling_proxy(amqp_url: str) -> Iterator[StallingProxy]:
    proxy = StallingProxy(parse_target(amqp_url).endpoint.port)
    yield proxy
    proxy.close()


def test_a_broker_that_stalls_after_login_times_out_at_the_stage_timeout(
    amqp_url: str,
    rabbitmq_management_url: str,
    stalling_proxy: StallingProxy,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """pika's calls have no timeout: the watchdog must end them after one stage timeout."""
    monkeypatch.setattr(rabbitmq_checks, "CONFIRM_COUNT", 10**7)  # the stall lands in here
    url = amqp_url.replace(
        f"127.0.0.1:{parse_target(amqp_url).endpoint.port}", f"127.0.0.1:{stalling_proxy.port}"
    )
    stalled_at: list[float] = []

    def on_event(event: ProbeEvent) -> None:
        if event.check is not None and event.check.id == "rabbitmq.server":
            stalling_proxy.stall()
            stalled_at.append(time.monotonic())

    result, elapsed = _probe(url, on_event=on_event)
    assert stalled_at, result.checks
    confirm = result.check("rabbitmq.confirm_latency")
    assert confirm is not None and confirm.failure_class is FailureClass.TIMEOUT, result.checks
    assert f"{STAGE_S:g} s" in confirm.details or "nothing came back" in confirm.details
    assert "budget_exceeded" not in {c.failure_class for c in result.checks if c.failure_class}
    assert confirm.duration_ms < (STAGE_S + 1.0) * 1000
    assert elapsed < BUDGET_S
    later = result.check("rabbitmq.quorum_queue")
    assert later is not None and later.status is CheckStatus.SKIPPED
    stalling_proxy.close()  # the broker sees the stalled connection go, with its queues
    time.sleep(0.5)
    assert rabbitmq_leftovers(rabbitmq_management_url, result.run_id) == []


# --- other services on the port, addresses in messages -----------------------------------------


@pytest.mark.parametrize("service", ["redis", "management"])
def test_a_non_amqp_service_is_named_quickly(
    service: str, redis_url: str, rabbitmq_management_url: str
) -> None:
    port = (
        parse_target(redis_url).endpoint.port
        if service == "redis"
        else urllib.parse.urlsplit(rabbitmq_management_url).port
    )
    result, elapsed = _probe(f"amqp://127.0.0.1:{port}/")
    check = result.check("rabbitmq.handshake")
    assert check is not None and check.failure_class is FailureClass.WRONG_PROTOCOL, check
    assert ("Redis" if service == "redis" else "HTTP") in check.details
    assert elapsed < STAGE_S + 0.5  # not a stage timeout: the sniff answers at once


def test_a_refused_management_url_names_its_own_port(amqp_url: str, closed_port: int) -> None:
    result, _ = _probe(amqp_url, f"http://guest:guest@127.0.0.1:{closed_port}")
    check = result.check("rabbitmq.mgmt_overview")
    assert check is not None and check.failure_class is FailureClass.REFUSED
    assert f"127.0.0.1:{closed_port} refused" in check.details
    assert str(parse_target(amqp_url).endpoint.port) not in check.details


# --- confirm latency: what the workload relies on ----------------------------------------------


@pytest.mark.parametrize(
    ("workload", "messages", "queue"),
    [
        (None, "persistent", "quorum"),
        (Workload(crash_may_lose_messages=False), "persistent", "quorum"),
        (Workload(crash_may_lose_messages=True), "transient", "classic, exclusive, non-durable"),
    ],
)
def test_confirm_latency_measures_persistent_messages_on_a_durable_queue(
    amqp_url: str,
    rabbitmq_management_url: str,
    workload: Workload | None,
    messages: str,
    queue: str,
) -> None:
    result, _ = _probe(amqp_url, workload=workload)
    check = result.check("rabbitmq.confirm_latency")
    assert check is not None and check.status is CheckStatus.PASS, check
    assert check.figures["messages"] == messages and check.figures["queue"] == queue
    assert check.figures["samples"] == rabbitmq_checks.CONFIRM_COUNT
    if workload is not None and workload.p99_latency_ms:
        latency = {v.requirement: v for v in result.verdicts or []}["latency"]
        assert f"{messages} messages on a {queue} queue" in latency.message
    time.sleep(0.2)
    assert rabbitmq_leftovers(rabbitmq_management_url, result.run_id) == []


@pytest.mark.parametrize("budget_s", [0.05, 0.2, 0.4])
def test_small_budgets_leave_no_queue(
    amqp_url: str, rabbitmq_management_url: str, budget_s: float
) -> None:
    result = runner.probe(parse_target(amqp_url), budget_s=budget_s)
    time.sleep(0.3)
    assert rabbitmq_leftovers(rabbitmq_management_url, result.run_id) == []
    assert not any(c.id == "rabbitmq.cleanup" for c in result.checks), result.checks[-2:]
