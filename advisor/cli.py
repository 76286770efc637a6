"""The broker-advisor command: recommend, guide, schema, probe, sandbox, report, or the app."""

from __future__ import annotations

import argparse
import importlib
import json
import os
import sys
from collections.abc import Callable, Sequence
from importlib import metadata
from pathlib import Path
from typing import TYPE_CHECKING

from advisor import __version__, argparse_words, i18n
from advisor.i18n import tr

if TYPE_CHECKING:
    from advisor import guide as guide_module

EXIT_OK = 0
EXIT_FAIL = 1
EXIT_USAGE = 2

# Feature packages that add their own subcommands through a register(subparsers) function.
_FEATURE_CLIS = (
    "advisor.probe.cli",
    "advisor.sandbox.cli",
    "advisor.report.cli",
    "advisor.loadtest.cli",
)


def _cmd_recommend(args: argparse.Namespace) -> int:
    from advisor import engine, presets, text_output, workload

    try:
        wl = presets.load_workload_file(args.file)
    except workload.WorkloadFileError as error:
        return _fail_lines(
            i18n.tr("cannot use workload file {path}:", path=error.path), error.problems
        )
    detected: dict[workload.Broker, str] = {}
    if args.probe_results:
        from advisor import report, versions

        try:
            detected = versions.detected(report.load_probe_results(args.probe_results))
        except report.ProbeResultsError as error:
            return _fail_lines(
                i18n.tr("cannot use probe results file {path}:", path=error.path), error.problems
            )
    recommendation = engine.recommend(wl, what_if=not args.no_what_if, detected=detected)
    if args.format == "json":
        print(recommendation.model_dump_json(indent=2))
    else:
        print(text_output.format_recommendation(recommendation))
    return EXIT_OK


def _cmd_schema(args: argparse.Namespace) -> int:
    from advisor import recommendation, workload

    if args.what == "recommendation":
        schema = recommendation.Recommendation.model_json_schema()
    else:
        schema = workload.workload_json_schema()
    print(json.dumps(schema, indent=2))
    return EXIT_OK


def _cmd_guide(args: argparse.Namespace) -> int:
    from advisor import guide

    loaded = guide.load_guide()
    if args.search:
        words = " ".join([args.section or "", *args.search]).strip()
        hits = loaded.search(words, limit=None)
        if not hits:
            print(
                i18n.tr("no guide section mentions every word of '{words}'", words=words),
                file=sys.stderr,
            )
            return EXIT_FAIL
        for section in hits:
            print(f"{section.id:32} {section.title}")
        return EXIT_OK
    if not args.section:
        for each in loaded.parts:
            _print_part_index(loaded, each)
        return EXIT_OK
    wanted = args.section.strip().lower()
    part = loaded.part(wanted)
    if part is not None:
        if part.intro:
            print(f"{part.intro}\n")
        _print_part_index(loaded, part)
        print(
            "\n"
            + i18n.tr(
                "Read a section with: broker-advisor guide {section}", section=part.section_ids[0]
            )
        )
        return EXIT_OK
    try:
        print(loaded.section_with_children(wanted), end="")
    except KeyError as error:
        return _fail_lines(
            str(error.args[0]), [i18n.tr("list the sections with: broker-advisor guide")]
        )
    return EXIT_OK


def _print_part_index(loaded: guide_module.Guide, part: guide_module.GuidePart) -> None:
    print(part.title)
    for section_id in part.section_ids:
        section = loaded.sections[section_id]
        indent = "  " if section.level == 2 else "    "
        print(f"{indent}{section.id:34} {section.title}")


def _cmd_precedents(args: argparse.Namespace) -> int:
    from advisor import precedents, text_output

    library = precedents.load_precedents()
    if args.format == "json":
        print(json.dumps([p.model_dump(mode="json") for p in library], indent=2))
        return EXIT_OK
    rows = [
        (
            p.id,
            f"{p.organisation} ({p.year})",
            p.chosen.value,
            p.left.value if p.left else "",
            precedents.worded(p).title,
        )
        for p in library
    ]
    print(text_output.format_precedents(rows))
    return EXIT_OK


