"""Desktop app figures: cold start vs a bare PySide6 window, stalls while typing, memory.

    python bench/ui_bench.py [--runs 7] [--typing-seconds 4]

Prints figures; asserts nothing. Without a display it runs on the offscreen platform. Targets:
start <= 1.3x the bare window, longest stall while typing < 50 ms.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import textwrap
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

_PAINT_HOOK = """
import os, sys, time
from PySide6.QtCore import QEvent, QObject, QTimer

def rss_mb():
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return float("nan")

class FirstPaint(QObject):
    def __init__(self, window, after=None):
        super().__init__()
        self.window, self.after, self.done = window, after, False
    def eventFilter(self, obj, event):
        if not self.done and obj is self.window and event.type() == QEvent.Type.Paint:
            self.done = True
            QTimer.singleShot(0, self.report)  # once the whole frame is painted
        return False
    def report(self):
        print(f"painted {time.time():.6f} {rss_mb():.1f}", flush=True)
        (self.after or QApplication.instance().quit)()
"""

BARE = (
    _PAINT_HOOK
    + """
from PySide6.QtWidgets import QApplication, QLabel
app = QApplication(sys.argv[:1])
label = QLabel("Hello")
hook = FirstPaint(label)
label.installEventFilter(hook)
label.resize(1280, 800)
label.show()
app.exec()
"""
)

APP = (
    _PAINT_HOOK
    + """
from pathlib import Path
from PySide6.QtWidgets import QApplication
from ui import app as ui_app, settings
app = ui_app.create_application(sys.argv[:1])
settings.use_settings_folder(Path(os.environ["BENCH_SCRATCH"]))
from ui.main_window import MainWindow
# As ui.app.launch does: the frame paints first, the panes are built right after (the autosave
# goes to BROKER_ADVISOR_HOME, a scratch folder here).
window = MainWindow(defer_content=True)
window.content_ready.connect(lambda: print(f"built {time.time():.6f} {rss_mb():.1f}", flush=True))

def settled():
    # Resident memory once the first recommendation and the guide are in.
    def check():
        if (window.is_ready and window.live.recommendation is not None
                and window.guide_browser.is_loaded):
            print(f"settled {time.time():.6f} {rss_mb():.1f}", flush=True)
            window.document.load(window.document.values)
            window.close()
            app.quit()
        else:
            QTimer.singleShot(5, check)
    check()

hook = FirstPaint(window, settled)
window.installEventFilter(hook)
window.resize(1280, 800)
window.show()
app.exec()
"""
)


def _env(scratch: str) -> dict[str, str]:
    env = dict(os.environ)
    if not (env.get("DISPLAY") or env.get("WAYLAND_DISPLAY")):
        env.setdefault("QT_QPA_PLATFORM", "offscreen")
    # As an installed app starts: from compiled bytecode (pip compiles it when installing; an
    # editable install writes it on the first start). With PYTHONDONTWRITEBYTECODE set, as on
    # some CI machines, every start would compile the project from source, which no user sees;
    # the warm-up start below writes it.
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    env["BROKER_ADVISOR_HOME"] = scratch
    env["BENCH_SCRATCH"] = scratch
    env["PYTHONPATH"] = str(ROOT) + os.pathsep + env.get("PYTHONPATH", "")
    return env


def _run(code: str) -> dict[str, tuple[float, float]]:
    """Start a fresh interpreter; the seconds from spawn to each reported event, and RSS (MB)."""
    with tempfile.TemporaryDirectory(prefix="ui-bench-") as scratch:
        start = time.time()
        proc = subprocess.run(
            [sys.executable, "-c", code],
            env=_env(scratch),
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
    events: dict[str, tuple[float, float]] = {}
    for line in proc.stdout.splitlines():
        parts = line.split()
        if len(parts) == 3 and parts[0] in ("painted", "built", "settled"):
            events[parts[0]] = (float(parts[1]) - start, float(parts[2]))
    if "painted" not in events:
        raise RuntimeError(f"no paint reported (exit {proc.returncode}):\n{proc.stderr[-2000:]}")
    return events


def cold_start(runs: int) -> None:
    bare: list[float] = []
    app: list[float] = []
    settled: list[float] = []
    built: list[float] = []
    rss_bare: list[float] = []
    rss_paint: list[float] = []
    rss_settled: list[float] = []
    _run(BARE)  # warm the OS file cache (and write the bytecode) once, for both alike
    _run(APP)
    for _ in range(runs):  # interleaved, so drifts in machine load hit both
        events = _run(BARE)
        bare.append(events["painted"][0])
        rss_bare.append(events["painted"][1])
        events = _run(APP)
        app.append(events["painted"][0])
        rss_paint.append(events["painted"][1])
        if "built" in events:
            built.append(events["built"][0])
        if "settled" in events:
            settled.append(events["settled"][0])
            rss_settled.append(events["settled"][1])
    med_bare, med_app = statistics.median(bare), statistics.median(app)
    print(f"Cold start to first painted window ({runs} fresh processes each, median / min):")
    print(f"  bare PySide6 label   {med_bare * 1000:7.0f} ms / {min(bare) * 1000:5.0f} ms")
    print(
        f"  Broker Advisor       {med_app * 1000:7.0f} ms / {min(app) * 1000:5.0f} ms"
        f"   ratio {med_app / med_bare:.2f}x (target <= 1.30x)"
    )
    if built:
        print(
            f"  ... editor and recommendation panes built  "
            f"{statistics.median(built) * 1000:5.0f} ms"
        )
    if settled:
        print(
            f"  ... first recommendation and guide shown   "
            f"{statistics.median(settled) * 1000:5.0f} ms"
        )
    print("Resident memory (median):")
    print(f"  bare PySide6 label   {statistics.median(rss_bare):7.1f} MB")
    print(f"  app at first paint   {statistics.median(rss_paint):7.1f} MB")
    if rss_settled:
        print(f"  app settled          {statistics.median(rss_settled):7.1f} MB")


TYPING = """
import os, sys, time
from pathlib import Path
from PySide6.QtCore import QTimer, Qt
from PySide6.QtTest import QTest
from ui import app as ui_app, settings
app = ui_app.create_application(sys.argv[:1])
settings.use_settings_folder(Path(os.environ["BENCH_SCRATCH"]))
from ui.autosave import Autosave
from ui.main_window import MainWindow, preset_files

