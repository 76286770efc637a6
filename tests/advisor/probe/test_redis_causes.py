"""Redis replies that name their cause get their own failure class and a hint that fits.

Each case runs a private redis-server configured to give that reply; none is a mock.
"""

from __future__ import annotations

import shutil
import socket
from pathlib import Path

import pytest

from advisor.probe import runner
from advisor.probe.models import CheckStatus, FailureClass, ProbeCheck, ProbeResult
from advisor.probe.targets import parse_target
from tests.advisor.probe.conftest import OwnRedis

pytestmark = [
    pytest.mark.integration,
    pytest.mark.skipif(shutil.which("redis-server") is None, reason="redis-server is missing"),
]


def _probe(url: str) -> ProbeResult:
    return runner.probe(parse_target(url), budget_s=6.0, stage_timeout_s=1.5)


def _first_failure(result: ProbeResult) -> ProbeCheck:
    failed = [c for c in result.checks if c.status is CheckStatus.FAIL]
    assert failed, [(c.id, c.status) for c in result.checks]
    return failed[0]


def test_a_password_sent_to_a_redis_without_one_says_so(tmp_path: Path) -> None:
    server = OwnRedis(tmp_path)
    try:
        check = _first_failure(_probe(f"redis://:nope@127.0.0.1:{server.port}/0"))
    finally:
        server.stop()
    assert check.failure_class is FailureClass.AUTH
    assert "has no password" in check.hint and "remove the password" in check.hint


def test_a_database_out_of_range_is_a_configuration_error(tmp_path: Path) -> None:
    server = OwnRedis(tmp_path)
    try:
        check = _first_failure(_probe(f"redis://127.0.0.1:{server.port}/99"))
    finally:
        server.stop()
    assert check.failure_class is FailureClass.CONFIGURATION
    assert "database" in check.details and "databases" in check.hint


def test_max_clients_reached_is_named(tmp_path: Path) -> None:
    server = OwnRedis(tmp_path, extra=("--maxclients", "1"))
    holder = server.client()
    holder.ping()  # takes the only client slot
    try:
        check = _first_failure(_probe(f"redis://127.0.0.1:{server.port}/0"))
    finally:
        holder.close()
        server.stop()
    assert check.failure_class is FailureClass.DEGRADED
    assert "maxclients" in check.details or "maxclients" in check.hint


def test_a_renamed_command_is_a_configuration_error(tmp_path: Path) -> None:
    server = OwnRedis(tmp_path, extra=("--rename-command", "XADD", ""))
    try:
        result = _probe(f"redis://127.0.0.1:{server.port}/0")
    finally:
        server.stop()
    streams = result.check("redis.streams")
    assert streams is not None and streams.status is CheckStatus.FAIL
    assert streams.failure_class is FailureClass.CONFIGURATION
    assert "renamed or disabled" in streams.hint


def _outward_address() -> str | None:
    """An IPv4 address of this machine that is not loopback, if it has one."""
    try:
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
            probe.connect(("192.0.2.1", 9))  # no packet is sent for a UDP connect
            address = str(probe.getsockname()[0])
    except OSError:
        return None
    return None if address.startswith("127.") else address


def test_protected_mode_is_named(tmp_path: Path) -> None:
    address = _outward_address()
    if address is None:
        pytest.skip("this machine has no non-loopback IPv4 address to connect from")
    server = OwnRedis(tmp_path, extra=("--bind", "127.0.0.1", address, "--protected-mode", "yes"))
    try:
        check = _first_failure(_probe(f"redis://{address}:{server.port}/0"))
    finally:
        server.stop()
    assert check.failure_class is FailureClass.CONFIGURATION
    assert "protected mode" in check.details and "requirepass" in check.hint


def test_a_read_only_user_is_refused_writes_and_no_cleanup_is_claimed(tmp_path: Path) -> None:
    server = OwnRedis(tmp_path)
    admin = server.client()
    admin.execute_command(
        "ACL", "SETUSER", "reader", "on", ">reader-pw", "~*", "&*", "+@read", "+@connection"
    )
    admin.execute_command("ACL", "SETUSER", "reader", "+info", "+ping")
    try:
        result = _probe(f"redis://reader:reader-pw@127.0.0.1:{server.port}/0")
        leftover = list(admin.scan_iter(match="broker-advisor:probe:*"))
    finally:
        admin.close()
        server.stop()
    queue = result.check("redis.reliable_queue")
    assert queue is not None and queue.failure_class is FailureClass.AUTHORISATION
    assert result.check("redis.cleanup") is None  # nothing was made, nothing to delete
    assert leftover == []


def test_a_sentinel_url_at_a_plain_redis_is_named(redis_url: str) -> None:
    host_port = redis_url.removeprefix("redis://").split("/")[0]
    result = _probe(f"redis+sentinel://{host_port}/mymaster")
    check = _first_failure(result)
    assert check.failure_class is FailureClass.WRONG_PROTOCOL
    assert "not a Sentinel" in check.details and "26379" in check.hint
