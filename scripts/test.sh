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

echo "== starting the broker sandbox (Redis + Sentinel, RabbitMQ, Kafka x3) and its production"
echo "   modes (--tls: local CA, Redis/RabbitMQ/Kafka TLS and mutual TLS; --auth: Redis ACL users,"
echo "   Kafka SASL PLAIN and SCRAM; --redis-cluster: six nodes, three masters)"
# A sandbox that was already running (a developer's, or part of one) is reused and left running:
# at the end only the processes this run started are stopped.
running_names() {
    broker-advisor sandbox status --json | python -c '
import json, sys
print("\n".join(p["name"] for p in json.load(sys.stdin)["processes"] if p["pid"]))'
}
before=$(running_names)
started_dir=$(mktemp -d)
started_file="$started_dir/started"
cleanup() {
    local stop
    if [[ -e "$started_file" ]]; then
        stop=$(paste -sd, "$started_file")
    else
        # `up` failed before it could say what it started: whatever runs now and did not before.
        stop=$(comm -13 <(sort <<<"$before") <(running_names | sort) | paste -sd,)
    fi
    rm -rf "$started_dir"
    if [[ -n "$stop" ]]; then
        echo "== stopping what this run started: $stop"
        broker-advisor sandbox down --process "$stop" || true
    fi
}
trap cleanup EXIT
began=$SECONDS
broker-advisor sandbox up --kafka-nodes 3 --tls --auth --redis-cluster --started-file "$started_file"
echo "== sandbox ready in $((SECONDS - began)) s"
export BROKER_ADVISOR_SANDBOX_EXTERNAL=1

echo "== tests"
python -m pytest -p no:cacheprovider "$@"
