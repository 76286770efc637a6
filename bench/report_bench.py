"""Time report exports per format for the largest preset with probe results (prints only)."""

from __future__ import annotations

import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

from advisor import engine, paths, report
from advisor.workload import load_workload

RUNS = 15
TARGETS_MS = {"html": 200.0, "md": 200.0, "json": 200.0, "pdf": 1500.0}


def _largest_preset() -> Path:
    """The preset whose HTML report is longest (most reasons and cited guide text)."""
    sizes = []
    for path in sorted(paths.presets_dir().glob("*.yaml")):
        workload = load_workload(path)
        html = report.render("html", workload, engine.recommend(workload))
        sizes.append((len(html), path))
    return max(sizes)[1]


def main() -> int:
    sys.path.insert(0, str(paths.ROOT))
    from tests.advisor.report.conftest import probe_result_with_secret

    preset = _largest_preset()
    workload = load_workload(preset)
    recommendation = engine.recommend(workload)
    probes = [probe_result_with_secret()]
    moment = datetime(2026, 1, 1, tzinfo=UTC)
    print(f"preset: {preset.name} (largest report), {RUNS} runs per format, 1 probe result")

    start = time.perf_counter()
    from ui import pdf

    pdf.ensure_gui_application()
    qt_ms = (time.perf_counter() - start) * 1e3
    print(f"one-off Qt start (import + QGuiApplication): {qt_ms:.0f} ms")

    with tempfile.TemporaryDirectory() as folder:
        for fmt in ("html", "md", "json", "pdf"):
            target = Path(folder) / f"report{report.SUFFIXES[fmt]}"
            report.export(fmt, workload, recommendation, target, probes, moment)  # warm-up
            times = []
            for _ in range(RUNS):
                t0 = time.perf_counter()
                report.export(fmt, workload, recommendation, target, probes, moment)
                times.append((time.perf_counter() - t0) * 1e3)
            median = statistics.median(times)
            verdict = "ok" if median < TARGETS_MS[fmt] else "SLOW"
            print(
                f"{fmt:5} median {median:7.1f} ms  min {min(times):7.1f}  max {max(times):7.1f}"
                f"  size {target.stat().st_size / 1024:7.1f} KB"
                f"  target < {TARGETS_MS[fmt]:.0f} ms"
                f"  {verdict}"
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())