def _cmd_rules(args: argparse.Namespace) -> int:
    from advisor import rules

    book = rules.load_rulebook()
    print(
        f"{len(book.rules)} rules, {len(book.patterns)} patterns, {len(book.hybrids)} hybrid "
        f"designs, hash {book.digest[:16]}"
    )
    for rule in book.rules:
        brokers = ", ".join(f"{e.broker.value}:{e.kind.value}" for e in rule.rule.effects)
        print(f"  {rule.rule.id:40} {brokers}")
    return EXIT_OK


def _fail_lines(head: str, lines: Sequence[str]) -> int:
    print(i18n.tr("error: {message}", message=head), file=sys.stderr)
    for line in lines:
        print(f"  - {line}", file=sys.stderr)
    return EXIT_USAGE


def has_display() -> bool:
    """Whether a desktop session (or an explicit Qt platform) is available."""
    if os.environ.get("QT_QPA_PLATFORM"):
        return True
    if sys.platform in ("win32", "darwin"):
        return True
    return bool(os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))


# Flags the desktop app takes (ui.app.THEME_FLAGS): the theme for this run.
APP_FLAGS = ("--dark", "--light", "--system-theme")


def _open_app(file: str | None, flags: Sequence[str] = ()) -> int:
    if not has_display():
        print(
            tr(
                "No display found (DISPLAY and WAYLAND_DISPLAY are unset), so the desktop app "
                "cannot open.\nUse the command line instead, for example:\n"
                "  broker-advisor recommend assets/presets/celery-background-jobs.yaml\n"
                "  broker-advisor probe redis://localhost:6379/0\n"
                "or run the app offscreen: QT_QPA_PLATFORM=offscreen broker-advisor screenshot "
                "...\nSee 'broker-advisor --help' for every command."
            ),
            file=sys.stderr,
        )
        return EXIT_USAGE
    launch = _plugin("broker_advisor.gui", "desktop")
    if launch is None:
        print(
            tr(
                "error: {message}",
                message=tr(
                    "the desktop app is not installed (the 'ui' package is missing); "
                    "use the command line: broker-advisor --help"
                ),
            ),
            file=sys.stderr,
        )
        return EXIT_USAGE
    return int(launch([*([file] if file else []), *flags]))


def _cmd_screenshot(args: argparse.Namespace) -> int:
    render = _plugin("broker_advisor.gui", "screenshot")
    if render is None:
        print(
            tr(
                "error: {message}",
                message=tr("screenshots need the desktop app (the 'ui' package)"),
            ),
            file=sys.stderr,
        )
        return EXIT_USAGE
    return int(render(args.rest))


