"""Failure classification for every probe: socket, TLS and timeout causes, and the brokers' replies.

`classify_failure(exc, where, ...)` is what `ProbeContext.classify` asks: a client-certificate
alert first (named for what the target sent), then the broker package's own `classify` (the
client library's exception types), then the socket-level causes found anywhere in the exception
chain, else "other". Causes the brokers state in their replies are data: `REPLY_CAUSES` (text
a reply contains) and `REPLY_CODES` (AMQP reply codes); the exception types of each client
library that name a cause are `ErrorCause` entries in its broker's `wire.py`, looked up with
`error_cause`. A new cause is one entry.
"""

from __future__ import annotations

import errno
import socket
import ssl
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass

from advisor.i18n import N_, tr
from advisor.probe.models import FailureClass
from advisor.workload import Broker


@dataclass(frozen=True)
class Failure:
    """A classified failure: the class, what happened and what to do."""

    failure_class: FailureClass
    details: str
    hint: str = ""


Classifier = Callable[[BaseException, str], "Failure | None"]
"""A broker module's `classify(exc, where)`: where is the address the failing call dialled."""


def describe(exc: BaseException) -> str:
    """A one-line description of an exception, never empty (pika's often are)."""
    text = str(exc).strip()
    if not text and exc.args:
        text = " ".join(repr(a) if not isinstance(a, str) else a for a in exc.args).strip()
    name = type(exc).__name__
    return f"{name}: {text}" if text else name


def walk_exception(exc: BaseException) -> Iterator[BaseException]:
    """The exception, its causes and contexts, and exceptions nested in its args or groups."""
    seen: set[int] = set()
    stack: list[BaseException] = [exc]
    while stack:
        item = stack.pop()
        if id(item) in seen:
            continue
        seen.add(id(item))
        yield item
        nested = [*item.args, *getattr(item, "exceptions", ()), item.__cause__, item.__context__]
        stack.extend(n for n in nested if isinstance(n, BaseException))


_TLS_PLAIN_MARKERS = (
    "wrong version number",
    "unexpected_eof_while_reading",  # OpenSSL 3: a plain-text server hung up on the hello
    "record layer failure",
    "packet length too long",
    "unknown protocol",
    "http request",
    "record_layer_failure",
    "unexpected eof",
)


# Alerts a server sends when it wants a client certificate (mutual TLS) and got none or one it
# does not accept. Under TLS 1.3 they arrive after the client's handshake has completed, on the
# first read; under TLS 1.2 (OpenSSL's "peer did not return a certificate") as a handshake failure.
_CLIENT_CERT_MISSING = (
    "certificate required",
    "certificate_required",
    "peer did not return a certificate",
    "no certificate returned",
)
_CLIENT_CERT_REFUSED = (
    "alert bad certificate",
    "alert certificate unknown",
    "alert unknown ca",
    "alert unsupported certificate",
    "alert certificate expired",
    "alert certificate revoked",
    "alert access denied",
)
CLIENT_CERT_HINT = N_(
    "The server requires a client certificate (mutual TLS): give it and its key as "
    "?ssl_certfile=/path/client.pem&ssl_keyfile=/path/client.key, signed by a CA the server trusts."
)


# What a client that sent no certificate may see instead of an alert: a TLS 1.3 server that
# wants one closes the connection, and the client's next write or read meets the end.
_CLOSED_AFTER_HANDSHAKE = ("eof occurred in violation of protocol", "unexpected eof")


def client_cert_hint(text: str, *, sent: bool) -> str | None:
    """The mutual-TLS hint for an error text (from any client library) when no client
    certificate was sent and the text is what a server that wants one makes a client see."""
    lowered = text.lower()
    markers = (*_CLIENT_CERT_MISSING, *_CLIENT_CERT_REFUSED, *_CLOSED_AFTER_HANDSHAKE)
    if sent or not any(m in lowered for m in (*markers, "alert handshake failure")):
        return None
    return tr(CLIENT_CERT_HINT)


def is_tls_alert(exc: BaseException) -> bool:
    """Whether an SSLError is an alert about the client certificate (worth naming at once)."""
    lowered = describe(exc).lower()
    return any(m in lowered for m in (*_CLIENT_CERT_MISSING, *_CLIENT_CERT_REFUSED)) or (
        "alert handshake failure" in lowered
    )


