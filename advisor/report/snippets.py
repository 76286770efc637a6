"""Ready-to-paste code for the recommended broker: which snippets apply is data, code templates."""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import jinja2
import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from advisor import facts as facts_mod
from advisor import guide, i18n, paths, rules, versions
from advisor.i18n import tr
from advisor.recommendation import Recommendation
from advisor.report import env
from advisor.report.schema import Snippet
from advisor.workload import Broker, DeliveryGuarantee, Language, Workload

DEFAULT_VISIBILITY_TIMEOUT_S = 3600
INDEX_FILE = "index.yaml"
SNIPPETS_FOLDER = "snippets"

MIB = 1024 * 1024
# Kafka's size limits and their defaults. librdkafka's message.max.bytes (producer) caps a whole
# produce request, like the Java client's max.request.size and kafka-python's max_request_size;
# a topic's max.message.bytes caps one record batch. Both hold many messages at once, so they
# are only ever raised, and only when the largest message does not fit the defaults.
KAFKA_PRODUCER_REQUEST_DEFAULT_BYTES = 1_000_000  # librdkafka message.max.bytes
KAFKA_TOPIC_BATCH_DEFAULT_BYTES = 1_048_588  # topic max.message.bytes
KAFKA_CONSUMER_FETCH_DEFAULT_BYTES = 52_428_800  # fetch.max.bytes
KAFKA_RECORD_OVERHEAD_BYTES = 1024  # record and batch framing, headers, key
KAFKA_MIN_RAISED_LIMIT_BYTES = 2 * MIB

# A Redis stream's cap when the workload states no history to keep.
DEFAULT_STREAM_MAXLEN = 100_000
# RabbitMQ prefetch: one message per worker for long tasks and priorities, else a small batch.
LONG_TASK_S = 10.0
PREFETCH_SHORT = 20
# The consuming applications of a topic exchange, as placeholders to rename: queue and patterns.
SUBSCRIBERS = (
    ("billing.events", ["order.*.*"]),
    ("shipping.events", ["order.created.*", "order.cancelled.*"]),
    ("analytics.events", ["#"]),
)


_BLANK_RUNS = re.compile(r"\n(?:[ \t]*\n){3,}")


class SnippetIndexError(ValueError):
    """The snippet index or a template it names is unusable; the message names file and entry."""


class SnippetEntry(BaseModel):
    """One entry of assets/templates/snippets/index.yaml."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str = Field(pattern=r"^[a-z0-9][a-z0-9\-]*$", title="Snippet id")
    broker: Broker = Field(title="Broker")
    template: str = Field(
        pattern=r"^[a-z0-9_]+\.py\.j2$", title="Template", description="In snippets/."
    )
    title: str = Field(min_length=3, title="Title")
    filename: str = Field(min_length=1, title="File name")
    django_filename: str = Field(
        "", title="File name in a Django project", description="Used when the workload uses Django."
    )
    client: str = Field(min_length=3, title="Client library and versions")
    patterns: list[str] = Field(
        default_factory=list,
        title="Patterns",
        description="Pattern ids (rules/patterns.yaml) the entry applies to; empty: any.",
    )
    when: dict[str, Any] | None = Field(None, title="Condition over the workload's facts")


class CompiledEntry(BaseModel):
    """An index entry with its condition compiled."""

    model_config = ConfigDict(frozen=True, arbitrary_types_allowed=True)

    entry: SnippetEntry
    predicate: Callable[[Mapping[str, Any]], bool]


def _problem(error: ValidationError) -> str:
    first = error.errors()[0]
    where = ".".join(str(part) for part in first["loc"])
    return f"{where}: {first['msg']}"


def load_index_from(folder: Path, pattern_ids: Mapping[str, Broker]) -> list[CompiledEntry]:
    """Load and check an index: unique ids, existing templates, known patterns of the entry's
    broker, conditions that fit the fact schema. Errors name the file, the entry and the field."""
    path = folder / INDEX_FILE
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as error:
        raise SnippetIndexError(f"{path}: {error}") from None
    if not isinstance(data, dict):
        raise SnippetIndexError(f"{path}: expected a mapping with a 'snippets' list")
    raw = data.get("snippets")
    if not isinstance(raw, list):
        raise SnippetIndexError(f"{path}: expected a 'snippets' list")
    unknown_top = set(data) - {"snippets"}
    if unknown_top:
        raise SnippetIndexError(f"{path}: unknown keys {sorted(unknown_top)}")
    checker = rules._Checker(path, set())  # the rulebook's own condition compiler and checks
    compiled: list[CompiledEntry] = []
    seen: set[str] = set()
    for n, item in enumerate(raw):
        label = item.get("id", f"#{n + 1}") if isinstance(item, dict) else f"#{n + 1}"
        try:
            entry = SnippetEntry.model_validate(item)
        except ValidationError as error:
            raise SnippetIndexError(f"{path}: snippet '{label}', {_problem(error)}") from None
        if entry.id in seen:
            raise SnippetIndexError(f"{path}: snippet '{entry.id}' is listed twice")
        seen.add(entry.id)
        if not (folder / entry.template).is_file():
            raise SnippetIndexError(
                f"{path}: snippet '{entry.id}', template: no file {folder / entry.template}"
            )
        for pattern in entry.patterns:
            if pattern not in pattern_ids:
                raise SnippetIndexError(
                    f"{path}: snippet '{entry.id}', patterns: unknown pattern '{pattern}'"
                    f"{guide.suggest(pattern, sorted(pattern_ids))}"
                )
            if pattern_ids[pattern] is not entry.broker:
                raise SnippetIndexError(
                    f"{path}: snippet '{entry.id}', patterns: '{pattern}' is a "
                    f"{pattern_ids[pattern].value} pattern, not {entry.broker.value}"
                )
        try:
            predicate = (
                checker.compile(entry.when, entry.id, "when", set())
                if entry.when is not None
                else _always
            )
        except rules.RulebookError as error:
            raise SnippetIndexError(str(error).replace("rule '", "snippet '", 1)) from None
        compiled.append(CompiledEntry(entry=entry, predicate=predicate))
    if not compiled:
        raise SnippetIndexError(f"{path}: the 'snippets' list is empty")
    return compiled


def _always(_facts: Mapping[str, Any]) -> bool:
    return True


@functools.cache
def load_index() -> list[CompiledEntry]:
    """The built-in snippet index, checked against the built-in rulebook's patterns."""
    patterns = {p.pattern.id: p.pattern.broker for p in rules.load_rulebook().patterns}
    return load_index_from(paths.templates_dir() / SNIPPETS_FOLDER, patterns)


