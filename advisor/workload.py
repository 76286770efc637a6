"""The workload a user describes: every requirement the recommendation depends on."""

from __future__ import annotations

import json
import math
import re
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import yaml
from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    ValidationError,
    field_validator,
    model_validator,
)

from advisor import i18n, safe_load
from advisor.i18n import N_, tr


class Broker(StrEnum):
    """The three brokers the advisor compares."""

    REDIS = "redis"
    RABBITMQ = "rabbitmq"
    KAFKA = "kafka"

    @property
    def title(self) -> str:  # type: ignore[override]  # a display name, not str.title()
        return {"redis": "Redis", "rabbitmq": "RabbitMQ", "kafka": "Kafka"}[self.value]


class Ordering(StrEnum):
    """Which messages must be consumed in the order they were produced."""

    NONE = "none"
    PER_KEY = "per_key"
    GLOBAL = "global"


class DeliveryGuarantee(StrEnum):
    """How many times each message may be processed."""

    AT_MOST_ONCE = "at_most_once"
    AT_LEAST_ONCE = "at_least_once"
    EXACTLY_ONCE = "exactly_once"


class Consumption(StrEnum):
    """How consumers share the messages."""

    COMPETING_WORKERS = "competing_workers"
    FAN_OUT = "fan_out"
    CONSUMER_GROUPS = "consumer_groups"
    REQUEST_REPLY = "request_reply"


class Routing(StrEnum):
    """How messages find the consumers that want them."""

    NONE = "none"
    BY_KEY = "by_key"
    BY_PATTERN = "by_pattern"
    BY_HEADERS = "by_headers"


class Hosting(StrEnum):
    """Who runs the broker."""

    SELF_HOSTED = "self_hosted"
    MANAGED = "managed"


class LeaveReason(StrEnum):
    """Why a team is moving away from a broker, as teams give it in migration write-ups."""

    OUTAGES_UNDER_LOAD = "outages_under_load"
    CONNECTION_CHURN = "connection_churn"
    SCALING_CEILING = "scaling_ceiling"
    POOR_OBSERVABILITY = "poor_observability"
    OPERATIONAL_BURDEN = "operational_burden"
    COST = "cost"
    MESSAGE_LOSS = "message_loss"
    MEMORY_PRESSURE = "memory_pressure"
    LICENCE = "licence"
    MISSING_FEATURES = "missing_features"
    NETWORK_PARTITIONS = "network_partitions"
    LATENCY = "latency"


class Language(StrEnum):
    """A language the producers or consumers are written in."""

    PYTHON = "python"
    RUBY = "ruby"
    JAVASCRIPT = "javascript"
    GO = "go"
    JAVA = "java"
    DOTNET = "dotnet"
    PHP = "php"
    OTHER = "other"


class TaskFramework(StrEnum):
    """The job or messaging framework the consumers run on."""

    CELERY = "celery"
    RQ = "rq"
    DRAMATIQ = "dramatiq"
    SIDEKIQ = "sidekiq"
    RESQUE = "resque"
    BULLMQ = "bullmq"
    SPRING = "spring"
    ASYNQ = "asynq"
    OTHER = "other"


class Backpressure(StrEnum):
    """What happens when consumers fall behind."""

    BOUNDED = "bounded"
    ABSORB = "absorb"


class OpsCapacity(StrEnum):
    """How much operations effort the team can put into the broker."""

    MINIMAL = "minimal"
    MODERATE = "moderate"
    DEDICATED = "dedicated"


# Constraints are declared once and reused, so forms and the JSON schema agree with validation.
Rate = Annotated[float, Field(ge=0, le=10_000_000)]
Bytes = Annotated[int, Field(ge=1, le=2**31)]
Count = Annotated[int, Field(ge=1, le=10_000_000)]

MAX_RETENTION_HOURS = 24 * 365 * 10


def _version_text(text: str) -> str:
    from advisor import versions  # versions imports Broker from here

    return versions.validate_text(text)


