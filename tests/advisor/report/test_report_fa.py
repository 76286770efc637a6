"""Reports in Persian: right-to-left HTML and decision record, Persian JSON texts, every template
message in the catalogue, and English reports left as they were."""

from __future__ import annotations

import importlib
import json
import re
from pathlib import Path

import jsonschema
import pytest

from advisor import i18n, paths, report
from advisor.recommendation import Recommendation
from advisor.report import env, schema
from advisor.workload import Workload
from tests.advisor.report.conftest import GENERATED_AT

ARABIC_SCRIPT = re.compile("[\u0600-\u06ff]")
# A literal message in a template: tr("...") or trh("...") (Jinja string, \" for a quote).
TEMPLATE_MESSAGE = re.compile(r'\btrh?\(\s*"((?:[^"\\]|\\.)*)"')
# The package exports render(); the module holds the helpers.
render = importlib.import_module("advisor.report.render")
PERSIAN_FONTS = '"Noto Sans Arabic UI", "Noto Sans Arabic", "Noto Naskh Arabic", "DejaVu Sans"'


def _render(fmt: str, pair: tuple[Workload, Recommendation], lang: str = "fa") -> str:
    workload, _ = pair
    with i18n.using(lang):
        # The recommendation is worded when it is made: make it in the report's language.
        from advisor import engine

        out = report.render(fmt, workload, engine.recommend(workload), generated_at=GENERATED_AT)
    assert isinstance(out, str)
    return out


def _template_messages() -> dict[str, str]:
    found: dict[str, str] = {}
    for path in sorted(paths.templates_dir().glob("*.j2")):
        for match in TEMPLATE_MESSAGE.finditer(path.read_text(encoding="utf-8")):
            found.setdefault(match.group(1).replace('\\"', '"'), path.name)
    return found


def test_every_message_in_the_templates_has_its_persian() -> None:
    messages = _template_messages()
    assert len(messages) > 100
    catalogue = i18n.catalogue("fa")
    missing = {text: where for text, where in messages.items() if text not in catalogue}
    assert not missing, missing


def test_every_template_message_is_given_the_fields_it_names() -> None:
    """A tr("... {name} ...") in a template branch no test renders fails only when it is."""
    import string

    from jinja2 import nodes

    environment = env.environment()
    for path in sorted(paths.templates_dir().glob("*.j2")):
        tree = environment.parse(path.read_text(encoding="utf-8"))
        for call in tree.find_all(nodes.Call):
            name = call.node.name if isinstance(call.node, nodes.Name) else ""
            if name in ("tr", "trh") and call.args and isinstance(call.args[0], nodes.Const):
                message = call.args[0].value
                fields = {f for _, f, _, _ in string.Formatter().parse(message) if f}
                assert fields == {k.key for k in call.kwargs}, (path.name, message)


def test_the_report_catalogue_keeps_each_message_once_and_in_persian() -> None:
    text = (paths.assets_dir() / "i18n" / "fa" / "report.yaml").read_text(encoding="utf-8")
    keys = re.findall(r'^  "((?:[^"\\]|\\.)*)":', text, re.MULTILINE)
    assert len(keys) == len(set(keys))
    catalogue = i18n.catalogue("fa")
    for key in keys:
        english = key.replace('\\"', '"')
        assert ARABIC_SCRIPT.search(catalogue[english]) or catalogue[english] != english, key


def test_html_is_right_to_left_with_persian_headings_and_fonts(
    presets: dict[str, tuple[Workload, Recommendation]],
) -> None:
    html = _render("html", presets["order-processing"])
    assert '<html lang="fa" dir="rtl">' in html
    assert f"font-family: {PERSIAN_FONTS}, sans-serif" in html
    for heading in ("۱. بار کاری", "۲. رتبه‌بندی", "۴. دلایل", "۶. برآورد اندازه"):
        assert heading + "</h2>" in html, heading
    assert "پیوست: بخش‌هایی از راهنما" in html
    # Mirrored CSS and isolated Latin runs; code stays left to right.
    assert "text-align: start" in html and "border-inline-start" in html
    assert "<bdi>\u2068150 msg/s\u2069</bdi>" in html
    assert '<pre dir="ltr"><code>' in html
    # English words of the template are gone from headings and table heads.
    for english in (">Workload</", ">Ranking</", ">Rank</th>", "Recommended setup", "Appendix:"):
        assert english not in html, english


