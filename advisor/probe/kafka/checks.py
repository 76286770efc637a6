"""Kafka checks: the plan (pre-flight and ApiVersions for every bootstrap address, SASL, bootstrap,
advertised listeners, cluster and quorum, configuration, a temporary topic, produce/consume,
replication) and the per-run state the checks share.

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
`finally`; the topic and the group are registered (`advisor.probe.resources`) before they are
created and deleted at cleanup by `delete_topic_and_group`, bounded by `ctx.cleanup_timeout()`,
also when the probe fails, runs out of budget or is cancelled; the topic list is read again a
moment later to make sure the topic stayed deleted. A later probe removes the topics of killed
runs (their run id carries a deadline long past).
"""

from __future__ import annotations

import contextlib
import socket
import struct
import threading
import time
from collections.abc import Callable, Generator, Sequence
from dataclasses import dataclass, field
from typing import Any

import kafka.errors as kerr
from kafka import KafkaConsumer, KafkaProducer
from kafka.admin import KafkaAdminClient
from kafka.admin._configs import ConfigResource, ConfigResourceType
from kafka.partitioner.default import murmur2

from advisor.i18n import N_, tr
from advisor.probe import preflight, resources
from advisor.probe.classify import Failure, classify_os_error, describe
from advisor.probe.kafka import wire
from advisor.probe.models import Endpoint, FailureClass, ProbeCheck, Stage
from advisor.probe.plan import NOT_APPLICABLE, Check, Group, Plan
from advisor.probe.resources import TempResource
from advisor.probe.runner import CheckRecorder, ProbeContext, latency_figures
from advisor.workload import Broker

PARTITIONS = 3
MAX_REPLICATION = 3
PRODUCE_COUNT = 30
KEYS_PER_PARTITION = 2
DELETE_SETTLE_S = 0.3  # then the topic list is read again: the topic must stay deleted
OFFSETS_TOPIC = "__consumer_offsets"
# Left of the budget when the consume loop gives up waiting: the checks after it still run and
# the failure is the consume's own, not a spent budget.
CONSUME_RESERVE_S = 1.0  # closing the consumer takes up to 1 s of it

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


@dataclass
class KafkaState:
    """What the checks of one run share: the addresses that answered, the admin client, the
    temporary topic and group, and what the checks found out for the ones after them."""

    topic: str
    group: str
    servers: list[str] = field(default_factory=list)  # bootstrap addresses that are Kafka
    admin: Any = None
    live_brokers: list[int] = field(default_factory=list)
    replication: int = 1
    min_isr: int = 1
    broker_min_isr: int | None = None
    keys: dict[str, int] = field(default_factory=dict)
    produced: int = 0
    offsets_topic_existed: bool | None = None  # None: not known

    @classmethod
    def start(cls, ctx: ProbeContext) -> KafkaState:
        name = wire.probe_name(ctx.run_id)
        return cls(topic=name, group=name)


def _sasl_only(ctx: ProbeContext, run: KafkaState) -> str | None:
    return None if wire.security_protocol(ctx).startswith("SASL") else NOT_APPLICABLE


def _first_server(ctx: ProbeContext, run: KafkaState) -> str | None:
    return run.servers[0] if run.servers else None


def _sasl_title(ctx: ProbeContext, run: KafkaState) -> str:
    return tr(
        "SASL login at {where}", where=run.servers[0] if run.servers else str(ctx.target.endpoint)
    )


def _bootstrap_stage(ctx: ProbeContext, run: KafkaState) -> Stage:
    return Stage.AUTHENTICATE if wire.security_protocol(ctx).startswith("SASL") else Stage.HANDSHAKE


def _sasl_unmet(auth: ProbeCheck) -> str:
    if auth.failure_class is FailureClass.AUTH:
        return tr("the SASL login was refused")
    return tr("SASL is not possible on this listener as asked")


def _something_produced(ctx: ProbeContext, run: KafkaState) -> str | None:
    return None if run.produced else tr("nothing was produced")


