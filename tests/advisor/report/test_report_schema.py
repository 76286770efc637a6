"""The JSON Schema ships as a file equal to what the models generate, and reports point to it."""

from __future__ import annotations

import json
import re

import jsonschema
import pytest

from advisor import cli, report
from advisor.recommendation import Recommendation
from advisor.report import schema
from advisor.workload import Workload
from tests.advisor.report.conftest import GENERATED_AT

REGENERATE = "broker-advisor report --schema > assets/templates/report.schema.json"


def shipped() -> dict[str, object]:
    return json.loads(schema.schema_file().read_text(encoding="utf-8"))


def test_shipped_schema_is_what_the_models_generate() -> None:
    text = schema.schema_file().read_text(encoding="utf-8")
    assert text == schema.schema_text(), f"the shipped schema is stale: run {REGENERATE}"


def test_schema_command_prints_the_shipped_file(capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["report", "--schema"]) == 0
    assert capsys.readouterr().out == schema.schema_file().read_text(encoding="utf-8")


def test_schema_id_is_a_stable_urn_and_the_version_is_required() -> None:
    data = shipped()
    assert data["$id"] == f"urn:broker-advisor:report:{report.REPORT_SCHEMA_VERSION}"
    assert ".invalid" not in json.dumps(data)
    required = data["required"]
    assert isinstance(required, list)
    assert {"$schema", "report_schema_version", "generated_at", "workload"} <= set(required)
    jsonschema.Draft202012Validator.check_schema(data)


def test_report_points_to_its_schema_and_validates(
    presets: dict[str, tuple[Workload, Recommendation]],
) -> None:
    workload, recommendation = presets["order-processing"]
    out = report.render("json", workload, recommendation, generated_at=GENERATED_AT)
    data = json.loads(str(out))
    assert next(iter(data)) == "$schema"
    assert data["$schema"] == shipped()["$id"]
    jsonschema.validate(data, shipped(), cls=jsonschema.Draft202012Validator)
    for field in ("report_schema_version", "$schema"):
        broken = {k: v for k, v in data.items() if k != field}
        with pytest.raises(jsonschema.ValidationError, match=re.escape(f"'{field}' is a required")):
            jsonschema.validate(broken, shipped(), cls=jsonschema.Draft202012Validator)