VersionText = Annotated[
    str, StringConstraints(min_length=1, max_length=64), AfterValidator(_version_text)
]


class Workload(BaseModel):
    """Everything the broker decision depends on, with explicit units."""

    model_config = ConfigDict(extra="forbid", validate_assignment=False, title="Workload")

    name: str = Field(
        "Untitled workload",
        title="Name",
        max_length=200,
        description="A short name for this workload, shown in reports.",
    )
    notes: str = Field(
        "",
        title="Notes",
        max_length=20_000,
        description="Free-form context: what the system does, who consumes it.",
    )

    avg_rate_msg_per_s: Rate = Field(
        100.0,
        title="Average rate",
        json_schema_extra={"unit": "msg/s"},
        description="Messages produced per second on average.",
    )
    peak_rate_msg_per_s: Rate = Field(
        500.0,
        title="Peak rate",
        json_schema_extra={"unit": "msg/s"},
        description="Messages per second at the busiest minute.",
    )
    avg_message_size_bytes: Bytes = Field(
        1_024,
        title="Average message size",
        json_schema_extra={"unit": "bytes"},
        description="Typical payload size in bytes.",
    )
    max_message_size_bytes: Bytes = Field(
        16_384,
        title="Largest message size",
        json_schema_extra={"unit": "bytes"},
        description="The largest payload that must go through.",
    )

    retention_hours: float = Field(
        0.0,
        ge=0,
        le=MAX_RETENTION_HOURS,
        title="Retention",
        json_schema_extra={"unit": "h"},
        description="How long messages must be kept after they are "
        "produced, even once consumed (0: until consumed).",
    )
    replay: bool = Field(
        False,
        title="Consumers replay history",
        description="Consumers must be able to re-read past messages.",
    )
    ordering: Ordering = Field(
        Ordering.NONE, title="Ordering", description="none, per key (e.g. per order id) or global."
    )
    delivery: DeliveryGuarantee = Field(
        DeliveryGuarantee.AT_LEAST_ONCE,
        title="Delivery guarantee",
        description="At most once, at least once or exactly once.",
    )
    p99_latency_ms: float = Field(
        100.0,
        gt=0,
        le=3_600_000,
        title="p99 latency target",
        json_schema_extra={"unit": "ms"},
        description="End-to-end latency that 99% of messages must beat.",
    )
    crash_may_lose_messages: bool = Field(
        False,
        title="A crash may lose messages",
        description="Losing recent messages on a broker crash is "
        "acceptable (e.g. cache, live updates).",
    )

    consumption: Consumption = Field(
        Consumption.COMPETING_WORKERS,
        title="Consumption pattern",
        description="Competing workers, fan-out pub/sub, independent "
        "consumer groups or request/reply.",
    )
    consumer_groups: int = Field(
        1,
        ge=1,
        le=1_000,
        title="Independent consumers",
        description="How many independent applications read every message.",
    )
    routing: Routing = Field(
        Routing.NONE,
        title="Routing",
        description="none, by key, by pattern (wildcards) or by headers/content.",
    )

    needs_priorities: bool = Field(
        False, title="Priorities", description="Some messages must overtake others."
    )
    needs_delayed_delivery: bool = Field(
        False,
        title="Delayed / scheduled delivery",
        description="Messages must be delivered at a later time.",
    )
    needs_message_ttl: bool = Field(
        False, title="Message TTL", description="Messages expire if not consumed in time."
    )
    needs_dead_lettering: bool = Field(
        False,
        title="Dead-lettering and retries",
        description="Failed messages are retried, then parked for inspection.",
    )
    needs_transactions: bool = Field(
        False, title="Transactions", description="Several messages must be published atomically."
    )
    cache_or_sessions: bool = Field(
        False,
        title="Cache / session store",
        description="The same system also serves as a cache or a session store.",
    )
    stream_processing: bool = Field(
        False,
        title="Stream processing",
        description="Windowed aggregation, joins or stateful stream processing over the messages.",
    )
    multi_region: bool = Field(
        False,
        title="Multi-region",
        description="Messages must flow between regions or data centres.",
    )
    tolerated_node_failures: int = Field(
        0,
        ge=0,
        le=3,
        title="Tolerated node failures",
        description="How many broker nodes may fail with no loss of service or data.",
    )

    team_familiar_with: list[Broker] = Field(
        default_factory=list,
        title="Team knows",
        description="Brokers the team already runs in production.",
    )
    hosting: Hosting = Field(
        Hosting.SELF_HOSTED, title="Hosting", description="Self-hosted, or a managed cloud service."
    )
    ops_capacity: OpsCapacity = Field(
        OpsCapacity.MODERATE,
        title="Operations capacity",
        description="Minimal (developers only), moderate, or a dedicated platform team.",
    )
    uses_django: bool | None = Field(
        None,
        title="Django",
        description="The producers are Django apps (not stated: nothing Django-specific is said).",
    )
    uses_celery: bool = Field(False, title="Celery", description="Tasks run through Celery.")

    # --- What real teams decided on; each defaults to "not stated", which changes nothing. ---
    retention_max_messages: Count | None = Field(
        None,
        title="History capped at",
        json_schema_extra={"unit": "msg"},
        description="History is capped at the last N messages per stream or channel (a "
        "count-bounded backlog); not stated: history is bounded by time only.",
    )
    channels: Count | None = Field(
        None,
        title="Streams / channels",
        description="Separate streams, channels or topics the messages are spread over "
        "(with a count cap, each keeps its own last N); not stated: one.",
    )
    already_running: list[Broker] = Field(
        default_factory=list,
        title="Already running",
        description="Brokers the organisation already runs in production for other systems, "
        "whoever operates them: adding to them costs little.",
    )
    organisation_standard: Broker | None = Field(
        None,
        title="Organisation standard",
        description="A broker the organisation has standardised on.",
    )
    leaving: Broker | None = Field(
        None,
        title="Moving away from",
        description="The broker this workload is migrating away from.",
    )
    leaving_because: list[LeaveReason] = Field(
        default_factory=list,
        title="Why it is being left",
        description="What went wrong with the broker being left.",
    )
    workers: Count | None = Field(
        None,
        title="Workers",
        description="Consumer processes or threads taking messages at the peak.",
    )
    connections: Count | None = Field(
        None,
        title="Client connections",
        description="Client connections open to the broker at the peak.",
    )
    short_lived_connections: bool = Field(
        False,
        title="Short-lived connections",
        description="Clients connect per request or per short job (PHP, serverless, "
        "cron scripts) rather than holding a connection open.",
    )
    max_task_duration_s: float | None = Field(
        None,
        gt=0,
        le=7 * 86_400,
        title="Longest task",
        json_schema_extra={"unit": "s"},
        description="The longest a consumer works on one message before acknowledging it.",
    )
    languages: list[Language] = Field(
        default_factory=list,
        title="Languages",
        description="Languages of the producers and consumers (several: a polyglot system).",
    )
    task_framework: TaskFramework | None = Field(
        None,
        title="Job framework",
        description="The job or messaging framework the consumers run on.",
    )
    customer_installed: bool = Field(
        False,
        title="Customers install it",
        description="Customers install and run the software, with its broker, themselves.",
    )
    mqtt_devices: bool = Field(
        False, title="MQTT devices", description="Devices publish or subscribe over MQTT."
    )
    browser_delivery: bool = Field(
        False,
        title="Browser delivery",
        description="Messages are pushed to browsers or apps over WebSockets or SSE.",
    )
    network_partitions: bool = Field(
        False,
        title="Network partitions",
        description="The broker must stay correct when the network between its nodes splits "
        "(zones, unreliable links).",
    )
    inspect_pending: bool = Field(
        False,
        title="Inspect pending messages",
        description="Operators browse, edit, retry or delete messages that wait in the queue.",
    )
    backpressure: Backpressure | None = Field(
        None,
        title="When consumers fall behind",
        description="bounded: producers are slowed or refused once a queue is full; absorb: a "
        "slow consumer must never slow producers, the broker holds the backlog.",
    )

    versions: dict[Broker, VersionText] = Field(
        default_factory=dict,
        title="Versions",
        description='The broker versions this workload will run, e.g. {rabbitmq: "3.13"}; a '
        "broker left out means its current release. Priorities, delayed retry, delivery limits "
        "and share groups differ by version, and so does the advice.",
    )

    @field_validator("versions", mode="before")
    @classmethod
    def _versions_as_text(cls, value: Any) -> Any:
        """Unquoted YAML turns 3.10 into the number 3.1: refuse numbers instead of guessing."""
        if isinstance(value, dict):
            for broker, version in value.items():
                if isinstance(version, int | float) and not isinstance(version, bool):
                    raise ValueError(
                        tr(
                            "the {broker} version must be text in quotes, e.g. {example} "
                            "(unquoted, YAML reads 3.10 as the number 3.1)",
                            broker=broker,
                            example=f'"{version}"',
                        )
                    )
        return value

    @model_validator(mode="before")
    @classmethod
    def _unstated_peak_follows_average(cls, data: Any) -> Any:
        """A peak or largest size left out is at least the average given (not below it)."""
        if not isinstance(data, dict):
            return data
        pairs = (
            ("avg_rate_msg_per_s", "peak_rate_msg_per_s"),
            ("avg_message_size_bytes", "max_message_size_bytes"),
        )
        filled = dict(data)
        for low, high in pairs:
            value = data.get(low)
            default = cls.model_fields[high].default
            if (
                high not in data
                and isinstance(value, int | float)
                and not isinstance(value, bool)
                and value > default
            ):
                filled[high] = type(default)(value) if isinstance(value, int) else value
        return filled

    @model_validator(mode="after")
    def _check_consistency(self) -> Workload:
        problems: list[str] = []
        if self.peak_rate_msg_per_s < self.avg_rate_msg_per_s:
            problems.append(
                tr(
                    "{peak} ({peak_value}) is below {average} ({average_value}): the peak "
                    "cannot be lower than the average",
                    peak="peak_rate_msg_per_s",
                    peak_value=f"{self.peak_rate_msg_per_s:g}",
                    average="avg_rate_msg_per_s",
                    average_value=f"{self.avg_rate_msg_per_s:g}",
                )
            )
        if self.max_message_size_bytes < self.avg_message_size_bytes:
            problems.append(
                tr(
                    "{largest} ({largest_value}) is below {average} ({average_value})",
                    largest="max_message_size_bytes",
                    largest_value=self.max_message_size_bytes,
                    average="avg_message_size_bytes",
                    average_value=self.avg_message_size_bytes,
                )
            )
        if self.replay and self.retention_hours == 0 and self.retention_max_messages is None:
            problems.append(
                tr(
                    "{replay} is required but {retention} is 0: set how long history must be "
                    "kept, or {cap} for a backlog capped by count",
                    replay="replay",
                    retention="retention_hours",
                    cap="retention_max_messages",
                )
            )
        for name in ("team_familiar_with", "already_running", "languages", "leaving_because"):
            values = getattr(self, name)
            if len(set(values)) != len(values):
                problems.append(tr("{name} lists a value twice", name=name))
        if self.leaving_because and self.leaving is None:
            problems.append(
                tr(
                    "{reason} is given but {leaving} is empty: say which broker is left",
                    reason="leaving_because",
                    leaving="leaving",
                )
            )
        if self.task_framework is TaskFramework.CELERY and not self.uses_celery:
            problems.append(
                tr(
                    "{framework} is celery but {celery} is false: set {setting}",
                    framework="task_framework",
                    celery="uses_celery",
                    setting="uses_celery: true",
                )
            )
        if self.uses_celery and self.task_framework not in (None, TaskFramework.CELERY):
            problems.append(
                tr(
                    "{celery} is true but {framework} is {value}: one job framework runs the "
                    "consumers",
                    celery="uses_celery",
                    framework="task_framework",
                    value=self.task_framework.value,
                )
            )
        if problems:
            raise ValueError("; ".join(problems))
        return self


