"""The production modes: which processes each needs, how to start and check them, their targets.

A mode's processes run beside the plain brokers with names, ports and state folders of their
own; starting or stopping a mode never touches the plain brokers. Processes shared by two modes
(`redis-tls` and `kafka-secure` serve both --tls and --auth) stop only when no mode that is
still asked for needs them.
"""

from __future__ import annotations

import contextlib
import functools
import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from urllib.parse import quote

from advisor.i18n import tr
from advisor.sandbox import (
    certs,
    checks,
    credentials,
    kafka_secure_sandbox,
    layout,
    rabbitmq_sandbox,
    redis_cluster_sandbox,
    redis_sandbox,
)
from advisor.sandbox.models import Broker, Mode, ProductionTargets


@dataclass(frozen=True)
class ModeProcess:
    """One process of the production modes, with what the manager needs to run it."""

    name: str
    broker: Broker
    modes: tuple[Mode, ...]
    port: int
    extra_ports: tuple[int, ...]
    pid: Callable[[layout.Layout], int | None]
    check: Callable[[layout.Layout], checks.CheckResult]


@dataclass(frozen=True)
class StartUnit:
    """Processes started together (the cluster's six nodes), with a label for progress."""

    label: str
    names: tuple[str, ...]
    broker: Broker
    start: Callable[[layout.Layout], object]


def parse_modes(values: Iterable[Mode | str] | None) -> list[Mode]:
    """Modes from names like 'tls' or 'redis-cluster'; [] for None."""
    chosen: list[Mode] = []
    for item in values or []:
        try:
            mode = Mode(item.strip().lower() if isinstance(item, str) else item)
        except ValueError:
            valid = ", ".join(m.value for m in Mode)
            raise ValueError(
                tr("unknown mode {name}; choose from {choices}", name=repr(item), choices=valid)
            ) from None
        if mode not in chosen:
            chosen.append(mode)
    return chosen


def _redis_process(spec: redis_sandbox.RedisProcessSpec) -> ModeProcess:
    return ModeProcess(
        name=spec.name,
        broker=Broker.REDIS,
        modes=spec.modes,
        port=spec.port,
        extra_ports=tuple(spec.ports[1:]),
        pid=functools.partial(_redis_pid, spec),
        check=functools.partial(_redis_check, spec),
    )


def _redis_pid(spec: redis_sandbox.RedisProcessSpec, lay: layout.Layout) -> int | None:
    return redis_sandbox.running_pid(spec, lay)


def _redis_check(spec: redis_sandbox.RedisProcessSpec, lay: layout.Layout) -> checks.CheckResult:
    return redis_sandbox.check(spec, lay)


def _cluster_pid(node: redis_cluster_sandbox.ClusterNode, lay: layout.Layout) -> int | None:
    return redis_cluster_sandbox.running_pid(node, lay)


def _cluster_check(
    node: redis_cluster_sandbox.ClusterNode, _lay: layout.Layout
) -> checks.CheckResult:
    return redis_cluster_sandbox.check(node)


def _kafka_check(_lay: layout.Layout) -> checks.CheckResult:
    return kafka_secure_sandbox.check()


def _rabbit_pid(lay: layout.Layout) -> int | None:
    return rabbitmq_sandbox.running_pid(lay, rabbitmq_sandbox.TLS)


def _rabbit_check(lay: layout.Layout) -> checks.CheckResult:
    return rabbitmq_sandbox.check(lay, rabbitmq_sandbox.TLS)


def processes() -> list[ModeProcess]:
    """Every process of every mode, in start order."""
    found = [_redis_process(spec) for spec in redis_sandbox.PRODUCTION_SPECS]
    found += [
        ModeProcess(
            name=node.name,
            broker=Broker.REDIS,
            modes=(Mode.REDIS_CLUSTER,),
            port=node.port,
            extra_ports=(node.bus_port,),
            pid=functools.partial(_cluster_pid, node),
            check=functools.partial(_cluster_check, node),
        )
        for node in redis_cluster_sandbox.default_spec().nodes
    ]
    tls_node = rabbitmq_sandbox.TLS
    found.append(
        ModeProcess(
            name=tls_node.name,
            broker=Broker.RABBITMQ,
            modes=tls_node.modes,
            port=tls_node.port,
            extra_ports=(tls_node.management_port,),
            pid=_rabbit_pid,
            check=_rabbit_check,
        )
    )
    kafka_port = layout.KAFKA_SECURE_SASL_SSL_PORT
    found.append(
        ModeProcess(
            name=kafka_secure_sandbox.NAME,
            broker=Broker.KAFKA,
            modes=(Mode.TLS, Mode.AUTH),
            port=kafka_port,
            extra_ports=tuple(p for p in kafka_secure_sandbox.PORTS if p != kafka_port),
            pid=kafka_secure_sandbox.running_pid,
            check=_kafka_check,
        )
    )
    return found


def by_name(name: str) -> ModeProcess | None:
    return next((proc for proc in processes() if proc.name == name), None)


def _start_redis(spec: redis_sandbox.RedisProcessSpec, lay: layout.Layout) -> int:
    return redis_sandbox.start(spec, lay)


def _start_rabbit(lay: layout.Layout) -> int:
    return rabbitmq_sandbox.start(lay, rabbitmq_sandbox.TLS)


