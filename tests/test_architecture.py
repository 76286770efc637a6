"""The core never imports Qt or the UI: checked on the import graph of every core module."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).parents[1]


def test_no_core_module_imports_qt_or_ui() -> None:
    offenders = []
    for path in (ROOT / "advisor").rglob("*.py"):
        tree = ast.parse(path.read_text(), str(path))
        for node in ast.walk(tree):
            names = []
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            offenders += [
                f"{path.relative_to(ROOT)}: {n}"
                for n in names
                if n.split(".")[0] in ("PySide6", "ui", "shiboken6")
            ]
    assert offenders == []


def test_core_runs_with_qt_unimportable() -> None:
    code = (
        "import sys; sys.modules['PySide6'] = None; sys.modules['ui'] = None\n"
        "from advisor import cli\n"
        "sys.exit(cli.main(['recommend', 'assets/presets/audit-log.yaml', '--format', 'json']))"
    )
    run = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert run.returncode == 0, run.stderr
    assert '"winner": "kafka"' in run.stdout
