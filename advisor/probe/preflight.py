"""Staged pre-flight shared by all brokers: DNS resolve, TCP connect and TLS handshake.

    ok = yield from preflight.run(ctx, endpoint, tls=ctx.target.tls, prefix="redis")

yields the checks `<prefix>.resolve`, `<prefix>.connect` and (when tls) `<prefix>.tls`, each timed
and bounded by `ctx.timeout()`, and returns True when the endpoint accepted a connection (and
TLS). Clients hide the cause of a failure (pika raises bare socket errors, kafka-python turns
everything into a bootstrap timeout); this names it, with the address dialled.
`tls_context(target)` builds the SSLContext the broker clients should also use
(`?ssl_cert_reqs=none` disables verification, `?ssl_ca_certs=path` names the CA file, and
`?ssl_certfile=...&ssl_keyfile=...` the client certificate for mutual TLS).

For the raw protocol handshakes: `open_socket` (TCP, then TLS when the target asks for it),
`recv` (bounded, and it notices cancellation while it waits), and `sniff` plus `what_speaks`,
which tell which protocol a port that stayed silent to the broker's greeting speaks.
"""

from __future__ import annotations

import socket
import ssl
import threading
import time
from collections.abc import Generator

from advisor.i18n import tr
from advisor.probe.classify import CLIENT_CERT_HINT, describe, is_tls_alert, tls_failure
from advisor.probe.models import Endpoint, FailureClass, ProbeCheck, ProbeTarget, Stage
from advisor.probe.runner import MIN_TIMEOUT_S, CheckRecorder, ProbeAbortError, ProbeContext

_FALSE = frozenset({"none", "false", "0", "no", "off", "cert_none"})
SNIFF_CAP_S = 1.0
SNIFF_AFTER_S = 1.0  # a broker answers its protocol greeting within milliseconds
# Under TLS 1.3 a server that refuses the client's certificate (or wants one) says so after the
# handshake; a broker never speaks first, so anything that arrives this soon is that alert.
ALERT_WAIT_S = 0.2
_SLICE_S = 0.1  # how often a raw wait looks at the cancel event


class TlsFilesError(ValueError):
    """A CA, client certificate or key file of the target that cannot be loaded."""


def tls_context(target: ProbeTarget) -> ssl.SSLContext:
    """An SSLContext honouring the target's CA, client certificate and ssl_cert_reqs options.

    Raises TlsFilesError naming the file when one cannot be read or is not what it should be.
    """
    try:
        context = ssl.create_default_context(cafile=target.ssl_ca_certs or None)
    except (OSError, ssl.SSLError) as error:
        raise TlsFilesError(
            tr(
                "cannot load the CA file {path} (ssl_ca_certs): {error}",
                path=target.ssl_ca_certs,
                error=describe(error),
            )
        ) from error
    verify = target.options.get("ssl_cert_reqs", target.options.get("tls_verify", "required"))
    if verify.lower() in _FALSE:
        context.check_hostname = False
        context.verify_mode = ssl.CERT_NONE
    if target.ssl_certfile:
        try:
            context.load_cert_chain(target.ssl_certfile, target.ssl_keyfile or None)
        except (OSError, ssl.SSLError) as error:
            files = {"path": target.ssl_certfile, "error": describe(error)}
            raise TlsFilesError(
                tr(
                    "cannot load the client certificate {path} with the key {key} "
                    "(ssl_certfile/ssl_keyfile): {error}",
                    key=target.ssl_keyfile,
                    **files,
                )
                if target.ssl_keyfile
                else tr(
                    "cannot load the client certificate {path} (ssl_certfile/ssl_keyfile): {error}",
                    **files,
                )
            ) from error
    return context


