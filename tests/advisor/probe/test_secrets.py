"""Secrets never leak: a password typed any way reaches no output of the core.

The redaction functions are checked with random passwords in every target form; then one unique,
awkward password goes through every input path of `broker-advisor probe` (arguments and
environment variables, against closed ports on 127.0.0.1) and out through every output: the
table, --json, every report format rendered from those results, and log records.
"""

from __future__ import annotations

import contextlib
import html
import io
import json
import logging
import os
import re
import socket
import subprocess
import sys
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote, quote_plus

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from advisor import cli, paths
from advisor.probe import cli as probe_cli
from advisor.probe import runner, targets
from advisor.probe.models import ProbeResult
from advisor.report import context
from advisor.workload import Broker

ROOT = Path(__file__).resolve().parents[3]
PRESET = str(paths.presets_dir() / "order-processing.yaml")
# Unique per run: every piece between the characters that end a part of a URL ('@', '#', '?',
# '/'), '%', ':', '&', ';' and a non-ASCII one holds TOKEN, so any part of it shows, escaped or not.
TOKEN = uuid.uuid4().hex[:12]
SECRET = "S3cr3t-" + "".join(f"{c}{TOKEN}" for c in ("", "@", "#", "?", "/", "%x", ":", "&", ";é"))
TIMEOUT_S = "2"


def _strings(value: object) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from _strings(key)
            yield from _strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from _strings(item)


def leaks(password: str, text: str) -> list[str]:
    """The forms of the password found in text: as typed, percent-, HTML- or JSON-escaped."""
    texts = [text]
    with contextlib.suppress(ValueError):
        texts += _strings(json.loads(text))
    forms = {
        password,
        quote(password, safe=""),
        quote_plus(password, safe=""),
        quote(password),
        html.escape(password),
    }
    found = [form for form in forms for t in texts if form in t]
    if password == SECRET:
        found += [TOKEN] if TOKEN in text.lower() else []
    return found


# -- every way a password may be typed --------------------------------------------------------
def raw_forms(pw: str, port: int = 6379) -> dict[str, str]:
    """Target texts holding the password as pasted: unencoded, possibly malformed."""
    host = f"127.0.0.1:{port}"
    return {
        "redis": f"redis://:{pw}@{host}/0",
        "redis user": f"redis://alice:{pw}@{host}/0",
        "rediss": f"rediss://alice:{pw}@{host}",
        "amqp": f"amqp://alice:{pw}@{host}/%2F",
        "amqps": f"amqps://alice:{pw}@{host}/prod",
        "kafka": f"kafka://alice:{pw}@{host}",
        "kafka+sasl_ssl": f"kafka+sasl_ssl://alice:{pw}@{host}",
        "SASL_SSL": f"SASL_SSL://alice:{pw}@{host}",
        "SASL_PLAINTEXT": f"SASL_PLAINTEXT://alice:{pw}@{host}",
        "no scheme": f"alice:{pw}@{host}",
        "no scheme, no user": f":{pw}@{host}",
        "scheme without ':'": f"redis//:{pw}@{host}/0",
        "scheme with one '/'": f"redis:/alice:{pw}@{host}",
        "underscore scheme": f"redis_tls://alice:{pw}@{host}",
        "unknown scheme": f"mysql://alice:{pw}@{host}",
        "management": f"http://alice:{pw}@{host}",
        "env style": f"REDIS_URL=redis://alice:{pw}@{host}",
    }


def query_forms(pw: str, port: int = 9092) -> dict[str, str]:
    """Target texts holding the password in a query parameter, in any case."""
    host = f"127.0.0.1:{port}"
    return {
        "kafka password=": f"kafka://{host}?sasl_mechanism=PLAIN&username=alice&password={pw}",
        "kafka sasl_password=": f"kafka://{host}?username=a@b.c&sasl_password={pw}&x=1",
        "redis PASSWORD=": f"redis://{host}/0?PASSWORD={pw}",
        "pass=": f"amqp://{host}/?pass={pw}",
        "token=": f"kafka://{host}?sasl_mechanism=OAUTHBEARER&Token={pw}",
        "sentinel_password=": f"redis+sentinel://{host}/m?sentinel_password={pw}",
        "bare": f"password={pw}",
    }


