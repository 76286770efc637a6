"""Redis probe against real servers: healthy checks, every failure class, cleanup, cancellation."""

from __future__ import annotations

import shutil
import ssl
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import redis

from advisor.probe import runner
from advisor.probe.models import CheckStatus, FailureClass, ProbeEvent, ProbeResult, Verdict
from advisor.probe.redis import checks as redis_checks
from advisor.probe.redis import wire as redis_wire
from advisor.probe.targets import parse_target
from advisor.workload import Workload
from tests.advisor.probe.conftest import OwnRedis, OwnSentinel, redis_leftovers

pytestmark = pytest.mark.integration

BUDGET_S = 6.0
STAGE_S = 1.5


def _probe(url: str, **kwargs: object) -> tuple[ProbeResult, float]:
    started = time.monotonic()
    result = runner.probe(
        parse_target(url),
        budget_s=kwargs.pop("budget_s", BUDGET_S),  # type: ignore[arg-type]
        stage_timeout_s=STAGE_S,
        **kwargs,
    )  # type: ignore[arg-type]
    return result, time.monotonic() - started


def _first_failure(result: ProbeResult) -> FailureClass | None:
    return next((c.failure_class for c in result.checks if c.status is CheckStatus.FAIL), None)


def _probe_keys(client: redis.Redis, run_id: str = "") -> list[str]:
    return list(client.scan_iter(match=f"broker-advisor:probe:{run_id}*", count=1000))


def test_healthy_redis_passes_every_check(redis_url: str) -> None:
    result, elapsed = _probe(redis_url)
    failed = [(c.id, c.details) for c in result.checks if c.status is CheckStatus.FAIL]
    assert failed == []
    ids = {c.id for c in result.checks if c.status in (CheckStatus.PASS, CheckStatus.WARN)}
    assert {
        "redis.resolve",
        "redis.connect",
        "redis.handshake",
        "redis.auth",
        "redis.ping_latency",
        "redis.info",
        "redis.persistence",
        "redis.memory",
        "redis.reliable_queue",
        "redis.pubsub",
        "redis.streams",
    } <= ids
    assert result.summary.version and result.summary.mode == "standalone"
    ping = result.check("redis.ping_latency")
    assert ping is not None and ping.figures["samples"] == 50
    assert elapsed < 2


def test_sentinel_finds_the_master_and_quorum(sentinel_url: str) -> None:
    result, _ = _probe(sentinel_url)
    discover = result.check("sentinel.discover")
    assert discover is not None and discover.status is not CheckStatus.FAIL
    assert discover.figures["sentinels"] >= 1
    quorum = result.check("sentinel.quorum")
    assert quorum is not None and quorum.status is CheckStatus.PASS
    assert result.summary.mode == "sentinel"
    assert not result.failed


def test_no_probe_key_is_left(redis_url: str) -> None:
    client = redis.Redis.from_url(redis_url, decode_responses=True)
    result, _ = _probe(redis_url)
    assert _probe_keys(client, result.run_id) == []


@pytest.mark.parametrize(
    ("make_url", "failure", "stage_check"),
    [
        (
            lambda ports: f"redis://127.0.0.1:{ports['closed']}",
            FailureClass.REFUSED,
            "redis.connect",
        ),
        (lambda ports: "redis://no-such-host.invalid:6379", FailureClass.DNS, "redis.resolve"),
        (
            lambda ports: f"redis://127.0.0.1:{ports['silent']}",
            FailureClass.TIMEOUT,
            "redis.handshake",
        ),
        (lambda ports: f"rediss://127.0.0.1:{ports['redis']}", FailureClass.TLS, "redis.tls"),
        (
            lambda ports: f"redis://:wrong-password@127.0.0.1:{ports['redis']}",
            FailureClass.AUTH,
            "redis.auth",
        ),
    ],
    ids=["refused", "dns", "silent-listener", "tls-to-plain-port", "wrong-password"],
)
def test_failure_classes_name_themselves_within_budget(
    *,
    make_url: object,
    failure: FailureClass,
    stage_check: str,
    closed_port: int,
    silent_port: int,
    redis_url: str,
) -> None:
    ports = {
        "closed": closed_port,
        "silent": silent_port,
        "redis": parse_target(redis_url).endpoint.port,
    }
    result, elapsed = _probe(make_url(ports))  # type: ignore[operator]
    check = result.check(stage_check)
    assert check is not None and check.status is CheckStatus.FAIL, result.checks
    assert check.failure_class is failure
    assert check.details and check.hint
    assert _first_failure(result) is failure
    assert elapsed < BUDGET_S * 1.1


