"""Render the main window offscreen with a workload and its recommendation, to a PNG.

python -m ui.screenshot WORKLOAD_OR_PRESET -o out.png [--size 1280x800] [--dark] [--tab probe]
    [--scene window|welcome|compare|sensitivity|preferences|loadtest] [--loadtest-results FILE]

--scene compare opens two variants beside the workload (its first two what-ifs applied) and
shows the comparison of the three; --scene sensitivity the chart for its first what-if's field;
--scene loadtest the Load test tab after a run (of the file given, else 2 s on the sandbox Redis).
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from pathlib import Path
from typing import Any

from advisor import i18n
from advisor.i18n import N_

SCENES = ("window", "welcome", "compare", "sensitivity", "preferences", "loadtest")

# --help, worded in the interface language by advisor.i18n (Persian in assets/i18n/fa/cli.yaml).
_HELP = {
    "description": N_(
        "Render the main window offscreen with a workload and its recommendation, to a PNG."
    ),
    "workload": N_("workload file, or the name of a preset"),
    "output": N_("PNG file to write"),
    "size": N_("window size, WxH"),
    "dark": N_("force a dark palette (Fusion)"),
    "section": N_("guide section to show (default: the winner's first citation)"),
    "tab": N_("side tab to show"),
    "probe": N_(
        "with --tab probe: probe the brokers named by REDIS_URL, AMQP_URL (or "
        "CELERY_BROKER_URL), RABBITMQ_MANAGEMENT_URL and KAFKA_BOOTSTRAP_SERVERS first"
    ),
    "scene": N_("what to capture (default: the window)"),
    "loadtest-results": N_("--scene loadtest: show this loadtest/bakeoff JSON"),
    "lang": N_(
        "interface language (default: --lang before the command, BROKER_ADVISOR_LANG, "
        "else the system locale; never the user's preference)"
    ),
    "size-error": N_("expected WIDTHxHEIGHT, e.g. 1280x800"),
}


def _help(name: str) -> str:
    return i18n.tr(_HELP[name])


def _resolve(spec: str) -> Path:
    path = Path(spec)
    if path.is_file():
        return path
    from ui.main_window import preset_files

    for preset in preset_files():
        if spec in (preset.stem, preset.name):
            return preset
    names = ", ".join(p.stem for p in preset_files()) or "none found"
    raise SystemExit(
        _error(
            i18n.tr(
                _NOT_A_WORKLOAD,
                spec=f"'{spec}'",
                names=names,
            )
        )
    )


def _size(text: str) -> tuple[int, int]:
    try:
        width, height = (int(v) for v in text.lower().split("x"))
    except ValueError:
        raise argparse.ArgumentTypeError(_help("size-error")) from None
    return width, height


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="broker-advisor screenshot", description=_help("description")
    )
    parser.add_argument("workload", help=_help("workload"))
    parser.add_argument("-o", "--output", required=True, type=Path, help=_help("output"))
    parser.add_argument("--size", type=_size, default=(1280, 800), help=_help("size"))
    parser.add_argument("--dark", action="store_true", help=_help("dark"))
    parser.add_argument("--section", help=_help("section"))
    parser.add_argument("--tab", choices=("guide", "probe"), default="guide", help=_help("tab"))
    parser.add_argument("--probe", action="store_true", help=_help("probe"))
    parser.add_argument("--scene", choices=SCENES, default="window", help=_help("scene"))

    parser.add_argument("--loadtest-results", type=Path, help=_help("loadtest-results"))
    parser.add_argument("--lang", choices=("en", "fa"), help=_help("lang"))

    args = parser.parse_args(argv)
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    path = _resolve(args.workload)

    from PySide6.QtCore import QEventLoop, QTimer, qInstallMessageHandler
    from PySide6.QtWidgets import QApplication

    qInstallMessageHandler(_quiet_offscreen)

    from ui import app as ui_app
    from ui import settings
    from ui.autosave import Autosave
    from ui.main_window import MainWindow

    # Neither the user's theme nor their settings: the platform's look, or dark when asked.
    qt_app = ui_app.create_application([sys.argv[0]], theme="dark" if args.dark else "system")
    ui_app.apply_language(qt_app, args.lang or i18n.from_environment())
    with tempfile.TemporaryDirectory(prefix="broker-advisor-shot-") as scratch:
        # A screenshot must neither use nor change the user's settings and autosave.
        settings.use_settings_folder(Path(scratch))
        # Nor the user's data folder (probe history): Qt reads XDG_DATA_HOME on every lookup.
        os.environ["XDG_DATA_HOME"] = str(Path(scratch) / "data")
        window = MainWindow(autosave=Autosave(Path(scratch)), welcome=False)
        window.resize(*args.size)
        window.show()
        window.splitter.setSizes(_default_sizes(args.size[0]))
        loop = QEventLoop()
        window.live.updated.connect(lambda _r: loop.quit())
        window.live.failed.connect(lambda _m: loop.quit())
        if not window.open_file(path, as_preset=path.parent == _presets_folder()):
            return 2
        window.live.refresh(now=True)
        QTimer.singleShot(30_000, loop.quit)  # a hung engine must not hang the command
        loop.exec()
        recommendation = window.live.recommendation
        if recommendation is None:
            print(_error(i18n.tr(_NO_RECOMMENDATION)), file=sys.stderr)
            return 1
        section = args.section or _first_citation(recommendation)
        if section:
            window.show_guide_section(section)
        if args.tab == "probe" and not window.show_probe_panel():
            print(_error(i18n.tr(_NO_PROBE_PANEL)), file=sys.stderr)
            return 2
        if args.probe and not _probe(window):
            return 1
        window.recommendation_view.details.verticalScrollBar().setValue(0)
        qt_app.processEvents()
        shown = _scene(window, args.scene, recommendation, args.loadtest_results)
        if shown is None:
            return 1
        image = shown.grab().toImage()
        args.output.parent.mkdir(parents=True, exist_ok=True)
        # Full colour (a palette of 256 merges the dark greys of fields and windows), packed
        # as tightly as zlib can.
        if not image.save(str(args.output), "PNG", 0):
            print(_error(i18n.tr(_CANNOT_WRITE, path=args.output)), file=sys.stderr)
            return 1
        window.discard_variants()  # the variants made for the shot, unasked
        window.close()
        QApplication.processEvents()
    print(
        i18n.tr(
            _WROTE,
            path=args.output,
            width=image.width(),
            height=image.height(),
        )
    )
    return 0


def _scene(window: Any, scene: str, recommendation: Any, loadtest: Path | None = None) -> Any:
    """The widget to capture for a scene, made ready (results computed, painted)."""
    from PySide6.QtCore import QEventLoop, QTimer
    from PySide6.QtWidgets import QApplication

    def wait_for(signal: Any) -> None:
        loop = QEventLoop()
        signal.connect(lambda *_a: loop.quit())
        QTimer.singleShot(30_000, loop.quit)
        loop.exec()

    def settle() -> None:
        loop = QEventLoop()
        QTimer.singleShot(200, loop.quit)
        loop.exec()
        QApplication.processEvents()

    if scene == "window":
        settle()  # a tab shown just now lays out over a few events
        return window
    if scene == "loadtest":
        from ui import loadtest_tab

        return loadtest_tab.screenshot_scene(window, loadtest, wait_for, settle)
    if scene == "welcome":
        dialog = window.show_welcome()
    elif scene == "preferences":
        dialog = window.show_preferences()
    elif scene == "sensitivity":
        fields = [w.field for w in recommendation.what_if] or ["peak_rate_msg_per_s"]
        dialog = window.show_sensitivity(fields[0])
        wait_for(dialog.chart.computed)
    else:  # compare: the workload and two variants, each with a what-if applied
        items = list(recommendation.what_if)[:2]
        for item in items:
            window.switch_variant(0)
            window.apply_what_if_as_variant(item)
        while len(window.scenarios) < 3:
            window.duplicate_variant()
        window.rename_variant(0, "As described")
        dialog = window.show_compare()
        dialog.resize(960, 640)
        wait_for(dialog.updated)
    settle()
    return dialog


def _probe(window: Any) -> bool:
    """Probe what the environment names and wait for the results (bounded by the budget)."""
    import time

    from PySide6.QtWidgets import QApplication

    panel = window.probe_panel
    if panel is None or not panel.probe():
        reason = panel.status.text() if panel else i18n.tr(_NO_PANEL)
        print(_error(i18n.tr(_NOTHING_TO_PROBE, reason=reason)), file=sys.stderr)
        return False
    deadline = time.monotonic() + panel.budget.value() + 15
    while panel.is_running() and time.monotonic() < deadline:
        QApplication.processEvents()
        time.sleep(0.05)
    QApplication.processEvents()
    if panel.is_running():
        panel.cancel()
        print(_error(i18n.tr(_PROBES_LATE)), file=sys.stderr)
        return False
    return True


# Its messages, worded by advisor.i18n (Persian in assets/i18n/fa/cli.yaml); marked with N_ so
# that Qt's lupdate, which takes any tr("…") for one of its own, leaves them alone.
_NOT_A_WORKLOAD = N_("{spec} is neither a workload file nor a preset (presets: {names})")
_NO_RECOMMENDATION = N_("the recommendation did not arrive")
_NO_PROBE_PANEL = N_("this installation has no probe panel")
_CANNOT_WRITE = N_("could not write {path}")
_WROTE = N_("wrote {path} ({width}x{height})")
_NO_PANEL = N_("no panel")
_NOTHING_TO_PROBE = N_("nothing to probe ({reason})")
_PROBES_LATE = N_("the probes did not finish within their budget")
_ERROR = N_("error: {message}")


def _error(message: str) -> str:
    return i18n.tr(_ERROR, message=message)


def _quiet_offscreen(_mode: object, _context: object, message: str) -> None:
    # The offscreen plugin warns about size hints for every window with a layout; noise here.
    if "propagateSizeHints" not in message:
        print(message, file=sys.stderr)


def _presets_folder() -> Path:
    from advisor import paths

    return paths.presets_dir()


def _default_sizes(width: int) -> list[int]:
    return [int(width * 0.29), int(width * 0.37), int(width * 0.34)]


def _first_citation(recommendation: object) -> str | None:
    ranking = getattr(recommendation, "ranking", [])
    for assessment in ranking[:1]:
        for reason in [*assessment.pros, *assessment.knockouts, *assessment.cons]:
            if reason.citation:
                return str(reason.citation)
        if assessment.pattern is not None and assessment.pattern.citation:
            return str(assessment.pattern.citation)
    return None


if __name__ == "__main__":
    sys.exit(main())
