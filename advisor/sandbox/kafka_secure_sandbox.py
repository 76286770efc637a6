"""One KRaft Kafka node with production listeners: SASL (PLAIN, SCRAM-SHA-512) and mutual TLS.

Listeners, all on 127.0.0.1: CONTROLLER, INTERNAL (plain text: inter-broker traffic and the
sandbox's health check), SASL_PLAINTEXT, SASL_SSL (PLAIN and SCRAM-SHA-512 for user `advisor`)
and SSL with `ssl.client.auth=required`. TLS uses the sandbox's local CA through Kafka's PEM
key and trust stores. The SCRAM credential is written into the metadata log when the storage is
formatted (`--add-scram`), so it exists before the first client connects.
"""

from __future__ import annotations

import subprocess
import time
from pathlib import Path

from advisor.i18n import tr
from advisor.sandbox import certs, checks, credentials, kafka_sandbox, layout, process

NAME = layout.KAFKA_SECURE_NAME
NODE_ID = 1
PLAIN_LOGIN = "org.apache.kafka.common.security.plain.PlainLoginModule"
SCRAM_LOGIN = "org.apache.kafka.common.security.scram.ScramLoginModule"
PORTS = (
    layout.KAFKA_SECURE_CONTROLLER_PORT,
    layout.KAFKA_SECURE_INTERNAL_PORT,
    layout.KAFKA_SECURE_SASL_PLAINTEXT_PORT,
    layout.KAFKA_SECURE_SASL_SSL_PORT,
    layout.KAFKA_SECURE_SSL_PORT,
)


def _dir(lay: layout.Layout) -> Path:
    return lay.process_dir(NAME)


def _properties_path(lay: layout.Layout) -> Path:
    return _dir(lay) / "server.properties"


def _marker(lay: layout.Layout) -> str:
    return str(_properties_path(lay))


def running_pid(lay: layout.Layout) -> int | None:
    return process.running_pid(lay.pid_file(NAME), _marker(lay))


def _properties(lay: layout.Layout) -> str:
    tls = certs.ensure(lay)
    user = layout.KAFKA_USER
    password = credentials.password(lay, user)
    host = layout.HOST
    listeners = {
        "CONTROLLER": layout.KAFKA_SECURE_CONTROLLER_PORT,
        "INTERNAL": layout.KAFKA_SECURE_INTERNAL_PORT,
        "SASL_PLAINTEXT": layout.KAFKA_SECURE_SASL_PLAINTEXT_PORT,
        "SASL_SSL": layout.KAFKA_SECURE_SASL_SSL_PORT,
        "SSL": layout.KAFKA_SECURE_SSL_PORT,
    }
    protocols = {
        "CONTROLLER": "PLAINTEXT",
        "INTERNAL": "PLAINTEXT",
        "SASL_PLAINTEXT": "SASL_PLAINTEXT",
        "SASL_SSL": "SASL_SSL",
        "SSL": "SSL",
    }
    settings = {
        "process.roles": "broker,controller",
        "node.id": str(NODE_ID),
        "controller.quorum.voters": f"{NODE_ID}@{host}:{layout.KAFKA_SECURE_CONTROLLER_PORT}",
        "listeners": ",".join(f"{name}://{host}:{port}" for name, port in listeners.items()),
        "advertised.listeners": ",".join(
            f"{name}://{host}:{port}" for name, port in listeners.items() if name != "CONTROLLER"
        ),
        "controller.listener.names": "CONTROLLER",
        "inter.broker.listener.name": "INTERNAL",
        "listener.security.protocol.map": ",".join(f"{k}:{v}" for k, v in protocols.items()),
        "sasl.enabled.mechanisms": f"PLAIN,{layout.KAFKA_SCRAM_MECHANISM}",
        "ssl.keystore.type": "PEM",
        "ssl.keystore.location": str(tls.server_bundle),
        "ssl.truststore.type": "PEM",
        "ssl.truststore.location": str(tls.ca_cert),
        "listener.name.ssl.ssl.client.auth": "required",
        "log.dirs": str(lay.data_dir(NAME)),
        "num.partitions": "1",
        # A single node: every internal topic with one replica. The offsets topic keeps Kafka's
        # default of 50 partitions, so a fresh node's first consumer group is as slow as in
        # production (the probe has to cope with it).
        "offsets.topic.replication.factor": "1",
        "transaction.state.log.replication.factor": "1",
        "transaction.state.log.min.isr": "1",
        "share.coordinator.state.topic.replication.factor": "1",
        "share.coordinator.state.topic.min.isr": "1",
        "group.initial.rebalance.delay.ms": "0",
    }
    for listener in ("sasl_plaintext", "sasl_ssl"):
        settings[f"listener.name.{listener}.plain.sasl.jaas.config"] = (
            f'{PLAIN_LOGIN} required user_{user}="{password}";'
        )
        mechanism = layout.KAFKA_SCRAM_MECHANISM.lower()
        settings[f"listener.name.{listener}.{mechanism}.sasl.jaas.config"] = (
            f"{SCRAM_LOGIN} required;"
        )
    return "".join(f"{key}={value}\n" for key, value in settings.items())


