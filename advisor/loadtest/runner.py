"""Run a load test against one broker: set up, spawn the load, measure the phases, clean up.

Interface::

    gen = run_loadtest(target, workload, duration_s=10, rate=None, cancel=event)
    for event in gen: ...                 # LoadEvent: started, phase, tick (twice a second), ...
    result = <StopIteration.value>        # LoadTestResult; or: result = loadtest(target, ...)

How it runs: a Sentinel target (redis+sentinel://) is asked for its master first, and the
load goes there. The broker is reached (and, for Redis, found writable) before anything is
created; a target that cannot be used raises LoadTestTargetError. Then the broker's driver
(`advisor.loadtest.drivers`) creates the run's temporary resources, all named
`broker-advisor.loadtest.<run-id>` (the run id carries its deadline, as the probe's do; Redis
streams and RabbitMQ queues also expire on their own). Consumer and producer
processes are spawned (the GIL would make one process the bottleneck); the producers follow an
open-loop schedule at a constant rate per phase, stamping each message with its intended send
time, and the consumers record end-to-end latency from that time in HDR histograms and note
which messages they got. Phases: a short warm-up, then the workload's average and peak rates,
then a ramp (doubling the rate each step) until the broker, or the load generator, stops keeping
up. Whatever happens (an error, Ctrl-C through `cancel`, a stalled broker, the budget spent),
the workers are stopped and the resources removed before the result is returned; the result
lists anything left behind.

Bounded: every phase ends at its time whatever the broker does (a producer blocked on a stalled
broker gives up after the client timeout), the whole run at its budget; a phase stops early when
the backlog passes MAX_BACKLOG_BYTES (the broker is shared: the test must not fill its memory).
"""

from __future__ import annotations

import contextlib
import ipaddress
import math
import multiprocessing
import os
import platform
import queue
import signal
import socket
import threading
import time
from collections.abc import Callable, Generator
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from importlib import metadata
from typing import Any, cast

from advisor import i18n
from advisor.i18n import N_, tr
from advisor.loadtest import drivers as drivers_pkg
from advisor.loadtest import latency, plan, schedule, worker
from advisor.loadtest.drivers.base import Connection, DriverSpec, Layout, bounded, describe
from advisor.loadtest.models import (
    Cleanup,
    Environment,
    LatencyMs,
    Limiter,
    LoadEvent,
    LoadPlan,
    LoadTestResult,
    OrderingResult,
    PhaseKind,
    PhaseResult,
    Saturation,
)
from advisor.probe import classify, preflight
from advisor.probe import runner as probe_runner
from advisor.probe.models import ProbeTarget
from advisor.recommendation import Recommendation
from advisor.workload import Broker, Ordering, Workload

NAME_PREFIX = "broker-advisor.loadtest."
READY_TIMEOUT_S = 20.0
WARMUP_WAIT_S = 5.0
EVENT_EVERY_S = 0.5
MAX_BACKLOG_BYTES = 256 * 1024 * 1024
MIN_BACKLOG_CAP = 10_000
SUSTAIN_SHARE = 0.95
GENERATOR_BUSY = 0.85  # a worker process using this much of a core is the limit
MACHINE_BUSY = 0.95
MAX_CENSORED_EXACT = 2_000_000
STOP_JOIN_S = 4.0
# Memory stays bounded: the consumers keep a bit per message, the runner a few per phase.
MAX_MESSAGES_PER_RUN = 20_000_000


class LoadTestRefusedError(ValueError):
    """The load test will not run: a non-loopback target without consent, or bad settings."""


class LoadTestTargetError(LoadTestRefusedError):
    """The target could not be used before anything was created on it: no answer, a refused
    login, a Sentinel that knows no such master, a Redis that is a read-only replica."""


class _CancelledError(Exception):
    pass


class _OutOfBudgetError(Exception):
    pass


class _WorkerFailedError(Exception):
    """A worker process reported an error or died (the error is in Run.errors already)."""


def is_loopback(host: str) -> bool:
    """Whether a host name or address is this machine's loopback (every address it resolves to)."""
    name = host.strip("[]").lower()
    if name in ("localhost", "localhost.localdomain", "ip6-localhost"):
        return True
    try:
        return ipaddress.ip_address(name).is_loopback
    except ValueError:
        pass
    try:
        infos = socket.getaddrinfo(name, None)
    except OSError:
        return False
    addresses = {str(info[4][0]) for info in infos}
    return bool(addresses) and all(ipaddress.ip_address(a).is_loopback for a in addresses)


def refuse_remote(hosts: list[str], what: str) -> None:
    """Raise LoadTestRefusedError naming the first host that is not loopback."""
    remote = [h for h in hosts if h and not is_loopback(h)]
    if remote:
        raise LoadTestRefusedError(
            tr(
                "{what} {host} is not this machine's loopback: a load test sends real load to "
                "it; pass {option} (or confirm in the app) to run it anyway",
                what=tr(what),
                host=remote[0],
                option="--yes",
            )
        )


def connection_for(
    target: ProbeTarget, timeout_s: float = 2.0, master: tuple[str, int] | None = None
) -> Connection:
    """The worker processes' view of a target (credentials included, never printed); for a
    Sentinel target, `master` is the address the Sentinels gave (`discover_master`)."""
    if "sentinel" in target.scheme and master is None:
        raise LoadTestRefusedError(
            tr(
                "{target}: ask the Sentinels for the master first ({function})",
                target=target.display_url,
                function="discover_master",
            )
        )
    hosts = (master,) if master else tuple((e.host, e.port) for e in target.endpoints)
    return Connection(
        broker=target.broker.value,
        hosts=hosts,
        tls=target.tls,
        username=target.username,
        password=target.password,
        database=target.database or 0,
        vhost=target.vhost or "/",
        sasl_mechanism=target.sasl_mechanism,
        ca_file=target.ssl_ca_certs or target.options.get("ssl_ca_certs"),
        cert_file=target.ssl_certfile or target.options.get("ssl_certfile"),
        key_file=target.ssl_keyfile or target.options.get("ssl_keyfile"),
        management_url=target.management_url,
        timeout_s=timeout_s,
    )


def _text(value: Any) -> str:
    return value.decode() if isinstance(value, bytes) else str(value)