def encoded_forms(pw: str, port: int = 6379) -> dict[str, str]:
    """Well-formed targets: the password percent-encoded as clients expect."""
    q = quote(pw, safe="")
    host = f"127.0.0.1:{port}"
    return {
        "redis": f"redis://alice:{q}@{host}/0",
        "amqp": f"amqp://alice:{q}@{host}/%2F",
        "kafka": f"kafka://alice:{q}@{host}",
        "kafka query": f"kafka://{host}?sasl_mechanism=PLAIN&username=alice&password={q}",
        "sentinel": f"redis+sentinel://:{q}@{host}/mymaster?sentinel_password={q}",
        "kombu sentinels": f"sentinel://:{q}@{host};sentinel://:{q}@{host}/0",
        "listener list": f"SASL_SSL://alice:{q}@{host},SASL_SSL://alice:{q}@127.0.0.2:9094",
        "failover list": f"amqp://alice:{q}@{host}//;amqp://alice:{q}@127.0.0.2:5672//",
    }


# A value's end is the next '&key=' or ';key=': a raw password holding that reads as two
# parameters (every client does the same), so raw query passwords are drawn without it.
_NEXT_PARAM = re.compile(r"[&;]\s*[A-Za-z_][A-Za-z0-9_.\-]*\s*=")
_PASSWORD = st.text(
    alphabet=st.one_of(
        st.sampled_from("@#?/%:&=;!$*+-._~[]^ "),
        st.characters(blacklist_categories=("Cs", "Cc", "Zl", "Zp")),
    ),
    min_size=1,
    max_size=24,
).map(lambda s: f"Zq9{s}")


def _all_outputs(text: str) -> dict[str, str]:
    """What the core makes of a target text, for display or storage."""
    out = {
        "redact": targets.redact(text),
        "redact twice": targets.redact(targets.redact(text)),
        "without_secrets": targets.without_secrets(text),
        "report target": context.sanitize_probe_result(_result(text)).target,
    }
    try:
        target = targets.parse_target(text)
    except targets.TargetError as error:
        out["error"] = str(error)
    else:
        out.update(display=target.display_url, dump=target.model_dump_json(), repr=repr(target))
    return out


def _result(target: str) -> ProbeResult:
    return runner.failed_result(target, Broker.REDIS, [], budget_s=1.0)


@settings(max_examples=150, deadline=None)
@given(password=_PASSWORD)
def test_a_raw_password_in_any_userinfo_form_is_hidden(password: str) -> None:
    """From the first ':' after the user to the last '@': '@', '#', '?', '/', '%' included."""
    for name, text in raw_forms(password).items():
        for output, shown in _all_outputs(text).items():
            assert not leaks(password, shown), (name, output, shown)


@settings(max_examples=150, deadline=None)
@given(password=_PASSWORD)
def test_a_password_in_any_query_form_is_hidden(password: str) -> None:
    assume(not _NEXT_PARAM.search(password))
    for name, text in query_forms(password).items():
        for output, shown in _all_outputs(text).items():
            assert not leaks(password, shown), (name, output, shown)


@settings(max_examples=150, deadline=None)
@given(password=_PASSWORD)
def test_an_encoded_password_is_hidden_and_redaction_is_stable(password: str) -> None:
    for name, text in encoded_forms(password).items():
        for output, shown in _all_outputs(text).items():
            assert not leaks(password, shown), (name, output, shown)
        once = targets.redact(text)
        assert targets.redact(once) == once, name


@settings(max_examples=150, deadline=None)
@given(password=_PASSWORD)
def test_redact_text_hides_passwords_in_prose(password: str) -> None:
    # Prose is split into words at spaces and quotes: a password holding them is only hidden
    # in a target field (redact), which the forms above cover.
    assume(not re.search(r"[\s'\"<>]", password))
    for name, text in {**raw_forms(password), **encoded_forms(password)}.items():
        prose = f"could not reach ({text}), giving up: '{text}' <{text}>"
        shown = targets.redact_text(prose)
        assert not leaks(password, shown), (name, shown)
        assert shown.startswith("could not reach (")


