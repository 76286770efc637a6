"""Kafka wire code: raw ApiVersions and SASL exchanges, kafka-python client settings, errors.

The raw exchanges (ApiVersions v0, SaslHandshake, SaslAuthenticate with PLAIN and SCRAM per
RFC 5802) name what kafka-python only reports as a bootstrap timeout or a dropped connection.
`client_config` takes every client timeout (bootstrap, request, max block, delivery, metadata
age, reconnect backoff) from the runner's stage timeout: none of kafka-python's 30-120 s
defaults applies. kafka-python 3.0 drops `allow_auto_create_topics` on the way to its metadata
(the setting never reaches `ClusterMetadata`), so `build_client` sets it there itself, and
`advisor.probe.kafka.sockets` closes the sockets of its failed connects.
"""

from __future__ import annotations

import base64
import contextlib
import hashlib
import hmac
import logging
import secrets
import socket
import struct
import threading
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Any

import kafka.errors as kerr
from kafka.net.compat import KafkaNetClient
from kafka.protocol.broker_version_data import (
    BROKER_API_VERSIONS,
    infer_broker_version_from_api_versions,
)

from advisor.i18n import N_, tr
from advisor.probe import preflight
from advisor.probe.classify import ErrorCause, Failure, classify_os_error, describe, error_cause
from advisor.probe.kafka import sockets
from advisor.probe.models import FailureClass
from advisor.probe.runner import ProbeContext, run_deadline

sockets.install()

# A correlation id whose bytes are "\n?\r\n": harmless to Kafka, which echoes it back.
CORRELATION_ID = struct.unpack(">i", b"\n?\r\n")[0]
API_VERSIONS_KEY = 18
SASL_HANDSHAKE_KEY = 17
SASL_AUTHENTICATE_KEY = 36
METADATA_KEY = 3
PRODUCE_KEY = 0
INIT_PRODUCER_ID_KEY = 22


TRANSACTION_KEYS = (22, 24, 25, 26, 28)  # InitProducerId, AddPartitions/OffsetsToTxn, EndTxn...
UNSUPPORTED_SASL_MECHANISM = 33
ILLEGAL_SASL_STATE = 34
MAX_FRAME_BYTES = 1 << 20
LOG_LIMIT = 40


def probe_name(run_id: str) -> str:
    """The temporary topic and consumer group of one probe run."""
    return f"broker-advisor.probe.{run_id}"


PROBE_PREFIX = probe_name("")


# Past a run's deadline its own cleanup has had this long; a probe topic older than that is a
# leftover of a killed run (SIGKILL, power loss) and the next probe deletes it.
STALE_GRACE_S = 60.0


def stale_probe_names(names: Iterable[str], now: float) -> list[str]:
    """Probe topics or groups whose run's deadline passed more than STALE_GRACE_S ago."""
    stale = []
    for name in names:
        if not name.startswith(PROBE_PREFIX):
            continue
        deadline = run_deadline(name.removeprefix(PROBE_PREFIX))
        if deadline is not None and deadline + STALE_GRACE_S < now:
            stale.append(name)
    return sorted(stale)