def discover_master(target: ProbeTarget, timeout_s: float = 2.0) -> tuple[str, int]:
    """Ask the target's Sentinels, in turn, where its master is: (host, port).

    Raises LoadTestTargetError when no Sentinel answers, or when those that answer know no
    master of that name (naming the ones they monitor). Each call has its own timeout.
    """
    import redis
    from redis.backoff import NoBackoff
    from redis.retry import Retry

    options: dict[str, Any] = {}
    if target.tls:
        options = {
            "ssl": True,
            "ssl_ca_certs": target.ssl_ca_certs,
            "ssl_certfile": target.ssl_certfile,
            "ssl_keyfile": target.ssl_keyfile,
        }
    wanted = target.sentinel_master
    problems: list[str] = []
    known: set[str] = set()
    for endpoint in target.endpoints:
        where = f"{endpoint.host}:{endpoint.port}"
        sentinel = redis.Redis(
            host=endpoint.host,
            port=endpoint.port,
            username=target.options.get("sentinel_username"),
            password=target.sentinel_password,
            socket_connect_timeout=timeout_s,
            socket_timeout=timeout_s,
            retry=Retry(NoBackoff(), 0),
            retry_on_error=[],
            protocol=2,
            **options,
        )
        try:
            masters = sentinel.execute_command("SENTINEL", "MASTERS")  # type: ignore[no-untyped-call]
            names = {
                _text(fields[i + 1])
                for fields in masters or []
                for i in range(0, len(fields) - 1, 2)
                if _text(fields[i]) == "name"
            }
            known |= names
            name = wanted if wanted is not None else (next(iter(names)) if len(names) == 1 else "")
            if not name:
                continue
            address = sentinel.execute_command(  # type: ignore[no-untyped-call]
                "SENTINEL", "GET-MASTER-ADDR-BY-NAME", name
            )
            if address:
                return _text(address[0]), int(_text(address[1]))
        except redis.ResponseError as error:
            text = describe(error)
            if "unknown command" in text.lower():
                text = tr(
                    "not a Sentinel (it does not know the {command} command)", command="SENTINEL"
                )
            problems.append(f"{where}: {text}")
        except (redis.RedisError, OSError, ValueError, IndexError) as error:
            problems.append(f"{where}: {describe(error)}")
        finally:
            with contextlib.suppress(Exception):
                sentinel.close()
    if known or not problems:
        shown = tr(", ").join(sorted(known)) or tr("none")
        if wanted is None:
            raise LoadTestTargetError(
                tr(
                    "{target}: name the master in the URL ({form}); the Sentinels monitor: {names}",
                    target=target.display_url,
                    form="redis+sentinel://host:port/NAME",
                    names=shown,
                )
            )
        raise LoadTestTargetError(
            tr(
                "{target}: the Sentinels know no master named {name} (they monitor: {names})",
                target=target.display_url,
                name=repr(wanted),
                names=shown,
            )
        )
    raise LoadTestTargetError(
        tr(
            "{target}: no Sentinel answered ({problems}); nothing was created",
            target=target.display_url,
            problems="; ".join(problems).rstrip("."),
        )
    )


def layout_for(load_plan: LoadPlan, run_id: str) -> Layout:
    d = load_plan.delivery
    return Layout(
        run_id=run_id,
        name=f"{NAME_PREFIX}{run_id}",
        consumption=load_plan.consumption.value,
        groups=load_plan.receivers,
        consumers_per_group=load_plan.consumers_per_receiver,
        producers=load_plan.producers,
        keyed=load_plan.keyed,
        partitions=load_plan.partitions or 1,
        confirms=d.publisher_confirms,
        persistent=d.persistent,
        consumer_acks=d.consumer_acks,
        acks=d.kafka_acks or "all",
        idempotent=bool(d.idempotent),
        replication_factor=d.replication_factor or 1,
        min_insync_replicas=d.min_insync_replicas or 1,
        queue_type=d.queue_type or "classic",
        prefetch=d.prefetch or 100,
        redis_mode=d.redis_mode or "stream",
        expires_s=int(load_plan.budget_s + 120),
    )


def client_text(broker: Broker) -> str:
    def version(package: str) -> str:
        try:
            return metadata.version(package)
        except metadata.PackageNotFoundError:
            return "?"

    if broker is Broker.REDIS:
        return f"redis-py {version('redis')} with hiredis {version('hiredis')}"
    if broker is Broker.RABBITMQ:
        return f"pika {version('pika')}"
    import confluent_kafka

    client, librdkafka = confluent_kafka.version()[0], confluent_kafka.libversion()[0]
    return f"confluent-kafka {client} (librdkafka {librdkafka})"


def _in_language(lang: i18n.Language, entry: Callable[..., None], *args: Any) -> None:
    """A worker process's entry point, wording its messages in `lang` (the parent's)."""
    i18n.set_language(lang)
    entry(*args)


def _cpu_times() -> tuple[float, float] | None:
    """(busy, total) jiffies of all cores, from /proc/stat (None elsewhere)."""
    try:
        with open("/proc/stat", encoding="ascii") as stat:
            fields = [float(x) for x in stat.readline().split()[1:]]
    except (OSError, ValueError):
        return None
    idle = fields[3] + (fields[4] if len(fields) > 4 else 0.0)
    total = sum(fields[:8])
    return total - idle, total


@dataclass
class _Worker:
    role: str
    index: int
    group: int = 0
    process: Any = None
    commands: Any = None
    ready: bool = False
    final: dict[str, Any] | None = None
    tick: dict[str, Any] = field(default_factory=dict)
    error: str = ""


@dataclass
class _Phase:
    id: int
    name: str
    kind: PhaseKind
    rate: float
    duration_s: float
    start_ns: int = 0
    start_wall: float = 0.0
    scheduled: int = 0
    hist: Any = field(default_factory=latency.new)
    lag: Any = field(default_factory=latency.new)
    ack: Any = field(default_factory=latency.new)
    received: dict[int, int] = field(default_factory=dict)  # group -> unique messages
    done: dict[int, dict[str, Any]] = field(default_factory=dict)  # producer -> phase_done
    last_receipt_ns: int = 0
    received_at_end: int = 0
    stopped_early: str = ""
    cpu_start: dict[tuple[str, int], tuple[float, float]] = field(default_factory=dict)
    cpu_end: dict[tuple[str, int], tuple[float, float]] = field(default_factory=dict)
    machine_start: tuple[float, float] | None = None
    machine_end: tuple[float, float] | None = None
    samples_from: float = 0.0
    samples_to: float = 0.0
    failures_at_start: int = 0
    censored: int = 0

    def received_min(self, groups: int) -> int:
        return min((self.received.get(g, 0) for g in range(groups)), default=0)

    @property
    def sent(self) -> int:
        return sum(int(d["sent"]) for d in self.done.values())