window = MainWindow(autosave=Autosave(Path(os.environ["BENCH_SCRATCH"])))
window.resize(1280, 800)
window.show()
presets = preset_files()
if presets:
    window.open_file(presets[0], as_preset=True)
if os.environ.get("BENCH_FEATURES") == "1":
    # With the newer features on: a second variant (its own undo history) and the Compare
    # window open, which compares the variants again after every change typed.
    window.duplicate_variant()
    window.show_compare()

duration = float(os.environ["BENCH_TYPING_SECONDS"])
gaps, updates = [], []
last = [0.0]
def beat():
    now = time.perf_counter()
    if last[0]:
        gaps.append(now - last[0])
    last[0] = now
heartbeat = QTimer()
heartbeat.setTimerType(Qt.TimerType.PreciseTimer)
heartbeat.setInterval(2)
heartbeat.timeout.connect(beat)
window.live.updated.connect(lambda r: updates.append(time.perf_counter()))

field = window.editor.field_widget("peak_rate_msg_per_s")
numbers = ["12000", "480", "95000", "3500", "60000", "750"]
step = [0]
typing = [True]
def type_key():
    # Select the value and type a new number, a key every 70 ms, then pause 300 ms (so the
    # debounced recommendation runs, sometimes while the next number is being typed).
    if not typing[0]:
        return
    i = step[0]
    step[0] += 1
    number = numbers[(i // 6) % len(numbers)]
    position = i % 6
    if position == 0:
        QTest.keyClick(field, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    if position < len(number):
        QTest.keyClick(field, number[position])
    QTimer.singleShot(300 if position == 5 else 70, type_key)

def begin():
    field.setFocus()
    gaps.clear(); last[0] = 0.0
    heartbeat.start(); type_key()
    QTimer.singleShot(int(duration * 1000), finish)

def finish():
    typing[0] = False; heartbeat.stop()
    gaps.sort()
    p99 = gaps[int(len(gaps) * 0.99)] if gaps else float("nan")
    print(f"typing keys={step[0]} updates={len(updates)} beats={len(gaps)} "
          f"max_ms={gaps[-1] * 1000:.1f} p99_ms={p99 * 1000:.1f}", flush=True)
    window.discard_variants()
    window.close()
    app.quit()

# Start once the first recommendation and the guide are in, as a user would.
def wait_ready():
    if window.live.recommendation is not None and window.guide_browser.is_loaded:
        begin()
    else:
        QTimer.singleShot(10, wait_ready)
wait_ready()
app.exec()
"""


def typing_stall(seconds: float, features: bool = True) -> None:
    with tempfile.TemporaryDirectory(prefix="ui-bench-") as scratch:
        env = _env(scratch)
        env["BENCH_TYPING_SECONDS"] = str(seconds)
        env["BENCH_FEATURES"] = "1" if features else "0"
        proc = subprocess.run(
            [sys.executable, "-c", textwrap.dedent(TYPING)],
            env=env,
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
    line = next((x for x in proc.stdout.splitlines() if x.startswith("typing")), None)
    if line is None:
        raise RuntimeError(f"typing run failed (exit {proc.returncode}):\n{proc.stderr[-2000:]}")
    fields = dict(part.split("=") for part in line.split()[1:])
    extra = ", a second variant and the Compare window" if features else ""
    print(
        f"Typing into 'Peak rate' for {seconds:g} s with the live recommendation{extra} on "
        f"(2 ms heartbeat):"
    )
    print(f"  keys {fields['keys']}, recommendations shown {fields['updates']}")
    print(
        f"  longest main-thread stall {float(fields['max_ms']):6.1f} ms (target < 50 ms), "
        f"p99 gap {float(fields['p99_ms']):.1f} ms"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=7, help="fresh processes per variant")
    parser.add_argument("--typing-seconds", type=float, default=4.0)
    args = parser.parse_args(argv)
    platform = os.environ.get("QT_QPA_PLATFORM") or (
        "offscreen"
        if not (os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))
        else "native"
    )
    print(f"Python {sys.version.split()[0]}, Qt platform {platform}")
    cold_start(args.runs)
    typing_stall(args.typing_seconds, features=False)
    typing_stall(args.typing_seconds, features=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