def _addresses(ctx: ProbeContext, run: KafkaState) -> Generator[ProbeCheck, None, bool]:
    """Pre-flight and ApiVersions for every bootstrap address; passes when one is Kafka."""
    target = ctx.target
    version: str | None = None
    for index, endpoint in enumerate(target.endpoints, start=1):
        prefix = "kafka" if index == 1 else f"kafka.bootstrap{index}"
        ok = yield from preflight.run(ctx, endpoint, tls=target.tls, prefix=prefix)
        if ok:
            found = yield from _api_versions(ctx, endpoint, prefix)
            if found is not None:
                run.servers.append(str(endpoint))
                version = version or found
    if not run.servers:
        return False
    ctx.summary.product = N_("Apache Kafka (or compatible)")  # data; worded where shown
    ctx.summary.version = version
    ctx.address = ", ".join(run.servers)
    return True


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
        f"{prefix}.api_versions",
        tr("ApiVersions from {where}", where=where),
        Stage.HANDSHAKE,
        where=where,
    ) as check:
        timeout_s = ctx.timeout()
        started = time.monotonic()
        silent = False
        answer: bytes | None = None
        with preflight.open_socket(ctx, endpoint, timeout_s) as sock:
            sock.sendall(wire.api_versions_frame())
            try:
                head = wire.recv_exact(ctx, sock, 4, min(preflight.SNIFF_AFTER_S, timeout_s / 2))
            except TimeoutError:
                answer = preflight.sniff(ctx, endpoint)
                head = b""
                if not answer:
                    left = timeout_s - (time.monotonic() - started)
                    try:
                        head = wire.recv_exact(ctx, sock, 4, max(0.0, left)) if left > 0 else b""
                    except TimeoutError:
                        head = b""
                    silent = not head
                else:
                    silent = True
            payload = b""
            size = struct.unpack(">i", head)[0] if len(head) == 4 else -1
            if 10 <= size <= wire.MAX_FRAME_BYTES:
                payload = wire.recv_exact(ctx, sock, size, ctx.timeout())
            elif head and not silent:
                with contextlib.suppress(OSError):
                    head += sock.recv(60)
        check.figures["reply_ms"] = round((time.monotonic() - started) * 1000, 3)
        if silent:
            if answer:
                check.fail(
                    FailureClass.WRONG_PROTOCOL,
                    tr(
                        "{endpoint} is not Kafka: no answer to ApiVersions, and to a text PING "
                        "{what}",
                        endpoint=where,
                        what=wire.what_speaks(answer),
                    ),
                    tr(
                        "Check the port: Kafka listens on 9092 by default; this is another service."
                    ),
                )
            else:
                check.fail(
                    FailureClass.TIMEOUT,
                    tr(
                        "{endpoint} accepted the connection but did not answer ApiVersions "
                        "within {seconds} s",
                        endpoint=where,
                        seconds=f"{timeout_s:g}",
                    ),
                    tr(
                        "The broker is paused or overloaded, or something that is not Kafka holds "
                        "the port (a TLS listener waits for a TLS hello: try kafka+ssl://)."
                    ),
                )
        elif not head:
            check.fail(
                FailureClass.WRONG_PROTOCOL,
                tr(
                    "{endpoint} closed the connection without answering ApiVersions", endpoint=where
                ),
                tr("The listener probably expects TLS (use kafka+ssl://), or it is not Kafka."),
            )
        elif not payload or len(payload) < 10:
            check.fail(
                FailureClass.WRONG_PROTOCOL,
                tr("{endpoint} is not Kafka: {what}", endpoint=where, what=wire.what_speaks(head)),
                tr(_NOT_KAFKA),
            )
        else:
            try:
                error_code, versions = wire.parse_api_versions(payload)
            except (ValueError, struct.error) as error:
                check.fail(
                    FailureClass.WRONG_PROTOCOL,
                    tr(
                        "{endpoint} sent a reply that is not a Kafka ApiVersions response: {error}",
                        endpoint=where,
                        error=str(error),
                    ),
                    tr(_NOT_KAFKA),
                )
            else:
                check.figures["api_keys"] = len(versions)
                if error_code not in (0, 35):  # 35: UNSUPPORTED_VERSION still lists versions
                    check.fail(
                        FailureClass.OTHER,
                        tr("ApiVersions answered with error code {code}", code=error_code),
                    )
                elif wire.METADATA_KEY not in versions or wire.PRODUCE_KEY not in versions:
                    check.fail(
                        FailureClass.WRONG_PROTOCOL,
                        tr(
                            "{endpoint} is a KRaft controller listener, not a broker listener "
                            "(it supports neither Metadata nor Produce)",
                            endpoint=where,
                        ),
                        tr(
                            "Point the client at the brokers' listeners "
                            "(listeners=PLAINTEXT://...), not at controller.listener.names."
                        ),
                    )
                else:
                    version = wire.broker_version_text(versions)
                    check.figures["broker_version"] = version
                    idempotent = wire.INIT_PRODUCER_ID_KEY in versions
                    transactions = all(k in versions for k in wire.TRANSACTION_KEYS)
                    check.figures["idempotent_producer_api"] = str(idempotent).lower()
                    check.figures["transactions_api"] = str(transactions).lower()
                    ctx.summary.facts.setdefault("idempotent_producer_api", idempotent)
                    ctx.summary.facts.setdefault("transactions_api", transactions)
                    check.note(
                        tr(
                            "Kafka broker; the supported API versions imply Kafka {version}",
                            version=version,
                        )
                    )
    yield check.result
    return version