def units() -> list[StartUnit]:
    """How the mode processes start: the cluster's six nodes as one unit, the others alone."""
    found = [
        StartUnit(
            label=spec.name,
            names=(spec.name,),
            broker=Broker.REDIS,
            start=functools.partial(_start_redis, spec),
        )
        for spec in redis_sandbox.PRODUCTION_SPECS
    ]
    found.append(
        StartUnit(
            label="redis-cluster (6 nodes)",
            names=tuple(node.name for node in redis_cluster_sandbox.default_spec().nodes),
            broker=Broker.REDIS,
            start=redis_cluster_sandbox.start,
        )
    )
    found.append(
        StartUnit(
            label=rabbitmq_sandbox.TLS.name,
            names=(rabbitmq_sandbox.TLS.name,),
            broker=Broker.RABBITMQ,
            start=_start_rabbit,
        )
    )
    found.append(
        StartUnit(
            label=kafka_secure_sandbox.NAME,
            names=(kafka_secure_sandbox.NAME,),
            broker=Broker.KAFKA,
            start=kafka_secure_sandbox.start,
        )
    )
    return found


def prepare(lay: layout.Layout) -> None:
    """The local CA and the users' passwords, made before processes start side by side."""
    certs.ensure(lay)
    for user in (layout.REDIS_FULL_USER, layout.REDIS_READONLY_USER, layout.KAFKA_USER):
        credentials.password(lay, user)


def needed(modes: Iterable[Mode], brokers: Iterable[Broker] | None = None) -> list[ModeProcess]:
    """The processes the given modes need (of the given broker families), in start order."""
    wanted = set(modes)
    families = set(brokers) if brokers is not None else set(Broker)
    return [p for p in processes() if wanted & set(p.modes) and p.broker in families]


Asked = dict[Mode, set[Broker]]
"""Which modes were asked for, and for which broker families (`up --only redis --tls`)."""


def needed_by(asked: Asked) -> list[ModeProcess]:
    """The processes the asked modes need, in start order."""
    return [p for p in processes() if any(p.broker in asked.get(mode, set()) for mode in p.modes)]


# --- which modes were asked for -----------------------------------------------------------------


def recorded(lay: layout.Layout) -> Asked:
    """The modes `up` was asked for (and for which families) that `down` has not stopped."""
    try:
        raw = json.loads(lay.modes_file.read_text())
    except (OSError, ValueError):
        return {}
    asked: Asked = {}
    if not isinstance(raw, dict):
        return asked
    for key, families in raw.items():
        with contextlib.suppress(ValueError, TypeError):
            asked[Mode(key)] = {Broker(family) for family in families}
    return {mode: families for mode, families in asked.items() if families}


def record(lay: layout.Layout, asked: Asked) -> None:
    kept = {
        mode.value: sorted(family.value for family in asked[mode])
        for mode in Mode
        if asked.get(mode)
    }
    if not kept:
        lay.modes_file.unlink(missing_ok=True)
        return
    lay.modes_file.parent.mkdir(parents=True, exist_ok=True)
    lay.modes_file.write_text(json.dumps(kept) + "\n")


def add(asked: Asked, modes: Iterable[Mode], brokers: Iterable[Broker]) -> Asked:
    merged = {mode: set(families) for mode, families in asked.items()}
    for mode in modes:
        merged.setdefault(mode, set()).update(brokers)
    return merged


def remove(asked: Asked, modes: Iterable[Mode], brokers: Iterable[Broker]) -> Asked:
    left = {mode: set(families) for mode, families in asked.items()}
    for mode in modes:
        left[mode] = left.get(mode, set()) - set(brokers)
    return {mode: families for mode, families in left.items() if families}


# --- targets ------------------------------------------------------------------------------------


def targets(lay: layout.Layout) -> ProductionTargets:
    """Where each mode listens, as the probe takes it (the passwords stay in their files)."""
    tls = certs.files(lay)
    host = layout.HOST
    ca = f"ssl_ca_certs={quote(str(tls.ca_cert), safe='/')}"
    client = (
        f"{ca}&ssl_certfile={quote(str(tls.client_cert), safe='/')}"
        f"&ssl_keyfile={quote(str(tls.client_key), safe='/')}"
    )
    users = [
        layout.REDIS_FULL_USER,
        layout.REDIS_READONLY_USER,
        layout.KAFKA_USER,
    ]
    return ProductionTargets(
        redis_acl_url=f"redis://{host}:{layout.REDIS_ACL_PORT}/0",
        redis_tls_url=f"rediss://{host}:{layout.REDIS_TLS_PORT}/0?{ca}",
        redis_mtls_url=f"rediss://{host}:{layout.REDIS_MTLS_PORT}/0?{client}",
        redis_full_user=layout.REDIS_FULL_USER,
        redis_readonly_user=layout.REDIS_READONLY_USER,
        redis_cluster_url=f"redis://{host}:{layout.REDIS_CLUSTER_FIRST_PORT}",
        amqps_url=f"amqps://{host}:{layout.RABBITMQ_AMQPS_PORT}/%2F?{client}",
        rabbitmq_tls_management_url=f"http://{host}:{layout.RABBITMQ_TLS_MANAGEMENT_PORT}",
        kafka_sasl_plaintext_url=f"kafka+sasl_plaintext://{host}:{layout.KAFKA_SECURE_SASL_PLAINTEXT_PORT}",
        kafka_sasl_ssl_url=f"kafka+sasl_ssl://{host}:{layout.KAFKA_SECURE_SASL_SSL_PORT}?{ca}",
        kafka_mtls_url=f"kafka+ssl://{host}:{layout.KAFKA_SECURE_SSL_PORT}?{client}",
        kafka_user=layout.KAFKA_USER,
        ca_file=tls.ca_cert,
        client_cert_file=tls.client_cert,
        client_key_file=tls.client_key,
        password_files={user: lay.password_file(user) for user in users},
    )
