"""Pydantic models describing the local broker sandbox and the targets it offers."""

from __future__ import annotations

import enum
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field


class Broker(enum.StrEnum):
    """A broker family the sandbox can run."""

    REDIS = "redis"
    RABBITMQ = "rabbitmq"
    KAFKA = "kafka"


class Mode(enum.StrEnum):
    """A production configuration the sandbox runs beside its plain brokers."""

    TLS = "tls"
    AUTH = "auth"
    REDIS_CLUSTER = "redis-cluster"


class Health(enum.StrEnum):
    """What a live check of one sandbox process found."""

    HEALTHY = "healthy"
    UNHEALTHY = "unhealthy"
    PAUSED = "paused"
    STOPPED = "stopped"


class ProcessStatus(BaseModel):
    """One operating-system process of the sandbox (a Redis, a Sentinel, a Kafka node...)."""

    model_config = ConfigDict(extra="forbid")

    name: str = Field(
        title="Name", description="Stable id, e.g. 'redis', 'redis-sentinel', 'kafka-2'."
    )
    broker: Broker = Field(title="Broker", description="Broker family the process belongs to.")
    pid: int | None = Field(default=None, title="PID", description="Process id when running.")
    port: int = Field(title="Port", description="Main TCP port on 127.0.0.1.")
    extra_ports: list[int] = Field(
        default_factory=list,
        title="Other ports",
        description="Further ports on 127.0.0.1 (management UI, Kafka controller listener).",
    )
    health: Health = Field(title="Health", description="Result of a live protocol check.")
    detail: str = Field(default="", title="Detail", description="Why the check gave that result.")
    log_path: Path = Field(title="Log file", description="Where the process writes its output.")
    modes: list[Mode] = Field(
        default_factory=list,
        title="Modes",
        description="Production modes this process serves; empty for the plain brokers.",
    )


class SandboxTargets(BaseModel):
    """Connection targets the rest of the app uses to reach the sandbox brokers."""

    model_config = ConfigDict(extra="forbid")

    redis_url: str = Field(default="redis://127.0.0.1:16379/0", title="Redis URL")
    redis_replica_url: str = Field(default="redis://127.0.0.1:16381/0", title="Redis replica URL")
    sentinel_url: str = Field(
        default="redis+sentinel://127.0.0.1:16380/advisor",
        title="Sentinel URL",
        description="Sentinel address and the monitored master name.",
    )
    amqp_url: str = Field(default="amqp://guest:guest@127.0.0.1:15673/%2F", title="AMQP URL")
    rabbitmq_management_url: str = Field(
        default="http://127.0.0.1:15674", title="RabbitMQ management URL"
    )
    kafka_bootstrap: str = Field(
        default="127.0.0.1:19092",
        title="Kafka bootstrap servers",
        description="Comma-separated host:port list, as Kafka clients take it.",
    )
    kafka_url: str = Field(
        default="kafka://127.0.0.1:19092",
        title="Kafka URL",
        description="The same bootstrap list as a kafka:// URL.",
    )


