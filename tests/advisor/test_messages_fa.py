"""Persian output of the load test, the sandbox CLI and workload validation (issue 13): the
CLI with `--lang fa` words its messages and problems in Persian, with the same exit codes, and
keeps identifiers, options and figures Latin."""

from __future__ import annotations

import io
import subprocess
from pathlib import Path

import pytest

from advisor import i18n, workload
from advisor.loadtest import cli as loadtest_cli
from advisor.loadtest import plan, runner
from advisor.probe import targets
from advisor.probe.models import CheckStatus
from tests.languages import persian as _persian
from tests.languages import run_cli as _cli

ROOT = Path(__file__).resolve().parents[2]
PRESET = ROOT / "assets" / "presets" / "order-processing.yaml"


def test_a_load_test_of_a_closed_port_is_refused_in_persian() -> None:
    found = _cli("--lang", "fa", "loadtest", "redis://127.0.0.1:1/0", "--workload", str(PRESET))
    assert found.returncode == 2, found.stderr
    error = found.stderr.strip().splitlines()[-1]
    assert error.startswith("خطا: ") and "چیزی ساخته نشد" in error
    assert "redis://127.0.0.1:1/0" in error and "127.0.0.1:1" in error  # the address stays Latin
    english = _cli("loadtest", "redis://127.0.0.1:1/0", "--workload", str(PRESET))
    assert english.returncode == 2
    assert "could not be used" in english.stderr and not _persian(english.stderr)


def test_a_bad_load_test_option_is_refused_in_persian() -> None:
    found = _cli(
        "--lang", "fa", "loadtest", "redis://127.0.0.1:1/0", "--workload", str(PRESET),
        "--rate", "fast",
    )  # fmt: skip
    assert found.returncode == 2
    assert _persian(found.stderr) and "--rate" in found.stderr and "'fast'" in found.stderr


def _bomb(path: Path) -> Path:
    lines = ["a: &a [x, x, x, x, x, x, x, x, x, x]"]
    for level in range(1, 8):
        previous, name = chr(96 + level), chr(97 + level)
        lines.append(f"{name}: &{name} [" + ", ".join([f"*{previous}"] * 10) + "]")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


MALFORMED = {
    "a string for a rate": (
        'name: x\navg_rate_msg_per_s: "100"\n',
        ["avg_rate_msg_per_s: باید عدد باشد", "'100'"],
    ),
    "peak below average": (
        "name: x\navg_rate_msg_per_s: 100\npeak_rate_msg_per_s: 5\n",
        ["peak_rate_msg_per_s: ", "نرخ اوج نمی‌تواند کمتر از نرخ میانگین باشد"],
    ),
    "an unknown field": (
        "name: x\npeak_rate_msg_per_sec: 10\n",
        ["peak_rate_msg_per_sec: فیلد ناشناخته", "peak_rate_msg_per_s"],
    ),
    "a choice not offered": (
        "name: x\nordering: sideways\n",
        ["ordering: باید یکی از این‌ها باشد: 'none'، 'per_key' یا 'global'"],
    ),
}


@pytest.mark.parametrize("case", list(MALFORMED))
def test_a_malformed_workload_is_described_in_persian(tmp_path: Path, case: str) -> None:
    text, expected = MALFORMED[case]
    path = tmp_path / "workload.yaml"
    path.write_text(text, encoding="utf-8")
    found = _cli("--lang", "fa", "recommend", str(path))
    assert found.returncode == 2
    assert "\\u" not in found.stderr  # the marks of the wording are not escaped
    for words in expected:
        assert words in found.stderr, found.stderr
    assert not _persian(_cli("recommend", str(path)).stderr)


def test_a_yaml_alias_bomb_is_refused_in_persian(tmp_path: Path) -> None:
    found = _cli("--lang", "fa", "recommend", str(_bomb(tmp_path / "bomb.yaml")))
    assert found.returncode == 2
    assert "YAML نامعتبر" in found.stderr and "\u20685,000\u2069" in found.stderr
    english = _cli("recommend", str(tmp_path / "bomb.yaml"))
    assert "more than 5,000 values once aliases (*name) are expanded" in english.stderr


