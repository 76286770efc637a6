"""RabbitMQ probe against the sandbox broker: healthy checks, failure classes, cleanup."""

from __future__ import annotations

import base64
import json
import threading
import time
import urllib.parse
import urllib.request

import pytest

from advisor import sandbox
from advisor.probe import rabbitmq_probe, runner
from advisor.probe.models import CheckStatus, FailureClass, ProbeResult
from advisor.probe.targets import parse_target

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


def _probe_objects(management_url: str, run_id: str) -> list[str]:
    """Names of queues and exchanges (any vhost) that belong to this probe run."""
    auth = base64.b64encode(b"guest:guest").decode()
    names: list[str] = []
    for kind in ("queues", "exchanges"):
        request = urllib.request.Request(
            f"{management_url}/api/{kind}?columns=name", headers={"Authorization": f"Basic {auth}"}
        )
        with urllib.request.urlopen(request, timeout=5) as response:
            names += [item["name"] for item in json.loads(response.read())]
    return [n for n in names if n.startswith(f"broker-advisor.probe.{run_id}")]


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
    assert _probe_objects(rabbitmq_management_url, result.run_id) == []


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
    with sandbox.paused("rabbitmq"):
        result, elapsed = _probe(amqp_url)
    handshake = result.check("rabbitmq.handshake")
    assert handshake is not None and handshake.failure_class is FailureClass.TIMEOUT
    assert elapsed < BUDGET_S * 1.1


def test_cancellation_cleans_up(
    amqp_url: str, rabbitmq_management_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    cancel = threading.Event()
    original = rabbitmq_probe._name

    def name_then_cancel(ctx: runner.ProbeContext, suffix: str) -> str:
        if suffix == "quorum":  # the durable quorum queue outlives the connection
            cancel.set()
        return original(ctx, suffix)

    monkeypatch.setattr(rabbitmq_probe, "_name", name_then_cancel)
    result, elapsed = _probe(amqp_url, rabbitmq_management_url, cancel=cancel)
    assert elapsed < 3
    assert result.checks[-1].failure_class is FailureClass.CANCELLED, result.checks
    time.sleep(0.2)
    assert _probe_objects(rabbitmq_management_url, result.run_id) == []


def test_failure_mid_check_still_cleans_up(
    amqp_url: str, rabbitmq_management_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A check that dies after declaring durable objects leaves nothing behind."""

    def broken_get(*args: object, **kwargs: object) -> None:
        raise RuntimeError("simulated client failure")

    monkeypatch.setattr(rabbitmq_probe, "DLX_TTL_MS", 200)
    monkeypatch.setattr("pika.adapters.blocking_connection.BlockingChannel.basic_get", broken_get)
    result, _ = _probe(amqp_url, rabbitmq_management_url)
    dlx = result.check("rabbitmq.dead_lettering")
    assert dlx is not None and dlx.status is CheckStatus.FAIL
    assert "simulated client failure" in dlx.details
    time.sleep(0.2)
    assert _probe_objects(rabbitmq_management_url, result.run_id) == []