def _sasl(ctx: ProbeContext, run: KafkaState, check: CheckRecorder) -> None:
    """SASL over a raw connection, so a refusal or a listener without SASL is named as such."""
    endpoint = ctx.target.endpoints[0]
    for candidate in ctx.target.endpoints:
        if str(candidate) == run.servers[0]:
            endpoint = candidate
    mechanism = ctx.target.sasl_mechanism or "PLAIN"
    user = ctx.target.username or ""
    started = time.monotonic()
    timeout_s = ctx.timeout()
    with preflight.open_socket(ctx, endpoint, timeout_s) as sock:
        outcome = wire.sasl_login(ctx, sock, mechanism, user, ctx.target.password or "", timeout_s)
    check.figures["login_ms"] = round((time.monotonic() - started) * 1000, 3)
    check.figures["mechanism"] = mechanism
    if outcome.ok:
        raw = mechanism == "PLAIN" or mechanism in wire.SCRAM_HASHES
        said = {"mechanism": mechanism, "user": user, "said": outcome.said}
        check.note(
            tr("SASL {mechanism} as {user}: {said}", **said)
            if raw
            else tr(
                "SASL {mechanism} as {user}: {said}; the login itself runs in {check}",
                check="kafka.bootstrap",
                **said,
            )
        )
    else:
        cls = outcome.failure_class or FailureClass.AUTH
        failed = {
            "mechanism": mechanism,
            "user": repr(user),
            "endpoint": str(endpoint),
            "said": outcome.said,
        }
        check.fail(
            cls,
            tr("SASL {mechanism} login as {user} refused at {endpoint}: {said}", **failed)
            if cls is FailureClass.AUTH
            else tr(
                "SASL {mechanism} login as {user} not possible at {endpoint}: {said}", **failed
            ),
            outcome.hint,
        )


def _admin(ctx: ProbeContext, run: KafkaState, timeout_s: float, suffix: str = "") -> Any:
    config = wire.client_config(ctx, run.servers, timeout_s, f"broker-advisor-probe-{ctx.run_id}")
    config["client_id"] += suffix
    return wire.build_client(KafkaAdminClient, config)


def _bootstrap(ctx: ProbeContext, run: KafkaState, check: CheckRecorder) -> None:
    sasl = wire.security_protocol(ctx).startswith("SASL")
    timeout_s = ctx.timeout()
    client_id = f"broker-advisor-probe-{ctx.run_id}"
    started = time.monotonic()
    with wire.client_log(client_id) as log:
        try:
            run.admin = _admin(ctx, run, timeout_s)
        except kerr.KafkaTimeoutError:
            failure = wire.bootstrap_failure(
                log.lines, ", ".join(run.servers), timeout_s, sasl=sasl
            )
            check.fail(failure.failure_class, failure.details, failure.hint)
    check.figures["bootstrap_ms"] = round((time.monotonic() - started) * 1000, 3)
    if run.admin is not None:
        data = getattr(getattr(run.admin, "_manager", None), "broker_version_data", None)
        check.figures["client_api_version"] = str(getattr(data, "broker_version_str", "?"))
        check.figures["security_protocol"] = wire.security_protocol(ctx)
        if sasl:
            check.note(
                tr(
                    "logged in with SASL {mechanism} as {user}",
                    mechanism=ctx.target.sasl_mechanism or "PLAIN",
                    user=ctx.target.username,
                )
            )
        check.note(tr("kafka-python bootstrapped from {servers}", servers=", ".join(run.servers)))


def _metadata_brokers(run: KafkaState) -> list[tuple[int, str, int, str | None]]:
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