# The organisation, stack and operations around a workload (reports show them apart from its
# requirements, and only where stated).
CONTEXT_FIELDS = (
    "already_running",
    "organisation_standard",
    "leaving",
    "leaving_because",
    "languages",
    "task_framework",
    "customer_installed",
)


class WorkloadFileError(Exception):
    """A workload file that cannot be read, parsed or validated."""

    def __init__(self, path: Path | str, problems: list[str]) -> None:
        self.path = str(path)
        # Escaped and cut: a problem may quote the file, and the file may be hostile.
        self.problems = safe_load.tidy(problems)
        super().__init__(f"{self.path}: " + "; ".join(self.problems))


def field_problems(error: ValidationError) -> list[tuple[str, str, dict[str, Any]]]:
    """(field, message, pydantic error item) per problem; a cross-field problem is filed under
    the first field its message names ("" when it names none)."""
    found: list[tuple[str, str, dict[str, Any]]] = []
    for item in error.errors():
        msg = str(item["msg"]).removeprefix("Value error, ")
        if item["loc"]:
            loc = ".".join(safe_load.escaped(str(p)) for p in item["loc"])
            found.append((loc, msg, dict(item)))
            continue
        for part in msg.split("; "):
            named = [
                (match.start(), name)
                for name in Workload.model_fields
                if (match := re.search(rf"\b{re.escape(name)}\b", part))
            ]
            found.append((min(named)[1] if named else "", part, dict(item)))
    return found