class ProductionTargets(BaseModel):
    """Targets of the production modes, without passwords (those are in 0600 files).

    TLS targets carry the local CA (and, for mutual TLS, the client certificate and key) as
    query options, the way the probe takes them.
    """

    model_config = ConfigDict(extra="forbid")

    redis_acl_url: str = Field(
        title="Redis with ACL users", description="Plain text; the default user is off."
    )
    redis_tls_url: str = Field(
        title="Redis over TLS", description="Verified against the local CA; ACL users."
    )
    redis_mtls_url: str = Field(
        title="Redis over mutual TLS", description="Needs the client certificate; ACL users."
    )
    redis_full_user: str = Field(title="Redis user with every right")
    redis_readonly_user: str = Field(title="Redis read-only user")
    redis_cluster_url: str = Field(
        title="Redis Cluster", description="Any node of the six; three masters."
    )
    amqps_url: str = Field(
        title="RabbitMQ over mutual TLS", description="amqps with the client certificate."
    )
    rabbitmq_tls_management_url: str = Field(title="Management API of the TLS node")
    kafka_sasl_plaintext_url: str = Field(title="Kafka SASL over plain text")
    kafka_sasl_ssl_url: str = Field(title="Kafka SASL over TLS")
    kafka_mtls_url: str = Field(
        title="Kafka over mutual TLS",
        description="SSL listener that requires a client certificate.",
    )
    kafka_user: str = Field(title="Kafka SASL user", description="PLAIN and SCRAM-SHA-512.")
    ca_file: Path = Field(title="Local CA certificate")
    client_cert_file: Path = Field(title="Client certificate (mutual TLS)")
    client_key_file: Path = Field(title="Client private key (mutual TLS)")
    password_files: dict[str, Path] = Field(
        default_factory=dict,
        title="Password files",
        description="User name -> 0600 file with its generated password.",
    )


class SandboxState(BaseModel):
    """Everything `status` reports: processes, their health and the targets."""

    model_config = ConfigDict(extra="forbid")

    state_dir: Path = Field(
        title="State directory", description="Data, logs, configs and pid files."
    )
    kafka_version: str = Field(
        title="Kafka version", description="Apache Kafka release run from Maven jars."
    )
    kafka_nodes: int = Field(
        ge=1, title="Kafka nodes", description="Size of the Kafka KRaft cluster."
    )
    rabbitmq_advisor_user: str = Field(default="advisor", title="RabbitMQ advisor user")
    rabbitmq_advisor_password_file: Path = Field(
        title="RabbitMQ advisor password file",
        description="0600 file with the password of user 'advisor' (vhosts '/' and 'advisor').",
    )
    processes: list[ProcessStatus] = Field(default_factory=list, title="Processes")
    started: list[str] = Field(
        default_factory=list,
        title="Started by this call",
        description=(
            "Names of the processes `up` started (empty from `status`); a caller stops only "
            "these, so a broker that was merely paused or slow is never taken for its own."
        ),
    )
    targets: SandboxTargets = Field(default_factory=SandboxTargets, title="Targets")
    modes: list[Mode] = Field(
        default_factory=list,
        title="Production modes",
        description="Modes `up` was asked for (their processes are listed with the others).",
    )
    production: ProductionTargets | None = Field(
        default=None,
        title="Production targets",
        description="Targets of the production modes; None when no mode was asked for.",
    )

    def process(self, name: str) -> ProcessStatus:
        """The process called `name`; KeyError when the sandbox has no such process."""
        for proc in self.processes:
            if proc.name == name:
                return proc
        raise KeyError(name)

    def broker_health(self, broker: Broker) -> Health:
        """Worst health among the plain processes of one broker family."""
        order = [Health.HEALTHY, Health.PAUSED, Health.UNHEALTHY, Health.STOPPED]
        found = [p.health for p in self.processes if p.broker == broker and not p.modes]
        if not found:
            return Health.STOPPED
        return max(found, key=order.index)

    def mode_processes(self, mode: Mode) -> list[ProcessStatus]:
        return [p for p in self.processes if mode in p.modes]

    def mode_healthy(self, mode: Mode) -> bool:
        """True when the mode's processes are listed and every one is healthy."""
        found = self.mode_processes(mode)
        return bool(found) and all(p.health == Health.HEALTHY for p in found)

    def is_healthy(
        self, brokers: list[Broker] | None = None, modes: list[Mode] | None = None
    ) -> bool:
        """True when every plain process of the given broker families (default: all) is healthy,
        and so is every process of the given production modes (default: none)."""
        wanted = brokers if brokers is not None else list(Broker)
        plain = all(self.broker_health(b) == Health.HEALTHY for b in wanted)
        return plain and all(self.mode_healthy(mode) for mode in modes or [])