def _advertised(ctx: ProbeContext, run: KafkaState, check: CheckRecorder) -> None:
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
            named = tr("broker {node} at {where}", node=node_id, where=where)
            failure = classify_os_error(error, named) or Failure(
                FailureClass.OTHER, f"{named}: {describe(error)}"
            )
            bad.append((f"{node_id}@{where}", failure))
            check.figures[f"broker_{node_id}"] = f"{where} {failure.failure_class.value}"
            continue
        ms = round((time.monotonic() - started) * 1000, 1)
        check.figures[f"broker_{node_id}"] = f"{where} ok {ms} ms"
    if bad:
        details = tr("; ").join(f.details for _, f in bad)
        check.fail(
            bad[0][1].failure_class,
            tr(
                "{bad} of {count} advertised broker address(es) unreachable from "
                "this client: {details}",
                bad=len(bad),
                count=len(brokers),
                details=details,
            ),
            tr(
                "Bootstrap worked, but clients then dial the addresses the brokers advertise: "
                "set advertised.listeners to a host name/IP and port this client can reach "
                "(not localhost or a container name), e.g. a listener per network "
                "(INTERNAL for brokers, EXTERNAL for clients)."
            ),
        )
    else:
        check.note(
            tr("all {count} advertised address(es) accept TCP connections", count=len(brokers))
        )


def _cluster(ctx: ProbeContext, run: KafkaState, check: CheckRecorder) -> None:
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
        summary.mode = N_("unknown (no DescribeQuorum)")
        check.warn(
            tr(
                "the metadata quorum could not be described ({error}); metadata "
                "reports controller_id {controller}: in KRaft that is a random "
                "broker, not the active controller (in ZooKeeper mode it is the controller)",
                error=describe(error),
                controller=metadata_controller,
            ),
            tr("Use kafka-metadata-quorum.sh describe --status to see the active controller."),
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
            tr(
                "KRaft: active controller {leader} (DescribeQuorum leader) of "
                "{voters} voter(s); metadata's controller_id "
                "{controller} is a random broker in KRaft, not the controller.",
                leader=leader,
                voters=len(voters),
                controller=metadata_controller,
            )
        )
        if leader < 0:
            check.fail(
                FailureClass.DEGRADED,
                tr("the metadata quorum has no leader"),
                tr("A majority of the controller voters is down: metadata changes are blocked."),
            )
        if lagging:
            check.warn(
                tr(
                    "Controller voter(s) {voters} lag behind the quorum high watermark.",
                    voters=lagging,
                )
            )
        if len(voters) % 2 == 0:
            check.warn(
                tr(
                    "{count} controller voters: an even quorum tolerates no more "
                    "failures than one voter fewer",
                    count=len(voters),
                ),
                tr("Run an odd number of controllers (3 or 5)."),
            )
    summary.replication = (
        tr("{live} live broker(s), {fenced} fenced", live=len(live), fenced=len(fenced))
        if fenced
        else tr("{live} live broker(s)", live=len(live))
    )
    if fenced:
        check.warn(
            tr(
                "Broker(s) {brokers} are fenced (down or not caught up).",
                brokers=[b["broker_id"] for b in fenced],
            )
        )


def _describe_configs(
    run: KafkaState, kind: ConfigResourceType, name: str, keys: tuple[str, ...]
) -> dict[str, Any]:
    resource = ConfigResource(kind, name, list(keys))
    # config_filter="all": the default, "modified", hides every value left at its default.
    found = run.admin.describe_configs([resource], config_filter="all")
    section = found.get(kind.name.lower(), {})
    result: dict[str, Any] = section.get(name, {})
    return result


def _broker_config(ctx: ProbeContext, run: KafkaState, check: CheckRecorder) -> None:
    broker_ids = run.live_brokers or [b[0] for b in _metadata_brokers(run)]
    per_broker: dict[int, dict[str, str | None]] = {}
    for broker_id in broker_ids:
        ctx.checkpoint()
        configs = _describe_configs(run, ConfigResourceType.BROKER, str(broker_id), BROKER_CONFIGS)
        per_broker[broker_id] = {k: wire.config_value(configs.get(k)) for k in BROKER_CONFIGS}
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
    min_isr = wire.as_int(first.get("min.insync.replicas"))
    default_rf = wire.as_int(first.get("default.replication.factor"))
    max_bytes = wire.as_int(first.get("message.max.bytes"))
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
        transaction_state_replication_factor=wire.as_int(
            first.get("transaction.state.log.replication.factor")
        ),
        transaction_state_min_isr=wire.as_int(first.get("transaction.state.log.min.isr")),
    )
    if max_bytes is not None:
        ctx.summary.max_message_bytes = max_bytes
    if retention_ms is not None:
        check.figures["effective_retention_ms"] = retention_ms
    ctx.summary.persistence = tr(
        "log segments on disk, replicated; fsync left to the OS (flush.ms unset) "
        "with min.insync.replicas={min_isr}",
        min_isr=min_isr,
    )
    check.note(
        tr(
            "from broker {broker} with defaults included (config_filter=all)",
            broker=broker_ids[0],
        )
    )
    if differing:
        check.warn(
            tr("brokers disagree on {settings}", settings=", ".join(differing)),
            tr("Keep broker configs identical, or set these per topic."),
        )
    if unclean:
        check.warn(
            tr(
                "unclean.leader.election.enable=true: an out-of-sync replica may become leader "
                "and acknowledged messages can be lost"
            ),
            tr("Set unclean.leader.election.enable=false."),
        )


