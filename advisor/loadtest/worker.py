"""The load generator's worker processes: an open-loop producer and a recording consumer.

The loops (`run_producer`, `run_consumer`) take any `Producer`/`Consumer` and any queue-like
command and report channels, so tests drive them in threads with fakes; `producer_main` and
`consumer_main` are the process entry points the runner spawns.

Reports a worker puts on its report queue (tuples, first item the kind):

    ("ready", role, worker)
    ("tick", role, worker, data)         # every TICK_S: counters, encoded interval histograms
    ("phase_done", "producer", worker, data)
    ("final", role, worker, data)        # counters, and for consumers what they received
    ("error", role, worker, text)        # the worker could not start or stopped on an error
"""

from __future__ import annotations

import gc
import os
import queue
import signal
import sys
import time
import traceback
from collections.abc import Callable
from typing import Any, Protocol

from advisor.loadtest import latency, schedule
from advisor.loadtest.drivers.base import Consumer, DriverSpec, Producer, describe

TICK_S = 0.25
MAX_BATCH = 2_000
RECEIVE_WAIT_S = 0.05
# Between sends the producer wakes at least this often to handle acknowledgements (pika and
# confluent-kafka serve them when polled; confluent-kafka's blocking poll spins a core).
MAX_SLEEP_S = 0.002
# Sleeps wake late by the timer slack (50 µs by default on Linux; producers lower it to 1 µs)
# plus the scheduler's delay: the last stretch before a send is spun, so the generator's own
# lateness stays out of the broker's latency without burning a core between sends.
SPIN_S = 0.00005
TIMER_SLACK_NS = 1_000


class Flag(Protocol):
    def is_set(self) -> bool: ...


class Reports(Protocol):
    def put(self, item: Any) -> None: ...


class Commands(Protocol):
    def get(self, block: bool = True, timeout: float | None = None) -> Any: ...


Clock = Callable[[], int]


def phase_command(
    phase: int,
    share: schedule.ProducerShare,
    end_ns: int,
    mix: schedule.SizeMix,
    keyed: bool,
) -> dict[str, Any]:
    """The command that starts a constant-rate phase in one producer."""
    return {
        "phase": phase,
        "rate": share.rate_msg_per_s,
        "start_ns": share.start_ns,
        "count": share.count,
        "end_ns": end_ns,
        "small": mix.small_bytes,
        "large": mix.large_bytes,
        "large_every": mix.large_every,
        "keyed": keyed,
    }