def _format(lay: layout.Layout, lib: Path) -> None:
    """Format the storage with a fresh cluster id and the SCRAM credential of the user."""
    tools_log4j = _dir(lay) / "log4j2-tools.xml"
    password = credentials.password(lay, layout.KAFKA_USER)
    scram = f"{layout.KAFKA_SCRAM_MECHANISM}=[name={layout.KAFKA_USER},password={password}]"
    argv = kafka_sandbox.java_argv(lay, lib, "256m", tools_log4j, "kafka.tools.StorageTool")
    argv += ["format", "-t", kafka_sandbox.random_cluster_id(), "-c", str(_properties_path(lay))]
    argv += ["--add-scram", scram]
    try:
        result = subprocess.run(
            argv,
            capture_output=True,
            text=True,
            timeout=kafka_sandbox.FORMAT_TIMEOUT_S,
            check=False,
        )
    except subprocess.TimeoutExpired as exc:
        raise process.SpawnError(
            tr("{process}: StorageTool format timed out", process=NAME)
        ) from exc
    if result.returncode != 0:
        output = (result.stdout + result.stderr).strip().replace(password, "***")
        raise process.SpawnError(
            tr("{process}: StorageTool format failed:\n{output}", process=NAME, output=output)
        )


def start(lay: layout.Layout) -> int:
    """Start the node unless it runs (formatting its storage once); return its pid when ready."""
    pid = running_pid(lay)
    if pid is not None:
        return pid
    lib = kafka_sandbox.ensure_jars(lay)
    checks.require_free_ports(list(PORTS), NAME)
    base = _dir(lay)
    base.mkdir(parents=True, exist_ok=True)
    (base / "log4j2-server.xml").write_text(kafka_sandbox.LOG4J2_SERVER)
    (base / "log4j2-tools.xml").write_text(kafka_sandbox.LOG4J2_TOOLS)
    properties = _properties_path(lay)
    properties.write_text(_properties(lay))
    properties.chmod(0o600)  # the PLAIN user's password
    if not (lay.data_dir(NAME) / "meta.properties").exists():
        _format(lay, lib)
    log = lay.log_file(NAME)
    offset = process.log_size(log)
    argv = kafka_sandbox.java_argv(
        lay, lib, layout.KAFKA_HEAP, base / "log4j2-server.xml", "kafka.Kafka"
    )
    argv.append(str(properties))
    pid = process.spawn_detached(argv, cwd=base, log_path=log)
    process.write_pid(lay.pid_file(NAME), pid)
    deadline = time.monotonic() + kafka_sandbox.READY_TIMEOUT_S
    while True:
        if not process.is_alive(pid):
            raise process.SpawnError(
                tr(
                    "{process} exited during startup; last lines of {log}:\n{tail}",
                    process=NAME,
                    log=log,
                    tail=process.tail(log),
                )
            )
        if process.log_contains_since(log, offset, kafka_sandbox.READY_LINE) and check().ok:
            return pid
        if time.monotonic() >= deadline:
            raise process.SpawnError(
                tr(
                    "{process} not ready within {seconds} s; last lines of {log}:\n{tail}",
                    process=NAME,
                    seconds=f"{kafka_sandbox.READY_TIMEOUT_S:.0f}",
                    log=log,
                    tail=process.tail(log, 25),
                )
            )
        time.sleep(0.5)


def check() -> checks.CheckResult:
    return checks.kafka_api_versions(layout.KAFKA_SECURE_INTERNAL_PORT)