def test_missing_password_is_auth(tmp_path: object) -> None:
    server = OwnRedis(tmp_path, password="right-password")  # type: ignore[arg-type]
    try:
        result, _ = _probe(f"redis://127.0.0.1:{server.port}")
        assert _first_failure(result) is FailureClass.AUTH
        assert "password" in (result.check("redis.auth") or result.checks[0]).hint
        ok, _ = _probe(server.url)
        assert not ok.failed
    finally:
        server.stop()


def test_paused_server_is_a_timeout(own_redis: OwnRedis) -> None:
    own_redis.pause()
    try:
        result, elapsed = _probe(own_redis.url)
    finally:
        own_redis.resume()
    assert _first_failure(result) is FailureClass.TIMEOUT
    assert result.check("redis.handshake").failure_class is FailureClass.TIMEOUT  # type: ignore[union-attr]
    assert elapsed < BUDGET_S * 1.1


@pytest.fixture
def slow_checks(monkeypatch: pytest.MonkeyPatch) -> None:
    """Make the PING and queue checks long, so a fault can land while they run.

    Events reach the caller asynchronously, so the worker may be several checks further when
    a callback runs; a long check gives the fault a known place to land.
    """
    monkeypatch.setattr(redis_checks, "PING_COUNT", 1_000_000)
    monkeypatch.setattr(redis_checks, "QUEUE_ITEMS", 1_000_000)


def _on(check_id: str, action: object) -> object:
    def on_event(event: ProbeEvent) -> None:
        if event.check is not None and event.check.id == check_id:
            action()  # type: ignore[operator]

    return on_event


@pytest.mark.usefixtures("slow_checks")
def test_paused_mid_probe_stays_within_budget(own_redis: OwnRedis) -> None:
    try:
        result, elapsed = _probe(
            own_redis.url, budget_s=4.0, on_event=_on("redis.auth", own_redis.pause)
        )
    finally:
        own_redis.resume()
    assert elapsed < 4.0 * 1.1
    ping = result.check("redis.ping_latency")
    assert ping is not None and ping.failure_class is FailureClass.TIMEOUT, result.checks
    assert result.checks[-1].failure_class is FailureClass.BUDGET_EXCEEDED


@pytest.mark.usefixtures("slow_checks")
def test_server_stopped_mid_probe(own_redis: OwnRedis) -> None:
    result, elapsed = _probe(own_redis.url, on_event=_on("redis.auth", own_redis.kill))
    assert elapsed < BUDGET_S * 1.1
    ping = result.check("redis.ping_latency")
    assert ping is not None and ping.status is CheckStatus.FAIL, result.checks
    failed = [c for c in result.checks if c.status is CheckStatus.FAIL]
    assert {c.failure_class for c in failed} <= {
        FailureClass.REFUSED,
        FailureClass.CONNECTION_LOST,
        FailureClass.TIMEOUT,
    }
    assert ping.failure_class is FailureClass.CONNECTION_LOST, ping
    assert all(c.details and c.hint for c in failed)


