"""Small wire-protocol health checks that need no client library and time out quickly."""

from __future__ import annotations

import base64
import socket
import ssl
import struct
import urllib.error
import urllib.request
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field

from advisor.i18n import tr
from advisor.sandbox import layout

TIMEOUT_S = 2.0


class PortInUseError(RuntimeError):
    """A sandbox port is held by a process the sandbox did not start."""


class CheckResult(BaseModel):
    """Outcome of one protocol check."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    ok: bool = Field(title="Passed")
    detail: str = Field(default="", title="Detail")


def _connect(port: int, timeout_s: float, tls: ssl.SSLContext | None = None) -> socket.socket:
    sock = socket.create_connection((layout.HOST, port), timeout=timeout_s)
    if tls is None:
        return sock
    try:
        return tls.wrap_socket(sock, server_hostname="localhost")
    except BaseException:
        sock.close()
        raise


def client_tls(
    ca_file: Path, cert_file: Path | None = None, key_file: Path | None = None
) -> ssl.SSLContext:
    """A verifying client context for the sandbox's TLS ports (with a client certificate)."""
    context = ssl.create_default_context(cafile=str(ca_file))
    if cert_file is not None:
        context.load_cert_chain(str(cert_file), str(key_file) if key_file else None)
    return context


def _recv_exact(sock: socket.socket, count: int) -> bytes:
    data = b""
    while len(data) < count:
        chunk = sock.recv(count - len(data))
        if not chunk:
            raise ConnectionError(tr("connection closed by peer"))
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
            tr(
                "cannot start {process}: {host} port {ports} is already in use by another "
                "process (a sandbox under another {variable}, or a system service?). "
                "{command} shows which.",
                process=owner,
                host=layout.HOST,
                ports=listed,
                variable=f"${layout.HOME_ENV}",
                command=f"`ss -ltnp 'sport = :{busy[0]}'`",
            )
        )


def _resp(*args: str) -> bytes:
    parts = [f"*{len(args)}\r\n".encode()]
    for arg in args:
        data = arg.encode()
        parts.append(b"$%d\r\n%s\r\n" % (len(data), data))
    return b"".join(parts)


def _read_line(sock: socket.socket) -> str:
    data = b""
    while not data.endswith(b"\r\n") and len(data) < 4096:
        chunk = sock.recv(4096)
        if not chunk:
            break
        data += chunk
    return data.decode(errors="replace").strip()


def redis_ping(
    port: int,
    timeout_s: float = TIMEOUT_S,
    *,
    auth: tuple[str, str] | None = None,
    tls: ssl.SSLContext | None = None,
) -> CheckResult:
    """PING over RESP (after AUTH user password, over TLS when asked); a loading or
    misconfigured server answers with an error line instead."""
    try:
        with _connect(port, timeout_s, tls) as sock:
            if auth is not None:
                sock.sendall(_resp("AUTH", *auth))
                login = _read_line(sock)
                if login != "+OK":
                    return CheckResult(ok=False, detail=f"AUTH: {login or 'empty reply'}")
            sock.sendall(_resp("PING"))
            reply = _read_line(sock)
    except (OSError, ssl.SSLError) as exc:
        return CheckResult(ok=False, detail=f"{type(exc).__name__}: {exc}")
    if reply == "+PONG":
        return CheckResult(ok=True, detail="PONG" + (" over TLS" if tls is not None else ""))
    return CheckResult(ok=False, detail=reply or "empty reply")


def redis_command(
    port: int,
    *args: str,
    timeout_s: float = TIMEOUT_S,
) -> str:
    """One command's reply as text (a bulk string's payload, or the status/error line)."""
    with _connect(port, timeout_s) as sock:
        sock.sendall(_resp(*args))
        data = b""
        while True:
            chunk = sock.recv(65536)
            if not chunk:
                break
            data += chunk
            if data.startswith(b"$"):
                head, _, body = data.partition(b"\r\n")
                if int(head[1:]) < 0 or len(body) >= int(head[1:]) + 2:
                    return body[: max(0, int(head[1:]))].decode(errors="replace")
            elif data.endswith(b"\r\n"):
                return data.decode(errors="replace").strip()
    return data.decode(errors="replace").strip()


def amqp_handshake(
    port: int, timeout_s: float = TIMEOUT_S, *, tls: ssl.SSLContext | None = None
) -> CheckResult:
    """Send the AMQP 0-9-1 protocol header and expect a Connection.Start method frame."""
    try:
        with _connect(port, timeout_s, tls) as sock:
            sock.sendall(b"AMQP\x00\x00\x09\x01")
            header = _recv_exact(sock, 11)
    except (OSError, ConnectionError, ssl.SSLError) as exc:
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