def _effective_retention_ms(configs: dict[str, str | None]) -> int | None:
    """log.retention.ms, else .minutes, else .hours (the broker's precedence); -1: forever."""
    for key, factor in (
        ("log.retention.ms", 1),
        ("log.retention.minutes", 60_000),
        ("log.retention.hours", 3_600_000),
    ):
        value = wire.as_int(configs.get(key))
        if value is not None:
            return -1 if value < 0 else value * factor
    return None


def _replication(ctx: ProbeContext, run: KafkaState, check: CheckRecorder) -> None:
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
            tr(
                "{count} under-replicated partition(s) (ISR smaller than the replica set), "
                "e.g. {examples}",
                count=len(under),
                examples=", ".join(under[:5]),
            )
            + (
                tr(
                    "; replicas assigned to broker(s) {brokers} that are not live",
                    brokers=sorted(missing_replicas),
                )
                if missing_replicas
                else ""
            ),
            tr(
                "A broker is down or lagging: restart it or check its disk and network; "
                "a further failure may make these partitions unavailable."
            ),
        )
    if under_min:
        check.fail(
            FailureClass.DEGRADED,
            tr(
                "{count} partition(s) have fewer in-sync replicas than "
                "min.insync.replicas, e.g. {examples}: acks=all writes to them "
                "fail with NotEnoughReplicas",
                count=len(under_min),
                examples=", ".join(under_min[:5]),
            ),
            tr("Bring the missing brokers back before producing with acks=all."),
        )
    if offline:
        check.fail(
            FailureClass.DEGRADED,
            tr(
                "{count} offline partition(s) (leader -1), e.g. {examples}",
                count=len(offline),
                examples=", ".join(offline[:5]),
            ),
            tr("No replica of these partitions is available: bring their brokers back."),
        )
    if not (under or offline):
        check.note(
            tr(
                "all {partitions} partition(s) of {topics} topic(s) fully in sync",
                partitions=partitions,
                topics=len(topics),
            )
        )


def _topic_min_isr(run: KafkaState, topic: str) -> int:
    configs = _describe_configs(run, ConfigResourceType.TOPIC, topic, ("min.insync.replicas",))
    value = wire.as_int(wire.config_value(configs.get("min.insync.replicas")))
    return value if value is not None else (run.broker_min_isr or 1)


def _sweep_leftovers(ctx: ProbeContext, run: KafkaState, check: CheckRecorder) -> None:
    """Delete probe topics and groups that killed runs left behind (Redis keys and RabbitMQ
    queues expire on their own; Kafka topics do not)."""
    try:
        names = list(run.admin.list_topics())
        run.offsets_topic_existed = OFFSETS_TOPIC in names
        topics = wire.stale_probe_names(names, time.time())
        if topics:
            run.admin.delete_topics(topics, timeout_ms=wire.ms(ctx.timeout()))
            with contextlib.suppress(Exception):  # a group that never formed is no error
                run.admin.delete_groups(topics)
    except Exception as error:  # leftovers of other runs never fail this one
        check.warn(
            tr(
                "could not remove the topics of earlier, killed probe runs: {error}",
                error=describe(error),
            ),
            tr("Delete topics named broker-advisor.probe.* by hand (kafka-topics.sh --delete)."),
        )
        return
    check.figures["leftovers_removed"] = len(topics)
    if topics:
        check.note(
            tr("removed {count} topic(s) left by earlier, killed probe runs", count=len(topics))
        )


