"""Targets a load test may be given: a Sentinel that names the master, and bad ones (no such
master, nothing listening, a refused login, a broker that does not answer, a read-only
replica), each refused with a clear message, exit code 2, in bounded time, with nothing left
behind."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from advisor import cli
from advisor.loadtest import plan, runner
from advisor.loadtest.models import LoadTestResult
from advisor.probe import targets
from advisor.workload import Workload
from tests.advisor.probe.conftest import OwnRedis

pytestmark = pytest.mark.integration

WORKLOAD = Workload(
    name="sentinel",
    avg_rate_msg_per_s=100,
    peak_rate_msg_per_s=100,
    avg_message_size_bytes=300,
    max_message_size_bytes=300,
    p99_latency_ms=2000,
    consumption="competing_workers",
)
# Refused before anything is spawned: connecting, the login and one answer, each bounded.
BOUND_S = 15.0


@pytest.fixture
def workload_file(tmp_path: Path) -> Path:
    path = tmp_path / "wl.json"
    path.write_text(WORKLOAD.model_dump_json())
    return path


def _short_load(url: str) -> LoadTestResult:
    """One second at 100 msg/s, no ramp."""
    return runner.loadtest(
        targets.parse_target(url),
        WORKLOAD,
        duration_s=1.0,
        rate=plan.RateChoice("fixed", 100),
        ramp=False,
    )


def _cli(
    url: str, workload_file: Path, capsys: pytest.CaptureFixture[str]
) -> tuple[int, str, float]:
    started = time.monotonic()
    code = cli.main(["loadtest", url, "--workload", str(workload_file), "--duration", "1"])
    took = time.monotonic() - started
    captured = capsys.readouterr()
    return code, captured.err + captured.out, took


def test_a_sentinel_target_loads_the_master_it_names(sentinel_url: str, redis_url: str) -> None:
    target = targets.parse_target(sentinel_url)
    assert target.sentinel_master == "advisor"
    master = runner.discover_master(target)
    assert f"{master[0]}:{master[1]}" in redis_url
    result = runner.loadtest(
        target, WORKLOAD, duration_s=1.0, rate=plan.RateChoice("fixed", 100), ramp=False
    )
    assert result.errors == [] and result.received == result.sent > 0
    assert result.target == target.display_url
    assert any(f"at {master[0]}:{master[1]}" in note for note in result.notes)
    assert result.cleanup.leftovers_checked and result.cleanup.leftovers == []


def test_an_unknown_master_name_is_refused(
    sentinel_url: str, workload_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    url = sentinel_url.rsplit("/", 1)[0] + "/no-such-master"
    code, out, took = _cli(url, workload_file, capsys)
    assert code == 2 and took < BOUND_S
    assert "no master named 'no-such-master'" in out and "advisor" in out  # the known ones


def test_a_sentinel_that_does_not_answer_is_refused(
    workload_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, took = _cli("redis+sentinel://127.0.0.1:1/advisor", workload_file, capsys)
    assert code == 2 and took < BOUND_S and "no Sentinel answered" in out


@pytest.mark.parametrize(
    "url",
    [
        "redis://127.0.0.1:1/0",
        "amqp://guest:guest@127.0.0.1:1/%2F",
        "kafka://127.0.0.1:1",
    ],
)
def test_nothing_listening_is_refused(
    url: str, workload_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, took = _cli(url, workload_file, capsys)
    assert code == 2 and took < BOUND_S
    assert "could not be used" in out and "nothing was created" in out
    assert "%3|" not in out  # librdkafka's own log lines stay off the terminal
    assert "Traceback" not in out


def test_a_wrong_password_is_refused_without_showing_it(
    own_redis_with_password: OwnRedis, workload_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    url = f"redis://:Wrong-pass-77@127.0.0.1:{own_redis_with_password.port}/0"
    code, out, took = _cli(url, workload_file, capsys)
    assert code == 2 and took < BOUND_S
    assert "could not be used" in out and "Wrong-pass-77" not in out


def test_a_wrong_rabbitmq_password_is_refused(
    amqp_url: str, workload_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    parsed = targets.parse_target(amqp_url)
    endpoint = parsed.endpoints[0]
    url = f"amqp://guest:Wrong-pass-77@{endpoint.host}:{endpoint.port}/%2F"
    code, out, took = _cli(url, workload_file, capsys)
    assert code == 2 and took < BOUND_S
    assert "ACCESS_REFUSED" in out and "Wrong-pass-77" not in out


def test_a_broker_that_does_not_answer_is_refused_in_time_and_left_clean(
    own_redis: OwnRedis, workload_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    own_redis.pause()
    try:
        code, out, took = _cli(own_redis.url, workload_file, capsys)
    finally:
        own_redis.resume()
    assert code == 2 and took < BOUND_S and "could not be used" in out
    client = own_redis.client()
    try:
        assert list(client.scan_iter(match="broker-advisor*")) == []
    finally:
        client.close()


def test_a_read_only_replica_is_refused(
    sandbox_state: object, workload_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from advisor import sandbox

    url = sandbox.status().targets.redis_replica_url
    code, out, took = _cli(url, workload_file, capsys)
    assert code == 2 and took < BOUND_S and "read-only replica" in out


def test_a_bakeoff_skips_a_target_that_cannot_be_used_and_says_why() -> None:
    from advisor.loadtest import bakeoff

    dead = targets.parse_target("redis://127.0.0.1:1/0")
    started = time.monotonic()
    found = bakeoff.bakeoff(WORKLOAD, chosen=[dead], duration_s=1.0, ramp=False)
    assert time.monotonic() - started < BOUND_S
    assert found.results == [] and "could not be used" in found.skipped["redis"]


def test_the_wrong_kind_of_server_is_refused(
    sentinel_url: str, redis_url: str, workload_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    sentinel = targets.parse_target(sentinel_url).endpoints[0]
    data = targets.parse_target(redis_url).endpoints[0]
    # redis:// given a Sentinel's address: it keeps no data.
    code, out, took = _cli(f"redis://{sentinel.host}:{sentinel.port}/0", workload_file, capsys)
    assert code == 2 and took < BOUND_S and "redis+sentinel://" in out and "advisor" in out
    # redis+sentinel:// given a data server's address: it is no Sentinel.
    url = f"redis+sentinel://{data.host}:{data.port}/advisor"
    code, out, took = _cli(url, workload_file, capsys)
    assert code == 2 and took < BOUND_S and "not a Sentinel" in out


def test_tls_with_an_acl_user_and_a_read_only_one(production_tls: object) -> None:
    from tests.brokers import Production

    assert isinstance(production_tls, Production)
    found = production_tls.targets
    base = found.redis_tls_url  # carries ?ssl_ca_certs= (the local CA)
    url = production_tls.login(base, found.redis_full_user)
    result = _short_load(url)
    assert result.errors == [] and result.received == result.sent > 0
    assert result.phases[0].publish_latency_ms.p99 < 2000  # replies read as they arrive
    assert result.cleanup.leftovers == []
    # A user without write rights gets in; the set-up is refused, said so, and nothing stays.
    readonly = production_tls.login(base, found.redis_readonly_user)
    denied = _short_load(readonly)
    assert denied.failed and any("NOPERM" in e or "permission" in e for e in denied.errors)
    assert production_tls.password(found.redis_readonly_user) not in denied.model_dump_json()
    assert denied.cleanup.leftovers == []


def _without_client_certificate(url: str) -> str:
    """The same address with ?ssl_certfile= and ?ssl_keyfile= taken out."""
    base, _, query = url.partition("?")
    kept = [
        p for p in query.split("&") if p and not p.startswith(("ssl_certfile=", "ssl_keyfile="))
    ]
    return base + ("?" + "&".join(kept) if kept else "")


@pytest.mark.parametrize("broker", ["redis", "rabbitmq", "kafka"])
def test_mutual_tls_loads_with_the_client_certificate_of_the_address(
    production_tls: object, broker: str
) -> None:
    """?ssl_certfile=&ssl_keyfile= in the address reach every worker process's client: the
    brokers that require a client certificate take the load; without it they refuse it."""
    from tests.brokers import Production

    assert isinstance(production_tls, Production)
    found = production_tls.targets
    url = {
        "redis": production_tls.login(found.redis_mtls_url, found.redis_full_user),
        "rabbitmq": found.amqps_url,
        "kafka": found.kafka_mtls_url,
    }[broker]
    assert "ssl_certfile=" in url
    result = _short_load(url)
    assert result.errors == [] and result.received == result.sent > 0, result.errors
    assert result.cleanup.leftovers == []
    # Without the certificate: refused before anything is created, in bounded time, saying
    # what to give (the server's own error is no help: the connection just ends).
    started = time.monotonic()
    with pytest.raises(runner.LoadTestTargetError) as refused:
        _short_load(_without_client_certificate(url))
    assert time.monotonic() - started < BOUND_S * 2
    assert "nothing was created" in str(refused.value) and "ssl_certfile" in str(refused.value)
