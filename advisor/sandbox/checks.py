"""Small wire-protocol health checks that need no client library and time out quickly."""

from __future__ import annotations

import base64
import socket
import struct
import urllib.error
import urllib.request

from pydantic import BaseModel, ConfigDict, Field

from advisor.sandbox import layout

TIMEOUT_S = 2.0


class PortInUseError(RuntimeError):
    """A sandbox port is held by a process the sandbox did not start."""


class CheckResult(BaseModel):
    """Outcome of one protocol check."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    ok: bool = Field(title="Passed")
    detail: str = Field(default="", title="Detail")


def _connect(port: int, timeout_s: float) -> socket.socket:
    return socket.create_connection((layout.HOST, port), timeout=timeout_s)


def _recv_exact(sock: socket.socket, count: int) -> bytes:
    data = b""
    while len(data) < count:
        chunk = sock.recv(count - len(data))
        if not chunk:
            raise ConnectionError("connection closed by peer")
        data += chunk
    return data


def port_open(port: int, timeout_s: float = TIMEOUT_S) -> bool:
    try:
        with _connect(port, timeout_s):
            return True
    except OSError:
        return False


def require_free_ports(ports: list[int], owner: str) -> None:
    """Fail before spawning if a port is taken: a foreign listener would pass our health checks."""
    busy = [port for port in ports if port_open(port, timeout_s=0.5)]
    if busy:
        listed = ", ".join(str(port) for port in busy)
        raise PortInUseError(
            f"cannot start {owner}: {layout.HOST} port {listed} is already in use by another "
            f"process (a sandbox under another ${layout.HOME_ENV}, or a system service?). "
            f"`ss -ltnp 'sport = :{busy[0]}'` shows which."
        )


def redis_ping(port: int, timeout_s: float = TIMEOUT_S) -> CheckResult:
    """PING over RESP; a loading or misconfigured server answers with an error line instead."""
    try:
        with _connect(port, timeout_s) as sock:
            sock.sendall(b"*1\r\n$4\r\nPING\r\n")
            reply = sock.recv(256).decode(errors="replace").strip()
    except OSError as exc:
        return CheckResult(ok=False, detail=f"{type(exc).__name__}: {exc}")
    if reply == "+PONG":
        return CheckResult(ok=True, detail="PONG")
    return CheckResult(ok=False, detail=reply or "empty reply")


def amqp_handshake(port: int, timeout_s: float = TIMEOUT_S) -> CheckResult:
    """Send the AMQP 0-9-1 protocol header and expect a Connection.Start method frame."""
    try:
        with _connect(port, timeout_s) as sock:
            sock.sendall(b"AMQP\x00\x00\x09\x01")
            header = _recv_exact(sock, 11)
    except (OSError, ConnectionError) as exc:
        return CheckResult(ok=False, detail=f"{type(exc).__name__}: {exc}")
    frame_type, _channel, _size, class_id, method_id = struct.unpack(">BHIHH", header)
    if frame_type == 1 and (class_id, method_id) == (10, 10):
        return CheckResult(ok=True, detail="Connection.Start received")
    return CheckResult(ok=False, detail=f"unexpected reply {header!r}")


def http_get(url: str, user: str, password: str, timeout_s: float = TIMEOUT_S) -> CheckResult:
    """GET with basic auth; the management health endpoints answer 200, or 503 when failing."""
    token = base64.b64encode(f"{user}:{password}".encode()).decode()
    request = urllib.request.Request(url, headers={"Authorization": f"Basic {token}"})
    try:
        with urllib.request.urlopen(request, timeout=timeout_s) as response:
            return CheckResult(ok=True, detail=f"HTTP {response.status}")
    except urllib.error.HTTPError as exc:
        return CheckResult(ok=False, detail=f"HTTP {exc.code}")
    except (OSError, ValueError) as exc:
        return CheckResult(ok=False, detail=f"{type(exc).__name__}: {exc}")


def kafka_api_versions(port: int, timeout_s: float = TIMEOUT_S) -> CheckResult:
    """ApiVersions v0 request; a serving broker answers with error code 0."""
    client_id = b"advisor-sandbox"
    correlation_id = 7
    body = struct.pack(">hhih", 18, 0, correlation_id, len(client_id)) + client_id
    try:
        with _connect(port, timeout_s) as sock:
            sock.sendall(struct.pack(">i", len(body)) + body)
            (size,) = struct.unpack(">i", _recv_exact(sock, 4))
            payload = _recv_exact(sock, min(size, 6))
    except (OSError, ConnectionError) as exc:
        return CheckResult(ok=False, detail=f"{type(exc).__name__}: {exc}")
    got_correlation, error_code = struct.unpack(">ih", payload)
    if got_correlation == correlation_id and error_code == 0:
        return CheckResult(ok=True, detail="ApiVersions ok")
    return CheckResult(ok=False, detail=f"ApiVersions error code {error_code}")