# kafka-python's errors that name a cause, in the order they are tried (a subclass first).
ERROR_CAUSES: tuple[ErrorCause, ...] = (
    ErrorCause(
        (kerr.SaslAuthenticationFailedError,),
        FailureClass.AUTH,
        N_("SASL login refused"),
        N_(
            "Wrong user name or password, or a mechanism the listener does not enable "
            "(sasl.enabled.mechanisms)."
        ),
    ),
    ErrorCause(
        (kerr.AuthorizationError,),
        FailureClass.AUTHORISATION,
        N_("not permitted"),
        N_(
            "The principal lacks ACLs for this operation: it needs Create/Delete/Write/Read on "
            "topics and Read on groups named broker-advisor.probe.*, and Describe/"
            "DescribeConfigs on the cluster."
        ),
    ),
    ErrorCause(
        (kerr.NotEnoughReplicasError, kerr.NotEnoughReplicasAfterAppendError),
        FailureClass.DEGRADED,
        N_("acks=all was refused"),
        N_(
            "Fewer replicas are in sync than min.insync.replicas: a broker is down or "
            "lagging; see kafka.replication."
        ),
    ),
    ErrorCause(
        (kerr.InvalidReplicationFactorError,),
        FailureClass.DEGRADED,
        N_("replication factor refused"),
        N_("Fewer live brokers than the replication factor asked for."),
    ),
    ErrorCause(
        (kerr.PolicyViolationError, kerr.TopicAuthorizationFailedError),
        FailureClass.AUTHORISATION,
        N_("topic creation refused"),
        N_("A create-topic policy or ACL forbids broker-advisor.probe.* topics."),
    ),
    ErrorCause(
        (kerr.UnsupportedVersionError, kerr.IncompatibleBrokerVersion),
        FailureClass.OTHER,
        N_("the broker does not support this request"),
        N_("The broker is too old for this check (Kafka 2.4+ is assumed)."),
    ),
    ErrorCause(
        (kerr.KafkaTimeoutError, kerr.RequestTimedOutError),
        FailureClass.TIMEOUT,
        N_("no answer in time"),
        N_(
            "A broker is paused, overloaded or unreachable at its advertised address; "
            "see the earlier checks."
        ),
    ),
    ErrorCause(
        (kerr.NodeNotReadyError,),
        FailureClass.TIMEOUT,
        N_("broker not ready"),
        N_("A broker could not be connected to in time."),
    ),
)


def classify(exc: BaseException, where: str = "") -> Failure | None:
    """Name kafka-python errors; socket-level causes are left to the runner's classifier."""
    if isinstance(exc, kerr.KafkaConnectionError):
        return classify_os_error(exc, where) or Failure(
            FailureClass.CONNECTION_LOST,
            tr("connection lost: {error}", error=describe(exc)),
            tr("A broker closed the connection: it may be restarting, or expect TLS/SASL."),
        )
    return error_cause(ERROR_CAUSES, exc)


class ClientLog(logging.Handler):
    """Collects warnings and errors of this probe's kafka-python I/O threads (their only trace
    of a failed bootstrap: kafka-python 3 raises one KafkaTimeoutError for every cause)."""

    def __init__(self, client_id: str) -> None:
        super().__init__(logging.DEBUG)
        self.thread_name = f"kafka-io-{client_id}"
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        if record.levelno < logging.WARNING or not record.threadName:
            return
        if not record.threadName.startswith(self.thread_name) or len(self.lines) >= LOG_LIMIT:
            return
        with contextlib.suppress(Exception):
            line = record.getMessage()
            if line not in self.lines:
                self.lines.append(line)


@contextlib.contextmanager
def client_log(client_id: str) -> Iterator[ClientLog]:
    handler = ClientLog(client_id)
    logger = logging.getLogger("kafka")
    logger.addHandler(handler)
    try:
        yield handler
    finally:
        logger.removeHandler(handler)


