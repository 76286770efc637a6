"""Read probe results saved by `broker-advisor probe --json` for inclusion in a report."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from pydantic import TypeAdapter, ValidationError

from advisor.probe.models import ProbeResult

_RESULTS = TypeAdapter(list[ProbeResult])


class ProbeResultsError(Exception):
    """A probe results file that cannot be read or validated; names the file and the field."""

    def __init__(self, path: Path | str, problems: list[str]) -> None:
        self.path = str(path)
        self.problems = problems
        super().__init__(f"{self.path}: " + "; ".join(problems))


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
            where = ".".join(str(p) for p in [*prefix, *loc]) or "(result)"
            msg = item["msg"].removeprefix("Value error, ")
            problems.append(f"{where}: {msg}")
        raise ProbeResultsError(source, problems[:20]) from None


def load_probe_results(path: Path | str) -> list[ProbeResult]:
    """Read probe results from a JSON file."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as error:
        raise ProbeResultsError(path, [error.strerror or str(error)]) from None
    except UnicodeDecodeError:
        raise ProbeResultsError(path, ["not a text file (UTF-8 JSON expected)"]) from None
    try:
        data = json.loads(text)
    except json.JSONDecodeError as error:
        raise ProbeResultsError(
            path, [f"invalid JSON at line {error.lineno}, column {error.colno}: {error.msg}"]
        ) from None
    return parse_probe_results(data, path)
