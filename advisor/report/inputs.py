"""Read probe results saved by `broker-advisor probe --json` for inclusion in a report."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from pydantic import TypeAdapter, ValidationError

from advisor import safe_load
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