def test_print_variant_lists_table_cells_right_to_left(
    presets: dict[str, tuple[Workload, Recommendation]],
) -> None:
    workload, _ = presets["order-processing"]
    from advisor import engine
    from advisor.report import context

    with i18n.using("fa"):
        ctx = context.build_context(workload, engine.recommend(workload), [], GENERATED_AT)
        html = render.render_html(ctx, for_print=True)
        screen = render.render_html(ctx)
    assert '<html lang="fa" dir="rtl">' in html
    # The name row of the workload table: the value cell first, then its title.
    name_row = next(r for r in re.findall(r"<tr>.*?</tr>", html) if ">نام</th>" in r)
    assert name_row.index("<td>") < name_row.index("<th>")
    screen_row = next(r for r in re.findall(r"<tr>.*?</tr>", screen) if ">نام</th>" in r)
    assert screen_row.index("<th>") < screen_row.index("<td>")


def test_mirror_table_rows_reverses_cells_and_leaves_single_cells() -> None:
    html = '<tr><th width="9%">a</th>\n<td class="num">1</td></tr><tr><td>only</td></tr>'
    assert render.mirror_table_rows(html) == (
        '<tr><td class="num">1</td><th width="9%">a</th></tr><tr><td>only</td></tr>'
    )


def test_markdown_record_is_right_to_left_with_persian_headings(
    presets: dict[str, tuple[Workload, Recommendation]],
) -> None:
    md = _render("md", presets["order-processing"])
    front, body = md.split("\n---\n", 1)
    assert front.startswith("---\nstatus: proposed")
    assert body.lstrip().startswith('<div dir="rtl" lang="fa">\n\n')
    assert body.rstrip().endswith("\n\n</div>")
    for heading in ("## زمینه و صورت مسئله", "## عوامل تصمیم", "## نتیجهٔ تصمیم", "### راستی‌آزمایی"):
        assert f"\n{heading}\n" in body, heading
    # Commands stay Latin, in code spans; fenced code is left as it is.
    assert "`broker-advisor recommend WORKLOAD_FILE`" in body
    assert "```python\n" in body
    assert "Context and Problem Statement" not in body


def test_json_report_validates_and_carries_persian_texts(
    presets: dict[str, tuple[Workload, Recommendation]],
) -> None:
    data = json.loads(_render("json", presets["order-processing"]))
    shipped = json.loads(schema.schema_file().read_text(encoding="utf-8"))
    jsonschema.validate(data, shipped, cls=jsonschema.Draft202012Validator)
    assert data["language"] == "fa"
    assert ARABIC_SCRIPT.search(data["recommendation"]["summary"])
    assert ARABIC_SCRIPT.search(data["citations"][0]["title"] + data["citations"][0]["markdown"])
    # Keys and data values stay as they are.
    assert data["recommendation"]["winner"] == "rabbitmq"
    assert data["workload"]["ordering"] in {"none", "per_key", "global"}


def test_english_reports_stay_english(
    presets: dict[str, tuple[Workload, Recommendation]],
) -> None:
    # Persian first: a template compiled then must not keep Persian for the English report.
    _render("html", presets["order-processing"])
    _render("md", presets["order-processing"])
    html = _render("html", presets["order-processing"], "en")
    md = _render("md", presets["order-processing"], "en")
    data = json.loads(_render("json", presets["order-processing"], "en"))
    assert '<html lang="en">' in html and "<bdi>" not in html and 'dir="rtl"' not in html
    assert '"Segoe UI"' in html and "Noto Sans Arabic" not in html
    assert "1. Workload</h2>" in html
    assert "<div dir=" not in md and "## Context and Problem Statement" in md
    assert data["language"] == "en"
    for text in (html, md):
        assert not ARABIC_SCRIPT.search(text.replace("فارسی", ""))


