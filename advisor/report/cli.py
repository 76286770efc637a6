"""The `broker-advisor report` command: a recommendation as HTML, PDF, Markdown or JSON."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from advisor.i18n import tr

EXIT_OK = 0
EXIT_USAGE = 2


def register(subparsers: Any) -> None:
    """Add the `report` subcommand to the main parser."""
    parser = subparsers.add_parser(
        "report",
        help=tr("export a recommendation report (HTML, PDF, Markdown or JSON)"),
        description=tr(
            "Recommend a broker for a workload file and write the report. "
            "The format follows -f, else the suffix of -o."
        ),
    )
    parser.add_argument(
        "workload",
        nargs="?",
        metavar="WORKLOAD",
        help=tr("workload file (.yaml, .yml or .json)"),
    )
    parser.add_argument(
        "-f",
        "--format",
        choices=("html", "pdf", "md", "json"),
        help=tr(
            "report format (default: from the -o suffix, else html); must agree with a "
            "known -o suffix"
        ),
    )
    parser.add_argument(
        "-o",
        "--output",
        metavar="PATH",
        help=tr("file to write ('-' or none: standard output, not for pdf)"),
    )
    parser.add_argument(
        "--probe-results",
        metavar="FILE",
        help=tr("JSON from 'broker-advisor probe ... --json' to include"),
    )
    parser.add_argument(
        "--loadtest-results",
        metavar="FILE",
        help=tr("JSON from 'broker-advisor loadtest ... --json' or 'bakeoff --json' to include"),
    )
    parser.add_argument(
        "--schema",
        action="store_true",
        help=tr("print the JSON Schema of JSON reports and exit"),
    )
    parser.set_defaults(func=run)


def _error(head: str, lines: list[str] | None = None) -> int:
    print(tr("error: {message}", message=head), file=sys.stderr)
    for line in lines or []:
        print(f"  - {line}", file=sys.stderr)
    return EXIT_USAGE


def run(args: argparse.Namespace) -> int:
    """Run the report command; bad input gives a message naming the file and exit 2."""
    from advisor import engine, presets, versions
    from advisor import report as report_mod
    from advisor import workload as workload_mod

    if args.schema:
        from advisor.report import schema

        sys.stdout.write(schema.schema_text())  # byte for byte the shipped report.schema.json
        return EXIT_OK
    if not args.workload:
        return _error(tr("a WORKLOAD file is required (or --schema)"))
    to_stdout = args.output in (None, "-")
    by_suffix = None if to_stdout else report_mod.format_for_path(args.output)
    if args.format and by_suffix and by_suffix != args.format:
        # A .html file holding Markdown opens as garbage; say so instead of writing it.
        suffix = report_mod.SUFFIXES[args.format]
        return _error(
            tr(
                "-f {format} does not match the output file {output}, whose suffix is for "
                "{title} reports: use -f {suffix_format}, or an output file ending in {suffix}",
                format=args.format,
                output=args.output,
                title=report_mod.FORMAT_TITLES[by_suffix],
                suffix_format=by_suffix,
                suffix=suffix,
            )
        )
    fmt = args.format or by_suffix or "html"
    if fmt == "pdf" and to_stdout:
        return _error(tr("PDF reports need an output file: add -o report.pdf"))
    try:
        workload = presets.load_workload_file(args.workload)
    except workload_mod.WorkloadFileError as error:
        return _error(tr("cannot use workload file {path}:", path=error.path), error.problems)
    probe_results = None
    if args.probe_results:
        try:
            probe_results = report_mod.load_probe_results(args.probe_results)
        except report_mod.ProbeResultsError as error:
            return _error(
                tr("cannot use probe results file {path}:", path=error.path), error.problems
            )
    loadtest = None
    if args.loadtest_results:
        try:
            loadtest = report_mod.load_loadtest_results(args.loadtest_results)
        except report_mod.LoadTestResultsError as error:
            return _error(
                tr("cannot use load-test results file {path}:", path=error.path), error.problems
            )
    detected = versions.detected(probe_results or [])
    recommendation = engine.recommend(workload, detected=detected)
    try:
        if to_stdout:
            text = report_mod.render(
                fmt, workload, recommendation, probe_results, loadtest=loadtest
            )
            assert isinstance(text, str)
            sys.stdout.write(text)
        else:
            path = report_mod.export(
                fmt, workload, recommendation, args.output, probe_results, loadtest=loadtest
            )
            print(
                tr(
                    "wrote {title} report to {path}", title=report_mod.FORMAT_TITLES[fmt], path=path
                ),
                file=sys.stderr,
            )
    except report_mod.ReportError as error:
        return _error(str(error))
    return EXIT_OK