class _Monitor:
    """Samples what the broker reports (and trims) in a thread of its own: a stalled broker
    delays the samples, never the load."""

    def __init__(self, admin: Any, every_s: float = 0.5) -> None:
        self.admin = admin
        self.every_s = every_s
        self.samples: list[tuple[float, dict[str, Any]]] = []
        self.error = ""
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True, name="loadtest-monitor")

    def start(self) -> None:
        self._thread.start()

    def _run(self) -> None:
        last_trim = 0.0
        while not self._stop.wait(self.every_s):
            try:
                sample = self.admin.sample()
                if len(self.samples) < 5_000:
                    self.samples.append((time.monotonic(), sample))
                if time.monotonic() - last_trim >= 1.0:
                    last_trim = time.monotonic()
                    self.admin.housekeeping()
            except Exception as error:
                self.error = describe(error)

    def stop(self, timeout_s: float = 3.0) -> None:
        self._stop.set()
        if self._thread.is_alive():
            self._thread.join(timeout_s)

    def latest_backlog(self) -> int | None:
        for _when, sample in reversed(self.samples):
            value = sample.get("backlog_messages")
            if isinstance(value, int):
                return value
        return None

    def window(self, start: float, end: float) -> list[dict[str, Any]]:
        return [s for when, s in self.samples if start <= when <= end]