@settings(max_examples=150, deadline=None)
@given(password=_PASSWORD, user=st.sampled_from(["", "alice", "svc.user-1"]))
def test_split_credentials_moves_the_whole_password_out(password: str, user: str) -> None:
    """The app moves a pasted password to its masked field: all of it, and nothing else."""
    assume("%" not in password)  # a raw '%' followed by hex digits reads as an escape
    for text in (
        f"redis://{user}:{password}@127.0.0.1:6379/0",
        f"{user}:{password}@127.0.0.1:6379",
        f"redis//{user}:{password}@127.0.0.1:6379",
        f"SASL_PLAINTEXT://{user}:{password}@127.0.0.1:9092",
        f"kafka://{user}:{quote(password, safe='')}@127.0.0.1:9092",
    ):
        bare, found_user, found = targets.split_credentials(text)
        assert (found_user, found) == (user, password), text
        assert not leaks(password, bare) and "127.0.0.1" in bare
        _bare, taken, _pw = targets.split_credentials(text, take_user=True)
        assert taken == user


@pytest.mark.parametrize(
    ("text", "bare", "user", "password"),
    [
        ("redis://:p@w#x@h:6379/0", "redis://h:6379/0", "", "p@w#x"),
        ("amqp://u:a/b?c@h/%2F", "amqp://u@h/%2F", "u", "a/b?c"),
        ("u:pw@h:6379", "u@h:6379", "u", "pw"),
        ("SASL_PLAINTEXT://u:pw@k:9092", "SASL_PLAINTEXT://u@k:9092", "u", "pw"),
        ("redis://h/0?password=pw&db=1", "redis://h/0?db=1", "", "pw"),
        ("redis://h/0?db=1&Password=p%40w", "redis://h/0?db=1", "", "p@w"),
        ("kafka://k?username=a@b&password=pw", "kafka://k?username=a@b", "", "pw"),
        ("redis://u@h", "redis://u@h", "", ""),
        ("redis://h:6379", "redis://h:6379", "", ""),
    ],
)
def test_split_credentials_table(text: str, bare: str, user: str, password: str) -> None:
    assert targets.split_credentials(text) == (bare, user if password else "", password)


@pytest.mark.parametrize(
    ("text", "saved"),
    [
        ("redis://u:p/w@h:6379/0", "redis://u@h:6379/0"),
        ("redis://:pw@h", "redis://h"),
        ("u:p@w@h:6379", "u@h:6379"),
        ("redis+sentinel://s/m?sentinel_password=pw&sentinel_username=u", None),
        ("kafka://k?password=pw", "kafka://k"),
        ("SASL_PLAINTEXT://u:pw@k:9092", "SASL_PLAINTEXT://u@k:9092"),
    ],
)
def test_without_secrets_keeps_the_address(text: str, saved: str | None) -> None:
    kept = targets.without_secrets(text)
    assert "pw" not in kept and "p/w" not in kept
    assert kept == (saved or "redis+sentinel://s/m?sentinel_username=u")


@pytest.mark.parametrize(
    ("text", "field"),
    [
        ("localhost:6379", targets.TargetField.SCHEME),
        ("user:pw@localhost:6379", targets.TargetField.SCHEME),
        ("mysql://h", targets.TargetField.SCHEME),
        ("redis://:p/w@h", targets.TargetField.USERINFO),
        ("redis://h:abc", targets.TargetField.PORT),
        ("redis://h:70000", targets.TargetField.PORT),
        ("redis://", targets.TargetField.HOST),
        ("redis://a,b", targets.TargetField.HOST),
        ("redis://::1", targets.TargetField.HOST),
        ("redis://h/x", targets.TargetField.PATH),
        ("redis+sentinel://h", targets.TargetField.PATH),
        ("amqp://h/a/b", targets.TargetField.PATH),
        ("kafka://k/topic", targets.TargetField.PATH),
        ("redis://h?password=x", targets.TargetField.QUERY),
        ("kafka://k?sasl_mechanism=MAGIC&username=u&password=p", targets.TargetField.QUERY),
        ("kafka://k?sasl_mechanism=PLAIN", targets.TargetField.USERINFO),
        ("amqp://h1//;amqp://h2//", targets.TargetField.URL),
    ],
)
def test_target_errors_name_the_wrong_part(text: str, field: targets.TargetField) -> None:
    with pytest.raises(targets.TargetError) as info:
        targets.parse_target(text)
    assert info.value.field is field
    assert "pw" not in str(info.value)


