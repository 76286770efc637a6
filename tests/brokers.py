"""Pytest plugin: session fixtures that start the local broker sandbox and give its targets."""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass
from typing import NoReturn

import pytest

from advisor import sandbox
from advisor.probe import targets
from advisor.probe.kafka import sockets as kafka_sockets

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
        if all(
            p.name in state.started for p in state.processes if p.broker == broker and not p.modes
        )
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


# --- production modes (`sandbox up --tls --auth --redis-cluster`) -------------------------------


@dataclass(frozen=True)
class Production:
    """The targets of the running production modes, and their users' passwords."""

    targets: sandbox.ProductionTargets

    def password(self, user: str) -> str:
        return self.targets.password_files[user].read_text(encoding="ascii").strip()

    def login(self, url: str, user: str, password: str | None = None) -> str:
        """`url` with user:password@ before the host (the user's own password by default)."""
        scheme, _, rest = url.partition("://")
        secret = self.password(user) if password is None else password
        return f"{scheme}://{targets.userinfo(user, secret)}{rest}"


def _production(mode: sandbox.Mode) -> Production:
    """The running sandbox's production targets; skipped (failed on CI) when `mode` is not up."""
    state = sandbox.status()
    if not state.mode_healthy(mode) or state.production is None:
        listed = state.mode_processes(mode)
        why = ", ".join(f"{p.name}={p.health.value}" for p in listed) or "not started"
        message = (
            f"sandbox mode --{mode.value} is not running ({why}): "
            f"start it with `broker-advisor sandbox up --{mode.value}`"
        )
        if os.environ.get("CI"):
            pytest.fail(message, pytrace=False)
        pytest.skip(message)
    return Production(targets=state.production)


@pytest.fixture(scope="session")
def production_tls() -> Production:
    """TLS mode: Redis TLS and mutual TLS, RabbitMQ amqps with client certificates, Kafka TLS."""
    return _production(sandbox.Mode.TLS)


@pytest.fixture(scope="session")
def production_auth() -> Production:
    """Auth mode: Redis ACL users (full, read-only), Kafka SASL PLAIN and SCRAM-SHA-512."""
    return _production(sandbox.Mode.AUTH)


@pytest.fixture(scope="session")
def production_redis_cluster() -> Production:
    """A Redis Cluster of six nodes, three masters."""
    return _production(sandbox.Mode.REDIS_CLUSTER)
