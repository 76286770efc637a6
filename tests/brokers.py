"""Pytest plugin: session fixtures that start the local broker sandbox and give its targets."""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import NoReturn

import pytest

from advisor import sandbox
from advisor.probe import kafka_sockets

# The tests' own kafka-python clients get the probe's fix for sockets leaked by failed connects.
kafka_sockets.install()

EXTERNAL_ENV = "BROKER_ADVISOR_SANDBOX_EXTERNAL"
# The suite runs Kafka as three nodes so replication and losing one node are testable.
KAFKA_NODES = 3


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "integration: talks to real brokers started by the sandbox")


def _external() -> bool:
    return os.environ.get(EXTERNAL_ENV) == "1"


def _unavailable(message: str) -> NoReturn:
    # On CI (or when told the sandbox is external) a missing broker is a failure, not a skip.
    if _external() or os.environ.get("CI"):
        pytest.fail(message, pytrace=False)
    pytest.skip(message)


@pytest.fixture(scope="session")
def sandbox_state() -> Iterator[sandbox.SandboxState]:
    """The running sandbox (3 Kafka nodes); started if needed, stopped at the end only if so."""
    if _external():
        state = sandbox.status()
        if not state.is_healthy():
            unhealthy = ", ".join(
                f"{p.name}={p.health.value}"
                for p in state.processes
                if p.health != sandbox.Health.HEALTHY
            )
            pytest.fail(
                f"{EXTERNAL_ENV}=1 but the sandbox is not healthy: {unhealthy}", pytrace=False
            )
        yield state
        return

    try:
        state = sandbox.up(kafka_nodes=KAFKA_NODES)
    except sandbox.MissingPrerequisitesError as exc:
        _unavailable(exc.message())
    except sandbox.SpawnError as exc:
        pytest.fail(f"the broker sandbox did not start:\n{exc}", pytrace=False)
    yield state
    # Stop only what this session started. Judging by health instead would take a broker that
    # another session had paused (SIGSTOP) or that was slow to answer for one of ours, and stop it.
    # A broker is only ours when all its processes are (a restarted replica alone is not).
    started = [
        broker
        for broker in sandbox.Broker
        if all(p.name in state.started for p in state.processes if p.broker == broker)
    ]
    if started:
        sandbox.down(started)


@pytest.fixture(scope="session")
def redis_url(sandbox_state: sandbox.SandboxState) -> str:
    return sandbox_state.targets.redis_url


@pytest.fixture(scope="session")
def sentinel_url(sandbox_state: sandbox.SandboxState) -> str:
    return sandbox_state.targets.sentinel_url


@pytest.fixture(scope="session")
def amqp_url(sandbox_state: sandbox.SandboxState) -> str:
    return sandbox_state.targets.amqp_url


@pytest.fixture(scope="session")
def rabbitmq_management_url(sandbox_state: sandbox.SandboxState) -> str:
    return sandbox_state.targets.rabbitmq_management_url


@pytest.fixture(scope="session")
def kafka_bootstrap(sandbox_state: sandbox.SandboxState) -> str:
    """Comma-separated host:port list of the three Kafka nodes, as Kafka clients take it."""
    return sandbox_state.targets.kafka_bootstrap