def resolve(host: str, port: int, timeout_s: float) -> list[tuple[int, tuple[str, int]]]:
    """getaddrinfo bounded by a timeout (it has none of its own): [(family, sockaddr)].

    Raises socket.gaierror on failure and TimeoutError when the resolver is too slow (the
    helper thread is left to finish on its own; it holds no resources of ours).
    """
    box: dict[str, object] = {}

    def work() -> None:
        try:
            box["value"] = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
        except BaseException as error:  # delivered to the caller below
            box["error"] = error

    thread = threading.Thread(target=work, daemon=True, name=f"resolve-{host}")
    thread.start()
    thread.join(timeout_s)
    if thread.is_alive():
        raise TimeoutError(
            tr(
                "DNS lookup of {host} took longer than {seconds} s",
                host=host,
                seconds=f"{timeout_s:g}",
            )
        )
    if "error" in box:
        raise box["error"]  # type: ignore[misc]
    infos = box["value"]
    assert isinstance(infos, list)
    seen: list[tuple[int, tuple[str, int]]] = []
    for family, _type, _proto, _name, sockaddr in infos:
        item = (int(family), (str(sockaddr[0]), int(sockaddr[1])))
        if item not in seen:
            seen.append(item)
    return seen


def run(
    ctx: ProbeContext,
    endpoint: Endpoint,
    *,
    tls: bool,
    prefix: str,
    server_hostname: str | None = None,
) -> Generator[ProbeCheck, None, bool]:
    """Resolve, connect and (when tls) handshake with one endpoint; True when all passed."""
    where = str(endpoint)
    addresses: list[tuple[int, tuple[str, int]]] = []
    with ctx.check(
        f"{prefix}.resolve", tr("Resolve {host}", host=endpoint.host), Stage.RESOLVE, where=where
    ) as check:
        try:
            addresses = resolve(endpoint.host, endpoint.port, ctx.timeout())
        except socket.gaierror as error:
            check.fail(
                FailureClass.DNS,
                tr(
                    "cannot resolve {endpoint}: {error}",
                    endpoint=endpoint.host,
                    error=describe(error),
                ),
                tr(
                    "Check the host name for typos and that this machine's DNS can see it "
                    "(inside Docker or Kubernetes, use the service name)."
                ),
            )
        except TimeoutError as error:
            check.fail(
                FailureClass.DNS,
                describe(error),
                tr("The DNS server is slow or unreachable; check {file}.", file="/etc/resolv.conf"),
            )
        else:
            check.figures["addresses"] = len(addresses)
            check.note(", ".join(a[1][0] for a in addresses[:4]))
    yield check.result
    if not check.ok:
        return False

    sock: socket.socket | None = None
    with ctx.check(
        f"{prefix}.connect", tr("TCP connect to {where}", where=where), Stage.CONNECT, where=where
    ) as check:
        errors: list[BaseException] = []
        for family, sockaddr in addresses:
            candidate = socket.socket(family, socket.SOCK_STREAM)
            candidate.settimeout(ctx.timeout())
            started = time.monotonic()
            try:
                candidate.connect(sockaddr)
            except OSError as error:
                candidate.close()
                errors.append(error)
                continue
            check.figures["connect_ms"] = round((time.monotonic() - started) * 1000, 3)
            check.note(tr("connected to {address}", address=f"{sockaddr[0]}:{sockaddr[1]}"))
            sock = candidate
            break
        if sock is None:
            failure = ctx.classify(
                errors[0] if errors else OSError(tr("no address to connect to")), where
            )
            if failure.failure_class is FailureClass.TIMEOUT:
                failure_hint = tr(
                    "The SYN got no answer: a firewall or security group probably "
                    "drops it, or the host is down."
                )
                check.fail(
                    FailureClass.TIMEOUT,
                    tr(
                        "TCP connect to {where} timed out after {seconds} s",
                        where=where,
                        seconds=f"{ctx.stage_timeout_s:g}",
                    ),
                    failure_hint,
                )
            else:
                check.fail(failure.failure_class, failure.details, failure.hint)
    yield check.result
    if sock is None:
        return False

    try:
        if not tls:
            return True
        with ctx.check(
            f"{prefix}.tls", tr("TLS handshake with {where}", where=where), Stage.TLS, where=where
        ) as check:
            try:
                context = tls_context(ctx.target)
            except TlsFilesError as error:
                check.fail(
                    FailureClass.CONFIGURATION,
                    str(error),
                    tr(
                        "Check the path and that the file is a PEM certificate (and an "
                        "unencrypted PEM key) this user can read."
                    ),
                )
            else:
                sock = _handshake(ctx, check, sock, context, server_hostname or endpoint.host)
        yield check.result
        return check.ok
    finally:
        sock.close()


