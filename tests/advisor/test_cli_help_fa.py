"""`--help` and usage errors in Persian (issue 13): the descriptions, option help and argparse's
own words ("usage:", "options", its errors) follow `--lang fa`; option names, metavars and choices
stay Latin; English stays byte for byte what argparse printed before."""

from __future__ import annotations

import argparse
import ast
import contextlib
import io
from collections.abc import Iterator
from pathlib import Path

import pytest

from advisor import argparse_words, cli, i18n
from tests.languages import persian as _persian
from tests.languages import run_cli

FSI, PDI = "\u2068", "\u2069"


def _cli(*args: str) -> tuple[int, str, str]:
    found = run_cli(*args, env={"COLUMNS": "100"})
    return found.returncode, found.stdout, found.stderr


def test_the_top_level_help_is_persian_with_latin_options() -> None:
    code, out, err = _cli("--lang", "fa", "--help")
    assert code == 0, err
    assert out.startswith("طرز استفاده: broker-advisor [-h] [--version] [--lang {en,fa}] COMMAND")
    assert "\nآرگومان‌های موقعیتی:\n" in out and "\nگزینه‌ها:\n" in out
    assert "  -h, --help      نمایش همین راهنما و خروج" in out
    assert "  --version       نمایش شمارهٔ نسخهٔ برنامه و خروج" in out
    assert "    recommend     پیشنهاد یک broker برای یک فایل workload" in out
    # Options inside a Persian sentence are isolated, so they stay left to right.
    assert f"{FSI}--dark{PDI}" in out
    for english in ("usage:", "options:", "show this help", "recommend a broker"):
        assert english not in out


def test_recommend_help_is_persian() -> None:
    code, out, _ = _cli("--lang", "fa", "recommend", "--help")
    assert code == 0
    assert out.startswith("طرز استفاده: broker-advisor recommend [-h] [--format {text,json}]")
    assert "فایل workload (" in out and "صرف‌نظر از تحلیل what-if" in out
    assert "--probe-results FILE" in out and "--no-what-if" in out


def test_sandbox_help_is_persian_down_to_its_commands() -> None:
    code, out, _ = _cli("--lang", "fa", "sandbox", "--help")
    assert code == 0
    assert "\nفرمان‌ها:\n  {up,down,status,pause,resume,kafka-node}\n" in out
    assert "راه‌اندازی، توقف و بررسی brokerهای محلی روی loopback" in out
    assert "فرستادن SIGSTOP به یک فرایند" in out
    code, out, _ = _cli("--lang", "fa", "sandbox", "up", "--help")
    assert code == 0 and "--kafka-nodes N" in out and "راه‌اندازی حالت TLS هم" in out
    code, out, _ = _cli("--lang", "fa", "sandbox", "down", "--help")
    assert code == 0 and "توقف فقط حالت TLS" in out


def test_argparse_errors_are_persian() -> None:
    code, out, err = _cli("--lang", "fa", "recommend")
    assert code == 2 and out == ""
    assert err.splitlines()[-1] == (
        f"خطا در {FSI}broker-advisor recommend{PDI}: "
        f"این آرگومان‌ها لازم‌اند و داده نشده‌اند: {FSI}file{PDI}"
    )
    code, _, err = _cli("--lang", "fa", "recommend", "x.yaml", "--format", "xml")
    assert code == 2
    assert (
        f"آرگومان {FSI}--format{PDI}: مقدار نامعتبر {FSI}'xml'{PDI}؛ یکی از این‌ها را انتخاب کنید: "
        f"{FSI}'text', 'json'{PDI}" in err
    )
    code, _, err = _cli("--lang", "fa", "probe", "--timeout", "soon")
    assert code == 2 and f"مقدار نامعتبر برای نوع {FSI}float{PDI}: {FSI}'soon'{PDI}" in err
    code, _, err = _cli("--lang", "fa", "nonsense", "more")
    assert code == 2 and "فرمان ناشناخته: «nonsense»" in err


