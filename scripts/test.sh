#!/usr/bin/env bash
# The whole test suite: set-up, lint and types, real brokers started on loopback, then pytest.
# Extra arguments go to pytest (for example: bash scripts/test.sh -k engine).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
WITH_BROKERS=1 WITH_TEST_TOOLS=1 bash scripts/setup.sh
export PATH="$PWD/.venv/bin:$PATH"
export QT_QPA_PLATFORM=offscreen
export PYTHONDONTWRITEBYTECODE=1

echo "== lint and types"
ruff check .
ruff format --check advisor
mypy advisor
mypy ui
lint-imports

echo "== starting the broker sandbox (Redis + Sentinel, RabbitMQ, Kafka x3)"
# A sandbox that was already running (a developer's) is reused and left running.
started=0
broker-advisor sandbox status --check >/dev/null 2>&1 || started=1
cleanup() {
    if ((started)); then
        echo "== stopping the broker sandbox"
        broker-advisor sandbox down || true
    fi
}
trap cleanup EXIT
broker-advisor sandbox up --kafka-nodes 3
export BROKER_ADVISOR_SANDBOX_EXTERNAL=1

echo "== tests"
python -m pytest -p no:cacheprovider "$@"