def tls_failure(
    exc: ssl.SSLError | ssl.CertificateError, endpoint: str, *, client_cert: bool | None = None
) -> Failure:
    """Name a TLS failure; a plain-text port answering a TLS hello gets its own hint, and so does
    a server that wants a client certificate (`client_cert`: whether one was sent, if known)."""
    text = describe(exc)
    lowered = text.lower()
    if any(marker in lowered for marker in _CLIENT_CERT_MISSING) or (
        client_cert is False and any(marker in lowered for marker in _CLIENT_CERT_REFUSED)
    ):
        return Failure(
            FailureClass.TLS,
            tr(
                "{endpoint} requires a client certificate and none was sent: {error}",
                endpoint=endpoint,
                error=text,
            ),
            tr(CLIENT_CERT_HINT),
        )
    if any(marker in lowered for marker in _CLIENT_CERT_REFUSED):
        if client_cert:
            return Failure(
                FailureClass.TLS,
                tr(
                    "{endpoint} refused the client certificate: {error}",
                    endpoint=endpoint,
                    error=text,
                ),
                tr(
                    "The server does not accept this client certificate: it must be signed by a "
                    "CA the server trusts (its CA file or trust store), be valid now and allow "
                    "client use (extendedKeyUsage clientAuth)."
                ),
            )
        return Failure(
            FailureClass.TLS,
            tr("{endpoint} refused the TLS client: {error}", endpoint=endpoint, error=text),
            tr(
                "The server wants a client certificate it trusts (mutual TLS): give it and its "
                "key as ?ssl_certfile=/path/client.pem&ssl_keyfile=/path/client.key."
            ),
        )
    if "alert handshake failure" in lowered and not client_cert:
        return Failure(
            FailureClass.TLS,
            tr("TLS handshake with {endpoint} failed: {error}", endpoint=endpoint, error=text),
            tr(
                "The server may require a client certificate (mutual TLS): give it as "
                "?ssl_certfile=/path/client.pem&ssl_keyfile=/path/client.key. Otherwise client "
                "and server share no protocol version or cipher."
            ),
        )
    if isinstance(exc, ssl.SSLCertVerificationError) or "certificate verify" in lowered:
        return Failure(
            FailureClass.TLS,
            tr("TLS certificate rejected by {endpoint}: {error}", endpoint=endpoint, error=text),
            tr(
                "The server's certificate is not trusted or does not match the host "
                "name: pass the CA with ?ssl_ca_certs=/path/ca.pem, or fix the "
                "certificate."
            ),
        )
    if any(marker in lowered for marker in _TLS_PLAIN_MARKERS):
        return Failure(
            FailureClass.TLS,
            tr("TLS handshake with {endpoint} failed: {error}", endpoint=endpoint, error=text),
            tr(
                "The port answered in plain text, not TLS: use the non-TLS scheme "
                "(redis://, amqp://, kafka://) or the broker's TLS port."
            ),
        )
    return Failure(
        FailureClass.TLS,
        tr("TLS handshake with {endpoint} failed: {error}", endpoint=endpoint, error=text),
        tr(
            "Check that the port serves TLS and that client and server share a "
            "protocol version and cipher."
        ),
    )