@pytest.mark.parametrize(
    ("value", "expected"),
    [("150 msg/s", "<bdi>\u2068150 msg/s\u2069</bdi>"), ("workerهای رقیب", "workerهای رقیب")],
)
def test_latin_runs_are_isolated_only_in_persian(value: str, expected: str) -> None:
    with i18n.using("fa"):
        assert str(env.bidi(value)) == expected
        assert env.digits(12) == "۱۲"
    assert env.bidi(value) == value
    assert env.digits(12) == "12"
    assert env.text_direction("Orders flow") == "ltr"
    assert env.text_direction("«سفارش‌ها» ۱۲") == "rtl"


def test_the_report_command_speaks_persian(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from advisor import cli

    # --lang sets the process's language and variable: keep both to this test.
    monkeypatch.setattr(i18n, "_current", [])
    monkeypatch.setenv(i18n.ENV_VAR, "en")
    target = tmp_path / "fa.html"
    preset = paths.presets_dir() / "order-processing.yaml"
    assert cli.main(["--lang", "fa", "report", str(preset), "-f", "html", "-o", str(target)]) == 0
    assert '<html lang="fa" dir="rtl">' in target.read_text(encoding="utf-8")
    assert capsys.readouterr().err.strip() == f"گزارش HTML در {target} نوشته شد"
    assert cli.main(["--lang", "fa", "report", str(preset), "-f", "pdf"]) == 2
    assert "گزارش PDF به فایل خروجی نیاز دارد" in capsys.readouterr().err


@pytest.mark.parametrize("name", ["order-processing", "audit-log", "rails-sidekiq-jobs"])
def test_probe_and_load_test_sections_are_worded_in_persian(
    presets: dict[str, tuple[Workload, Recommendation]], name: str
) -> None:
    from advisor import engine
    from advisor.report import context, inputs
    from tests.advisor.report.conftest import probe_result_with_secret

    workload, _ = presets[name]
    bakeoff = inputs.load_loadtest_results(Path(__file__).with_name("loadtest_bakeoff.json"))
    with i18n.using("fa"):
        ctx = context.build_context(
            workload,
            engine.recommend(workload),
            [probe_result_with_secret()],
            GENERATED_AT,
            loadtest=bakeoff,
        )
        html = render.render_html(ctx)
        md = render.render_markdown(ctx)
        render.render_html(ctx, for_print=True)
    assert "۱۰. نتایج probe</h2>" in html and "۱۱. آزمون بار</h2>" in html
    assert ">موفق</td>" in html and ">هشدار</td>" in html  # statuses worded, classes kept
    assert 'class="status status-warn"' in html
    assert "تنظیمات تحویل" in html and "توان عملیاتی" in html
    assert "آزمون بار \u2068Redis 7.0.15\u2069 در" in md
    for english in ("Delivery settings", "Probe results", "Load test of", "Verdicts for"):
        assert english not in html + md, english


def test_persian_reports_keep_user_text_inert() -> None:
    from advisor import engine
    from tests.advisor.report.conftest import HOSTILE, hostile_workload

    workload = hostile_workload()
    with i18n.using("fa"):
        recommendation = engine.recommend(workload)
        html = report.render("html", workload, recommendation, generated_at=GENERATED_AT)
        md = report.render("md", workload, recommendation, generated_at=GENERATED_AT)
    assert isinstance(html, str) and isinstance(md, str)
    assert HOSTILE not in html and "<img src=x" not in html
    assert "&lt;script&gt;" in html
    # Outside code blocks (where the name is only a comment) markup is escaped; the only raw
    # HTML is the record's own right-to-left <div>.
    from tests.advisor.report.test_report_formats import outside_code

    prose = "\n".join(outside_code(md))
    assert re.search(r"(?<!\\)<(script|img|b>|/script)", prose) is None
    assert "\\<script\\>alert(1)\\</script\\>" in prose