def describe_validation_error(error: ValidationError) -> list[str]:
    """Turn a pydantic error into one line per problem: field, value and what is wrong."""
    lines = []
    listed_known = False  # the list of known fields is long: give it once
    for loc, text, item in field_problems(error):
        msg = text
        if not item["loc"]:
            lines.append(f"{loc or tr('(workload)')}: {msg}")
            continue
        msg = _worded(item, msg)
        if item["type"] == "extra_forbidden":
            msg = tr("unknown field")
            if not listed_known:
                msg = tr(
                    "unknown field (known fields: {fields})",
                    fields=", ".join(Workload.model_fields),
                )
                listed_known = True
            suggestion = _did_you_mean(str(item["loc"][-1]), list(Workload.model_fields))
            if suggestion:
                msg = tr("unknown field; did you mean {field}?", field=f"'{suggestion}'")
        if item["loc"] and item["type"] not in ("missing", "extra_forbidden"):
            lines.append(
                f"{loc}: "
                + tr(
                    "{problem} (got {value})", problem=msg, value=safe_load.shown(item.get("input"))
                )
            )
        else:
            lines.append(f"{loc}: {msg}")
    return lines


# Pydantic's own error texts, by error type, worded in the interface language with the error's
# context fields; English keeps pydantic's text, and a type not listed falls back on it.
_PYDANTIC_MESSAGES = {
    "missing": N_("Field required"),
    "int_type": N_("Input should be a valid integer"),
    "int_parsing": N_("Input should be a valid integer"),
    "int_from_float": N_("Input should be a valid integer, got a number with a fractional part"),
    "float_type": N_("Input should be a valid number"),
    "float_parsing": N_("Input should be a valid number"),
    "finite_number": N_("Input should be a finite number"),
    "bool_type": N_("Input should be a valid boolean"),
    "bool_parsing": N_("Input should be a valid boolean"),
    "string_type": N_("Input should be a valid string"),
    "list_type": N_("Input should be a valid list"),
    "dict_type": N_("Input should be a valid mapping"),
    "greater_than": N_("Input should be greater than {gt}"),
    "greater_than_equal": N_("Input should be greater than or equal to {ge}"),
    "less_than": N_("Input should be less than {lt}"),
    "less_than_equal": N_("Input should be less than or equal to {le}"),
    "string_too_short": N_("String should have at least {min_length} characters"),
    "string_too_long": N_("String should have at most {max_length} characters"),
    "too_short": N_("List should have at least {min_length} items"),
    "too_long": N_("List should have at most {max_length} items"),
    "literal_error": N_("Input should be {expected}"),
    "enum": N_("Input should be {expected}"),
}


