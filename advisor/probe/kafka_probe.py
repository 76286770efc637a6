"""Kafka probe: pre-flight, ApiVersions, cluster and quorum, advertised listeners, produce/consume.

Checks (ids), in order:

- `kafka.resolve`, `kafka.connect`, `kafka.tls` for the first bootstrap address and
  `kafka.bootstrap<N>.*` for the N-th (N >= 2): the shared staged pre-flight, every address.
- `kafka.api_versions` (and `kafka.bootstrap<N>.api_versions`): a raw ApiVersions v0 exchange,
  so a listener that is not Kafka (Redis, HTTP, AMQP, a TLS port, a KRaft controller port) or
  that never answers is named as such instead of ending in kafka-python's bootstrap timeout.
  The APIs it lists also say whether idempotent and transactional producers are supported.
- `kafka.auth` (SASL targets): SaslHandshake over a raw socket for the chosen mechanism, then
  SaslAuthenticate for PLAIN and the SCRAM-SHA-256/512 exchange (RFC 5802, the broker's
  signature checked too), so a listener without SASL, a mechanism it does not enable and wrong
  credentials are each named (kafka-python only sees a dropped connection); other mechanisms
  log in during `kafka.bootstrap`.
- `kafka.bootstrap`: KafkaAdminClient bootstrap; the cause of a failure is taken from the
  client's own log records, which kafka-python 3 does not raise.
- `kafka.advertised`: a TCP connect to every broker address the metadata advertises; clients
  dial those after bootstrap, so an unreachable one fails here with its address.
- `kafka.cluster`: cluster id, brokers (id, host, port, rack, fenced) and the active controller
  from DescribeQuorum (KRaft). The `controller_id` of metadata is a random broker in KRaft and is
  only reported as such.
- `kafka.config`: effective broker configs, defaults included (config_filter=all).
- `kafka.topic`: temporary topic `broker-advisor.probe.<run-id>`, 3 partitions, replication
  factor min(3, live brokers), min.insync.replicas min(2, RF) when RF > 1.
- `kafka.produce_latency`: N keyed messages, acks=all, idempotent producer, one at a time;
  p50/p99 are what this Python client reached, not the broker's capacity; the producer id the
  broker granted shows that idempotence is in effect.
- `kafka.consume_order`: consume in consumer group `broker-advisor.probe.<run-id>`, check
  every message arrived on its key's partition with per-key sequence numbers in order.
- `kafka.replication`: leader, replicas and ISR of every partition: under-replicated (warn),
  under min.insync.replicas and offline (fail).
- `kafka.topic_config`: effective configs of the temporary topic.

The producer and consumer are closed (and their I/O threads stopped) in the checks' own
`finally`; the topic and the group are then deleted in the generator's `finally`, bounded by
`ctx.cleanup_timeout_s`, also when the probe fails, runs out of budget or is cancelled; the topic
list is read again a moment later to make sure the topic stayed deleted. No client of the probe
may re-create it: kafka-python 3.0 drops `allow_auto_create_topics` on the way to its metadata
(the setting never reaches `ClusterMetadata`), so `build_client` sets it there itself. Every
client timeout (bootstrap, request, max block, delivery, metadata age, reconnect backoff) comes
from `ctx.timeout()`: none of kafka-python's 30-120 s defaults applies.
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
import time
from collections.abc import Callable, Generator, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

import kafka.errors as kerr
from kafka import KafkaConsumer, KafkaProducer
from kafka.admin import KafkaAdminClient
from kafka.admin._configs import ConfigResource, ConfigResourceType
from kafka.net.compat import KafkaNetClient
from kafka.partitioner.default import murmur2
from kafka.protocol.broker_version_data import (
    BROKER_API_VERSIONS,
    infer_broker_version_from_api_versions,
)

from advisor.probe import kafka_sockets, preflight
from advisor.probe.classify import Failure, classify_os_error, describe
from advisor.probe.models import CheckStatus, Endpoint, FailureClass, ProbeCheck, Stage
from advisor.probe.resources import TempResource
from advisor.probe.runner import CheckRecorder, ProbeContext, latency_figures, run_deadline
from advisor.workload import Broker

kafka_sockets.install()

PARTITIONS = 3
MAX_REPLICATION = 3
PRODUCE_COUNT = 30
KEYS_PER_PARTITION = 2
DELETE_SETTLE_S = 0.3  # then the topic list is read again: the topic must stay deleted
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
OFFSETS_TOPIC = "__consumer_offsets"
# Left of the budget when the consume loop gives up waiting: the checks after it still run and
# the failure is the consume's own, not a spent budget.
CONSUME_RESERVE_S = 1.0  # closing the consumer takes up to 1 s of it
LOG_LIMIT = 40

BROKER_CONFIGS = (
    "min.insync.replicas",
    "default.replication.factor",
    "unclean.leader.election.enable",
    "message.max.bytes",
    "log.retention.ms",
    "log.retention.minutes",
    "log.retention.hours",
    "num.partitions",
    "auto.create.topics.enable",
    "replica.fetch.max.bytes",
    "transaction.state.log.replication.factor",
    "transaction.state.log.min.isr",
)
TOPIC_CONFIGS = (
    "min.insync.replicas",
    "retention.ms",
    "max.message.bytes",
    "unclean.leader.election.enable",
    "cleanup.policy",
)

_AFTER_BOOTSTRAP: tuple[tuple[str, str, Stage], ...] = (
    ("kafka.advertised", "Advertised broker addresses reachable", Stage.CONNECT),
    ("kafka.cluster", "Cluster, brokers and active controller", Stage.INSPECT),
    ("kafka.config", "Effective broker configuration", Stage.INSPECT),
    ("kafka.topic", "Create a temporary topic", Stage.BEHAVE),
    ("kafka.produce_latency", "Produce with acks=all (idempotent)", Stage.BEHAVE),
    ("kafka.consume_order", "Consume in a group, per-key order", Stage.BEHAVE),
    ("kafka.replication", "Partition leaders, replicas and ISR", Stage.INSPECT),
    ("kafka.topic_config", "Effective topic configuration", Stage.INSPECT),
)
_BOOTSTRAP_SPEC = ("kafka.bootstrap", "Bootstrap and log in (kafka-python admin)", Stage.HANDSHAKE)


def probe_name(run_id: str) -> str:
    """The temporary topic and consumer group of one probe run."""
    return f"broker-advisor.probe.{run_id}"


# --- classification -----------------------------------------------------------------------------


def classify(exc: BaseException, where: str = "the server") -> Failure | None:
    """Name kafka-python errors; socket-level causes are left to the runner's classifier."""
    text = describe(exc)
    if isinstance(exc, kerr.SaslAuthenticationFailedError):
        return Failure(
            FailureClass.AUTH,
            f"SASL login refused: {text}",
            "Wrong user name or password, or a mechanism the listener does not enable "
            "(sasl.enabled.mechanisms).",
        )
    if isinstance(exc, kerr.AuthorizationError):
        return Failure(
            FailureClass.AUTHORISATION,
            f"not permitted: {text}",
            "The principal lacks ACLs for this operation: it needs Create/Delete/Write/Read on "
            "topics and Read on groups named broker-advisor.probe.*, and Describe/"
            "DescribeConfigs on the cluster.",
        )
    if isinstance(exc, (kerr.NotEnoughReplicasError, kerr.NotEnoughReplicasAfterAppendError)):
        return Failure(
            FailureClass.DEGRADED,
            f"acks=all was refused: {text}",
            "Fewer replicas are in sync than min.insync.replicas: a broker is down or "
            "lagging; see kafka.replication.",
        )
    if isinstance(exc, kerr.InvalidReplicationFactorError):
        return Failure(
            FailureClass.DEGRADED,
            f"replication factor refused: {text}",
            "Fewer live brokers than the replication factor asked for.",
        )
    if isinstance(exc, (kerr.PolicyViolationError, kerr.TopicAuthorizationFailedError)):
        return Failure(
            FailureClass.AUTHORISATION,
            f"topic creation refused: {text}",
            "A create-topic policy or ACL forbids broker-advisor.probe.* topics.",
        )
    if isinstance(exc, (kerr.UnsupportedVersionError, kerr.IncompatibleBrokerVersion)):
        return Failure(
            FailureClass.OTHER,
            f"the broker does not support this request: {text}",
            "The broker is too old for this check (Kafka 2.4+ is assumed).",
        )
    if isinstance(exc, (kerr.KafkaTimeoutError, kerr.RequestTimedOutError)):
        return Failure(
            FailureClass.TIMEOUT,
            f"no answer in time: {text}",
            "A broker is paused, overloaded or unreachable at its advertised address; "
            "see the earlier checks.",
        )
    if isinstance(exc, kerr.KafkaConnectionError):
        return classify_os_error(exc, where) or Failure(
            FailureClass.CONNECTION_LOST,
            f"connection lost: {text}",
            "A broker closed the connection: it may be restarting, or expect TLS/SASL.",
        )
    if isinstance(exc, kerr.NodeNotReadyError):
        return Failure(
            FailureClass.TIMEOUT,
            f"broker not ready: {text}",
            "A broker could not be connected to in time.",
        )
    return None