def test_management_url_errors_name_the_management_url() -> None:
    for management in ("ftp://h", "http://u:p/w@h:15672"):
        with pytest.raises(targets.TargetError) as info:
            targets.parse_target("amqp://h", management_url=management)
        assert info.value.field is targets.TargetField.MANAGEMENT_URL
        assert "p/w" not in str(info.value)
    errors: list[targets.EnvTargetError] = []
    env = {"AMQP_URL": "amqp://h", "RABBITMQ_MANAGEMENT_URL": "http://u:p/w@h:15672"}
    assert targets.targets_from_env(env, errors=errors) == []
    assert errors[0].field is targets.TargetField.MANAGEMENT_URL


# -- the secret through `broker-advisor probe` and `report` -----------------------------------
def _closed_ports(count: int) -> list[int]:
    """Ports on 127.0.0.1 nothing listens on (bound, then released): probes fail fast."""
    socks = [socket.socket() for _ in range(count)]
    try:
        for sock in socks:
            sock.bind(("127.0.0.1", 0))
        return [int(sock.getsockname()[1]) for sock in socks]
    finally:
        for sock in socks:
            sock.close()


@dataclass(frozen=True)
class Run:
    """One `broker-advisor probe` run: how the secret went in, and everything that came out."""

    name: str
    args: tuple[str, ...]
    env: dict[str, str]
    code: int
    stdout: str
    stderr: str

    @property
    def results(self) -> list[ProbeResult]:
        if "--json" not in self.args or not self.stdout.strip():
            return []
        return [ProbeResult.model_validate(r) for r in json.loads(self.stdout)]


def _argument_inputs(ports: list[int]) -> dict[str, tuple[list[str], dict[str, str]]]:
    """Every CLI input path for the secret: (arguments, environment)."""
    p = iter(ports)
    inputs: dict[str, tuple[list[str], dict[str, str]]] = {}
    for name, text in raw_forms(SECRET, next(p)).items():
        inputs[f"argument, raw, {name}"] = ([text], {})
    for name, text in query_forms(SECRET, next(p)).items():
        inputs[f"argument, query, {name}"] = ([text], {})
    for name, text in encoded_forms(SECRET, next(p)).items():
        inputs[f"argument, encoded, {name}"] = ([text], {})
    valid = [encoded_forms(SECRET, next(p))[k] for k in ("redis", "amqp", "kafka", "sentinel")]
    inputs["arguments, valid, probed together"] = (valid, {})
    q = quote(SECRET, safe="")
    management = f"http://alice:{SECRET}@127.0.0.1:{next(p)}"
    inputs["--management-url, raw"] = (
        [f"amqp://alice:{q}@127.0.0.1:{next(p)}/", "--management-url", management],
        {},
    )
    inputs["--management-url, encoded"] = (
        [
            f"amqp://alice:{q}@127.0.0.1:{next(p)}/",
            "--management-url",
            f"http://alice:{q}@127.0.0.1:{next(p)}",
        ],
        {},
    )
    inputs["--management-url without a RabbitMQ target"] = (
        [f"redis://:{q}@127.0.0.1:{next(p)}", "--management-url", management],
        {},
    )
    env_sets = {
        "environment, raw": {
            "REDIS_URL": f"redis://:{SECRET}@127.0.0.1:{next(p)}/0",
            "CELERY_BROKER_URL": f"amqp://alice:{SECRET}@127.0.0.1:{next(p)}//",
            "AMQP_URL": f"pyamqp://alice:{SECRET}@127.0.0.1:{next(p)}//",
            "KAFKA_BOOTSTRAP_SERVERS": f"SASL_SSL://alice:{SECRET}@127.0.0.1:{next(p)}",
            "RABBITMQ_MANAGEMENT_URL": f"http://alice:{SECRET}@127.0.0.1:{next(p)}",
        },
        "environment, malformed": {
            "REDIS_URL": f"alice:{SECRET}@127.0.0.1:{next(p)}",
            "CELERY_BROKER_URL": f"redis//:{SECRET}@127.0.0.1:{next(p)}/0",
            "AMQP_URL": f"amqp://127.0.0.1:{next(p)}/?password={SECRET}",
            "KAFKA_BOOTSTRAP_SERVERS": f"alice:{SECRET}@127.0.0.1:{next(p)}",
        },
        "environment, encoded": {
            "REDIS_URL": f"redis+sentinel://:{q}@127.0.0.1:{next(p)}/m?sentinel_password={q}",
            "CELERY_BROKER_URL": (
                f"amqp://alice:{q}@127.0.0.1:{next(p)}//;amqp://alice:{q}@127.0.0.1:{next(p)}//"
            ),
            "KAFKA_BOOTSTRAP_SERVERS": (
                f"SASL_PLAINTEXT://alice:{q}@127.0.0.1:{next(p)},"
                f"SASL_PLAINTEXT://alice:{q}@127.0.0.1:{next(p)}"
            ),
            "RABBITMQ_MANAGEMENT_URL": f"http://alice:{q}@127.0.0.1:{next(p)}",
        },
    }
    for name, env in env_sets.items():
        inputs[name] = ([], env)
    return inputs