class _Run:
    """One load test from set-up to cleanup; `execute()` is the generator the caller drives."""

    def __init__(
        self,
        target: ProbeTarget,
        workload: Workload,
        load_plan: LoadPlan,
        cancel: threading.Event,
        allow_remote: bool,
        timeout_s: float,
        master: tuple[str, int] | None = None,
    ) -> None:
        self.target = target
        self.workload = workload
        self.plan = load_plan
        self.cancel = cancel
        self.allow_remote = allow_remote
        self.run_id = probe_runner.new_run_id(load_plan.budget_s)
        self.spec = DriverSpec(
            connection_for(target, timeout_s, master), layout_for(load_plan, self.run_id)
        )
        self.driver = drivers_pkg.load(target.broker.value)
        self.mix = plan.size_mix(load_plan)
        self.started = time.monotonic()
        self.started_at = datetime.now(UTC)
        self.deadline = self.started + load_plan.budget_s
        self.ctx = multiprocessing.get_context("spawn")
        self.reports: Any = self.ctx.Queue()
        self.mp_cancel: Any = self.ctx.Event()
        self.consumers_stop: Any = self.ctx.Event()
        self.stop_phase: Any = self.ctx.Event()
        self.producers: list[_Worker] = []
        self.consumers: list[_Worker] = []
        self.phases: dict[int, _Phase] = {}
        self.results: list[PhaseResult] = []
        self.saturation = Saturation(measured=False, message=tr("no ramp was run"))
        self.errors: list[str] = []
        self.notes: list[str] = []
        self.server: dict[str, str] = {}
        self.admin: Any = None
        self.monitor: _Monitor | None = None
        self.cleanup = Cleanup()
        self.cancelled = False
        self.give_up_ns = 0
        self.current: _Phase | None = None
        self._last_event = 0.0
        self._rate_mark: tuple[float, int, int] = (time.monotonic(), 0, 0)
        self.next_phase_id = 1
        self.created = False  # set up began: from then on the cleanup has work to do
        if master is not None:
            address = f"{master[0]}:{master[1]}"
            if target.sentinel_master:
                note = tr(
                    "the Sentinels named the master '{name}' at {address}; the load went there",
                    name=target.sentinel_master,
                    address=address,
                )
            else:
                note = tr(
                    "the Sentinels named the master at {address}; the load went there",
                    address=address,
                )
            self.notes.append(note)

    # --- events ---------------------------------------------------------------------------

    def elapsed(self) -> float:
        return time.monotonic() - self.started

    def event(self, kind: str, message: str = "", phase: _Phase | None = None) -> LoadEvent:
        phase = phase or self.current
        now = time.monotonic()
        sent = sum(int(p.tick.get("sent", 0)) for p in self.producers)
        received = self._received_total()
        mark_time, mark_sent, mark_received = self._rate_mark
        span = max(1e-3, now - mark_time)
        send_rate = (sent - mark_sent) / span
        receive_rate = (received - mark_received) / span
        if kind == "tick":
            self._rate_mark = (now, sent, received)
        p99 = 0.0
        if phase is not None and latency.count(phase.hist):
            p99 = round(phase.hist.get_value_at_percentile(99.0) / 1000, 3)
        return LoadEvent(
            kind=kind,
            phase=phase.name if phase is not None else "",
            target_rate_msg_per_s=phase.rate if phase is not None else 0.0,
            send_rate_msg_per_s=round(max(0.0, send_rate), 1),
            receive_rate_msg_per_s=round(max(0.0, receive_rate), 1),
            p99_ms=p99,
            sent=sent,
            received=received,
            elapsed_s=round(self.elapsed(), 2),
            budget_s=self.plan.budget_s,
            message=message,
        )

    def _received_total(self) -> int:
        groups = self.plan.receivers
        return sum(p.received_min(groups) for p in self.phases.values())

    # --- reports --------------------------------------------------------------------------

    def _worker(self, role: str, index: int) -> _Worker:
        return (self.producers if role == "producer" else self.consumers)[index]

    def pump(self, wait_s: float) -> None:
        """Handle the workers' reports that arrive within wait_s."""
        end = time.monotonic() + wait_s
        while True:
            try:
                item = self.reports.get(timeout=max(0.0, end - time.monotonic()))
            except queue.Empty:
                break
            self._handle(item)
            if time.monotonic() >= end:
                break
        for each in self.producers + self.consumers:
            process = each.process
            if (
                each.final is None
                and not each.error
                and process is not None
                and not process.is_alive()
                and process.exitcode not in (None, 0)
            ):
                each.error = tr(
                    "{role} {index} exited with code {code}",
                    role=each.role,
                    index=each.index,
                    code=process.exitcode,
                )
                self.errors.append(each.error)

    def _handle(self, item: tuple[Any, ...]) -> None:
        kind, role, index = item[0], item[1], int(item[2])
        who = self._worker(role, index)
        if kind == "ready":
            who.ready = True
        elif kind == "tick":
            data = cast(dict[str, Any], item[3])
            who.tick = data
            if role == "producer":
                phase = self.phases.get(int(data.get("phase", 0)))
                if phase is not None:
                    latency.merge_into(phase.lag, data["lag"])
                    latency.merge_into(phase.ack, data["ack"])
            else:
                group = int(data.get("group", 0))
                for phase_id, count in data["received"].items():
                    phase = self.phases.get(int(phase_id))
                    if phase is None or not count:
                        continue
                    phase.received[group] = phase.received.get(group, 0) + int(count)
                    last = int(data.get("last_ns", {}).get(phase_id, 0))
                    phase.last_receipt_ns = max(phase.last_receipt_ns, last)
                    encoded = data["hist"].get(phase_id)
                    if encoded:
                        latency.merge_into(phase.hist, encoded)
        elif kind == "phase_done":
            data = cast(dict[str, Any], item[3])
            phase = self.phases.get(int(data["phase"]))
            if phase is not None:
                phase.done[index] = data
        elif kind == "final":
            who.final = cast(dict[str, Any], item[3])
        elif kind == "error":
            who.error = str(item[3]).strip().splitlines()[0]
            self.errors.append(f"{role} {index}: {who.error}")

    def wait(
        self, until: Callable[[], bool], timeout_s: float, note: str = ""
    ) -> Generator[LoadEvent, None, bool]:
        """Pump reports until `until()` or the timeout; ticks every EVENT_EVERY_S."""
        end = time.monotonic() + timeout_s
        while True:
            if until():
                return True
            if self.cancel.is_set():
                raise _CancelledError
            if time.monotonic() > self.deadline:
                raise _OutOfBudgetError
            if time.monotonic() >= end:
                return False
            self.pump(0.05)
            if time.monotonic() - self._last_event >= EVENT_EVERY_S:
                self._last_event = time.monotonic()
                yield self.event("tick", note)
            if any(w.error for w in self.producers + self.consumers):
                raise _WorkerFailedError

    # --- the run --------------------------------------------------------------------------

    def execute(self) -> Generator[LoadEvent, None, LoadTestResult]:
        yield self.event(
            "started",
            tr("run {run}; budget {budget} s", run=self.run_id, budget=f"{self.plan.budget_s:g}"),
        )
        try:
            yield from self._drive()
        except _CancelledError:
            self.cancelled = True
            self.notes.append(tr("cancelled: the phases after the cancel did not run"))
        except _WorkerFailedError:
            pass
        except _OutOfBudgetError:
            self.errors.append(
                tr("the budget of {budget} s was spent", budget=f"{self.plan.budget_s:g}")
            )
        except LoadTestRefusedError:
            raise
        except Exception as error:
            self.errors.append(describe(error))
        finally:
            self._shutdown()
        yield self.event(
            "finished", tr("cleaned up") if not self.cleanup.leftovers else tr("leftovers")
        )
        return self._result()

    def _drive(self) -> Generator[LoadEvent, None, None]:
        yield from self._connect()
        spec = self.spec
        with contextlib.suppress(Exception):
            self.server = dict(bounded(self.admin.server_info, spec.connection.timeout_s * 3))
        yield self.event("note", tr("creating {name}", name=self.spec.layout.name))
        self.created = True
        self.cleanup.resources.append(self.spec.layout.name)
        bounded(self.admin.setup, spec.connection.timeout_s * 10)
        self.cleanup.swept = list(getattr(self.admin, "swept", []))
        self.monitor = _Monitor(self.admin)
        self.monitor.start()
        self._spawn()
        ready = yield from self.wait(
            lambda: all(w.ready for w in self.producers + self.consumers),
            READY_TIMEOUT_S,
            tr("starting the load generator"),
        )
        if not ready:
            waiting = [
                f"{w.role} {w.index}" for w in self.producers + self.consumers if not w.ready
            ]
            raise RuntimeError(
                tr(
                    "not ready after {seconds} s: {workers}",
                    seconds=f"{READY_TIMEOUT_S:g}",
                    workers=", ".join(waiting),
                )
            )
        warm_rate = max(10.0, min(self.plan.avg_rate_msg_per_s, 500.0))
        warm = yield from self._phase("warm-up", PhaseKind.FIXED, warm_rate, plan.WARMUP_S)
        arrived = yield from self.wait(
            lambda: warm.received_min(self.plan.receivers) > 0, WARMUP_WAIT_S, tr("warming up")
        )
        if not arrived:
            self.notes.append(
                tr(
                    "no warm-up message reached every receiver within {seconds} s",
                    seconds=f"{WARMUP_WAIT_S:g}",
                )
            )
        for planned in self.plan.phases:
            phase = yield from self._phase(
                planned.name, planned.kind, planned.rate_msg_per_s, planned.duration_s
            )
            self.results.append(self._phase_result(phase))
        if self.plan.ramp:
            yield from self._ramp()
        yield from self._finish()

    def _connect(self) -> Generator[LoadEvent, None, None]:
        """Reach the broker before anything is created; a target that cannot be used raises
        LoadTestTargetError (no answer, a refused login, a read-only replica)."""
        spec = self.spec
        timeout = spec.connection.timeout_s
        shown = ", ".join(f"{h}:{p}" for h, p in spec.connection.hosts)
        yield self.event("note", tr("connecting to {hosts}", hosts=shown))
        try:
            self.admin = bounded(lambda: self.driver.Admin(spec), timeout * 3)
            check = getattr(self.admin, "check", None)
            if check is not None:
                bounded(check, timeout * 3)
            hosts = list(bounded(self.admin.advertised_hosts, timeout * 3))
            count = getattr(self.admin, "node_count", None)
            nodes = int(bounded(count, timeout * 3)) if count is not None else None
        except LoadTestRefusedError:
            raise
        except Exception as error:
            text = describe(error).rstrip(".")
            hint = None
            if spec.connection.tls:
                # The client libraries say little about TLS ("transport failure"): a handshake
                # of our own names the reason (a client certificate wanted, an untrusted CA).
                hint = classify.client_cert_hint(
                    text, sent=bool(spec.connection.cert_file)
                ) or preflight.diagnose_tls(self.target, self.target.endpoints[0], timeout)
            raise LoadTestTargetError(
                tr(
                    "{target}: the broker at {hosts} could not be used: {error}; nothing was "
                    "created",
                    target=self.target.display_url,
                    hosts=shown,
                    error=text,
                )
                + (f". {hint}" if hint else "")
            ) from None
        if not self.allow_remote:
            refuse_remote(hosts, N_("the broker advertises"))
        if nodes is not None:
            self._cap_replication(nodes)

    def _cap_replication(self, nodes: int) -> None:
        layout = self.spec.layout
        if nodes < 1 or layout.replication_factor <= nodes:
            return
        self.notes.append(
            tr(
                "replication factor {factor} capped to the {nodes} broker(s)",
                factor=layout.replication_factor,
                nodes=nodes,
            )
        )
        new = replace(
            layout,
            replication_factor=nodes,
            min_insync_replicas=min(layout.min_insync_replicas, max(1, nodes - 1)),
        )
        self.spec = DriverSpec(self.spec.connection, new)
        # The admin was made with the layout asked for, before the cluster's size was known: it
        # creates the topic, so it must create it with the capped factor too.
        use_layout = getattr(self.admin, "use_layout", None)
        if use_layout is not None:
            use_layout(new)
        delivery = self.plan.delivery.model_copy(
            update={
                "replication_factor": new.replication_factor,
                "min_insync_replicas": new.min_insync_replicas,
            }
        )
        self.plan = self.plan.model_copy(update={"delivery": delivery})

    def _spawn(self) -> None:
        """Start consumer and producer processes (Ctrl-C blocked meanwhile: the children
        inherit the mask, then ignore SIGINT; the runner handles it). Each words its errors in
        the run's language (a spawned process starts in English)."""
        lang = i18n.language()
        check_order = self.plan.ordering is not Ordering.NONE
        masked = hasattr(signal, "pthread_sigmask")
        if masked:
            signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
        try:
            index = 0
            for group in range(self.plan.receivers):
                for member in range(self.plan.consumers_per_receiver):
                    each = _Worker("consumer", index, group)
                    each.process = self.ctx.Process(
                        target=_in_language,
                        args=(
                            lang,
                            worker.consumer_main,
                            self.spec,
                            index,
                            group,
                            member,
                            self.reports,
                            self.consumers_stop,
                            check_order,
                        ),
                        name=f"loadtest-consumer-{index}",
                        daemon=True,
                    )
                    self.consumers.append(each)
                    index += 1
            for index in range(self.plan.producers):
                each = _Worker("producer", index)
                each.commands = self.ctx.Queue()
                each.process = self.ctx.Process(
                    target=_in_language,
                    args=(
                        lang,
                        worker.producer_main,
                        self.spec,
                        index,
                        each.commands,
                        self.reports,
                        self.mp_cancel,
                        self.stop_phase,
                    ),
                    name=f"loadtest-producer-{index}",
                    daemon=True,
                )
                self.producers.append(each)
            for each in self.consumers + self.producers:
                each.process.start()
        finally:
            if masked:
                signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT})

    def _cpu_snapshot(self) -> dict[tuple[str, int], tuple[float, float]]:
        return {
            (w.role, w.index): (float(w.tick["cpu_s"]), float(w.tick["wall_s"]))
            for w in self.producers + self.consumers
            if "cpu_s" in w.tick
        }

    def _failures(self) -> int:
        return sum(int(p.tick.get("failures", 0)) for p in self.producers)

    def _backlog_cap(self) -> int:
        return max(MIN_BACKLOG_CAP, int(MAX_BACKLOG_BYTES / max(1.0, self.mix.mean_bytes)))

    def _in_flight(self) -> int:
        acked = sum(int(p.tick.get("acked", 0)) for p in self.producers)
        return max(0, acked - self._received_total())

    def _phase(
        self,
        name: str,
        kind: PhaseKind,
        rate: float,
        duration_s: float,
        drain_s: float = plan.DRAIN_S,
    ) -> Generator[LoadEvent, None, _Phase]:
        room = MAX_MESSAGES_PER_RUN - sum(p.scheduled for p in self.phases.values())
        if rate * duration_s > room:
            duration_s = max(0.1, room / rate)
            self.notes.append(
                tr(
                    "phase '{name}' shortened to {seconds} s: a run sends at most {count} messages",
                    name=name,
                    seconds=f"{duration_s:.1f}",
                    count=f"{MAX_MESSAGES_PER_RUN:,}",
                )
            )
        phase = _Phase(self.next_phase_id, name, kind, rate, duration_s)
        self.next_phase_id += 1
        if phase.id > 255:
            raise RuntimeError(tr("too many phases in one run"))
        self.phases[phase.id] = phase
        self.current = phase
        self.stop_phase.clear()
        self.pump(0.0)
        phase.start_ns = time.monotonic_ns() + 50_000_000
        phase.start_wall = time.monotonic() + 0.05
        grace_ns = int(max(0.2, 0.05 * duration_s) * schedule.NS_PER_S)
        end_ns = phase.start_ns + int(duration_s * schedule.NS_PER_S) + grace_ns
        shares = schedule.shares(rate, duration_s, phase.start_ns, self.plan.producers)
        phase.scheduled = sum(s.count for s in shares)
        phase.cpu_start = self._cpu_snapshot()
        phase.machine_start = _cpu_times()
        phase.samples_from = time.monotonic()
        phase.failures_at_start = self._failures()
        for producer, share in zip(self.producers, shares, strict=True):
            producer.commands.put(
                worker.phase_command(phase.id, share, end_ns, self.mix, self.plan.keyed)
            )
        yield self.event(
            "phase",
            tr(
                "{phase}: {rate} msg/s for {seconds} s",
                phase=plan.phase_title(name),
                rate=f"{rate:,.0f}",
                seconds=f"{duration_s:g}",
            ),
            phase,
        )
        cap = self._backlog_cap()

        def producers_done() -> bool:
            if len(phase.done) == len(self.producers):
                return True
            if not phase.stopped_early and self._in_flight() > cap:
                phase.stopped_early = tr(
                    "the backlog passed {count} messages (about {size} MB), so the phase "
                    "stopped to spare the broker's memory",
                    count=f"{cap:,}",
                    size=MAX_BACKLOG_BYTES // 1024 // 1024,
                )
                self.stop_phase.set()
            return False

        limit = duration_s + grace_ns / schedule.NS_PER_S + 10.0
        finished = yield from self.wait(producers_done, limit, name)
        if not finished:
            raise RuntimeError(tr("the producers did not finish phase '{name}' in time", name=name))
        phase.received_at_end = phase.received_min(self.plan.receivers)
        failures = self._failures() - phase.failures_at_start

        def drained() -> bool:
            return phase.received_min(self.plan.receivers) + failures >= phase.sent

        yield from self.wait(drained, drain_s, tr("{phase}: draining", phase=name))
        self.pump(0.3)  # the consumers' last ticks
        phase.cpu_end = self._cpu_snapshot()
        phase.machine_end = _cpu_times()
        phase.samples_to = time.monotonic()
        return phase

    def _ramp(self) -> Generator[LoadEvent, None, None]:
        peak = next((r for r in self.results if r.kind is PhaseKind.PEAK), None)
        average = next((r for r in self.results if r.kind is PhaseKind.AVERAGE), None)
        if peak is not None and not peak.sustained:
            below = average.target_rate_msg_per_s if average and average.sustained else None
            self.saturation = Saturation(
                measured=True,
                sustained_msg_per_s=below,
                unsustained_msg_per_s=peak.target_rate_msg_per_s,
                limited_by=peak.limited_by,
                figure=peak.limit_figure,
                message=tr(
                    "the peak rate itself was not sustained ({figure}); no ramp above it",
                    figure=peak.limit_figure or tr("see the peak phase"),
                ),
            )
            return
        start = (peak.target_rate_msg_per_s if peak else self.plan.peak_rate_msg_per_s) * 2
        ceiling = min(
            plan.RAMP_CEILING_MSG_PER_S,
            plan.RAMP_CEILING_BYTES_PER_S / max(1.0, self.mix.mean_bytes),
        )
        step_s = self.plan.ramp_step_s
        ramp_time = max(self.plan.phases[-1].duration_s, step_s)
        steps = max(1, int(ramp_time // step_s))
        rates = schedule.ramp_rates(start, ceiling, plan.RAMP_FACTOR)[:steps]
        sustained: PhaseResult | None = peak
        failed: PhaseResult | None = None
        taken: list[PhaseResult] = []
        for rate in rates:
            phase = yield from self._phase(
                f"ramp {rate:,.0f} msg/s", PhaseKind.RAMP, rate, step_s, drain_s=1.0
            )
            result = self._phase_result(phase)
            taken.append(result)
            if not result.sustained:
                failed = result
                break
            sustained = result
        top = sustained.target_rate_msg_per_s if sustained else None
        if failed is None:
            last = rates[-1] if rates else start
            self.saturation = Saturation(
                measured=True,
                sustained_msg_per_s=top,
                limited_by=Limiter.NONE,
                message=tr(
                    "not reached: every step up to {rate} msg/s was sustained (the ramp's time "
                    "or ceiling ended first)",
                    rate=f"{last:,.0f}",
                ),
                steps=taken,
            )
            return
        who = {
            Limiter.BROKER: N_("the broker"),
            Limiter.LOAD_GENERATOR: N_("the load generator on this machine"),
            Limiter.MACHINE: N_("this machine's CPUs (broker and load generator share them)"),
            Limiter.NONE: N_("nothing measured"),
        }[failed.limited_by]
        self.saturation = Saturation(
            measured=True,
            sustained_msg_per_s=top,
            unsustained_msg_per_s=failed.target_rate_msg_per_s,
            limited_by=failed.limited_by,
            figure=failed.limit_figure,
            message=tr(
                "saturates between {low} and {high} msg/s: {who} was the limit",
                low=f"{top or 0:,.0f}",
                high=f"{failed.target_rate_msg_per_s:,.0f}",
                who=tr(who),
            ),
            steps=taken,
        )

    def _finish(self) -> Generator[LoadEvent, None, None]:
        for producer in self.producers:
            producer.commands.put("stop")
        yield from self.wait(lambda: all(p.final for p in self.producers), 8.0, tr("flushing"))
        total_sent = sum(int((p.final or p.tick).get("sent", 0)) for p in self.producers)
        failures = sum(int((p.final or p.tick).get("failures", 0)) for p in self.producers)
        self.current = None
        yield from self.wait(
            lambda: self._received_total() + failures >= total_sent,
            plan.final_drain_s(self.workload),
            tr("waiting for the last messages"),
        )
        self.give_up_ns = time.monotonic_ns()
        self.consumers_stop.set()
        yield from self.wait(lambda: all(c.final for c in self.consumers), 8.0, tr("collecting"))

    # --- shutdown and cleanup --------------------------------------------------------------

    def _shutdown(self) -> None:
        if not self.give_up_ns:
            self.give_up_ns = time.monotonic_ns()
        self.mp_cancel.set()
        self.consumers_stop.set()
        self.stop_phase.set()
        end = time.monotonic() + STOP_JOIN_S
        workers = [
            w for w in self.producers + self.consumers if w.process is not None and w.process.pid
        ]
        while time.monotonic() < end and any(w.process.is_alive() for w in workers):
            self.pump(0.05)
        for each in workers:
            if each.process.is_alive():
                each.process.terminate()
        for each in workers:
            each.process.join(1.0)
            if each.process.is_alive():
                each.process.kill()
                each.process.join(1.0)
        self.pump(0.0)
        if self.monitor is not None:
            self.monitor.stop()
        if self.admin is not None and not self.created:
            with contextlib.suppress(Exception):
                bounded(self.admin.close, self.spec.connection.timeout_s)
        elif self.admin is not None:
            timeout = self.spec.connection.timeout_s
            try:
                self.cleanup.problems += list(bounded(self.admin.cleanup, timeout * 8))
            except Exception as error:
                self.cleanup.problems.append(tr("cleanup: {text}", text=describe(error)))
            try:
                self.cleanup.leftovers = list(bounded(self.admin.leftovers, timeout * 4))
                self.cleanup.leftovers_checked = True
            except Exception as error:
                self.cleanup.problems.append(
                    tr("could not list leftovers: {error}", error=describe(error))
                )
            with contextlib.suppress(Exception):
                bounded(self.admin.close, timeout)
            if self.cleanup.problems and self.target.broker is not Broker.KAFKA:
                self.notes.append(
                    tr(
                        "what cleanup could not remove expires on its own within {seconds} s "
                        "(a stream queue is capped in size instead)",
                        seconds=self.spec.layout.expires_s,
                    )
                )
        for channel in [self.reports] + [p.commands for p in self.producers]:
            with contextlib.suppress(Exception):
                channel.close()
                channel.cancel_join_thread()

    # --- results ---------------------------------------------------------------------------

    def _cpu_fraction(self, phase: _Phase, role: str) -> float:
        best = 0.0
        for key, (cpu_end, wall_end) in phase.cpu_end.items():
            if key[0] != role or key not in phase.cpu_start:
                continue
            cpu_start, wall_start = phase.cpu_start[key]
            span = wall_end - wall_start
            if span > 0.2:
                best = max(best, (cpu_end - cpu_start) / span)
        return round(min(1.0, best), 3)

    def _phase_result(self, phase: _Phase) -> PhaseResult:
        groups = self.plan.receivers
        received = phase.received_min(groups)
        deliveries = sum(phase.received.values())
        sent = phase.sent
        ended = max((int(d["ended_ns"]) for d in phase.done.values()), default=phase.start_ns)
        send_span = max(phase.duration_s, (ended - phase.start_ns) / schedule.NS_PER_S)
        recv_span = max(
            phase.duration_s, (phase.last_receipt_ns - phase.start_ns) / schedule.NS_PER_S
        )
        machine = None
        if phase.machine_start and phase.machine_end:
            busy = phase.machine_end[0] - phase.machine_start[0]
            total = phase.machine_end[1] - phase.machine_start[1]
            machine = round(busy / total, 3) if total > 0 else None
        backlogs = [
            int(s["backlog_messages"])
            for s in (
                self.monitor.window(phase.samples_from, phase.samples_to) if self.monitor else []
            )
            if isinstance(s.get("backlog_messages"), int)
        ]
        allowance = max(0.5, min(2.0, 2 * self.plan.p99_target_ms / 1000))
        keeps_sending = sent >= SUSTAIN_SHARE * phase.scheduled
        keeps_up = phase.received_at_end >= sent - phase.rate * allowance
        delivered = received >= SUSTAIN_SHARE * sent
        sustained = keeps_sending and keeps_up and delivered and not phase.stopped_early
        result = PhaseResult(
            name=phase.name,
            kind=phase.kind,
            target_rate_msg_per_s=phase.rate,
            duration_s=phase.duration_s,
            scheduled=phase.scheduled,
            sent=sent,
            received=received,
            deliveries=deliveries,
            send_rate_msg_per_s=round(sent / send_span, 1),
            throughput_msg_per_s=round(received / recv_span, 1),
            latency_ms=LatencyMs(**latency.summary_ms(phase.hist)),
            send_lag_ms=LatencyMs(**latency.summary_ms(phase.lag)),
            publish_latency_ms=LatencyMs(**latency.summary_ms(phase.ack)),
            censored=phase.censored,
            backlog_max_messages=max(backlogs) if backlogs else None,
            producer_cpu=self._cpu_fraction(phase, "producer"),
            consumer_cpu=self._cpu_fraction(phase, "consumer"),
            machine_cpu=machine,
            sustained=sustained,
            stopped_early=phase.stopped_early,
        )
        limiter, figure = classify_limit(
            result, keeps_sending=keeps_sending, cores=os.cpu_count() or 1
        )
        return result.model_copy(update={"limited_by": limiter, "limit_figure": figure})

    def _final_accounting(self) -> tuple[int, int, int, int, OrderingResult]:
        """(received by every receiver, lost, unconfirmed, duplicates, ordering) from the
        workers' final reports; never-received messages go into their phase's histogram."""
        finals = [p.final or {} for p in self.producers]
        failed = {p.index: _bits((p.final or {}).get("failed", [])) for p in self.producers}
        sent = sum(int(f.get("sent", 0)) for f in finals)
        acked = sum(int(f.get("acked", 0)) for f in finals)
        failures = sum(int(f.get("failures", 0)) for f in finals)
        unconfirmed = max(0, sent - acked - failures)
        groups = self.plan.receivers
        merged: list[dict[int, int]] = [{} for _ in range(groups)]
        duplicates = inversions = split = 0
        key_owners: list[dict[int, int]] = [{} for _ in range(groups)]
        for consumer in self.consumers:
            final = consumer.final
            if final is None:
                continue
            group = int(final.get("group", consumer.group))
            duplicates += int(final.get("duplicates", 0))
            inversions += int(final.get("inversions", 0))
            for producer, bitmap in final.get("bitmaps", {}).items():
                value = int.from_bytes(bitmap, "little")
                merged[group][int(producer)] = merged[group].get(int(producer), 0) | value
            for key in final.get("keys", []):
                key_owners[group][key] = key_owners[group].get(key, 0) + 1
        for owners in key_owners:
            split += sum(1 for n in owners.values() if n > 1)
        received_each = [sum(v.bit_count() for v in m.values()) for m in merged]
        received = min(received_each, default=0)
        missing_each = [0] * groups
        budget = MAX_CENSORED_EXACT
        for phase in self.phases.values():
            for producer, done in phase.done.items():
                first, count = int(done["first_seq"]), int(done["sent"])
                unsent = max(0, int(done["scheduled"]) - count)
                span = ((1 << count) - 1) << first
                for group in range(groups):
                    have = merged[group].get(producer, 0) & span
                    gaps = span & ~have
                    # Loss counts what the broker took; the latency counts every message the
                    # schedule wanted delivered, failed or never sent ones included (a stalled
                    # broker must not flatter the percentiles).
                    missing_each[group] += (gaps & ~failed.get(producer, 0)).bit_count()
                    n = gaps.bit_count() + unsent
                    if not n or self.cancelled:  # a cancelled run stopped them on purpose
                        continue
                    phase.censored += n
                    budget = _censor(phase, done, gaps, first, self.give_up_ns, budget)
        missing = max(missing_each, default=0)
        lost = max(0, missing - unconfirmed)
        checked = self.plan.ordering is not Ordering.NONE
        ordering = OrderingResult(checked=checked, inversions=inversions, split_keys=split)
        del acked
        return received, lost, unconfirmed, duplicates, ordering

    def _result(self) -> LoadTestResult:
        finals_ok = all(c.final for c in self.consumers) and all(p.final for p in self.producers)
        received, lost, unconfirmed, duplicates, ordering = (
            0,
            0,
            0,
            0,
            OrderingResult(checked=False),
        )
        if self.consumers and finals_ok:
            received, lost, unconfirmed, duplicates, ordering = self._final_accounting()
        elif self.phases:
            self.notes.append(tr("not every worker reported at the end: loss was not counted"))
        # Rebuild the phase results: never-received messages are now in the histograms.
        by_name = {r.name: r for r in self.results}
        rebuilt = [
            self._phase_result(p) if p.name in by_name else None for p in self.phases.values()
        ]
        self.results = [r for r in rebuilt if r is not None]
        if self.saturation.steps:
            steps = {p.name: p for p in self.phases.values()}
            self.saturation = self.saturation.model_copy(
                update={"steps": [self._phase_result(steps[s.name]) for s in self.saturation.steps]}
            )
        headline = next((r for r in self.results if r.kind is PhaseKind.PEAK), None)
        headline = headline or (self.results[-1] if self.results else None)
        finals = [p.final or p.tick for p in self.producers]
        sent = sum(int(f.get("sent", 0)) for f in finals)
        acknowledged = sum(int(f.get("acked", 0)) for f in finals)
        failures = sum(int(f.get("failures", 0)) for f in finals)
        reported = _peaks(self.monitor.samples if self.monitor else [])
        if self.monitor is not None and self.monitor.error:
            self.notes.append(tr("broker samples: {error}", error=self.monitor.error))
        result = LoadTestResult(
            target=self.target.display_url,
            broker=self.target.broker,
            run_id=self.run_id,
            started_at=self.started_at,
            duration_s=round(self.elapsed(), 2),
            plan=self.plan,
            server=self.server,
            environment=Environment(
                machine=f"{platform.system()} {platform.machine()}",
                cores=os.cpu_count() or 1,
                loopback=all(is_loopback(e.host) for e in self.target.endpoints),
                client=client_text(self.target.broker),
                python=platform.python_version(),
            ),
            headline_phase=headline.name if headline else "",
            sent=sent,
            acknowledged=acknowledged,
            failed_publishes=failures,
            received=received,
            lost=lost,
            unconfirmed=unconfirmed,
            duplicates=duplicates,
            throughput_msg_per_s=headline.throughput_msg_per_s if headline else 0.0,
            latency_ms=headline.latency_ms if headline else LatencyMs(),
            ordering=ordering,
            phases=self.results,
            saturation=self.saturation,
            broker_reported=reported,
            errors=self.errors,
            cancelled=self.cancelled,
            cleanup=self.cleanup,
            notes=self.plan.delivery.notes + self.notes,
        )
        from advisor.loadtest import verdicts

        result.verdicts = verdicts.judge(result, self.workload)
        return result


def _bits(seqs: list[int]) -> int:
    """A set of sequence numbers as an int bitmap."""
    if not seqs:
        return 0
    bitmap = bytearray(max(seqs) // 8 + 1)
    for seq in seqs:
        bitmap[seq >> 3] |= 1 << (seq & 7)
    return int.from_bytes(bitmap, "little")


def _censor(
    phase: _Phase, done: dict[str, Any], gaps: int, first: int, give_up_ns: int, budget: int
) -> int:
    """Record never-received messages (gaps in the sent ones, then the never sent) in the
    phase's histogram at the time they had waited when the test gave up."""
    start_ns, interval = int(done["start_ns"]), float(done["interval_ns"])
    sent, scheduled = int(done["sent"]), int(done["scheduled"])
    n = gaps.bit_count() + max(0, scheduled - sent)
    if n > budget:  # too many to place one by one: all at the least any of them waited
        last_intended = start_ns + int((scheduled - 1) * interval)
        latency.record_ns(phase.hist, max(0, give_up_ns - last_intended), n)
        return budget
    for index in range(sent, scheduled):
        latency.record_ns(phase.hist, max(0, give_up_ns - (start_ns + int(index * interval))))
    if not gaps:
        return budget - n
    raw = (gaps >> first).to_bytes((int(done["sent"]) + 7) // 8 + 1, "little")
    for byte_index, byte in enumerate(raw):
        if not byte:
            continue
        for bit in range(8):
            if byte & (1 << bit):
                index = byte_index * 8 + bit
                intended = start_ns + int(index * interval)
                latency.record_ns(phase.hist, max(0, give_up_ns - intended))
    return budget - n


def _peaks(samples: list[tuple[float, dict[str, Any]]]) -> dict[str, Any]:
    """Highest value of each number, and whether each flag was ever set, over the samples."""
    out: dict[str, Any] = {}
    for _when, sample in samples:
        for key, value in sample.items():
            if isinstance(value, bool):
                out[key] = bool(out.get(key)) or value
            elif isinstance(value, int | float):
                out[key] = max(out.get(key, value), value)
            elif value is not None:
                out[key] = value
    if samples:
        out["samples"] = len(samples)
    return out


def classify_limit(phase: PhaseResult, *, keeps_sending: bool, cores: int) -> tuple[Limiter, str]:
    """What held a phase back, and the figure that shows it; (NONE, "") when it kept up."""
    if phase.sustained:
        return Limiter.NONE, ""
    target = phase.target_rate_msg_per_s
    backlog = phase.backlog_max_messages
    quiet_broker = backlog is None or backlog <= max(100, int(0.05 * target))
    machine = phase.machine_cpu
    busy_machine = machine is not None and machine >= MACHINE_BUSY
    queue_text = (
        tr("the broker's backlog stayed at {count} messages", count=f"{backlog:,}")
        if backlog is not None
        else tr("the broker's backlog was not reported")
    )

    def machine_bound(head: str) -> str:
        return tr(
            "{head}; this machine's {cores} cores were {busy} busy, shared by the broker and the "
            "load generator",
            head=head,
            cores=cores,
            busy=f"{machine or 0:.0%}",
        )

    if not keeps_sending:
        head = tr(
            "the producers sent {sent} of {target} msg/s (schedule {lag} ms behind at p99)",
            sent=f"{phase.send_rate_msg_per_s:,.0f}",
            target=f"{target:,.0f}",
            lag=f"{phase.send_lag_ms.p99:,.0f}",
        )
        if phase.producer_cpu >= GENERATOR_BUSY and quiet_broker:
            return (
                Limiter.LOAD_GENERATOR,
                tr(
                    "{head} with a producer process at {cpu} of a core, while {queue}: the load "
                    "generator is the limit, not the broker",
                    head=head,
                    cpu=f"{phase.producer_cpu:.0%}",
                    queue=queue_text,
                ),
            )
        if busy_machine:
            return Limiter.MACHINE, machine_bound(head)
        return (
            Limiter.BROKER,
            tr(
                "{head} with the producers at only {cpu} of a core: publishing waited on the "
                "broker",
                head=head,
                cpu=f"{phase.producer_cpu:.0%}",
            ),
        )
    received = tr(
        "the receivers got {received} of {target} msg/s",
        received=f"{phase.throughput_msg_per_s:,.0f}",
        target=f"{target:,.0f}",
    )
    if backlog is not None:
        received = tr(
            "{received} and the backlog reached {count} messages",
            received=received,
            count=f"{backlog:,}",
        )
    head = received
    if phase.stopped_early:
        head += tr("; ") + phase.stopped_early
    if phase.consumer_cpu >= GENERATOR_BUSY:
        return (
            Limiter.LOAD_GENERATOR,
            tr(
                "{head}, with a consumer process at {cpu} of a core: the load generator's "
                "consumers are the limit, not the broker",
                head=head,
                cpu=f"{phase.consumer_cpu:.0%}",
            ),
        )
    if busy_machine:
        return Limiter.MACHINE, machine_bound(head)
    return (
        Limiter.BROKER,
        tr(
            "{head} while the consumers used only {cpu} of a core: the broker did not deliver "
            "faster",
            head=head,
            cpu=f"{phase.consumer_cpu:.0%}",
        ),
    )


def run_loadtest(
    target: ProbeTarget,
    workload: Workload,
    *,
    duration_s: float = plan.DEFAULT_DURATION_S,
    rate: plan.RateChoice | None = None,
    producers: int = 1,
    cancel: threading.Event | None = None,
    allow_remote: bool = False,
    recommendation: Recommendation | None = None,
    ramp: bool | None = None,
    timeout_s: float = 2.0,
) -> Generator[LoadEvent, None, LoadTestResult]:
    """Load-test one target with the workload; yields progress, returns the result.

    Raises LoadTestRefusedError before touching the broker when a target (or, for Kafka, an address
    the cluster advertises) is not loopback and allow_remote is False.
    """
    if not math.isfinite(duration_s) or duration_s <= 0:
        raise LoadTestRefusedError(
            tr(
                "the duration must be a positive number of seconds ({value})",
                value=repr(duration_s),
            )
        )
    if not allow_remote:
        refuse_remote([e.host for e in target.endpoints], N_("the target"))
        if target.management_url:
            from urllib.parse import urlsplit

            refuse_remote(
                [urlsplit(target.management_url).hostname or ""], N_("the management URL")
            )
    if recommendation is None:
        from advisor import engine

        recommendation = engine.recommend(workload, what_if=False)
    load_plan = plan.make_plan(
        workload,
        target.broker,
        recommendation=recommendation,
        duration_s=duration_s,
        rate=rate,
        producers=producers,
        ramp=ramp,
    )
    master = None
    if "sentinel" in target.scheme:
        master = discover_master(target, timeout_s)
        if not allow_remote:
            refuse_remote([master[0]], N_("the master the Sentinels name,"))
    run = _Run(
        target, workload, load_plan, cancel or threading.Event(), allow_remote, timeout_s, master
    )
    return (yield from run.execute())


drain = probe_runner.drain  # one driver loop for every generator that reports events


def loadtest(
    target: ProbeTarget,
    workload: Workload,
    *,
    on_event: Callable[[LoadEvent], None] | None = None,
    **options: Any,
) -> LoadTestResult:
    """Load-test one target and return the result (events go to on_event, if given)."""
    return drain(run_loadtest(target, workload, **options), on_event)