def _advised(recommendation: Recommendation, broker: Broker) -> dict[str, str]:
    """Settings the engine advised for this broker, by setting name (first advice wins)."""
    values: dict[str, str] = {}
    for advice in recommendation.assessment(broker).advice:
        if advice.setting and advice.value:
            values.setdefault(advice.setting, advice.value)
    return values


def _int_setting(values: dict[str, str], names: tuple[str, ...], default: int) -> int:
    for name in names:
        text = values.get(name, "").strip().split(" ")[0]
        if text.isdigit():
            return int(text)
    return default


def kafka_size_limit(max_message_bytes: int) -> int | None:
    """The size limit to set when the largest message does not fit Kafka's defaults, else None.

    Whole MiB, at least 2 MiB: above every default, so setting it never lowers a limit.
    """
    needed = max_message_bytes + KAFKA_RECORD_OVERHEAD_BYTES
    if needed <= KAFKA_PRODUCER_REQUEST_DEFAULT_BYTES:
        return None
    return max(KAFKA_MIN_RAISED_LIMIT_BYTES, -(-needed // MIB) * MIB)


def speaks_python(workload: Workload) -> bool:
    """Whether the Python snippets fit: Python among the languages, or none stated."""
    return not workload.languages or Language.PYTHON in workload.languages


def _facts(workload: Workload, pattern_id: str) -> dict[str, Any]:
    facts = facts_mod.compute_facts(facts_mod.workload_data(workload))
    facts["pattern"] = pattern_id
    return facts


def template_context(
    workload: Workload, recommendation: Recommendation, broker: Broker
) -> dict[str, Any]:
    """What every snippet template may use: the workload, sizing, advice and broker versions."""
    advised = _advised(recommendation, broker)
    partitions = max(1, recommendation.capacity.kafka_partitions)
    replication = max(1, recommendation.capacity.kafka_replication_factor)
    pattern = recommendation.assessment(broker).pattern
    return {
        "workload": workload,
        "name": workload.name,
        "app_version": recommendation.app_version,
        "rulebook_hash": recommendation.rulebook_hash[:12],
        "pattern_id": pattern.pattern_id if pattern else "",
        # Celery reads CELERY_-prefixed names from Django settings (namespace="CELERY").
        "prefix": "CELERY_" if workload.uses_django else "",
        "upper": bool(workload.uses_django),
        "acks_late": workload.delivery is not DeliveryGuarantee.AT_MOST_ONCE,
        "exactly_once": workload.delivery is DeliveryGuarantee.EXACTLY_ONCE,
        "keeps_messages": not workload.crash_may_lose_messages,
        "visibility_timeout": max(
            _int_setting(
                advised,
                ("visibility_timeout", "broker_transport_options.visibility_timeout"),
                DEFAULT_VISIBILITY_TIMEOUT_S,
            ),
            # Longer than the longest task, or a task still running is delivered again.
            int(2 * (workload.max_task_duration_s or 0)),
        ),
        "partitions": partitions,
        "replication_factor": replication,
        "min_insync": max(1, min(2, replication - 1)),
        "retention_ms": int(workload.retention_hours * 3_600_000)
        if workload.retention_hours
        else 7 * 24 * 3_600_000,
        "max_message_bytes": workload.max_message_size_bytes,
        "size_limit": kafka_size_limit(workload.max_message_size_bytes),
        "fetch_default": KAFKA_CONSUMER_FETCH_DEFAULT_BYTES,
        "module": "yourproject.settings" if workload.uses_django else "celeryconfig",
        "prefetch": 1
        if workload.needs_priorities or (workload.max_task_duration_s or 0) >= LONG_TASK_S
        else PREFETCH_SHORT,
        "subscriptions": _subscriptions(workload.consumer_groups),
        "stream_maxlen": max(1_000, int(recommendation.capacity.retained_messages))
        if recommendation.capacity.retained_messages
        else DEFAULT_STREAM_MAXLEN,
        # Versions: templates compare them, e.g. {% if rabbitmq_version >= v("4.3") %}.
        "redis_version": versions.effective(workload.versions, Broker.REDIS),
        "rabbitmq_version": versions.effective(workload.versions, Broker.RABBITMQ),
        "kafka_version": versions.effective(workload.versions, Broker.KAFKA),
        "broker_label": versions.label(workload.versions, broker),
        "v": versions.Version.parse,
    }


def _subscriptions(groups: int) -> list[tuple[str, list[str]]]:
    count = max(1, groups)
    named = list(SUBSCRIBERS[:count])
    named += [(f"app-{n}.events", ["#"]) for n in range(len(named) + 1, count + 1)]
    return named


def _render(entry: SnippetEntry, context: dict[str, Any]) -> str:
    template = env.environment().get_template(f"{SNIPPETS_FOLDER}/{entry.template}")
    try:
        return template.render({**context, "title": entry.title, "client": entry.client})
    except jinja2.TemplateError as error:
        raise SnippetIndexError(f"{SNIPPETS_FOLDER}/{entry.template}: {error}") from error


def _tidy(code: str) -> str:
    """At most two blank lines in a row (PEP 8), as macros leave some; one final newline."""
    return _BLANK_RUNS.sub("\n\n\n", code).strip() + "\n"


def snippets_for(
    workload: Workload, recommendation: Recommendation, broker: Broker | None = None
) -> list[Snippet]:
    """Every snippet for a broker (default: the winner), in index order; none without a winner
    or for a team that states languages other than Python."""
    broker = broker or recommendation.winner
    if broker is None or not speaks_python(workload):
        return []
    pattern = recommendation.assessment(broker).pattern
    facts = _facts(workload, pattern.pattern_id if pattern else "")
    context = template_context(workload, recommendation, broker)
    out: list[Snippet] = []
    for compiled in load_index():
        entry = compiled.entry
        if entry.broker is not broker:
            continue
        if entry.patterns and (pattern is None or pattern.pattern_id not in entry.patterns):
            continue
        if not compiled.predicate(facts):
            continue
        filename = (entry.django_filename if workload.uses_django else "") or entry.filename
        out.append(
            Snippet(
                id=entry.id,
                broker=broker.value,
                title=tr(entry.title),
                client=entry.client,
                broker_version=_version_label(workload, broker),
                filename=filename,
                language="python",
                code=_tidy(_render(entry, context)),
            )
        )
    return out


def _version_label(workload: Workload, broker: Broker) -> str:
    """The broker version a snippet is written for, as the report words it (the code keeps
    versions.label's English in its header comment)."""
    if i18n.language() == "en":
        return versions.label(workload.versions, broker)
    if versions.label(workload.versions, broker) != versions.label({}, broker):
        return versions.label(workload.versions, broker)  # stated: no words to translate
    version = versions.effective(workload.versions, broker)
    return tr("{broker} {version} (current release, assumed)", broker=broker.title, version=version)


def settings_snippet(
    workload: Workload, recommendation: Recommendation, broker: Broker | None = None
) -> Snippet | None:
    """The first snippet for a broker (default: the winner): its settings file."""
    found = snippets_for(workload, recommendation, broker)
    return found[0] if found else None