def bootstrap_failure(
    lines: list[str], where: str, timeout_s: float, *, sasl: bool = False
) -> Failure:
    """Name why the bootstrap failed from kafka-python's log lines (sasl: the URL asked for it)."""
    joined = " | ".join(lines[-4:])
    lowered = " ".join(lines).lower()
    if "illegal sasl state" in lowered or "unexpected kafka request of type sasl" in lowered:
        if sasl:
            return Failure(
                FailureClass.WRONG_PROTOCOL,
                tr(
                    "{where} does not use SASL on this listener: {lines}", where=where, lines=joined
                ),
                tr(NO_SASL_HINT),
            )
        return Failure(
            FailureClass.AUTH,
            tr("{where} expects SASL: {lines}", where=where, lines=joined),
            tr("The listener requires SASL: give credentials in the URL (kafka://user:pass@...)."),
        )
    if "unsupportedsaslmechanism" in lowered or "unsupported sasl mechanism" in lowered:
        return Failure(
            FailureClass.WRONG_PROTOCOL,
            tr("{where} does not enable this SASL mechanism: {lines}", where=where, lines=joined),
            tr(
                "Pick a mechanism the listener lists in sasl.enabled.mechanisms "
                "(?sasl_mechanism=PLAIN, SCRAM-SHA-256 or SCRAM-SHA-512)."
            ),
        )
    if "sasl" in lowered and ("authentication" in lowered or "auth" in lowered):
        return Failure(
            FailureClass.AUTH,
            tr("SASL login to {where} refused: {lines}", where=where, lines=joined),
            tr(
                "Wrong user name or password, or SCRAM credentials that were never created for "
                "this user on the cluster (kafka-configs.sh --alter --add-config SCRAM-SHA-...)."
            ),
        )
    # kafka-python names its TLS transport class KafkaSSLTransport in every line it logs: only
    # words of a TLS failure count, not the class name.
    tls_words = lowered.replace("kafkassltransport", "")
    if "certificate" in tls_words or "ssl" in tls_words:
        return Failure(
            FailureClass.TLS,
            tr("TLS with {where} failed during bootstrap: {lines}", where=where, lines=joined),
            tr("Check the CA (?ssl_ca_certs=...) and that the certificate matches the host name."),
        )
    if "connection refused" in lowered:
        return Failure(
            FailureClass.REFUSED,
            tr("{where} refused the client: {lines}", where=where, lines=joined),
            tr("Check the port and that the broker is running."),
        )
    if "closed" in lowered or "reset" in lowered or "disconnected" in lowered:
        return Failure(
            FailureClass.WRONG_PROTOCOL,
            tr(
                "{where} closed the connection during bootstrap: {lines}", where=where, lines=joined
            ),
            tr(
                "The listener may expect TLS (kafka+ssl:// or kafka+sasl_ssl://), or the SASL "
                "mechanism or credentials do not match it."
            )
            if sasl
            else tr("The listener may require SASL (give credentials) or TLS (kafka+ssl://)."),
        )
    return Failure(
        FailureClass.TIMEOUT,
        tr(
            "kafka-python could not bootstrap from {where} within {seconds} s: {lines}",
            where=where,
            seconds=f"{timeout_s:g}",
            lines=joined,
        )
        if joined
        else tr(
            "kafka-python could not bootstrap from {where} within {seconds} s (no cause logged)",
            where=where,
            seconds=f"{timeout_s:g}",
        ),
        tr(
            "The broker answered ApiVersions but not the client's requests in time: it may be "
            "overloaded, or require SASL/TLS settings the URL does not give."
        ),
    )


NO_SASL_HINT = N_(
    "This listener does not use SASL (it is PLAINTEXT or SSL): drop the user name and password "
    "from the URL, or point at the broker's SASL listener (see listener.security.protocol.map)."
)


def ms(seconds: float) -> int:
    return max(50, int(seconds * 1000))


def security_protocol(ctx: ProbeContext) -> str:
    sasl = ctx.target.sasl_mechanism is not None or "sasl" in ctx.target.scheme
    if ctx.target.tls:
        return "SASL_SSL" if sasl else "SSL"
    return "SASL_PLAINTEXT" if sasl else "PLAINTEXT"