def _create_topic(ctx: ProbeContext, run: KafkaState, check: CheckRecorder) -> None:
    _sweep_leftovers(ctx, run, check)
    live = len(run.live_brokers) or len(_metadata_brokers(run))
    run.replication = max(1, min(MAX_REPLICATION, live))
    run.min_isr = min(2, run.replication)
    configs = {"retention.ms": "600000"}  # a leftover (cleanup failed) expires on its own
    if run.replication > 1:
        configs["min.insync.replicas"] = str(run.min_isr)
    timeout_s = ctx.timeout()
    started = time.monotonic()
    ctx.resources.add(TempResource(Broker.KAFKA, "topic", run.topic))
    run.admin.create_topics(
        {
            run.topic: {
                "num_partitions": PARTITIONS,
                "replication_factor": run.replication,
                "configs": configs,
            }
        },
        timeout_ms=wire.ms(timeout_s),
    )
    check.figures["create_ms"] = round((time.monotonic() - started) * 1000, 3)
    run.admin.wait_for_topics([run.topic], timeout_ms=wire.ms(ctx.timeout()))
    check.figures.update(
        topic=run.topic,
        partitions=PARTITIONS,
        replication_factor=run.replication,
        min_insync_replicas=run.min_isr if run.replication > 1 else "-",
        ready_ms=round((time.monotonic() - started) * 1000, 3),
    )
    created = {"topic": run.topic, "partitions": PARTITIONS, "replication": run.replication}
    check.note(
        tr(
            "created {topic} with {partitions} partitions, replication factor {replication}, "
            "min.insync.replicas {min_isr}",
            min_isr=run.min_isr,
            **created,
        )
        if run.replication > 1
        else tr(
            "created {topic} with {partitions} partitions, replication factor {replication}",
            **created,
        )
    )
    if run.replication < MAX_REPLICATION:
        check.warn(
            tr(
                "only {live} live broker(s): replication factor {replication}",
                live=live,
                replication=run.replication,
            ),
            tr("Run at least 3 brokers so topics can have replication factor 3."),
        )


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


def _produce(ctx: ProbeContext, run: KafkaState, check: CheckRecorder) -> None:
    run.keys = keys_for_partitions(PARTITIONS, KEYS_PER_PARTITION)
    timeout_s = ctx.timeout()
    config = wire.client_config(ctx, run.servers, timeout_s, f"broker-advisor-probe-{ctx.run_id}-p")
    config.update(
        acks="all",
        enable_idempotence=True,
        max_block_ms=wire.ms(timeout_s),
        delivery_timeout_ms=wire.ms(timeout_s) + 50,
        linger_ms=0,
        # A client that refreshes metadata after cleanup must not re-create the topic.
        allow_auto_create_topics=False,
    )
    producer = wire.build_client(KafkaProducer, config)
    try:
        samples: list[float] = []
        wrong_partition: list[str] = []
        keys = list(run.keys)
        for i in range(PRODUCE_COUNT):
            ctx.checkpoint()
            key = keys[i % len(keys)]
            sequence = i // len(keys)
            started = time.perf_counter()
            future = producer.send(run.topic, value=f"{key}:{sequence}".encode(), key=key.encode())
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
                tr("the broker granted no producer id: idempotence is not in effect"),
                tr("Check the broker version (0.11+) and IdempotentWrite ACLs on the cluster."),
            )
        check.note(
            tr(
                "{count} keyed messages, one at a time, acks=all, idempotent, through "
                "kafka-python from this machine: this client's latency, not the broker's "
                "capacity",
                count=run.produced,
            )
        )
        if wrong_partition:
            check.warn(
                tr("keys landed off their murmur2 partition: {keys}", keys=wrong_partition[:5])
            )
    finally:
        wire.close_producer(producer, min(ctx.cleanup_timeout(), 1.0))


def _producer_id(producer: Any) -> int | None:
    """The producer id the broker granted (idempotence in effect), or None."""
    manager = getattr(producer, "_transaction_manager", None)
    ids = getattr(manager, "producer_id_and_epoch", None)
    value = getattr(ids, "producer_id", -1)
    return int(value) if isinstance(value, int) and value >= 0 else None


