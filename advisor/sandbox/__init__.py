"""Real Redis, RabbitMQ and Kafka brokers on 127.0.0.1 for development and integration tests."""

from advisor.sandbox.checks import PortInUseError
from advisor.sandbox.layout import KAFKA_VERSION, Layout, UnsafeStateDirError, default_layout
from advisor.sandbox.manager import (
    down,
    kafka_node_stopped,
    parse_brokers,
    pause,
    paused,
    resume,
    start_kafka_node,
    status,
    stop_kafka_node,
    up,
)
from advisor.sandbox.models import (
    Broker,
    Health,
    Mode,
    ProcessStatus,
    ProductionTargets,
    SandboxState,
    SandboxTargets,
)
from advisor.sandbox.prereqs import MissingPrerequisite, MissingPrerequisitesError
from advisor.sandbox.process import SpawnError

__all__ = [
    "KAFKA_VERSION",
    "Broker",
    "Health",
    "Layout",
    "MissingPrerequisite",
    "MissingPrerequisitesError",
    "Mode",
    "PortInUseError",
    "ProcessStatus",
    "ProductionTargets",
    "SandboxState",
    "SandboxTargets",
    "SpawnError",
    "UnsafeStateDirError",
    "default_layout",
    "down",
    "kafka_node_stopped",
    "parse_brokers",
    "pause",
    "paused",
    "resume",
    "start_kafka_node",
    "status",
    "stop_kafka_node",
    "up",
]