def client_config(
    ctx: ProbeContext, servers: list[str], timeout_s: float, client_id: str
) -> dict[str, Any]:
    """Settings common to admin, producer and consumer; every timeout is `timeout_s`."""
    target = ctx.target
    config: dict[str, Any] = {
        "bootstrap_servers": servers,
        "client_id": client_id,
        "request_timeout_ms": ms(timeout_s),
        "bootstrap_timeout_ms": ms(timeout_s),
        "metadata_max_age_ms": ms(timeout_s),
        "reconnect_backoff_ms": 50,
        "reconnect_backoff_max_ms": max(50, min(1000, ms(timeout_s) // 2)),
        "retry_backoff_ms": 50,
        "security_protocol": security_protocol(ctx),
    }
    if target.tls:
        context = preflight.tls_context(target)
        config["ssl_context"] = context
        config["ssl_check_hostname"] = context.check_hostname
    if config["security_protocol"].startswith("SASL"):
        config["sasl_mechanism"] = target.sasl_mechanism or "PLAIN"
        config["sasl_plain_username"] = target.username
        config["sasl_plain_password"] = target.password
    return config


def build_client(factory: Callable[..., Any], config: dict[str, Any]) -> Any:
    """Construct a kafka-python client; if its eager bootstrap fails, stop its I/O thread.

    kafka-python 3.0 starts a `kafka-io-<client_id>` thread before bootstrapping and leaves it
    running when the constructor raises; the `kafka_client` hook lets us reach and stop it. The
    hook also turns off topic auto-creation in the client's metadata requests (see above).
    """
    made: list[Any] = []

    def recording(**kwargs: Any) -> Any:
        client = KafkaNetClient(**kwargs)
        # kafka-python 3.0 builds ClusterMetadata without allow_auto_create_topics, so every
        # metadata request would let the broker re-create a topic the cleanup just deleted.
        with contextlib.suppress(AttributeError, TypeError):
            client.cluster.config["allow_auto_create_topics"] = False
        made.append(client)
        return client

    try:
        return factory(**config, kafka_client=recording)
    except BaseException:
        for client in made:
            with contextlib.suppress(Exception):
                client.close()
            with contextlib.suppress(Exception):
                client._manager._net.stop()
        raise


def api_versions_frame(client_id: bytes = b"broker-advisor") -> bytes:
    """ApiVersions v0 request frame; answered before SASL, by every Kafka since 0.10."""
    body = struct.pack(">hhih", API_VERSIONS_KEY, 0, CORRELATION_ID, len(client_id)) + client_id
    return struct.pack(">i", len(body)) + body


def parse_api_versions(payload: bytes) -> tuple[int, dict[int, tuple[int, int]]]:
    """Error code and {api_key: (min, max)} of an ApiVersions v0 response (after the size)."""
    correlation, error_code, count = struct.unpack(">ihi", payload[:10])
    if correlation != CORRELATION_ID:
        raise ValueError(f"correlation id {correlation} does not match the request")
    if count < 0 or 10 + 6 * count > len(payload):
        raise ValueError(f"malformed ApiVersions response ({count} api keys)")
    versions: dict[int, tuple[int, int]] = {}
    for i in range(count):
        key, low, high = struct.unpack(">hhh", payload[10 + 6 * i : 16 + 6 * i])
        versions[key] = (low, high)
    return error_code, versions


def what_speaks(reply: bytes) -> str:
    """Guess the protocol of a non-Kafka reply."""
    text = preflight.what_speaks(reply)
    return f"{text} {tr('(use kafka+ssl://)')}" if "TLS alert" in text else text


def broker_version_text(versions: dict[int, tuple[int, int]]) -> str:
    """The broker version the ApiVersions imply (kafka-python's table; newest is a floor)."""
    inferred: tuple[int, ...] = tuple(infer_broker_version_from_api_versions(versions))
    text = ".".join(str(p) for p in inferred)
    newest = max(BROKER_API_VERSIONS)
    return f"{text} or later" if inferred >= tuple(newest) else text


def recv_exact(ctx: ProbeContext, sock: socket.socket, size: int, timeout_s: float) -> bytes:
    return preflight.recv(ctx, sock, size, timeout_s, exact=True)


def frame(api_key: int, version: int, body: bytes, client_id: bytes = b"broker-advisor") -> bytes:
    header = struct.pack(">hhih", api_key, version, CORRELATION_ID, len(client_id)) + client_id
    return struct.pack(">i", len(header) + len(body)) + header + body


def exchange(ctx: ProbeContext, sock: socket.socket, frame: bytes, timeout_s: float) -> bytes:
    """Send one request, return the response after the size and correlation id ("" if closed)."""
    sock.sendall(frame)
    head = recv_exact(ctx, sock, 4, timeout_s)
    if len(head) < 4:
        return b""
    size = struct.unpack(">i", head)[0]
    if not 4 <= size <= MAX_FRAME_BYTES:
        raise ValueError(f"implausible response size {size}")
    payload = recv_exact(ctx, sock, size, timeout_s)
    if struct.unpack(">i", payload[:4])[0] != CORRELATION_ID:
        raise ValueError("correlation id does not match the request")
    return payload[4:]


def read_string(data: bytes, offset: int) -> tuple[str | None, int]:
    (length,) = struct.unpack(">h", data[offset : offset + 2])
    if length < 0:
        return None, offset + 2
    return data[offset + 2 : offset + 2 + length].decode("utf-8", "replace"), offset + 2 + length


@dataclass(frozen=True)
class SaslOutcome:
    """What a raw SASL exchange found: ok, or a failure class with the broker's words."""

    ok: bool
    said: str
    failure_class: FailureClass | None = None
    hint: str = ""


def sasl_login(
    ctx: ProbeContext,
    sock: socket.socket,
    mechanism: str,
    username: str,
    password: str,
    timeout_s: float,
) -> SaslOutcome:
    """SaslHandshake v1 for `mechanism`, then the login itself over SaslAuthenticate v1 (PLAIN
    and SCRAM; other mechanisms only learn whether the listener enables them)."""
    name = mechanism.encode()
    reply = exchange(
        ctx, sock, frame(SASL_HANDSHAKE_KEY, 1, struct.pack(">h", len(name)) + name), timeout_s
    )
    if not reply:
        return SaslOutcome(
            False,
            tr("the listener closed the connection on SaslHandshake"),
            FailureClass.WRONG_PROTOCOL,
            tr("The listener may expect TLS (kafka+sasl_ssl://) or not use SASL at all."),
        )
    error_code, count = struct.unpack(">hi", reply[:6])
    offered: list[str] = []
    offset = 6
    for _ in range(max(0, count)):
        item, offset = read_string(reply, offset)
        offered.append(item or "?")
    if error_code == ILLEGAL_SASL_STATE:
        return SaslOutcome(
            False,
            tr("the listener does not use SASL (ILLEGAL_SASL_STATE): it takes no login"),
            FailureClass.WRONG_PROTOCOL,
            tr(NO_SASL_HINT),
        )
    if error_code == UNSUPPORTED_SASL_MECHANISM:
        choices = ", ".join(offered) or "none"
        return SaslOutcome(
            False,
            tr(
                "the listener does not enable {mechanism}; it offers {choices}",
                mechanism=mechanism,
                choices=choices,
            ),
            FailureClass.WRONG_PROTOCOL,
            tr(
                "Use a mechanism the listener enables ({option})",
                option=f"?sasl_mechanism={offered[0]}",
            )
            if offered
            else tr("Enable the mechanism in sasl.enabled.mechanisms on this listener."),
        )
    if error_code != 0:
        return SaslOutcome(
            False,
            tr("SaslHandshake failed with error code {code}", code=error_code),
            FailureClass.OTHER,
        )
    if mechanism in SCRAM_HASHES:
        return _scram_login(ctx, sock, mechanism, username, password, timeout_s)
    if mechanism != "PLAIN":
        return SaslOutcome(True, tr("the listener enables {mechanism}", mechanism=mechanism))
    token = b"\0" + username.encode() + b"\0" + password.encode()
    answer = _authenticate(ctx, sock, token, timeout_s)
    if isinstance(answer, SaslOutcome):
        return SaslOutcome(
            False,
            answer.said,
            FailureClass.AUTH,
            tr("Check the user name and password (the broker's JAAS config for PLAIN)."),
        )
    return SaslOutcome(True, tr("{mechanism} login accepted", mechanism="PLAIN"))


SCRAM_HASHES = {"SCRAM-SHA-256": "sha256", "SCRAM-SHA-512": "sha512"}


SCRAM_HINT = N_(
    "Check the user name and password; SCRAM credentials exist only once created on the cluster "
    "(kafka-configs.sh --alter --add-config 'SCRAM-SHA-512=[password=...]' --entity-type users, "
    "or kafka-storage format --add-scram)."
)


def _authenticate(
    ctx: ProbeContext, sock: socket.socket, token: bytes, timeout_s: float
) -> bytes | SaslOutcome:
    """One SaslAuthenticate v1 round trip: the server's auth bytes, or why it failed."""
    reply = exchange(
        ctx,
        sock,
        frame(SASL_AUTHENTICATE_KEY, 1, struct.pack(">i", len(token)) + token),
        timeout_s,
    )
    if not reply:
        return SaslOutcome(
            False,
            tr("the broker closed the connection during SaslAuthenticate"),
            FailureClass.AUTH,
        )
    (error_code,) = struct.unpack(">h", reply[:2])
    message, offset = read_string(reply, 2)
    if error_code != 0:
        return SaslOutcome(
            False,
            message or tr("SaslAuthenticate failed with error code {code}", code=error_code),
            FailureClass.AUTH,
        )
    (size,) = struct.unpack(">i", reply[offset : offset + 4])
    return reply[offset + 4 : offset + 4 + max(0, size)]


def _scram_login(
    ctx: ProbeContext,
    sock: socket.socket,
    mechanism: str,
    username: str,
    password: str,
    timeout_s: float,
) -> SaslOutcome:
    """The SCRAM exchange of RFC 5802 over SaslAuthenticate; the broker's signature is checked."""
    digest = SCRAM_HASHES[mechanism]
    nonce = base64.b64encode(secrets.token_bytes(18)).decode()
    name = username.replace("=", "=3D").replace(",", "=2C")
    client_first_bare = f"n={name},r={nonce}"
    answer = _authenticate(ctx, sock, f"n,,{client_first_bare}".encode(), timeout_s)
    if isinstance(answer, SaslOutcome):
        return SaslOutcome(False, answer.said, FailureClass.AUTH, tr(SCRAM_HINT))
    server_first = answer.decode("utf-8", "replace")
    fields = dict(item.split("=", 1) for item in server_first.split(",") if "=" in item)
    try:
        combined, salt, rounds = fields["r"], base64.b64decode(fields["s"]), int(fields["i"])
    except (KeyError, ValueError) as error:
        return SaslOutcome(
            False,
            tr("the broker's SCRAM challenge is malformed ({error})", error=str(error)),
            FailureClass.OTHER,
        )
    if not combined.startswith(nonce) or not 1 <= rounds <= 1_000_000:
        return SaslOutcome(
            False, tr("the broker's SCRAM challenge is not valid"), FailureClass.OTHER
        )
    salted = hashlib.pbkdf2_hmac(digest, password.encode(), salt, rounds)
    client_key = hmac.new(salted, b"Client Key", digest).digest()
    stored_key = hashlib.new(digest, client_key).digest()
    without_proof = f"c=biws,r={combined}"
    auth_message = f"{client_first_bare},{server_first},{without_proof}".encode()
    signature = hmac.new(stored_key, auth_message, digest).digest()
    proof = base64.b64encode(bytes(a ^ b for a, b in zip(client_key, signature, strict=True)))
    answer = _authenticate(ctx, sock, f"{without_proof},p={proof.decode()}".encode(), timeout_s)
    if isinstance(answer, SaslOutcome):
        return SaslOutcome(False, answer.said, FailureClass.AUTH, tr(SCRAM_HINT))
    server_key = hmac.new(salted, b"Server Key", digest).digest()
    expected = base64.b64encode(hmac.new(server_key, auth_message, digest).digest()).decode()
    if answer.decode("utf-8", "replace") != f"v={expected}":
        return SaslOutcome(
            False,
            tr(
                "the broker accepted the login but its SCRAM signature does not prove it knows "
                "the password"
            ),
            FailureClass.AUTH,
            tr("Something between this machine and the broker answered for it; check the address."),
        )
    return SaslOutcome(
        True,
        tr("{mechanism} login accepted (the broker's signature checked)", mechanism=mechanism),
    )


def config_value(entry: Any) -> str | None:
    if not isinstance(entry, dict):
        return None
    value = entry.get("value")
    return None if value is None else str(value)


def as_int(value: str | None) -> int | None:
    try:
        return int(value) if value is not None else None
    except ValueError:
        return None


def bounded(call: Callable[[], object], timeout_s: float) -> BaseException | None:
    """Run a client call in a helper thread and wait at most timeout_s for it."""
    box: dict[str, BaseException] = {}

    def work() -> None:
        try:
            call()
        except BaseException as error:  # reported to the caller
            box["error"] = error

    thread = threading.Thread(target=work, daemon=True, name="kafka-probe-cleanup")
    thread.start()
    thread.join(timeout_s)
    if thread.is_alive():
        return TimeoutError(tr("did not finish within {seconds} s", seconds=f"{timeout_s:g}"))
    return box.get("error")


def close_producer(producer: Any, timeout_s: float) -> None:
    """Close and wait for the sender thread: until it stops it may refresh the topic's metadata."""
    with contextlib.suppress(Exception):
        producer.close(timeout=timeout_s)
    sender = getattr(producer, "_sender", None)
    if isinstance(sender, threading.Thread) and sender.is_alive():
        sender.join(timeout_s)
