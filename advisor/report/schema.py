"""The machine-readable report: its pydantic model, version and published JSON Schema."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path
from typing import Any, Final, Literal

from pydantic import BaseModel, ConfigDict, Field

from advisor import paths
from advisor.loadtest.models import BakeoffResult
from advisor.probe.models import ProbeResult
from advisor.recommendation import Recommendation
from advisor.workload import Workload

REPORT_SCHEMA_VERSION: Final = "1.0"
# A stable name, not a URL: the schema ships as a file (SCHEMA_FILE_NAME) and `report --schema`.
SCHEMA_ID: Final = "urn:broker-advisor:report:1.0"
SCHEMA_FILE_NAME: Final = "report.schema.json"


class _Model(BaseModel):
    # Every field is always written, so the published schema lists them all as required.
    model_config = ConfigDict(
        extra="forbid", frozen=True, json_schema_serialization_defaults_required=True
    )


class Snippet(_Model):
    """Ready-to-paste code for the chosen broker: a settings file or the code of a pattern."""

    id: str = Field(
        title="Snippet id", description="The entry in assets/templates/snippets/index.yaml."
    )
    broker: str = Field(title="Broker", description="The broker the snippet configures.")
    title: str = Field(title="Title")
    client: str = Field(
        title="Client",
        description="The client library and versions the code is written for, e.g. pika 1.3+.",
    )
    broker_version: str = Field(
        title="Broker version",
        description="The broker version the snippet was written for: the workload's stated "
        "version, else the current release (said so).",
    )
    filename: str = Field(title="File name", description="Where the snippet is meant to go.")
    language: str = Field(title="Language", description="e.g. python.")
    code: str = Field(title="Code")


class CitedSection(_Model):
    """A guide section cited by a reason, advice or pattern, with its text."""

    id: str = Field(title="Section id")
    title: str = Field(title="Title")
    found: bool = Field(title="Found", description="False when the guide has no such section.")
    markdown: str = Field("", title="Text (Markdown)")


class ReportDocument(_Model):
    """A broker decision report for machines: inputs, the recommendation and the evidence."""

    model_config = ConfigDict(title="Broker Advisor report")  # merged with _Model's

    schema_uri: Literal["urn:broker-advisor:report:1.0"] = Field(
        SCHEMA_ID,
        alias="$schema",
        title="Schema",
        description="The $id of the JSON Schema this report follows.",
    )
    report_schema_version: Literal["1.0"] = Field(
        REPORT_SCHEMA_VERSION, title="Report schema version"
    )
    language: Literal["en", "fa"] = Field(
        "en",
        title="Language",
        description="The language the report's texts (reasons, advice, summaries, cited guide "
        "sections) are worded in; keys and data values are the same in every language.",
    )
    generated_at: datetime = Field(
        title="Generated at",
        description="When the report was made (the only part that "
        "changes between runs on the same input).",
    )
    app_version: str = Field(title="App version")
    rulebook_hash: str = Field(title="Rulebook hash", description="SHA-256 of the rule files.")
    workload: Workload = Field(title="Workload")
    recommendation: Recommendation = Field(title="Recommendation")
    probe_results: list[ProbeResult] = Field(
        default_factory=list,
        title="Probe results",
        description="Live checks, credentials removed; their verdicts are judged against this "
        "report's workload.",
    )
    loadtest: BakeoffResult | None = Field(
        None,
        title="Load-test results",
        description="One load test or a bake-off as `broker-advisor loadtest --json` or "
        "`bakeoff --json` wrote it (targets without credentials); null when none was run.",
    )
    citations: list[CitedSection] = Field(default_factory=list, title="Cited guide sections")
    settings_snippet: Snippet | None = Field(
        None,
        title="Settings snippet",
        description="The first of the snippets (the settings file), kept for older readers.",
    )
    snippets: list[Snippet] = Field(
        default_factory=list,
        title="Snippets",
        description="Every snippet for the winner: settings files and the code of its pattern, "
        "each labelled with the client it targets.",
    )


def report_json_schema() -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) of the JSON report, generated from the models."""
    schema = ReportDocument.model_json_schema(mode="serialization", by_alias=True)
    return {"$schema": "https://json-schema.org/draft/2020-12/schema", "$id": SCHEMA_ID, **schema}


def schema_text() -> str:
    """The schema as the shipped file holds it: two-space indent, trailing newline."""
    return json.dumps(report_json_schema(), indent=2, ensure_ascii=False) + "\n"


def schema_file() -> Path:
    """The shipped copy of the schema, next to the report templates."""
    return paths.templates_dir() / SCHEMA_FILE_NAME