def _consume(ctx: ProbeContext, run: KafkaState, check: CheckRecorder) -> None:
    timeout_s = ctx.timeout()
    config = wire.client_config(ctx, run.servers, timeout_s, f"broker-advisor-probe-{ctx.run_id}-c")
    config.update(
        group_id=run.group,
        auto_offset_reset="earliest",
        enable_auto_commit=False,
        # The broker's lowest allowed session timeout (group.min.session.timeout.ms).
        session_timeout_ms=6000,
        heartbeat_interval_ms=1000,
        max_poll_interval_ms=6000,
        fetch_max_wait_ms=min(100, wire.ms(timeout_s) // 2),
        allow_auto_create_topics=False,
    )
    ctx.resources.add(TempResource(Broker.KAFKA, "consumer group", run.group))
    consumer = wire.build_client(KafkaConsumer, config)
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
            wait_ms = wire.ms(min(0.5, max(0.05, deadline - time.monotonic())))
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
            consumer.commit(timeout_ms=wire.ms(ctx.timeout()))
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
                tr(
                    "consumed {total} of {produced} messages in group {group} within {seconds} s",
                    total=total,
                    produced=run.produced,
                    group=run.group,
                    seconds=f"{deadline - started:.1f}",
                )
                + (tr(" while Kafka created {topic}", topic=OFFSETS_TOPIC) if first_group else ""),
                tr(
                    "A fresh cluster creates its offsets topic for the first consumer group; "
                    "probe again in a few seconds, or with a larger --timeout."
                )
                if first_group
                else tr(
                    "The group coordinator may be slow to form the group "
                    "(group.initial.rebalance.delay.ms) or a partition leader is unavailable."
                ),
            )
        if out_of_order or split_keys or offset_gaps:
            check.fail(
                FailureClass.OTHER,
                tr(
                    "order broken: keys out of order {keys}, keys on several "
                    "partitions {split}, partitions out of offset order {gaps}",
                    keys=out_of_order[:5],
                    split=split_keys[:5],
                    gaps=offset_gaps[:5],
                ),
            )
        if duplicates:
            check.warn(
                tr("duplicates for keys {keys} (at-least-once redelivery)", keys=duplicates[:5])
            )
        if check.ok:
            check.note(
                tr(
                    "{total} messages over {partitions} partitions in group {group}; "
                    "each key stayed on one partition with its sequence numbers in order",
                    total=total,
                    partitions=len(offsets),
                    group=run.group,
                )
            )
            if first_group:
                check.note(
                    tr(
                        "the cluster's first consumer group: Kafka created {topic} "
                        "during this check, which slows it down this once",
                        topic=OFFSETS_TOPIC,
                    )
                )
    finally:
        with contextlib.suppress(Exception):
            consumer.close(autocommit=False, timeout_ms=wire.ms(min(ctx.cleanup_timeout(), 1.0)))


def _topic_config(ctx: ProbeContext, run: KafkaState, check: CheckRecorder) -> None:
    ctx.checkpoint()
    configs = _describe_configs(run, ConfigResourceType.TOPIC, run.topic, TOPIC_CONFIGS)
    values = {key: wire.config_value(configs.get(key)) for key in TOPIC_CONFIGS}
    for key, value in values.items():
        check.figures[key] = value if value is not None else "-"
        source = configs.get(key, {}).get("config_source") if key in configs else None
        if source is not None:
            check.figures[f"{key}.source"] = str(source)
    max_bytes = wire.as_int(values.get("max.message.bytes"))
    facts = ctx.summary.facts
    facts.update(
        topic_min_insync_replicas=wire.as_int(values.get("min.insync.replicas")),
        topic_max_message_bytes=max_bytes,
    )
    check.note(
        tr(
            "the probe topic's own settings (min.insync.replicas and retention.ms set by the "
            "probe); others inherit the broker defaults"
        )
    )