def _handshake(
    ctx: ProbeContext,
    check: CheckRecorder,
    sock: socket.socket,
    context: ssl.SSLContext,
    server_hostname: str,
) -> socket.socket:
    """The TLS handshake of the `tls` check; returns the socket to close (wrapped if it was)."""
    where = check.where or tr("the server")
    client_cert = ctx.target.ssl_certfile is not None
    sock.settimeout(ctx.timeout())
    started = time.monotonic()
    try:
        wrapped = context.wrap_socket(sock, server_hostname=server_hostname)
    except (ssl.SSLError, ssl.CertificateError) as error:
        failure = tls_failure(error, where, client_cert=client_cert)
        check.fail(failure.failure_class, failure.details, failure.hint)
        return sock
    except TimeoutError:
        check.fail(
            FailureClass.TLS,
            tr(
                "no TLS answer from {where} within {seconds} s",
                where=where,
                seconds=f"{ctx.stage_timeout_s:g}",
            ),
            tr(
                "The port accepted TCP but did not answer the TLS hello: it is "
                "probably a plain-text port; use the non-TLS scheme or the TLS port."
            ),
        )
        return sock
    except ConnectionError as error:
        check.fail(
            FailureClass.TLS,
            tr(
                "{where} closed the connection during the TLS handshake: {error}",
                where=where,
                error=describe(error),
            ),
            tr(
                "The port probably does not serve TLS; use the non-TLS scheme or "
                "the broker's TLS port."
            ),
        )
        return sock
    check.figures["handshake_ms"] = round((time.monotonic() - started) * 1000, 3)
    alert = _alert_after_handshake(ctx, wrapped)
    if alert is not None:
        failure = tls_failure(alert, where, client_cert=client_cert)
        check.fail(failure.failure_class, failure.details, failure.hint)
        return wrapped
    check.figures["protocol"] = wrapped.version() or "?"
    cipher = wrapped.cipher()
    if cipher:
        check.figures["cipher"] = cipher[0]
    check.figures["client_certificate"] = "sent" if client_cert else "none"
    if context.verify_mode == ssl.CERT_NONE:
        check.warn(
            tr("certificate verification is disabled ({setting})", setting="ssl_cert_reqs=none"),
            tr("Verify the certificate in production."),
        )
    return wrapped


def _alert_after_handshake(ctx: ProbeContext, sock: ssl.SSLSocket) -> ssl.SSLError | None:
    """A client-certificate alert the server sent right after a TLS 1.3 handshake, if any."""
    if sock.version() != "TLSv1.3":
        return None  # under TLS 1.2 the alert ends the handshake itself
    sock.settimeout(min(ALERT_WAIT_S, ctx.timeout()))
    try:
        sock.recv(1)
    except ssl.SSLError as error:
        return error if is_tls_alert(error) else None
    except OSError:
        return None  # nothing came (the usual case), or the peer hung up: later checks say
    finally:
        sock.settimeout(ctx.timeout())
    return None


def open_socket(ctx: ProbeContext, endpoint: Endpoint, timeout_s: float) -> socket.socket:
    """A TCP connection to endpoint (TLS-wrapped when the target asks for TLS)."""
    sock = socket.create_connection((endpoint.host, endpoint.port), timeout=timeout_s)
    if ctx.target.tls:
        try:
            sock = tls_context(ctx.target).wrap_socket(sock, server_hostname=endpoint.host)
        except BaseException:
            sock.close()
            raise
    sock.settimeout(timeout_s)
    return sock


