"""Ctrl-C during a real three-broker CLI probe: partial results, cancelled checks, nothing left.

The CLI runs in a subprocess that gets a real SIGINT; its long checks are made longer (many more
PINGs, confirms and produced messages) so the interrupt lands while every probe is busy.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.advisor.probe.conftest import kafka_leftovers, rabbitmq_leftovers, redis_leftovers

pytestmark = pytest.mark.integration

ROOT = Path(__file__).resolve().parents[3]
LONG_CHECKS = """
import sys
from advisor.probe import cli
from advisor.probe.kafka import checks as kafka_checks
from advisor.probe.rabbitmq import checks as rabbitmq_checks
from advisor.probe.redis import checks as redis_checks

redis_checks.PING_COUNT = 10**7
rabbitmq_checks.CONFIRM_COUNT = 10**7
kafka_checks.PRODUCE_COUNT = 10**6
sys.exit(cli.main(sys.argv[1:]))
"""


def _start(*args: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-c", LONG_CHECKS, *args],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )


def _wait_for_line(proc: subprocess.Popen[str], needle: str, timeout_s: float) -> str:
    assert proc.stderr is not None
    deadline = time.monotonic() + timeout_s
    seen = ""
    while time.monotonic() < deadline:
        line = proc.stderr.readline()
        seen += line
        if needle in line:
            return seen
        if not line and proc.poll() is not None:
            break
    pytest.fail(f"the CLI never printed {needle!r}: {seen}")


def test_ctrl_c_prints_partial_results_and_cleans_up(
    redis_url: str, amqp_url: str, rabbitmq_management_url: str, kafka_bootstrap: str
) -> None:
    proc = _start(redis_url, amqp_url, f"kafka://{kafka_bootstrap}", "--json", "--timeout", "60")
    try:
        _wait_for_line(proc, "probing 3 target(s)", 30)
        time.sleep(2.5)  # every probe is inside its long check by now
        assert proc.poll() is None, "the probes ended before the interrupt"
        interrupted_at = time.monotonic()
        proc.send_signal(signal.SIGINT)
        out, err = proc.communicate(timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.communicate()
    took = time.monotonic() - interrupted_at
    assert proc.returncode == 130, err
    assert "Traceback" not in err
    assert "cleaning up" in err
    results = json.loads(out)
    assert [r["broker"] for r in results] == ["redis", "rabbitmq", "kafka"]
    for result in results:
        classes = [c["failure_class"] for c in result["checks"]]
        assert "cancelled" in classes, (result["broker"], result["checks"][-3:])
        assert len(result["checks"]) > 3  # the checks done before the interrupt are kept
        assert not any(c["id"].endswith(".cleanup") for c in result["checks"]), result["checks"]
    # The result came after each probe's cleanup: nothing is left at once.
    assert took < 10, f"exit took {took:.1f} s after the interrupt"
    run_ids = {r["broker"]: r["run_id"] for r in results}
    assert redis_leftovers(redis_url, run_ids["redis"]) == []
    assert kafka_leftovers(kafka_bootstrap, run_ids["kafka"]) == []
    time.sleep(0.3)  # the management API's view lags a little
    assert rabbitmq_leftovers(rabbitmq_management_url, run_ids["rabbitmq"]) == []