def classify_os_error(exc: BaseException, endpoint: str = "") -> Failure | None:
    """Classify socket-level errors (DNS, refused, timeout, TLS) anywhere in the exception chain."""
    endpoint = endpoint or tr("the server")
    for item in walk_exception(exc):
        if isinstance(item, socket.gaierror):
            return Failure(
                FailureClass.DNS,
                tr("cannot resolve {endpoint}: {error}", endpoint=endpoint, error=describe(item)),
                tr(
                    "Check the host name for typos and that this machine's DNS can "
                    "see it (inside Docker, use the service name)."
                ),
            )
        if isinstance(item, (ssl.SSLError, ssl.CertificateError)):
            return tls_failure(item, endpoint)
        if isinstance(item, ConnectionRefusedError) or (
            isinstance(item, OSError) and item.errno == errno.ECONNREFUSED
        ):
            return Failure(
                FailureClass.REFUSED,
                tr("{endpoint} refused the connection", endpoint=endpoint),
                tr(
                    "Nothing listens on that port: check the port number and that the "
                    "broker is running and bound to a reachable interface."
                ),
            )
        if isinstance(item, (socket.timeout, TimeoutError)):
            return Failure(
                FailureClass.TIMEOUT,
                tr(
                    "no answer from {endpoint} in time: {error}",
                    endpoint=endpoint,
                    error=describe(item),
                ),
                tr(
                    "A firewall may drop the packets, the server may be paused or "
                    "overloaded, or something that is not the broker holds the port."
                ),
            )
        if isinstance(item, ConnectionResetError) or (
            isinstance(item, OSError) and item.errno in (errno.ECONNRESET, errno.EPIPE)
        ):
            return Failure(
                FailureClass.WRONG_PROTOCOL,
                tr(
                    "{endpoint} closed the connection: {error}",
                    endpoint=endpoint,
                    error=describe(item),
                ),
                tr(
                    "The server hung up during the handshake: it may expect TLS (use "
                    "the TLS scheme), another protocol, or be restarting."
                ),
            )
        if isinstance(item, OSError) and item.errno in (errno.EHOSTUNREACH, errno.ENETUNREACH):
            return Failure(
                FailureClass.OTHER,
                tr("{endpoint} is unreachable: {error}", endpoint=endpoint, error=describe(item)),
                tr("No network route to the host: check VPN, network and firewall."),
            )
    return None


def classify_default(exc: BaseException) -> Failure:
    """Fallback classification used when no broker-specific rule matches."""
    return classify_os_error(exc) or Failure(
        FailureClass.OTHER,
        describe(exc),
        tr("Unexpected error; run again with a longer --timeout, or report it with the details."),
    )


def classify_failure(
    exc: BaseException,
    where: str,
    *,
    classifier: Classifier | None = None,
    client_cert: bool | None = None,
) -> Failure:
    """Name a failure: a client-certificate alert, the broker's classifier, sockets, else other.

    `client_cert`: whether the target sent a client certificate (None when unknown).
    """
    for item in walk_exception(exc):
        if isinstance(item, ssl.SSLError) and is_tls_alert(item):
            return tls_failure(item, where, client_cert=client_cert)
    if classifier is not None:
        found = classifier(exc, where)
        if found is not None:
            return found
    return classify_os_error(exc, where) or classify_default(exc)


@dataclass(frozen=True)
class ReplyCause:
    """A cause a broker names in the text of its reply: where `marker` occurs (any case)."""

    broker: Broker
    marker: str
    failure_class: FailureClass
    message: str
    hint: str


@dataclass(frozen=True)
class ReplyCode:
    """A cause an AMQP broker names by reply code, when it closes a connection or a channel."""

    broker: Broker
    scope: str  # "connection" or "channel"
    code: int
    failure_class: FailureClass
    message: str
    hint: str = ""


