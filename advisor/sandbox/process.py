"""Detached child processes: spawn, pid files, liveness, pause and stop."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import time
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path

from advisor.i18n import tr

# The shell backgrounds the command and exits at once, so the broker is re-parented to init: it
# outlives the CLI, never becomes our zombie, and no Popen object is left to warn at exit.
_LAUNCHER = 'cd "$1" && shift && log="$1" && shift && "$@" </dev/null >>"$log" 2>&1 & echo $!'


class SpawnError(RuntimeError):
    """A child process could not be started or did not become ready."""


def spawn_detached(
    argv: Sequence[str],
    *,
    cwd: Path,
    log_path: Path,
    env: Mapping[str, str] | None = None,
) -> int:
    """Start `argv` in its own session with output appended to `log_path`; return its pid."""
    log_path.parent.mkdir(parents=True, exist_ok=True)
    result = subprocess.run(
        ["/bin/sh", "-c", _LAUNCHER, "sandbox-launcher", str(cwd), str(log_path), *argv],
        env=dict(env) if env is not None else None,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        start_new_session=True,
        timeout=30,
        check=False,
    )
    if result.returncode != 0 or not result.stdout.strip().isdigit():
        raise SpawnError(
            tr(
                "could not launch {program}: {output}",
                program=argv[0],
                output=result.stderr.strip() or result.stdout.strip(),
            )
        )
    return int(result.stdout.strip())


class StateFileError(RuntimeError):
    """A sandbox state file (pid file, password file) that cannot be read; names the file."""

    def __init__(self, path: Path, problem: str) -> None:
        super().__init__(
            tr(
                "{path}: {problem}; remove the file and run the command again",
                path=path,
                problem=problem,
            )
        )
        self.path = path
        self.problem = problem


MAX_PID_FILE_BYTES = 64


def read_pid(pid_file: Path) -> int | None:
    """The pid stored in `pid_file`, None when there is none; StateFileError when garbled."""
    try:
        with pid_file.open("rb") as handle:
            raw = handle.read(MAX_PID_FILE_BYTES + 1)
    except FileNotFoundError:
        return None
    except OSError as error:
        raise StateFileError(
            pid_file, tr("cannot read the pid file ({error})", error=error.strerror)
        ) from None
    text = raw.decode("ascii", errors="replace").strip()
    if len(raw) > MAX_PID_FILE_BYTES or not text.isdigit():
        shown = text[:20].encode("unicode_escape").decode("ascii")
        raise StateFileError(
            pid_file, tr("the pid file holds {text}, not a process id", text=repr(shown))
        )
    return int(text)


def write_pid(pid_file: Path, pid: int) -> None:
    pid_file.parent.mkdir(parents=True, exist_ok=True)
    pid_file.write_text(f"{pid}\n")


def _proc_state(pid: int) -> str | None:
    """One-letter state from /proc (R, S, T, Z...), None when there is no such process."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    # The command name may contain spaces or parentheses; the state follows the last ')'.
    return stat[stat.rfind(")") + 2 :].split(" ", 1)[0]


def cmdline(pid: int) -> str:
    try:
        raw = Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return ""
    return raw.replace(b"\0", b" ").decode(errors="replace")


def is_alive(pid: int, marker: str | None = None) -> bool:
    """True when `pid` runs (zombies count as dead) and, if given, its command line holds `marker`.

    The marker guards against a stale pid file whose pid was reused by an unrelated process.
    """
    state = _proc_state(pid)
    if state is None or state in ("Z", "X"):
        return False
    return marker is None or marker in cmdline(pid)


def is_paused(pid: int) -> bool:
    return _proc_state(pid) in ("T", "t")


def running_pid(pid_file: Path, marker: str | None = None) -> int | None:
    """The pid from `pid_file` when that process is alive and matches `marker`."""
    pid = read_pid(pid_file)
    if pid is not None and is_alive(pid, marker):
        return pid
    return None


def send_signal(pid: int, sig: signal.Signals) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.kill(pid, sig)


def wait_until(predicate: Callable[[], bool], timeout_s: float, interval_s: float = 0.2) -> bool:
    """Poll `predicate` until it holds or `timeout_s` passes; return whether it held."""
    deadline = time.monotonic() + timeout_s
    while True:
        if predicate():
            return True
        if time.monotonic() >= deadline:
            return False
        time.sleep(interval_s)


def terminate(pid: int, timeout_s: float) -> bool:
    """SIGTERM, then SIGKILL after `timeout_s`; return True when it stopped without SIGKILL."""
    if not is_alive(pid):
        return True
    # A paused process cannot act on SIGTERM until it runs again.
    send_signal(pid, signal.SIGCONT)
    send_signal(pid, signal.SIGTERM)
    if wait_until(lambda: not is_alive(pid), timeout_s):
        return True
    send_signal(pid, signal.SIGKILL)
    wait_until(lambda: not is_alive(pid), 10.0)
    return False


def terminate_many(pids: Sequence[int], timeout_s: float) -> list[int]:
    """Terminate several processes in parallel; return the pids that needed SIGKILL."""
    alive = [pid for pid in pids if is_alive(pid)]
    for pid in alive:
        send_signal(pid, signal.SIGCONT)
        send_signal(pid, signal.SIGTERM)
    wait_until(lambda: not any(is_alive(pid) for pid in alive), timeout_s)
    killed = [pid for pid in alive if is_alive(pid)]
    for pid in killed:
        send_signal(pid, signal.SIGKILL)
    wait_until(lambda: not any(is_alive(pid) for pid in killed), 10.0)
    return killed


def tail(path: Path, lines: int = 40) -> str:
    """The last `lines` lines of a log file, for error messages."""
    try:
        with path.open("rb") as handle:
            handle.seek(0, os.SEEK_END)
            size = handle.tell()
            handle.seek(max(0, size - 64 * 1024))
            text = handle.read().decode(errors="replace")
    except OSError:
        return f"(no log at {path})"
    return "\n".join(text.splitlines()[-lines:])


def log_size(path: Path) -> int:
    try:
        return path.stat().st_size
    except OSError:
        return 0


def log_contains_since(path: Path, offset: int, needle: str) -> bool:
    """True when `needle` occurs in the log after byte `offset` (output of the current run only)."""
    try:
        with path.open("rb") as handle:
            handle.seek(offset)
            return needle.encode() in handle.read()
    except OSError:
        return False