def test_validation_problems_follow_the_language_and_keep_english_as_it_was() -> None:
    data = {"avg_rate_msg_per_s": 100, "consumer_groups": 0, "tolerated_node_failures": 9}
    with pytest.raises(workload.WorkloadFileError) as english:
        workload.parse_workload(data)
    assert english.value.problems == [
        "consumer_groups: Input should be greater than or equal to 1 (got 0)",
        "tolerated_node_failures: Input should be less than or equal to 3 (got 9)",
    ]
    with i18n.using("fa"), pytest.raises(workload.WorkloadFileError) as persian:
        workload.parse_workload(data)
    assert persian.value.problems == [
        "consumer_groups: باید دست‌کم \u20681\u2069 باشد (مقدار داده‌شده: \u20680\u2069)",
        "tolerated_node_failures: باید حداکثر \u20683\u2069 باشد (مقدار داده‌شده: \u20689\u2069)",
    ]
    with i18n.using("fa"), pytest.raises(workload.WorkloadFileError) as peak:
        workload.parse_workload({"avg_rate_msg_per_s": 100, "peak_rate_msg_per_s": 5})
    # Filed under the field it names first, in Persian as in English.
    assert peak.value.problems[0].startswith("peak_rate_msg_per_s: \u2068peak_rate_msg_per_s")


def test_sandbox_status_is_worded_in_persian() -> None:
    found = _cli("--lang", "fa", "sandbox", "status")
    assert found.returncode == 0, found.stderr
    assert found.stdout.startswith("sandbox در ")
    assert "مقصدها:" in found.stdout and "فرایند" in found.stdout
    assert "redis://127.0.0.1:16379" in found.stdout  # targets stay as they are
    assert _cli("sandbox", "status").stdout.startswith("Sandbox in ")


@pytest.mark.integration
def test_a_short_real_run_is_judged_in_persian(redis_url: str) -> None:
    wl = workload.Workload(
        name="سفارش‌ها",
        avg_rate_msg_per_s=200,
        peak_rate_msg_per_s=200,
        avg_message_size_bytes=400,
        p99_latency_ms=2000,
        consumption="competing_workers",
        ordering="global",
        workers=1,
    )
    with i18n.using("fa"):
        result = runner.loadtest(
            targets.parse_target(redis_url),
            wl,
            duration_s=1.5,
            rate=plan.RateChoice("peak"),
            ramp=False,
        )
        out = io.StringIO()
        loadtest_cli.render(result, out)
    assert result.errors == [] and result.verdicts
    for verdict in result.verdicts:
        assert _persian(verdict.message) and "\\u" not in verdict.message, verdict
        assert verdict.requirement.isascii()  # ids and statuses stay data
        if verdict.advice:
            assert _persian(verdict.advice), verdict
    assert {v.requirement for v in result.verdicts} >= {
        "peak_rate",
        "p99_latency",
        "no_loss",
        "ordering",
    }
    assert not [v for v in result.verdicts if v.status is CheckStatus.FAIL]
    assert _persian(result.plan.modelled_as) and _persian(result.plan.delivery.source)
    text = out.getvalue()
    assert "آزمون بار" in text and "پاک‌سازی:" in text and "PASS" in text
    assert '"status": "pass"' in result.model_dump_json(indent=2)