def test_english_help_and_errors_are_unchanged() -> None:
    code, out, _ = _cli("--help")
    assert code == 0 and not _persian(out)
    assert out.startswith("usage: broker-advisor [-h] [--version] [--lang {en,fa}] COMMAND ...\n")
    assert "\npositional arguments:\n" in out and "\noptions:\n" in out
    assert "  -h, --help      show this help message and exit\n" in out
    assert "  --version       show program's version number and exit\n" in out
    code, _, err = _cli("recommend")
    assert code == 2 and err.splitlines()[-1] == (
        "broker-advisor recommend: error: the following arguments are required: file"
    )
    code, _, err = _cli("nonsense", "more")
    assert err.splitlines()[-1] == "broker-advisor: error: unknown command 'nonsense'"


def _parsers(parser: argparse.ArgumentParser) -> Iterator[argparse.ArgumentParser]:
    yield parser
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for child in dict.fromkeys(action.choices.values()):
                yield from _parsers(child)


def _texts(lang: str, worded: bool) -> list[str]:
    """Every parser's help and usage, and an error of each, as the CLI words them."""
    texts: list[str] = []
    with i18n.using(lang), argparse_words.worded() if worded else contextlib.nullcontext():
        for parser in _parsers(cli.build_parser()):
            texts += [parser.format_help(), parser.format_usage()]
            stderr = io.StringIO()
            with contextlib.redirect_stderr(stderr), pytest.raises(SystemExit):
                parser.parse_args(["--no-such-option"])
            texts.append(stderr.getvalue())
    return texts


def test_english_is_what_argparse_words_itself(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COLUMNS", "100")
    assert _texts("en", worded=True) == _texts("en", worded=False)
    assert argparse._ is not argparse_words._gettext  # type: ignore[attr-defined]


def test_every_option_and_command_has_persian_help(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COLUMNS", "100")
    untranslated = []
    with i18n.using("fa"), argparse_words.worded():
        for parser in _parsers(cli.build_parser()):
            texts = [parser.description or ""] + [
                str(action.help)
                for action in parser._actions
                if action.help and action.help != argparse.SUPPRESS
            ]
            for group in parser._action_groups:
                texts.append(group.title or "")
            untranslated += [(parser.prog, t) for t in texts if t and not _persian(t)]
    assert untranslated == []
    texts = _texts("fa", worded=True)
    assert len(texts) > 40 and all(_persian(text) for text in texts)


def test_every_argparse_message_for_users_has_its_persian() -> None:
    """The texts this Python's argparse words through _() and ngettext(), Persian unless they
    only ever reach a programmer who built a parser wrongly."""
    found: set[str] = set()
    source = Path(argparse.__file__).read_text(encoding="utf-8")
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Call) and getattr(node.func, "id", "") in ("_", "ngettext"):
            found |= {
                arg.value
                for arg in node.args
                if isinstance(arg, ast.Constant) and isinstance(arg.value, str)
            }
    assert "usage: " in found and "options" in found
    catalogue = i18n.catalogue("fa")
    missing = sorted(found - argparse_words.FOR_PROGRAMMERS - catalogue.keys())
    assert missing == []
    for text in found - argparse_words.FOR_PROGRAMMERS:
        # argparse fills these with %: the Persian keeps every field.
        fields = sorted(part.split(")")[0] for part in text.split("%(")[1:])
        assert fields == sorted(p.split(")")[0] for p in catalogue[text].split("%(")[1:]), text
        assert text.count("%s") + text.count("%r") == (
            catalogue[text].count("%s") + catalogue[text].count("%r")
        ), text


def test_the_screenshot_help_is_persian_too() -> None:
    """Its parser lives in the desktop package (ui/screenshot.py, texts marked with N_())."""
    source = (Path(__file__).resolve().parents[2] / "ui" / "screenshot.py").read_text("utf-8")
    marked = [
        node.args[0].value
        for node in ast.walk(ast.parse(source))
        if isinstance(node, ast.Call)
        and getattr(node.func, "id", "") == "N_"
        and isinstance(node.args[0], ast.Constant)
    ]
    assert len(marked) > 10
    assert [text for text in marked if text not in i18n.catalogue("fa")] == []
    code, out, _ = _cli("--lang", "fa", "screenshot", "--help")
    if code != 0:
        pytest.skip("the desktop package is not installed")
    assert out.startswith("طرز استفاده: broker-advisor screenshot [-h] -o OUTPUT")
    assert "فایل PNG خروجی" in out and "--scene {window," in out
    code, out, _ = _cli("screenshot", "--help")
    assert code == 0 and out.startswith("usage: broker-advisor screenshot") and not _persian(out)