_ENV_NAMES = (
    "REDIS_URL",
    "CELERY_BROKER_URL",
    "AMQP_URL",
    "KAFKA_BOOTSTRAP_SERVERS",
    "RABBITMQ_MANAGEMENT_URL",
)


def _clean_env(extra: dict[str, str]) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in _ENV_NAMES}
    return {**env, "PYTHONIOENCODING": "utf-8", **extra}


@pytest.fixture(scope="module")
def probe_runs() -> list[Run]:
    """Every input path, as a table and as --json, run at once in subprocesses."""
    inputs = _argument_inputs(_closed_ports(40))
    started = []
    for name, (args, env) in inputs.items():
        for mode in ([], ["--json"]):
            command = ("probe", *args, "--timeout", TIMEOUT_S, "--stage-timeout", "1", *mode)
            process = subprocess.Popen(
                [sys.executable, "-m", "advisor.cli", *command],
                cwd=ROOT,
                env=_clean_env(env),
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
                encoding="utf-8",
            )
            started.append((name, command, env, process))
    runs = []
    for name, command, env, process in started:
        stdout, stderr = process.communicate(timeout=120)
        runs.append(Run(name, command, env, process.returncode, stdout, stderr))
    return runs


def test_the_cli_never_prints_the_password(probe_runs: list[Run]) -> None:
    assert len(probe_runs) >= 60
    for run in probe_runs:
        for stream in (run.stdout, run.stderr):
            assert not leaks(SECRET, stream), (run.name, run.args, stream)
        assert "Traceback" not in run.stderr, (run.name, run.stderr)
        assert run.code in (probe_cli.EXIT_FAILED, probe_cli.EXIT_USAGE), (run.name, run.stderr)


def test_the_cli_shows_the_targets_it_was_given(probe_runs: list[Run]) -> None:
    """Hidden, not dropped: the table, JSON and errors still say which target it was."""
    by_name = {(r.name, "--json" in r.args): r for r in probe_runs}
    raw = by_name[("argument, raw, no scheme", False)]
    assert raw.code == probe_cli.EXIT_USAGE and "'alice:***@127.0.0.1:" in raw.stderr
    together = by_name[("arguments, valid, probed together", True)]
    shown = {r.target.split("@")[0] for r in together.results}
    assert shown == {
        "redis://alice:***",
        "amqp://alice:***",
        "kafka://alice:***",
        "redis+sentinel://:***",
    }
    environment = by_name[("environment, malformed", True)]
    variables = {r.target.split("=")[0] for r in environment.results}
    assert variables >= {"REDIS_URL", "CELERY_BROKER_URL", "KAFKA_BOOTSTRAP_SERVERS"}
    assert all(r.failed for r in environment.results)