def _plugin(group: str, name: str) -> Callable[..., int] | None:
    for entry in metadata.entry_points(group=group):
        if entry.name == name:
            try:
                loaded: Callable[..., int] = entry.load()
            except ImportError:
                return None
            return loaded
    return None


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="broker-advisor",
        description=tr(
            "Choose between Redis, RabbitMQ and Kafka for a workload, probe live brokers "
            "and export reports. With no command (or a workload FILE) the desktop app "
            "opens; --dark, --light or --system-theme set its theme for that run."
        ),
    )
    parser.add_argument(
        "--version",
        action="version",
        version=f"broker-advisor {__version__}",
        help=tr("show program's version number and exit"),
    )
    parser.add_argument(
        "--lang",
        choices=i18n.LANGUAGES,
        help=tr(
            "language of the output, before the command (default: BROKER_ADVISOR_LANG, "
            "else the system locale: fa_* is Persian, anything else English)"
        ),
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    rec = sub.add_parser("recommend", help=tr("recommend a broker for a workload file"))
    rec.add_argument("file", help=tr("workload file (.yaml, .yml or .json)"))
    rec.add_argument("--format", choices=("text", "json"), default="text")
    rec.add_argument("--no-what-if", action="store_true", help=tr("skip the what-if analysis"))
    rec.add_argument(
        "--probe-results",
        metavar="FILE",
        help=tr(
            "probe results (JSON, from 'broker-advisor probe ... --json'): the advice is "
            "written for the server versions they detected"
        ),
    )
    rec.set_defaults(func=_cmd_recommend)

    schema = sub.add_parser("schema", help=tr("print the JSON Schema of workload files"))
    schema.add_argument(
        "what", nargs="?", choices=("workload", "recommendation"), default="workload"
    )
    schema.set_defaults(func=_cmd_schema)

    guide = sub.add_parser("guide", help=tr("print a section of the built-in guide"))
    guide.add_argument("section", nargs="?", help=tr("section id, e.g. redis.streams (none: list)"))
    guide.add_argument("--search", nargs="+", metavar="WORD", help=tr("find sections by words"))
    guide.set_defaults(func=_cmd_guide)

    shot = sub.add_parser(
        "screenshot",
        help=tr("render the main window offscreen to a PNG"),
        description=tr(
            "Render the main window offscreen with a workload to a PNG: "
            "WORKLOAD_OR_PRESET -o out.png [--size 1280x800] [--dark]"
        ),
        add_help=False,
    )
    shot.add_argument("rest", nargs=argparse.REMAINDER)
    shot.set_defaults(func=_cmd_screenshot)

    rules_cmd = sub.add_parser("rules", help=tr("list the loaded rules"))
    rules_cmd.set_defaults(func=_cmd_rules)

    prec = sub.add_parser("precedents", help=tr("list the library of published broker decisions"))
    prec.add_argument("--format", choices=("text", "json"), default="text")
    prec.set_defaults(func=_cmd_precedents)

    for module_name in _FEATURE_CLIS:
        try:
            module = importlib.import_module(module_name)
        except ImportError:
            continue
        module.register(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args_list = list(sys.argv[1:] if argv is None else argv)
    try:
        args_list = _take_language(args_list)
    except i18n.LanguageError as error:
        print(f"error: {error}", file=sys.stderr)
        return EXIT_USAGE
    with argparse_words.worded():  # argparse's own words (usage, errors) in the language too
        return _run(args_list)


def _run(args_list: list[str]) -> int:
    parser = build_parser()
    known = {
        name
        for action in parser._actions
        if isinstance(action, argparse._SubParsersAction)
        for name in action.choices
    }
    # The app's own flags (a theme for this run) may come before or after a workload file.
    flags = [a for a in args_list if a in APP_FLAGS]
    app_args = [a for a in args_list if a not in APP_FLAGS]
    if not app_args or (app_args[0] not in known and not app_args[0].startswith("-")):
        if len(app_args) > 1:
            parser.error(tr("unknown command '{command}'", command=app_args[0]))
        file = app_args[0] if app_args else None
        if file is not None and not Path(file).exists():
            parser.error(
                tr("'{file}' is neither a command nor an existing workload file", file=file)
            )
        return _run_guarded(lambda: _open_app(file, flags))
    if args_list[0] == "screenshot":
        # Its own parser reads every argument, --help included (REMAINDER would not take it).
        rest = argparse.Namespace(rest=args_list[1:])
        return _run_guarded(lambda: _cmd_screenshot(rest))
    args = parser.parse_args(args_list)
    return _run_guarded(lambda: int(args.func(args)))


def _take_language(args: list[str]) -> list[str]:
    """Read the global `--lang fa|en` (before the command) and set the language: it, else
    BROKER_ADVISOR_LANG, else the system locale. The arguments without it."""
    lang: str | None = None
    while args and (args[0] == "--lang" or args[0].startswith("--lang=")):
        if args[0] == "--lang":
            if len(args) < 2:
                raise i18n.LanguageError("", "--lang")
            lang, args = args[1], args[2:]
        else:
            lang, args = args[0].removeprefix("--lang="), args[1:]
    if lang is not None:
        chosen = i18n.parse(lang, "--lang")
        os.environ[i18n.ENV_VAR] = chosen  # the app and worker processes follow it too
    i18n.set_language(i18n.from_environment())
    return args


def _run_guarded(action: Callable[[], int]) -> int:
    """Run a command; known errors become a message and exit 2, never a traceback."""
    from advisor import guide, precedents, rules, versions

    try:
        return action()
    except (
        rules.RulebookError,
        guide.GuideError,
        precedents.PrecedentError,
        versions.VersionTableError,
    ) as error:
        print(f"error: {error}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        print(i18n.tr("interrupted"), file=sys.stderr)
        return 130
    except BrokenPipeError:
        return EXIT_OK


if __name__ == "__main__":
    sys.exit(main())