class _ClientLog(logging.Handler):
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
def _client_log(client_id: str) -> Iterator[_ClientLog]:
    handler = _ClientLog(client_id)
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
                f"{where} does not use SASL on this listener: {joined}",
                NO_SASL_HINT,
            )
        return Failure(
            FailureClass.AUTH,
            f"{where} expects SASL: {joined}",
            "The listener requires SASL: give credentials in the URL (kafka://user:pass@...).",
        )
    if "unsupportedsaslmechanism" in lowered or "unsupported sasl mechanism" in lowered:
        return Failure(
            FailureClass.WRONG_PROTOCOL,
            f"{where} does not enable this SASL mechanism: {joined}",
            "Pick a mechanism the listener lists in sasl.enabled.mechanisms "
            "(?sasl_mechanism=PLAIN, SCRAM-SHA-256 or SCRAM-SHA-512).",
        )
    if "sasl" in lowered and ("authentication" in lowered or "auth" in lowered):
        return Failure(
            FailureClass.AUTH,
            f"SASL login to {where} refused: {joined}",
            "Wrong user name or password, or SCRAM credentials that were never created for "
            "this user on the cluster (kafka-configs.sh --alter --add-config SCRAM-SHA-...).",
        )
    # kafka-python names its TLS transport class KafkaSSLTransport in every line it logs: only
    # words of a TLS failure count, not the class name.
    tls_words = lowered.replace("kafkassltransport", "")
    if "certificate" in tls_words or "ssl" in tls_words:
        return Failure(
            FailureClass.TLS,
            f"TLS with {where} failed during bootstrap: {joined}",
            "Check the CA (?ssl_ca_certs=...) and that the certificate matches the host name.",
        )
    if "connection refused" in lowered:
        return Failure(
            FailureClass.REFUSED,
            f"{where} refused the client: {joined}",
            "Check the port and that the broker is running.",
        )
    if "closed" in lowered or "reset" in lowered or "disconnected" in lowered:
        return Failure(
            FailureClass.WRONG_PROTOCOL,
            f"{where} closed the connection during bootstrap: {joined}",
            "The listener may expect TLS (kafka+ssl:// or kafka+sasl_ssl://), or the SASL "
            "mechanism or credentials do not match it."
            if sasl
            else "The listener may require SASL (give credentials) or TLS (kafka+ssl://).",
        )
    return Failure(
        FailureClass.TIMEOUT,
        f"kafka-python could not bootstrap from {where} within {timeout_s:g} s"
        + (f": {joined}" if joined else " (no cause logged)"),
        "The broker answered ApiVersions but not the client's requests in time: it may be "
        "overloaded, or require SASL/TLS settings the URL does not give.",
    )


NO_SASL_HINT = (
    "This listener does not use SASL (it is PLAINTEXT or SSL): drop the user name and password "
    "from the URL, or point at the broker's SASL listener (see listener.security.protocol.map)."
)


# --- client configuration -----------------------------------------------------------------------


