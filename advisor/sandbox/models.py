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

    def process(self, name: str) -> ProcessStatus:
        """The process called `name`; KeyError when the sandbox has no such process."""
        for proc in self.processes:
            if proc.name == name:
                return proc
        raise KeyError(name)

    def broker_health(self, broker: Broker) -> Health:
        """Worst health among the processes of one broker family."""
        order = [Health.HEALTHY, Health.PAUSED, Health.UNHEALTHY, Health.STOPPED]
        found = [p.health for p in self.processes if p.broker == broker]
        if not found:
            return Health.STOPPED
        return max(found, key=order.index)

    def is_healthy(self, brokers: list[Broker] | None = None) -> bool:
        """True when every process of the given broker families (default: all) is healthy."""
        wanted = brokers if brokers is not None else list(Broker)
        return all(self.broker_health(b) == Health.HEALTHY for b in wanted)
