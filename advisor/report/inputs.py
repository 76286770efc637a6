"""Read probe results (`broker-advisor probe --json`) and load-test results (`loadtest --json`,
`bakeoff --json`) for inclusion in a report."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from pydantic import TypeAdapter, ValidationError

from advisor import safe_load
from advisor.loadtest.models import BakeoffResult, LoadTestResult
from advisor.probe import targets
from advisor.probe.models import ProbeResult

_RESULTS = TypeAdapter(list[ProbeResult])


class ProbeResultsError(Exception):
    """A probe results file that cannot be read or validated; names the file and the field."""

    def __init__(self, path: Path | str, problems: list[str]) -> None:
        self.path = str(path)
        self.problems = safe_load.tidy(problems)  # escaped and cut, as they may quote the file
        super().__init__(f"{self.path}: " + "; ".join(self.problems))


def parse_probe_results(data: Any, source: Path | str = "<input>") -> list[ProbeResult]:
    """Validate a list of results, {"results": [...]} or a single result object."""
    prefix: list[str | int] = []
    single = False
    if isinstance(data, dict) and "results" in data:
        data, prefix = data["results"], ["results"]
    elif isinstance(data, dict):
        data, single = [data], True
    if not isinstance(data, list):
        raise ProbeResultsError(
            source,
            [
                f'expected a list of probe results or {{"results": [...]}}, '
                f"got {type(data).__name__}"
            ],
        )
    try:
        return _RESULTS.validate_python(data)
    except ValidationError as error:
        problems = []
        for item in error.errors():
            loc = list(item["loc"])[1:] if single else list(item["loc"])
            where = ".".join(safe_load.escaped(str(p)) for p in [*prefix, *loc]) or "(result)"
            msg = item["msg"].removeprefix("Value error, ")
            problems.append(f"{where}: {msg}")
        raise ProbeResultsError(source, problems) from None


def load_probe_results(path: Path | str) -> list[ProbeResult]:
    """Read probe results from a JSON file (bounded: see advisor/safe_load.py)."""
    try:
        data = safe_load.load_json(path, safe_load.PROBE_RESULTS)
    except safe_load.LoadError as error:
        raise ProbeResultsError(path, [error.problem]) from None
    return parse_probe_results(data, path)


# --- load-test results -------------------------------------------------------------------------
# `loadtest --json` writes 5-20 KB, `bakeoff --json` three of those; ramp steps add a few KB
# each. 8 MiB is far above any real run and still validates in about a second.
LOADTEST_RESULTS = safe_load.Limits(
    "load-test results file", max_bytes=8 * safe_load.MIB, max_values=1_000_000
)
_LOADTESTS = TypeAdapter(list[LoadTestResult])


class LoadTestResultsError(Exception):
    """A load-test results file that cannot be read or validated; names the file and field."""

    def __init__(self, path: Path | str, problems: list[str]) -> None:
        self.path = str(path)
        self.problems = safe_load.tidy(problems)
        super().__init__(f"{self.path}: " + "; ".join(self.problems))


def _without_secrets(result: LoadTestResult) -> LoadTestResult:
    """The target as a display address, whatever the file says (a hand-edited file may carry
    a password)."""
    return result.model_copy(
        update={
            "target": targets.without_secrets(result.target),
            "notes": [targets.redact_text(n) for n in result.notes],
            "errors": [targets.redact_text(e) for e in result.errors],
        }
    )


def parse_loadtest_results(data: Any, source: Path | str = "<input>") -> BakeoffResult:
    """One load test (`loadtest --json`), a bake-off (`bakeoff --json`) or a list of results,
    as one side-by-side result (a single run has no bake-off label)."""
    try:
        if isinstance(data, dict) and "results" in data:
            found = BakeoffResult.model_validate(data)
        else:
            single = isinstance(data, dict)
            listed = _LOADTESTS.validate_python([data] if single else data)
            name = listed[0].plan.workload_name if listed else ""
            found = BakeoffResult(workload_name=name, label="", results=listed)
    except ValidationError as error:
        problems = []
        for item in error.errors():
            where = ".".join(safe_load.escaped(str(p)) for p in item["loc"]) or "(result)"
            problems.append(f"{where}: {item['msg'].removeprefix('Value error, ')}")
        raise LoadTestResultsError(source, problems) from None
    return found.model_copy(update={"results": [_without_secrets(r) for r in found.results]})


def load_loadtest_results(path: Path | str) -> BakeoffResult:
    """Read load-test results from a JSON file (bounded: see advisor/safe_load.py)."""
    try:
        data = safe_load.load_json(path, LOADTEST_RESULTS)
    except safe_load.LoadError as error:
        raise LoadTestResultsError(path, [error.problem]) from None
    return parse_loadtest_results(data, path)