def _ms(seconds: float) -> int:
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
        "request_timeout_ms": _ms(timeout_s),
        "bootstrap_timeout_ms": _ms(timeout_s),
        "metadata_max_age_ms": _ms(timeout_s),
        "reconnect_backoff_ms": 50,
        "reconnect_backoff_max_ms": max(50, min(1000, _ms(timeout_s) // 2)),
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


# --- raw ApiVersions ----------------------------------------------------------------------------


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
    return f"{text} (use kafka+ssl://)" if "TLS alert" in text else text


def broker_version_text(versions: dict[int, tuple[int, int]]) -> str:
    """The broker version the ApiVersions imply (kafka-python's table; newest is a floor)."""
    inferred: tuple[int, ...] = tuple(infer_broker_version_from_api_versions(versions))
    text = ".".join(str(p) for p in inferred)
    newest = max(BROKER_API_VERSIONS)
    return f"{text} or later" if inferred >= tuple(newest) else text


def _recv_exact(ctx: ProbeContext, sock: socket.socket, size: int, timeout_s: float) -> bytes:
    return preflight.recv(ctx, sock, size, timeout_s, exact=True)


def _api_versions(
    ctx: ProbeContext, endpoint: Endpoint, prefix: str
) -> Generator[ProbeCheck, None, str | None]:
    """ApiVersions v0 over a raw socket; returns the implied broker version, or None.

    A broker answers within milliseconds; after SNIFF_AFTER_S of silence a text PING on a
    second connection tells another service (Redis, HTTP) from a stalled broker, and the wait
    goes on until the stage timeout.
    """
    version: str | None = None
    where = str(endpoint)
    with ctx.check(
        f"{prefix}.api_versions", f"ApiVersions from {endpoint}", Stage.HANDSHAKE, where=where
    ) as check:
        timeout_s = ctx.timeout()
        started = time.monotonic()
        silent = False
        answer: bytes | None = None
        with preflight.open_socket(ctx, endpoint, timeout_s) as sock:
            sock.sendall(api_versions_frame())
            try:
                head = _recv_exact(ctx, sock, 4, min(preflight.SNIFF_AFTER_S, timeout_s / 2))
            except TimeoutError:
                answer = preflight.sniff(ctx, endpoint)
                head = b""
                if not answer:
                    left = timeout_s - (time.monotonic() - started)
                    try:
                        head = _recv_exact(ctx, sock, 4, max(0.0, left)) if left > 0 else b""
                    except TimeoutError:
                        head = b""
                    silent = not head
                else:
                    silent = True
            payload = b""
            size = struct.unpack(">i", head)[0] if len(head) == 4 else -1
            if 10 <= size <= MAX_FRAME_BYTES:
                payload = _recv_exact(ctx, sock, size, ctx.timeout())
            elif head and not silent:
                with contextlib.suppress(OSError):
                    head += sock.recv(60)
        check.figures["reply_ms"] = round((time.monotonic() - started) * 1000, 3)
        if silent:
            if answer:
                check.fail(
                    FailureClass.WRONG_PROTOCOL,
                    f"{endpoint} is not Kafka: no answer to ApiVersions, and to a text PING "
                    f"{what_speaks(answer)}",
                    "Check the port: Kafka listens on 9092 by default; this is another service.",
                )
            else:
                check.fail(
                    FailureClass.TIMEOUT,
                    f"{endpoint} accepted the connection but did not answer ApiVersions "
                    f"within {timeout_s:g} s",
                    "The broker is paused or overloaded, or something that is not Kafka holds "
                    "the port (a TLS listener waits for a TLS hello: try kafka+ssl://).",
                )
        elif not head:
            check.fail(
                FailureClass.WRONG_PROTOCOL,
                f"{endpoint} closed the connection without answering ApiVersions",
                "The listener probably expects TLS (use kafka+ssl://), or it is not Kafka.",
            )
        elif not payload or len(payload) < 10:
            check.fail(
                FailureClass.WRONG_PROTOCOL,
                f"{endpoint} is not Kafka: {what_speaks(head)}",
                "Check the port: this is another service, not a Kafka broker listener.",
            )
        else:
            try:
                error_code, versions = parse_api_versions(payload)
            except (ValueError, struct.error) as error:
                check.fail(
                    FailureClass.WRONG_PROTOCOL,
                    f"{endpoint} sent a reply that is not a Kafka ApiVersions response: {error}",
                    "Check the port: this is another service, not a Kafka broker listener.",
                )
            else:
                check.figures["api_keys"] = len(versions)
                if error_code not in (0, 35):  # 35: UNSUPPORTED_VERSION still lists versions
                    check.fail(
                        FailureClass.OTHER, f"ApiVersions answered with error code {error_code}"
                    )
                elif METADATA_KEY not in versions or PRODUCE_KEY not in versions:
                    check.fail(
                        FailureClass.WRONG_PROTOCOL,
                        f"{endpoint} is a KRaft controller listener, not a broker listener "
                        "(it supports neither Metadata nor Produce)",
                        "Point the client at the brokers' listeners (listeners=PLAINTEXT://...), "
                        "not at controller.listener.names.",
                    )
                else:
                    version = broker_version_text(versions)
                    check.figures["broker_version"] = version
                    idempotent = INIT_PRODUCER_ID_KEY in versions
                    transactions = all(k in versions for k in TRANSACTION_KEYS)
                    check.figures["idempotent_producer_api"] = str(idempotent).lower()
                    check.figures["transactions_api"] = str(transactions).lower()
                    ctx.summary.facts.setdefault("idempotent_producer_api", idempotent)
                    ctx.summary.facts.setdefault("transactions_api", transactions)
                    check.note(f"Kafka broker; the supported API versions imply Kafka {version}")
    yield check.result
    return version


def _frame(api_key: int, version: int, body: bytes, client_id: bytes = b"broker-advisor") -> bytes:
    header = struct.pack(">hhih", api_key, version, CORRELATION_ID, len(client_id)) + client_id
    return struct.pack(">i", len(header) + len(body)) + header + body


def _exchange(ctx: ProbeContext, sock: socket.socket, frame: bytes, timeout_s: float) -> bytes:
    """Send one request, return the response after the size and correlation id ("" if closed)."""
    sock.sendall(frame)
    head = _recv_exact(ctx, sock, 4, timeout_s)
    if len(head) < 4:
        return b""
    size = struct.unpack(">i", head)[0]
    if not 4 <= size <= MAX_FRAME_BYTES:
        raise ValueError(f"implausible response size {size}")
    payload = _recv_exact(ctx, sock, size, timeout_s)
    if struct.unpack(">i", payload[:4])[0] != CORRELATION_ID:
        raise ValueError("correlation id does not match the request")
    return payload[4:]


def _string(data: bytes, offset: int) -> tuple[str | None, int]:
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
    reply = _exchange(
        ctx, sock, _frame(SASL_HANDSHAKE_KEY, 1, struct.pack(">h", len(name)) + name), timeout_s
    )
    if not reply:
        return SaslOutcome(
            False,
            "the listener closed the connection on SaslHandshake",
            FailureClass.WRONG_PROTOCOL,
            "The listener may expect TLS (kafka+sasl_ssl://) or not use SASL at all.",
        )
    error_code, count = struct.unpack(">hi", reply[:6])
    offered: list[str] = []
    offset = 6
    for _ in range(max(0, count)):
        item, offset = _string(reply, offset)
        offered.append(item or "?")
    if error_code == ILLEGAL_SASL_STATE:
        return SaslOutcome(
            False,
            "the listener does not use SASL (ILLEGAL_SASL_STATE): it takes no login",
            FailureClass.WRONG_PROTOCOL,
            NO_SASL_HINT,
        )
    if error_code == UNSUPPORTED_SASL_MECHANISM:
        choices = ", ".join(offered) or "none"
        return SaslOutcome(
            False,
            f"the listener does not enable {mechanism}; it offers {choices}",
            FailureClass.WRONG_PROTOCOL,
            f"Use a mechanism the listener enables (?sasl_mechanism={offered[0]})"
            if offered
            else "Enable the mechanism in sasl.enabled.mechanisms on this listener.",
        )
    if error_code != 0:
        return SaslOutcome(
            False, f"SaslHandshake failed with error code {error_code}", FailureClass.OTHER
        )
    if mechanism in SCRAM_HASHES:
        return _scram_login(ctx, sock, mechanism, username, password, timeout_s)
    if mechanism != "PLAIN":
        return SaslOutcome(True, f"the listener enables {mechanism}")
    token = b"\0" + username.encode() + b"\0" + password.encode()
    answer = _authenticate(ctx, sock, token, timeout_s)
    if isinstance(answer, SaslOutcome):
        return SaslOutcome(
            False,
            answer.said,
            FailureClass.AUTH,
            "Check the user name and password (the broker's JAAS config for PLAIN).",
        )
    return SaslOutcome(True, "PLAIN login accepted")


SCRAM_HASHES = {"SCRAM-SHA-256": "sha256", "SCRAM-SHA-512": "sha512"}
SCRAM_HINT = (
    "Check the user name and password; SCRAM credentials exist only once created on the cluster "
    "(kafka-configs.sh --alter --add-config 'SCRAM-SHA-512=[password=...]' --entity-type users, "
    "or kafka-storage format --add-scram)."
)


def _authenticate(
    ctx: ProbeContext, sock: socket.socket, token: bytes, timeout_s: float
) -> bytes | SaslOutcome:
    """One SaslAuthenticate v1 round trip: the server's auth bytes, or why it failed."""
    reply = _exchange(
        ctx,
        sock,
        _frame(SASL_AUTHENTICATE_KEY, 1, struct.pack(">i", len(token)) + token),
        timeout_s,
    )
    if not reply:
        return SaslOutcome(
            False, "the broker closed the connection during SaslAuthenticate", FailureClass.AUTH
        )
    (error_code,) = struct.unpack(">h", reply[:2])
    message, offset = _string(reply, 2)
    if error_code != 0:
        return SaslOutcome(
            False,
            message or f"SaslAuthenticate failed with error code {error_code}",
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
        return SaslOutcome(False, answer.said, FailureClass.AUTH, SCRAM_HINT)
    server_first = answer.decode("utf-8", "replace")
    fields = dict(item.split("=", 1) for item in server_first.split(",") if "=" in item)
    try:
        combined, salt, rounds = fields["r"], base64.b64decode(fields["s"]), int(fields["i"])
    except (KeyError, ValueError) as error:
        return SaslOutcome(
            False, f"the broker's SCRAM challenge is malformed ({error})", FailureClass.OTHER
        )
    if not combined.startswith(nonce) or not 1 <= rounds <= 1_000_000:
        return SaslOutcome(False, "the broker's SCRAM challenge is not valid", FailureClass.OTHER)
    salted = hashlib.pbkdf2_hmac(digest, password.encode(), salt, rounds)
    client_key = hmac.new(salted, b"Client Key", digest).digest()
    stored_key = hashlib.new(digest, client_key).digest()
    without_proof = f"c=biws,r={combined}"
    auth_message = f"{client_first_bare},{server_first},{without_proof}".encode()
    signature = hmac.new(stored_key, auth_message, digest).digest()
    proof = base64.b64encode(bytes(a ^ b for a, b in zip(client_key, signature, strict=True)))
    answer = _authenticate(ctx, sock, f"{without_proof},p={proof.decode()}".encode(), timeout_s)
    if isinstance(answer, SaslOutcome):
        return SaslOutcome(False, answer.said, FailureClass.AUTH, SCRAM_HINT)
    server_key = hmac.new(salted, b"Server Key", digest).digest()
    expected = base64.b64encode(hmac.new(server_key, auth_message, digest).digest()).decode()
    if answer.decode("utf-8", "replace") != f"v={expected}":
        return SaslOutcome(
            False,
            "the broker accepted the login but its SCRAM signature does not prove it knows the "
            "password",
            FailureClass.AUTH,
            "Something between this machine and the broker answered for it; check the address.",
        )
    return SaslOutcome(True, f"{mechanism} login accepted (the broker's signature checked)")


def _sasl(ctx: ProbeContext, endpoint: Endpoint) -> ProbeCheck:
    """SASL over a raw connection, so a refusal or a listener without SASL is named as such."""
    title = f"SASL login at {endpoint}"
    mechanism = ctx.target.sasl_mechanism or "PLAIN"
    user = ctx.target.username or ""
    with ctx.check("kafka.auth", title, Stage.AUTHENTICATE, where=str(endpoint)) as check:
        started = time.monotonic()
        timeout_s = ctx.timeout()
        with preflight.open_socket(ctx, endpoint, timeout_s) as sock:
            outcome = sasl_login(ctx, sock, mechanism, user, ctx.target.password or "", timeout_s)
        check.figures["login_ms"] = round((time.monotonic() - started) * 1000, 3)
        check.figures["mechanism"] = mechanism
        if outcome.ok:
            raw = mechanism == "PLAIN" or mechanism in SCRAM_HASHES
            check.note(
                f"SASL {mechanism} as {user}: {outcome.said}"
                + ("" if raw else "; the login itself runs in kafka.bootstrap")
            )
        else:
            cls = outcome.failure_class or FailureClass.AUTH
            verb = "refused" if cls is FailureClass.AUTH else "not possible"
            check.fail(
                cls,
                f"SASL {mechanism} login as {user!r} {verb} at {endpoint}: {outcome.said}",
                outcome.hint,
            )
    return check.result


# --- state shared by the checks and the cleanup -------------------------------------------------


@dataclass
class _Run:
    topic: str
    group: str
    servers: list[str]
    admin: Any = None
    topic_requested: bool = False
    group_used: bool = False
    live_brokers: list[int] = field(default_factory=list)
    replication: int = 1
    min_isr: int = 1
    broker_min_isr: int | None = None
    keys: dict[str, int] = field(default_factory=dict)
    produced: int = 0
    offsets_topic_existed: bool | None = None  # None: not known


def run_checks(ctx: ProbeContext) -> Generator[ProbeCheck, None, None]:
    """All Kafka checks for ctx.target, in order (see the module docstring)."""
    target = ctx.target
    reachable: list[Endpoint] = []
    version: str | None = None
    for index, endpoint in enumerate(target.endpoints, start=1):
        prefix = "kafka" if index == 1 else f"kafka.bootstrap{index}"
        ok = yield from preflight.run(ctx, endpoint, tls=target.tls, prefix=prefix)
        if ok:
            found = yield from _api_versions(ctx, endpoint, prefix)
            if found is not None:
                reachable.append(endpoint)
                version = version or found
    if not reachable:
        for spec in (_BOOTSTRAP_SPEC, *_AFTER_BOOTSTRAP):
            yield ctx.skipped(*spec, "no bootstrap address answered as a Kafka broker")
        return
    ctx.summary.product = "Apache Kafka (or compatible)"
    ctx.summary.version = version
    name = probe_name(ctx.run_id)
    run = _Run(topic=name, group=name, servers=[str(e) for e in reachable])
    ctx.address = ", ".join(run.servers)
    try:
        if security_protocol(ctx).startswith("SASL"):
            auth = _sasl(ctx, reachable[0])
            yield auth
            if auth.status is CheckStatus.FAIL:
                reason = (
                    "the SASL login was refused"
                    if auth.failure_class is FailureClass.AUTH
                    else "SASL is not possible on this listener as asked"
                )
                for spec in (_BOOTSTRAP_SPEC, *_AFTER_BOOTSTRAP):
                    yield ctx.skipped(*spec, reason)
                return
        yield _bootstrap(ctx, run)
        if run.admin is None:
            for spec in _AFTER_BOOTSTRAP:
                yield ctx.skipped(*spec, "the client could not bootstrap")
            return
        advertised = _advertised(ctx, run)
        yield advertised
        if advertised.status is CheckStatus.FAIL:
            for spec in _AFTER_BOOTSTRAP[1:]:
                yield ctx.skipped(
                    *spec, "clients cannot reach every broker at its advertised address"
                )
            return
        yield _cluster(ctx, run)
        yield _broker_config(ctx, run)
        topic = _create_topic(ctx, run)
        yield topic
        if topic.status is CheckStatus.FAIL:
            for spec in _AFTER_BOOTSTRAP[4:6]:
                yield ctx.skipped(*spec, "the temporary topic could not be created")
        else:
            yield _produce(ctx, run)
            if run.produced == 0:
                yield ctx.skipped(*_AFTER_BOOTSTRAP[5], "nothing was produced")
            else:
                yield _consume(ctx, run)
        # After produce/consume, so the probe topic and __consumer_offsets are included.
        yield _replication(ctx, run)
        if topic.status is CheckStatus.FAIL:
            yield ctx.skipped(*_AFTER_BOOTSTRAP[7], "the temporary topic could not be created")
        else:
            yield _topic_config(ctx, run)
    finally:
        _cleanup(ctx, run)


def _admin(ctx: ProbeContext, run: _Run, timeout_s: float, suffix: str = "") -> Any:
    config = client_config(ctx, run.servers, timeout_s, f"broker-advisor-probe-{ctx.run_id}")
    config["client_id"] += suffix
    return build_client(KafkaAdminClient, config)


def _bootstrap(ctx: ProbeContext, run: _Run) -> ProbeCheck:
    sasl = security_protocol(ctx).startswith("SASL")
    stage = Stage.AUTHENTICATE if sasl else Stage.HANDSHAKE
    with ctx.check("kafka.bootstrap", _BOOTSTRAP_SPEC[1], stage) as check:
        timeout_s = ctx.timeout()
        client_id = f"broker-advisor-probe-{ctx.run_id}"
        started = time.monotonic()
        with _client_log(client_id) as log:
            try:
                run.admin = _admin(ctx, run, timeout_s)
            except kerr.KafkaTimeoutError:
                failure = bootstrap_failure(log.lines, ", ".join(run.servers), timeout_s, sasl=sasl)
                check.fail(failure.failure_class, failure.details, failure.hint)
        check.figures["bootstrap_ms"] = round((time.monotonic() - started) * 1000, 3)
        if run.admin is not None:
            data = getattr(getattr(run.admin, "_manager", None), "broker_version_data", None)
            check.figures["client_api_version"] = str(getattr(data, "broker_version_str", "?"))
            check.figures["security_protocol"] = security_protocol(ctx)
            if sasl:
                check.note(
                    f"logged in with SASL {ctx.target.sasl_mechanism or 'PLAIN'} "
                    f"as {ctx.target.username}"
                )
            check.note(f"kafka-python bootstrapped from {', '.join(run.servers)}")
    return check.result


def _metadata_brokers(run: _Run) -> list[tuple[int, str, int, str | None]]:
    """Brokers of the bootstrap's metadata response: what clients dial next.

    Read from the client's cluster metadata (filled by the bootstrap connection itself): asking
    again would go to the advertised addresses, which is what this check is about.
    """
    cluster = getattr(getattr(run.admin, "_manager", None), "cluster", None)
    if cluster is None:  # another kafka-python layout: fall back to a request
        info = run.admin.describe_cluster()
        return sorted(
            (int(b["broker_id"]), str(b["host"]), int(b["port"]), b.get("rack"))
            for b in info.get("brokers", [])
        )
    return sorted((int(b.node_id), str(b.host), int(b.port), b.rack) for b in cluster.brokers())


def _advertised(ctx: ProbeContext, run: _Run) -> ProbeCheck:
    with ctx.check("kafka.advertised", _AFTER_BOOTSTRAP[0][1], Stage.CONNECT) as check:
        brokers = _metadata_brokers(run)
        check.figures["brokers_advertised"] = len(brokers)
        bad: list[tuple[str, Failure]] = []
        for node_id, host, port, _rack in brokers:
            where = Endpoint(host=host, port=port)
            started = time.monotonic()
            try:
                addresses = preflight.resolve(host, port, ctx.timeout())
                family, sockaddr = addresses[0]
                with socket.socket(family, socket.SOCK_STREAM) as sock:
                    sock.settimeout(ctx.timeout())
                    sock.connect(sockaddr)
            except OSError as error:
                failure = classify_os_error(error, f"broker {node_id} at {where}") or Failure(
                    FailureClass.OTHER, f"broker {node_id} at {where}: {describe(error)}"
                )
                bad.append((f"{node_id}@{where}", failure))
                check.figures[f"broker_{node_id}"] = f"{where} {failure.failure_class.value}"
                continue
            ms = round((time.monotonic() - started) * 1000, 1)
            check.figures[f"broker_{node_id}"] = f"{where} ok {ms} ms"
        if bad:
            details = "; ".join(f.details for _, f in bad)
            check.fail(
                bad[0][1].failure_class,
                f"{len(bad)} of {len(brokers)} advertised broker address(es) unreachable from "
                f"this client: {details}",
                "Bootstrap worked, but clients then dial the addresses the brokers advertise: "
                "set advertised.listeners to a host name/IP and port this client can reach "
                "(not localhost or a container name), e.g. a listener per network "
                "(INTERNAL for brokers, EXTERNAL for clients).",
            )
        else:
            check.note(f"all {len(brokers)} advertised address(es) accept TCP connections")
    return check.result


def _cluster(ctx: ProbeContext, run: _Run) -> ProbeCheck:
    with ctx.check("kafka.cluster", _AFTER_BOOTSTRAP[1][1], Stage.INSPECT) as check:
        ctx.checkpoint()
        info = run.admin.describe_cluster()
        brokers = info.get("brokers", [])
        live = [b for b in brokers if not b.get("is_fenced")]
        fenced = [b for b in brokers if b.get("is_fenced")]
        run.live_brokers = sorted(int(b["broker_id"]) for b in live)
        cluster_id = str(info.get("cluster_id") or "?")
        check.figures.update(
            cluster_id=cluster_id,
            brokers=len(brokers),
            brokers_live=len(live),
            brokers_fenced=len(fenced),
            broker_list=", ".join(
                f"{b['broker_id']}@{b['host']}:{b['port']}"
                + (f" rack {b['rack']}" if b.get("rack") else "")
                + (" FENCED" if b.get("is_fenced") else "")
                for b in sorted(brokers, key=lambda b: int(b["broker_id"]))
            ),
        )
        racks = sorted({str(b["rack"]) for b in brokers if b.get("rack")})
        check.figures["racks"] = ", ".join(racks) or "-"
        metadata_controller = info.get("controller_id")
        check.figures["metadata_controller_id"] = (
            int(metadata_controller) if metadata_controller is not None else -1
        )
        summary = ctx.summary
        summary.nodes = len(live)
        summary.facts.update(
            cluster_id=cluster_id,
            brokers_live=len(live),
            brokers_fenced=len(fenced),
            racks=len(racks),
            metadata_controller_id=check.figures["metadata_controller_id"],
        )
        try:
            ctx.checkpoint()
            quorum = run.admin.describe_metadata_quorum()
        except (kerr.KafkaError, KeyError, IndexError) as error:
            summary.mode = "unknown (no DescribeQuorum)"
            check.warn(
                f"the metadata quorum could not be described ({describe(error)}); metadata "
                f"reports controller_id {metadata_controller}: in KRaft that is a random "
                "broker, not the active controller (in ZooKeeper mode it is the controller)",
                "Use kafka-metadata-quorum.sh describe --status to see the active controller.",
            )
        else:
            partition = quorum["topics"][0]["partitions"][0]
            leader = int(partition.get("leader_id", -1))
            voters = partition.get("current_voters") or []
            observers = partition.get("observers") or []
            high_watermark = int(partition.get("high_watermark", -1))
            lagging = [
                int(v["replica_id"])
                for v in voters
                if high_watermark >= 0 and int(v.get("log_end_offset", -1)) < high_watermark
            ]
            check.figures.update(
                active_controller_id=leader,
                quorum_voters=", ".join(str(v["replica_id"]) for v in voters),
                quorum_observers=len(observers),
                quorum_leader_epoch=int(partition.get("leader_epoch", -1)),
                quorum_lagging_voters=len(lagging),
            )
            summary.mode = "kraft"
            summary.facts.update(active_controller_id=leader, quorum_voters=len(voters))
            check.note(
                f"KRaft: active controller {leader} (DescribeQuorum leader) of "
                f"{len(voters)} voter(s); metadata's controller_id "
                f"{metadata_controller} is a random broker in KRaft, not the controller."
            )
            if leader < 0:
                check.fail(
                    FailureClass.DEGRADED,
                    "the metadata quorum has no leader",
                    "A majority of the controller voters is down: metadata changes are blocked.",
                )
            if lagging:
                check.warn(f"Controller voter(s) {lagging} lag behind the quorum high watermark.")
            if len(voters) % 2 == 0:
                check.warn(
                    f"{len(voters)} controller voters: an even quorum tolerates no more "
                    "failures than one voter fewer",
                    "Run an odd number of controllers (3 or 5).",
                )
        summary.replication = f"{len(live)} live broker(s)" + (
            f", {len(fenced)} fenced" if fenced else ""
        )
        if fenced:
            check.warn(
                f"Broker(s) {[b['broker_id'] for b in fenced]} are fenced (down or not caught up)."
            )
    return check.result


def _config_value(entry: Any) -> str | None:
    if not isinstance(entry, dict):
        return None
    value = entry.get("value")
    return None if value is None else str(value)


def _int(value: str | None) -> int | None:
    try:
        return int(value) if value is not None else None
    except ValueError:
        return None


def _describe_configs(
    run: _Run, kind: ConfigResourceType, name: str, keys: tuple[str, ...]
) -> dict[str, Any]:
    resource = ConfigResource(kind, name, list(keys))
    # config_filter="all": the default, "modified", hides every value left at its default.
    found = run.admin.describe_configs([resource], config_filter="all")
    section = found.get(kind.name.lower(), {})
    result: dict[str, Any] = section.get(name, {})
    return result


def _broker_config(ctx: ProbeContext, run: _Run) -> ProbeCheck:
    with ctx.check("kafka.config", _AFTER_BOOTSTRAP[2][1], Stage.INSPECT) as check:
        broker_ids = run.live_brokers or [b[0] for b in _metadata_brokers(run)]
        per_broker: dict[int, dict[str, str | None]] = {}
        for broker_id in broker_ids:
            ctx.checkpoint()
            configs = _describe_configs(
                run, ConfigResourceType.BROKER, str(broker_id), BROKER_CONFIGS
            )
            per_broker[broker_id] = {k: _config_value(configs.get(k)) for k in BROKER_CONFIGS}
            if broker_id == broker_ids[0]:
                for key in BROKER_CONFIGS:
                    source = configs.get(key, {}).get("config_source") if key in configs else None
                    if source is not None:
                        check.figures[f"{key}.source"] = str(source)
        first = per_broker[broker_ids[0]]
        for key, value in first.items():
            check.figures[key] = value if value is not None else "-"
        differing = sorted(
            key for key in BROKER_CONFIGS if len({c.get(key) for c in per_broker.values()}) > 1
        )
        min_isr = _int(first.get("min.insync.replicas"))
        default_rf = _int(first.get("default.replication.factor"))
        max_bytes = _int(first.get("message.max.bytes"))
        unclean = (first.get("unclean.leader.election.enable") or "").lower() == "true"
        retention_ms = _effective_retention_ms(first)
        run.broker_min_isr = min_isr
        facts = ctx.summary.facts
        facts.update(
            min_insync_replicas=min_isr,
            default_replication_factor=default_rf,
            unclean_leader_election=unclean,
            retention_ms=retention_ms,
            message_max_bytes=max_bytes,
            max_message_bytes_source="broker message.max.bytes, "
            + str(check.figures.get("message.max.bytes.source", "?")),
            configs_from_broker=broker_ids[0],
            transaction_state_replication_factor=_int(
                first.get("transaction.state.log.replication.factor")
            ),
            transaction_state_min_isr=_int(first.get("transaction.state.log.min.isr")),
        )
        if max_bytes is not None:
            ctx.summary.max_message_bytes = max_bytes
        if retention_ms is not None:
            check.figures["effective_retention_ms"] = retention_ms
        ctx.summary.persistence = (
            "log segments on disk, replicated; fsync left to the OS (flush.ms unset) "
            f"with min.insync.replicas={min_isr}"
        )
        check.note(f"from broker {broker_ids[0]} with defaults included (config_filter=all)")
        if differing:
            check.warn(
                f"brokers disagree on {', '.join(differing)}",
                "Keep broker configs identical, or set these per topic.",
            )
        if unclean:
            check.warn(
                "unclean.leader.election.enable=true: an out-of-sync replica may become leader "
                "and acknowledged messages can be lost",
                "Set unclean.leader.election.enable=false.",
            )
    return check.result


def _effective_retention_ms(configs: dict[str, str | None]) -> int | None:
    """log.retention.ms, else .minutes, else .hours (the broker's precedence); -1: forever."""
    for key, factor in (
        ("log.retention.ms", 1),
        ("log.retention.minutes", 60_000),
        ("log.retention.hours", 3_600_000),
    ):
        value = _int(configs.get(key))
        if value is not None:
            return -1 if value < 0 else value * factor
    return None


def _replication(ctx: ProbeContext, run: _Run) -> ProbeCheck:
    with ctx.check("kafka.replication", _AFTER_BOOTSTRAP[6][1], Stage.INSPECT) as check:
        ctx.checkpoint()
        topics = run.admin.describe_topics()
        partitions = 0
        under: list[str] = []
        offline: list[str] = []
        under_min: list[str] = []
        missing_replicas: set[int] = set()
        live = set(run.live_brokers)
        by_topic: dict[str, list[tuple[int, int]]] = {}  # topic -> (partition, isr size)
        for topic in topics:
            name = str(topic.get("name"))
            for part in topic.get("partitions") or []:
                partitions += 1
                index = int(part.get("partition_index", -1))
                replicas = [int(r) for r in part.get("replica_nodes") or []]
                isr = [int(r) for r in part.get("isr_nodes") or []]
                label = f"{name}-{index}"
                if int(part.get("leader_id", -1)) < 0:
                    offline.append(label)
                if len(isr) < len(replicas):
                    under.append(label)
                    by_topic.setdefault(name, []).append((index, len(isr)))
                if live:
                    missing_replicas.update(r for r in replicas if r not in live)
        for name, parts in by_topic.items():
            ctx.checkpoint()
            topic_min = _topic_min_isr(run, name)
            for index, isr_size in parts:
                if isr_size < topic_min:
                    under_min.append(f"{name}-{index}")
        check.figures.update(
            topics=len(topics),
            partitions=partitions,
            under_replicated=len(under),
            under_min_isr=len(under_min),
            offline=len(offline),
        )
        ctx.summary.facts.update(
            under_replicated_partitions=len(under),
            under_min_isr_partitions=len(under_min),
            offline_partitions=len(offline),
        )
        if missing_replicas:
            check.figures["replicas_on_absent_brokers"] = ", ".join(
                str(r) for r in sorted(missing_replicas)
            )
        if under:
            check.warn(
                f"{len(under)} under-replicated partition(s) (ISR smaller than the replica set), "
                f"e.g. {', '.join(under[:5])}"
                + (
                    f"; replicas assigned to broker(s) {sorted(missing_replicas)} that are not live"
                    if missing_replicas
                    else ""
                ),
                "A broker is down or lagging: restart it or check its disk and network; "
                "a further failure may make these partitions unavailable.",
            )
        if under_min:
            check.fail(
                FailureClass.DEGRADED,
                f"{len(under_min)} partition(s) have fewer in-sync replicas than "
                f"min.insync.replicas, e.g. {', '.join(under_min[:5])}: acks=all writes to them "
                "fail with NotEnoughReplicas",
                "Bring the missing brokers back before producing with acks=all.",
            )
        if offline:
            check.fail(
                FailureClass.DEGRADED,
                f"{len(offline)} offline partition(s) (leader -1), e.g. {', '.join(offline[:5])}",
                "No replica of these partitions is available: bring their brokers back.",
            )
        if not (under or offline):
            check.note(f"all {partitions} partition(s) of {len(topics)} topic(s) fully in sync")
    return check.result


def _topic_min_isr(run: _Run, topic: str) -> int:
    configs = _describe_configs(run, ConfigResourceType.TOPIC, topic, ("min.insync.replicas",))
    value = _int(_config_value(configs.get("min.insync.replicas")))
    return value if value is not None else (run.broker_min_isr or 1)


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


def _sweep_leftovers(ctx: ProbeContext, run: _Run, check: CheckRecorder) -> None:
    """Delete probe topics and groups that killed runs left behind (Redis keys and RabbitMQ
    queues expire on their own; Kafka topics do not)."""
    try:
        names = list(run.admin.list_topics())
        run.offsets_topic_existed = OFFSETS_TOPIC in names
        topics = stale_probe_names(names, time.time())
        if topics:
            run.admin.delete_topics(topics, timeout_ms=_ms(ctx.timeout()))
            with contextlib.suppress(Exception):  # a group that never formed is no error
                run.admin.delete_groups(topics)
    except Exception as error:  # leftovers of other runs never fail this one
        check.warn(
            f"could not remove the topics of earlier, killed probe runs: {describe(error)}",
            "Delete topics named broker-advisor.probe.* by hand (kafka-topics.sh --delete).",
        )
        return
    check.figures["leftovers_removed"] = len(topics)
    if topics:
        check.note(f"removed {len(topics)} topic(s) left by earlier, killed probe runs")


def _create_topic(ctx: ProbeContext, run: _Run) -> ProbeCheck:
    with ctx.check("kafka.topic", _AFTER_BOOTSTRAP[3][1], Stage.BEHAVE) as check:
        _sweep_leftovers(ctx, run, check)
        live = len(run.live_brokers) or len(_metadata_brokers(run))
        run.replication = max(1, min(MAX_REPLICATION, live))
        run.min_isr = min(2, run.replication)
        configs = {"retention.ms": "600000"}  # a leftover (cleanup failed) expires on its own
        if run.replication > 1:
            configs["min.insync.replicas"] = str(run.min_isr)
        timeout_s = ctx.timeout()
        started = time.monotonic()
        run.topic_requested = True
        ctx.resources.add(TempResource(Broker.KAFKA, "topic", run.topic))
        run.admin.create_topics(
            {
                run.topic: {
                    "num_partitions": PARTITIONS,
                    "replication_factor": run.replication,
                    "configs": configs,
                }
            },
            timeout_ms=_ms(timeout_s),
        )
        check.figures["create_ms"] = round((time.monotonic() - started) * 1000, 3)
        run.admin.wait_for_topics([run.topic], timeout_ms=_ms(ctx.timeout()))
        check.figures.update(
            topic=run.topic,
            partitions=PARTITIONS,
            replication_factor=run.replication,
            min_insync_replicas=run.min_isr if run.replication > 1 else "-",
            ready_ms=round((time.monotonic() - started) * 1000, 3),
        )
        check.note(
            f"created {run.topic} with {PARTITIONS} partitions, replication factor "
            f"{run.replication}"
            + (f", min.insync.replicas {run.min_isr}" if run.replication > 1 else "")
        )
        if run.replication < MAX_REPLICATION:
            check.warn(
                f"only {live} live broker(s): replication factor {run.replication}",
                "Run at least 3 brokers so topics can have replication factor 3.",
            )
    return check.result


def keys_for_partitions(partitions: int, per_partition: int) -> dict[str, int]:
    """Keys that the default (murmur2) partitioner spreads over every partition."""
    keys: dict[str, int] = {}
    counts = [0] * partitions
    candidate = 0
    while min(counts) < per_partition:
        key = f"key-{candidate}"
        candidate += 1
        partition = (murmur2(key.encode()) & 0x7FFFFFFF) % partitions
        if counts[partition] < per_partition:
            counts[partition] += 1
            keys[key] = partition
    return keys


def _produce(ctx: ProbeContext, run: _Run) -> ProbeCheck:
    with ctx.check("kafka.produce_latency", _AFTER_BOOTSTRAP[4][1], Stage.BEHAVE) as check:
        run.keys = keys_for_partitions(PARTITIONS, KEYS_PER_PARTITION)
        timeout_s = ctx.timeout()
        config = client_config(ctx, run.servers, timeout_s, f"broker-advisor-probe-{ctx.run_id}-p")
        config.update(
            acks="all",
            enable_idempotence=True,
            max_block_ms=_ms(timeout_s),
            delivery_timeout_ms=_ms(timeout_s) + 50,
            linger_ms=0,
            # A client that refreshes metadata after cleanup must not re-create the topic.
            allow_auto_create_topics=False,
        )
        producer = build_client(KafkaProducer, config)
        try:
            samples: list[float] = []
            wrong_partition: list[str] = []
            keys = list(run.keys)
            for i in range(PRODUCE_COUNT):
                ctx.checkpoint()
                key = keys[i % len(keys)]
                sequence = i // len(keys)
                started = time.perf_counter()
                future = producer.send(
                    run.topic, value=f"{key}:{sequence}".encode(), key=key.encode()
                )
                metadata = future.get(timeout=ctx.timeout())
                samples.append((time.perf_counter() - started) * 1000)
                run.produced += 1
                if int(metadata.partition) != run.keys[key]:
                    wrong_partition.append(f"{key}->{metadata.partition}")
            check.figures.update(latency_figures(samples))
            producer_id = _producer_id(producer)
            check.figures.update(
                messages=run.produced,
                acks="all",
                idempotent=str(bool(producer.config.get("enable_idempotence"))).lower(),
                producer_id=producer_id if producer_id is not None else -1,
            )
            ctx.summary.facts["idempotent_producer_id"] = producer_id
            if producer_id is None:
                check.warn(
                    "the broker granted no producer id: idempotence is not in effect",
                    "Check the broker version (0.11+) and IdempotentWrite ACLs on the cluster.",
                )
            check.note(
                f"{run.produced} keyed messages, one at a time, acks=all, idempotent, through "
                "kafka-python from this machine: this client's latency, not the broker's "
                "capacity"
            )
            if wrong_partition:
                check.warn(f"keys landed off their murmur2 partition: {wrong_partition[:5]}")
        finally:
            _close_producer(producer, min(ctx.cleanup_timeout(), 1.0))
    return check.result


def _producer_id(producer: Any) -> int | None:
    """The producer id the broker granted (idempotence in effect), or None."""
    manager = getattr(producer, "_transaction_manager", None)
    ids = getattr(manager, "producer_id_and_epoch", None)
    value = getattr(ids, "producer_id", -1)
    return int(value) if isinstance(value, int) and value >= 0 else None


def _close_producer(producer: Any, timeout_s: float) -> None:
    """Close and wait for the sender thread: until it stops it may refresh the topic's metadata."""
    with contextlib.suppress(Exception):
        producer.close(timeout=timeout_s)
    sender = getattr(producer, "_sender", None)
    if isinstance(sender, threading.Thread) and sender.is_alive():
        sender.join(timeout_s)


def _consume(ctx: ProbeContext, run: _Run) -> ProbeCheck:
    with ctx.check("kafka.consume_order", _AFTER_BOOTSTRAP[5][1], Stage.BEHAVE) as check:
        timeout_s = ctx.timeout()
        config = client_config(ctx, run.servers, timeout_s, f"broker-advisor-probe-{ctx.run_id}-c")
        config.update(
            group_id=run.group,
            auto_offset_reset="earliest",
            enable_auto_commit=False,
            # The broker's lowest allowed session timeout (group.min.session.timeout.ms).
            session_timeout_ms=6000,
            heartbeat_interval_ms=1000,
            max_poll_interval_ms=6000,
            fetch_max_wait_ms=min(100, _ms(timeout_s) // 2),
            allow_auto_create_topics=False,
        )
        run.group_used = True
        ctx.resources.add(TempResource(Broker.KAFKA, "consumer group", run.group))
        consumer = build_client(KafkaConsumer, config)
        try:
            started = time.monotonic()
            consumer.subscribe([run.topic])
            # Joining a group can take the broker's group.initial.rebalance.delay.ms (3 s by
            # default) on top of the round trips, and a fresh cluster's first group waits for
            # __consumer_offsets to be created: allow two stage timeouts, but end early enough
            # to say so within the budget.
            wait_s = min(2 * ctx.timeout(), ctx.remaining_s() - CONSUME_RESERVE_S)
            deadline = started + max(wait_s, ctx.timeout() / 2)
            first_ms: float | None = None
            seen: dict[str, list[int]] = {}
            partition_of: dict[str, set[int]] = {}
            offsets: dict[int, list[int]] = {}
            total = 0
            while total < run.produced and time.monotonic() < deadline:
                ctx.checkpoint()
                wait_ms = _ms(min(0.5, max(0.05, deadline - time.monotonic())))
                batches = consumer.poll(timeout_ms=wait_ms)
                for tp, records in batches.items():
                    for record in records:
                        if first_ms is None:
                            first_ms = (time.monotonic() - started) * 1000
                        key = bytes(record.key or b"").decode()
                        _key, _, sequence = bytes(record.value or b"").decode().partition(":")
                        seen.setdefault(key, []).append(int(sequence or -1))
                        partition_of.setdefault(key, set()).add(int(tp.partition))
                        offsets.setdefault(int(tp.partition), []).append(int(record.offset))
                        total += 1
            if total:
                consumer.commit(timeout_ms=_ms(ctx.timeout()))
            check.figures.update(
                consumed=total,
                produced=run.produced,
                partitions_seen=len(offsets),
                keys=len(seen),
                first_record_ms=round(first_ms, 1) if first_ms is not None else -1,
                consume_ms=round((time.monotonic() - started) * 1000, 1),
            )
            out_of_order = sorted(k for k, s in seen.items() if s != sorted(s))
            split_keys = sorted(k for k, p in partition_of.items() if len(p) > 1)
            offset_gaps = sorted(p for p, o in offsets.items() if o != sorted(o))
            duplicates = sorted(k for k, s in seen.items() if len(s) != len(set(s)))
            check.figures["keys_out_of_order"] = len(out_of_order)
            first_group = run.offsets_topic_existed is False
            if first_group:
                check.figures["offsets_topic_created"] = "true"
            if total < run.produced:
                check.fail(
                    FailureClass.TIMEOUT if total == 0 else FailureClass.OTHER,
                    f"consumed {total} of {run.produced} messages in group {run.group} "
                    f"within {deadline - started:.1f} s"
                    + (f" while Kafka created {OFFSETS_TOPIC}" if first_group else ""),
                    "A fresh cluster creates its offsets topic for the first consumer group; "
                    "probe again in a few seconds, or with a larger --timeout."
                    if first_group
                    else "The group coordinator may be slow to form the group "
                    "(group.initial.rebalance.delay.ms) or a partition leader is unavailable.",
                )
            if out_of_order or split_keys or offset_gaps:
                check.fail(
                    FailureClass.OTHER,
                    f"order broken: keys out of order {out_of_order[:5]}, keys on several "
                    f"partitions {split_keys[:5]}, partitions out of offset order "
                    f"{offset_gaps[:5]}",
                )
            if duplicates:
                check.warn(f"duplicates for keys {duplicates[:5]} (at-least-once redelivery)")
            if check.ok:
                check.note(
                    f"{total} messages over {len(offsets)} partitions in group {run.group}; "
                    "each key stayed on one partition with its sequence numbers in order"
                )
                if first_group:
                    check.note(
                        f"the cluster's first consumer group: Kafka created {OFFSETS_TOPIC} "
                        "during this check, which slows it down this once"
                    )
        finally:
            with contextlib.suppress(Exception):
                consumer.close(autocommit=False, timeout_ms=_ms(min(ctx.cleanup_timeout(), 1.0)))
    return check.result


def _topic_config(ctx: ProbeContext, run: _Run) -> ProbeCheck:
    with ctx.check("kafka.topic_config", _AFTER_BOOTSTRAP[7][1], Stage.INSPECT) as check:
        ctx.checkpoint()
        configs = _describe_configs(run, ConfigResourceType.TOPIC, run.topic, TOPIC_CONFIGS)
        values = {key: _config_value(configs.get(key)) for key in TOPIC_CONFIGS}
        for key, value in values.items():
            check.figures[key] = value if value is not None else "-"
            source = configs.get(key, {}).get("config_source") if key in configs else None
            if source is not None:
                check.figures[f"{key}.source"] = str(source)
        max_bytes = _int(values.get("max.message.bytes"))
        facts = ctx.summary.facts
        facts.update(
            topic_min_insync_replicas=_int(values.get("min.insync.replicas")),
            topic_max_message_bytes=max_bytes,
        )
        check.note(
            "the probe topic's own settings (min.insync.replicas and retention.ms set by the "
            "probe); others inherit the broker defaults"
        )
    return check.result


# --- cleanup ------------------------------------------------------------------------------------


def _bounded(call: Callable[[], object], timeout_s: float) -> BaseException | None:
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
        return TimeoutError(f"did not finish within {timeout_s:g} s")
    return box.get("error")


def _cleanup(ctx: ProbeContext, run: _Run) -> None:
    """Delete the temporary topic and consumer group, then check that the topic stays deleted.

    The producer and consumer are already closed (in their checks' `finally`), so no client of
    ours asks for the topic's metadata any more. The bootstrap's admin client deletes, as it is
    connected already; a fresh one takes over when there is none or it fails. Everything is
    bounded by ctx.cleanup_timeout().
    """
    ends = time.monotonic() + ctx.cleanup_timeout()

    def left() -> float:
        return max(0.05, ends - time.monotonic())

    admins: list[Any] = [run.admin] if run.admin is not None else []
    try:
        if not (run.topic_requested or run.group_used):
            return
        if run.topic_requested:
            error = _delete_topic(ctx, run, admins, left)
            if error is not None:
                ctx.cleanup_problem(f"could not delete topic {run.topic}: {error}")
        if run.group_used:
            cleaner = admins[-1] if admins else _fresh_admin(ctx, run, admins, left)
            failed: BaseException | str | None = (
                "no admin client could connect"
                if cleaner is None
                else _bounded(lambda: _delete_group(cleaner, run.group), left())
            )
            if failed is None:
                ctx.resources.discard(TempResource(Broker.KAFKA, "consumer group", run.group))
            else:
                text = failed if isinstance(failed, str) else describe(failed)
                ctx.cleanup_problem(f"could not delete group {run.group}: {text}")
    finally:
        for admin in admins:
            _bounded(admin.close, max(0.05, min(1.0, ends - time.monotonic())))


def _fresh_admin(
    ctx: ProbeContext, run: _Run, admins: list[Any], left: Callable[[], float]
) -> Any | None:
    """A new admin client for the cleanup (appended to admins), or None if none connects."""
    holder: dict[str, Any] = {}
    lock = threading.Lock()

    def connect() -> None:
        admin = _admin(ctx, run, left(), "-cleanup")
        with lock:
            if holder.get("late"):  # we stopped waiting: do not leak its I/O thread
                admin.close()
            else:
                holder["admin"] = admin

    _bounded(connect, left())
    with lock:
        cleaner = holder.get("admin")
        holder["late"] = True
    if cleaner is not None:
        admins.append(cleaner)
    return cleaner


def _delete_topic(
    ctx: ProbeContext, run: _Run, admins: list[Any], left: Callable[[], float]
) -> str | None:
    """Delete the probe topic and see it stay deleted; None when it is gone, else why not."""
    ends = time.monotonic() + left()
    problem = "no admin client could connect"
    client_failed = False
    for _attempt in range(3):
        reuse = admins and not client_failed
        cleaner = admins[-1] if reuse else _fresh_admin(ctx, run, admins, left)
        if cleaner is None:
            return problem

        def delete(admin: Any = cleaner) -> None:
            admin.delete_topics([run.topic], timeout_ms=_ms(left()))

        error = _bounded(delete, left())
        if error is not None and not isinstance(error, kerr.UnknownTopicOrPartitionError):
            problem, client_failed = describe(error), True
            if time.monotonic() >= ends:
                break
            continue
        client_failed = False
        # The deletion is committed; a client still asking for the topic's metadata with
        # auto-creation on would bring it back within a moment, so look again after one.
        settle_ends = time.monotonic() + min(DELETE_SETTLE_S * 3, left())
        present: object = True
        while time.monotonic() < settle_ends:
            time.sleep(min(DELETE_SETTLE_S, max(0.0, settle_ends - time.monotonic())))
            box: dict[str, bool] = {}

            def look(admin: Any = cleaner, box: dict[str, bool] = box) -> None:
                box["present"] = run.topic in admin.list_topics()

            error = _bounded(look, left())
            present = box.get("present", error)
            if present is False:
                ctx.resources.discard(TempResource(Broker.KAFKA, "topic", run.topic))
                return None
        problem = (
            "it was back after deletion (something re-created it)"
            if present is True
            else f"could not list topics to confirm the deletion: {present}"
        )
        if time.monotonic() >= ends:
            break
    return problem


def _delete_group(admin: Any, group: str) -> None:
    """Delete the probe's consumer group; a group that never formed is not an error."""
    result = admin.delete_groups([group])
    outcome = str(result.get(group, "OK")) if isinstance(result, dict) else "OK"
    if outcome not in ("OK", "GroupIdNotFoundError"):
        raise RuntimeError(f"the broker answered {outcome}")