def recv(
    ctx: ProbeContext, sock: socket.socket, size: int, timeout_s: float, *, exact: bool = False
) -> bytes:
    """Up to `size` bytes (all of them when exact, unless the peer closes) within timeout_s.

    Raises TimeoutError when nothing (or, when exact, not everything) came in time, and
    ProbeAbortError as soon as the probe is cancelled: a raw wait need not outlast a Cancel.
    Returns b"" when the peer closed the connection first.
    """
    ends = time.monotonic() + timeout_s
    data = b""
    while len(data) < size:
        ctx.check_cancelled()
        left = ends - time.monotonic()
        if left <= 0:
            raise TimeoutError(tr("no reply within {seconds} s", seconds=f"{timeout_s:g}"))
        sock.settimeout(min(_SLICE_S, left))
        try:
            chunk = sock.recv(size - len(data))
        except TimeoutError:
            continue
        if not chunk:
            break
        data += chunk
        if not exact:
            break
    return data


def sniff(ctx: ProbeContext, endpoint: Endpoint, payload: bytes = b"PING\r\n") -> bytes | None:
    """After a silent greeting: what does the port answer to a line of text (Redis, HTTP...)?

    Uses a fresh connection and at most SNIFF_CAP_S (never more than the budget left, and no
    error when none is left: the caller reports its own timeout). None: silent or closed.
    """
    cap = min(SNIFF_CAP_S, ctx.stage_timeout_s, ctx.remaining_s())
    if cap < MIN_TIMEOUT_S or ctx.cancel.is_set():
        return None
    try:
        with open_socket(ctx, endpoint, cap) as sock:
            sock.sendall(payload)
            return recv(ctx, sock, 64, cap) or None
    except (OSError, ProbeAbortError):
        return None


def what_speaks(reply: bytes) -> str:
    """Guess the protocol of an unexpected reply."""
    if reply[:1] in (b"+", b"-", b"$", b"*", b":") and b"\r\n" in reply:
        return tr("it speaks Redis (RESP): {reply}", reply=repr(reply[:40]))
    if reply.startswith(b"HTTP/"):
        return tr("it speaks {protocol}", protocol="HTTP")
    if reply.startswith(b"AMQP"):
        return tr("it speaks {protocol}", protocol="AMQP (RabbitMQ)")
    if reply[:1] == b"\x15" and reply[1:2] == b"\x03":
        return tr("it answered with a TLS alert: the port expects TLS")
    if reply.startswith(b"SSH-"):
        return tr("it speaks {protocol}", protocol="SSH")
    return tr("unexpected reply {reply}", reply=repr(reply[:24]))


def diagnose_tls(target: ProbeTarget, endpoint: Endpoint, timeout_s: float) -> str | None:
    """Why a TLS connection to endpoint fails, with the hint, for a client library that only
    said "transport failure": a handshake with the target's CA and client certificate, then a
    short read for the alert a TLS 1.3 server sends after it (a broker never speaks first).
    None when TLS works or the reason is not TLS's."""
    try:
        context = tls_context(target)
    except TlsFilesError as error:
        return str(error)
    where = str(endpoint)
    try:
        with socket.create_connection((endpoint.host, endpoint.port), timeout_s) as raw:
            raw.settimeout(timeout_s)
            with context.wrap_socket(raw, server_hostname=endpoint.host) as sock:
                sock.settimeout(ALERT_WAIT_S)
                try:
                    if sock.recv(1) == b"" and target.ssl_certfile is None:
                        return tr(
                            "{endpoint} closed the connection after the TLS handshake. {hint}",
                            endpoint=where,
                            hint=tr(CLIENT_CERT_HINT),
                        )
                except TimeoutError:
                    return None  # the server waits for the client: TLS itself works
    except (ssl.SSLError, ssl.CertificateError) as error:
        failure = tls_failure(error, where, client_cert=target.ssl_certfile is not None)
        return f"{failure.details}. {failure.hint}"
    except OSError:
        return None  # not a TLS problem: the library's own error says enough
    return None