def _fresh_admin(
    ctx: ProbeContext, run: KafkaState, admins: list[Any], left: Callable[[], float]
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

    wire.bounded(connect, left())
    with lock:
        cleaner = holder.get("admin")
        holder["late"] = True
    if cleaner is not None:
        admins.append(cleaner)
    return cleaner


def _delete_topic(
    ctx: ProbeContext, run: KafkaState, admins: list[Any], left: Callable[[], float]
) -> str | None:
    """Delete the probe topic and see it stay deleted; None when it is gone, else why not."""
    ends = time.monotonic() + left()
    problem = tr(_NO_ADMIN)
    client_failed = False
    for _attempt in range(3):
        reuse = admins and not client_failed
        cleaner = admins[-1] if reuse else _fresh_admin(ctx, run, admins, left)
        if cleaner is None:
            return problem

        def delete(admin: Any = cleaner) -> None:
            admin.delete_topics([run.topic], timeout_ms=wire.ms(left()))

        error = wire.bounded(delete, left())
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

            error = wire.bounded(look, left())
            present = box.get("present", error)
            if present is False:
                ctx.resources.discard(TempResource(Broker.KAFKA, "topic", run.topic))
                return None
        problem = (
            tr("it was back after deletion (something re-created it)")
            if present is True
            else tr("could not list topics to confirm the deletion: {error}", error=present)
        )
        if time.monotonic() >= ends:
            break
    return problem


def _delete_group(admin: Any, group: str) -> None:
    """Delete the probe's consumer group; a group that never formed is not an error."""
    result = admin.delete_groups([group])
    outcome = str(result.get(group, "OK")) if isinstance(result, dict) else "OK"
    if outcome not in ("OK", "GroupIdNotFoundError"):
        raise RuntimeError(tr("the broker answered {outcome}", outcome=outcome))


def delete_topic_and_group(
    ctx: ProbeContext,
    run: KafkaState,
    pending: Sequence[TempResource],
    admins: list[Any],
    left: Callable[[], float],
) -> None:
    """Kafka's delete function: the temporary topic (seen to stay deleted), then the group."""
    for resource in pending:
        if resource.kind == "topic":
            error = _delete_topic(ctx, run, admins, left)
            if error is not None:
                ctx.cleanup_problem(
                    tr("could not delete topic {name}: {error}", name=resource.name, error=error)
                )
            continue
        cleaner = admins[-1] if admins else _fresh_admin(ctx, run, admins, left)
        failed: BaseException | str | None = tr(_NO_ADMIN)
        if cleaner is not None:

            def delete(admin: Any = cleaner, name: str = resource.name) -> None:
                _delete_group(admin, name)

            failed = wire.bounded(delete, left())
        if failed is None:
            ctx.resources.discard(resource)
        else:
            text = failed if isinstance(failed, str) else describe(failed)
            ctx.cleanup_problem(
                tr("could not delete group {name}: {error}", name=resource.name, error=text)
            )


def _cleanup(ctx: ProbeContext, run: KafkaState) -> None:
    """Delete what the run registered, then close the admin clients.

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
        resources.delete_all(
            ctx, lambda pending: delete_topic_and_group(ctx, run, pending, admins, left)
        )
    finally:
        for admin in admins:
            wire.bounded(admin.close, max(0.05, min(1.0, ends - time.monotonic())))


_TOPIC_UNMET = N_("the temporary topic could not be created")
_NO_ADMIN = N_("no admin client could connect")
_NOT_KAFKA = N_("Check the port: this is another service, not a Kafka broker listener.")

PLAN: Plan[KafkaState] = Plan(
    broker=Broker.KAFKA,
    state=KafkaState.start,
    checks=(
        Group(
            "kafka.addresses",
            _addresses,
            unmet=N_("no bootstrap address answered as a Kafka broker"),
        ),
        Check(
            "kafka.auth",
            _sasl_title,
            Stage.AUTHENTICATE,
            _sasl,
            needs=("kafka.addresses",),
            when=_sasl_only,
            where=_first_server,
            unmet=_sasl_unmet,
        ),
        Check(
            "kafka.bootstrap",
            N_("Bootstrap and log in (kafka-python admin)"),
            _bootstrap_stage,
            _bootstrap,
            needs=("kafka.auth",),
            unmet=N_("the client could not bootstrap"),
        ),
        Check(
            "kafka.advertised",
            N_("Advertised broker addresses reachable"),
            Stage.CONNECT,
            _advertised,
            needs=("kafka.bootstrap",),
            unmet=N_("clients cannot reach every broker at its advertised address"),
        ),
        Check(
            "kafka.cluster",
            N_("Cluster, brokers and active controller"),
            Stage.INSPECT,
            _cluster,
            needs=("kafka.advertised",),
        ),
        Check(
            "kafka.config",
            N_("Effective broker configuration"),
            Stage.INSPECT,
            _broker_config,
            needs=("kafka.advertised",),
        ),
        Check(
            "kafka.topic",
            N_("Create a temporary topic"),
            Stage.BEHAVE,
            _create_topic,
            needs=("kafka.advertised",),
            unmet=_TOPIC_UNMET,
        ),
        Check(
            "kafka.produce_latency",
            N_("Produce with acks=all (idempotent)"),
            Stage.BEHAVE,
            _produce,
            needs=("kafka.topic",),
        ),
        Check(
            "kafka.consume_order",
            N_("Consume in a group, per-key order"),
            Stage.BEHAVE,
            _consume,
            needs=("kafka.topic",),
            when=_something_produced,
        ),
        # After produce/consume, so the probe topic and __consumer_offsets are included.
        Check(
            "kafka.replication",
            N_("Partition leaders, replicas and ISR"),
            Stage.INSPECT,
            _replication,
            needs=("kafka.advertised",),
        ),
        Check(
            "kafka.topic_config",
            N_("Effective topic configuration"),
            Stage.INSPECT,
            _topic_config,
            needs=("kafka.topic",),
        ),
    ),
    cleanup=_cleanup,
    classify=wire.classify,
)
