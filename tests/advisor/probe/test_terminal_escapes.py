"""A hostile server's replies never reach the terminal, the JSON or the app as raw escapes."""

from __future__ import annotations

import json
import socket
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from advisor.probe.models import CheckStatus, ProbeCheck, ProbeSummary, Stage, terminal_safe

REPO = Path(__file__).resolve().parents[3]
HOSTILE_REPLY = b"-ERR \x1b[2J\x1b]0;owned\x07\x9b31m\xe2\x80\xae cleared your screen\r\n"


@pytest.fixture
def hostile_port() -> Iterator[int]:
    """A loopback server answering every request with an error full of terminal escapes."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(16)
    server.settimeout(0.1)
    stop = threading.Event()
    held: list[socket.socket] = []

    def serve() -> None:
        while not stop.is_set():
            try:
                conn, _ = server.accept()
            except OSError:
                continue
            held.append(conn)
            conn.settimeout(0.2)
            try:
                while conn.recv(4096):
                    conn.sendall(HOSTILE_REPLY)
            except OSError:
                pass

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    yield int(server.getsockname()[1])
    stop.set()
    thread.join(2)
    for conn in held:
        conn.close()
    server.close()


def test_control_characters_are_escaped_in_every_reported_text() -> None:
    check = ProbeCheck(
        id="x",
        title="t",
        stage=Stage.INSPECT,
        status=CheckStatus.WARN,
        duration_ms=1,
        details="a\x1b[2Jb\nc",
        figures={"version": "7\x9b1m"},
    )
    assert check.details == "a\\x1b[2Jb\nc"  # newlines and tabs stay, escapes do not
    assert check.figures["version"] == "7\\x9b1m"
    assert ProbeSummary(version="8\u202e1").version == "8\\u202e1"
    assert terminal_safe({"k\x07": ["v\x1b"]}) == {"k\\x07": ["v\\x1b"]}


@pytest.mark.parametrize("as_json", [False, True])
def test_a_hostile_servers_reply_reaches_the_terminal_escaped(
    hostile_port: int, as_json: bool
) -> None:
    args = [sys.executable, "-m", "advisor", "probe", "--timeout", "4", "--stage-timeout", "1"]
    args += ["--json"] if as_json else []
    args.append(f"redis://127.0.0.1:{hostile_port}/0")
    done = subprocess.run(args, cwd=REPO, capture_output=True, timeout=60, check=False, env=None)
    output = done.stdout + done.stderr
    for raw in (b"\x1b", b"\x07", b"\xc2\x9b", b"\xe2\x80\xae"):
        assert raw not in output, (raw, output[:400])
    assert done.returncode == 1
    if as_json:
        text = json.dumps(json.loads(done.stdout))
        assert "\\\\x1b" in text or "x1b" in text  # shown, escaped
