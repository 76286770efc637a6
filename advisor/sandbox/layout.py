"""Where the sandbox keeps its files and which loopback ports each process uses."""

from __future__ import annotations

import os
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field

from advisor.i18n import tr

HOME_ENV = "BROKER_ADVISOR_HOME"

# Newest Kafka on Maven Central whose broker classes still target Java 17 (class file 61).
KAFKA_VERSION = "4.4.0"
# The published POMs bring log4j-core but no SLF4J binding; match the log4j Kafka itself pulls in.
LOG4J_VERSION = "2.25.5"

HOST = "127.0.0.1"
REDIS_PORT = 16379
SENTINEL_PORT = 16380
REDIS_REPLICA_PORT = 16381
SENTINEL_MASTER_NAME = "advisor"
RABBITMQ_PORT = 15673
RABBITMQ_MANAGEMENT_PORT = 15674
# Erlang distribution would default to AMQP port + 20000; pin it so it is known and loopback only.
# Erlang distribution ports below Linux's ephemeral range (32768-60999): a port in it can be taken
# for a moment as the source port of any outgoing connection, and the node then fails to start
# (seen once: 35673 in use while the Kafka nodes were connecting).
RABBITMQ_DIST_PORT = 25673
RABBITMQ_NODE_NAME = "advisor-sandbox@localhost"
RABBITMQ_VHOST = "advisor"
RABBITMQ_USER = "advisor"
KAFKA_FIRST_PORT = 19092
KAFKA_HEAP = "512m"

# Production modes (`sandbox up --tls --auth --redis-cluster`): processes of their own beside the
# ones above, never reconfiguring them. Base Kafka nodes take 19092 + 2 per node; 19190 leaves
# room for dozens of them.
REDIS_ACL_PORT = 16382  # redis-tls: plain text, ACL users only (the default user is off)
REDIS_TLS_PORT = 16383  # redis-tls: TLS, a client certificate is checked when one is sent
REDIS_MTLS_PORT = 16384  # redis-mtls: TLS only, a client certificate is required
REDIS_CLUSTER_FIRST_PORT = 17001  # redis-cluster-1..6; each cluster bus on port + 10000
REDIS_CLUSTER_NODES = 6
REDIS_CLUSTER_BUS_OFFSET = 10000
REDIS_FULL_USER = "advisor-full"
REDIS_READONLY_USER = "advisor-ro"
RABBITMQ_TLS_NAME = "rabbitmq-tls"
RABBITMQ_TLS_NODE_NAME = "advisor-sandbox-tls@localhost"
RABBITMQ_AMQPS_PORT = 15676  # amqps with verify_peer; fail_if_no_peer_cert below
RABBITMQ_TLS_MANAGEMENT_PORT = 15677
RABBITMQ_TLS_DIST_PORT = 25676  # below the ephemeral range, as RABBITMQ_DIST_PORT
# RabbitMQ's ssl_options hold for every TLS listener of a node, so one node cannot offer both a
# TLS-only and a mutual-TLS listener: this node asks every client for its certificate.
RABBITMQ_TLS_FAIL_IF_NO_PEER_CERT = True
KAFKA_SECURE_NAME = "kafka-secure"
KAFKA_SECURE_CONTROLLER_PORT = 19190
KAFKA_SECURE_INTERNAL_PORT = 19191  # PLAINTEXT, inter-broker and the sandbox's health check
KAFKA_SECURE_SASL_PLAINTEXT_PORT = 19192
KAFKA_SECURE_SASL_SSL_PORT = 19193  # SASL PLAIN and SCRAM-SHA-512 over TLS
KAFKA_SECURE_SSL_PORT = 19194  # TLS with a required client certificate (mutual TLS)
KAFKA_USER = "advisor"
KAFKA_SCRAM_MECHANISM = "SCRAM-SHA-512"


class KafkaNodePorts(BaseModel):
    """Listener ports of one combined broker+controller Kafka node."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    node_id: int = Field(ge=1, title="Node id")
    broker_port: int = Field(title="PLAINTEXT listener port")
    controller_port: int = Field(title="CONTROLLER listener port")


def kafka_node_ports(node_id: int) -> KafkaNodePorts:
    """Node 1 gets 19092/19093, node 2 19094/19095 and so on."""
    broker = KAFKA_FIRST_PORT + 2 * (node_id - 1)
    return KafkaNodePorts(node_id=node_id, broker_port=broker, controller_port=broker + 1)


class UnsafeStateDirError(RuntimeError):
    """The state directory would land inside a git work tree."""


def advisor_home() -> Path:
    """Root of Broker Advisor's cache: $BROKER_ADVISOR_HOME or ~/.cache/broker-advisor."""
    override = os.environ.get(HOME_ENV)
    if override:
        return Path(override).expanduser().resolve()
    return (Path.home() / ".cache" / "broker-advisor").resolve()


def _project_root() -> Path | None:
    """The checkout this package runs from, when it runs from one (not from an installed wheel)."""
    root = Path(__file__).resolve().parents[2]
    return root if (root / ".git").exists() else None


class Layout(BaseModel):
    """Paths of every file the sandbox writes; nothing here points into the repository."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    home: Path = Field(
        title="Advisor home", description="$BROKER_ADVISOR_HOME or ~/.cache/broker-advisor."
    )

    @property
    def state_dir(self) -> Path:
        return self.home / "sandbox"

    def kafka_lib_dir(self, version: str = KAFKA_VERSION) -> Path:
        return self.home / "kafka" / version / "lib"

    def process_dir(self, name: str) -> Path:
        return self.state_dir / name

    def pid_file(self, name: str) -> Path:
        return self.process_dir(name) / f"{name}.pid"

    def log_file(self, name: str) -> Path:
        return self.process_dir(name) / f"{name}.log"

    def data_dir(self, name: str) -> Path:
        return self.process_dir(name) / "data"

    @property
    def rabbitmq_password_file(self) -> Path:
        return self.process_dir("rabbitmq") / "advisor.password"

    @property
    def tls_dir(self) -> Path:
        """The local CA and the certificates it signed (0700 directory, 0600 files)."""
        return self.state_dir / "tls"

    @property
    def credentials_dir(self) -> Path:
        """Generated passwords of the production modes' users, one 0600 file each."""
        return self.state_dir / "credentials"

    def password_file(self, user: str) -> Path:
        return self.credentials_dir / f"{user}.password"

    @property
    def modes_file(self) -> Path:
        """The production modes `up` was asked for; `status` lists their processes."""
        return self.state_dir / "modes.json"


def default_layout() -> Layout:
    """The layout for the current environment; refuses a home inside the project checkout."""
    home = advisor_home()
    repo = _project_root()
    if repo is not None and home.is_relative_to(repo):
        raise UnsafeStateDirError(
            tr(
                "{setting} is inside the project checkout {repo}; "
                "broker data and logs must live outside the repository",
                setting=f"{HOME_ENV}={home}",
                repo=repo,
            )
        )
    return Layout(home=home)