# Looked at in order: a more specific marker comes before a more general one.
REPLY_CAUSES: tuple[ReplyCause, ...] = (
    ReplyCause(
        Broker.REDIS,
        "without any password configured",
        FailureClass.AUTH,
        N_("a password was sent, but this Redis has none"),
        N_(
            "This Redis has no password for the default user: remove the password from the URL "
            "(redis://host:6379), or set requirepass / an ACL user on the server."
        ),
    ),
    ReplyCause(
        Broker.REDIS,
        "DENIED Redis is running in protected mode",
        FailureClass.CONFIGURATION,
        N_("Redis is in protected mode and refuses clients from other hosts"),
        N_(
            "With no password set, Redis only answers loopback clients: set requirepass or an ACL "
            "user (and keep protected-mode on), rather than turning protected mode off."
        ),
    ),
    ReplyCause(
        Broker.REDIS,
        "max number of clients reached",
        FailureClass.DEGRADED,
        N_("Redis refuses new connections: maxclients is reached"),
        N_(
            "Raise maxclients (and the open-files limit), or find the clients that leak "
            "connections (CLIENT LIST); pooled clients need far fewer."
        ),
    ),
    ReplyCause(
        Broker.REDIS,
        "DB index is out of range",
        FailureClass.CONFIGURATION,
        N_("the database number in the URL does not exist on this server"),
        N_(
            "Use a database below the server's `databases` setting (16 by default): redis://host/0."
        ),
    ),
    ReplyCause(
        Broker.REDIS,
        "SELECT is not allowed in cluster mode",
        FailureClass.CONFIGURATION,
        N_("this is a Redis Cluster, which has database 0 only"),
        N_("Remove the database number from the URL (redis://host:port or /0) for a cluster."),
    ),
    ReplyCause(
        Broker.REDIS,
        "unknown command 'SENTINEL'",
        FailureClass.WRONG_PROTOCOL,
        N_("this is a Redis server, not a Sentinel"),
        N_(
            "redis+sentinel:// must point at a Sentinel (port 26379 by default); for this server "
            "use redis://host:port."
        ),
    ),
    ReplyCause(
        Broker.REDIS,
        "unknown command",
        FailureClass.CONFIGURATION,
        N_("the server does not know a command the check needs (renamed or disabled)"),
        N_(
            "The command is renamed or disabled (rename-command, or a managed service's "
            "restrictions); the check cannot run without it."
        ),
    ),
)

REPLY_CODES: tuple[ReplyCode, ...] = (
    ReplyCode(
        Broker.RABBITMQ,
        "connection",
        403,
        FailureClass.AUTH,
        N_("login refused"),
        N_("Wrong user name or password (ACCESS_REFUSED)."),
    ),
    ReplyCode(
        Broker.RABBITMQ,
        "connection",
        530,
        FailureClass.AUTHORISATION,
        N_("vhost not allowed"),
        N_("The vhost does not exist or this user may not use it."),
    ),
    ReplyCode(
        Broker.RABBITMQ,
        "connection",
        320,
        FailureClass.CONNECTION_LOST,
        N_("the broker closed the connection"),
        N_("The node is shutting down or an operator closed the connection."),
    ),
    ReplyCode(
        Broker.RABBITMQ,
        "channel",
        403,
        FailureClass.AUTHORISATION,
        N_("not permitted"),
        N_(
            "The user lacks configure/write/read permission on broker-advisor.probe.* in this "
            "vhost."
        ),
    ),
    ReplyCode(
        Broker.RABBITMQ,
        "channel",
        406,
        FailureClass.OTHER,
        N_("precondition failed"),
        N_("An argument is not supported or conflicts with an existing object."),
    ),
)


def reply_cause(broker: Broker, text: str) -> Failure | None:
    """The cause a broker's reply text names (the first matching entry), or None."""
    lowered = text.lower()
    for cause in REPLY_CAUSES:
        if cause.broker is broker and cause.marker.lower() in lowered:
            return Failure(cause.failure_class, f"{tr(cause.message)}: {text}", tr(cause.hint))
    return None


def reply_code(broker: Broker, scope: str, code: int, text: str) -> Failure | None:
    """The cause an AMQP reply code names when a connection or channel is closed, or None."""
    for entry in REPLY_CODES:
        if (entry.broker, entry.scope, entry.code) == (broker, scope, code):
            hint = tr(entry.hint) if entry.hint else ""
            return Failure(entry.failure_class, f"{tr(entry.message)}: {text}", hint)
    return None


@dataclass(frozen=True)
class ErrorCause:
    """A client library's error that names a cause: one of `types`, or (when given) an error whose
    text contains `marker` (case as the server writes it). Details: `<message>: <the error>`."""

    types: tuple[type[BaseException], ...]
    failure_class: FailureClass
    message: str
    hint: str = ""
    marker: str = ""


def error_cause(causes: Sequence[ErrorCause], exc: BaseException) -> Failure | None:
    """The first entry of `causes` that matches the exception, as a Failure; else None."""
    text = describe(exc)
    for cause in causes:
        if isinstance(exc, cause.types) or (cause.marker and cause.marker in text):
            details = f"{tr(cause.message)}: {text}" if cause.message else text
            return Failure(cause.failure_class, details, tr(cause.hint) if cause.hint else "")
    return None