def test_cancellation_cleans_up(own_redis: OwnRedis, monkeypatch: pytest.MonkeyPatch) -> None:
    client = own_redis.client()
    cancel = threading.Event()
    hold_key = redis_checks._hold_key

    def register_then_cancel(ctx: runner.ProbeContext, client: object, name: str) -> str:
        key = hold_key(ctx, client, name)  # type: ignore[arg-type]
        cancel.set()  # the queue check is about to create its keys
        return key

    monkeypatch.setattr(redis_checks, "_hold_key", register_then_cancel)
    started = time.monotonic()
    result = runner.probe(parse_target(own_redis.url), cancel=cancel)
    assert time.monotonic() - started < 3
    queue = result.check("redis.reliable_queue")
    assert queue is not None and queue.failure_class is FailureClass.CANCELLED, result.checks
    assert result.check("redis.streams") is None
    assert _probe_keys(client) == []


def test_probe_keys_have_a_ttl_and_are_deleted(
    redis_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    client = redis.Redis.from_url(redis_url, decode_responses=True)
    seen: dict[str, int] = {}
    original = redis_checks.delete_keys

    def spy(ctx: runner.ProbeContext, *args: object) -> None:
        for key in _probe_keys(client, ctx.run_id):
            seen[key] = int(client.ttl(key))
        original(ctx, *args)  # type: ignore[arg-type]

    monkeypatch.setattr(redis_checks, "delete_keys", spy)
    result = runner.probe(parse_target(redis_url))
    assert seen, "the stream key exists until cleanup"
    assert all(key.startswith(f"broker-advisor:probe:{result.run_id}:") for key in seen)
    assert all(0 < ttl <= 60 for ttl in seen.values())
    assert _probe_keys(client, result.run_id) == []


# --- durability verdicts against real servers -----------------------------------------------


def _durability(result: ProbeResult) -> Verdict:
    found = {v.requirement: v for v in result.verdicts or []}
    return found["durability"]


def test_everysec_is_a_warning_when_no_message_may_be_lost(tmp_path: Path) -> None:
    server = OwnRedis(tmp_path, extra=("--appendonly", "yes", "--appendfsync", "everysec"))
    try:
        result, _ = _probe(server.url, workload=Workload(crash_may_lose_messages=False))
    finally:
        server.stop()
    verdict = _durability(result)
    assert verdict.status is CheckStatus.WARN, verdict
    assert "everysec" in verdict.message and "second" in verdict.message
    assert "always" in verdict.advice


def test_refused_config_get_says_what_is_known(tmp_path: Path) -> None:
    """Managed services block CONFIG: the verdict uses INFO and says what it could not read."""
    server = OwnRedis(tmp_path, extra=("--rename-command", "CONFIG", ""))
    try:
        result, _ = _probe(server.url, workload=Workload(crash_may_lose_messages=False))
    finally:
        server.stop()
    persistence = result.check("redis.persistence")
    assert persistence is not None and persistence.figures["source"] == "INFO persistence"
    assert "snapshots only" not in persistence.details
    assert "could not be read" in persistence.details
    verdict = _durability(result)
    assert verdict.status is CheckStatus.FAIL
    assert "only RDB" not in verdict.message
    assert "aof_enabled:0" in verdict.message and "could not be read" in verdict.message


# --- Sentinel: its own password, no master name, the master's address in failures ----------


@pytest.fixture
def guarded_sentinel(tmp_path: Path) -> Iterator[tuple[OwnRedis, OwnSentinel]]:
    if shutil.which("redis-server") is None:
        pytest.skip("redis-server is not installed")
    master = OwnRedis(tmp_path, password="master-pw-1")
    sentinel = OwnSentinel(tmp_path, master, "probe-master", password="sentinel-pw-2")
    yield master, sentinel
    sentinel.stop()
    master.stop()


def test_sentinel_with_its_own_password(guarded_sentinel: tuple[OwnRedis, OwnSentinel]) -> None:
    master, sentinel = guarded_sentinel
    base = f"redis+sentinel://:master-pw-1@127.0.0.1:{sentinel.port}/probe-master"
    result, _ = _probe(f"{base}?sentinel_password=sentinel-pw-2")
    failed = [(c.id, c.details) for c in result.checks if c.status is CheckStatus.FAIL]
    assert failed == []
    discover = result.check("sentinel.discover")
    assert discover is not None and f"127.0.0.1:{master.port}" in discover.details
    assert result.check("redis.auth") is not None
    assert result.check("redis.auth").status is CheckStatus.PASS  # type: ignore[union-attr]
    assert "pw-1" not in result.model_dump_json() and "pw-2" not in result.model_dump_json()

    without, _ = _probe(base)  # the master's password is not the Sentinel's
    check = without.check("sentinel.discover")
    assert check is not None and check.failure_class is FailureClass.AUTH, without.checks
    assert "sentinel_password" in check.hint
    assert f"127.0.0.1:{sentinel.port}" in check.details
    assert "pw-1" not in without.model_dump_json()


def test_celery_sentinel_url_without_a_master_name(
    guarded_sentinel: tuple[OwnRedis, OwnSentinel],
) -> None:
    _master, sentinel = guarded_sentinel
    url = f"sentinel://:master-pw-1@127.0.0.1:{sentinel.port}/0?sentinel_password=sentinel-pw-2"
    result, _ = _probe(url)
    discover = result.check("sentinel.discover")
    assert discover is not None and discover.figures["master_name"] == "probe-master"
    assert not result.failed, [(c.id, c.details) for c in result.checks if c.status.value == "fail"]


def test_a_dead_master_is_named_by_its_own_address(
    guarded_sentinel: tuple[OwnRedis, OwnSentinel],
) -> None:
    master, sentinel = guarded_sentinel
    master.kill()  # no replica: the Sentinel still hands out the dead master's address
    url = (
        f"redis+sentinel://:master-pw-1@127.0.0.1:{sentinel.port}/probe-master"
        "?sentinel_password=sentinel-pw-2"
    )
    result, _ = _probe(url)
    connect = result.check("redis.connect")
    assert connect is not None and connect.failure_class is FailureClass.REFUSED
    assert f"127.0.0.1:{master.port} refused" in connect.details
    assert str(sentinel.port) not in connect.details


def test_sentinel_client_gets_the_tls_settings() -> None:
    ca_file = ssl.get_default_verify_paths().cafile
    if not ca_file:
        pytest.skip("no system CA file to point ssl_ca_certs at")
    target = parse_target(
        "rediss+sentinel://s.example:26379/m?sentinel_password=spw&ssl_cert_reqs=none"
        f"&ssl_ca_certs={ca_file}"
    )
    ctx = runner.ProbeContext(
        target=target,
        run_id="x",
        budget_s=5,
        stage_timeout_s=1,
        cleanup_timeout_s=1,
        cancel=threading.Event(),
    )
    client = redis_wire.make_sentinel_client(ctx, target.endpoint)
    kwargs = client.connection_pool.connection_kwargs
    assert kwargs["password"] == "spw"
    assert kwargs["ssl_cert_reqs"] == "none" and kwargs["ssl_ca_certs"] == ca_file
    assert client.connection_pool.connection_class.__name__ == "SSLConnection"
    client.close()


# --- small budgets leave nothing ---------------------------------------------------------------


@pytest.mark.parametrize("budget_s", [0.05, 0.15, 0.3])
def test_small_budgets_leave_no_key(redis_url: str, budget_s: float) -> None:
    result = runner.probe(parse_target(redis_url), budget_s=budget_s)
    assert redis_leftovers(redis_url, result.run_id) == []
    assert not any(c.id == "redis.cleanup" for c in result.checks), result.checks[-2:]


@pytest.mark.usefixtures("slow_checks")
def test_paused_with_keys_to_clean_returns_within_budget_and_allowance(
    own_redis: OwnRedis,
) -> None:
    """Paused just before the probe writes keys: cleanup cannot reach the server, and the result
    still comes within the budget plus the fixed cleanup allowance (the keys expire on their own)."""
    try:
        result, elapsed = _probe(
            own_redis.url, budget_s=3.0, on_event=_on("redis.memory", own_redis.pause)
        )
    finally:
        own_redis.resume()
    assert elapsed < 3.0 + runner.CLEANUP_ALLOWANCE_S + 0.5
    assert any(c.failure_class is FailureClass.BUDGET_EXCEEDED for c in result.checks)
