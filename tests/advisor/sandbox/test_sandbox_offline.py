"""Sandbox tests that need no running broker: prerequisites, CLI errors, layout and formats."""

from __future__ import annotations

import base64
import hashlib
import json
import subprocess
import sys
from pathlib import Path

import pytest

from advisor import sandbox
from advisor.sandbox import cli, kafka_sandbox, layout, prereqs, rabbitmq_sandbox

REPO = Path(__file__).resolve().parents[3]


def _run_cli(args: list[str], home: Path, path: str) -> subprocess.CompletedProcess[str]:
    env = {
        "PATH": path,
        "BROKER_ADVISOR_HOME": str(home),
        "HOME": str(home),
        "PYTHONPATH": str(REPO),
    }
    return subprocess.run(
        [sys.executable, "-m", "advisor.sandbox.cli", *args],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


@pytest.mark.parametrize(
    ("only", "expected"),
    [
        ("redis", ["redis-server"]),
        ("rabbitmq", ["rabbitmq-server"]),
        ("kafka", ["java >= 17", "mvn"]),
    ],
)
def test_missing_prerequisite_is_a_clear_message_and_exit_2(
    tmp_path: Path, only: str, expected: list[str]
) -> None:
    empty_bin = tmp_path / "bin"
    empty_bin.mkdir()
    result = _run_cli(["up", "--only", only], tmp_path / "home", str(empty_bin))
    assert result.returncode == 2, result.stderr
    assert "Traceback" not in result.stderr
    assert "missing prerequisites" in result.stderr
    for program in expected:
        assert program in result.stderr
    assert "apt-get install" in result.stderr
    assert "scripts/install-brokers.sh" in result.stderr
    # Nothing was started, so nothing was written besides the (empty) state dir.
    assert not list((tmp_path / "home").rglob("*.pid"))


def test_old_java_is_reported_with_its_version(tmp_path: Path) -> None:
    fake_bin = tmp_path / "bin"
    fake_bin.mkdir()
    java = fake_bin / "java"
    java.write_text("#!/bin/sh\necho 'openjdk version \"11.0.22\" 2024-01-16' >&2\n")
    java.chmod(0o755)
    assert prereqs.java_major_version(str(java)) == 11
    result = _run_cli(["up", "--only", "kafka"], tmp_path / "home", str(fake_bin))
    assert result.returncode == 2
    assert "version 11" in result.stderr


def test_mvn_is_not_needed_once_jars_are_cached(tmp_path: Path) -> None:
    lib = tmp_path / "lib"
    lib.mkdir()
    (lib / ".complete").write_text(layout.KAFKA_VERSION)
    missing = prereqs.find_missing([sandbox.Broker.KAFKA], lib)
    assert "mvn" not in [m.program for m in missing]


def test_state_dir_inside_the_checkout_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(layout.HOME_ENV, str(REPO / "var" / "sandbox-home"))
    with pytest.raises(layout.UnsafeStateDirError):
        layout.default_layout()


def test_state_dir_follows_broker_advisor_home(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv(layout.HOME_ENV, str(tmp_path))
    lay = layout.default_layout()
    assert lay.state_dir == tmp_path / "sandbox"
    assert lay.kafka_lib_dir("4.4.0") == tmp_path / "kafka" / "4.4.0" / "lib"


def test_status_json_is_a_sandbox_state_when_nothing_runs(tmp_path: Path) -> None:
    result = _run_cli(["status", "--json"], tmp_path / "home", "/usr/bin:/bin")
    assert result.returncode == 0, result.stderr
    state = sandbox.SandboxState.model_validate(json.loads(result.stdout))
    assert {p.health for p in state.processes} == {sandbox.Health.STOPPED}
    assert state.targets.redis_url == "redis://127.0.0.1:16379/0"
    assert state.targets.sentinel_url == "redis+sentinel://127.0.0.1:16380/advisor"
    assert state.targets.amqp_url == "amqp://guest:guest@127.0.0.1:15673/%2F"
    assert state.targets.rabbitmq_management_url == "http://127.0.0.1:15674"
    assert state.targets.kafka_url == "kafka://127.0.0.1:19092"


def test_unknown_broker_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        cli.main(["up", "--only", "nats"])
    assert exit_info.value.code == 2
    assert "unknown broker 'nats'" in capsys.readouterr().err


def test_kafka_node_ports_and_cluster_id_shape() -> None:
    assert [layout.kafka_node_ports(n).broker_port for n in (1, 2, 3)] == [19092, 19094, 19096]
    assert [layout.kafka_node_ports(n).controller_port for n in (1, 2, 3)] == [19093, 19095, 19097]
    for _ in range(50):
        cluster_id = kafka_sandbox.random_cluster_id()
        assert len(cluster_id) == 22
        assert not cluster_id.startswith("-")
        assert len(base64.urlsafe_b64decode(cluster_id + "==")) == 16


def test_rabbitmq_password_hash_is_salted_sha256() -> None:
    decoded = base64.b64decode(rabbitmq_sandbox._password_hash("guest"))
    salt, digest = decoded[:4], decoded[4:]
    assert digest == hashlib.sha256(salt + b"guest").digest()


@pytest.mark.parametrize("content", [b"\xff\xfe\x00garbage", b"12ab\n", b"9" * 200])
def test_a_corrupt_pid_file_is_named(tmp_path: Path, content: bytes) -> None:
    home = tmp_path / "home"
    lay = layout.Layout(home=home)
    pid_file = lay.pid_file("redis")
    pid_file.parent.mkdir(parents=True, exist_ok=True)
    pid_file.write_bytes(content)
    result = _run_cli(["status"], home, "/usr/bin:/bin")
    assert result.returncode == 2, result.stdout + result.stderr
    assert str(pid_file) in result.stderr and "not a process id" in result.stderr
    assert "Traceback" not in result.stderr and len(result.stderr) < 500