class _ProducerLoop:
    def __init__(
        self,
        producer: Producer,
        worker: int,
        reports: Reports,
        cancel: Flag,
        clock: Clock,
        alive: Callable[[], bool],
        stop_phase: Flag | None,
    ) -> None:
        self.stop_phase = stop_phase
        self.producer = producer
        self.worker = worker
        self.reports = reports
        self.cancel = cancel
        self.clock = clock
        self.alive = alive
        self.seq = 0
        self.sent = 0
        self.phase = 0
        self.lag = latency.new()
        self.next_tick = time.monotonic() + TICK_S
        self.body = os.urandom(1024)

    def tick(self, force: bool = False) -> None:
        now = time.monotonic()
        if not force and now < self.next_tick:
            return
        self.next_tick = now + TICK_S
        self.producer.poll()
        data = {
            "phase": self.phase,
            "sent": self.sent,
            "acked": self.producer.acked,
            "failures": self.producer.failures,
            "lag": latency.encode(self.lag),
            "ack": latency.encode(self.producer.ack_latency),
            "cpu_s": time.process_time(),
            "wall_s": now,
            "error": self.producer.last_error,
        }
        latency.clear(self.lag)
        latency.clear(self.producer.ack_latency)
        self.reports.put(("tick", "producer", self.worker, data))

    def _bodies(self, command: dict[str, Any]) -> tuple[bytes, bytes]:
        largest = max(command["small"], command["large"])
        if len(self.body) < largest:
            self.body = os.urandom(largest)
        head = schedule.HEADER_BYTES
        return self.body[: command["small"] - head], self.body[: command["large"] - head]

    def run_phase(self, command: dict[str, Any]) -> None:
        # No cyclic garbage collection while the schedule runs: a pass over the heap stops the
        # loop for a millisecond or more at random (sends measured 1.5-1.9 ms late at p99 at
        # 1,000 msg/s, 0.2-0.9 ms without). The loop makes no reference cycles, so memory
        # stays flat; what there is gets collected between phases.
        gc.disable()
        try:
            self._run_phase(command)
        finally:
            gc.enable()
            gc.collect()

    def _run_phase(self, command: dict[str, Any]) -> None:
        self.phase = phase = int(command["phase"])
        share = schedule.ProducerShare(command["rate"], command["start_ns"], command["count"])
        end_ns = int(command["end_ns"])
        small, large = self._bodies(command)
        large_every = int(command["large_every"])
        keyed = bool(command["keyed"])
        keys = schedule.ORDERING_KEYS
        first = self.seq
        done = 0
        pack = schedule.HEADER.pack
        magic, version, me = schedule.MAGIC, schedule.VERSION, self.worker
        stop_phase = self.stop_phase
        while done < share.count and not self.cancel.is_set():
            if stop_phase is not None and stop_phase.is_set():
                break
            now = self.clock()
            if now >= end_ns:
                break
            due = share.due(now)
            if due > done:
                upto = min(due, done + MAX_BATCH)
                batch = []
                for index in range(done, upto):
                    seq = first + index
                    key = seq % keys if keyed else 0
                    body = large if large_every and seq % large_every == large_every - 1 else small
                    header = pack(magic, version, phase, me, seq, share.intended_ns(index), key)
                    batch.append((seq, key, header + body))
                try:
                    self.producer.send(batch)
                except Exception as error:  # counted as failed; the schedule goes on
                    self.producer.fail([m[0] for m in batch], describe(error))
                middle = share.intended_ns((done + upto - 1) // 2)
                latency.record_ns(self.lag, max(0, now - middle), upto - done)
                self.sent += upto - done
                done = upto
            else:
                self.producer.poll()
                wait_s = (share.intended_ns(done) - now) / schedule.NS_PER_S
                if wait_s > SPIN_S:  # wait (serving acks), waking a little early; then spin
                    self.producer.wait(min(wait_s - SPIN_S, MAX_SLEEP_S))
            self.tick()
            if not self.alive():
                break
        self.seq = first + done
        self.reports.put(
            (
                "phase_done",
                "producer",
                self.worker,
                {
                    "phase": phase,
                    "first_seq": first,
                    "sent": done,
                    "scheduled": share.count,
                    "start_ns": share.start_ns,
                    "interval_ns": share.interval_ns,
                    "ended_ns": self.clock(),
                },
            )
        )

    def final(self) -> None:
        self.tick(force=True)
        self.reports.put(
            (
                "final",
                "producer",
                self.worker,
                {
                    "sent": self.sent,
                    "next_seq": self.seq,
                    "acked": self.producer.acked,
                    "failures": self.producer.failures,
                    "failed": list(self.producer.failed),
                    "error": self.producer.last_error,
                },
            )
        )


def run_producer(
    producer: Producer,
    worker: int,
    commands: Commands,
    reports: Reports,
    cancel: Flag,
    *,
    clock: Clock = time.monotonic_ns,
    alive: Callable[[], bool] = lambda: True,
    flush_s: float = 2.0,
    stop_phase: Flag | None = None,
) -> None:
    """Run phases as commanded ({"phase": ...} dicts) until "stop", a cancel, or the parent
    goes away; then wait up to flush_s for acknowledgements and send the final report.
    `stop_phase`, when set, ends the current phase early (the runner's backlog cap)."""
    loop = _ProducerLoop(producer, worker, reports, cancel, clock, alive, stop_phase)
    reports.put(("ready", "producer", worker))
    while not cancel.is_set() and alive():
        try:
            command = commands.get(timeout=0.05)
        except queue.Empty:
            loop.tick()
            continue
        if command == "stop":
            break
        loop.run_phase(command)
    if not cancel.is_set():
        producer.flush(flush_s)
    loop.final()


class _Received:
    """What one consumer saw: per-phase latency and counts, who sent what, order and keys."""

    def __init__(self, check_order: bool) -> None:
        self.check_order = check_order
        self.hists: dict[int, Any] = {}
        self.counts: dict[int, int] = {}
        self.bitmaps: dict[int, bytearray] = {}
        self.duplicates = 0
        self.inversions = 0
        self.foreign = 0
        self.last_seq: dict[int, int] = {}
        self.keys: set[int] = set()
        self.total = 0
        self.last_ns: dict[int, int] = {}

    def add(self, payloads: list[bytes], now_ns: int) -> None:
        unpack = schedule.HEADER.unpack_from
        magic, version = schedule.MAGIC, schedule.VERSION
        highest = latency.HIGHEST_US
        for payload in payloads:
            if len(payload) < schedule.HEADER_BYTES:
                self.foreign += 1
                continue
            mark, ver, phase, producer, seq, intended, key = unpack(payload, 0)
            if mark != magic or ver != version:
                self.foreign += 1
                continue
            bitmap = self.bitmaps.get(producer)
            if bitmap is None:
                bitmap = self.bitmaps[producer] = bytearray(4096)
            index, bit = seq >> 3, 1 << (seq & 7)
            if index >= len(bitmap):
                bitmap.extend(bytes(max(index + 1 - len(bitmap), len(bitmap))))
            if bitmap[index] & bit:
                self.duplicates += 1
                continue
            bitmap[index] |= bit
            self.total += 1
            hist = self.hists.get(phase)
            if hist is None:
                hist = self.hists[phase] = latency.new()
                self.counts[phase] = 0
            self.counts[phase] += 1
            self.last_ns[phase] = now_ns
            hist.record_value(min(highest, max(1, (now_ns - intended) // 1000)))
            if self.check_order:
                stream = (producer << 32) | key
                self.keys.add(stream)
                if seq < self.last_seq.get(stream, -1):
                    self.inversions += 1
                else:
                    self.last_seq[stream] = seq

    def interval(self) -> dict[str, Any]:
        """Counts and encoded histograms since the last call (then reset)."""
        out = {
            "received": dict(self.counts),
            "hist": {p: latency.encode(h) for p, h in self.hists.items() if self.counts.get(p)},
            "last_ns": {p: self.last_ns[p] for p, n in self.counts.items() if n},
        }
        for phase, hist in self.hists.items():
            if self.counts.get(phase):
                latency.clear(hist)
                self.counts[phase] = 0
        return out


def run_consumer(
    consumer: Consumer,
    worker: int,
    group: int,
    reports: Reports,
    stop: Flag,
    *,
    check_order: bool = False,
    clock: Clock = time.monotonic_ns,
    alive: Callable[[], bool] = lambda: True,
) -> None:
    """Receive and record until `stop`; report ticks, then the final state."""
    seen = _Received(check_order)
    ready = False
    next_tick = time.monotonic() + TICK_S

    def tick() -> None:
        data = seen.interval()
        data.update(
            cpu_s=time.process_time(),
            wall_s=time.monotonic(),
            errors=consumer.errors,
            error=consumer.last_error,
            group=group,
        )
        reports.put(("tick", "consumer", worker, data))

    while not stop.is_set() and alive():
        if not ready:
            ready = consumer.ready()
            if ready:
                reports.put(("ready", "consumer", worker))
            else:
                time.sleep(0.01)
            continue
        payloads = consumer.receive(RECEIVE_WAIT_S)
        if payloads:
            seen.add(payloads, clock())
        if time.monotonic() >= next_tick:
            next_tick = time.monotonic() + TICK_S
            tick()
    tick()
    reports.put(
        (
            "final",
            "consumer",
            worker,
            {
                "group": group,
                "bitmaps": {p: bytes(b) for p, b in seen.bitmaps.items()},
                "duplicates": seen.duplicates,
                "inversions": seen.inversions,
                "foreign": seen.foreign,
                "keys": sorted(seen.keys),
                "received": seen.total,
                "errors": consumer.errors,
                "error": consumer.last_error,
            },
        )
    )


def _precise_timers() -> None:
    """Lower this process's timer slack (Linux prctl), so a sleep ends when it should."""
    if not sys.platform.startswith("linux"):
        return
    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(29, TIMER_SLACK_NS, 0, 0, 0)  # PR_SET_TIMERSLACK
    except (OSError, AttributeError):
        pass


def _detach() -> Callable[[], bool]:
    """In a worker process: leave Ctrl-C to the runner, and notice when it goes away."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT})
    parent = os.getppid()
    return lambda: os.getppid() == parent


def producer_main(
    spec: DriverSpec,
    worker: int,
    commands: Commands,
    reports: Reports,
    cancel: Flag,
    stop_phase: Flag,
) -> None:
    """Process entry point of a producer."""
    from advisor.loadtest import drivers

    alive = _detach()
    _precise_timers()
    try:
        producer = drivers.load(spec.connection.broker).open_producer(spec, worker)
    except Exception as error:
        reports.put(("error", "producer", worker, describe(error)))
        return
    gc.collect()
    gc.freeze()  # what start-up made lives as long as the process: no collection looks at it
    try:
        run_producer(
            producer, worker, commands, reports, cancel, alive=alive, stop_phase=stop_phase
        )
    except Exception as error:
        reports.put(("error", "producer", worker, f"{describe(error)}\n{traceback.format_exc()}"))
    finally:
        producer.close()


def consumer_main(
    spec: DriverSpec,
    worker: int,
    group: int,
    index: int,
    reports: Reports,
    stop: Flag,
    check_order: bool,
) -> None:
    """Process entry point of a consumer."""
    from advisor.loadtest import drivers

    alive = _detach()
    try:
        consumer = drivers.load(spec.connection.broker).open_consumer(spec, group, index)
    except Exception as error:
        reports.put(("error", "consumer", worker, describe(error)))
        return
    try:
        run_consumer(consumer, worker, group, reports, stop, check_order=check_order, alive=alive)
    except Exception as error:
        reports.put(("error", "consumer", worker, f"{describe(error)}\n{traceback.format_exc()}"))
    finally:
        consumer.close()