def _handwritten_results(tmp_path: Path) -> Path:
    """A results file a careless tool (or an older version) wrote with the secret in it."""
    q = quote(SECRET, safe="")
    texts = [*raw_forms(SECRET).values(), *query_forms(SECRET).values(), f"redis://:{q}@h:1"]
    results = []
    for text in texts:
        result = _result(text).model_dump(mode="json")
        result["checks"] = [
            {
                "id": "redis.connect",
                "title": "TCP connect",
                "stage": "connect",
                "status": "fail",
                "duration_ms": 1.0,
                "details": f"could not reach {text} (from ‘{text}’)",
                "hint": f"check {text}",
                "figures": {"url": text},
            }
        ]
        results.append(result)
    path = tmp_path / "handwritten.json"
    path.write_text(json.dumps(results), encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def results_files(probe_runs: list[Run], tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    """The probe's --json results of every run, and a careless hand-written file."""
    folder = tmp_path_factory.mktemp("results")
    files = []
    for index, run in enumerate(r for r in probe_runs if r.results):
        path = folder / f"run-{index}.json"
        path.write_text(run.stdout, encoding="utf-8")
        files.append(path)
    return [*files, _handwritten_results(folder)]


@pytest.mark.parametrize("fmt", ["html", "md", "json"])
def test_reports_from_the_results_never_show_the_password(
    results_files: list[Path], tmp_path: Path, fmt: str, capsys: pytest.CaptureFixture[str]
) -> None:
    combined = tmp_path / "all.json"
    merged = [item for path in results_files for item in json.loads(path.read_text("utf-8"))]
    combined.write_text(json.dumps(merged), encoding="utf-8")
    assert len(merged) > 30
    out = tmp_path / f"report.{fmt}"
    code = cli.main(["report", PRESET, "--probe-results", str(combined), "-f", fmt, "-o", str(out)])
    printed = capsys.readouterr()
    assert code == 0, printed.err
    text = out.read_text(encoding="utf-8")
    assert "***" in text
    for shown in (text, printed.out, printed.err):
        assert not leaks(SECRET, shown)


def test_no_log_record_holds_the_password(
    caplog: pytest.LogCaptureFixture,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The probes run in this process, every logger at DEBUG: no record names the password."""
    inputs = _argument_inputs(_closed_ports(40))
    caplog.set_level(logging.DEBUG)
    for name, (args, env) in inputs.items():
        for variable in _ENV_NAMES:
            monkeypatch.delenv(variable, raising=False)
        for variable, value in env.items():
            monkeypatch.setenv(variable, value)
        code = probe_cli.main([*args, "--timeout", TIMEOUT_S, "--stage-timeout", "1", "--json"])
        assert code in (probe_cli.EXIT_FAILED, probe_cli.EXIT_USAGE), name
        printed = capsys.readouterr()
        assert not leaks(SECRET, printed.out + printed.err), name
    for record in caplog.records:
        assert not leaks(SECRET, record.getMessage()), record
        assert not leaks(SECRET, repr(record.args)), record
    assert not leaks(SECRET, caplog.text)


# -- a wrong password against the real brokers ------------------------------------------------
@pytest.mark.integration
@pytest.mark.parametrize("fixture", ["redis_url", "amqp_url", "kafka_bootstrap"])
def test_a_refused_password_is_not_echoed_by_a_real_broker(
    fixture: str, request: pytest.FixtureRequest, caplog: pytest.LogCaptureFixture
) -> None:
    """Authentication failures come back from the servers and client libraries: no echo."""
    caplog.set_level(logging.DEBUG)
    address = request.getfixturevalue(fixture)
    bare = targets.split_credentials(address, take_user=True).bare
    scheme, _, rest = bare.rpartition("://")
    q = quote(SECRET, safe="")
    url = f"{scheme or 'kafka'}://advisor:{q}@{rest}"
    management = None
    if fixture == "amqp_url":
        management_url = request.getfixturevalue("rabbitmq_management_url")
        host = targets.split_credentials(management_url, take_user=True).bare.partition("://")[2]
        management = f"http://advisor:{q}@{host}"
    target = targets.parse_target(url, management_url=management)
    result = runner.probe(target, budget_s=10.0, stage_timeout_s=3.0)
    dumped = result.model_dump_json()
    refused = {c.failure_class.value for c in result.checks if c.failure_class is not None}
    assert refused & {"auth", "wrong_protocol"}, dumped  # the login was tried and refused
    assert not leaks(SECRET, dumped)
    assert not leaks(SECRET, caplog.text)
    table = io.StringIO()
    probe_cli.render_table([result], table)
    assert not leaks(SECRET, table.getvalue())