def _context_value(value: Any) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _choices(expected: str) -> str:
    """pydantic's "'a', 'b' or 'c'" with the language's list words (the values stay as written)."""
    values = re.findall(r"'(?:[^'\\]|\\.)*'", expected)
    if len(values) < 2:
        return expected
    return tr("{choices} or {last}", choices=tr(", ").join(values[:-1]), last=values[-1])


def _worded(item: dict[str, Any], message: str) -> str:
    """A pydantic error item's message in the interface language (pydantic's own in English)."""
    template = _PYDANTIC_MESSAGES.get(str(item.get("type")))
    if template is None or i18n.language() == "en":
        return message
    context = {key: _context_value(value) for key, value in (item.get("ctx") or {}).items()}
    if "expected" in context:
        context["expected"] = _choices(context["expected"])
    try:
        return tr(template, **context)
    except (KeyError, IndexError, ValueError):
        return message


def _did_you_mean(word: str, choices: list[str]) -> str | None:
    import difflib

    if len(word) > safe_load.MAX_SHOWN_CHARS:  # no field name is this long; difflib is slow
        return None
    match = difflib.get_close_matches(word, choices, n=1, cutoff=0.6)
    return match[0] if match else None


def parse_workload(data: Any, source: Path | str = "<input>") -> Workload:
    """Validate already-parsed data as a workload, raising WorkloadFileError on problems.

    Values are taken as written, with JSON's types: a number is not read from "24", a flag is
    true or false (not "yes" or 1), a count is a whole number; enums are their string values.
    """
    if data is None:
        raise WorkloadFileError(
            source, [tr("the file is empty: expected a mapping of workload fields")]
        )
    if not isinstance(data, dict):
        raise WorkloadFileError(
            source, [tr("expected a mapping of fields, got {kind}", kind=type(data).__name__)]
        )
    not_finite = [
        f"{safe_load.escaped(str(key))}: "
        + tr("must be a finite number (got {value})", value=repr(value))
        for key, value in data.items()
        if isinstance(value, float) and not math.isfinite(value)
    ]
    if not_finite:
        raise WorkloadFileError(source, not_finite)
    try:
        text = json.dumps(data, allow_nan=False)
    except (TypeError, ValueError) as error:
        raise WorkloadFileError(
            source, [tr("a value is not plain data: {error}", error=error)]
        ) from None
    try:
        return Workload.model_validate_json(text, strict=True)
    except ValidationError as error:
        raise WorkloadFileError(source, describe_validation_error(error)) from None


def load_workload(path: Path | str) -> Workload:
    """Read a workload from a YAML or JSON file (bounded: see advisor/safe_load.py)."""
    try:
        data = safe_load.load_data(path, safe_load.WORKLOAD)
    except safe_load.LoadError as error:
        raise WorkloadFileError(path, [error.problem]) from None
    return parse_workload(data, path)


def dump_workload(workload: Workload, fmt: str = "yaml") -> str:
    """Serialise a workload as YAML or JSON text, fields in model order. Only the fields it
    states are written, so a field left open stays "not stated" when the file is read again."""
    data = workload.model_dump(mode="json", exclude_unset=True)
    if fmt == "json":
        return json.dumps(data, indent=2, ensure_ascii=False) + "\n"
    return yaml.safe_dump(data, sort_keys=False, allow_unicode=True)


def save_workload(workload: Workload, path: Path | str) -> None:
    """Write a workload atomically; the format follows the file's suffix."""
    from advisor import files

    path = Path(path)
    fmt = "json" if path.suffix.lower() == ".json" else "yaml"
    files.atomic_write_text(path, dump_workload(workload, fmt))


def workload_json_schema() -> dict[str, Any]:
    """The JSON Schema of a workload file."""
    return Workload.model_json_schema()
