"""The loadtest and bakeoff commands: refusals, credentials, Ctrl-C, OMB export, output."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import redis

from advisor import cli
from tests.advisor.probe.conftest import OwnRedis

WORKLOAD = """
name: cli test
avg_rate_msg_per_s: 100
peak_rate_msg_per_s: 200
avg_message_size_bytes: 500
max_message_size_bytes: 5000
p99_latency_ms: 500
consumption: competing_workers
"""


@pytest.fixture
def workload_file(tmp_path: Path) -> Path:
    path = tmp_path / "wl.yaml"
    path.write_text(WORKLOAD)
    return path


def test_a_remote_target_needs_yes(workload_file: Path, capsys: pytest.CaptureFixture[str]) -> None:
    # 192.0.2.0/24 is TEST-NET-1: refused before anything is dialled.
    code = cli.main(["loadtest", "redis://:pw@192.0.2.10:6379/0", "--workload", str(workload_file)])
    err = capsys.readouterr().err
    assert code == 2 and "--yes" in err and "192.0.2.10" in err and "pw" not in err


def test_a_master_the_sentinels_place_elsewhere_needs_yes(
    workload_file: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from advisor.loadtest import runner

    monkeypatch.setattr(runner, "discover_master", lambda target, timeout_s: ("192.0.2.10", 6379))
    url = "redis+sentinel://:pw@127.0.0.1:26379/mymaster"
    code = cli.main(["loadtest", url, "--workload", str(workload_file)])
    err = capsys.readouterr().err
    assert code == 2 and "--yes" in err and "192.0.2.10" in err and ":pw@" not in err


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--rate", "lots"], "--rate"),
        (["--duration", "0"], "--duration"),
        (["--producers", "99"], "--producers"),
    ],
)
def test_bad_options_exit_2(
    workload_file: Path, capsys: pytest.CaptureFixture[str], args: list[str], message: str
) -> None:
    code = cli.main(["loadtest", "redis://127.0.0.1:1/0", "--workload", str(workload_file), *args])
    assert code == 2 and message in capsys.readouterr().err


def test_export_omb_writes_files_without_running(
    workload_file: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "omb"
    code = cli.main(["loadtest", "--workload", str(workload_file), "--export-omb", str(out)])
    assert code == 0
    assert (out / "driver-kafka/cli-test-kafka.yaml").exists()
    assert (out / "workloads/cli-test-redis-peak.yaml").exists()
    assert "OpenMessaging Benchmark" in capsys.readouterr().out


@pytest.mark.integration
def test_json_has_the_keys_and_no_password(
    own_redis_with_password: OwnRedis, workload_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    url = own_redis_with_password.url
    code = cli.main(
        [
            "loadtest",
            url,
            "--workload",
            str(workload_file),
            "--duration",
            "1",
            "--rate",
            "100",
            "--json",
        ]
    )
    captured = capsys.readouterr()
    assert code == 0, captured.err
    password = own_redis_with_password.password or ""
    assert password not in captured.out and password not in captured.err
    data = json.loads(captured.out)
    for key in ("sent", "received", "throughput_msg_per_s", "latency_ms", "saturation", "verdicts"):
        assert key in data
    assert set(data["latency_ms"]) >= {"p50", "p90", "p99", "p999", "max"}
    assert data["sent"] > 0 and data["received"] == data["sent"]
    assert data["cleanup"]["leftovers"] == []


@pytest.mark.integration
def test_text_output_shows_phases_and_verdicts(
    redis_url: str, workload_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code = cli.main(["loadtest", redis_url, "--workload", str(workload_file), "--duration", "1.5"])
    out = capsys.readouterr().out
    assert code in (0, 1)
    for text in ("average", "peak", "ramp", "saturation", "verdicts for the workload", "cleanup"):
        assert text in out


@pytest.mark.integration
def test_ctrl_c_exits_130_and_leaves_nothing(own_redis: OwnRedis, workload_file: Path) -> None:
    env = dict(os.environ, PYTHONUNBUFFERED="1")
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "advisor",
            "loadtest",
            own_redis.url,
            "--workload",
            str(workload_file),
            "--duration",
            "30",
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )
    assert process.stderr is not None
    deadline = time.monotonic() + 30
    for line in process.stderr:
        if "average:" in line or time.monotonic() > deadline:
            break
    time.sleep(1.0)
    process.send_signal(signal.SIGINT)
    try:
        out, err = process.communicate(timeout=25)
    except subprocess.TimeoutExpired:
        process.kill()
        raise
    assert process.returncode == 130, err
    assert "cleanup" in out
    client = redis.Redis(port=own_redis.port, socket_timeout=2)
    assert list(client.scan_iter(match="broker-advisor.loadtest.*")) == []
    client.close()
