"""Shared by the language tests: is a text Persian, and the CLI run in a clean locale."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from advisor import i18n

ROOT = Path(__file__).resolve().parents[1]
ARABIC_SCRIPT = range(0x0600, 0x0700)


def persian(text: str) -> bool:
    """Whether a text holds Arabic-script letters (Persian output)."""
    return any(ord(char) in ARABIC_SCRIPT for char in text)


def run_cli(
    *args: str, env: dict[str, str] | None = None, timeout: float = 120
) -> subprocess.CompletedProcess[str]:
    """`broker-advisor ARGS` with no language in the environment but what `env` adds."""
    environ = {k: v for k, v in os.environ.items() if k not in ("LANG", "LC_ALL", i18n.ENV_VAR)}
    return subprocess.run(
        [sys.executable, "-m", "advisor", *args],
        cwd=ROOT,
        check=False,
        env={**environ, **(env or {})},
        capture_output=True,
        text=True,
        timeout=timeout,
    )
