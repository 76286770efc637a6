"""Reports of a recommendation: HTML, PDF, Markdown decision record and JSON, from templates."""

from __future__ import annotations

from advisor.report.inputs import (
    LoadTestResultsError,
    ProbeResultsError,
    load_loadtest_results,
    load_probe_results,
)
from advisor.report.render import (
    FORMAT_TITLES,
    FORMATS,
    SUFFIXES,
    Format,
    ReportError,
    export,
    format_for_path,
    render,
)
from advisor.report.schema import REPORT_SCHEMA_VERSION, report_json_schema

__all__ = [
    "FORMATS",
    "FORMAT_TITLES",
    "REPORT_SCHEMA_VERSION",
    "SUFFIXES",
    "Format",
    "LoadTestResultsError",
    "ProbeResultsError",
    "ReportError",
    "export",
    "format_for_path",
    "load_loadtest_results",
    "load_probe_results",
    "render",
    "report_json_schema",
]