def _sandbox_cli(tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """`broker-advisor --lang fa sandbox ARGS` with no broker program on PATH."""
    empty = tmp_path / "bin"
    empty.mkdir(exist_ok=True)
    home = str(tmp_path / "home")
    env = {"PATH": str(empty), "BROKER_ADVISOR_HOME": home, "HOME": home}
    return _cli("--lang", "fa", "sandbox", *args, env=env)


def test_missing_sandbox_prerequisites_are_listed_in_persian(tmp_path: Path) -> None:
    found = _sandbox_cli(tmp_path, "up", "--only", "kafka")
    assert found.returncode == 2, found.stderr
    lines = found.stderr.splitlines()
    assert lines[0] == "sandbox راه نمی‌افتد؛ این پیش‌نیازها نیستند:"
    assert "  - \u2068java >= 17\u2069 (برای \u2068kafka\u2069): در PATH پیدا نشد" in lines
    assert (
        "نصبشان با:" in lines and "  sudo apt-get install -y openjdk-17-jre-headless maven" in lines
    )
    assert "Traceback" not in found.stderr


def test_a_sandbox_usage_error_is_persian(tmp_path: Path) -> None:
    found = _sandbox_cli(tmp_path, "up", "--only", "nats")
    assert found.returncode == 2
    assert "broker ناشناخته: \u2068'nats'\u2069" in found.stderr
    assert "\u2068redis, rabbitmq, kafka\u2069" in found.stderr  # the choices stay Latin


def test_sandbox_progress_lines_are_persian() -> None:
    from advisor.sandbox import manager, process

    said: list[str] = []
    with i18n.using("fa"):
        manager._timed(said.append, "redis", True, lambda: None)
        manager._timed(said.append, "kafka-1", False, lambda: None)
        error = process.StateFileError(
            Path("/tmp/x.pid"), i18n.tr("cannot read the pid file ({error})", error="EIO")
        )
    assert said[0] == "\u2068redis\u2069: از قبل در حال اجراست"
    assert said[1].startswith("\u2068kafka-1\u2069: در \u20680.") and said[1].endswith(
        "ثانیه آماده شد"
    )
    assert str(error).startswith("\u2068/tmp/x.pid\u2069: فایل pid خوانده نشد")
    english: list[str] = []
    manager._timed(english.append, "redis", True, lambda: None)
    assert english == ["redis: already running"]


def test_load_test_phases_and_driver_errors_are_persian() -> None:
    import time

    from advisor.loadtest.drivers import base

    with i18n.using("fa"):
        words = [plan.phase_title(n) for n in ("average", "peak", "ramp 1,200 msg/s")]
        with pytest.raises(TimeoutError) as late:
            base.bounded(lambda: time.sleep(0.5), 0.01)
    assert words == ["میانگین", "اوج", "ramp \u20681,200 msg/s\u2069"]
    assert _persian(str(late.value)) and "\u20680.01\u2069" in str(late.value)
    assert plan.phase_title("ramp 1,200 msg/s") == "ramp 1,200 msg/s"
    assert plan.phase_title("500 msg/s") == "500 msg/s"
    with pytest.raises(TimeoutError, match=r"^no answer from the broker within 0\.01 s$"):
        base.bounded(lambda: time.sleep(0.5), 0.01)


def test_load_test_workers_word_in_the_run_language() -> None:
    """Spawned worker processes start in English: the runner hands them its language."""
    seen: list[str] = []
    try:
        with i18n.using("fa"):
            runner._in_language(i18n.language(), lambda: seen.append(i18n.tr("peak")))
    finally:
        i18n.set_language("en")
    assert seen == ["اوج"]


def test_a_probed_product_is_worded_where_shown() -> None:
    """The result keeps "Apache Kafka (or compatible)" as data; the headline words it."""
    from advisor import views
    from advisor.probe import runner as probe_runner
    from advisor.probe.models import ProbeSummary
    from advisor.workload import Broker

    result = probe_runner.failed_result("kafka://127.0.0.1:9092", Broker.KAFKA, []).model_copy(
        update={
            "summary": ProbeSummary(
                product="Apache Kafka (or compatible)", version="4.1.0", mode="kraft"
            )
        }
    )
    assert views.probe_headline(result) == "Apache Kafka (or compatible) 4.1.0 · kraft"
    with i18n.using("fa"):
        assert views.probe_headline(result) == "Apache Kafka (یا سازگار با آن) 4.1.0 · kraft"
    assert result.summary.product == "Apache Kafka (or compatible)"


def test_sandbox_and_load_test_messages_go_through_tr() -> None:
    """Errors raised and lines reported in advisor/sandbox and advisor/loadtest are worded with
    tr(): a bare string or f-string there would stay English in the Persian edition."""
    import ast

    bare = []
    for path in sorted((ROOT / "advisor" / "sandbox").glob("*.py")) + sorted(
        (ROOT / "advisor" / "loadtest").rglob("*.py")
    ):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            call = node.exc if isinstance(node, ast.Raise) else node
            if not isinstance(call, ast.Call):
                continue
            name = getattr(call.func, "id", getattr(call.func, "attr", ""))
            if not (isinstance(node, ast.Raise) or name in ("report", "_say", "fail")):
                continue
            for arg in call.args:
                literal = isinstance(arg, ast.Constant) and isinstance(arg.value, str)
                if literal or isinstance(arg, ast.JoinedStr):
                    bare.append(f"{path.relative_to(ROOT)}:{call.lineno}: {ast.unparse(arg)}")
    assert bare == []
