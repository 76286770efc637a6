"""Pydantic models of a live probe: targets, checks, progress events, verdicts and results."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from advisor.workload import Broker

Figure = float | int | str
"""A measured or reported value attached to a check (units are in the figure's name)."""

# Control characters a broker may put in a reply (ESC starts terminal escape sequences; C1 and
# bidirectional controls reorder or hide text). Kept out of every text a probe reports.
_UNSAFE = {
    *(c for c in range(0x20) if chr(c) not in "\n\t"),
    *range(0x7F, 0xA0),
    *range(0x202A, 0x202F),
    *range(0x2066, 0x206A),
}
_ESCAPES = {code: chr(code).encode("unicode_escape").decode("ascii") for code in _UNSAFE}


def terminal_safe(value: Any) -> Any:
    """Text with control characters shown escaped (\\x1b), so a hostile or broken server's
    reply cannot move the cursor, recolour or clear a terminal; other values unchanged."""
    if isinstance(value, str):
        return value.translate(_ESCAPES)
    if isinstance(value, dict):
        return {terminal_safe(k): terminal_safe(v) for k, v in value.items()}
    if isinstance(value, list):
        return [terminal_safe(v) for v in value]
    return value


class _SafeText(BaseModel):
    """Every string field (and the strings inside dict and list fields) is made terminal-safe
    when the model is built (not on attribute assignment: the runner re-validates summaries)."""

    @model_validator(mode="before")
    @classmethod
    def _escape_controls(cls, data: Any) -> Any:
        return terminal_safe(data) if isinstance(data, dict) else data


class CheckStatus(StrEnum):
    """Outcome of one check; ordered from best to worst by `severity`."""

    PASS = "pass"
    WARN = "warn"
    FAIL = "fail"
    SKIPPED = "skipped"

    @property
    def severity(self) -> int:
        return {"pass": 0, "skipped": 1, "warn": 2, "fail": 3}[self.value]


class Stage(StrEnum):
    """Where in the life of a connection a check runs; failures are named by stage."""

    RESOLVE = "resolve"
    CONNECT = "connect"
    TLS = "tls"
    HANDSHAKE = "handshake"
    AUTHENTICATE = "authenticate"
    INSPECT = "inspect"
    BEHAVE = "behave"


class FailureClass(StrEnum):
    """Why a check failed, in terms a user can act on."""

    DNS = "dns"
    REFUSED = "refused"
    TIMEOUT = "timeout"
    TLS = "tls"
    AUTH = "auth"
    AUTHORISATION = "authorisation"
    WRONG_PROTOCOL = "wrong_protocol"
    CONFIGURATION = "configuration"  # the server's settings refuse this use of it
    DEGRADED = "degraded"
    CONNECTION_LOST = "connection_lost"  # the broker went away after the handshake
    CANCELLED = "cancelled"
    BUDGET_EXCEEDED = "budget_exceeded"
    OTHER = "other"


class Endpoint(BaseModel):
    """One host and port to dial."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    host: str = Field(title="Host", description="Host name or IP address (IPv6 without brackets).")
    port: int = Field(title="Port", ge=1, le=65535, description="TCP port.")

    def __str__(self) -> str:
        return f"[{self.host}]:{self.port}" if ":" in self.host else f"{self.host}:{self.port}"


class ProbeTarget(BaseModel):
    """A parsed broker address; secrets are excluded from dumps, reprs and str() by default.

    `url`, `password`, `sentinel_password` and `management_url` carry credentials: they are
    `exclude=True` and `repr=False`, so `model_dump()`/`model_dump_json()` never contain them.
    Call `dump_with_secrets()` when a secret really must be serialised.
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    broker: Broker = Field(title="Broker", description="Which broker this target speaks to.")
    url: str = Field(
        title="URL",
        exclude=True,
        repr=False,
        description="The address as given, credentials included (never dumped).",
    )
    display_url: str = Field(
        title="Display URL", description="The address with any password removed."
    )
    scheme: str = Field(title="Scheme", description="URL scheme, e.g. redis, rediss, amqps.")
    endpoints: tuple[Endpoint, ...] = Field(
        title="Endpoints",
        min_length=1,
        description="Hosts to dial (Sentinels, Kafka bootstrap servers, or the one server).",
    )
    tls: bool = Field(False, title="TLS", description="Whether the scheme asks for TLS.")
    username: str | None = Field(None, title="User name", description="User name, if any.")
    password: str | None = Field(
        None, title="Password", exclude=True, repr=False, description="Password (never dumped)."
    )
    database: int | None = Field(
        None, title="Redis database", ge=0, description="Redis logical database number."
    )
    sentinel_master: str | None = Field(
        None,
        title="Sentinel master name",
        description="Master group name, for redis+sentinel (None: ask the Sentinel).",
    )
    sentinel_password: str | None = Field(
        None,
        title="Sentinel password",
        exclude=True,
        repr=False,
        description="The Sentinels' own password (?sentinel_password=, never dumped); the "
        "userinfo password is the master's.",
    )
    vhost: str | None = Field(
        None, title="Virtual host", description="RabbitMQ virtual host, decoded (%2F is '/')."
    )
    sasl_mechanism: str | None = Field(
        None, title="SASL mechanism", description="Kafka SASL mechanism, e.g. PLAIN, SCRAM-SHA-256."
    )
    management_url: str | None = Field(
        None,
        title="Management URL",
        exclude=True,
        repr=False,
        description="RabbitMQ management HTTP API base URL, credentials included (never dumped).",
    )
    ssl_ca_certs: str | None = Field(
        None,
        title="CA file",
        description="PEM file of the CAs to trust for TLS (?ssl_ca_certs=); None: the system's.",
    )
    ssl_certfile: str | None = Field(
        None,
        title="Client certificate file",
        description="PEM client certificate for mutual TLS (?ssl_certfile=).",
    )
    ssl_keyfile: str | None = Field(
        None,
        title="Client key file",
        description="The client certificate's unencrypted private key (?ssl_keyfile=); None: "
        "it is in the certificate file.",
    )
    options: dict[str, str] = Field(
        default_factory=dict,
        title="Options",
        description="Other query parameters, passed to the probe (never secrets).",
    )

    @property
    def endpoint(self) -> Endpoint:
        """The first (or only) endpoint."""
        return self.endpoints[0]

    def __str__(self) -> str:
        return f"{self.broker.value} {self.display_url}"

    def dump_with_secrets(self) -> dict[str, Any]:
        """A dump that includes the credential-bearing fields; only call this on purpose."""
        data = self.model_dump()
        data.update(
            url=self.url,
            password=self.password,
            sentinel_password=self.sentinel_password,
            management_url=self.management_url,
        )
        return data


class ProbeCheck(_SafeText):
    """The outcome of one check, with its timing, measured figures and, on failure, a cause."""

    model_config = ConfigDict(extra="forbid")

    id: str = Field(title="Check id", description="Stable dotted id, e.g. redis.ping_latency.")
    title: str = Field(title="Title", description="What was checked, in a few words.")
    stage: Stage = Field(title="Stage", description="Connection stage the check belongs to.")
    status: CheckStatus = Field(title="Status")
    duration_ms: float = Field(
        0.0,
        title="Duration",
        ge=0,
        json_schema_extra={"unit": "ms"},
        description="Wall-clock time the check took.",
    )
    figures: dict[str, Figure] = Field(
        default_factory=dict,
        title="Figures",
        description="Measured or reported values; units in names.",
    )
    details: str = Field("", title="Details", description="What happened, in one or two lines.")
    hint: str = Field("", title="Hint", description="What to do about a failure or warning.")
    failure_class: FailureClass | None = Field(
        None, title="Failure class", description="Why it failed (failed checks only)."
    )
    skipped_reason: str = Field(
        "", title="Skipped because", description="Why the check did not run (skipped checks only)."
    )


class ProbeEvent(BaseModel):
    """Progress of a running probe: sent when it starts, after each check, and at the end."""

    model_config = ConfigDict(extra="forbid")

    kind: Literal["started", "check", "finished"] = Field(title="Kind")
    target: str = Field(title="Target", description="Display URL (no password).")
    broker: Broker = Field(title="Broker")
    elapsed_ms: float = Field(title="Elapsed", ge=0, json_schema_extra={"unit": "ms"})
    budget_ms: float = Field(title="Budget", ge=0, json_schema_extra={"unit": "ms"})
    check: ProbeCheck | None = Field(None, title="Check", description="The check just completed.")
    checks_done: int = Field(0, title="Checks done", ge=0)


class Verdict(_SafeText):
    """Whether the probed broker meets one workload requirement, with the check that shows it."""

    model_config = ConfigDict(extra="forbid")

    requirement: str = Field(title="Requirement", description="Stable id, e.g. durability.")
    status: CheckStatus = Field(title="Status")
    evidence: str | None = Field(
        None, title="Evidence check id", description="The check whose result decides this verdict."
    )
    message: str = Field(title="Message", description="What was found.")
    advice: str = Field("", title="Advice", description="What to change, if anything.")


class ProbeSummary(_SafeText):
    """Headline facts learnt about the broker, filled in by the checks that find them."""

    model_config = ConfigDict(extra="forbid")

    product: str | None = Field(None, title="Product", description="Server product name.")
    version: str | None = Field(None, title="Version", description="Server version.")
    mode: str | None = Field(
        None, title="Mode", description="e.g. standalone, sentinel, cluster, kraft."
    )
    persistence: str | None = Field(
        None, title="Persistence", description="How data survives a restart, in a few words."
    )
    replication: str | None = Field(
        None, title="Replication", description="Role and replicas, in a few words."
    )
    nodes: int | None = Field(None, title="Nodes", ge=0, description="Known broker nodes.")
    replicas: int | None = Field(
        None, title="Replicas", ge=0, description="Connected replicas of the probed node."
    )
    max_message_bytes: int | None = Field(
        None,
        title="Largest message accepted",
        ge=0,
        json_schema_extra={"unit": "bytes"},
        description="The broker's configured size limit.",
    )
    facts: dict[str, Figure | bool | None] = Field(
        default_factory=dict,
        title="Other facts",
        description="Further broker-specific facts (keys are snake_case).",
    )


class ProbeResult(BaseModel):
    """Everything one probe found; safe to print or serialise (no credentials)."""

    model_config = ConfigDict(extra="forbid")

    target: str = Field(title="Target", description="Display URL (no password).")
    broker: Broker = Field(title="Broker")
    run_id: str = Field(title="Run id", description="Names the probe's temporary keys/queues.")
    started_at: datetime = Field(title="Started at")
    duration_ms: float = Field(title="Duration", ge=0, json_schema_extra={"unit": "ms"})
    budget_ms: float = Field(title="Budget", ge=0, json_schema_extra={"unit": "ms"})
    checks: list[ProbeCheck] = Field(default_factory=list, title="Checks")
    summary: ProbeSummary = Field(default_factory=ProbeSummary, title="Summary")
    verdicts: list[Verdict] | None = Field(
        None,
        title="Verdicts",
        description="Workload requirements judged against "
        "the checks (only when a workload is "
        "given).",
    )

    @property
    def status(self) -> CheckStatus:
        """The worst status among checks and verdicts (skipped counts as pass)."""
        worst = CheckStatus.PASS
        statuses = [c.status for c in self.checks] + [v.status for v in self.verdicts or []]
        for status in statuses:
            if status is not CheckStatus.SKIPPED and status.severity > worst.severity:
                worst = status
        return worst

    @property
    def failed(self) -> bool:
        """True when any check or verdict failed."""
        return self.status is CheckStatus.FAIL

    def check(self, check_id: str) -> ProbeCheck | None:
        """The check with this id, if it ran."""
        return next((c for c in self.checks if c.id == check_id), None)

    @property
    def failure_classes(self) -> list[FailureClass]:
        """Failure classes of failed checks, in order."""
        return [c.failure_class for c in self.checks if c.failure_class is not None]
